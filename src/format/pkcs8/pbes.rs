//! The encryption schemes of `EncryptedPrivateKeyInfo`: PBES2 (RFC 8018 §6.2) with PBKDF2 or
//! scrypt and AES-CBC, AES-GCM (RFC 5084), DES-EDE3-CBC or DES-CBC; PBES1 (RFC 8018 §6.1) with
//! DES; and the PKCS#12 PBE schemes with triple DES (RFC 7292 appendix C).
//!
//! ```text
//! AlgorithmIdentifier { pbes2, PBES2-params {
//!     keyDerivationFunc AlgorithmIdentifier { pbkdf2, { salt, iterationCount, keyLength?, prf? } }
//!                                        | { scrypt, { salt, N, r, p, keyLength? } },
//!     encryptionScheme  AlgorithmIdentifier { aes128-CBC, IV } | { aes128-GCM, { nonce, icvLen? } } } }
//! AlgorithmIdentifier { pbeWithMD5AndDES-CBC | pbeWithSHAAnd3-KeyTripleDES-CBC | …, { salt, iterations } }
//! ```

use aes_gcm::aead::consts::{U12, U16};
use aes_gcm::aead::{AeadInOut, KeyInit};
use zeroize::Zeroizing;

use super::kdf::{self, Pbkdf1Hash, Pbkdf2Prf, Pkcs12Purpose};
use super::{Pkcs8Cipher, Pkcs8Options};
use crate::encoding::asn1::{self, Reader};
use crate::encoding::cbc::{CbcCipher, CbcError};
use crate::encoding::oid;
use crate::error::{Error, ErrorKind, Result};
use crate::format::{Format, cbc_cipher};
use crate::protection::{
    Cipher, Kdf, KdfLimits, PbeScheme, Protection, Scheme as ProtectionScheme,
};

/// The key-derivation function of a PBES2 scheme, with the parameters from the file.
#[derive(Clone, Debug)]
pub(super) enum Pbes2Kdf {
    Pbkdf2 {
        prf: Pbkdf2Prf,
        salt: Vec<u8>,
        iterations: u64,
        key_len: Option<u64>,
    },
    Scrypt {
        salt: Vec<u8>,
        log_n: u8,
        r: u32,
        p: u32,
        key_len: Option<u64>,
    },
}

impl Pbes2Kdf {
    /// The optional `keyLength` of the parameters; it must match the cipher's.
    fn declared_key_len(&self) -> Option<u64> {
        match self {
            Pbes2Kdf::Pbkdf2 { key_len, .. } | Pbes2Kdf::Scrypt { key_len, .. } => *key_len,
        }
    }
}

/// The cipher of a PBES2 scheme.
#[derive(Clone, Debug)]
pub(super) enum Pbes2Cipher {
    Cbc {
        cipher: CbcCipher,
        iv: Vec<u8>,
    },
    Gcm {
        key_len: usize,
        nonce: Vec<u8>,
        tag_len: usize,
    },
}

impl Pbes2Cipher {
    fn key_len(&self) -> usize {
        match self {
            Pbes2Cipher::Cbc { cipher, .. } => cipher.key_len(),
            Pbes2Cipher::Gcm { key_len, .. } => *key_len,
        }
    }

    fn cipher(&self) -> Cipher {
        match self {
            Pbes2Cipher::Cbc { cipher, .. } => cbc_cipher(*cipher),
            Pbes2Cipher::Gcm { key_len: 16, .. } => Cipher::Aes128Gcm,
            Pbes2Cipher::Gcm { key_len: 24, .. } => Cipher::Aes192Gcm,
            Pbes2Cipher::Gcm { .. } => Cipher::Aes256Gcm,
        }
    }
}

/// An encryption scheme read from an `EncryptedPrivateKeyInfo`.
#[derive(Clone, Debug)]
pub(super) enum Scheme {
    Pbes2 {
        kdf: Pbes2Kdf,
        cipher: Pbes2Cipher,
    },
    /// PBES1: PBKDF1 and single DES.
    Pbes1 {
        name: PbeScheme,
        hash: Pbkdf1Hash,
        salt: Vec<u8>,
        iterations: u64,
    },
    /// PKCS#12 PBE: the PKCS#12 KDF (SHA-1) and two- or three-key triple DES.
    Pkcs12 {
        name: PbeScheme,
        cipher: CbcCipher,
        salt: Vec<u8>,
        iterations: u64,
    },
}

