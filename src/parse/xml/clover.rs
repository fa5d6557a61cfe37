//! Clover XML (`OpenClover`, istanbul's nyc/c8/jest, `PHPUnit`, gcovr), streamed with quick-xml
//! like Cobertura. DTDs are never fetched.
//!
//! What counts (fixtures' `clover/FORMAT.md`):
//! - The root must be `<coverage>` ([`ParseError::WrongRoot`] otherwise). Files are the
//!   `<file>` elements anywhere inside `<project>` (under `<package>`, straight under the
//!   project as istanbul and `PHPUnit` write them, or inside `<metrics>` as old istanbul did).
//!   `<testproject>` (`OpenClover`'s test sources) is skipped, as the producer's project totals
//!   leave it out. `<class>` and `<metrics>` carry totals only.
//! - A file's raw path is its `path` attribute, or its `name` when it has no path. Several
//!   `<file>`s with one path are merged; several `<line>`s of one `num` (a statement and a
//!   condition on one line, several statements) take the larger count and the merged
//!   branches ([`LineCoverage::merge_max`]).
//! - `type="stmt"` (or no type): a tracked line, hits = `count`.
//! - `type="method"`: not a tracked line. It marks a declaration with its call count; the
//!   producers' `statements` totals leave it out, and so do their Cobertura reports of the
//!   same run (`PHPUnit`).
//! - `type="cond"`: a tracked line with two readings of `truecount`/`falsecount`, as FORMAT.md
//!   says. istanbul (root `clover="3.2.0"` and project `name="All files"`) means covered and
//!   uncovered branch outcomes: branches `Counts { covered: truecount, total: truecount +
//!   falsecount }`, as its Cobertura and LCOV reports of the same run say. Everyone else
//!   (`OpenClover`) means how often the condition was true and false: two branches, covered =
//!   (truecount > 0) + (falsecount > 0). Hits = `count`, or when it is absent the number of
//!   evaluations (truecount + falsecount; istanbul: the covered outcomes).
//!
//! Bad records, each skipped with a warning naming the report line: a `<line>` whose `num` is
//! missing, 0 or not a number; a stmt without a usable `count`; a cond without usable
//! `truecount`/`falsecount`; a `<line>` of an unknown type; a `<file>` with neither path nor
//! name (its lines are skipped). Refused: malformed or truncated XML, a root that is not
//! `<coverage>`, I/O errors.

use std::io::BufRead;

use quick_xml::events::BytesStart;

use crate::model::{Branches, LineCoverage, LineNo};

use super::{FileEntries, RawAttributes, Root, XmlDoc, attribute, drive, skip_line};
use crate::parse::numbers::{self, BadNumber};
use crate::parse::read::Warnings;
use crate::parse::{InputFormat, ParseError, Parsed};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Coverage,
    Project,
    File,
    Other,
}

struct Doc<'n> {
    name: &'n str,
    stack: Vec<Kind>,
    saw_root: bool,
    /// Reading `truecount`/`falsecount` as istanbul does: the root says `clover="3.2.0"`
    /// (and from `<project>` on, the project is "All files" too).
    istanbul: bool,
    /// Inside `<project>` (not `<testproject>`).
    in_project: bool,
    file: FileState,
    entries: Vec<(LineNo, LineCoverage)>,
    files: FileEntries,
    warnings: Warnings,
}

pub(crate) fn read(input: &mut impl BufRead, name: &str) -> Result<Parsed, ParseError> {
    let mut doc = Doc {
        name,
        stack: Vec::with_capacity(16),
        saw_root: false,
        istanbul: false,
        in_project: false,
        file: FileState::Outside,
        entries: Vec::new(),
        files: FileEntries::default(),
        warnings: Warnings::default(),
    };
    drive(input, name, &mut doc)?;
    if !doc.saw_root {
        return Err(ROOT.missing(name));
    }
    Ok(doc.finish())
}

const ROOT: Root = Root {
    name: "coverage",
    refuse: |name, found| ParseError::WrongRoot {
        name: name.to_owned(),
        expected: "coverage",
        format: InputFormat::Clover.with_article(),
        found,
    },
};

/// Where the reader is with respect to `<file>`.
enum FileState {
    Outside,
    /// In a `<file>` without a usable path: its lines are skipped.
    Skipped,
    Reading(String),
}

