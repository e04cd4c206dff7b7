//! The DER key structures that PKCS#8, SubjectPublicKeyInfo and traditional PEM share: the key
//! `AlgorithmIdentifier` (one dispatch from OID to key type, RFC 3279, RFC 5480, RFC 8410), the
//! public keys it qualifies, PKCS#1 `RSAPrivateKey`/`RSAPublicKey` (RFC 8017 A.1) and SEC1
//! `ECPrivateKey` (RFC 5915, SEC 1 C.4), with the named curves of RFC 5480.
//!
//! ```text
//! AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }
//!   rsaEncryption   params NULL (or absent)  public key RSAPublicKey ::= SEQUENCE { n, e }
//!   id-dsa          params { p, q, g }       public key INTEGER y
//!   id-ecPublicKey  params ECParameters      public key SEC1 point (compressed is read)
//!   id-Ed25519/448  no params                public key 32/57 bytes
//! RSAPrivateKey ::= SEQUENCE { version 0, n, e, d, p, q, d mod (p-1), d mod (q-1), q⁻¹ mod p }
//! ECPrivateKey  ::= SEQUENCE { version 1, privateKey OCTET STRING,
//!                              [0] ECParameters OPTIONAL, [1] publicKey BIT STRING OPTIONAL }
//! ```

use zeroize::Zeroizing;

use crate::encoding::asn1::{self, Reader};
use crate::encoding::oid;
use crate::error::{Error, ErrorKind, Result};
use crate::format::Format;
use crate::key::{EcCurve, PrivateKey, PublicKey, PublicKeyData, SecretBytes, SecretKeyData};

/// The key type an `AlgorithmIdentifier` names, with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyAlgorithm {
    /// `rsaEncryption`.
    Rsa,
    /// `id-dsa` with its domain parameters.
    Dsa { p: Vec<u8>, q: Vec<u8>, g: Vec<u8> },
    /// `id-ecPublicKey` on a named curve (or explicit parameters that are exactly one).
    Ec(EcCurve),
    /// `id-Ed25519`.
    Ed25519,
    /// `id-Ed448`.
    Ed448,
}

/// Reads a key's `AlgorithmIdentifier` (PKCS#8's `privateKeyAlgorithm`, SPKI's `algorithm`):
/// the one dispatch from OID to key type. Key types keyconv has no model for are
/// [`ErrorKind::UnsupportedKeyType`] with the same words whichever format holds them.
pub(crate) fn read_key_algorithm(r: &mut Reader<'_>, what: &str) -> Result<KeyAlgorithm> {
    let mut alg = r.sequence(what)?;
    let algorithm = alg.oid(what)?;
    let unsupported = |name: &str| Err(Error::new(ErrorKind::UnsupportedKeyType(name.to_owned())));
    let key = match algorithm.as_str() {
        oid::RSA_ENCRYPTION => {
            // RFC 3279 says NULL; some writers leave the parameters out.
            if !alg.is_empty() {
                if alg.peek_tag() != Some(asn1::NULL) {
                    return Err(alg.error("rsaEncryption parameters are not NULL"));
                }
                alg.null("rsaEncryption parameters")?;
            }
            KeyAlgorithm::Rsa
        }
        oid::ID_DSA => {
            if alg.is_empty() {
                return unsupported(
                    "DSA without domain parameters (inherited from a certificate issuer)",
                );
            }
            let mut params = alg.sequence("DSA parameters")?;
            let p = params.uint("DSA p")?.to_vec();
            let q = params.uint("DSA q")?.to_vec();
            let g = params.uint("DSA g")?.to_vec();
            params.finish("DSA parameters")?;
            KeyAlgorithm::Dsa { p, q, g }
        }
        oid::ID_EC_PUBLIC_KEY => {
            if alg.is_empty() {
                return Err(alg.error("the EC key names no curve"));
            }
            KeyAlgorithm::Ec(read_ec_parameters(&mut alg, "EC curve")?)
        }
        oid::ID_ED25519 | oid::ID_ED448 => {
            if !alg.is_empty() {
                return Err(alg.error("EdDSA keys must have no algorithm parameters"));
            }
            if algorithm == oid::ID_ED25519 {
                KeyAlgorithm::Ed25519
            } else {
                KeyAlgorithm::Ed448
            }
        }
        oid::ID_X25519 => return unsupported("X25519 (a key-agreement key; SSH keys sign)"),
        oid::ID_X448 => return unsupported("X448 (a key-agreement key; SSH keys sign)"),
        oid::RSASSA_PSS => {
            return unsupported("RSASSA-PSS (an RSA key restricted to PSS signatures)");
        }
        other => return unsupported(&format!("with algorithm OID {other}")),
    };
    alg.finish(what)?;
    Ok(key)
}

