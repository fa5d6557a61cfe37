//! Moved blocks and reformatted runs: which of the lines a diff removes in one place are the
//! same code as lines it adds in another (SPEC "Moved and reformatted code").
//!
//! Pure: the changed lines go in as [`Changes`] (built file by file from each file's hunks and
//! blobs, keeping only the changed lines' whitespace-stripped text, never whole blobs), and
//! [`Relocation`]s come out; no git access.
//!
//! **Moved blocks.** Every removed and every added line (over all files) is stripped of its
//! leading and trailing whitespace and interned to a token. A candidate is a *diagonal*: a
//! removed line and an added line with the same token, extended both ways over consecutive
//! removed lines of one file and consecutive added lines of one file whose tokens stay equal.
//! Candidates go into a max-priority queue keyed by (length, same file, lowest base path and
//! line, lowest head path and line). A popped candidate whose lines are all free becomes a
//! block; one that lost lines to an earlier block is split into its maximal free pieces, which
//! go back into the queue (a stale key is never lower than the true one, so the order stays
//! exactly greedy longest-first). A candidate or piece under [`MIN_ALNUM`] alphanumeric
//! characters is dropped.
//!
//! Diagonals are seeded only from tokens found at most [`MAX_SEED_OCCURRENCES`] times on
//! each side, and not from blank lines: blank lines, `}`, `else:`, `pass` are everywhere,
//! and pairing every occurrence with every other would be quadratic. A diagonal is still
//! extended through such lines. What the cap can miss: a block made *only* of lines that
//! each occur more than 64 times among the removed or among the added lines (a boilerplate
//! stanza copied into dozens of files and moved), and a diagonal reached only through such
//! lines. Such blocks stay `added`/`removed`, as without move detection.
//!
//! **Reformatted runs.** Then, per hunk with both sides non-empty, the removed and added lines
//! no block took, when each side is one contiguous run, form a reformatted run if their texts
//! are equal (and not empty) once all whitespace is removed. Each head line maps to the base
//! line holding its first non-whitespace character; a blank head line, or one whose base line
//! already went to an earlier head line of the run, is a continuation (`None`).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::BuildHasherDefault;
use std::ops::Range;

use super::lines::{LineHasher, split_lines};
use crate::model::{FileChange, LineNo, Relocation, RelocationKind};

/// The fewest ASCII alphanumeric characters a moved block holds in all (git's
/// `--color-moved` threshold).
pub const MIN_ALNUM: u32 = 20;

/// A token seeds candidate blocks only when it occurs at most this many times among the
/// removed lines and among the added lines (see the module docs for what this misses).
pub const MAX_SEED_OCCURRENCES: usize = 64;

/// The changed lines of a diff, as move detection needs them: the whitespace-stripped text
/// of every removed and added line, in one arena, with its file and line number.
#[derive(Debug, Default)]
pub struct Changes {
    arena: Vec<u8>,
    files: Vec<Paths>,
    removed: Vec<Line>,
    added: Vec<Line>,
    /// Hunks with both sides non-empty, as index ranges into `removed` and `added`.
    hunks: Vec<(Range<usize>, Range<usize>)>,
}

#[derive(Debug)]
struct Paths {
    old: Option<String>,
    new: Option<String>,
}

#[derive(Debug, Clone, Copy)]
struct Line {
    file: u32,
    no: LineNo,
    text: (usize, usize),
}

impl Changes {
    /// Adds the changed lines of one file: `old` and `new` are its blobs (`None` for the side
    /// it lacks, added or deleted). Binary files take no part: do not push them.
    pub fn push(&mut self, change: &FileChange, old: Option<&[u8]>, new: Option<&[u8]>) {
        let old_path = old.and(change.old_path.as_ref());
        let new_path = new.and(change.new_path.as_ref());
        if change.hunks.is_empty() || (old_path.is_none() && new_path.is_none()) {
            return;
        }
        let file = self.files.len() as u32;
        self.files.push(Paths {
            old: old_path.cloned(),
            new: new_path.cloned(),
        });
        let old_lines = old.filter(|_| old_path.is_some()).map(split_lines);
        let new_lines = new.filter(|_| new_path.is_some()).map(split_lines);
        for h in &change.hunks {
            let removed = self.take(file, old_lines.as_deref(), h.old_start, h.old_len, true);
            let added = self.take(file, new_lines.as_deref(), h.new_start, h.new_len, false);
            if !removed.is_empty() && !added.is_empty() {
                self.hunks.push((removed, added));
            }
        }
    }

