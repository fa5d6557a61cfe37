//! The plain data of a diff between two commits, as `git` computes it and `offset` and
//! `compare` consume it.

use serde::{Deserialize, Serialize};

/// How a file changed between two trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Deleted,
    Renamed,
    Modified,
}

/// One changed region. `old_start..old_start+old_len` (1-based, end exclusive) is replaced by
/// `new_start..new_start+new_len`. An empty side's start is the number the first line after
/// the region has on that side, so lines between hunks map by a constant offset:
/// old line `l` before a hunk and after the previous one maps to `l + (new_start - old_start)`
/// of the next hunk. Hunks of a file are sorted and do not overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hunk {
    pub old_start: u32,
    pub old_len: u32,
    pub new_start: u32,
    pub new_len: u32,
}

/// One file that differs between the old and the new tree. Files that are equal on both
/// sides (same path, same blob) are never listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChange {
    /// Path in the old tree; `None` when added.
    pub old_path: Option<String>,
    /// Path in the new tree; `None` when deleted.
    pub new_path: Option<String>,
    pub kind: ChangeKind,
    /// Line hunks of the content change; empty for a pure rename. For an added or deleted
    /// file, one hunk spanning the whole file (or none for an empty file).
    pub hunks: Vec<Hunk>,
}
