//! `fips-check --fix`: every non-compliant private key that can be made compliant rewritten in
//! place as `convert --fips` writes it (PKCS#8, PBES2 + PBKDF2-HMAC-SHA-256 + AES-128-CBC,
//! 600,000 iterations, 16-byte salt), with its own passphrase; `FILE.pub` written when missing
//! (PKCS#8 has no comment: the comment lives on there). Keys no rewrite can fix (DSA,
//! RSA < 2048, an even or small RSA exponent; EdDSA under `--strict`) are left byte for byte.

use std::path::Path;

use keyconv::error::{Error, ErrorKind};
use keyconv::fips::Assessment;
use keyconv::format::{Format, KeyFile, Target, encode_private, encode_public};
use keyconv::protection::KdfLimits;

use super::Failure;
use super::args::FipsCheckArgs;
use super::fips_policy;
use super::in_place::{Companion, backup_path, replace_in_place};
use super::input::Input;
use super::output::PUBLIC_MODE;
use super::unlock;

/// What `--fix` did with a non-compliant file.
pub(crate) enum Outcome {
    /// Rewritten; the text says how.
    Fixed(String),
    /// `--dry-run`: what would be done.
    WouldFix(String),
    /// Left as it is, and why; still non-compliant.
    Left(String),
}

/// Why no rewrite can make `assessment`'s file compliant, if so: a key rule fails.
fn unfixable(assessment: &Assessment, strict: bool) -> Option<String> {
    assessment.failures(strict).find_map(|f| match f.rule {
        "key-dsa" => Some("DSA cannot be made FIPS-compatible: replace the key".to_owned()),
        "key-rsa-size" | "key-rsa-exponent" => {
            Some(format!("{} ({}): replace the key", f.detail, f.rule))
        }
        "key-eddsa" => Some(format!(
            "{} ({}, --strict): replace the key",
            f.detail, f.rule
        )),
        _ => None,
    })
}

/// Fixes one non-compliant file, if it can be.
pub(crate) fn fix(
    path: &Path,
    format: Format,
    assessment: &Assessment,
    args: &FipsCheckArgs,
) -> Outcome {
    if !format.is_private() {
        return Outcome::Left(format!(
            "a {} public key file: {}",
            format,
            unfixable(assessment, args.strict).unwrap_or_else(|| "nothing to rewrite".into())
        ));
    }
    if let Some(why) = unfixable(assessment, args.strict) {
        return Outcome::Left(why);
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Outcome::Left(
                "a symbolic link: not followed (fix the file it points to)".into(),
            );
        }
        Ok(m) if !m.file_type().is_file() => return Outcome::Left("not a regular file".into()),
        _ => {}
    }
    let backup = args.backup.then(|| backup_path(path));
    if let Some(bak) = &backup
        && std::fs::symlink_metadata(bak).is_ok()
    {
        return Outcome::Left(format!(
            "{} exists: left for --backup not to replace it",
            bak.display()
        ));
    }
    let public_path = {
        let mut p = path.as_os_str().to_owned();
        p.push(".pub");
        std::path::PathBuf::from(p)
    };
    let write_public = std::fs::symlink_metadata(&public_path).is_err();
    let what = format!(
        "rewritten as PKCS#8 (PBES2, PBKDF2-HMAC-SHA-256, AES-128-CBC), passphrase kept{}{}",
        if write_public { ", .pub written" } else { "" },
        match &backup {
            Some(b) => format!(", original kept as {}", b.display()),
            None => String::new(),
        }
    );
    if args.dry_run {
        return Outcome::WouldFix(what.replacen("rewritten", "would be rewritten", 1));
    }
    match rewrite(path, &public_path, write_public, backup.as_deref(), args) {
        Ok(()) => Outcome::Fixed(what),
        Err(e) => Outcome::Left(e.to_string()),
    }
}

fn rewrite(
    path: &Path,
    public_path: &Path,
    write_public: bool,
    backup: Option<&Path>,
    args: &FipsCheckArgs,
) -> Result<(), Error> {
    let input = Input::from_path(path);
    let bytes = input.read_key_file()?;
    let file = KeyFile::decode(&bytes)?;
    let limits = KdfLimits {
        allow_expensive: args.passphrase.allow_expensive_kdf,
    };
    let (key, passphrase) =
        unlock::private_key(&file, &args.passphrase, &input, limits).map_err(|f| match f {
            Failure::Input(_, e) | Failure::Plain(e) => e,
            _ => Error::new(ErrorKind::PassphraseRequired),
        })?;
    // The key rules are checked again (now that the key is known: an encrypted PKCS#8/PEM
    // hides it) with the rest of the `--fips` policy.
    let target = Target::Pkcs8(Default::default());
    fips_policy::preflight(
        &input.name,
        key.public_key(),
        &target,
        passphrase.as_ref(),
        args.strict,
    )?;
    let data = encode_private(&key, &target, passphrase.as_ref())?;
    fips_policy::verify_output(&data, key.public_key(), args.strict)?;
    let back =
        KeyFile::decode_as(&data, Format::Pkcs8)?.private_key(passphrase.as_ref(), &limits)?;
    if back.public_key().to_ssh_blob() != key.public_key().to_ssh_blob() {
        return Err(Error::new(ErrorKind::Io(
            "the rewritten file does not read back as the same key: the original is kept".into(),
        )));
    }

    // The key and its new .pub (owned as the key is) all or none.
    let line = encode_public(key.public_key(), Format::Public)?;
    let companion = write_public.then_some(Companion {
        path: public_path,
        data: line.as_bytes(),
        mode: PUBLIC_MODE,
    });
    replace_in_place(path, &data, backup, companion)
}
