//! Totals of a set of lines (SPEC "coverage").

use serde::{Deserialize, Serialize};

use super::{LineCoverage, LineState};

/// Counts of a set of tracked lines. `coverage()` is `(hit + partial) / lines × 100`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Files with at least one tracked line (SPEC TOTALS, counted as Codecov counts them): a
    /// file a report lists with no line, such as an empty `__init__.py`, is not one.
    pub files: u64,
    /// Tracked lines.
    pub lines: u64,
    /// Lines whose state is `hit`.
    pub hit: u64,
    /// Lines whose state is `partial`.
    pub partial: u64,
    /// Lines whose state is `miss`.
    pub miss: u64,
    /// Branches on the tracked lines, where the format gives them.
    pub branches: u64,
    /// Of `branches`, those taken at least once.
    pub branches_hit: u64,
}

impl Totals {
    /// The totals of one file's lines: `files` is 1, or 0 when no line is tracked.
    pub fn of_lines<'a>(lines: impl IntoIterator<Item = &'a LineCoverage>) -> Totals {
        let mut t = Totals::default();
        for c in lines {
            t.count(c);
        }
        t.as_one_file()
    }

    /// These counts as one file's: `files` is 1 when a line is tracked, else 0.
    #[must_use]
    pub fn as_one_file(mut self) -> Totals {
        self.files = u64::from(self.lines > 0);
        self
    }

    /// Counts one line (does not touch `files`) and returns its state.
    pub fn count(&mut self, c: &LineCoverage) -> LineState {
        let state = c.state();
        self.count_state(state);
        if let Some(b) = &c.branches {
            let (taken, total) = b.counts();
            self.branches += u64::from(total);
            self.branches_hit += u64::from(taken);
        }
        state
    }

    /// Counts one line by its state alone (no branch figures).
    pub fn count_state(&mut self, s: LineState) {
        self.lines += 1;
        match s {
            LineState::Hit => self.hit += 1,
            LineState::Partial => self.partial += 1,
            LineState::Miss => self.miss += 1,
        }
    }

    /// Adds `o`'s counts to these (the totals of two disjoint sets of lines).
    pub fn add(&mut self, o: &Totals) {
        self.files += o.files;
        self.lines += o.lines;
        self.hit += o.hit;
        self.partial += o.partial;
        self.miss += o.miss;
        self.branches += o.branches;
        self.branches_hit += o.branches_hit;
    }

    /// Percent of tracked lines that ran; `None` when nothing is tracked.
    pub fn coverage(&self) -> Option<f64> {
        (self.lines > 0).then(|| (self.hit + self.partial) as f64 / self.lines as f64 * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_counts_partial_lines_as_covered() {
        let t = Totals {
            lines: 4,
            hit: 1,
            partial: 1,
            miss: 2,
            ..Totals::default()
        };
        assert_eq!(t.coverage(), Some(50.0));
        assert_eq!(Totals::default().coverage(), None);
    }

    #[test]
    fn a_file_with_no_tracked_line_is_not_counted_as_a_file() {
        // Issue 12.3: coverage.py lists an empty `__init__.py` with `<lines/>`.
        assert_eq!(Totals::of_lines([]).files, 0);
        let one = [LineCoverage::new(0)];
        assert_eq!(Totals::of_lines(&one).files, 1);
        let mut sum = Totals::of_lines(&one);
        sum.add(&Totals::of_lines([]));
        assert_eq!((sum.files, sum.lines), (1, 1));
    }
}
