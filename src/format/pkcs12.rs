//! PKCS#12 `.p12` / `.pfx` files ([RFC 7292]), DER, in password integrity mode: the one private
//! key they hold. Read only.
//!
//! ```text
//! PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData MacData OPTIONAL }
//! ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }
//!   data          1.2.840.113549.1.7.1  OCTET STRING            -- authSafe: AuthenticatedSafe
//!   encryptedData 1.2.840.113549.1.7.6  SEQUENCE { version, SEQUENCE { data, AlgorithmIdentifier,
//!                                                  [0] IMPLICIT encrypted SafeContents } }
//! AuthenticatedSafe ::= SEQUENCE OF ContentInfo       -- each holding SafeContents
//! SafeContents ::= SEQUENCE OF SafeBag
//! SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OPTIONAL }
//!   keyBag (…12.10.1.1) PrivateKeyInfo; pkcs8ShroudedKeyBag (…12.10.1.2) EncryptedPrivateKeyInfo;
//!   certBag, crlBag, secretBag (ignored); safeContentsBag (…12.10.1.6) nested SafeContents
//! MacData ::= SEQUENCE { mac DigestInfo { AlgorithmIdentifier, digest OCTET STRING },
//!                        macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
//! ```
//!
//! The MAC is HMAC over the authSafe's content octets with a key from the PKCS#12 KDF (SHA-1,
//! SHA-224/256/384/512; the `-legacy` files use SHA-1, OpenSSL 3's default is SHA-256), or from
//! PBKDF2 under PBMAC1 (RFC 9579, OpenSSL 3.4's `-pbmac1_pbkdf2`). It is
//! verified, in constant time, before anything is decrypted; a mismatch means a wrong passphrase
//! or a modified file. The key bag and the encrypted safes use the PBE schemes of PKCS#8
//! (PBES2 with PBKDF2 and AES-CBC, OpenSSL 3's default; the PKCS#12 PBE schemes with 3DES and
//! RC2, `openssl pkcs12 -legacy`), through the PBE layer PKCS#8 shares.
//!
//! Decisions:
//! - Exactly one private key: a file with none (certificates only) or several is refused, and
//!   keys inside encrypted safes count too.
//! - A file without a passphrase-protected part is still MAC-protected: without a passphrase the
//!   empty one is tried (OpenSSL writes `-passout pass:` files this way), else one is required.
//! - A PBMAC1 MAC (RFC 9579: PBKDF2 with its own salt, count and key length, then HMAC) is read
//!   too. Public-key integrity mode (signedData) is refused as an unsupported scheme; BER with indefinite lengths (some Java and Windows tools) is refused
//!   as not DER.
//! - The key's comment is empty (a `friendlyName` attribute is not read as a comment).
//!
//! [RFC 7292]: https://www.rfc-editor.org/rfc/rfc7292

use hmac::{Hmac, KeyInit, Mac};
use zeroize::Zeroizing;

use crate::encoding::asn1::{self, Reader};
use crate::encoding::oid;
use crate::error::{Error, ErrorKind, Result};
use crate::format::pkcs8::{self, pbe};
use crate::format::{Format, PrivateKeyFile};
use crate::key::PrivateKey;
use crate::passphrase::Passphrase;
use crate::protection::{KdfLimits, MAX_PBE_ITERATIONS, MAX_PBKDF2_ITERATIONS, Protection};

const FORMAT: Format = Format::Pkcs12;

/// Nesting of `safeContentsBag`s followed; real files use none.
const MAX_NESTING: usize = 4;

fn malformed(what: impl Into<String>) -> Error {
    Error::malformed(FORMAT, what)
}

