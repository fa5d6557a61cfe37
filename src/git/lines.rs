//! The line matcher: which lines of an old blob are the same lines in the new blob.
//!
//! Owns SPEC "Remapping lines through a diff": lines are split on `\n` and keep their
//! terminator, so they compare byte for byte with their line ending (a last line without a
//! newline differs from the same text with one). The match is patience-style: it anchors on
//! lines that occur exactly once on both sides of a region, recursing between anchors, so
//! repeated lines (blank lines, `else:`, `return b`, `}`) never pair a deleted function's tail
//! with its neighbour. Only a region without any such anchor falls back to imara-diff's
//! Myers, after its common prefix and suffix are matched.
//!
//! Pure: bytes in, [`Hunk`]s out, no git access.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use gix::diff::blob::{Algorithm, Diff, Token};

use crate::model::Hunk;

/// The lines of `data`, each with its `\n` terminator (the last one may lack it).
pub(crate) fn split_lines(data: &[u8]) -> Vec<&[u8]> {
    data.split_inclusive(|&b| b == b'\n').collect()
}

/// How many lines [`split_lines`] finds, without collecting them.
#[expect(
    clippy::naive_bytecount,
    reason = "added and deleted files are counted once each; not worth a bytecount dependency"
)]
pub(crate) fn count_lines(data: &[u8]) -> u32 {
    let newlines = data.iter().filter(|&&b| b == b'\n').count();
    let unterminated = usize::from(data.last().is_some_and(|&b| b != b'\n'));
    (newlines + unterminated) as u32
}

/// The changed regions between `old` and `new`, sorted and non-overlapping, in the
/// convention of [`Hunk`] (an empty side starts at the number of the first line after it).
pub fn line_hunks(old: &[u8], new: &[u8]) -> Vec<Hunk> {
    let (old_lines, new_lines) = (split_lines(old), split_lines(new));
    let (a, b, num_tokens) = intern(&old_lines, &new_lines);
    let mut pairs = patience(&a, &b, num_tokens);
    release_bodies_of_replaced_headers(&mut pairs, &a, &b, num_tokens, &old_lines, &new_lines);
    hunks_from_pairs(&pairs, a.len(), b.len())
}

/// Leading spaces and tabs; `None` for a blank line.
fn indent(line: &[u8]) -> Option<usize> {
    let n = line
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count();
    line[n..]
        .iter()
        .any(|c| !c.is_ascii_whitespace())
        .then_some(n)
}

/// When a change replaces a block's header (`def f_1(x):` by `def f_9(x):`), the indented
/// body right after it that consists only of lines repeated elsewhere in both files
/// (`return b`, blank lines) matches only by coincidence: it is the old block's body, gone
/// with its header, and the new block's body, new with it. Those pairs are released so
/// that the old body's coverage is dropped instead of landing on another function's lines.
/// A body with any line unique to it keeps its pairs (an edited header of the same block),
/// and so does the body after a one-line replacement (`if a > 1:` edited to `if a > 2:`).
fn release_bodies_of_replaced_headers(
    pairs: &mut Vec<(u32, u32)>,
    old_tokens: &[Token],
    new_tokens: &[Token],
    num_tokens: u32,
    old: &[&[u8]],
    new: &[&[u8]],
) {
    let mut count = vec![(0u32, 0u32); num_tokens as usize];
    for t in old_tokens {
        count[t.0 as usize].0 += 1;
    }
    for t in new_tokens {
        count[t.0 as usize].1 += 1;
    }
    let repeated = |t: Token| count[t.0 as usize].0 > 1 && count[t.0 as usize].1 > 1;
    let min_indent = |lines: &[&[u8]]| lines.iter().filter_map(|l| indent(l)).min();
    let mut release = vec![false; pairs.len()];
    // The first line after the previous pair, on each side.
    let (mut old_next, mut new_next) = (0u32, 0u32);
    for at in 0..pairs.len() {
        let (old_at, new_at) = pairs[at];
        // A one-line replacement is an edit (a changed condition), not a new block; its
        // body keeps its pairs.
        let replaced = old_at > old_next + 1 && new_at > new_next + 1;
        let header = min_indent(&old[old_next as usize..old_at as usize])
            .zip(min_indent(&new[new_next as usize..new_at as usize]));
        if let (true, Some((old_indent, new_indent))) = (replaced, header) {
            let header_indent = old_indent.max(new_indent);
            let body_len = pairs[at..]
                .iter()
                .enumerate()
                .take_while(|&(offset, &(x, y))| {
                    x == old_at + offset as u32
                        && y == new_at + offset as u32
                        && indent(old[x as usize]).is_none_or(|d| d > header_indent)
                })
                .count();
            let body = &pairs[at..at + body_len];
            let all_repeated = body.iter().all(|&(x, _)| repeated(old_tokens[x as usize]));
            let any_indented = body.iter().any(|&(x, _)| indent(old[x as usize]).is_some());
            if body_len > 0 && all_repeated && any_indented {
                release[at..at + body_len].fill(true);
            }
        }
        (old_next, new_next) = (old_at + 1, new_at + 1);
    }
    let mut keep = release.iter().map(|r| !r);
    pairs.retain(|_| keep.next().unwrap_or(true));
}

