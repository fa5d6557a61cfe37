//! `ParseError`: why a report could not be read at all. Every variant names the input as the
//! caller called it (`name`) and, where it applies, the line (LCOV) or the byte offset and
//! line (XML) where reading stopped. Bad single records are not errors but
//! [`ParseWarning`](super::ParseWarning)s.

/// A report that covgit refuses to read. The CLI maps every variant to exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The input could not be read.
    #[error("could not read '{name}'")]
    Io {
        /// The input as the caller named it.
        name: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// The input holds nothing to read.
    #[error("'{name}' is empty; expected a coverage report")]
    Empty {
        /// The input as the caller named it.
        name: String,
    },

    /// The input holds a byte no text report holds.
    #[error(
        "'{name}' looks like binary data (byte {offset} is {byte:#04x}), not a coverage report"
    )]
    Binary {
        /// The input as the caller named it.
        name: String,
        /// The 0-based byte offset in the input.
        offset: u64,
        /// The byte found there.
        byte: u8,
    },

    /// The input is none of the formats covgit reads.
    #[error(
        "'{name}' is not a coverage report covgit can read (expected Cobertura, LCOV, JaCoCo, \
         Clover, a Go coverprofile, or coverage.py, llvm-cov, Istanbul or SimpleCov JSON)"
    )]
    Undetected {
        /// The input as the caller named it.
        name: String,
    },

    /// The input is a known coverage format that covgit does not read.
    #[error("'{name}' looks like {found}, which covgit cannot read yet")]
    Unsupported {
        /// The input as the caller named it.
        name: String,
        /// What the input looks like instead.
        found: &'static str,
    },

    /// The input is coverage.py's data file, not a report.
    #[error(
        "'{name}' is {what}, not a report; run `coverage xml` (or `coverage json`, `coverage \
         lcov`) first and record the file it writes"
    )]
    CoverageData {
        /// The input as the caller named it.
        name: String,
        /// "coverage.py's data file" or "an `SQLite` database (coverage.py's `.coverage` data
        /// file?)".
        what: &'static str,
    },

    /// The input is an HTML report.
    #[error(
        "'{name}' is an HTML page, a report for people to read; record a machine-readable \
         report instead: coverage.xml (`coverage xml`) or coverage.json (`coverage json`) from \
         coverage.py, or your tool's Cobertura or JaCoCo XML, LCOV or JSON output"
    )]
    HtmlReport {
        /// The input as the caller named it.
        name: String,
    },

    /// A line of a line-based format is over the length limit.
    #[error(
        "'{name}' line {line} is longer than {limit} bytes; no {format} line is, so the \
         report is refused rather than read into memory"
    )]
    LineTooLong {
        /// The input as the caller named it.
        name: String,
        /// The 1-based line of the input.
        line: u64,
        /// The limit that was passed.
        limit: usize,
        /// The format being read.
        format: &'static str,
    },

    /// The input is not of the format that was forced (`--input-format`).
    #[error("'{name}' does not look like {expected} report (it looks like {found})")]
    FormatMismatch {
        /// The input as the caller named it.
        name: String,
        /// With its article: "a Cobertura", "an LCOV".
        expected: &'static str,
        /// What the input looks like instead.
        found: &'static str,
    },

    /// The XML is not well-formed.
    #[error("'{name}' is not well-formed XML at line {line} (byte {offset})")]
    Xml {
        /// The input as the caller named it.
        name: String,
        /// The 1-based line of the input.
        line: u64,
        /// The 0-based byte offset in the input.
        offset: u64,
        /// The underlying error.
        #[source]
        source: quick_xml::Error,
    },

    /// The XML ends before its elements are closed.
    #[error("'{name}' ends inside <{element}> (line {line}, byte {offset}); the XML is truncated")]
    TruncatedXml {
        /// The input as the caller named it.
        name: String,
        /// The element left open.
        element: String,
        /// The 1-based line of the input.
        line: u64,
        /// The 0-based byte offset in the input.
        offset: u64,
    },

    /// The XML's root element is not Cobertura's `<coverage>`.
    #[error(
        "'{name}' has no <coverage> root element (found {found}); expected a Cobertura XML report"
    )]
    NoCoverageRoot {
        /// The input as the caller named it.
        name: String,
        /// `<report>` or "no element at all".
        found: String,
    },

    /// A source path is not UTF-8.
    #[error("'{name}' line {line}: the source path is not valid UTF-8")]
    NotUtf8 {
        /// The input as the caller named it.
        name: String,
        /// The 1-based line of the input.
        line: u64,
    },

    /// The input has no LCOV `SF:` record.
    #[error("'{name}' has no SF: record; expected an LCOV tracefile")]
    NoLcovRecords {
        /// The input as the caller named it.
        name: String,
    },

    /// The XML's root element is not the one its format has.
    #[error("'{name}' has no <{expected}> root element (found {found}); expected {format} report")]
    WrongRoot {
        /// The input as the caller named it.
        name: String,
        /// `report` (`JaCoCo`) or `coverage` (Clover).
        expected: &'static str,
        /// With its article: "a `JaCoCo` XML".
        format: &'static str,
        /// `<html>` or "no element at all".
        found: String,
    },

    /// The first line is not a Go coverprofile's `mode:` line.
    #[error(
        "'{name}' line {line}: expected a Go coverprofile's first line 'mode: set', 'mode: count' \
         or 'mode: atomic', found '{found}'"
    )]
    GoMode {
        /// The input as the caller named it.
        name: String,
        /// The 1-based line of the input.
        line: u64,
        /// What the input looks like instead.
        found: String,
    },

    /// The report's line ranges add up to more lines than any real report.
    #[error(
        "'{name}': its ranges cover more than {limit} lines in all; no real report does, so it \
         is refused rather than expanded"
    )]
    TooManyLines {
        /// The input as the caller named it.
        name: String,
        /// The limit that was passed.
        limit: u64,
    },

    /// The JSON is malformed or not of the expected shape.
    #[error("'{name}' is not readable as {expected} report at line {line}, column {column}")]
    Json {
        /// The input as the caller named it.
        name: String,
        /// With its article: "an Istanbul", "a coverage.py JSON".
        expected: &'static str,
        /// The 1-based line of the input.
        line: u64,
        /// The 1-based column on that line.
        column: u64,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
}

