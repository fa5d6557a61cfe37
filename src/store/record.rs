//! Writes: recording (or replacing) an upload and marking a commit's CI status.
//!
//! Each write is one IMMEDIATE transaction, so a concurrent covgit waits (busy timeout)
//! instead of failing half-way, and a failure leaves the database as it was. Recording
//! stores each file's coverage once per distinct content and recomputes the commit's merged
//! totals in the same transaction.

use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior};

use super::StoreError;
use super::codec;
use super::database::{Fail, Store, commit_row, upload_rows};
use super::rows::{TOTALS_COLUMNS, totals_at, totals_values};
use crate::model::{CiStatus, CommitId, FileCoverage, Flag, Totals, Upload};

/// What [`Store::record`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordOutcome {
    /// An upload with the same commit and flag was there before and has been replaced.
    pub replaced: bool,
    /// The new upload's row.
    pub(super) upload_id: i64,
    /// Its file set.
    pub(super) set_id: i64,
}

impl Store {
    /// Stores `upload` as the commit's upload for its flag, replacing an earlier upload with
    /// the same (commit, flag); the unflagged upload is a key of its own.
    pub fn record(
        &mut self,
        commit: &CommitId,
        upload: &Upload,
    ) -> Result<RecordOutcome, StoreError> {
        self.record_with_generated(commit, upload, 0)
    }

    /// [`Store::record`], keeping with the upload how many files were left out of it as
    /// generated code (`[paths] generated`), which `covgit show` says.
    #[tracing::instrument(skip_all, fields(commit = %commit, flag = ?upload.flag))]
    pub fn record_with_generated(
        &mut self,
        commit: &CommitId,
        upload: &Upload,
        generated: u64,
    ) -> Result<RecordOutcome, StoreError> {
        let recorded_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs().cast_signed());
        let generated = i64::try_from(generated).unwrap_or(i64::MAX);
        let run = |conn: &mut rusqlite::Connection| -> Result<RecordOutcome, Fail> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let outcome = record_in(&tx, commit, upload, recorded_at)?;
            if generated > 0 {
                tx.prepare_cached("UPDATE uploads SET generated = ?1 WHERE id = ?2")?
                    .execute((generated, outcome.upload_id))?;
            }
            tx.commit()?;
            Ok(outcome)
        };
        let outcome = run(&mut self.conn);
        outcome.map_err(|f| self.failed(f, commit, "record an upload of commit"))
    }

    /// Sets the CI status of every upload of the commit, so the commit's status is `status`.
    /// `Ok(false)` when the commit has no upload.
    pub fn mark(&mut self, commit: &CommitId, status: CiStatus) -> Result<bool, StoreError> {
        // One statement is one transaction; totals do not depend on CI status.
        self.conn
            .prepare_cached(
                "UPDATE uploads SET ci_status = ?2
                 WHERE commit_id = (SELECT id FROM commits WHERE sha = ?1)",
            )
            .and_then(|mut s| s.execute((commit, status)))
            .map(|n| n > 0)
            .map_err(|e| self.fail(&format!("mark commit {commit} as {status}"), e))
    }
}

impl Store {
    /// Removes the commit's uploads (only `flag`'s when given; `None` means every upload)
    /// and leaves a tombstone dated `forgotten_at` for each key removed, so pull does not
    /// bring them back and push removes them from remotes too. One transaction. Returns the
    /// flags of the removed uploads, empty when the commit had no such upload.
    pub fn forget(
        &mut self,
        commit: &CommitId,
        flag: Option<&Flag>,
        forgotten_at: i64,
    ) -> Result<Vec<Option<Flag>>, StoreError> {
        let run = |conn: &mut rusqlite::Connection| -> Result<Vec<Option<Flag>>, Fail> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some((commit_id, _)) = commit_row(&tx, commit)? else {
                return Ok(Vec::new());
            };
            let doomed: Vec<_> = upload_rows(&tx, commit_id)?
                .into_iter()
                .filter(|r| flag.is_none() || r.info.flag.as_ref() == flag)
                .collect();
            for row in &doomed {
                forget_in(
                    &tx,
                    commit,
                    commit_id,
                    row.id,
                    row.info.flag.as_ref(),
                    forgotten_at,
                )?;
            }
            tx.commit()?;
            Ok(doomed.into_iter().map(|r| r.info.flag).collect())
        };
        let r = run(&mut self.conn);
        r.map_err(|f| self.failed(f, commit, "forget the uploads of commit"))
    }
}

