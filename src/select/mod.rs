//! SPEC "Parent selection": which commit's report stands for the requested base.
//!
//! Pure: it sees history only through the [`History`] trait (first parents) and usability
//! only through a caller's predicate (has a report, CI passed). It owns the walk, the
//! `max_depth` limit, the list of commits passed over (in walk order, with their reason) and
//! the pseudo-base decision of a range. It never reads git, the store or the clock.

mod choose;

pub use choose::{BaseChoice, History, SelectError, View, choose};
