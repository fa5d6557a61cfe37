//! Differential: a Cobertura report read in parts on several threads must give exactly what
//! one pass gives (the result, every warning with its line, or the same error). The first
//! byte picks how many parts (2 to 9); the rest is the report.
#![no_main]

use covgit::parse::fuzzing::cobertura_one_pass_and_in_parts;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, report)) = data.split_first() else {
        return;
    };
    let parts = 2 + usize::from(first % 8);
    match cobertura_one_pass_and_in_parts(report, parts) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (a, b) => panic!("one pass: {a:?}\nin {parts} parts: {b:?}"),
    }
});
