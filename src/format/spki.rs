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

use pkcs8::der::asn1::{BitString, ObjectIdentifier, UintRef};
use pkcs8::der::{Any, AnyRef, Decode, Encode, Reader as _, Tag, Tagged};
use pkcs8::spki::{AlgorithmIdentifier, SubjectPublicKeyInfo, SubjectPublicKeyInfoRef};

use crate::encoding::pem as armour;
use crate::encoding::{self, der, text};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::format::Format;
use crate::key::{EcCurve, PublicKey, PublicKeyData};

const FORMAT: Format = Format::Spki;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const ID_DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const ID_X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
const ID_X448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.111");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

const SPKI_LABEL: &str = "PUBLIC KEY";
const PKCS1_LABEL: &str = "RSA PUBLIC KEY";

fn curve_oid(curve: EcCurve) -> ObjectIdentifier {
    match curve {
        EcCurve::P256 => SECP256R1,
        EcCurve::P384 => SECP384R1,
        EcCurve::P521 => SECP521R1,
    }
}

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
    match der::sequence_tags(der_bytes).as_deref() {
        Some([0x02, 0x02]) => decode_pkcs1(der_bytes),
        _ => decode_spki(der_bytes),
    }
}

/// A malformed error from the `der` crate, with the byte offset where it happened.
fn der_error(what: &str, e: pkcs8::der::Error) -> Error {
    let what = format!("{what} is not valid DER ({})", e.kind());
    match e.position().map(u32::from) {
        Some(at) => Error::malformed_at(FORMAT, what, Location::Offset(at as usize)),
        None => Error::malformed(FORMAT, what),
    }
}

fn decode_pkcs1(der_bytes: &[u8]) -> Result<PublicKey> {
    let key = pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(der_bytes)
        .map_err(|e| der_error("the PKCS#1 RSAPublicKey", e))?;
    finish(rsa(&key))
}

fn rsa(key: &pkcs1::RsaPublicKey<UintRef<'_>>) -> PublicKeyData {
    PublicKeyData::Rsa {
        e: magnitude(key.public_exponent),
        n: magnitude(key.modulus),
    }
}

/// A DER INTEGER's value as the model keeps it: big-endian, no leading zeros.
fn magnitude(n: UintRef<'_>) -> Vec<u8> {
    let bytes = n.as_bytes();
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default().to_vec()
}

fn decode_spki(der_bytes: &[u8]) -> Result<PublicKey> {
    let spki = SubjectPublicKeyInfoRef::from_der(der_bytes)
        .map_err(|e| der_error("the SubjectPublicKeyInfo", e))?;
    let oid = spki.algorithm.oid;
    let params = spki.algorithm.parameters;
    let key = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| Error::malformed(FORMAT, "the public key BIT STRING is not whole bytes"))?;
    let data = match oid {
        RSA_ENCRYPTION => {
            if params.is_some_and(|p| !p.is_null()) {
                return Err(Error::malformed(
                    FORMAT,
                    "rsaEncryption parameters are not NULL",
                ));
            }
            let key = pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(key)
                .map_err(|e| der_error("the RSA public key", e))?;
            rsa(&key)
        }
        ID_DSA => dsa(params, key)?,
        ID_EC_PUBLIC_KEY => ec(params, key)?,
        ID_ED25519 | ID_ED448 => {
            if params.is_some() {
                return Err(Error::malformed(
                    FORMAT,
                    "EdDSA keys must have no algorithm parameters",
                ));
            }
            if oid == ID_ED25519 {
                PublicKeyData::Ed25519(key.try_into().map_err(|_| {
                    Error::malformed(FORMAT, "the Ed25519 public key is not 32 bytes")
                })?)
            } else {
                PublicKeyData::Ed448(key.try_into().map_err(|_| {
                    Error::malformed(FORMAT, "the Ed448 public key is not 57 bytes")
                })?)
            }
        }
        other => {
            let name = match other {
                RSASSA_PSS => "RSASSA-PSS (RSA restricted to PSS signatures)".to_owned(),
                ID_X25519 => "X25519 (a key-agreement key)".to_owned(),
                ID_X448 => "X448 (a key-agreement key)".to_owned(),
                _ => format!("with algorithm OID {other}"),
            };
            return Err(Error::new(ErrorKind::UnsupportedKeyType(name)));
        }
    };
    finish(data)
}

/// Checks the key (sizes, EC point on its curve) and gives it an empty comment.
fn finish(data: PublicKeyData) -> Result<PublicKey> {
    data.validate(FORMAT)?;
    PublicKey::new(data, String::new())
}

