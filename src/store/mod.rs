//! The coverage database: `SQLite` keyed by commit, holding each commit's uploads (one per
//! flag), their CI status and their coverage. Owns rusqlite; knows no git and no report
//! format: it takes [`CommitId`](crate::model::CommitId)s and [`Upload`](crate::model::Upload)s
//! and hands back [`Report`](crate::model::Report)s.
//!
//! Storage grows with what changed, not with the number of commits: a file's coverage is a
//! compact blob (`codec.rs`) stored once per distinct content, paths are interned, and an
//! upload is a row plus (path, blob) pairs. The schema lives in `migrations/*.sql`, applied
//! in one transaction on open; a database newer than this covgit is refused untouched.
//! Writers wait for each other (WAL, busy timeout), so parallel CI jobs can record at once.

mod codec;
mod database;
mod error;
mod exchange;
mod gc;
mod migrate;
mod record;
mod rows;

pub use codec::{CodecError, line_count};
pub use database::{FileRef, Store};
pub use error::StoreError;
#[cfg(fuzzing)]
pub use exchange::encode_forgotten;
pub use exchange::{
    ForgottenKey, PendingForgotten, SharedMeta, SharedUpload, UploadKey, decode_file,
    decode_shared, from_the_future, newer,
};
#[cfg(any(test, fuzzing))]
pub use exchange::{encode_file, encode_meta};
pub use gc::GcOutcome;

#[cfg(test)]
mod tests;
