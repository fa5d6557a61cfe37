//! The walk: from the requested base along first parents to the first usable commit.

use std::fmt;

use crate::model::{CommitId, SkipReason, Skipped, count};

/// First-parent history, as much of it as selection needs.
pub trait History {
    type Error;
    /// The first parent of `c`; `None` for a root commit.
    fn first_parent(&self, c: &CommitId) -> Result<Option<CommitId>, Self::Error>;
}

/// How the base was requested (SPEC "Choosing what to compare").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// `covgit compare REV`: the commit found is the base, compared through its own diff.
    Commit,
    /// `covgit compare A..B`: the base is fixed; a commit found further back is a pseudo-base.
    Range,
}

/// The outcome of parent selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseChoice {
    /// The base asked for (merge-base of a range, first parent in the commit view).
    pub requested: CommitId,
    /// The commit whose report is used.
    pub used: CommitId,
    /// A range whose `used != requested`; always false in the commit view.
    pub pseudo: bool,
    /// Every commit passed over, in walk order, with its reason.
    pub skipped: Vec<Skipped>,
}

impl BaseChoice {
    /// The commit the comparison diffs from, whose line numbers and paths the base side of
    /// every run carries (`removed` lines, where moved code came from): the requested base
    /// when a pseudo-base's report is remapped onto it, else the commit used (in the commit
    /// view, an ancestor found is compared through its own diff to the head).
    pub fn diffed(&self) -> &CommitId {
        if self.pseudo {
            &self.requested
        } else {
            &self.used
        }
    }
}

/// Why no base could be chosen.
#[derive(Debug, thiserror::Error)]
pub enum SelectError<E> {
    /// The history walk failed.
    #[error("cannot read the first-parent history")]
    History(#[source] E),
    /// Neither the requested base nor any examined ancestor is usable.
    #[error(
        "no usable base: {} ({}) and its first-parent ancestors up to {} back have no report with passing CI ({}); record coverage for one of them or raise --max-depth",
        .requested.short(),
        first_reason(.skipped),
        count(.examined.saturating_sub(1) as u64, "commit", "commits"),
        ReasonSummary(.skipped)
    )]
    NoUsableBase {
        /// The base asked for.
        requested: CommitId,
        /// How many commits were examined, the requested base included.
        examined: usize,
        /// Every commit passed over, in walk order, with its reason.
        skipped: Vec<Skipped>,
    },
    /// The requested base is not usable and pseudo-bases are switched off.
    #[error(
        "base {} is not usable ({}) and pseudo-base comparison is switched off (--no-pseudo or allow_pseudo_compare = false); record coverage for {} or allow pseudo comparison",
        .requested.short(),
        .reason.as_str(),
        .requested.short()
    )]
    PseudoNotAllowed {
        /// The base asked for.
        requested: CommitId,
        /// Why it is not usable.
        reason: SkipReason,
    },
}

fn first_reason(skipped: &[Skipped]) -> &'static str {
    skipped.first().map_or("unusable", |s| s.reason.as_str())
}

/// "3 no-report, 1 ci-failed" over the commits passed over.
struct ReasonSummary<'a>(&'a [Skipped]);

impl fmt::Display for ReasonSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for reason in [
            SkipReason::NoReport,
            SkipReason::CiFailed,
            SkipReason::CiPending,
            SkipReason::Incomplete,
        ] {
            let n = self.0.iter().filter(|s| s.reason == reason).count();
            if n > 0 {
                if !first {
                    f.write_str(", ")?;
                }
                write!(f, "{n} {}", reason.as_str())?;
                first = false;
            }
        }
        Ok(())
    }
}

