//! SPEC "The comparison": base report + head report + the base → head diff → line kinds,
//! runs, per-file figures, patch coverage and totals. Pure: no git, no SQL, no clock.
//!
//! Invariants: every line of either report falls in at most one kind; runs never overlap;
//! files are sorted by path, runs by path then start.

mod comparison;

pub use comparison::{
    Comparison, FileComparison, FileStatus, HeadSource, LineKind, LineRun, PatchTotals, Sides,
};
