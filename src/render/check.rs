//! What `covgit check` and the pre-push hook say on stderr: the verdict, each failed gate
//! with its figures, and a one-line summary of the comparison.

use std::io::{self, Write};

use super::figures::percent;
use super::note;
use crate::compare::Comparison;
use crate::compare::gate::Verdict;
use crate::model::count;

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

/// `check passed: <summary>`.
pub fn passed(out: &mut dyn Write, c: &Comparison) -> io::Result<()> {
    note::line(out, &format!("check passed: {}", summary(c)))
}

/// One `check failed: <gate>: <why>` line per failed gate, each after `prefix`.
pub fn failures(out: &mut dyn Write, prefix: &str, v: &Verdict) -> io::Result<()> {
    for f in &v.failures {
        note::line(out, &format!("{prefix}check failed: {}: {f}", f.gate()))?;
    }
    Ok(())
}

/// `(<summary>)`, after the failed gates.
pub fn summary_after_failures(out: &mut dyn Write, c: &Comparison) -> io::Result<()> {
    note::line(out, &format!("({})", summary(c)))
}
