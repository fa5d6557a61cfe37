//! The code under a problem run in text and Markdown (SPEC "Reports for people"): the run's
//! first lines read through [`Source`], from the head side, or the base side for a run whose
//! numbers are base lines (`removed`). Unescaped: each format escapes what it prints.

use super::source::{Side, Source};
use crate::compare::{LineKind, LineRun};

/// Lines shown per run; the rest is counted ("… 3 more lines").
pub const MAX_SHOWN_LINES: u32 = 5;

/// Characters shown of one source line (a minified file has lines of megabytes); a longer
/// line ends with `…`.
const MAX_LINE_CHARS: usize = 160;

/// Columns a tab stands for: a tab shown as `\t` would make code unreadable.
const TAB: &str = "    ";

/// The first lines of a run, each with its number, and how many more the run has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// `(line number, text)`, tabs expanded, trailing blanks trimmed, long lines cut.
    pub lines: Vec<(u32, String)>,
    /// Lines of the run not shown.
    pub more: u64,
}

impl Snippet {
    /// The width of the widest line number, to right-align them.
    pub fn number_width(&self) -> usize {
        self.lines
            .iter()
            .map(|(n, _)| n.to_string().len())
            .max()
            .unwrap_or(1)
    }
}

/// The side whose line numbers a run carries: the base for `removed`, else the head.
pub fn side(r: &LineRun) -> Side {
    if r.kind == LineKind::Removed {
        Side::Base
    } else {
        Side::Head
    }
}

/// Reads snippets through a [`Source`], keeping the last file read: runs come sorted by path,
/// so each file is read once per list, and only one is held at a time.
pub struct Reader<'a> {
    source: &'a dyn Source,
    last: Option<(Side, String, Option<Vec<String>>)>,
}

impl<'a> Reader<'a> {
    pub fn new(source: &'a dyn Source) -> Self {
        Self { source, last: None }
    }

    /// The snippet of `r`, `None` when its file cannot be shown (no source, binary, too
    /// large) or does not reach the run's first line.
    pub fn snippet(&mut self, r: &LineRun) -> Option<Snippet> {
        let side = side(r);
        let fresh = !matches!(&self.last, Some((s, p, _)) if *s == side && *p == r.path);
        if fresh {
            let lines = self.source.lines(side, &r.path);
            self.last = Some((side, r.path.clone(), lines));
        }
        let lines = self.last.as_ref()?.2.as_ref()?;
        let end = r.end.max(r.start);
        let last_shown = end.min(r.start.saturating_add(MAX_SHOWN_LINES - 1));
        let shown: Vec<(u32, String)> = (r.start.max(1)..=last_shown)
            .map_while(|n| Some((n, shown_line(lines.get(n as usize - 1)?))))
            .collect();
        if shown.is_empty() {
            return None;
        }
        let more = u64::from(end - r.start) + 1 - shown.len() as u64;
        Some(Snippet { lines: shown, more })
    }
}

/// A source line as shown: tabs expanded, trailing blanks trimmed, cut at
/// [`MAX_LINE_CHARS`] characters.
fn shown_line(line: &str) -> String {
    let line = line.replace('\t', TAB);
    let line = line.trim_end();
    match line.char_indices().nth(MAX_LINE_CHARS) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_owned(),
    }
}

/// `… 3 more lines`, the line that ends a snippet cut short.
pub fn more(n: u64) -> String {
    format!("… {}", crate::model::count(n, "more line", "more lines"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::LineState;
    use crate::render::fixtures::run;
    use std::collections::BTreeMap;

    /// A source from literals: `(side, path) -> text`.
    #[derive(Default)]
    pub struct Files(
        pub BTreeMap<(bool, String), String>,
        pub std::cell::Cell<usize>,
    );

    impl Files {
        /// `head` files by path; `base` ones too.
        pub fn new(head: &[(&str, &str)], base: &[(&str, &str)]) -> Self {
            let mut files = BTreeMap::new();
            for (is_head, list) in [(true, head), (false, base)] {
                for (path, text) in list {
                    files.insert((is_head, (*path).to_owned()), (*text).to_owned());
                }
            }
            Files(files, std::cell::Cell::new(0))
        }
    }

    impl Source for Files {
        fn lines(&self, side: Side, path: &str) -> Option<Vec<String>> {
            self.1.set(self.1.get() + 1);
            let text = self.0.get(&(side == Side::Head, path.to_owned()))?;
            crate::render::split_lines(text.as_bytes())
        }
    }

    #[test]
    fn a_snippet_shows_at_most_five_lines_and_counts_the_rest() {
        let text: String = (1..=20)
            .flat_map(|n| ["line ".to_owned(), format!("{n}\n")])
            .collect();
        let files = Files::new(&[("a.py", &text)], &[("a.py", "old 1\nold 2\n")]);
        let mut reader = Reader::new(&files);
        let r = run(
            "a.py",
            LineKind::Lost,
            None,
            Some(LineState::Miss),
            (3, 10),
            None,
        );
        let s = reader.snippet(&r).unwrap();
        assert_eq!(
            s.lines,
            (3..=7)
                .map(|n| (n, format!("line {n}")))
                .collect::<Vec<_>>()
        );
        assert_eq!(s.more, 3);
        assert_eq!(more(s.more), "… 3 more lines");
        // A removed run reads the base; the same file twice is read once.
        let r = run(
            "a.py",
            LineKind::Removed,
            Some(LineState::Miss),
            None,
            (2, 2),
            None,
        );
        assert_eq!(reader.snippet(&r).unwrap().lines, [(2, "old 2".to_owned())]);
        assert_eq!(reader.snippet(&r).unwrap().more, 0);
        assert_eq!(files.1.get(), 2);
        // Past the file's end, an unknown file, line 0: no snippet; a run running past the end
        // shows what there is.
        for (path, lines) in [("a.py", (21, 22)), ("b.py", (1, 1)), ("a.py", (0, 0))] {
            let r = run(
                path,
                LineKind::Added,
                None,
                Some(LineState::Miss),
                lines,
                None,
            );
            assert_eq!(reader.snippet(&r), None, "{path} {lines:?}");
        }
        let r = run(
            "a.py",
            LineKind::Added,
            None,
            Some(LineState::Miss),
            (19, 23),
            None,
        );
        let s = reader.snippet(&r).unwrap();
        assert_eq!((s.lines.len(), s.more, s.number_width()), (2, 3, 2));
    }

    #[test]
    fn tabs_are_expanded_and_long_lines_cut() {
        assert_eq!(shown_line("\tif x:\t \r"), "    if x:");
        let long = "é".repeat(500);
        let shown = shown_line(&long);
        assert_eq!(shown.chars().count(), MAX_LINE_CHARS + 1);
        assert!(shown.ends_with("é…"));
    }
}
