//! What the JSON readers (`coveragepy_json`, `llvm_json`, `istanbul`, `simplecov`) share:
//! a reader that knows its line for messages, a lenient JSON scalar for numbers that may be
//! anything in bad data, the per-path file list, the error for a JSON report that cannot be
//! read, and sniffing which JSON format a report's first bytes are.
//!
//! Reports are deserialized with serde straight from the `BufRead` (no whole-document
//! `Value`); unknown keys are skipped by serde without being built. Values where a number is
//! expected are read as [`Num`], so that one bad record (`null`, `"NaN"`, `-1`, `0.5`) is
//! skipped with a warning instead of failing the whole report; a report whose structure is
//! wrong (an array where an object must be, a missing required key, broken JSON) is refused
//! with [`ParseError::Json`] naming the line and column where serde stopped.

pub(super) mod coveragepy_json;
pub(super) mod istanbul;
pub(super) mod llvm_json;
pub(super) mod simplecov;

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::model::{FileCoverage, LineCoverage, LineNo};

use super::numbers::{self, BadNumber};
use super::read::Warnings;
use super::{InputFormat, ParseError, Parsed};

/// A `Read` over a `BufRead` that counts the newlines it has handed out, so a visitor can
/// ask which report line it is at. `serde_json` reads one byte at a time and looks ahead at
/// most one byte, so the count is the line of the value being read.
pub(crate) struct Tracked<R> {
    inner: R,
    newlines: Rc<Cell<u64>>,
}

/// The other end of a [`Tracked`] reader: the 1-based line serde has reached, when it is
/// known exactly (see [`deserialize`]).
#[derive(Clone)]
pub(crate) struct LineOf {
    newlines: Rc<Cell<u64>>,
    exact: bool,
}

impl LineOf {
    pub(crate) fn get(&self) -> Option<u64> {
        self.exact.then(|| self.newlines.get() + 1)
    }
}

pub(crate) fn tracked<R: BufRead>(inner: R, exact: bool) -> (Tracked<R>, LineOf) {
    let newlines = Rc::new(Cell::new(0));
    (
        Tracked {
            inner,
            newlines: Rc::clone(&newlines),
        },
        LineOf { newlines, exact },
    )
}

impl<R: BufRead> Read for Tracked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = loop {
            match self.inner.fill_buf() {
                Ok(b) => break b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.newlines
            .set(self.newlines.get() + super::lines::newlines(&out[..n]));
        self.inner.consume(n);
        Ok(n)
    }
}

/// How a JSON report is read: with the report line known at each record (for formats that
/// producers pretty-print: coverage.py `--pretty-print`, `SimpleCov`), or fast, without lines
/// (llvm-cov and Istanbul write one long line, and can be hundreds of megabytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lines {
    Exact,
    Fast,
}

/// The reader serde reads through; `serde_json` reads a `BufReader` a byte at a time from its
/// buffer (its fast path), so the buffer's size decides how far ahead of serde the newline
/// count runs: one byte (as far as serde itself peeks) for [`Lines::Exact`].
pub(crate) type JsonReader<R> = serde_json::de::IoRead<io::BufReader<Tracked<R>>>;

/// Runs `read` on a `serde_json` deserializer over `input`, mapping serde's errors (syntax,
/// structure, I/O) to [`ParseError`]s naming `name` and serde's line and column, and refusing
/// trailing garbage.
pub(crate) fn deserialize<R: BufRead, T>(
    input: R,
    name: &str,
    format: InputFormat,
    lines: Lines,
    read: impl FnOnce(
        &mut serde_json::Deserializer<JsonReader<R>>,
        LineOf,
    ) -> Result<T, serde_json::Error>,
) -> Result<T, ParseError> {
    let (reader, line) = tracked(input, lines == Lines::Exact);
    let capacity = if lines == Lines::Exact { 1 } else { 64 * 1024 };
    let mut de =
        serde_json::Deserializer::from_reader(io::BufReader::with_capacity(capacity, reader));
    let out = read(&mut de, line).and_then(|v| de.end().map(|()| v));
    out.map_err(|e| json_error(name, format, e))
}

