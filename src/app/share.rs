//! `covgit push` and `covgit pull`: sharing recorded uploads through the git remote's
//! `refs/covgit/data`, no server. The store says what a remote lacks and imports what is
//! new; git writes and reads the objects and moves them; this module wires the two.
//!
//! Concurrent pushers: each builds its data commit on top of the remote's and pushes it as
//! a fast-forward only. When another job got there first the push is refused; this one
//! fetches, rebuilds on the new tip (the later record of a key wins, ties by bytes, so every
//! pusher decides alike) and tries again. No record is lost and none is forced over.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use tracing::{debug, instrument};

use crate::git::{PushOutcome, Repo, SharedRecord};
use crate::model::CommitId;
use crate::store::{self, SharedUpload};

use super::{Error, Workspace};

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
    let pending = store.unshared(remote)?;
    let mut summary = PushSummary {
        remote: remote.to_owned(),
        uploads: 0,
        commits: 0,
        superseded: 0,
        retries: 0,
        tip: tip.clone(),
    };
    if pending.is_empty() {
        return Ok(summary);
    }
    let records: Vec<SharedRecord> = pending.iter().map(|p| to_record(&p.shared)).collect();
    let keys: Vec<store::UploadKey> = pending.iter().map(|p| p.key).collect();
    let keep_new = |old: &[u8], new: &[u8]| store::newer(old, new);
    for attempt in 0..PUSH_ATTEMPTS {
        if let Some(t) = &tip
            && !repo.has_commit(t)
        {
            tip = repo.fetch_data(remote)?;
        }
        let made = repo.write_shared(tip.as_ref(), &records, &keep_new)?;
        if made.written == 0 {
            // The remote already holds these records or later ones.
            store.mark_shared(remote, &keys)?;
            summary.superseded = records.len();
            summary.tip = Some(made.id);
            return Ok(summary);
        }
        match repo.push_data(remote, &made.id)? {
            PushOutcome::Pushed => {
                repo.set_local_ref(&Repo::tracking_ref(remote), &made.id)?;
                store.mark_shared(remote, &keys)?;
                summary.uploads = made.written;
                summary.superseded = records.len() - made.written;
                summary.commits = records
                    .iter()
                    .map(|r| &r.commit)
                    .collect::<BTreeSet<_>>()
                    .len();
                summary.retries = attempt;
                summary.tip = Some(made.id);
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
    let records = repo.read_shared(mark.as_ref(), &tip)?;
    let uploads = records
        .iter()
        .map(from_record)
        .collect::<Result<Vec<_>, _>>()?;
    let outcome = store.import_shared(remote, &uploads, tip.as_str())?;
    summary.received = uploads.len();
    summary.imported = outcome.imported;
    summary.kept_local = outcome.kept_local;
    summary.commits = uploads
        .iter()
        .map(|u| &u.commit)
        .collect::<BTreeSet<_>>()
        .len();
    Ok(summary)
}

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

fn from_record(r: &SharedRecord) -> Result<SharedUpload, Error> {
    let bad = |what: String, source: store::CodecError| Error::BadSharedRecord {
        commit: r.commit.clone(),
        what,
        source,
    };
    let meta = store::decode_meta(&r.meta).map_err(|e| bad("its description".into(), e))?;
    let mut files = BTreeMap::new();
    for (path, bytes) in &r.files {
        let cov = store::decode_file(bytes).map_err(|e| bad(format!("'{path}'"), e))?;
        files.insert(path.clone(), cov);
    }
    let recorded_at = meta.recorded_at;
    Ok(SharedUpload {
        commit: r.commit.clone(),
        upload: meta.into_upload(r.flag.clone(), files),
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
