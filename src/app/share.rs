//! `covgit push` and `covgit pull`: sharing recorded uploads through the git remote's
//! `refs/covgit/data`, no server. The store says what a remote lacks and imports what is
//! new; git writes and reads the objects and moves them; this module wires the two.
//!
//! Concurrent pushers: each builds its data commit on top of the remote's and pushes it as
//! a fast-forward only. When another job got there first the push is refused; this one
//! fetches, rebuilds on the new tip (the later record of a key wins, ties by bytes, so every
//! pusher decides alike) and tries again. No record is lost and none is forced over.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::time::Duration;

use tracing::{debug, instrument, warn};

use crate::git::{PushOutcome, Repo, SharedLocator, SharedReader, bounded};
use crate::model::{CommitId, FileCoverage, Flag, SharedRecord};
use crate::store::{self, SharedMeta, SharedUpload};

use super::{Error, Workspace};

/// Uploads read from the store per data commit written by a push.
const PUSH_BATCH: usize = 16;

/// The most coverage lines one shared record may hold, summed over its files and counted
/// before any is decoded. A decoded line takes about 48 bytes, so this keeps one record under
/// 200 MB; the largest real reports (a whole monorepo in one upload) stay well below it, and
/// one that does not can be recorded in parts with `--flag`. A crafted record of 20 million
/// lines compresses to a few kilobytes and would otherwise take gigabytes.
pub const MAX_RECORD_LINES: u64 = 4_000_000;

/// How often a push that lost the race to a concurrent one is rebuilt and retried.
const PUSH_ATTEMPTS: u32 = 30;

/// Records named in full in a refusal or a "newer on the remote" note.
const NAMED: usize = 5;

/// What [`push`] sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSummary {
    /// The remote as named.
    pub remote: String,
    /// Uploads the remote received.
    pub uploads: usize,
    /// Distinct commits among them.
    pub commits: usize,
    /// Uploads not sent because the remote already held a later record of their key.
    pub superseded: usize,
    /// Of those, the keys whose remote record differs from ours (newer, or a tombstone):
    /// commit and flag.
    pub newer_on_remote: Vec<(CommitId, Option<Flag>)>,
    /// Forgotten uploads whose tombstone the remote received.
    pub forgotten: usize,
    /// Pushes refused by concurrent ones before this one went through.
    pub retries: u32,
    /// The remote's data commit afterwards (`None` when nothing is recorded anywhere).
    pub tip: Option<CommitId>,
    /// Uploads of commits only this clone has (baseline snapshots, or commits no longer
    /// here), not sent: no other clone could use them.
    pub kept_local: usize,
}

/// A shared record pull did not import, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRecord {
    /// The commit (short) or the folder as named in the shared tree.
    pub commit: String,
    /// The flag, empty for the unflagged upload.
    pub flag: String,
    /// Why it was skipped, in one sentence.
    pub why: String,
}

/// What [`pull`] received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullSummary {
    /// The remote as named.
    pub remote: String,
    /// Records read from the remote (new or changed since the last pull).
    pub received: usize,
    /// Uploads stored.
    pub imported: usize,
    /// Distinct commits among the received records.
    pub commits: usize,
    /// Records skipped because this store holds a later record of the key.
    pub kept_local: usize,
    /// Local uploads removed because they were forgotten elsewhere.
    pub removed: usize,
    /// Records skipped because this store forgot their key later.
    pub forgotten: usize,
    /// Records that could not be used (malformed, bad paths, dated in the future); each was
    /// also named in one warning.
    pub skipped: Vec<SkippedRecord>,
    /// The remote's data commit that was read.
    pub tip: CommitId,
}

/// What [`forget`] removed: the flags of the forgotten uploads (`None`: unflagged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForgetSummary {
    /// The commit whose uploads were forgotten.
    pub commit: CommitId,
    /// The flags of the forgotten uploads (`None`: unflagged).
    pub flags: Vec<Option<Flag>>,
}

/// This machine's clock, Unix seconds.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs().cast_signed())
}

/// Removes the uploads of commit `rev` (only `flag`'s when given) and leaves tombstones, so
/// that pull does not bring them back and the next push removes them from the remote. A full
/// SHA this repository does not have (a commit gone from history) is taken as it is.
#[instrument(skip_all, fields(rev))]
pub fn forget(ws: &Workspace, rev: &str, flag: Option<&Flag>) -> Result<ForgetSummary, Error> {
    let commit = match ws.repo.resolve(rev) {
        Ok(c) => c,
        Err(e) => CommitId::new(rev).map_err(|_| e)?,
    };
    let commit = &commit;
    let mut store = ws.store_for_write()?;
    let flags = store.forget(commit, flag, now())?;
    if flags.is_empty() {
        return Err(Error::NothingToForget {
            commit: commit.clone(),
            flag: flag
                .map(|f| format!(" with flag '{}'", bounded(f.as_str())))
                .unwrap_or_default(),
        });
    }
    Ok(ForgetSummary {
        commit: commit.clone(),
        flags,
    })
}