/// The MAC's digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MacHash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl MacHash {
    fn from_oid(oid: &str) -> Option<MacHash> {
        Some(match oid {
            oid::SHA1 => MacHash::Sha1,
            oid::SHA224 => MacHash::Sha224,
            oid::SHA256 => MacHash::Sha256,
            oid::SHA384 => MacHash::Sha384,
            oid::SHA512 => MacHash::Sha512,
            _ => return None,
        })
    }

    /// The hash of an HMAC algorithm OID (RFC 8018 B.1), for PBMAC1's messageAuthScheme.
    fn from_hmac_oid(oid: &str) -> Option<MacHash> {
        Some(match oid {
            oid::HMAC_SHA1 => MacHash::Sha1,
            oid::HMAC_SHA224 => MacHash::Sha224,
            oid::HMAC_SHA256 => MacHash::Sha256,
            oid::HMAC_SHA384 => MacHash::Sha384,
            oid::HMAC_SHA512 => MacHash::Sha512,
            _ => return None,
        })
    }

    fn output_len(self) -> usize {
        match self {
            MacHash::Sha1 => 20,
            MacHash::Sha224 => 28,
            MacHash::Sha256 => 32,
            MacHash::Sha384 => 48,
            MacHash::Sha512 => 64,
        }
    }
}

/// How the MAC key is derived.
#[derive(Clone, Debug)]
enum MacKey {
    /// The PKCS#12 KDF (RFC 7292 B.2) over the MAC's own hash, from MacData's salt and count.
    Pkcs12Kdf { salt: Vec<u8>, iterations: u64 },
    /// PBMAC1 (RFC 9579): PBKDF2 with its own parameters (MacData's salt and count are unused).
    Pbmac1 {
        prf: pbe::Pbkdf2Prf,
        salt: Vec<u8>,
        iterations: u64,
        key_len: usize,
    },
}

/// `MacData`: the HMAC's hash, its key derivation and the expected value.
#[derive(Clone, Debug)]
struct MacData {
    hash: MacHash,
    key: MacKey,
    digest: Vec<u8>,
}

/// The longest PBMAC1 key accepted (HMAC keys beyond a hash block are hashed anyway).
const MAX_PBMAC1_KEY_LEN: u64 = 256;

impl MacData {
    fn iterations(&self) -> u64 {
        match &self.key {
            MacKey::Pkcs12Kdf { iterations, .. } | MacKey::Pbmac1 { iterations, .. } => *iterations,
        }
    }
}

/// Where a key bag was found.
#[derive(Clone, Debug)]
enum Safe {
    /// The DER of a keyBag (PrivateKeyInfo) or pkcs8ShroudedKeyBag (EncryptedPrivateKeyInfo).
    Key(Vec<u8>),
    /// An encrypted safe: its scheme and ciphertext, decrypted once the MAC is verified.
    Encrypted { scheme: pbe::Scheme, data: Vec<u8> },
}

struct Pkcs12File {
    /// The authSafe's content octets, which the MAC covers.
    auth_safe: Vec<u8>,
    mac: Option<MacData>,
    safes: Vec<Safe>,
    protection: Protection,
}