/// A count attribute: `None` when absent, `Err` (why, raw value) when unusable.
type Count = Option<Result<u64, (BadNumber, Vec<u8>)>>;

/// What a `<line type>` means.
enum LineType {
    Stmt,
    Cond,
    Method,
}

impl XmlDoc for Doc<'_> {
    fn start(
        &mut self,
        e: &BytesStart<'_>,
        at: &dyn Fn() -> u64,
        empty: bool,
    ) -> Result<(), ParseError> {
        self.on_start(e, at, empty)
    }

    fn end(&mut self, _name: &str, _at: &dyn Fn() -> u64) {
        self.on_end();
    }

    fn open_element(&self) -> Option<&'static str> {
        self.top().map(|open| match open {
            Kind::Coverage => "coverage",
            Kind::Project => "project",
            Kind::File => "file",
            Kind::Other => "an element",
        })
    }
}

impl Doc<'_> {
    fn top(&self) -> Option<Kind> {
        self.stack.last().copied()
    }

    fn on_start(
        &mut self,
        e: &BytesStart<'_>,
        at: &dyn Fn() -> u64,
        empty: bool,
    ) -> Result<(), ParseError> {
        let local = e.local_name().into_inner();
        if !self.saw_root {
            ROOT.check(self.name, e)?;
            self.saw_root = true;
            self.istanbul = attribute(e, "clover").ok().flatten().as_deref() == Some("3.2.0");
            if !empty {
                self.stack.push(Kind::Coverage);
            }
            return Ok(());
        }
        let top = self.top();
        let kind = match local {
            "line" if top == Some(Kind::File) => {
                self.line(e, at);
                Kind::Other
            }
            "file" if self.in_project && matches!(self.file, FileState::Outside) => {
                self.begin_file(e, at);
                Kind::File
            }
            "project" if top == Some(Kind::Coverage) => {
                let name = attribute(e, "name").ok().flatten();
                self.istanbul = self.istanbul && name.as_deref() == Some("All files");
                self.in_project = true;
                Kind::Project
            }
            _ => Kind::Other,
        };
        if empty {
            match kind {
                Kind::File => self.end_file(),
                Kind::Project => self.in_project = false,
                _ => {}
            }
        } else {
            self.stack.push(kind);
        }
        Ok(())
    }

    fn on_end(&mut self) {
        match self.stack.pop() {
            Some(Kind::File) => self.end_file(),
            Some(Kind::Project) => self.in_project = false,
            _ => {}
        }
    }

    fn begin_file(&mut self, e: &BytesStart<'_>, at: &dyn Fn() -> u64) {
        let path = attribute(e, "path").and_then(|p| match p.filter(|p| !p.is_empty()) {
            Some(p) => Ok(Some(p)),
            None => attribute(e, "name"),
        });
        let path = match path {
            Ok(p) => p.filter(|p| !p.is_empty()),
            Err(why) => {
                self.warnings.push(Some(at()), || {
                    format!("<file> path cannot be read ({why}); its lines are skipped")
                });
                self.file = FileState::Skipped;
                return;
            }
        };
        if path.is_none() {
            self.warnings.push(Some(at()), || {
                "<file> has neither path nor name; its lines are skipped".to_owned()
            });
        }
        self.file = path.map_or(FileState::Skipped, FileState::Reading);
        self.entries.clear();
    }

    fn end_file(&mut self) {
        let FileState::Reading(path) = std::mem::replace(&mut self.file, FileState::Outside) else {
            return;
        };
        self.files.of(path).append(&mut self.entries);
    }

    /// One `<line num type count truecount falsecount>` of a file.
    fn line(&mut self, e: &BytesStart<'_>, at: &dyn Fn() -> u64) {
        if !matches!(self.file, FileState::Reading(_)) {
            return;
        }
        let mut num = Err((BadNumber::Missing, Vec::new()));
        let mut kind = Ok(LineType::Stmt);
        // count, truecount, falsecount: `None` when absent, `Err` when unusable.
        let mut counts: [Count; 3] = [None, None, None];
        for (key, v) in RawAttributes::of(e) {
            let slot = match key {
                b"num" => {
                    num = numbers::line_no(v).map_err(|why| (why, v.to_vec()));
                    continue;
                }
                b"type" => {
                    kind = match v.trim_ascii() {
                        b"stmt" => Ok(LineType::Stmt),
                        b"cond" => Ok(LineType::Cond),
                        b"method" => Ok(LineType::Method),
                        other => Err(other.to_vec()),
                    };
                    continue;
                }
                b"count" => 0,
                b"truecount" => 1,
                b"falsecount" => 2,
                _ => continue,
            };
            counts[slot] = Some(numbers::count(v).map_err(|why| (why, v.to_vec())));
        }
        let w = &mut self.warnings;
        let num = match num {
            Ok(n) => n,
            Err((why, raw)) => return skip_line(w, at(), None, "num", &raw, why),
        };
        let kind = match kind {
            Ok(LineType::Method) => return,
            Ok(k) => k,
            Err(raw) => {
                return w.push(Some(at()), || {
                    format!(
                        "<line num=\"{num}\"> of unknown type '{}' skipped",
                        String::from_utf8_lossy(&raw)
                    )
                });
            }
        };
        let names = ["count", "truecount", "falsecount"];
        let needed: &[usize] = match kind {
            LineType::Cond => &[1, 2],
            _ => &[0],
        };
        let mut values = [None; 3];
        for (i, c) in counts.into_iter().enumerate() {
            match c {
                Some(Ok(v)) => values[i] = Some(v),
                None if !needed.contains(&i) => {}
                None => {
                    return w.push(Some(at()), || {
                        format!("<line num=\"{num}\"> without {} skipped", names[i])
                    });
                }
                Some(Err((why, raw))) => {
                    return skip_line(w, at(), Some(("num", num)), names[i], &raw, why);
                }
            }
        }
        let cov = match kind {
            LineType::Cond => cond_coverage(values, self.istanbul),
            _ => LineCoverage::new(values[0].unwrap_or(0)),
        };
        self.entries.push((num, cov));
    }

    fn finish(self) -> Parsed {
        let files = self.files.finish();
        Parsed {
            format: InputFormat::Clover,
            sources: Vec::new(),
            files,
            warnings: self.warnings.finish(),
        }
    }
}

