//! `keyconv convert`.

use std::io::Write;

use zeroize::Zeroizing;

use keyconv::error::{Error, ErrorKind};
use keyconv::format::{Format, KeyFile, Target, encode_private, encode_public};
use keyconv::key::PrivateKey;
use keyconv::passphrase::Passphrase;
use keyconv::protection::{KdfLimits, Protection};

use super::Failure;
use super::args::{ConvertArgs, PassphraseArgs};
use super::input::{self, Input};
use super::output::{self, PRIVATE_MODE, PUBLIC_MODE};
use super::target;

pub(crate) fn run(args: &ConvertArgs) -> Result<(), Failure> {
    let input = Input::new(&args.input);
    let on_input = |e: Error| Failure::Input(args.input.clone(), e);
    if let Some(out) = &args.output {
        if input
            .path()
            .is_some_and(|p| input::same_file(p, out) || p == out.as_path())
        {
            return Err(on_input(Error::new(ErrorKind::Io(
                "the output file is the input file: write to another file".into(),
            ))));
        }
        if !args.force && std::fs::symlink_metadata(out).is_ok() {
            return Err(Failure::Plain(Error::new(ErrorKind::Io(format!(
                "{} exists: give --force to overwrite it",
                out.display()
            )))));
        }
    }
    let format = args.to;
    let bytes = input.read_key_file().map_err(on_input)?;
    let file = KeyFile::decode(&bytes).map_err(on_input)?;
    let limits = KdfLimits {
        allow_expensive: args.passphrase.allow_expensive_kdf,
    };

    let (data, mode) = if format.is_private() {
        if !file.is_private() {
            return Err(on_input(Error::new(ErrorKind::InvalidRequest(format!(
                "holds only public keys: {} output needs the private key",
                format.name()
            )))));
        }
        let (mut key, input_passphrase) = unlock(&file, &args.passphrase, &input, limits)?;
        if let Some(comment) = &args.comment {
            key.set_comment(comment.as_str());
        }
        let passphrase = match input::new_passphrase(&args.new_passphrase)? {
            Some(explicit) => explicit,
            None => input_passphrase,
        };
        let target = target::target(format, &args.protection, passphrase.as_ref())?;
        if args.fips {
            target::fips_preflight(
                &args.input,
                key.public_key(),
                &target,
                passphrase.as_ref(),
                args.strict,
            )
            .map_err(on_input)?;
        }
        let data = encode_private(&key, &target, passphrase.as_ref()).map_err(on_input)?;
        if args.fips {
            target::fips_verify(&data, key.public_key(), args.strict).map_err(on_input)?;
        }
        (data, PRIVATE_MODE)
    } else {
        target::target(format, &args.protection, None)?;
        refuse_new_passphrase(args, format)?;
        let mut keys = file.public_keys();
        if keys.is_empty() && file.is_private() {
            let (key, _) = unlock(&file, &args.passphrase, &input, limits)?;
            keys.push(key.public_key().clone());
        }
        if args.fips {
            for key in &keys {
                target::fips_preflight(&args.input, key, &Target::Public, None, args.strict)
                    .map_err(on_input)?;
            }
        }
        let mut text = String::new();
        for mut key in keys {
            if let Some(comment) = &args.comment {
                key.set_comment(comment.as_str());
            }
            text.push_str(&encode_public(&key, format).map_err(on_input)?);
        }
        (Zeroizing::new(text.into_bytes()), PUBLIC_MODE)
    };

    match &args.output {
        Some(path) => output::write_file(path, &data, mode, args.force).map_err(Failure::Plain),
        None => {
            let mut out = std::io::stdout().lock();
            output::write_stdout(&mut out, &data)?;
            out.flush().map_err(output::stdout_error)
        }
    }
}

/// The private key of `file`, asking for the passphrase only when it is encrypted. Returns the
/// passphrase too: by default the output is protected with it, as puttygen does.
pub(crate) fn unlock(
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

fn usage(what: String) -> Failure {
    Failure::Usage(what)
}

fn refuse_new_passphrase(args: &ConvertArgs, target: Format) -> Result<(), Failure> {
    let new = &args.new_passphrase;
    if new.no_passphrase || new.new_passphrase_file.is_some() || new.ask_new_passphrase {
        return Err(usage(format!(
            "a new passphrase does not apply to {target} output (a public key)"
        )));
    }
    Ok(())
}