/// The PBES1 schemes with a cipher keyconv has (RFC 8018 appendix A.3).
const PBES1_SCHEMES: [(&str, PbeScheme, Pbkdf1Hash); 2] = [
    (oid::PBE_MD5_DES, PbeScheme::Md5AndDesCbc, Pbkdf1Hash::Md5),
    (
        oid::PBE_SHA1_DES,
        PbeScheme::Sha1AndDesCbc,
        Pbkdf1Hash::Sha1,
    ),
];

/// The PKCS#12 PBE schemes with a cipher keyconv has (RFC 7292 appendix C).
const PKCS12_SCHEMES: [(&str, PbeScheme, CbcCipher); 4] = [
    (
        oid::PBE_SHA_3DES_3KEY,
        PbeScheme::ShaAnd3KeyTripleDesCbc,
        CbcCipher::DesEde3,
    ),
    (
        oid::PBE_SHA_3DES_2KEY,
        PbeScheme::ShaAnd2KeyTripleDesCbc,
        CbcCipher::DesEde2,
    ),
    (
        oid::PBE_SHA_RC2_128,
        PbeScheme::ShaAnd128BitRc2Cbc,
        CbcCipher::Rc2x128,
    ),
    (
        oid::PBE_SHA_RC2_40,
        PbeScheme::ShaAnd40BitRc2Cbc,
        CbcCipher::Rc2x40,
    ),
];

/// Names for the schemes keyconv recognizes but cannot decrypt (RC2, RC4, MD2).
fn unsupported_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        oid::PBE_MD2_DES => "pbeWithMD2AndDES-CBC",
        oid::PBE_MD2_RC2 => "pbeWithMD2AndRC2-CBC",
        oid::PBE_MD5_RC2 => "pbeWithMD5AndRC2-CBC",
        oid::PBE_SHA1_RC2 => "pbeWithSHA1AndRC2-CBC",
        oid::PBE_SHA_RC4_128 => "pbeWithSHAAnd128BitRC4",
        oid::PBE_SHA_RC4_40 => "pbeWithSHAAnd40BitRC4",
        oid::RC2_CBC => "rc2-cbc",
        oid::RC5_CBC => "rc5-cbc",
        _ => return None,
    })
}

fn unsupported(what: String) -> Error {
    Error::new(ErrorKind::UnsupportedScheme(what))
}

impl Scheme {
    /// Reads the `encryptionAlgorithm` AlgorithmIdentifier.
    pub(super) fn read(r: &mut Reader<'_>) -> Result<Scheme> {
        let mut alg = r.sequence("encryption algorithm")?;
        let oid = alg.oid("encryption algorithm")?;
        let scheme = if oid == oid::PBES2 {
            let mut params = alg.sequence("PBES2 parameters")?;
            let kdf = read_pbes2_kdf(&mut params)?;
            let cipher = read_pbes2_cipher(&mut params)?;
            params.finish("PBES2 parameters")?;
            if let Some(key_len) = kdf
                .declared_key_len()
                .filter(|&k| k != cipher.key_len() as u64)
            {
                return Err(Error::malformed(
                    Format::Pkcs8,
                    format!(
                        "the KDF's key length {key_len} does not match {}",
                        cipher.cipher()
                    ),
                ));
            }
            Scheme::Pbes2 { kdf, cipher }
        } else if let Some(&(_, name, hash)) = PBES1_SCHEMES.iter().find(|s| s.0 == oid) {
            let (salt, iterations) = read_pbe_params(&mut alg, name.name())?;
            Scheme::Pbes1 {
                name,
                hash,
                salt,
                iterations,
            }
        } else if let Some(&(_, name, cipher)) = PKCS12_SCHEMES.iter().find(|s| s.0 == oid) {
            let (salt, iterations) = read_pbe_params(&mut alg, name.name())?;
            Scheme::Pkcs12 {
                name,
                cipher,
                salt,
                iterations,
            }
        } else if let Some(name) = unsupported_name(&oid) {
            return Err(unsupported(format!("PKCS#8 encryption {name} ({oid})")));
        } else {
            return Err(unsupported(format!(
                "PKCS#8 encryption scheme with OID {oid}"
            )));
        };
        alg.finish("encryption algorithm")?;
        Ok(scheme)
    }

