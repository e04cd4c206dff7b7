//! `keyconv generate`: a new key in any private format, and its one-line public key beside it.
//!
//! Decisions (as ssh-keygen where it has an answer):
//! - The default type is Ed25519, RSA is 3072 bits and ECDSA is P-256 unless said otherwise;
//!   under `--fips` the default type is RSA-3072 and the default format PKCS#8, otherwise
//!   OpenSSH. `--bits 256|384|521` with `--type ecdsa` chooses the curve, as `ssh-keygen -b`.
//! - The default comment is `USER@HOST`, as ssh-keygen's; a half that is unknown is left out.
//!   On Unix `$USER`, else `$LOGNAME`, else the account's name (`getpwuid_r`), and
//!   `gethostname(3)`; on Windows `%USERNAME%` and `%COMPUTERNAME%`.
//! - The new passphrase comes from `--new-passphrase-file`, `KEYCONV_NEW_PASSPHRASE` or
//!   `--no-passphrase`; when none is given and standard input is a terminal, it is asked for
//!   twice (an empty answer means no passphrase, as ssh-keygen); otherwise it is a usage error.
//!   It is never taken from the command line.
//! - `FILE` (0600) and `FILE.pub` (0644) are written all or none: both are written under
//!   temporary names first, and neither may exist unless `--force`.
//! - Success prints `wrote FILE and FILE.pub` on standard error and the new key's fingerprint
//!   line (`ssh-keygen -l`'s) on standard output.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use keyconv::error::Error;
use keyconv::format::{Format, encode_private, public};
use keyconv::key::{EcCurve, FingerprintHash, KeySpec, PrivateKey};
use keyconv::passphrase::Passphrase;
use keyconv::protection::KdfLimits;

use super::Failure;
use super::args::{CurveName, GenerateArgs, GenerateType, NewPassphraseArgs};
use super::fips_policy;
use super::input;
use super::output::{self, PRIVATE_MODE, PUBLIC_MODE};
use super::protect;

pub(crate) fn run(args: &GenerateArgs) -> Result<(), Failure> {
    let spec = key_spec(args)?;
    let format = args.to.unwrap_or(if args.fips {
        Format::Pkcs8
    } else {
        Format::OpenSsh
    });
    if args.output.as_os_str() == "-" {
        return Err(Failure::Usage(
            "generate writes two files, FILE and FILE.pub: -o - (standard output) cannot hold them"
                .into(),
        ));
    }
    let private_path = args.output.clone();
    let public_path = public_path(&private_path);
    let name = output::shown(&private_path);
    let on_output = |e: Error| Failure::Input(name.clone(), e);
    output::refuse_existing(&private_path, args.force).map_err(Failure::Plain)?;
    output::refuse_existing(&public_path, args.force).map_err(Failure::Plain)?;

    let passphrase = new_passphrase(args)?;
    let mut target = protect::target(format, &args.protection, passphrase.as_ref())?;
    protect::check_write_limits(&mut target, passphrase.as_ref(), KdfLimits::default())?;
    if let KeySpec::Rsa { bits } = spec
        && bits < 2048
        && !args.fips
    {
        super::say!(
            "keyconv: {name}: warning: RSA keys below 2048 bits are not approved by NIST (SP 800-131A)"
        );
    }
    let comment = args
        .comment
        .clone()
        .unwrap_or_else(super::platform::user_at_host);
    let key = PrivateKey::generate(spec, &comment).map_err(on_output)?;
    if args.fips {
        fips_policy::preflight(
            &name,
            key.public_key(),
            &target,
            passphrase.as_ref(),
            args.strict,
        )
        .map_err(on_output)?;
    }
    let data = encode_private(&key, &target, passphrase.as_ref()).map_err(on_output)?;
    if args.fips {
        fips_policy::verify_output(&data, key.public_key(), args.strict).map_err(on_output)?;
    }
    let line = public::encode(key.public_key());

    write_pair(
        (&private_path, &data),
        (&public_path, line.as_bytes()),
        args.force,
    )
    .map_err(Failure::Plain)?;
    if args.quiet {
        return Ok(());
    }
    let encrypted = passphrase.as_ref().is_some_and(|p| !p.is_empty());
    super::say!(
        "keyconv: wrote {} ({format}, {}) and {}",
        output::shown(&private_path),
        if encrypted {
            "encrypted"
        } else {
            "not encrypted"
        },
        output::shown(&public_path)
    );
    let mut out = io::stdout().lock();
    let fingerprint = key.public_key().fingerprint_line(FingerprintHash::Sha256);
    writeln!(out, "{fingerprint}").map_err(output::stdout_error)
}

