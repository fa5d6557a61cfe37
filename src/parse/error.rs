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
