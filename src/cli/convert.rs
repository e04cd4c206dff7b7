//! `keyconv convert`.

use std::io::Write;

use zeroize::Zeroizing;

use keyconv::error::{Error, ErrorKind};
use keyconv::format::{EncodeOptions, Format, KeyFile, encode_private, encode_public};
use keyconv::key::PrivateKey;
use keyconv::passphrase::Passphrase;
use keyconv::protection::{KdfLimits, Protection};

use super::Failure;
use super::args::{ConvertArgs, PassphraseArgs, ProtectionArgs};
use super::fips;
use super::input::{self, Input};
use super::output::{self, PRIVATE_MODE, PUBLIC_MODE};

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
    let target = args.to;
    let bytes = input.read_key_file().map_err(on_input)?;
    let file = KeyFile::decode(&bytes).map_err(on_input)?;
    let limits = KdfLimits {
        allow_expensive: args.passphrase.allow_expensive_kdf,
    };

    let (data, mode) = if target.is_private() {
        if !file.is_private() {
            return Err(on_input(Error::new(ErrorKind::InvalidRequest(format!(
                "holds only public keys: {} output needs the private key",
                target.name()
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
        let options = encode_options(target, &args.protection, passphrase)?;
        if args.fips {
            fips::preflight(&args.input, key.public_key(), target, &options, args.strict)
                .map_err(on_input)?;
        }
        let data = encode_private(&key, target, &options).map_err(on_input)?;
        if args.fips {
            fips::verify_output(&data, key.public_key(), args.strict).map_err(on_input)?;
        }
        (Zeroizing::new(data), PRIVATE_MODE)
    } else {
        refuse_protection_args(args, target)?;
        let mut keys = file.public_keys();
        if keys.is_empty() && file.is_private() {
            let (key, _) = unlock(&file, &args.passphrase, &input, limits)?;
            keys.push(key.public_key().clone());
        }
        if args.fips {
            for key in &keys {
                if let Some(warning) =
                    fips::check_key_for_fips(key, args.strict).map_err(on_input)?
                {
                    super::say!("keyconv: {}: {warning}", args.input);
                }
            }
        }
        let mut text = String::new();
        for mut key in keys {
            if let Some(comment) = &args.comment {
                key.set_comment(comment.as_str());
            }
            text.push_str(&encode_public(&key, target).map_err(on_input)?);
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

fn refuse_protection_args(args: &ConvertArgs, target: Format) -> Result<(), Failure> {
    let p = &args.protection;
    let given = given_protection_options(p);
    if let Some(name) = given.first() {
        return Err(usage(format!(
            "--{name} does not apply to {target} output (a public key)"
        )));
    }
    let new = &args.new_passphrase;
    if new.no_passphrase || new.new_passphrase_file.is_some() || new.ask_new_passphrase {
        return Err(usage(format!(
            "a new passphrase does not apply to {target} output (a public key)"
        )));
    }
    Ok(())
}

fn given_protection_options(p: &ProtectionArgs) -> Vec<&'static str> {
    [
        ("cipher", p.cipher.is_some()),
        ("prf", p.prf.is_some()),
        ("iterations", p.iterations.is_some()),
        ("ppk-version", p.ppk_version.is_some()),
        ("kdf", p.kdf.is_some()),
        ("argon2-memory", p.argon2_memory.is_some()),
        ("argon2-passes", p.argon2_passes.is_some()),
        ("argon2-parallelism", p.argon2_parallelism.is_some()),
        ("rounds", p.rounds.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, given)| given.then_some(name))
    .collect()
}

/// The options for writing `target`; an option that does not apply to it is a usage error.
pub(crate) fn encode_options(
    target: Format,
    p: &ProtectionArgs,
    passphrase: Option<Passphrase>,
) -> Result<EncodeOptions, Failure> {
    let encrypted = passphrase.as_ref().is_some_and(|p| !p.is_empty());
    let mut o = EncodeOptions {
        passphrase,
        ..EncodeOptions::default()
    };
    let applies: &[&str] = match target {
        Format::OpenSsh => &["cipher", "rounds"],
        Format::Ppk => &[
            "ppk-version",
            "kdf",
            "argon2-memory",
            "argon2-passes",
            "argon2-parallelism",
        ],
        Format::Pkcs8 => &["cipher", "prf", "iterations"],
        Format::Pem => &["cipher"],
        _ => &[],
    };
    for name in given_protection_options(p) {
        if !applies.contains(&name) {
            return Err(usage(format!("--{name} does not apply to {target} output")));
        }
        if !encrypted && name != "ppk-version" {
            return Err(usage(format!(
                "--{name} only applies to an encrypted output: give a new passphrase"
            )));
        }
    }
    match target {
        Format::OpenSsh => {
            if let Some(cipher) = &p.cipher {
                o.openssh.cipher = cipher.clone();
            }
            if let Some(rounds) = p.rounds {
                o.openssh.rounds = rounds;
            }
        }
        Format::Ppk => {
            if let Some(version) = p.ppk_version {
                if version != 2 && version != 3 {
                    return Err(usage(format!("--ppk-version {version}: use 2 or 3")));
                }
                o.ppk.version = version;
            }
            let argon2_given = p.kdf.is_some()
                || p.argon2_memory.is_some()
                || p.argon2_passes.is_some()
                || p.argon2_parallelism.is_some();
            if argon2_given && o.ppk.version == 2 {
                return Err(usage("Argon2 options apply to --ppk-version 3 only".into()));
            }
            if let Some(kdf) = &p.kdf {
                o.ppk.kdf = kdf.parse()?;
            }
            if let Some(m) = p.argon2_memory {
                o.ppk.argon2_memory_kib = m;
            }
            if let Some(n) = p.argon2_passes {
                o.ppk.argon2_passes = n;
            }
            if let Some(n) = p.argon2_parallelism {
                o.ppk.argon2_parallelism = n;
            }
        }
        Format::Pkcs8 => {
            if let Some(cipher) = &p.cipher {
                o.pkcs8.cipher = cipher.parse()?;
            }
            if let Some(prf) = &p.prf {
                o.pkcs8.prf = prf.parse()?;
            }
            if let Some(n) = p.iterations {
                o.pkcs8.iterations = n;
            }
        }
        Format::Pem => {
            if let Some(cipher) = &p.cipher {
                o.pem.cipher = cipher.parse()?;
            }
        }
        _ => {}
    }
    Ok(o)
}
