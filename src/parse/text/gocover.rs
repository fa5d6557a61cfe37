//! Go coverprofiles (`go test -coverprofile`), read line by line.
//!
//! The first non-blank line must be `mode: set`, `mode: count` or `mode: atomic`
//! ([`ParseError::GoMode`] otherwise). Every other non-blank line is a block
//! `file:startLine.startCol,endLine.endCol numStmt count`. What counts (fixtures'
//! `go/FORMAT.md`):
//! - The raw path is the file as written: an import path (`github.com/gorilla/mux/mux.go`),
//!   or an absolute path for files named on the `go test` command line. `resolve` maps it.
//! - Identical blocks (same file and range) are one block seen several times: `-coverpkg`
//!   writes every block once per test binary, and concatenated profiles repeat them. Their
//!   counts are summed (`count`, `atomic`) or OR-ed (`set`), as `go tool cover` does.
//! - Every line from `startLine` to `endLine` of a block is tracked, the end line included
//!   (gocover-cobertura and gcov2lcov do the same: the figures of their converted reports in
//!   the fixtures are matched exactly). A line touched by several blocks (`if x {` holds the
//!   condition's block and the start of the body's) takes the largest count, so it is hit
//!   when any block on it ran. Go profiles have no branch data, so no line is partial: the
//!   part of a line a block did not run shows only in Go's own statement figures.
//! - Blocks come in any order and may overlap (`//line` directives give column 0 and
//!   zero-width blocks such as `12.0,12.0`, which still track their line).
//!
//! Bad records, each skipped with a warning naming the report line: a line that is not a
//! block (`ignore:` without a position, `go tool cover -func` output), a block whose line
//! numbers are 0 or not numbers, that ends before it starts or spans more than
//! [`MAX_BLOCK_LINES`] lines, or whose counts are not numbers; a second `mode:` line naming
//! another mode is kept with a warning (blocks merge by the first mode). Refused: no mode
//! line, an unknown mode, a path that is not UTF-8, blocks whose lines add up to more than
//! [`MAX_REPORT_LINES`] distinct file lines in the whole report
//! ([`ParseError::TooManyLines`]: 40 bytes of block could otherwise make a million line
//! entries, and a few kilobytes exhaust memory), I/O errors.

use std::collections::{BinaryHeap, HashMap};
use std::io::BufRead;

use crate::model::{FileCoverage, LineCoverage, LineNo};

use crate::parse::error::{MAX_PATH_BYTES, path_too_long};
use crate::parse::lines::{MAX_LINE_BYTES, read_line};
use crate::parse::numbers::{self, BadNumber};
use crate::parse::read::Warnings;
use crate::parse::{InputFormat, ParseError, Parsed};

/// A block longer than this is taken for garbage: a Go basic block of a million lines does
/// not occur, and reading one would allocate a line entry per line.
pub(crate) const MAX_BLOCK_LINES: u32 = 1_000_000;

/// The most distinct (file, line) entries the blocks of one report may cover. Real profiles
/// (Kubernetes' is a few million) stay far below; beyond it the report is refused.
pub(crate) const MAX_REPORT_LINES: u64 = 10_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Set,
    Count,
    Atomic,
}

impl Mode {
    fn from_value(v: &[u8]) -> Option<Self> {
        match v.trim_ascii() {
            b"set" => Some(Self::Set),
            b"count" => Some(Self::Count),
            b"atomic" => Some(Self::Atomic),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Set => "set",
            Self::Count => "count",
            Self::Atomic => "atomic",
        }
    }
}

/// One block: (start line, start column, end line, end column) and its count.
#[derive(Debug, Clone, Copy)]
struct Block {
    range: (LineNo, u32, LineNo, u32),
    count: u64,
}

