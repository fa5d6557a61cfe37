//! Uploads as they travel between stores through a shared git remote (`covgit push` and
//! `pull`): the versioned byte encoding of an upload's description, the per-file coverage
//! encoding (the store's own codec, so equal coverage is equal bytes everywhere), and the
//! bookkeeping of what each remote already holds.
//!
//! The store knows no git: a remote is a name, the pull position an opaque mark string, and
//! the caller moves the bytes. A record is keyed by (commit, flag); when two stores recorded
//! the same key, the one recorded later wins, and on a tie the remote's copy (see
//! [`Store::import_shared`]).
//!
//! Meta layout, version 1 (numbers are unsigned LEB128 varints, strings a varint byte length
//! then UTF-8):
//!
//! ```text
//! version byte (1)
//! recorded_at      zigzag varint, Unix seconds
//! format           string
//! ci_status        string (passed, failed, pending)
//! unresolved count, then each unresolved path as a string
//! ```
//!
//! A forgotten upload (`covgit forget`) travels as a tombstone in place of its record: a
//! meta of version byte 2 followed by the zigzag varint date it was forgotten, no files. A
//! tombstone and a record of one key compete by date like two records: the later one wins.
//!
//! Readers refuse a version they do not know rather than guess.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior};

use super::StoreError;
use super::codec::{self, CodecError, Reader, err, put};
use super::database::{Fail, Store, commit_row, load_report, load_unresolved, upload_rows};
use super::record::{forget_in, put_tombstone, record_with_set, tombstone};
use crate::model::{CiStatus, CommitId, FileCoverage, Flag, Report, SharedRecord, Upload};

/// The meta encoding version written as the first byte.
const META_VERSION: u8 = 1;
/// The first byte of a tombstone's meta.
const FORGOTTEN_VERSION: u8 = 2;

/// How far past this machine's clock a shared date may lie before it is taken for a wrong
/// clock (a runner set years ahead): a day covers every time zone and ordinary drift, and
/// anything later cannot be a recording that already happened. Pull skips such records, and
/// push and pull let any other record replace one.
pub const FUTURE_SLACK: i64 = 24 * 60 * 60;

/// Whether `at` lies further in the future than [`FUTURE_SLACK`] allows, seen at `now`.
pub fn from_the_future(at: i64, now: i64) -> bool {
    at > now.saturating_add(FUTURE_SLACK)
}

/// A shared record's description: an upload, or the tombstone of a forgotten one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SharedMeta {
    /// An upload's description.
    Upload(UploadMeta),
    /// The upload of this key was forgotten at this time (Unix seconds).
    Forgotten {
        /// When, in Unix seconds.
        forgotten_at: i64,
    },
}

impl SharedMeta {
    /// When the upload was recorded or forgotten.
    pub fn at(&self) -> i64 {
        match self {
            SharedMeta::Upload(m) => m.recorded_at,
            SharedMeta::Forgotten { forgotten_at } => *forgotten_at,
        }
    }
}

/// The meta of a tombstone dated `forgotten_at`.
pub fn encode_forgotten(forgotten_at: i64) -> Vec<u8> {
    let mut out = vec![FORGOTTEN_VERSION];
    put(&mut out, zigzag(forgotten_at));
    out
}

/// Decodes the meta of a record or of a tombstone.
pub fn decode_shared(bytes: &[u8]) -> Result<SharedMeta, CodecError> {
    if bytes.first() != Some(&FORGOTTEN_VERSION) {
        return decode_meta(bytes).map(SharedMeta::Upload);
    }
    let mut r = Reader { bytes, pos: 1 };
    let forgotten_at = unzigzag(r.varint()?);
    if r.pos != bytes.len() {
        return Err(err(r.pos, "trailing bytes after the tombstone"));
    }
    Ok(SharedMeta::Forgotten { forgotten_at })
}

/// One upload as it is shared: what was recorded, for which commit, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedUpload {
    pub commit: CommitId,
    pub upload: Upload,
    /// Unix seconds when it was recorded; the later of two records of a key wins.
    pub recorded_at: i64,
}

/// Names one stored upload for [`Store::mark_shared`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadKey(i64);

/// Names one stored tombstone for [`Store::mark_forgotten_shared`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForgottenKey(i64);

/// A tombstone of this store that a remote does not hold yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingForgotten {
    /// Pass back to [`Store::mark_forgotten_shared`] once the remote holds it.
    pub key: ForgottenKey,
    /// Its meta is [`encode_forgotten`] of its date; it has no files.
    pub record: SharedRecord,
}

