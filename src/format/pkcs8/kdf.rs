//! The password-based key derivations of PKCS#8 encryption: PBKDF2 (RFC 8018 §5.2) with the
//! HMAC-SHA family, scrypt (RFC 7914), PBKDF1 (RFC 8018 §5.1) for PBES1, and the PKCS#12 KDF
//! (RFC 7292 appendix B.2) for the PKCS#12 PBE schemes. Callers check the work against
//! [`KdfLimits`](crate::protection::KdfLimits) first.

use sha1::Digest;
use sha1::digest::block_api::BlockSizeUser;
use zeroize::Zeroizing;

use crate::encoding::oid;

/// The PRF of PBKDF2 (RFC 8018 appendix B.1), as this module calls it.
pub(crate) use crate::protection::Prf as Pbkdf2Prf;

impl Pbkdf2Prf {
    /// The OID of the HMAC algorithm.
    pub(crate) fn oid(self) -> &'static str {
        match self {
            Pbkdf2Prf::HmacSha1 => oid::HMAC_SHA1,
            Pbkdf2Prf::HmacSha224 => oid::HMAC_SHA224,
            Pbkdf2Prf::HmacSha256 => oid::HMAC_SHA256,
            Pbkdf2Prf::HmacSha384 => oid::HMAC_SHA384,
            Pbkdf2Prf::HmacSha512 => oid::HMAC_SHA512,
            Pbkdf2Prf::HmacSha512_224 => oid::HMAC_SHA512_224,
            Pbkdf2Prf::HmacSha512_256 => oid::HMAC_SHA512_256,
        }
    }

    pub(crate) fn from_oid(oid: &str) -> Option<Pbkdf2Prf> {
        Pbkdf2Prf::ALL.iter().copied().find(|p| p.oid() == oid)
    }

    /// PBKDF2 into `out`. HMAC-SHA-256 (the default, and what FIPS wants) runs on SHA-256's
    /// bare compression function ([`pbkdf2_hmac_sha256`]); the other PRFs use the `pbkdf2` crate.
    pub(crate) fn derive(self, password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
        use pbkdf2::pbkdf2_hmac;
        match self {
            Pbkdf2Prf::HmacSha1 => pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, out),
            Pbkdf2Prf::HmacSha224 => pbkdf2_hmac::<sha2::Sha224>(password, salt, iterations, out),
            Pbkdf2Prf::HmacSha256 => pbkdf2_hmac_sha256(password, salt, iterations, out),
            Pbkdf2Prf::HmacSha384 => pbkdf2_hmac::<sha2::Sha384>(password, salt, iterations, out),
            Pbkdf2Prf::HmacSha512 => pbkdf2_hmac::<sha2::Sha512>(password, salt, iterations, out),
            Pbkdf2Prf::HmacSha512_224 => {
                pbkdf2_hmac::<sha2::Sha512_224>(password, salt, iterations, out)
            }
            Pbkdf2Prf::HmacSha512_256 => {
                pbkdf2_hmac::<sha2::Sha512_256>(password, salt, iterations, out)
            }
        }
    }
}

/// SHA-256's initial hash value (FIPS 180-4 §5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// PBKDF2-HMAC-SHA-256 (RFC 8018 §5.2) on SHA-256's compression function.
///
/// Each iteration `Uᵢ = HMAC(P, Uᵢ₋₁)` is exactly two compressions: the inner and outer HMAC
/// states after the key block are computed once, and `Uᵢ₋₁` (then the inner hash) is hashed
/// as one block already padded for a 96-byte message. The iterations form one chain, so the
/// time is the compression's latency times `2 × iterations`; `sha2` picks SHA-NI (or the ARMv8
/// SHA-2 instructions) at run time. The `pbkdf2` + `hmac` crates go through the generic buffered
/// `Digest` API instead (copying and re-padding every time), which takes about twice as long.
fn pbkdf2_hmac_sha256(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    use hmac::{KeyInit, Mac};
    use sha2::block_api::compress256;

    // The HMAC key block: the password, or its hash when longer than a block.
    let mut key = Zeroizing::new([0u8; 64]);
    if password.len() > key.len() {
        let digest = Zeroizing::new(sha2::Sha256::digest(password));
        for (k, d) in key.iter_mut().zip(digest.iter()) {
            *k = *d;
        }
    } else {
        for (k, p) in key.iter_mut().zip(password) {
            *k = *p;
        }
    }
    let mut pad = Zeroizing::new([0u8; 64]);
    let mut inner = Zeroizing::new(SHA256_IV);
    let mut outer = Zeroizing::new(SHA256_IV);
    for (state, byte) in [(&mut inner, 0x36u8), (&mut outer, 0x5c)] {
        for (p, k) in pad.iter_mut().zip(key.iter()) {
            *p = k ^ byte;
        }
        compress256(state, std::slice::from_ref(&pad));
    }
    // A block holding a 32-byte digest, then the padding of a 96-byte message (the key block
    // and the digest): 0x80, zeros, and the length in bits, 768 = 0x0300.
    let mut block = Zeroizing::new(std::array::from_fn(|i| match i {
        32 => 0x80,
        62 => 0x03,
        _ => 0,
    }));
    let mut u = Zeroizing::new([0u32; 8]);
    let mut t = Zeroizing::new([0u32; 8]);
    for (index, chunk) in (1u32..).zip(out.chunks_mut(32)) {
        // U₁ = HMAC(P, S ‖ INT(i)), through the `hmac` crate (salts of any length), keyed
        // with the key block: HMAC pads a short key with zeros to exactly that.
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new((&*key).into());
        mac.update(salt);
        mac.update(&index.to_be_bytes());
        let u1 = Zeroizing::new(mac.finalize().into_bytes());
        for (w, &[a, b, c, d]) in u.iter_mut().zip(u1.as_chunks().0) {
            *w = u32::from_be_bytes([a, b, c, d]);
        }
        *t = *u;
        for _ in 1..iterations {
            for state in [&inner, &outer] {
                for (bytes, w) in block.as_chunks_mut::<4>().0.iter_mut().zip(u.iter()) {
                    *bytes = w.to_be_bytes();
                }
                *u = **state;
                compress256(&mut u, std::slice::from_ref(&block));
            }
            for (t, u) in t.iter_mut().zip(u.iter()) {
                *t ^= u;
            }
        }
        for (bytes, w) in chunk.chunks_mut(4).zip(t.iter()) {
            bytes.copy_from_slice(w.to_be_bytes().get(..bytes.len()).unwrap_or_default());
        }
    }
}

