//! `covgit compare` and `covgit check`: choose the base, load or remap its report, diff,
//! compare, and (for check) evaluate the gates.

use std::path::PathBuf;

use tracing::{instrument, warn};

use crate::compare::{self, Comparison, HeadSource, Sides};
use crate::config::{Config, PatchTarget};
use crate::git::Repo;
use crate::model::{CiStatus, CommitId, Flag, Report, SkipReason};
use crate::offset;
use crate::parse::InputFormat;
use crate::resolve::Resolver;
use crate::select::{self, BaseChoice, History, View};
use crate::store::Store;

use super::query::{flag_note, split_range};
use super::record::read_one;
use super::{Error, Workspace};

#[derive(Default)]
pub struct CompareOptions {
    /// `A..B` or a single revision (the commit view); `None` is `<default branch>..HEAD`.
    pub target: Option<String>,
    pub base: Option<String>,
    pub head: Option<String>,
    pub head_report: Option<PathBuf>,
    pub input_format: Option<InputFormat>,
    pub flag: Option<Flag>,
    /// Flags beat the config: `Some` overrides `allow_coverage_offsets`.
    pub allow_offsets: Option<bool>,
    pub no_pseudo: bool,
    pub max_depth: Option<u32>,
    /// The head is the working tree (SPEC `--worktree`), its coverage from `head_report`
    /// or the newest report discovered in `cwd`.
    pub worktree: bool,
    /// With `worktree`: compare against this named baseline, used as it is.
    pub baseline: Option<String>,
    /// Where to discover the working tree's report; `None` is the work tree root.
    pub cwd: Option<PathBuf>,
}

pub struct CompareOutcome {
    pub sides: Sides,
    pub comparison: Comparison,
    /// The report file the head's coverage came from (`--head-report` or discovered).
    pub head_report: Option<PathBuf>,
}

impl History for Repo {
    type Error = crate::git::GitError;
    fn first_parent(&self, c: &CommitId) -> Result<Option<CommitId>, Self::Error> {
        Repo::first_parent(self, c)
    }
}

#[instrument(skip_all)]
pub fn compare(
    ws: &Workspace,
    config: &Config,
    opts: &CompareOptions,
) -> Result<CompareOutcome, Error> {
    if opts.worktree {
        return super::worktree::compare_worktree(ws, config, opts);
    }
    let repo = &ws.repo;
    let (head, requested, view) = pick_sides(repo, opts)?;
    let store = ws.store_for_read()?;

    let (head_report, head_source) = match &opts.head_report {
        Some(path) => (
            read_head_report(ws, repo, config, &head, path, opts.input_format)?,
            HeadSource::File,
        ),
        None => {
            let report =
                store
                    .report(&head, opts.flag.as_ref())?
                    .ok_or_else(|| Error::NoHeadReport {
                        commit: head.clone(),
                        flag: flag_note(opts.flag.as_ref()),
                    })?;
            if let Some(info) = store.commit_info(&head)?
                && info.ci_status == CiStatus::Failed
            {
                warn!(
                    "CI failed for head commit {}: its coverage may be partial",
                    head.short()
                );
            }
            (report, HeadSource::Store)
        }
    };
    let mut outcome = compare_with(
        repo,
        &store,
        config,
        opts,
        (head, head_report, head_source),
        BaseRequest::Select { requested, view },
    )?;
    outcome.head_report.clone_from(&opts.head_report);
    Ok(outcome)
}

/// Reads a head report file, its paths resolved against `commit`'s tree.
pub(super) fn read_head_report(
    ws: &Workspace,
    repo: &Repo,
    config: &Config,
    commit: &CommitId,
    path: &std::path::Path,
    input_format: Option<InputFormat>,
) -> Result<Report, Error> {
    let tree = repo.tree_files(commit)?;
    let root = ws
        .root()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let resolver = Resolver::new(&tree, &root, &config.paths)?;
    let (_, resolution, _) = read_one(path, input_format, &resolver, &())?;
    Ok(resolution.report)
}

/// How the base is found.
pub(super) enum BaseRequest {
    /// SPEC "Parent selection" from this requested base.
    Select { requested: CommitId, view: View },
    /// This commit, used as it is (a named baseline).
    Fixed(CommitId),
}