pub(super) fn record_in(
    tx: &Transaction<'_>,
    commit: &CommitId,
    upload: &Upload,
    recorded_at: i64,
) -> Result<RecordOutcome, Fail> {
    record_with_set(tx, commit, upload, recorded_at, None)
}

/// [`record_in`], with the file set of `upload.report.files` when the caller knows it
/// already (a pull importing many records that share one set of files), so its files are
/// not interned again.
pub(super) fn record_with_set(
    tx: &Transaction<'_>,
    commit: &CommitId,
    upload: &Upload,
    recorded_at: i64,
    known_set: Option<i64>,
) -> Result<RecordOutcome, Fail> {
    tx.prepare_cached("INSERT INTO commits (sha) VALUES (?1) ON CONFLICT (sha) DO NOTHING")?
        .execute([commit])?;
    let commit_id: i64 = tx
        .prepare_cached("SELECT id FROM commits WHERE sha = ?1")?
        .query_row([commit], |r| r.get(0))?;

    let flag_key = upload.flag.as_ref().map_or("", Flag::as_str);
    let old: Option<(i64, i64)> = tx
        .prepare_cached(
            "SELECT id, set_id FROM uploads WHERE commit_id = ?1 AND ifnull(flag, '') = ?2",
        )?
        .query_row((commit_id, flag_key), |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let old_set = old.map(|(_, set)| set);
    if let Some((old, _)) = old {
        // Cascades to its upload_unresolved rows.
        tx.prepare_cached("DELETE FROM uploads WHERE id = ?1")?
            .execute([old])?;
    }

    let set_id = match known_set {
        Some(set) => set,
        None => {
            let mut pairs: Vec<(i64, i64)> = Vec::with_capacity(upload.report.files.len());
            let mut buf = Vec::new();
            for (file, cov) in &upload.report.files {
                let path_id = intern_path(tx, file)?;
                buf.clear();
                codec::encode(cov, &mut buf);
                pairs.push((path_id, intern_blob(tx, &buf, cov)?));
            }
            pairs.sort_unstable();
            intern_set(tx, &pairs)?
        }
    };

    tx.prepare_cached(
        "INSERT INTO uploads (commit_id, flag, format, ci_status, recorded_at, set_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute((
        commit_id,
        &upload.flag,
        &upload.format,
        upload.ci_status,
        recorded_at,
        set_id,
    ))?;
    let upload_id = tx.last_insert_rowid();
    let mut add_unresolved = tx.prepare_cached(
        "INSERT OR IGNORE INTO upload_unresolved (upload_id, path_id) VALUES (?1, ?2)",
    )?;
    for file in &upload.report.unresolved {
        add_unresolved.execute((upload_id, intern_path(tx, file)?))?;
    }

    // A set only the replaced upload used is gone with it, and so is coverage only that set
    // held.
    if let Some(old_set) = old_set.filter(|s| *s != set_id) {
        drop_set_if_unused(tx, old_set)?;
    }
    // A record of the key is newer than any tombstone of it (imports check first).
    tx.prepare_cached("DELETE FROM forgotten WHERE sha = ?1 AND flag = ?2")?
        .execute((commit, flag_key))?;

    update_totals(tx, commit_id)?;
    Ok(RecordOutcome {
        replaced: old.is_some(),
        upload_id,
        set_id,
    })
}

/// Deletes file set `set` if no upload uses it any more, with the coverage only it held.
fn drop_set_if_unused(tx: &Transaction<'_>, set: i64) -> rusqlite::Result<()> {
    let in_use: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM uploads WHERE set_id = ?1)")?
        .query_row([set], |r| r.get(0))?;
    if in_use {
        return Ok(());
    }
    let old_blobs: Vec<i64> = tx
        .prepare_cached("SELECT blob_id FROM file_set_files WHERE set_id = ?1")?
        .query_map([set], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    tx.prepare_cached("DELETE FROM file_sets WHERE id = ?1")?
        .execute([set])?;
    let mut drop_blob = tx.prepare_cached(
        "DELETE FROM blobs WHERE id = ?1
         AND NOT EXISTS (SELECT 1 FROM file_set_files WHERE blob_id = ?1)",
    )?;
    for blob in old_blobs {
        drop_blob.execute([blob])?;
    }
    Ok(())
}

