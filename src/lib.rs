//! covgit: how code coverage changed from one commit to another, with git deciding what
//! "the same line" is.
//!
//! The pipeline, one module per stage: report bytes → [`parse`] → [`resolve`] paths →
//! [`store`] (by commit) → [`select`] the base → [`offset`] remap → [`compare`] → [`render`].
//! [`git`] is the only module that reads git; [`app`] is where the stages meet. The binary
//! is a thin shell over [`app`].

pub mod app;
pub mod compare;
pub mod config;
pub mod git;
pub mod model;
pub mod offset;
pub mod parse;
pub mod render;
pub mod resolve;
pub mod select;
pub mod store;