/// Chooses the base, loads (or remaps) its report, and compares it with the head
/// `(commit, report, source)` through their diff.
pub(super) fn compare_with(
    repo: &Repo,
    store: &Store,
    config: &Config,
    opts: &CompareOptions,
    (head, head_report, head_source): (CommitId, Report, HeadSource),
    base: BaseRequest,
) -> Result<CompareOutcome, Error> {
    let choice = match base {
        BaseRequest::Select { requested, view } => {
            let max_depth = opts.max_depth.unwrap_or(config.compare.max_depth);
            let allow_pseudo = config.compare.allow_pseudo_compare && !opts.no_pseudo;
            select::choose(repo, &requested, view, max_depth, allow_pseudo, |c| {
                usability(store, c, opts.flag.as_ref())
            })?
        }
        BaseRequest::Fixed(commit) => BaseChoice {
            requested: commit.clone(),
            used: commit,
            pseudo: false,
            skipped: Vec::new(),
        },
    };

    let used_report = store
        .report(&choice.used, opts.flag.as_ref())?
        .ok_or_else(|| Error::NotRecorded {
            commit: choice.used.clone(),
            flag: flag_note(opts.flag.as_ref()),
        })?;
    let mut offsets = false;
    let (base_commit, base_report) = if choice.pseudo {
        let between = repo.diff(&choice.used, &choice.requested)?;
        let remapped = offset::remap(&used_report, &between);
        if !remapped.changed_files.is_empty() {
            let allow = opts
                .allow_offsets
                .unwrap_or(config.compare.allow_coverage_offsets);
            if !allow {
                return Err(Error::OffsetsNeeded {
                    pseudo: choice.used.clone(),
                    base: choice.requested.clone(),
                    files: remapped.changed_files.join(", "),
                });
            }
            offsets = true;
        }
        (choice.requested.clone(), remapped.report)
    } else {
        (choice.used.clone(), used_report)
    };

    let changes = repo.diff(&base_commit, &head)?;
    let comparison = compare::compare(&base_report, &head_report, &changes);
    Ok(CompareOutcome {
        sides: Sides {
            requested: choice.requested,
            used: choice.used,
            pseudo: choice.pseudo,
            offsets,
            skipped: choice.skipped,
            head: Some(head),
            head_source,
            worktree: None,
        },
        comparison,
        head_report: None,
    })
}

/// Head, requested base and view from the command line (SPEC "Choosing what to compare").
fn pick_sides(repo: &Repo, opts: &CompareOptions) -> Result<(CommitId, CommitId, View), Error> {
    let explicit_head = opts.head.as_deref().map(|h| repo.resolve(h)).transpose()?;
    let explicit_base = opts.base.as_deref().map(|b| repo.resolve(b)).transpose()?;
    let (head, requested, view) = match opts.target.as_deref() {
        Some(t) if t.contains("..") => {
            let (a, b) = split_range(t)?;
            let a = repo.resolve(a)?;
            let b = match explicit_head.clone() {
                Some(h) => h,
                None => repo.resolve(b)?,
            };
            let mb = repo.merge_base(&a, &b)?;
            (b, mb, View::Range)
        }
        Some(rev) => {
            let head = match explicit_head.clone() {
                Some(h) => h,
                None => repo.resolve(rev)?,
            };
            let parent = match &explicit_base {
                Some(b) => b.clone(),
                None => repo.first_parent(&head)?.ok_or_else(|| Error::NoParent {
                    commit: head.clone(),
                })?,
            };
            (head, parent, View::Commit)
        }
        None if explicit_base.is_some() => {
            let head = match explicit_head.clone() {
                Some(h) => h,
                None => repo.resolve("HEAD")?,
            };
            let base = explicit_base.clone().unwrap_or_else(|| head.clone());
            (head, base, View::Range)
        }
        None => {
            let head = match explicit_head.clone() {
                Some(h) => h,
                None => repo.resolve("HEAD")?,
            };
            let default = repo.default_branch()?;
            let target = repo.resolve(&default)?;
            let mb = repo.merge_base(&target, &head)?;
            (head, mb, View::Range)
        }
    };
    let requested = match (&opts.target, explicit_base) {
        (Some(t), Some(b)) if t.contains("..") => b,
        _ => requested,
    };
    Ok((head, requested, view))
}

fn usability(store: &Store, c: &CommitId, flag: Option<&Flag>) -> Option<SkipReason> {
    let info = match store.commit_info(c) {
        Ok(Some(info)) => info,
        Ok(None) => return Some(SkipReason::NoReport),
        Err(e) => {
            warn!("cannot read the record of {}: {e}", c.short());
            return Some(SkipReason::NoReport);
        }
    };
    let uploads: Vec<_> = info
        .uploads
        .iter()
        .filter(|u| flag.is_none() || u.flag.as_ref() == flag)
        .collect();
    if uploads.is_empty() {
        return Some(SkipReason::NoReport);
    }
    match CiStatus::combine(uploads.iter().map(|u| u.ci_status)) {
        Some(CiStatus::Passed) => None,
        Some(CiStatus::Failed) => Some(SkipReason::CiFailed),
        Some(CiStatus::Pending) | None => Some(SkipReason::CiPending),
    }
}

pub struct CheckOptions {
    pub compare: CompareOptions,
    /// Flags beat the config.
    pub patch_target: Option<PatchTarget>,
    pub project_threshold: Option<f64>,
    pub fail_on_lost: bool,
}

pub struct CheckOutcome {
    pub compared: CompareOutcome,
    pub verdict: compare::gate::Verdict,
}

pub fn check(ws: &Workspace, config: &Config, opts: &CheckOptions) -> Result<CheckOutcome, Error> {
    let compared = compare(ws, config, &opts.compare)?;
    let target = match opts.patch_target.unwrap_or(config.check.patch_target) {
        PatchTarget::Percent(p) => Some(p),
        PatchTarget::Auto => compared.comparison.base.coverage(),
    };
    let gates = compare::gate::Gates {
        patch_target: target,
        project_threshold: Some(
            opts.project_threshold
                .unwrap_or(config.check.project_threshold),
        ),
        fail_on_lost: opts.fail_on_lost || config.check.fail_on_lost,
    };
    let verdict = compare::gate::evaluate(&compared.comparison, &gates);
    Ok(CheckOutcome { compared, verdict })
}
