//! coverage.py JSON (`coverage json`, coverage.py 5.0 and later): `{"meta", "files":
//! {path: entry}, "totals"}`.
//!
//! What counts, per file entry (the key is the path, kept as written):
//! - `executed_lines` are hit (count 1: coverage.py records whether a line ran, not how
//!   often), `missing_lines` are missed. `excluded_lines` (`# pragma: no cover`) are not
//!   tracked, as coverage.py does not count them as statements, even where an older
//!   coverage.py also lists them as executed. A line in both lists is hit. coverage.py
//!   before 7.0 lists every line that ran, statements or not (a module docstring under
//!   Python 3.11); such lines cannot be told apart and are kept, with a warning when the
//!   entry's `summary.covered_lines` shows there are some.
//! - `executed_branches` / `missing_branches` (coverage.py 6.5+) are arcs `[from, to]`; the
//!   arcs of line `from` become its branches, each named by its destination as written
//!   (`"8"`, or `"-1"` for leaving the code object that starts at line 1), taken 1 or 0. So a
//!   line that ran with a missing arc is partial, as coverage.py says. 5.x files carry branch
//!   counts only in `summary`; their lines have no branches.
//! - `meta`, `totals`, `summary`, `contexts`, `functions` and `classes` are skipped unread.
//!
//! Doubtful data kept with a warning: more executed lines than the summary's covered count.
//! Bad records, each skipped with a warning naming the report line where the file's entry
//! starts: a line number that is 0 (coverage.py 5.5 on Python 3.11 writes one per file), above
//! `u32::MAX`, negative or not an integer; an arc whose source is such a number or whose
//! destination is 0 or not an integer; an arc whose source line is not a statement of the
//! file. Refused ([`ParseError::Json`]): broken JSON, no `files` object, an entry that is not
//! an object or whose lists are not lists, I/O errors.

use std::collections::{BTreeMap, BTreeSet};
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
        InputFormat::CoveragePyJson,
        Lines::Exact,
        |de, line| {
            Object(Root {
                line: &line,
                files: &mut files,
                warnings: &mut warnings,
            })
            .deserialize(de)
        },
    )?;
    Ok(files.into_parsed(InputFormat::CoveragePyJson, warnings))
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    executed_lines: Vec<Num>,
    #[serde(default)]
    missing_lines: Vec<Num>,
    #[serde(default)]
    excluded_lines: Vec<Num>,
    summary: Option<Summary>,
    #[serde(default)]
    executed_branches: Vec<(Num, Num)>,
    #[serde(default)]
    missing_branches: Vec<(Num, Num)>,
}

#[derive(Deserialize)]
struct Summary {
    covered_lines: Option<Num>,
}

/// The top-level object: only `files` is read.
struct Root<'a> {
    line: &'a LineOf,
    files: &'a mut FileSet,
    warnings: &'a mut Warnings,
}

impl<'de> ObjectSeed<'de> for Root<'_> {
    const EXPECTING: &'static str = "a coverage.py JSON object with \"files\"";
    fn visit<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        super::required_key(map, "files", |map| {
            map.next_value_seed(Object(FilesSeed {
                line: self.line,
                files: &mut *self.files,
                warnings: &mut *self.warnings,
            }))
        })
    }
}

struct FilesSeed<'a> {
    line: &'a LineOf,
    files: &'a mut FileSet,
    warnings: &'a mut Warnings,
}