/// A JSON object read by a visitor of its entries: the serde `DeserializeSeed` and `Visitor`
/// that every object a format reads needs, once; wrap the reader in [`Object`].
pub(crate) trait ObjectSeed<'de> {
    /// What the object should be, for serde's "invalid type" message.
    const EXPECTING: &'static str;
    fn visit<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error>;
}

/// Deserializes a JSON object through its [`ObjectSeed`].
pub(crate) struct Object<T>(pub(crate) T);

impl<'de, T: ObjectSeed<'de>> serde::de::DeserializeSeed<'de> for Object<T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: ObjectSeed<'de>> Visitor<'de> for Object<T> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.0.visit(map)
    }
}

/// Reads an object of file key -> entry, handing each entry to `add` with its key and the
/// report line where it starts (when lines are counted exactly).
pub(crate) fn each_entry<'de, A: MapAccess<'de>, E: Deserialize<'de>>(
    mut map: A,
    line: &LineOf,
    mut add: impl FnMut(String, E, Option<u64>),
) -> Result<(), A::Error> {
    while let Some(key) = map.next_key::<String>()? {
        let at = line.get();
        let entry: E = map.next_value()?;
        add(key, entry, at);
    }
    Ok(())
}

/// Reads a JSON object of which only `key` matters: each value of `key` goes to `value`,
/// every other value is skipped, and an object without `key` is refused (serde's "missing
/// field", which [`deserialize`] reports with its line and column).
pub(crate) fn required_key<'de, A: MapAccess<'de>>(
    mut map: A,
    key: &'static str,
    mut value: impl FnMut(&mut A) -> Result<(), A::Error>,
) -> Result<(), A::Error> {
    let mut seen = false;
    while let Some(k) = map.next_key::<String>()? {
        if k == key {
            seen = true;
            value(&mut map)?;
        } else {
            map.next_value::<IgnoredAny>()?;
        }
    }
    if seen {
        Ok(())
    } else {
        Err(serde::de::Error::missing_field(key))
    }
}

fn json_error(name: &str, format: InputFormat, e: serde_json::Error) -> ParseError {
    if e.is_io() {
        return ParseError::Io {
            name: name.to_owned(),
            source: e.into(),
        };
    }
    ParseError::Json {
        name: name.to_owned(),
        expected: format.with_article(),
        line: e.line() as u64,
        column: e.column() as u64,
        source: e,
    }
}

/// Any JSON value where a number is expected. Arrays and objects are skipped unread.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Num {
    U(u64),
    I(i64),
    F(f64),
    Text(String),
    Bool(bool),
    Null,
    Nested,
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::U(n) => write!(f, "{n}"),
            Self::I(n) => write!(f, "{n}"),
            Self::F(n) => write!(f, "{n}"),
            Self::Text(s) => {
                let cut: String = s.chars().take(40).collect();
                write!(f, "\"{cut}\"")
            }
            Self::Bool(b) => write!(f, "{b}"),
            Self::Null => f.write_str("null"),
            Self::Nested => f.write_str("an array or object"),
        }
    }
}

impl Num {
    /// A 1-based line number: a JSON integer from 1 to `u32::MAX`.
    pub(crate) fn line(&self) -> Result<LineNo, BadNumber> {
        match self {
            Self::U(0) => Err(BadNumber::Zero),
            Self::U(n) => LineNo::try_from(*n).map_err(|_| BadNumber::TooLarge),
            Self::I(_) => Err(BadNumber::Negative),
            Self::Null => Err(BadNumber::Missing),
            _ => Err(BadNumber::NotANumber),
        }
    }