/// Removes the upload `upload_id` of the commit row `commit_id` and leaves a tombstone of its
/// key dated `forgotten_at`; the commit goes when it has no upload left, else its totals are
/// recomputed. Returns the tombstone's id.
pub(super) fn forget_in(
    tx: &Transaction<'_>,
    commit: &CommitId,
    commit_id: i64,
    upload_id: i64,
    flag: Option<&Flag>,
    forgotten_at: i64,
) -> Result<i64, Fail> {
    let set: i64 = tx
        .prepare_cached("SELECT set_id FROM uploads WHERE id = ?1")?
        .query_row([upload_id], |r| r.get(0))?;
    // Cascades to its unresolved paths and its shared marks.
    tx.prepare_cached("DELETE FROM uploads WHERE id = ?1")?
        .execute([upload_id])?;
    drop_set_if_unused(tx, set)?;
    let left: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM uploads WHERE commit_id = ?1)")?
        .query_row([commit_id], |r| r.get(0))?;
    if left {
        update_totals(tx, commit_id)?;
    } else {
        tx.prepare_cached("DELETE FROM commits WHERE id = ?1")?
            .execute([commit_id])?;
    }
    Ok(put_tombstone(tx, commit, flag, forgotten_at)?)
}

/// Records (or replaces) the tombstone of (commit, flag), unshared; returns its id.
pub(super) fn put_tombstone(
    tx: &Transaction<'_>,
    commit: &CommitId,
    flag: Option<&Flag>,
    forgotten_at: i64,
) -> rusqlite::Result<i64> {
    let flag_key = flag.map_or("", Flag::as_str);
    // A new row, so the remotes that held the old tombstone must get this one.
    tx.prepare_cached("DELETE FROM forgotten WHERE sha = ?1 AND flag = ?2")?
        .execute((commit, flag_key))?;
    tx.prepare_cached("INSERT INTO forgotten (sha, flag, forgotten_at) VALUES (?1, ?2, ?3)")?
        .execute((commit, flag_key, forgotten_at))?;
    Ok(tx.last_insert_rowid())
}