/// Sends the uploads and tombstones `remote` does not hold yet.
#[instrument(skip_all, fields(remote))]
pub fn push(ws: &Workspace, remote: &str) -> Result<PushSummary, Error> {
    let mut store = ws.store_for_write()?;
    let repo = &ws.repo;
    let mut tip = repo.remote_data(remote)?;
    if tip.is_none() {
        // A remote without covgit data holds nothing, whatever this store remembers.
        store.forget_remote(remote)?;
    }
    let (keys, local): (Vec<_>, Vec<_>) = store
        .unshared_keys(remote)?
        .into_iter()
        .partition(|(_, commit)| repo.has_commit(commit) && !repo.is_snapshot(commit));
    let tombstones = store.unshared_forgotten(remote)?;
    let mut summary = PushSummary {
        remote: remote.to_owned(),
        uploads: 0,
        commits: 0,
        superseded: 0,
        newer_on_remote: Vec::new(),
        forgotten: 0,
        retries: 0,
        tip: tip.clone(),
        kept_local: local.len(),
    };
    if keys.is_empty() && tombstones.is_empty() {
        return Ok(summary);
    }
    let now = now();
    let keep_new = |old: &[u8], new: &[u8]| store::newer(old, new, now);
    let tombstone_records: Vec<SharedRecord> =
        tombstones.iter().map(|t| t.record.clone()).collect();
    let tracking = Repo::tracking_ref(remote);
    for attempt in 0..PUSH_ATTEMPTS {
        // Build on the remote's tip only once it is fetched here: having its commit object is
        // not enough (a clone made while another job pushed can hold the commit without its
        // tree), and `git fetch` completes what is missing.
        if let Some(t) = &tip
            && repo.local_ref(&tracking)?.as_ref() != Some(t)
        {
            tip = repo.fetch_data(remote)?;
        }
        let built = build(
            repo,
            &store,
            tip.as_ref(),
            &tombstone_records,
            &keys,
            &keep_new,
        )?;
        let (head, written, forgotten, kept_old) =
            (built.head, built.written, built.forgotten, built.kept_old);
        summary.newer_on_remote = kept_old;
        let Some(made) = head.filter(|_| written > 0) else {
            // The remote already holds these records or later ones.
            mark_shared(&mut store, remote, &keys, &tombstones)?;
            summary.superseded = keys.len();
            summary.tip.clone_from(&tip);
            return Ok(summary);
        };
        match repo.push_data(remote, &made)? {
            PushOutcome::Pushed => {
                repo.set_local_ref(&Repo::tracking_ref(remote), &made)?;
                mark_shared(&mut store, remote, &keys, &tombstones)?;
                summary.uploads = written - forgotten;
                summary.forgotten = forgotten;
                summary.superseded = keys.len() - summary.uploads;
                summary.commits = keys.iter().map(|(_, c)| c).collect::<BTreeSet<_>>().len();
                summary.retries = attempt;
                summary.tip = Some(made);
                return Ok(summary);
            }
            PushOutcome::LostRace(reason) => {
                debug!(attempt, reason, "push refused; fetching and retrying");
                std::thread::sleep(backoff(attempt));
                tip = repo.fetch_data(remote)?;
            }
            // A refusal git did not call a race may still be one (a remote's ref lock
            // taken by another push reads as "failed to update ref"): the ref moved.
            PushOutcome::Refused(reason) if repo.remote_data(remote)? != tip => {
                debug!(
                    attempt,
                    reason, "push refused while the ref moved; retrying"
                );
                std::thread::sleep(backoff(attempt));
                tip = repo.fetch_data(remote)?;
            }
            PushOutcome::Refused(words) => {
                return Err(Error::PushRefused {
                    remote: bounded(remote),
                    words,
                    sent: describe_keys(
                        keys.iter()
                            .map(|(_, c)| c)
                            .chain(tombstones.iter().map(|t| &t.record.commit)),
                    ),
                });
            }
        }
    }
    Err(Error::PushContended {
        remote: remote.to_owned(),
        attempts: PUSH_ATTEMPTS,
    })
}