    /// The protection, as `inspect` and the FIPS rules see it.
    pub(super) fn protection(&self) -> Protection {
        match self {
            Scheme::Pbes2 { kdf, cipher } => Protection::Encrypted {
                scheme: ProtectionScheme::Pbes2,
                cipher: cipher.cipher(),
                kdf: match kdf {
                    Pbes2Kdf::Pbkdf2 {
                        prf,
                        salt,
                        iterations,
                        ..
                    } => Kdf::Pbkdf2 {
                        prf: *prf,
                        iterations: *iterations,
                        salt_len: salt.len(),
                        key_len: cipher.key_len(),
                    },
                    Pbes2Kdf::Scrypt {
                        salt, log_n, r, p, ..
                    } => Kdf::Scrypt {
                        log_n: *log_n,
                        r: *r,
                        p: *p,
                        salt_len: salt.len(),
                    },
                },
            },
            Scheme::Pbes1 {
                name,
                salt,
                iterations,
                ..
            } => Protection::Encrypted {
                scheme: ProtectionScheme::Pbes1,
                cipher: cbc_cipher(CbcCipher::Des),
                kdf: Kdf::Pbe {
                    scheme: *name,
                    iterations: *iterations,
                    salt_len: salt.len(),
                },
            },
            Scheme::Pkcs12 {
                name,
                cipher,
                salt,
                iterations,
            } => Protection::Encrypted {
                scheme: ProtectionScheme::Pkcs12Pbe,
                cipher: cbc_cipher(*cipher),
                kdf: Kdf::Pbe {
                    scheme: *name,
                    iterations: *iterations,
                    salt_len: salt.len(),
                },
            },
        }
    }

    /// Decrypts `data` with `passphrase`, checking the KDF's work against `limits` first.
    /// Bad padding or a failed GCM tag is [`ErrorKind::IncorrectPassphrase`]; the caller checks
    /// the plaintext's shape.
    pub(super) fn decrypt(
        &self,
        passphrase: &[u8],
        limits: &KdfLimits,
        data: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        if let Protection::Encrypted { kdf, .. } = self.protection() {
            limits.check_kdf(&kdf)?;
        }
        match self {
            Scheme::Pbes2 { kdf, cipher } => {
                let mut key = Zeroizing::new(vec![0u8; cipher.key_len()]);
                match kdf {
                    Pbes2Kdf::Pbkdf2 {
                        prf,
                        salt,
                        iterations,
                        ..
                    } => prf.derive(passphrase, salt, rounds(*iterations)?, &mut key),
                    Pbes2Kdf::Scrypt {
                        salt, log_n, r, p, ..
                    } => {
                        let params = scrypt::Params::new(*log_n, *r, *p).map_err(|_| {
                            Error::malformed(Format::Pkcs8, "scrypt parameters are out of range")
                        })?;
                        scrypt::scrypt(passphrase, salt, &params, &mut key).map_err(|_| {
                            Error::malformed(Format::Pkcs8, "scrypt key length is out of range")
                        })?;
                    }
                }
                match cipher {
                    Pbes2Cipher::Cbc { cipher, iv } => cbc_decrypt(*cipher, &key, iv, data),
                    Pbes2Cipher::Gcm { nonce, tag_len, .. } => {
                        gcm_decrypt(&key, nonce, *tag_len, data)
                    }
                }
            }
            Scheme::Pbes1 {
                hash,
                salt,
                iterations,
                ..
            } => {
                let dk = kdf::pbkdf1(*hash, passphrase, salt, rounds(*iterations)?);
                let (key, iv) = dk.split_at(8);
                cbc_decrypt(CbcCipher::Des, key, iv, data)
            }
            Scheme::Pkcs12 {
                cipher,
                salt,
                iterations,
                ..
            } => {
                let password = kdf::pkcs12_password(passphrase);
                let n = rounds(*iterations)?;
                let key = kdf::pkcs12_kdf::<sha1::Sha1>(
                    &password,
                    salt,
                    Pkcs12Purpose::Key,
                    n,
                    cipher.key_len(),
                );
                let iv = kdf::pkcs12_kdf::<sha1::Sha1>(
                    &password,
                    salt,
                    Pkcs12Purpose::Iv,
                    n,
                    cipher.block_len(),
                );
                cbc_decrypt(*cipher, &key, &iv, data)
            }
        }
    }
}

