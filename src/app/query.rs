//! `covgit show`, `covgit log` and `covgit mark`: reading and annotating the store.

use std::collections::{BTreeMap, HashSet};

use tracing::instrument;

use crate::model::{CiStatus, CommitId, Flag, Totals};
use crate::render::{LogEntry, ShowView};

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
        flag: flag_note(opts.flag.as_ref()),
    };
    let info = store.commit_info(&commit)?.ok_or_else(not_recorded)?;
    // Files whose uploads all store the same coverage have their totals stored with it; only
    // files covered differently by several uploads are decoded, to merge them.
    let refs = store
        .file_refs(&commit, opts.flag.as_ref())?
        .ok_or_else(not_recorded)?;
    let mut files: BTreeMap<String, Totals> = refs
        .into_iter()
        .filter_map(|(path, r)| r.totals.map(|t| (path, t)))
        .collect();
    let known: HashSet<String> = files.keys().cloned().collect();
    let merged = store
        .report_without(&commit, opts.flag.as_ref(), &known)?
        .ok_or_else(not_recorded)?;
    files.extend(merged.files.iter().map(|(p, f)| (p.clone(), f.totals())));
    let mut totals = Totals::default();
    for t in files.values() {
        totals.add(t);
    }
    let uploads = info
        .uploads
        .iter()
        .filter(|u| opts.flag.is_none() || u.flag == opts.flag)
        .map(|u| (u.flag.clone(), u.format.clone()))
        .collect();
    Ok(ShowView {
        commit,
        ci_status: info.ci_status,
        uploads,
        totals,
        files: files.into_iter().collect(),
        unresolved: merged.unresolved.iter().cloned().collect(),
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
}

/// The walk bound of `covgit log`: generous enough for any history a user means to list,
/// small enough that a store whose commits are all off HEAD's history answers in moments.
pub const DEFAULT_LOG_WALK: usize = 10_000;

/// The recorded commits found and how the walk went.
#[derive(Debug)]
pub struct LogOutcome {
    /// Newest first, at most `limit`.
    pub entries: Vec<LogEntry>,
    /// First-parent commits walked.
    pub walked: usize,
    /// Set when the walk was cut short before `limit` entries were found.
    pub stopped: Option<LogStop>,
    /// With no entry: the remote that shares coverage this clone could pull.
    pub shared_on: Option<String>,
}

/// Why `log` stopped walking before it found as many recorded commits as asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStop {
    /// `max_walk` commits were walked.
    WalkLimit,
    /// The history is shallow there.
    Shallow,
}

