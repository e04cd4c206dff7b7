//! PKCS#8 private keys ([RFC 5208], [RFC 5958]), PEM (`PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`,
//! [RFC 7468] §10–11) or DER, encrypted with PBES2 ([RFC 8018]), PBES1 or a PKCS#12 PBE scheme.
//!
//! ```text
//! PrivateKeyInfo ::= SEQUENCE {                    -- OneAsymmetricKey in RFC 5958
//!     version              INTEGER (0 | 1),
//!     privateKeyAlgorithm  AlgorithmIdentifier,    -- rsaEncryption NULL | id-dsa Dss-Parms |
//!                                                  -- id-ecPublicKey namedCurve | id-Ed25519 | id-Ed448
//!     privateKey           OCTET STRING,           -- RSAPrivateKey | INTEGER x | ECPrivateKey |
//!                                                  -- OCTET STRING seed
//!     attributes       [0] IMPLICIT SET OPTIONAL,
//!     publicKey        [1] IMPLICIT BIT STRING OPTIONAL }   -- version 1 only
//! EncryptedPrivateKeyInfo ::= SEQUENCE {
//!     encryptionAlgorithm  AlgorithmIdentifier,    -- see the pbes module
//!     encryptedData        OCTET STRING }          -- the encrypted PrivateKeyInfo
//! ```
//!
//! Decisions where the standards leave a choice:
//! - A key is written as openssl writes it: version 0 without attributes or public key; EC keys
//!   as SEC1 with the public key but without the curve (the AlgorithmIdentifier names it);
//!   Ed25519/Ed448 as RFC 8410 version 0 with the seed only.
//! - Encryption is PBES2 + PBKDF2 with a 16-byte random salt (NIST SP 800-132 wants at least
//!   128 bits; `openssl pkcs8` writes 8 bytes) and a random IV; no `keyLength` (as openssl).
//! - A public key stored in a version 1 (RFC 5958) file must match the private key, else the
//!   file is refused as inconsistent.
//! - PKCS#8 has no comment field: keys read from it have an empty comment.
//!
//! [RFC 5208]: https://www.rfc-editor.org/rfc/rfc5208
//! [RFC 5958]: https://www.rfc-editor.org/rfc/rfc5958
//! [RFC 7468]: https://www.rfc-editor.org/rfc/rfc7468
//! [RFC 8018]: https://www.rfc-editor.org/rfc/rfc8018

use zeroize::Zeroizing;

use crate::encoding::asn1::{self, Reader};
use crate::encoding::{pem as armour, text};
use crate::error::{Error, ErrorKind, Result};
use crate::format::der_keys::{self, KeyAlgorithm};
use crate::format::{Format, PlainKeyFile, PrivateKeyFile};
use crate::key::{PrivateKey, PublicKeyData, SecretBytes, SecretKeyData};
use crate::passphrase::Passphrase;
use crate::protection::{Cipher, Kdf, KdfLimits, Protection};

mod kdf;
mod pbes;

use pbes::Scheme;

/// The password-based encryption PKCS#12 shares with PKCS#8: the same AlgorithmIdentifiers
/// protect its key bags and encrypted safes, and its MAC key comes from the PKCS#12 KDF.
pub(crate) mod pbe {
    use zeroize::Zeroizing;

    use crate::encoding::asn1::Reader;
    use crate::error::Result;
    use crate::protection::{KdfLimits, Protection};

    pub(crate) use super::kdf::{Pbkdf2Prf, Pkcs12Purpose, pkcs12_kdf, pkcs12_password};

    /// An encryption scheme (an `AlgorithmIdentifier` of PBES2, PBES1 or a PKCS#12 PBE).
    #[derive(Clone, Debug)]
    pub(crate) struct Scheme(super::pbes::Scheme);

    impl Scheme {
        /// Reads the AlgorithmIdentifier.
        pub(crate) fn read(r: &mut Reader<'_>) -> Result<Scheme> {
            super::pbes::Scheme::read(r).map(Scheme)
        }

