//! `covgit hook install|uninstall` and what the installed pre-push hook runs: `covgit
//! check` of the working tree (with the latest local report) against the merge-base of the
//! pushed commit and the remote's default branch.

use std::path::{Path, PathBuf};

use tracing::{info, instrument};

use crate::config::Config;
use crate::git::{HookInstalled, HookRemoved};
use crate::model::{CommitId, SkipReason, Skipped, count};
use crate::select::SelectError;

use super::carry::Inherit;
use super::comparing::{CheckOptions, CheckOutcome, CompareOptions, judge};
use super::stores::{unpulled_coverage, usability};
use super::worktree::compare_worktree;
use super::{Error, Workspace};

/// Writes covgit's block into the pre-push hook. The hook runs `covgit` from git's `PATH`,
/// else `exe` (the installing binary's absolute path, for a `PATH` without covgit).
pub fn hook_install(ws: &Workspace, exe: &Path) -> Result<HookInstalled, Error> {
    Ok(ws
        .repo
        .install_pre_push(&shell_quote(&exe.to_string_lossy()))?)
}

/// Removes covgit's block from the pre-push hook (the whole file when covgit wrote it).
pub fn hook_uninstall(ws: &Workspace) -> Result<HookRemoved, Error> {
    Ok(ws.repo.uninstall_pre_push()?)
}

/// `'...'` with inner quotes escaped, for a POSIX shell.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// One line of a pre-push hook's stdin: `<local ref> <local sha> <remote ref> <remote sha>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedRef {
    /// The local ref pushed (`refs/heads/topic`).
    pub local_ref: String,
    /// Its commit id as git passed it (all zeros for a deletion).
    pub local: String,
    /// The remote ref it updates.
    pub remote_ref: String,
}

impl PushedRef {
    /// Parses the hook's stdin; lines that are not four words are skipped.
    pub fn parse_all(stdin: &str) -> Vec<PushedRef> {
        stdin
            .lines()
            .filter_map(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                match w.as_slice() {
                    [local_ref, local, remote_ref, _] => Some(PushedRef {
                        local_ref: (*local_ref).to_owned(),
                        local: (*local).to_owned(),
                        remote_ref: (*remote_ref).to_owned(),
                    }),
                    _ => None,
                }
            })
            .collect()
    }
}

/// What [`pre_push`] checks.
pub struct PrePushOptions {
    /// The remote's name as git passes it (may be a URL).
    pub remote: Option<String>,
    /// What is pushed; empty means HEAD (a run by hand or by the pre-commit framework).
    pub refs: Vec<PushedRef>,
    /// The folder to discover reports in.
    pub cwd: PathBuf,
}

/// What the hook did for one pushed ref.
pub enum PrePushResult {
    /// The pushed ref was checked.
    Checked {
        /// The local ref pushed.
        local_ref: String,
        /// The branch the push was measured against and its merge-base with the push.
        against: String,
        /// The commit the comparison took as base.
        merge_base: CommitId,
        /// The check's result.
        outcome: Box<CheckOutcome>,
    },
    /// The pushed ref was not checked.
    Skipped {
        /// The local ref pushed.
        local_ref: String,
        /// Why, in one sentence.
        reason: String,
    },
}

/// The pre-push hook: for each pushed ref, [`check`](super::check()) of the working tree against its
/// merge-base with the remote's default branch (the local one when the remote names none).
#[instrument(skip_all, fields(remote = opts.remote.as_deref()))]
pub fn pre_push(
    ws: &Workspace,
    config: &Config,
    opts: &PrePushOptions,
) -> Result<Vec<PrePushResult>, Error> {
    let repo = &ws.repo;
    let head = repo.resolve("HEAD")?;
    let refs = if opts.refs.is_empty() {
        vec![PushedRef {
            local_ref: "HEAD".to_owned(),
            local: head.as_str().to_owned(),
            remote_ref: String::new(),
        }]
    } else {
        opts.refs.clone()
    };
    let against = match opts.remote.as_deref() {
        Some(r) => repo.remote_default_branch(r)?,
        None => None,
    };
    let against = match against {
        Some(b) => b,
        None => repo.default_branch()?,
    };
    let target = repo.resolve(&against)?;

    let mut out = Vec::new();
    let mut done: Vec<CommitId> = Vec::new();
    for r in refs {
        if r.local.bytes().all(|b| b == b'0') {
            out.push(PrePushResult::Skipped {
                local_ref: r.remote_ref,
                reason: "a deletion".to_owned(),
            });
            continue;
        }
        let local = repo.resolve(&r.local)?;
        if local != head {
            out.push(PrePushResult::Skipped {
                reason: format!(
                    "it is at {}, not at HEAD ({}): the working tree's report does not describe it",
                    local.short(),
                    head.short()
                ),
                local_ref: r.local_ref,
            });
            continue;
        }
        let merge_base = repo.merge_base(&target, &local)?;
        if done.contains(&merge_base) {
            continue;
        }
        done.push(merge_base.clone());
        info!(%merge_base, against = %against, "checking the push");
        // `covgit check --worktree --base <merge-base>`, the gates from the config.
        let check = CheckOptions {
            compare: CompareOptions {
                worktree: true,
                base: Some(merge_base.as_str().to_owned()),
                cwd: Some(opts.cwd.clone()),
                ..CompareOptions::default()
            },
            patch_target: None,
            project_threshold: None,
            fail_on_lost: false,
        };
        let checked = compare_worktree(ws, config, &check.compare)
            .map(|compared| judge(config, &check, compared));
        let skipped = match &checked {
            Err(Error::NoDatabase { .. }) => Some(Vec::new()),
            Err(Error::Select(SelectError::NoUsableBase { skipped, .. })) => Some(skipped.clone()),
            _ => None,
        };
        if let Some(skipped) = skipped {
            let reason = no_base_reason(
                ws,
                config,
                opts.remote.as_deref(),
                &against,
                &merge_base,
                &skipped,
            );
            out.push(PrePushResult::Skipped {
                local_ref: r.local_ref,
                reason,
            });
            continue;
        }
        let outcome = checked?;
        out.push(PrePushResult::Checked {
            local_ref: r.local_ref,
            against: against.clone(),
            merge_base,
            outcome: Box::new(outcome),
        });
    }
    Ok(out)
}

