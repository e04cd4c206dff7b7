//! Checks that keys are usable and that private halves belong to their public halves.

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, ConcatenatingMul, NonZero, Odd, Resize};

use super::{
    EcCurve, MAX_DSA_BITS, MAX_RSA_BITS, PublicKeyData, SecretBytes, SecretKeyData, bit_length,
};
use crate::error::{Error, ErrorKind, Result};
use crate::format_name::Format;

fn inconsistent(what: &str) -> Error {
    Error::new(ErrorKind::InconsistentKey(what.to_owned()))
}

fn uint(bytes: &[u8]) -> BoxedUint {
    BoxedUint::from_be_slice_vartime(bytes)
}

fn same_number(a: &BoxedUint, b: &BoxedUint) -> bool {
    a.to_be_bytes_trimmed_vartime() == b.to_be_bytes_trimmed_vartime()
}

fn is_one(a: &BoxedUint) -> bool {
    a.to_be_bytes_trimmed_vartime().as_ref() == [1]
}

/// Sizes within limits, EC points on their curve.
pub(super) fn public(data: &PublicKeyData, format: Format) -> Result<()> {
    match data {
        PublicKeyData::Rsa { e, n } => {
            let bits = bit_length(n) as usize;
            if bits > MAX_RSA_BITS {
                return Err(Error::new(ErrorKind::UnsupportedKeyType(format!(
                    "RSA with a {bits}-bit modulus (at most {MAX_RSA_BITS})"
                ))));
            }
            if bits < 512 || n.last().is_none_or(|b| b & 1 == 0) {
                return Err(Error::malformed(
                    format,
                    "RSA modulus is not a usable odd number of at least 512 bits",
                ));
            }
            if bit_length(e) < 2 || bit_length(e) as usize > bits {
                return Err(Error::malformed(
                    format,
                    "RSA public exponent is out of range",
                ));
            }
        }
        PublicKeyData::Dsa { p, q, g, y } => {
            let bits = bit_length(p) as usize;
            if bits > MAX_DSA_BITS {
                return Err(Error::new(ErrorKind::UnsupportedKeyType(format!(
                    "DSA with a {bits}-bit prime (at most {MAX_DSA_BITS})"
                ))));
            }
            if bits < 512 || bit_length(q) < 160 || bit_length(q) as usize >= bits {
                return Err(Error::malformed(
                    format,
                    "DSA parameters have impossible sizes",
                ));
            }
            if bit_length(g) as usize > bits || bit_length(y) as usize > bits || bit_length(g) < 2 {
                return Err(Error::malformed(format, "DSA g or y is out of range"));
            }
        }
        PublicKeyData::Ecdsa { curve, point } => {
            let ok = point.len() == curve.point_len()
                && point.first() == Some(&4)
                && match curve {
                    EcCurve::P256 => p256::PublicKey::from_sec1_bytes(point).is_ok(),
                    EcCurve::P384 => p384::PublicKey::from_sec1_bytes(point).is_ok(),
                    EcCurve::P521 => p521::PublicKey::from_sec1_bytes(point).is_ok(),
                };
            if !ok {
                return Err(Error::malformed(
                    format,
                    format!(
                        "EC point is not an uncompressed point on {}",
                        curve.ssh_name()
                    ),
                ));
            }
        }
        PublicKeyData::Ed25519(_) | PublicKeyData::Ed448(_) | PublicKeyData::Opaque(_) => {}
    }
    Ok(())
}

/// Checks `secret` belongs to `public`; returns it normalized (EC scalars padded to their length).
pub(super) fn private(public: &PublicKeyData, secret: SecretKeyData) -> Result<SecretKeyData> {
    match (public, &secret) {
        (PublicKeyData::Rsa { e, n }, SecretKeyData::Rsa { d, p, q, iqmp }) => {
            check_rsa(e, n, d, p, q, iqmp)?;
            Ok(SecretKeyData::Rsa {
                d: trimmed(d),
                p: trimmed(p),
                q: trimmed(q),
                iqmp: trimmed(iqmp),
            })
        }
        (PublicKeyData::Dsa { p, q, g, y }, SecretKeyData::Dsa { x }) => {
            check_dsa(p, q, g, y, x.as_bytes())?;
            Ok(SecretKeyData::Dsa { x: trimmed(x) })
        }
        (PublicKeyData::Ecdsa { curve, point }, SecretKeyData::Ecdsa { d }) => {
            let d = ec_scalar(*curve, d.as_bytes())?;
            if &ec_public(*curve, d.as_bytes())? != point {
                return Err(inconsistent("the EC public point is not d·G"));
            }
            Ok(SecretKeyData::Ecdsa { d })
        }
        (PublicKeyData::Ed25519(pk), SecretKeyData::Ed25519(seed)) => {
            if &ed25519_public(seed.as_bytes())? != pk {
                return Err(inconsistent(
                    "the Ed25519 public key is not derived from the seed",
                ));
            }
            Ok(secret)
        }
        (PublicKeyData::Ed448(pk), SecretKeyData::Ed448(seed)) => {
            if &ed448_public(seed.as_bytes())? != pk {
                return Err(inconsistent(
                    "the Ed448 public key is not derived from the seed",
                ));
            }
            Ok(secret)
        }
        _ => Err(inconsistent(
            "the public and private halves are of different key types",
        )),
    }
}