/// Maps each distinct line to a token; returns both token sequences and the token count.
fn intern(old: &[&[u8]], new: &[&[u8]]) -> (Vec<Token>, Vec<Token>, u32) {
    let mut ids: HashMap<&[u8], u32, BuildHasherDefault<LineHasher>> =
        HashMap::with_capacity_and_hasher(old.len() + new.len(), BuildHasherDefault::default());
    let mut token = |line| {
        let next = ids.len() as u32;
        Token(*ids.entry(line).or_insert(next))
    };
    let a: Vec<Token> = old.iter().map(|&l| token(l)).collect();
    let b: Vec<Token> = new.iter().map(|&l| token(l)).collect();
    (a, b, ids.len() as u32)
}

/// An Fx-style hash, eight bytes a step: lines come from the user's own files, so the
/// flooding resistance of the default `SipHash` buys nothing here, and it was the matcher's
/// largest single cost.
#[derive(Default)]
pub(super) struct LineHasher(u64);

impl LineHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for LineHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(
                c.try_into().expect("chunks_exact gives 8 bytes"),
            ));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(tail) ^ (rest.len() as u64) << 56);
    }
}

/// Per-token occurrence counts inside the region being examined.
#[derive(Clone, Copy, Default)]
struct Seen {
    in_a: u32,
    in_b: u32,
    pos_a: u32,
    pos_b: u32,
}

/// Matched line pairs `(old index, new index)`, 0-based, strictly increasing on both sides.
fn patience(a: &[Token], b: &[Token], num_tokens: u32) -> Vec<(u32, u32)> {
    let mut pairs = Vec::with_capacity(a.len().min(b.len()));
    let mut seen = vec![Seen::default(); num_tokens as usize];
    let mut diff = Diff::default();
    // Regions still to align, as (a_start, a_end, b_start, b_end). A work list rather than
    // recursion keeps the stack flat on long files; pairs are sorted at the end.
    let mut work = vec![(0, a.len(), 0, b.len())];
    while let Some((mut a0, mut a1, mut b0, mut b1)) = work.pop() {
        if a0 == a1 || b0 == b1 {
            continue;
        }
        let anchors = unique_anchors(&a[a0..a1], &b[b0..b1], &mut seen);
        if anchors.is_empty() {
            // No unique line left: only repeated lines (or lines found on one side only).
            // The common prefix goes first, so a run of repeated lines after an anchor (a
            // function's tail after its unique head) stays with that anchor; the suffix then
            // stays with the anchor below.
            while a0 < a1 && b0 < b1 && a[a0] == b[b0] {
                pairs.push((a0 as u32, b0 as u32));
                a0 += 1;
                b0 += 1;
            }
            while a0 < a1 && b0 < b1 && a[a1 - 1] == b[b1 - 1] {
                a1 -= 1;
                b1 -= 1;
                pairs.push((a1 as u32, b1 as u32));
            }
            if a0 < a1 && b0 < b1 {
                fallback(
                    &a[a0..a1],
                    &b[b0..b1],
                    num_tokens,
                    &mut diff,
                    a0,
                    b0,
                    &mut pairs,
                );
            }
            continue;
        }
        let (mut pa, mut pb) = (a0, b0);
        for (i, j) in anchors {
            let (i, j) = (a0 + i as usize, b0 + j as usize);
            pairs.push((i as u32, j as u32));
            work.push((pa, i, pb, j));
            (pa, pb) = (i + 1, j + 1);
        }
        work.push((pa, a1, pb, b1));
    }
    pairs.sort_unstable();
    pairs
}