/// The `AlgorithmIdentifier` of `data`, as openssl writes it (RSA with NULL parameters, EC with
/// a named curve); `None` for the SSH-only types (certificates, security keys).
pub(crate) fn encode_key_algorithm(data: &PublicKeyData) -> Option<Zeroizing<Vec<u8>>> {
    Some(match data {
        PublicKeyData::Rsa { .. } => {
            asn1::sequence(&[&asn1::oid(oid::RSA_ENCRYPTION), &asn1::null()])
        }
        PublicKeyData::Dsa { p, q, g, .. } => asn1::sequence(&[
            &asn1::oid(oid::ID_DSA),
            &asn1::sequence(&[&asn1::uint(p), &asn1::uint(q), &asn1::uint(g)]),
        ]),
        PublicKeyData::Ecdsa { curve, .. } => {
            asn1::sequence(&[&asn1::oid(oid::ID_EC_PUBLIC_KEY), &asn1::oid(curve.oid())])
        }
        PublicKeyData::Ed25519(_) => asn1::sequence(&[&asn1::oid(oid::ID_ED25519)]),
        PublicKeyData::Ed448(_) => asn1::sequence(&[&asn1::oid(oid::ID_ED448)]),
        PublicKeyData::Opaque(_) => return None,
    })
}

/// The public key of `algorithm` stored in `key` (the contents of SPKI's `subjectPublicKey` or
/// RFC 5958's `publicKey` BIT STRING). Compressed EC points are decompressed. Not yet
/// validated (sizes, point on the curve): the caller does that.
pub(crate) fn decode_public_key(
    algorithm: &KeyAlgorithm,
    key: &[u8],
    format: Format,
) -> Result<PublicKeyData> {
    Ok(match algorithm {
        KeyAlgorithm::Rsa => decode_rsa_public(key, format)?,
        KeyAlgorithm::Dsa { p, q, g } => {
            let mut r = Reader::new(key, format);
            let y = r.uint("DSA public key")?.to_vec();
            r.finish("DSA public key")?;
            PublicKeyData::Dsa {
                p: p.clone(),
                q: q.clone(),
                g: g.clone(),
                y,
            }
        }
        KeyAlgorithm::Ec(curve) => {
            let point = match key.first() {
                Some(0x02 | 0x03) => decompress(*curve, key, format)?,
                _ => key.to_vec(),
            };
            PublicKeyData::Ecdsa {
                curve: *curve,
                point,
            }
        }
        KeyAlgorithm::Ed25519 => PublicKeyData::Ed25519(
            key.try_into()
                .map_err(|_| Error::malformed(format, "the Ed25519 public key is not 32 bytes"))?,
        ),
        KeyAlgorithm::Ed448 => PublicKeyData::Ed448(
            key.try_into()
                .map_err(|_| Error::malformed(format, "the Ed448 public key is not 57 bytes"))?,
        ),
    })
}

/// The bytes of `data`'s public-key BIT STRING (RSA as PKCS#1 `RSAPublicKey`, DSA `INTEGER y`,
/// EC the uncompressed point, EdDSA the key); `None` for the SSH-only types.
pub(crate) fn encode_public_key(data: &PublicKeyData) -> Option<Vec<u8>> {
    Some(match data {
        PublicKeyData::Rsa { e, n } => asn1::sequence(&[&asn1::uint(n), &asn1::uint(e)]).to_vec(),
        PublicKeyData::Dsa { y, .. } => asn1::uint(y).to_vec(),
        PublicKeyData::Ecdsa { point, .. } => point.clone(),
        PublicKeyData::Ed25519(k) => k.to_vec(),
        PublicKeyData::Ed448(k) => k.to_vec(),
        PublicKeyData::Opaque(_) => return None,
    })
}

/// A PKCS#1 `RSAPublicKey ::= SEQUENCE { n, e }` that fills `der`.
pub(crate) fn decode_rsa_public(der: &[u8], format: Format) -> Result<PublicKeyData> {
    let mut outer = Reader::new(der, format);
    let mut r = outer.sequence("RSA public key")?;
    outer.finish("RSA public key")?;
    let n = r.uint("RSA modulus")?.to_vec();
    let e = r.uint("RSA public exponent")?.to_vec();
    r.finish("RSA public key")?;
    Ok(PublicKeyData::Rsa { e, n })
}

