//! The protection options of the commands that write private keys (`convert`, `generate`): which
//! fit which target, and the typed [`Target`] they make.

use keyconv::format::openssh::{OpensshCipher, OpensshOptions};
use keyconv::format::pem::{LegacyCipher, PemOptions};
use keyconv::format::pkcs8::{Pkcs8Cipher, Pkcs8Options};
use keyconv::format::ppk::{Argon2Options, PpkOptions, PpkVersion};
use keyconv::format::{Format, Target};
use keyconv::passphrase::Passphrase;
use keyconv::protection::{Cipher, KdfLimits};

use super::Failure;
use super::args::{ConvertArgs, ProtectionArgs};

/// The flags given, by name.
fn given(p: &ProtectionArgs) -> Vec<&'static str> {
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

/// The flags that fit each target.
fn applies(format: Format) -> &'static [&'static str] {
    match format {
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
    }
}

fn usage(what: String) -> Failure {
    Failure::Usage(what)
}

/// `--cipher` for `format`: the cipher, if that format writes it; otherwise the same usage
/// error for every target.
fn cipher_for<T: TryFrom<Cipher> + Copy>(
    cipher: Cipher,
    format: Format,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<T, Failure> {
    T::try_from(cipher).map_err(|_| {
        let names: Vec<&str> = all.iter().map(|c| name(*c)).collect();
        usage(format!(
            "--cipher {} does not apply to {format} output: use one of {}",
            cipher.ssh_name(),
            names.join(", ")
        ))
    })
}

/// The target `format` with the options the flags give; a flag that does not fit the target
/// (or an encryption option for an unencrypted output) is a usage error.
pub(crate) fn target(
    format: Format,
    p: &ProtectionArgs,
    passphrase: Option<&Passphrase>,
) -> Result<Target, Failure> {
    let encrypted = passphrase.is_some_and(|p| !p.is_empty());
    for name in given(p) {
        if !applies(format).contains(&name) {
            let what = if format.is_private() {
                ""
            } else {
                " (a public key)"
            };
            return Err(usage(format!(
                "--{name} does not apply to {format} output{what}"
            )));
        }
        if !encrypted && name != "ppk-version" {
            return Err(usage(format!(
                "--{name} only applies to an encrypted output: give a new passphrase"
            )));
        }
    }
    Ok(match format {
        Format::OpenSsh => {
            let mut o = OpensshOptions::default();
            if let Some(c) = p.cipher {
                o.cipher = cipher_for(c, format, OpensshCipher::ALL, OpensshCipher::name)?;
            }
            if let Some(rounds) = p.rounds {
                o.rounds = rounds;
            }
            Target::OpenSsh(o)
        }
        Format::Ppk => {
            let argon2_given = p.kdf.is_some()
                || p.argon2_memory.is_some()
                || p.argon2_passes.is_some()
                || p.argon2_parallelism.is_some();
            match p.ppk_version.unwrap_or_default() {
                PpkVersion::V2 if argon2_given => {
                    return Err(usage("Argon2 options apply to --ppk-version 3 only".into()));
                }
                PpkVersion::V2 => Target::Ppk(PpkOptions::V2),
                PpkVersion::V3 => {
                    let mut a = Argon2Options::default();
                    if let Some(kdf) = p.kdf {
                        a.variant = kdf;
                    }
                    if let Some(m) = p.argon2_memory {
                        a.memory_kib = m;
                    }
                    if let Some(n) = p.argon2_passes {
                        a.passes = n;
                    }
                    if let Some(n) = p.argon2_parallelism {
                        a.parallelism = n;
                    }
                    Target::Ppk(PpkOptions::V3(a))
                }
            }
        }
        Format::Pkcs8 => {
            let mut o = Pkcs8Options::default();
            if let Some(c) = p.cipher {
                o.cipher = cipher_for(c, format, Pkcs8Cipher::ALL, Pkcs8Cipher::name)?;
            }
            if let Some(prf) = p.prf {
                o.prf = prf;
            }
            if let Some(n) = p.iterations {
                o.iterations = n;
            }
            Target::Pkcs8(o)
        }
        Format::Pem => {
            let mut o = PemOptions::default();
            if let Some(c) = p.cipher {
                o.cipher =
                    cipher_for(c, format, LegacyCipher::ALL, |c| Cipher::from(c).ssh_name())?;
            }
            Target::Pem(o)
        }
        other => Target::default_for(other).ok_or_else(|| {
            usage(format!(
                "keyconv reads {other} files but does not write them"
            ))
        })?,
    })
}

/// A public target takes no protection options and no new passphrase.
pub(crate) fn refuse_protection_args(args: &ConvertArgs, format: Format) -> Result<(), Failure> {
    target(format, &args.protection, None)?;
    let new = &args.new_passphrase;
    if new.no_passphrase || new.new_passphrase_file.is_some() || new.ask_new_passphrase {
        return Err(usage(format!(
            "a new passphrase does not apply to {format} output (a public key)"
        )));
    }
    Ok(())
}

/// Refuses to write a key derivation keyconv would refuse to read (SPEC §3): the same limits
/// apply to `--rounds`, `--iterations` and `--argon2-*`, so `--rounds 4000000000` fails at once
/// instead of running for days. `--allow-expensive-kdf` (where the command has it) lifts them for
/// writing as for reading.
pub(crate) fn check_write_limits(
    target: &mut Target,
    passphrase: Option<&Passphrase>,
    limits: KdfLimits,
) -> Result<(), Failure> {
    // The library's encoders refuse the same (the limits travel in the target's options); the
    // check here fails before any work, with the CLI's hint.
    target.set_limits(limits);
    target.check_limits(passphrase).map_err(|e| {
        Failure::Plain(e.with_hint(
            "keyconv would refuse to read such a file: choose a smaller value \
             (README, Limits), or pass --allow-expensive-kdf if you really want it",
        ))
    })
}
