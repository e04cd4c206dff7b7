//! Traditional ("legacy") PEM private keys: PKCS#1 `RSA PRIVATE KEY` ([RFC 8017] A.1.2), SEC1
//! `EC PRIVATE KEY` ([RFC 5915]), OpenSSL's `DSA PRIVATE KEY`, optionally encrypted with
//! OpenSSL's RFC 1421-style headers. The same structures are read bare as DER.
//!
//! ```text
//! -----BEGIN RSA PRIVATE KEY-----
//! Proc-Type: 4,ENCRYPTED                      (only when encrypted)
//! DEK-Info: AES-128-CBC,<IV as hex>
//!
//! base64 of RSAPrivateKey | ECPrivateKey | SEQUENCE { 0, p, q, g, y, x }, CBC-encrypted with
//! the key EVP_BytesToKey(MD5, passphrase, salt = first 8 bytes of the IV, 1 iteration)
//! -----END RSA PRIVATE KEY-----
//! ```
//!
//! Decisions where openssl leaves a choice:
//! - Written as `openssl rsa/ec/dsa` writes it: 64-column base64, `DEK-Info` IV in upper-case
//!   hex, EC keys with the named curve and the public key.
//! - An `EC PARAMETERS` block before the key (`openssl ecparam -genkey`) is skipped.
//! - The format has no comment field: keys read from it have an empty comment.
//! - Ed25519 and Ed448 have no traditional form: writing them is refused, naming PKCS#8 and
//!   OpenSSH instead.
//! - The CRT exponents of a PKCS#1 key are read but not kept (keyconv checks n, e, d, p, q and
//!   the coefficient); they are recomputed on output.
//!
//! [RFC 8017]: https://www.rfc-editor.org/rfc/rfc8017
//! [RFC 5915]: https://www.rfc-editor.org/rfc/rfc5915

use std::fmt;
use std::str::FromStr;

use md5::Digest as _;
use zeroize::Zeroizing;

use crate::encoding::asn1::{self, Reader};
use crate::encoding::cbc::{CbcCipher, CbcError};
use crate::encoding::{pem as armour, text};
use crate::error::{Error, ErrorKind, Result};
use crate::format::der_keys;
use crate::format::{Format, PlainKeyFile, PrivateKeyFile};
use crate::key::{PrivateKey, PublicKey, PublicKeyData, SecretBytes, SecretKeyData};
use crate::passphrase::Passphrase;
use crate::protection::{Cipher, Kdf, KdfLimits, Protection, Scheme};

/// The `DEK-Info` cipher keyconv writes.
///
/// ```
/// use keyconv::format::pem::LegacyCipher;
///
/// assert_eq!(LegacyCipher::default(), LegacyCipher::Aes128Cbc);
/// assert_eq!(LegacyCipher::DesEde3Cbc.dek_name(), "DES-EDE3-CBC");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LegacyCipher {
    /// AES-128-CBC (default).
    #[default]
    Aes128Cbc,
    /// AES-192-CBC.
    Aes192Cbc,
    /// AES-256-CBC.
    Aes256Cbc,
    /// DES-EDE3-CBC, for old readers. (puttygen 0.78 reads this and AES-128-CBC, not
    /// AES-192/256-CBC.)
    DesEde3Cbc,
}

impl LegacyCipher {
    fn cbc(self) -> CbcCipher {
        match self {
            LegacyCipher::Aes128Cbc => CbcCipher::Aes128,
            LegacyCipher::Aes192Cbc => CbcCipher::Aes192,
            LegacyCipher::Aes256Cbc => CbcCipher::Aes256,
            LegacyCipher::DesEde3Cbc => CbcCipher::DesEde3,
        }
    }

    /// The `DEK-Info` name, e.g. `AES-128-CBC`.
    ///
    /// ```
    /// assert_eq!(keyconv::format::pem::LegacyCipher::Aes256Cbc.dek_name(), "AES-256-CBC");
    /// ```
    pub fn dek_name(self) -> &'static str {
        match self {
            LegacyCipher::Aes128Cbc => "AES-128-CBC",
            LegacyCipher::Aes192Cbc => "AES-192-CBC",
            LegacyCipher::Aes256Cbc => "AES-256-CBC",
            LegacyCipher::DesEde3Cbc => "DES-EDE3-CBC",
        }
    }
}

