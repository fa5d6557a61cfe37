//! The working tree as a head, for `compare --worktree`, `check --worktree` and the
//! pre-push hook: a snapshot commit of it, kept in memory, with the coverage report just
//! produced (and a warning when that report is older than the code); and the snapshot's
//! date and changes, which `baseline save` records too.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use tracing::{instrument, warn};

use crate::compare::WorktreeChanges;
use crate::config::Config;
use crate::git::{ChangeSource, Repo, WorktreeSnapshot};
use crate::model::{CommitId, Report};
use crate::select::View;

use super::comparing::{BaseRequest, CompareOptions, CompareOutcome, HeadData, compare_with};
use super::input::{Against, Check, discover_newest, read_checked, report_dirs};
use super::{Error, Workspace};

/// The working tree (its snapshot, with the newest report or `--head-report`) compared with
/// its base: HEAD or `--base` through parent selection in the commit view, or a named
/// baseline used as it is.
#[instrument(skip_all, fields(baseline = opts.baseline.as_deref()))]
pub(super) fn compare_worktree(
    ws: &Workspace,
    config: &Config,
    opts: &CompareOptions,
) -> Result<CompareOutcome, Error> {
    // The snapshot's objects stay in this handle's memory: comparing leaves nothing behind.
    let repo = ws.repo.in_memory();
    let snapshot = repo.snapshot_worktree("covgit: the working tree", now())?;
    let store = ws.store_for_read()?;
    let report_path = match &opts.head_report {
        Some(p) => p.clone(),
        None => discover_newest(&report_dirs(ws, opts.cwd.as_deref()))?,
    };
    // Checked against the files on disk: a line past a file's end is a report of other code,
    // or one written before the file was cut (SPEC "Does the report belong to this commit?").
    let report = read_checked(
        ws,
        &repo,
        config,
        &snapshot.commit,
        (&report_path, opts.input_format),
        Check {
            against: Against::Worktree,
            force: opts.force,
        },
    )?;
    let base = match &opts.baseline {
        Some(name) => BaseRequest::Fixed(
            repo.baseline(name)?
                .ok_or_else(|| Error::NoBaseline { name: name.clone() })?,
        ),
        None => {
            let requested = match &opts.base {
                Some(b) => repo.resolve(b)?,
                None => snapshot.parent.clone().ok_or(Error::UnbornHead)?,
            };
            BaseRequest::Select {
                requested,
                view: View::Commit,
            }
        }
    };
    let since = match &base {
        BaseRequest::Fixed(c) | BaseRequest::Select { requested: c, .. } => c.clone(),
    };
    warn_if_stale(&repo, &report_path, &snapshot, &since, &report);
    let mut outcome = compare_with(
        &repo,
        &store,
        config,
        opts,
        (snapshot.commit.clone(), HeadData::File(report)),
        base,
    )?;
    outcome.sides.head = None;
    outcome.sides.baseline.clone_from(&opts.baseline);
    outcome.sides.worktree = Some(changes_of(&snapshot));
    outcome.head_report = Some(report_path);
    Ok(outcome)
}

/// Seconds since the epoch, for the snapshot commit's date.
pub(super) fn now() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

pub(super) fn changes_of(snapshot: &WorktreeSnapshot) -> WorktreeChanges {
    WorktreeChanges {
        staged: snapshot.count(ChangeSource::Staged),
        unstaged: snapshot.count(ChangeSource::Unstaged),
        untracked: snapshot.count(ChangeSource::Untracked),
    }
}

/// How many first-parent commits the staleness check looks at, at most, to name the commit
/// of a stale file (or date one that is gone from disk): it stops earlier at the base.
const STALE_WALK: usize = 1000;

