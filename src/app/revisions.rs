//! Revisions as the user types them: ranges (`A..B`, `A...B`), the head and requested base
//! a command line names (SPEC "Choosing what to compare"), merge-bases named as typed, and
//! first-parent history for parent selection.

use tracing::warn;

use crate::git::{GitError, Repo};
use crate::model::CommitId;
use crate::select::{History, View};

use super::Error;

impl History for Repo {
    type Error = GitError;
    fn first_parent(&self, c: &CommitId) -> Result<Option<CommitId>, Self::Error> {
        Repo::first_parent(self, c)
    }
}

/// The revisions a command line names for `compare` and `check`.
#[derive(Clone, Copy)]
pub(super) struct Named<'a> {
    /// `A..B` or a single revision; `None` is `<default branch>..HEAD`.
    pub target: Option<&'a str>,
    /// `--base`.
    pub base: Option<&'a str>,
    /// `--head`.
    pub head: Option<&'a str>,
    /// The head's coverage is new (`--head-report` or the working tree), so comparing HEAD
    /// with itself still says something.
    pub new_coverage: bool,
}

/// Head, requested base and view from the command line (SPEC "Choosing what to compare"):
/// `--head`/`--base` name a side outright; otherwise the range's B and merge-base, the
/// revision and its first parent, or HEAD and its merge-base with the default branch. Every
/// revision given is resolved, so an unknown one is an error even where a flag overrides it.
pub(super) fn pick_sides(
    repo: &Repo,
    opts: Named<'_>,
) -> Result<(CommitId, CommitId, View), Error> {
    let explicit_head = opts.head.map(|h| repo.resolve(h)).transpose()?;
    let explicit_base = opts.base.map(|b| repo.resolve(b)).transpose()?;
    // The range's sides as typed, kept to name them if they share no history.
    let mut typed = ("", "HEAD");
    let range = match opts.target {
        Some(t) if t.contains("..") => {
            let (a, b) = split_range(t)?;
            typed = (a, b);
            Some((repo.resolve(a)?, repo.resolve(b)?))
        }
        _ => None,
    };
    let head_typed = opts.head.unwrap_or(typed.1);
    let rev = match (&range, opts.target) {
        (None, Some(rev)) => Some(repo.resolve(rev)?),
        _ => None,
    };
    let head = match (explicit_head, &range, &rev) {
        (Some(h), _, _) => h,
        (None, Some((_, b)), _) => b.clone(),
        (None, None, Some(rev)) => rev.clone(),
        (None, None, None) => repo.resolve("HEAD")?,
    };
    let view = if rev.is_some() {
        View::Commit
    } else {
        View::Range
    };
    let requested = match (explicit_base, &range, &rev) {
        (Some(b), _, _) => b,
        (None, Some((a, _)), _) => merge_base_named(repo, (typed.0, a), (head_typed, &head))?,
        (None, None, Some(_)) => repo.first_parent(&head)?.ok_or_else(|| Error::NoParent {
            commit: head.clone(),
        })?,
        (None, None, None) => {
            let branch = repo.default_branch()?;
            let target = repo.resolve(&branch)?;
            let base = merge_base_named(repo, (&branch, &target), (head_typed, &head))?;
            if base == head && opts.head.is_none() && !opts.new_coverage {
                // Issue 12.16: on the default branch this compares HEAD with itself, which
                // shows nothing; say so rather than print an empty comparison silently. With
                // `--head-report` (or `--worktree`) the head is new coverage: nothing to say.
                warn!(
                    "HEAD ({}) is on the default branch {branch}, so `{branch}..HEAD` compares it with itself; run `covgit compare HEAD` to compare the last commit with its parent",
                    head.short()
                );
            }
            base
        }
    };
    Ok((head, requested, view))
}

/// The merge-base of two revisions; with none, the error names them as the user typed them,
/// beside their short SHAs (issue 12.15).
pub(super) fn merge_base_named(
    repo: &Repo,
    (a_typed, a): (&str, &CommitId),
    (b_typed, b): (&str, &CommitId),
) -> Result<CommitId, Error> {
    repo.merge_base(a, b).map_err(|e| match e {
        GitError::NoMergeBase { shallow, .. } => GitError::NoMergeBase {
            a: format!("'{a_typed}' ({})", a.short()),
            b: format!("'{b_typed}' ({})", b.short()),
            shallow,
        }
        .into(),
        other => other.into(),
    })
}

/// `A..B` or `A...B` (SPEC: the same range, the base being the merge-base either way) as
/// `(A, B)`, an empty side being HEAD, as git reads it.
pub(super) fn split_range(r: &str) -> Result<(&str, &str), Error> {
    let split = r.split_once("...").or_else(|| r.split_once(".."));
    match split {
        Some((a, b)) if !a.contains("..") && !b.starts_with('.') && !b.contains("..") => {
            let a = if a.is_empty() { "HEAD" } else { a };
            let b = if b.is_empty() { "HEAD" } else { b };
            Ok((a, b))
        }
        _ => Err(Error::BadRange(r.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::split_range;

    #[test]
    fn three_dots_mean_the_same_range_as_two() {
        // Issue 12.17: `compare main...HEAD` was refused.
        for (r, want) in [
            ("main..HEAD", ("main", "HEAD")),
            ("main...HEAD", ("main", "HEAD")),
            ("main...", ("main", "HEAD")),
            ("...topic", ("HEAD", "topic")),
            ("..topic", ("HEAD", "topic")),
        ] {
            assert_eq!(split_range(r).unwrap(), want, "{r}");
        }
        for bad in ["a....b", "a..b..c", "a...b...c", "a..b...c", "..a...b"] {
            assert_eq!(
                split_range(bad).unwrap_err().to_string(),
                format!("'{bad}' is not a revision range: expected A..B or A...B"),
            );
        }
    }
}
