//! `covgit compare` and `covgit check`: choose the base, load or remap its report, diff,
//! compare, and (for check) evaluate the gates.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use tracing::{info_span, instrument, warn};

use crate::compare::{
    self, Comparison, FileComparison, FileStatus, HeadSource, PatchTotals, SideUploads, Sides,
    UploadRef,
};
use crate::config::{Config, PatchTarget};
use crate::git::Repo;
use crate::model::{CiStatus, CommitId, Diff, FileChange, Flag, Report, SkipReason, Totals};
use crate::offset;
use crate::parse::InputFormat;
use crate::resolve::Resolver;
use crate::select::{self, BaseChoice, History, View};
use crate::store::Store;

use super::query::{flag_note, merge_base_named, split_range};
use super::record::{go_modules, read_one};
use super::{Error, Workspace};

/// What [`compare()`] compares: the sides, the flag, and the flags that override the config.
#[derive(Default)]
pub struct CompareOptions {
    /// `A..B` or a single revision (the commit view); `None` is `<default branch>..HEAD`.
    pub target: Option<String>,
    /// The base revision, overriding the one `target` implies.
    pub base: Option<String>,
    /// The head revision, overriding the one `target` implies.
    pub head: Option<String>,
    /// A report file to use as the head's coverage instead of the store's.
    pub head_report: Option<PathBuf>,
    /// The format of `head_report`; `None` detects it.
    pub input_format: Option<InputFormat>,
    /// Compare only the uploads of this flag; `None` merges every upload.
    pub flag: Option<Flag>,
    /// Flags beat the config: `Some` overrides `allow_coverage_offsets`.
    pub allow_offsets: Option<bool>,
    /// Make an unusable base an error instead of looking for a pseudo-base (`--no-pseudo`).
    pub no_pseudo: bool,
    /// How many ancestors to examine for a usable base; `None` takes the config's.
    pub max_depth: Option<u32>,
    /// The head is the working tree (SPEC `--worktree`), its coverage from `head_report`
    /// or the newest report discovered in `cwd`.
    pub worktree: bool,
    /// With `worktree`: compare against this named baseline, used as it is.
    pub baseline: Option<String>,
    /// Flags beat the config: `Some(false)` (`--no-moves`) overrides `detect_moves`.
    pub detect_moves: Option<bool>,
    /// Where to discover the working tree's report; `None` is the work tree root.
    pub cwd: Option<PathBuf>,
}

/// What [`compare()`] found: which commits were compared and how.
pub struct CompareOutcome {
    /// What was compared with what.
    pub sides: Sides,
    /// The comparison itself.
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

/// Compares the coverage of two commits (or of the working tree) through git's diff: chooses the base (SPEC "Parent selection"), remaps a pseudo-base's report where allowed, and compares.
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
    let store = super::query::store_for_read(ws)?;
    // Every read below sees one state of the store, whatever CI jobs record meanwhile.
    let _snapshot = store.read_snapshot()?;

    let head_data = match &opts.head_report {
        Some(path) => HeadData::File(read_head_report(
            ws,
            repo,
            config,
            &head,
            path,
            opts.input_format,
        )?),
        None => {
            check_head(&store, &head, opts.flag.as_ref())?;
            HeadData::Store
        }
    };
    let mut outcome = compare_with(
        repo,
        &store,
        config,
        opts,
        (head, head_data),
        BaseRequest::Select { requested, view },
    )?;
    outcome.head_report.clone_from(&opts.head_report);
    Ok(outcome)
}

/// Reads a head report file, its paths resolved against `commit`'s tree (read from `repo`,
/// which may hold an in-memory working-tree snapshot).
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
    let resolver = Resolver::new(&tree, &root, &config.paths)?
        .with_go_modules(go_modules(repo, commit, &tree));
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

/// Where the head's coverage comes from.
pub(super) enum HeadData {
    /// A report file, already read and resolved.
    File(Report),
    /// The store; loaded without the files that cannot have changed.
    Store,
}

/// Chooses the base, loads (or remaps) its report, and compares it with the head
/// `(commit, coverage)` through their diff.
pub(super) fn compare_with(
    repo: &Repo,
    store: &Store,
    config: &Config,
    opts: &CompareOptions,
    (head, head_data): (CommitId, HeadData),
    base: BaseRequest,
) -> Result<CompareOutcome, Error> {
    let flag = opts.flag.as_ref();
    let choice = choose_base(repo, store, config, opts, base)?;
    // A pseudo-base stands in for the requested base; its report is remapped to it.
    let base_commit = if choice.pseudo {
        choice.requested.clone()
    } else {
        choice.used.clone()
    };
    let moves = opts.detect_moves.unwrap_or(config.compare.detect_moves);
    let (between, changes) = info_span!("diff").in_scope(|| -> Result<_, Error> {
        let between = if choice.pseudo {
            diff(repo, moves, &choice.used, &choice.requested)?
        } else {
            Diff::default()
        };
        Ok((between, diff(repo, moves, &base_commit, &head)?))
    })?;

    // Files whose stored coverage is the same on both sides and which no diff touches cannot
    // change kind: only their totals are needed, so they are not decoded at all. The work
    // grows with what changed, not with the size of the report.
    let skip = match head_data {
        HeadData::Store => unchanged_files(
            store,
            &choice.used,
            &head,
            flag,
            [&between.files, &changes.files],
        )?,
        HeadData::File(_) => BTreeMap::new(),
    };
    let skip_set: HashSet<String> = skip.keys().cloned().collect();

    let (mut head_report, head_source) = match head_data {
        HeadData::File(report) => (report, HeadSource::File),
        HeadData::Store => (
            info_span!("load", commit = %head.short())
                .in_scope(|| store.report_without(&head, flag, &skip_set))?
                .ok_or_else(|| Error::NoHeadReport {
                    commit: head.clone(),
                    flag: flag_note(flag),
                })?,
            HeadSource::Store,
        ),
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
        let remapped = info_span!("remap")
            .in_scope(|| offset::remap_with(used_report, &between.files, &between.relocations));
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

    let Diff { files, relocations } = &changes;
    let mut comparison = info_span!("compare")
        .in_scope(|| compare::compare_with(&base_report, &head_report, files, relocations));
    add_unchanged(&mut comparison, skip);
    let stored_head = (head_source == HeadSource::Store).then_some(&head);
    let uploads = SideUploads {
        base: uploads_of(store, Some(&choice.used), flag)?,
        head: uploads_of(store, stored_head, flag)?,
    };
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
            uploads,
        },
        comparison,
        head_report: None,
    })
}

