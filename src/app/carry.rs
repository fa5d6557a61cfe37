//! Carryforward (SPEC "Flags"): a commit without an upload of a `[flags] carryforward` flag
//! inherits it from its nearest first-parent ancestor with a passed upload of it, remapped
//! through the ancestor → commit diff so that carried lines land on the code they measured
//! and lines the diff changed carry nothing. Done when a report is read, never stored: a
//! later real upload of the flag simply takes over.
//!
//! A shared step: it reads the store and git, and imports no use-case file.

use std::collections::HashSet;

use tracing::{info_span, warn};

use crate::compare::UploadRef;
use crate::config::Config;
use crate::git::Repo;
use crate::model::{CiStatus, CommitId, Diff, Flag, Report};
use crate::offset;
use crate::store::Store;

use super::Error;

/// One flag a commit inherits: where it came from and its coverage on the commit's lines.
pub(super) struct Carried {
    /// The carried flag.
    pub flag: Flag,
    /// The ancestor whose upload of `flag` is carried.
    pub origin: CommitId,
    /// That upload's coverage, remapped to the commit.
    pub report: Report,
}

impl Carried {
    /// How the comparison lists it (JSON `uploads`).
    pub fn upload_ref(&self) -> UploadRef {
        UploadRef {
            flag: Some(self.flag.clone()),
            commit: self.origin.clone(),
            carried: true,
        }
    }
}

/// How far back and through which diff a flag is carried.
#[derive(Clone, Copy)]
pub(super) struct Reach {
    /// How many first-parent ancestors are examined (`[compare] max_depth`, `--max-depth`).
    pub max_depth: u32,
    /// Whether the remap follows moved and reformatted code (off with `--no-moves`).
    pub moves: bool,
}

/// What may be carried and how far back, as the base walk asks it (SPEC "Completeness": an
/// expected flag a commit can carry counts as one it has).
#[derive(Clone, Copy)]
pub(super) struct Inherit<'a> {
    /// First-parent history.
    pub repo: &'a Repo,
    /// `[flags] carryforward`.
    pub flags: &'a [Flag],
    /// How many first-parent ancestors are examined.
    pub max_depth: u32,
}

impl Inherit<'_> {
    /// Whether `commit` can inherit `flag`: a carryforward flag with a passed upload at most
    /// `max_depth` first-parent commits back. Whether `commit` has an upload of its own is
    /// not asked. A history or record that cannot be read counts as no, with a warning.
    pub fn can(&self, store: &Store, commit: &CommitId, flag: &Flag) -> bool {
        if !self.flags.contains(flag) {
            return false;
        }
        nearest_passed(self.repo, store, commit, flag, self.max_depth)
            .unwrap_or_else(|e| {
                warn!("cannot look for {flag} to carry to {}: {e}", commit.short());
                None
            })
            .is_some()
    }
}

/// The flags `commit` inherits: each `carryforward` flag (only `flag` when given) it has no
/// upload of, from the nearest first-parent ancestor at most `max_depth` back with a passed
/// upload of it. A flag with no such ancestor is missing, and a warning says so.
pub(super) fn carried(
    repo: &Repo,
    store: &Store,
    config: &Config,
    commit: &CommitId,
    flag: Option<&Flag>,
    Reach { max_depth, moves }: Reach,
) -> Result<Vec<Carried>, Error> {
    let wanted: Vec<&Flag> = config
        .flags
        .carryforward
        .iter()
        .filter(|f| flag.is_none_or(|only| only == *f))
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let own: Vec<Option<Flag>> = store
        .commit_info(commit)?
        .map(|i| i.uploads.into_iter().map(|u| u.flag).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for f in wanted {
        if own.iter().any(|o| o.as_ref() == Some(f)) {
            continue;
        }
        let Some(origin) = nearest_passed(repo, store, commit, f, max_depth)? else {
            warn!(
                "carryforward: no passed upload of {f} within {max_depth} first-parent \
                 commits of {}; {f} is missing",
                commit.short()
            );
            continue;
        };
        let Some(report) = store.report_without(&origin, Some(f), &HashSet::new())? else {
            continue;
        };
        let report = info_span!("carry", flag = %f, from = %origin.short()).in_scope(
            || -> Result<Report, Error> {
                let between = diff(repo, moves, &origin, commit)?;
                Ok(offset::remap_with(report, &between.files, &between.relocations).report)
            },
        )?;
        out.push(Carried {
            flag: f.clone(),
            origin,
            report,
        });
    }
    Ok(out)
}

/// The flags the head (`None`: read from a file, it carries nothing) and the base used
/// inherit, in that order; `max_depth` `None` takes the config's.
pub(super) fn both_sides(
    (repo, store, config): (&Repo, &Store, &Config),
    (head, used, flag): (Option<&CommitId>, &CommitId, Option<&Flag>),
    (max_depth, moves): (Option<u32>, bool),
) -> Result<(Vec<Carried>, Vec<Carried>), Error> {
    let reach = Reach {
        max_depth: max_depth.unwrap_or(config.compare.max_depth),
        moves,
    };
    let head = match head {
        Some(h) => carried(repo, store, config, h, flag, reach)?,
        None => Vec::new(),
    };
    Ok((head, carried(repo, store, config, used, flag, reach)?))
}

/// `report` (none when the commit has no upload of its own) with the carried uploads merged in.
pub(super) fn merged(report: Option<Report>, carried: &[Carried]) -> Option<Report> {
    if carried.is_empty() {
        return report;
    }
    Some(Report::merge(
        report.iter().chain(carried.iter().map(|c| &c.report)),
    ))
}

/// The nearest first-parent ancestor of `commit`, at most `max_depth` back, with an upload of
/// `flag` whose CI passed; ancestors whose upload of it failed or is pending are passed over.
fn nearest_passed(
    repo: &Repo,
    store: &Store,
    commit: &CommitId,
    flag: &Flag,
    max_depth: u32,
) -> Result<Option<CommitId>, Error> {
    let mut cur = repo.first_parent(commit)?;
    let mut depth = 0;
    while let Some(c) = cur {
        depth += 1;
        if depth > max_depth {
            break;
        }
        let passed = store.commit_info(&c)?.is_some_and(|i| {
            i.uploads
                .iter()
                .any(|u| u.flag.as_ref() == Some(flag) && u.ci_status == CiStatus::Passed)
        });
        if passed {
            return Ok(Some(c));
        }
        cur = repo.first_parent(&c)?;
    }
    Ok(None)
}

/// The diff from `old` to `new`, with moved blocks and reformatted runs unless `moves` is off.
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