/// SPEC "Parent selection". `usability` returns `None` for a usable commit, else why not.
///
/// A usable `requested` is used as it is. Otherwise the walk examines `requested` and at most
/// `max_depth` first-parent ancestors after it, nearest first, and the first usable one wins.
/// In a [`View::Range`] with `allow_pseudo` false an unusable `requested` is an error before
/// any walk.
pub fn choose<H: History>(
    history: &H,
    requested: &CommitId,
    view: View,
    max_depth: u32,
    allow_pseudo: bool,
    mut usability: impl FnMut(&CommitId) -> Option<SkipReason>,
) -> Result<BaseChoice, SelectError<H::Error>> {
    let Some(reason) = usability(requested) else {
        return Ok(BaseChoice {
            requested: requested.clone(),
            used: requested.clone(),
            pseudo: false,
            skipped: Vec::new(),
        });
    };
    if view == View::Range && !allow_pseudo {
        return Err(SelectError::PseudoNotAllowed {
            requested: requested.clone(),
            reason,
        });
    }
    let mut skipped = vec![Skipped {
        commit: requested.clone(),
        reason,
    }];
    let mut current = requested.clone();
    for _ in 0..max_depth {
        let Some(parent) = history
            .first_parent(&current)
            .map_err(SelectError::History)?
        else {
            break;
        };
        match usability(&parent) {
            None => {
                return Ok(BaseChoice {
                    requested: requested.clone(),
                    pseudo: view == View::Range,
                    used: parent,
                    skipped,
                });
            }
            Some(reason) => skipped.push(Skipped {
                commit: parent.clone(),
                reason,
            }),
        }
        current = parent;
    }
    Err(SelectError::NoUsableBase {
        requested: requested.clone(),
        examined: skipped.len(),
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::convert::Infallible;

    use proptest::prelude::*;

    use super::*;
    use crate::testkit::sha;

    /// An in-memory history: child -> first parent. The pure core's own input.
    struct Parents(HashMap<CommitId, CommitId>);

    impl History for Parents {
        type Error = Infallible;
        fn first_parent(&self, c: &CommitId) -> Result<Option<CommitId>, Infallible> {
            Ok(self.0.get(c).cloned())
        }
    }

    /// A linear chain 1 <- 2 <- ... <- n (1 is the root).
    fn chain(n: u32) -> Parents {
        Parents((2..=n).map(|c| (sha(c), sha(c - 1))).collect())
    }

    fn statuses(s: &[(u32, Option<SkipReason>)]) -> HashMap<CommitId, Option<SkipReason>> {
        s.iter().map(|(c, r)| (sha(*c), *r)).collect()
    }

    fn skip(c: u32, reason: SkipReason) -> Skipped {
        Skipped {
            commit: sha(c),
            reason,
        }
    }

    use SkipReason::{CiFailed, CiPending, NoReport};

    #[test]
    fn usable_requested_base_is_used_as_it_is() {
        let h = chain(3);
        let got = choose(&h, &sha(3), View::Range, 50, false, |_| None).unwrap();
        assert_eq!(got.used, sha(3));
        assert!(!got.pseudo);
        assert!(got.skipped.is_empty());
    }

    #[test]
    fn commit_view_walks_past_failed_ci_to_a() {
        // A(1) passed, B(2) and C(3) failed, D(4) is the head: base of D is C.
        let h = chain(4);
        let st = statuses(&[
            (1, None),
            (2, Some(CiFailed)),
            (3, Some(CiFailed)),
            (4, None),
        ]);
        let got = choose(&h, &sha(3), View::Commit, 50, false, |c| st[c]).unwrap();
        assert_eq!(got.requested, sha(3));
        assert_eq!(got.used, sha(1));
        assert!(!got.pseudo, "the commit view is never pseudo");
        assert_eq!(got.skipped, vec![skip(3, CiFailed), skip(2, CiFailed)]);
    }

    #[test]
    fn reasons_no_report_and_pending_are_kept_in_walk_order() {
        let h = chain(5);
        let st = statuses(&[
            (1, None),
            (2, Some(NoReport)),
            (3, Some(CiPending)),
            (4, Some(NoReport)),
        ]);
        let got = choose(&h, &sha(4), View::Commit, 50, true, |c| st[c]).unwrap();
        assert_eq!(got.used, sha(1));
        assert_eq!(
            got.skipped,
            vec![skip(4, NoReport), skip(3, CiPending), skip(2, NoReport)]
        );
    }

    #[test]
    fn max_depth_counts_ancestors_after_the_requested_base() {
        // 10 <- 9 <- ... : only commit 7 is usable, 3 ancestors after 10.
        let h = chain(10);
        let usable = |c: &CommitId| (*c != sha(7)).then_some(NoReport);
        let got = choose(&h, &sha(10), View::Commit, 3, true, usable).unwrap();
        assert_eq!(got.used, sha(7));
        assert_eq!(got.skipped.len(), 3);
        match choose(&h, &sha(10), View::Commit, 2, true, usable) {
            Err(SelectError::NoUsableBase {
                requested,
                examined,
                skipped,
            }) => {
                assert_eq!(requested, sha(10));
                assert_eq!(examined, 3, "requested + 2 ancestors");
                assert_eq!(
                    skipped,
                    vec![skip(10, NoReport), skip(9, NoReport), skip(8, NoReport)]
                );
            }
            other => panic!("expected NoUsableBase, got {other:?}"),
        }
    }

    #[test]
    fn reaching_the_root_without_a_usable_commit_is_an_error_naming_the_base() {
        let h = chain(3);
        let err = choose(&h, &sha(3), View::Commit, 50, true, |_| Some(CiFailed)).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(sha(3).short()), "{msg}");
        assert!(msg.contains("3 ci-failed"), "{msg}");
        match err {
            SelectError::NoUsableBase { examined, .. } => assert_eq!(examined, 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn max_depth_zero_examines_only_the_requested_base() {
        let h = chain(3);
        let err = choose(&h, &sha(3), View::Commit, 0, true, |c| {
            (*c == sha(3)).then_some(NoReport)
        });
        assert!(matches!(
            err,
            Err(SelectError::NoUsableBase { examined: 1, .. })
        ));
    }

    #[test]
    fn range_view_marks_an_ancestor_as_pseudo() {
        let h = chain(4);
        let st = statuses(&[(1, None), (2, None), (3, Some(CiPending))]);
        let got = choose(&h, &sha(3), View::Range, 50, true, |c| st[c]).unwrap();
        assert_eq!(got.used, sha(2));
        assert!(got.pseudo);
        assert_eq!(got.skipped, vec![skip(3, CiPending)]);
    }

    #[test]
    fn range_view_without_pseudo_refuses_an_unusable_base() {
        let h = chain(4);
        let st = statuses(&[(1, None), (2, None), (3, Some(CiFailed))]);
        let err = choose(&h, &sha(3), View::Range, 50, false, |c| st[c]).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("ci-failed") && msg.contains(sha(3).short()),
            "{msg}"
        );
        assert!(matches!(
            err,
            SelectError::PseudoNotAllowed {
                reason: CiFailed,
                ..
            }
        ));
        // allow_pseudo does not matter in the commit view.
        assert_eq!(
            choose(&h, &sha(3), View::Commit, 50, false, |c| st[c])
                .unwrap()
                .used,
            sha(2)
        );
    }

    #[derive(Debug)]
    struct Broken;

    impl History for Broken {
        type Error = String;
        fn first_parent(&self, c: &CommitId) -> Result<Option<CommitId>, String> {
            Err(format!("object {c} is missing"))
        }
    }

    #[test]
    fn history_errors_are_passed_on() {
        let err = choose(&Broken, &sha(1), View::Commit, 5, true, |_| Some(NoReport)).unwrap_err();
        assert!(matches!(err, SelectError::History(ref e) if e.contains("missing")));
    }

    fn reason_strategy() -> impl Strategy<Value = Option<SkipReason>> {
        prop_oneof![
            2 => Just(None),
            1 => Just(Some(NoReport)),
            1 => Just(Some(CiFailed)),
            1 => Just(Some(CiPending)),
        ]
    }

    proptest! {
        /// Random histories (each commit's first parent is any earlier commit, so chains can
        /// branch) against the brute force: the whole first-parent chain, first usable within
        /// depth.
        #[test]
        fn walk_matches_brute_force(
            parents in prop::collection::vec(prop::option::weighted(0.9, 0usize..1000), 1..40),
            reasons in prop::collection::vec(reason_strategy(), 40),
            start_pick in 0usize..1000,
            max_depth in 0u32..45,
            range in any::<bool>(),
            allow_pseudo in any::<bool>(),
        ) {
            let n = parents.len();
            // commit i's parent is an index < i.
            let parent_of: Vec<Option<usize>> = parents
                .iter()
                .enumerate()
                .map(|(i, p)| if i == 0 { None } else { p.map(|p| p % i) })
                .collect();
            let h = Parents(
                parent_of
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| p.map(|p| (sha(i as u32), sha(p as u32))))
                    .collect(),
            );
            let start = start_pick % n;
            let index = |c: &CommitId| usize::from_str_radix(c.as_str(), 16).unwrap();
            let view = if range { View::Range } else { View::Commit };
            let got = choose(&h, &sha(start as u32), view, max_depth, allow_pseudo, |c| reasons[index(c)]);

            let mut chain = vec![start];
            while let Some(p) = parent_of[*chain.last().unwrap()] {
                chain.push(p);
            }
            let window = &chain[..chain.len().min(max_depth as usize + 1)];
            let found = window.iter().position(|&c| reasons[c].is_none());
            match (found, got) {
                (Some(0), Ok(choice)) => {
                    prop_assert_eq!(choice.used, sha(start as u32));
                    prop_assert!(!choice.pseudo && choice.skipped.is_empty());
                }
                (_, Err(SelectError::PseudoNotAllowed { requested, reason })) => {
                    prop_assert!(range && !allow_pseudo);
                    prop_assert_eq!(requested, sha(start as u32));
                    prop_assert_eq!(Some(reason), reasons[start]);
                }
                (Some(k), Ok(choice)) => {
                    prop_assert!(allow_pseudo || !range);
                    prop_assert_eq!(&choice.used, &sha(window[k] as u32));
                    prop_assert_eq!(choice.pseudo, range);
                    let expect: Vec<Skipped> = window[..k]
                        .iter()
                        .map(|&c| Skipped { commit: sha(c as u32), reason: reasons[c].unwrap() })
                        .collect();
                    prop_assert_eq!(choice.skipped, expect);
                }
                (None, Err(SelectError::NoUsableBase { examined, skipped, .. })) => {
                    prop_assert!(allow_pseudo || !range);
                    prop_assert_eq!(examined, window.len());
                    prop_assert_eq!(skipped.len(), window.len());
                }
                (found, got) => prop_assert!(false, "brute force {:?}, choose {:?}", found, got),
            }
        }
    }
}