    /// Stores lines `start..start+len` (1-based) of `lines` on one side; their index range.
    fn take(
        &mut self,
        file: u32,
        lines: Option<&[&[u8]]>,
        start: LineNo,
        len: u32,
        removed: bool,
    ) -> Range<usize> {
        let side_len = if removed {
            self.removed.len()
        } else {
            self.added.len()
        };
        let Some(lines) = lines else {
            return side_len..side_len;
        };
        for no in start..start + len {
            let Some(text) = no.checked_sub(1).and_then(|i| lines.get(i as usize)) else {
                break;
            };
            let text = strip(text);
            let at = self.arena.len();
            self.arena.extend_from_slice(text);
            let line = Line {
                file,
                no,
                text: (at, self.arena.len()),
            };
            if removed {
                self.removed.push(line);
            } else {
                self.added.push(line);
            }
        }
        let end = if removed {
            self.removed.len()
        } else {
            self.added.len()
        };
        side_len..end
    }

    fn text(&self, line: &Line) -> &[u8] {
        &self.arena[line.text.0..line.text.1]
    }

    /// Whether `lines[i + 1]` is the line right after `lines[i]` in the same file.
    fn follows(lines: &[Line], i: usize) -> bool {
        lines
            .get(i + 1)
            .is_some_and(|n| n.file == lines[i].file && n.no == lines[i].no + 1)
    }
}

/// Whitespace as C's `isspace` has it (git's own test), which `u8::is_ascii_whitespace`
/// lacks the vertical tab of.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// `line` without its leading and trailing whitespace (its terminator included).
fn strip(line: &[u8]) -> &[u8] {
    let start = line
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(start, |e| e + 1);
    &line[start..end]
}

/// The moved blocks and reformatted runs among `changes`, sorted by head path then head line;
/// no two share a removed or an added line.
pub fn find_relocations(changes: &Changes) -> Vec<Relocation> {
    let blocks = moved_blocks(changes);
    let mut taken_removed = vec![false; changes.removed.len()];
    let mut taken_added = vec![false; changes.added.len()];
    let mut out = Vec::with_capacity(blocks.len());
    for &(r, a, len) in &blocks {
        taken_removed[r..r + len].fill(true);
        taken_added[a..a + len].fill(true);
        let (old, new) = (&changes.removed[r], &changes.added[a]);
        out.push(Relocation {
            kind: RelocationKind::Moved,
            old_path: path(changes.files[old.file as usize].old.as_ref()),
            old_start: old.no,
            old_len: len as u32,
            new_path: path(changes.files[new.file as usize].new.as_ref()),
            new_start: new.no,
            origins: (0..len as u32).map(|i| Some(old.no + i)).collect(),
        });
    }
    for (removed, added) in &changes.hunks {
        if let Some(run) = reformatted(changes, removed, added, &taken_removed, &taken_added) {
            out.push(run);
        }
    }
    out.sort_by(|x, y| (&x.new_path, x.new_start).cmp(&(&y.new_path, y.new_start)));
    out
}

fn path(p: Option<&String>) -> String {
    p.cloned().unwrap_or_default()
}

