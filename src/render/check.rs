//! What `covgit check` and the pre-push hook say on stderr: the verdict, each failed gate
//! with its figures, and a one-line summary of the comparison.

use std::io::{self, Write};

use super::figures::percent;
use super::note;
use crate::compare::Comparison;
use crate::compare::gate::{GateFailure, Verdict};
use crate::model::{Flag, count};

/// `total 80.00% → 75.00%, patch 50.00% (1/2 lines)`.
pub fn summary(c: &Comparison) -> String {
    format!(
        "total {} → {}, patch {} ({}/{})",
        percent(c.base.coverage()),
        percent(c.head.coverage()),
        percent(c.patch.coverage()),
        c.patch.hit + c.patch.partial,
        count(c.patch.lines, "line", "lines"),
    )
}

/// The flags named one after another: `e2e, unit`.
fn flag_names(missing: &[Flag]) -> String {
    missing
        .iter()
        .map(Flag::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `incomplete: waiting for uploads of e2e, unit`: why `check` does not judge a head that
/// lacks `[flags] expected` uploads (exit 3).
pub fn incomplete(out: &mut dyn Write, missing: &[Flag]) -> io::Result<()> {
    note::line(
        out,
        &format!("incomplete: waiting for uploads of {}", flag_names(missing)),
    )
}

/// The first line of a comparison whose head lacks `[flags] expected` uploads, without
/// markup: its figures will change once the missing uploads arrive.
pub fn incomplete_warning(missing: &[Flag]) -> String {
    format!(
        "Warning: the head is incomplete, waiting for uploads of {}: these figures will change",
        flag_names(missing)
    )
}

/// `check passed: <summary>`.
pub fn passed(out: &mut dyn Write, c: &Comparison) -> io::Result<()> {
    note::line(out, &format!("check passed: {}", summary(c)))
}

/// One `check failed: <gate>: <why>` line per failed gate, each after `prefix`.
pub fn failures(out: &mut dyn Write, prefix: &str, v: &Verdict) -> io::Result<()> {
    for f in &v.failures {
        note::line(
            out,
            &format!("{prefix}check failed: {}: {}", f.gate(), failure(f)),
        )?;
    }
    Ok(())
}

/// Why a gate failed, with the figures it judged.
pub fn failure(f: &GateFailure) -> String {
    match f {
        GateFailure::Patch {
            coverage,
            target,
            lines,
            covered,
        } => format!(
            "patch coverage is {coverage:.2}% ({covered} of {} covered), below the target of {target:.2}%",
            count(*lines, "added line", "added lines")
        ),
        GateFailure::Project {
            base,
            head,
            drop,
            threshold,
        } => format!(
            "project coverage dropped {drop:.2} points, from {base:.2}% to {head:.2}%, more than the {threshold:.2} allowed"
        ),
        GateFailure::Lost { lines, first } => {
            let at = first
                .as_ref()
                .map(|(path, line)| format!(", first at {path}:{line}"))
                .unwrap_or_default();
            format!("{} lost coverage{at}", count(*lines, "line", "lines"))
        }
        GateFailure::Component { failure: inner, .. } => failure(inner),
    }
}

/// `(<summary>)`, after the failed gates.
pub fn summary_after_failures(out: &mut dyn Write, c: &Comparison) -> io::Result<()> {
    note::line(out, &format!("({})", summary(c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;

    #[test]
    fn an_incomplete_head_is_named_first_in_text_and_markdown_and_by_check() {
        let missing = vec![Flag::new("e2e").unwrap(), Flag::new("unit").unwrap()];
        let mut out = Vec::new();
        incomplete(&mut out, &missing).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "incomplete: waiting for uploads of e2e, unit\n"
        );
        let warning = "Warning: the head is incomplete, waiting for uploads of e2e, unit: these figures will change";
        assert_eq!(incomplete_warning(&missing), warning);
        let mut sides = fixtures::sides();
        let c = fixtures::comparison();
        for (format, first) in [
            (crate::render::CompareFormat::Text, warning.to_owned()),
            (
                crate::render::CompareFormat::Markdown,
                format!("> **{warning}**"),
            ),
        ] {
            let render = |sides: &crate::compare::Sides| {
                let mut out = Vec::new();
                crate::render::compare(
                    &mut out,
                    sides,
                    &c,
                    format,
                    &crate::render::Context::plain(),
                )
                .unwrap();
                String::from_utf8(out).unwrap()
            };
            sides.missing_flags = Vec::new();
            assert!(!render(&sides).contains("incomplete"), "{format}");
            sides.missing_flags = missing.clone();
            assert_eq!(
                render(&sides).lines().next(),
                Some(first.as_str()),
                "{format}"
            );
        }
    }

    #[test]
    fn each_failed_gate_reads_with_the_figures_it_judged() {
        let patch = GateFailure::Patch {
            coverage: 100.0 / 3.0,
            target: 50.0,
            lines: 3,
            covered: 1,
        };
        assert_eq!(
            failure(&patch),
            "patch coverage is 33.33% (1 of 3 added lines covered), below the target of 50.00%"
        );
        let project = GateFailure::Project {
            base: 95.0,
            head: 94.99,
            drop: 95.0 - 94.99,
            threshold: 0.0,
        };
        assert_eq!(
            failure(&project),
            "project coverage dropped 0.01 points, from 95.00% to 94.99%, more than the 0.00 allowed"
        );
        let lost = GateFailure::Lost {
            lines: 3,
            first: Some(("a.py".into(), 2)),
        };
        assert_eq!(failure(&lost), "3 lines lost coverage, first at a.py:2");
        let one = GateFailure::Lost {
            lines: 1,
            first: None,
        };
        assert_eq!(failure(&one), "1 line lost coverage");
        let component = GateFailure::Component {
            name: "api".into(),
            failure: Box::new(patch),
        };
        let mut out = Vec::new();
        failures(
            &mut out,
            "covgit: ",
            &Verdict {
                failures: vec![lost, component],
            },
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "covgit: check failed: fail_on_lost: 3 lines lost coverage, first at a.py:2\n\
             covgit: check failed: component api: patch_target: patch coverage is 33.33% (1 of 3 \
             added lines covered), below the target of 50.00%\n"
        );
    }
}