impl LegacyCipher {
    /// Every cipher keyconv writes in `DEK-Info`.
    pub const ALL: &'static [LegacyCipher] = &[
        LegacyCipher::Aes128Cbc,
        LegacyCipher::Aes192Cbc,
        LegacyCipher::Aes256Cbc,
        LegacyCipher::DesEde3Cbc,
    ];
}

impl From<LegacyCipher> for Cipher {
    fn from(c: LegacyCipher) -> Cipher {
        crate::format::cbc_cipher(c.cbc())
    }
}

impl TryFrom<Cipher> for LegacyCipher {
    type Error = Error;
    /// The `DEK-Info` cipher keyconv writes that is `cipher`; an error naming them otherwise.
    fn try_from(cipher: Cipher) -> Result<LegacyCipher> {
        LegacyCipher::ALL
            .iter()
            .copied()
            .find(|c| Cipher::from(*c) == cipher)
            .ok_or_else(|| {
                crate::protection::unknown_name(
                    "PEM cipher",
                    cipher.ssh_name(),
                    LegacyCipher::ALL
                        .iter()
                        .map(|c| Cipher::from(*c).ssh_name()),
                )
            })
    }
}

impl FromStr for LegacyCipher {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        LegacyCipher::try_from(s.parse::<Cipher>()?)
    }
}

impl fmt::Display for LegacyCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Cipher::from(*self).ssh_name())
    }
}

/// Options for writing traditional PEM.
///
/// ```
/// use keyconv::format::pem::{LegacyCipher, PemOptions};
/// use keyconv::{EcCurve, KeySpec, Passphrase, PrivateKey};
///
/// let key = PrivateKey::generate(KeySpec::Ecdsa(EcCurve::P256), "")?;
/// let options = PemOptions { cipher: LegacyCipher::Aes256Cbc };
/// let pem = key.to_pem(&options, Some(&Passphrase::from("pw")))?;
/// assert!(pem.contains("DEK-Info: AES-256-CBC,"));
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PemOptions {
    /// The `DEK-Info` cipher when encrypting.
    pub cipher: LegacyCipher,
}

/// The key structure a traditional PEM file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    Rsa,
    Ec,
    Dsa,
}

impl KeyKind {
    const ALL: [KeyKind; 3] = [KeyKind::Rsa, KeyKind::Ec, KeyKind::Dsa];

    fn label(self) -> &'static str {
        match self {
            KeyKind::Rsa => "RSA PRIVATE KEY",
            KeyKind::Ec => "EC PRIVATE KEY",
            KeyKind::Dsa => "DSA PRIVATE KEY",
        }
    }

    /// The kind whose structure `der` has (a SEQUENCE filling it: nine or more INTEGERs for
    /// RSA, six for DSA, INTEGER then OCTET STRING for EC), if any.
    fn of_der(der: &[u8]) -> Option<KeyKind> {
        let tags = asn1::sequence_tags(der)?;
        let integers = tags.iter().take_while(|&&t| t == asn1::INTEGER).count();
        match tags.as_slice() {
            [asn1::INTEGER, asn1::OCTET_STRING, ..] => Some(KeyKind::Ec),
            _ if integers == 6 && tags.len() == 6 => Some(KeyKind::Dsa),
            _ if integers >= 9 => Some(KeyKind::Rsa),
            _ => None,
        }
    }

    fn decode(self, der: &[u8]) -> Result<PrivateKey> {
        match self {
            KeyKind::Rsa => der_keys::decode_rsa(der, Format::Pem),
            KeyKind::Ec => der_keys::decode_ec(der, None, Format::Pem),
            KeyKind::Dsa => decode_dsa(der),
        }
    }
}

