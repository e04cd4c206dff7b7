//! `KeyFile::decode_as(data, Format::KnownHosts)`, and the library's line iterator over the same
//! text: every line, marker lines included, is decoded without a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    keyconv_fuzz::decode_as(data, keyconv::Format::KnownHosts);
    if let Ok(text) = std::str::from_utf8(data) {
        for (_, host) in keyconv::format::public::known_hosts::lines(text) {
            if let Ok(host) = host {
                let _ = host
                    .listed_key()
                    .fingerprint_line(keyconv::FingerprintHash::Md5);
            }
        }
    }
});
