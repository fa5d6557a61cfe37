//! A record as it travels between stores through a git remote (`covgit push` and `pull`).

use super::{CommitId, Flag};

/// One shared record of the upload key (commit, flag): an upload, or the tombstone of a
/// forgotten one, with its bytes already encoded. The store writes and reads the bytes; git
/// lays them out in trees without reading them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedRecord {
    /// The commit the record belongs to.
    pub commit: CommitId,
    /// The upload's flag; `None` for the unflagged upload.
    pub flag: Option<Flag>,
    /// The upload's description (or the tombstone's date), opaque to git.
    pub meta: Vec<u8>,
    /// Each file's path and coverage bytes, sorted by path; empty for a tombstone.
    pub files: Vec<(String, Vec<u8>)>,
}
