//! SPEC output formats: a comparison, one commit's report (`show`) and the recorded history
//! (`log`) turned into bytes on a `&mut dyn Write`, as text, markdown, JSON or GitHub
//! annotations.
//!
//! Renderers never ask about a terminal or the environment: the caller hands in a
//! [`Palette`], plain by default. Text alone is styled; markdown, JSON and annotations never
//! carry escape codes. JSON follows the SPEC's schemas key for key (see `json.rs`).

pub mod escape;
mod figures;
mod format;
mod github;
mod json;
mod log;
mod markdown;
mod show;
mod style;
mod table;
mod text;

#[cfg(test)]
mod fixtures;

pub use figures::{count, percent};
pub use format::{CompareFormat, QueryFormat, compare, log, show};
pub use log::LogEntry;
pub use show::ShowView;
pub use style::{Painted, Palette, Style};