pub(crate) fn decode(input: &[u8]) -> Result<Box<dyn PrivateKeyFile>> {
    let mut outer = Reader::new(input, FORMAT);
    let mut pfx = outer.sequence("PFX")?;
    outer.finish("PFX")?;
    let version = pfx.small_uint("PFX version")?;
    if version != 3 {
        return Err(malformed(format!("PFX version {version} is not 3")));
    }
    let mut auth = pfx.sequence("authSafe")?;
    let content_type = auth.oid("authSafe content type")?;
    match content_type.as_str() {
        oid::DATA => {}
        oid::SIGNED_DATA => {
            return Err(Error::new(ErrorKind::UnsupportedScheme(
                "PKCS#12 public-key integrity mode (signedData)".into(),
            )));
        }
        other => {
            return Err(malformed(format!(
                "authSafe content type {other} is not data"
            )));
        }
    }
    let mut content = auth.expect(asn1::context(0), "authSafe content")?;
    let auth_safe = content.octet_string("authSafe content")?.to_vec();
    content.finish("authSafe content")?;
    auth.finish("authSafe")?;
    let mac = match pfx.optional(asn1::SEQUENCE, "MAC data")? {
        Some(mut m) => Some(read_mac_data(&mut m)?),
        None => None,
    };
    pfx.finish("PFX")?;

    let mut safes = Vec::new();
    let mut list = Reader::new(&auth_safe, FORMAT);
    let mut infos = list.sequence("AuthenticatedSafe")?;
    list.finish("AuthenticatedSafe")?;
    while !infos.is_empty() {
        let mut info = infos.sequence("ContentInfo")?;
        let kind = info.oid("ContentInfo type")?;
        let mut content = info.expect(asn1::context(0), "ContentInfo content")?;
        match kind.as_str() {
            oid::DATA => {
                let bags = content.octet_string("SafeContents")?;
                read_safe_contents(bags, &mut safes, 0)?;
            }
            oid::ENCRYPTED_DATA => {
                let mut encrypted = content.sequence("EncryptedData")?;
                encrypted.small_uint("EncryptedData version")?;
                let mut eci = encrypted.sequence("EncryptedContentInfo")?;
                let inner = eci.oid("encrypted content type")?;
                if inner != oid::DATA {
                    return Err(malformed(format!(
                        "encrypted content type {inner} is not data"
                    )));
                }
                let scheme = pbe::Scheme::read(&mut eci)?;
                let data = eci
                    .expect(asn1::context_primitive(0), "encrypted content")?
                    .rest()
                    .to_vec();
                eci.finish("EncryptedContentInfo")?;
                safes.push(Safe::Encrypted { scheme, data });
            }
            oid::ENVELOPED_DATA => {
                return Err(Error::new(ErrorKind::UnsupportedScheme(
                    "PKCS#12 public-key privacy mode (envelopedData)".into(),
                )));
            }
            other => return Err(malformed(format!("ContentInfo type {other} is unknown"))),
        }
        content.finish("ContentInfo content")?;
        info.finish("ContentInfo")?;
    }

    let keys: Vec<&Vec<u8>> = safes
        .iter()
        .filter_map(|s| match s {
            Safe::Key(der) => Some(der),
            Safe::Encrypted { .. } => None,
        })
        .collect();
    let has_encrypted_safes = safes.iter().any(|s| matches!(s, Safe::Encrypted { .. }));
    let protection = match keys.as_slice() {
        [] if !has_encrypted_safes => {
            return Err(Error::new(ErrorKind::InvalidRequest(
                "the PKCS#12 file holds no private key (certificates only)".into(),
            )));
        }
        [] => Protection::None,
        [one] => pkcs8::decode(one)?.protection().clone(),
        many => return Err(several_keys(many.len())),
    };
    Ok(Box::new(Pkcs12File {
        auth_safe,
        mac,
        safes,
        protection,
    }))
}

fn several_keys(n: usize) -> Error {
    Error::new(ErrorKind::InvalidRequest(format!(
        "the PKCS#12 file holds {n} private keys; keyconv converts one key at a time \
         (extract one with openssl pkcs12 first)"
    )))
}

