//! `covgit check`: the comparison as a gate (SPEC `[check]` configuration and flags).
//!
//! Pure: takes a [`Comparison`] and resolved targets, returns every failed gate with its
//! figures (`render::check` words them). The project gate judges exactly the totals a comparison prints, base → head
//! (SPEC `project_threshold`: "points the total may drop"); `removed` lines are never `lost`.

use std::borrow::Cow;

use crate::model::{LineNo, Totals};

use super::{Comparison, LineKind, PatchTotals};

pub mod components;

/// Resolved gate targets. `None` switches a gate off.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Gates {
    /// Patch coverage below this percent fails; the caller turns `"auto"` into the base's
    /// total coverage.
    pub patch_target: Option<f64>,
    /// Points the project coverage may drop before it fails.
    pub project_threshold: Option<f64>,
    /// Any `lost` line fails.
    pub fail_on_lost: bool,
}

/// The gates that failed; none means the check passed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Verdict {
    /// The failed gates, in the order they were checked; empty when every gate passed.
    pub failures: Vec<GateFailure>,
}

impl Verdict {
    /// Whether every gate passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// One failed gate with the figures that failed it.
#[derive(Debug, Clone, PartialEq)]
pub enum GateFailure {
    /// Patch coverage below the target; `lines` added lines are tracked, `covered` of them ran.
    Patch {
        /// The patch coverage, in percent.
        coverage: f64,
        /// The target it had to reach, in percent.
        target: f64,
        /// Added lines tracked.
        lines: u64,
        /// Of those, lines that ran.
        covered: u64,
    },
    /// Project coverage fell by more than the threshold: `base` and `head` are the totals'
    /// coverage, as the comparison prints them; `drop = base - head`.
    Project {
        /// The base's total coverage, in percent.
        base: f64,
        /// The head's total coverage, in percent.
        head: f64,
        /// `base - head`, in points.
        drop: f64,
        /// The drop allowed, in points.
        threshold: f64,
    },
    /// `lines` lines lost coverage; `first` is the first one by path and head line.
    Lost {
        /// How many lines lost coverage.
        lines: u64,
        /// The first of them: head path and head line.
        first: Option<(String, LineNo)>,
    },
    /// A gate of component `name` failed, on the component's own figures (SPEC "Flags").
    Component {
        /// The component's name.
        name: String,
        /// The component's gate that failed, with the component's figures.
        failure: Box<GateFailure>,
    },
}

impl GateFailure {
    /// The gate's name as `.covgit.toml` spells its key: `patch_target` for `[check]`'s,
    /// `component api: patch_target` for a component's.
    pub fn gate(&self) -> Cow<'static, str> {
        match self {
            Self::Patch { .. } => "patch_target".into(),
            Self::Project { .. } => "project_threshold".into(),
            Self::Lost { .. } => "fail_on_lost".into(),
            Self::Component { name, failure } => {
                format!("component {name}: {}", failure.gate()).into()
            }
        }
    }
}

/// A float slack so that a figure equal to its target on paper (e.g. `auto` patch target
/// computed from other counts of the same ratio) never fails by rounding.
const EPSILON: f64 = 1e-9;

/// `percent` as a comparison prints it, to two decimals (Codecov's precision 2): the project
/// gate judges the figures a reader sees, so 95.00% → 95.00% never "drops 0.00 points".
fn as_shown(percent: f64) -> f64 {
    (percent * 100.0).round() / 100.0
}

/// Checks `c` against `gates`.
///
/// - Patch: passes when no added line is tracked (nothing to measure).
/// - Project: the drop is the base's total coverage minus the head's, the very figures the
///   comparison prints, rounded to two decimals as printed (issue 12.11: counting `removed` lines back into the head counted an
///   edited line twice, its old line and its new one, so the gate reported a drop the
///   printed totals contradicted). Nothing tracked on either side: the gate passes.
/// - Lost: counts `lost` lines only; `removed` lines are never lost.
pub fn evaluate(c: &Comparison, gates: &Gates) -> Verdict {
    let lost: Vec<_> = c
        .lines
        .iter()
        .filter(|r| r.kind == LineKind::Lost)
        .collect();
    let lines = lost.iter().map(|r| u64::from(r.end - r.start) + 1).sum();
    let first = lost.first().map(|r| (r.path.clone(), r.start));
    Verdict {
        failures: judge(
            Figures {
                base: &c.base,
                head: &c.head,
                patch: &c.patch,
                lost: (lines, first),
            },
            gates,
        ),
    }
}