/// id-dsa: parameters `Dss-Parms ::= SEQUENCE { p, q, g }`, key `INTEGER y`.
fn dsa(params: Option<AnyRef<'_>>, key: &[u8]) -> Result<PublicKeyData> {
    let params = params.ok_or_else(|| {
        Error::new(ErrorKind::UnsupportedKeyType(
            "DSA without domain parameters (inherited from a certificate issuer)".into(),
        ))
    })?;
    let (p, q, g) = params
        .sequence(|r| {
            let p: UintRef<'_> = r.decode()?;
            let q: UintRef<'_> = r.decode()?;
            let g: UintRef<'_> = r.decode()?;
            Ok::<_, pkcs8::der::Error>((p, q, g))
        })
        .map_err(|e| der_error("the DSA parameters", e))?;
    let y = UintRef::from_der(key).map_err(|e| der_error("the DSA public key", e))?;
    Ok(PublicKeyData::Dsa {
        p: magnitude(p),
        q: magnitude(q),
        g: magnitude(g),
        y: magnitude(y),
    })
}

/// id-ecPublicKey with a named curve; compressed points are decompressed.
fn ec(params: Option<AnyRef<'_>>, point: &[u8]) -> Result<PublicKeyData> {
    let params = params.ok_or_else(|| Error::malformed(FORMAT, "the EC key names no curve"))?;
    let curve_id = match params.tag() {
        Tag::ObjectIdentifier => params
            .decode_as::<ObjectIdentifier>()
            .map_err(|e| der_error("the EC curve name", e))?,
        Tag::Sequence => {
            return Err(Error::new(ErrorKind::UnsupportedKeyType(
                "EC with explicit curve parameters (only the named curves P-256, P-384 and P-521 are supported)".into(),
            )));
        }
        _ => {
            return Err(Error::new(ErrorKind::UnsupportedKeyType(
                "EC without a named curve (only P-256, P-384 and P-521 are supported)".into(),
            )));
        }
    };
    let curve = EcCurve::ALL
        .into_iter()
        .find(|&c| curve_oid(c) == curve_id)
        .ok_or_else(|| {
            Error::new(ErrorKind::UnsupportedKeyType(format!(
                "EC on the curve {curve_id} (only P-256, P-384 and P-521 are supported)"
            )))
        })?;
    let point = match point.first() {
        Some(0x02 | 0x03) => decompress(curve, point)?,
        _ => point.to_vec(),
    };
    Ok(PublicKeyData::Ecdsa { curve, point })
}

fn decompress(curve: EcCurve, point: &[u8]) -> Result<Vec<u8>> {
    let uncompressed = match curve {
        EcCurve::P256 => p256::PublicKey::from_sec1_bytes(point).map(|k| k.to_sec1_bytes()),
        EcCurve::P384 => p384::PublicKey::from_sec1_bytes(point).map(|k| k.to_sec1_bytes()),
        EcCurve::P521 => p521::PublicKey::from_sec1_bytes(point).map(|k| k.to_sec1_bytes()),
    };
    uncompressed.map(Vec::from).map_err(|_| {
        Error::malformed(
            FORMAT,
            format!("the compressed EC point is not on {}", curve.ssh_name()),
        )
    })
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

/// The DER SubjectPublicKeyInfo of `data`.
pub(crate) fn to_der(data: &PublicKeyData) -> Result<Vec<u8>> {
    fn internal(e: pkcs8::der::Error) -> Error {
        Error::new(ErrorKind::InvalidRequest(format!(
            "cannot encode the key as DER: {e}"
        )))
    }
    fn uint(bytes: &[u8]) -> Result<UintRef<'_>> {
        UintRef::new(bytes).map_err(internal)
    }
    let (oid, parameters, key): (ObjectIdentifier, Option<Any>, Vec<u8>) = match data {
        PublicKeyData::Rsa { e, n } => {
            let key = pkcs1::RsaPublicKey {
                modulus: uint(n)?,
                public_exponent: uint(e)?,
            };
            (
                RSA_ENCRYPTION,
                Some(Any::null()),
                key.to_der().map_err(internal)?,
            )
        }
        PublicKeyData::Dsa { p, q, g, y } => {
            let params = Any::encode_from(&[uint(p)?, uint(q)?, uint(g)?]).map_err(internal)?;
            (ID_DSA, Some(params), uint(y)?.to_der().map_err(internal)?)
        }
        PublicKeyData::Ecdsa { curve, point } => {
            let params = Any::encode_from(&curve_oid(*curve)).map_err(internal)?;
            (ID_EC_PUBLIC_KEY, Some(params), point.clone())
        }
        PublicKeyData::Ed25519(k) => (ID_ED25519, None, k.to_vec()),
        PublicKeyData::Ed448(k) => (ID_ED448, None, k.to_vec()),
        PublicKeyData::Opaque(o) => {
            return Err(Error::new(ErrorKind::UnsupportedTarget {
                target: FORMAT,
                why: format!(
                    "{} is an OpenSSH certificate or security-key type, which has no PKCS form",
                    o.algorithm
                ),
                suggestion: "public or rfc4716".into(),
            }));
        }
    };
    let spki = SubjectPublicKeyInfo::<Any, BitString> {
        algorithm: AlgorithmIdentifier { oid, parameters },
        subject_public_key: BitString::from_bytes(&key).map_err(internal)?,
    };
    spki.to_der().map_err(internal)
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
}
