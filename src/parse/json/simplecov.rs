//! `SimpleCov` JSON: the `.resultset.json` merge store, and the two JSON formatter outputs
//! that carry the same per-line data.
//!
//! Shapes read (any mix of their top-level keys):
//! - `.resultset.json`: `{command name: {"coverage": {path: file}, "timestamp"}}`, where a
//!   file is `{"lines": [...], "branches": {...}}` (`SimpleCov` 0.18+) or the bare lines array
//!   (older). Several command names are several test suites: their files are merged by
//!   summing per line (a line stays untracked only if every suite says `null`), branches by
//!   name.
//! - `SimpleCov` 1.x's JSON formatter: top-level `coverage` of path -> `{"lines", "branches":
//!   [{type, start_line, report_line, coverage}, ...]}` (`meta`, `total`, `$schema` skipped).
//! - the simplecov-json gem: `{"files": [{"filename", "coverage": [...] | {"lines"}}]}`.
//!
//! `lines[i]` is line i+1: `null` (and the formatter's `"ignored"`, for `:nocov:` and filtered
//! lines) is untracked, a number is the hit count. Raw resultsets still count `:nocov:`
//! lines, as `SimpleCov` applies nocov only when it reports. Resultset branches
//! (`"[:if, 3, 5, 4, 11, 7]"` = type, id, start line, ...) put every arm of a condition on the
//! condition's start line, named `"condition id,arm id"`, so the line is partial when some
//! arm never ran; formatter branches go on their `report_line` (else `start_line`), named by
//! their place in the list and type. Branches on an untracked line are dropped. `methods`
//! and `source` are skipped unread. Paths are kept as written (absolute in resultsets).
//!
//! Bad records, each skipped with a warning naming the report line where the file's entry
//! starts: a line entry that is not null, `"ignored"` or a count (negative, fractional, other
//! text); a branch key that is not a Ruby array with an id and a start line; a branch count
//! that is not a count. Refused ([`ParseError::Json`]): broken JSON, a file that is neither
//! an array nor an object, a command that is not an object, I/O errors.

use std::collections::BTreeMap;
use std::fmt;
use std::io::BufRead;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::model::{Branches, LineCoverage, LineNo};

use super::{FileSet, LineOf, Lines, Num, show};
use crate::parse::numbers;
use crate::parse::read::Warnings;
use crate::parse::{InputFormat, ParseError, Parsed};

pub(crate) fn read(input: &mut impl BufRead, name: &str) -> Result<Parsed, ParseError> {
    let mut cx = Cx {
        warnings: Warnings::default(),
        files: FileSet::default(),
    };
    super::deserialize(
        input,
        name,
        InputFormat::SimpleCov,
        Lines::Exact,
        |de, line| {
            Level {
                line: &line,
                cx: &mut cx,
                depth: Depth::Root,
            }
            .deserialize(de)
        },
    )?;
    Ok(cx.files.into_parsed(InputFormat::SimpleCov, cx.warnings))
}

struct Cx {
    warnings: Warnings,
    files: FileSet,
}

/// One formatter branch arm.
#[derive(Deserialize)]
struct ListedBranch {
    #[serde(rename = "type")]
    kind: Option<String>,
    start_line: Option<Num>,
    report_line: Option<Num>,
    coverage: Option<Num>,
}

enum BranchData {
    /// Resultset: condition key -> arm key -> count.
    Keyed(BTreeMap<String, BTreeMap<String, Num>>),
    /// Formatter: a list of arms.
    Listed(Vec<ListedBranch>),
}

