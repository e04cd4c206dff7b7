//! OpenSSH private keys (`openssh-key-v1`), PROTOCOL.key in OpenSSH's source.
//!
//! Not implemented yet in this stub.

use crate::error::Result;
use crate::format::{Format, PrivateKeyFile, not_supported_yet};
use crate::key::PrivateKey;
use crate::passphrase::Passphrase;

/// Options for writing OpenSSH private keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpensshOptions {
    /// The cipher, as ssh-keygen names it (`aes256-ctr` by default).
    pub cipher: String,
    /// bcrypt-pbkdf rounds (16 by default, as ssh-keygen).
    pub rounds: u32,
}

impl Default for OpensshOptions {
    fn default() -> Self {
        OpensshOptions {
            cipher: "aes256-ctr".into(),
            rounds: 16,
        }
    }
}

pub(crate) fn decode(_input: &[u8]) -> Result<Box<dyn PrivateKeyFile>> {
    Err(not_supported_yet(Format::OpenSsh))
}

/// Encodes `key` as an OpenSSH private key, encrypted when `passphrase` is given.
pub fn encode(
    _key: &PrivateKey,
    _options: &OpensshOptions,
    _passphrase: Option<&Passphrase>,
) -> Result<String> {
    Err(not_supported_yet(Format::OpenSsh))
}
