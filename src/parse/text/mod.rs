//! The line-oriented text formats: LCOV tracefiles and Go cover profiles, read a line at a
//! time with the shared line reader of [`super::lines`].

pub(super) mod gocover;
pub(super) mod lcov;
