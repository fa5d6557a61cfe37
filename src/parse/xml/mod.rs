//! What the XML formats share: the quick-xml event loop over a line-counting reader, with
//! malformed and truncated documents refused the same way for every format, and attribute
//! reading.

pub(super) mod clover;
pub(super) mod cobertura;
pub(super) mod jacoco;

use std::cell::Cell;
use std::collections::HashMap;
use std::io::Read;

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::ParseError;
use super::lines::{LineCounting, newlines};
use super::numbers::BadNumber;
use super::read::Warnings;
use crate::model::{FileCoverage, LineCoverage, LineNo};

/// A format's reader, fed the document's events in order.
pub(super) trait XmlDoc {
    /// An element opens (`empty`: and closes at once, `<x/>`). `at` gives the report line.
    fn start(
        &mut self,
        e: &BytesStart<'_>,
        at: &dyn Fn() -> u64,
        empty: bool,
    ) -> Result<(), ParseError>;
    /// The innermost open element, `name`, closes. (Only a later part of a document, see
    /// [`drive_part`], can be told of an element it never saw open.)
    fn end(&mut self, name: &str, at: &dyn Fn() -> u64);
    /// Any other event (text, CDATA, references); most formats need none.
    fn other(&mut self, _event: &Event<'_>) {}
    /// The innermost element still open, for the error when the document ends early.
    fn open_element(&self) -> Option<&'static str>;
}

/// The root element a format's documents must have, and how the format refuses a document
/// whose first element is another one, or that has none.
pub(super) struct Root {
    /// The element's local name: `coverage`, `report`.
    pub(super) name: &'static str,
    /// The refusal of report `name`, given what was found: `<html>`, "no element at all".
    pub(super) refuse: fn(name: &str, found: String) -> ParseError,
}

impl Root {
    /// `Err` unless `e`, the document's first element, is this root.
    pub(super) fn check(&self, report: &str, e: &BytesStart<'_>) -> Result<(), ParseError> {
        if e.local_name().into_inner() == self.name {
            Ok(())
        } else {
            Err((self.refuse)(
                report,
                format!("<{}>", e.name().into_inner()),
            ))
        }
    }

    /// The refusal of a document without any element.
    pub(super) fn missing(&self, report: &str) -> ParseError {
        (self.refuse)(report, "no element at all".to_owned())
    }
}

/// Feeds every event of `input` to `doc`. Refuses malformed XML (end tags must match) and a
/// document that ends with an element still open, naming the report line and byte offset.
pub(super) fn drive(input: impl Read, name: &str, doc: &mut impl XmlDoc) -> Result<(), ParseError> {
    let mut reader = Reader::from_reader(LineCounting::new(input));
    reader.config_mut().check_end_names = true;
    match feed(&mut reader, doc) {
        Ok(done) => done?,
        Err(source) => {
            return Err(ParseError::Xml {
                name: name.to_owned(),
                line: reader.get_ref().line(),
                offset: reader.error_position(),
                source,
            });
        }
    }
    if let Some(element) = doc.open_element() {
        return Err(ParseError::TruncatedXml {
            name: name.to_owned(),
            element: element.to_owned(),
            line: reader.get_ref().line(),
            offset: reader.buffer_position(),
        });
    }
    Ok(())
}

/// A part of a document that cannot be read on its own; the document is then read whole,
/// which also gives any error its proper place.
#[derive(Debug)]
pub(super) struct PartFailed;

/// Feeds every event of `part`, a part of a document in memory that starts between two
/// events, to `doc`. Unlike [`drive`], elements still open at the end are left to the next
/// part, and unless the part is the `first`, an end tag of an element opened before it is
/// let through ([`XmlDoc::end`] is told its name, for the caller to check against the part
/// before). Lines that `at` gives count from the part's start. Events borrow from `part`:
/// nothing is copied. A later part's text is trimmed and whitespace-only text dropped (the
/// Cobertura reader, the one reader of parts, wants text only from `<source>`, which comes
/// before its first class), sparing an event between every two elements.
pub(super) fn drive_part(
    part: &[u8],
    first: bool,
    doc: &mut impl XmlDoc,
) -> Result<(), PartFailed> {
    let mut reader = Reader::from_reader(part);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.allow_unmatched_ends = !first;
    config.trim_text(!first);
    // (byte, newlines before it): where the last line count stopped; events only move on.
    let counted = Cell::new((0_usize, 0_u64));
    loop {
        let event = reader.read_event().map_err(|_| PartFailed)?;
        let pos =
            usize::try_from(reader.buffer_position()).map_or(part.len(), |p| p.min(part.len()));
        let at = || {
            let (from, n) = counted.get();
            let n = n + newlines(&part[from.min(pos)..pos]);
            counted.set((pos, n));
            1 + n
        };
        match dispatch(event, doc, &at) {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(_) => return Err(PartFailed),
        }
    }
}

/// The event loop: the reader's error outside, the format reader's inside.
fn feed<R: Read>(
    reader: &mut Reader<LineCounting<R>>,
    doc: &mut impl XmlDoc,
) -> Result<Result<(), ParseError>, quick_xml::Error> {
    let mut buf = Vec::with_capacity(64 * 1024);
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf)?;
        // The line where the event ends, counted only when a warning needs it.
        let at = || reader.get_ref().line();
        match dispatch(event, doc, &at) {
            Ok(true) => return Ok(Ok(())),
            Ok(false) => {}
            Err(e) => return Ok(Err(e)),
        }
    }
}