/// OpenSSL's `DSAPrivateKey ::= SEQUENCE { version 0, p, q, g, y, x }`.
fn decode_dsa(der: &[u8]) -> Result<PrivateKey> {
    let mut outer = Reader::new(der, Format::Pem);
    let mut r = outer.sequence("DSA private key")?;
    outer.finish("DSA private key")?;
    let at = r.clone();
    if r.small_uint("DSA private key version")? != 0 {
        return Err(at.error("DSA private key version is not 0"));
    }
    let p = r.uint("DSA p")?.to_vec();
    let q = r.uint("DSA q")?.to_vec();
    let g = r.uint("DSA g")?.to_vec();
    let y = r.uint("DSA y")?.to_vec();
    let x = SecretBytes::new(r.uint("DSA x")?);
    r.finish("DSA private key")?;
    let data = PublicKeyData::Dsa { p, q, g, y };
    data.validate(Format::Pem)?;
    PrivateKey::new(PublicKey::new(data, "")?, SecretKeyData::Dsa { x })
}

fn encode_dsa(key: &PrivateKey) -> Result<Zeroizing<Vec<u8>>> {
    let (PublicKeyData::Dsa { p, q, g, y }, SecretKeyData::Dsa { x }) =
        (key.public_key().data(), key.secret())
    else {
        return Err(Error::new(ErrorKind::InvalidRequest(
            "the key is not a DSA key".into(),
        )));
    };
    Ok(asn1::sequence(&[
        &asn1::small_uint(0),
        &asn1::uint(p),
        &asn1::uint(q),
        &asn1::uint(g),
        &asn1::uint(y),
        &asn1::uint(x.as_bytes()),
    ]))
}

