//! Text from the store or from commits made safe inside XML and HTML, text and attribute
//! values alike.

use std::borrow::Cow;

pub(super) use crate::render::escape::markup as text;

/// At most `max` characters of `s`, with `…` when it was cut (a tooltip, not the record).
pub(super) fn clipped(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        Some((at, _)) => Cow::Owned(format!("{}…", &s[..at])),
        None => Cow::Borrowed(s),
    }
}

/// The elements of `doc` that hold text, each with its text (entities resolved), in
/// document order; panics, saying where, unless `doc` is one well-formed XML element with
/// no character XML forbids. quick-xml reads it, as a browser's XML parser would.
#[cfg(test)]
pub(super) fn parsed(doc: &str) -> Vec<(String, String)> {
    use quick_xml::events::Event;
    assert!(
        !doc.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')),
        "a control character XML forbids"
    );
    let mut reader = quick_xml::Reader::from_str(doc);
    // Each open element with its number in document order, so that the pieces of one
    // element's text (split at each entity) join, and two elements' texts do not.
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut texts: Vec<(String, String, usize)> = Vec::new();
    let (mut roots, mut opened) = (0, 0);
    let mut add = |stack: &[(String, usize)], text: &str| {
        if stack.is_empty() && text.trim().is_empty() {
            return;
        }
        let (name, id) = stack.last().expect("text inside an element").clone();
        match texts.last_mut() {
            Some((_, t, last)) if *last == id => t.push_str(text),
            _ => texts.push((name, text.to_owned(), id)),
        }
    };
    loop {
        let at = reader.buffer_position();
        match reader.read_event() {
            Err(e) => panic!(
                "not well-formed at byte {at}: {e}\n{}",
                &doc[..doc.len().min(at as usize + 80)]
            ),
            Ok(Event::Start(e)) => {
                for a in e.attributes() {
                    a.unwrap_or_else(|err| panic!("attribute at byte {at}: {err}"));
                }
                if stack.is_empty() {
                    roots += 1;
                }
                opened += 1;
                stack.push((e.name().into_inner().to_owned(), opened));
            }
            Ok(Event::Empty(e)) => {
                for a in e.attributes() {
                    a.unwrap_or_else(|err| panic!("attribute at byte {at}: {err}"));
                }
                assert!(!stack.is_empty(), "a second root element at byte {at}");
            }
            Ok(Event::End(_)) => {
                stack.pop();
            }
            Ok(Event::Text(t)) => add(&stack, &t),
            Ok(Event::GeneralRef(r)) => {
                let resolved = match &*r {
                    "amp" => "&".to_owned(),
                    "lt" => "<".to_owned(),
                    "gt" => ">".to_owned(),
                    "quot" => "\"".to_owned(),
                    "apos" => "'".to_owned(),
                    other => other
                        .strip_prefix('#')
                        .and_then(|n| n.parse::<u32>().ok())
                        .and_then(char::from_u32)
                        .unwrap_or_else(|| panic!("unknown entity &{other}; at byte {at}"))
                        .to_string(),
                };
                add(&stack, &resolved);
            }
            Ok(Event::Eof) => break,
            Ok(Event::Decl(_) | Event::Comment(_) | Event::CData(_)) => {}
            Ok(other) => panic!("unexpected {other:?} at byte {at}"),
        }
    }
    assert_eq!(roots, 1, "one root element");
    assert!(stack.is_empty(), "unclosed {stack:?}");
    texts
        .into_iter()
        .filter(|(_, t, _)| !t.trim().is_empty())
        .map(|(n, t, _)| (n, t))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_counts_characters_not_bytes() {
        assert_eq!(clipped("héllo", 10), "héllo");
        assert_eq!(clipped("héllo", 2), "hé…");
        assert_eq!(clipped("", 0), "");
    }
}
