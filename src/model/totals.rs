//! Totals of a set of lines (SPEC "coverage").

use serde::{Deserialize, Serialize};

use super::{LineCoverage, LineState};

/// Counts of a set of tracked lines. `coverage()` is `(hit + partial) / lines × 100`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub files: u64,
    pub lines: u64,
    pub hit: u64,
    pub partial: u64,
    pub miss: u64,
    pub branches: u64,
    pub branches_hit: u64,
}

impl Totals {
    /// The totals of one file's lines (`files` is 1).
    pub fn of_lines<'a>(lines: impl IntoIterator<Item = &'a LineCoverage>) -> Totals {
        let mut t = Totals {
            files: 1,
            ..Totals::default()
        };
        for c in lines {
            t.count(c);
        }
        t
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
}
