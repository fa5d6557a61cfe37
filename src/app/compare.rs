//! `covgit compare` and `covgit check`: choose the base, load or remap its report, diff,
//! compare, and (for check) evaluate the gates.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use tracing::{info_span, instrument, warn};

use crate::compare::{
    self, Comparison, FileComparison, FileStatus, HeadSource, PatchTotals, Sides,
};
use crate::config::{Config, PatchTarget};
use crate::git::Repo;
use crate::model::{CiStatus, CommitId, FileChange, Flag, Report, SkipReason, Totals};
use crate::offset;
use crate::parse::InputFormat;
use crate::resolve::Resolver;
use crate::select::{self, History, View};
use crate::store::Store;

use super::query::{flag_note, split_range};
use super::record::{go_modules, read_one};
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
}

pub struct CompareOutcome {
    pub sides: Sides,
    pub comparison: Comparison,
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
    let repo = &ws.repo;
    let (head, requested, view) = pick_sides(repo, opts)?;
    let store = ws.store_for_read()?;
    // Every read below sees one state of the store, whatever CI jobs record meanwhile.
    let _snapshot = store.read_snapshot()?;

    let flag = opts.flag.as_ref();
    let head_from_store = opts.head_report.is_none();
    if head_from_store {
        check_head(&store, &head, flag)?;
    }

    let max_depth = opts.max_depth.unwrap_or(config.compare.max_depth);
    let allow_pseudo = config.compare.allow_pseudo_compare && !opts.no_pseudo;
    let choice = info_span!("select", requested = %requested.short()).in_scope(|| {
        select::choose(repo, &requested, view, max_depth, allow_pseudo, |c| {
            usability(&store, c, flag)
        })
    })?;
    // A pseudo-base stands in for the requested base; its report is remapped to it.
    let base_commit = if choice.pseudo {
        choice.requested.clone()
    } else {
        choice.used.clone()
    };
    let (between, changes) = info_span!("diff").in_scope(|| -> Result<_, Error> {
        let between = if choice.pseudo {
            repo.diff(&choice.used, &choice.requested)?
        } else {
            Vec::new()
        };
        Ok((between, repo.diff(&base_commit, &head)?))
    })?;

    // Files whose stored coverage is the same on both sides and which no diff touches cannot
    // change kind: only their totals are needed, so they are not decoded at all. The work
    // grows with what changed, not with the size of the report.
    let skip = if head_from_store {
        unchanged_files(&store, &choice.used, &head, flag, [&between, &changes])?
    } else {
        BTreeMap::new()
    };
    let skip_set: HashSet<String> = skip.keys().cloned().collect();

    let mut head_report = load_head(ws, config, &store, opts, &head, &skip_set)?;
    let head_source = if head_from_store {
        HeadSource::Store
    } else {
        HeadSource::File
    };
    let mut used_report = info_span!("load", commit = %choice.used.short())
        .in_scope(|| store.report_without(&choice.used, flag, &skip_set))?
        .ok_or_else(|| Error::NotRecorded {
            commit: choice.used.clone(),
            flag: flag_note(flag),
        })?;
    for r in [&mut head_report, &mut used_report] {
        r.unresolved.retain(|p| !skip_set.contains(p));
    }

    let mut offsets = false;
    let base_report = if choice.pseudo {
        let remapped = info_span!("remap").in_scope(|| offset::remap(&used_report, &between));
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
        remapped.report
    } else {
        used_report
    };

    let mut comparison =
        info_span!("compare").in_scope(|| compare::compare(&base_report, &head_report, &changes));
    add_unchanged(&mut comparison, skip);
    Ok(CompareOutcome {
        sides: Sides {
            requested: choice.requested,
            used: choice.used,
            pseudo: choice.pseudo,
            offsets,
            skipped: choice.skipped,
            head: Some(head),
            head_source,
        },
        comparison,
    })
}

/// The head must have coverage; a failed CI run is compared all the same, with a warning.
fn check_head(store: &Store, head: &CommitId, flag: Option<&Flag>) -> Result<(), Error> {
    let info = store
        .commit_info(head)?
        .filter(|i| flag.is_none() || i.uploads.iter().any(|u| u.flag.as_ref() == flag))
        .ok_or_else(|| Error::NoHeadReport {
            commit: head.clone(),
            flag: flag_note(flag),
        })?;
    if info.ci_status == CiStatus::Failed {
        warn!(
            "CI failed for head commit {}: its coverage may be partial",
            head.short()
        );
    }
    Ok(())
}

/// The head's report: from `--head-report` resolved against the head's tree, else from the
/// store without the files in `skip`.
fn load_head(
    ws: &Workspace,
    config: &Config,
    store: &Store,
    opts: &CompareOptions,
    head: &CommitId,
    skip: &HashSet<String>,
) -> Result<Report, Error> {
    let flag = opts.flag.as_ref();
    match &opts.head_report {
        Some(path) => {
            let tree = ws.repo.tree_files(head)?;
            let root = ws
                .root()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            let resolver = Resolver::new(&tree, &root, &config.paths)?
                .with_go_modules(go_modules(ws, head, &tree));
            let (_, resolution, _) = read_one(path, opts.input_format, &resolver, &())?;
            Ok(resolution.report)
        }
        None => info_span!("load", commit = %head.short())
            .in_scope(|| store.report_without(head, flag, skip))?
            .ok_or_else(|| Error::NoHeadReport {
                commit: head.clone(),
                flag: flag_note(flag),
            }),
    }
}

/// Paths whose coverage is stored identically for `base` and `head` (same uploads' coverage,
/// totals known without decoding) and that none of `diffs` touches, with their totals.
fn unchanged_files(
    store: &Store,
    base: &CommitId,
    head: &CommitId,
    flag: Option<&Flag>,
    diffs: [&[FileChange]; 2],
) -> Result<BTreeMap<String, Totals>, Error> {
    let (Some(b), Some(h)) = (store.file_refs(base, flag)?, store.file_refs(head, flag)?) else {
        return Ok(BTreeMap::new());
    };
    let touched: HashSet<&str> = diffs
        .iter()
        .flat_map(|d| d.iter())
        .flat_map(|c| [c.old_path.as_deref(), c.new_path.as_deref()])
        .flatten()
        .collect();
    Ok(b.into_iter()
        .filter(|(path, r)| !touched.contains(path.as_str()) && h.get(path) == Some(r))
        .filter_map(|(path, r)| r.totals.map(|t| (path, t)))
        .collect())
}

/// Puts the files left out of the comparison as unchanged back into its file list and totals.
fn add_unchanged(c: &mut Comparison, skipped: BTreeMap<String, Totals>) {
    if skipped.is_empty() {
        return;
    }
    for (path, t) in skipped {
        c.base.add(&t);
        c.head.add(&t);
        c.files.push(FileComparison {
            path,
            base_path: None,
            change: FileStatus::Unchanged,
            base: Some(t),
            head: Some(t),
            patch: PatchTotals::default(),
            indirect: false,
        });
    }
    c.files.sort_by(|a, b| a.path.cmp(&b.path));
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
