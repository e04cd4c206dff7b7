//! The private blob of a `.ppk` file, per key type (PuTTY's `*_private_blob`):
//!
//! | key | private blob |
//! |---|---|
//! | RSA | `mpint d, mpint p, mpint q, mpint iqmp` (PuTTY keeps `p > q`, `iqmp = q⁻¹ mod p`) |
//! | DSA | `mpint x` |
//! | ECDSA | `mpint d` |
//! | Ed25519 | `string seed` (32 bytes, fixed length, not an mpint) |
//! | Ed448 | `string seed` (57 bytes) |

use std::cmp::Ordering;

use zeroize::Zeroizing;

use super::crypto::BLOCK_LEN;
use crate::encoding::wire::{Reader, Writer};
use crate::error::Result;
use crate::format::Format;
use crate::key::{KeyType, PrivateKey, SecretBytes, SecretKeyData, check};

/// The private blob of `key`, unpadded. RSA keys are written as puttygen writes them: the
/// larger prime first and `iqmp` recomputed, whatever order the key came in.
pub(super) fn encode(key: &PrivateKey) -> Zeroizing<Vec<u8>> {
    let mut w = Writer::new();
    match key.secret() {
        SecretKeyData::Rsa { d, p, q, iqmp } => {
            let (p, q) = match cmp_magnitude(p.as_bytes(), q.as_bytes()) {
                Ordering::Less => (q, p),
                _ => (p, q),
            };
            let iqmp = check::rsa_iqmp(p.as_bytes(), q.as_bytes()).unwrap_or_else(|| iqmp.clone());
            w.mpint(d.as_bytes())
                .mpint(p.as_bytes())
                .mpint(q.as_bytes())
                .mpint(iqmp.as_bytes());
        }
        SecretKeyData::Dsa { x } => {
            w.mpint(x.as_bytes());
        }
        SecretKeyData::Ecdsa { d } => {
            w.mpint(d.as_bytes());
        }
        SecretKeyData::Ed25519(seed) | SecretKeyData::Ed448(seed) => {
            w.string(seed.as_bytes());
        }
    }
    w.into_bytes()
}

/// Reads the private half of a `key_type` key from a decrypted, MAC-checked private blob.
/// Up to one cipher block less a byte of padding may follow (PuTTY pads encrypted blobs;
/// other writers may pad unencrypted ones too, and the MAC covers the padding either way).
pub(super) fn decode(key_type: KeyType, blob: &[u8]) -> Result<SecretKeyData> {
    let mut r = Reader::new(blob, Format::Ppk);
    let secret = |r: &mut Reader<'_>, what: &str| -> Result<SecretBytes> {
        Ok(SecretBytes::new(r.mpint(what)?))
    };
    let data = match key_type {
        KeyType::Rsa => SecretKeyData::Rsa {
            d: secret(&mut r, "RSA private exponent")?,
            p: secret(&mut r, "RSA prime p")?,
            q: secret(&mut r, "RSA prime q")?,
            iqmp: secret(&mut r, "RSA iqmp")?,
        },
        KeyType::Dsa => SecretKeyData::Dsa {
            x: secret(&mut r, "DSA private value")?,
        },
        KeyType::Ecdsa(_) => SecretKeyData::Ecdsa {
            d: secret(&mut r, "ECDSA private scalar")?,
        },
        KeyType::Ed25519 => SecretKeyData::Ed25519(seed(&mut r, "Ed25519", 32)?),
        KeyType::Ed448 => SecretKeyData::Ed448(seed(&mut r, "Ed448", 57)?),
    };
    if r.remaining().len() >= BLOCK_LEN {
        return Err(r.error(format!(
            "{} unexpected bytes after the private key",
            r.remaining().len()
        )));
    }
    Ok(data)
}

fn seed(r: &mut Reader<'_>, what: &str, len: usize) -> Result<SecretBytes> {
    let bytes = r.string(&format!("{what} private key"))?;
    if bytes.len() != len {
        return Err(r.error(format!(
            "{what} private key is {} bytes, not {len}",
            bytes.len()
        )));
    }
    Ok(SecretBytes::new(bytes))
}

/// Compares big-endian magnitudes (leading zeros allowed).
fn cmp_magnitude(a: &[u8], b: &[u8]) -> Ordering {
    let trim = |x: &[u8]| -> usize { x.iter().position(|&v| v != 0).unwrap_or(x.len()) };
    let (a, b) = (
        a.get(trim(a)..).unwrap_or_default(),
        b.get(trim(b)..).unwrap_or_default(),
    );
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magnitudes_compare_by_value() {
        assert_eq!(cmp_magnitude(&[0, 0, 5], &[4]), Ordering::Greater);
        assert_eq!(cmp_magnitude(&[1, 0], &[0xff]), Ordering::Greater);
        assert_eq!(cmp_magnitude(&[], &[0]), Ordering::Equal);
        assert_eq!(cmp_magnitude(&[2, 0], &[3, 0]), Ordering::Less);
    }

    #[test]
    fn eddsa_seeds_are_fixed_length_strings() {
        let mut w = Writer::new();
        w.string(&[1u8; 31]);
        let e = decode(KeyType::Ed25519, w.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("31 bytes, not 32"), "{e}");
        let mut w = Writer::new();
        w.string(&[1u8; 32]).raw(&[0u8; 16]);
        let e = decode(KeyType::Ed25519, w.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("16 unexpected bytes"), "{e}");
    }
}