/// Recorded commits along HEAD's (or the range's) first-parent history, newest first, each
/// with its change against the next older recorded one. SPEC `log -n N`: the N newest
/// *recorded* commits, however many unrecorded ones lie between, the walk bounded by
/// `max_walk` commits.
#[instrument(skip_all)]
pub fn log(ws: &Workspace, opts: &LogOptions) -> Result<LogOutcome, Error> {
    let (from, stop) = match opts.range.as_deref() {
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
    };
    let store = store_for_read(ws)?;
    let _snapshot = store.read_snapshot()?;
    // One entry more than asked for, when the walk finds it, gives the last one its change.
    let wanted = opts.limit.saturating_add(1);
    let mut entries: Vec<LogEntry> = Vec::new();
    let mut cur = Some(from);
    let mut walked = 0;
    let mut stopped = None;
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
            entries.push(LogEntry {
                commit: c.clone(),
                ci_status: info.ci_status,
                flags: info.uploads.iter().map(|u| u.flag.clone()).collect(),
                totals: info.totals,
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
    if entries.len() >= opts.limit {
        stopped = None;
    }
    // `-n 0` asks for nothing, so no hint is printed: the remote is not asked.
    let shared_on = if entries.is_empty() && opts.limit > 0 {
        unpulled_remote(ws)
    } else {
        None
    };
    Ok(LogOutcome {
        entries,
        walked,
        stopped,
        shared_on,
    })
}

/// The merge-base of two revisions; with none, the error names them as the user typed them,
/// beside their short SHAs (issue 12.15).
pub(crate) fn merge_base_named(
    repo: &crate::git::Repo,
    (a_typed, a): (&str, &CommitId),
    (b_typed, b): (&str, &CommitId),
) -> Result<CommitId, Error> {
    repo.merge_base(a, b).map_err(|e| match e {
        crate::git::GitError::NoMergeBase { shallow, .. } => crate::git::GitError::NoMergeBase {
            a: format!("'{a_typed}' ({})", a.short()),
            b: format!("'{b_typed}' ({})", b.short()),
            shallow,
        }
        .into(),
        other => other.into(),
    })
}

/// The remote that shares coverage not pulled here yet, for hints that would otherwise say
/// `covgit record` in a clone where nothing is recorded (issue 12.16): `origin` when it lists
/// `refs/covgit/data` at a commit other than the one last pulled. `None` when there is no
/// such remote, everything it shares is pulled, or it cannot be asked quickly.
pub(crate) fn unpulled_remote(ws: &Workspace) -> Option<String> {
    const REMOTE: &str = "origin";
    (ws.repo.has_remote(REMOTE) && unpulled_coverage(ws, REMOTE)).then(|| REMOTE.to_owned())
}

/// How long a hint may wait for a remote to list its refs.
const PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// Whether `remote` holds shared coverage (`refs/covgit/data`) that was never pulled here,
/// or changed since the last pull. A remote that cannot be reached, or not without asking
/// for credentials, or not within a few seconds, counts as no.
pub(crate) fn unpulled_coverage(ws: &Workspace, remote: &str) -> bool {
    let Some(tip) = ws.repo.probe_remote_data(remote, PROBE_TIMEOUT) else {
        return false;
    };
    let pulled = ws
        .repo
        .local_ref(&crate::git::Repo::tracking_ref(remote))
        .ok()
        .flatten();
    pulled.as_ref() != Some(&tip)
}

/// The store to read; with no database yet, an error that says `covgit pull` where a remote
/// shares coverage, and `covgit record` otherwise.
pub(crate) fn store_for_read(ws: &Workspace) -> Result<crate::store::Store, Error> {
    match ws.store_for_read() {
        Err(Error::NoDatabase { path }) => Err(match unpulled_remote(ws) {
            Some(remote) => Error::NotPulled { path, remote },
            None => Error::NoDatabase { path },
        }),
        other => other,
    }
}

/// Sets the CI status of a recorded commit; returns the commit.
pub fn mark(ws: &Workspace, rev: &str, status: CiStatus) -> Result<CommitId, Error> {
    let commit = ws.repo.resolve(rev)?;
    let mut store = ws.store_to_change()?;
    if store.mark(&commit, status)? {
        Ok(commit)
    } else {
        Err(Error::NotRecorded {
            commit,
            flag: String::new(),
        })
    }
}

pub(crate) fn flag_note(flag: Option<&Flag>) -> String {
    flag.map(|f| format!(" for flag '{f}'")).unwrap_or_default()
}

/// `A..B` or `A...B` (SPEC: the same range, the base being the merge-base either way) as
/// `(A, B)`, an empty side being HEAD, as git reads it.
pub(crate) fn split_range(r: &str) -> Result<(&str, &str), Error> {
    let split = r.split_once("...").or_else(|| r.split_once(".."));
    match split {
        Some((a, b)) if !a.contains("..") && !b.starts_with('.') && !b.contains("..") => {
            let a = if a.is_empty() { "HEAD" } else { a };
            let b = if b.is_empty() { "HEAD" } else { b };
            Ok((a, b))
        }
        _ => Err(Error::BadRange(r.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::split_range;

    #[test]
    fn three_dots_mean_the_same_range_as_two() {
        // Issue 12.17: `compare main...HEAD` was refused.
        for (r, want) in [
            ("main..HEAD", ("main", "HEAD")),
            ("main...HEAD", ("main", "HEAD")),
            ("main...", ("main", "HEAD")),
            ("...topic", ("HEAD", "topic")),
            ("..topic", ("HEAD", "topic")),
        ] {
            assert_eq!(split_range(r).unwrap(), want, "{r}");
        }
        for bad in ["a....b", "a..b..c", "a...b...c", "a..b...c", "..a...b"] {
            assert_eq!(
                split_range(bad).unwrap_err().to_string(),
                format!("'{bad}' is not a revision range: expected A..B or A...B"),
            );
        }
    }
}
