//! `keyconv edit`: a key file's passphrase or comment changed in place, in its own format, as
//! `ssh-keygen -p`/`-c` and `puttygen -P`/`-C` do.
//!
//! The file is rewritten with the protection parameters it had (cipher, KDF and its cost; a
//! fresh salt), unless the new passphrase makes it unencrypted or encrypted for the first time
//! (then keyconv's defaults for the format). The new file is decoded and unlocked again before it
//! replaces the old one, and replaces it atomically with the old one's mode and owner.

use std::path::{Path, PathBuf};

use keyconv::error::{Error, ErrorKind};
use keyconv::format::openssh::OpensshCipher;
use keyconv::format::pem::LegacyCipher;
use keyconv::format::pkcs8::{Pkcs8Cipher, Pkcs8Options};
use keyconv::format::ppk::{Argon2Options, PpkOptions};
use keyconv::format::{Format, KeyFile, Target, encode_private};
use keyconv::passphrase::Passphrase;
use keyconv::protection::{Kdf, KdfLimits, Protection};

use super::Failure;
use super::args::EditArgs;
use super::in_place::{backup_path, replace_in_place};
use super::input::{self, Input};
use super::output::{self, printable};
use super::report;
use super::unlock::private_key as unlock;

pub(crate) fn run(args: &EditArgs) -> Result<(), Failure> {
    // First every file is read and decoded (no KDF): a usage error about any of them stops the
    // command before anything is written.
    let mut files = Vec::with_capacity(args.files.len());
    let mut failed = false;
    for path in &args.files {
        let input = Input::new(path);
        let name = &input.name;
        if input.is_stdin() {
            return Err(Failure::Usage(
                "edit rewrites files in place: standard input (-) cannot be edited".into(),
            ));
        }
        match read(&input) {
            Ok((bytes, file)) => {
                if args.comment.is_some() && matches!(file.format(), Format::Pkcs8 | Format::Pem) {
                    return Err(Failure::Usage(format!(
                        "{}: --comment does not apply to {} files (they have no comment field)",
                        printable(name),
                        file.format()
                    )));
                }
                files.push((input, bytes, file));
            }
            Err(e) => {
                failed = true;
                report(Some(name), &e);
            }
        }
    }
    let new_passphrase = input::new_passphrase(&args.new_passphrase).map_err(Failure::Plain)?;
    if args.comment.is_none() && new_passphrase.is_none() {
        return Err(Failure::Usage(
            "nothing to change: give --comment TEXT or a new passphrase (--new-passphrase-file \
             FILE, KEYCONV_NEW_PASSPHRASE, --ask-new-passphrase or --no-passphrase)"
                .into(),
        ));
    }
    for (input, bytes, file) in files {
        match edit(args, &input, &bytes, &file, new_passphrase.as_ref()) {
            Ok(done) => say!("{}: {done}", printable(&input.name)),
            Err(Failure::Input(name, e)) => {
                failed = true;
                report(Some(&name), &e);
            }
            Err(other) => return Err(other),
        }
    }
    if failed {
        Err(Failure::Reported(1))
    } else {
        Ok(())
    }
}

/// Reads and decodes a private key file.
fn read(input: &Input) -> Result<(Vec<u8>, KeyFile), Error> {
    let bytes = input.read_key_file()?;
    let file = KeyFile::decode(&bytes)?;
    if !file.is_private() {
        return Err(Error::new(ErrorKind::InvalidRequest(format!(
            "holds only a public key ({}): edit changes private key files",
            file.format()
        ))));
    }
    Ok((bytes, file))
}

