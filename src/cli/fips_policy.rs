//! The `--fips` output policy of `convert --fips` and `generate --fips` (SPEC §4): the policy is
//! the library's [`fips::check_output`] and [`fips::verify_output`]; this adds the `hint:` lines
//! (which name flags) and prints the warnings.

use keyconv::error::{Error, ErrorKind};
use keyconv::fips;
use keyconv::format::Target;
use keyconv::key::{KeyType, PublicKey};
use keyconv::passphrase::Passphrase;

/// What to do about a `--fips` refusal, by rule.
fn fips_hint(rule: &str, key: &PublicKey) -> &'static str {
    match rule {
        "prot-openssh" | "prot-ppk" | "prot-legacy-pem" => {
            "use --to pkcs8 (PBES2, PBKDF2-HMAC-SHA-256, AES), or --no-passphrase for an unencrypted key"
        }
        "passphrase-length" => "choose a longer passphrase",
        "kdf-prf" => "drop --prf or use hmac-sha256",
        "kdf-iterations" => "drop --iterations (600000 by default)",
        _ => match key.key_type() {
            Some(KeyType::Dsa) => {
                "DSA cannot be made FIPS-compatible: generate an ECDSA or RSA-3072 key"
            }
            Some(KeyType::Ed25519 | KeyType::Ed448) => {
                "generate an ECDSA or RSA-3072 key, or drop --strict"
            }
            _ => "generate an ECDSA or RSA-3072 key",
        },
    }
}

/// Adds the `hint:` of a `--fips` refusal.
fn with_fips_hint(e: Error, key: &PublicKey) -> Error {
    match e.kind() {
        ErrorKind::FipsRefused { rule, .. } => {
            let hint = fips_hint(rule, key);
            e.with_hint(hint)
        }
        _ => e,
    }
}

/// `convert --fips` and `generate --fips` before encoding ([`fips::check_output`]); a warning
/// (EdDSA, RSA-2048) is printed on standard error, naming `name`.
pub(crate) fn preflight(
    name: &str,
    key: &PublicKey,
    target: &Target,
    passphrase: Option<&Passphrase>,
    strict: bool,
) -> Result<(), Error> {
    let warnings =
        fips::check_output(key, target, passphrase, strict).map_err(|e| with_fips_hint(e, key))?;
    if let Some(f) = warnings.first() {
        let condition = fips::rule_by_id(f.rule)
            .map(|r| r.condition)
            .unwrap_or_default();
        super::say!("keyconv: {name}: warning: {} ({condition})", f.detail);
    }
    Ok(())
}

/// `--fips` after encoding ([`fips::verify_output`]).
pub(crate) fn verify_output(data: &[u8], key: &PublicKey, strict: bool) -> Result<(), Error> {
    fips::verify_output(data, key, strict)
}
