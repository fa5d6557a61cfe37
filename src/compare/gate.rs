//! `covgit check`: the comparison as a gate (SPEC "[check]" configuration and flags).
//!
//! Pure: takes a [`Comparison`] and resolved targets, returns every failed gate with its
//! figures. Deleting covered code alone never fails a gate: `removed` lines are never `lost`,
//! and the project gate measures the drop against the base lines that still exist (see
//! [`evaluate`]).

use std::fmt;

use crate::model::{LineNo, LineState};

use super::{Comparison, LineKind};

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
    pub failures: Vec<GateFailure>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// One failed gate with the figures that failed it.
#[derive(Debug, Clone, PartialEq)]
pub enum GateFailure {
    /// Patch coverage below the target; `lines` added lines are tracked, `covered` of them ran.
    Patch {
        coverage: f64,
        target: f64,
        lines: u64,
        covered: u64,
    },
    /// Project coverage fell by more than the threshold. `base` is the coverage of the base
    /// lines that still exist in the head (see [`evaluate`]).
    Project {
        base: f64,
        head: f64,
        drop: f64,
        threshold: f64,
    },
    /// `lines` lines lost coverage; `first` is the first one by path and head line.
    Lost {
        lines: u64,
        first: Option<(String, LineNo)>,
    },
}

impl fmt::Display for GateFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Patch {
                coverage,
                target,
                lines,
                covered,
            } => write!(
                f,
                "patch coverage is {coverage:.2}% ({covered} of {lines} added lines covered), below the target of {target:.2}%"
            ),
            Self::Project {
                base,
                head,
                drop,
                threshold,
            } => write!(
                f,
                "project coverage dropped {drop:.2} points, from {base:.2}% (base lines still present) to {head:.2}%, more than the {threshold:.2} allowed"
            ),
            Self::Lost { lines, first } => {
                write!(f, "{lines} line(s) lost coverage")?;
                if let Some((path, line)) = first {
                    write!(f, ", first at {path}:{line}")?;
                }
                Ok(())
            }
        }
    }
}

/// A float slack so that a figure equal to its target on paper (e.g. `auto` patch target
/// computed from other counts of the same ratio) never fails by rounding.
const EPSILON: f64 = 1e-9;

/// Checks `c` against `gates`.
///
/// - Patch: passes when no added line is tracked (nothing to measure).
/// - Project: the drop is `base' - head`, where `base'` is the base coverage without the
///   `removed` lines (the base lines the head no longer has). Taking the plain base total
///   would fail a change that only deletes well-covered code - the remaining code is exactly
///   as covered as before, yet the total falls. With `base'`, pure deletion gives a drop of
///   0, while replacing covered lines by uncovered ones (or losing coverage on lines still
///   there) still shows as a drop. Nothing tracked on either side: the gate passes.
/// - Lost: counts `lost` lines only; `removed` lines are never lost.
pub fn evaluate(c: &Comparison, gates: &Gates) -> Verdict {
    let mut failures = Vec::new();
    if let (Some(target), Some(coverage)) = (gates.patch_target, c.patch.coverage()) {
        if coverage + EPSILON < target {
            failures.push(GateFailure::Patch {
                coverage,
                target,
                lines: c.patch.lines,
                covered: c.patch.hit + c.patch.partial,
            });
        }
    }
    if let Some(threshold) = gates.project_threshold {
        if let (Some(base), Some(head)) = (surviving_base_coverage(c), c.head.coverage()) {
            let drop = base - head;
            if drop > threshold + EPSILON {
                failures.push(GateFailure::Project {
                    base,
                    head,
                    drop,
                    threshold,
                });
            }
        }
    }
    if gates.fail_on_lost {
        let mut lost = c.lines.iter().filter(|r| r.kind == LineKind::Lost);
        if let Some(first) = lost.next() {
            let lines = std::iter::once(first)
                .chain(lost)
                .map(|r| u64::from(r.end - r.start) + 1)
                .sum();
            failures.push(GateFailure::Lost {
                lines,
                first: Some((first.path.clone(), first.start)),
            });
        }
    }
    Verdict { failures }
}

/// Coverage of the base's lines minus the `removed` ones; `None` when none is left.
fn surviving_base_coverage(c: &Comparison) -> Option<f64> {
    let (mut lines, mut covered) = (c.base.lines, c.base.hit + c.base.partial);
    for r in c.lines.iter().filter(|r| r.kind == LineKind::Removed) {
        let n = u64::from(r.end - r.start) + 1;
        lines = lines.saturating_sub(n);
        if matches!(r.from, Some(LineState::Hit | LineState::Partial)) {
            covered = covered.saturating_sub(n);
        }
    }
    (lines > 0).then(|| covered as f64 / lines as f64 * 100.0)
}
