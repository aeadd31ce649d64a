//! Snapshot decoding and analysis (`analyze`, `what_if`, `why_not`) must never panic.
//! The input format and the checks live in `fuzz/src/lib.rs`, shared with `tests/fuzz_corpus.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| steward_fuzz::run(data));
