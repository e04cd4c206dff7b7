//! X.509 SubjectPublicKeyInfo `PUBLIC KEY` (RFC 5280 §4.1.2.7; RFC 3279, RFC 5480, RFC 8410 for
//! the algorithms) and PKCS#1 `RSA PUBLIC KEY` (RFC 8017 A.1.1), PEM (RFC 7468) or DER.
//!
//! ```text
//! -----BEGIN PUBLIC KEY-----               SubjectPublicKeyInfo ::= SEQUENCE {
//! MCowBQYDK2VwAyEA4yqqeRXOubRJ0bpQ6io…       algorithm   AlgorithmIdentifier { OID, params },
//! -----END PUBLIC KEY-----                   subjectPublicKey BIT STRING }
//!
//! rsaEncryption   1.2.840.113549.1.1.1  params NULL           key RSAPublicKey { n, e }
//! id-dsa          1.2.840.10040.4.1     params { p, q, g }    key INTEGER y
//! id-ecPublicKey  1.2.840.10045.2.1     params namedCurve OID key SEC1 point
//! id-Ed25519      1.3.101.112           (no params)           key 32 bytes
//! id-Ed448        1.3.101.113           (no params)           key 57 bytes
//! ```
//!
//! Decisions where the standards leave room:
//! - Compressed EC points are read and decompressed (the model keeps uncompressed points);
//!   EC keys with explicit or implicit curve parameters are refused as unsupported.
//! - rsaEncryption parameters may be NULL (as RFC 3279 says) or absent; Ed25519/Ed448 must have
//!   none (RFC 8410).
//! - A PEM file may hold several `PUBLIC KEY`/`RSA PUBLIC KEY` blocks: each is a key. Text around
//!   the blocks is ignored, as OpenSSL does; a block with another label is an error.
//! - These formats have no comment: decoded keys have an empty one, and writing drops it.
//! - Writing always gives `PUBLIC KEY` PEM with a 64-column body, RSA parameters NULL, EC points
//!   uncompressed with a named curve: what `openssl pkey -pubout` writes, byte for byte.

use crate::encoding::asn1::{self, Reader};
use crate::encoding::pem as armour;
use crate::encoding::{self, text};
use crate::error::{Error, ErrorKind, Result};
use crate::format::Format;
use crate::format::der_keys;
use crate::key::{PublicKey, PublicKeyData};

const FORMAT: Format = Format::Spki;

const SPKI_LABEL: &str = "PUBLIC KEY";
const PKCS1_LABEL: &str = "RSA PUBLIC KEY";

/// Decodes a `PUBLIC KEY` or `RSA PUBLIC KEY`, PEM (every block of the file) or DER.
///
/// ```
/// let pem = "-----BEGIN PUBLIC KEY-----\n\
///            MCowBQYDK2VwAyEA4yqqeRXOubRJ0bpQ6ioouxpuAfkL2iRaLR2HaX0YomU=\n\
///            -----END PUBLIC KEY-----\n";
/// let keys = keyconv::format::spki::decode(pem.as_bytes())?;
/// assert_eq!(keys[0].data().algorithm(), "ssh-ed25519");
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn decode(input: &[u8]) -> Result<Vec<PublicKey>> {
    if input.len() > encoding::MAX_KEY_FILE {
        return Err(Error::malformed(FORMAT, "file is too large for a key file"));
    }
    if input.first() == Some(&0x30) {
        return decode_der(input).map(|key| vec![key]);
    }
    let text = text::decode(input)?;
    let mut rest: &str = &text;
    let mut keys = Vec::new();
    while let Some(label) = armour::first_label(rest) {
        let pem = armour::decode(rest, FORMAT)?;
        let key = match label {
            SPKI_LABEL => decode_spki(&pem.body)?,
            // An SPKI body under the PKCS#1 label (some libraries write it so): openssl and
            // ssh-keygen read it by its structure, and so does keyconv.
            PKCS1_LABEL => decode_der(&pem.body)?,
            other => {
                return Err(Error::malformed(
                    FORMAT,
                    format!("expected a {SPKI_LABEL} or {PKCS1_LABEL} block, found {other}"),
                ));
            }
        };
        keys.push(key);
        // Go on after this block's END line (the decoder checked it follows the BEGIN line).
        let begin = format!("-----BEGIN {label}-----");
        let end = format!("-----END {label}-----");
        let after_begin = rest.find(&begin).map_or(rest.len(), |at| at + begin.len());
        let block = rest.get(after_begin..).unwrap_or_default();
        rest = match block.find(&end) {
            Some(at) => block.get(at + end.len()..).unwrap_or_default(),
            None => "",
        };
    }
    if keys.is_empty() {
        return Err(Error::malformed(
            FORMAT,
            format!("no -----BEGIN {SPKI_LABEL}----- line"),
        ));
    }
    Ok(keys)
}