/// The uncompressed form of a compressed SEC1 point.
fn decompress(curve: EcCurve, point: &[u8], format: Format) -> Result<Vec<u8>> {
    let uncompressed = match curve {
        EcCurve::P256 => p256::PublicKey::from_sec1_bytes(point).map(|k| k.to_sec1_bytes()),
        EcCurve::P384 => p384::PublicKey::from_sec1_bytes(point).map(|k| k.to_sec1_bytes()),
        EcCurve::P521 => p521::PublicKey::from_sec1_bytes(point).map(|k| k.to_sec1_bytes()),
    };
    uncompressed.map(Vec::from).map_err(|_| {
        Error::malformed(
            format,
            format!("the compressed EC point is not on {}", curve.ssh_name()),
        )
    })
}

/// The named curve with this OID, or an error naming the curve keyconv does not support.
pub(crate) fn curve_from_oid(oid: &str) -> Result<EcCurve> {
    if let Some(curve) = EcCurve::ALL.into_iter().find(|c| c.oid() == oid) {
        return Ok(curve);
    }
    let name = match oid {
        oid::SECP256K1 => "secp256k1".to_owned(),
        oid::PRIME192V1 => "P-192 (prime192v1)".to_owned(),
        oid::SECP224R1 => "P-224 (secp224r1)".to_owned(),
        o if o.starts_with(oid::BRAINPOOL_ARC) => format!("brainpool ({o})"),
        o => format!("with OID {o}"),
    };
    Err(Error::new(ErrorKind::UnsupportedKeyType(format!(
        "EC curve {name} (keyconv supports P-256, P-384 and P-521)"
    ))))
}

/// The domain parameters of the named curves, as hex: prime p, a, b, the base point G
/// (uncompressed), the order n (SEC 2 §2.4, 2.5, 2.6; FIPS 186-4 D.1.2).
const EXPLICIT_CURVES: [(EcCurve, [&str; 5]); 3] = [
    (
        EcCurve::P256,
        [
            "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
            "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc",
            "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
            "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
            "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
        ],
    ),
    (
        EcCurve::P384,
        [
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc",
            "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
            "04aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab73617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
            "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
        ],
    ),
    (
        EcCurve::P521,
        [
            "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc",
            "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
            "0400c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650",
            "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
        ],
    ),
];

/// The named curve whose parameters an explicit `SpecifiedECDomain` (SEC 1 §C.2: version 1,
/// prime field, a, b, optional seed, base point, order, optional cofactor) are exactly, as
/// `openssl ecparam -param_enc explicit` writes them; `None` for any other curve or structure.
fn named_curve_of_explicit(domain: &mut Reader<'_>) -> Option<EcCurve> {
    // Numbers compare as hex without leading zero digits (a, b may be padded to the field size).
    let strip = |b: &[u8]| hex::encode(b).trim_start_matches('0').to_owned();
    if domain.small_uint("version").ok()? != 1 {
        return None;
    }
    let mut field = domain.sequence("fieldID").ok()?;
    if field.oid("field type").ok()? != oid::PRIME_FIELD {
        return None;
    }
    let p = strip(field.uint("prime").ok()?);
    field.finish("fieldID").ok()?;
    let mut curve = domain.sequence("curve").ok()?;
    let a = strip(curve.octet_string("a").ok()?);
    let b = strip(curve.octet_string("b").ok()?);
    let base = hex::encode(domain.octet_string("base point").ok()?);
    let n = strip(domain.uint("order").ok()?);
    if !domain.is_empty() && domain.small_uint("cofactor").ok()? != 1 {
        return None;
    }
    domain.finish("ECParameters").ok()?;
    EXPLICIT_CURVES
        .into_iter()
        .find_map(|(named, [np, na, nb, ng, nn])| {
            let trimmed = |h: &str| h.trim_start_matches('0').to_owned();
            // The base point may also be compressed: 02/03 by the parity of y, then x.
            let x_len = (ng.len() - 2) / 2;
            let x = ng.get(2..2 + x_len)?;
            let y_odd = ng
                .get(ng.len() - 1..)
                .and_then(|d| u8::from_str_radix(d, 16).ok())?
                & 1
                == 1;
            let compressed = format!("{}{x}", if y_odd { "03" } else { "02" });
            let same = p == trimmed(np)
                && a == trimmed(na)
                && b == trimmed(nb)
                && n == trimmed(nn)
                && (base == ng || base == compressed);
            same.then_some(named)
        })
}