/// Edits one file; returns what was done.
fn edit(
    args: &EditArgs,
    input: &Input,
    bytes: &[u8],
    file: &KeyFile,
    new_passphrase: Option<&Option<Passphrase>>,
) -> Result<String, Failure> {
    let name = &input.name;
    let on_input = |e: Error| Failure::Input(name.clone(), e);
    let limits = KdfLimits {
        allow_expensive: args.passphrase.allow_expensive_kdf,
    };
    let Some(path) = input.path() else {
        return Err(Failure::Usage(
            "edit rewrites files in place: standard input (-) cannot be edited".into(),
        ));
    };
    let path = real_path(path).map_err(on_input)?;
    let backup = args.backup.then(|| backup_path(&path));
    if let Some(bak) = &backup {
        output::refuse_existing(bak, false).map_err(on_input)?;
    }
    let (mut key, old_passphrase) = unlock(file, &args.passphrase, input, limits)?;
    let mut done = Vec::new();
    if let Some(comment) = &args.comment {
        key.set_comment(comment.as_str());
        done.push("comment changed");
    }
    let protection = file.protection();
    let passphrase = match new_passphrase {
        Some(new) => {
            done.push(match new {
                Some(p) if !p.is_empty() => "passphrase changed",
                _ if protection.is_encrypted() => "passphrase removed",
                _ => "still unencrypted",
            });
            new.clone()
        }
        None => old_passphrase,
    };
    let encrypted = passphrase.as_ref().is_some_and(|p| !p.is_empty());
    let (mut target, notice) = same_protection(file.format(), &protection, bytes, encrypted)?;
    // The file's own parameters were read within `limits`, so they are written within them.
    target.set_limits(limits);
    if let Some(notice) = notice {
        say!("keyconv: {}: {notice}", printable(name));
    }
    let data = encode_private(&key, &target, passphrase.as_ref()).map_err(on_input)?;

    // Read the new file back before it replaces the old one: it must hold the same key.
    let check = KeyFile::decode_as(&data, file.format())
        .and_then(|f| f.private_key(passphrase.as_ref(), &limits))
        .map_err(on_input)?;
    if check != key {
        return Err(on_input(Error::new(ErrorKind::Io(
            "the rewritten file does not read back as the same key: the original is kept".into(),
        ))));
    }
    replace_in_place(&path, &data, backup.as_deref(), None).map_err(on_input)?;
    if let Some(bak) = &backup {
        done.push("original kept as");
        return Ok(format!("{} {}", done.join(", "), bak.display()));
    }
    Ok(done.join(", "))
}

/// The file a path names, through symbolic links: an edit rewrites the file and keeps the link.
fn real_path(path: &Path) -> Result<PathBuf, Error> {
    std::fs::canonicalize(path).map_err(|e| input::io_error("cannot open", e))
}

/// The target that writes `format` with the protection `protection` had (cipher, KDF and cost),
/// when keyconv can write that protection; else its defaults for the format, with a notice.
/// `encrypted` tells whether the output will be encrypted at all.
pub(crate) fn same_protection(
    format: Format,
    protection: &Protection,
    bytes: &[u8],
    encrypted: bool,
) -> Result<(Target, Option<String>), Error> {
    // Unencrypted files still have a layout to keep: PPK's version, PKCS#8's DER.
    let v2 = {
        let head = bytes.get(..64).unwrap_or(bytes);
        memchr::memmem::find(head, b"PuTTY-User-Key-File-2:").is_some()
    };
    let mut target = match format {
        Format::Ppk if v2 => Target::Ppk(PpkOptions::V2),
        Format::Pkcs8 => Target::Pkcs8(Pkcs8Options {
            der: bytes.first() == Some(&0x30),
            ..Pkcs8Options::default()
        }),
        other => Target::default_for(other).ok_or_else(|| {
            Error::new(ErrorKind::InvalidRequest(format!(
                "keyconv reads {other} files but does not write them: convert the key instead"
            )))
        })?,
    };
    let Protection::Encrypted { cipher, kdf, .. } = protection else {
        return Ok((target, None));
    };
    if !encrypted {
        return Ok((target, None));
    }
    let cannot = || {
        Some(format!(
            "keyconv cannot write {cipher} with {kdf}: the new file uses keyconv's default \
             protection for {format}"
        ))
    };
    let mut notice = None;
    match (&mut target, kdf) {
        (Target::OpenSsh(o), Kdf::Bcrypt { rounds, .. }) => {
            match OpensshCipher::try_from(*cipher) {
                Ok(c) => {
                    o.cipher = c;
                    o.rounds = *rounds;
                }
                Err(_) => notice = cannot(),
            }
        }
        (
            Target::Ppk(o),
            Kdf::Argon2 {
                variant,
                memory_kib,
                passes,
                parallelism,
                ..
            },
        ) => {
            *o = PpkOptions::V3(Argon2Options {
                variant: *variant,
                memory_kib: *memory_kib,
                passes: *passes,
                parallelism: *parallelism,
                ..Argon2Options::default()
            });
        }
        (Target::Ppk(o), Kdf::PpkSha1) => *o = PpkOptions::V2,
        (
            Target::Pkcs8(o),
            Kdf::Pbkdf2 {
                prf, iterations, ..
            },
        ) => match (Pkcs8Cipher::try_from(*cipher), u32::try_from(*iterations)) {
            (Ok(c), Ok(iterations)) => {
                o.prf = *prf;
                o.cipher = c;
                o.iterations = iterations;
            }
            _ => notice = cannot(),
        },
        (Target::Pem(o), Kdf::OpensslMd5) => match LegacyCipher::try_from(*cipher) {
            Ok(c) => o.cipher = c,
            Err(_) => notice = cannot(),
        },
        _ => notice = cannot(),
    }
    Ok((target, notice))
}
