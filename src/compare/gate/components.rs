//! `covgit check` on components (SPEC "Flags"): each component's own gates over its own
//! figures, every failure named `component NAME: gate` so that it reads in the same list as
//! the project's gates, under one verdict.

use super::{Figures, GateFailure, Gates, judge};
use crate::compare::components::ComponentFigures;

/// Checks a component's figures against its own `gates` (a key the component does not set is
/// a gate switched off; the caller turns `"auto"` into the component's base coverage). Each
/// failure is a [`GateFailure::Component`] holding the gate that failed, with the component's
/// figures.
pub fn evaluate(fig: &ComponentFigures, gates: &Gates) -> Vec<GateFailure> {
    judge(
        Figures {
            base: &fig.base,
            head: &fig.head,
            patch: &fig.patch,
            lost: (fig.lost, fig.first_lost.clone()),
        },
        gates,
    )
    .into_iter()
    .map(|failure| GateFailure::Component {
        name: fig.name.clone(),
        failure: Box::new(failure),
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::PatchTotals;
    use crate::model::Totals;

    /// 80% → 50% over 10 lines each, patch 1 of 4, 2 lines lost from `api/a.py:7`.
    fn api() -> ComponentFigures {
        ComponentFigures {
            name: "api".to_owned(),
            base: Totals {
                files: 1,
                lines: 10,
                hit: 8,
                miss: 2,
                ..Totals::default()
            },
            head: Totals {
                files: 1,
                lines: 10,
                hit: 5,
                miss: 5,
                ..Totals::default()
            },
            patch: PatchTotals {
                lines: 4,
                hit: 1,
                partial: 0,
                miss: 3,
            },
            lost: 2,
            first_lost: Some(("api/a.py".to_owned(), 7)),
        }
    }

    #[test]
    fn each_failed_gate_is_named_after_its_component_with_its_figures() {
        let failures = evaluate(
            &api(),
            &Gates {
                patch_target: Some(90.0),
                project_threshold: Some(1.0),
                fail_on_lost: true,
            },
        );
        let shown: Vec<String> = failures.iter().map(|f| f.gate().into_owned()).collect();
        assert_eq!(
            shown,
            [
                "component api: patch_target",
                "component api: project_threshold",
                "component api: fail_on_lost",
            ]
        );
        let GateFailure::Component { name, failure } = &failures[0] else {
            panic!("{failures:?}");
        };
        assert_eq!(name, "api");
        assert!(matches!(
            **failure,
            GateFailure::Patch {
                lines: 4,
                covered: 1,
                ..
            }
        ));
    }

    #[test]
    fn gates_a_component_does_not_set_never_fail() {
        assert!(evaluate(&api(), &Gates::default()).is_empty());
        // Met targets pass: the patch at 25%, a drop of 30 points allowed, nothing lost.
        let mut fig = api();
        fig.lost = 0;
        fig.first_lost = None;
        let gates = Gates {
            patch_target: Some(25.0),
            project_threshold: Some(30.0),
            fail_on_lost: true,
        };
        assert!(evaluate(&fig, &gates).is_empty());
        // A component with no tracked line has nothing to judge.
        let empty = ComponentFigures {
            name: "docs".to_owned(),
            ..ComponentFigures::default()
        };
        assert!(evaluate(&empty, &gates).is_empty());
    }
}
