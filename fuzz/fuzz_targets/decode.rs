//! Detects and decodes arbitrary input, then asks for the private key with a fixed passphrase.
//! KDF limits are tiny under `cfg(fuzzing)`, so the fuzzer explores parsing, not KDFs.
#![no_main]

use keyconv::{KdfLimits, KeyFile, Passphrase};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = KeyFile::decode(data) {
        let _ = file.public_keys();
        let _ = file.protection();
        let _ = file.private_key(Some(&Passphrase::from("correct horse battery")), &KdfLimits::default());
    }
});
