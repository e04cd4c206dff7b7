//! PuTTY `.ppk` private keys, versions 2 and 3 (PuTTY manual, appendix C).
//!
//! Not implemented yet in this stub.

use std::str::FromStr;

use crate::error::{Error, ErrorKind, Result};
use crate::format::{Format, PrivateKeyFile, not_supported_yet};
use crate::key::PrivateKey;
use crate::passphrase::Passphrase;

/// The Argon2 variant of a PPK v3 file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Argon2Variant {
    /// Argon2id (PuTTY's default).
    #[default]
    Argon2id,
    /// Argon2i.
    Argon2i,
    /// Argon2d.
    Argon2d,
}

impl Argon2Variant {
    /// The name as PPK files spell it: `Argon2id`, `Argon2i`, `Argon2d`.
    pub fn ppk_name(self) -> &'static str {
        match self {
            Argon2Variant::Argon2id => "Argon2id",
            Argon2Variant::Argon2i => "Argon2i",
            Argon2Variant::Argon2d => "Argon2d",
        }
    }
}

impl FromStr for Argon2Variant {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "argon2id" => Ok(Argon2Variant::Argon2id),
            "argon2i" => Ok(Argon2Variant::Argon2i),
            "argon2d" => Ok(Argon2Variant::Argon2d),
            _ => Err(Error::new(ErrorKind::InvalidRequest(format!(
                "unknown KDF {s}: use argon2id, argon2i or argon2d"
            )))),
        }
    }
}

/// Options for writing `.ppk` files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PpkOptions {
    /// 2 or 3 (default).
    pub version: u8,
    /// Argon2 variant (v3).
    pub kdf: Argon2Variant,
    /// Argon2 memory in KiB (v3; 8192 by default, as puttygen).
    pub argon2_memory_kib: u32,
    /// Argon2 passes (v3).
    pub argon2_passes: u32,
    /// Argon2 lanes (v3; 1 by default, as puttygen).
    pub argon2_parallelism: u32,
    /// A fixed 16-byte Argon2 salt, for reproducible output; random when `None`.
    pub argon2_salt: Option<[u8; 16]>,
}

impl Default for PpkOptions {
    fn default() -> Self {
        PpkOptions {
            version: 3,
            kdf: Argon2Variant::Argon2id,
            argon2_memory_kib: 8192,
            argon2_passes: 21,
            argon2_parallelism: 1,
            argon2_salt: None,
        }
    }
}

pub(crate) fn decode(_input: &[u8]) -> Result<Box<dyn PrivateKeyFile>> {
    Err(not_supported_yet(Format::Ppk))
}

/// Encodes `key` as a `.ppk` file, encrypted when `passphrase` is given.
pub fn encode(
    _key: &PrivateKey,
    _options: &PpkOptions,
    _passphrase: Option<&Passphrase>,
) -> Result<String> {
    Err(not_supported_yet(Format::Ppk))
}
