//! `Format::detect`, then the detected format's decoder as the other targets drive it.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyconv_fuzz::detect(data));