/// A `cond` line from its (count, truecount, falsecount); see the module doc for the two
/// readings.
fn cond_coverage(values: [Option<u64>; 3], istanbul: bool) -> LineCoverage {
    let (t, f) = (values[1].unwrap_or(0), values[2].unwrap_or(0));
    let small = |n: u64| n.min(u64::from(u32::MAX)) as u32;
    let (hits, branches) = if istanbul {
        let total = small(t.saturating_add(f));
        let branches = (total > 0).then(|| Branches::Counts {
            covered: small(t).min(total),
            total,
        });
        (t, branches)
    } else {
        let covered = u32::from(t > 0) + u32::from(f > 0);
        (
            t.saturating_add(f),
            Some(Branches::Counts { covered, total: 2 }),
        )
    };
    LineCoverage {
        hits: values[0].unwrap_or(hits),
        branches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineState;

    fn parse_str(s: &str) -> Result<Parsed, ParseError> {
        read(&mut s.as_bytes(), "clover.xml")
    }

    fn line(p: &Parsed, path: &str, num: LineNo) -> LineCoverage {
        let f = &p.files.iter().find(|(n, _)| n == path).expect(path).1;
        f.get(num)
            .cloned()
            .unwrap_or_else(|| panic!("{path}:{num}"))
    }

    #[expect(
        clippy::unnecessary_wraps,
        reason = "compared with LineCoverage::branches, which is an Option"
    )]
    fn counts(covered: u32, total: u32) -> Option<Branches> {
        Some(Branches::Counts { covered, total })
    }

    const CONDS: &str = r#"<file name="a.js" path="/src/a.js">