/// The greedy blocks, as (first removed index, first added index, length).
fn moved_blocks(changes: &Changes) -> Vec<(usize, usize, usize)> {
    if changes.removed.is_empty() || changes.added.is_empty() {
        return Vec::new();
    }
    let tokens = Tokens::new(changes);
    let alnum = Alnum::new(changes);
    let order = TieOrder::new(changes);
    let mut queue: BinaryHeap<_> = diagonals(changes, &tokens)
        .into_iter()
        .filter(|&(r, _, len)| alnum.enough(r, len))
        .map(|(r, a, len)| order.key(r, a, len))
        .collect();
    let mut taken_removed = vec![false; changes.removed.len()];
    let mut taken_added = vec![false; changes.added.len()];
    let mut blocks = Vec::new();
    while let Some((len, _, _, r, a)) = queue.pop() {
        let free = |i: usize| !taken_removed[r + i] && !taken_added[a + i];
        if (0..len).all(free) {
            taken_removed[r..r + len].fill(true);
            taken_added[a..a + len].fill(true);
            blocks.push((r, a, len));
            continue;
        }
        // Lines went to a longer block: the maximal free pieces compete again.
        let mut i = 0;
        while i < len {
            if !free(i) {
                i += 1;
                continue;
            }
            let start = i;
            while i < len && free(i) {
                i += 1;
            }
            if alnum.enough(r + start, i - start) {
                queue.push(order.key(r + start, a + start, i - start));
            }
        }
    }
    blocks
}

/// Stripped lines interned to tokens, with where each token occurs among the removed lines.
struct Tokens {
    removed: Vec<u32>,
    /// `u32::MAX` for a line no removed line equals.
    added: Vec<u32>,
    /// The removed positions of token `t` are `positions[starts[t]..starts[t + 1]]`.
    starts: Vec<usize>,
    positions: Vec<usize>,
    added_count: Vec<usize>,
    blank: Option<u32>,
}

impl Tokens {
    fn new(changes: &Changes) -> Tokens {
        let mut ids: HashMap<&[u8], u32, BuildHasherDefault<LineHasher>> =
            HashMap::with_capacity_and_hasher(changes.removed.len(), BuildHasherDefault::default());
        let removed: Vec<u32> = changes
            .removed
            .iter()
            .map(|l| {
                let next = ids.len() as u32;
                *ids.entry(changes.text(l)).or_insert(next)
            })
            .collect();
        let blank = ids.get(&b""[..]).copied();
        let added: Vec<u32> = changes
            .added
            .iter()
            .map(|l| ids.get(changes.text(l)).copied().unwrap_or(u32::MAX))
            .collect();
        let num_tokens = ids.len();
        // Counting sort of the removed positions by token.
        let mut starts = vec![0usize; num_tokens + 1];
        for &t in &removed {
            starts[t as usize + 1] += 1;
        }
        for i in 0..num_tokens {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut positions = vec![0usize; removed.len()];
        for (i, &t) in removed.iter().enumerate() {
            positions[fill[t as usize]] = i;
            fill[t as usize] += 1;
        }
        let mut added_count = vec![0usize; num_tokens];
        for &t in added.iter().filter(|&&t| t != u32::MAX) {
            added_count[t as usize] += 1;
        }
        Tokens {
            removed,
            added,
            starts,
            positions,
            added_count,
            blank,
        }
    }

    fn removed_at(&self, t: u32) -> &[usize] {
        &self.positions[self.starts[t as usize]..self.starts[t as usize + 1]]
    }

    /// Whether pairs of this token's lines seed diagonals: not blank, and not too frequent.
    fn seeds(&self, t: u32) -> bool {
        t != u32::MAX
            && Some(t) != self.blank
            && self.added_count[t as usize] <= MAX_SEED_OCCURRENCES
            && self.removed_at(t).len() <= MAX_SEED_OCCURRENCES
    }
}

/// Every maximal diagonal through a seeding pair, each once, as (first removed index, first
/// added index, length).
fn diagonals(changes: &Changes, tokens: &Tokens) -> Vec<(usize, usize, usize)> {
    let (removed, added) = (&changes.removed, &changes.added);
    let pair_follows =
        |r: usize, a: usize| Changes::follows(removed, r) && Changes::follows(added, a);
    let mut out = Vec::new();
    for (a, &t) in tokens.added.iter().enumerate() {
        if !tokens.seeds(t) {
            continue;
        }
        'pair: for &r in tokens.removed_at(t) {
            // Walk back to the diagonal's start; a diagonal is taken from its first seeding
            // pair only, so each is extended once.
            let (mut r0, mut a0) = (r, a);
            while r0 > 0 && a0 > 0 && pair_follows(r0 - 1, a0 - 1) {
                let prev = tokens.removed[r0 - 1];
                if prev != tokens.added[a0 - 1] {
                    break;
                }
                if tokens.seeds(prev) {
                    continue 'pair;
                }
                (r0, a0) = (r0 - 1, a0 - 1);
            }
            let (mut r1, mut a1) = (r, a);
            while pair_follows(r1, a1) && tokens.removed[r1 + 1] == tokens.added[a1 + 1] {
                (r1, a1) = (r1 + 1, a1 + 1);
            }
            out.push((r0, a0, r1 + 1 - r0));
        }
    }
    out
}