fn read_mac_data(m: &mut Reader<'_>) -> Result<MacData> {
    let mut digest_info = m.sequence("MAC digest info")?;
    let mut alg = digest_info.sequence("MAC algorithm")?;
    let oid = alg.oid("MAC algorithm")?;
    let pbmac1 = if oid == oid::PBMAC1 {
        Some(read_pbmac1(&mut alg)?)
    } else {
        None
    };
    let hash = match &pbmac1 {
        Some((hash, _)) => *hash,
        None => {
            let hash = MacHash::from_oid(&oid).ok_or_else(|| {
                Error::new(ErrorKind::UnsupportedScheme(format!(
                    "PKCS#12 MAC digest with OID {oid}"
                )))
            })?;
            if alg.peek_tag() == Some(asn1::NULL) {
                alg.null("MAC algorithm parameters")?;
            }
            hash
        }
    };
    alg.finish("MAC algorithm")?;
    let digest = digest_info.octet_string("MAC digest")?.to_vec();
    digest_info.finish("MAC digest info")?;
    let salt = m.octet_string("MAC salt")?.to_vec();
    let iterations = if m.peek_tag() == Some(asn1::INTEGER) {
        m.small_uint("MAC iterations")?
    } else {
        1
    };
    m.finish("MAC data")?;
    let key = match pbmac1 {
        Some((_, key)) => key,
        None => {
            if iterations == 0 {
                return Err(malformed("MAC iteration count is 0"));
            }
            MacKey::Pkcs12Kdf { salt, iterations }
        }
    };
    Ok(MacData { hash, key, digest })
}

/// `PBMAC1-params ::= SEQUENCE { keyDerivationFunc {PBKDF2, PBKDF2-params},
/// messageAuthScheme {hmacWith…} }` (RFC 9579, RFC 8018 A.5).
fn read_pbmac1(alg: &mut Reader<'_>) -> Result<(MacHash, MacKey)> {
    let mut params = alg.sequence("PBMAC1 parameters")?;
    let mut kdf = params.sequence("PBMAC1 key derivation function")?;
    let kdf_oid = kdf.oid("PBMAC1 key derivation function")?;
    if kdf_oid != oid::PBKDF2 {
        return Err(Error::new(ErrorKind::UnsupportedScheme(format!(
            "PBMAC1 key derivation with OID {kdf_oid}"
        ))));
    }
    let mut p = kdf.sequence("PBKDF2 parameters")?;
    let salt = p.octet_string("PBKDF2 salt")?.to_vec();
    let iterations = p.small_uint("PBKDF2 iteration count")?;
    let key_len = if p.peek_tag() == Some(asn1::INTEGER) {
        Some(p.small_uint("PBKDF2 key length")?)
    } else {
        None
    };
    let prf = match p.optional(asn1::SEQUENCE, "PBKDF2 PRF")? {
        Some(mut prf) => {
            let oid = prf.oid("PBKDF2 PRF")?;
            if prf.peek_tag() == Some(asn1::NULL) {
                prf.null("PBKDF2 PRF parameters")?;
            }
            prf.finish("PBKDF2 PRF")?;
            pbe::Pbkdf2Prf::from_oid(&oid).ok_or_else(|| {
                Error::new(ErrorKind::UnsupportedScheme(format!(
                    "PBKDF2 PRF with OID {oid}"
                )))
            })?
        }
        None => pbe::Pbkdf2Prf::HmacSha1,
    };
    p.finish("PBKDF2 parameters")?;
    kdf.finish("PBMAC1 key derivation function")?;
    let mut mac = params.sequence("PBMAC1 message authentication scheme")?;
    let mac_oid = mac.oid("PBMAC1 message authentication scheme")?;
    if mac.peek_tag() == Some(asn1::NULL) {
        mac.null("PBMAC1 MAC parameters")?;
    }
    mac.finish("PBMAC1 message authentication scheme")?;
    params.finish("PBMAC1 parameters")?;
    let hash = MacHash::from_hmac_oid(&mac_oid).ok_or_else(|| {
        Error::new(ErrorKind::UnsupportedScheme(format!(
            "PBMAC1 MAC with OID {mac_oid}"
        )))
    })?;
    if iterations == 0 {
        return Err(malformed("PBMAC1 iteration count is 0"));
    }
    // RFC 9579 requires keyLength; without it, the HMAC's output length.
    let key_len = key_len.unwrap_or(hash.output_len() as u64);
    if key_len == 0 || key_len > MAX_PBMAC1_KEY_LEN {
        return Err(malformed(format!(
            "PBMAC1 key length {key_len} is out of range"
        )));
    }
    Ok((
        hash,
        MacKey::Pbmac1 {
            prf,
            salt,
            iterations,
            key_len: key_len as usize,
        },
    ))
}