        /// The protection, as `inspect` and the FIPS rules see it.
        pub(crate) fn protection(&self) -> Protection {
            self.0.protection()
        }

        /// Decrypts `data`, checking the KDF's work against `limits` first; bad padding is
        /// an incorrect passphrase.
        pub(crate) fn decrypt(
            &self,
            passphrase: &[u8],
            limits: &KdfLimits,
            data: &[u8],
        ) -> Result<Zeroizing<Vec<u8>>> {
            self.0.decrypt(passphrase, limits, data)
        }
    }
}

const LABEL: &str = "PRIVATE KEY";
const ENCRYPTED_LABEL: &str = "ENCRYPTED PRIVATE KEY";

pub use crate::protection::Prf;

crate::protection::named_enum! {
    /// The PBES2 encryption scheme keyconv writes.
    ///
    /// ```
    /// use keyconv::format::pkcs8::Pkcs8Cipher;
    /// use keyconv::Cipher;
    ///
    /// let c: Pkcs8Cipher = "aes256-cbc".parse()?;
    /// assert_eq!(Cipher::from(c), Cipher::Aes256Cbc);
    /// assert!(Pkcs8Cipher::try_from(Cipher::Aes128Ctr).is_err());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    #[derive(Default)]
    pub enum Pkcs8Cipher ("PKCS#8 cipher") {
        /// AES-128-CBC (default, as `openssl pkcs8 -topk8 -v2 aes128`).
        #[default]
        Aes128Cbc => "aes128-cbc",
        /// AES-192-CBC.
        Aes192Cbc => "aes192-cbc",
        /// AES-256-CBC.
        Aes256Cbc => "aes256-cbc",
    }
}

impl From<Pkcs8Cipher> for Cipher {
    fn from(c: Pkcs8Cipher) -> Cipher {
        match c {
            Pkcs8Cipher::Aes128Cbc => Cipher::Aes128Cbc,
            Pkcs8Cipher::Aes192Cbc => Cipher::Aes192Cbc,
            Pkcs8Cipher::Aes256Cbc => Cipher::Aes256Cbc,
        }
    }
}

impl TryFrom<Cipher> for Pkcs8Cipher {
    type Error = Error;
    /// The PKCS#8 cipher keyconv writes that is `cipher`; an error naming them otherwise.
    fn try_from(cipher: Cipher) -> Result<Pkcs8Cipher> {
        Pkcs8Cipher::ALL
            .iter()
            .copied()
            .find(|c| Cipher::from(*c) == cipher)
            .ok_or_else(|| {
                crate::protection::unknown_name(
                    "PKCS#8 cipher",
                    cipher.ssh_name(),
                    Pkcs8Cipher::ALL.iter().map(|c| c.name()),
                )
            })
    }
}

/// Options for writing PKCS#8.
///
/// ```
/// use keyconv::format::pkcs8::{Pkcs8Cipher, Pkcs8Options};
/// use keyconv::{KeySpec, Passphrase, Prf, PrivateKey};
///
/// let options = Pkcs8Options { cipher: Pkcs8Cipher::Aes256Cbc, prf: Prf::HmacSha512, iterations: 1000, ..Pkcs8Options::default() };
/// let key = PrivateKey::generate(KeySpec::Ed25519, "")?;
/// let pass = Passphrase::from("pw");
/// let pem = key.to_pkcs8_pem(&options, Some(&pass))?;
/// assert_eq!(PrivateKey::from_pkcs8_pem(pem.as_bytes(), Some(&pass))?, key);
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pkcs8Options {
    /// PBKDF2 PRF.
    pub prf: Prf,
    /// Cipher.
    pub cipher: Pkcs8Cipher,
    /// PBKDF2 iterations (600,000 by default).
    pub iterations: u32,
    /// Write DER instead of PEM.
    pub der: bool,
    /// The limits [`Pkcs8Options::iterations`] must keep (SPEC §3): the same as for reading,
    /// so keyconv never writes a file it would refuse to read. [`KdfLimits::default`] unless
    /// the caller lifts them.
    pub limits: KdfLimits,
}