/// The integer without leading zero bytes, so that every format yields the same secret.
fn trimmed(v: &SecretBytes) -> SecretBytes {
    let b = v.as_bytes();
    SecretBytes::new(
        b.get(b.iter().position(|&x| x != 0).unwrap_or(b.len())..)
            .unwrap_or_default(),
    )
}

/// The public half of an EC or EdDSA secret (RSA and DSA secrets do not determine it).
/// The public half of an EC or EdDSA secret, and the secret normalized (EC scalars padded to
/// their length). The two agree by construction: [`private`] need not check them again.
pub(super) fn derive_public(
    secret: SecretKeyData,
    curve: Option<EcCurve>,
) -> Result<(PublicKeyData, SecretKeyData)> {
    match (&secret, curve) {
        (SecretKeyData::Ecdsa { d }, Some(curve)) => {
            let d = ec_scalar(curve, d.as_bytes())?;
            let point = ec_public(curve, d.as_bytes())?;
            Ok((
                PublicKeyData::Ecdsa { curve, point },
                SecretKeyData::Ecdsa { d },
            ))
        }
        (SecretKeyData::Ed25519(seed), _) => Ok((
            PublicKeyData::Ed25519(ed25519_public(seed.as_bytes())?),
            secret,
        )),
        (SecretKeyData::Ed448(seed), _) => {
            Ok((PublicKeyData::Ed448(ed448_public(seed.as_bytes())?), secret))
        }
        _ => Err(Error::new(ErrorKind::InvalidRequest(
            "the public key cannot be derived from this private key alone".into(),
        ))),
    }
}

fn check_rsa(
    e: &[u8],
    n: &[u8],
    d: &SecretBytes,
    p: &SecretBytes,
    q: &SecretBytes,
    iqmp: &SecretBytes,
) -> Result<()> {
    let n_bits = bit_length(n);
    for (name, v) in [("d", d), ("p", p), ("q", q), ("iqmp", iqmp)] {
        if bit_length(v.as_bytes()) > n_bits {
            return Err(inconsistent(&format!(
                "RSA {name} is larger than the modulus"
            )));
        }
    }
    let (n, e) = (uint(n), uint(e));
    let (d, p, q, iqmp) = (
        uint(d.as_bytes()),
        uint(p.as_bytes()),
        uint(q.as_bytes()),
        uint(iqmp.as_bytes()),
    );
    let one = BoxedUint::one();
    if p <= one || q <= one {
        return Err(inconsistent("RSA prime is 0 or 1"));
    }
    if !same_number(&p.concatenating_mul(&q), &n) {
        return Err(inconsistent("RSA n is not p·q"));
    }
    let de = d.concatenating_mul(&e);
    for prime in [&p, &q] {
        let Some(m) = NonZero::new(prime.wrapping_sub(&one)).into_option() else {
            return Err(inconsistent("RSA prime is 1"));
        };
        if !is_one(&de.rem_vartime(&m)) {
            return Err(inconsistent("RSA d is not the inverse of e"));
        }
    }
    let Some(p_nz) = NonZero::new(p.clone()).into_option() else {
        return Err(inconsistent("RSA p is 0"));
    };
    if !is_one(&iqmp.concatenating_mul(&q).rem_vartime(&p_nz)) {
        return Err(inconsistent("RSA iqmp is not q⁻¹ mod p"));
    }
    Ok(())
}

/// `d mod (p-1)` and `d mod (q-1)`.
pub(super) fn rsa_crt_exponents(
    d: &SecretBytes,
    p: &SecretBytes,
    q: &SecretBytes,
) -> Option<(SecretBytes, SecretBytes)> {
    let d = uint(d.as_bytes());
    let one = BoxedUint::one();
    let reduce = |prime: &SecretBytes| -> Option<SecretBytes> {
        let m = NonZero::new(uint(prime.as_bytes()).wrapping_sub(&one)).into_option()?;
        Some(SecretBytes::new(
            d.rem_vartime(&m).to_be_bytes_trimmed_vartime().to_vec(),
        ))
    };
    Some((reduce(p)?, reduce(q)?))
}

