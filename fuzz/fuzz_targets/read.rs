//! The reader alone: any bytes are read, lowered and given a graph, or
//! refused with diagnostics; nothing panics.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| blueprint_fuzz::read(data));
