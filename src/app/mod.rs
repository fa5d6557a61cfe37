//! Use-cases: the only place where the stages meet. Each takes an options struct and
//! returns domain values; nothing here prints or asks about the terminal (warnings go
//! through `tracing`, progress through the [`Progress`] the caller hands in).

mod compare;
mod error;
mod maintain;
mod query;
mod record;
mod share;
mod workspace;

pub use compare::{CheckOptions, CheckOutcome, CompareOptions, CompareOutcome, check, compare};
pub use error::Error;
pub use maintain::gc;
pub use query::{LogOptions, ShowOptions, log, mark, show};
pub use record::{Progress, RecordOptions, RecordSummary, ReportSummary, record};
pub use share::{PullSummary, PushSummary, pull, push};
pub use workspace::Workspace;