/// What [`build`] wrote.
struct Built {
    head: Option<CommitId>,
    written: usize,
    forgotten: usize,
    kept_old: Vec<(CommitId, Option<Flag>)>,
}

/// Writes data commits on `tip` holding the tombstones (first: they are small), then the
/// uploads of `keys` a batch at a time in memory, each batch one data commit on the last.
fn build(
    repo: &Repo,
    store: &store::Store,
    tip: Option<&CommitId>,
    tombstones: &[SharedRecord],
    keys: &[(store::UploadKey, CommitId)],
    keep_new: &dyn Fn(&[u8], &[u8]) -> bool,
) -> Result<Built, Error> {
    let mut out = Built {
        head: tip.cloned(),
        written: 0,
        forgotten: 0,
        kept_old: Vec::new(),
    };
    if !tombstones.is_empty() {
        let made = repo.write_shared(out.head.as_ref(), tombstones, keep_new)?;
        out.forgotten = made.written;
        out.written += made.written;
        out.kept_old.extend(made.kept_old);
        out.head = Some(made.id);
    }
    for batch in keys.chunks(PUSH_BATCH) {
        let records = store.pending_encoded(batch)?;
        let made = repo.write_shared(out.head.as_ref(), &records, keep_new)?;
        out.written += made.written;
        out.kept_old.extend(made.kept_old);
        out.head = Some(made.id);
    }
    Ok(out)
}

/// "abc1234, def5678 and 3 more": the commits of a refused push, so the user can `forget`
/// the upload the remote will not take.
fn describe_keys<'a>(commits: impl Iterator<Item = &'a CommitId>) -> String {
    let all: BTreeSet<&str> = commits.map(CommitId::short).collect();
    let mut out = all
        .iter()
        .take(NAMED)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if all.len() > NAMED {
        let _ = write!(out, " and {} more", all.len() - NAMED);
    }
    out
}

/// Fetches `remote`'s covgit data and imports the records that are new since the last pull,
/// in one transaction. A record that cannot be used is skipped and named in one warning;
/// the rest are imported. Fails (store untouched) only when records came and none could be
/// read.
#[instrument(skip_all, fields(remote))]
pub fn pull(ws: &Workspace, remote: &str) -> Result<PullSummary, Error> {
    let repo = &ws.repo;
    let Some(tip) = repo.remote_data(remote)? else {
        return Err(Error::NoSharedCoverage {
            remote: remote.to_owned(),
        });
    };
    let tip = if repo.has_commit(&tip) {
        repo.set_local_ref(&Repo::tracking_ref(remote), &tip)?;
        tip
    } else {
        repo.fetch_data(remote)?
            .ok_or_else(|| Error::NoSharedCoverage {
                remote: remote.to_owned(),
            })?
    };
    let mut store = ws.store_for_write()?;
    let mark = store
        .pulled_mark(remote)?
        .and_then(|m| CommitId::new(&m).ok());
    let mut summary = PullSummary {
        remote: remote.to_owned(),
        received: 0,
        imported: 0,
        commits: 0,
        kept_local: 0,
        removed: 0,
        forgotten: 0,
        skipped: Vec::new(),
        tip: tip.clone(),
    };
    if mark.as_ref() == Some(&tip) {
        return Ok(summary);
    }
    let listing = repo.shared_locators(mark.as_ref(), &tip)?;
    summary.skipped = listing
        .problems
        .into_iter()
        .map(|p| SkippedRecord {
            commit: p.commit,
            flag: p.flag,
            why: p.why,
        })
        .collect();
    let problems = summary.skipped.len();
    let now = now();
    let mut reader = repo.shared_reader();
    let mut decoded = Decoded::default();
    let mut commits = BTreeSet::new();
    // One transaction: every usable record lands, or (on a store error) none does. Records
    // are read and imported one at a time, so memory holds one record and the decoded
    // coverage kept for reuse, never the whole history.
    let mut import = store.begin_import(remote, now)?;
    for loc in &listing.records {
        match read_record(&mut reader, &tip, loc, now, &mut decoded) {
            Ok(Item::Upload(up, key)) => import.add_keyed(&up, key.as_deref())?,
            Ok(Item::Forgotten(at)) => import.add_forgotten(&loc.commit, loc.flag.as_ref(), at)?,
            Err(why) => {
                summary.skipped.push(SkippedRecord {
                    commit: loc.commit.short().to_owned(),
                    flag: loc
                        .flag
                        .as_ref()
                        .map_or_else(String::new, |f| bounded(f.as_str())),
                    why,
                });
                continue;
            }
        }
        commits.insert(loc.commit.clone());
    }
    // Entries found malformed while listing count as received records too.
    summary.received = listing.records.len() + problems;
    let read = commits.len();
    if !summary.skipped.is_empty() && read == 0 {
        // Nothing could be read: leave the store and the pull position as they were.
        drop(import);
        let first = &summary.skipped[0];
        return Err(Error::NothingReadable {
            remote: bounded(remote),
            count: summary.skipped.len(),
            first: format!("{}: {}", key_name(first), first.why),
        });
    }
    let outcome = import.finish(Some(tip.as_str()))?;
    summary.imported = outcome.imported;
    summary.kept_local = outcome.kept_local;
    summary.removed = outcome.removed;
    summary.forgotten = outcome.forgotten;
    summary.commits = commits.len();
    if !summary.skipped.is_empty() {
        warn!("{}", skipped_warning(remote, &summary.skipped));
    }
    Ok(summary)
}

