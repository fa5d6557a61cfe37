//! covgit: how code coverage changed from one commit to another, with git deciding what
//! "the same line" is.
//!
//! The pipeline, one module per stage: report bytes → [`parse`] → `resolve` paths →
//! `store` (by commit) → `select` the base → `offset` remap → [`compare`](mod@compare) → [`render`].
//! `git` is the only module that reads git; [`app`] is where the stages meet. The binary
//! is a thin shell over [`app`].
//!
//! The public API is what a library user calls: the [`app`] use cases (over an
//! [`app::Workspace`]), [`parse::parse`], [`compare::compare`], [`render::compare`], the
//! [`model`] types and the [`config`]. The other stages (`git`, `store`, `select`, `resolve`,
//! `offset`) are private to the crate: [`app`] re-exports the error types its
//! [`app::Error`] chains.

#![warn(missing_docs)]

pub mod app;
pub mod compare;
pub mod config;
pub(crate) mod git;
pub mod model;
pub(crate) mod offset;
pub mod parse;
pub mod render;
pub(crate) mod resolve;
pub(crate) mod select;
pub(crate) mod store;
#[cfg(test)]
pub(crate) mod testkit;

/// The shared-record codec (what `covgit pull` decodes), for the `shared` fuzz target only:
/// cargo-fuzz builds with `--cfg fuzzing`. Not part of the API.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::store::{
        SharedMeta, decode_file, decode_shared, encode_file, encode_forgotten, encode_meta,
        line_count,
    };
}