impl<'de> ObjectSeed<'de> for FilesSeed<'_> {
    const EXPECTING: &'static str = "an object of file path -> file entry";
    fn visit<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        super::each_entry(map, self.line, |path, entry: Entry, at| {
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
    let excluded: BTreeSet<LineNo> = e
        .excluded_lines
        .iter()
        .filter_map(|v| v.line().ok())
        .collect();
    for (list, hits, field) in [
        (&e.executed_lines, 1, "executed_lines"),
        (&e.missing_lines, 0, "missing_lines"),
    ] {
        for v in list {
            match v.line() {
                Ok(n) if excluded.contains(&n) => {}
                Ok(n) => {
                    let c = lines.entry(n).or_insert_with(|| LineCoverage::new(hits));
                    c.hits = c.hits.max(hits);
                }
                Err(why) => w.push(at, || {
                    format!("'{}': {field} entry {v} skipped: {why}", show(path))
                }),
            }
        }
    }
    let covered = lines.values().filter(|c| c.hits > 0).count() as u64;
    let said = e
        .summary
        .as_ref()
        .and_then(|s| s.covered_lines.as_ref()?.count().ok());
    if let Some(said) = said.filter(|&said| covered > said) {
        w.push(at, || {
            format!(
                "'{}': executed_lines lists {covered} statements but the summary counts {said} \
                 covered (coverage.py before 7.0 also lists lines that are not statements, such \
                 as docstrings); all are kept",
                show(path)
            )
        });
    }
    let mut arcs: BTreeMap<LineNo, BTreeMap<String, u64>> = BTreeMap::new();
    for (list, taken, field) in [
        (&e.executed_branches, 1, "executed_branches"),
        (&e.missing_branches, 0, "missing_branches"),
    ] {
        for (from, to) in list {
            let dest = match to {
                Num::U(n) if *n > 0 => Some(n.to_string()),
                Num::I(n) => Some(n.to_string()),
                _ => None,
            };
            match (from.line(), dest) {
                (Ok(n), Some(dest)) => {
                    let t = arcs.entry(n).or_default().entry(dest).or_insert(taken);
                    *t = (*t).max(taken);
                }
                (Err(why), _) => w.push(at, || {
                    format!(
                        "'{}': {field} arc [{from}, {to}] skipped: its source {why}",
                        show(path)
                    )
                }),
                (Ok(_), None) => w.push(at, || {
                    format!(
                        "'{}': {field} arc [{from}, {to}] skipped: its destination is not a \
                         line",
                        show(path)
                    )
                }),
            }
        }
    }
    for (n, named) in arcs {
        match lines.get_mut(&n) {
            Some(c) => c.branches = Some(Branches::Named(named.into_iter().collect())),
            None => w.push(at, || {
                format!(
                    "'{}': branches from line {n}, which is not a statement; skipped",
                    show(path)
                )
            }),
        }
    }
    lines.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineState;

    fn run(text: &str) -> Result<Parsed, ParseError> {
        read(&mut text.as_bytes(), "cov.json")
    }

    #[test]
    fn lines_and_arcs() {
        let p = run(r#"{"meta": {"format": 3}, "files": {
            "a.py": {"executed_lines": [1, 2, 4], "missing_lines": [3],
                     "excluded_lines": [9],
                     "executed_branches": [[2, 4], [4, -1]], "missing_branches": [[2, 3]]}},
            "totals": {}}"#)
        .unwrap();
        assert_eq!(p.format, InputFormat::CoveragePyJson);
        let (path, f) = &p.files[0];
        assert_eq!(path, "a.py");
        assert_eq!(f.len(), 4);
        assert_eq!(f.get(9), None);
        let l2 = f.get(2).unwrap();
        assert_eq!(
            l2.branches,
            Some(Branches::Named(vec![("3".into(), 0), ("4".into(), 1)]))
        );
        assert_eq!(l2.state(), LineState::Partial);
        assert_eq!(f.get(4).unwrap().state(), LineState::Hit);
        assert_eq!(f.get(3).unwrap().state(), LineState::Miss);
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn bad_records_are_skipped_with_their_line() {
        let p = run(
            "{\"files\": {\n\"a.py\": {\"executed_lines\": [0, 1, \"x\"],\n\
                     \"missing_lines\": [-2],\n\"executed_branches\": [[7, 1], [1, 0]]}}}",
        )
        .unwrap();
        let w: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            w,
            [
                "line 2: 'a.py': executed_lines entry 0 skipped: line numbers start at 1",
                "line 2: 'a.py': executed_lines entry \"x\" skipped: it is not a number",
                "line 2: 'a.py': missing_lines entry -2 skipped: it is negative",
                "line 2: 'a.py': executed_branches arc [1, 0] skipped: its destination is not \
                 a line",
                "line 2: 'a.py': branches from line 7, which is not a statement; skipped",
            ]
        );
        assert_eq!(p.files[0].1.len(), 1);
    }

    #[test]
    fn structure_errors_name_the_place() {
        let e = run("{\"meta\": {}}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'cov.json' is not readable as a coverage.py JSON report at line 1, column 12"
        );
        let e = run("{\"files\": {\"a.py\": [1, 2]}}").unwrap_err();
        assert!(matches!(e, ParseError::Json { line: 1, .. }), "{e:?}");
        let e = run("{\"files\": {\"a.py\": {\"executed_lines\": [NaN]}}}").unwrap_err();
        assert!(matches!(e, ParseError::Json { .. }), "{e:?}");
        let e = run("{\"files\": {}} trailing").unwrap_err();
        assert!(matches!(e, ParseError::Json { .. }), "{e:?}");
        let e = run("{\"files\": {\"a.py\": {\"executed_lines\": [1,").unwrap_err();
        assert!(matches!(e, ParseError::Json { .. }), "{e:?}");
    }
}