/// "commit abc1234 (unit)" or "commit abc1234 (no flag)".
fn key_name(s: &SkippedRecord) -> String {
    if s.flag.is_empty() {
        format!("{} (no flag)", s.commit)
    } else {
        format!("{} ({})", s.commit, s.flag)
    }
}

/// The one warning naming every skipped record (commit, flag, why).
fn skipped_warning(remote: &str, skipped: &[SkippedRecord]) -> String {
    let mut line = format!(
        "skipped {} shared record{} of {} that could not be used (they are not read again until the remote changes them): ",
        skipped.len(),
        if skipped.len() == 1 { "" } else { "s" },
        bounded(remote)
    );
    for (i, s) in skipped.iter().enumerate() {
        if i > 0 {
            line.push_str("; ");
        }
        let _ = write!(line, "{}: {}", key_name(s), s.why);
    }
    line
}

/// One shared record as pull imports it.
enum Item {
    /// An upload and the key of its files.
    Upload(SharedUpload, Option<String>),
    Forgotten(i64),
}

/// Decoded file sets kept for reuse (records whose files have the same key hold the same
/// coverage), at most [`MAX_RECORD_LINES`] lines in all.
#[derive(Default)]
struct Decoded {
    sets: HashMap<String, BTreeMap<String, FileCoverage>>,
    lines: u64,
}

/// Reads, checks and decodes the record at `loc`; `Err` says why it cannot be used.
fn read_record(
    reader: &mut SharedReader<'_>,
    tip: &CommitId,
    loc: &SharedLocator,
    now: i64,
    decoded: &mut Decoded,
) -> Result<Item, String> {
    let head = reader.head(tip, loc).map_err(|e| e.to_string())?;
    let meta = store::decode_shared(&head.meta)
        .map_err(|e| format!("its description is unreadable ({e})"))?;
    if store::from_the_future(meta.at(), now) {
        return Err(format!(
            "it is dated {}, more than a day after this machine's clock (a runner with a wrong clock?)",
            meta.at()
        ));
    }
    let meta = match meta {
        SharedMeta::Forgotten { forgotten_at } => return Ok(Item::Forgotten(forgotten_at)),
        SharedMeta::Upload(m) => m,
    };
    if let Some(bad) = meta
        .unresolved
        .iter()
        .find(|p| p.len() > 4096 || p.chars().any(char::is_control))
    {
        return Err(format!(
            "unresolved path '{}' is too long or holds control characters",
            bounded(bad)
        ));
    }
    let files = match &head.files_key {
        None => BTreeMap::new(),
        Some(key) => match decoded.sets.get(key) {
            Some(files) => files.clone(),
            None => {
                let raw = reader.files(tip, key).map_err(|e| e.to_string())?;
                let (files, lines) = decode_files(&raw)?;
                if decoded.lines + lines > MAX_RECORD_LINES {
                    decoded.sets.clear();
                    decoded.lines = 0;
                }
                if lines <= MAX_RECORD_LINES {
                    decoded.lines += lines;
                    decoded.sets.insert(key.clone(), files.clone());
                }
                files
            }
        },
    };
    let recorded_at = meta.recorded_at;
    Ok(Item::Upload(
        SharedUpload {
            commit: loc.commit.clone(),
            upload: meta.into_upload(loc.flag.clone(), files),
            recorded_at,
        },
        head.files_key,
    ))
}

