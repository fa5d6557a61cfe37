//! The [`Store`] handle: opening (pragmas, schema check, migrations) and every read.
//! Writes live in `record.rs`.
//!
//! Reads never decode more than they return: [`Store::commit_info`] and the listing of every
//! commit use the precomputed totals and upload rows only.

#[cfg(test)]
use std::collections::HashMap;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::StoreError;
use super::codec::{self, CodecError};
use super::migrate;
use super::rows::{TOTALS_COLUMNS, totals_at};
#[cfg(test)]
use crate::model::Upload;
use crate::model::{CiStatus, CommitId, Flag, Report, Totals};

/// How long a writer waits for another covgit holding the database (CI jobs recording in
/// parallel) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The coverage database: uploads by commit, their CI status, their coverage.
pub struct Store {
    pub(super) conn: Connection,
    /// The file, or `:memory:`, for error messages.
    pub(super) path: PathBuf,
}

/// `path` for a `file:` URI: the bytes `SQLite` would misread (`?`, `#`, `%`) and anything not
/// printable ASCII percent-encoded.
fn uri_path(path: &Path) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    // The OS's own bytes on Unix (any path round-trips); on Windows, WTF-8, which is UTF-8
    // for every path that is valid Unicode, as SQLite expects there.
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_graphic() && !matches!(b, b'?' | b'#' | b'%') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A recorded commit at a glance, without decoding any coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    pub commit: CommitId,
    /// [`CiStatus::combine`] of its uploads.
    pub ci_status: CiStatus,
    /// Sorted by flag, the unflagged upload first.
    pub uploads: Vec<UploadInfo>,
    /// Totals of the merged report of all uploads.
    pub totals: Totals,
    /// Unix seconds when its latest upload was recorded.
    pub recorded_at: i64,
}

/// One upload of a commit, without its coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadInfo {
    pub flag: Option<Flag>,
    pub format: String,
    pub ci_status: CiStatus,
}

impl UploadInfo {
    /// Whether a report restricted to `flag` merges this upload: every upload when `flag` is
    /// `None` (`--flag` not given), else only that flag's.
    pub fn merged_for(&self, flag: Option<&Flag>) -> bool {
        flag.is_none() || self.flag.as_ref() == flag
    }
}

/// An upload row.
pub(super) struct UploadRow {
    pub id: i64,
    pub info: UploadInfo,
    pub recorded_at: i64,
}

/// The `uploads` columns [`UploadRow::at`] reads, in its order.
const UPLOAD_COLUMNS: &str = "id, flag, format, ci_status, recorded_at";

impl UploadRow {
    /// The row's [`UPLOAD_COLUMNS`], starting at column `first`.
    fn at(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<UploadRow> {
        Ok(UploadRow {
            id: r.get(first)?,
            info: UploadInfo {
                flag: r.get(first + 1)?,
                format: r.get(first + 2)?,
                ci_status: r.get(first + 3)?,
            },
            recorded_at: r.get(first + 4)?,
        })
    }
}

/// An internal failure before the public API adds the database path and what it was doing.
pub(super) enum Fail {
    Sql(rusqlite::Error),
    Corrupt { file: String, source: CodecError },
}

impl From<rusqlite::Error> for Fail {
    fn from(e: rusqlite::Error) -> Self {
        Fail::Sql(e)
    }
}

/// A read transaction; see [`Store::read_snapshot`]. Dropping it ends the transaction.
pub struct Snapshot<'a> {
    _tx: rusqlite::Transaction<'a>,
}

/// One file of a commit's report, known without decoding: the stored coverage its uploads
/// point at (opaque ids, sorted) and, when they all point at the same coverage, its totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    pub blobs: Vec<i64>,
    pub totals: Option<Totals>,
}

