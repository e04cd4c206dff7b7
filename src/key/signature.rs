//! Verifying the CA's signature over an OpenSSH certificate, as OpenSSH's `cert_parse`
//! (sshkey.c) does through `sshkey_verify`: the signature blob is `string algorithm, string
//! signature data` (RFC 4253 §6.6, RFC 5656 §3.1.2, RFC 8332, RFC 8709), over the certificate
//! blob up to the signature field.
//!
//! Only verification: no secret is involved (RUSTSEC-2023-0071, the RSA decryption timing
//! issue, does not apply). The work is bounded by the key model's limits: an RSA modulus of at
//! most [`MAX_RSA_BITS`] with an exponent of at most 2^33 − 1 (the `rsa` crate's bound), a DSA
//! prime of at most [`MAX_DSA_BITS`] with a subgroup of 160, 224 or 256 bits (OpenSSL's), fixed
//! curves.

use crypto_bigint::{BoxedUint, Resize};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::{EcCurve, MAX_RSA_BITS, PublicKeyData, bit_length};
use crate::encoding::wire::Reader;
use crate::error::{Error, ErrorKind, Result};

/// The smallest RSA CA modulus OpenSSH verifies a signature with (`SSH_RSA_MINIMUM_MODULUS_SIZE`).
pub const MIN_RSA_VERIFY_BITS: usize = 1024;

/// Reads the rest of the signature blob `s` (its algorithm, `algorithm`, already read and checked
/// to fit `ca`) and verifies it over `signed`: `Ok(false)` when it does not verify, an error when
/// the blob is malformed or the CA key is one keyconv cannot verify with.
pub(crate) fn verify(
    ca: &PublicKeyData,
    algorithm: &str,
    s: &mut Reader<'_>,
    signed: &[u8],
) -> Result<bool> {
    let unsupported = |why: String| {
        Error::new(ErrorKind::UnsupportedKeyType(format!(
            "{why} as a certificate's signing CA"
        )))
    };
    match ca {
        PublicKeyData::Ed25519(k) => {
            let sig = s.string("signature bytes")?;
            s.finish("signature")?;
            let Ok(sig) = <[u8; 64]>::try_from(sig) else {
                return Ok(false);
            };
            let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(k) else {
                return Ok(false);
            };
            // OpenSSH verifies with ref10's crypto_sign_ed25519_open: cofactorless, R compared
            // as encoded; dalek's `verify` is that check (plus s < L, which ssh-keygen's
            // signatures satisfy).
            use ed25519_dalek::Verifier;
            Ok(key
                .verify(signed, &ed25519_dalek::Signature::from_bytes(&sig))
                .is_ok())
        }
        PublicKeyData::Ecdsa { curve, point } => {
            let inner = s.string("signature bytes")?;
            s.finish("signature")?;
            let mut i = s.nested(inner);
            let r = i.mpint("ECDSA signature r")?;
            let sv = i.mpint("ECDSA signature s")?;
            i.finish("ECDSA signature")?;
            Ok(verify_ecdsa(*curve, point, r, sv, signed))
        }
        PublicKeyData::Rsa { e, n } => {
            let sig = s.string("signature bytes")?;
            s.finish("signature")?;
            let bits = bit_length(n) as usize;
            if bits < MIN_RSA_VERIFY_BITS {
                return Err(unsupported(format!(
                    "RSA of {bits} bits (OpenSSH verifies with {MIN_RSA_VERIFY_BITS} bits and more)"
                )));
            }
            // OpenSSH refuses a signature longer than the modulus and left-pads a shorter one.
            if sig.len() > n.len() {
                return Ok(false);
            }
            let mut padded = vec![0u8; n.len() - sig.len()];
            padded.extend_from_slice(sig);
            let key = rsa::RsaPublicKey::new_with_max_size(
                BoxedUint::from_be_slice_vartime(n),
                BoxedUint::from_be_slice_vartime(e),
                MAX_RSA_BITS,
            )
            .map_err(|_| {
                unsupported(format!(
                    "RSA with an exponent above {}",
                    rsa::RsaPublicKey::MAX_PUB_EXPONENT
                ))
            })?;
            use rsa::pkcs1v15::Pkcs1v15Sign;
            let ok = match algorithm {
                "rsa-sha2-256" => key.verify(
                    Pkcs1v15Sign::new::<Sha256>(),
                    &Sha256::digest(signed),
                    &padded,
                ),
                "rsa-sha2-512" => key.verify(
                    Pkcs1v15Sign::new::<Sha512>(),
                    &Sha512::digest(signed),
                    &padded,
                ),
                _ => key.verify(Pkcs1v15Sign::new::<Sha1>(), &Sha1::digest(signed), &padded),
            };
            Ok(ok.is_ok())
        }
        PublicKeyData::Dsa { p, q, g, y } => {
            let sig = s.string("signature bytes")?;
            s.finish("signature")?;
            let q_bits = bit_length(q);
            if ![160, 224, 256].contains(&q_bits) {
                return Err(unsupported(format!(
                    "DSA with a {q_bits}-bit subgroup (160, 224 or 256 bits)"
                )));
            }
            // ssh-dss: r and s of 160 bits each (DSA over SHA-1).
            let Some((r, s)) = sig.split_first_chunk::<20>().filter(|(_, s)| s.len() == 20) else {
                return Ok(false);
            };
            Ok(verify_dsa(p, q, g, y, r, s, &Sha1::digest(signed)))
        }
        PublicKeyData::Ed448(_) => Err(unsupported("ssh-ed448".to_owned())),
        PublicKeyData::Opaque(o) => match verify_security_key(&o.blob, s, signed)? {
            Some(ok) => Ok(ok),
            None => Err(unsupported(o.algorithm.clone())),
        },
    }
}