impl Default for Pkcs8Options {
    fn default() -> Self {
        Pkcs8Options {
            prf: Prf::default(),
            cipher: Pkcs8Cipher::default(),
            iterations: 600_000,
            der: false,
            limits: KdfLimits::default(),
        }
    }
}

impl Pkcs8Options {
    /// The key derivation these options write (with a passphrase): PBKDF2 with a 16-byte salt.
    ///
    /// ```
    /// use keyconv::Kdf;
    /// use keyconv::format::pkcs8::Pkcs8Options;
    ///
    /// let Kdf::Pbkdf2 { iterations, salt_len, .. } = Pkcs8Options::default().kdf() else { panic!() };
    /// assert_eq!((iterations, salt_len), (600_000, 16));
    /// ```
    pub fn kdf(&self) -> Kdf {
        Kdf::Pbkdf2 {
            prf: self.prf,
            iterations: u64::from(self.iterations),
            salt_len: 16,
            key_len: match self.cipher {
                Pkcs8Cipher::Aes128Cbc => 16,
                Pkcs8Cipher::Aes192Cbc => 24,
                Pkcs8Cipher::Aes256Cbc => 32,
            },
        }
    }

    /// Refuses a key derivation above [`Pkcs8Options::limits`].
    ///
    /// ```
    /// use keyconv::format::pkcs8::Pkcs8Options;
    /// assert!(Pkcs8Options::default().check_limits().is_ok());
    /// let slow = Pkcs8Options { iterations: u32::MAX, ..Pkcs8Options::default() };
    /// assert!(slow.check_limits().is_err());
    /// ```
    pub fn check_limits(&self) -> Result<()> {
        self.limits.check_kdf(&self.kdf())
    }
}

/// An `EncryptedPrivateKeyInfo`: the scheme and the ciphertext. The public key is inside.
struct EncryptedFile {
    scheme: Scheme,
    protection: Protection,
    data: Vec<u8>,
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
        let plaintext = self
            .scheme
            .decrypt(passphrase.as_bytes(), limits, &self.data)?;
        // With a wrong key, CBC padding is right one time in ~256: the DER shape catches that.
        if !looks_like_private_key_info(&plaintext) {
            return Err(Error::new(ErrorKind::IncorrectPassphrase));
        }
        decode_private_key_info(&plaintext)
    }
}

/// Whether `der` is a SEQUENCE filling it whose elements begin INTEGER, SEQUENCE, OCTET STRING.
fn looks_like_private_key_info(der: &[u8]) -> bool {
    matches!(
        asn1::sequence_tags(der).as_deref(),
        Some([asn1::INTEGER, asn1::SEQUENCE, asn1::OCTET_STRING, ..])
    )
}

/// Whether `input` is DER rather than PEM text: it starts as a SEQUENCE does and holds no
/// `-----BEGIN` (text that happens to start with `0` is still read as PEM).
fn is_der(input: &[u8]) -> bool {
    input.first() == Some(&asn1::SEQUENCE) && !input.windows(10).any(|w| w == b"-----BEGIN")
}

/// The DER inside a PEM file (with its label), or the input itself when it is DER already.
fn der_of(input: &[u8]) -> Result<(Option<String>, Zeroizing<Vec<u8>>)> {
    if is_der(input) {
        return Ok((None, Zeroizing::new(input.to_vec())));
    }
    let text = text::decode(input)?;
    let pem = armour::decode(&text, Format::Pkcs8)?;
    if let Some((name, _)) = pem.headers.first() {
        return Err(Error::malformed(
            Format::Pkcs8,
            format!("unexpected header {name} (PKCS#8 PEM has no headers)"),
        ));
    }
    Ok((Some(pem.label), pem.body))
}