/// Collects the key bags of a `SafeContents` (following nested `safeContentsBag`s).
fn read_safe_contents(der: &[u8], out: &mut Vec<Safe>, depth: usize) -> Result<()> {
    if depth > MAX_NESTING {
        return Err(malformed("safe contents are nested too deeply"));
    }
    let mut outer = Reader::new(der, FORMAT);
    let mut bags = outer.sequence("SafeContents")?;
    outer.finish("SafeContents")?;
    while !bags.is_empty() {
        let mut bag = bags.sequence("SafeBag")?;
        let id = bag.oid("SafeBag type")?;
        let mut value = bag.expect(asn1::context(0), "SafeBag value")?;
        if bag.peek_tag() == Some(0x31) {
            bag.any("SafeBag attributes")?;
        }
        bag.finish("SafeBag")?;
        match id.as_str() {
            oid::KEY_BAG | oid::SHROUDED_KEY_BAG => {
                out.push(Safe::Key(
                    value.expect_encoded(asn1::SEQUENCE, "key bag")?.to_vec(),
                ));
            }
            oid::SAFE_CONTENTS_BAG => {
                read_safe_contents(
                    value.expect_encoded(asn1::SEQUENCE, "SafeContents")?,
                    out,
                    depth + 1,
                )?;
            }
            _ => {
                value.rest();
            }
        }
        value.finish("SafeBag value")?;
    }
    Ok(())
}

impl MacData {
    /// Whether the MAC over `data` verifies with `passphrase` (in constant time).
    fn verify(&self, passphrase: &[u8], data: &[u8]) -> Result<bool> {
        let iterations = u32::try_from(self.iterations())
            .map_err(|_| malformed("MAC iteration count is too large"))?;
        let key = match &self.key {
            MacKey::Pkcs12Kdf { salt, .. } => {
                let password = pbe::pkcs12_password(passphrase);
                let (p, len) = (pbe::Pkcs12Purpose::Mac, self.hash.output_len());
                match self.hash {
                    MacHash::Sha1 => {
                        pbe::pkcs12_kdf::<sha1::Sha1>(&password, salt, p, iterations, len)
                    }
                    MacHash::Sha224 => {
                        pbe::pkcs12_kdf::<sha2::Sha224>(&password, salt, p, iterations, len)
                    }
                    MacHash::Sha256 => {
                        pbe::pkcs12_kdf::<sha2::Sha256>(&password, salt, p, iterations, len)
                    }
                    MacHash::Sha384 => {
                        pbe::pkcs12_kdf::<sha2::Sha384>(&password, salt, p, iterations, len)
                    }
                    MacHash::Sha512 => {
                        pbe::pkcs12_kdf::<sha2::Sha512>(&password, salt, p, iterations, len)
                    }
                }
            }
            MacKey::Pbmac1 {
                prf, salt, key_len, ..
            } => {
                let mut key = Zeroizing::new(vec![0u8; *key_len]);
                prf.derive(passphrase, salt, iterations, &mut key);
                key
            }
        };
        macro_rules! check {
            ($d:ty) => {
                match <Hmac<$d> as KeyInit>::new_from_slice(&key) {
                    Ok(mut mac) => {
                        Mac::update(&mut mac, data);
                        // `verify_slice` compares in constant time.
                        mac.verify_slice(&self.digest).is_ok()
                    }
                    Err(_) => false,
                }
            };
        }
        Ok(match self.hash {
            MacHash::Sha1 => check!(sha1::Sha1),
            MacHash::Sha224 => check!(sha2::Sha224),
            MacHash::Sha256 => check!(sha2::Sha256),
            MacHash::Sha384 => check!(sha2::Sha384),
            MacHash::Sha512 => check!(sha2::Sha512),
        })
    }
}

