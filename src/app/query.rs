//! `covgit show`, `covgit log` and `covgit mark`: reading and annotating the store.

use std::collections::{BTreeMap, HashSet};

use tracing::instrument;

use crate::config::Config;
use crate::model::{CiStatus, CommitId, Flag, Totals, missing_flags};
use crate::render::{
    CommitDetail, LogEntry, LogOutcome, LogStop, ShowUpload, ShowView, Trend, TrendUpload,
};
use crate::store::Store;

use super::carry::{self, Carried, Reach};
use super::revisions::{merge_base_named, split_range};
use super::stores::{store_for_read, unpulled_remote};
use super::{Error, Workspace};

/// What [`show`] shows.
pub struct ShowOptions {
    /// The revision to show; `None` is HEAD.
    pub rev: Option<String>,
    /// Show only this flag's upload; `None` merges every upload.
    pub flag: Option<Flag>,
}

/// One commit's recorded coverage: its uploads, totals and per-file totals.
#[instrument(skip_all)]
pub fn show(ws: &Workspace, opts: &ShowOptions) -> Result<ShowView, Error> {
    let commit = ws.repo.resolve(opts.rev.as_deref().unwrap_or("HEAD"))?;
    let store = store_for_read(ws)?;
    let _snapshot = store.read_snapshot()?;
    let not_recorded = || Error::NotRecorded {
        commit: commit.clone(),
        flag: opts.flag.clone(),
    };
    let info = store.commit_info(&commit)?.ok_or_else(not_recorded)?;
    let flag = opts.flag.as_ref();
    let config = ws.load_config()?;
    let reach = Reach {
        max_depth: config.compare.max_depth,
        moves: config.compare.detect_moves,
    };
    let carried = carry::carried(&ws.repo, &store, &config, &commit, flag, reach)?;
    let (files, unresolved) = if carried.is_empty() {
        own_files(&store, &commit, flag)?.ok_or_else(not_recorded)?
    } else {
        let own = store.report_without(&commit, flag, &HashSet::new())?;
        let merged = carry::merged(own, &carried).ok_or_else(not_recorded)?;
        let files = merged.files.iter().map(|(p, f)| (p.clone(), f.totals()));
        (files.collect(), merged.unresolved.into_iter().collect())
    };
    let mut totals = Totals::default();
    for t in files.values() {
        totals.add(t);
    }
    let generated = store.generated_counts(&commit)?;
    let lines = store.upload_lines(&commit)?;
    let mut uploads: Vec<ShowUpload> = info
        .uploads
        .iter()
        .filter(|u| u.merged_for(flag))
        .map(|u| {
            let left_out = generated.iter().find(|(f, _)| *f == u.flag);
            let (recorded_at, lines) = lines
                .iter()
                .find(|(f, _, _)| *f == u.flag)
                .map_or((info.recorded_at, 0), |(_, at, n)| (*at, *n));
            ShowUpload {
                flag: u.flag.clone(),
                format: u.format.clone(),
                ci_status: u.ci_status,
                recorded_at,
                lines,
                generated: left_out.map_or(0, |(_, n)| *n),
                carried_from: None,
            }
        })
        .collect();
    for c in &carried {
        uploads.push(carried_upload(&store, c)?);
    }
    Ok(ShowView {
        commit,
        ci_status: info.ci_status,
        uploads,
        totals,
        files: files.into_iter().collect(),
        unresolved,
    })
}

/// Per-file totals by path, and the paths that matched nothing.
type FilesAndUnresolved = (BTreeMap<String, Totals>, Vec<String>);

/// The commit's own files with their totals, and its unresolved paths; `None` when it has
/// no upload (of `flag`). Files whose uploads all store the same coverage have their totals
/// stored with it; only files covered differently by several uploads are decoded.
fn own_files(
    store: &Store,
    commit: &CommitId,
    flag: Option<&Flag>,
) -> Result<Option<FilesAndUnresolved>, Error> {
    let Some(refs) = store.file_refs(commit, flag)? else {
        return Ok(None);
    };
    let mut files: BTreeMap<String, Totals> = refs
        .into_iter()
        .filter_map(|(path, r)| r.totals.map(|t| (path, t)))
        .collect();
    let known: HashSet<String> = files.keys().cloned().collect();
    let Some(merged) = store.report_without(commit, flag, &known)? else {
        return Ok(None);
    };
    files.extend(merged.files.iter().map(|(p, f)| (p.clone(), f.totals())));
    Ok(Some((files, merged.unresolved.into_iter().collect())))
}

