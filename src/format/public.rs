//! OpenSSH one-line public keys (`TYPE BASE64 COMMENT`) and `authorized_keys` files (sshd(8)).
//!
//! Stub: detection and encoding only.

use crate::encoding::base64;
use crate::error::Result;
use crate::format::{Format, not_supported_yet};
use crate::key::PublicKey;

/// Whether `text` looks like one-line public keys (a line whose first or later word is a key
/// algorithm name followed by base64).
pub(crate) fn looks_like_public_keys(text: &str) -> bool {
    text.lines().any(|l| {
        l.split_whitespace()
            .any(|w| w.starts_with("ssh-") || w.starts_with("ecdsa-") || w.starts_with("sk-"))
    })
}

/// Decodes every key of a public key or `authorized_keys` file.
pub fn decode(_input: &[u8]) -> Result<Vec<PublicKey>> {
    Err(not_supported_yet(Format::Public))
}

/// Decodes one line; `None` for blank and comment lines.
pub fn decode_line(_line: &str) -> Result<Option<PublicKey>> {
    Err(not_supported_yet(Format::Public))
}

/// Encodes `key` as one line `TYPE BASE64[ COMMENT]`, with a trailing newline.
pub fn encode(key: &PublicKey) -> String {
    let mut line = format!(
        "{} {}",
        key.data().algorithm(),
        base64::encode(&key.to_ssh_blob())
    );
    if !key.comment().is_empty() {
        line.push(' ');
        line.push_str(key.comment());
    }
    line.push('\n');
    line
}
