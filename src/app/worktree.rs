//! `covgit compare --worktree` (and `check --worktree`): the head is a snapshot commit of
//! the working tree, kept in memory, with the coverage report just produced.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tracing::{instrument, warn};

use crate::compare::WorktreeChanges;
use crate::config::Config;
use crate::git::{ChangeSource, WorktreeSnapshot};
use crate::model::Report;
use crate::select::View;

use super::compare::{
    BaseRequest, CompareOptions, CompareOutcome, HeadData, compare_with, read_head_report,
};
use super::record::DISCOVERED;
use super::{Error, Workspace};

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
    let report = read_head_report(
        ws,
        &repo,
        config,
        &snapshot.commit,
        &report_path,
        opts.input_format,
    )?;
    warn_if_stale(&report_path, &snapshot, &report);

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
    let mut outcome = compare_with(
        &repo,
        &store,
        config,
        opts,
        (snapshot.commit.clone(), HeadData::File(report)),
        base,
    )?;
    outcome.sides.head = None;
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

/// Where a working tree's report is looked for: the folder covgit runs in, then the work
/// tree root.
pub(super) fn report_dirs(ws: &Workspace, cwd: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = cwd.map(Path::to_owned).into_iter().collect();
    if let Some(root) = ws.root()
        && !dirs.iter().any(|d| same_dir(d, &root))
    {
        dirs.push(root);
    }
    dirs
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The most recently written of `record`'s usual report files in `dirs`: "the report just
/// produced", when a project leaves several behind.
pub(super) fn discover_newest(dirs: &[PathBuf]) -> Result<PathBuf, Error> {
    let mut best: Option<(SystemTime, PathBuf)> = None;
    for dir in dirs {
        for name in DISCOVERED {
            let path = dir.join(name);
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let time = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if best.as_ref().is_none_or(|(t, _)| time > *t) {
                best = Some((time, path));
            }
        }
    }
    best.map(|(_, p)| p).ok_or_else(|| Error::NoReportFound {
        dir: dirs.first().cloned().unwrap_or_default(),
        looked: DISCOVERED.join(", "),
    })
}

/// Warns when a file the report covers changed on disk after the report was written: its
/// coverage then describes older code.
fn warn_if_stale(report_path: &Path, snapshot: &WorktreeSnapshot, report: &Report) {
    let Ok(written) = std::fs::metadata(report_path).and_then(|m| m.modified()) else {
        return;
    };
    let newest = snapshot
        .changes
        .iter()
        .filter(|c| report.files.contains_key(&c.path))
        .filter_map(|c| Some((c.modified?, c.path.as_str())))
        .max();
    if let Some((changed, path)) = newest
        && changed > written
    {
        let secs = changed.duration_since(written).map_or(0, |d| d.as_secs());
        warn!(
            "'{}' is older than the change to {path} ({secs}s newer): its coverage may describe code that has since changed; rerun the tests to refresh it",
            report_path.display()
        );
    }
}