/// An iteration count the KDFs take. Counts above `u32::MAX` only get here with the limits
/// lifted; no tool writes them.
fn rounds(iterations: u64) -> Result<u32> {
    u32::try_from(iterations).map_err(|_| {
        unsupported(format!(
            "{iterations} KDF iterations (keyconv supports up to {})",
            u32::MAX
        ))
    })
}

fn cbc_decrypt(
    cipher: CbcCipher,
    key: &[u8],
    iv: &[u8],
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    cipher.decrypt(key, iv, data).map_err(|e| match e {
        CbcError::Padding => Error::new(ErrorKind::IncorrectPassphrase),
        CbcError::Length => Error::malformed(
            Format::Pkcs8,
            format!(
                "encrypted data is not a whole number of {}-byte {} blocks",
                cipher.block_len(),
                cipher.name()
            ),
        ),
    })
}

fn gcm_decrypt(
    key: &[u8],
    nonce: &[u8],
    tag_len: usize,
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let Some(split) = data.len().checked_sub(tag_len) else {
        return Err(Error::malformed(
            Format::Pkcs8,
            "encrypted data is shorter than its GCM tag",
        ));
    };
    let (ciphertext, tag) = data.split_at(split);
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    let malformed =
        || Error::malformed(Format::Pkcs8, "GCM key, nonce or tag has the wrong length");
    macro_rules! open {
        ($aes:ty, $tag:ty) => {{
            let cipher =
                aes_gcm::AesGcm::<$aes, U12, $tag>::new_from_slice(key).map_err(|_| malformed())?;
            let nonce = aes_gcm::Nonce::<U12>::try_from(nonce).map_err(|_| malformed())?;
            let tag = aes_gcm::Tag::<$tag>::try_from(tag).map_err(|_| malformed())?;
            cipher.decrypt_inout_detached(&nonce, &[], buf.as_mut_slice().into(), &tag)
        }};
    }
    let opened = match (key.len(), tag_len) {
        (16, 16) => open!(aes::Aes128, U16),
        (24, 16) => open!(aes::Aes192, U16),
        (32, 16) => open!(aes::Aes256, U16),
        (16, 12) => open!(aes::Aes128, U12),
        (24, 12) => open!(aes::Aes192, U12),
        (32, 12) => open!(aes::Aes256, U12),
        _ => return Err(malformed()),
    };
    opened.map_err(|_| Error::new(ErrorKind::IncorrectPassphrase))?;
    Ok(buf)
}