impl Store {
    /// Opens the database at `path`, creating the file (not its folder) if missing and
    /// bringing its schema up to date. Refuses, without writing to it, a file that is not a
    /// covgit database or whose schema is newer than this covgit knows.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        // SQLite falls back to reading only when it cannot write the file (a read-only mount,
        // another user's file): say so now rather than fail at the first write.
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(StoreError::ReadOnly {
                path: path.to_owned(),
            });
        }
        let store = Store::waiting(conn, path)?;
        // Before anything writes: switching to WAL already rewrites the header.
        migrate::inspect(&store.conn, path)?;
        store.enable_wal()?;
        // WAL makes NORMAL safe from corruption; a power cut may lose the last record only.
        store
            .conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| store.fail("set synchronous mode", e))?;
        store.finish_open()
    }

    /// Opens an existing database for reading only, writing nothing to it or beside it when
    /// it cannot: a read-only mount (a CI cache) or another user's file. A write-ahead-logged
    /// database needs its `-shm` index; where `SQLite` can neither find nor create it, the file
    /// is opened `immutable`, which reads the main file alone. That is right only when the
    /// `-wal` file is absent or empty: a non-empty one may hold records not yet copied into the
    /// main file, which `immutable` would silently ignore, so that is
    /// [`StoreError::UnappliedWal`] instead of stale data.
    ///
    /// A schema older than [`migrate::READABLE`] is [`StoreError::Outdated`]: the caller may
    /// open it with [`Store::open`] to upgrade it. An older schema from [`migrate::READABLE`]
    /// on opens as it is and is read as it is (see [`Store::is_outdated`]).
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        match Self::open_read_only_as(path, false) {
            Err(StoreError::Sql { source, .. } | StoreError::Open { source, .. })
                if matches!(
                    source.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
                ) =>
            {
                let mut wal = path.as_os_str().to_owned();
                wal.push("-wal");
                if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                    return Err(StoreError::UnappliedWal {
                        path: path.to_owned(),
                    });
                }
                Self::open_read_only_as(path, true)
            }
            other => other,
        }
    }

    fn open_read_only_as(path: &Path, immutable: bool) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let uri = format!(
            "file:{}?mode=ro{}",
            uri_path(path),
            if immutable { "&immutable=1" } else { "" }
        );
        let conn = Connection::open_with_flags(&uri, flags).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        let store = Store::waiting(conn, path)?;
        let found = migrate::inspect(&store.conn, path)?;
        if found < migrate::READABLE {
            return Err(StoreError::Outdated {
                path: path.to_owned(),
                found,
                supported: migrate::LATEST,
            });
        }
        store
            .conn
            .pragma_update(None, "foreign_keys", true)
            .map_err(|e| store.fail("enable foreign keys", e))?;
        store.conn.set_prepared_statement_cache_capacity(32);
        Ok(store)
    }

    /// Whether the schema is older than the one this covgit writes (only a read-only open
    /// leaves it so, and reads it as it is).
    pub fn is_outdated(&self) -> Result<bool, StoreError> {
        Ok(migrate::inspect(&self.conn, &self.path)? < migrate::LATEST)
    }

    /// Switches to write-ahead logging (persistent in the file, so usually a no-op). Changing
    /// the journal mode can answer `SQLITE_BUSY` at once, without the busy handler, while another
    /// process is creating the same database; retry for as long as the busy timeout allows.
    fn enable_wal(&self) -> Result<(), StoreError> {
        let current: String = self
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .map_err(|e| self.fail("read the journal mode", e))?;
        if current.eq_ignore_ascii_case("wal") {
            return Ok(());
        }
        let started = std::time::Instant::now();
        loop {
            match self
                .conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
            {
                Ok(_) => return Ok(()),
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => return Err(self.fail("switch to write-ahead logging", e)),
            }
        }
    }

    /// A private, empty database in memory, for tests.
    #[cfg(test)]
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: path.clone(),
            source,
        })?;
        Store { conn, path }.finish_open()
    }

    fn finish_open(mut self) -> Result<Store, StoreError> {
        self.conn
            .pragma_update(None, "foreign_keys", true)
            .map_err(|e| self.fail("enable foreign keys", e))?;
        self.conn.set_prepared_statement_cache_capacity(32);
        migrate::migrate(&mut self.conn, &self.path)?;
        Ok(self)
    }

    /// Starts a read transaction: until the returned guard is dropped, every read through
    /// this store sees one snapshot, so a command that reads a commit's uploads and then its
    /// coverage never sees a writer's upload in one and not the other.
    pub fn read_snapshot(&self) -> Result<Snapshot<'_>, StoreError> {
        self.conn
            .unchecked_transaction()
            .map(|tx| Snapshot { _tx: tx })
            .map_err(|e| self.fail("start a read transaction", e))
    }

    /// The database file (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The commit's uploads and totals, or `None` if nothing is recorded for it.
    pub fn commit_info(&self, commit: &CommitId) -> Result<Option<CommitInfo>, StoreError> {
        let run = || -> Result<Option<CommitInfo>, Fail> {
            let Some((id, totals)) = commit_row(&self.conn, commit)? else {
                return Ok(None);
            };
            let uploads = upload_rows(&self.conn, id)?;
            Ok(info(commit.clone(), totals, uploads))
        };
        run().map_err(|f| self.failed(f, commit, "read commit"))
    }

    /// How many files each upload of the commit left out as generated code, by flag, in
    /// [`CommitInfo::uploads`]'s order. Empty for a commit with no upload, and for every
    /// commit of a store older than schema 5 read as it is (it kept no such count); an
    /// upload recorded before schema 5, or imported by pull, counts 0.
    pub fn generated_counts(
        &self,
        commit: &CommitId,
    ) -> Result<Vec<(Option<Flag>, u64)>, StoreError> {
        if migrate::inspect(&self.conn, &self.path)? < migrate::GENERATED_SINCE {
            return Ok(Vec::new());
        }
        let run = || -> rusqlite::Result<Vec<(Option<Flag>, u64)>> {
            self.conn
                .prepare_cached(
                    "SELECT u.flag, u.generated FROM uploads u JOIN commits c ON c.id = u.commit_id
                     WHERE c.sha = ?1 ORDER BY u.flag IS NOT NULL, u.flag",
                )?
                .query_map([commit], |r| {
                    Ok((r.get(0)?, r.get::<_, i64>(1)?.try_into().unwrap_or(0)))
                })?
                .collect()
        };
        run().map_err(|e| self.fail(&format!("read the uploads of commit {commit}"), e))
    }

    /// Each upload of the commit, in [`CommitInfo::uploads`]'s order: its flag, when it was
    /// recorded (Unix seconds) and how many lines its report tracks, without decoding any.
    pub fn upload_lines(
        &self,
        commit: &CommitId,
    ) -> Result<Vec<(Option<Flag>, i64, u64)>, StoreError> {
        let run = || -> rusqlite::Result<Vec<(Option<Flag>, i64, u64)>> {
            self.conn
                .prepare_cached(
                    "SELECT u.flag, u.recorded_at, COALESCE(SUM(b.lines), 0) FROM uploads u
                     JOIN commits c ON c.id = u.commit_id
                     LEFT JOIN file_set_files f ON f.set_id = u.set_id
                     LEFT JOIN blobs b ON b.id = f.blob_id
                     WHERE c.sha = ?1 GROUP BY u.id ORDER BY u.flag IS NOT NULL, u.flag",
                )?
                .query_map([commit], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get::<_, i64>(2)?.try_into().unwrap_or(0),
                    ))
                })?
                .collect()
        };
        run().map_err(|e| self.fail(&format!("read the uploads of commit {commit}"), e))
    }

    /// Each upload of the commit, in [`CommitInfo::uploads`]'s order: its flag, when it was
    /// recorded (Unix seconds) and the totals of its own report, without decoding any (one
    /// upload lists a file once, so the stored per-file totals add up to the upload's). The
    /// coverage trend draws a line per flag from these.
    pub fn upload_totals(
        &self,
        commit: &CommitId,
    ) -> Result<Vec<(Option<Flag>, i64, Totals)>, StoreError> {
        let sums: Vec<String> = TOTALS_COLUMNS
            .split(", ")
            .map(|c| format!("COALESCE(SUM(b.{c}), 0)"))
            .collect();
        let run = || -> rusqlite::Result<Vec<(Option<Flag>, i64, Totals)>> {
            self.conn
                .prepare_cached(&format!(
                    "SELECT u.flag, u.recorded_at, COALESCE(SUM(b.lines > 0), 0), {} FROM uploads u
                     JOIN commits c ON c.id = u.commit_id
                     LEFT JOIN file_set_files f ON f.set_id = u.set_id
                     LEFT JOIN blobs b ON b.id = f.blob_id
                     WHERE c.sha = ?1 GROUP BY u.id ORDER BY u.flag IS NOT NULL, u.flag",
                    sums.join(", ")
                ))?
                .query_map([commit], |r| {
                    let files: i64 = r.get(2)?;
                    Ok((r.get(0)?, r.get(1)?, with_files(files, totals_at(r, 3)?)))
                })?
                .collect()
        };
        run().map_err(|e| self.fail(&format!("read the uploads of commit {commit}"), e))
    }

    /// Every recorded commit, oldest record first (ties by SHA).
    #[cfg(test)]
    pub fn commits(&self) -> Result<Vec<CommitInfo>, StoreError> {
        let run = || -> rusqlite::Result<Vec<CommitInfo>> {
            let mut by_commit: HashMap<i64, Vec<UploadRow>> = HashMap::new();
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT commit_id, {UPLOAD_COLUMNS} FROM uploads
                 ORDER BY commit_id, flag IS NOT NULL, flag",
            ))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                by_commit
                    .entry(r.get(0)?)
                    .or_default()
                    .push(UploadRow::at(r, 1)?);
            }
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT id, sha, files, {TOTALS_COLUMNS} FROM commits"
            ))?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let commit: CommitId = r.get(1)?;
                let totals = with_files(r.get(2)?, totals_at(r, 3)?);
                let uploads = by_commit.remove(&id).unwrap_or_default();
                out.extend(info(commit, totals, uploads));
            }
            out.sort_by(|a, b| (a.recorded_at, &a.commit).cmp(&(b.recorded_at, &b.commit)));
            Ok(out)
        };
        run().map_err(|e| self.fail("list recorded commits", e))
    }

    /// The commit's report: the merge of all its uploads (`flag` `None`), or the one upload
    /// with that flag. `None` when there is nothing recorded to answer with.
    #[cfg(test)]
    pub fn report(
        &self,
        commit: &CommitId,
        flag: Option<&Flag>,
    ) -> Result<Option<Report>, StoreError> {
        self.report_without(commit, flag, &HashSet::new())
    }

    /// [`Store::report`] without the files named in `skip`, which are neither decoded nor
    /// returned (a comparison that knows from [`Store::file_refs`] that a file is the same on
    /// both sides needs only its totals).
    pub fn report_without(
        &self,
        commit: &CommitId,
        flag: Option<&Flag>,
        skip: &HashSet<String>,
    ) -> Result<Option<Report>, StoreError> {
        let run = || -> Result<Option<Report>, Fail> {
            let Some((id, _)) = commit_row(&self.conn, commit)? else {
                return Ok(None);
            };
            let rows = upload_rows(&self.conn, id)?;
            let chosen: Vec<&UploadRow> = match flag {
                Some(f) => rows
                    .iter()
                    .filter(|r| r.info.flag.as_ref() == Some(f))
                    .collect(),
                None => rows.iter().collect(),
            };
            let mut reports = chosen
                .iter()
                .map(|r| load_report(&self.conn, r.id, skip))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(match reports.len() {
                0 => None,
                1 => reports.pop(),
                _ => Some(Report::merge(&reports)),
            })
        };
        run().map_err(|f| self.failed(f, commit, "read the report of commit"))
    }

    /// The files of the commit's report (as [`Store::report`] chooses its uploads), each with
    /// the ids of the stored coverage its uploads point at, without decoding anything. Two
    /// commits whose [`FileRef`]s for a path are equal have identical coverage of that path.
    pub fn file_refs(
        &self,
        commit: &CommitId,
        flag: Option<&Flag>,
    ) -> Result<Option<BTreeMap<String, FileRef>>, StoreError> {
        let run = || -> rusqlite::Result<Option<BTreeMap<String, FileRef>>> {
            let Some((id, _)) = commit_row(&self.conn, commit)? else {
                return Ok(None);
            };
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT p.path, f.blob_id, u.flag, b.{} FROM uploads u
                 JOIN file_set_files f ON f.set_id = u.set_id
                 JOIN paths p ON p.id = f.path_id JOIN blobs b ON b.id = f.blob_id
                 WHERE u.commit_id = ?1",
                TOTALS_COLUMNS.replace(", ", ", b.")
            ))?;
            let mut rows = stmt.query([id])?;
            let mut out: BTreeMap<String, FileRef> = BTreeMap::new();
            let mut any = false;
            while let Some(r) = rows.next()? {
                let upload_flag: Option<Flag> = r.get(2)?;
                if flag.is_some() && upload_flag.as_ref() != flag {
                    continue;
                }
                any = true;
                let blob: i64 = r.get(1)?;
                let totals = totals_at(r, 3)?.as_one_file();
                let entry = out.entry(r.get(0)?).or_insert_with(|| FileRef {
                    blobs: Vec::new(),
                    totals: Some(totals),
                });
                entry.blobs.push(blob);
            }
            for f in out.values_mut() {
                f.blobs.sort_unstable();
                // Several uploads with different coverage of one file: their merge has
                // totals of its own, known only by decoding.
                if f.blobs.first() != f.blobs.last() {
                    f.totals = None;
                }
            }
            let has_upload =
                flag.is_none_or(|_| any) && (any || !upload_rows(&self.conn, id)?.is_empty());
            Ok(has_upload.then_some(out))
        };
        run().map_err(|e| self.fail(&format!("read the files of commit {commit}"), e))
    }

    /// Every upload of the commit with its coverage, unflagged first, then by flag.
    #[cfg(test)]
    pub fn uploads(&self, commit: &CommitId) -> Result<Vec<Upload>, StoreError> {
        let run = || -> Result<Vec<Upload>, Fail> {
            let Some((id, _)) = commit_row(&self.conn, commit)? else {
                return Ok(Vec::new());
            };
            upload_rows(&self.conn, id)?
                .into_iter()
                .map(|r| {
                    Ok(Upload {
                        report: load_report(&self.conn, r.id, &HashSet::new())?,
                        flag: r.info.flag,
                        format: r.info.format,
                        ci_status: r.info.ci_status,
                    })
                })
                .collect()
        };
        run().map_err(|f| self.failed(f, commit, "read the uploads of commit"))
    }

    /// The store over an open connection that waits up to [`BUSY_TIMEOUT`] for a writer.
    fn waiting(conn: Connection, path: &Path) -> Result<Self, StoreError> {
        let store = Store {
            conn,
            path: path.to_owned(),
        };
        store
            .conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| store.fail("set the busy timeout", e))?;
        Ok(store)
    }

    pub(super) fn fail(&self, action: &str, source: rusqlite::Error) -> StoreError {
        StoreError::Sql {
            path: self.path.clone(),
            action: action.to_owned(),
            source,
        }
    }

    /// Adds the database path, the commit and what covgit was doing (`action` is followed
    /// by the commit's SHA in the message).
    pub(super) fn failed(&self, f: Fail, commit: &CommitId, action: &str) -> StoreError {
        match f {
            Fail::Sql(e) => self.fail(&format!("{action} {commit}"), e),
            Fail::Corrupt { file, source } => StoreError::Corrupt {
                path: self.path.clone(),
                commit: commit.clone(),
                file,
                source,
            },
        }
    }
}

