//! The coverage trend of `covgit log --format svg|html` (SPEC "Reports for people", Trend):
//! coverage along first-parent history, a line for the total and one per flag, failed,
//! pending and incomplete commits marked by shape as well as colour, an x axis that reads
//! for 10 or 10,000 commits.
//!
//! What it draws is computed in `series.rs` (pure geometry, decimated so no series has more
//! than about a thousand points whatever the history's length), written as one
//! self-contained SVG by [`svg()`] (no external reference, dark-mode aware through
//! `prefers-color-scheme`), and wrapped with a table of the commits by [`html()`]. Every
//! string from the store or from commits (subjects, flags, formats) is escaped for XML by
//! `xml.rs` after control characters are made visible, as everywhere else.

mod data;
mod html;
mod series;
mod svg;
mod xml;

pub use data::{CommitDetail, Trend, TrendUpload};
pub use html::html;
pub use svg::svg;
