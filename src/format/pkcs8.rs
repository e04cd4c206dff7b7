//! PKCS#8 private keys (RFC 5208, RFC 5958) with PBES2 encryption (RFC 8018).
//!
//! Not implemented yet in this stub.

use std::str::FromStr;

use crate::error::{Error, ErrorKind, Result};
use crate::format::{Format, PrivateKeyFile, not_supported_yet};
use crate::key::PrivateKey;
use crate::passphrase::Passphrase;

/// The PBKDF2 pseudo-random function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Prf {
    /// HMAC-SHA-1 (deprecated for FIPS).
    HmacSha1,
    /// HMAC-SHA-256 (default).
    #[default]
    HmacSha256,
    /// HMAC-SHA-384.
    HmacSha384,
    /// HMAC-SHA-512.
    HmacSha512,
}

impl Prf {
    /// The name of `--prf`.
    pub fn name(self) -> &'static str {
        match self {
            Prf::HmacSha1 => "hmac-sha1",
            Prf::HmacSha256 => "hmac-sha256",
            Prf::HmacSha384 => "hmac-sha384",
            Prf::HmacSha512 => "hmac-sha512",
        }
    }
}

impl FromStr for Prf {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        [
            Prf::HmacSha1,
            Prf::HmacSha256,
            Prf::HmacSha384,
            Prf::HmacSha512,
        ]
        .into_iter()
        .find(|p| p.name() == s)
        .ok_or_else(|| {
            Error::new(ErrorKind::InvalidRequest(format!(
                "unknown PRF {s}: use hmac-sha256, hmac-sha384, hmac-sha512 or hmac-sha1"
            )))
        })
    }
}

/// The PBES2 encryption scheme keyconv writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Pkcs8Cipher {
    /// AES-128-CBC (default, as `openssl pkcs8 -topk8 -v2 aes128`).
    #[default]
    Aes128Cbc,
    /// AES-192-CBC.
    Aes192Cbc,
    /// AES-256-CBC.
    Aes256Cbc,
}

impl Pkcs8Cipher {
    /// The name of `--cipher`.
    pub fn name(self) -> &'static str {
        match self {
            Pkcs8Cipher::Aes128Cbc => "aes128-cbc",
            Pkcs8Cipher::Aes192Cbc => "aes192-cbc",
            Pkcs8Cipher::Aes256Cbc => "aes256-cbc",
        }
    }
}

impl FromStr for Pkcs8Cipher {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        [
            Pkcs8Cipher::Aes128Cbc,
            Pkcs8Cipher::Aes192Cbc,
            Pkcs8Cipher::Aes256Cbc,
        ]
        .into_iter()
        .find(|c| c.name() == s)
        .ok_or_else(|| {
            Error::new(ErrorKind::InvalidRequest(format!(
                "unknown PKCS#8 cipher {s}: use aes128-cbc, aes192-cbc or aes256-cbc"
            )))
        })
    }
}

/// Options for writing PKCS#8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pkcs8Options {
    /// PBKDF2 PRF.
    pub prf: Prf,
    /// Cipher.
    pub cipher: Pkcs8Cipher,
    /// PBKDF2 iterations (600,000 by default).
    pub iterations: u32,
    /// Write DER instead of PEM.
    pub der: bool,
}

impl Default for Pkcs8Options {
    fn default() -> Self {
        Pkcs8Options {
            prf: Prf::default(),
            cipher: Pkcs8Cipher::default(),
            iterations: 600_000,
            der: false,
        }
    }
}

pub(crate) fn decode(_input: &[u8]) -> Result<Box<dyn PrivateKeyFile>> {
    Err(not_supported_yet(Format::Pkcs8))
}

/// Encodes `key` as PKCS#8 PEM, PBES2-encrypted when `passphrase` is given.
pub fn encode(
    _key: &PrivateKey,
    _options: &Pkcs8Options,
    _passphrase: Option<&Passphrase>,
) -> Result<String> {
    Err(not_supported_yet(Format::Pkcs8))
}