/// Reads the curve of an `ECParameters` (RFC 5480 §2.1.1): a named curve, or explicit
/// parameters that are exactly those of a named curve.
pub(crate) fn read_ec_parameters(r: &mut Reader<'_>, what: &str) -> Result<EcCurve> {
    match r.peek_tag() {
        Some(asn1::OID) => curve_from_oid(&r.oid(what)?),
        Some(asn1::SEQUENCE) => {
            let mut domain = r.sequence(what)?;
            named_curve_of_explicit(&mut domain).ok_or_else(|| {
                Error::new(ErrorKind::UnsupportedKeyType(
                    "EC key with explicit curve parameters that are not those of P-256, P-384 \
                     or P-521"
                        .into(),
                ))
            })
        }
        Some(asn1::NULL) => Err(Error::new(ErrorKind::UnsupportedKeyType(
            "EC key with implicit curve parameters".into(),
        ))),
        _ => Err(r.error(format!("{what} is not a named curve"))),
    }
}

/// Decodes a PKCS#1 `RSAPrivateKey` that fills `der`, checking its halves agree.
///
/// The CRT exponents `d mod (p-1)` and `d mod (q-1)` are read but not kept: keyconv recomputes
/// them on output, so a file with wrong ones converts to a correct key.
pub(crate) fn decode_rsa(der: &[u8], format: Format) -> Result<PrivateKey> {
    let mut outer = Reader::new(der, format);
    let mut r = outer.sequence("RSAPrivateKey")?;
    outer.finish("RSAPrivateKey")?;
    match r.small_uint("RSAPrivateKey version")? {
        0 => {}
        1 => {
            return Err(Error::new(ErrorKind::UnsupportedKeyType(
                "multi-prime RSA".into(),
            )));
        }
        v => return Err(r.error(format!("RSAPrivateKey version {v} is unknown"))),
    }
    let n = r.uint("RSA modulus")?.to_vec();
    let e = r.uint("RSA public exponent")?.to_vec();
    let d = SecretBytes::new(r.uint("RSA private exponent")?);
    let p = SecretBytes::new(r.uint("RSA prime p")?);
    let q = SecretBytes::new(r.uint("RSA prime q")?);
    r.uint("RSA exponent d mod (p-1)")?;
    r.uint("RSA exponent d mod (q-1)")?;
    let iqmp = SecretBytes::new(r.uint("RSA coefficient")?);
    r.finish("RSAPrivateKey")?;
    let data = PublicKeyData::Rsa { e, n };
    data.validate(format)?;
    PrivateKey::new(
        PublicKey::new(data, "")?,
        SecretKeyData::Rsa { d, p, q, iqmp },
    )
}

/// Encodes an RSA key as PKCS#1 `RSAPrivateKey`.
pub(crate) fn encode_rsa(key: &PrivateKey) -> Result<Zeroizing<Vec<u8>>> {
    let (PublicKeyData::Rsa { e, n }, SecretKeyData::Rsa { d, p, q, iqmp }) =
        (key.public_key().data(), key.secret())
    else {
        return Err(not_this_type("an RSA"));
    };
    let Some((dp, dq)) = key.rsa_crt_exponents() else {
        return Err(Error::new(ErrorKind::InconsistentKey(
            "RSA primes are unusable".into(),
        )));
    };
    Ok(asn1::sequence(&[
        &asn1::small_uint(0),
        &asn1::uint(n),
        &asn1::uint(e),
        &asn1::uint(d.as_bytes()),
        &asn1::uint(p.as_bytes()),
        &asn1::uint(q.as_bytes()),
        &asn1::uint(dp.as_bytes()),
        &asn1::uint(dq.as_bytes()),
        &asn1::uint(iqmp.as_bytes()),
    ]))
}

