//! One line's coverage and its state.

use serde::{Deserialize, Serialize};

/// A 1-based line number. Parsers refuse or skip 0 and anything beyond `u32::MAX`, so every
/// `LineNo` in a `FileCoverage` is at least 1.
pub type LineNo = u32;

/// SPEC "line state" of a tracked line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LineState {
    /// Not executed (0 hits).
    Miss,
    /// Executed, but only some of its branches were taken.
    Partial,
    /// Executed, and all of its branches (if any) taken.
    Hit,
}

impl LineState {
    /// The SPEC's spelling: `miss`, `partial`, `hit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Miss => "miss",
            Self::Partial => "partial",
            Self::Hit => "hit",
        }
    }
}

/// Branch outcomes of one line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Branches {
    /// The format gives only how many branches were taken of how many (Cobertura
    /// `condition-coverage="50% (1/2)"`). Invariant: `covered <= total`.
    Counts {
        /// Branches taken at least once.
        covered: u32,
        /// Branches of the line.
        total: u32,
    },
    /// The format names each branch (LCOV `BRDA:line,block,branch,taken`): name -> times
    /// taken (`-` is 0). Sorted by name, names unique. Merging takes the union.
    Named(Vec<(String, u64)>),
}

impl Branches {
    /// (taken, total).
    pub fn counts(&self) -> (u32, u32) {
        match self {
            Self::Counts { covered, total } => (*covered, *total),
            Self::Named(v) => (
                v.iter().filter(|(_, n)| *n > 0).count() as u32,
                v.len() as u32,
            ),
        }
    }

    /// SPEC merge: the union where branches are named, otherwise the larger count.
    pub fn merge(&mut self, other: &Branches) {
        if let (Self::Named(a), Self::Named(b)) = (&mut *self, other) {
            for (name, n) in b {
                match a.binary_search_by(|(x, _)| x.as_str().cmp(name)) {
                    Ok(i) => a[i].1 = a[i].1.saturating_add(*n),
                    Err(i) => a.insert(i, (name.clone(), *n)),
                }
            }
        } else {
            let (c1, t1) = self.counts();
            let (c2, t2) = other.counts();
            let total = t1.max(t2);
            *self = Self::Counts {
                covered: c1.max(c2).min(total),
                total,
            };
        }
    }
}

/// One tracked line: its execution count and, where the format says, its branches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LineCoverage {
    /// How many times the line ran.
    pub hits: u64,
    /// The line's branch outcomes, when the format gives them.
    pub branches: Option<Branches>,
}

impl LineCoverage {
    /// A line run `hits` times, with no branch information.
    pub fn new(hits: u64) -> Self {
        Self {
            hits,
            branches: None,
        }
    }

    /// SPEC: miss when hits = 0; partial when hits > 0 and not every branch was taken;
    /// hit otherwise.
    pub fn state(&self) -> LineState {
        if self.hits == 0 {
            return LineState::Miss;
        }
        match &self.branches {
            Some(b) => {
                let (taken, total) = b.counts();
                if taken < total {
                    LineState::Partial
                } else {
                    LineState::Hit
                }
            }
            None => LineState::Hit,
        }
    }

    /// Merge of two uploads' data for the same line: hits summed, branches per
    /// [`Branches::merge`].
    pub fn merge_sum(&mut self, other: &LineCoverage) {
        self.hits = self.hits.saturating_add(other.hits);
        self.merge_branches(other);
    }

    /// The same line listed twice in one report (Cobertura method and class lists): the
    /// larger count, branches merged.
    pub fn merge_max(&mut self, other: &LineCoverage) {
        self.hits = self.hits.max(other.hits);
        self.merge_branches(other);
    }

    fn merge_branches(&mut self, other: &LineCoverage) {
        match (&mut self.branches, &other.branches) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.branches = Some(b.clone()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_follow_the_spec() {
        assert_eq!(LineCoverage::new(0).state(), LineState::Miss);
        assert_eq!(LineCoverage::new(3).state(), LineState::Hit);
        let partial = LineCoverage {
            hits: 1,
            branches: Some(Branches::Counts {
                covered: 0,
                total: 2,
            }),
        };
        assert_eq!(partial.state(), LineState::Partial);
        let missed_with_branches = LineCoverage {
            hits: 0,
            ..partial.clone()
        };
        assert_eq!(missed_with_branches.state(), LineState::Miss);
        let full = LineCoverage {
            hits: 1,
            branches: Some(Branches::Counts {
                covered: 2,
                total: 2,
            }),
        };
        assert_eq!(full.state(), LineState::Hit);
    }

    #[test]
    fn named_branches_merge_as_a_union_and_counts_take_the_larger() {
        let mut a = Branches::Named(vec![("0,0".into(), 1), ("0,1".into(), 0)]);
        a.merge(&Branches::Named(vec![("0,1".into(), 2), ("1,0".into(), 0)]));
        assert_eq!(a.counts(), (2, 3));
        let mut c = Branches::Counts {
            covered: 1,
            total: 2,
        };
        c.merge(&Branches::Counts {
            covered: 0,
            total: 4,
        });
        assert_eq!(c.counts(), (1, 4));
    }

    #[test]
    fn hits_saturate_instead_of_overflowing() {
        let mut a = LineCoverage::new(u64::MAX);
        a.merge_sum(&LineCoverage::new(5));
        assert_eq!(a.hits, u64::MAX);
    }
}