/// What [`Store::import_shared`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Uploads stored (new keys, or replacing an older local record).
    pub imported: usize,
    /// Records the store already held exactly.
    pub unchanged: usize,
    /// Records skipped because the local upload of the key was recorded later (the next
    /// push sends it).
    pub kept_local: usize,
    /// Records skipped because this store forgot their key later than they were recorded.
    pub forgotten: usize,
    /// Local uploads removed because the remote holds a later tombstone of their key.
    pub removed: usize,
}

/// The description of an upload without its files, as decoded from shared bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadMeta {
    pub recorded_at: i64,
    pub format: String,
    pub ci_status: CiStatus,
    pub unresolved: BTreeSet<String>,
}

/// Encodes the description of `upload` (everything but its files' coverage).
pub fn encode_meta(upload: &Upload, recorded_at: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(32);
    out.push(META_VERSION);
    put(&mut out, zigzag(recorded_at));
    put_str(&mut out, &upload.format);
    put_str(&mut out, upload.ci_status.as_str());
    put(&mut out, upload.report.unresolved.len() as u64);
    for path in &upload.report.unresolved {
        put_str(&mut out, path);
    }
    out
}

/// Decodes bytes written by [`encode_meta`], validating every field.
pub fn decode_meta(bytes: &[u8]) -> Result<UploadMeta, CodecError> {
    let mut r = Reader { bytes, pos: 0 };
    if r.byte()? != META_VERSION {
        return Err(err(
            0,
            "unknown upload encoding version (written by a newer covgit?)",
        ));
    }
    let recorded_at = unzigzag(r.varint()?);
    let format = get_str(&mut r)?;
    let at = r.pos;
    let ci_status = get_str(&mut r)?
        .parse::<CiStatus>()
        .map_err(|_| err(at, "unknown CI status"))?;
    let count = r.count(1, "unresolved path count exceeds the data")?;
    let mut unresolved = BTreeSet::new();
    for _ in 0..count {
        unresolved.insert(get_str(&mut r)?);
    }
    if r.pos != bytes.len() {
        return Err(err(r.pos, "trailing bytes after the upload description"));
    }
    Ok(UploadMeta {
        recorded_at,
        format,
        ci_status,
        unresolved,
    })
}

/// Whether a record (or tombstone) described by `new_meta` replaces one described by
/// `old_meta` for the same key, seen at `now`: the later one wins; on equal times the greater
/// bytes, so every pusher decides alike. A record whose description cannot be read loses, and
/// so does one dated further ahead of `now` than [`FUTURE_SLACK`] (a runner with a wrong
/// clock must not own the key for ever).
pub fn newer(old_meta: &[u8], new_meta: &[u8], now: i64) -> bool {
    match (decode_shared(old_meta), decode_shared(new_meta)) {
        (Ok(old), Ok(new)) => {
            match (
                from_the_future(old.at(), now),
                from_the_future(new.at(), now),
            ) {
                (true, false) => true,
                (false, true) => false,
                _ => (new.at(), new_meta) > (old.at(), old_meta),
            }
        }
        (Err(_), _) => true,
        (Ok(_), Err(_)) => false,
    }
}

/// The shared encoding of one file's coverage: the store's own codec.
#[cfg(any(test, fuzzing))]
pub fn encode_file(cov: &FileCoverage) -> Vec<u8> {
    let mut out = Vec::new();
    codec::encode(cov, &mut out);
    out
}

/// Decodes bytes written by [`encode_file`].
pub fn decode_file(bytes: &[u8]) -> Result<FileCoverage, CodecError> {
    codec::decode(bytes)
}

impl UploadMeta {
    /// The upload these files and this description make, with `flag`.
    pub fn into_upload(
        self,
        flag: Option<crate::model::Flag>,
        files: std::collections::BTreeMap<String, FileCoverage>,
    ) -> Upload {
        Upload {
            flag,
            format: self.format,
            ci_status: self.ci_status,
            report: Report {
                files,
                unresolved: self.unresolved,
            },
        }
    }
}