/// The `DEK-Info` ciphers keyconv reads: the `LegacyCipher`s and single DES.
fn dek_cipher(name: &str) -> Option<CbcCipher> {
    Some(match name.to_ascii_uppercase().as_str() {
        "AES-128-CBC" => CbcCipher::Aes128,
        "AES-192-CBC" => CbcCipher::Aes192,
        "AES-256-CBC" => CbcCipher::Aes256,
        "DES-EDE3-CBC" => CbcCipher::DesEde3,
        "DES-CBC" => CbcCipher::Des,
        _ => return None,
    })
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one iteration: `Dᵢ = MD5(Dᵢ₋₁ ‖ passphrase ‖ salt)`,
/// concatenated to `len` bytes; the salt is the first 8 bytes of the IV.
fn bytes_to_key(passphrase: &[u8], iv: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    let salt = iv.get(..8).unwrap_or(iv);
    let mut key = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut previous = Zeroizing::new(Vec::new());
    while key.len() < len {
        let digest = md5::Md5::new()
            .chain_update(&*previous)
            .chain_update(passphrase)
            .chain_update(salt)
            .finalize();
        previous.clear(); // the same 16 bytes are overwritten: nothing is left behind
        previous.extend_from_slice(&digest);
        key.extend_from_slice(&digest);
    }
    key.truncate(len);
    key
}

/// A `Proc-Type: 4,ENCRYPTED` file.
struct EncryptedFile {
    kind: KeyKind,
    cipher: CbcCipher,
    iv: Vec<u8>,
    data: Vec<u8>,
    protection: Protection,
}

impl PrivateKeyFile for EncryptedFile {
    fn protection(&self) -> &Protection {
        &self.protection
    }

    fn private_key(
        &self,
        passphrase: Option<&Passphrase>,
        limits: &KdfLimits,
    ) -> Result<PrivateKey> {
        let passphrase = passphrase.ok_or(Error::new(ErrorKind::PassphraseRequired))?;
        limits.check_kdf(&Kdf::OpensslMd5)?;
        let key = bytes_to_key(passphrase.as_bytes(), &self.iv, self.cipher.key_len());
        let plaintext = self
            .cipher
            .decrypt(&key, &self.iv, &self.data)
            .map_err(|e| match e {
                CbcError::Padding => Error::new(ErrorKind::IncorrectPassphrase),
                CbcError::Length => Error::malformed(
                    Format::Pem,
                    format!(
                        "encrypted body is not a whole number of {}-byte blocks",
                        self.cipher.block_len()
                    ),
                ),
            })?;
        // With a wrong key, CBC padding is right one time in ~256: the DER shape catches that.
        if KeyKind::of_der(&plaintext) != Some(self.kind) {
            return Err(Error::new(ErrorKind::IncorrectPassphrase));
        }
        self.kind.decode(&plaintext)
    }
}

pub(crate) fn decode(input: &[u8]) -> Result<Box<dyn PrivateKeyFile>> {
    // DER: starts as a SEQUENCE does and holds no armour (text may start with `0`).
    if input.first() == Some(&asn1::SEQUENCE) && !input.windows(10).any(|w| w == b"-----BEGIN") {
        let kind = KeyKind::of_der(input).ok_or_else(|| {
            Error::malformed(
                Format::Pem,
                "DER is not an RSA, EC or DSA private key structure",
            )
        })?;
        return Ok(Box::new(PlainKeyFile {
            key: kind.decode(input)?,
        }));
    }
    let text = text::decode(input)?;
    // The first key block; `openssl ecparam -genkey` puts an `EC PARAMETERS` block before it.
    let (start, kind) = KeyKind::ALL
        .into_iter()
        .filter_map(|k| {
            text.find(&format!("-----BEGIN {}-----", k.label()))
                .map(|at| (at, k))
        })
        .min_by_key(|&(at, _)| at)
        .ok_or_else(|| {
            Error::malformed(
                Format::Pem,
                "no -----BEGIN RSA/EC/DSA PRIVATE KEY----- line",
            )
        })?;
    let pem = armour::decode(text.get(start..).unwrap_or_default(), Format::Pem)?;
    let proc_type = pem.header("Proc-Type");
    let dek_info = pem.header("DEK-Info");
    let (proc_type, dek_info) = match (proc_type, dek_info) {
        (None, None) => {
            if let Some((name, _)) = pem.headers.first() {
                return Err(Error::malformed(
                    Format::Pem,
                    format!("unexpected header {name}"),
                ));
            }
            let found = KeyKind::of_der(&pem.body);
            if let Some(found) = found.filter(|&f| f != kind) {
                return Err(Error::malformed(
                    Format::Pem,
                    format!(
                        "PEM label {} does not match its contents ({})",
                        kind.label(),
                        found.label()
                    ),
                ));
            }
            return Ok(Box::new(PlainKeyFile {
                key: kind.decode(&pem.body)?,
            }));
        }
        (Some(p), Some(d)) => (p, d),
        (None, Some(_)) => {
            return Err(Error::malformed(
                Format::Pem,
                "DEK-Info header without Proc-Type",
            ));
        }
        (Some(_), None) => {
            return Err(Error::malformed(
                Format::Pem,
                "Proc-Type header without DEK-Info",
            ));
        }
    };
    if proc_type.replace(' ', "") != "4,ENCRYPTED" {
        return Err(Error::new(ErrorKind::UnsupportedScheme(format!(
            "PEM Proc-Type {proc_type}"
        ))));
    }
    let (name, iv_hex) = dek_info
        .split_once(',')
        .ok_or_else(|| Error::malformed(Format::Pem, "DEK-Info is not CIPHER,IV"))?;
    let name = name.trim();
    let cipher = dek_cipher(name).ok_or_else(|| {
        Error::new(ErrorKind::UnsupportedScheme(format!(
            "legacy PEM cipher {name} (keyconv reads AES-128/192/256-CBC, DES-EDE3-CBC and DES-CBC)"
        )))
    })?;
    let iv = hex::decode(iv_hex.trim())
        .ok()
        .filter(|iv| iv.len() == cipher.block_len())
        .ok_or_else(|| {
            Error::malformed(
                Format::Pem,
                format!(
                    "DEK-Info IV is not {} hex-encoded bytes",
                    cipher.block_len()
                ),
            )
        })?;
    Ok(Box::new(EncryptedFile {
        kind,
        cipher,
        iv,
        data: pem.body.to_vec(),
        protection: Protection::Encrypted {
            scheme: Scheme::LegacyPem,
            cipher: crate::format::cbc_cipher(cipher),
            kdf: Kdf::OpensslMd5,
        },
    }))
}

/// Encodes `key` as traditional PEM (`RSA`/`EC`/`DSA PRIVATE KEY`), legacy-encrypted with
/// `options.cipher` when `passphrase` is given. Ed25519 and Ed448 have no such form.
///
/// ```
/// use keyconv::format::pem::{self, LegacyCipher, PemOptions};
/// use keyconv::key::SecretBytes;
/// use keyconv::{EcCurve, KeyFile, KdfLimits, Passphrase, PrivateKey, SecretKeyData};
///
/// let d = SecretBytes::new([[0u8; 31].as_slice(), &[9]].concat());
/// let key = PrivateKey::from_secret(SecretKeyData::Ecdsa { d }, Some(EcCurve::P256), "")?;
/// let pass = Passphrase::from("correct horse");
/// let options = PemOptions { cipher: LegacyCipher::DesEde3Cbc };
/// let text = pem::encode(&key, &options, Some(&pass))?;
/// assert!(text.contains("DEK-Info: DES-EDE3-CBC,"));
/// let back = KeyFile::decode(text.as_bytes())?.private_key(Some(&pass), &KdfLimits::default())?;
/// assert_eq!(back, key);
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn encode(
    key: &PrivateKey,
    options: &PemOptions,
    passphrase: Option<&Passphrase>,
) -> Result<String> {
    let (kind, der) = match key.public_key().data() {
        PublicKeyData::Rsa { .. } => (KeyKind::Rsa, der_keys::encode_rsa(key)?),
        PublicKeyData::Ecdsa { .. } => (KeyKind::Ec, der_keys::encode_ec(key, true)?),
        PublicKeyData::Dsa { .. } => (KeyKind::Dsa, encode_dsa(key)?),
        other => {
            let name = match other {
                PublicKeyData::Ed25519(_) => "Ed25519",
                PublicKeyData::Ed448(_) => "Ed448",
                _ => other.algorithm(),
            };
            return Err(Error::new(ErrorKind::UnsupportedTarget {
                target: Format::Pem,
                why: format!("{name} has no traditional PEM form"),
                // OpenSSH has no Ed448 keys either.
                suggestion: if name == "Ed448" {
                    "pkcs8 or ppk"
                } else {
                    "pkcs8 or openssh"
                }
                .into(),
            }));
        }
    };
    let Some(passphrase) = passphrase else {
        return Ok(armour::encode(kind.label(), &[], &der, 64));
    };
    let cipher = options.cipher.cbc();
    let mut iv = vec![0u8; cipher.block_len()];
    getrandom::fill(&mut iv)
        .map_err(|e| Error::new(ErrorKind::Io(format!("no random numbers: {e}"))))?;
    let key = bytes_to_key(passphrase.as_bytes(), &iv, cipher.key_len());
    let encrypted = cipher
        .encrypt(&key, &iv, &der)
        .ok_or_else(|| Error::new(ErrorKind::InvalidRequest("cipher setup failed".into())))?;
    let dek_info = format!("{},{}", options.cipher.dek_name(), hex::encode_upper(&iv));
    Ok(armour::encode(
        kind.label(),
        &[("Proc-Type", "4,ENCRYPTED"), ("DEK-Info", &dek_info)],
        &encrypted,
        64,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_to_key_matches_openssl() {
        // openssl enc -aes-128-cbc -P -pass pass:secret -S 0001020304050607 -md md5
        // (key and IV are one EVP_BytesToKey stream; -aes-256-cbc shows 32 bytes of it)
        let salt = hex::decode("0001020304050607").unwrap();
        let key = bytes_to_key(b"secret", &salt, 16);
        assert_eq!(hex::encode_upper(&*key), "035FB8145B73CF111570DC936112BE9C");
        let key = bytes_to_key(b"secret", &salt, 32);
        assert_eq!(
            hex::encode_upper(&*key),
            "035FB8145B73CF111570DC936112BE9C375A5D3D8B915BC213BDBEF9DBFB7851"
        );
    }
}
