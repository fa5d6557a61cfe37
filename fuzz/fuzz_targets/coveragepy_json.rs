//! Feeds arbitrary bytes to `covgit::parse::parse` forced to coverage.py JSON. Any panic, hang or
//! unbounded allocation is a bug; an `Err` is the expected answer to garbage.
#![no_main]

use covgit::parse::{InputFormat, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input: &[u8] = data;
    let _ = parse(&mut input, "fuzz-input", Some(InputFormat::CoveragePyJson));
});