impl Store {
    /// The keys (and commits) of the uploads `remote` is not known to hold, oldest record
    /// first, without reading their coverage: [`Store::pending_encoded`] reads them a batch at a time.
    pub fn unshared_keys(&self, remote: &str) -> Result<Vec<(UploadKey, CommitId)>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT u.id, c.sha FROM uploads u JOIN commits c ON c.id = u.commit_id
                 WHERE NOT EXISTS (SELECT 1 FROM shared_uploads s
                                   WHERE s.upload_id = u.id AND s.remote = ?1)
                 ORDER BY c.id, u.flag IS NOT NULL, u.flag",
            )
            .and_then(|mut s| {
                s.query_map([remote], |r| Ok((UploadKey(r.get(0)?), r.get(1)?)))?
                    .collect()
            })
            .map_err(|e| self.fail("list the uploads to share", e))
    }

    /// The uploads named by `keys` (from [`Store::unshared_keys`]), in their order, as shared
    /// records: the meta is [`encode_meta`], and the coverage bytes are the store's own
    /// ([`encode_file`] is its codec), so nothing is decoded to be sent.
    pub fn pending_encoded(
        &self,
        keys: &[(UploadKey, CommitId)],
    ) -> Result<Vec<SharedRecord>, StoreError> {
        let mut out = Vec::with_capacity(keys.len());
        for (key, commit) in keys {
            let one = || -> rusqlite::Result<SharedRecord> {
                let (flag, format, ci_status, recorded_at): (Option<Flag>, String, CiStatus, i64) =
                    self.conn
                        .prepare_cached(
                            "SELECT flag, format, ci_status, recorded_at FROM uploads WHERE id = ?1",
                        )?
                        .query_row([key.0], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                        })?;
                let mut files: Vec<(String, Vec<u8>)> = self
                    .conn
                    .prepare_cached(
                        "SELECT p.path, b.data FROM uploads u
                         JOIN file_set_files f ON f.set_id = u.set_id
                         JOIN paths p ON p.id = f.path_id JOIN blobs b ON b.id = f.blob_id
                         WHERE u.id = ?1",
                    )?
                    .query_map([key.0], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                // The meta reads the upload's description and unresolved paths only.
                let described = Upload {
                    flag: flag.clone(),
                    format,
                    ci_status,
                    report: Report {
                        files: BTreeMap::new(),
                        unresolved: load_unresolved(&self.conn, key.0)?,
                    },
                };
                Ok(SharedRecord {
                    commit: commit.clone(),
                    flag,
                    meta: encode_meta(&described, recorded_at),
                    files,
                })
            };
            out.push(one().map_err(|e| {
                self.fail(&format!("read the upload to share of commit {commit}"), e)
            })?);
        }
        Ok(out)
    }

    /// Notes that `remote` now holds these uploads. An upload re-recorded since is a new one
    /// and stays unshared.
    pub fn mark_shared(&mut self, remote: &str, keys: &[UploadKey]) -> Result<(), StoreError> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        self.note_held(
            "INSERT OR IGNORE INTO shared_uploads (upload_id, remote)
             SELECT id, ?2 FROM uploads WHERE id = ?1",
            remote,
            &ids,
        )
    }

    /// Forgets everything known about `remote` (it lost its covgit data, or it is a new
    /// remote under an old name): the next push sends every upload, the next pull reads all.
    pub fn forget_remote(&mut self, remote: &str) -> Result<(), StoreError> {
        let run = |conn: &mut rusqlite::Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute("DELETE FROM shared_uploads WHERE remote = ?1", [remote])?;
            tx.execute("DELETE FROM pulled WHERE remote = ?1", [remote])?;
            tx.execute("DELETE FROM shared_forgotten WHERE remote = ?1", [remote])?;
            tx.commit()
        };
        let r = run(&mut self.conn);
        r.map_err(|e| self.fail(&format!("forget remote {remote}"), e))
    }

    /// The mark up to which `remote` has been pulled, `None` before the first pull.
    pub fn pulled_mark(&self, remote: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .prepare_cached("SELECT mark FROM pulled WHERE remote = ?1")
            .and_then(|mut s| s.query_row([remote], |r| r.get(0)).optional())
            .map_err(|e| self.fail(&format!("read the pull position of {remote}"), e))
    }

    /// Imports records received from `remote` and moves its pull position to `mark` (when
    /// given), all in one transaction; see [`Import`].
    #[cfg(test)]
    pub fn import_shared(
        &mut self,
        remote: &str,
        records: &[SharedUpload],
        mark: Option<&str>,
        now: i64,
    ) -> Result<ImportOutcome, StoreError> {
        let mut import = self.begin_import(remote, now)?;
        for rec in records {
            import.add(rec)?;
        }
        import.finish(mark)
    }

    /// Starts importing records received from `remote`, seen at time `now`, in one
    /// transaction that [`Import::finish`] commits (dropping the [`Import`] undoes it all).
    pub fn begin_import(&mut self, remote: &str, now: i64) -> Result<Import<'_>, StoreError> {
        let Store { conn, path } = self;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|source| StoreError::Sql {
                path: path.clone(),
                action: format!("start importing from {remote}"),
                source,
            })?;
        Ok(Import {
            tx,
            path,
            remote: remote.to_owned(),
            now,
            out: ImportOutcome::default(),
            sets: HashMap::new(),
        })
    }

    /// Every tombstone `remote` is not known to hold.
    pub fn unshared_forgotten(&self, remote: &str) -> Result<Vec<PendingForgotten>, StoreError> {
        let rows: Vec<(i64, CommitId, String, i64)> = self
            .conn
            .prepare_cached(
                "SELECT f.id, f.sha, f.flag, f.forgotten_at FROM forgotten f
                 WHERE NOT EXISTS (SELECT 1 FROM shared_forgotten s
                                   WHERE s.forgotten_id = f.id AND s.remote = ?1)
                 ORDER BY f.sha, f.flag",
            )
            .and_then(|mut s| {
                s.query_map([remote], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect()
            })
            .map_err(|e| self.fail("list the forgotten uploads to share", e))?;
        rows.into_iter()
            .map(|(id, commit, flag, forgotten_at)| {
                // '' is the unflagged upload; anything else that is not a flag is a corrupt
                // row, refused rather than sent as the tombstone of another key.
                let flag = match flag.as_str() {
                    "" => None,
                    name => Some(Flag::new(name).map_err(|_| StoreError::CorruptFlag {
                        path: self.path.clone(),
                        commit: commit.clone(),
                        flag,
                    })?),
                };
                Ok(PendingForgotten {
                    key: ForgottenKey(id),
                    record: SharedRecord {
                        commit,
                        flag,
                        meta: encode_forgotten(forgotten_at),
                        files: Vec::new(),
                    },
                })
            })
            .collect()
    }

    /// Notes that `remote` now holds these tombstones.
    pub fn mark_forgotten_shared(
        &mut self,
        remote: &str,
        keys: &[ForgottenKey],
    ) -> Result<(), StoreError> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        self.note_held(
            "INSERT OR IGNORE INTO shared_forgotten (forgotten_id, remote)
             SELECT id, ?2 FROM forgotten WHERE id = ?1",
            remote,
            &ids,
        )
    }

    /// Runs `insert` (`?1` a row id, `?2` the remote) for every id, in one transaction: what
    /// `remote` now holds, uploads or tombstones alike.
    fn note_held(&mut self, insert: &str, remote: &str, ids: &[i64]) -> Result<(), StoreError> {
        let run = |conn: &mut rusqlite::Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut add = tx.prepare_cached(insert)?;
                for id in ids {
                    add.execute((id, remote))?;
                }
            }
            tx.commit()
        };
        let r = run(&mut self.conn);
        r.map_err(|e| self.fail(&format!("note what {remote} holds"), e))
    }
}