/// The hash of a PBES1 scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pbkdf1Hash {
    Md5,
    Sha1,
}

/// PBKDF1 (RFC 8018 §5.1): `T₁ = H(P ‖ S)`, `Tᵢ = H(Tᵢ₋₁)`, the first 16 bytes of `T_c`
/// (PBES1's DES key and IV).
pub(super) fn pbkdf1(
    hash: Pbkdf1Hash,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
) -> Zeroizing<[u8; 16]> {
    fn run<D: sha1::Digest>(password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<Vec<u8>> {
        let mut t = Zeroizing::new(
            D::new()
                .chain_update(password)
                .chain_update(salt)
                .finalize()
                .to_vec(),
        );
        for _ in 1..iterations {
            let next = D::digest(&*t);
            t.copy_from_slice(&next); // in place: the buffer is zeroized on drop
        }
        t
    }
    let t = match hash {
        Pbkdf1Hash::Md5 => run::<md5::Md5>(password, salt, iterations),
        Pbkdf1Hash::Sha1 => run::<sha1::Sha1>(password, salt, iterations),
    };
    let mut out = Zeroizing::new([0u8; 16]);
    for (o, b) in out.iter_mut().zip(t.iter()) {
        *o = *b;
    }
    out
}

/// The purpose byte of the PKCS#12 KDF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pkcs12Purpose {
    Key = 1,
    Iv = 2,
    Mac = 3,
}

/// A passphrase as PKCS#12 wants it: a BMPString (UTF-16 big-endian) with a terminating NUL.
/// Bytes that are not UTF-8 are taken as ISO-8859-1, as OpenSSL does.
pub(crate) fn pkcs12_password(passphrase: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(passphrase.len() * 2 + 2));
    match std::str::from_utf8(passphrase) {
        Ok(text) => {
            for unit in text.encode_utf16() {
                out.extend_from_slice(&unit.to_be_bytes());
            }
        }
        Err(_) => {
            for &b in passphrase {
                out.extend_from_slice(&[0, b]);
            }
        }
    }
    out.extend_from_slice(&[0, 0]);
    out
}

