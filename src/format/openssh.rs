//! OpenSSH private keys (`openssh-key-v1`), as `PROTOCOL.key` in OpenSSH's source describes them
//! (<https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key>).
//!
//! ```text
//! -----BEGIN OPENSSH PRIVATE KEY-----
//! base64 (ssh-keygen wraps at 70 columns, PuTTYgen at 64) of:
//!   byte[15]  "openssh-key-v1\0"
//!   string    ciphername        "none", "aes256-ctr", "chacha20-poly1305@openssh.com", …
//!   string    kdfname           "none" or "bcrypt"
//!   string    kdfoptions        "" or { string salt, uint32 rounds }
//!   uint32    number of keys    1
//!   string    public key        SSH wire blob, in clear
//!   string    private section   encrypted, a whole number of cipher blocks
//!   byte[16]  tag               AEAD ciphers only, not counted in the length above
//! -----END OPENSSH PRIVATE KEY-----
//!
//! private section, once decrypted:
//!   uint32    checkint, uint32 checkint     equal: tells a wrong passphrase
//!   string    key type, then the key:       RSA n e d iqmp p q; DSA p q g y x;
//!                                           ECDSA curve Q d; Ed25519 pk (seed || pk)
//!   string    comment
//!   byte[]    padding 1, 2, 3, … to the cipher's block size (8 for "none")
//! ```
//!
//! Decisions where `PROTOCOL.key` is silent:
//! - Padding is read as OpenSSH's `private2_check_padding` does (bytes 1, 2, 3, … of any
//!   length), capped at 255 bytes: ssh-keygen pads to the block size, PuTTYgen always adds 1–16
//!   bytes to reach a multiple of 16, even for `none`.
//! - PuTTYgen writes Ed448 keys as `ssh-ed448` with pk (57 bytes) and seed || pk (114 bytes);
//!   they are read, but never written: OpenSSH itself has no Ed448 keys.
//! - A comment that is not UTF-8 is read with U+FFFD replacing the bad bytes.
//! - An empty passphrase for an encrypted key is an incorrect passphrase, as in OpenSSH.
//! - Anything but white space after the END line is an error (ssh-keygen ignores it); text
//!   before the BEGIN line is skipped, as in every PEM reader.
//! - An unencrypted security key (`sk-ssh-ed25519@openssh.com`, `sk-ecdsa-…`) gives its public
//!   key and comment (the private section's PROTOCOL.u2f fields are checked for framing); its
//!   private key is an [`ErrorKind::UnsupportedKeyType`]: the private half is in the device.
//! - A file whose public key (header) differs from the one in its private section is an
//!   [`ErrorKind::InconsistentKey`].

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::encoding::pem as armour;
use crate::encoding::text;
use crate::encoding::wire::{Reader, Writer};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::format::{Format, PrivateKeyFile};
use crate::key::{KeyType, PrivateKey, PublicKey, PublicKeyData, SecretBytes, SecretKeyData};
use crate::passphrase::Passphrase;
use crate::protection::{Cipher, Kdf, KdfLimits, Protection, Scheme};

mod cipher;

use cipher::{Bcrypt, CipherSpec};

const F: Format = Format::OpenSsh;
const LABEL: &str = "OPENSSH PRIVATE KEY";
const MAGIC: &[u8] = b"openssh-key-v1\0";
/// ssh-keygen's line width.
const WIDTH: usize = 70;
/// The block size of cipher `none`.
const NONE_BLOCK: usize = 8;
/// The longest padding read (see the module's decisions).
const MAX_PADDING: usize = 255;
/// The length of the salt keyconv writes, as ssh-keygen.
const SALT_LEN: usize = 16;

