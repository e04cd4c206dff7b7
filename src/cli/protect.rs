//! The protection options of the commands that write private keys (`convert`, `generate`): which
//! fit which target, and the encoder options they make.

use keyconv::format::{EncodeOptions, Format};
use keyconv::passphrase::Passphrase;

use super::Failure;
use super::args::{ConvertArgs, ProtectionArgs};

fn usage(what: String) -> Failure {
    Failure::Usage(what)
}

pub(crate) fn refuse_protection_args(args: &ConvertArgs, target: Format) -> Result<(), Failure> {
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
