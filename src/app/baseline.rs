//! `covgit baseline save|list|drop`: a working-tree snapshot with its coverage, named by a
//! ref so `compare --worktree --baseline NAME` can compare against it later.

use std::path::PathBuf;

use tracing::{info, instrument};

use crate::config::Config;
use crate::model::{CiStatus, CommitId, Upload};
use crate::parse::InputFormat;
use crate::render::{BaselineInfo, BaselineSaved};

use super::input::{discover_newest, read_resolved, report_dirs};
use super::worktree::{changes_of, now};
use super::{Error, Workspace};

/// The name used when none is given.
pub const DEFAULT_BASELINE: &str = "default";

/// What [`baseline_save`] snapshots and under which name.
pub struct BaselineSaveOptions {
    /// The baseline's name (a valid ref name component); [`DEFAULT_BASELINE`] when none is given.
    pub name: String,
    /// The report; `None` is the newest of the usual files in `cwd` or the work tree root.
    pub report: Option<PathBuf>,
    /// Where to look for the report when none is given.
    pub cwd: PathBuf,
    /// The report's format; `None` detects it.
    pub input_format: Option<InputFormat>,
}

/// Snapshots the working tree as a commit under the baseline's name and records the
/// report's coverage for it, so that later `compare --worktree --baseline NAME` compares with
/// it as it is.
#[instrument(skip_all, fields(name = %opts.name))]
pub fn baseline_save(
    ws: &Workspace,
    config: &Config,
    opts: &BaselineSaveOptions,
) -> Result<BaselineSaved, Error> {
    let repo = &ws.repo;
    // Checks the name before anything is written.
    let replaced = repo.baseline(&opts.name)?;
    let report_path = match &opts.report {
        Some(p) => p.clone(),
        None => discover_newest(&report_dirs(ws, Some(&opts.cwd)))?,
    };
    let snapshot = repo.snapshot_worktree(&message(&opts.name), now())?;
    let report = read_resolved(
        ws,
        repo,
        config,
        &snapshot.commit,
        &report_path,
        opts.input_format,
    )?;
    let upload = Upload {
        flag: None,
        format: "baseline".to_owned(),
        ci_status: CiStatus::Passed,
        report,
    };
    // A bad report fails above, before the store or the ref is touched (the snapshot's
    // objects are then unreferenced, and `git gc` prunes them like any others).
    let mut store = ws.store_for_write()?;
    store.record(&snapshot.commit, &upload)?;
    repo.set_baseline(&opts.name, &snapshot.commit)?;
    info!(commit = %snapshot.commit, "baseline saved");
    Ok(BaselineSaved {
        name: opts.name.clone(),
        commit: snapshot.commit.clone(),
        parent: snapshot.parent.clone(),
        changes: changes_of(&snapshot),
        report: report_path,
        totals: upload.report.totals(),
        replaced,
    })
}

fn message(name: &str) -> String {
    format!("covgit baseline {name}\n\nThe working tree, snapshot by `covgit baseline save`.\n")
}

/// Every saved baseline, with its coverage where the store has it.
pub fn baseline_list(ws: &Workspace) -> Result<Vec<BaselineInfo>, Error> {
    let repo = &ws.repo;
    let store = if ws.db_path.exists() {
        Some(ws.store_for_read()?)
    } else {
        None
    };
    let mut out = Vec::new();
    for (name, commit) in repo.baselines()? {
        let totals = match &store {
            // Stored with the commit: no report to decode.
            Some(s) => s.commit_info(&commit)?.map(|info| info.totals),
            None => None,
        };
        out.push(BaselineInfo {
            name,
            parent: repo.first_parent(&commit)?,
            time: repo.commit_time(&commit)?,
            totals,
            commit,
        });
    }
    Ok(out)
}

/// Deletes baseline `name`'s ref (its snapshot is then left to `git gc`); returns the
/// commit it pointed to.
pub fn baseline_drop(ws: &Workspace, name: &str) -> Result<CommitId, Error> {
    let commit = ws.repo.baseline(name)?.ok_or_else(|| Error::NoBaseline {
        name: name.to_owned(),
    })?;
    ws.repo.drop_baseline(name)?;
    Ok(commit)
}