crate::protection::named_enum! {
    /// The ciphers of `openssh-key-v1` files: every cipher ssh-keygen writes, by its name there.
    ///
    /// ```
    /// use keyconv::format::openssh::OpensshCipher;
    /// assert_eq!(OpensshCipher::default().name(), "aes256-ctr");
    /// assert_eq!("aes256-gcm@openssh.com".parse::<OpensshCipher>()?, OpensshCipher::Aes256Gcm);
    /// assert!("rot13".parse::<OpensshCipher>().is_err());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    #[derive(Default)]
    pub enum OpensshCipher ("OpenSSH cipher") {
        /// `aes128-ctr`.
        Aes128Ctr => "aes128-ctr",
        /// `aes192-ctr`.
        Aes192Ctr => "aes192-ctr",
        /// `aes256-ctr` (ssh-keygen's default).
        #[default]
        Aes256Ctr => "aes256-ctr",
        /// `aes128-cbc`.
        Aes128Cbc => "aes128-cbc",
        /// `aes192-cbc`.
        Aes192Cbc => "aes192-cbc",
        /// `aes256-cbc`.
        Aes256Cbc => "aes256-cbc",
        /// `aes128-gcm@openssh.com`.
        Aes128Gcm => "aes128-gcm@openssh.com",
        /// `aes256-gcm@openssh.com`.
        Aes256Gcm => "aes256-gcm@openssh.com",
        /// `chacha20-poly1305@openssh.com`.
        ChaCha20Poly1305 => "chacha20-poly1305@openssh.com",
        /// `3des-cbc`.
        TripleDesCbc => "3des-cbc",
    }
}

impl From<OpensshCipher> for Cipher {
    fn from(c: OpensshCipher) -> Cipher {
        match c {
            OpensshCipher::Aes128Ctr => Cipher::Aes128Ctr,
            OpensshCipher::Aes192Ctr => Cipher::Aes192Ctr,
            OpensshCipher::Aes256Ctr => Cipher::Aes256Ctr,
            OpensshCipher::Aes128Cbc => Cipher::Aes128Cbc,
            OpensshCipher::Aes192Cbc => Cipher::Aes192Cbc,
            OpensshCipher::Aes256Cbc => Cipher::Aes256Cbc,
            OpensshCipher::Aes128Gcm => Cipher::Aes128Gcm,
            OpensshCipher::Aes256Gcm => Cipher::Aes256Gcm,
            OpensshCipher::ChaCha20Poly1305 => Cipher::ChaCha20Poly1305,
            OpensshCipher::TripleDesCbc => Cipher::DesEde3Cbc,
        }
    }
}

impl TryFrom<Cipher> for OpensshCipher {
    type Error = Error;
    /// The OpenSSH cipher that is `cipher`; an error naming the ones there are otherwise.
    fn try_from(cipher: Cipher) -> Result<OpensshCipher> {
        OpensshCipher::ALL
            .iter()
            .copied()
            .find(|c| Cipher::from(*c) == cipher)
            .ok_or_else(|| {
                crate::protection::unknown_name(
                    "OpenSSH cipher",
                    cipher.ssh_name(),
                    OpensshCipher::ALL.iter().map(|c| c.name()),
                )
            })
    }
}

/// Options for writing OpenSSH private keys.
///
/// ```
/// use keyconv::format::openssh::{OpensshCipher, OpensshOptions};
/// let options = OpensshOptions { cipher: OpensshCipher::Aes256Gcm, rounds: 32, ..OpensshOptions::default() };
/// assert_eq!(OpensshOptions::default().rounds, 16);
/// assert!(options.check_limits().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpensshOptions {
    /// The cipher (`aes256-ctr` by default, as ssh-keygen).
    pub cipher: OpensshCipher,
    /// bcrypt-pbkdf rounds (16 by default, as ssh-keygen).
    pub rounds: u32,
    /// The limits [`OpensshOptions::rounds`] must keep (SPEC §3): the same as for reading, so
    /// keyconv never writes a file it would refuse to read. [`KdfLimits::default`] unless the
    /// caller lifts them.
    pub limits: KdfLimits,
}

impl Default for OpensshOptions {
    fn default() -> Self {
        OpensshOptions {
            cipher: OpensshCipher::default(),
            rounds: 16,
            limits: KdfLimits::default(),
        }
    }
}

impl OpensshOptions {
    /// The key derivation these options write (with a passphrase).
    ///
    /// ```
    /// use keyconv::format::openssh::OpensshOptions;
    /// use keyconv::protection::Kdf;
    /// assert!(matches!(OpensshOptions::default().kdf(), Kdf::Bcrypt { rounds: 16, salt_len: 16 }));
    /// ```
    pub fn kdf(&self) -> Kdf {
        Kdf::Bcrypt {
            rounds: self.rounds,
            salt_len: SALT_LEN,
        }
    }

