//! Report bytes -> coverage per raw path. Owns quick-xml; knows no git, store or paths
//! beyond the text a report writes.
//!
//! [`parse`] sniffs the format from content ([`detect`]) unless told, and hands the bytes to
//! the format's reader, grouped by family with what the family shares: `xml/` (`cobertura`,
//! `jacoco`, `clover`; the event loop, root check and attribute reading), `json/`
//! (`coveragepy_json`, `llvm_json`, `istanbul`, `simplecov`; line tracking, numbers and the
//! serde object scaffolding), `text/` (`lcov`, `gocover`); [`parse_bytes`] does the same
//! for a report in memory, [`parse_at`] for a file read at offsets; both read a large
//! Cobertura report in parts on several threads. The result keeps each file's path
//! exactly as written (only trimmed) for `resolve` to map onto the tree, plus Cobertura's
//! `<source>` roots. Line numbers are 1-based; counts are `u64`. A report is either read or
//! refused with a [`ParseError`] naming it; single bad records are skipped with a
//! [`ParseWarning`] naming the report line. Nothing here prints or panics on bad input.

mod error;
mod format;
mod json;
mod lines;
mod numbers;
mod read;
mod source;
mod text;
mod xml;

use json::{coveragepy_json, istanbul, llvm_json, simplecov};
use text::{gocover, lcov};
use xml::{clover, cobertura, jacoco};

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod fuzz_corpus_tests;
#[cfg(test)]
mod json_fixture_tests;
#[cfg(test)]
mod parts_tests;
#[cfg(test)]
mod same_run_tests;

pub use error::ParseError;
pub use format::{DETECT_PREFIX_LEN, InputFormat, detect};
pub use read::{ParseWarning, Parsed, parse, parse_at, parse_bytes};
pub use source::ReadAt;

/// Entry points for the fuzz targets only (cargo-fuzz builds with `--cfg fuzzing`).
#[cfg(fuzzing)]
pub mod fuzzing {
    use super::{ParseError, Parsed, cobertura};

    /// A Cobertura report read in one pass, and in `parts` parts on two threads (falling
    /// back on one pass where the parts do not join): the two must be the same.
    pub fn cobertura_one_pass_and_in_parts(
        data: &[u8],
        parts: usize,
    ) -> (Result<Parsed, ParseError>, Result<Parsed, ParseError>) {
        let len = data.len() as u64;
        (
            cobertura::read(data, "fuzz-input"),
            cobertura::read_in_parts(data, len, "fuzz-input", parts, 2),
        )
    }
}