/// How far past `max_depth` the hook looks for coverage, only to say how deep it lies.
const HINT_WALK: usize = 1000;

/// Why the push's base has no usable coverage, with the hint that fits (SPEC "Parent
/// selection" reasons): coverage shared on the remote but not pulled here → `covgit pull`;
/// coverage further back than `max_depth` → raise it; CI failed or still running → say so;
/// nothing anywhere near → record it, or pull what CI shares. `skipped` is the walk that
/// found nothing (empty when there is no store at all).
fn no_base_reason(
    ws: &Workspace,
    config: &Config,
    remote: Option<&str>,
    against: &str,
    base: &CommitId,
    skipped: &[Skipped],
) -> String {
    let what = format!(
        "no coverage for the base {} (the merge-base with {against})",
        base.short()
    );
    if let Some(remote) = remote
        && unpulled_coverage(ws, remote)
    {
        return format!(
            "{what} here, and '{remote}' shares coverage that is not pulled yet; run `covgit pull {remote}` and push again"
        );
    }
    let walked = match skipped.len() {
        0 | 1 => String::new(),
        n => format!(
            " or its {}",
            count(n as u64 - 1, "nearest ancestor", "nearest ancestors")
        ),
    };
    if let Some(last) = skipped.last()
        && let Some(depth) = nearest_beyond(ws, config, &last.commit)
    {
        let depth = depth + skipped.len() - 1;
        return format!(
            "{what}{walked}: the nearest usable coverage is {depth} commits back, beyond max_depth ({}); set max_depth = {depth} in [compare] of .covgit.toml",
            config.compare.max_depth
        );
    }
    let failed: Vec<&Skipped> = skipped
        .iter()
        .filter(|s| s.reason == SkipReason::CiFailed)
        .collect();
    if let Some(first) = failed.first() {
        let more = match failed.len() - 1 {
            0 => String::new(),
            n => format!(" and {}", count(n as u64, "more commit", "more commits")),
        };
        return format!(
            "{what}{walked}: CI failed on {}{more}, and a failed run's coverage is not used; fix CI on {against}, or `covgit mark {} --ci-status passed` if the failure did not touch coverage",
            first.commit.short(),
            first.commit.short()
        );
    }
    if let Some(first) = skipped.iter().find(|s| s.reason == SkipReason::CiPending) {
        return format!(
            "{what}{walked}: CI has not finished on {}; push again once it has passed and its coverage is recorded",
            first.commit.short()
        );
    }
    if let Some(first) = skipped.iter().find(|s| s.reason == SkipReason::Incomplete) {
        return format!(
            "{what}{walked}: {} lacks uploads of flags [flags] expected lists; push again once every CI job has recorded its coverage",
            first.commit.short()
        );
    }
    format!(
        "{what}{walked}: nothing near it was recorded here; record coverage on {against} (`covgit record` after the tests), or `covgit pull` it if CI shares coverage"
    )
}

/// How many first-parent steps after `from` the nearest usable commit lies, looking at most
/// [`HINT_WALK`] commits further; `None` when there is none that near.
fn nearest_beyond(ws: &Workspace, config: &Config, from: &CommitId) -> Option<usize> {
    let store = ws.store_for_read().ok()?;
    let inherit = Inherit {
        repo: &ws.repo,
        flags: &config.flags.carryforward,
        max_depth: config.compare.max_depth,
    };
    let mut current = from.clone();
    for depth in 1..=HINT_WALK {
        current = ws.repo.first_parent(&current).ok()??;
        if usability(&store, &current, None, &config.flags.expected, &inherit).is_none() {
            return Some(depth);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushed_refs_are_read_from_the_hook_stdin() {
        let refs = PushedRef::parse_all(
            "refs/heads/f 1111111111111111111111111111111111111111 refs/heads/f 0000000000000000000000000000000000000000\n\nbad line\n",
        );
        assert_eq!(
            refs,
            [PushedRef {
                local_ref: "refs/heads/f".to_owned(),
                local: "1".repeat(40),
                remote_ref: "refs/heads/f".to_owned(),
            }]
        );
    }

    #[test]
    fn paths_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("/opt/covgit"), "'/opt/covgit'");
        assert_eq!(shell_quote("/it's/covgit"), r"'/it'\''s/covgit'");
    }
}