fn with_files(files: i64, mut t: Totals) -> Totals {
    t.files = u64::try_from(files).unwrap_or(0);
    t
}

fn info(commit: CommitId, totals: Totals, uploads: Vec<UploadRow>) -> Option<CommitInfo> {
    let ci_status = CiStatus::combine(uploads.iter().map(|u| u.info.ci_status))?;
    let recorded_at = uploads.iter().map(|u| u.recorded_at).max().unwrap_or(0);
    Some(CommitInfo {
        commit,
        ci_status,
        uploads: uploads.into_iter().map(|u| u.info).collect(),
        totals,
        recorded_at,
    })
}

/// The commit's row id and stored totals.
pub(super) fn commit_row(
    conn: &Connection,
    commit: &CommitId,
) -> rusqlite::Result<Option<(i64, Totals)>> {
    conn.prepare_cached(&format!(
        "SELECT id, files, {TOTALS_COLUMNS} FROM commits WHERE sha = ?1"
    ))?
    .query_row([commit], |r| {
        Ok((r.get(0)?, with_files(r.get(1)?, totals_at(r, 2)?)))
    })
    .optional()
}

pub(super) fn upload_rows(conn: &Connection, commit_id: i64) -> rusqlite::Result<Vec<UploadRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE commit_id = ?1
         ORDER BY flag IS NOT NULL, flag"
    ))?;
    stmt.query_map([commit_id], |r| UploadRow::at(r, 0))?
        .collect()
}

