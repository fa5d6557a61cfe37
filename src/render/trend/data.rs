//! What the trend draws: `covgit log`'s recorded commits, each with its committer time and
//! the coverage of each of its uploads.

use crate::model::{CiStatus, CommitId, Flag, Totals};
use crate::render::log::{LogEntry, LogOutcome};

/// What `covgit log --format svg|html` draws: the log, and what the chart and the table say
/// about each of its commits beyond the log line.
#[derive(Debug)]
pub struct Trend {
    /// `covgit log`'s outcome: the recorded commits, newest first, and how the walk went.
    pub log: LogOutcome,
    /// One per entry of `log.entries`, in the same order.
    pub details: Vec<CommitDetail>,
}

/// What the trend knows of one recorded commit beyond its [`LogEntry`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommitDetail {
    /// Its committer time, Unix seconds, when git could read it.
    pub committed_at: Option<i64>,
    /// Its uploads, unflagged first, then by flag.
    pub uploads: Vec<TrendUpload>,
}

/// One upload of a recorded commit, with the totals of its own report.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendUpload {
    /// Its flag (`None` without `--flag`).
    pub flag: Option<Flag>,
    /// Its input format.
    pub format: String,
    /// Its CI status.
    pub ci_status: CiStatus,
    /// When it was recorded, Unix seconds.
    pub recorded_at: i64,
    /// The totals of this upload's report alone.
    pub totals: Totals,
    /// The ancestor it is carried from (`[flags] carryforward`); `None`: the commit's own.
    pub carried_from: Option<CommitId>,
}

impl Trend {
    /// The recorded commits oldest first (the chart's left to right), each with its detail.
    pub(super) fn oldest_first(&self) -> Vec<(&LogEntry, &CommitDetail)> {
        static NONE: CommitDetail = CommitDetail {
            committed_at: None,
            uploads: Vec::new(),
        };
        self.log
            .entries
            .iter()
            .enumerate()
            .rev()
            .map(|(i, e)| (e, self.details.get(i).unwrap_or(&NONE)))
            .collect()
    }
}

impl CommitDetail {
    /// The coverage of the commit's own upload with `flag`, or a carried one when it has no
    /// own; `None` when it has neither or it tracks nothing.
    pub(super) fn flag_coverage(&self, flag: Option<&Flag>) -> Option<f64> {
        let with_flag = || self.uploads.iter().filter(|u| u.flag.as_ref() == flag);
        with_flag()
            .find(|u| u.carried_from.is_none())
            .or_else(|| with_flag().next())
            .and_then(|u| u.totals.coverage())
    }
}

/// Histories of any length for the renderers' tests.
#[cfg(test)]
pub(super) mod sample {
    use super::*;
    use crate::render::log::LogStop;

    /// A commit id whose short form spells `k` in hex.
    pub fn commit(k: usize) -> CommitId {
        CommitId::new(&format!("{k:07x}{}", "a".repeat(33))).unwrap()
    }

    /// Commit `k`'s time: five hours after commit `k - 1`'s, from 2026-01-01.
    fn at(k: usize) -> i64 {
        1_767_225_600 + i64::try_from(k).unwrap() * 18_000
    }

    /// `n` recorded commits, each with an upload per flag of `flags` (coverage wandering
    /// between 40% and 90%); every 7th failed, every 11th pending, every 13th incomplete
    /// (no `e2e`); five hours apart from 2026-01-01.
    pub fn trend(n: usize, flags: &[&str]) -> Trend {
        let mut entries = Vec::new();
        let mut details = Vec::new();
        for k in (0..n).rev() {
            let uploads: Vec<TrendUpload> = flags
                .iter()
                .enumerate()
                .map(|(j, f)| {
                    let hit = 40 + ((k * 7 + j * 13) % 50) as u64;
                    TrendUpload {
                        flag: Some(Flag::new(f).unwrap()),
                        format: "lcov".into(),
                        ci_status: CiStatus::Passed,
                        recorded_at: at(k) + 60,
                        totals: Totals {
                            files: 1,
                            lines: 100,
                            hit,
                            miss: 100 - hit,
                            ..Totals::default()
                        },
                        carried_from: None,
                    }
                })
                .collect();
            let mut totals = Totals::default();
            for u in &uploads {
                totals.add(&u.totals);
            }
            let ci_status = if k % 7 == 6 {
                CiStatus::Failed
            } else if k % 11 == 10 {
                CiStatus::Pending
            } else {
                CiStatus::Passed
            };
            entries.push(LogEntry {
                commit: commit(k),
                ci_status,
                flags: uploads.iter().map(|u| u.flag.clone()).collect(),
                missing_flags: if k % 13 == 12 {
                    vec![Flag::new("e2e").unwrap()]
                } else {
                    vec![]
                },
                carried: vec![],
                totals,
                delta: None,
                subject: Some(format!("commit {k}")),
            });
            details.push(CommitDetail {
                committed_at: Some(at(k)),
                uploads,
            });
        }
        Trend {
            log: LogOutcome {
                entries,
                walked: n,
                stopped: None::<LogStop>,
                shared_on: None,
            },
            details,
        }
    }
}