/// Warns, in one line, when a file of the patch that the report covers was edited after the
/// report was written (SPEC "Does the report belong to this commit?"). The patch is every
/// file changed from `base` to HEAD plus the working tree's changes; for each, the edit is
/// the file's modification time on disk, whether the change is committed or not: the usual
/// "edit, run the tests, commit" leaves the file older than the report however late the
/// commit, while a checkout or rebase that brought commits after the tests ran rewrites the
/// files and so is caught. A file gone from disk is dated by the commit that changed it.
fn warn_if_stale(
    repo: &Repo,
    report_path: &Path,
    snapshot: &WorktreeSnapshot,
    base: &CommitId,
    report: &Report,
) {
    let Ok(written) = std::fs::metadata(report_path).and_then(|m| m.modified()) else {
        return;
    };
    let covered = |path: &str| report.files.contains_key(path);
    // path -> (when it was last edited, the commit holding that edit; None: the working tree)
    let mut newest: BTreeMap<String, (SystemTime, Option<CommitId>)> = BTreeMap::new();
    let mut uncommitted = std::collections::BTreeSet::new();
    for c in &snapshot.changes {
        uncommitted.insert(c.path.as_str());
        if let Some(t) = c.modified
            && t > written
            && covered(&c.path)
        {
            newest.entry(c.path.clone()).or_insert((t, None));
        }
    }
    // Committed since the base and untouched in the working tree: dated by the file on disk,
    // or by its commit when it is gone (found below).
    let mut gone = Vec::new();
    let mut to_name = Vec::new();
    if let Some(head) = &snapshot.parent
        && let Ok(changes) = repo.diff(base, head)
    {
        let workdir = repo.workdir();
        for path in changes.into_iter().filter_map(|c| c.new_path) {
            if !covered(&path) || uncommitted.contains(path.as_str()) {
                continue;
            }
            let on_disk = workdir
                .as_ref()
                .and_then(|w| std::fs::symlink_metadata(w.join(&path)).ok())
                .and_then(|m| m.modified().ok());
            match on_disk {
                Some(t) if t > written => {
                    to_name.push(path.clone());
                    newest.insert(path, (t, None));
                }
                Some(_) => {}
                None => gone.push(path),
            }
        }
        if !to_name.is_empty() || !gone.is_empty() {
            let last = last_commits(repo, head, base, to_name.iter().chain(&gone));
            for path in &to_name {
                if let (Some(slot), Some((_, commit))) = (newest.get_mut(path), last.get(path)) {
                    slot.1 = Some(commit.clone());
                }
            }
            for path in gone {
                if let Some((time, commit)) = last.get(&path)
                    && *time > written
                {
                    newest.insert(path, (*time, Some(commit.clone())));
                }
            }
        }
    }
    // The change furthest after the report is named; ties by path.
    let Some((path, (changed, commit))) = newest
        .iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| b.0.cmp(a.0)))
    else {
        return;
    };
    let secs = changed.duration_since(written).map_or(0, |d| d.as_secs());
    let place = match commit {
        Some(c) => format!("committed in {}, ", c.short()),
        None => String::new(),
    };
    let more = match newest.len() - 1 {
        0 => String::new(),
        n => format!(
            " and {}",
            crate::model::count(n as u64, "more file", "more files")
        ),
    };
    warn!(
        "'{}' is older than the change to {path} ({place}{secs}s newer){more}: its coverage may describe code that has since changed; rerun the tests to refresh it",
        report_path.display()
    );
}

/// For each of `paths`, the newest first-parent commit from `head` back to `base` (not
/// included) that changed it, with its committer time. The walk stops once every path is
/// found, and after [`STALE_WALK`] commits. Read errors end it quietly: this only feeds a
/// warning.
fn last_commits<'a>(
    repo: &Repo,
    head: &CommitId,
    base: &CommitId,
    paths: impl Iterator<Item = &'a String>,
) -> BTreeMap<String, (SystemTime, CommitId)> {
    let mut wanted: std::collections::BTreeSet<&str> = paths.map(String::as_str).collect();
    let mut out = BTreeMap::new();
    let mut current = head.clone();
    for _ in 0..STALE_WALK {
        if current == *base || wanted.is_empty() {
            break;
        }
        let Ok(secs) = repo.commit_time(&current) else {
            break;
        };
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap_or(0));
        let Ok(Some(parent)) = repo.first_parent(&current) else {
            break;
        };
        let Ok(changes) = repo.diff(&parent, &current) else {
            break;
        };
        for path in changes.into_iter().filter_map(|c| c.new_path) {
            if wanted.remove(path.as_str()) {
                out.insert(path, (time, current.clone()));
            }
        }
        current = parent;
    }
    out
}