impl Pkcs12File {
    /// Checks every KDF the file asks for against `limits`, before any is run.
    fn check_limits(&self, limits: &KdfLimits) -> Result<()> {
        match self.mac.as_ref().map(|m| &m.key) {
            Some(MacKey::Pkcs12Kdf { iterations, .. }) => {
                limits.check("PKCS#12 MAC iterations", *iterations, MAX_PBE_ITERATIONS)?;
            }
            Some(MacKey::Pbmac1 { iterations, .. }) => {
                limits.check("PBMAC1 iterations", *iterations, MAX_PBKDF2_ITERATIONS)?;
            }
            None => {}
        }
        for safe in &self.safes {
            let protection = match safe {
                Safe::Encrypted { scheme, .. } => scheme.protection(),
                Safe::Key(der) => pkcs8::decode(der)?.protection().clone(),
            };
            if let Protection::Encrypted { kdf, .. } = protection {
                limits.check_kdf(&kdf)?;
            }
        }
        Ok(())
    }

    /// The passphrase that opens the file: the given one, or the empty one when none is given
    /// and the MAC verifies with it.
    fn unlock(&self, passphrase: Option<&Passphrase>) -> Result<Zeroizing<Vec<u8>>> {
        let Some(mac) = &self.mac else {
            return match passphrase {
                Some(p) => Ok(Zeroizing::new(p.as_bytes().to_vec())),
                None if self.protection.is_encrypted() => {
                    Err(Error::new(ErrorKind::PassphraseRequired))
                }
                None => Ok(Zeroizing::new(Vec::new())),
            };
        };
        match passphrase {
            Some(p) => {
                if mac.verify(p.as_bytes(), &self.auth_safe)? {
                    Ok(Zeroizing::new(p.as_bytes().to_vec()))
                } else {
                    Err(Error::incorrect_passphrase_or_corrupted())
                }
            }
            None => {
                if mac.verify(b"", &self.auth_safe)? {
                    Ok(Zeroizing::new(Vec::new()))
                } else {
                    Err(Error::new(ErrorKind::PassphraseRequired))
                }
            }
        }
    }
}

impl PrivateKeyFile for Pkcs12File {
    fn protection(&self) -> &Protection {
        &self.protection
    }

    fn private_key(
        &self,
        passphrase: Option<&Passphrase>,
        limits: &KdfLimits,
    ) -> Result<PrivateKey> {
        self.check_limits(limits)?;
        let pass = self.unlock(passphrase)?;
        let mut keys: Vec<Vec<u8>> = Vec::new();
        for safe in &self.safes {
            match safe {
                Safe::Key(der) => keys.push(der.clone()),
                Safe::Encrypted { scheme, data } => {
                    let plain = scheme.decrypt(&pass, limits, data).map_err(|e| {
                        if self.mac.is_some() && *e.kind() == ErrorKind::IncorrectPassphrase {
                            malformed(
                                "an encrypted safe does not decrypt although the MAC verified",
                            )
                        } else {
                            e
                        }
                    })?;
                    let mut inner = Vec::new();
                    read_safe_contents(&plain, &mut inner, 0).map_err(|e| {
                        if self.mac.is_some() {
                            e
                        } else {
                            Error::new(ErrorKind::IncorrectPassphrase)
                        }
                    })?;
                    for s in inner {
                        if let Safe::Key(der) = s {
                            keys.push(der);
                        }
                    }
                }
            }
        }
        let der = match keys.as_slice() {
            [] => {
                return Err(Error::new(ErrorKind::InvalidRequest(
                    "the PKCS#12 file holds no private key (certificates only)".into(),
                )));
            }
            [one] => one,
            many => return Err(several_keys(many.len())),
        };
        let bag = pkcs8::decode(der)?;
        let pass = Passphrase::new(pass.to_vec());
        bag.private_key(Some(&pass), limits)
    }
}