/// How `show` lists a carried upload: the origin's upload, its lines once remapped.
fn carried_upload(store: &Store, c: &Carried) -> Result<ShowUpload, Error> {
    let origin = store.commit_info(&c.origin)?;
    let format = origin
        .iter()
        .flat_map(|i| &i.uploads)
        .find(|u| u.flag.as_ref() == Some(&c.flag))
        .map_or_else(String::new, |u| u.format.clone());
    let recorded_at = store
        .upload_lines(&c.origin)?
        .into_iter()
        .find(|(f, _, _)| f.as_ref() == Some(&c.flag))
        .map_or(0, |(_, at, _)| at);
    Ok(ShowUpload {
        flag: Some(c.flag.clone()),
        format,
        ci_status: CiStatus::Passed,
        recorded_at,
        lines: c.report.totals().lines,
        generated: 0,
        carried_from: Some(c.origin.clone()),
    })
}

/// What [`log`] lists.
pub struct LogOptions {
    /// `A..B` or a single revision to walk from; `None` walks from HEAD.
    pub range: Option<String>,
    /// How many recorded commits to list at most, newest first.
    pub limit: usize,
    /// How many first-parent commits to walk at most looking for them
    /// ([`DEFAULT_LOG_WALK`] unless a caller knows better).
    pub max_walk: usize,
    /// `[flags] expected`: a listed commit without an upload of each is marked incomplete.
    pub expected: Vec<Flag>,
}

/// The walk bound of `covgit log`: generous enough for any history a user means to list,
/// small enough that a store whose commits are all off HEAD's history answers in moments.
pub const DEFAULT_LOG_WALK: usize = 10_000;

/// Recorded commits along HEAD's (or the range's) first-parent history, newest first, each
/// with its change against the next older recorded one. SPEC `log -n N`: the N newest
/// *recorded* commits, however many unrecorded ones lie between, the walk bounded by
/// `max_walk` commits.
#[instrument(skip_all)]
pub fn log(ws: &Workspace, opts: &LogOptions) -> Result<LogOutcome, Error> {
    let ends = ends(ws, opts)?;
    let store = store_for_read(ws)?;
    let _snapshot = store.read_snapshot()?;
    Ok(walk(ws, &store, ends, opts, false)?.0)
}

/// Where [`log`]'s walk starts, and the commit it stops at (a range's merge base), resolved
/// before the store is opened so a revision that names nothing is said first.
fn ends(ws: &Workspace, opts: &LogOptions) -> Result<(CommitId, Option<CommitId>), Error> {
    Ok(match opts.range.as_deref() {
        Some(r) if r.contains("..") => {
            let (a, b) = split_range(r)?;
            let (a_typed, b_typed) = (a, b);
            let a = ws.repo.resolve(a)?;
            let b = ws.repo.resolve(b)?;
            let stop = merge_base_named(&ws.repo, (a_typed, &a), (b_typed, &b))?;
            (b, Some(stop))
        }
        Some(r) => (ws.repo.resolve(r)?, None),
        None => (ws.repo.resolve("HEAD")?, None),
    })
}

/// Each inherited upload of a listed commit: its flag, origin and own totals on the commit.
type CarriedTotals = Vec<(Flag, CommitId, Totals)>;

