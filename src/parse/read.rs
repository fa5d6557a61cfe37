//! The entry point: sniff (or take) the format, refuse what is not a report, and hand the
//! bytes to the format's reader. Also the output types shared by every format.

use std::io::{BufRead, Cursor, Read};

use crate::model::FileCoverage;

use super::format::{DETECT_PREFIX_LEN, InputFormat, Sniffed, sniff};
use super::{ParseError, cobertura, lcov};

/// What a report holds, before paths are resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub format: InputFormat,
    /// Cobertura `<source>` roots, trimmed, in document order, junk included (`--source`,
    /// `$GOMODCACHE`); the resolver decides what they are worth. Empty for LCOV.
    pub sources: Vec<String>,
    /// One entry per distinct raw path, in order of first appearance: the path exactly as
    /// the report wrote it (only surrounding whitespace trimmed) and its merged coverage.
    pub files: Vec<(String, FileCoverage)>,
    /// Records that were skipped or doubtful, each naming what and where.
    pub warnings: Vec<ParseWarning>,
}

/// A bad record that was skipped (or a doubtful one that was kept), naming what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseWarning {
    /// 1-based line of the report, where known.
    pub line: Option<u64>,
    pub message: String,
}

impl std::fmt::Display for ParseWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Collects warnings, keeping the first [`Warnings::KEEP`] so that a report with a million
/// bad lines does not become a million strings; the rest are counted in a last warning.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    list: Vec<ParseWarning>,
    dropped: u64,
}

impl Warnings {
    pub(crate) const KEEP: usize = 200;

    pub(crate) fn push(&mut self, line: Option<u64>, message: impl FnOnce() -> String) {
        if self.list.len() < Self::KEEP {
            self.list.push(ParseWarning {
                line,
                message: message(),
            });
        } else {
            self.dropped += 1;
        }
    }

    pub(crate) fn finish(mut self) -> Vec<ParseWarning> {
        if self.dropped > 0 {
            self.list.push(ParseWarning {
                line: None,
                message: format!("{} more warnings like the ones above", self.dropped),
            });
        }
        self.list
    }
}

/// Reads one report. `name` is how errors and warnings name it (usually its path).
///
/// `format: None` detects the format from the first bytes (see [`detect`](super::detect));
/// `Some(f)` forces it, but a report that clearly is something else is refused with an error
/// naming both. Refused as a whole (never a partial result): an empty input, binary data
/// (a NUL byte in the first 8 KB), an unrecognised format, malformed or truncated XML, XML
/// without a `<coverage>` root, an LCOV file with no `SF:` record, I/O errors. Bad single
/// records are skipped with a [`ParseWarning`]; the format modules document each case.
pub fn parse(
    input: &mut dyn BufRead,
    name: &str,
    format: Option<InputFormat>,
) -> Result<Parsed, ParseError> {
    let prefix = read_prefix(input).map_err(|source| ParseError::Io {
        name: name.to_owned(),
        source,
    })?;
    if prefix.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty {
            name: name.to_owned(),
        });
    }
    if let Some(offset) = prefix.iter().position(|&b| b == 0) {
        return Err(ParseError::Binary {
            name: name.to_owned(),
            offset: offset as u64,
            byte: 0,
        });
    }
    let sniffed = sniff(&prefix);
    let format = match (format, sniffed) {
        (Some(forced), Sniffed::Known(seen)) if forced != seen => {
            return Err(mismatch(name, forced, seen.display_name()));
        }
        (Some(forced), Sniffed::Other(what)) => return Err(mismatch(name, forced, what)),
        (Some(InputFormat::Lcov), Sniffed::Xml) => {
            return Err(mismatch(name, InputFormat::Lcov, "XML"));
        }
        // XML of no known kind: the Cobertura reader names its root element in the error.
        (None, Sniffed::Xml) => InputFormat::Cobertura,
        (Some(forced), _) => forced,
        (None, Sniffed::Known(seen)) => seen,
        (None, Sniffed::Other(found)) => {
            return Err(ParseError::Unsupported {
                name: name.to_owned(),
                found,
            });
        }
        (None, Sniffed::Unknown) => {
            if let Some(offset) = prefix.iter().position(|&b| is_binary(b)) {
                return Err(ParseError::Binary {
                    name: name.to_owned(),
                    offset: offset as u64,
                    byte: prefix[offset],
                });
            }
            return Err(ParseError::Undetected {
                name: name.to_owned(),
            });
        }
    };
    let mut whole = Cursor::new(prefix).chain(input);
    match format {
        InputFormat::Cobertura => cobertura::read(&mut whole, name),
        InputFormat::Lcov => lcov::read(&mut whole, name),
    }
}

fn mismatch(name: &str, forced: InputFormat, found: &'static str) -> ParseError {
    ParseError::FormatMismatch {
        name: name.to_owned(),
        expected: forced.with_article(),
        found,
    }
}

/// Control bytes other than whitespace: a sign of binary data in a report that no format
/// recognised.
fn is_binary(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)
}

/// Takes up to [`DETECT_PREFIX_LEN`] bytes off `input`, however short its fills are.
fn read_prefix(input: &mut dyn BufRead) -> std::io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(DETECT_PREFIX_LEN);
    while prefix.len() < DETECT_PREFIX_LEN {
        let buf = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        let n = buf.len().min(DETECT_PREFIX_LEN - prefix.len());
        prefix.extend_from_slice(&buf[..n]);
        input.consume(n);
    }
    Ok(prefix)
}
