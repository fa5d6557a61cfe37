//! What `covgit hook` says on stderr: what install and uninstall did to the pre-push hook,
//! and, from the hook itself, the check of each pushed ref.

use std::io::{self, Write};
use std::path::Path;

use super::check;
use super::note;
use crate::compare::Comparison;
use crate::compare::gate::Verdict;
use crate::model::CommitId;

/// `created the pre-push hook 'PATH'`.
pub fn created(out: &mut dyn Write, path: &Path) -> io::Result<()> {
    note::line(
        out,
        &format!("created the pre-push hook '{}'", path.display()),
    )
}

/// `added covgit to the existing pre-push hook 'PATH'`.
pub fn added(out: &mut dyn Write, path: &Path) -> io::Result<()> {
    note::line(
        out,
        &format!(
            "added covgit to the existing pre-push hook '{}'",
            path.display()
        ),
    )
}

/// `updated covgit's lines in the pre-push hook 'PATH'`.
pub fn updated(out: &mut dyn Write, path: &Path) -> io::Result<()> {
    note::line(
        out,
        &format!(
            "updated covgit's lines in the pre-push hook '{}'",
            path.display()
        ),
    )
}

/// git runs a hook only when it is executable; covgit leaves the mode to the user, who may
/// have switched the hook off on purpose, and says how to turn it on.
pub fn not_executable(out: &mut dyn Write, path: &Path) -> io::Result<()> {
    note::line(
        out,
        &format!(
            "warning: '{}' is not executable, so git does not run it (nor the check); `chmod +x '{}'` turns it on",
            path.display(),
            path.display()
        ),
    )
}

/// `deleted the pre-push hook 'PATH'`.
pub fn deleted(out: &mut dyn Write, path: &Path) -> io::Result<()> {
    note::line(
        out,
        &format!("deleted the pre-push hook '{}'", path.display()),
    )
}

/// `removed covgit's lines from the pre-push hook 'PATH'`.
pub fn removed(out: &mut dyn Write, path: &Path) -> io::Result<()> {
    note::line(
        out,
        &format!(
            "removed covgit's lines from the pre-push hook '{}'",
            path.display()
        ),
    )
}

/// `covgit is not in the pre-push hook 'PATH'; nothing to do`.
pub fn not_installed(out: &mut dyn Write, path: &Path) -> io::Result<()> {
    note::line(
        out,
        &format!(
            "covgit is not in the pre-push hook '{}'; nothing to do",
            path.display()
        ),
    )
}

/// The hook could not check anything (`why` is the error's sentence); the push goes on.
pub fn not_checked(out: &mut dyn Write, why: &str) -> io::Result<()> {
    note::line(out, &format!("covgit: coverage not checked: {why}"))
}

/// One pushed ref was not checked, and why.
pub fn skipped(out: &mut dyn Write, local_ref: &str, reason: &str) -> io::Result<()> {
    note::line(out, &format!("covgit: {local_ref} not checked: {reason}"))
}

/// One pushed ref checked: the working tree against the merge-base `base` of the push and
/// the branch `against`.
#[derive(Debug, Clone, Copy)]
pub struct RefChecked<'a> {
    /// The local ref being pushed (`refs/heads/topic`).
    pub local_ref: &'a str,
    /// The branch the push was compared against.
    pub against: &'a str,
    /// The merge-base of the push with `against`.
    pub base: &'a CommitId,
    /// The working tree against `base`.
    pub comparison: &'a Comparison,
    /// The gates that failed, if any.
    pub verdict: &'a Verdict,
}

/// The verdict for one pushed ref: one line when it passed (unless `quiet`), else the
/// failed line and one per failed gate.
pub fn checked(out: &mut dyn Write, r: &RefChecked<'_>, quiet: bool) -> io::Result<()> {
    let what = format!(
        "{} (working tree against {} on {})",
        r.local_ref,
        r.base.short(),
        r.against
    );
    let summary = check::summary(r.comparison);
    if r.verdict.passed() {
        if quiet {
            return Ok(());
        }
        note::line(out, &format!("covgit: check passed for {what}: {summary}"))
    } else {
        note::line(out, &format!("covgit: check failed for {what}: {summary}"))?;
        check::failures(out, "covgit: ", r.verdict)
    }
}

/// A gate failed for some ref: the push stops.
pub fn push_stopped(out: &mut dyn Write) -> io::Result<()> {
    note::line(
        out,
        "covgit: push stopped; fix the coverage, or push with --no-verify to skip the check",
    )
}
