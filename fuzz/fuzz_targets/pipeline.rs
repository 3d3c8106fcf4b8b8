//! The whole pipeline: every design that reads is checked, estimated,
//! drawn in every format, reported in HTML and Markdown and compared with
//! itself; nothing panics and every output stays within its bound.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| blueprint_fuzz::pipeline(data));
