//! `covgit push` and `covgit pull`: sharing recorded uploads through the git remote's
//! `refs/covgit/data`, no server. The store says what a remote lacks and imports what is
//! new; git writes and reads the objects and moves them; this module wires the two.
//!
//! Concurrent pushers: each builds its data commit on top of the remote's and pushes it as
//! a fast-forward only. When another job got there first the push is refused; this one
//! fetches, rebuilds on the new tip (the later record of a key wins, ties by bytes, so every
//! pusher decides alike) and tries again. No record is lost and none is forced over.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use tracing::{debug, instrument};

use crate::git::{PushOutcome, Repo, SharedRecord};
use crate::model::{CommitId, FileCoverage, Flag};
use crate::store::{self, SharedUpload};

use super::{Error, Workspace};

/// Records imported per transaction by a pull.
const PULL_BATCH: usize = 16;
/// Uploads read from the store per data commit written by a push.
const PUSH_BATCH: usize = 16;
/// Distinct decoded file sets a pull keeps for reuse.
const DECODED_KEEP: usize = 16;

/// How often a push refused by a concurrent one is rebuilt and retried.
const PUSH_ATTEMPTS: u32 = 30;

/// What [`push`] sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSummary {
    pub remote: String,
    /// Uploads the remote received.
    pub uploads: usize,
    /// Distinct commits among them.
    pub commits: usize,
    /// Uploads not sent because the remote already held a later record of their key.
    pub superseded: usize,
    /// Pushes refused by concurrent ones before this one went through.
    pub retries: u32,
    /// The remote's data commit afterwards (`None` when nothing is recorded anywhere).
    pub tip: Option<CommitId>,
    /// Uploads of commits only this clone has (baseline snapshots, or commits no longer
    /// here), not sent: no other clone could use them.
    pub kept_local: usize,
}

/// What [`pull`] received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullSummary {
    pub remote: String,
    /// Records read from the remote (new or changed since the last pull).
    pub received: usize,
    /// Uploads stored.
    pub imported: usize,
    /// Distinct commits among the received records.
    pub commits: usize,
    /// Records skipped because this store holds a later record of the key.
    pub kept_local: usize,
    pub tip: CommitId,
}

/// Sends the uploads `remote` does not hold yet.
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
    let mut summary = PushSummary {
        remote: remote.to_owned(),
        uploads: 0,
        commits: 0,
        superseded: 0,
        retries: 0,
        tip: tip.clone(),
        kept_local: local.len(),
    };
    if keys.is_empty() {
        return Ok(summary);
    }
    let keep_new = |old: &[u8], new: &[u8]| store::newer(old, new);
    for attempt in 0..PUSH_ATTEMPTS {
        if let Some(t) = &tip
            && !repo.has_commit(t)
        {
            tip = repo.fetch_data(remote)?;
        }
        // A batch of uploads at a time in memory, each batch one data commit on the last.
        let mut head = tip.clone();
        let mut written = 0;
        for batch in keys.chunks(PUSH_BATCH) {
            let records: Vec<SharedRecord> = store
                .pending_encoded(batch)?
                .into_iter()
                .map(|e| SharedRecord {
                    commit: e.commit,
                    flag: e.flag,
                    meta: e.meta,
                    files: e.files,
                })
                .collect();
            let made = repo.write_shared(head.as_ref(), &records, &keep_new)?;
            written += made.written;
            head = Some(made.id);
        }
        let Some(made) = head.filter(|_| written > 0) else {
            // The remote already holds these records or later ones.
            mark_shared(&mut store, remote, &keys)?;
            summary.superseded = keys.len();
            summary.tip.clone_from(&tip);
            return Ok(summary);
        };
        match repo.push_data(remote, &made)? {
            PushOutcome::Pushed => {
                repo.set_local_ref(&Repo::tracking_ref(remote), &made)?;
                mark_shared(&mut store, remote, &keys)?;
                summary.uploads = written;
                summary.superseded = keys.len() - written;
                summary.commits = keys.iter().map(|(_, c)| c).collect::<BTreeSet<_>>().len();
                summary.retries = attempt;
                summary.tip = Some(made);
                return Ok(summary);
            }
            PushOutcome::Rejected(reason) => {
                debug!(attempt, reason, "push refused; fetching and retrying");
                std::thread::sleep(backoff(attempt));
                tip = repo.fetch_data(remote)?;
            }
        }
    }
    Err(Error::PushContended {
        remote: remote.to_owned(),
        attempts: PUSH_ATTEMPTS,
    })
}

