//! `ParseError`: why a report could not be read at all. Every variant names the input as the
//! caller called it (`name`) and, where it applies, the line (LCOV) or the byte offset and
//! line (XML) where reading stopped. Bad single records are not errors but
//! [`ParseWarning`](super::ParseWarning)s.

/// A report that covgit refuses to read. The CLI maps every variant to exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("could not read '{name}'")]
    Io {
        name: String,
        #[source]
        source: std::io::Error,
    },

    #[error("'{name}' is empty; expected a coverage report")]
    Empty { name: String },

    #[error(
        "'{name}' looks like binary data (byte {offset} is {byte:#04x}), not a coverage report"
    )]
    Binary { name: String, offset: u64, byte: u8 },

    #[error(
        "'{name}' is not a coverage report covgit can read (expected Cobertura, LCOV, JaCoCo, \
         Clover, a Go coverprofile, or coverage.py, llvm-cov, Istanbul or SimpleCov JSON)"
    )]
    Undetected { name: String },

    #[error("'{name}' looks like {found}, which covgit cannot read yet")]
    Unsupported { name: String, found: &'static str },

    #[error(
        "'{name}' is {what}, not a report; run `coverage xml` (or `coverage json`, `coverage \
         lcov`) first and record the file it writes"
    )]
    CoverageData {
        name: String,
        /// "coverage.py's data file" or "an `SQLite` database (coverage.py's `.coverage` data
        /// file?)".
        what: &'static str,
    },

    #[error(
        "'{name}' is an HTML page, a report for people to read; record a machine-readable \
         report instead: coverage.xml (`coverage xml`) or coverage.json (`coverage json`) from \
         coverage.py, or your tool's Cobertura or JaCoCo XML, LCOV or JSON output"
    )]
    HtmlReport { name: String },

    #[error(
        "'{name}' line {line} is longer than {limit} bytes; no {format} line is, so the \
         report is refused rather than read into memory"
    )]
    LineTooLong {
        name: String,
        line: u64,
        limit: usize,
        format: &'static str,
    },

    #[error("'{name}' does not look like {expected} report (it looks like {found})")]
    FormatMismatch {
        name: String,
        /// With its article: "a Cobertura", "an LCOV".
        expected: &'static str,
        found: &'static str,
    },

    #[error("'{name}' is not well-formed XML at line {line} (byte {offset})")]
    Xml {
        name: String,
        line: u64,
        offset: u64,
        #[source]
        source: quick_xml::Error,
    },

    #[error("'{name}' ends inside <{element}> (line {line}, byte {offset}); the XML is truncated")]
    TruncatedXml {
        name: String,
        element: String,
        line: u64,
        offset: u64,
    },

    #[error(
        "'{name}' has no <coverage> root element (found {found}); expected a Cobertura XML report"
    )]
    NoCoverageRoot {
        name: String,
        /// `<report>` or "no element at all".
        found: String,
    },

    #[error("'{name}' line {line}: the source path is not valid UTF-8")]
    NotUtf8 { name: String, line: u64 },

    #[error("'{name}' has no SF: record; expected an LCOV tracefile")]
    NoLcovRecords { name: String },

    #[error("'{name}' has no <{expected}> root element (found {found}); expected {format} report")]
    WrongRoot {
        name: String,
        /// `report` (`JaCoCo`) or `coverage` (Clover).
        expected: &'static str,
        /// With its article: "a `JaCoCo` XML".
        format: &'static str,
        /// `<html>` or "no element at all".
        found: String,
    },

    #[error(
        "'{name}' line {line}: expected a Go coverprofile's first line 'mode: set', 'mode: count' \
         or 'mode: atomic', found '{found}'"
    )]
    GoMode {
        name: String,
        line: u64,
        found: String,
    },

    #[error(
        "'{name}': its ranges cover more than {limit} lines in all; no real report does, so it \
         is refused rather than expanded"
    )]
    TooManyLines { name: String, limit: u64 },

    #[error("'{name}' is not readable as {expected} report at line {line}, column {column}")]
    Json {
        name: String,
        /// With its article: "an Istanbul", "a coverage.py JSON".
        expected: &'static str,
        line: u64,
        column: u64,
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
