//! Carryforward (SPEC "Flags"): a commit without an upload of a `[flags] carryforward` flag
//! inherits it from its nearest first-parent ancestor with a passed upload of it, remapped
//! through the ancestor → commit diff so that carried lines land on the code they measured
//! and lines the diff changed carry nothing. Done when a report is read, never stored: a
//! later real upload of the flag simply takes over.
//!
//! A shared step: it reads the store and git, and imports no use-case file.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashSet};

use tracing::{info_span, warn};

use crate::compare::UploadRef;
use crate::config::Config;
use crate::git::Repo;
use crate::model::{CiStatus, CommitId, Diff, FileChange, Flag, Report, Totals};
use crate::offset;
use crate::store::{FileRef, Store};

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

/// A flag a commit inherits, found but not read yet: where it comes from and the diff that
/// carries it there. Reading it ([`Found::load`]) may leave out files the caller knows from
/// their stored refs ([`Found::kept_refs`]).
#[derive(Clone)]
pub(super) struct Found {
    /// The carried flag.
    pub flag: Flag,
    /// The ancestor whose upload of `flag` is carried.
    pub origin: CommitId,
    /// The diff from `origin` to the commit.
    between: Diff,
}

impl Found {
    /// The files of the carried upload that the diff leaves as they are, each with the ref of
    /// its stored coverage: remapping changes nothing in them, so the commit's carried
    /// coverage of each is exactly what `origin` stored (SPEC "Remapping": a file no change
    /// touches keeps its lines). A file the diff touches is left out: its carried coverage is
    /// remapped, not stored.
    pub fn kept_refs(&self, store: &Store) -> Result<BTreeMap<String, FileRef>, Error> {
        let touched = self.touched();
        let Some(refs) = store.file_refs(&self.origin, Some(&self.flag))? else {
            return Ok(BTreeMap::new());
        };
        Ok(refs
            .into_iter()
            .filter(|(path, _)| !touched.contains(path.as_str()))
            .collect())
    }

    /// The carried upload's own totals on the commit: the stored totals of the files the diff
    /// leaves as they are ([`Found::kept_refs`]), and the others decoded and remapped. The
    /// same as the totals of [`Found::load`] with nothing skipped, at the cost of the touched
    /// files only.
    pub fn totals(self, store: &Store) -> Result<Totals, Error> {
        let mut totals = Totals::default();
        let mut known = HashSet::new();
        for (path, r) in self.kept_refs(store)? {
            if let Some(t) = r.totals {
                totals.add(&t);
                known.insert(path);
            }
        }
        if let Some(rest) = self.load(store, &known)? {
            for f in rest.report.files.values() {
                totals.add(&f.totals());
            }
        }
        Ok(totals)
    }

    /// The paths the diff from `origin` to the commit touches, on either side.
    pub fn touched(&self) -> HashSet<&str> {
        touched(&self.between.files)
    }

    /// The carried upload remapped to the commit, without the files in `skip` (the diff must
    /// touch none of them, so each would be kept as stored); `None` when `origin`'s upload is
    /// gone.
    pub fn load(self, store: &Store, skip: &HashSet<String>) -> Result<Option<Carried>, Error> {
        let Some(report) = store.report_without(&self.origin, Some(&self.flag), skip)? else {
            return Ok(None);
        };
        let report =
            info_span!("carry", flag = %self.flag, from = %self.origin.short()).in_scope(|| {
                offset::remap_with(report, &self.between.files, &self.between.relocations).report
            });
        Ok(Some(Carried {
            flag: self.flag,
            origin: self.origin,
            report,
        }))
    }
}