/// The longest chain (increasing on both sides) of lines that occur exactly once in `a` and
/// once in `b`, as offsets into the slices.
fn unique_anchors(a: &[Token], b: &[Token], seen: &mut [Seen]) -> Vec<(u32, u32)> {
    for (i, t) in a.iter().enumerate() {
        let s = &mut seen[t.0 as usize];
        s.in_a += 1;
        s.pos_a = i as u32;
    }
    for (j, t) in b.iter().enumerate() {
        let s = &mut seen[t.0 as usize];
        s.in_b += 1;
        s.pos_b = j as u32;
    }
    // Candidates in old order; their new positions need a longest increasing subsequence.
    let candidates: Vec<(u32, u32)> = a
        .iter()
        .filter_map(|t| {
            let s = seen[t.0 as usize];
            (s.in_a == 1 && s.in_b == 1).then_some((s.pos_a, s.pos_b))
        })
        .collect();
    for t in a.iter().chain(b) {
        seen[t.0 as usize] = Seen::default();
    }
    longest_increasing(&candidates)
}

/// Patience sorting: the longest subsequence of `items` (already increasing in `.0`) that is
/// increasing in `.1`.
fn longest_increasing(items: &[(u32, u32)]) -> Vec<(u32, u32)> {
    // tails[k] = index into items of the smallest tail of an increasing run of length k+1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; items.len()];
    for (idx, &(_, y)) in items.iter().enumerate() {
        let k = tails.partition_point(|&t| items[t].1 < y);
        prev[idx] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(idx);
        } else {
            tails[k] = idx;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut cur = tails.last().copied();
    while let Some(idx) = cur {
        out.push(items[idx]);
        cur = prev[idx];
    }
    out.reverse();
    out
}

/// Aligns a region that has no unique anchor with imara-diff's Myers.
fn fallback(
    a: &[Token],
    b: &[Token],
    num_tokens: u32,
    diff: &mut Diff,
    a0: usize,
    b0: usize,
    pairs: &mut Vec<(u32, u32)>,
) {
    diff.compute_with(Algorithm::Myers, a, b, num_tokens);
    // Lines between imara's hunks are unchanged and pair up one to one.
    let (mut i, mut j) = (0u32, 0u32);
    let end = a.len() as u32;
    for (upto, next) in diff
        .hunks()
        .map(|h| (h.before.start, (h.before.end, h.after.end)))
        .chain(std::iter::once((end, (end, 0))))
    {
        while i < upto {
            pairs.push((a0 as u32 + i, b0 as u32 + j));
            i += 1;
            j += 1;
        }
        (i, j) = next;
    }
}

/// Hunks for everything between consecutive matched pairs.
pub(crate) fn hunks_from_pairs(pairs: &[(u32, u32)], a_len: usize, b_len: usize) -> Vec<Hunk> {
    let mut hunks = Vec::new();
    // Next unmatched position on each side, 0-based.
    let (mut i, mut j) = (0u32, 0u32);
    let end = (a_len as u32, b_len as u32);
    for &(pi, pj) in pairs.iter().chain(std::iter::once(&end)) {
        if pi > i || pj > j {
            hunks.push(Hunk {
                old_start: i + 1,
                old_len: pi - i,
                new_start: j + 1,
                new_len: pj - j,
            });
        }
        (i, j) = (pi + 1, pj + 1);
    }
    hunks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::hunk;

    /// Reference strategies for the accuracy bench: imara's own algorithms over the whole file.
    fn imara_hunks(old: &[u8], new: &[u8], algorithm: Algorithm, slider: bool) -> Vec<Hunk> {
        use gix::diff::blob::InternedInput;
        let input = InternedInput::new(old, new);
        let mut diff = Diff::compute(algorithm, &input);
        if slider {
            diff.postprocess_lines(&input);
        }
        let mut pairs = Vec::new();
        let (mut i, mut j) = (0u32, 0u32);
        for h in diff.hunks() {
            while i < h.before.start {
                pairs.push((i, j));
                i += 1;
                j += 1;
            }
            (i, j) = (h.before.end, h.after.end);
        }
        while (i as usize) < input.before.len() {
            pairs.push((i, j));
            i += 1;
            j += 1;
        }
        hunks_from_pairs(&pairs, input.before.len(), input.after.len())
    }

    fn py_fn(k: u32) -> String {
        format!(
            "def f_{k}(x):\n    a = x + {k}\n    if a > {k}:\n        a -= 1\n    else:\n        a += 1\n    b = a * 2\n    return b\n\n"
        )
    }

    #[test]
    fn equal_and_empty_inputs() {
        assert_eq!(line_hunks(b"a\nb\n", b"a\nb\n"), vec![]);
        assert_eq!(line_hunks(b"", b""), vec![]);
        assert_eq!(line_hunks(b"", b"a\nb"), vec![hunk(1, 0, 1, 2)]);
        assert_eq!(line_hunks(b"a\nb\nc\n", b""), vec![hunk(1, 3, 1, 0)]);
    }

    #[test]
    fn lines_keep_their_terminator() {
        assert_eq!(line_hunks(b"a\nb\n", b"a\nb"), vec![hunk(2, 1, 2, 1)]);
        assert_eq!(
            line_hunks(b"a\r\nb\r\n", b"a\nb\r\n"),
            vec![hunk(1, 1, 1, 1)]
        );
        assert_eq!(count_lines(b"a\nb"), 2);
        assert_eq!(count_lines(b"a\nb\n"), 2);
        assert_eq!(count_lines(b""), 0);
    }

    #[test]
    fn an_empty_side_starts_at_the_line_after_the_region() {
        assert_eq!(line_hunks(b"a\nc\n", b"a\nb\nc\n"), vec![hunk(2, 0, 2, 1)]);
        assert_eq!(line_hunks(b"a\nb\nc\n", b"a\nc\n"), vec![hunk(2, 1, 2, 0)]);
        assert_eq!(line_hunks(b"a\n", b"a\nb\n"), vec![hunk(2, 0, 2, 1)]);
    }

    #[test]
    fn a_function_deleted_between_near_identical_ones_is_deleted_whole() {
        let old = format!("{}{}{}", py_fn(1), py_fn(2), py_fn(3));
        let new = format!("{}{}", py_fn(1), py_fn(3));
        // f_2 is old lines 10..=18; nothing of f_1 or f_3 moves.
        assert_eq!(
            line_hunks(old.as_bytes(), new.as_bytes()),
            vec![hunk(10, 9, 10, 0)]
        );
        let inserted = format!("{}{}{}", py_fn(1), py_fn(7), py_fn(3));
        assert_eq!(
            line_hunks(new.as_bytes(), inserted.as_bytes()),
            vec![hunk(10, 0, 10, 9)]
        );
    }

    #[test]
    fn braces_of_a_deleted_c_function_stay_with_their_own_function() {
        let c_fn = |name: &str| {
            format!(
                "int {name}(int x) {{\n    if (x) {{\n        return 1;\n    }}\n    return 0;\n}}\n\n"
            )
        };
        let old = format!("{}{}{}", c_fn("alpha"), c_fn("beta"), c_fn("gamma"));
        let new = format!("{}{}", c_fn("alpha"), c_fn("gamma"));
        assert_eq!(
            line_hunks(old.as_bytes(), new.as_bytes()),
            vec![hunk(8, 7, 8, 0)]
        );
    }

    #[test]
    fn a_deleted_and_an_inserted_function_do_not_trade_tails() {
        // f_2 deleted, f_9 inserted after f_3. Myers pairs f_2's head with f_3's and so on,
        // carrying every tail to the wrong function; the anchors keep each function whole.
        let old = format!("{}{}{}{}", py_fn(1), py_fn(2), py_fn(3), py_fn(4));
        let new = format!("{}{}{}{}", py_fn(1), py_fn(3), py_fn(9), py_fn(4));
        let want = vec![hunk(10, 9, 10, 0), hunk(28, 0, 19, 9)];
        assert_eq!(line_hunks(old.as_bytes(), new.as_bytes()), want);
        let myers = imara_hunks(old.as_bytes(), new.as_bytes(), Algorithm::Myers, true);
        assert_ne!(myers, want, "the input must be one Myers gets wrong");
    }

    #[test]
    fn a_function_replaced_in_place_takes_its_body_along() {
        let old = format!("{}{}{}", py_fn(1), py_fn(2), py_fn(3));
        let new = format!("{}{}{}", py_fn(1), py_fn(9), py_fn(3));
        // f_2's body is the same text as f_9's, but it is not the same code.
        assert_eq!(
            line_hunks(old.as_bytes(), new.as_bytes()),
            vec![hunk(10, 9, 10, 9)]
        );
    }

    #[test]
    fn an_edited_line_keeps_the_repeated_lines_after_it() {
        let old = format!("{}{}", py_fn(1), py_fn(2));
        let cond = old.replace("    if a > 2:", "    if a >= 2:");
        assert_eq!(
            line_hunks(old.as_bytes(), cond.as_bytes()),
            vec![hunk(12, 1, 12, 1)]
        );
        // A renamed function with a body of its own is the same function.
        let renamed = b"def f(x):\n    y = x * 7\n    return y\n";
        let new = b"def g(x, z):\n    y = x * 7\n    return y\n";
        assert_eq!(line_hunks(renamed, new), vec![hunk(1, 1, 1, 1)]);
    }

    /// Old line -> new line for every line outside the hunks, checking the hunks' shape.
    fn mapping(hunks: &[Hunk], old_len: u32, new_len: u32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let (mut o, mut n) = (1u32, 1u32);
        for h in hunks {
            assert!(h.old_len > 0 || h.new_len > 0, "empty hunk {h:?}");
            assert!(
                h.old_start >= o && h.new_start >= n,
                "unsorted or overlapping {hunks:?}"
            );
            assert_eq!(
                h.old_start - o,
                h.new_start - n,
                "unequal unchanged run before {h:?}"
            );
            while o < h.old_start {
                out.push((o, n));
                o += 1;
                n += 1;
            }
            o += h.old_len;
            n += h.new_len;
        }
        assert!(o <= old_len + 1 && n <= new_len + 1);
        assert_eq!(old_len + 1 - o, new_len + 1 - n, "unequal unchanged tail");
        while o <= old_len {
            out.push((o, n));
            o += 1;
            n += 1;
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn hunks_are_a_valid_alignment(
            old in proptest::collection::vec(0u8..6, 0..40),
            new in proptest::collection::vec(0u8..6, 0..40),
            old_nl in proptest::bool::ANY,
            new_nl in proptest::bool::ANY,
        ) {
            // Few distinct lines so that repeats are common, indented so that block bodies
            // occur, and "x\n" differs from "x".
            const LINES: [&[u8]; 6] = [b"a\n", b"b\n", b"  c\n", b"    d\n", b"\n", b"  a\n"];
            let text = |ids: &[u8], nl: bool| {
                let mut s: Vec<u8> = ids.iter().flat_map(|&i| LINES[usize::from(i)].iter().copied()).collect();
                if !nl && !s.is_empty() {
                    s.pop();
                }
                s
            };
            let (a, b) = (text(&old, old_nl), text(&new, new_nl));
            let hunks = line_hunks(&a, &b);
            let (la, lb) = (split_lines(&a), split_lines(&b));
            let map = mapping(&hunks, la.len() as u32, lb.len() as u32);
            for (o, n) in &map {
                proptest::prop_assert_eq!(la[*o as usize - 1], lb[*n as usize - 1]);
            }
            // Every line is either unchanged or inside a hunk, on both sides.
            let changed_old: u32 = hunks.iter().map(|h| h.old_len).sum();
            let changed_new: u32 = hunks.iter().map(|h| h.new_len).sum();
            proptest::prop_assert_eq!(map.len() as u32 + changed_old, la.len() as u32);
            proptest::prop_assert_eq!(map.len() as u32 + changed_new, lb.len() as u32);
            // Equal inputs have no hunks.
            if a == b {
                proptest::prop_assert!(hunks.is_empty());
            }
        }
    }
}