    /// Refuses a key derivation above [`OpensshOptions::limits`].
    ///
    /// ```
    /// use keyconv::format::openssh::OpensshOptions;
    /// assert!(OpensshOptions::default().check_limits().is_ok());
    /// let slow = OpensshOptions { rounds: 4_000_000_000, ..OpensshOptions::default() };
    /// assert!(slow.check_limits().is_err());
    /// ```
    pub fn check_limits(&self) -> Result<()> {
        self.limits.check_kdf(&self.kdf())
    }

    /// Checks the options, returning the cipher.
    fn validate(&self) -> Result<&'static CipherSpec> {
        let cipher = cipher::spec_of(self.cipher)?;
        if self.rounds == 0 {
            return Err(Error::new(ErrorKind::InvalidRequest(
                "bcrypt rounds must be at least 1 (ssh-keygen uses 16)".into(),
            )));
        }
        Ok(cipher)
    }
}

/// A decoded `openssh-key-v1` file.
struct OpensshFile {
    protection: Protection,
    /// The header's public key; with the comment when the file is not encrypted.
    public: PublicKey,
    /// The header's public key blob, which the private section must repeat.
    public_blob: Vec<u8>,
    section: Section,
}

enum Section {
    /// Not encrypted: read and checked when the file is decoded.
    Clear(SecretKeyData),
    /// Not encrypted, but of a key type keyconv has no private form for (a security key,
    /// `sk-…@openssh.com`): the public key is still available; asking for the private key
    /// gives this error.
    Unsupported(Error),
    /// Encrypted: read when a passphrase is given.
    Encrypted {
        cipher: &'static CipherSpec,
        kdf: Bcrypt,
        ciphertext: Vec<u8>,
        tag: Option<Vec<u8>>,
    },
}

pub(crate) fn decode(input: &[u8]) -> Result<Box<dyn PrivateKeyFile>> {
    Ok(Box::new(decode_file(input)?))
}

