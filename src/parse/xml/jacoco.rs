//! `JaCoCo` XML (`JaCoCo`, `Kover`, gcovr `--jacoco`), streamed with quick-xml like Cobertura: one
//! reused event buffer, `<line>` attributes read raw. DTDs are never fetched.
//!
//! What counts (fixtures' `jacoco/FORMAT.md`):
//! - The root must be `<report>` ([`ParseError::WrongRoot`] otherwise). `<package>`s may sit
//!   in `<group>`s at any depth; `<class>`, `<method>` and `<sessioninfo>` add nothing per
//!   line and are ignored.
//! - A file's raw path is `package/@name + "/" + sourcefile/@name` (`com/example/Calc.java`),
//!   just the file name in the default package (`name=""`). Several `<sourcefile>`s with one
//!   path are merged, a line listed twice takes the larger count ([`LineCoverage::merge_max`]).
//! - `<line nr mi ci mb cb>`: `JaCoCo` is set-based, so hits are 1 when `ci` (covered
//!   instructions) > 0, else 0. Branches are `Counts { covered: cb, total: mb + cb }` when the
//!   line has any; so a line is partial when `ci > 0` and `mb > 0`, as FORMAT.md says. A line
//!   with some missed instructions but no missed branch (`mi > 0`, `ci > 0`, `mb = 0`), which
//!   `JaCoCo`'s HTML paints yellow, is a hit here: covgit's partial is about branches, and
//!   `JaCoCo`'s LINE counter counts it covered too. A missing attribute is 0.
//! - gcovr writes `<line>`s with neither `mi` nor `ci` (only `mb`/`cb`, or nothing), so the
//!   count of those lines is not in the file. A line with a taken branch (`cb > 0`) ran (hit).
//!   For the others, the `<sourcefile>`'s `<counter type="LINE" missed covered>` decides when it
//!   can: `missed = 0` means every line ran; `covered` equal to the lines already known to have
//!   run means the rest did not. Otherwise they are read as missed and a warning says so
//!   (the counter's figures included), since which of them ran is unknowable.
//!
//! Bad records, each skipped with a warning naming the report line: a `<line>` whose `nr`
//! is missing, 0 or not a number, or whose `mi`/`ci`/`mb`/`cb` is not a count; a
//! `<sourcefile>` without a name (its lines are skipped). Refused: malformed or truncated XML,
//! a root that is not `<report>`, I/O errors.

use std::io::BufRead;

use quick_xml::events::BytesStart;

use crate::model::{Branches, LineCoverage, LineNo};

use super::{FileEntries, RawAttributes, Root, XmlDoc, attribute, drive, skip_line};
use crate::parse::numbers::{self, BadNumber};
use crate::parse::read::Warnings;
use crate::parse::{InputFormat, ParseError, Parsed};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Report,
    Group,
    Package,
    SourceFile,
    Other,
}

/// The `<sourcefile>` being read.
#[derive(Default)]
struct SourceFile {
    /// `None` for a sourcefile without a usable name.
    path: Option<String>,
    entries: Vec<(LineNo, LineCoverage)>,
    /// Indexes into `entries` of lines with neither `mi` nor `ci` (gcovr).
    unknown: Vec<usize>,
    /// `<counter type="LINE">`: (missed, covered).
    line_counter: Option<(u64, u64)>,
}

struct Doc<'n> {
    name: &'n str,
    stack: Vec<Kind>,
    saw_root: bool,
    package: String,
    file: SourceFile,
    files: FileEntries,
    warnings: Warnings,
}