/// Decodes a SEC1 `ECPrivateKey` that fills `der`. `outer_curve` is the curve named outside it
/// (PKCS#8's AlgorithmIdentifier); without one, the structure must name it. The public key is
/// derived from the scalar, and checked against the stored one when there is one (compressed or
/// not).
pub(crate) fn decode_ec(
    der: &[u8],
    outer_curve: Option<EcCurve>,
    format: Format,
) -> Result<PrivateKey> {
    let mut outer = Reader::new(der, format);
    let mut r = outer.sequence("ECPrivateKey")?;
    outer.finish("ECPrivateKey")?;
    let version = r.small_uint("ECPrivateKey version")?;
    if version != 1 {
        return Err(r.error(format!("ECPrivateKey version {version} is not 1")));
    }
    let d = SecretBytes::new(r.octet_string("EC private key")?);
    let inner_curve = match r.optional(asn1::context(0), "EC parameters")? {
        Some(mut params) => {
            let curve = read_ec_parameters(&mut params, "EC parameters")?;
            params.finish("EC parameters")?;
            Some(curve)
        }
        None => None,
    };
    let stored_point = match r.optional(asn1::context(1), "EC public key")? {
        Some(mut public) => {
            let point = public.bit_string("EC public key")?;
            public.finish("EC public key")?;
            Some(point)
        }
        None => None,
    };
    r.finish("ECPrivateKey")?;
    let curve = match (outer_curve, inner_curve) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::malformed(
                format,
                "the curve inside ECPrivateKey differs from the key's algorithm parameters",
            ));
        }
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => {
            return Err(Error::malformed(format, "EC private key names no curve"));
        }
    };
    if d.as_bytes().iter().skip_while(|&&b| b == 0).count() > curve.scalar_len() {
        return Err(Error::malformed(
            format,
            format!(
                "EC private key is longer than a {} scalar",
                curve.ssh_name()
            ),
        ));
    }
    let key = PrivateKey::from_secret(SecretKeyData::Ecdsa { d }, Some(curve), "")?;
    if let Some(stored) = stored_point {
        let PublicKeyData::Ecdsa { point, .. } = key.public_key().data() else {
            return Err(not_this_type("an ECDSA"));
        };
        if !same_ec_point(point, stored) {
            return Err(Error::new(ErrorKind::InconsistentKey(
                "the EC public key stored with the private key is not d·G".into(),
            )));
        }
    }
    Ok(key)
}

/// Whether `stored` (uncompressed `04‖x‖y`, or compressed `02/03‖x`) is the uncompressed `point`.
pub(crate) fn same_ec_point(point: &[u8], stored: &[u8]) -> bool {
    match stored.split_first() {
        Some((&4, _)) => point == stored,
        Some((&tag @ (2 | 3), x)) => {
            let Some((_, xy)) = point.split_first() else {
                return false;
            };
            let (px, py) = xy.split_at(xy.len() / 2);
            let odd = py.last().is_some_and(|b| b & 1 == 1);
            px == x && (tag == 3) == odd
        }
        _ => false,
    }
}

/// Encodes an ECDSA key as SEC1 `ECPrivateKey` with its public key, and the curve when
/// `with_curve` (traditional PEM; PKCS#8 names it outside, and openssl then leaves it out).
pub(crate) fn encode_ec(key: &PrivateKey, with_curve: bool) -> Result<Zeroizing<Vec<u8>>> {
    let (PublicKeyData::Ecdsa { curve, point }, SecretKeyData::Ecdsa { d }) =
        (key.public_key().data(), key.secret())
    else {
        return Err(not_this_type("an ECDSA"));
    };
    let curve_part = if with_curve {
        asn1::constructed(asn1::context(0), &[&asn1::oid(curve.oid())])
    } else {
        Zeroizing::new(Vec::new())
    };
    Ok(asn1::sequence(&[
        &asn1::small_uint(1),
        &asn1::octet_string(d.as_bytes()),
        &curve_part,
        &asn1::constructed(asn1::context(1), &[&asn1::bit_string(point)]),
    ]))
}

fn not_this_type(what: &str) -> Error {
    Error::new(ErrorKind::InvalidRequest(format!(
        "the key is not {what} key"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec_points_compare_compressed_and_not() {
        let point = [4, 1, 2, 3, 4, 5, 7];
        assert!(same_ec_point(&point, &point));
        assert!(same_ec_point(&point, &[3, 1, 2, 3]));
        assert!(!same_ec_point(&point, &[2, 1, 2, 3]));
        assert!(!same_ec_point(&point, &[3, 1, 2, 4]));
        assert!(!same_ec_point(&point, &[]));
    }

    #[test]
    fn ec_keys_round_trip_with_and_without_the_curve() {
        let mut d = vec![0u8; 32];
        d[31] = 7;
        let key = PrivateKey::from_secret(
            SecretKeyData::Ecdsa {
                d: SecretBytes::new(d),
            },
            Some(EcCurve::P256),
            "",
        )
        .unwrap();
        let with = encode_ec(&key, true).unwrap();
        assert_eq!(decode_ec(&with, None, Format::Pem).unwrap(), key);
        let without = encode_ec(&key, false).unwrap();
        assert!(decode_ec(&without, None, Format::Pem).is_err());
        assert_eq!(
            decode_ec(&without, Some(EcCurve::P256), Format::Pkcs8).unwrap(),
            key
        );
        let e = decode_ec(&with, Some(EcCurve::P384), Format::Pkcs8).unwrap_err();
        assert!(e.to_string().contains("differs"), "{e}");
    }

    #[test]
    fn unknown_curves_are_named() {
        let e = curve_from_oid(oid::SECP256K1).unwrap_err();
        assert!(e.to_string().contains("secp256k1"), "{e}");
    }
}
