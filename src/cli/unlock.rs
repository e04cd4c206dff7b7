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

/// The passphrase of `file` when it is encrypted (by file, environment, else a prompt), after
/// refusing a KDF bomb before anyone is asked; `None` when it is not encrypted.
fn passphrase_for(
    file: &KeyFile,
    args: &PassphraseArgs,
    input: &Input,
    limits: KdfLimits,
) -> Result<Option<Passphrase>, Failure> {
    let on_input = |e: Error| Failure::Input(input.name.clone(), e);
    let Protection::Encrypted { kdf, .. } = &file.protection() else {
        return Ok(None);
    };
    limits.check_kdf(kdf).map_err(on_input)?;
    match input::passphrase(args, input).map_err(on_input)? {
        Some(passphrase) => Ok(Some(passphrase)),
        None => Err(on_input(Error::new(ErrorKind::PassphraseRequired))),
    }
}

/// The private key of `file`, asking for the passphrase only when it is encrypted. Returns the
/// passphrase too: by default the output is protected with it, as puttygen does.
pub(crate) fn private_key(
    file: &KeyFile,
    args: &PassphraseArgs,
    input: &Input,
    limits: KdfLimits,
) -> Result<(PrivateKey, Option<Passphrase>), Failure> {
    let passphrase = passphrase_for(file, args, input, limits)?;
    let key = file
        .private_key(passphrase.as_ref(), &limits)
        .map_err(|e| Failure::Input(input.name.clone(), e))?;
    Ok((key, passphrase))
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

/// The public keys of `file` ([`KeyFile::unlock_public_keys`]): those it holds in clear, else
/// the public half of its unlocked private key, when `ask` allows asking for the passphrase.
/// Empty when the key stays locked.
pub(crate) fn public_keys(
    file: &KeyFile,
    args: &PassphraseArgs,
    input: &Input,
    limits: KdfLimits,
    ask: Ask,
) -> Result<Vec<PublicKey>, Failure> {
    let passphrase = if file.public_keys_are_encrypted() {
        if ask == Ask::IfGiven && !passphrase_given(args) {
            return Ok(Vec::new());
        }
        passphrase_for(file, args, input, limits)?
    } else {
        None
    };
    file.unlock_public_keys(passphrase.as_ref(), &limits)
        .map_err(|e| Failure::Input(input.name.clone(), e))
}