/// A security-key CA (PROTOCOL.u2f): the signature is followed by `byte flags, uint32 counter`
/// and covers `SHA256(application) || flags || counter || SHA256(signed)` (Ed25519 signs that
/// text, ECDSA its SHA-256), as OpenSSH's ssh_ed25519_sk_verify / ssh_ecdsa_sk_verify. `None`
/// for another key type. (cert_parse asks for no user presence: flags are not judged.)
fn verify_security_key(key_blob: &[u8], s: &mut Reader<'_>, signed: &[u8]) -> Result<Option<bool>> {
    let mut k = Reader::new(key_blob, crate::format_name::Format::Public);
    let algorithm = k.str("security key algorithm")?;
    let ed25519 = match algorithm {
        "sk-ssh-ed25519@openssh.com" => true,
        "sk-ecdsa-sha2-nistp256@openssh.com" => false,
        _ => return Ok(None),
    };
    let point = if ed25519 {
        k.string("Ed25519 public key")?
    } else {
        k.str("curve name")?;
        k.string("EC point")?
    };
    let application = k.string("security key application")?;
    let sig = s.string("signature bytes")?;
    let flags = s.bytes(1, "security key flags")?;
    let counter = s.bytes(4, "security key counter")?;
    s.finish("signature")?;
    let mut message = Sha256::digest(application).to_vec();
    message.extend_from_slice(flags);
    message.extend_from_slice(counter);
    message.extend_from_slice(&Sha256::digest(signed));
    if ed25519 {
        let (Ok(sig), Ok(pk)) = (<[u8; 64]>::try_from(sig), <[u8; 32]>::try_from(point)) else {
            return Ok(Some(false));
        };
        let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&pk) else {
            return Ok(Some(false));
        };
        use ed25519_dalek::Verifier;
        return Ok(Some(
            key.verify(&message, &ed25519_dalek::Signature::from_bytes(&sig))
                .is_ok(),
        ));
    }
    let mut i = s.nested(sig);
    let r = i.mpint("ECDSA signature r")?;
    let sv = i.mpint("ECDSA signature s")?;
    i.finish("ECDSA signature")?;
    Ok(Some(verify_ecdsa(EcCurve::P256, point, r, sv, &message)))
}

/// ECDSA (RFC 5656 §3.1.2): r and s as mpints, the curve's hash.
fn verify_ecdsa(curve: EcCurve, point: &[u8], r: &[u8], s: &[u8], signed: &[u8]) -> bool {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    let len = curve.scalar_len();
    if r.len() > len || s.len() > len {
        return false;
    }
    let padded = |v: &[u8]| std::iter::repeat_n(0u8, len.saturating_sub(v.len())).chain(v.to_vec());
    let rs: Vec<u8> = padded(r).chain(padded(s)).collect();
    match curve {
        EcCurve::P256 => {
            let (Ok(key), Ok(sig)) = (
                p256::ecdsa::VerifyingKey::from_sec1_bytes(point),
                p256::ecdsa::Signature::from_slice(&rs),
            ) else {
                return false;
            };
            key.verify_prehash(&Sha256::digest(signed), &sig).is_ok()
        }
        EcCurve::P384 => {
            let (Ok(key), Ok(sig)) = (
                p384::ecdsa::VerifyingKey::from_sec1_bytes(point),
                p384::ecdsa::Signature::from_slice(&rs),
            ) else {
                return false;
            };
            key.verify_prehash(&Sha384::digest(signed), &sig).is_ok()
        }
        EcCurve::P521 => {
            let (Ok(key), Ok(sig)) = (
                p521::ecdsa::VerifyingKey::from_sec1_bytes(point),
                p521::ecdsa::Signature::from_slice(&rs),
            ) else {
                return false;
            };
            key.verify_prehash(&Sha512::digest(signed), &sig).is_ok()
        }
    }
}