pub(crate) fn decode(input: &[u8]) -> Result<Box<dyn PrivateKeyFile>> {
    let (label, der) = der_of(input)?;
    let encrypted = match label.as_deref() {
        None => asn1::sequence_tags(&der).is_some_and(|tags| tags.first() == Some(&asn1::SEQUENCE)),
        Some(LABEL) => false,
        Some(ENCRYPTED_LABEL) => true,
        Some(other) => {
            return Err(Error::malformed(
                Format::Pkcs8,
                format!("PEM label is {other}, not {LABEL} or {ENCRYPTED_LABEL}"),
            ));
        }
    };
    if !encrypted {
        return Ok(Box::new(PlainKeyFile {
            key: decode_private_key_info(&der)?,
        }));
    }
    let mut outer = Reader::new(&der, Format::Pkcs8);
    let mut r = outer.sequence("EncryptedPrivateKeyInfo")?;
    outer.finish("EncryptedPrivateKeyInfo")?;
    let scheme = Scheme::read(&mut r)?;
    let data = r.octet_string("encrypted data")?.to_vec();
    r.finish("EncryptedPrivateKeyInfo")?;
    Ok(Box::new(EncryptedFile {
        protection: scheme.protection(),
        scheme,
        data,
    }))
}

/// Decodes a `PrivateKeyInfo` / `OneAsymmetricKey` that fills `der`.
fn decode_private_key_info(der: &[u8]) -> Result<PrivateKey> {
    let mut outer = Reader::new(der, Format::Pkcs8);
    let mut r = outer.sequence("PrivateKeyInfo")?;
    outer.finish("PrivateKeyInfo")?;
    let at = r.clone();
    let version = r.small_uint("PrivateKeyInfo version")?;
    if version > 1 {
        return Err(at.error(format!("PrivateKeyInfo version {version} is unknown")));
    }
    let algorithm = der_keys::read_key_algorithm(&mut r, "private key algorithm")?;
    let private = r.octet_string("private key")?;
    r.optional(asn1::context(0), "attributes")?;
    let public = match r.optional(asn1::context_primitive(1), "public key")? {
        Some(bits) => Some(asn1::bit_string_contents(bits, "public key")?),
        None => None,
    };
    r.finish("PrivateKeyInfo")?;
    let key = match &algorithm {
        KeyAlgorithm::Rsa => der_keys::decode_rsa(private, Format::Pkcs8)?,
        KeyAlgorithm::Dsa { p, q, g } => {
            let mut inner = Reader::new(private, Format::Pkcs8);
            let x = SecretBytes::new(inner.uint("DSA private key")?);
            inner.finish("DSA private key")?;
            PrivateKey::from_dsa_x(p.clone(), q.clone(), g.clone(), &x, Format::Pkcs8)?
        }
        KeyAlgorithm::Ec(curve) => der_keys::decode_ec(private, Some(*curve), Format::Pkcs8)?,
        KeyAlgorithm::Ed25519 | KeyAlgorithm::Ed448 => {
            let mut inner = Reader::new(private, Format::Pkcs8);
            let seed = SecretBytes::new(inner.octet_string("EdDSA private key")?);
            inner.finish("EdDSA private key")?;
            let (secret, len) = if algorithm == KeyAlgorithm::Ed25519 {
                (SecretKeyData::Ed25519(seed.clone()), 32)
            } else {
                (SecretKeyData::Ed448(seed.clone()), 57)
            };
            if seed.as_bytes().len() != len {
                return Err(Error::malformed(
                    Format::Pkcs8,
                    format!(
                        "EdDSA private key is {} bytes, not {len}",
                        seed.as_bytes().len()
                    ),
                ));
            }
            PrivateKey::from_secret(secret, None, "")?
        }
    };
    if let Some(public) = public {
        // RFC 5958's optional public key must be the key's own.
        let stored = der_keys::decode_public_key(&algorithm, public, Format::Pkcs8)?;
        if &stored != key.public_key().data() {
            return Err(Error::new(ErrorKind::InconsistentKey(
                "the public key stored in the PKCS#8 file is not the private key's".into(),
            )));
        }
    }
    Ok(key)
}