/// Decodes one upload's files and unresolved paths.
pub(super) fn load_report(
    conn: &Connection,
    upload_id: i64,
    skip: &HashSet<String>,
) -> Result<Report, Fail> {
    let mut files = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT p.path, b.data FROM uploads u
         JOIN file_set_files uf ON uf.set_id = u.set_id
         JOIN paths p ON p.id = uf.path_id JOIN blobs b ON b.id = uf.blob_id
         WHERE u.id = ?1",
    )?;
    let mut rows = stmt.query([upload_id])?;
    while let Some(r) = rows.next()? {
        let file: String = r.get(0)?;
        if skip.contains(&file) {
            continue;
        }
        let data = r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        match codec::decode(data) {
            Ok(cov) => {
                files.insert(file, cov);
            }
            Err(source) => return Err(Fail::Corrupt { file, source }),
        }
    }
    Ok(Report {
        files,
        unresolved: load_unresolved(conn, upload_id)?,
    })
}

/// One upload's unresolved paths.
pub(super) fn load_unresolved(
    conn: &Connection,
    upload_id: i64,
) -> rusqlite::Result<BTreeSet<String>> {
    conn.prepare_cached(
        "SELECT p.path FROM upload_unresolved u JOIN paths p ON p.id = u.path_id
         WHERE u.upload_id = ?1",
    )?
    .query_map([upload_id], |r| r.get(0))?
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_escape_what_sqlite_would_misread() {
        assert_eq!(
            uri_path(Path::new("/c i/a?b#c%d/é.db")),
            "/c%20i/a%3Fb%23c%25d/%C3%A9.db"
        );
    }

    #[cfg(unix)]
    #[test]
    fn uri_paths_keep_bytes_that_are_not_utf8() {
        use std::os::unix::ffi::OsStrExt as _;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"/x/\xff.db"));
        assert_eq!(uri_path(path), "/x/%FF.db");
    }
}
