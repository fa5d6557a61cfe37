//! SPEC "Words" as types: commits, flags, CI status, paths, line states, file coverage,
//! uploads and reports, totals, and the plain data of a diff.
//!
//! Pure data with serde; imports nothing from the rest of the crate. Line numbers are 1-based,
//! paths are strings with `/` separators (repository-relative once resolved).

mod base;
mod diff;
mod ids;
mod line;
mod report;
mod shared;
mod totals;
mod words;

pub use base::{SkipReason, Skipped, missing_flags};
pub use diff::{ChangeKind, Diff, FileChange, Hunk, Relocation, RelocationKind};
pub use ids::{CiStatus, CommitId, Flag, InvalidId};
pub use line::{Branches, LineCoverage, LineNo, LineState};
pub use report::{FileCoverage, Report, Upload};
pub use shared::SharedRecord;
pub use totals::Totals;
pub use words::{UnknownFormat, count, quoted};
