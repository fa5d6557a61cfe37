//! Use-cases: the only place where the stages meet. Each takes an options struct and
//! returns domain values; nothing here prints or asks about the terminal (warnings go
//! through `tracing`, progress through the [`Progress`] the caller hands in).
//!
//! Two kinds of file. The use-cases (`record`, `compare`, `baseline`, `hook`, `query`,
//! `share`, `maintain`) each serve commands and never import one another; the steps they
//! share live in files of their own (`input`: finding, reading and resolving reports;
//! `revisions`: ranges and the sides a command line names; `stores`: the store to read and
//! which commits are usable; `comparing`: base, diff and comparison; `components`: the
//! components' gates; `generated`: leaving out generated code; `worktree`: the working tree
//! as a head), which import no use-case. `.ci/check-modules` holds both rules.

// Use-cases.
mod baseline;
mod compare;
mod hook;
mod maintain;
mod query;
mod record;
mod share;

// Steps the use-cases share.
mod carry;
mod comparing;
mod components;
mod error;
mod generated;
mod input;
mod links;
mod revisions;
mod sources;
mod stores;
mod workspace;
mod worktree;

pub use baseline::{
    BaselineSaveOptions, DEFAULT_BASELINE, baseline_drop, baseline_list, baseline_save,
};
pub use compare::{check, compare};
pub use comparing::{CheckOptions, CheckOutcome, CompareOptions, CompareOutcome, Compared};
pub use error::Error;
pub use hook::{PrePushOptions, PrePushResult, PushedRef, hook_install, hook_uninstall, pre_push};
pub use input::Progress;
pub use links::links;
pub use maintain::{GcOptions, GcSummary, gc};
pub use query::{DEFAULT_LOG_WALK, LogOptions, ShowOptions, log, mark, show, trend};
pub use record::{RecordOptions, record};
pub use share::{MAX_RECORD_LINES, forget, pull, push};
pub use sources::{FileSource, MAX_SHOWN_BYTES, sources};
pub use workspace::Workspace;

pub use crate::git::{GitError, HookInstalled, HookRemoved};
// What the use-cases return for people to read is defined next to its renderer (app →
// render, the existing direction) and named here too, where callers meet it.
pub use crate::render::{
    BaselineInfo, BaselineSaved, ForgetSummary, LogOutcome, LogStop, PullSummary, PushSummary,
    RecordSummary, ReportSummary, SkippedRecord, Trend,
};
// The causes an [`Error`] chains, so a caller can name and match them.
pub use crate::resolve::GlobError;
pub use crate::select::SelectError;
pub use crate::store::{CodecError, StoreError};
// What `gc` removed, inside [`GcSummary`].
pub use crate::store::GcOutcome;