pub(crate) fn read(input: &mut impl BufRead, name: &str) -> Result<Parsed, ParseError> {
    let mut mode = None;
    let mut files: Vec<(String, Vec<Block>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut warnings = Warnings::default();
    let mut buf = Vec::with_capacity(256);
    let mut n: u64 = 0;
    loop {
        buf.clear();
        let read = read_line(input, &mut buf, MAX_LINE_BYTES)
            .map_err(|e| e.at(name, n + 1, "Go coverprofile"))?;
        if read == 0 {
            break;
        }
        n += 1;
        let mut text = buf.trim_ascii();
        if n == 1 {
            text = text
                .strip_prefix(b"\xEF\xBB\xBF")
                .unwrap_or(text)
                .trim_ascii();
        }
        if text.is_empty() {
            continue;
        }
        if let Some(value) = text.strip_prefix(b"mode:") {
            let this = Mode::from_value(value);
            match (mode, this) {
                (None, Some(m)) => mode = Some(m),
                (None, None) => return Err(mode_error(name, n, text)),
                (Some(first), Some(m)) if m == first => {}
                (Some(first), _) => warnings.push(Some(n), || {
                    format!(
                        "'{}' differs from the first 'mode: {first}'; blocks are merged as {first}",
                        String::from_utf8_lossy(text),
                        first = first.as_str()
                    )
                }),
            }
            continue;
        }
        if mode.is_none() {
            return Err(mode_error(name, n, text));
        }
        let (path, block) = match block(text) {
            Ok(b) => b,
            Err(why) => {
                warnings.push(Some(n), || {
                    format!(
                        "'{}' is not a coverage block ({why}); skipped",
                        String::from_utf8_lossy(text)
                    )
                });
                continue;
            }
        };
        let Ok(path) = std::str::from_utf8(path) else {
            return Err(ParseError::NotUtf8 {
                name: name.to_owned(),
                line: n,
            });
        };
        if path.len() > MAX_PATH_BYTES {
            warnings.push(Some(n), || path_too_long(path.as_bytes()));
            continue;
        }
        let k = if let Some(&k) = index.get(path) {
            k
        } else {
            index.insert(path.to_owned(), files.len());
            files.push((path.to_owned(), Vec::new()));
            files.len() - 1
        };
        files[k].1.push(block);
    }
    let Some(mode) = mode else {
        return Err(mode_error(name, n.max(1), b""));
    };
    let mut budget = MAX_REPORT_LINES;
    let files = files
        .into_iter()
        .map(|(path, blocks)| Ok((path, lines(blocks, mode, &mut budget)?)))
        .collect::<Result<_, ()>>()
        .map_err(|()| ParseError::TooManyLines {
            name: name.to_owned(),
            limit: MAX_REPORT_LINES,
        })?;
    Ok(Parsed {
        format: InputFormat::Go,
        sources: Vec::new(),
        files,
        warnings: warnings.finish(),
    })
}

fn mode_error(name: &str, line: u64, text: &[u8]) -> ParseError {
    let text = String::from_utf8_lossy(text);
    let mut found: String = text.chars().take(60).collect();
    if text.chars().nth(60).is_some() {
        found.push_str("...");
    }
    ParseError::GoMode {
        name: name.to_owned(),
        line,
        found,
    }
}

/// `file:sl.sc,el.ec stmts count` -> (file, block), or why not.
fn block(text: &[u8]) -> Result<(&[u8], Block), String> {
    let mut fields = text.rsplitn(3, u8::is_ascii_whitespace);
    let (Some(count), Some(stmts), Some(place)) = (fields.next(), fields.next(), fields.next())
    else {
        return Err("expected file:line.column,line.column statements count".to_owned());
    };
    let colon = place
        .iter()
        .rposition(|&c| c == b':')
        .ok_or("no file:position")?;
    let (path, range) = (place[..colon].trim_ascii(), &place[colon + 1..]);
    if path.is_empty() {
        return Err("no file name".to_owned());
    }
    let (start, end) = split_once(range, b',').ok_or("no start,end range")?;
    let (sl, sc) = position(start).map_err(|why| format!("start {why}"))?;
    let (el, ec) = position(end).map_err(|why| format!("end {why}"))?;
    if el < sl {
        return Err(format!(
            "it ends on line {el} before it starts on line {sl}"
        ));
    }
    if el - sl >= MAX_BLOCK_LINES {
        return Err(format!("it spans more than {MAX_BLOCK_LINES} lines"));
    }
    if stmts.is_empty() || !stmts.iter().all(u8::is_ascii_digit) {
        return Err(format!(
            "statement count '{}' is not a number",
            String::from_utf8_lossy(stmts)
        ));
    }
    let count = numbers::count(count).map_err(|why| format!("count: {why}"))?;
    Ok((
        path,
        Block {
            range: (sl, sc, el, ec),
            count,
        },
    ))
}

fn split_once(b: &[u8], at: u8) -> Option<(&[u8], &[u8])> {
    let i = b.iter().position(|&c| c == at)?;
    Some((&b[..i], &b[i + 1..]))
}

/// `line.column`: a 1-based line and a column (0 under `//line` directives).
fn position(b: &[u8]) -> Result<(LineNo, u32), String> {
    let (line, col) = split_once(b, b'.').ok_or("is not line.column")?;
    let line = numbers::line_no(line).map_err(|why: BadNumber| format!("line: {why}"))?;
    let col = if !col.is_empty() && col.len() <= 9 && col.iter().all(u8::is_ascii_digit) {
        col.iter().fold(0_u32, |n, &c| n * 10 + u32::from(c - b'0'))
    } else {
        return Err(format!(
            "column '{}' is not a number",
            String::from_utf8_lossy(col)
        ));
    };
    Ok((line, col))
}

/// Identical blocks merged by `mode`, then each line takes the largest count of the blocks
/// on it. Swept line by line over the union of the blocks, so overlapping blocks cost no
/// more than their union; `Err` once the report's lines would exceed `budget`.
fn lines(mut blocks: Vec<Block>, mode: Mode, budget: &mut u64) -> Result<FileCoverage, ()> {
    blocks.sort_by_key(|b| b.range);
    let mut merged: Vec<Block> = Vec::with_capacity(blocks.len());
    for b in blocks {
        match merged.last_mut() {
            Some(last) if last.range == b.range => {
                last.count = match mode {
                    Mode::Set => last.count.max(b.count),
                    Mode::Count | Mode::Atomic => last.count.saturating_add(b.count),
                };
            }
            _ => merged.push(b),
        }
    }
    // Blocks open on the current line, largest count on top; ended ones are dropped when
    // they reach the top.
    let mut open: BinaryHeap<(u64, LineNo)> = BinaryHeap::new();
    let mut entries = Vec::new();
    let mut next = merged.iter().peekable();
    let mut line = u64::from(merged.first().map_or(0, |b| b.range.0));
    loop {
        if open.is_empty() {
            match next.peek() {
                Some(b) => line = line.max(u64::from(b.range.0)),
                None => break,
            }
        }
        while let Some(b) = next.next_if(|b| u64::from(b.range.0) <= line) {
            open.push((b.count, b.range.2));
        }
        while open.peek().is_some_and(|&(_, end)| u64::from(end) < line) {
            open.pop();
        }
        if let Some(&(count, _)) = open.peek() {
            *budget = budget.checked_sub(1).ok_or(())?;
            entries.push((line as LineNo, LineCoverage::new(count)));
        }
        line += 1;
    }
    Ok(FileCoverage::from_entries(entries, LineCoverage::merge_max))
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn parse_str(s: &str) -> Result<Parsed, ParseError> {
        read(&mut s.as_bytes(), "c.out")
    }

    fn hits(p: &Parsed, path: &str) -> Vec<(LineNo, u64)> {
        let f = &p.files.iter().find(|(n, _)| n == path).expect(path).1;
        f.lines().iter().map(|(n, c)| (*n, c.hits)).collect()
    }

    #[test]
    fn blocks_track_every_line_they_span_and_lines_take_the_largest_count() {
        let p = parse_str(
            "mode: count\n\
             example.com/m/a.go:9.8,9.19 1 2\n\
             example.com/m/a.go:9.19,11.3 1 0\n\
             example.com/m/a.go:6.29,7.11 1 3\n\
             example.com/m/a.go:12.0,12.0 1 1\n\
             example.com/m/b.go:1.1,1.10 1 0\n",
        )
        .unwrap();
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.format, InputFormat::Go);
        assert_eq!(
            hits(&p, "example.com/m/a.go"),
            [(6, 3), (7, 3), (9, 2), (10, 0), (11, 0), (12, 1)]
        );
        assert_eq!(hits(&p, "example.com/m/b.go"), [(1, 0)]);
        assert!(
            p.files[0]
                .1
                .lines()
                .iter()
                .all(|(_, c)| c.branches.is_none())
        );
    }

    #[test]
    fn identical_blocks_sum_in_count_mode_and_or_in_set_mode() {
        let body = "a.go:3.1,4.2 1 0\na.go:3.1,4.2 1 2\na.go:3.1,4.2 1 1\n";
        for (mode, want) in [("count", 3), ("atomic", 3), ("set", 2)] {
            let p = parse_str(&format!("mode: {mode}\n{body}")).unwrap();
            assert_eq!(hits(&p, "a.go"), [(3, want), (4, want)], "{mode}");
        }
        // Same start, different end: two blocks, not one.
        let p = parse_str("mode: set\na.go:9.30,10.13 1 0\na.go:9.30,12.3 1 1\n").unwrap();
        assert_eq!(hits(&p, "a.go"), [(9, 1), (10, 1), (11, 1), (12, 1)]);
    }

    #[test]
    fn bad_lines_are_skipped_with_their_place() {
        let p = parse_str(
            "\u{feff}\nmode: set\n\
             ignore:\n\
             a.go:0.1,2.2 1 1\n\
             a.go:5.1,4.2 1 1\n\
             a.go:19: calcP 100.0%\n\
             a.go:1.1,2.x 1 1\n\
             a.go:1.1,2.2 x 1\n\
             a.go:1.1,2.2 1 -1\n\
             :1.1,2.2 1 1\n\
             a.go:1.1,9999999.1 1 1\n\
             mode: count\n\
             mode: set\n\
             a.go:7.1,7.5 1 1\r\n",
        )
        .unwrap();
        let got: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "line 3: 'ignore:' is not a coverage block (expected file:line.column,line.column \
                 statements count); skipped",
                "line 4: 'a.go:0.1,2.2 1 1' is not a coverage block (start line: line numbers \
                 start at 1); skipped",
                "line 5: 'a.go:5.1,4.2 1 1' is not a coverage block (it ends on line 4 before it \
                 starts on line 5); skipped",
                "line 6: 'a.go:19: calcP 100.0%' is not a coverage block (no start,end range); \
                 skipped",
                "line 7: 'a.go:1.1,2.x 1 1' is not a coverage block (end column 'x' is not a \
                 number); skipped",
                "line 8: 'a.go:1.1,2.2 x 1' is not a coverage block (statement count 'x' is not \
                 a number); skipped",
                "line 9: 'a.go:1.1,2.2 1 -1' is not a coverage block (count: it is negative); \
                 skipped",
                "line 10: ':1.1,2.2 1 1' is not a coverage block (no file name); skipped",
                "line 11: 'a.go:1.1,9999999.1 1 1' is not a coverage block (it spans more than \
                 1000000 lines); skipped",
                "line 12: 'mode: count' differs from the first 'mode: set'; blocks are merged as \
                 set",
            ]
        );
        assert_eq!(hits(&p, "a.go"), [(7, 1)]);
    }

    #[test]
    fn a_profile_without_its_mode_line_is_refused() {
        let e = parse_str("a.go:1.1,2.2 1 1\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'c.out' line 1: expected a Go coverprofile's first line 'mode: set', 'mode: count' \
             or 'mode: atomic', found 'a.go:1.1,2.2 1 1'"
        );
        let e = parse_str("\n\nmode: sometimes\n").unwrap_err();
        assert!(
            matches!(e, ParseError::GoMode { line: 3, ref found, .. } if found == "mode: sometimes"),
            "{e}"
        );
        assert!(matches!(
            parse_str("").unwrap_err(),
            ParseError::GoMode { line: 1, .. }
        ));
        let p = parse_str("mode: atomic\n").unwrap();
        assert!(p.files.is_empty() && p.warnings.is_empty());
        let e = read(&mut &b"mode: set\n\xff.go:1.1,1.2 1 1\n"[..], "u.out").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'u.out' line 2: the source path is not valid UTF-8"
        );
    }

    /// Found while fuzzing (issue 6): 200 blocks differing only in their start column, each
    /// spanning 999,999 lines, 4.9 KB in all, made 200 million line entries (over 2 GB)
    /// before they were merged. The sweep makes them their union: a million lines.
    #[test]
    fn overlapping_long_blocks_cost_their_union_not_their_sum() {
        let mut blocks = String::new();
        for col in 1..=200 {
            writeln!(blocks, "a.go:1.{col},1000000.1 1 {}", col % 2).unwrap();
        }
        let p = parse_str(&format!("mode: set\n{blocks}")).unwrap();
        let f = &p.files[0].1;
        assert_eq!(f.lines().len(), 1_000_000);
        assert!(f.lines().iter().all(|(_, c)| c.hits == 1));
    }

    #[test]
    fn blocks_covering_more_lines_than_any_real_report_are_refused() {
        // Three times four disjoint blocks of a million lines: 12 million in all.
        let blocks: String = [("a.go", 1), ("b.go", 1), ("a.go", 4_000_001)]
            .iter()
            .flat_map(|&(file, start)| {
                (0..4_u32).map(move |k| {
                    let sl = start + k * 1_000_000;
                    format!("{file}:{sl}.1,{}.1 1 1\n", sl + 999_999)
                })
            })
            .collect();
        let e = parse_str(&format!("mode: count\n{blocks}")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "'c.out': its ranges cover more than 10000000 lines in all; no real report does, so \
             it is refused rather than expanded"
        );
        // A million lines in all still reads.
        let p = parse_str("mode: set\na.go:1.1,1000000.1 1 1\nb.go:5.1,9.1 1 0\n").unwrap();
        assert_eq!(
            p.files[0].1.lines().len() + p.files[1].1.lines().len(),
            1_000_005
        );
    }
}
