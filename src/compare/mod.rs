//! SPEC "The comparison": base report + head report + the base → head diff → line kinds,
//! runs, per-file figures, patch coverage and totals; and the `check` gates over the result.
//! Pure: no git, no SQL, no clock.
//!
//! Invariants: every line of either report falls in at most one kind; runs never overlap;
//! files are sorted by path, runs by path then start.

mod comparison;
pub mod components;
mod compute;
pub mod gate;
#[cfg(test)]
mod oracle_tests;

/// What [`Sides`] holds of the base, re-exported for library users who build one.
pub use crate::select::BaseChoice;
pub use comparison::{
    Comparison, FileComparison, FileStatus, HeadSource, LineKind, LineRun, PatchTotals,
    RelocatedBlock, SideUploads, Sides, UploadRef, WorktreeChanges,
};
pub use compute::{assemble, compare, compare_with};