/// DSA (FIPS 186): with RustCrypto's `dsa` (its `hazmat` constructor, which accepts the
/// parameter sizes OpenSSH accepts, not only FIPS 186-4's; the sizes are bounded here and by the
/// key model). The crate wants g and y at p's precision.
fn verify_dsa(p: &[u8], q: &[u8], g: &[u8], y: &[u8], r: &[u8], s: &[u8], hash: &[u8]) -> bool {
    use dsa::signature::hazmat::PrehashVerifier;
    let p = BoxedUint::from_be_slice_vartime(p);
    let precision = p.bits_precision();
    let at_p = |bytes: &[u8]| BoxedUint::from_be_slice_vartime(bytes).resize(precision);
    let (g, y) = (at_p(g), at_p(y));
    let one = BoxedUint::one().resize(precision);
    // 1 < g < p, 1 < y < p (the crate checks the rest: p odd, y^q = 1 mod p).
    if g <= one || g >= p || y <= one || y >= p {
        return false;
    }
    let q = BoxedUint::from_be_slice_vartime(q);
    let q_precision = q.bits_precision();
    let (r, s) = (
        BoxedUint::from_be_slice_vartime(r).resize(q_precision),
        BoxedUint::from_be_slice_vartime(s).resize(q_precision),
    );
    let Ok(components) = dsa::Components::from_components_unchecked(p, q, g) else {
        return false;
    };
    let Ok(key) = dsa::VerifyingKey::from_components(components, y) else {
        return false;
    };
    let Some(sig) = dsa::Signature::from_components(r, s) else {
        return false;
    };
    key.verify_prehash(hash, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use base64ct::{Base64, Encoding};

    use super::*;
    use crate::format_name::Format;

    fn ca(line: &str) -> PublicKeyData {
        let blob = Base64::decode_vec(line.split(' ').nth(1).unwrap()).unwrap();
        PublicKeyData::from_ssh_blob(&blob, Format::Public).unwrap()
    }

    /// The signature blob after its algorithm name: `string data`.
    fn sig_data(data: &[u8]) -> Vec<u8> {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(data);
        v
    }

    fn check(ca: &PublicKeyData, algorithm: &str, blob: &[u8]) -> Result<bool> {
        let mut r = Reader::new(blob, Format::Public);
        verify(ca, algorithm, &mut r, b"signed bytes")
    }

    /// Hostile DSA values never panic (the `dsa` crate asserts precisions in debug builds) and
    /// are refused quickly, even with an 8192-bit prime.
    #[test]
    fn hostile_dsa_values_are_refused_without_panic() {
        let PublicKeyData::Dsa { p, q, g, y } = ca(include_str!("../../testdata/cert/ca-dsa.pub"))
        else {
            panic!()
        };
        let hash = Sha1::digest(b"m");
        let ones = [0xffu8; 20];
        for (r, s) in [([0u8; 20], ones), (ones, [0u8; 20]), (ones, ones)] {
            assert!(!verify_dsa(&p, &q, &g, &y, &r, &s, &hash));
        }
        let q20: [u8; 20] = q.as_slice().try_into().unwrap();
        assert!(!verify_dsa(&p, &q, &g, &y, &q20, &q20, &hash));
        assert!(!verify_dsa(&p, &q, &p, &y, &ones, &ones, &hash));
        assert!(!verify_dsa(&p, &q, &g, &p, &ones, &ones, &hash));
        assert!(!verify_dsa(&p, &q, &[1], &y, &ones, &ones, &hash));
        assert!(!verify_dsa(&p, &q, &g, &[0], &ones, &ones, &hash));
        let mut even = p.clone();
        *even.last_mut().unwrap() &= 0xfe;
        assert!(!verify_dsa(&even, &q, &g, &y, &ones, &ones, &hash));
        let mut big = vec![0xffu8; 1024];
        big[1023] = 0xfd;
        let start = Instant::now();
        assert!(!verify_dsa(&big, &q, &g, &y, &ones, &ones, &hash));
        assert!(start.elapsed() < Duration::from_secs(1));
        let key = PublicKeyData::Dsa { p, q, g, y };
        assert!(!check(&key, "ssh-dss", &sig_data(&[1; 39])).unwrap());
        assert!(check(&key, "ssh-dss", &sig_data(&[1; 40])[..30]).is_err());
        let mut trailing = sig_data(&[1; 40]);
        trailing.push(0);
        assert!(check(&key, "ssh-dss", &trailing).is_err());
    }

    /// Security-key CAs, signed here as a FIDO token signs (PROTOCOL.u2f): no ssh-keygen fixture
    /// can be made without a token.
    #[test]
    fn security_key_signatures_verify() {
        use ed25519_dalek::Signer;
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        let mut w = crate::encoding::wire::Writer::new();
        let tbs = |flags: u8, counter: u32| {
            let mut m = Sha256::digest(b"ssh:").to_vec();
            m.push(flags);
            m.extend_from_slice(&counter.to_be_bytes());
            m.extend_from_slice(&Sha256::digest(b"signed bytes"));
            m
        };
        let ed = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        w.string(b"sk-ssh-ed25519@openssh.com")
            .string(ed.verifying_key().as_bytes())
            .string(b"ssh:");
        let key = PublicKeyData::from_ssh_blob(w.as_bytes(), Format::Public).unwrap();
        let sig = ed.sign(&tbs(1, 42)).to_bytes();
        let mut blob = sig_data(&sig);
        blob.push(1);
        blob.extend_from_slice(&42u32.to_be_bytes());
        assert!(check(&key, "sk-ssh-ed25519@openssh.com", &blob).unwrap());
        *blob.last_mut().unwrap() ^= 1;
        assert!(!check(&key, "sk-ssh-ed25519@openssh.com", &blob).unwrap());
        assert!(check(&key, "sk-ssh-ed25519@openssh.com", &sig_data(&sig)).is_err());

        let ec = p256::ecdsa::SigningKey::from_slice(&[9; 32]).unwrap();
        let point = ec.verifying_key().to_sec1_point(false);
        let mut w = crate::encoding::wire::Writer::new();
        w.string(b"sk-ecdsa-sha2-nistp256@openssh.com")
            .string(b"nistp256")
            .string(point.as_bytes())
            .string(b"ssh:");
        let key = PublicKeyData::from_ssh_blob(w.as_bytes(), Format::Public).unwrap();
        let sig: p256::ecdsa::Signature = ec.sign_prehash(&Sha256::digest(tbs(5, 3))).unwrap();
        let (r, s) = sig.split_bytes();
        let mut rs = crate::encoding::wire::Writer::new();
        rs.mpint(&r).mpint(&s);
        let mut blob = sig_data(rs.as_bytes());
        blob.push(5);
        blob.extend_from_slice(&3u32.to_be_bytes());
        assert!(check(&key, "sk-ecdsa-sha2-nistp256@openssh.com", &blob).unwrap());
        blob[4 + rs.len()] ^= 4;
        assert!(!check(&key, "sk-ecdsa-sha2-nistp256@openssh.com", &blob).unwrap());
    }

    #[test]
    fn hostile_rsa_ecdsa_ed25519_signatures_are_refused() {
        let rsa = ca(include_str!("../../testdata/cert/ca-rsa-1024.pub"));
        for alg in ["ssh-rsa", "rsa-sha2-256", "rsa-sha2-512"] {
            assert!(!check(&rsa, alg, &sig_data(&[0xff; 129])).unwrap());
            assert!(!check(&rsa, alg, &sig_data(&[0xff; 128])).unwrap());
            assert!(!check(&rsa, alg, &sig_data(&[])).unwrap());
        }
        let PublicKeyData::Rsa { n, .. } = &rsa else {
            panic!()
        };
        let huge_e = PublicKeyData::Rsa {
            e: vec![0xff; 8],
            n: n.clone(),
        };
        assert!(matches!(
            check(&huge_e, "rsa-sha2-256", &sig_data(&[1; 128]))
                .unwrap_err()
                .kind(),
            ErrorKind::UnsupportedKeyType(_)
        ));
        for (file, len) in [
            (include_str!("../../testdata/cert/ca-ecdsa-256.pub"), 32),
            (include_str!("../../testdata/cert/ca-ecdsa-384.pub"), 48),
            (include_str!("../../testdata/cert/ca-ecdsa-521.pub"), 66),
        ] {
            let key = ca(file);
            let alg = key.algorithm().to_owned();
            let mut rs = Vec::new();
            for part in [vec![0x7f; len + 1], vec![0x01]] {
                rs.extend_from_slice(&sig_data(&part));
            }
            assert!(!check(&key, &alg, &sig_data(&rs)).unwrap());
            let zero = [sig_data(&[]), sig_data(&[])].concat();
            assert!(!check(&key, &alg, &sig_data(&zero)).unwrap());
            assert!(check(&key, &alg, &sig_data(&[1, 2, 3])).is_err());
        }
        let ed = ca(include_str!("../../testdata/cert/ca-ed25519.pub"));
        assert!(!check(&ed, "ssh-ed25519", &sig_data(&[0; 64])).unwrap());
        assert!(!check(&ed, "ssh-ed25519", &sig_data(&[0xff; 64])).unwrap());
        assert!(!check(&ed, "ssh-ed25519", &sig_data(&[0; 63])).unwrap());
    }
}
