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

use gix::diff::blob::{Algorithm, Diff, Token};

use crate::model::Hunk;

/// The lines of `data`, each with its `\n` terminator (the last one may lack it).
pub(crate) fn split_lines(data: &[u8]) -> Vec<&[u8]> {
    data.split_inclusive(|&b| b == b'\n').collect()
}

/// How many lines [`split_lines`] finds, without collecting them.
pub(crate) fn count_lines(data: &[u8]) -> u32 {
    let newlines = data.iter().filter(|&&b| b == b'\n').count();
    let unterminated = usize::from(data.last().is_some_and(|&b| b != b'\n'));
    (newlines + unterminated) as u32
}

/// The changed regions between `old` and `new`, sorted and non-overlapping, in the
/// convention of [`Hunk`] (an empty side starts at the number of the first line after it).
pub fn line_hunks(old: &[u8], new: &[u8]) -> Vec<Hunk> {
    let (a, b, num_tokens) = intern(&split_lines(old), &split_lines(new));
    let pairs = patience(&a, &b, num_tokens);
    hunks_from_pairs(&pairs, a.len(), b.len())
}

/// Maps each distinct line to a token; returns both token sequences and the token count.
fn intern(old: &[&[u8]], new: &[&[u8]]) -> (Vec<Token>, Vec<Token>, u32) {
    let mut ids: HashMap<&[u8], u32> = HashMap::with_capacity(old.len() + new.len());
    let mut token = |line| {
        let next = ids.len() as u32;
        Token(*ids.entry(line).or_insert(next))
    };
    let a: Vec<Token> = old.iter().map(|&l| token(l)).collect();
    let b: Vec<Token> = new.iter().map(|&l| token(l)).collect();
    (a, b, ids.len() as u32)
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
                fallback(&a[a0..a1], &b[b0..b1], num_tokens, &mut diff, a0, b0, &mut pairs);
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

    include!("lines_bench.rs");
}