fn decode_file(input: &[u8]) -> Result<OpensshFile> {
    let text = text::decode(input).map_err(|_| Error::malformed(F, "file is not text"))?;
    let pem = armour::decode(&text, F)?;
    if pem.label != LABEL {
        return Err(Error::malformed(
            F,
            format!("PEM label is {}, not {LABEL}", pem.label),
        ));
    }
    if !pem.headers.is_empty() {
        return Err(Error::malformed(F, "unexpected PEM headers"));
    }
    let end = format!("-----END {LABEL}-----");
    let after_end = text
        .find(&end)
        .and_then(|i| text.get(i + end.len()..))
        .unwrap_or_default();
    if !after_end.trim().is_empty() {
        return Err(Error::malformed(F, format!("data after the {end} line")));
    }
    let mut r = Reader::new(&pem.body, F);
    if r.bytes(MAGIC.len(), "magic").ok() != Some(MAGIC) {
        return Err(Error::malformed(F, "missing the openssh-key-v1 magic"));
    }
    let cipher_name = r.str("cipher name")?;
    let kdf_name = r.str("KDF name")?;
    let kdf_options = r.string("KDF options")?;
    let cipher = match cipher_name {
        "none" => None,
        name => Some(cipher::by_name(name).ok_or_else(|| {
            Error::new(ErrorKind::UnsupportedScheme(format!(
                "OpenSSH cipher {name}"
            )))
        })?),
    };
    let encryption = match (kdf_name, cipher) {
        ("none", None) if kdf_options.is_empty() => None,
        ("none", None) => return Err(r.error("KDF none has options")),
        ("bcrypt", Some(cipher)) => Some((cipher, bcrypt_options(kdf_options)?)),
        ("none", Some(_)) | ("bcrypt", None) => {
            return Err(r.error(format!(
                "cipher {cipher_name} does not go with KDF {kdf_name}"
            )));
        }
        (other, _) => {
            return Err(Error::new(ErrorKind::UnsupportedScheme(format!(
                "OpenSSH KDF {other}"
            ))));
        }
    };
    match r.u32("number of keys")? {
        1 => {}
        0 => return Err(r.error("the file holds no key")),
        n => {
            return Err(r.error(format!(
                "the file claims {n} keys; OpenSSH private key files hold exactly one"
            )));
        }
    }
    let public_blob = r.string("public key")?;
    let mut public = PublicKey::from_ssh_blob(public_blob, "", F)?;
    let section_start = pem.body.len() - r.remaining().len();
    let section = r.string("private section")?;
    let block = encryption.as_ref().map_or(NONE_BLOCK, |(c, _)| c.block);
    if section.is_empty() || !section.len().is_multiple_of(block) {
        return Err(Error::malformed_at(
            F,
            format!(
                "the private section is {} bytes, not a whole number of {block}-byte blocks",
                section.len()
            ),
            Location::Offset(section_start),
        ));
    }
    let tag = match &encryption {
        Some((c, _)) if c.is_aead() => Some(r.bytes(c.tag_len(), "authentication tag")?.to_vec()),
        _ => None,
    };
    r.finish("the private section")?;

    let public_blob = public_blob.to_vec();
    let (protection, section) = match encryption {
        Some((cipher, kdf)) => {
            let protection = Protection::Encrypted {
                scheme: Scheme::OpenSsh,
                cipher: cipher.id.into(),
                kdf: Kdf::Bcrypt {
                    rounds: kdf.rounds,
                    salt_len: kdf.salt.len(),
                },
            };
            let section = Section::Encrypted {
                cipher,
                kdf,
                ciphertext: section.to_vec(),
                tag,
            };
            (protection, section)
        }
        None if is_security_key(public.data().algorithm()) => {
            let comment = read_security_key_section(section, &public_blob)?;
            public.set_stored_comment(comment);
            let e = Error::new(ErrorKind::UnsupportedKeyType(format!(
                "{} as a private key: a security key's private half stays in its FIDO device \
                 (the file holds only a handle to it)",
                public.data().algorithm()
            )));
            (Protection::None, Section::Unsupported(e))
        }
        None => match read_section(section, &public_blob, false) {
            Ok((comment, secret)) => {
                public.set_stored_comment(comment);
                (Protection::None, Section::Clear(secret))
            }
            Err(e) if matches!(e.kind(), ErrorKind::UnsupportedKeyType(_)) => {
                (Protection::None, Section::Unsupported(e))
            }
            Err(e) => return Err(e),
        },
    };
    Ok(OpensshFile {
        protection,
        public,
        public_blob,
        section,
    })
}

/// `kdfoptions` of bcrypt: `string salt, uint32 rounds`.
fn bcrypt_options(options: &[u8]) -> Result<Bcrypt> {
    let mut r = Reader::new(options, F);
    let salt = r.string("bcrypt salt")?.to_vec();
    let rounds = r.u32("bcrypt rounds")?;
    r.finish("the bcrypt options")?;
    if salt.is_empty() {
        return Err(Error::malformed(F, "bcrypt salt is empty"));
    }
    if rounds == 0 {
        return Err(Error::malformed(F, "bcrypt rounds is 0"));
    }
    Ok(Bcrypt { salt, rounds })
}

impl PrivateKeyFile for OpensshFile {
    fn protection(&self) -> &Protection {
        &self.protection
    }

    fn public_key(&self) -> Option<&PublicKey> {
        Some(&self.public)
    }

    fn private_key(
        &self,
        passphrase: Option<&Passphrase>,
        limits: &KdfLimits,
    ) -> Result<PrivateKey> {
        match &self.section {
            Section::Clear(secret) => PrivateKey::new(self.public.clone(), secret.clone()),
            Section::Unsupported(e) => Err(e.clone()),
            Section::Encrypted {
                cipher,
                kdf,
                ciphertext,
                tag,
            } => {
                let passphrase =
                    passphrase.ok_or_else(|| Error::new(ErrorKind::PassphraseRequired))?;
                if passphrase.is_empty() {
                    return Err(Error::new(ErrorKind::IncorrectPassphrase));
                }
                limits.check_kdf(&Kdf::Bcrypt {
                    rounds: kdf.rounds,
                    salt_len: kdf.salt.len(),
                })?;
                let mut plain = Zeroizing::new(ciphertext.clone());
                cipher::decrypt(cipher, kdf, passphrase, &mut plain, tag.as_deref())?;
                let (comment, secret) = read_section(&plain, &self.public_blob, true)?;
                let mut public = self.public.clone();
                public.set_stored_comment(comment);
                PrivateKey::new(public, secret)
            }
        }
    }
}

