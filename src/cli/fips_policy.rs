//! The `--fips` output policy of `convert --fips` and `generate --fips` (SPEC §4).

use keyconv::error::{Error, ErrorKind};
use keyconv::fips::{Verdict, assess, rule_by_id};
use keyconv::format::pkcs8::Prf;
use keyconv::format::{EncodeOptions, Format, KeyFile};
use keyconv::key::{KeyType, PublicKey};
use keyconv::protection::Protection;

use super::verdict::citation;

/// `convert --fips`: refuses keys a FIPS module will not use. EdDSA is a warning, refused under
/// `strict`. Returns the warning to print, if any.
pub(crate) fn check_key_for_fips(key: &PublicKey, strict: bool) -> Result<Option<String>, Error> {
    let a = assess(std::slice::from_ref(key), &Protection::None);
    if let Some(f) = a.failures(strict).next() {
        let hint = match key.key_type() {
            Some(KeyType::Dsa) => {
                "DSA cannot be made FIPS-compatible: generate an ECDSA or RSA-3072 key"
            }
            Some(KeyType::Ed25519 | KeyType::Ed448) => {
                "generate an ECDSA or RSA-3072 key, or drop --strict"
            }
            _ => "generate an ECDSA or RSA-3072 key",
        };
        return Err(Error::new(ErrorKind::Refused(format!(
            "--fips: {} ({}, {})",
            f.detail,
            f.rule,
            citation(f.rule)
        )))
        .with_hint(hint));
    }
    Ok(a.findings
        .iter()
        .find(|f| f.verdict == Verdict::Conditional || f.verdict == Verdict::Warning)
        .map(|f| {
            format!(
                "warning: {} ({})",
                f.detail,
                rule_by_id(f.rule).map(|r| r.condition).unwrap_or_default()
            )
        }))
}

/// `convert --fips` and `generate --fips` before encoding: the key, the `target` and the
/// protection must be what a FIPS module loads and NIST approves (SPEC §4). A warning (EdDSA,
/// RSA-2048) is printed on standard error, naming `name`.
pub(crate) fn preflight(
    name: &str,
    key: &PublicKey,
    target: Format,
    options: &EncodeOptions,
    strict: bool,
) -> Result<(), Error> {
    let refuse =
        |what: String, hint: &str| Error::new(ErrorKind::Refused(what)).with_hint(hint.to_owned());
    if let Some(warning) = check_key_for_fips(key, strict)? {
        super::say!("keyconv: {name}: {warning}");
    }
    let encrypted = options.passphrase.as_ref().is_some_and(|p| !p.is_empty());
    if encrypted && target != Format::Pkcs8 {
        return Err(refuse(
            format!("--fips: {} encryption is not FIPS-approved", target),
            "use --to pkcs8 (PBES2, PBKDF2-HMAC-SHA-256, AES), or --no-passphrase for an unencrypted key",
        ));
    }
    if let Some(p) = options.passphrase.as_ref().filter(|_| encrypted) {
        if p.len() < 8 {
            return Err(refuse(
                format!(
                    "--fips: the new passphrase is {} bytes; at least 8 are needed (passphrase-length)",
                    p.len()
                ),
                "choose a longer passphrase",
            ));
        }
        if options.pkcs8.prf == Prf::HmacSha1 {
            return Err(refuse(
                "--fips: HMAC-SHA-1 is deprecated for PBKDF2 (kdf-prf)".into(),
                "drop --prf or use hmac-sha256",
            ));
        }
        if options.pkcs8.iterations < 1000 {
            return Err(refuse(
                format!(
                    "--fips: {} PBKDF2 iterations are below 1000 (kdf-iterations)",
                    options.pkcs8.iterations
                ),
                "drop --iterations (600000 by default)",
            ));
        }
    }
    Ok(())
}

/// `--fips` after encoding: our own output must assess as compliant.
pub(crate) fn verify_output(data: &[u8], key: &PublicKey, strict: bool) -> Result<(), Error> {
    let written = KeyFile::decode(data)?;
    let mut keys = written.public_keys();
    if keys.is_empty() {
        keys.push(key.clone());
    }
    let assessment = keyconv::fips::assess(&keys, &written.protection());
    match assessment.failures(strict).next() {
        None => Ok(()),
        Some(f) => Err(Error::new(ErrorKind::Refused(format!(
            "--fips: the output would not be compliant: {} ({})",
            f.detail, f.rule
        )))),
    }
}
