//! Comparing a head with its base, the steps `compare`, `check`, `compare --worktree` and
//! the pre-push hook share: choose the base (or take a fixed one), load or remap its report,
//! diff, have [`crate::compare`] assemble the comparison, and judge it against the gates.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use tracing::{debug, info_span};

use crate::compare::{self, Comparison, HeadSource, SideUploads, Sides, UploadRef};
use crate::config::{Config, PatchTarget};
use crate::git::Repo;
use crate::model::{CommitId, Diff, FileChange, Flag, Report, Totals};
use crate::offset;
use crate::parse::InputFormat;
use crate::select::{self, BaseChoice, View};
use crate::store::Store;

use super::Error;
use super::carry;
use super::stores::{missing_of, usability};

/// What [`compare()`](super::compare()) compares: the sides, the flag, and the flags that override the config.
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
    /// Compare a head report that fails "Does the report belong to this commit?" all the
    /// same, with the warning (`--force`); without it, such a report is refused.
    pub force: bool,
}

/// What [`compare()`](super::compare()) found: which commits were compared and how.
pub struct CompareOutcome {
    /// What was compared with what.
    pub sides: Sides,
    /// The comparison itself.
    pub comparison: Comparison,
    /// The report file the head's coverage came from (`--head-report` or discovered).
    pub head_report: Option<PathBuf>,
    /// What the comparison was made of, line by line, for the outputs that show every line
    /// (HTML).
    pub detail: Compared,
}