fn read_pbes2_kdf(params: &mut Reader<'_>) -> Result<Pbes2Kdf> {
    let mut alg = params.sequence("PBES2 key derivation function")?;
    let oid = alg.oid("PBES2 key derivation function")?;
    let kdf = match oid.as_str() {
        oid::PBKDF2 => {
            let mut p = alg.sequence("PBKDF2 parameters")?;
            if p.peek_tag() != Some(asn1::OCTET_STRING) {
                return Err(unsupported(
                    "PBKDF2 with a salt that is not an OCTET STRING".into(),
                ));
            }
            let salt = p.octet_string("PBKDF2 salt")?.to_vec();
            let iterations = p.small_uint("PBKDF2 iteration count")?;
            if iterations == 0 {
                return Err(p.error("PBKDF2 iteration count is 0"));
            }
            let key_len = if p.peek_tag() == Some(asn1::INTEGER) {
                Some(p.small_uint("PBKDF2 key length")?)
            } else {
                None
            };
            let prf = match p.optional(asn1::SEQUENCE, "PBKDF2 PRF")? {
                None => Pbkdf2Prf::HmacSha1,
                Some(mut prf_alg) => {
                    let prf_oid = prf_alg.oid("PBKDF2 PRF")?;
                    let prf = Pbkdf2Prf::from_oid(&prf_oid)
                        .ok_or_else(|| unsupported(format!("PBKDF2 with the PRF OID {prf_oid}")))?;
                    if prf_alg.peek_tag() == Some(asn1::NULL) {
                        prf_alg.null("PBKDF2 PRF parameters")?;
                    }
                    prf_alg.finish("PBKDF2 PRF")?;
                    prf
                }
            };
            p.finish("PBKDF2 parameters")?;
            Pbes2Kdf::Pbkdf2 {
                prf,
                salt,
                iterations,
                key_len,
            }
        }
        oid::SCRYPT => {
            let mut p = alg.sequence("scrypt parameters")?;
            let salt = p.octet_string("scrypt salt")?.to_vec();
            let at = p.clone();
            let n = p.small_uint("scrypt cost parameter N")?;
            if n < 2 || !n.is_power_of_two() {
                return Err(at.error(format!("scrypt N = {n} is not a power of 2 above 1")));
            }
            let at = p.clone();
            let r = p.small_uint("scrypt block size r")?;
            let parallelism = p.small_uint("scrypt parallelization p")?;
            let (Ok(r), Ok(parallelism)) = (u32::try_from(r), u32::try_from(parallelism)) else {
                return Err(at.error("scrypt r or p is too large"));
            };
            if r == 0 || parallelism == 0 || u64::from(r) * u64::from(parallelism) >= 1 << 30 {
                return Err(at.error(format!(
                    "scrypt r = {r}, p = {parallelism} are out of range (r·p must be in 1..2^30)"
                )));
            }
            let key_len = if p.peek_tag() == Some(asn1::INTEGER) {
                Some(p.small_uint("scrypt key length")?)
            } else {
                None
            };
            p.finish("scrypt parameters")?;
            Pbes2Kdf::Scrypt {
                salt,
                log_n: n.trailing_zeros() as u8,
                r,
                p: parallelism,
                key_len,
            }
        }
        other => {
            return Err(unsupported(format!(
                "PBES2 key derivation function with OID {other}"
            )));
        }
    };
    alg.finish("PBES2 key derivation function")?;
    Ok(kdf)
}

fn read_pbes2_cipher(params: &mut Reader<'_>) -> Result<Pbes2Cipher> {
    let mut alg = params.sequence("PBES2 encryption scheme")?;
    let oid = alg.oid("PBES2 encryption scheme")?;
    let cbc = match oid.as_str() {
        oid::AES128_CBC => Some(CbcCipher::Aes128),
        oid::AES192_CBC => Some(CbcCipher::Aes192),
        oid::AES256_CBC => Some(CbcCipher::Aes256),
        oid::DES_EDE3_CBC => Some(CbcCipher::DesEde3),
        oid::DES_CBC => Some(CbcCipher::Des),
        _ => None,
    };
    let gcm_key_len = match oid.as_str() {
        oid::AES128_GCM => Some(16),
        oid::AES192_GCM => Some(24),
        oid::AES256_GCM => Some(32),
        _ => None,
    };
    let cipher = if let Some(cipher) = cbc {
        let at = alg.clone();
        let iv = alg.octet_string("IV")?.to_vec();
        if iv.len() != cipher.block_len() {
            return Err(at.error(format!(
                "{} IV is {} bytes, not {}",
                cipher.name(),
                iv.len(),
                cipher.block_len()
            )));
        }
        Pbes2Cipher::Cbc { cipher, iv }
    } else if let Some(key_len) = gcm_key_len {
        let mut p = alg.sequence("GCM parameters")?;
        let nonce = p.octet_string("GCM nonce")?.to_vec();
        let tag_len = if p.peek_tag() == Some(asn1::INTEGER) {
            p.small_uint("GCM tag length")?
        } else {
            12
        };
        p.finish("GCM parameters")?;
        if nonce.len() != 12 || !(tag_len == 12 || tag_len == 16) {
            return Err(unsupported(format!(
                "AES-GCM with a {}-byte nonce and a {tag_len}-byte tag (keyconv supports a \
                 12-byte nonce with a 12- or 16-byte tag)",
                nonce.len()
            )));
        }
        Pbes2Cipher::Gcm {
            key_len,
            nonce,
            tag_len: tag_len as usize,
        }
    } else if let Some(name) = unsupported_name(&oid) {
        return Err(unsupported(format!("PBES2 with {name}")));
    } else {
        return Err(unsupported(format!("PBES2 cipher with OID {oid}")));
    };
    alg.finish("PBES2 encryption scheme")?;
    Ok(cipher)
}

