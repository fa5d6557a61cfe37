//! What can go wrong opening, upgrading, reading or writing the coverage database. Every
//! message names the database file, and the commit or report path when one is involved.

use std::path::PathBuf;

use crate::model::CommitId;

use super::codec::CodecError;

/// Why the coverage database could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened.
    #[error("cannot open the coverage database {}", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: rusqlite::Error,
    },

    /// The file is not an `SQLite` database.
    #[error("{} is not a SQLite database (is --db pointing at the wrong file?)", path.display())]
    NotSqlite {
        /// The database file.
        path: PathBuf,
    },

    /// The file is an `SQLite` database of some other program.
    #[error(
        "{} is a SQLite database that covgit did not create (it already holds other tables)",
        path.display()
    )]
    NotCovgit {
        /// The database file.
        path: PathBuf,
    },

    /// The database was written by a newer covgit.
    #[error(
        "database schema of {} is version {found}, newer than version {supported} that this \
         covgit knows; upgrade covgit to use it",
        path.display()
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// The schema version the file has.
        found: i64,
        /// The schema version this covgit writes.
        supported: i64,
    },

    /// Upgrading the schema failed (the database is left as it was).
    #[error("cannot upgrade the coverage database {} to schema version {version}", path.display())]
    Migrate {
        /// The database file.
        path: PathBuf,
        /// The schema version the upgrade was going to.
        version: i64,
        /// The underlying error.
        #[source]
        source: rusqlite::Error,
    },

    /// A statement failed; `action` says what covgit was doing.
    #[error("coverage database {}: cannot {action}", path.display())]
    Sql {
        /// The database file.
        path: PathBuf,
        /// What covgit was doing, in words.
        action: String,
        /// The underlying error.
        #[source]
        source: rusqlite::Error,
    },

    /// Stored coverage bytes do not decode.
    #[error(
        "coverage database {}: stored coverage of '{file}' for commit {commit} is corrupt",
        path.display()
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// The commit the data belongs to.
        commit: CommitId,
        /// The repository path whose coverage is corrupt.
        file: String,
        /// The underlying error.
        #[source]
        source: CodecError,
    },

    /// The database must change but cannot be written.
    #[error(
        "the coverage database {} is read-only (a read-only mount, or a file of another user), so covgit cannot change it; pass --db PATH to a writable copy",
        path.display()
    )]
    ReadOnly {
        /// The database file.
        path: PathBuf,
    },

    /// A read-only database whose write-ahead log holds changes not yet applied.
    #[error(
        "the coverage database {} has an unapplied write-ahead log ({}-wal) and cannot be read read-only; copy both files somewhere writable and pass --db PATH to the copy",
        path.display(),
        path.display()
    )]
    UnappliedWal {
        /// The database file.
        path: PathBuf,
    },

    /// The database has an older schema and is read-only, so it cannot be upgraded.
    #[error(
        "the coverage database {} has schema version {found}, older than version {supported}, and is read-only so covgit cannot upgrade it; run a covgit that matches it, or record into a writable copy first",
        path.display()
    )]
    Outdated {
        /// The database file.
        path: PathBuf,
        /// The schema version the file has.
        found: i64,
        /// The schema version this covgit writes.
        supported: i64,
    },

    /// A stored flag that is not a flag: the file was corrupted or edited by hand.
    #[error(
        "coverage database {}: the forgotten upload of commit {commit} is stored with flag '{flag}', which is not a flag (the database is corrupt)",
        path.display()
    )]
    CorruptFlag {
        /// The database file.
        path: PathBuf,
        /// The commit the data belongs to.
        commit: CommitId,
        /// The stored flag, as it is.
        flag: String,
    },
}