/// What to generate, from `--type`, `--bits` and `--curve`.
fn key_spec(args: &GenerateArgs) -> Result<KeySpec, Failure> {
    let usage = |what: &str| Err(Failure::Usage(what.to_owned()));
    let key_type = args.key_type.unwrap_or(if args.fips {
        GenerateType::Rsa
    } else {
        GenerateType::Ed25519
    });
    match key_type {
        GenerateType::Rsa => {
            if args.curve.is_some() {
                return usage("--curve applies to --type ecdsa only");
            }
            Ok(KeySpec::Rsa {
                bits: args.bits.unwrap_or(KeySpec::DEFAULT_RSA_BITS),
            })
        }
        GenerateType::Ecdsa => {
            let from_bits = match args.bits {
                None => None,
                Some(256) => Some(EcCurve::P256),
                Some(384) => Some(EcCurve::P384),
                Some(521) => Some(EcCurve::P521),
                Some(n) => {
                    return usage(&format!(
                        "--bits {n} with --type ecdsa: use 256, 384 or 521 (or --curve)"
                    ));
                }
            };
            let from_curve = args.curve.map(|c| match c {
                CurveName::P256 => EcCurve::P256,
                CurveName::P384 => EcCurve::P384,
                CurveName::P521 => EcCurve::P521,
            });
            match (from_bits, from_curve) {
                (Some(a), Some(b)) if a != b => usage("--bits and --curve name different curves"),
                (a, b) => Ok(KeySpec::Ecdsa(a.or(b).unwrap_or(EcCurve::P256))),
            }
        }
        GenerateType::Ed25519 | GenerateType::Ed448 => {
            if args.bits.is_some() || args.curve.is_some() {
                return usage(
                    "--bits and --curve do not apply to EdDSA keys (their size is fixed)",
                );
            }
            Ok(if key_type == GenerateType::Ed25519 {
                KeySpec::Ed25519
            } else {
                KeySpec::Ed448
            })
        }
    }
}

/// `FILE.pub`, as ssh-keygen names it.
fn public_path(private: &Path) -> PathBuf {
    let mut name = OsString::from(private.as_os_str());
    name.push(".pub");
    PathBuf::from(name)
}

/// The new passphrase: given by file, environment or `--no-passphrase`; else asked twice on
/// the terminal; else a usage error. `None` (or empty) writes the key unencrypted.
fn new_passphrase(args: &GenerateArgs) -> Result<Option<Passphrase>, Failure> {
    let given = NewPassphraseArgs {
        new_passphrase_file: args.new_passphrase_file.clone(),
        no_passphrase: args.no_passphrase,
        ask_new_passphrase: false,
    };
    if let Some(explicit) = input::new_passphrase(&given)? {
        return Ok(explicit);
    }
    if !io::stdin().is_terminal() {
        return Err(Failure::Usage(
            "generate needs a passphrase for the new key: give --new-passphrase-file FILE, \
             set KEYCONV_NEW_PASSPHRASE, or give --no-passphrase"
                .into(),
        ));
    }
    let passphrase = input::ask_new_passphrase().map_err(Failure::Plain)?;
    Ok((!passphrase.is_empty()).then_some(passphrase))
}

/// Writes the private and the public file all or none: both are written under temporary names
/// before either is put in place; when the second cannot be put in place, the first gets its
/// old file back (or is removed when there was none).
fn write_pair(
    (private, private_data): (&Path, &[u8]),
    (public, public_data): (&Path, &[u8]),
    force: bool,
) -> Result<(), Error> {
    let staged_private = output::stage(private, private_data, PRIVATE_MODE)?;
    let staged_public = output::stage(public, public_data, PUBLIC_MODE)?;
    output::commit_all(vec![staged_private, staged_public], force)
}