/// The PKCS#12 KDF (RFC 7292 B.2) over the hash `D` (SHA-1 for the PBE schemes, also SHA-2 for
/// MACs): `len` bytes for `purpose`.
pub(crate) fn pkcs12_kdf<D: Digest + BlockSizeUser>(
    bmp_password: &[u8],
    salt: &[u8],
    purpose: Pkcs12Purpose,
    iterations: u32,
    len: usize,
) -> Zeroizing<Vec<u8>> {
    let v = D::block_size();
    let fill = |src: &[u8]| -> Vec<u8> {
        let len = v * src.len().div_ceil(v);
        src.iter().cycle().take(len).copied().collect()
    };
    let d = vec![purpose as u8; v];
    let mut i_buf = Zeroizing::new(fill(salt));
    i_buf.extend_from_slice(&Zeroizing::new(fill(bmp_password)));
    let mut out = Zeroizing::new(Vec::with_capacity(len + <D as Digest>::output_size()));
    loop {
        let mut a = Zeroizing::new(
            D::new()
                .chain_update(&d)
                .chain_update(&*i_buf)
                .finalize()
                .to_vec(),
        );
        for _ in 1..iterations {
            *a = D::digest(&*a).to_vec();
        }
        out.extend_from_slice(&a);
        if out.len() >= len {
            out.truncate(len);
            return out;
        }
        // Iⱼ = (Iⱼ + B + 1) mod 2^(8v), where B is A repeated to v bytes.
        let b: Zeroizing<Vec<u8>> = Zeroizing::new(a.iter().cycle().take(v).copied().collect());
        for chunk in i_buf.chunks_mut(v) {
            let mut carry = 1u16;
            for (x, y) in chunk.iter_mut().rev().zip(b.iter().rev()) {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = sum as u8;
                carry = sum >> 8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbkdf2_sha256_known_answer() {
        // RFC 7914 §11 (PBKDF2-HMAC-SHA256 test vector).
        let mut out = [0u8; 64];
        Pbkdf2Prf::HmacSha256.derive(b"passwd", b"salt", 1, &mut out);
        assert_eq!(
            hex::encode(out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc\
             49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        );
    }

    #[test]
    fn pbkdf2_sha256_agrees_with_the_pbkdf2_crate() {
        let long = [0xa5u8; 100];
        let passwords: [&[u8]; 5] = [b"", b"p", &[7u8; 63], &[7u8; 64], &long];
        for password in passwords {
            for iterations in [1, 2, 3, 1000] {
                for len in [1, 16, 31, 32, 33, 64, 100] {
                    let mut ours = vec![0u8; len];
                    Pbkdf2Prf::HmacSha256.derive(password, b"NaCl-salt", iterations, &mut ours);
                    let mut theirs = vec![0u8; len];
                    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
                        password,
                        b"NaCl-salt",
                        iterations,
                        &mut theirs,
                    );
                    assert_eq!(ours, theirs, "{} {iterations} {len}", password.len());
                }
            }
        }
    }

    #[test]
    fn pkcs12_kdf_known_answers() {
        // From the PKCS#12 KDF test vectors used by OpenSSL and BouncyCastle
        // (password "smeg", salt 0A58CF64530D823F, 1 iteration).
        let pass = pkcs12_password(b"smeg");
        let salt = hex::decode("0A58CF64530D823F").unwrap();
        let key = pkcs12_kdf::<sha1::Sha1>(&pass, &salt, Pkcs12Purpose::Key, 1, 24);
        assert_eq!(
            hex::encode_upper(&*key),
            "8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3"
        );
        let iv = pkcs12_kdf::<sha1::Sha1>(&pass, &salt, Pkcs12Purpose::Iv, 1, 8);
        assert_eq!(hex::encode_upper(&*iv), "79993DFE048D3B76");
        // Password "queeg", salt 1682C0FC5B3F7EC5, 1000 iterations.
        let pass = pkcs12_password(b"queeg");
        let salt = hex::decode("1682C0FC5B3F7EC5").unwrap();
        let key = pkcs12_kdf::<sha1::Sha1>(&pass, &salt, Pkcs12Purpose::Key, 1000, 24);
        assert_eq!(
            hex::encode_upper(&*key),
            "483DD6E919D7DE2E8E648BA8F862F3FBFBDC2BCB2C02957F"
        );
    }

    #[test]
    fn pkcs12_password_is_bmp_with_nul() {
        assert_eq!(&pkcs12_password(b"ab")[..], &[0, b'a', 0, b'b', 0, 0]);
        assert_eq!(&pkcs12_password("é".as_bytes())[..], &[0, 0xe9, 0, 0]);
        assert_eq!(&pkcs12_password(b"\xe9")[..], &[0, 0xe9, 0, 0]);
        assert_eq!(&pkcs12_password(b"")[..], &[0, 0]);
    }

    #[test]
    fn pbkdf1_md5_is_iterated_md5() {
        let one = pbkdf1(Pbkdf1Hash::Md5, b"pw", b"saltsalt", 1);
        let digest = md5::Md5::digest(b"pwsaltsalt");
        assert_eq!(&one[..], &digest[..]);
        let two = pbkdf1(Pbkdf1Hash::Md5, b"pw", b"saltsalt", 2);
        assert_eq!(&two[..], &md5::Md5::digest(digest)[..]);
    }

    /// RFC 7914 §11's second PBKDF2-HMAC-SHA256 vector: 80,000 iterations, which runs the
    /// hand-written compression loop of [`pbkdf2_hmac_sha256`] (one iteration barely does).
    #[test]
    fn pbkdf2_sha256_known_answer_with_many_iterations() {
        let mut out = [0u8; 64];
        Pbkdf2Prf::HmacSha256.derive(b"Password", b"NaCl", 80_000, &mut out);
        assert_eq!(
            hex::encode(out),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56\
             a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"
        );
    }

    /// PBKDF1-SHA1 (RFC 8018 §5.1; the RFC gives no vector): the widely used one of Crypto++'s
    /// validation data, password "password", salt 78578E5A5D63CB06, 1000 iterations.
    #[test]
    fn pbkdf1_known_answer() {
        let salt = hex::decode("78578E5A5D63CB06").unwrap();
        let out = pbkdf1(Pbkdf1Hash::Sha1, b"password", &salt, 1000);
        assert_eq!(hex::encode_upper(*out), "DC19847E05C64D2FAF10EBFB4A3D2A20");
    }
}
