//! The entry point: sniff (or take) the format, refuse what is not a report, and hand the
//! bytes to the format's reader. Also the output types shared by every format.

use std::io::{BufRead, BufReader, Cursor, Read};

use crate::model::FileCoverage;

use super::error::{MAX_PATH_BYTES, path_too_long};
use super::format::{DETECT_PREFIX_LEN, InputFormat, Sniffed, sniff};
use super::source::{Range, ReadAt, read_full};
use super::{
    ParseError, clover, cobertura, coveragepy_json, gocover, istanbul, jacoco, lcov, llvm_json,
    simplecov,
};

/// What a report holds, before paths are resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The format the report was read as.
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
    /// What was wrong, in one sentence.
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

    /// Takes `later`'s warnings after these, as if one reader had met them all: the first
    /// [`Warnings::KEEP`] in order are kept. `lines_before` is added to their lines (`later`
    /// read a part of the report that starts on that many lines).
    pub(crate) fn append(&mut self, later: Warnings, lines_before: u64) {
        for w in later.list {
            self.push(w.line.map(|l| l + lines_before), || w.message);
        }
        self.dropped += later.dropped;
    }

    pub(crate) fn finish(mut self) -> Vec<ParseWarning> {
        if self.dropped > 0 {
            self.list.push(ParseWarning {
                line: None,
                message: format!(
                    "{} like the ones above",
                    crate::model::count(self.dropped, "more warning", "more warnings")
                ),
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
/// (a NUL byte in the first 8 KB, or control bytes in a report of no known format; later
/// binary data fails XML's UTF-8 check or LCOV's line syntax), an unrecognised format, malformed or truncated XML, XML
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
    let format = decide(&prefix, name, format)?;
    let mut whole = Cursor::new(prefix).chain(input);
    read_as(format, &mut whole, name).map(bounded_paths)
}

/// Skips, with a warning, each file whose path is longer than [`MAX_PATH_BYTES`] (the
/// line-based readers skip it where they meet it, with its line).
fn bounded_paths(mut parsed: Parsed) -> Parsed {
    if parsed.files.iter().any(|(p, _)| p.len() > MAX_PATH_BYTES) {
        let mut long = Vec::new();
        parsed.files.retain(|(p, _)| {
            let keep = p.len() <= MAX_PATH_BYTES;
            if !keep {
                long.push(path_too_long(p.as_bytes()));
            }
            keep
        });
        parsed
            .warnings
            .extend(long.into_iter().map(|message| ParseWarning {
                line: None,
                message,
            }));
    }
    parsed
}

/// [`parse`] for a report already in memory: the same result, warnings and errors. A large
/// Cobertura report is read in parts on up to `threads` threads.
pub fn parse_bytes(
    data: &[u8],
    name: &str,
    format: Option<InputFormat>,
    threads: usize,
) -> Result<Parsed, ParseError> {
    parse_at(data, data.len() as u64, name, format, threads)
}

/// [`parse`] for a report that can be read at offsets (a file), of `len` bytes: the same
/// result, warnings and errors. A large Cobertura report is read in parts on up to `threads`
/// threads, each reading its own bytes, so memory does not grow with the report's size.
pub fn parse_at<R: ReadAt + ?Sized>(
    src: &R,
    len: u64,
    name: &str,
    format: Option<InputFormat>,
    threads: usize,
) -> Result<Parsed, ParseError> {
    let io = |source| ParseError::Io {
        name: name.to_owned(),
        source,
    };
    let mut prefix = vec![0_u8; DETECT_PREFIX_LEN];
    let n = read_full(src, &mut prefix, 0).map_err(io)?;
    prefix.truncate(n);
    let format = decide(&prefix, name, format)?;
    let parsed = match format {
        InputFormat::Cobertura => cobertura::read_at(src, len, name, threads),
        _ => read_as(
            format,
            &mut BufReader::new(Range::new(src, 0, u64::MAX)),
            name,
        ),
    }?;
    Ok(bounded_paths(parsed))
}

fn read_as(
    format: InputFormat,
    input: &mut impl BufRead,
    name: &str,
) -> Result<Parsed, ParseError> {
    match format {
        InputFormat::Cobertura => cobertura::read(input, name),
        InputFormat::Lcov => lcov::read(input, name),
        InputFormat::JaCoCo => jacoco::read(input, name),
        InputFormat::Clover => clover::read(input, name),
        InputFormat::Go => gocover::read(input, name),
        InputFormat::CoveragePyJson => coveragepy_json::read(input, name),
        InputFormat::LlvmCovJson => llvm_json::read(input, name),
        InputFormat::Istanbul => istanbul::read(input, name),
        InputFormat::SimpleCov => simplecov::read(input, name),
    }
}

/// The report's format, from its first bytes and what the user forced; the refusals that
/// need no more than those bytes.
fn decide(
    prefix: &[u8],
    name: &str,
    format: Option<InputFormat>,
) -> Result<InputFormat, ParseError> {
    // Before the NUL test: coverage.py's data file is SQLite, binary from byte 15 on.
    if let Some(what) = coverage_data(prefix) {
        return Err(ParseError::CoverageData {
            name: name.to_owned(),
            what,
        });
    }
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
    let sniffed = sniff(prefix);
    Ok(match (format, sniffed) {
        (None, Sniffed::Html) => {
            return Err(ParseError::HtmlReport {
                name: name.to_owned(),
            });
        }
        (Some(forced), Sniffed::Known(seen)) if forced != seen => {
            return Err(mismatch(name, forced, seen.display_name()));
        }
        (Some(forced), Sniffed::Other(what)) => return Err(mismatch(name, forced, what)),
        // Forced on an HTML page: as on any other XML, the reader names its root.
        (Some(forced), Sniffed::Xml | Sniffed::Html)
            if matches!(forced, InputFormat::Lcov | InputFormat::Go) || forced.is_json() =>
        {
            return Err(mismatch(name, forced, "XML"));
        }
        (Some(forced), Sniffed::Json) if !forced.is_json() => {
            return Err(mismatch(name, forced, "JSON"));
        }
        (None, Sniffed::Json) => {
            return Err(ParseError::Undetected {
                name: name.to_owned(),
            });
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
    })
}

/// What a coverage.py data file (`.coverage`) is, from its first bytes: `SQLite` since
/// coverage.py 5, a JSON blob behind a warning line before.
fn coverage_data(prefix: &[u8]) -> Option<&'static str> {
    if prefix.starts_with(b"!coverage.py: This is a private format") {
        Some("coverage.py's data file")
    } else if prefix.starts_with(b"SQLite format 3\0") {
        Some("an SQLite database (coverage.py's `.coverage` data file?)")
    } else {
        None
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
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f
}

/// Takes up to [`DETECT_PREFIX_LEN`] bytes off `input`, however short its fills are.
fn read_prefix(input: &mut dyn BufRead) -> std::io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(DETECT_PREFIX_LEN);
    input
        .take(DETECT_PREFIX_LEN as u64)
        .read_to_end(&mut prefix)?;
    Ok(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(bytes: &[u8], name: &str, format: Option<InputFormat>) -> Result<Parsed, ParseError> {
        parse(&mut &bytes[..], name, format)
    }

    fn err(bytes: &[u8], name: &str, format: Option<InputFormat>) -> String {
        let e = run(bytes, name, format).expect_err("should be refused");
        assert_eq!(e.input_name(), name);
        e.to_string()
    }

    #[test]
    fn empty_inputs_are_refused() {
        for bytes in [&b""[..], b"\n  \r\n\t"] {
            assert_eq!(
                err(bytes, "cov/empty.xml", None),
                "'cov/empty.xml' is empty; expected a coverage report"
            );
            assert!(matches!(
                run(bytes, "x", Some(InputFormat::Lcov)),
                Err(ParseError::Empty { .. })
            ));
        }
    }

    #[test]
    fn binary_data_is_refused() {
        let gz = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xed\x9d";
        assert_eq!(
            err(gz, "coverage.xml.gz", None),
            "'coverage.xml.gz' looks like binary data (byte 3 is 0x00), not a coverage report"
        );
        assert!(matches!(
            run(gz, "c.gz", Some(InputFormat::Cobertura)),
            Err(ParseError::Binary { offset: 3, .. })
        ));
        let no_nul = b"\x7fELF\x02\x01\x01\x03";
        assert_eq!(
            err(no_nul, "a.out", None),
            "'a.out' looks like binary data (byte 0 is 0x7f), not a coverage report"
        );
        // Binary data after the sniffed prefix still cannot pass: XML must be UTF-8.
        let mut late = b"<?xml version=\"1.0\"?>\n<coverage>\n".to_vec();
        late.extend(std::iter::repeat_n(b' ', DETECT_PREFIX_LEN));
        late.extend(b"<packages>\xff\xfe\x00\x9c</packages></coverage>");
        assert!(matches!(
            run(&late, "late.xml", None),
            Err(ParseError::Xml { .. })
        ));
    }

    #[test]
    fn unknown_and_unsupported_formats_are_refused() {
        assert_eq!(
            err(b"hello world\n", "notes.txt", None),
            "'notes.txt' is not a coverage report covgit can read (expected Cobertura, LCOV, JaCoCo, \
             Clover, a Go coverprofile, or coverage.py, llvm-cov, Istanbul or SimpleCov JSON)"
        );
        assert_eq!(
            err(b"GROUP,PACKAGE,CLASS,LINE_MISSED\n", "jacoco.csv", None),
            "'jacoco.csv' looks like JaCoCo CSV, which covgit cannot read yet"
        );
        assert_eq!(
            run(b"mode: set\nx.go:1.1,2.2 1 1\n", "c.out", None)
                .unwrap()
                .format,
            InputFormat::Go
        );
    }

    #[test]
    fn a_forced_format_that_does_not_fit_is_refused_naming_both() {
        let lcov = b"TN:\nSF:a.c\nDA:1,1\nend_of_record\n";
        assert_eq!(
            err(lcov, "x.info", Some(InputFormat::Cobertura)),
            "'x.info' does not look like a Cobertura report (it looks like LCOV)"
        );
        let xml = b"<?xml version=\"1.0\"?>\n<coverage lines-valid=\"0\"><packages/></coverage>";
        assert_eq!(
            err(xml, "coverage.xml", Some(InputFormat::Lcov)),
            "'coverage.xml' does not look like an LCOV report (it looks like Cobertura)"
        );
        assert_eq!(
            err(
                b"<html><body/></html>",
                "index.html",
                Some(InputFormat::Lcov)
            ),
            "'index.html' does not look like an LCOV report (it looks like XML)"
        );
        let clover = b"<coverage generated=\"1\"><project/></coverage>";
        assert_eq!(
            err(clover, "clover.xml", Some(InputFormat::Cobertura)),
            "'clover.xml' does not look like a Cobertura report (it looks like Clover XML)"
        );
        assert_eq!(
            err(
                b"<report name=\"j\"/>",
                "jacoco.xml",
                Some(InputFormat::Clover)
            ),
            "'jacoco.xml' does not look like a Clover XML report (it looks like JaCoCo XML)"
        );
        assert_eq!(
            err(clover, "clover.xml", Some(InputFormat::Go)),
            "'clover.xml' does not look like a Go coverprofile report (it looks like Clover XML)"
        );
        assert_eq!(
            err(b"<html/>", "index.html", Some(InputFormat::Go)),
            "'index.html' does not look like a Go coverprofile report (it looks like XML)"
        );
        assert_eq!(
            err(b"mode: set\n", "c.out", Some(InputFormat::JaCoCo)),
            "'c.out' does not look like a JaCoCo XML report (it looks like Go coverprofile)"
        );
        // Forced on text nothing recognises: the reader decides.
        assert_eq!(
            err(b"hello\nworld\n", "h.txt", Some(InputFormat::Lcov)),
            "'h.txt' has no SF: record; expected an LCOV tracefile"
        );
        assert_eq!(
            err(b"hello\nworld\n", "h.txt", Some(InputFormat::Go)),
            "'h.txt' line 1: expected a Go coverprofile's first line 'mode: set', 'mode: count' \
             or 'mode: atomic', found 'hello'"
        );
        assert_eq!(
            err(b"<html/>", "h.html", Some(InputFormat::JaCoCo)),
            "'h.html' has no <report> root element (found <html>); expected a JaCoCo XML report"
        );
        assert_eq!(
            err(b"hello\nworld\n", "h.txt", Some(InputFormat::Clover)),
            "'h.txt' has no <coverage> root element (found no element at all); expected a \
             Clover XML report"
        );
        assert_eq!(
            err(b"hello\nworld\n", "h.txt", Some(InputFormat::Cobertura)),
            "'h.txt' has no <coverage> root element (found no element at all); expected a \
             Cobertura XML report"
        );
    }

    #[test]
    fn coverage_py_data_files_and_html_reports_say_what_to_record_instead() {
        // coverage.py >= 5: SQLite; before: a warning line, then JSON.
        let sqlite = b"SQLite format 3\0\x10\x00\x01\x01\x00\x40\x20\x20";
        assert_eq!(
            err(sqlite, ".coverage", None),
            "'.coverage' is an SQLite database (coverage.py's `.coverage` data file?), not a \
             report; run `coverage xml` (or `coverage json`, `coverage lcov`) first and record \
             the file it writes"
        );
        assert!(matches!(
            run(sqlite, ".coverage", Some(InputFormat::Cobertura)),
            Err(ParseError::CoverageData { .. })
        ));
        let old = b"!coverage.py: This is a private format, don't read it directly!{\"lines\":{}}";
        assert!(err(old, ".coverage", None).starts_with(
            "'.coverage' is coverage.py's data file, not a report; run `coverage xml`"
        ));
        let page = b"<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Coverage report</title>";
        for html in [&page[..], b"<html><body/></html>", b"\n<HTML>"] {
            let e = err(html, "htmlcov/index.html", None);
            assert!(
                e.starts_with("'htmlcov/index.html' is an HTML page, a report for people to read; record a machine-readable report instead: coverage.xml (`coverage xml`) or coverage.json (`coverage json`)"),
                "{e}"
            );
        }
    }

    #[test]
    fn xml_without_a_coverage_root_is_refused() {
        assert_eq!(
            err(
                b"<?xml version=\"1.0\"?>\n<page><body/></page>",
                "page.xml",
                None
            ),
            "'page.xml' has no <coverage> root element (found <page>); expected a Cobertura XML \
             report"
        );
        let mut late_root = b"<?xml version=\"1.0\"?>\n<!--".to_vec();
        late_root.extend(std::iter::repeat_n(b'x', DETECT_PREFIX_LEN));
        late_root.extend(b"-->\n<report/>");
        assert!(matches!(
            run(&late_root, "r.xml", None),
            Err(ParseError::NoCoverageRoot { found, .. }) if found == "<report>"
        ));
    }

    #[test]
    fn truncated_and_malformed_xml_is_refused_with_its_place() {
        let doc = "<?xml version=\"1.0\"?>\n<coverage>\n  <packages>\n    <package name=\"\">\n      \
                   <classes>\n        <class filename=\"a.py\">\n          <lines>\n            \
                   <line number=\"1\" hits=\"1\"/>\n";
        assert_eq!(
            err(doc.as_bytes(), "cut.xml", None),
            format!(
                "'cut.xml' ends inside <lines> (line 9, byte {}); the XML is truncated",
                doc.len()
            )
        );
        // Cut in the middle of a tag.
        let e = run(&doc.as_bytes()[..doc.len() - 10], "cut2.xml", None).unwrap_err();
        assert!(matches!(e, ParseError::Xml { line: 8, .. }), "{e:?}");
        assert!(
            e.to_string()
                .starts_with("'cut2.xml' is not well-formed XML at line 8 (byte ")
        );
        let mismatched = b"<coverage>\n<packages>\n</package>\n</coverage>";
        let e = run(mismatched, "bad.xml", None).unwrap_err();
        assert!(matches!(e, ParseError::Xml { line: 3, .. }), "{e:?}");
    }

    #[test]
    fn warnings_are_capped_with_a_count_of_the_rest() {
        let mut lcov = b"SF:a.c\n".to_vec();
        for _ in 0..(Warnings::KEEP + 5) {
            lcov.extend(b"DA:0,1\n");
        }
        lcov.extend(b"DA:1,1\nend_of_record\n");
        let p = run(&lcov, "many.info", None).unwrap();
        assert_eq!(p.warnings.len(), Warnings::KEEP + 1);
        assert_eq!(
            p.warnings[Warnings::KEEP].message,
            "5 more warnings like the ones above"
        );
        assert_eq!(p.files[0].1.len(), 1);
    }
}