impl ParseError {
    /// The input the error is about, as the caller named it.
    pub fn input_name(&self) -> &str {
        match self {
            Self::Io { name, .. }
            | Self::Empty { name }
            | Self::Binary { name, .. }
            | Self::Undetected { name }
            | Self::Unsupported { name, .. }
            | Self::FormatMismatch { name, .. }
            | Self::CoverageData { name, .. }
            | Self::HtmlReport { name }
            | Self::LineTooLong { name, .. }
            | Self::Xml { name, .. }
            | Self::TruncatedXml { name, .. }
            | Self::NoCoverageRoot { name, .. }
            | Self::NotUtf8 { name, .. }
            | Self::NoLcovRecords { name }
            | Self::WrongRoot { name, .. }
            | Self::GoMode { name, .. }
            | Self::TooManyLines { name, .. }
            | Self::Json { name, .. } => name,
        }
    }
}

/// The longest source path a report may name, in bytes (as `PATH_MAX` on Linux).
pub const MAX_PATH_BYTES: usize = 4096;

/// The warning for a record whose source path is longer than [`MAX_PATH_BYTES`] (grcov
/// writes Firefox's `data:` URLs as paths): it is skipped, and the message quotes only the
/// path's first bytes.
pub(crate) fn path_too_long(path: &[u8]) -> String {
    let start = String::from_utf8_lossy(&path[..path.len().min(60)]);
    format!(
        "a source path of {} bytes ('{}…') is longer than the {MAX_PATH_BYTES} covgit takes; \
         its record is skipped",
        path.len(),
        start.trim_end_matches('\u{fffd}')
    )
}
