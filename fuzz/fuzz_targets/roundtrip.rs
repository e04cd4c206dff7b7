//! Decode → encode to every format that can hold the key → decode: the same key and comment.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyconv_fuzz::roundtrip(data));