/// An import in progress ([`Store::begin_import`]): records are added one at a time, so
/// memory holds one record, and all of them land together or not at all.
///
/// A record replaces the local upload of its key unless that one was recorded later (and not
/// more than [`FUTURE_SLACK`] ahead of `now`: a local record from a wrong clock gives way); on
/// equal times the remote's copy wins (the remote already settled the tie the same way for
/// every pusher). A record older than this store's tombstone of its key stays out; a
/// tombstone removes the local upload of its key unless that one was recorded later.
/// Imported and unchanged records are noted as held by the remote, so push does not send
/// them back.
pub struct Import<'s> {
    tx: Transaction<'s>,
    path: &'s Path,
    remote: String,
    now: i64,
    out: ImportOutcome,
    /// The file set stored for each files key met (see [`Import::add_keyed`]).
    sets: HashMap<String, i64>,
}

impl Import<'_> {
    /// Imports one record.
    #[cfg(test)]
    pub fn add(&mut self, rec: &SharedUpload) -> Result<(), StoreError> {
        self.add_keyed(rec, None)
    }

    /// Imports one record whose files the caller knows by `files_key`: records with the same
    /// key hold the same files with the same coverage, so they share one stored file set
    /// without interning its files again (200 records sharing 65,536 files would otherwise
    /// intern 13 million).
    pub fn add_keyed(
        &mut self,
        rec: &SharedUpload,
        files_key: Option<&str>,
    ) -> Result<(), StoreError> {
        let r = self.add_in(rec, files_key);
        r.map_err(|f| self.failed(f, &rec.commit, "import the upload of commit"))
    }

    fn add_in(&mut self, rec: &SharedUpload, files_key: Option<&str>) -> Result<(), Fail> {
        let tx = &self.tx;
        let flag = rec.upload.flag.as_ref();
        if tombstone(tx, &rec.commit, flag)?.is_some_and(|(_, at)| at >= rec.recorded_at) {
            self.out.forgotten += 1;
            return Ok(());
        }
        let local = match commit_row(tx, &rec.commit)? {
            Some((id, _)) => upload_rows(tx, id)?
                .into_iter()
                .find(|r| r.info.flag.as_ref() == flag),
            None => None,
        };
        let upload_id = match local {
            Some(row)
                if row.recorded_at > rec.recorded_at
                    && !from_the_future(row.recorded_at, self.now) =>
            {
                self.out.kept_local += 1;
                return Ok(());
            }
            Some(row)
                if row.recorded_at == rec.recorded_at
                    && row.info.format == rec.upload.format
                    && row.info.ci_status == rec.upload.ci_status
                    && load_report(tx, row.id, &HashSet::new())? == rec.upload.report =>
            {
                self.out.unchanged += 1;
                row.id
            }
            _ => {
                self.out.imported += 1;
                // A set met before may have gone since (its only upload replaced).
                let known = match files_key.and_then(|k| self.sets.get(k)) {
                    Some(&set) => tx
                        .prepare_cached("SELECT EXISTS (SELECT 1 FROM file_sets WHERE id = ?1)")?
                        .query_row([set], |r| r.get::<_, bool>(0))?
                        .then_some(set),
                    None => None,
                };
                let done = record_with_set(tx, &rec.commit, &rec.upload, rec.recorded_at, known)?;
                if let Some(k) = files_key {
                    self.sets.insert(k.to_owned(), done.set_id);
                }
                done.upload_id
            }
        };
        tx.prepare_cached(
            "INSERT OR IGNORE INTO shared_uploads (upload_id, remote) VALUES (?1, ?2)",
        )?
        .execute((upload_id, &self.remote))?;
        Ok(())
    }

    /// Imports the tombstone of (commit, flag) dated `forgotten_at`.
    pub fn add_forgotten(
        &mut self,
        commit: &CommitId,
        flag: Option<&Flag>,
        forgotten_at: i64,
    ) -> Result<(), StoreError> {
        let r = self.add_forgotten_in(commit, flag, forgotten_at);
        r.map_err(|f| self.failed(f, commit, "import the forgotten upload of commit"))
    }

    fn add_forgotten_in(
        &mut self,
        commit: &CommitId,
        flag: Option<&Flag>,
        forgotten_at: i64,
    ) -> Result<(), Fail> {
        let tx = &self.tx;
        let local = match commit_row(tx, commit)? {
            Some((id, _)) => upload_rows(tx, id)?
                .into_iter()
                .find(|r| r.info.flag.as_ref() == flag)
                .map(|r| (id, r)),
            None => None,
        };
        let id = match local {
            Some((_, row))
                if row.recorded_at > forgotten_at
                    && !from_the_future(row.recorded_at, self.now) =>
            {
                self.out.kept_local += 1;
                return Ok(());
            }
            Some((commit_id, row)) => {
                self.out.removed += 1;
                forget_in(tx, commit, commit_id, row.id, flag, forgotten_at)?
            }
            None => match tombstone(tx, commit, flag)? {
                Some((id, at)) if at == forgotten_at => {
                    self.out.unchanged += 1;
                    id
                }
                // Ours is later: the next push sends it.
                Some((_, at)) if at > forgotten_at && !from_the_future(at, self.now) => {
                    self.out.forgotten += 1;
                    return Ok(());
                }
                _ => {
                    self.out.unchanged += 1;
                    put_tombstone(tx, commit, flag, forgotten_at)?
                }
            },
        };
        tx.prepare_cached(
            "INSERT OR IGNORE INTO shared_forgotten (forgotten_id, remote) VALUES (?1, ?2)",
        )?
        .execute((id, &self.remote))?;
        Ok(())
    }

    /// Moves the remote's pull position to `mark` (when given) and commits everything.
    pub fn finish(self, mark: Option<&str>) -> Result<ImportOutcome, StoreError> {
        let run = || -> rusqlite::Result<()> {
            if let Some(mark) = mark {
                self.tx
                    .prepare_cached(
                        "INSERT INTO pulled (remote, mark) VALUES (?1, ?2)
                         ON CONFLICT (remote) DO UPDATE SET mark = excluded.mark",
                    )?
                    .execute((&self.remote, mark))?;
            }
            Ok(())
        };
        let r = run();
        let path = self.path.to_owned();
        let remote = self.remote.clone();
        let out = self.out;
        r.and_then(|()| self.tx.commit())
            .map_err(|source| StoreError::Sql {
                path,
                action: format!("import from {remote}"),
                source,
            })?;
        Ok(out)
    }

    fn failed(&self, f: Fail, commit: &CommitId, action: &str) -> StoreError {
        let path: PathBuf = self.path.to_owned();
        match f {
            Fail::Sql(source) => StoreError::Sql {
                path,
                action: format!("{action} {commit} from {}", self.remote),
                source,
            },
            Fail::Corrupt { file, source } => StoreError::Corrupt {
                path,
                commit: commit.clone(),
                file,
                source,
            },
        }
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)).cast_unsigned()
}