/// Reads a decrypted private section: check integers, the key (whose public part must be the
/// header's `public_blob`), the comment and the padding.
fn read_section(
    plain: &[u8],
    public_blob: &[u8],
    encrypted: bool,
) -> Result<(String, SecretKeyData)> {
    let mut r = Reader::new(plain, F);
    let check1 = r.u32("check integer")?;
    let check2 = r.u32("check integer")?;
    if !bool::from(check1.ct_eq(&check2)) {
        return Err(if encrypted {
            Error::new(ErrorKind::IncorrectPassphrase)
        } else {
            Error::malformed(F, "the check integers differ")
        });
    }
    let name = r.str("key type")?;
    let key_type = KeyType::from_ssh_name(name)
        .ok_or_else(|| Error::new(ErrorKind::UnsupportedKeyType(name.to_owned())))?;
    let (public, secret) = read_key(&mut r, key_type)?;
    if public.to_ssh_blob() != public_blob {
        return Err(Error::new(ErrorKind::InconsistentKey(
            "the public key in the header differs from the one in the private section".into(),
        )));
    }
    let comment = String::from_utf8_lossy(r.string("comment")?).into_owned();
    check_padding(&r)?;
    Ok((comment, secret))
}

fn is_security_key(algorithm: &str) -> bool {
    matches!(
        algorithm,
        "sk-ssh-ed25519@openssh.com" | "sk-ecdsa-sha2-nistp256@openssh.com"
    )
}

/// Reads the clear private section of a security key (PROTOCOL.u2f): check integers, the
/// public fields (which must be the header's), `byte flags, string key_handle, string
/// reserved`, the comment and the padding. Returns the comment.
fn read_security_key_section(plain: &[u8], public_blob: &[u8]) -> Result<String> {
    let mut r = Reader::new(plain, F);
    let check1 = r.u32("check integer")?;
    let check2 = r.u32("check integer")?;
    if check1 != check2 {
        return Err(Error::malformed(F, "the check integers differ"));
    }
    let fields_start = r.remaining();
    let name = r.str("key type")?;
    match name {
        "sk-ssh-ed25519@openssh.com" => {
            r.string("Ed25519 public key")?;
        }
        "sk-ecdsa-sha2-nistp256@openssh.com" => {
            r.string("curve name")?;
            r.string("EC point")?;
        }
        other => {
            return Err(Error::new(ErrorKind::InconsistentKey(format!(
                "the header's security key is {other} in the private section"
            ))));
        }
    }
    r.string("security key application")?;
    let public = fields_start
        .get(..fields_start.len() - r.remaining().len())
        .unwrap_or_default();
    if public != public_blob {
        return Err(Error::new(ErrorKind::InconsistentKey(
            "the public key in the header differs from the one in the private section".into(),
        )));
    }
    r.bytes(1, "security key flags")?;
    r.string("security key handle")?;
    r.string("security key reserved field")?;
    let comment = String::from_utf8_lossy(r.string("comment")?).into_owned();
    check_padding(&r)?;
    Ok(comment)
}

/// The padding after the comment: 1, 2, 3, … (at most [`MAX_PADDING`] bytes).
fn check_padding(r: &Reader<'_>) -> Result<()> {
    let padding = r.remaining();
    let padding_ok = padding.len() <= MAX_PADDING
        && padding
            .iter()
            .zip(1u8..)
            .all(|(&byte, expected)| byte == expected);
    if !padding_ok {
        return Err(r.error("the padding is not 1, 2, 3, …"));
    }
    Ok(())
}