/// The tombstone of (commit, flag): its id and date.
pub(super) fn tombstone(
    tx: &Transaction<'_>,
    commit: &CommitId,
    flag: Option<&Flag>,
) -> rusqlite::Result<Option<(i64, i64)>> {
    tx.prepare_cached("SELECT id, forgotten_at FROM forgotten WHERE sha = ?1 AND flag = ?2")?
        .query_row((commit, flag.map_or("", Flag::as_str)), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
}

fn intern_path(tx: &Transaction<'_>, path: &str) -> rusqlite::Result<i64> {
    let found = tx
        .prepare_cached("SELECT id FROM paths WHERE path = ?1")?
        .query_row([path], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    tx.prepare_cached("INSERT INTO paths (path) VALUES (?1)")?
        .execute([path])?;
    Ok(tx.last_insert_rowid())
}

/// The id of the blob holding exactly `bytes`, inserting it if no blob does.
fn intern_blob(tx: &Transaction<'_>, bytes: &[u8], cov: &FileCoverage) -> rusqlite::Result<i64> {
    // Stored as the i64 with the same bits: SQLite integers are signed.
    let hash = codec::hash(bytes).cast_signed();
    {
        let mut find = tx.prepare_cached("SELECT id, data FROM blobs WHERE hash = ?1")?;
        let mut rows = find.query([hash])?;
        while let Some(r) = rows.next()? {
            if r.get_ref(1)?.as_blob()? == bytes {
                return r.get(0);
            }
        }
    }
    let t = totals_values(&cov.totals());
    tx.prepare_cached(&format!(
        "INSERT INTO blobs (hash, data, {TOTALS_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    ))?
    .execute((hash, bytes, t[0], t[1], t[2], t[3], t[4], t[5]))?;
    Ok(tx.last_insert_rowid())
}

/// The id of the file set holding exactly `pairs` (sorted by path id), inserting it if none
/// does.
fn intern_set(tx: &Transaction<'_>, pairs: &[(i64, i64)]) -> rusqlite::Result<i64> {
    let mut bytes = Vec::with_capacity(pairs.len() * 16);
    for (p, b) in pairs {
        bytes.extend_from_slice(&p.to_le_bytes());
        bytes.extend_from_slice(&b.to_le_bytes());
    }
    let hash = codec::hash(&bytes).cast_signed();
    let count = i64::try_from(pairs.len()).unwrap_or(i64::MAX);
    let candidates: Vec<i64> = tx
        .prepare_cached("SELECT id FROM file_sets WHERE hash = ?1 AND files = ?2")?
        .query_map((hash, count), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows_of = tx.prepare_cached(
        "SELECT path_id, blob_id FROM file_set_files WHERE set_id = ?1 ORDER BY path_id",
    )?;
    for id in candidates {
        let have: Vec<(i64, i64)> = rows_of
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if have == pairs {
            return Ok(id);
        }
    }
    tx.prepare_cached("INSERT INTO file_sets (hash, files) VALUES (?1, ?2)")?
        .execute((hash, count))?;
    let set_id = tx.last_insert_rowid();
    let mut add = tx.prepare_cached(
        "INSERT INTO file_set_files (set_id, path_id, blob_id) VALUES (?1, ?2, ?3)",
    )?;
    for (p, b) in pairs {
        add.execute((set_id, p, b))?;
    }
    Ok(set_id)
}

/// Stores the totals of the commit's merged report. A file only one upload covers counts
/// its blob's stored totals; only files that uploads cover differently are decoded and
/// merged.
fn update_totals(tx: &Transaction<'_>, commit_id: i64) -> Result<(), Fail> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT uf.path_id, uf.blob_id, b.{} FROM uploads u
         JOIN file_set_files uf ON uf.set_id = u.set_id JOIN blobs b ON b.id = uf.blob_id
         WHERE u.commit_id = ?1 ORDER BY uf.path_id",
        TOTALS_COLUMNS.replace(", ", ", b.")
    ))?;
    let rows: Vec<(i64, i64, Totals)> = stmt
        .query_map([commit_id], |r| {
            Ok((r.get(0)?, r.get(1)?, totals_at(r, 2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut total = Totals::default();
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        let (_, first_blob, t) = &group[0];
        if group.iter().all(|(_, blob, _)| blob == first_blob) {
            // One upload, or several with identical coverage (matrix jobs): merging equal
            // lines keeps every line's state and branch counts, so the totals are the blob's.
            total.add(&t.as_one_file());
        } else {
            let mut merged = FileCoverage::default();
            for (path_id, blob_id, _) in group {
                merged.merge_sum(&decode_blob(tx, *path_id, *blob_id)?);
            }
            total.add(&merged.totals());
        }
    }
    let t = totals_values(&total);
    tx.prepare_cached(
        "UPDATE commits SET files = ?2, lines = ?3, hit = ?4, partial = ?5, miss = ?6,
         branches = ?7, branches_hit = ?8 WHERE id = ?1",
    )?
    .execute((
        commit_id,
        total.files.cast_signed(),
        t[0],
        t[1],
        t[2],
        t[3],
        t[4],
        t[5],
    ))?;
    Ok(())
}

fn decode_blob(tx: &Transaction<'_>, path_id: i64, blob_id: i64) -> Result<FileCoverage, Fail> {
    let data: Vec<u8> = tx
        .prepare_cached("SELECT data FROM blobs WHERE id = ?1")?
        .query_row([blob_id], |r| r.get(0))?;
    codec::decode(&data).or_else(|source| {
        let file = tx
            .prepare_cached("SELECT path FROM paths WHERE id = ?1")?
            .query_row([path_id], |r| r.get(0))?;
        Err(Fail::Corrupt { file, source })
    })
}