/// [`log`]'s walk from `from` to `stop` ([`ends`]), reading `store` only: the caller holds
/// its read snapshot. With `each`, also every listed commit's inherited uploads with their
/// own totals (the trend draws them), made with the diffs the walk made anyway.
fn walk(
    ws: &Workspace,
    store: &Store,
    (from, stop): (CommitId, Option<CommitId>),
    opts: &LogOptions,
    each: bool,
) -> Result<(LogOutcome, Vec<CarriedTotals>), Error> {
    let config = ws.load_config()?;
    // One entry more than asked for, when the walk finds it, gives the last one its change.
    let wanted = opts.limit.saturating_add(1);
    let mut entries: Vec<LogEntry> = Vec::new();
    let mut cur = Some(from);
    let mut walked = 0;
    let mut stopped = None;
    let mut origins = BTreeMap::new();
    let mut carried_each = Vec::new();
    while let Some(c) = cur {
        if stop.as_ref() == Some(&c) || entries.len() >= wanted {
            break;
        }
        if walked >= opts.max_walk {
            stopped = Some(LogStop::WalkLimit);
            break;
        }
        walked += 1;
        if let Some(info) = store.commit_info(&c)? {
            let (carried, totals, each) =
                carried_totals(ws, (store, &config), &c, (info.totals, each), &mut origins)?;
            carried_each.push(each);
            entries.push(LogEntry {
                commit: c.clone(),
                ci_status: info.ci_status,
                flags: info.uploads.iter().map(|u| u.flag.clone()).collect(),
                missing_flags: missing_flags(
                    &opts.expected,
                    info.uploads
                        .iter()
                        .filter_map(|u| u.flag.as_ref())
                        .chain(carried.iter().map(|(f, _)| f)),
                ),
                carried,
                totals,
                delta: None,
                subject: ws.repo.summary(&c).ok(),
            });
        }
        cur = match ws.repo.first_parent(&c) {
            Ok(p) => p,
            // A shallow history ends the walk; what was seen is still worth showing.
            Err(e) if ws.repo.is_shallow() => {
                tracing::warn!("{e}");
                stopped = Some(LogStop::Shallow);
                None
            }
            Err(e) => return Err(e.into()),
        };
    }
    for i in 0..entries.len() {
        let older = entries.get(i + 1).and_then(|e| e.totals.coverage());
        entries[i].delta = entries[i]
            .totals
            .coverage()
            .zip(older)
            .map(|(now, before)| now - before);
    }
    entries.truncate(opts.limit);
    carried_each.truncate(opts.limit);
    if entries.len() >= opts.limit {
        stopped = None;
    }
    // `-n 0` asks for nothing, so no hint is printed: the remote is not asked.
    let shared_on = if entries.is_empty() && opts.limit > 0 {
        unpulled_remote(ws)
    } else {
        None
    };
    Ok((
        LogOutcome {
            entries,
            walked,
            stopped,
            shared_on,
        },
        carried_each,
    ))
}

/// What `covgit log --format svg|html` draws: [`log`]'s commits, each with its committer
/// time and the totals of each of its uploads (a line per flag), read from the stored
/// per-file totals without decoding any coverage.
#[instrument(skip_all)]
pub fn trend(ws: &Workspace, opts: &LogOptions) -> Result<Trend, Error> {
    trend_with(ws, opts, || {})
}

/// [`trend`], running `after_walk` between the walk and the reading of each commit's
/// uploads (tests put a concurrent record there).
fn trend_with(
    ws: &Workspace,
    opts: &LogOptions,
    after_walk: impl FnOnce(),
) -> Result<Trend, Error> {
    let ends = ends(ws, opts)?;
    let store = store_for_read(ws)?;
    // The walk and the details read one snapshot: a `record` landing between them is in
    // neither, so each table row shows the uploads of its entry and no point disagrees with
    // its row (the store was opened twice once, and a row could show an upload its entry
    // did not count).
    let _snapshot = store.read_snapshot()?;
    let (log, carried_each) = walk(ws, &store, ends, opts, true)?;
    after_walk();
    if log.entries.is_empty() {
        return Ok(Trend {
            log,
            details: Vec::new(),
        });
    }
    let mut details = Vec::with_capacity(log.entries.len());
    for (e, carried) in log.entries.iter().zip(carried_each) {
        let formats = store
            .commit_info(&e.commit)?
            .map(|i| i.uploads)
            .unwrap_or_default();
        let mut uploads: Vec<TrendUpload> = store
            .upload_totals(&e.commit)?
            .into_iter()
            .map(|(flag, recorded_at, totals)| {
                let info = formats.iter().find(|u| u.flag == flag);
                TrendUpload {
                    format: info.map(|u| u.format.clone()).unwrap_or_default(),
                    ci_status: info.map_or(e.ci_status, |u| u.ci_status),
                    flag,
                    recorded_at,
                    totals,
                    carried_from: None,
                }
            })
            .collect();
        uploads.extend(carried_uploads(&store, carried)?);
        details.push(CommitDetail {
            committed_at: ws.repo.commit_time(&e.commit).ok(),
            uploads,
        });
    }
    Ok(Trend { log, details })
}

/// The uploads a listed commit inherits, each with its own totals remapped to the commit
/// (SPEC "Flags": carried data is what compare would read), shown as carried from its origin.
fn carried_uploads(store: &Store, carried: CarriedTotals) -> Result<Vec<TrendUpload>, Error> {
    let mut out = Vec::new();
    for (flag, origin, totals) in carried {
        let info = store.commit_info(&origin)?.and_then(|i| {
            i.uploads
                .into_iter()
                .find(|u| u.flag.as_ref() == Some(&flag))
        });
        out.push(TrendUpload {
            format: info.as_ref().map(|u| u.format.clone()).unwrap_or_default(),
            ci_status: info.as_ref().map_or(CiStatus::Passed, |u| u.ci_status),
            recorded_at: store
                .upload_totals(&origin)?
                .into_iter()
                .find(|(f, _, _)| f.as_ref() == Some(&flag))
                .map_or(0, |(_, at, _)| at),
            flag: Some(flag),
            totals,
            carried_from: Some(origin),
        });
    }
    Ok(out)
}