/// Every old and new path `changes` names.
pub(super) fn touched(changes: &[FileChange]) -> HashSet<&str> {
    changes
        .iter()
        .flat_map(|c| [c.old_path.as_deref(), c.new_path.as_deref()])
        .flatten()
        .collect()
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

/// The carryforward flags (only `flag` when given) `commit` has no upload of, each with the
/// nearest first-parent ancestor at most `max_depth` back with a passed upload of it, or
/// `None` when there is none. Reads records only: no diff, nothing decoded.
pub(super) fn origins(
    repo: &Repo,
    store: &Store,
    carryforward: &[Flag],
    commit: &CommitId,
    flag: Option<&Flag>,
    max_depth: u32,
) -> Result<Vec<(Flag, Option<CommitId>)>, Error> {
    let wanted: Vec<&Flag> = carryforward
        .iter()
        .filter(|f| flag.is_none_or(|only| only == *f))
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let own = own_flags(store, commit)?;
    let mut out = Vec::new();
    for f in wanted {
        if own.iter().any(|o| o.as_ref() == Some(f)) {
            continue;
        }
        out.push((
            f.clone(),
            nearest_passed(repo, store, commit, f, max_depth)?,
        ));
    }
    Ok(out)
}

/// The flags of `commit`'s own uploads (`None` for the unflagged one); none when it is not
/// recorded.
fn own_flags(store: &Store, commit: &CommitId) -> Result<Vec<Option<Flag>>, Error> {
    Ok(store
        .commit_info(commit)?
        .map(|i| i.uploads.into_iter().map(|u| u.flag).collect())
        .unwrap_or_default())
}

/// [`origins`] of every flag, for commits asked newest first along one first-parent walk
/// (`covgit log`): an origin found for a commit is the origin of each older commit the walk
/// reaches before it (none of them has a passed upload of the flag, or it would have been
/// the nearest, and each is nearer to it), so the history is walked once per origin, not
/// once per commit. `walk` holds the origins found so far; start it empty for each walk.
pub(super) fn origins_along(
    repo: &Repo,
    store: &Store,
    carryforward: &[Flag],
    commit: &CommitId,
    max_depth: u32,
    walk: &mut BTreeMap<Flag, CommitId>,
) -> Result<Vec<(Flag, Option<CommitId>)>, Error> {
    if carryforward.is_empty() {
        return Ok(Vec::new());
    }
    let own = own_flags(store, commit)?;
    let mut out = Vec::new();
    for f in carryforward {
        if walk.get(f) == Some(commit) {
            // The walk reached the origin itself: older commits look further back.
            walk.remove(f);
        }
        if own.iter().any(|o| o.as_ref() == Some(f)) {
            continue;
        }
        let origin = match walk.get(f) {
            Some(o) => Some(o.clone()),
            None => nearest_passed(repo, store, commit, f, max_depth)?,
        };
        if let Some(o) = &origin {
            walk.insert(f.clone(), o.clone());
        }
        out.push((f.clone(), origin));
    }
    Ok(out)
}

/// Diffs the caller has already made, `(old, new, diff)`, made with the same `moves`: a
/// flag carried from the base to the head (the common case) needs no second diff.
pub(super) type Known<'a> = [(&'a CommitId, &'a CommitId, &'a Diff)];

/// The flags `commit` inherits (see [`origins`]), each with its diff, not read yet. A flag
/// with no ancestor to carry it from is missing, and a warning says so.
pub(super) fn found(
    (repo, store, config): (&Repo, &Store, &Config),
    commit: &CommitId,
    flag: Option<&Flag>,
    Reach { max_depth, moves }: Reach,
    known: &Known<'_>,
) -> Result<Vec<Found>, Error> {
    let mut from = Vec::new();
    for (f, origin) in origins(
        repo,
        store,
        &config.flags.carryforward,
        commit,
        flag,
        max_depth,
    )? {
        match origin {
            Some(origin) => from.push((f, origin)),
            None => warn!(
                "carryforward: no passed upload of {f} within {max_depth} first-parent \
                 commits of {}; {f} is missing",
                commit.short()
            ),
        }
    }
    found_from(repo, moves, commit, from, known)
}

/// Each `(flag, origin)` as carried to `commit`: the diff from `origin` (taken from `known`
/// when it is there), not read yet.
pub(super) fn found_from(
    repo: &Repo,
    moves: bool,
    commit: &CommitId,
    from: Vec<(Flag, CommitId)>,
    known: &Known<'_>,
) -> Result<Vec<Found>, Error> {
    from.into_iter()
        .map(|(flag, origin)| {
            let made = known
                .iter()
                .find(|(old, new, _)| **old == origin && *new == commit);
            let between = match made {
                Some((_, _, d)) => (*d).clone(),
                None => diff(repo, moves, &origin, commit)?,
            };
            Ok(Found {
                flag,
                origin,
                between,
            })
        })
        .collect()
}

/// The flags `commit` inherits (see [`found`]), read whole and remapped to it.
pub(super) fn carried(
    repo: &Repo,
    store: &Store,
    config: &Config,
    commit: &CommitId,
    flag: Option<&Flag>,
    reach: Reach,
) -> Result<Vec<Carried>, Error> {
    load_all(
        store,
        found((repo, store, config), commit, flag, reach, &[])?,
        &HashSet::new(),
    )
}

/// Each of `found` read without the files in `skip` and remapped.
pub(super) fn load_all(
    store: &Store,
    found: Vec<Found>,
    skip: &HashSet<String>,
) -> Result<Vec<Carried>, Error> {
    let mut out = Vec::new();
    for f in found {
        out.extend(f.load(store, skip)?);
    }
    Ok(out)
}