/// The DER `PrivateKeyInfo` of `key`, as openssl writes it.
fn encode_private_key_info(key: &PrivateKey) -> Result<Zeroizing<Vec<u8>>> {
    let unsupported = || {
        Error::new(ErrorKind::UnsupportedKeyType(format!(
            "{} in PKCS#8",
            key.public_key().data().algorithm()
        )))
    };
    let private = match (key.public_key().data(), key.secret()) {
        (PublicKeyData::Rsa { .. }, _) => der_keys::encode_rsa(key)?,
        (PublicKeyData::Dsa { .. }, SecretKeyData::Dsa { x }) => asn1::uint(x.as_bytes()),
        (PublicKeyData::Ecdsa { .. }, _) => der_keys::encode_ec(key, false)?,
        (PublicKeyData::Ed25519(_), SecretKeyData::Ed25519(seed))
        | (PublicKeyData::Ed448(_), SecretKeyData::Ed448(seed)) => {
            asn1::octet_string(seed.as_bytes())
        }
        _ => return Err(unsupported()),
    };
    let algorithm =
        der_keys::encode_key_algorithm(key.public_key().data()).ok_or_else(unsupported)?;
    Ok(asn1::sequence(&[
        &asn1::small_uint(0),
        &algorithm,
        &asn1::octet_string(&private),
    ]))
}

/// Encodes `key` as PKCS#8 DER: a `PrivateKeyInfo`, or with `passphrase` an
/// `EncryptedPrivateKeyInfo` (PBES2, PBKDF2 with `options.prf` and `options.iterations`, a random
/// 16-byte salt, `options.cipher` with a random IV). `options.der` is not consulted.
///
/// ```
/// use keyconv::format::pkcs8::{self, Pkcs8Options};
/// use keyconv::{KeySpec, PrivateKey};
///
/// let key = PrivateKey::generate(KeySpec::Ed25519, "")?;
/// let der = pkcs8::encode_der(&key, &Pkcs8Options::default(), None)?;
/// assert_eq!(der[0], 0x30); // a DER SEQUENCE
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn encode_der(
    key: &PrivateKey,
    options: &Pkcs8Options,
    passphrase: Option<&Passphrase>,
) -> Result<Zeroizing<Vec<u8>>> {
    let info = encode_private_key_info(key)?;
    match passphrase {
        None => Ok(info),
        Some(pass) => {
            options.check_limits()?;
            pbes::encrypt_pbes2(&info, pass.as_bytes(), options)
        }
    }
}

