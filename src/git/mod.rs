//! The only module that reads git, through gix: discovering the repository, resolving
//! revisions, walking first parents and merge-bases, listing trees, and diffing two commits
//! into [`FileChange`](crate::model::FileChange)s with line hunks, and finding the blocks a
//! diff moved or reformatted among them (`moves.rs`).
//!
//! Commits cross the boundary as [`CommitId`](crate::model::CommitId), never as gix types.
//! Writes are confined to covgit's own objects and refs under `refs/covgit/`: shared coverage
//! (`share.rs`, `remote.rs`; network transport runs the `git` executable, `remote.rs` says
//! why), working-tree snapshots and baselines (`snapshot.rs`), and the pre-push hook file
//! (`hook.rs`).

mod attributes;
mod baseline;
mod diff;
mod error;
mod files;
mod graph;
mod hook;
mod lines;
mod moves;
mod reach;
mod remote;
mod repo;
mod share;
mod snapshot;

pub use attributes::GeneratedFiles;
pub use error::GitError;
pub use hook::{HookInstalled, HookRemoved};
pub use remote::PushOutcome;
pub use repo::Repo;
pub use share::{SharedLocator, SharedReader, bounded};
pub use snapshot::{ChangeSource, WorktreeSnapshot};

#[cfg(test)]
pub(crate) mod fixture;
