//! Unlocking an input: its private key (asking for the passphrase only when it is encrypted), or
//! its public keys — in clear where the format has them, else from the unlocked private key.

use keyconv::error::{Error, ErrorKind};
use keyconv::format::KeyFile;
use keyconv::key::{PrivateKey, PublicKey};
use keyconv::passphrase::Passphrase;
use keyconv::protection::{KdfLimits, Protection};

use super::Failure;
use super::args::PassphraseArgs;
use super::input::{self, Input};

/// The private key of `file`, asking for the passphrase only when it is encrypted. Returns the
/// passphrase too: by default the output is protected with it, as puttygen does.
pub(crate) fn private_key(
    file: &KeyFile,
    args: &PassphraseArgs,
    input: &Input,
    limits: KdfLimits,
) -> Result<(PrivateKey, Option<Passphrase>), Failure> {
    let on_input = |e: Error| Failure::Input(input.name.clone(), e);
    let protection = file.protection();
    if let Protection::Encrypted { kdf, .. } = &protection {
        // Refuse a KDF bomb before asking anyone for a passphrase.
        limits.check_kdf(kdf).map_err(on_input)?;
        let passphrase = input::passphrase(args, input).map_err(on_input)?;
        let Some(passphrase) = passphrase else {
            return Err(on_input(Error::new(ErrorKind::PassphraseRequired)));
        };
        let key = file
            .private_key(Some(&passphrase), &limits)
            .map_err(on_input)?;
        Ok((key, Some(passphrase)))
    } else {
        Ok((file.private_key(None, &limits).map_err(on_input)?, None))
    }
}

/// Whether [`public_keys`] may ask for a passphrase to open an encrypted file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ask {
    /// As any command reading a key: file, environment, else a prompt on the terminal.
    Yes,
    /// Only when one is given by file or environment, never a prompt (`inspect`, `fips-check`,
    /// which may run over many files): without one, an encrypted file's keys stay unknown.
    IfGiven,
}

/// Whether a passphrase is given by file or environment (so reading it never prompts).
pub(crate) fn passphrase_given(args: &PassphraseArgs) -> bool {
    args.passphrase_file.is_some() || std::env::var_os("KEYCONV_PASSPHRASE").is_some()
}

/// The public keys of `file`: those it holds in clear, else (a private file whose public half
/// is inside the encryption) the public half of its unlocked private key, when `ask` allows.
/// Empty when the key stays locked.
pub(crate) fn public_keys(
    file: &KeyFile,
    args: &PassphraseArgs,
    input: &Input,
    limits: KdfLimits,
    ask: Ask,
) -> Result<Vec<PublicKey>, Failure> {
    let mut keys = file.public_keys();
    if keys.is_empty() && file.is_private() && (ask == Ask::Yes || passphrase_given(args)) {
        let (key, _) = private_key(file, args, input, limits)?;
        keys.push(key.public_key().clone());
    }
    Ok(keys)
}
