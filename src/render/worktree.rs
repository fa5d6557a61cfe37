//! How a working-tree head reads: what it holds beyond HEAD, and the note `compare
//! --worktree` and `check --worktree` write on stderr.

use std::io::{self, Write};
use std::path::Path;

use super::note;
use crate::compare::WorktreeChanges;
use crate::model::count;

/// What a working-tree head holds beyond HEAD: `staged (1 file), unstaged (2 files) and
/// untracked (1 file) changes included`, naming only the kinds present; `no changes beyond
/// HEAD` when there is none.
pub fn changes(c: &WorktreeChanges) -> String {
    let parts: Vec<String> = [
        ("staged", c.staged),
        ("unstaged", c.unstaged),
        ("untracked", c.untracked),
    ]
    .into_iter()
    .filter(|&(_, n)| n > 0)
    .map(|(kind, n)| format!("{kind} ({})", count(n as u64, "file", "files")))
    .collect();
    match parts.as_slice() {
        [] => "no changes beyond HEAD".to_owned(),
        [one] => format!("{one} changes included"),
        [init @ .., last] => format!("{} and {last} changes included", init.join(", ")),
    }
}

/// `working tree: <changes>, coverage from 'REPORT'`.
pub fn head(out: &mut dyn Write, c: &WorktreeChanges, report: Option<&Path>) -> io::Result<()> {
    let report = report
        .map(|p| format!(", coverage from '{}'", p.display()))
        .unwrap_or_default();
    note::line(out, &format!("working tree: {}{report}", changes(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_name_only_the_kinds_present() {
        let c = |staged, unstaged, untracked| {
            changes(&WorktreeChanges {
                staged,
                unstaged,
                untracked,
            })
        };
        assert_eq!(c(0, 0, 0), "no changes beyond HEAD");
        assert_eq!(c(0, 2, 0), "unstaged (2 files) changes included");
        assert_eq!(
            c(1, 0, 3),
            "staged (1 file) and untracked (3 files) changes included"
        );
        assert_eq!(
            c(1, 1, 1),
            "staged (1 file), unstaged (1 file) and untracked (1 file) changes included"
        );
    }
}
