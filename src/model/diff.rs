//! The plain data of a diff between two commits, as `git` computes it and `offset` and
//! `compare` consume it.

use serde::{Deserialize, Serialize};

use super::LineNo;

/// How a file changed between two trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// The file exists only in the new tree.
    Added,
    /// The file exists only in the old tree.
    Deleted,
    /// The file moved to another path (its content may have changed too).
    Renamed,
    /// Same path on both sides, different content.
    Modified,
}

/// One changed region. `old_start..old_start+old_len` (1-based, end exclusive) is replaced by
/// `new_start..new_start+new_len`. An empty side's start is the number the first line after
/// the region has on that side, so lines between hunks map by a constant offset:
/// old line `l` before a hunk and after the previous one maps to `l + (new_start - old_start)`
/// of the next hunk. Hunks of a file are sorted and do not overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hunk {
    /// First old line of the region (1-based).
    pub old_start: u32,
    /// How many old lines the region replaces; 0 for a pure insertion.
    pub old_len: u32,
    /// First new line of the region (1-based).
    pub new_start: u32,
    /// How many new lines replace them; 0 for a pure deletion.
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
    /// How the file changed.
    pub kind: ChangeKind,
    /// Line hunks of the content change; empty for a pure rename. For an added or deleted
    /// file, one hunk spanning the whole file (or none for an empty file).
    pub hunks: Vec<Hunk>,
}

/// Whether a [`Relocation`] is a moved block or a reformatted run (SPEC "Moved and
/// reformatted code").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RelocationKind {
    /// Lines the diff removes in one place and adds, equal once each line's leading and
    /// trailing whitespace is stripped, in another (the same file or another one).
    Moved,
    /// A removed run and the added run that replaces it at the same place, equal once all
    /// whitespace is removed.
    Reformatted,
}

/// One moved block or reformatted run: base lines `old_start..old_start+old_len` of
/// `old_path`, which the plain line diff removes, are the head lines
/// `new_start..new_start+origins.len()` of `new_path`, which it adds. Head line
/// `new_start + i` takes its state from base line `origins[i]`; `None` is a continuation line
/// of a reformatted run (its base line already gave its state to an earlier head line, or it
/// is blank). For a moved block `old_len == origins.len()` and `origins[i] == old_start + i`.
///
/// Neither side's lines are `added` or `removed`; base lines no head line maps to (lines a
/// reformat joined) carry nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relocation {
    /// A block moved as it is, or a run reformatted.
    pub kind: RelocationKind,
    /// The base file the lines come from.
    pub old_path: String,
    /// The first base line of the block (1-based).
    pub old_start: LineNo,
    /// How many base lines the block spans.
    pub old_len: u32,
    /// The head file the lines land in.
    pub new_path: String,
    /// The first head line of the block (1-based).
    pub new_start: LineNo,
    /// For each head line from `new_start`, the base line it takes its state from (see above).
    pub origins: Vec<Option<LineNo>>,
}

impl Relocation {
    /// The last head line of the block.
    pub fn new_end(&self) -> LineNo {
        self.new_start + (self.origins.len() as u32).saturating_sub(1)
    }

    /// The last base line of the block.
    pub fn old_end(&self) -> LineNo {
        self.old_start + self.old_len.saturating_sub(1)
    }
}

/// A diff between two trees: the changed files with their hunks, and the moved blocks and
/// reformatted runs found among the lines those hunks remove and add (empty when move
/// detection is off).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// The changed files, each with its hunks.
    pub files: Vec<FileChange>,
    /// Sorted by head path, then head line; no two overlap on either side.
    pub relocations: Vec<Relocation>,
}
