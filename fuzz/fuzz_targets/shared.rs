//! Feeds arbitrary bytes to the decoders of shared coverage records (what `covgit pull`
//! reads from a remote anyone may have pushed to): the record description with
//! `covgit::fuzzing::decode_shared`, one file's coverage with `decode_file`, and the line
//! count `line_count` reads before decoding. Any panic, hang or unbounded allocation is a
//! bug; an `Err` is the expected answer to garbage. Whatever decodes must re-encode to bytes
//! that decode to the same value, and `line_count` must agree with the decoded lines.
#![no_main]

use covgit::fuzzing::{
    SharedMeta, decode_file, decode_shared, encode_file, encode_forgotten, encode_meta,
    line_count,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(meta) = decode_shared(data) {
        let again = match &meta {
            SharedMeta::Forgotten { forgotten_at } => encode_forgotten(*forgotten_at),
            SharedMeta::Upload(m) => {
                let upload = m.clone().into_upload(None, Default::default());
                encode_meta(&upload, m.recorded_at)
            }
        };
        assert_eq!(decode_shared(&again).as_ref(), Ok(&meta));
    }
    let counted = line_count(data);
    if let Ok(cov) = decode_file(data) {
        assert_eq!(counted, Ok(cov.len() as u64));
        assert_eq!(decode_file(&encode_file(&cov)).as_ref(), Ok(&cov));
    }
});
