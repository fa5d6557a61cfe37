//! Cobertura XML, streamed with quick-xml: one reused event buffer, no DOM, attributes read
//! in place, numbers parsed from bytes. DTDs are never fetched; a UTF-8 BOM is skipped. A
//! large report in memory is read in parts on several threads, cut at `<class` tags
//! ([`read_at`]), with exactly the result of one pass.
//!
//! What counts:
//! - The document's root element must be `<coverage>` (otherwise [`ParseError::NoCoverageRoot`]).
//!   `<source>` texts inside `<sources>` are kept, trimmed, in order (empty ones dropped).
//! - A `<class filename=...>` anywhere under the root (under `<classes>`, or directly under
//!   `<packages>`/`<package>` as old Istanbul and Swift converters write it) gives the lines of
//!   that file. Several classes with one filename are merged, a line listed more than once
//!   takes the larger count and merged branches ([`LineCoverage::merge_max`]): Cobertura,
//!   gcovr, coverlet and altcover list each line under its method and again under the class,
//!   and template or generic instantiations repeat a line.
//! - Lines under `<method><lines>` only count where the class has no class-level lines (Swift
//!   converters put lines only in methods). Where it has, a method line that is not in the
//!   class list is dropped: Istanbul puts the function's declaration line there with its call
//!   count, and the producer's own totals leave it out.
//! - `<line number hits>`: `hits` may be an integral float (`1.0`). Branches come from
//!   `condition-coverage="P% (covered/total)"` unless `branch` says false (any case); the
//!   `<conditions>` children and coverage.py's `missing-branches` add nothing the counts do
//!   not say, so they are ignored. scoverage `<statements>` are ignored. `<line>` attributes
//!   are read raw (no entity expansion; their values are numbers and percentages).
//!
//! Bad records, each skipped with a warning naming the report line (where the element's tag
//! ends): a `<line>` whose number is missing, 0, above `u32::MAX` or not a number
//! (`undefined`); a `<line>` whose hits are missing, negative, fractional or not a number
//! (`NaN`); a `<class>` without a filename (its lines are skipped). Kept with a warning: a line whose `condition-coverage` has no
//! `(covered/total)` part or says covered > total (the line keeps its hits, without branches).
//! Refused: malformed XML, XML truncated inside an element, a root that is not `<coverage>`,
//! I/O errors.

use std::io::Read;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::model::{Branches, LineCoverage, LineNo};

use super::{FileEntries, RawAttributes, Root, XmlDoc, drive, skip_line};
use crate::parse::numbers::{self, BadNumber};
use crate::parse::read::Warnings;
use crate::parse::{InputFormat, ParseError, Parsed};

mod parts;

pub(crate) use parts::read_at;
#[cfg(any(test, fuzzing))]
pub(in crate::parse) use parts::read_in_parts;
#[cfg(test)]
pub(in crate::parse) use parts::{merge_parts, split_points};

/// The elements that matter; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Coverage,
    Sources,
    Source,
    Class,
    Methods,
    Method,
    Lines,
    Line,
    Other,
}

/// The class being read.
#[derive(Default)]
struct Class {
    /// Inside a `<class>` element.
    open: bool,
    /// `None` for a class without a usable filename.
    filename: Option<String>,
    /// The class-level `<lines>`.
    own_lines: Vec<(LineNo, LineCoverage)>,
    method_lines: Vec<(LineNo, LineCoverage)>,
}

struct Doc<'n> {
    name: &'n str,
    stack: Vec<Kind>,
    /// The open elements that were opened outside any class, with their names: always the
    /// bottom of `stack`. What a part of the document leaves open for the next.
    outer: Vec<(Kind, String)>,
    /// End tags of elements opened before this part of the document, in order.
    unmatched: Vec<String>,
    /// This part met something whose meaning depends on elements opened before it.
    doubtful: bool,
    saw_root: bool,
    sources: Vec<String>,
    source_text: String,
    class: Class,
    /// Per raw filename: entries from every class, merged at the end.
    files: FileEntries,
    warnings: Warnings,
}

const ROOT: Root = Root {
    name: "coverage",
    refuse: |name, found| ParseError::NoCoverageRoot {
        name: name.to_owned(),
        found,
    },
};

