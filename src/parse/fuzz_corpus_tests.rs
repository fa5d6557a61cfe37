//! Replays the committed fuzzing corpus (`fuzz/corpus/<target>/`, minimized by `fuzz/cmin.sh`)
//! through [`parse`] on every `cargo test`, with the format each target forces and with
//! detection: every input must come back as `Ok` or `Err`, never a panic. The inputs are
//! what libFuzzer kept for new coverage, so this guards the parsers' odd corners without
//! running the fuzzer.

use std::path::Path;

use super::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/");

/// Fuzz target name -> the format it forces.
const TARGETS: [(&str, InputFormat); 9] = [
    ("cobertura", InputFormat::Cobertura),
    ("lcov", InputFormat::Lcov),
    ("jacoco", InputFormat::JaCoCo),
    ("clover", InputFormat::Clover),
    ("go", InputFormat::Go),
    ("coveragepy_json", InputFormat::CoveragePyJson),
    ("llvm_cov_json", InputFormat::LlvmCovJson),
    ("istanbul", InputFormat::Istanbul),
    ("simplecov", InputFormat::SimpleCov),
];

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(DIR).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    entries
        .map(|e| {
            let path = e.unwrap().path();
            (path.display().to_string(), std::fs::read(&path).unwrap())
        })
        .collect()
}

#[test]
fn every_committed_fuzz_input_parses_or_is_refused_without_panicking() {
    let mut seen = 0;
    for (target, format) in TARGETS {
        for (name, bytes) in inputs(target).into_iter().chain(inputs("detect")) {
            let _ = parse(&mut bytes.as_slice(), &name, Some(format));
            let _ = parse(&mut bytes.as_slice(), &name, None);
            seen += 1;
        }
    }
    // The corpus is committed: an empty or missing one means the test checks nothing.
    assert!(seen > 1000, "only {seen} fuzz inputs under {DIR}");
}