impl<'de> Deserialize<'de> for BranchData {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BranchData;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("branches as an object or a list")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<BranchData, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, v)) = a.next_entry()? {
                    out.insert(k, v);
                }
                Ok(BranchData::Keyed(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<BranchData, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = a.next_element()? {
                    out.push(b);
                }
                Ok(BranchData::Listed(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// One file: a bare lines array, or an object with `lines` (and `branches`).
#[derive(Default)]
struct FileData {
    lines: Vec<Num>,
    branches: Option<BranchData>,
}

impl<'de> Deserialize<'de> for FileData {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FileData;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a lines array or an object with \"lines\"")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<FileData, A::Error> {
                let mut lines = Vec::new();
                while let Some(v) = a.next_element()? {
                    lines.push(v);
                }
                Ok(FileData {
                    lines,
                    branches: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<FileData, A::Error> {
                let mut out = FileData::default();
                while let Some(key) = a.next_key::<String>()? {
                    match key.as_str() {
                        "lines" => out.lines = a.next_value()?,
                        "branches" => out.branches = a.next_value()?,
                        _ => {
                            a.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct GemFile {
    filename: String,
    coverage: FileData,
}

/// `[:if, 3, 5, 4, 11, 7]` -> (id, start line).
fn ruby_tuple(key: &str) -> Option<(&str, LineNo)> {
    let inner = key.trim().strip_prefix('[')?.strip_suffix(']')?;
    let mut parts = inner.split(',').map(str::trim);
    let _kind = parts.next()?;
    let id = parts.next().filter(|s| !s.is_empty())?;
    let line = numbers::line_no(parts.next()?.as_bytes()).ok()?;
    Some((id, line))
}

fn add_file(path: &str, data: FileData, at: Option<u64>, cx: &mut Cx) {
    let w = &mut cx.warnings;
    let mut lines: BTreeMap<LineNo, LineCoverage> = BTreeMap::new();
    for (i, v) in data.lines.iter().enumerate() {
        if v.is_null() || matches!(v, Num::Text(t) if t == "ignored") {
            continue;
        }
        let Ok(n) = LineNo::try_from(i + 1) else {
            break;
        };
        match v.count() {
            Ok(hits) => {
                lines.insert(n, LineCoverage::new(hits));
            }
            Err(why) => w.push(at, || {
                format!("'{}': line {n} skipped: count {v} ({why})", show(path))
            }),
        }
    }
    let mut branches: BTreeMap<LineNo, BTreeMap<String, u64>> = BTreeMap::new();
    match data.branches {
        None => {}
        Some(BranchData::Keyed(conds)) => {
            for (cond, arms) in &conds {
                let Some((cond_id, line)) = ruby_tuple(cond) else {
                    w.push(at, || {
                        format!(
                            "'{}': branch '{}' skipped: not [type, id, start line, ...]",
                            show(path),
                            show(cond)
                        )
                    });
                    continue;
                };
                for (arm, count) in arms {
                    let parsed = ruby_tuple(arm).map(|(id, _)| id);
                    match (parsed, count.count()) {
                        (Some(arm_id), Ok(n)) => {
                            let t = branches
                                .entry(line)
                                .or_default()
                                .entry(format!("{cond_id},{arm_id}"))
                                .or_insert(0);
                            *t = t.saturating_add(n);
                        }
                        (None, _) => w.push(at, || {
                            format!(
                                "'{}': branch arm '{}' skipped: not [type, id, start line, ...]",
                                show(path),
                                show(arm)
                            )
                        }),
                        (_, Err(why)) => w.push(at, || {
                            format!(
                                "'{}': branch arm '{}' skipped: count {count} ({why})",
                                show(path),
                                show(arm)
                            )
                        }),
                    }
                }
            }
        }
        Some(BranchData::Listed(list)) => {
            for (i, b) in list.iter().enumerate() {
                let line = b
                    .report_line
                    .as_ref()
                    .or(b.start_line.as_ref())
                    .map(Num::line);
                let count = b.coverage.as_ref().map(Num::count);
                match (line, count) {
                    (Some(Ok(line)), Some(Ok(n))) => {
                        let kind = b.kind.as_deref().unwrap_or("branch");
                        branches
                            .entry(line)
                            .or_default()
                            .insert(format!("{i}:{kind}"), n);
                    }
                    _ => w.push(at, || {
                        format!(
                            "'{}': branch #{i} skipped: it needs a line and a count",
                            show(path)
                        )
                    }),
                }
            }
        }
    }
    for (n, named) in branches {
        if let Some(c) = lines.get_mut(&n) {
            c.branches = Some(Branches::Named(named.into_iter().collect()));
        }
    }
    cx.files.add_entries(path, lines.into_iter().collect());
}

#[derive(Clone, Copy)]
enum Depth {
    /// The document: commands, or formatter keys.
    Root,
    /// A resultset command: `{"coverage", "timestamp"}`.
    Command,
    /// `coverage`: path -> file.
    Coverage,
    /// The gem's `files` list.
    GemFiles,
}

struct Level<'a> {
    line: &'a LineOf,
    cx: &'a mut Cx,
    depth: Depth,
}

impl Level<'_> {
    fn down(&mut self, depth: Depth) -> Level<'_> {
        Level {
            line: self.line,
            cx: &mut *self.cx,
            depth,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Level<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self.depth {
            Depth::GemFiles => d.deserialize_seq(self),
            _ => d.deserialize_map(self),
        }
    }
}

impl<'de> Visitor<'de> for Level<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.depth {
            Depth::Root => "a SimpleCov JSON object",
            Depth::Command => "a resultset command object with \"coverage\"",
            Depth::Coverage => "an object of file path -> lines",
            Depth::GemFiles => "a list of files",
        })
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match (self.depth, key.as_str()) {
                (Depth::Root, "$schema" | "meta" | "total" | "timestamp" | "command_name")
                | (Depth::Command, "timestamp" | "methods") => {
                    map.next_value::<IgnoredAny>()?;
                }
                (Depth::Root | Depth::Command, "coverage") => {
                    map.next_value_seed(self.down(Depth::Coverage))?;
                }
                (Depth::Root, "files") => map.next_value_seed(self.down(Depth::GemFiles))?,
                (Depth::Root, _) => map.next_value_seed(self.down(Depth::Command))?,
                (Depth::Coverage, _) => {
                    let at = self.line.get();
                    let data: FileData = map.next_value()?;
                    add_file(&key, data, at, self.cx);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let at = self.line.get();
            let Some(f) = seq.next_element::<GemFile>()? else {
                break;
            };
            add_file(&f.filename, f.coverage, at, self.cx);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineState;

    fn run(text: &str) -> Result<Parsed, ParseError> {
        read(&mut text.as_bytes(), ".resultset.json")
    }

    #[test]
    fn commands_merge_by_summing_and_nulls_stay_untracked() {
        let p = run(r#"{
          "a": {"coverage": {"/p/x.rb": {"lines": [null, 1, 0, null],
                "branches": {"[:if, 0, 2, 4, 3, 7]": {"[:then, 1, 3, 6, 3, 12]": 0,
                                                       "[:else, 2, 2, 4, 3, 7]": 1}}}},
                "timestamp": 1},
          "b": {"coverage": {"/p/x.rb": {"lines": [null, 2, null, 1],
                "branches": {"[:if, 0, 2, 4, 3, 7]": {"[:then, 1, 3, 6, 3, 12]": 0,
                                                       "[:else, 2, 2, 4, 3, 7]": 2}}},
                             "/p/y.rb": [0]},
                "timestamp": 2}}"#)
        .unwrap();
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let x = &p.files[0].1;
        assert_eq!(p.files[0].0, "/p/x.rb");
        assert_eq!(x.len(), 3);
        assert_eq!(x.get(1), None);
        let l2 = x.get(2).unwrap();
        assert_eq!(l2.hits, 3);
        assert_eq!(
            l2.branches,
            Some(Branches::Named(vec![("0,1".into(), 0), ("0,2".into(), 3)]))
        );
        assert_eq!(l2.state(), LineState::Partial);
        assert_eq!(x.get(3).unwrap().hits, 0);
        assert_eq!(x.get(4).unwrap().hits, 1);
        assert_eq!(p.files[1].1.get(1).unwrap().state(), LineState::Miss);
    }

    #[test]
    fn formatter_shapes_and_bad_entries() {
        let p = run(r#"{"$schema": "s", "meta": {"simplecov_version": "1"},
            "coverage": {"a.rb": {"lines": [1, "ignored", null, 0, -1, "x", 2.5],
                                  "branches": [{"type": "then", "start_line": 2,
                                                "report_line": 1, "coverage": 0},
                                               {"type": "else", "start_line": 3,
                                                "report_line": 1, "coverage": 1}]}}}"#)
        .unwrap();
        let a = &p.files[0].1;
        assert_eq!(a.len(), 2);
        assert_eq!(a.get(1).unwrap().state(), LineState::Partial);
        let w: Vec<&str> = p.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            w,
            [
                "'a.rb': line 5 skipped: count -1 (it is negative)",
                "'a.rb': line 6 skipped: count \"x\" (it is not a number)",
                "'a.rb': line 7 skipped: count 2.5 (it is not a whole number)",
            ]
        );
        let p = run(r#"{"timestamp": 1, "command_name": "RSpec",
            "files": [{"filename": "b.rb", "covered_percent": 50, "coverage": [1, null, 0]},
                      {"filename": "c.rb", "coverage": {"lines": [null, 3]}}]}"#)
        .unwrap();
        assert_eq!(p.files.len(), 2);
        assert_eq!(p.files[1].1.get(2).unwrap().hits, 3);
        let e = run(r#"{"RSpec": {"coverage": {"a.rb": 3}}}"#).unwrap_err();
        assert!(matches!(e, ParseError::Json { .. }), "{e}");
    }

    #[test]
    fn ruby_tuples() {
        assert_eq!(ruby_tuple("[:if, 3, 5, 4, 11, 7]"), Some(("3", 5)));
        assert_eq!(ruby_tuple("[:when, 16, 27, 16, 27, 21]"), Some(("16", 27)));
        assert_eq!(ruby_tuple("[:if, 3]"), None);
        assert_eq!(ruby_tuple("if 3 5"), None);
        assert_eq!(ruby_tuple("[:if, 3, 0]"), None);
    }
}
