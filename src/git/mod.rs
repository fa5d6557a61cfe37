//! The only module that reads git, through gix: discovering the repository, resolving
//! revisions, walking first parents and merge-bases, listing trees, and diffing two commits
//! into [`FileChange`](crate::model::FileChange)s with line hunks.
//!
//! Commits cross the boundary as [`CommitId`](crate::model::CommitId), never as gix types.
//! Nothing here writes to the repository.

mod diff;
mod error;
mod files;
mod graph;
mod lines;
mod reach;
mod repo;

pub use error::GitError;
pub use lines::line_hunks;
pub use repo::Repo;

#[cfg(test)]
mod fixture;