/// What a listed commit inherits: each flag with its origin, the commit's totals with them
/// merged in, and (when asked) each inherited upload's own totals.
type Inherited = (Vec<(Flag, CommitId)>, Totals, CarriedTotals);

/// The flags `commit` inherits (SPEC "Flags": log reads reports as compare does) with their
/// origins, and its totals with them merged in (`own` when it inherits none). A flag with
/// nothing to carry it from is left out without a warning: `log` marks what is missing.
/// `origins` carries the origins found along the walk from one commit to the next older one.
/// With `each`, every inherited upload's own totals too, through the same diffs.
fn carried_totals(
    ws: &Workspace,
    (store, config): (&Store, &Config),
    commit: &CommitId,
    (own, each): (Totals, bool),
    origins: &mut BTreeMap<Flag, CommitId>,
) -> Result<Inherited, Error> {
    let from: Vec<(Flag, CommitId)> = carry::origins_along(
        &ws.repo,
        store,
        &config.flags.carryforward,
        commit,
        config.compare.max_depth,
        origins,
    )?
    .into_iter()
    .filter_map(|(f, origin)| origin.map(|o| (f, o)))
    .collect();
    if from.is_empty() {
        return Ok((from, own, Vec::new()));
    }
    let moves = config.compare.detect_moves;
    let found = carry::found_from(&ws.repo, moves, commit, from.clone(), &[])?;
    let mut carried = Vec::new();
    if each {
        for f in found.clone() {
            let (flag, origin) = (f.flag.clone(), f.origin.clone());
            carried.push((flag, origin, f.totals(store)?));
        }
    }
    Ok((from, carry::merged_totals(store, commit, found)?, carried))
}

/// Sets the CI status of a recorded commit; returns the commit.
pub fn mark(ws: &Workspace, rev: &str, status: CiStatus) -> Result<CommitId, Error> {
    let commit = ws.repo.resolve(rev)?;
    let mut store = ws.store_to_change()?;
    if store.mark(&commit, status)? {
        Ok(commit)
    } else {
        Err(Error::NotRecorded { commit, flag: None })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::git::fixture::git;
    use crate::model::Upload;
    use crate::testkit::{self, report};

    fn commit(dir: &Path, msg: &str) -> CommitId {
        git(dir, &["commit", "-q", "--allow-empty", "-m", msg]);
        CommitId::new(&git(dir, &["rev-parse", "HEAD"])).unwrap()
    }

    fn upload(flag: &str, hits: u64) -> Upload {
        let lines: &[(u32, u64)] = &[(1, 1), (2, hits)];
        testkit::upload(Some(flag), CiStatus::Passed, report(&[("a.py", lines)]))
    }

    #[test]
    fn the_trend_reads_its_entries_and_their_uploads_in_one_state_of_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("r");
        std::fs::create_dir(&repo).unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        let one = commit(&repo, "one");
        let two = commit(&repo, "two");
        let ws = Workspace::open(&repo, Some(dir.path().join("c.db"))).unwrap();
        let mut store = ws.store_for_write().unwrap();
        store.record(&one, &upload("unit", 0)).unwrap();
        store.record(&two, &upload("unit", 1)).unwrap();
        drop(store);

        let opts = LogOptions {
            range: None,
            limit: 10,
            max_walk: DEFAULT_LOG_WALK,
            expected: Vec::new(),
        };
        let trend = trend_with(&ws, &opts, || {
            // A CI job records another flag of the newest commit while the trend reads.
            Store::open(&ws.db_path)
                .unwrap()
                .record(&two, &upload("e2e", 0))
                .unwrap();
        })
        .unwrap();
        // Each table row shows the uploads of its entry, and the chart's point its totals.
        assert_eq!(trend.log.entries.len(), trend.details.len());
        for (e, d) in trend.log.entries.iter().zip(&trend.details) {
            let flags: Vec<_> = d.uploads.iter().map(|u| u.flag.clone()).collect();
            assert_eq!(flags, e.flags, "{}", e.commit.short());
        }
        assert_eq!(trend.log.entries[0].commit, two);
        assert_eq!(trend.log.entries[0].totals.hit, 2);
        assert_eq!(trend.details[0].uploads[0].totals.hit, 2);

        // The next trend sees the new upload, in both.
        let trend = trend_with(&ws, &opts, || {}).unwrap();
        assert_eq!(trend.details[0].uploads.len(), 2);
        assert_eq!(trend.log.entries[0].flags.len(), 2);
    }
}