/// Fetches `remote`'s covgit data and imports the records that are new since the last pull.
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
        tip: tip.clone(),
    };
    if mark.as_ref() == Some(&tip) {
        return Ok(summary);
    }
    // In batches, so memory holds a batch of uploads, not the whole history; the pull
    // position moves with the last batch only, so an interrupted pull starts over safely.
    let locators = repo.shared_locators(mark.as_ref(), &tip)?;
    let mut reader = repo.shared_reader();
    // Records with the same files key hold the same coverage: decode it once.
    let mut decoded: HashMap<String, BTreeMap<String, FileCoverage>> = HashMap::new();
    let mut commits = BTreeSet::new();
    let batches = locators.len().div_ceil(PULL_BATCH).max(1);
    for (i, batch) in locators
        .chunks(PULL_BATCH)
        .chain(
            // No record at all: still note the position.
            locators.is_empty().then_some(&[][..]),
        )
        .enumerate()
    {
        let mut uploads = Vec::with_capacity(batch.len());
        for loc in batch {
            let head = reader.head(&tip, loc)?;
            let files = match &head.files_key {
                None => BTreeMap::new(),
                Some(key) => match decoded.get(key) {
                    Some(files) => files.clone(),
                    None => {
                        let raw = reader.files(&tip, key)?;
                        let files = decode_files(&loc.commit, &raw)?;
                        if decoded.len() >= DECODED_KEEP {
                            decoded.clear();
                        }
                        decoded.insert(key.clone(), files.clone());
                        files
                    }
                },
            };
            uploads.push(to_upload(
                &loc.commit,
                loc.flag.as_ref(),
                &head.meta,
                files,
            )?);
            commits.insert(loc.commit.clone());
        }
        let last = i + 1 == batches;
        let outcome = store.import_shared(remote, &uploads, last.then_some(tip.as_str()))?;
        summary.received += uploads.len();
        summary.imported += outcome.imported;
        summary.kept_local += outcome.kept_local;
    }
    summary.commits = commits.len();
    Ok(summary)
}

fn mark_shared(
    store: &mut store::Store,
    remote: &str,
    keys: &[(store::UploadKey, CommitId)],
) -> Result<(), Error> {
    let keys: Vec<store::UploadKey> = keys.iter().map(|(k, _)| *k).collect();
    Ok(store.mark_shared(remote, &keys)?)
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

fn decode_files(
    commit: &CommitId,
    raw: &[(String, Vec<u8>)],
) -> Result<BTreeMap<String, FileCoverage>, Error> {
    raw.iter()
        .map(|(path, bytes)| {
            let cov = store::decode_file(bytes).map_err(|source| Error::BadSharedRecord {
                commit: commit.clone(),
                what: format!("'{path}'"),
                source,
            })?;
            Ok((path.clone(), cov))
        })
        .collect()
}

fn to_upload(
    commit: &CommitId,
    flag: Option<&Flag>,
    meta: &[u8],
    files: BTreeMap<String, FileCoverage>,
) -> Result<SharedUpload, Error> {
    let meta = store::decode_meta(meta).map_err(|source| Error::BadSharedRecord {
        commit: commit.clone(),
        what: "its description".into(),
        source,
    })?;
    let recorded_at = meta.recorded_at;
    Ok(SharedUpload {
        commit: commit.clone(),
        upload: meta.into_upload(flag.cloned(), files),
        recorded_at,
    })
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
        let from_record = |r: &SharedRecord| -> Result<SharedUpload, Error> {
            to_upload(
                &r.commit,
                r.flag.as_ref(),
                &r.meta,
                decode_files(&r.commit, &r.files)?,
            )
        };
        assert_eq!(from_record(&to_record(&s)).unwrap(), s);
        let mut broken = to_record(&s);
        broken.files[0].1.push(7);
        let e = from_record(&broken).unwrap_err().to_string();
        assert!(
            e.contains("'a/b.rs'") && e.contains(&"ab".repeat(20)[..7]),
            "{e}"
        );
    }
}
