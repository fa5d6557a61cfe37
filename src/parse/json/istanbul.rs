//! Istanbul `coverage-final.json` (nyc, c8 `-r json`, Jest, vitest, karma, old istanbul 0.x):
//! one object of file key -> `{path, statementMap, s, fnMap, f, branchMap, b, ...}`.
//!
//! Lines are derived as istanbul-lib-coverage's `getLineCoverage` does for istanbul's own
//! lcov, cobertura and clover reporters, so a file reads the same as those reports of the same
//! run: for each statement counted in `s` that `statementMap` knows, its start line is
//! tracked, with the largest count of the statements starting there. Multi-line statements
//! count on their first line only; statements missing from `statementMap` are ignored, as
//! istanbul ignores them.
//!
//! Branches: each `b[id]` (one count per location) names its arms `"id,i"`, as istanbul's
//! lcov reporter numbers `BRDA:line,id,i`, on the branch's line: `branchMap[id].loc.start`,
//! or `line` / the first location's start in old istanbul 0.x files without `loc`. Branches
//! on a line that is not a statement line are dropped, as covgit's LCOV reader drops them
//! (a default parameter on a declaration line). `fnMap`/`f`, hashes and `inputSourceMap`
//! are skipped unread. The file is named by its `path` (what istanbul's reporters print),
//! or its key when `path` is missing or empty.
//!
//! Bad records, each skipped with a warning naming the file and the statement or branch id
//! (Istanbul producers write the report on one line, so the JSON is read without counting
//! lines, at full speed): a statement or branch whose start line is missing, 0, above `u32::MAX` or not an
//! integer; a count that is negative, fractional, null or not a number. Refused
//! ([`ParseError::Json`]): broken JSON, an entry without `statementMap` or `s` (e.g. a
//! `coverage-summary.json`), maps of the wrong type, I/O errors.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Deserialize;
use serde::de::{DeserializeSeed, MapAccess};

use crate::model::{Branches, LineCoverage, LineNo};

use super::{FileSet, LineOf, Lines, Num, Object, ObjectSeed, show};
use crate::parse::read::Warnings;
use crate::parse::{InputFormat, ParseError, Parsed};

pub(crate) fn read(input: &mut impl BufRead, name: &str) -> Result<Parsed, ParseError> {
    let mut warnings = Warnings::default();
    let mut files = FileSet::default();
    super::deserialize(
        input,
        name,
        InputFormat::Istanbul,
        Lines::Fast,
        |de, line| {
            Object(Root {
                line: &line,
                files: &mut files,
                warnings: &mut warnings,
            })
            .deserialize(de)
        },
    )?;
    Ok(files.into_parsed(InputFormat::Istanbul, warnings))
}

#[derive(Deserialize)]
struct Pos {
    line: Option<Num>,
}

#[derive(Deserialize)]
struct Loc {
    start: Option<Pos>,
}

impl Loc {
    fn start_line(&self) -> Option<&Num> {
        self.start.as_ref()?.line.as_ref()
    }
}

#[derive(Deserialize)]
struct BranchMeta {
    loc: Option<Loc>,
    line: Option<Num>,
    locations: Option<Vec<Option<Loc>>>,
}

impl BranchMeta {
    fn line(&self) -> Option<&Num> {
        self.loc
            .as_ref()
            .and_then(Loc::start_line)
            .or(self.line.as_ref())
            .or_else(|| self.locations.as_ref()?.first()?.as_ref()?.start_line())
    }
}

#[derive(Deserialize)]
struct Entry {
    path: Option<String>,
    #[serde(rename = "statementMap")]
    statement_map: BTreeMap<String, Option<Loc>>,
    s: BTreeMap<String, Num>,
    #[serde(rename = "branchMap", default)]
    branch_map: BTreeMap<String, Option<BranchMeta>>,
    #[serde(default)]
    b: BTreeMap<String, Vec<Num>>,
}

struct Root<'a> {
    line: &'a LineOf,
    files: &'a mut FileSet,
    warnings: &'a mut Warnings,
}

impl<'de> ObjectSeed<'de> for Root<'_> {
    const EXPECTING: &'static str = "an object of file path -> Istanbul file coverage";
    fn visit<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        super::each_entry(map, self.line, |key, entry: Entry, at| {
            let path = match entry.path.as_deref() {
                Some(p) if !p.trim().is_empty() => p.to_owned(),
                _ => key,
            };
            let lines = file_lines(&path, &entry, at, self.warnings);
            self.files.add_entries(&path, lines);
        })
    }
}