/// A DER SubjectPublicKeyInfo or PKCS#1 RSAPublicKey, told apart by their top-level elements.
fn decode_der(der_bytes: &[u8]) -> Result<PublicKey> {
    match asn1::sequence_tags(der_bytes).as_deref() {
        Some([asn1::INTEGER, asn1::INTEGER]) => {
            finish(der_keys::decode_rsa_public(der_bytes, FORMAT)?)
        }
        _ => decode_spki(der_bytes),
    }
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT
/// STRING }` filling `der_bytes`.
fn decode_spki(der_bytes: &[u8]) -> Result<PublicKey> {
    let mut outer = Reader::new(der_bytes, FORMAT);
    let mut r = outer.sequence("SubjectPublicKeyInfo")?;
    outer.finish("SubjectPublicKeyInfo")?;
    refuse_explicit_curve(&r)?;
    let algorithm = der_keys::read_key_algorithm(&mut r, "public key algorithm")?;
    let key = r.bit_string("public key BIT STRING")?;
    r.finish("SubjectPublicKeyInfo")?;
    finish(der_keys::decode_public_key(&algorithm, key, FORMAT)?)
}

/// An EC public key with explicit curve parameters is refused, even when they are those of a
/// named curve (which PKCS#8 and traditional PEM read): there is no private scalar to tie the
/// key to the curve, and openssl writes named curves.
fn refuse_explicit_curve(spki: &Reader<'_>) -> Result<()> {
    let mut peek = spki.clone();
    let Ok(mut alg) = peek.sequence("public key algorithm") else {
        return Ok(());
    };
    if alg.oid("public key algorithm").as_deref() == Ok(crate::encoding::oid::ID_EC_PUBLIC_KEY)
        && alg.peek_tag() == Some(asn1::SEQUENCE)
    {
        return Err(Error::new(ErrorKind::UnsupportedKeyType(
            "EC with explicit curve parameters (only the named curves P-256, P-384 and P-521 \
             are supported)"
                .into(),
        )));
    }
    Ok(())
}

/// Checks the key (sizes, EC point on its curve) and gives it an empty comment.
fn finish(data: PublicKeyData) -> Result<PublicKey> {
    data.validate(FORMAT)?;
    PublicKey::new(data, String::new())
}

/// Encodes `key` as a `PUBLIC KEY` PEM block (body at 64 columns). Certificates and
/// security-key (`sk-`) keys have no such form: [`ErrorKind::UnsupportedTarget`].
///
/// ```
/// let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me";
/// let key = keyconv::format::public::decode_line(line)?.unwrap();
/// assert_eq!(
///     keyconv::format::spki::encode(&key)?,
///     "-----BEGIN PUBLIC KEY-----\n\
///      MCowBQYDK2VwAyEA4yqqeRXOubRJ0bpQ6ioouxpuAfkL2iRaLR2HaX0YomU=\n\
///      -----END PUBLIC KEY-----\n"
/// );
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn encode(key: &PublicKey) -> Result<String> {
    let der_bytes = to_der(key.data())?;
    Ok(armour::encode(SPKI_LABEL, &[], &der_bytes, 64))
}

/// Encodes `key` as a DER SubjectPublicKeyInfo (what `openssl pkey -pubout -outform DER`
/// writes).
///
/// ```
/// let key = keyconv::PublicKey::from_openssh(include_str!("../../testdata/ed25519.pub"))?;
/// let der = keyconv::format::spki::encode_der(&key)?;
/// assert_eq!(der, include_bytes!("../../testdata/ed25519.spki-der")); // as openssl writes it
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn encode_der(key: &PublicKey) -> Result<Vec<u8>> {
    to_der(key.data())
}

/// The DER SubjectPublicKeyInfo of `data`.
pub(crate) fn to_der(data: &PublicKeyData) -> Result<Vec<u8>> {
    let (Some(algorithm), Some(key)) = (
        der_keys::encode_key_algorithm(data),
        der_keys::encode_public_key(data),
    ) else {
        return Err(Error::new(ErrorKind::UnsupportedTarget {
            target: FORMAT,
            why: format!(
                "{} is an OpenSSH certificate or security-key type, which has no PKCS form",
                data.algorithm()
            ),
            suggestion: "public or rfc4716".into(),
        }));
    };
    Ok(asn1::sequence(&[&algorithm, &asn1::bit_string(&key)]).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED_SPKI: &str = "MCowBQYDK2VwAyEA4yqqeRXOubRJ0bpQ6ioouxpuAfkL2iRaLR2HaX0YomU=";

    fn pem(label: &str, b64: &str) -> String {
        format!("-----BEGIN {label}-----\n{b64}\n-----END {label}-----\n")
    }

    #[test]
    fn ed25519_round_trips() {
        let text = pem(SPKI_LABEL, ED_SPKI);
        let keys = decode(text.as_bytes()).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].comment(), "");
        assert_eq!(encode(&keys[0]).unwrap(), text);
        let der_bytes = crate::encoding::base64::decode(ED_SPKI).unwrap();
        assert_eq!(decode(&der_bytes).unwrap(), keys);
        let two = format!("junk\n{text}between\n{text}");
        assert_eq!(decode(two.as_bytes()).unwrap().len(), 2);
        let stray_end = format!("-----END {SPKI_LABEL}-----\n{text}");
        assert_eq!(decode(stray_end.as_bytes()).unwrap().len(), 1);
    }

    #[test]
    fn hostile_der_is_an_error() {
        let der_bytes = crate::encoding::base64::decode(ED_SPKI).unwrap();
        for cut in 0..der_bytes.len() {
            assert!(decode(der_bytes.get(..cut).unwrap()).is_err(), "{cut}");
        }
        let mut trailing = der_bytes.clone();
        trailing.push(0);
        assert!(decode(&trailing).is_err());
        let mut huge = der_bytes.clone();
        huge.splice(1..2, [0x84, 0xff, 0xff, 0xff, 0xf0]);
        assert!(decode(&huge).is_err());
        assert!(decode(pem("EC PRIVATE KEY", ED_SPKI).as_bytes()).is_err());
        assert!(decode(b"no pem here").is_err());
    }

    #[test]
    fn unknown_algorithms_are_unsupported() {
        // The Ed25519 SPKI with its OID changed to X25519 (1.3.101.110).
        let mut der_bytes = crate::encoding::base64::decode(ED_SPKI).unwrap();
        let at = der_bytes.iter().position(|&b| b == 112).unwrap();
        der_bytes[at] = 110;
        let e = decode(&der_bytes).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::UnsupportedKeyType(t) if t.contains("X25519")),
            "{e:?}"
        );
    }

    /// Every key type, as `openssl pkey -pubout` wrote it (testdata/generate.sh): read, written
    /// back byte for byte in PEM and DER, and our output read back by `openssl pkey -pubin`.
    #[test]
    fn every_key_type_round_trips_like_openssl() {
        let files: [(&str, &str, &[u8]); 7] = [
            (
                "rsa-2048",
                include_str!("../../testdata/rsa-2048.spki"),
                include_bytes!("../../testdata/rsa-2048.spki-der"),
            ),
            (
                "dsa-1024",
                include_str!("../../testdata/dsa-1024.spki"),
                include_bytes!("../../testdata/dsa-1024.spki-der"),
            ),
            (
                "ecdsa-256",
                include_str!("../../testdata/ecdsa-256.spki"),
                include_bytes!("../../testdata/ecdsa-256.spki-der"),
            ),
            (
                "ecdsa-384",
                include_str!("../../testdata/ecdsa-384.spki"),
                include_bytes!("../../testdata/ecdsa-384.spki-der"),
            ),
            (
                "ecdsa-521",
                include_str!("../../testdata/ecdsa-521.spki"),
                include_bytes!("../../testdata/ecdsa-521.spki-der"),
            ),
            (
                "ed25519",
                include_str!("../../testdata/ed25519.spki"),
                include_bytes!("../../testdata/ed25519.spki-der"),
            ),
            (
                "ed448",
                include_str!("../../testdata/ed448.spki"),
                include_bytes!("../../testdata/ed448.spki-der"),
            ),
        ];
        for (name, pem_text, der_bytes) in files {
            let keys = decode(pem_text.as_bytes()).unwrap();
            assert_eq!(keys.len(), 1, "{name}");
            assert_eq!(encode(&keys[0]).unwrap(), pem_text, "{name}");
            assert_eq!(encode_der(&keys[0]).unwrap(), der_bytes, "{name}");
            assert_eq!(decode(der_bytes).unwrap(), keys, "{name}");
            // Every cut of the DER is an error, never a panic.
            for cut in 0..der_bytes.len() {
                assert!(decode(&der_bytes[..cut]).is_err(), "{name} cut at {cut}");
            }
            if let Some(from_openssl) = openssl_pkey_pubin(&encode(&keys[0]).unwrap()) {
                assert_eq!(from_openssl, der_bytes, "{name}: openssl pkey -pubin");
            }
        }
    }

    /// `openssl pkey -pubin -outform DER` of `pem`, or `None` (with a notice) without openssl.
    fn openssl_pkey_pubin(pem: &str) -> Option<Vec<u8>> {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let Ok(mut child) = Command::new("openssl")
            .args(["pkey", "-pubin", "-outform", "DER"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
        else {
            eprintln!("openssl not found: skipping the openssl check");
            return None;
        };
        child
            .stdin
            .take()
            .unwrap()
            .write_all(pem.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "openssl pkey -pubin failed");
        Some(out.stdout)
    }

    #[test]
    fn pkcs1_rsa_public_keys_are_read_under_either_label() {
        let spki_der = include_bytes!("../../testdata/rsa-2048.spki-der");
        let key = decode(spki_der).unwrap().remove(0);
        let PublicKeyData::Rsa { e, n } = key.data() else {
            panic!("not RSA")
        };
        let pkcs1 = asn1::sequence(&[&asn1::uint(n), &asn1::uint(e)]);
        assert_eq!(decode(&pkcs1).unwrap(), vec![key.clone()]);
        let b64 = crate::encoding::base64::encode(&pkcs1);
        assert_eq!(
            decode(pem(PKCS1_LABEL, &b64).as_bytes()).unwrap(),
            vec![key.clone()]
        );
        // An SPKI body under the PKCS#1 label is read by its structure.
        let b64 = crate::encoding::base64::encode(spki_der);
        assert_eq!(
            decode(pem(PKCS1_LABEL, &b64).as_bytes()).unwrap(),
            vec![key]
        );
    }

    #[test]
    fn algorithm_parameters_are_checked() {
        let ed = crate::encoding::base64::decode(ED_SPKI).unwrap();
        let key = &ed[ed.len() - 32..];
        let spki = |alg: &[&[u8]]| asn1::sequence(&[&asn1::sequence(alg), &asn1::bit_string(key)]);
        // EdDSA with parameters, RSA with non-NULL parameters, EC without a curve or with
        // explicit parameters, DSA without parameters.
        let ed_oid = asn1::oid(crate::encoding::oid::ID_ED25519);
        assert!(decode(&spki(&[&ed_oid, &asn1::null()])).is_err());
        let rsa_oid = asn1::oid(crate::encoding::oid::RSA_ENCRYPTION);
        assert!(decode(&spki(&[&rsa_oid, &asn1::small_uint(1)])).is_err());
        let ec_oid = asn1::oid(crate::encoding::oid::ID_EC_PUBLIC_KEY);
        assert!(decode(&spki(&[&ec_oid])).is_err());
        let e = decode(&spki(&[&ec_oid, &asn1::sequence(&[&asn1::small_uint(1)])])).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::UnsupportedKeyType(t) if t.contains("explicit")),
            "{e:?}"
        );
        let dsa_oid = asn1::oid(crate::encoding::oid::ID_DSA);
        let e = decode(&spki(&[&dsa_oid])).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::UnsupportedKeyType(t) if t.contains("DSA")),
            "{e:?}"
        );
        // Unused bits in the key's BIT STRING.
        let mut odd = ed.clone();
        let at = ed.len() - 33;
        odd[at] = 1;
        assert!(decode(&odd).is_err());
    }
}
