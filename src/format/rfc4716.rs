//! RFC 4716 SSH public keys (`---- BEGIN SSH2 PUBLIC KEY ----`).
//!
//! Stub.

use crate::error::Result;
use crate::format::{Format, not_supported_yet};
use crate::key::PublicKey;

/// Decodes every key block of an RFC 4716 file.
pub fn decode(_input: &[u8]) -> Result<Vec<PublicKey>> {
    Err(not_supported_yet(Format::Rfc4716))
}

/// Encodes `key` as an RFC 4716 block.
pub fn encode(_key: &PublicKey) -> String {
    String::new()
}
