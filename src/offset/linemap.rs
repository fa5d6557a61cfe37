//! Old line <-> new line of one file, from the hunks of its diff.

use crate::model::{Hunk, LineNo};

/// One hunk with its ends, in `i64` so that no arithmetic on odd input can overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    old_start: i64,
    old_end: i64,
    new_start: i64,
    new_end: i64,
}

/// The line mapping of one file's diff. Lines outside every hunk shift by the net offset of
/// the hunks before them; lines inside a hunk (its old side for [`LineMap::old_to_new`], its
/// new side for [`LineMap::new_to_old`]) have no counterpart. Lookups are `O(log hunks)`.
///
/// Hunks follow [`Hunk`]'s convention: an empty side starts at the number of the first line
/// after the region. Hunks given out of order are sorted; hunks with two empty sides are
/// ignored. Any result outside `1..=u32::MAX` is `None`, so malformed hunks never panic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineMap {
    spans: Vec<Span>,
}

impl LineMap {
    pub fn from_hunks(hunks: &[Hunk]) -> LineMap {
        let mut spans: Vec<Span> = hunks
            .iter()
            .filter(|h| h.old_len > 0 || h.new_len > 0)
            .map(|h| Span {
                old_start: i64::from(h.old_start),
                old_end: i64::from(h.old_start) + i64::from(h.old_len),
                new_start: i64::from(h.new_start),
                new_end: i64::from(h.new_start) + i64::from(h.new_len),
            })
            .collect();
        spans.sort_by_key(|s| (s.old_start, s.old_end));
        LineMap { spans }
    }

    /// The new number of old line `l`; `None` when the diff removes or replaces it.
    pub fn old_to_new(&self, l: LineNo) -> Option<LineNo> {
        let l = i64::from(l);
        let i = self.spans.partition_point(|s| s.old_end <= l);
        if self.spans.get(i).is_some_and(|s| s.old_start <= l) {
            return None;
        }
        let delta = i
            .checked_sub(1)
            .map_or(0, |p| self.spans[p].new_end - self.spans[p].old_end);
        to_line(l + delta)
    }

    /// The old number of new line `l`; `None` when the diff adds it.
    pub fn new_to_old(&self, l: LineNo) -> Option<LineNo> {
        let l = i64::from(l);
        let i = self.spans.partition_point(|s| s.new_end <= l);
        if self.spans.get(i).is_some_and(|s| s.new_start <= l) {
            return None;
        }
        let delta = i
            .checked_sub(1)
            .map_or(0, |p| self.spans[p].old_end - self.spans[p].new_end);
        to_line(l + delta)
    }
}

fn to_line(n: i64) -> Option<LineNo> {
    LineNo::try_from(n).ok().filter(|&n| n >= 1)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::offset::testgen::{Alignment, alignment};
    use crate::testkit::hunk;

    #[test]
    fn lines_shift_around_an_insertion_and_drop_inside_a_replacement() {
        // old 1..=10; insert 2 lines before old 3; replace old 6..=7 by 1 line.
        let m = LineMap::from_hunks(&[hunk(3, 0, 3, 2), hunk(6, 2, 8, 1)]);
        let got: Vec<_> = (1..=10).map(|l| m.old_to_new(l)).collect();
        assert_eq!(
            got,
            [
                Some(1),
                Some(2),
                Some(5),
                Some(6),
                Some(7),
                None,
                None,
                Some(9),
                Some(10),
                Some(11)
            ]
        );
        let back: Vec<_> = (1..=11).map(|l| m.new_to_old(l)).collect();
        assert_eq!(
            back,
            [
                Some(1),
                Some(2),
                None,
                None,
                Some(3),
                Some(4),
                Some(5),
                None,
                Some(8),
                Some(9),
                Some(10)
            ]
        );
    }

    #[test]
    fn odd_hunks_never_panic() {
        let m = LineMap::from_hunks(&[hunk(u32::MAX, u32::MAX, 1, 0), hunk(5, 0, 1, 0)]);
        let _ = m.old_to_new(u32::MAX);
        let _ = m.new_to_old(u32::MAX);
        let m = LineMap::from_hunks(&[hunk(1, 3, 1, 0)]);
        assert_eq!(m.old_to_new(4), Some(1));
        assert_eq!(m.new_to_old(1), Some(4));
        assert_eq!(LineMap::from_hunks(&[hunk(4, 0, 4, 0)]), LineMap::default());
    }

    proptest! {
        /// The map agrees with the explicit alignment the hunks were cut from, both ways,
        /// including lines past the end of the file.
        #[test]
        fn matches_the_expanded_alignment(a in alignment(30)) {
            let Alignment { hunks, old_to_new, new_to_old } = a.expand();
            let m = LineMap::from_hunks(&hunks);
            for (i, want) in old_to_new.iter().enumerate() {
                prop_assert_eq!(m.old_to_new(i as u32 + 1), *want, "old line {}", i + 1);
            }
            for (i, want) in new_to_old.iter().enumerate() {
                prop_assert_eq!(m.new_to_old(i as u32 + 1), *want, "new line {}", i + 1);
            }
            // Beyond both ends the tail offset holds.
            let (olen, nlen) = (old_to_new.len() as u32, new_to_old.len() as u32);
            prop_assert_eq!(m.old_to_new(olen + 3), Some(nlen + 3));
            prop_assert_eq!(m.new_to_old(nlen + 3), Some(olen + 3));
        }
    }
}