pub(crate) fn read(input: &mut impl BufRead, name: &str) -> Result<Parsed, ParseError> {
    let mut doc = Doc {
        name,
        stack: Vec::with_capacity(16),
        saw_root: false,
        package: String::new(),
        file: SourceFile::default(),
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
    name: "report",
    refuse: |name, found| ParseError::WrongRoot {
        name: name.to_owned(),
        expected: "report",
        format: InputFormat::JaCoCo.with_article(),
        found,
    },
};

impl XmlDoc for Doc<'_> {
    fn start(
        &mut self,
        e: &BytesStart<'_>,
        at: &dyn Fn() -> u64,
        empty: bool,
    ) -> Result<(), ParseError> {
        self.on_start(e, at, empty)
    }

    fn end(&mut self, _name: &str, at: &dyn Fn() -> u64) {
        self.on_end(at);
    }

    fn open_element(&self) -> Option<&'static str> {
        self.top().map(|open| match open {
            Kind::Report => "report",
            Kind::Group => "group",
            Kind::Package => "package",
            Kind::SourceFile => "sourcefile",
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
            if !empty {
                self.stack.push(Kind::Report);
            }
            return Ok(());
        }
        let top = self.top();
        let kind = match local {
            "line" if top == Some(Kind::SourceFile) => {
                self.line(e, at);
                Kind::Other
            }
            "counter" if top == Some(Kind::SourceFile) => {
                self.counter(e);
                Kind::Other
            }
            "sourcefile" if top == Some(Kind::Package) => {
                self.begin_file(e, at);
                Kind::SourceFile
            }
            "package" if matches!(top, Some(Kind::Report | Kind::Group)) => {
                self.package = match attribute(e, "name") {
                    Ok(n) => n.unwrap_or_default(),
                    Err(why) => {
                        self.warnings.push(Some(at()), || {
                            format!(
                                "<package> name cannot be read ({why}); read as the default package"
                            )
                        });
                        String::new()
                    }
                };
                Kind::Package
            }
            "group" if matches!(top, Some(Kind::Report | Kind::Group)) => Kind::Group,
            _ => Kind::Other,
        };
        if empty {
            if kind == Kind::SourceFile {
                self.end_file(at);
            }
        } else {
            self.stack.push(kind);
        }
        Ok(())
    }

    fn on_end(&mut self, at: &dyn Fn() -> u64) {
        match self.stack.pop() {
            Some(Kind::SourceFile) => self.end_file(at),
            Some(Kind::Package) => self.package.clear(),
            _ => {}
        }
    }

    fn begin_file(&mut self, e: &BytesStart<'_>, at: &dyn Fn() -> u64) {
        let name = match attribute(e, "name") {
            Ok(n) => n.filter(|n| !n.is_empty()),
            Err(why) => {
                self.warnings.push(Some(at()), || {
                    format!("<sourcefile> name cannot be read ({why}); its lines are skipped")
                });
                return self.file = SourceFile::default();
            }
        };
        let path = name.map(|n| {
            let package = self.package.trim_end_matches('/');
            if package.is_empty() {
                n
            } else {
                format!("{package}/{n}")
            }
        });
        if path.is_none() {
            self.warnings.push(Some(at()), || {
                "<sourcefile> has no name; its lines are skipped".to_owned()
            });
        }
        self.file = SourceFile {
            path,
            ..SourceFile::default()
        };
    }

    fn counter(&mut self, e: &BytesStart<'_>) {
        let (mut is_line, mut missed, mut covered) = (false, None, None);
        for (key, v) in RawAttributes::of(e) {
            match key {
                b"type" => is_line = v.trim_ascii() == b"LINE",
                b"missed" => missed = numbers::count(v).ok(),
                b"covered" => covered = numbers::count(v).ok(),
                _ => {}
            }
        }
        if let (true, Some(m), Some(c)) = (is_line, missed, covered) {
            self.file.line_counter = Some((m, c));
        }
    }

    /// One `<line nr mi ci mb cb>` of a sourcefile.
    fn line(&mut self, e: &BytesStart<'_>, at: &dyn Fn() -> u64) {
        if self.file.path.is_none() {
            return;
        }
        let mut nr = Err((BadNumber::Missing, Vec::new()));
        // mi, ci, mb, cb; `None` when absent.
        let mut counts: [Option<u64>; 4] = [None; 4];
        let mut bad = None;
        for (key, v) in RawAttributes::of(e) {
            let slot = match key {
                b"nr" => {
                    nr = numbers::line_no(v).map_err(|why| (why, v.to_vec()));
                    continue;
                }
                b"mi" => 0,
                b"ci" => 1,
                b"mb" => 2,
                b"cb" => 3,
                _ => continue,
            };
            match numbers::count(v) {
                Ok(n) => counts[slot] = Some(n),
                Err(why) => {
                    bad.get_or_insert((String::from_utf8_lossy(key).into_owned(), why, v.to_vec()));
                }
            }
        }
        let w = &mut self.warnings;
        let nr = match nr {
            Ok(n) => n,
            Err((why, raw)) => return skip_line(w, at(), None, "nr", &raw, why),
        };
        if let Some((key, why, raw)) = bad {
            return skip_line(w, at(), Some(("nr", nr)), &key, &raw, why);
        }
        let [mi, ci, mb, cb] = counts;
        let (mb, cb) = (mb.unwrap_or(0), cb.unwrap_or(0));
        let total = mb.saturating_add(cb);
        let branches = (total > 0).then(|| Branches::Counts {
            covered: cb.min(u64::from(u32::MAX)) as u32,
            total: total.min(u64::from(u32::MAX)) as u32,
        });
        let hits = if mi.is_none() && ci.is_none() {
            // gcovr: no instruction counts. A taken branch proves the line ran; the rest is
            // settled in `end_file`.
            self.file.unknown.push(self.file.entries.len());
            u64::from(cb > 0)
        } else {
            u64::from(ci.unwrap_or(0) > 0)
        };
        self.file
            .entries
            .push((nr, LineCoverage { hits, branches }));
    }

    fn end_file(&mut self, at: &dyn Fn() -> u64) {
        let mut file = std::mem::take(&mut self.file);
        let Some(path) = file.path.take() else {
            return;
        };
        self.settle_unknown(&path, &mut file, at);
        self.files.of(path).append(&mut file.entries);
    }

    /// Lines without `mi`/`ci`: decided by the sourcefile's LINE counter where it can.
    fn settle_unknown(&mut self, path: &str, file: &mut SourceFile, at: &dyn Fn() -> u64) {
        let undecided: Vec<usize> = file
            .unknown
            .iter()
            .copied()
            .filter(|&i| file.entries[i].1.hits == 0)
            .collect();
        if undecided.is_empty() {
            return;
        }
        let ran = file.entries.iter().filter(|(_, c)| c.hits > 0).count() as u64;
        match file.line_counter {
            Some((0, _)) => {
                for i in undecided {
                    file.entries[i].1.hits = 1;
                }
            }
            Some((_, covered)) if covered == ran => {}
            counter => {
                let said = match counter {
                    Some((missed, covered)) => format!(
                        "its LINE counter says {covered} of {} covered",
                        missed.saturating_add(covered)
                    ),
                    None => "it has no LINE counter".to_owned(),
                };
                let (n, all) = (undecided.len(), file.entries.len());
                self.warnings.push(Some(at()), || {
                    format!(
                        "'{path}': {n} of its {all} <line>s have no instruction counts (mi/ci, \
                         as gcovr writes JaCoCo) and no taken branch, so whether they ran is \
                         unknown; they are read as missed ({said})"
                    )
                });
            }
        }
    }

    fn finish(self) -> Parsed {
        let files = self.files.finish();
        Parsed {
            format: InputFormat::JaCoCo,
            sources: Vec::new(),
            files,
            warnings: self.warnings.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineState;

    fn parse_str(s: &str) -> Result<Parsed, ParseError> {
        read(&mut s.as_bytes(), "jacoco.xml")
    }

    fn line(p: &Parsed, path: &str, nr: LineNo) -> LineCoverage {
        let f = &p.files.iter().find(|(n, _)| n == path).expect(path).1;
        f.get(nr).cloned().unwrap_or_else(|| panic!("{path}:{nr}"))
    }

    #[test]
    fn lines_read_as_jacoco_colours_them() {
        let p = parse_str(
            r#"<?xml version="1.0"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
<report name="r"><group name="g"><group name="h"><package name="com/ex/">
<class name="com/ex/A" sourcefilename="A.java"><method name="a" desc="()V" line="3"/></class>
<sourcefile name="A.java">
<line nr="3" mi="0" ci="4" mb="0" cb="0"/>
<line nr="4" mi="2" ci="3" mb="1" cb="1"/>
<line nr="5" mi="2" ci="3" mb="0" cb="2"/>
<line nr="6" mi="7" ci="0" mb="2" cb="0"/>
<line nr="7" mi="0" ci="1"/>
<counter type="LINE" missed="1" covered="4"/>
</sourcefile></package></group></group>
<package name=""><sourcefile name="Main.java"><line nr="1" mi="1" ci="0" mb="0" cb="0"/></sourcefile></package>
<counter type="LINE" missed="2" covered="4"/></report>"#,
        )
        .unwrap();
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.format, InputFormat::JaCoCo);
        let names: Vec<&str> = p.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["com/ex/A.java", "Main.java"]);
        let a = "com/ex/A.java";
        assert_eq!(line(&p, a, 3), LineCoverage::new(1));
        assert_eq!(line(&p, a, 3).state(), LineState::Hit);
        assert_eq!(
            line(&p, a, 4).branches,
            Some(Branches::Counts {
                covered: 1,
                total: 2
            })
        );
        assert_eq!(line(&p, a, 4).state(), LineState::Partial);
        assert_eq!(
            line(&p, a, 5).state(),
            LineState::Hit,
            "mi > 0 but no missed branch"
        );
        assert_eq!(line(&p, a, 6).state(), LineState::Miss);
        assert_eq!(line(&p, a, 7).hits, 1, "missing mb/cb are 0");
        assert_eq!(line(&p, "Main.java", 1).state(), LineState::Miss);
    }

    #[test]
    fn lines_without_instruction_counts_use_the_line_counter() {
        let doc = |counter: &str| {
            format!(
                r#"<report name="GCOVR report"><package name="src"><sourcefile name="a.c">
<line nr="1"/><line nr="2" mb="1" cb="1"/><line nr="3" mb="2" cb="0"/><line nr="3"/>
{counter}</sourcefile></package></report>"#
            )
        };
        let hits = |p: &Parsed| -> Vec<(LineNo, u64)> {
            p.files[0]
                .1
                .lines()
                .iter()
                .map(|(n, c)| (*n, c.hits))
                .collect()
        };
        // Every line covered.
        let p = parse_str(&doc(r#"<counter type="LINE" missed="0" covered="4"/>"#)).unwrap();
        assert_eq!(hits(&p), [(1, 1), (2, 1), (3, 1)]);
        assert!(p.warnings.is_empty());
        // Only the line with a taken branch covered.
        let p = parse_str(&doc(r#"<counter type="LINE" missed="3" covered="1"/>"#)).unwrap();
        assert_eq!(hits(&p), [(1, 0), (2, 1), (3, 0)]);
        assert!(p.warnings.is_empty());
        // Undecidable: read as missed, with a warning.
        let p = parse_str(&doc(r#"<counter type="LINE" missed="1" covered="3"/>"#)).unwrap();
        assert_eq!(hits(&p), [(1, 0), (2, 1), (3, 0)]);
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, Some(3));
        assert_eq!(
            p.warnings[0].message,
            "'src/a.c': 3 of its 4 <line>s have no instruction counts (mi/ci, as gcovr writes \
             JaCoCo) and no taken branch, so whether they ran is unknown; they are read as \
             missed (its LINE counter says 3 of 4 covered)"
        );
        let p = parse_str(&doc("")).unwrap();
        assert!(p.warnings[0].message.ends_with("(it has no LINE counter)"));
    }

    #[test]
    fn bad_lines_are_skipped_with_their_place() {
        let p = parse_str(
            "<report name=\"x\">\n<package name=\"p\">\n<sourcefile name=\"A.java\">\n\
             <line nr=\"0\" mi=\"0\" ci=\"1\"/>\n<line nr=\"x\" ci=\"1\"/>\n\
             <line nr=\"2\" mi=\"0\" ci=\"-1\"/>\n<line nr=\"3\" mi=\"0\" ci=\"1\" cb=\"0.5\"/>\n\
             <line nr=\"4\" mi=\"0\" ci=\"1\"/>\n</sourcefile>\n<sourcefile>\n<line nr=\"1\" ci=\"1\"/>\n\
             </sourcefile>\n<sourcefile name=\"E.java\"/>\n</package>\n</report>\n",
        )
        .unwrap();
        let got: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "line 4: <line> with nr '0' skipped: line numbers start at 1",
                "line 5: <line> with nr 'x' skipped: it is not a number",
                "line 6: <line nr=\"2\"> with ci '-1' skipped: it is negative",
                "line 7: <line nr=\"3\"> with cb '0.5' skipped: it is not a whole number",
                "line 10: <sourcefile> has no name; its lines are skipped",
            ]
        );
        assert_eq!(p.files.len(), 2);
        assert_eq!(p.files[0].1.len(), 1);
        assert_eq!(p.files[1].0, "p/E.java");
        assert!(p.files[1].1.is_empty());
    }

    #[test]
    fn other_roots_and_broken_xml_are_refused() {
        let e = parse_str("<coverage/>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'jacoco.xml' has no <report> root element (found <coverage>); expected a JaCoCo \
             XML report"
        );
        let e = parse_str("just text").unwrap_err();
        assert!(
            matches!(e, ParseError::WrongRoot { ref found, .. } if found == "no element at all")
        );
        let e = parse_str("<report><package name=\"a\"><sourcefile name=\"b\">").unwrap_err();
        assert!(
            matches!(e, ParseError::TruncatedXml { ref element, .. } if element == "sourcefile"),
            "{e}"
        );
        let e = parse_str("<report><package></report>").unwrap_err();
        assert!(matches!(e, ParseError::Xml { .. }), "{e}");
    }
}
