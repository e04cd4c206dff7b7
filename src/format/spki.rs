//! X.509 SubjectPublicKeyInfo `PUBLIC KEY` (RFC 5280 §4.1.2.7) and PKCS#1 `RSA PUBLIC KEY`.
//!
//! Stub.

use crate::error::Result;
use crate::format::{Format, not_supported_yet};
use crate::key::PublicKey;

/// Decodes a `PUBLIC KEY` or `RSA PUBLIC KEY`, PEM or DER.
pub fn decode(_input: &[u8]) -> Result<Vec<PublicKey>> {
    Err(not_supported_yet(Format::Spki))
}

/// Encodes `key` as a `PUBLIC KEY` PEM block.
pub fn encode(_key: &PublicKey) -> Result<String> {
    Err(not_supported_yet(Format::Spki))
}