pub(crate) fn read(input: impl Read, name: &str) -> Result<Parsed, ParseError> {
    let mut doc = Doc::new(name, true);
    drive(input, name, &mut doc)?;
    if !doc.saw_root {
        return Err(ROOT.missing(name));
    }
    Ok(doc.finish())
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

    fn end(&mut self, name: &str, _at: &dyn Fn() -> u64) {
        self.on_end(name);
    }

    fn other(&mut self, event: &Event<'_>) {
        if self.top() != Some(Kind::Source) {
            return;
        }
        match event {
            Event::Text(t) => self.source_text.push_str(t),
            Event::CData(t) => self.source_text.push_str(t),
            Event::GeneralRef(r) => self.source_ref(r),
            _ => {}
        }
    }

    fn open_element(&self) -> Option<&'static str> {
        self.top().map(|open| match open {
            Kind::Coverage => "coverage",
            Kind::Sources => "sources",
            Kind::Source => "source",
            Kind::Class => "class",
            Kind::Methods => "methods",
            Kind::Method => "method",
            Kind::Lines => "lines",
            Kind::Line => "line",
            Kind::Other => "an element",
        })
    }
}

impl<'n> Doc<'n> {
    /// A reader of the whole document or of its `first` part, or of a later part (which
    /// starts past the root).
    fn new(name: &'n str, first: bool) -> Self {
        Doc {
            name,
            stack: Vec::with_capacity(16),
            outer: Vec::new(),
            unmatched: Vec::new(),
            doubtful: false,
            saw_root: !first,
            sources: Vec::new(),
            source_text: String::new(),
            class: Class::default(),
            files: FileEntries::default(),
            warnings: Warnings::default(),
        }
    }

    fn top(&self) -> Option<Kind> {
        self.stack.last().copied()
    }

