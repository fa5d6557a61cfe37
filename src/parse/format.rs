//! Input formats and sniffing a format from the first bytes of a report.
//!
//! Detection looks at content only, never at the file name: a UTF-8 BOM and leading
//! whitespace are skipped; XML is recognised by its root element (after the declaration,
//! comments, processing instructions and a DOCTYPE, which is never fetched); LCOV by its
//! first meaningful line being an LCOV key (`TN:`, `SF:`, ...). Formats covgit cannot read
//! yet are recognised too, so that errors can say what the file looks like.
//!
//! XML roots: `<report>` is `JaCoCo`; `<coverage>` is Clover when it has a `generated` or
//! `clover` attribute or a `<project>` first child, Cobertura otherwise. A first line starting
//! `mode:` is a Go coverprofile (the reader checks the mode).

use std::fmt;
use std::str::FromStr;

use super::json::JsonKind;
use crate::model::UnknownFormat;

/// A report format covgit can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// Cobertura XML (coverage.py, gcovr, Istanbul's `cobertura` reporter, …).
    Cobertura,
    /// LCOV tracefiles (`.info`).
    Lcov,
    /// `JaCoCo` XML.
    JaCoCo,
    /// Clover XML.
    Clover,
    /// Go's `-coverprofile` text.
    Go,
    /// coverage.py's `coverage json`.
    CoveragePyJson,
    /// `llvm-cov export` JSON.
    LlvmCovJson,
    /// Istanbul's `coverage-final.json`.
    Istanbul,
    /// `SimpleCov`'s `.resultset.json`.
    SimpleCov,
}

impl InputFormat {
    /// Every format, in the order detection and help text list them.
    pub const ALL: [InputFormat; 9] = [
        InputFormat::Cobertura,
        InputFormat::Lcov,
        InputFormat::JaCoCo,
        InputFormat::Clover,
        InputFormat::Go,
        InputFormat::CoveragePyJson,
        InputFormat::LlvmCovJson,
        InputFormat::Istanbul,
        InputFormat::SimpleCov,
    ];

    /// The spelling used by `--input-format` and stored with an upload.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cobertura => "cobertura",
            Self::Lcov => "lcov",
            Self::JaCoCo => "jacoco",
            Self::Clover => "clover",
            Self::Go => "go",
            Self::CoveragePyJson => "coveragepy-json",
            Self::LlvmCovJson => "llvm-cov-json",
            Self::Istanbul => "istanbul",
            Self::SimpleCov => "simplecov",
        }
    }

    /// The name in prose ("Cobertura", "LCOV").
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Cobertura => "Cobertura",
            Self::Lcov => "LCOV",
            Self::JaCoCo => "JaCoCo XML",
            Self::Clover => "Clover XML",
            Self::Go => "Go coverprofile",
            Self::CoveragePyJson => "coverage.py JSON",
            Self::LlvmCovJson => "llvm-cov export JSON",
            Self::Istanbul => "Istanbul JSON",
            Self::SimpleCov => "SimpleCov JSON",
        }
    }

    /// The name with its indefinite article, for messages.
    pub(crate) fn with_article(self) -> &'static str {
        match self {
            Self::Cobertura => "a Cobertura",
            Self::Lcov => "an LCOV",
            Self::JaCoCo => "a JaCoCo XML",
            Self::Clover => "a Clover XML",
            Self::Go => "a Go coverprofile",
            Self::CoveragePyJson => "a coverage.py JSON",
            Self::LlvmCovJson => "an llvm-cov export JSON",
            Self::Istanbul => "an Istanbul JSON",
            Self::SimpleCov => "a SimpleCov JSON",
        }
    }

    /// Whether the format is JSON (read by serde rather than line by line or as XML).
    pub(crate) fn is_json(self) -> bool {
        matches!(
            self,
            Self::CoveragePyJson | Self::LlvmCovJson | Self::Istanbul | Self::SimpleCov
        )
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InputFormat {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownFormat::new("input format", s, &Self::ALL.map(Self::as_str)))
    }
}

/// What the first bytes of a report look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Known(InputFormat),
    /// A coverage format covgit does not read yet, or not coverage at all; the prose name.
    Other(&'static str),
    /// XML whose root element is of no known kind, or not within the prefix: the Cobertura
    /// reader says what the root is.
    Xml,
    /// JSON of no kind recognised within the prefix: a forced JSON format's reader decides.
    Json,
    /// An HTML page (root `<html>` or `<!DOCTYPE html>`): a report for people, such as
    /// coverage.py's `htmlcov/index.html`.
    Html,
    Unknown,
}