/// The fields of one key in the private section: its public part and its secret.
fn read_key(r: &mut Reader<'_>, key_type: KeyType) -> Result<(PublicKeyData, SecretKeyData)> {
    let secret = |bytes: &[u8]| SecretBytes::new(bytes);
    Ok(match key_type {
        KeyType::Rsa => {
            let n = r.mpint("RSA modulus")?.to_vec();
            let e = r.mpint("RSA exponent")?.to_vec();
            let d = secret(r.mpint("RSA private exponent")?);
            let iqmp = secret(r.mpint("RSA iqmp")?);
            let p = secret(r.mpint("RSA p")?);
            let q = secret(r.mpint("RSA q")?);
            (
                PublicKeyData::Rsa { e, n },
                SecretKeyData::Rsa { d, p, q, iqmp },
            )
        }
        KeyType::Dsa => {
            let public = PublicKeyData::Dsa {
                p: r.mpint("DSA p")?.to_vec(),
                q: r.mpint("DSA q")?.to_vec(),
                g: r.mpint("DSA g")?.to_vec(),
                y: r.mpint("DSA y")?.to_vec(),
            };
            let x = secret(r.mpint("DSA x")?);
            (public, SecretKeyData::Dsa { x })
        }
        KeyType::Ecdsa(curve) => {
            if r.str("curve name")? != curve.ssh_name() {
                return Err(r.error(format!(
                    "the curve does not match the key type {}",
                    key_type.ssh_name()
                )));
            }
            let point = r.string("EC point")?.to_vec();
            let d = secret(r.mpint("EC private scalar")?);
            (
                PublicKeyData::Ecdsa { curve, point },
                SecretKeyData::Ecdsa { d },
            )
        }
        KeyType::Ed25519 => {
            let (pk, seed) = read_eddsa::<32>(r, "Ed25519")?;
            (PublicKeyData::Ed25519(pk), SecretKeyData::Ed25519(seed))
        }
        KeyType::Ed448 => {
            let (pk, seed) = read_eddsa::<57>(r, "Ed448")?;
            (PublicKeyData::Ed448(pk), SecretKeyData::Ed448(seed))
        }
    })
}

/// EdDSA: `string pk`, `string seed || pk`; the two copies of `pk` must agree.
fn read_eddsa<const N: usize>(r: &mut Reader<'_>, what: &str) -> Result<([u8; N], SecretBytes)> {
    let pk: [u8; N] = r
        .string("EdDSA public key")?
        .try_into()
        .map_err(|_| r.error(format!("{what} public key is not {N} bytes")))?;
    let both = r.string("EdDSA private key")?;
    if both.len() != 2 * N {
        return Err(r.error(format!("{what} private key is not {} bytes", 2 * N)));
    }
    let (seed, pk_copy) = both.split_at(N);
    if !bool::from(pk_copy.ct_eq(&pk)) {
        return Err(Error::new(ErrorKind::InconsistentKey(format!(
            "the {what} private key's copy of the public key differs"
        ))));
    }
    Ok((pk, SecretBytes::new(seed)))
}

/// Encodes `key` as an OpenSSH private key, encrypted when `passphrase` is given (and not
/// empty) with [`OpensshOptions::cipher`] and bcrypt-pbkdf of [`OpensshOptions::rounds`], a
/// random 16-byte salt and a random check integer; armoured as ssh-keygen does (70 columns).
///
/// Ed448 keys are refused: OpenSSH has none.
///
/// ```
/// use keyconv::format::openssh::{self, OpensshOptions};
/// use keyconv::{KeySpec, Passphrase, PrivateKey};
/// let key = PrivateKey::generate(KeySpec::Ed25519, "me@host")?;
/// let options = OpensshOptions { rounds: 2, ..OpensshOptions::default() };
/// let pass = Passphrase::from("correct horse");
/// let text = openssh::encode(&key, &options, Some(&pass))?;
/// assert!(text.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
/// assert_eq!(PrivateKey::from_openssh(text.as_bytes(), Some(&pass))?, key);
/// assert!(openssh::encode(&PrivateKey::generate(KeySpec::Ed448, "")?, &options, None).is_err());
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn encode(
    key: &PrivateKey,
    options: &OpensshOptions,
    passphrase: Option<&Passphrase>,
) -> Result<String> {
    let cipher = options.validate()?;
    if passphrase.is_some_and(|p| !p.is_empty()) {
        options.check_limits()?;
    }
    let mut checkint = [0u8; 4];
    random(&mut checkint)?;
    let checkint = u32::from_be_bytes(checkint);
    let encryption = match passphrase.filter(|p| !p.is_empty()) {
        Some(passphrase) => {
            let mut salt = vec![0u8; SALT_LEN];
            random(&mut salt)?;
            let kdf = Bcrypt {
                salt,
                rounds: options.rounds,
            };
            Some((cipher, kdf, passphrase))
        }
        None => None,
    };
    encode_with(key, checkint, encryption)
}

