//! The only module that reads git, through gix: discovering the repository, resolving
//! revisions, walking first parents and merge-bases, listing trees, and diffing two commits
//! into [`FileChange`](crate::model::FileChange)s with line hunks.
//!
//! Commits cross the boundary as [`CommitId`](crate::model::CommitId), never as gix types.
//! Writes are confined to working-tree snapshots (objects only, see `snapshot.rs`) and
//! the refs under `refs/covgit/baselines/`, and the pre-push hook file (`hook.rs`).

mod baseline;
mod diff;
mod error;
mod graph;
mod hook;
mod lines;
mod repo;
mod snapshot;

pub use baseline::BASELINE_REFS;
pub use error::GitError;
pub use hook::{HookInstalled, HookRemoved};
pub use lines::line_hunks;
pub use repo::Repo;
pub use snapshot::{ChangeSource, WorktreeChange, WorktreeSnapshot};

#[cfg(test)]
mod fixture;