/// How many bytes of a report [`detect`] needs at most to decide.
pub const DETECT_PREFIX_LEN: usize = 8 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The format of a report judged from its first bytes (up to [`DETECT_PREFIX_LEN`] are
/// looked at); `None` when it is none covgit reads.
pub fn detect(prefix: &[u8]) -> Option<InputFormat> {
    match sniff(prefix) {
        Sniffed::Known(f) => Some(f),
        Sniffed::Other(_) | Sniffed::Xml | Sniffed::Json | Sniffed::Html | Sniffed::Unknown => None,
    }
}

pub(crate) fn sniff(prefix: &[u8]) -> Sniffed {
    let prefix = &prefix[..prefix.len().min(DETECT_PREFIX_LEN)];
    let body = prefix.strip_prefix(UTF8_BOM).unwrap_or(prefix);
    let body = body.trim_ascii_start();
    match body.first() {
        None => Sniffed::Unknown,
        Some(b'<') => sniff_xml(body),
        Some(b'{' | b'[') => match super::json::sniff(body) {
            JsonKind::Known(f) => Sniffed::Known(f),
            JsonKind::Other(what) => Sniffed::Other(what),
            JsonKind::Unknown => Sniffed::Json,
        },
        Some(_) if body.starts_with(b"mode:") => Sniffed::Known(InputFormat::Go),
        Some(_) if body.starts_with(b"GROUP,PACKAGE,CLASS,") => Sniffed::Other("JaCoCo CSV"),
        Some(_) => sniff_lcov(body),
    }
}

/// Skips the prolog (declaration, comments, PIs, DOCTYPE) and judges by the root element.
fn sniff_xml(mut b: &[u8]) -> Sniffed {
    loop {
        b = b.trim_ascii_start();
        if b.starts_with(b"<?") {
            let Some(end) = find(b, b"?>") else {
                return Sniffed::Xml;
            };
            b = &b[end + 2..];
        } else if b.starts_with(b"<!--") {
            let Some(end) = find(&b[4..], b"-->") else {
                return Sniffed::Xml;
            };
            b = &b[4 + end + 3..];
        } else if b.len() >= 14 && b[..14].eq_ignore_ascii_case(b"<!DOCTYPE html") {
            return Sniffed::Html;
        } else if b.starts_with(b"<!") {
            // DOCTYPE, possibly with an internal subset in brackets.
            let Some(end) = doctype_end(b) else {
                return Sniffed::Xml;
            };
            b = &b[end + 1..];
        } else if b.starts_with(b"<") {
            return sniff_root(&b[1..]);
        } else {
            return Sniffed::Xml;
        }
    }
}

fn doctype_end(b: &[u8]) -> Option<usize> {
    let mut depth = 0_u32;
    let mut quote = None;
    for (i, &c) in b.iter().enumerate() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            b'"' | b'\'' => quote = Some(c),
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'>' if depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

fn sniff_root(b: &[u8]) -> Sniffed {
    let name_len = b
        .iter()
        .take_while(|c| !c.is_ascii_whitespace() && !matches!(c, b'>' | b'/'))
        .count();
    match &b[..name_len] {
        b"coverage" => {
            // Clover also uses <coverage>, with `generated`/`clover` attributes and a
            // <project> child; Cobertura never has those.
            let tag_end = find(b, b">").unwrap_or(b.len());
            let tag = &b[..tag_end];
            let rest = &b[tag_end..];
            if find(tag, b" generated=").is_some()
                || find(tag, b" clover=").is_some()
                || first_child_is(rest, b"project")
            {
                Sniffed::Known(InputFormat::Clover)
            } else {
                Sniffed::Known(InputFormat::Cobertura)
            }
        }
        b"report" => Sniffed::Known(InputFormat::JaCoCo),
        name if name.eq_ignore_ascii_case(b"html") => Sniffed::Html,
        _ => Sniffed::Xml,
    }
}

fn first_child_is(after_root_tag: &[u8], name: &[u8]) -> bool {
    let mut b = after_root_tag.strip_prefix(b">").unwrap_or(after_root_tag);
    loop {
        b = b.trim_ascii_start();
        if b.starts_with(b"<!--") {
            match find(&b[4..], b"-->") {
                Some(end) => b = &b[4 + end + 3..],
                None => return false,
            }
        } else {
            return b.starts_with(b"<")
                && b[1..].starts_with(name)
                && b.get(1 + name.len())
                    .is_some_and(|c| c.is_ascii_whitespace() || matches!(c, b'>' | b'/'));
        }
    }
}

/// Keys that may open an LCOV tracefile (after blank and `#` lines).
const LCOV_KEYS: &[&[u8]] = &[
    b"TN:", b"SF:", b"VER:", b"FN:", b"FNDA:", b"FNF:", b"FNH:", b"FNL:", b"FNA:", b"DA:", b"LF:",
    b"LH:", b"BRDA:", b"BRF:", b"BRH:", b"BA:",
];

fn sniff_lcov(body: &[u8]) -> Sniffed {
    for line in body.split(|&c| c == b'\n') {
        let line = line.trim_ascii_start();
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        return if LCOV_KEYS.iter().any(|k| line.starts_with(k)) {
            Sniffed::Known(InputFormat::Lcov)
        } else {
            Sniffed::Unknown
        };
    }
    Sniffed::Unknown
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in InputFormat::ALL {
            assert_eq!(f.as_str().parse::<InputFormat>(), Ok(f));
        }
        assert_eq!("LCOV".parse::<InputFormat>(), Ok(InputFormat::Lcov));
        assert_eq!("JaCoCo".parse::<InputFormat>(), Ok(InputFormat::JaCoCo));
        let err = "gocov".parse::<InputFormat>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown input format 'gocov' (expected cobertura, lcov, jacoco, clover, go, \
             coveragepy-json, llvm-cov-json, istanbul or simplecov)"
        );
    }

    #[test]
    fn xml_prologs_are_skipped() {
        let cases: &[&[u8]] = &[
            b"<coverage line-rate=\"1\"></coverage>",
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<coverage>",
            b"  \n<?xml version=\"1.0\" ?>\n<!DOCTYPE coverage\n  SYSTEM 'http://x/coverage-03.dtd'>\n<coverage>",
            b"<?xml version=\"1.0\"?><!-- <!DOCTYPE coverage SYSTEM \"x\"> --><coverage version=\"5\">",
            b"<!DOCTYPE coverage [ <!ENTITY a \"b>\"> ]><coverage/>",
            b"<?xml-stylesheet href=\"a\"?><coverage\n lines-valid=\"3\">",
        ];
        for c in cases {
            assert_eq!(
                detect(c),
                Some(InputFormat::Cobertura),
                "{}",
                String::from_utf8_lossy(c)
            );
        }
    }

    #[test]
    fn other_formats_are_named_not_taken() {
        assert_eq!(sniff(b"{\"meta\": {}}"), Sniffed::Json);
        assert_eq!(
            sniff(b"GROUP,PACKAGE,CLASS,INSTRUCTION_MISSED\n"),
            Sniffed::Other("JaCoCo CSV")
        );
        assert_eq!(sniff(b"<html><body>"), Sniffed::Html);
        assert_eq!(sniff(b"<!DOCTYPE html>\n<html lang=\"en\">"), Sniffed::Html);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?>\n<HTML>"), Sniffed::Html);
        assert_eq!(sniff(b"<htmlx/>"), Sniffed::Xml);
        assert_eq!(sniff(b"<?xml version=\"1.0\""), Sniffed::Xml);
        assert_eq!(
            sniff(b"<!-- a comment longer than the prefix"),
            Sniffed::Xml
        );
        for c in [
            &b""[..],
            b"   \n",
            b"hello world\nSF:x\n",
            b"<?xml version=\"1.0\"",
            b"<!-- open",
        ] {
            assert_eq!(detect(c), None, "{}", String::from_utf8_lossy(c));
        }
    }

    #[test]
    fn jacoco_clover_and_go_are_recognised() {
        let clover = b"<?xml version=\"1.0\"?>\n<coverage generated=\"1\">\n  <project>";
        assert_eq!(detect(clover), Some(InputFormat::Clover));
        assert_eq!(
            detect(b"<coverage>\n<!-- c -->\n<project name=\"x\">"),
            Some(InputFormat::Clover)
        );
        assert_eq!(
            detect(b"<coverage clover=\"4.3.1\"/>"),
            Some(InputFormat::Clover)
        );
        assert_eq!(
            detect(
                b"<?xml version=\"1.0\"?><!DOCTYPE report PUBLIC \"x\" \"y\"><report name=\"a\">"
            ),
            Some(InputFormat::JaCoCo)
        );
        assert_eq!(
            detect(b"<!DOCTYPE report SYSTEM 'report.dtd'>\n<report/>"),
            Some(InputFormat::JaCoCo)
        );
        for go in [
            &b"mode: set\na.go:1.1,2.2 1 1\n"[..],
            b"\nmode: atomic\n",
            b"mode: count",
            b"\xEF\xBB\xBFmode: set\r\n",
        ] {
            assert_eq!(
                detect(go),
                Some(InputFormat::Go),
                "{}",
                String::from_utf8_lossy(go)
            );
        }
        // A Cobertura <coverage> whose first child is not <project> stays Cobertura.
        assert_eq!(
            detect(b"<coverage version=\"1\">\n<sources/>"),
            Some(InputFormat::Cobertura)
        );
        assert_eq!(detect(b"<reports>"), None);
    }

    #[test]
    fn lcov_is_recognised_by_its_first_key() {
        for c in [
            &b"TN:\nSF:a.c\n"[..],
            b"SF:a.c\nDA:1,1\n",
            b"\xEF\xBB\xBF\n\n# comment\nTN:x\n",
            b"\r\nSF:C:\\x\\y.cpp\r\n",
            b"FN:1,main\n",
        ] {
            assert_eq!(
                detect(c),
                Some(InputFormat::Lcov),
                "{}",
                String::from_utf8_lossy(c)
            );
        }
    }
}