/// Hands one event to `doc`; `true` at the end of the document.
fn dispatch(
    event: Event<'_>,
    doc: &mut impl XmlDoc,
    at: &dyn Fn() -> u64,
) -> Result<bool, ParseError> {
    match event {
        Event::Start(e) => doc.start(&e, at, false)?,
        Event::Empty(e) => doc.start(&e, at, true)?,
        Event::End(e) => doc.end(e.name().into_inner(), at),
        Event::Eof => return Ok(true),
        other => doc.other(&other),
    }
    Ok(false)
}

/// The unescaped value of attribute `key`, trimmed; `Err` with the reason when it cannot be
/// read.
pub(super) fn attribute(e: &BytesStart<'_>, key: &str) -> Result<Option<String>, String> {
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|err| err.to_string())?;
        if attr.key.into_inner() == key {
            return attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map(|v| Some(v.trim().to_owned()))
                .map_err(|err| err.to_string());
        }
    }
    Ok(None)
}

/// The attributes of a tag as raw `(key, value)` bytes, values without quotes and not
/// unescaped: enough for `<line>`, whose values are numbers and percentages, and much
/// cheaper than a general attribute reader. Stops at the first thing that is not
/// `key="value"` or `key='value'`.
pub(super) struct RawAttributes<'a>(&'a [u8]);

impl<'a> RawAttributes<'a> {
    /// The attributes of `e`'s tag.
    pub(super) fn of(e: &'a BytesStart<'_>) -> Self {
        RawAttributes(e.attributes_raw().as_bytes())
    }
}

impl<'a> Iterator for RawAttributes<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.0.trim_ascii_start();
        let eq = b.iter().position(|&c| c == b'=')?;
        let key = b[..eq].trim_ascii_end();
        let after = b[eq + 1..].trim_ascii_start();
        let quote = *after.first().filter(|q| matches!(q, b'"' | b'\''))?;
        let len = after[1..].iter().position(|&c| c == quote)?;
        self.0 = &after[len + 2..];
        Some((key, &after[1..=len]))
    }
}

/// Skips a `<line>` whose attribute `attr` holds `raw`, no usable number, with the warning
/// every XML reader words the same way: `<line> with number 'x' skipped: why`, or, once the
/// line's own number is known as `(its attribute, value)`, `<line number="7"> with hits 'x'
/// skipped: why`.
pub(super) fn skip_line(
    w: &mut Warnings,
    at: u64,
    line: Option<(&str, LineNo)>,
    attr: &str,
    raw: &[u8],
    why: BadNumber,
) {
    w.push(Some(at), || {
        let raw = String::from_utf8_lossy(raw);
        match line {
            None => format!("<line> with {attr} '{raw}' skipped: {why}"),
            Some((key, n)) => format!("<line {key}=\"{n}\"> with {attr} '{raw}' skipped: {why}"),
        }
    });
}

/// Line entries per raw path, in the order paths first appear; a path met again (a file
/// split over several classes or elements) gathers into the same list.
#[derive(Default)]
pub(super) struct FileEntries {
    files: Vec<(String, Vec<(LineNo, LineCoverage)>)>,
    index: HashMap<String, usize>,
}

impl FileEntries {
    /// The entry list of `path`, created empty on first use.
    pub(super) fn of(&mut self, path: String) -> &mut Vec<(LineNo, LineCoverage)> {
        let k = match self.index.get(&path) {
            Some(&k) => k,
            None => {
                self.index.insert(path.clone(), self.files.len());
                self.files.push((path, Vec::new()));
                self.files.len() - 1
            }
        };
        &mut self.files[k].1
    }

    /// Takes `later`'s entries after these, path by path, as if one reader had met them all.
    pub(super) fn append(&mut self, later: FileEntries) {
        for (path, mut entries) in later.files {
            self.of(path).append(&mut entries);
        }
    }

    /// Each path's coverage; a line listed more than once takes the larger count
    /// ([`LineCoverage::merge_max`]).
    pub(super) fn finish(self) -> Vec<(String, FileCoverage)> {
        self.files
            .into_iter()
            .map(|(path, entries)| {
                (
                    path,
                    FileCoverage::from_entries(entries, LineCoverage::merge_max),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_attributes_split_key_and_value() {
        let got: Vec<(&[u8], &[u8])> =
            RawAttributes(b" number=\"3\"\n hits = '1.0' branch=\"\" bad").collect();
        assert_eq!(
            got,
            [
                (&b"number"[..], &b"3"[..]),
                (b"hits", b"1.0"),
                (b"branch", b""),
            ]
        );
        assert_eq!(RawAttributes(b" a=\"unclosed").count(), 0);
        assert_eq!(RawAttributes(b"").count(), 0);
    }
}