    fn parent(&self) -> Option<Kind> {
        self.stack.len().checked_sub(2).map(|i| self.stack[i])
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
                self.stack.push(Kind::Coverage);
                self.outer
                    .push((Kind::Coverage, e.name().into_inner().to_owned()));
            }
            return Ok(());
        }
        let top = self.top();
        let in_class = self.class.open;
        let kind = match local {
            "line" if top == Some(Kind::Lines) && in_class => {
                let in_method = self.parent() == Some(Kind::Method);
                self.line(e, at, in_method);
                Kind::Line
            }
            "lines" if matches!(top, Some(Kind::Class | Kind::Method)) => Kind::Lines,
            "method" if top == Some(Kind::Methods) => Kind::Method,
            "methods" if top == Some(Kind::Class) => Kind::Methods,
            "class" if !in_class => {
                self.begin_class(e, at);
                Kind::Class
            }
            "sources" if top == Some(Kind::Coverage) => Kind::Sources,
            // In a later part, what is below is unknown: it may be the root.
            "sources" if top.is_none() => {
                self.doubtful = true;
                Kind::Other
            }
            "source" if top == Some(Kind::Sources) => {
                self.source_text.clear();
                Kind::Source
            }
            _ => Kind::Other,
        };
        if empty {
            // `<class .../>`, `<source/>`: opened and closed at once.
            match kind {
                Kind::Class => self.end_class(),
                Kind::Source => self.end_source(),
                _ => {}
            }
        } else {
            if !in_class {
                self.outer.push((kind, e.name().into_inner().to_owned()));
            }
            self.stack.push(kind);
        }
        Ok(())
    }

    fn on_end(&mut self, name: &str) {
        let Some(kind) = self.stack.pop() else {
            // Only a later part, whose reader lets such tags through, gets here.
            self.unmatched.push(name.to_owned());
            return;
        };
        if self.stack.len() < self.outer.len() {
            self.outer.pop();
        }
        match kind {
            Kind::Class => self.end_class(),
            Kind::Source => self.end_source(),
            _ => {}
        }
    }

    fn source_ref(&mut self, r: &BytesRef<'_>) {
        if let Ok(Some(c)) = r.resolve_char_ref() {
            self.source_text.push(c);
        } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(r) {
            self.source_text.push_str(s);
        } else {
            self.source_text.push('&');
            self.source_text.push_str(r);
            self.source_text.push(';');
        }
    }

    fn end_source(&mut self) {
        let s = self.source_text.trim();
        if !s.is_empty() {
            self.sources.push(s.to_owned());
        }
        self.source_text.clear();
    }

    fn begin_class(&mut self, e: &BytesStart<'_>, at: &dyn Fn() -> u64) {
        let mut filename = None;
        for attr in e.attributes().with_checks(false).flatten() {
            if attr.key.into_inner() == "filename" {
                filename = match attr.normalized_value(XmlVersion::Implicit1_0) {
                    Ok(v) => Some(v.trim().to_owned()),
                    Err(err) => {
                        self.warnings.push(Some(at()), || {
                            format!("<class> filename cannot be read ({err}); class skipped")
                        });
                        None
                    }
                };
            }
        }
        let filename = filename.filter(|f| !f.is_empty());
        if filename.is_none() {
            let class = e
                .attributes()
                .with_checks(false)
                .flatten()
                .find(|a| a.key.into_inner() == "name")
                .map(|a| format!(" '{}'", a.value))
                .unwrap_or_default();
            self.warnings.push(Some(at()), || {
                format!("<class>{class} has no filename; its lines are skipped")
            });
        }
        self.class.open = true;
        self.class.filename = filename;
        self.class.own_lines.clear();
        self.class.method_lines.clear();
    }

    fn end_class(&mut self) {
        self.class.open = false;
        let Some(filename) = self.class.filename.take() else {
            return;
        };
        let entries = self.files.of(filename);
        let class = &mut self.class;
        if class.own_lines.is_empty() {
            entries.append(&mut class.method_lines);
        } else {
            class.own_lines.sort_by_key(|(n, _)| *n);
            for (n, cov) in class.method_lines.drain(..) {
                if class
                    .own_lines
                    .binary_search_by_key(&n, |(m, _)| *m)
                    .is_ok()
                {
                    entries.push((n, cov));
                }
            }
            entries.append(&mut class.own_lines);
        }
    }

    /// One `<line>` of a class or method list.
    fn line(&mut self, e: &BytesStart<'_>, at: &dyn Fn() -> u64, in_method: bool) {
        let mut number = Err((BadNumber::Missing, Vec::new()));
        let mut hits = Err((BadNumber::Missing, Vec::new()));
        let mut branch_false = false;
        let mut condition = None;
        for (key, v) in RawAttributes::of(e) {
            match key {
                b"number" => number = numbers::line_no(v).map_err(|why| (why, v.to_vec())),
                b"hits" => hits = numbers::count(v).map_err(|why| (why, v.to_vec())),
                b"branch" => branch_false = v.trim_ascii().eq_ignore_ascii_case(b"false"),
                b"condition-coverage" => condition = Some(condition_counts(v)),
                _ => {}
            }
        }
        let w = &mut self.warnings;
        let number = match number {
            Ok(n) => n,
            Err((why, raw)) => return skip_line(w, at(), None, "number", &raw, why),
        };
        let hits = match hits {
            Ok(h) => h,
            Err((why, raw)) => {
                return skip_line(w, at(), Some(("number", number)), "hits", &raw, why);
            }
        };
        let branches = match condition.filter(|_| !branch_false) {
            None | Some(Ok((_, 0))) => None,
            Some(Ok((covered, total))) if covered <= total => {
                Some(Branches::Counts { covered, total })
            }
            Some(Ok((covered, total))) => {
                w.push(Some(at()), || {
                    format!(
                        "<line number=\"{number}\"> says {covered} of {total} branches were \
                         taken; its branches are ignored"
                    )
                });
                None
            }
            Some(Err(raw)) => {
                w.push(Some(at()), || {
                    format!(
                        "<line number=\"{number}\"> has condition-coverage '{raw}' without \
                         (covered/total); its branches are ignored"
                    )
                });
                None
            }
        };
        let list = if in_method {
            &mut self.class.method_lines
        } else {
            &mut self.class.own_lines
        };
        list.push((number, LineCoverage { hits, branches }));
    }

    fn finish(self) -> Parsed {
        let files = self.files.finish();
        Parsed {
            format: InputFormat::Cobertura,
            sources: self.sources,
            files,
            warnings: self.warnings.finish(),
        }
    }
}

/// `(covered, total)` from `"50% (1/2)"`; the raw text when it has no such part.
fn condition_counts(v: &[u8]) -> Result<(u32, u32), String> {
    let parsed = (|| {
        let open = v.iter().position(|&c| c == b'(')?;
        let close = open + v[open..].iter().position(|&c| c == b')')?;
        let inner = &v[open + 1..close];
        let slash = inner.iter().position(|&c| c == b'/')?;
        let covered = small_number(&inner[..slash])?;
        let total = small_number(&inner[slash + 1..])?;
        Some((covered, total))
    })();
    parsed.ok_or_else(|| String::from_utf8_lossy(v.trim_ascii()).into_owned())
}