/// Decodes a record's files after checking every path and the record's line count; the
/// files and their number of lines, or why the record cannot be used.
fn decode_files(
    raw: &[(String, Vec<u8>)],
) -> Result<(BTreeMap<String, FileCoverage>, u64), String> {
    let mut lines: u64 = 0;
    for (path, bytes) in raw {
        if let Some(why) = not_a_tree_path(path) {
            return Err(format!(
                "path '{}' is not a repository path: {why}",
                bounded(path)
            ));
        }
        if path.chars().any(char::is_control) {
            return Err(format!("path '{}' holds control characters", bounded(path)));
        }
        let n = store::line_count(bytes)
            .map_err(|e| format!("the coverage of '{}' is unreadable ({e})", bounded(path)))?;
        lines = lines.saturating_add(n);
        if lines > MAX_RECORD_LINES {
            return Err(format!("it holds more than {MAX_RECORD_LINES} lines"));
        }
    }
    let mut files = BTreeMap::new();
    for (path, bytes) in raw {
        let cov = store::decode_file(bytes)
            .map_err(|e| format!("the coverage of '{}' is unreadable ({e})", bounded(path)))?;
        files.insert(path.clone(), cov);
    }
    Ok((files, lines))
}

/// Why `path` is not a path as it appears in a git tree (relative, `/`-separated, not empty,
/// no leading or trailing `/`, no `.`, `..` or empty components, no `\\` or NUL), if it is not.
fn not_a_tree_path(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        Some("it is empty")
    } else if path.contains('\0') {
        Some("it contains a NUL byte")
    } else if path.contains('\\') {
        Some("it contains a backslash")
    } else if path.starts_with('/') {
        Some("it is absolute")
    } else if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        Some("it has an empty, '.' or '..' component")
    } else {
        None
    }
}

fn mark_shared(
    store: &mut store::Store,
    remote: &str,
    keys: &[(store::UploadKey, CommitId)],
    tombstones: &[store::PendingForgotten],
) -> Result<(), Error> {
    let keys: Vec<store::UploadKey> = keys.iter().map(|(k, _)| *k).collect();
    store.mark_shared(remote, &keys)?;
    let t: Vec<store::ForgottenKey> = tombstones.iter().map(|t| t.key).collect();
    Ok(store.mark_forgotten_shared(remote, &t)?)
}

/// A decoded upload in the shared encoding (push sends what the store holds, already
/// encoded: [`store::Store::pending_encoded`]).
#[cfg(test)]
fn to_record(s: &SharedUpload) -> SharedRecord {
    SharedRecord {
        commit: s.commit.clone(),
        flag: s.upload.flag.clone(),
        meta: store::encode_meta(&s.upload, s.recorded_at),
        files: s
            .upload
            .report
            .files
            .iter()
            .map(|(path, cov)| (path.clone(), store::encode_file(cov)))
            .collect(),
    }
}

/// Waits a little longer after each refusal, spread by process id so racing jobs part.
fn backoff(attempt: u32) -> Duration {
    let spread = u64::from(std::process::id() % 97);
    Duration::from_millis(20 * u64::from(attempt.min(10)) + spread)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CiStatus, FileCoverage, Flag, LineCoverage, Report, Upload};

    #[test]
    fn records_round_trip_through_the_shared_encoding() {
        let cov = FileCoverage::from_sorted(vec![(3, LineCoverage::new(2))]).unwrap();
        let s = SharedUpload {
            commit: CommitId::new(&"ab".repeat(20)).unwrap(),
            upload: Upload {
                flag: Some(Flag::new("unit").unwrap()),
                format: "lcov".into(),
                ci_status: CiStatus::Failed,
                report: Report {
                    files: [("a/b.rs".to_owned(), cov)].into(),
                    unresolved: ["x.c".to_owned()].into(),
                },
            },
            recorded_at: 42,
        };
        let r = to_record(&s);
        let meta = match store::decode_shared(&r.meta).unwrap() {
            SharedMeta::Upload(m) => m,
            SharedMeta::Forgotten { .. } => panic!("not a tombstone"),
        };
        let (files, lines) = decode_files(&r.files).unwrap();
        assert_eq!(lines, 1);
        assert_eq!(meta.into_upload(r.flag.clone(), files), s.upload);
        let mut broken = r.clone();
        broken.files[0].1.push(7);
        let e = decode_files(&broken.files).unwrap_err();
        assert!(e.contains("'a/b.rs'") && e.contains("trailing"), "{e}");
        for bad in ["/etc/passwd", "a/../b", "a\u{1b}]0;x"] {
            let mut b = r.clone();
            b.files[0].0 = bad.to_owned();
            assert!(decode_files(&b.files).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn only_tree_paths_are_repository_paths() {
        assert_eq!(not_a_tree_path("src/a.py"), None);
        for bad in ["", "/abs", "a//b", "a/./b", "../x", "a\\b", "a/", "a\0b"] {
            assert!(not_a_tree_path(bad).is_some(), "{bad:?} accepted");
        }
    }
}