fn random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| {
        Error::new(ErrorKind::Io(format!(
            "cannot get random bytes from the system: {e}"
        )))
    })
}

/// [`encode`] with every random choice given: the check integer, and for an encrypted key the
/// cipher and the KDF's salt and rounds.
fn encode_with(
    key: &PrivateKey,
    checkint: u32,
    encryption: Option<(&'static CipherSpec, Bcrypt, &Passphrase)>,
) -> Result<String> {
    if key.key_type() == KeyType::Ed448 {
        return Err(Error::new(ErrorKind::UnsupportedTarget {
            target: F,
            why: "OpenSSH has no Ed448 keys".into(),
            suggestion: "ppk or pkcs8".into(),
        }));
    }
    let block = encryption.as_ref().map_or(NONE_BLOCK, |(c, _, _)| c.block);
    let mut section = write_section(key, checkint, block)?;

    let mut w = Writer::new();
    w.raw(MAGIC);
    let tag = match &encryption {
        Some((cipher, kdf, passphrase)) => {
            let mut options = Writer::new();
            options.string(&kdf.salt).u32(kdf.rounds);
            w.string(cipher.name.as_bytes())
                .string(b"bcrypt")
                .string(options.as_bytes());
            cipher::encrypt(cipher, kdf, passphrase, &mut section)?
        }
        None => {
            w.string(b"none").string(b"none").string(b"");
            None
        }
    };
    w.u32(1)
        .string(&key.public_key().to_ssh_blob())
        .string(&section);
    if let Some(tag) = tag {
        w.raw(&tag);
    }
    Ok(armour::encode(LABEL, &[], w.as_bytes(), WIDTH))
}

/// The private section in clear, padded to `block`.
fn write_section(key: &PrivateKey, checkint: u32, block: usize) -> Result<Zeroizing<Vec<u8>>> {
    let mut w = Writer::new();
    w.u32(checkint).u32(checkint);
    write_private_fields(&mut w, key)?;
    w.string(key.comment().as_bytes());
    let mut pad = 0u8;
    while !w.len().is_multiple_of(block) {
        pad += 1;
        w.u8(pad);
    }
    Ok(w.into_bytes())
}

/// Writes `key`'s type name and private fields as OpenSSH's private section lays them out, which
/// is also what an ssh-agent `ADD_IDENTITY` message carries (draft-miller-ssh-agent §3.2).
pub(crate) fn write_private_fields(w: &mut Writer, key: &PrivateKey) -> Result<()> {
    w.string(key.key_type().ssh_name().as_bytes());
    match (key.public_key().data(), key.secret()) {
        (PublicKeyData::Rsa { e, n }, SecretKeyData::Rsa { d, p, q, iqmp }) => {
            w.mpint(n)
                .mpint(e)
                .mpint(d.as_bytes())
                .mpint(iqmp.as_bytes())
                .mpint(p.as_bytes())
                .mpint(q.as_bytes());
        }
        (PublicKeyData::Dsa { p, q, g, y }, SecretKeyData::Dsa { x }) => {
            w.mpint(p).mpint(q).mpint(g).mpint(y).mpint(x.as_bytes());
        }
        (PublicKeyData::Ecdsa { curve, point }, SecretKeyData::Ecdsa { d }) => {
            w.string(curve.ssh_name().as_bytes())
                .string(point)
                .mpint(d.as_bytes());
        }
        (PublicKeyData::Ed25519(pk), SecretKeyData::Ed25519(seed)) => {
            // Sized up front: a reallocation would leave a copy of the seed in freed memory.
            let mut both = Zeroizing::new(Vec::with_capacity(64));
            both.extend_from_slice(seed.as_bytes());
            both.extend_from_slice(pk);
            w.string(pk).string(&both);
        }
        _ => {
            return Err(Error::new(ErrorKind::UnsupportedKeyType(
                key.key_type().ssh_name().into(),
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
