//! SPEC "Remapping lines through a diff" and "Coverage offsets": carry a report across a diff.
//!
//! Pure: it takes a [`Report`](crate::model::Report) and the
//! [`FileChange`](crate::model::FileChange)s that `git` computed and hands back the remapped
//! report. It owns the per-file line mapping ([`LineMap`]) that `compare` also aligns with.
//! It never reads git or the store. Line numbers are 1-based; a line that the diff removes or
//! replaces has no counterpart and its coverage is dropped.

mod linemap;
mod remap;
#[cfg(test)]
pub(crate) mod testgen;

pub use linemap::LineMap;
pub use remap::remap_with;
