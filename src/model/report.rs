//! File coverage, uploads and a commit's report (the merge of its uploads).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{CiStatus, Flag, LineCoverage, LineNo, Totals};

/// The tracked lines of one file, sorted by line number, each number once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileCoverage {
    lines: Vec<(LineNo, LineCoverage)>,
}

impl FileCoverage {
    /// Builds from entries in any order. A line given more than once is combined with
    /// `combine` (e.g. [`LineCoverage::merge_max`] for a Cobertura line listed under its method
    /// and its class, [`LineCoverage::merge_sum`] for LCOV records of one file).
    pub fn from_entries(
        mut entries: Vec<(LineNo, LineCoverage)>,
        combine: fn(&mut LineCoverage, &LineCoverage),
    ) -> Self {
        // Stable, so `combine` meets a line's entries in their order; in place, as most
        // reports list each line once and in order.
        entries.sort_by_key(|(n, _)| *n);
        entries.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                combine(&mut kept.1, &later.1);
            }
            same
        });
        if entries.len() < entries.capacity() / 2 {
            entries.shrink_to_fit();
        }
        Self { lines: entries }
    }

    /// Entries already sorted by line with unique numbers (as read back from the store).
    /// Returns `None` if they are not.
    pub fn from_sorted(lines: Vec<(LineNo, LineCoverage)>) -> Option<Self> {
        lines
            .windows(2)
            .all(|w| w[0].0 < w[1].0)
            .then_some(Self { lines })
    }

    /// The tracked lines with their coverage, in ascending line order.
    pub fn lines(&self) -> &[(LineNo, LineCoverage)] {
        &self.lines
    }

    /// Whether the file has no tracked line.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// How many tracked lines the file has.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// The coverage of line `line`, if it is tracked.
    pub fn get(&self, line: LineNo) -> Option<&LineCoverage> {
        self.lines
            .binary_search_by_key(&line, |(n, _)| *n)
            .ok()
            .map(|i| &self.lines[i].1)
    }

    /// Merge of another upload's coverage of the same file: hits summed, branches merged.
    pub fn merge_sum(&mut self, other: &FileCoverage) {
        let mut all = std::mem::take(&mut self.lines);
        all.extend(other.lines.iter().cloned());
        *self = Self::from_entries(all, LineCoverage::merge_sum);
    }

    /// The file's counts (`files` is 1 when it has a tracked line, else 0).
    pub fn totals(&self) -> Totals {
        Totals::of_lines(self.lines.iter().map(|(_, c)| c))
    }
}

/// Coverage of a set of files: a single upload's, or a commit's merged report.
///
/// Keys are repository-relative paths once resolved; a path that matched nothing in the tree
/// is kept as written (separators normalised) and also listed in `unresolved`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Each file's coverage, by path.
    pub files: BTreeMap<String, FileCoverage>,
    /// The paths that matched no file in the recorded commit's tree, as written.
    pub unresolved: BTreeSet<String>,
}

impl Report {
    /// SPEC "merge of uploads": hits summed per line, branches unioned or the larger count.
    pub fn merge<'a>(reports: impl IntoIterator<Item = &'a Report>) -> Report {
        let mut out = Report::default();
        for r in reports {
            for (path, cov) in &r.files {
                match out.files.get_mut(path) {
                    Some(have) => have.merge_sum(cov),
                    None => {
                        out.files.insert(path.clone(), cov.clone());
                    }
                }
            }
            out.unresolved.extend(r.unresolved.iter().cloned());
        }
        out
    }

    /// The counts of every file together.
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for cov in self.files.values() {
            t.add(&cov.totals());
        }
        t
    }
}

/// One upload of a commit: what one `covgit record` stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    /// The upload's flag; `None` for the unflagged upload.
    pub flag: Option<Flag>,
    /// The detected or forced input format(s), e.g. `cobertura` or `cobertura+lcov`.
    pub format: String,
    /// The CI status recorded with it.
    pub ci_status: CiStatus,
    /// The coverage.
    pub report: Report,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineState;

    fn file(entries: &[(LineNo, u64)]) -> FileCoverage {
        FileCoverage::from_entries(
            entries
                .iter()
                .map(|&(n, h)| (n, LineCoverage::new(h)))
                .collect(),
            LineCoverage::merge_max,
        )
    }

    #[test]
    fn duplicates_are_combined_and_lines_sorted() {
        let f = file(&[(3, 1), (1, 0), (3, 4)]);
        assert_eq!(f.len(), 2);
        assert_eq!(f.get(3).unwrap().hits, 4);
        assert_eq!(f.lines()[0].0, 1);
        assert!(
            FileCoverage::from_sorted(vec![(2, LineCoverage::new(1)), (1, LineCoverage::new(1))])
                .is_none()
        );
    }

    #[test]
    fn reports_merge_by_summing_hits() {
        let mut a = Report::default();
        a.files.insert("a.py".into(), file(&[(1, 0), (2, 1)]));
        let mut b = Report::default();
        b.files.insert("a.py".into(), file(&[(1, 2), (5, 0)]));
        b.files.insert("b.py".into(), file(&[(1, 0)]));
        b.unresolved.insert("b.py".into());
        let m = Report::merge([&a, &b]);
        assert_eq!(m.files["a.py"].get(1).unwrap().state(), LineState::Hit);
        assert_eq!(m.files["a.py"].len(), 3);
        assert_eq!(m.unresolved.len(), 1);
        let t = m.totals();
        assert_eq!((t.files, t.lines, t.hit, t.miss), (2, 4, 2, 2));
    }
}
