//! `[components.NAME]` gates for `covgit check` (SPEC "Flags"): each component's own keys
//! turned into gates over its figures. A key a component leaves out is no gate; the command
//! line's gate options replace `[check]` only, never a component's keys.

use crate::compare::Comparison;
use crate::compare::gate::{self, GateFailure, Gates};
use crate::config::{Config, PatchTarget};

/// Every failed component gate of `c`, components by name, gates in `[check]`'s order.
pub(super) fn failures(config: &Config, c: &Comparison) -> Vec<GateFailure> {
    config
        .components
        .iter()
        .filter_map(|k| Some((k, c.components.iter().find(|f| f.name == k.name)?)))
        .flat_map(|(k, fig)| {
            let gates = Gates {
                // `auto` is the component's own base coverage, as the project's is its total.
                patch_target: k.patch_target.and_then(|t| match t {
                    PatchTarget::Percent(p) => Some(p),
                    PatchTarget::Auto => fig.base.coverage(),
                }),
                project_threshold: k.project_threshold,
                fail_on_lost: k.fail_on_lost.unwrap_or(false),
            };
            gate::components::evaluate(fig, &gates)
        })
        .collect()
}