/// What the gates judge: the project's figures, or a component's.
struct Figures<'a> {
    base: &'a Totals,
    head: &'a Totals,
    patch: &'a PatchTotals,
    /// Lines lost, and the first of them by path and head line.
    lost: (u64, Option<(String, LineNo)>),
}

/// The gates of [`evaluate`] over any figures.
fn judge(fig: Figures<'_>, gates: &Gates) -> Vec<GateFailure> {
    let mut failures = Vec::new();
    if let (Some(target), Some(coverage)) = (gates.patch_target, fig.patch.coverage())
        && coverage + EPSILON < target
    {
        failures.push(GateFailure::Patch {
            coverage,
            target,
            lines: fig.patch.lines,
            covered: fig.patch.hit + fig.patch.partial,
        });
    }
    if let (Some(threshold), Some(base), Some(head)) = (
        gates.project_threshold,
        fig.base.coverage().map(as_shown),
        fig.head.coverage().map(as_shown),
    ) && base - head > threshold + EPSILON
    {
        failures.push(GateFailure::Project {
            base,
            head,
            drop: base - head,
            threshold,
        });
    }
    if let (true, (lines @ 1.., first)) = (gates.fail_on_lost, fig.lost) {
        failures.push(GateFailure::Lost { lines, first });
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::compare;
    use crate::model::{ChangeKind, FileChange, Hunk};

    use crate::testkit::hits_report as report;

    fn modified(path: &str, hunks: &[(u32, u32, u32, u32)]) -> FileChange {
        crate::testkit::change(Some(path), Some(path), ChangeKind::Modified, hunks)
    }

    const ALL: Gates = Gates {
        patch_target: Some(100.0),
        project_threshold: Some(0.0),
        fail_on_lost: true,
    };

    #[test]
    fn no_added_lines_pass_the_patch_gate() {
        let r = report(&[("a.py", &[1, 0])]);
        let c = compare(&r, &r, &[]);
        assert!(evaluate(&c, &ALL).passed());
    }

    #[test]
    fn patch_coverage_below_target_fails_with_its_figures() {
        let base = report(&[("a.py", &[1, 1])]);
        // Three lines appended: one covered.
        let head = report(&[("a.py", &[1, 1, 1, 0, 0])]);
        let c = compare(&base, &head, &[modified("a.py", &[(3, 0, 3, 3)])]);
        let gates = Gates {
            patch_target: Some(50.0),
            ..Gates::default()
        };
        let v = evaluate(&c, &gates);
        let [
            GateFailure::Patch {
                coverage,
                target,
                lines,
                covered,
            },
        ] = v.failures.as_slice()
        else {
            panic!("{v:?}");
        };
        assert_eq!((*lines, *covered, *target), (3, 1, 50.0));
        assert!((coverage - 100.0 / 3.0).abs() < 1e-9);
        // Exactly on target passes.
        let on_target = Gates {
            patch_target: Some(100.0 / 3.0),
            ..Gates::default()
        };
        assert!(evaluate(&c, &on_target).passed());
    }

    #[test]
    fn deleting_covered_code_fails_only_the_project_gate_with_the_printed_totals() {
        // 4 of 6 lines covered; the covered ones are deleted: the total falls to 0%. No line
        // is lost and none is added, so only the project gate can fail, on the very totals
        // the comparison prints.
        let base = report(&[("a.py", &[3, 3, 0, 0]), ("b.py", &[1, 1])]);
        let head = report(&[("a.py", &[0, 0])]);
        let changes = [
            modified("a.py", &[(1, 2, 1, 0)]),
            FileChange {
                old_path: Some("b.py".into()),
                new_path: None,
                kind: ChangeKind::Deleted,
                hunks: vec![Hunk {
                    old_start: 1,
                    old_len: 2,
                    new_start: 1,
                    new_len: 0,
                }],
            },
        ];
        let c = compare(&base, &head, &changes);
        let v = evaluate(&c, &ALL);
        let [GateFailure::Project { base, head, .. }] = v.failures.as_slice() else {
            panic!("{v:?}");
        };
        assert_eq!(
            (Some(*base), Some(*head)),
            (
                c.base.coverage().map(as_shown),
                c.head.coverage().map(as_shown)
            )
        );
    }

    #[test]
    fn editing_covered_and_uncovered_lines_is_judged_on_the_totals_shown() {
        // Issue 12.11: 60% → 80% printed, yet the gate said the project dropped, because it
        // counted the two replaced (missed) lines back into the head beside their new lines.
        let base = report(&[("a.py", &[1, 1, 1, 0, 0])]);
        let head = report(&[("a.py", &[1, 1, 1, 1, 0])]);
        let c = compare(&base, &head, &[modified("a.py", &[(4, 2, 4, 2)])]);
        assert_eq!(
            (c.base.coverage(), c.head.coverage()),
            (Some(60.0), Some(80.0))
        );
        let project = Gates {
            project_threshold: Some(0.0),
            ..Gates::default()
        };
        assert!(evaluate(&c, &project).passed());
        // The other way round (80% → 60%) fails with those figures.
        let c = compare(&head, &base, &[modified("a.py", &[(4, 2, 4, 2)])]);
        let v = evaluate(&c, &project);
        assert_eq!(
            v.failures,
            [GateFailure::Project {
                base: 80.0,
                head: 60.0,
                drop: 20.0,
                threshold: 0.0
            }]
        );
    }

    #[test]
    fn the_project_gate_judges_the_totals_rounded_as_printed() {
        // 19,000 of 20,000 lines hit, then one more missed line: 95.00% → 94.9952...%, which
        // prints as 95.00% and must not fail "dropped 0.00 points" at threshold 0.
        let mut hits = vec![1; 19_000];
        hits.extend([0; 1_000]);
        let base = report(&[("a.py", &hits)]);
        hits.push(0);
        let head = report(&[("a.py", &hits)]);
        let c = compare(&base, &head, &[modified("a.py", &[(20_000, 0, 20_001, 1)])]);
        let project = Gates {
            project_threshold: Some(0.0),
            ..Gates::default()
        };
        assert!(c.base.coverage() > c.head.coverage());
        assert_eq!(evaluate(&c, &project), Verdict::default());
        // A drop that shows as 0.01 points still fails, with the printed figures.
        hits.extend([0; 2]);
        let head = report(&[("a.py", &hits)]);
        let c = compare(&base, &head, &[modified("a.py", &[(20_000, 0, 20_001, 3)])]);
        let v = evaluate(&c, &project);
        let [GateFailure::Project { base, head, .. }] = v.failures.as_slice() else {
            panic!("{v:?}");
        };
        assert_eq!((*base, *head), (95.0, 94.99));
    }

    #[test]
    fn replacing_covered_lines_by_uncovered_ones_drops_the_project() {
        let base = report(&[("a.py", &[1, 1, 0, 0])]);
        let head = report(&[("a.py", &[0, 0, 0, 0])]);
        let c = compare(&base, &head, &[modified("a.py", &[(1, 2, 1, 2)])]);
        let gates = Gates {
            project_threshold: Some(10.0),
            ..Gates::default()
        };
        let v = evaluate(&c, &gates);
        let [
            GateFailure::Project {
                base, head, drop, ..
            },
        ] = v.failures.as_slice()
        else {
            panic!("{v:?}");
        };
        assert_eq!((*base, *head, *drop), (50.0, 0.0, 50.0));
    }

    #[test]
    fn lost_coverage_on_surviving_lines_fails_project_and_lost_gates() {
        let base = report(&[("a.py", &[1, 1, 1, 1]), ("b.py", &[1])]);
        let head = report(&[("a.py", &[1, 0, 0, 1]), ("b.py", &[0])]);
        let c = compare(&base, &head, &[]);
        let v = evaluate(
            &c,
            &Gates {
                patch_target: None,
                project_threshold: Some(60.0),
                fail_on_lost: true,
            },
        );
        assert_eq!(
            v.failures,
            [GateFailure::Lost {
                lines: 3,
                first: Some(("a.py".into(), 2))
            }]
        );
        let v = evaluate(
            &c,
            &Gates {
                project_threshold: Some(59.0),
                ..Gates::default()
            },
        );
        let [
            GateFailure::Project {
                base,
                head,
                drop,
                threshold,
            },
        ] = v.failures.as_slice()
        else {
            panic!("{v:?}");
        };
        assert_eq!((*base, *head, *drop, *threshold), (100.0, 40.0, 60.0, 59.0));
        assert!(
            evaluate(
                &c,
                &Gates {
                    project_threshold: Some(60.0),
                    ..Gates::default()
                }
            )
            .passed()
        );
    }

    #[test]
    fn gates_switched_off_never_fail() {
        let base = report(&[("a.py", &[1, 1])]);
        let head = report(&[("a.py", &[0, 0, 0])]);
        let c = compare(&base, &head, &[modified("a.py", &[(3, 0, 3, 1)])]);
        assert!(evaluate(&c, &Gates::default()).passed());
        assert_eq!(evaluate(&c, &ALL).failures.len(), 3);
    }
}