fn file_lines(
    path: &str,
    e: &Entry,
    at: Option<u64>,
    w: &mut Warnings,
) -> Vec<(LineNo, LineCoverage)> {
    let mut lines: BTreeMap<LineNo, LineCoverage> = BTreeMap::new();
    for (id, count) in &e.s {
        let Some(loc) = e.statement_map.get(id) else {
            continue;
        };
        let start = loc.as_ref().and_then(Loc::start_line);
        let line = match start.map(Num::line) {
            Some(Ok(n)) => n,
            Some(Err(why)) => {
                let v = start.map(ToString::to_string).unwrap_or_default();
                w.push(at, || {
                    format!(
                        "'{}': statement {id} skipped: start line {v} ({why})",
                        show(path)
                    )
                });
                continue;
            }
            None => {
                w.push(at, || {
                    format!(
                        "'{}': statement {id} skipped: it has no start line",
                        show(path)
                    )
                });
                continue;
            }
        };
        match count.count() {
            Ok(n) => {
                let c = lines.entry(line).or_insert_with(|| LineCoverage::new(n));
                c.hits = c.hits.max(n);
            }
            Err(why) => w.push(at, || {
                format!(
                    "'{}': statement {id} skipped: count {count} ({why})",
                    show(path)
                )
            }),
        }
    }
    let mut branches: BTreeMap<LineNo, BTreeMap<String, u64>> = BTreeMap::new();
    for (id, counts) in &e.b {
        let Some(Some(meta)) = e.branch_map.get(id) else {
            continue;
        };
        let line = match meta.line().map(Num::line) {
            Some(Ok(n)) => n,
            other => {
                let why = match other {
                    Some(Err(why)) => format!("{} ({why})", meta.line().unwrap_or(&Num::Null)),
                    _ => "missing".to_owned(),
                };
                w.push(at, || {
                    format!("'{}': branch {id} skipped: its line is {why}", show(path))
                });
                continue;
            }
        };
        for (i, count) in counts.iter().enumerate() {
            match count.count() {
                Ok(n) => {
                    branches
                        .entry(line)
                        .or_default()
                        .insert(format!("{id},{i}"), n);
                }
                Err(why) => w.push(at, || {
                    format!(
                        "'{}': branch {id} arm {i} skipped: count {count} ({why})",
                        show(path)
                    )
                }),
            }
        }
    }
    for (n, named) in branches {
        if let Some(c) = lines.get_mut(&n) {
            c.branches = Some(Branches::Named(named.into_iter().collect()));
        }
    }
    lines.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineState;

    fn run(text: &str) -> Result<Parsed, ParseError> {
        read(&mut text.as_bytes(), "coverage-final.json")
    }

    #[test]
    fn lines_take_the_largest_statement_count_of_their_start_line() {
        let p = run(r#"{"/p/a.js": {"path": "/p/a.js",
            "statementMap": {"0": {"start": {"line": 1, "column": 0}, "end": {"line": 3, "column": null}},
                             "1": {"start": {"line": 1, "column": 9}, "end": {"line": 1, "column": 12}},
                             "2": {"start": {"line": 2, "column": 2}, "end": {"line": 2, "column": 5}},
                             "3": {"start": {"line": 9, "column": 0}}},
            "s": {"0": 1, "1": 4, "2": 0, "7": 3},
            "branchMap": {"0": {"loc": {"start": {"line": 1, "column": 0}}, "type": "if",
                                "locations": [{}, {}]},
                          "1": {"type": "default-arg", "line": 5, "locations": []}},
            "b": {"0": [2, 0], "1": [1]}, "fnMap": {}, "f": {}}}"#)
        .unwrap();
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let f = &p.files[0].1;
        assert_eq!(
            f.len(),
            2,
            "line 9's statement has no count in s; 5 has no statement"
        );
        assert_eq!(f.get(1).unwrap().hits, 4);
        assert_eq!(
            f.get(1).unwrap().branches,
            Some(Branches::Named(vec![("0,0".into(), 2), ("0,1".into(), 0)]))
        );
        assert_eq!(f.get(1).unwrap().state(), LineState::Partial);
        assert_eq!(f.get(2).unwrap().state(), LineState::Miss);
    }

    #[test]
    fn bad_statements_warn_and_summaries_are_refused() {
        let p = run("{\"a.js\": {\"path\": \"\",\n\"statementMap\": {\"0\": {\"start\": {}},\
                     \"1\": {\"start\": {\"line\": 0}}, \"2\": null, \"3\": {\"start\": {\"line\": 2}},\
                     \"4\": {\"start\": {\"line\": 3}}},\n\
                     \"s\": {\"0\": 1, \"1\": 1, \"2\": 1, \"3\": \"NaN\", \"4\": -1}}}")
        .unwrap();
        let w: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            w,
            [
                "'a.js': statement 0 skipped: it has no start line",
                "'a.js': statement 1 skipped: start line 0 (line numbers start at 1)",
                "'a.js': statement 2 skipped: it has no start line",
                "'a.js': statement 3 skipped: count \"NaN\" (it is not a number)",
                "'a.js': statement 4 skipped: count -1 (it is negative)",
            ]
        );
        assert_eq!(p.files[0].0, "a.js", "an empty path falls back to the key");
        let e = run(r#"{"total": {"lines": {"total": 1, "covered": 1, "pct": 100}}}"#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("'coverage-final.json' is not readable as an Istanbul JSON report")
        );
    }
}
