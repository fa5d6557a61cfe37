//! Use-cases: the only place where the stages meet. Each takes an options struct and
//! returns domain values; nothing here prints or asks about the terminal (warnings go
//! through `tracing`, progress through the [`Progress`] the caller hands in).

mod baseline;
mod compare;
mod error;
mod hook;
mod maintain;
mod query;
mod record;
mod share;
mod workspace;
mod worktree;

pub use baseline::{
    BaselineInfo, BaselineSaveOptions, BaselineSaved, DEFAULT_BASELINE, baseline_drop,
    baseline_list, baseline_save,
};
pub use compare::{CheckOptions, CheckOutcome, CompareOptions, CompareOutcome, check, compare};
pub use error::Error;
pub use hook::{PrePushOptions, PrePushResult, PushedRef, hook_install, hook_uninstall, pre_push};
pub use maintain::{GcOptions, GcSummary, gc};
pub use query::{DEFAULT_LOG_WALK, LogOptions, LogOutcome, LogStop, ShowOptions, log, mark, show};
pub use record::{Progress, RecordOptions, RecordSummary, ReportSummary, record};
pub use share::{
    ForgetSummary, MAX_RECORD_LINES, PullSummary, PushSummary, SkippedRecord, forget, pull, push,
};
pub use workspace::Workspace;

pub use crate::git::{GitError, HookInstalled, HookRemoved};
// The causes an [`Error`] chains, so a caller can name and match them.
pub use crate::resolve::GlobError;
pub use crate::select::SelectError;
pub use crate::store::{CodecError, StoreError};
// What `gc` removed, inside [`GcSummary`].
pub use crate::store::GcOutcome;
