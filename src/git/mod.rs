//! The only module that reads git, through gix: discovering the repository, resolving
//! revisions, walking first parents and merge-bases, listing trees, and diffing two commits
//! into [`FileChange`](crate::model::FileChange)s with line hunks.
//!
//! Commits cross the boundary as [`CommitId`](crate::model::CommitId), never as gix types.
//! The only writes are covgit's own shared-coverage objects and `refs/covgit/` refs
//! (`share.rs`, `remote.rs`); network transport runs the `git` executable (`remote.rs` says why).

mod diff;
mod error;
mod files;
mod graph;
mod lines;
mod reach;
mod remote;
mod repo;
mod share;

pub use error::GitError;
pub use lines::line_hunks;
pub use remote::PushOutcome;
pub use repo::Repo;
pub use share::{DATA_REF, SharedCommit, SharedRecord};

#[cfg(test)]
mod fixture;
