//! An OpenSSH certificate blob: `Certificate::from_blob`, and what `inspect`, `fips-check` and a
//! certified PPK do with one.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyconv_fuzz::certificate(data));