/// `iqmp = q⁻¹ mod p`, for formats that do not store it.
pub(crate) fn rsa_iqmp(p: &[u8], q: &[u8]) -> Option<SecretBytes> {
    let p = uint(p);
    let q = uint(q);
    let bits = p.bits_precision().max(q.bits_precision());
    let p = p.try_resize(bits)?;
    let q = q.try_resize(bits)?;
    let p = NonZero::new(p).into_option()?;
    let inv = q.invert_mod(&p).into_option()?;
    Some(SecretBytes::new(inv.to_be_bytes_trimmed_vartime().to_vec()))
}

/// `y = gˣ mod p` for `x` in `1..q`: the one place keyconv computes a DSA public value (reading
/// a key that stores only `x`, and checking one that stores `y` too). Call [`public`] on the
/// domain parameters first: it bounds `p`, so the exponentiation is bounded.
fn dsa_public_value(p: &[u8], q: &[u8], g: &[u8], x: &[u8]) -> Result<BoxedUint> {
    let (q, x) = (uint(q), uint(x));
    if bool::from(x.is_zero()) || x >= q {
        return Err(inconsistent("DSA x is not in 1..q"));
    }
    let Some(p) = Odd::new(uint(p)).into_option() else {
        return Err(inconsistent("DSA p is even"));
    };
    let params = BoxedMontyParams::new_vartime(p.clone());
    let Some(g) = uint(g)
        .try_resize(p.bits_precision())
        .filter(|g| g < p.as_ref())
    else {
        return Err(inconsistent("DSA g is not below p"));
    };
    Ok(BoxedMontyForm::new(g, &params).pow(&x).retrieve())
}

fn check_dsa(p: &[u8], q: &[u8], g: &[u8], y: &[u8], x: &[u8]) -> Result<()> {
    if !same_number(&dsa_public_value(p, q, g, x)?, &uint(y)) {
        return Err(inconsistent("DSA y is not gˣ mod p"));
    }
    Ok(())
}

/// A DSA key from its domain parameters and `x` alone (PKCS#8 stores no `y`): the public half
/// with `y = gˣ mod p`, and the secret normalized. They agree by construction.
pub(super) fn derive_dsa(
    p: Vec<u8>,
    q: Vec<u8>,
    g: Vec<u8>,
    x: &SecretBytes,
    format: Format,
) -> Result<(PublicKeyData, SecretKeyData)> {
    // Sizes first (bounds p to MAX_DSA_BITS), with a stand-in y.
    public(
        &PublicKeyData::Dsa {
            p: p.clone(),
            q: q.clone(),
            g: g.clone(),
            y: vec![2],
        },
        format,
    )?;
    let y = dsa_public_value(&p, &q, &g, x.as_bytes())?
        .to_be_bytes_trimmed_vartime()
        .to_vec();
    let data = PublicKeyData::Dsa { p, q, g, y };
    public(&data, format)?;
    Ok((data, SecretKeyData::Dsa { x: trimmed(x) }))
}

/// The scalar, left-padded to the curve's length.
fn ec_scalar(curve: EcCurve, d: &[u8]) -> Result<SecretBytes> {
    let len = curve.scalar_len();
    let trimmed = d
        .get(d.iter().position(|&b| b != 0).unwrap_or(d.len())..)
        .unwrap_or_default();
    if trimmed.len() > len {
        return Err(inconsistent(
            "EC private scalar is longer than the curve order",
        ));
    }
    let mut padded = vec![0u8; len - trimmed.len()];
    padded.extend_from_slice(trimmed);
    Ok(SecretBytes::new(padded))
}

fn ec_public(curve: EcCurve, d: &[u8]) -> Result<Vec<u8>> {
    let bad = || inconsistent("EC private scalar is zero or not below the curve order");
    Ok(match curve {
        EcCurve::P256 => {
            let sk = p256::SecretKey::from_slice(d).map_err(|_| bad())?;
            sk.public_key().to_sec1_bytes().to_vec()
        }
        EcCurve::P384 => {
            let sk = p384::SecretKey::from_slice(d).map_err(|_| bad())?;
            sk.public_key().to_sec1_bytes().to_vec()
        }
        EcCurve::P521 => {
            let sk = p521::SecretKey::from_slice(d).map_err(|_| bad())?;
            sk.public_key().to_sec1_bytes().to_vec()
        }
    })
}

fn ed25519_public(seed: &[u8]) -> Result<[u8; 32]> {
    let seed: [u8; 32] = seed
        .try_into()
        .map_err(|_| inconsistent("Ed25519 seed is not 32 bytes"))?;
    Ok(ed25519_dalek::SigningKey::from_bytes(&seed)
        .verifying_key()
        .to_bytes())
}

fn ed448_public(seed: &[u8]) -> Result<[u8; 57]> {
    let seed: [u8; 57] = seed
        .try_into()
        .map_err(|_| inconsistent("Ed448 seed is not 57 bytes"))?;
    let sk = ed448_goldilocks::SigningKey::from(ed448_goldilocks::SecretKey::from(seed));
    Ok(sk.verifying_key().to_bytes())
}
