//! Every human and machine output: a comparison, one commit's report (`show`) and the
//! recorded history (`log`) turned into bytes on a `&mut dyn Write`, as text, markdown, JSON
//! or GitHub annotations; and what each command says on stderr (what was recorded, pushed,
//! pulled, removed; why a check failed), one escaped line per sentence. The CLI only picks
//! the function and the stream.
//!
//! Renderers never ask about a terminal or the environment: the caller hands in a
//! [`Palette`], plain by default. Text alone is styled; markdown, JSON and annotations never
//! carry escape codes. JSON follows the SPEC's schemas key for key (see `json.rs`).

pub mod baseline;
pub mod check;
mod dates;
pub mod escape;
mod figures;
mod format;
mod github;
pub mod hook;
pub mod html;
mod json;
mod links;
pub mod log;
pub mod maintain;
mod markdown;
mod note;
pub mod record;
pub mod share;
mod show;
mod snippet;
mod source;
mod style;
mod table;
mod text;
pub mod trend;
pub mod worktree;

#[cfg(test)]
mod fixtures;

pub use baseline::{BaselineInfo, BaselineSaved};
pub use dates::utc;
pub use figures::{count, percent};
pub use format::{CompareFormat, Context, LogFormat, QueryFormat, compare, log, show};
pub use links::{Forge, LinkTemplate, LinkTemplateError, Links};
pub use log::{LogEntry, LogOutcome, LogStop};
pub use record::{RecordSummary, ReportSummary};
pub use share::{ForgetSummary, PullSummary, PushSummary, SkippedRecord};
pub use show::{ShowUpload, ShowView};
pub use source::{NoSource, Side, Source, split as split_lines};
pub use style::{Painted, Palette, Style};
pub use trend::{CommitDetail, Trend, TrendUpload};