/// `PBEParameter` (PBES1) and `pkcs-12PbeParams`: `SEQUENCE { salt OCTET STRING, iterations INTEGER }`.
fn read_pbe_params(alg: &mut Reader<'_>, name: &str) -> Result<(Vec<u8>, u64)> {
    let mut p = alg.sequence(&format!("{name} parameters"))?;
    let salt = p.octet_string("salt")?.to_vec();
    let at = p.clone();
    let iterations = p.small_uint("iteration count")?;
    if iterations == 0 {
        return Err(at.error("iteration count is 0"));
    }
    p.finish(&format!("{name} parameters"))?;
    Ok((salt, iterations))
}

/// Encrypts a `PrivateKeyInfo` with PBES2: PBKDF2 with `options.prf` and `options.iterations`,
/// a random 16-byte salt, `options.cipher` with a random IV. Returns the DER of the
/// `EncryptedPrivateKeyInfo`.
pub(super) fn encrypt_pbes2(
    private_key_info: &[u8],
    passphrase: &[u8],
    options: &Pkcs8Options,
) -> Result<Zeroizing<Vec<u8>>> {
    if options.iterations == 0 {
        return Err(Error::new(ErrorKind::InvalidRequest(
            "PBKDF2 iterations must be at least 1".into(),
        )));
    }
    let (cipher, cipher_oid) = match options.cipher {
        Pkcs8Cipher::Aes128Cbc => (CbcCipher::Aes128, oid::AES128_CBC),
        Pkcs8Cipher::Aes192Cbc => (CbcCipher::Aes192, oid::AES192_CBC),
        Pkcs8Cipher::Aes256Cbc => (CbcCipher::Aes256, oid::AES256_CBC),
    };
    let prf: Pbkdf2Prf = options.prf;
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    random(&mut salt)?;
    random(&mut iv)?;
    let mut key = Zeroizing::new(vec![0u8; cipher.key_len()]);
    prf.derive(passphrase, &salt, options.iterations, &mut key);
    let encrypted = cipher
        .encrypt(&key, &iv, private_key_info)
        .ok_or_else(|| Error::new(ErrorKind::InvalidRequest("cipher setup failed".into())))?;
    // DER leaves out a DEFAULT value: HMAC-SHA-1 is PBKDF2's default PRF.
    let prf_part = if prf == Pbkdf2Prf::HmacSha1 {
        Zeroizing::new(Vec::new())
    } else {
        asn1::sequence(&[&asn1::oid(prf.oid()), &asn1::null()])
    };
    let kdf = asn1::sequence(&[
        &asn1::oid(oid::PBKDF2),
        &asn1::sequence(&[
            &asn1::octet_string(&salt),
            &asn1::small_uint(u64::from(options.iterations)),
            &prf_part,
        ]),
    ]);
    let enc = asn1::sequence(&[&asn1::oid(cipher_oid), &asn1::octet_string(&iv)]);
    let algorithm = asn1::sequence(&[&asn1::oid(oid::PBES2), &asn1::sequence(&[&kdf, &enc])]);
    Ok(asn1::sequence(&[
        &algorithm,
        &asn1::octet_string(&encrypted),
    ]))
}

fn random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| Error::new(ErrorKind::Io(format!("no random numbers: {e}"))))
}