/// Prefix sums of the removed lines' ASCII alphanumeric characters (as git's `isalnum`).
struct Alnum(Vec<u32>);

impl Alnum {
    fn new(changes: &Changes) -> Alnum {
        let mut sums = Vec::with_capacity(changes.removed.len() + 1);
        let mut total = 0u32;
        sums.push(total);
        for l in &changes.removed {
            let text = changes.text(l);
            total += text.iter().filter(|b| b.is_ascii_alphanumeric()).count() as u32;
            sums.push(total);
        }
        Alnum(sums)
    }

    /// Whether `len` removed lines from `r` hold enough to be a block.
    fn enough(&self, r: usize, len: usize) -> bool {
        self.0[r + len] - self.0[r] >= MIN_ALNUM
    }
}

/// A candidate's place in the queue: longest first, then the same file (the removed and the
/// added lines belong to one file change, so a move inside a renamed file counts), then the lowest
/// (base path, base line), then the lowest (head path, head line).
type Key = (
    usize,
    bool,
    Reverse<(u32, LineNo, u32, LineNo)>,
    usize,
    usize,
);

/// Each file's rank by old path and by new path, for the tie rules.
struct TieOrder<'c> {
    changes: &'c Changes,
    old_rank: Vec<u32>,
    new_rank: Vec<u32>,
}

