//! The layout of shared coverage in git objects, on the ref `refs/covgit/data`: writing a
//! new data commit on top of the remote's, and reading back what changed between two.
//!
//! ```text
//! refs/covgit/data -> commit (parent: the previous data commit) -> tree
//!   ab/                           first two hex digits of the recorded commit (fan-out)
//!     cdef…(38 hex)/              the rest of its SHA
//!       @default/  or  <flag>/    one record per upload key (commit, flag)
//!         meta                    the upload's description (bytes the caller encodes)
//!         files/                  one blob per file's coverage, at the file's path
//! ```
//!
//! Why so: with 100,000 recorded commits the root holds 256 entries and each fan-out folder
//! about 400, so adding a record rewrites three small trees; reading what changed since the
//! last pull compares trees by id and descends only where they differ. Files are separate
//! blobs in folders mirroring the repository, so unchanged coverage (blob) and unchanged
//! folders (trees) are the same git objects from commit to commit: a push sends only what
//! changed, like the store itself.
//!
//! Names are escaped so any path survives and git's fsck (which hosts run on push) accepts
//! every tree: `%` → `%25`, NUL → `%00`, `~` → `%7E`, a leading `.` → `%2E`, the empty
//! name → `%`; a folder's name ends in `%` so a file and a folder of the same name can
//! coexist. A flag's `/` becomes `%2F`; flags cannot contain `@`, so `@default` (the
//! unflagged upload) is unambiguous.
//!
//! The bytes of `meta` and of each file are opaque here; whoever writes decides, through a
//! `keep_new` callback, which of two records of one key stays.

mod layout;
mod read;
mod write;

use gix::ObjectId;

use super::GitError;
use crate::model::{CommitId, Flag};

pub use read::SharedReader;

/// The ref holding shared coverage, locally and on remotes.
pub const DATA_REF: &str = "refs/covgit/data";

/// The most files one record may hold. A monorepo's report covers tens of thousands of
/// files; a crafted tree (a 16-ary folder DAG a few levels deep) names billions with a few
/// hundred objects, so the walk stops here instead of listing them.
pub const MAX_RECORD_FILES: usize = 200_000;
/// The deepest folder nesting within a record: a path is at most 4,096 bytes, so no real
/// path nests deeper than this, while a crafted chain of trees could recurse without end.
pub const MAX_TREE_DEPTH: usize = 256;
/// The most bytes of coverage blobs one record may make covgit read, counting a blob once per
/// path that names it (each path is decoded on its own). Plain lines take about two bytes,
/// so this is far above any real record, and well below what a machine can hold.
pub const MAX_RECORD_BYTES: u64 = 64 << 20;
/// The largest record description (meta blob): a format name, a status and the unresolved
/// paths.
pub const MAX_META_BYTES: u64 = 16 << 20;
/// The longest path a record may name, as for reports.
const MAX_PATH_BYTES: usize = 4096;
/// Bytes of blobs the reader keeps for reuse across records before it starts over.
const BLOB_CACHE_BYTES: usize = 64 << 20;
const META: &str = "meta";
const FILES: &str = "files";

/// Where one shared record sits in a data commit, found without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedLocator {
    pub commit: CommitId,
    pub flag: Option<Flag>,
    id: ObjectId,
}

/// A shared record's description and the key of its files: records whose files have the same
/// key hold the same files with the same coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedHead {
    pub meta: Vec<u8>,
    pub files_key: Option<String>,
}

/// What [`Repo::write_shared`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedCommit {
    /// The new data commit, or the base itself when no record changed anything.
    pub id: CommitId,
    /// Records added or replacing an older one.
    pub written: usize,
    /// Keys whose record in `base` was kept over a different one given (`keep_new` said no).
    pub kept_old: Vec<(CommitId, Option<Flag>)>,
}

/// Where shared data holds something that is not a record covgit could have written (a bad
/// folder or flag name), found while listing records: the rest are still read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedProblem {
    /// The commit (or folder) and flag as named in the tree.
    pub commit: String,
    pub flag: String,
    pub why: String,
}

/// What [`Repo::shared_locators`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedListing {
    pub records: Vec<SharedLocator>,
    pub problems: Vec<SharedProblem>,
}

/// `s` cut to a length fit for a one-line message, control characters as visible escapes
/// (names read from shared data are written by others).
pub fn bounded(s: &str) -> String {
    crate::model::quoted(s, 80)
}

fn malformed(tip: &CommitId, detail: String) -> GitError {
    GitError::BadSharedData {
        commit: tip.short().to_owned(),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_messages_are_bounded_and_escaped() {
        assert_eq!(bounded("unit"), "unit");
        assert_eq!(bounded("a\nb\x1b"), "a\\nb\\u{1b}");
        let long = bounded(&"é".repeat(500));
        assert_eq!(long.chars().count(), 81);
    }
}
