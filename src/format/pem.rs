//! Traditional ("legacy") PEM private keys: PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`,
//! OpenSSL's `DSA PRIVATE KEY`, optionally encrypted with `Proc-Type: 4,ENCRYPTED` + `DEK-Info`.
//!
//! Not implemented yet in this stub.

use std::str::FromStr;

use crate::error::{Error, ErrorKind, Result};
use crate::format::{Format, PrivateKeyFile, not_supported_yet};
use crate::key::PrivateKey;
use crate::passphrase::Passphrase;

/// The `DEK-Info` cipher keyconv writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LegacyCipher {
    /// AES-128-CBC (default).
    #[default]
    Aes128Cbc,
    /// AES-192-CBC.
    Aes192Cbc,
    /// AES-256-CBC.
    Aes256Cbc,
    /// DES-EDE3-CBC, for old readers such as puttygen.
    DesEde3Cbc,
}

impl LegacyCipher {
    /// The `DEK-Info` name, e.g. `AES-128-CBC`.
    pub fn dek_name(self) -> &'static str {
        match self {
            LegacyCipher::Aes128Cbc => "AES-128-CBC",
            LegacyCipher::Aes192Cbc => "AES-192-CBC",
            LegacyCipher::Aes256Cbc => "AES-256-CBC",
            LegacyCipher::DesEde3Cbc => "DES-EDE3-CBC",
        }
    }
}

impl FromStr for LegacyCipher {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "aes128-cbc" | "aes-128-cbc" => Ok(LegacyCipher::Aes128Cbc),
            "aes192-cbc" | "aes-192-cbc" => Ok(LegacyCipher::Aes192Cbc),
            "aes256-cbc" | "aes-256-cbc" => Ok(LegacyCipher::Aes256Cbc),
            "des-ede3-cbc" | "3des-cbc" => Ok(LegacyCipher::DesEde3Cbc),
            _ => Err(Error::new(ErrorKind::InvalidRequest(format!(
                "unknown PEM cipher {s}: use aes128-cbc, aes192-cbc, aes256-cbc or des-ede3-cbc"
            )))),
        }
    }
}

/// Options for writing traditional PEM.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PemOptions {
    /// The `DEK-Info` cipher when encrypting.
    pub cipher: LegacyCipher,
}

pub(crate) fn decode(_input: &[u8]) -> Result<Box<dyn PrivateKeyFile>> {
    Err(not_supported_yet(Format::Pem))
}

/// Encodes `key` as traditional PEM, legacy-encrypted when `passphrase` is given.
pub fn encode(
    _key: &PrivateKey,
    _options: &PemOptions,
    _passphrase: Option<&Passphrase>,
) -> Result<String> {
    Err(not_supported_yet(Format::Pem))
}