impl<'c> TieOrder<'c> {
    fn new(changes: &'c Changes) -> TieOrder<'c> {
        let rank = |side: fn(&Paths) -> &Option<String>| {
            let mut order: Vec<usize> = (0..changes.files.len()).collect();
            order.sort_by(|&x, &y| side(&changes.files[x]).cmp(side(&changes.files[y])));
            let mut rank = vec![0u32; order.len()];
            for (k, &f) in order.iter().enumerate() {
                rank[f] = k as u32;
            }
            rank
        };
        TieOrder {
            changes,
            old_rank: rank(|p| &p.old),
            new_rank: rank(|p| &p.new),
        }
    }

    fn key(&self, r: usize, a: usize, len: usize) -> Key {
        let (old, new) = (&self.changes.removed[r], &self.changes.added[a]);
        let order = (
            self.old_rank[old.file as usize],
            old.no,
            self.new_rank[new.file as usize],
            new.no,
        );
        (len, old.file == new.file, Reverse(order), r, a)
    }
}

/// The reformatted run of one hunk, from the lines no block took, if there is one.
fn reformatted(
    changes: &Changes,
    removed: &Range<usize>,
    added: &Range<usize>,
    taken_removed: &[bool],
    taken_added: &[bool],
) -> Option<Relocation> {
    let removed = free_run(removed, taken_removed)?;
    let added = free_run(added, taken_added)?;
    let squeezed = |lines: &[Line]| -> Vec<Vec<u8>> {
        lines
            .iter()
            .map(|l| {
                changes
                    .text(l)
                    .iter()
                    .copied()
                    .filter(|&b| !is_space(b))
                    .collect()
            })
            .collect()
    };
    let old = squeezed(&changes.removed[removed.clone()]);
    let new = squeezed(&changes.added[added.clone()]);
    if old.concat() != new.concat() || old.iter().all(Vec::is_empty) {
        return None;
    }
    // End offset of each base line in the joined text.
    let ends: Vec<usize> = old
        .iter()
        .scan(0, |at, l| {
            *at += l.len();
            Some(*at)
        })
        .collect();
    let mut origins = Vec::with_capacity(new.len());
    let (mut at, mut last) = (0usize, None);
    for line in &new {
        if line.is_empty() {
            origins.push(None);
            continue;
        }
        let k = ends.partition_point(|&end| end <= at);
        at += line.len();
        if last == Some(k) {
            origins.push(None);
        } else {
            last = Some(k);
            origins.push(Some(changes.removed[removed.start + k].no));
        }
    }
    let (first_old, first_new) = (&changes.removed[removed.start], &changes.added[added.start]);
    Some(Relocation {
        kind: RelocationKind::Reformatted,
        old_path: path(changes.files[first_old.file as usize].old.as_ref()),
        old_start: first_old.no,
        old_len: removed.len() as u32,
        new_path: path(changes.files[first_new.file as usize].new.as_ref()),
        new_start: first_new.no,
        origins,
    })
}

/// The lines of `range` not `taken`, if they are one non-empty contiguous run.
fn free_run(range: &Range<usize>, taken: &[bool]) -> Option<Range<usize>> {
    let start = range.clone().find(|&i| !taken[i])?;
    let end = (start..range.end).find(|&i| taken[i]).unwrap_or(range.end);
    (end..range.end).all(|i| taken[i]).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::lines::{count_lines, line_hunks};
    use crate::model::{ChangeKind, Hunk};

    /// Move detection over files given as (old path, new path, old text, new text); an empty
    /// path is a side the file lacks (added or deleted). Modified files get the real matcher's
    /// hunks.
    fn detect(files: &[(&str, &str, &str, &str)]) -> Vec<Relocation> {
        let mut changes = Changes::default();
        for &(old_path, new_path, old, new) in files {
            let some = |p: &str| (!p.is_empty()).then(|| p.to_owned());
            let (old_path, new_path) = (some(old_path), some(new_path));
            let whole = |old_len, new_len| {
                vec![Hunk {
                    old_start: 1,
                    old_len,
                    new_start: 1,
                    new_len,
                }]
            };
            let (kind, hunks) = match (&old_path, &new_path) {
                (Some(o), Some(n)) if o == n => (
                    ChangeKind::Modified,
                    line_hunks(old.as_bytes(), new.as_bytes()),
                ),
                (Some(_), Some(_)) => (
                    ChangeKind::Renamed,
                    line_hunks(old.as_bytes(), new.as_bytes()),
                ),
                (None, _) => (ChangeKind::Added, whole(0, count_lines(new.as_bytes()))),
                (_, None) => (ChangeKind::Deleted, whole(count_lines(old.as_bytes()), 0)),
            };
            let change = FileChange {
                old_path: old_path.clone(),
                new_path: new_path.clone(),
                kind,
                hunks,
            };
            changes.push(
                &change,
                old_path.is_some().then_some(old.as_bytes()),
                new_path.is_some().then_some(new.as_bytes()),
            );
        }
        find_relocations(&changes)
    }

    use crate::testkit::relocations as show;

    const F: &str = "def load_config(path):\n    with open(path) as handle:\n        return parse_config(handle.read())\n";
    const G: &str = "def save_report(report, path):\n    data = encode_report(report)\n    write_atomically(path, data)\n";
    const H: &str = "class Registry:\n    def __init__(self):\n        self.entries = {}\n";

    #[test]
    fn a_function_moved_to_another_file_is_one_block() {
        let old = format!("import os\n\n{F}\n{G}");
        let new = "import os\n\n\n".to_owned() + G;
        let got = detect(&[("a.py", "a.py", &old, &new), ("", "b.py", "", F)]);
        assert_eq!(show(&got), ["moved a.py:3-5 > b.py:1-3"]);
    }

    #[test]
    fn a_block_needs_twenty_alphanumeric_characters() {
        // 19 alphanumerics: "abcdefghij" + "klmnopqrs", the space and parentheses not counted.
        let nineteen = "abcdefghij(klmnopqrs)\n";
        assert!(detect(&[("a.py", "", nineteen, ""), ("", "b.py", "", nineteen)]).is_empty());
        let twenty = "abcdefghij(klmnopqrst)\n";
        let got = detect(&[("a.py", "", twenty, ""), ("", "b.py", "", twenty)]);
        assert_eq!(show(&got), ["moved a.py:1-1 > b.py:1-1"]);
        // The count is over the whole block: two lines of ten make twenty.
        let two = "abcde(fghij)\nklmno(pqrst)\n";
        let got = detect(&[("a.py", "", two, ""), ("", "b.py", "", two)]);
        assert_eq!(show(&got), ["moved a.py:1-2 > b.py:1-2"]);
    }

    #[test]
    fn pass_alone_and_blank_lines_alone_are_never_a_block() {
        let pass = "    pass\n";
        assert!(detect(&[("a.py", "", pass, ""), ("", "b.py", "", pass)]).is_empty());
        let blanks = "\n".repeat(40);
        assert!(detect(&[("a.py", "", &blanks, ""), ("", "b.py", "", &blanks)]).is_empty());
        // Blank lines inside a block travel with it.
        let spaced = format!("{F}\n\n{G}");
        let got = detect(&[("a.py", "", &spaced, ""), ("", "b.py", "", &spaced)]);
        assert_eq!(show(&got), ["moved a.py:1-8 > b.py:1-8"]);
    }

    #[test]
    fn blocks_are_taken_longest_first() {
        // b.py holds two of the four lines and comes first by path; c.py holds all four.
        let four = format!("{F}{G}");
        let part: String = four
            .lines()
            .skip(1)
            .take(2)
            .map(|l| l.to_owned() + "\n")
            .collect();
        let got = detect(&[
            ("a.py", "", &four, ""),
            ("", "b.py", "", &part),
            ("", "c.py", "", &four),
        ]);
        assert_eq!(show(&got), ["moved a.py:1-6 > c.py:1-6"]);
    }

    #[test]
    fn ties_go_to_the_same_file_first() {
        // z.py's block is re-added both in a.py (lower path) and lower in z.py itself.
        let old = format!("{F}{G}{H}");
        let new = format!("{G}{H}{F}");
        let got = detect(&[("z.py", "z.py", &old, &new), ("", "a.py", "", F)]);
        assert_eq!(show(&got), ["moved z.py:1-3 > z.py:7-9"]);
    }

    #[test]
    fn ties_then_go_to_the_lowest_base_path_and_line() {
        // Two identical origins in two deleted files, and two in one file.
        let got = detect(&[
            ("b.py", "", F, ""),
            ("a.py", "", F, ""),
            ("", "c.py", "", F),
        ]);
        assert_eq!(show(&got), ["moved a.py:1-3 > c.py:1-3"]);
        let twice = format!("{F}x = 1\n{F}");
        let got = detect(&[("a.py", "", &twice, ""), ("", "c.py", "", F)]);
        assert_eq!(show(&got), ["moved a.py:1-3 > c.py:1-3"]);
    }

    #[test]
    fn ties_then_go_to_the_lowest_head_path_and_line() {
        let got = detect(&[
            ("a.py", "", F, ""),
            ("", "d.py", "", F),
            ("", "c.py", "", F),
        ]);
        assert_eq!(show(&got), ["moved a.py:1-3 > c.py:1-3"]);
        let twice = format!("{F}x = 1\n{F}");
        let got = detect(&[("a.py", "", F, ""), ("", "c.py", "", &twice)]);
        assert_eq!(show(&got), ["moved a.py:1-3 > c.py:1-3"]);
    }

    #[test]
    fn each_line_belongs_to_one_block_at_most() {
        // One origin, added twice: the second copy is new code.
        let twice = format!("{F}{F}");
        let got = detect(&[("a.py", "", F, ""), ("", "b.py", "", &twice)]);
        assert_eq!(show(&got), ["moved a.py:1-3 > b.py:1-3"]);
    }

    #[test]
    fn a_candidate_that_lost_lines_competes_again_with_its_free_pieces() {
        // x.py takes a.py:1-5 (five lines, the longest); y.py's three lines overlap it on
        // a.py:4-5, and its free piece a.py:6 (23 alphanumerics) is still a block.
        let both = format!("{F}{G}");
        let first_five: String = both.split_inclusive('\n').take(5).collect();
        let got = detect(&[
            ("a.py", "", &both, ""),
            ("", "x.py", "", &first_five),
            ("", "y.py", "", G),
        ]);
        assert_eq!(
            show(&got),
            ["moved a.py:1-5 > x.py:1-5", "moved a.py:6-6 > y.py:3-3"]
        );
    }

    #[test]
    fn line_endings_and_indentation_do_not_matter_to_a_move() {
        let crlf = F.replace('\n', "\r\n");
        let tabbed = F.replace("    ", "\t");
        let got = detect(&[("a.py", "", &crlf, ""), ("", "b.py", "", &tabbed)]);
        assert_eq!(show(&got), ["moved a.py:1-3 > b.py:1-3"]);
    }

    #[test]
    fn a_file_split_into_three_matches_piece_by_piece() {
        let whole = format!("{F}\n{G}\n{H}");
        let got = detect(&[
            ("big.py", "", &whole, ""),
            ("", "p1.py", "", H),
            ("", "p2.py", "", G),
            ("", "p3.py", "", F),
        ]);
        assert_eq!(
            show(&got),
            [
                "moved big.py:9-11 > p1.py:1-3",
                "moved big.py:5-7 > p2.py:1-3",
                "moved big.py:1-3 > p3.py:1-3",
            ]
        );
    }

    #[test]
    fn a_reindented_block_is_moved_and_the_new_if_stays_added() {
        let old = "def run(x):\n    total = compute_total(x)\n    return render_total(total)\n";
        let new = "def run(x):\n    if x:\n        total = compute_total(x)\n        return render_total(total)\n";
        let got = detect(&[("a.py", "a.py", old, new)]);
        assert_eq!(show(&got), ["moved a.py:2-3 > a.py:3-4"]);
    }

    #[test]
    fn a_reindent_too_short_to_move_is_reformatted() {
        // `pass` holds 4 alphanumerics: never a block, but the same text once whitespace is
        // gone, at the same place.
        let old = "def f():\n    pass\nend()\n";
        let new = "def f():\n        pass\nend()\n";
        let got = detect(&[("a.py", "a.py", old, new)]);
        assert_eq!(show(&got), ["reformatted a.py:2-2 > a.py:2-2 [2]"]);
    }

    #[test]
    fn a_call_rewrapped_over_three_lines_is_reformatted() {
        let old = "start()\nresult = compute(alpha, beta, gamma)\nend()\n";
        let new = "start()\nresult = compute(\n    alpha, beta,\n    gamma)\nend()\n";
        let got = detect(&[("a.py", "a.py", old, new)]);
        assert_eq!(show(&got), ["reformatted a.py:2-2 > a.py:2-4 [2 - -]"]);
    }

    #[test]
    fn two_lines_joined_are_reformatted() {
        let old = "start()\nx = f(a,\n      b)\nend()\n";
        let new = "start()\nx = f(a, b)\nend()\n";
        let got = detect(&[("a.py", "a.py", old, new)]);
        assert_eq!(show(&got), ["reformatted a.py:2-3 > a.py:2-2 [2]"]);
    }

    #[test]
    fn a_head_line_maps_to_the_base_line_of_its_first_character() {
        // "bar(c)" starts inside base line 3; the blank head line and the line whose base
        // line already went to an earlier head line are continuations.
        let old = "start()\nfoo(a,\n    b); bar(c)\nend()\n";
        let new = "start()\nfoo(a, b);\n\nbar(c)\nend()\n";
        let got = detect(&[("a.py", "a.py", old, new)]);
        assert_eq!(show(&got), ["reformatted a.py:2-3 > a.py:2-4 [2 - 3]"]);
        let old = "start()\nitems = [1, 2, 3]\nend()\n";
        let new = "start()\nitems = [\n\n    1, 2, 3]\nend()\n";
        let got = detect(&[("a.py", "a.py", old, new)]);
        assert_eq!(show(&got), ["reformatted a.py:2-2 > a.py:2-4 [2 - -]"]);
    }

    #[test]
    fn a_real_text_change_is_not_reformatted() {
        let old = "start()\nx = f('a')\nend()\n";
        let new = "start()\nx = f(\"a\")\nend()\n";
        assert!(detect(&[("a.py", "a.py", old, new)]).is_empty());
        let new = "start()\nx = (f('a'))\nend()\n";
        assert!(detect(&[("a.py", "a.py", old, new)]).is_empty());
    }

    #[test]
    fn the_reformat_rule_sees_only_what_no_block_took() {
        // One hunk re-indents F and re-wraps a call before it: the block is moved, the
        // re-wrapped call (the rest of the hunk, one run per side) reformatted.
        let old = format!("top()\nvalue = call(a, b)\n{F}bottom()\n");
        let indented = F.replace('\n', "\n    ");
        let indented = format!("    {}", indented.trim_end()) + "\n";
        let new = format!("top()\nvalue = call(\n    a, b)\n{indented}bottom()\n");
        let got = detect(&[("a.py", "a.py", &old, &new)]);
        assert_eq!(
            show(&got),
            [
                "reformatted a.py:2-2 > a.py:2-3 [2 -]",
                "moved a.py:3-5 > a.py:4-6",
            ]
        );
        // With a new line after the call, the free added lines hold it too: not equal.
        let new = format!("top()\nvalue = call(\n    a, b)\nif ready:\n{indented}bottom()\n");
        let got = detect(&[("a.py", "a.py", &old, &new)]);
        assert_eq!(show(&got), ["moved a.py:3-5 > a.py:5-7"]);
        // Free lines in two pieces on one side: no reformatted run.
        let old = format!("top()\nvalue = call(a, b)\n{F}bottom()\n");
        let new = format!("top()\nvalue = call(\n{indented}    a, b)\nbottom()\n");
        let got = detect(&[("a.py", "a.py", &old, &new)]);
        assert_eq!(show(&got), ["moved a.py:3-5 > a.py:3-5"]);
    }

    #[test]
    fn thousands_of_repeated_lines_are_not_compared_pairwise() {
        // 20,000 removed and 20,000 added blank lines and braces: nothing seeds, nothing is
        // a block, and it finishes at once (a quadratic pairing would take minutes).
        let junk = "}\n\n".repeat(10_000);
        let got = detect(&[("a.c", "", &junk, ""), ("", "b.c", "", &junk)]);
        assert!(got.is_empty());
        // A frequent line long enough to count: past the seeding cap, so missed (documented).
        let frequent = "return compute_the_value(x)\n".repeat(20_000);
        let got = detect(&[("a.c", "", &frequent, ""), ("", "b.c", "", &frequent)]);
        assert!(got.is_empty());
    }

    #[test]
    fn strip_removes_whitespace_at_both_ends_only() {
        assert_eq!(strip(b"\t  a b \r\n"), b"a b");
        assert_eq!(strip(b" \x0b\x0c\n"), b"");
        assert_eq!(strip(b"x"), b"x");
    }
}