fn unzigzag(v: u64) -> i64 {
    (v >> 1).cast_signed() ^ -((v & 1).cast_signed())
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn get_str(r: &mut Reader<'_>) -> Result<String, CodecError> {
    let len = r.count(1, "string length exceeds the data")?;
    let start = r.pos;
    let raw = r.take(len)?;
    std::str::from_utf8(raw)
        .map(str::to_owned)
        .map_err(|_| err(start, "string is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{self, report};

    /// An upload of one line of `src/a.rs` hit `hits` times.
    fn upload(flag: Option<&str>, hits: u64) -> Upload {
        testkit::upload(
            flag,
            CiStatus::Passed,
            report(&[("src/a.rs", &[(1, hits)])]),
        )
    }

    fn commit(n: u8) -> CommitId {
        CommitId::new(&format!("{n:02x}").repeat(20)).unwrap()
    }

    #[test]
    fn meta_round_trips_and_refuses_unknown_versions() {
        let mut u = upload(Some("unit"), 3);
        u.report.unresolved.insert("gen/x.c".into());
        for at in [0, 1, -1, 1_767_225_600, i64::MAX, i64::MIN] {
            let bytes = encode_meta(&u, at);
            let m = decode_meta(&bytes).unwrap();
            assert_eq!(m.recorded_at, at);
            assert_eq!(m.format, "lcov");
            assert_eq!(m.unresolved.len(), 1);
        }
        let mut bytes = encode_meta(&u, 5);
        bytes[0] = 2;
        assert!(decode_meta(&bytes).unwrap_err().what.contains("version"));
        let bytes = encode_meta(&u, 5);
        for len in 0..bytes.len() {
            assert!(decode_meta(&bytes[..len]).is_err());
        }
    }

    #[test]
    fn the_later_record_wins_and_ties_break_by_bytes() {
        let a = encode_meta(&upload(None, 1), 10);
        let b = encode_meta(&upload(None, 1), 11);
        assert!(newer(&a, &b, 0));
        assert!(!newer(&b, &a, 0));
        let mut c = upload(None, 1);
        c.format = "zzz".into();
        let c = encode_meta(&c, 10);
        assert_ne!(newer(&a, &c, 0), newer(&c, &a, 0));
        assert!(!newer(&a, &a, 0));
    }

    #[test]
    fn uploads_to_share_are_read_in_the_shared_encoding_as_stored() {
        let mut s = Store::open_in_memory().unwrap();
        let mut two_files = upload(Some("unit"), 3);
        let cov = testkit::cov(&[(4, 0)]);
        two_files.report.files.insert("lib/z.rs".to_owned(), cov);
        two_files.report.unresolved.insert("gone.rs".to_owned());
        s.record(&commit(1), &upload(None, 1)).unwrap();
        s.record(&commit(1), &two_files).unwrap();
        let keys = s.unshared_keys("origin").unwrap();
        let encoded = s.pending_encoded(&keys).unwrap();
        assert_eq!(encoded.len(), 2);
        for (e, want) in encoded.iter().zip([upload(None, 1), two_files]) {
            assert_eq!((&e.commit, &e.flag), (&commit(1), &want.flag));
            let recorded_at = decode_meta(&e.meta).unwrap().recorded_at;
            assert_eq!(e.meta, encode_meta(&want, recorded_at));
            let files: Vec<(String, Vec<u8>)> = want
                .report
                .files
                .iter()
                .map(|(p, c)| (p.clone(), encode_file(c)))
                .collect();
            assert_eq!(e.files, files);
        }
        assert_eq!(encoded[1].files.len(), 2);
    }

    #[test]
    fn push_marks_and_pull_imports_keeping_the_later_record() {
        let mut s = Store::open_in_memory().unwrap();
        s.record(&commit(1), &upload(None, 1)).unwrap();
        let pending = s.unshared_keys("origin").unwrap();
        assert_eq!(pending.len(), 1);
        assert!(s.unshared_keys("other").unwrap().len() == 1);
        s.mark_shared("origin", &[pending[0].0]).unwrap();
        assert!(s.unshared_keys("origin").unwrap().is_empty());

        // Re-recording makes it unshared again.
        s.record(&commit(1), &upload(None, 2)).unwrap();
        assert_eq!(s.unshared_keys("origin").unwrap().len(), 1);
        let keys = s.unshared_keys("origin").unwrap();
        let local_at = decode_meta(&s.pending_encoded(&keys).unwrap()[0].meta)
            .unwrap()
            .recorded_at;

        let older = SharedUpload {
            commit: commit(1),
            upload: upload(None, 9),
            recorded_at: local_at - 1,
        };
        let other = SharedUpload {
            commit: commit(2),
            upload: upload(Some("unit"), 4),
            recorded_at: 5,
        };
        let out = s
            .import_shared(
                "origin",
                &[older.clone(), other.clone()],
                Some("m1"),
                local_at,
            )
            .unwrap();
        assert_eq!((out.imported, out.kept_local, out.unchanged), (1, 1, 0));
        assert_eq!(s.pulled_mark("origin").unwrap().as_deref(), Some("m1"));
        assert_eq!(s.uploads(&commit(2)).unwrap(), vec![other.upload.clone()]);
        assert_eq!(s.uploads(&commit(1)).unwrap(), vec![upload(None, 2)]);
        // The kept local record is still to be pushed; the imported one is not.
        let pending = s.unshared_keys("origin").unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].1, commit(1));

        // The same record again changes nothing; a newer remote one replaces.
        let out = s
            .import_shared("origin", &[other], Some("m2"), local_at)
            .unwrap();
        assert_eq!(out.unchanged, 1);
        let newer_rec = SharedUpload {
            commit: commit(1),
            upload: upload(None, 7),
            recorded_at: local_at + 1,
        };
        s.import_shared("origin", &[newer_rec], Some("m3"), local_at)
            .unwrap();
        assert_eq!(s.uploads(&commit(1)).unwrap(), vec![upload(None, 7)]);
        assert!(s.unshared_keys("origin").unwrap().is_empty());

        s.forget_remote("origin").unwrap();
        assert_eq!(s.pulled_mark("origin").unwrap(), None);
        assert_eq!(s.unshared_keys("origin").unwrap().len(), 2);
    }

    #[test]
    fn records_sharing_a_files_key_share_one_set_even_after_it_was_dropped() {
        let mut s = Store::open_in_memory().unwrap();
        let rec = |c: u8, hits: u64, at: i64| SharedUpload {
            commit: commit(c),
            upload: upload(None, hits),
            recorded_at: at,
        };
        let mut import = s.begin_import("origin", 100).unwrap();
        import.add_keyed(&rec(1, 1, 10), Some("k")).unwrap();
        // Replaces commit 1's only upload: the set of "k" is gone.
        import.add_keyed(&rec(1, 2, 11), Some("other")).unwrap();
        import.add_keyed(&rec(2, 1, 10), Some("k")).unwrap();
        import.add_keyed(&rec(3, 1, 10), Some("k")).unwrap();
        let out = import.finish(None).unwrap();
        assert_eq!(out.imported, 4);
        assert_eq!(s.uploads(&commit(1)).unwrap(), vec![upload(None, 2)]);
        assert_eq!(s.uploads(&commit(2)).unwrap(), vec![upload(None, 1)]);
        assert_eq!(s.uploads(&commit(3)).unwrap(), vec![upload(None, 1)]);
        let sets: i64 = s
            .conn
            .query_row("SELECT count(*) FROM file_sets", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sets, 2);
    }

    #[test]
    fn a_tombstone_removes_older_uploads_and_keeps_older_records_out() {
        let mut s = Store::open_in_memory().unwrap();
        let rec = |at: i64| SharedUpload {
            commit: commit(1),
            upload: upload(Some("unit"), 1),
            recorded_at: at,
        };
        let unit = Flag::new("unit").unwrap();
        s.import_shared("origin", &[rec(10)], None, 100).unwrap();
        // A later tombstone removes it; an older record stays out; a newer one comes back.
        let mut import = s.begin_import("origin", 100).unwrap();
        import.add_forgotten(&commit(1), Some(&unit), 20).unwrap();
        import.add(&rec(15)).unwrap();
        let out = import.finish(None).unwrap();
        assert_eq!((out.removed, out.forgotten), (1, 1));
        assert!(s.uploads(&commit(1)).unwrap().is_empty());
        assert!(s.unshared_forgotten("origin").unwrap().is_empty());
        assert_eq!(s.unshared_forgotten("other").unwrap().len(), 1);
        s.import_shared("origin", &[rec(30)], None, 100).unwrap();
        assert_eq!(s.uploads(&commit(1)).unwrap().len(), 1);
        assert!(s.unshared_forgotten("other").unwrap().is_empty());
        // Forgetting locally is one transaction that leaves an unshared tombstone.
        assert_eq!(s.forget(&commit(1), None, 40).unwrap(), vec![Some(unit)]);
        assert!(s.commit_info(&commit(1)).unwrap().is_none());
        let pending = s.unshared_forgotten("origin").unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(
            decode_shared(&pending[0].record.meta).unwrap(),
            SharedMeta::Forgotten { forgotten_at: 40 }
        );
        assert!(s.forget(&commit(1), None, 41).unwrap().is_empty());
    }

    #[test]
    fn a_corrupt_flag_of_a_tombstone_is_an_error_not_the_unflagged_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let mut s = Store::open(&path).unwrap();
        s.record(&commit(1), &upload(Some("unit"), 1)).unwrap();
        s.record(&commit(1), &upload(None, 1)).unwrap();
        let unit = Flag::new("unit").unwrap();
        s.forget(&commit(1), Some(&unit), 40).unwrap();
        drop(s);
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute("UPDATE forgotten SET flag = 'not a flag!'", [])
            .unwrap();
        let s = Store::open(&path).unwrap();
        let msg = s.unshared_forgotten("origin").unwrap_err().to_string();
        assert!(
            msg.contains("c.db")
                && msg.contains(&format!("forgotten upload of commit {}", commit(1)))
                && msg.contains("flag 'not a flag!', which is not a flag"),
            "{msg}"
        );
    }

    #[test]
    fn a_record_dated_past_the_slack_loses_to_any_other() {
        let now = 1_000_000;
        let ahead = encode_meta(&upload(None, 1), now + FUTURE_SLACK + 1);
        let correct = encode_meta(&upload(None, 2), now);
        assert!(newer(&ahead, &correct, now));
        assert!(!newer(&correct, &ahead, now));
        let tomb = encode_forgotten(now);
        assert!(newer(&ahead, &tomb, now));
        // Within the slack the later one still wins.
        let soon = encode_meta(&upload(None, 1), now + FUTURE_SLACK);
        assert!(!newer(&soon, &correct, now));
    }

    /// What the `shared` fuzz target checks, for one input: the decoders answer `Ok` or
    /// `Err`, never panic, and whatever decodes re-encodes to the same value.
    fn decoders_hold_on(data: &[u8]) {
        if let Ok(meta) = decode_shared(data) {
            let again = match &meta {
                SharedMeta::Forgotten { forgotten_at } => encode_forgotten(*forgotten_at),
                SharedMeta::Upload(m) => {
                    let upload = m.clone().into_upload(None, BTreeMap::new());
                    encode_meta(&upload, m.recorded_at)
                }
            };
            assert_eq!(decode_shared(&again).as_ref(), Ok(&meta));
        }
        let counted = codec::line_count(data);
        if let Ok(cov) = decode_file(data) {
            assert_eq!(counted, Ok(cov.len() as u64));
            assert_eq!(decode_file(&encode_file(&cov)).as_ref(), Ok(&cov));
        }
    }

    #[test]
    fn the_committed_shared_fuzz_corpus_decodes_or_is_refused() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/shared");
        let mut seen = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            decoders_hold_on(&std::fs::read(e.unwrap().path()).unwrap());
            seen += 1;
        }
        assert!(seen >= 6, "only {seen} inputs under {dir}");
    }

    proptest::proptest! {
        #[test]
        fn shared_decoders_never_panic_on_arbitrary_bytes(
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
            lead in 0_u8..3,
        ) {
            // Lead with a known version byte half the time, so the search gets past it.
            let mut bytes = data.clone();
            if lead > 0 {
                bytes.insert(0, lead);
            }
            decoders_hold_on(&bytes);
        }
    }
}
