//! What can go wrong opening, upgrading, reading or writing the coverage database. Every
//! message names the database file, and the commit or report path when one is involved.

use std::path::PathBuf;

use crate::model::CommitId;

use super::codec::CodecError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the coverage database {}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error("{} is not a SQLite database (is --db pointing at the wrong file?)", path.display())]
    NotSqlite { path: PathBuf },

    #[error(
        "{} is a SQLite database that covgit did not create (it already holds other tables)",
        path.display()
    )]
    NotCovgit { path: PathBuf },

    #[error(
        "database schema of {} is version {found}, newer than version {supported} that this \
         covgit knows; upgrade covgit to use it",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error("cannot upgrade the coverage database {} to schema version {version}", path.display())]
    Migrate {
        path: PathBuf,
        version: i64,
        #[source]
        source: rusqlite::Error,
    },

    /// A statement failed; `action` says what covgit was doing.
    #[error("coverage database {}: cannot {action}", path.display())]
    Sql {
        path: PathBuf,
        action: String,
        #[source]
        source: rusqlite::Error,
    },

    #[error(
        "coverage database {}: stored coverage of '{file}' for commit {commit} is corrupt",
        path.display()
    )]
    Corrupt {
        path: PathBuf,
        commit: CommitId,
        file: String,
        #[source]
        source: CodecError,
    },

    #[error(
        "the coverage database {} is read-only (a read-only mount, or a file of another user), so covgit cannot change it; pass --db PATH to a writable copy",
        path.display()
    )]
    ReadOnly { path: PathBuf },

    #[error(
        "the coverage database {} has an unapplied write-ahead log ({}-wal) and cannot be read read-only; copy both files somewhere writable and pass --db PATH to the copy",
        path.display(),
        path.display()
    )]
    UnappliedWal { path: PathBuf },

    #[error(
        "the coverage database {} has schema version {found}, older than version {supported}, and is read-only so covgit cannot upgrade it; run a covgit that matches it, or record into a writable copy first",
        path.display()
    )]
    Outdated {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    /// A stored flag that is not a flag: the file was corrupted or edited by hand.
    #[error(
        "coverage database {}: the forgotten upload of commit {commit} is stored with flag '{flag}', which is not a flag (the database is corrupt)",
        path.display()
    )]
    CorruptFlag {
        path: PathBuf,
        commit: CommitId,
        flag: String,
    },
}