/// The flags the head (`None`: read from a file, it carries nothing) and the base used
/// inherit, in that order, not read yet; `max_depth` `None` takes the config's.
pub(super) fn both_sides(
    (repo, store, config): (&Repo, &Store, &Config),
    (head, used, flag): (Option<&CommitId>, &CommitId, Option<&Flag>),
    (max_depth, moves): (Option<u32>, bool),
    known: &Known<'_>,
) -> Result<(Vec<Found>, Vec<Found>), Error> {
    let reach = Reach {
        max_depth: max_depth.unwrap_or(config.compare.max_depth),
        moves,
    };
    let head = match head {
        Some(h) => found((repo, store, config), h, flag, reach, known)?,
        None => Vec::new(),
    };
    let used = found((repo, store, config), used, flag, reach, known)?;
    Ok((head, used))
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

/// A side's files by path, as stored: its own uploads' refs (`own`, `None` when it has none)
/// and its carried uploads' `kept` refs together. A path a carried upload's diff touched
/// (`remapped`) is `None`: its coverage there is remapped, known only by decoding. `None`
/// when the side has no upload at all, own or carried.
pub(super) fn side_refs<'a>(
    own: Option<BTreeMap<String, FileRef>>,
    kept: Vec<BTreeMap<String, FileRef>>,
    remapped: impl Iterator<Item = &'a str>,
) -> Option<BTreeMap<String, Option<FileRef>>> {
    if own.is_none() && kept.is_empty() {
        return None;
    }
    let mut out: BTreeMap<String, Option<FileRef>> = own
        .unwrap_or_default()
        .into_iter()
        .map(|(p, r)| (p, Some(r)))
        .collect();
    for (path, r) in kept.into_iter().flatten() {
        match out.entry(path) {
            Entry::Vacant(v) => {
                v.insert(Some(r));
            }
            Entry::Occupied(mut o) => {
                if let Some(mine) = o.get_mut() {
                    mine.blobs.extend(r.blobs);
                    mine.blobs.sort_unstable();
                    // Different coverage merged: its totals are known only by decoding.
                    if mine.blobs.first() != mine.blobs.last() {
                        mine.totals = None;
                    }
                }
            }
        }
    }
    for path in remapped {
        out.insert(path.to_owned(), None);
    }
    Some(out)
}

/// `commit`'s totals with the carried uploads `found` merged in (SPEC "Flags": carried when
/// read). A file whose coverage is known from its stored refs ([`side_refs`]) counts with
/// its stored totals; only the others are decoded: those a carried diff touched, or that
/// several uploads cover differently.
pub(super) fn merged_totals(
    store: &Store,
    commit: &CommitId,
    found: Vec<Found>,
) -> Result<Totals, Error> {
    let kept = found
        .iter()
        .map(|f| f.kept_refs(store))
        .collect::<Result<Vec<_>, _>>()?;
    let remapped = found.iter().flat_map(Found::touched);
    let refs = side_refs(store.file_refs(commit, None)?, kept, remapped).unwrap_or_default();
    let mut totals = Totals::default();
    let mut known = HashSet::new();
    for (path, r) in refs {
        if let Some(t) = r.and_then(|r| r.totals) {
            totals.add(&t);
            known.insert(path);
        }
    }
    let own = store.report_without(commit, None, &known)?;
    let carried = load_all(store, found, &known)?;
    if let Some(rest) = merged(own, &carried) {
        for f in rest.files.values() {
            totals.add(&f.totals());
        }
    }
    Ok(totals)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn one(blob: i64, lines: u64) -> FileRef {
        FileRef {
            blobs: vec![blob],
            totals: Some(Totals {
                files: 1,
                lines,
                ..Totals::default()
            }),
        }
    }

    fn refs(files: &[(&str, FileRef)]) -> BTreeMap<String, FileRef> {
        files
            .iter()
            .map(|(p, r)| ((*p).to_owned(), r.clone()))
            .collect()
    }

    #[test]
    fn a_side_is_its_own_refs_with_its_carried_uploads_kept_files() {
        let own = refs(&[("a.py", one(1, 3)), ("b.py", one(2, 4))]);
        let kept = vec![refs(&[
            ("b.py", one(2, 4)),
            ("c.py", one(5, 7)),
            ("d.py", one(6, 1)),
        ])];
        let side = side_refs(Some(own), kept, ["d.py", "e.py"].into_iter()).unwrap();
        // Own only; the same coverage carried as well, still known; carried only.
        assert_eq!(side["a.py"], Some(one(1, 3)));
        assert_eq!(
            side["b.py"],
            Some(FileRef {
                blobs: vec![2, 2],
                totals: one(2, 4).totals,
            })
        );
        assert_eq!(side["c.py"], Some(one(5, 7)));
        // A path the carried upload's diff touched is remapped: known only by decoding.
        assert_eq!(side["d.py"], None);
        assert_eq!(side["e.py"], None);
    }

    #[test]
    fn different_coverage_of_one_file_merged_has_no_totals_without_decoding() {
        let own = refs(&[("a.py", one(1, 3))]);
        let kept = vec![refs(&[("a.py", one(9, 3))])];
        let side = side_refs(Some(own), kept, std::iter::empty()).unwrap();
        assert_eq!(
            side["a.py"],
            Some(FileRef {
                blobs: vec![1, 9],
                totals: None,
            })
        );
    }

    #[test]
    fn a_side_with_only_carried_uploads_has_refs_and_one_with_none_has_none() {
        let kept = vec![refs(&[("a.py", one(1, 3))])];
        let side = side_refs(None, kept, std::iter::empty()).unwrap();
        assert_eq!(side["a.py"], Some(one(1, 3)));
        assert_eq!(side_refs(None, Vec::new(), std::iter::empty()), None);
    }
}