fn small_number(b: &[u8]) -> Option<u32> {
    let b = b.trim_ascii();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) || b.len() > 9 {
        return None;
    }
    b.iter()
        .try_fold(0_u32, |n, &c| Some(n * 10 + u32::from(c - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineState;

    const BAD: &str = r#"<?xml version="1.0"?>
<!DOCTYPE coverage SYSTEM "https://example.invalid/coverage-04.dtd">
<coverage lines-valid="9">
  <sources>
    <source>
       /src/a &amp; b </source>
    <source></source>
    <source>C:\temp\</source>
  </sources>
  <packages><package name="p"><classes>
    <class name="A" filename=" a&amp;b.py ">
      <methods><method name="f"><lines>
        <line number="2" hits="7"/>
        <line number="30" hits="1"/>
      </lines></method></methods>
      <lines>
        <line number="1" hits="8589934592"/>
        <line number="2" hits="3" branch="true" condition-coverage="50% (1/2)"/>
        <line number="3" hits="-1"/>
        <line number="4" hits="NaN"/>
        <line number="4294967296" hits="1"/>
        <line number="5"/>
        <line number="6" hits="1" branch="False" condition-coverage="50% (1/2)"/>
        <line number="7" hits="1" branch="true" condition-coverage="150% (3/2)"/>
        <line number="8" hits="2.5"/>
        <line number="9" hits="1" condition-coverage="0% (0/2)"><conditions><condition number="0" type="jump" coverage="0%"/></conditions></line>
      </lines>
    </class>
    <class name="A$Inner" filename="a&amp;b.py"><lines><line number="1" hits="2"/><line number="10" hits="0"/></lines></class>
    <class name="NoFile"><lines><line number="1" hits="1"/></lines></class>
  </classes></package></packages>
</coverage>
"#;

    #[test]
    fn each_bad_line_is_skipped_with_a_warning_and_classes_of_a_file_merge() {
        let p = read(&mut BAD.as_bytes(), "c.xml").unwrap();
        let got: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "line 19: <line number=\"3\"> with hits '-1' skipped: it is negative",
                "line 20: <line number=\"4\"> with hits 'NaN' skipped: it is not a number",
                "line 21: <line> with number '4294967296' skipped: it is larger than 4294967295",
                "line 22: <line number=\"5\"> with hits '' skipped: it is missing",
                "line 24: <line number=\"7\"> says 3 of 2 branches were taken; its branches are \
                 ignored",
                "line 25: <line number=\"8\"> with hits '2.5' skipped: it is not a whole number",
                "line 30: <class> 'NoFile' has no filename; its lines are skipped",
            ]
        );
        assert_eq!(p.sources, ["/src/a & b", "C:\\temp\\"]);
        assert_eq!(p.files.len(), 1);
        let (name, f) = &p.files[0];
        assert_eq!(name, "a&b.py");
        let tracked: Vec<(LineNo, u64)> = f.lines().iter().map(|(n, c)| (*n, c.hits)).collect();
        // Line 2: method says 7, class says 3: the larger. Line 30 is only in the method
        // list of a class that has its own list: dropped. Line 1: the larger over classes.
        assert_eq!(
            tracked,
            [(1, 8_589_934_592), (2, 7), (6, 1), (7, 1), (9, 1), (10, 0)]
        );
        assert_eq!(f.get(2).unwrap().state(), LineState::Partial);
        assert_eq!(f.get(6).unwrap().branches, None, "branch=\"False\"");
        assert_eq!(f.get(7).unwrap().branches, None);
        assert_eq!(
            f.get(9).unwrap().branches,
            Some(Branches::Counts {
                covered: 0,
                total: 2
            }),
            "no branch attribute: condition-coverage still counts"
        );
    }

    #[test]
    fn an_empty_coverage_element_is_a_report_with_no_files() {
        let p = read(&mut &b"<coverage/>"[..], "e.xml").unwrap();
        assert!(p.files.is_empty() && p.sources.is_empty() && p.warnings.is_empty());
        let p = read(
            &mut &b"<coverage><packages><class filename=\"x.swift\"/></packages></coverage>"[..],
            "e.xml",
        )
        .unwrap();
        assert_eq!(p.files.len(), 1);
        assert!(p.files[0].1.is_empty());
    }

    #[test]
    fn condition_counts_need_the_parenthesised_part() {
        assert_eq!(condition_counts(b"50% (1/2)"), Ok((1, 2)));
        assert_eq!(condition_counts(b"33.33% (1/3)"), Ok((1, 3)));
        assert_eq!(condition_counts(b"50%"), Err("50%".to_owned()));
        assert_eq!(condition_counts(b"(a/b)"), Err("(a/b)".to_owned()));
        assert_eq!(
            condition_counts(b"(1/99999999999)"),
            Err("(1/99999999999)".to_owned())
        );
        assert_eq!(condition_counts(b")("), Err(")(".to_owned()));
    }
}