<line num="1" type="cond" truecount="1" falsecount="0"/>
<line num="2" type="cond" truecount="2" falsecount="1" count="5"/>
<line num="3" type="cond" truecount="0" falsecount="0"/>
<line num="4" type="method" count="3" signature="f(List&lt;A&gt;)"/>
<line num="5" type="stmt" count="2"/><line num="5" type="stmt" count="7"/>
<line num="6" type="stmt" count="1"/><line num="6" type="cond" truecount="0" falsecount="4"/>
</file>"#;

    #[test]
    fn openclover_conditions_are_true_and_false_outcomes() {
        let p = parse_str(&format!(
            r#"<coverage generated="1" clover="4.3.1"><project name="All files"><package name="p">{CONDS}</package></project></coverage>"#
        ))
        .unwrap();
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let f = "/src/a.js";
        assert_eq!(line(&p, f, 1).branches, counts(1, 2));
        assert_eq!(line(&p, f, 1).hits, 1);
        assert_eq!(line(&p, f, 1).state(), LineState::Partial);
        assert_eq!(line(&p, f, 2).branches, counts(2, 2));
        assert_eq!(line(&p, f, 2).hits, 5);
        assert_eq!(line(&p, f, 3).state(), LineState::Miss);
        assert_eq!(line(&p, f, 3).branches, counts(0, 2));
        assert!(
            p.files[0].1.get(4).is_none(),
            "method lines are not tracked"
        );
        assert_eq!(line(&p, f, 5), LineCoverage::new(7));
        assert_eq!(line(&p, f, 6).hits, 4);
        assert_eq!(line(&p, f, 6).branches, counts(1, 2));
    }

    #[test]
    fn istanbul_conditions_are_covered_and_uncovered_outcomes() {
        let p = parse_str(&format!(
            r#"<coverage generated="1" clover="3.2.0"><project timestamp="1" name="All files">{CONDS}</project></coverage>"#
        ))
        .unwrap();
        let f = "/src/a.js";
        assert_eq!(line(&p, f, 1).branches, counts(1, 1));
        assert_eq!(line(&p, f, 1).state(), LineState::Hit);
        assert_eq!(line(&p, f, 2).branches, counts(2, 3));
        assert_eq!(line(&p, f, 2).state(), LineState::Partial);
        assert_eq!(line(&p, f, 3), LineCoverage::new(0));
        assert_eq!(line(&p, f, 6).hits, 1);
        assert_eq!(line(&p, f, 6).branches, counts(0, 4));
        assert_eq!(line(&p, f, 6).state(), LineState::Partial);
    }

    #[test]
    fn files_are_found_wherever_istanbul_put_them_and_testproject_is_skipped() {
        let p = parse_str(
            r#"<coverage><project><metrics statements="1"><package name="x">
<file name="a.ts" path="$P/a.ts"><line num="1" count="1" type="stmt"/></file>
</package></metrics><file name="b.php"><line num="2" count="0" type="stmt"/></file>
<file name="c.php"/></project>
<testproject><file path="T.java"><line num="1" count="1" type="stmt"/></file></testproject>
</coverage>"#,
        )
        .unwrap();
        let names: Vec<&str> = p.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["$P/a.ts", "b.php", "c.php"]);
        assert!(p.files[2].1.is_empty());
    }

    #[test]
    fn bad_lines_are_skipped_with_their_place() {
        let p = parse_str(
            "<coverage>\n<project>\n<file path=\"a\">\n<line num=\"0\" type=\"stmt\" count=\"1\"/>\n\
             <line num=\"2\" type=\"stmt\"/>\n<line num=\"3\" type=\"stmt\" count=\"NaN\"/>\n\
             <line num=\"4\" type=\"cond\" truecount=\"1\"/>\n<line num=\"5\" type=\"branch\" count=\"1\"/>\n\
             <line num=\"6\" count=\"1\"/>\n</file>\n<file><line num=\"1\" count=\"1\"/></file>\n</project>\n</coverage>",
        )
        .unwrap();
        let got: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "line 4: <line> with num '0' skipped: line numbers start at 1",
                "line 5: <line num=\"2\"> without count skipped",
                "line 6: <line num=\"3\"> with count 'NaN' skipped: it is not a number",
                "line 7: <line num=\"4\"> without falsecount skipped",
                "line 8: <line num=\"5\"> of unknown type 'branch' skipped",
                "line 11: <file> has neither path nor name; its lines are skipped",
            ]
        );
        assert_eq!(p.files.len(), 1);
        assert_eq!(p.files[0].1.lines(), [(6, LineCoverage::new(1))]);
    }

    #[test]
    fn other_roots_and_broken_xml_are_refused() {
        let e = parse_str("<report name=\"x\"/>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'clover.xml' has no <coverage> root element (found <report>); expected a Clover \
             XML report"
        );
        let e = parse_str("<coverage><project><file path=\"a\">").unwrap_err();
        assert!(
            matches!(e, ParseError::TruncatedXml { ref element, .. } if element == "file"),
            "{e}"
        );
    }
}