/// Encodes `key` as PKCS#8 PEM (`PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` with `passphrase`),
/// 64 columns as openssl writes it. For DER, use [`encode_der`].
///
/// ```
/// use keyconv::format::pkcs8::{self, Pkcs8Options};
/// use keyconv::key::SecretBytes;
/// use keyconv::{KeyFile, KdfLimits, Passphrase, PrivateKey, SecretKeyData};
///
/// let key = PrivateKey::from_secret(SecretKeyData::Ed25519(SecretBytes::new([7u8; 32])), None, "")?;
/// let options = Pkcs8Options { iterations: 1000, ..Pkcs8Options::default() };
/// let pass = Passphrase::from("correct horse");
/// let pem = pkcs8::encode(&key, &options, Some(&pass))?;
/// assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
/// let back = KeyFile::decode(pem.as_bytes())?.private_key(Some(&pass), &KdfLimits::default())?;
/// assert_eq!(back, key);
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn encode(
    key: &PrivateKey,
    options: &Pkcs8Options,
    passphrase: Option<&Passphrase>,
) -> Result<String> {
    let der = encode_der(key, options, passphrase)?;
    let label = if passphrase.is_some() {
        ENCRYPTED_LABEL
    } else {
        LABEL
    };
    Ok(armour::encode(label, &[], &der, 64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::oid;
    use crate::key::{EcCurve, FingerprintHash};

    fn read(input: &[u8], pass: Option<&str>) -> Result<PrivateKey> {
        decode(input)?.private_key(pass.map(Passphrase::from).as_ref(), &KdfLimits::default())
    }

    fn ssh_line(key: &PrivateKey) -> String {
        crate::format::encode_public(key.public_key(), Format::Public)
            .unwrap()
            .trim()
            .to_owned()
    }

    /// RFC 8410 §10.3: a OneAsymmetricKey (version 1) with attributes and the public key.
    const RFC8410_V2: &str = "-----BEGIN PRIVATE KEY-----
MHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB
Z9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PRIVATE KEY-----
";

    #[test]
    fn one_asymmetric_key_v2_with_public_key_is_read_and_checked() {
        let key = read(RFC8410_V2.as_bytes(), None).unwrap();
        assert_eq!(
            ssh_line(&key),
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm/RAlphM3+hUG6wWfcO5bIUIaqMLa2ywxcOK1wMWbh"
        );
        let file = decode(RFC8410_V2.as_bytes()).unwrap();
        assert_eq!(file.public_key(), Some(key.public_key()));
        // Change the last byte of the stored public key: inconsistent.
        let body: String = RFC8410_V2
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let mut der = crate::encoding::base64::decode(&body).unwrap();
        if let Some(last) = der.last_mut() {
            *last ^= 1;
        }
        let e = read(&der, None).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::InconsistentKey(_)), "{e}");
    }

    /// Made with Python's hashlib + cryptography (AESGCM): Ed25519 seed 01..20, PBKDF2-HMAC-SHA-256,
    /// 1000 iterations, salt 00..0f, nonce 64..6f, ciphertext ‖ tag (as Java and BouncyCastle do).
    const GCM_256_TAG16: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIGkMGAGCSqGSIb3DQEFDTBTMDEGCSqGSIb3DQEFDDAkBBAAAQIDBAUGBwgJCgsM
DQ4PAgID6DAMBggqhkiG9w0CCQUAMB4GCWCGSAFlAwQBLjARBAxkZWZnaGlqa2xt
bm8CARAEQOw6mQz5bYm6Uj2By81Jg3yW5DBdE7P4pcGn8HeFRZFEwse47pfoja5/
G57TRmpQh0KHe51rtRLOkdtXxnmdhjo=
-----END ENCRYPTED PRIVATE KEY-----
";
    /// The same with AES-128-GCM and the default 12-byte tag (icvLen left out).
    const GCM_128_TAG12: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----
MIGdMF0GCSqGSIb3DQEFDTBQMDEGCSqGSIb3DQEFDDAkBBAAAQIDBAUGBwgJCgsM
DQ4PAgID6DAMBggqhkiG9w0CCQUAMBsGCWCGSAFlAwQBBjAOBAxkZWZnaGlqa2xt
bm8EPFUem/NugREpUT3GSzSdS3SMJDcvzVUUuvwJMAOrA8/w7nNWbsZawtq2xHW4
LJBV8to9Nhs3vMZpusWYkg==
-----END ENCRYPTED PRIVATE KEY-----
";

    #[test]
    fn pbes2_aes_gcm_is_read() {
        let seed: Vec<u8> = (1..=32).collect();
        let want =
            PrivateKey::from_secret(SecretKeyData::Ed25519(SecretBytes::new(seed)), None, "")
                .unwrap();
        for (pem, cipher) in [
            (GCM_256_TAG16, "aes-256-gcm"),
            (GCM_128_TAG12, "aes-128-gcm"),
        ] {
            let file = decode(pem.as_bytes()).unwrap();
            let Protection::Encrypted { scheme, .. } = file.protection() else {
                panic!("not encrypted")
            };
            assert_eq!(
                (*scheme, file.protection().cipher_name()),
                (crate::protection::Scheme::Pbes2, Some(cipher))
            );
            assert_eq!(read(pem.as_bytes(), Some("gcm passphrase")).unwrap(), want);
            let e = read(pem.as_bytes(), Some("gcm passphrasE")).unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::IncorrectPassphrase);
        }
    }

    fn ec_key(curve: EcCurve) -> PrivateKey {
        let mut d = vec![0x11u8; curve.scalar_len()];
        d[0] = 1;
        PrivateKey::from_secret(
            SecretKeyData::Ecdsa {
                d: SecretBytes::new(d),
            },
            Some(curve),
            "",
        )
        .unwrap()
    }

    #[test]
    fn every_option_round_trips() {
        let keys = [
            ec_key(EcCurve::P256),
            ec_key(EcCurve::P384),
            ec_key(EcCurve::P521),
            PrivateKey::from_secret(
                SecretKeyData::Ed25519(SecretBytes::new([3u8; 32])),
                None,
                "",
            )
            .unwrap(),
            PrivateKey::from_secret(SecretKeyData::Ed448(SecretBytes::new([4u8; 57])), None, "")
                .unwrap(),
        ];
        let pass = Passphrase::from("pässwörd");
        for key in &keys {
            let plain = encode(key, &Pkcs8Options::default(), None).unwrap();
            assert!(plain.starts_with("-----BEGIN PRIVATE KEY-----\n"));
            assert_eq!(&read(plain.as_bytes(), None).unwrap(), key);
            for cipher in [
                Pkcs8Cipher::Aes128Cbc,
                Pkcs8Cipher::Aes192Cbc,
                Pkcs8Cipher::Aes256Cbc,
            ] {
                for prf in [
                    Prf::HmacSha1,
                    Prf::HmacSha256,
                    Prf::HmacSha384,
                    Prf::HmacSha512,
                ] {
                    let options = Pkcs8Options {
                        prf,
                        cipher,
                        iterations: 3,
                        der: true,
                        ..Pkcs8Options::default()
                    };
                    let der = encode_der(key, &options, Some(&pass)).unwrap();
                    let file = decode(&der).unwrap();
                    let Protection::Encrypted { kdf, .. } = file.protection() else {
                        panic!("not encrypted")
                    };
                    assert_eq!(
                        kdf,
                        &crate::protection::Kdf::Pbkdf2 {
                            prf,
                            iterations: 3,
                            salt_len: 16,
                            key_len: match cipher {
                                Pkcs8Cipher::Aes128Cbc => 16,
                                Pkcs8Cipher::Aes192Cbc => 24,
                                Pkcs8Cipher::Aes256Cbc => 32,
                            }
                        }
                    );
                    let back = file
                        .private_key(Some(&pass), &KdfLimits::default())
                        .unwrap();
                    assert_eq!(&back, key);
                    assert_eq!(
                        back.public_key().fingerprint(FingerprintHash::Sha256),
                        key.public_key().fingerprint(FingerprintHash::Sha256)
                    );
                }
            }
        }
    }

    /// An `EncryptedPrivateKeyInfo` with PBKDF2 parameters as given, around garbage data.
    fn encrypted_with(kdf_params: &[&[u8]], cipher_oid: &str, iv_len: usize) -> Vec<u8> {
        let kdf = asn1::sequence(&[&asn1::oid(oid::PBKDF2), &asn1::sequence(kdf_params)]);
        let enc = asn1::sequence(&[
            &asn1::oid(cipher_oid),
            &asn1::octet_string(&vec![0; iv_len]),
        ]);
        let alg = asn1::sequence(&[&asn1::oid(oid::PBES2), &asn1::sequence(&[&kdf, &enc])]);
        asn1::sequence(&[&alg, &asn1::octet_string(&[0u8; 32])]).to_vec()
    }

    #[test]
    fn pbkdf2_iteration_bombs_fail_before_deriving() {
        let der = encrypted_with(
            &[
                &asn1::octet_string(&[1; 16]),
                &asn1::small_uint(u64::from(u32::MAX >> 1)),
            ],
            oid::AES128_CBC,
            16,
        );
        let start = std::time::Instant::now();
        let e = read(&der, Some("x")).unwrap_err();
        assert!(
            matches!(
                e.kind(),
                ErrorKind::KdfTooExpensive {
                    value: 2_147_483_647,
                    ..
                }
            ),
            "{e}"
        );
        assert!(start.elapsed() < std::time::Duration::from_millis(100));
        // Above what PBKDF2 can count, even with the limits lifted: refused, not truncated.
        let der = encrypted_with(
            &[&asn1::octet_string(&[1; 16]), &asn1::small_uint(1 << 33)],
            oid::AES128_CBC,
            16,
        );
        let lifted = KdfLimits {
            allow_expensive: true,
        };
        let e = decode(&der)
            .unwrap()
            .private_key(Some(&Passphrase::from("x")), &lifted)
            .unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::UnsupportedScheme(_)), "{e}");
    }

    #[test]
    fn parameters_that_contradict_the_cipher_are_malformed() {
        // keyLength 32 with AES-128.
        let der = encrypted_with(
            &[
                &asn1::octet_string(&[1; 8]),
                &asn1::small_uint(1),
                &asn1::small_uint(32),
            ],
            oid::AES128_CBC,
            16,
        );
        let e = decode(&der).err().unwrap();
        assert!(
            e.to_string()
                .contains("key length 32 does not match aes-128-cbc"),
            "{e}"
        );
        // An 8-byte IV for AES.
        let der = encrypted_with(
            &[&asn1::octet_string(&[1; 8]), &asn1::small_uint(1)],
            oid::AES128_CBC,
            8,
        );
        assert!(
            decode(&der)
                .err()
                .unwrap()
                .to_string()
                .contains("IV is 8 bytes, not 16")
        );
        // RC2 is named.
        let der = encrypted_with(
            &[&asn1::octet_string(&[1; 8]), &asn1::small_uint(1)],
            oid::RC2_CBC,
            8,
        );
        let e = decode(&der).err().unwrap();
        assert_eq!(
            e.kind(),
            &ErrorKind::UnsupportedScheme("PBES2 with rc2-cbc".into())
        );
    }

    #[test]
    fn unknown_schemes_and_key_types_are_named() {
        let alg = asn1::sequence(&[
            &asn1::oid(oid::PBE_SHA_RC4_128),
            &asn1::sequence(&[&asn1::octet_string(&[1; 8]), &asn1::small_uint(2048)]),
        ]);
        let der = asn1::sequence(&[&alg, &asn1::octet_string(&[0u8; 32])]);
        let e = decode(&der).err().unwrap();
        assert_eq!(
            e.to_string(),
            "unsupported scheme: PKCS#8 encryption pbeWithSHAAnd128BitRC4 (1.2.840.113549.1.12.1.1)"
        );
        let x25519 = asn1::sequence(&[
            &asn1::small_uint(0),
            &asn1::sequence(&[&asn1::oid(oid::ID_X25519)]),
            &asn1::octet_string(&asn1::octet_string(&[9; 32])),
        ]);
        let e = read(&x25519, None).unwrap_err();
        assert!(e.to_string().contains("X25519"), "{e}");
    }

    #[test]
    fn an_encrypted_file_needs_a_passphrase_and_shows_no_public_key() {
        let key = ec_key(EcCurve::P256);
        let options = Pkcs8Options {
            iterations: 1,
            ..Pkcs8Options::default()
        };
        let pem = encode(&key, &options, Some(&Passphrase::from("a"))).unwrap();
        let file = decode(pem.as_bytes()).unwrap();
        assert!(file.public_key().is_none());
        let e = file.private_key(None, &KdfLimits::default()).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::PassphraseRequired);
        assert_eq!(
            read(pem.as_bytes(), Some("b")).unwrap_err().kind(),
            &ErrorKind::IncorrectPassphrase
        );
        // A PEM label that contradicts the contents is refused.
        let relabelled = pem.replace("ENCRYPTED PRIVATE KEY", "PRIVATE KEY");
        assert!(decode(relabelled.as_bytes()).is_err());
    }
}