    /// An execution count, by the rules of [`numbers::count`] (integral floats accepted;
    /// a numeric string is read as its number).
    pub(crate) fn count(&self) -> Result<u64, BadNumber> {
        match self {
            Self::U(n) => Ok(*n),
            Self::I(_) => Err(BadNumber::Negative),
            Self::F(v) => numbers::count(v.to_string().as_bytes()),
            Self::Text(s) => numbers::count(s.as_bytes()),
            Self::Null => Err(BadNumber::Missing),
            Self::Bool(_) | Self::Nested => Err(BadNumber::NotANumber),
        }
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_u64<E>(self, v: u64) -> Result<Num, E> {
                Ok(Num::U(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Num, E> {
                Ok(if v >= 0 { Num::U(v as u64) } else { Num::I(v) })
            }
            fn visit_f64<E>(self, v: f64) -> Result<Num, E> {
                Ok(Num::F(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Num, E> {
                Ok(Num::Text(v.to_owned()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Num, E> {
                Ok(Num::Bool(v))
            }
            fn visit_unit<E>(self) -> Result<Num, E> {
                Ok(Num::Null)
            }
            fn visit_none<E>(self) -> Result<Num, E> {
                Ok(Num::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Num, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Num::Nested)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Num, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Num::Nested)
            }
        }
        d.deserialize_any(V)
    }
}

/// The files of a report in order of first appearance; a path seen again is merged into
/// its first entry by summing (several commands of a `SimpleCov` resultset, several `data`
/// exports of llvm-cov, a key repeated in a JSON object).
#[derive(Default)]
pub(crate) struct FileSet {
    files: Vec<(String, FileCoverage)>,
    index: HashMap<String, usize>,
}

impl FileSet {
    /// What a JSON report of `format` holds: these files (JSON formats name no source roots).
    pub(crate) fn into_parsed(self, format: InputFormat, warnings: Warnings) -> Parsed {
        Parsed {
            format,
            sources: Vec::new(),
            files: self.into_files(),
            warnings: warnings.finish(),
        }
    }

    pub(crate) fn add(&mut self, path: &str, cov: FileCoverage) {
        let path = path.trim();
        match self.index.get(path) {
            Some(&i) => self.files[i].1.merge_sum(&cov),
            None => {
                self.index.insert(path.to_owned(), self.files.len());
                self.files.push((path.to_owned(), cov));
            }
        }
    }

    pub(crate) fn add_entries(&mut self, path: &str, entries: Vec<(LineNo, LineCoverage)>) {
        self.add(
            path,
            FileCoverage::from_entries(entries, LineCoverage::merge_sum),
        );
    }

    pub(crate) fn into_files(self) -> Vec<(String, FileCoverage)> {
        self.files
    }
}

/// A path or key for a message: cut to a readable length.
pub(crate) fn show(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------
// Sniffing

/// What a JSON report's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonKind {
    Known(InputFormat),
    /// JSON of a kind covgit recognises but cannot read; the prose name.
    Other(&'static str),
    /// JSON of no known kind (within the prefix).
    Unknown,
}

/// Key paths seen in the prefix, up to depth 4; array levels are `[]`.
struct Shape {
    paths: Vec<Vec<String>>,
    /// (key path, string value) pairs at depth 1.
    top_strings: Vec<(String, String)>,
}

const MAX_DEPTH: usize = 4;
const MAX_PATHS: usize = 4096;

impl Shape {
    /// Scans `prefix` (which may end anywhere) as far as it goes.
    fn scan(prefix: &[u8]) -> Shape {
        #[derive(Clone)]
        struct Frame {
            object: bool,
            key: Option<String>,
            /// In an object: the next string is a key.
            want_key: bool,
        }
        let mut shape = Shape {
            paths: Vec::new(),
            top_strings: Vec::new(),
        };
        let mut stack: Vec<Frame> = Vec::new();
        let mut i = 0;
        let path_of = |stack: &[Frame]| -> Vec<String> {
            stack
                .iter()
                .map(|f| {
                    if f.object {
                        f.key.clone().unwrap_or_default()
                    } else {
                        "[]".to_owned()
                    }
                })
                .collect()
        };
        while i < prefix.len() && shape.paths.len() < MAX_PATHS {
            match prefix[i] {
                b'{' | b'[' => {
                    stack.push(Frame {
                        object: prefix[i] == b'{',
                        key: None,
                        want_key: prefix[i] == b'{',
                    });
                    i += 1;
                }
                b'}' | b']' => {
                    stack.pop();
                    i += 1;
                }
                b',' => {
                    if let Some(f) = stack.last_mut() {
                        f.want_key = f.object;
                    }
                    i += 1;
                }
                b'"' => {
                    let start = i + 1;
                    let mut j = start;
                    while j < prefix.len() && prefix[j] != b'"' {
                        j += if prefix[j] == b'\\' { 2 } else { 1 };
                    }
                    if j >= prefix.len() {
                        break;
                    }
                    let text = String::from_utf8_lossy(&prefix[start..j]).into_owned();
                    i = j + 1;
                    let depth = stack.len();
                    match stack.last_mut() {
                        Some(f) if f.object && f.want_key => {
                            f.key = Some(text);
                            f.want_key = false;
                            if depth <= MAX_DEPTH {
                                shape.paths.push(path_of(&stack));
                            }
                        }
                        Some(f) if f.object && depth == 1 => {
                            let key = f.key.clone().unwrap_or_default();
                            shape.top_strings.push((key, text));
                        }
                        _ => {}
                    }
                }
                _ => i += 1,
            }
        }
        shape
    }

    /// Some path matches `pattern`, where `*` matches any one key.
    fn has(&self, pattern: &[&str]) -> bool {
        self.paths.iter().any(|p| {
            p.len() == pattern.len()
                && p.iter()
                    .zip(pattern)
                    .all(|(k, want)| *want == "*" || k == want)
        })
    }

    fn top_string(&self, key: &str, value: &str) -> bool {
        self.top_strings.iter().any(|(k, v)| k == key && v == value)
    }
}

/// Judges JSON (the prefix starts with `{` or `[`, after a BOM and whitespace).
pub(crate) fn sniff(body: &[u8]) -> JsonKind {
    let s = Shape::scan(body);
    let known = JsonKind::Known;
    if s.top_string("type", "llvm.coverage.json.export")
        || ["files", "functions", "totals"]
            .iter()
            .any(|k| s.has(&["data", "[]", k]))
    {
        return known(InputFormat::LlvmCovJson);
    }
    if s.has(&["files", "*", "executed_lines"])
        || s.has(&["files", "*", "missing_lines"])
        || s.has(&["meta", "show_contexts"])
    {
        return known(InputFormat::CoveragePyJson);
    }
    if s.has(&["*", "coverage", "*", "lines"])
        || (s.has(&["*", "coverage"]) && s.has(&["*", "timestamp"]))
        || s.has(&["meta", "simplecov_version"])
        || s.has(&["coverage", "*", "lines"])
        || s.has(&["files", "[]", "covered_percent"])
        || s.has(&["files", "[]", "filename"])
        || (s.has(&["command_name"]) && s.has(&["files"]))
    {
        return known(InputFormat::SimpleCov);
    }
    if ["statementMap", "fnMap", "branchMap"]
        .iter()
        .any(|k| s.has(&["*", k]))
    {
        return known(InputFormat::Istanbul);
    }
    if s.has(&["total", "lines", "pct"]) || s.has(&["*", "statements", "pct"]) {
        return JsonKind::Other("an Istanbul coverage summary (totals only, no lines)");
    }
    JsonKind::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_counts_lines_as_it_goes() {
        let text = b"{\n\"a\": [1,\n2]\n}\n";
        let (mut r, line) = tracked(&text[..], true);
        assert_eq!(line.get(), Some(1));
        let mut b = [0u8; 6];
        r.read_exact(&mut b).unwrap();
        assert_eq!(line.get(), Some(2));
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert_eq!(line.get(), Some(5));
        assert_eq!(tracked(&text[..], false).1.get(), None);
    }

    #[test]
    fn lenient_numbers() {
        let v: Vec<Num> =
            serde_json::from_str(r#"[0, 3, -2, 1.0, 0.5, "7", "NaN", null, true, [1], {"a":1}]"#)
                .unwrap();
        assert_eq!(v[0].line(), Err(BadNumber::Zero));
        assert_eq!(v[1].line(), Ok(3));
        assert_eq!(v[2].line(), Err(BadNumber::Negative));
        assert_eq!(v[3].line(), Err(BadNumber::NotANumber));
        assert_eq!(v[3].count(), Ok(1));
        assert_eq!(v[4].count(), Err(BadNumber::NotIntegral));
        assert_eq!(v[5].count(), Ok(7));
        assert_eq!(v[6].count(), Err(BadNumber::NotANumber));
        assert_eq!(v[7].count(), Err(BadNumber::Missing));
        assert!(v[7].is_null());
        assert_eq!(v[8].count(), Err(BadNumber::NotANumber));
        assert_eq!(v[9], Num::Nested);
        assert_eq!(v[10], Num::Nested);
        assert_eq!(v[6].to_string(), "\"NaN\"");
        let big: Num = serde_json::from_str("1e300").unwrap();
        assert_eq!(big.count(), Ok(u64::MAX));
    }

    #[test]
    fn sniffing_json_shapes() {
        use InputFormat::{CoveragePyJson, Istanbul, LlvmCovJson, SimpleCov};
        let known = JsonKind::Known;
        let cases: &[(&str, JsonKind)] = &[
            (r#"{"data":[{"files":[{"branches":[]"#, known(LlvmCovJson)),
            (
                r#"{"cargo_llvm_cov":{"version":"0.9"},"data":[{"files":[{"#,
                known(LlvmCovJson),
            ),
            (
                r#"{"type": "llvm.coverage.json.export"}"#,
                known(LlvmCovJson),
            ),
            (
                r#"{"meta": {"version": "7.1", "show_contexts": false}, "files": {"#,
                known(CoveragePyJson),
            ),
            (
                r#"{"files": {"a.py": {"executed_lines": [1]"#,
                known(CoveragePyJson),
            ),
            (
                r#"{"RSpec": {"coverage": {"/a.rb": {"lines": [null"#,
                known(SimpleCov),
            ),
            (
                r#"{"RSpec": {"coverage": {"/a.rb": [null, 1]}, "timestamp": 1}}"#,
                known(SimpleCov),
            ),
            (
                r#"{"$schema": "x", "meta": {"simplecov_version": "1"}"#,
                known(SimpleCov),
            ),
            (
                r#"{"timestamp": 1, "command_name": "RSpec", "files": [{"filename": "a"#,
                known(SimpleCov),
            ),
            (
                r#"{"/a.js": {"path": "/a.js", "statementMap": {"0": {"start"#,
                known(Istanbul),
            ),
            (
                r#"{"/a.js": {"path": "/a.js", "all": true, "statementMap": {"#,
                known(Istanbul),
            ),
            (
                r#"{"total": {"lines":{"total":52,"covered":36,"skipped":0,"pct":69.23}"#,
                JsonKind::Other("an Istanbul coverage summary (totals only, no lines)"),
            ),
            (r#"{"meta": {}}"#, JsonKind::Unknown),
            (r"[1, 2, 3]", JsonKind::Unknown),
            (r#"{"a\"b": {"statement"#, JsonKind::Unknown),
        ];
        for (text, want) in cases {
            assert_eq!(sniff(text.as_bytes()), *want, "{text}");
        }
    }
}