/// The reports and the diff a comparison was assembled from: every line's state on each side
/// and which lines the diff pairs, for the outputs that show whole files (HTML). Files whose
/// coverage is the same on both sides and that no diff touches are not in the reports (they
/// were never decoded: see `unchanged_files`).
#[derive(Default)]
pub struct Compared {
    /// The base report compared (remapped onto the requested base when a pseudo-base stands
    /// in for it).
    pub base: Report,
    /// The head report.
    pub head: Report,
    /// The base → head diff, file by file.
    pub changes: Vec<FileChange>,
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

/// A pseudo-base's report remapped through pseudo...base (SPEC "Coverage offsets"), and
/// whether that moved any line: allowed only with `allow_coverage_offsets`.
fn stand_in(
    config: &Config,
    opts: &CompareOptions,
    choice: &BaseChoice,
    used_report: Report,
    between: &Diff,
) -> Result<(Report, bool), Error> {
    let remapped = info_span!("remap")
        .in_scope(|| offset::remap_with(used_report, &between.files, &between.relocations));
    if remapped.changed_files.is_empty() {
        return Ok((remapped.report, false));
    }
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
    Ok((remapped.report, true))
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
    let base_commit = choice.diffed().clone();
    let moves = opts.detect_moves.unwrap_or(config.compare.detect_moves);
    let (between, changes) = info_span!("diff").in_scope(|| -> Result<_, Error> {
        let between = if choice.pseudo {
            diff(repo, moves, &choice.used, &choice.requested)?
        } else {
            Diff::default()
        };
        Ok((between, diff(repo, moves, &base_commit, &head)?))
    })?;

    // Carried flags (SPEC "Flags") join each side's own uploads; the head's only from the store.
    let carry_head = matches!(head_data, HeadData::Store).then_some(&head);
    let known = [
        (&base_commit, &head, &changes),
        (&choice.used, &choice.requested, &between),
    ];
    let (head_found, used_found) = carry::both_sides(
        (repo, store, config),
        (carry_head, &choice.used, flag),
        (opts.max_depth, moves),
        &known[..if choice.pseudo { 2 } else { 1 }],
    )?;

    // Files whose stored coverage is the same on both sides and which no diff touches cannot
    // change kind: only their totals are needed, so they are not decoded at all. The work
    // grows with what changed, not with the size of the report. Carried uploads count with
    // the refs of the files their own diff left as they were.
    let skip = match head_data {
        HeadData::Store => unchanged_files(
            store,
            (&choice.used, &used_found),
            (&head, &head_found),
            flag,
            [&between.files, &changes.files],
        )?,
        HeadData::File(_) => BTreeMap::new(),
    };
    debug!(files = skip.len(), "unchanged files left undecoded");
    let skip_set: HashSet<String> = skip.keys().cloned().collect();
    let head_carried = carry::load_all(store, head_found, &skip_set)?;
    let used_carried = carry::load_all(store, used_found, &skip_set)?;

    let (mut head_report, head_source) = match head_data {
        HeadData::File(report) => (report, HeadSource::File),
        HeadData::Store => (
            info_span!("load", commit = %head.short())
                .in_scope(|| store.report_without(&head, flag, &skip_set))
                .map(|r| carry::merged(r, &head_carried))?
                .ok_or_else(|| Error::NoHeadReport {
                    commit: head.clone(),
                    flag: flag.cloned(),
                })?,
            HeadSource::Store,
        ),
    };
    let mut used_report = info_span!("load", commit = %choice.used.short())
        .in_scope(|| store.report_without(&choice.used, flag, &skip_set))
        .map(|r| carry::merged(r, &used_carried))?
        .ok_or_else(|| Error::NotRecorded {
            commit: choice.used.clone(),
            flag: flag.cloned(),
        })?;
    for r in [&mut head_report, &mut used_report] {
        r.unresolved.retain(|p| !skip_set.contains(p));
    }

    let (base_report, offsets) = if choice.pseudo {
        stand_in(config, opts, &choice, used_report, &between)?
    } else {
        (used_report, false)
    };

    let Diff { files, relocations } = changes;
    let mut comparison = info_span!("compare")
        .in_scope(|| compare::assemble(&base_report, &head_report, &files, &relocations, skip));
    comparison.components = compare::components::figures(&comparison, config.component_globs());
    let stored_head = (head_source == HeadSource::Store).then_some(&head);
    let missing_flags = head_missing(store, config, stored_head, flag, &head_carried)?;
    let uploads = SideUploads {
        base: uploads_of(store, Some(&choice.used), flag, &used_carried)?,
        head: uploads_of(store, stored_head, flag, &head_carried)?,
    };
    Ok(CompareOutcome {
        sides: Sides {
            base: choice,
            offsets,
            head: Some(head),
            head_source,
            worktree: None,
            baseline: None,
            uploads,
            missing_flags,
        },
        comparison,
        head_report: None,
        detail: Compared {
            base: base_report,
            head: head_report,
            changes: files,
        },
    })
}

/// The `expected` flags a stored head lacks (none for a head read from a file); a flag it
/// carries counts as one it has (SPEC "Flags", completeness).
fn head_missing(
    store: &Store,
    config: &Config,
    stored_head: Option<&CommitId>,
    flag: Option<&Flag>,
    carried: &[carry::Carried],
) -> Result<Vec<Flag>, Error> {
    let Some(h) = stored_head else {
        return Ok(Vec::new());
    };
    let mut missing = missing_of(store, h, flag, &config.flags.expected)?;
    missing.retain(|f| !carried.iter().any(|c| &c.flag == f));
    Ok(missing)
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
            let inherit = carry::Inherit {
                repo,
                flags: &config.flags.carryforward,
                max_depth,
            };
            info_span!("select", requested = %requested.short()).in_scope(|| {
                select::choose(repo, &requested, view, max_depth, allow_pseudo, |c| {
                    usability(store, c, flag, &config.flags.expected, &inherit)
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

/// The uploads of `commit` whose coverage its report merges (those with `flag` when given):
/// its own, then the `carried` ones; none for a head read from a file (`None`).
fn uploads_of(
    store: &Store,
    commit: Option<&CommitId>,
    flag: Option<&Flag>,
    carried: &[carry::Carried],
) -> Result<Vec<UploadRef>, Error> {
    let Some(commit) = commit else {
        return Ok(Vec::new());
    };
    let own = store
        .commit_info(commit)?
        .map(|i| i.uploads)
        .unwrap_or_default();
    Ok(own
        .into_iter()
        .filter(|u| u.merged_for(flag))
        .map(|u| UploadRef {
            flag: u.flag,
            commit: commit.clone(),
            carried: false,
        })
        .chain(carried.iter().map(carry::Carried::upload_ref))
        .collect())
}

/// Paths whose coverage is stored identically for `base` and `head` (same uploads' coverage,
/// totals known without decoding) and that none of `diffs` touches, with their totals. Each
/// side is its own uploads with its carried ones (`found`), whose files their diff left as
/// they were keep their origin's refs.
fn unchanged_files(
    store: &Store,
    (base, base_found): (&CommitId, &[carry::Found]),
    (head, head_found): (&CommitId, &[carry::Found]),
    flag: Option<&Flag>,
    diffs: [&[FileChange]; 2],
) -> Result<BTreeMap<String, Totals>, Error> {
    let side = |commit: &CommitId, found: &[carry::Found]| -> Result<_, Error> {
        let kept = found
            .iter()
            .map(|f| f.kept_refs(store))
            .collect::<Result<Vec<_>, _>>()?;
        let remapped = found.iter().flat_map(carry::Found::touched);
        Ok(carry::side_refs(
            store.file_refs(commit, flag)?,
            kept,
            remapped,
        ))
    };
    let (Some(b), Some(h)) = (side(base, base_found)?, side(head, head_found)?) else {
        return Ok(BTreeMap::new());
    };
    let touched: HashSet<&str> = diffs.iter().flat_map(|d| carry::touched(d)).collect();
    Ok(b.into_iter()
        .filter(|(path, r)| {
            !touched.contains(path.as_str()) && r.is_some() && h.get(path) == Some(r)
        })
        .filter_map(|(path, r)| r.and_then(|r| r.totals).map(|t| (path, t)))
        .collect())
}

/// What [`check`](super::check()) compares and the gate values that override the config.
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

/// What [`check`](super::check()) found.
pub struct CheckOutcome {
    /// The comparison the gates judged.
    pub compared: CompareOutcome,
    /// The gates that failed, if any.
    pub verdict: compare::gate::Verdict,
}

/// Judges a comparison against the gates: flags beat the config, and an `auto` patch target
/// is the base's coverage.
pub(super) fn judge(
    config: &Config,
    opts: &CheckOptions,
    compared: CompareOutcome,
) -> CheckOutcome {
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
    let mut verdict = compare::gate::evaluate(&compared.comparison, &gates);
    verdict
        .failures
        .extend(super::components::failures(config, &compared.comparison));
    CheckOutcome { compared, verdict }
}