/// SPEC "Parent selection" from a requested base, or a fixed base as it is.
fn choose_base(
    repo: &Repo,
    store: &Store,
    config: &Config,
    opts: &CompareOptions,
    base: BaseRequest,
) -> Result<BaseChoice, Error> {
    let flag = opts.flag.as_ref();
    Ok(match base {
        BaseRequest::Select { requested, view } => {
            let max_depth = opts.max_depth.unwrap_or(config.compare.max_depth);
            let allow_pseudo = config.compare.allow_pseudo_compare && !opts.no_pseudo;
            info_span!("select", requested = %requested.short()).in_scope(|| {
                select::choose(repo, &requested, view, max_depth, allow_pseudo, |c| {
                    usability(store, c, flag)
                })
            })?
        }
        BaseRequest::Fixed(commit) => BaseChoice {
            requested: commit.clone(),
            used: commit,
            pseudo: false,
            skipped: Vec::new(),
        },
    })
}

/// The diff from `old` to `new`: with `moves`, its moved blocks and reformatted runs too
/// (SPEC "Moved and reformatted code"); without, the plain line diff alone.
fn diff(repo: &Repo, moves: bool, old: &CommitId, new: &CommitId) -> Result<Diff, Error> {
    Ok(if moves {
        repo.diff_with_moves(old, new)?
    } else {
        Diff {
            files: repo.diff(old, new)?,
            relocations: Vec::new(),
        }
    })
}

/// The uploads of `commit` whose coverage its report merges (those with `flag` when given),
/// all recorded for it, none carried; none for a head read from a file (`None`).
fn uploads_of(
    store: &Store,
    commit: Option<&CommitId>,
    flag: Option<&Flag>,
) -> Result<Vec<UploadRef>, Error> {
    let Some(commit) = commit else {
        return Ok(Vec::new());
    };
    let Some(info) = store.commit_info(commit)? else {
        return Ok(Vec::new());
    };
    Ok(info
        .uploads
        .into_iter()
        .filter(|u| flag.is_none() || u.flag.as_ref() == flag)
        .map(|u| UploadRef {
            flag: u.flag,
            commit: commit.clone(),
            carried: false,
        })
        .collect())
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

/// Head, requested base and view from the command line (SPEC "Choosing what to compare"):
/// `--head`/`--base` name a side outright; otherwise the range's B and merge-base, the
/// revision and its first parent, or HEAD and its merge-base with the default branch. Every
/// revision given is resolved, so an unknown one is an error even where a flag overrides it.
fn pick_sides(repo: &Repo, opts: &CompareOptions) -> Result<(CommitId, CommitId, View), Error> {
    let explicit_head = opts.head.as_deref().map(|h| repo.resolve(h)).transpose()?;
    let explicit_base = opts.base.as_deref().map(|b| repo.resolve(b)).transpose()?;
    // The range's sides as typed, kept to name them if they share no history.
    let mut typed = ("", "HEAD");
    let range = match opts.target.as_deref() {
        Some(t) if t.contains("..") => {
            let (a, b) = split_range(t)?;
            typed = (a, b);
            Some((repo.resolve(a)?, repo.resolve(b)?))
        }
        _ => None,
    };
    let head_typed = opts.head.as_deref().unwrap_or(typed.1);
    let rev = match (&range, opts.target.as_deref()) {
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
            if base == head && opts.head.is_none() && opts.head_report.is_none() && !opts.worktree {
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

pub(super) fn usability(store: &Store, c: &CommitId, flag: Option<&Flag>) -> Option<SkipReason> {
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

/// What [`check`] compares and the gate values that override the config.
pub struct CheckOptions {
    /// The comparison to gate.
    pub compare: CompareOptions,
    /// Flags beat the config.
    pub patch_target: Option<PatchTarget>,
    /// The drop of total coverage allowed, in points; `None` takes the config's.
    pub project_threshold: Option<f64>,
    /// Fail on any `lost` line (the config's `fail_on_lost` may also turn it on).
    pub fail_on_lost: bool,
}

/// What [`check`] found.
pub struct CheckOutcome {
    /// The comparison the gates judged.
    pub compared: CompareOutcome,
    /// The gates that failed, if any.
    pub verdict: compare::gate::Verdict,
}

/// [`compare()`], then the gates of `[check]` on the result.
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
