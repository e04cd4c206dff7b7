//! What the benchmarks share: the corpus in `testdata/` and its passphrase.

#![allow(dead_code)]

use std::path::PathBuf;

use keyconv::Passphrase;

/// The bytes of `testdata/NAME`.
pub fn corpus(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The corpus passphrase (`testdata/passphrase` less its newline).
pub fn passphrase() -> Passphrase {
    let bytes = corpus("passphrase");
    Passphrase::new(bytes.strip_suffix(b"\n").unwrap_or(&bytes))
}
