//! What the XML formats share: the quick-xml event loop over a line-counting reader, with
//! malformed and truncated documents refused the same way for every format, and attribute
//! reading.

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::ParseError;
use super::lines::LineCounting;
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
    /// The innermost open element closes.
    fn end(&mut self, at: &dyn Fn() -> u64);
    /// Any other event (text, CDATA, references); most formats need none.
    fn other(&mut self, _event: &Event<'_>) {}
    /// The innermost element still open, for the error when the document ends early.
    fn open_element(&self) -> Option<&'static str>;
}

/// Feeds every event of `input` to `doc`. Refuses malformed XML (end tags must match) and a
/// document that ends with an element still open, naming the report line and byte offset.
pub(super) fn drive(
    input: &mut impl BufRead,
    name: &str,
    doc: &mut impl XmlDoc,
) -> Result<(), ParseError> {
    let mut reader = Reader::from_reader(LineCounting::new(input));
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::with_capacity(64 * 1024);
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(source) => {
                return Err(ParseError::Xml {
                    name: name.to_owned(),
                    line: reader.get_ref().line(),
                    offset: reader.error_position(),
                    source,
                });
            }
        };
        // The line where the event ends, counted only when a warning needs it.
        let at = || reader.get_ref().line();
        match event {
            Event::Start(e) => doc.start(&e, &at, false)?,
            Event::Empty(e) => doc.start(&e, &at, true)?,
            Event::End(_) => doc.end(&at),
            Event::Eof => break,
            other => doc.other(&other),
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
