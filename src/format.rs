//! The formats keyconv reads and writes, detection of unknown input, and the dispatch from a
//! [`Format`] to its module. A conversion is always decode → model → encode; format modules never
//! import each other.

use std::fmt;

use crate::encoding::cbc::CbcCipher;
use crate::encoding::pem as armour;
use crate::encoding::{asn1, paste, text};
use crate::error::{Error, ErrorKind, Result};
use crate::key::{PrivateKey, PublicKey};
use crate::passphrase::Passphrase;
use crate::protection::{Cipher, KdfLimits, Protection};

use zeroize::Zeroizing;

pub(crate) mod der_keys;
pub mod openssh;
pub mod pem;
pub mod pkcs12;
pub mod pkcs8;
pub mod ppk;
pub mod public;
pub mod rfc4716;
pub mod spki;
pub mod sshcom;
pub mod x509;

pub use crate::format_name::Format;

impl Format {
    /// Detects the format of `input` from its content alone (never from a file name).
    ///
    /// ```
    /// use keyconv::Format;
    /// let line = b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me";
    /// assert_eq!(Format::detect(line).unwrap(), Format::Public);
    /// ```
    pub fn detect(input: &[u8]) -> Result<Format> {
        if let Some(format) = detect_der(input) {
            return Ok(format);
        }
        let as_it_stands = match text::decode(input) {
            Ok(text) => detect_text(&text),
            // Not text as a whole (binary garbage after an END line, say): the format is still
            // what its armour says, and its decoder reports what is wrong. A .ppk comment
            // may also be in a legacy code page (old Windows PuTTY).
            Err(_) => detect_text(&String::from_utf8_lossy(input)),
        };
        // A line-based format is what it says whatever its comments quote (a key comment may
        // hold `-----BEGIN …`); only armour, or what is no key file as it stands, can be a
        // mangled paste.
        if let Ok(
            Format::Public | Format::KnownHosts | Format::Ppk | Format::Rfc4716 | Format::Sshcom,
        ) = as_it_stands
        {
            return as_it_stands;
        }
        if let Some(repaired) = paste::repair(input)? {
            return detect_text(&repaired.text);
        }
        as_it_stands
    }
}

fn detect_der(input: &[u8]) -> Option<Format> {
    if input.first() != Some(&0x30) {
        return None;
    }
    let tags = asn1::sequence_tags(input)?;
    match tags.as_slice() {
        // PrivateKeyInfo / OneAsymmetricKey: version, algorithm, privateKey [, attributes, publicKey]
        [0x02, 0x30, 0x04, ..] => Some(Format::Pkcs8),
        // EncryptedPrivateKeyInfo: algorithm, encryptedData
        [0x30, 0x04] => Some(Format::Pkcs8),
        // SubjectPublicKeyInfo: algorithm, subjectPublicKey
        [0x30, 0x03] => Some(Format::Spki),
        // PFX: version 3, authSafe ContentInfo [, macData]
        [0x02, 0x30] | [0x02, 0x30, 0x30] => Some(Format::Pkcs12),
        // Certificate: tbsCertificate, signatureAlgorithm, signatureValue
        [0x30, 0x30, 0x03] => Some(Format::X509),
        // PKCS#1 RSAPublicKey: n, e
        [0x02, 0x02] => Some(Format::Spki),
        // PKCS#1 RSAPrivateKey (9 integers), DSA (6), SEC1 ECPrivateKey (version, octets, ...)
        [0x02, 0x02, 0x02, 0x02, 0x02, 0x02, ..] | [0x02, 0x04, ..] => Some(Format::Pem),
        _ => None,
    }
}

fn detect_text(text: &str) -> Result<Format> {
    let trimmed = text.trim_start();
    if trimmed.starts_with("PuTTY-User-Key-File-") {
        return Ok(Format::Ppk);
    }
    if let Some(rest) = trimmed.strip_prefix("---- BEGIN SSH2 ") {
        if rest.starts_with("PUBLIC KEY ----") {
            return Ok(Format::Rfc4716);
        }
        if rest.starts_with("ENCRYPTED PRIVATE KEY ----") {
            return Ok(Format::Sshcom);
        }
    }
    if let Some(label) = armour::first_label(text) {
        return match label {
            "OPENSSH PRIVATE KEY" => Ok(Format::OpenSsh),
            "PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" => Ok(Format::Pkcs8),
            "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "DSA PRIVATE KEY" => Ok(Format::Pem),
            // `openssl ecparam -genkey` writes the curve's block before the key's.
            "EC PARAMETERS" if text.contains("-----BEGIN EC PRIVATE KEY-----") => Ok(Format::Pem),
            "PUBLIC KEY" | "RSA PUBLIC KEY" => Ok(Format::Spki),
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => Ok(Format::X509),
            other => Err(Error::new(ErrorKind::UnsupportedScheme(format!(
                "PEM files labelled {other}"
            )))),
        };
    }
    if public::known_hosts::looks_like_known_hosts(text) {
        return Ok(Format::KnownHosts);
    }
    if public::looks_like_public_keys(text) {
        return Ok(Format::Public);
    }
    Err(Error::new(ErrorKind::UnrecognizedFormat).with_hint(unrecognized_hint(text)))
}

/// What an unrecognized text holds and what a key file would hold, without quoting it (it may
/// be part of a secret).
fn unrecognized_hint(text: &str) -> String {
    const EXPECTED: &str = "expected PEM armour (-----BEGIN … KEY-----), a PuTTY-User-Key-File, \
                            ---- BEGIN SSH2 PUBLIC KEY ----, or OpenSSH public key or known_hosts lines";
    let words: Vec<&str> = text.split_whitespace().take(1000).collect();
    let base64 = |w: &&str| {
        w.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
    };
    let found = if words.is_empty() {
        "found only white space".to_owned()
    } else if words.iter().all(base64) && words.iter().map(|w| w.len()).sum::<usize>() >= 64 {
        "found bare base64 without its -----BEGIN/-----END lines (lost in a copy?)".to_owned()
    } else {
        match text::lines(text).count() {
            1 => "found one line of other text".to_owned(),
            n => format!("found {n} lines of other text"),
        }
    };
    format!("{found}; {EXPECTED}")
}

/// The cipher a [`CbcCipher`] is, as [`Protection`] reports it (the encoding layer knows no
/// protection metadata).
pub(crate) fn cbc_cipher(c: CbcCipher) -> Cipher {
    match c {
        CbcCipher::Aes128 => Cipher::Aes128Cbc,
        CbcCipher::Aes192 => Cipher::Aes192Cbc,
        CbcCipher::Aes256 => Cipher::Aes256Cbc,
        CbcCipher::DesEde3 => Cipher::DesEde3Cbc,
        CbcCipher::DesEde2 => Cipher::DesEdeCbc,
        CbcCipher::Des => Cipher::DesCbc,
        CbcCipher::Rc2x40 => Cipher::Rc2x40Cbc,
        CbcCipher::Rc2x128 => Cipher::Rc2x128Cbc,
    }
}

/// What a private key file module hands back before any passphrase is used: the protection
/// parameters and whatever public data the file keeps in clear.
pub(crate) trait PrivateKeyFile: Send + Sync {
    /// How the file is protected.
    fn protection(&self) -> &Protection;
    /// The public key, when the file stores it in clear (PPK, OpenSSH, unencrypted PKCS#8/PEM);
    /// by default none, as in the files that keep it encrypted with the private key.
    fn public_key(&self) -> Option<&PublicKey> {
        None
    }
    /// The private key, decrypting with `passphrase` where needed, within `limits`.
    fn private_key(
        &self,
        passphrase: Option<&Passphrase>,
        limits: &KdfLimits,
    ) -> Result<PrivateKey>;
}

/// A private key file that is not encrypted: the key, read and checked when the file was decoded.
pub(crate) struct PlainKeyFile {
    pub(crate) key: PrivateKey,
}

/// The protection of every [`PlainKeyFile`].
static UNENCRYPTED: Protection = Protection::None;

impl PrivateKeyFile for PlainKeyFile {
    fn protection(&self) -> &Protection {
        &UNENCRYPTED
    }

    fn public_key(&self) -> Option<&PublicKey> {
        Some(self.key.public_key())
    }

    fn private_key(&self, _: Option<&Passphrase>, _: &KdfLimits) -> Result<PrivateKey> {
        Ok(self.key.clone())
    }
}

enum Contents {
    Public(Vec<PublicKey>),
    Private(Box<dyn PrivateKeyFile>),
}

/// A decoded key file: what can be known without a passphrase.
///
/// ```
/// use keyconv::{Format, KeyFile, Protection};
///
/// let file = KeyFile::decode(include_bytes!("../testdata/ed25519.ppk3-argon2id"))?;
/// assert_eq!(file.format(), Format::Ppk);
/// assert!(matches!(file.protection(), Protection::Encrypted { .. }));
/// assert_eq!(file.public_keys()[0].comment(), "ed25519@keyconv-test");
/// # Ok::<(), keyconv::Error>(())
/// ```
pub struct KeyFile {
    format: Format,
    contents: Contents,
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFile")
            .field("format", &self.format)
            .field("protection", &self.protection())
            .field("public_keys", &self.public_keys())
            .finish()
    }
}

impl KeyFile {
    /// Detects the format of `input` and decodes it. Runs no KDF.
    ///
    /// ```
    /// let file = keyconv::KeyFile::decode(include_bytes!("../testdata/ed25519.pkcs8"))?;
    /// assert_eq!(file.format(), keyconv::Format::Pkcs8);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn decode(input: &[u8]) -> Result<KeyFile> {
        let format = Format::detect(input)?;
        KeyFile::decode_as(input, format)
    }

    /// Decodes `input` as `format`. Runs no KDF.
    ///
    /// ```
    /// use keyconv::{Format, KeyFile};
    ///
    /// let pem = include_bytes!("../testdata/ed25519.spki");
    /// assert_eq!(KeyFile::decode_as(pem, Format::Spki)?.public_keys().len(), 1);
    /// assert!(KeyFile::decode_as(pem, Format::Ppk).is_err());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn decode_as(input: &[u8], format: Format) -> Result<KeyFile> {
        if input.len() > crate::encoding::MAX_KEY_FILE
            && !matches!(format, Format::Public | Format::KnownHosts)
        {
            return Err(Error::malformed(format, "file is too large for a key file"));
        }
        if matches!(
            format,
            Format::OpenSsh | Format::Pkcs8 | Format::Pem | Format::Spki
        ) && let Some(repaired) = paste::repair(input)?
        {
            return KeyFile::decode_exactly(repaired.text.as_bytes(), format)
                .map_err(|e| paste::explain(e, repaired.mangling));
        }
        KeyFile::decode_exactly(input, format)
    }

    /// Decodes `input` as `format`, with no repair of mangled armour.
    fn decode_exactly(input: &[u8], format: Format) -> Result<KeyFile> {
        let contents = match format {
            Format::Ppk => Contents::Private(ppk::decode(input)?),
            Format::OpenSsh => Contents::Private(openssh::decode(input)?),
            Format::Pkcs8 => Contents::Private(pkcs8::decode(input)?),
            Format::Pem => Contents::Private(pem::decode(input)?),
            Format::Public => Contents::Public(public::decode(input)?),
            Format::Rfc4716 => Contents::Public(rfc4716::decode(input)?),
            Format::Spki => Contents::Public(spki::decode(input)?),
            Format::Sshcom => Contents::Private(sshcom::decode(input)?),
            Format::Pkcs12 => Contents::Private(pkcs12::decode(input)?),
            Format::X509 => Contents::Public(x509::decode(input)?),
            Format::KnownHosts => Contents::Public(public::known_hosts::decode(input)?),
        };
        Ok(KeyFile { format, contents })
    }

    /// The file's format.
    ///
    /// ```
    /// let file = keyconv::KeyFile::decode(include_bytes!("../testdata/ed25519.rfc4716"))?;
    /// assert_eq!(file.format(), keyconv::Format::Rfc4716);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether the file holds a private key.
    ///
    /// ```
    /// use keyconv::KeyFile;
    ///
    /// assert!(KeyFile::decode(include_bytes!("../testdata/ed25519.openssh"))?.is_private());
    /// assert!(!KeyFile::decode(include_bytes!("../testdata/ed25519.pub"))?.is_private());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn is_private(&self) -> bool {
        matches!(self.contents, Contents::Private(_))
    }

    /// How the file is protected ([`Protection::None`] for public key files).
    ///
    /// ```
    /// use keyconv::{KeyFile, Protection};
    ///
    /// let file = KeyFile::decode(include_bytes!("../testdata/ed25519.openssh-aes256-ctr"))?;
    /// assert_eq!(file.protection().cipher_name(), Some("aes256-ctr"));
    /// let plain = KeyFile::decode(include_bytes!("../testdata/ed25519.openssh"))?;
    /// assert_eq!(plain.protection(), Protection::None);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn protection(&self) -> Protection {
        match &self.contents {
            Contents::Public(_) => Protection::None,
            Contents::Private(p) => p.protection().clone(),
        }
    }

    /// The public keys readable without a passphrase: every key of a public key file, the
    /// public half of a private key file that stores it in clear, else none.
    ///
    /// ```
    /// use keyconv::KeyFile;
    ///
    /// // An encrypted OpenSSH key keeps its public half in clear; encrypted PKCS#8 does not.
    /// let openssh = KeyFile::decode(include_bytes!("../testdata/ed25519.openssh-aes256-ctr"))?;
    /// assert_eq!(openssh.public_keys()[0].data().algorithm(), "ssh-ed25519");
    /// let pkcs8 = KeyFile::decode(include_bytes!("../testdata/ed25519.pkcs8-aes128"))?;
    /// assert!(pkcs8.public_keys().is_empty());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn public_keys(&self) -> Vec<PublicKey> {
        match &self.contents {
            Contents::Public(keys) => keys.clone(),
            Contents::Private(p) => p.public_key().into_iter().cloned().collect(),
        }
    }

    /// Whether the file's public keys are inside its encryption: [`KeyFile::public_keys`] is
    /// empty, and [`KeyFile::unlock_public_keys`] needs the passphrase (encrypted PKCS#8,
    /// PKCS#12, traditional PEM, ssh.com).
    ///
    /// ```
    /// use keyconv::KeyFile;
    ///
    /// let pkcs8 = KeyFile::decode(include_bytes!("../testdata/ed25519.pkcs8-aes128"))?;
    /// assert!(pkcs8.public_keys_are_encrypted());
    /// let ppk = KeyFile::decode(include_bytes!("../testdata/ed25519.ppk3-argon2id"))?;
    /// assert!(!ppk.public_keys_are_encrypted()); // a .ppk stores its public key in clear
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn public_keys_are_encrypted(&self) -> bool {
        match &self.contents {
            Contents::Public(_) => false,
            Contents::Private(p) => {
                p.public_key().is_none() && matches!(p.protection(), Protection::Encrypted { .. })
            }
        }
    }

    /// The public keys of the file: those it stores in clear (no KDF runs, `passphrase` is not
    /// used), else the public half of its private key, unlocked with `passphrase` within
    /// `limits`. [`ErrorKind::PassphraseRequired`] when the keys are encrypted and no
    /// passphrase is given; see [`public_keys`] for the one-call form.
    ///
    /// ```
    /// use keyconv::{ErrorKind, KdfLimits, KeyFile, Passphrase};
    ///
    /// let file = KeyFile::decode(include_bytes!("../testdata/ed25519.pkcs8-aes128"))?;
    /// let limits = KdfLimits::default();
    /// let e = file.unlock_public_keys(None, &limits).unwrap_err();
    /// assert_eq!(e.kind(), &ErrorKind::PassphraseRequired);
    /// let pass = Passphrase::from("correct horse battery");
    /// let keys = file.unlock_public_keys(Some(&pass), &limits)?;
    /// assert_eq!(keys[0].data().algorithm(), "ssh-ed25519");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn unlock_public_keys(
        &self,
        passphrase: Option<&Passphrase>,
        limits: &KdfLimits,
    ) -> Result<Vec<PublicKey>> {
        let keys = self.public_keys();
        if !keys.is_empty() || !self.is_private() {
            return Ok(keys);
        }
        Ok(vec![
            self.private_key(passphrase, limits)?.public_key().clone(),
        ])
    }

    /// The private key, decrypting with `passphrase` where the file is encrypted.
    ///
    /// ```
    /// use keyconv::{KdfLimits, KeyFile, Passphrase};
    ///
    /// let file = KeyFile::decode(include_bytes!("../testdata/ed25519.pkcs8-aes128"))?;
    /// let pass = Passphrase::from("correct horse battery");
    /// let key = file.private_key(Some(&pass), &KdfLimits::default())?;
    /// assert_eq!(key.public_key().data().algorithm(), "ssh-ed25519");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn private_key(
        &self,
        passphrase: Option<&Passphrase>,
        limits: &KdfLimits,
    ) -> Result<PrivateKey> {
        match &self.contents {
            Contents::Public(_) => Err(Error::new(ErrorKind::InvalidRequest(format!(
                "{} files hold no private key",
                self.format.description()
            )))),
            Contents::Private(p) => p.private_key(passphrase, limits),
        }
    }
}

/// The public keys of a key file of any format, in one call: those it stores in clear (no KDF
/// runs and `passphrase` is not used: a `.ppk`, an OpenSSH private key, every public format),
/// else the public half of its private key, unlocked with `passphrase` within
/// [`KdfLimits::default()`]. For other limits, or to ask for a passphrase only when one is
/// needed, use [`KeyFile::public_keys_are_encrypted`] and [`KeyFile::unlock_public_keys`].
///
/// ```
/// use keyconv::{ErrorKind, Passphrase};
///
/// // An encrypted .ppk: its public key is in clear.
/// let keys = keyconv::public_keys(include_bytes!("../testdata/ed25519.ppk3-argon2id"), None)?;
/// assert_eq!(keys[0].comment(), "ed25519@keyconv-test");
/// // An encrypted PKCS#8 file: its public key needs the passphrase.
/// let pkcs8 = include_bytes!("../testdata/ed25519.pkcs8-aes128");
/// let e = keyconv::public_keys(pkcs8, None).unwrap_err();
/// assert_eq!(e.kind(), &ErrorKind::PassphraseRequired);
/// let keys = keyconv::public_keys(pkcs8, Some(&Passphrase::from("correct horse battery")))?;
/// assert_eq!(keys[0].data().algorithm(), "ssh-ed25519");
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn public_keys(input: &[u8], passphrase: Option<&Passphrase>) -> Result<Vec<PublicKey>> {
    KeyFile::decode(input)?.unlock_public_keys(passphrase, &KdfLimits::default())
}

/// What to write: a format, with the options of that format only (SPEC §5). An option that
/// does not fit its target cannot be expressed.
///
/// ```
/// use keyconv::format::openssh::{OpensshCipher, OpensshOptions};
/// use keyconv::format::Target;
/// use keyconv::Format;
///
/// let target = Target::OpenSsh(OpensshOptions {
///     cipher: OpensshCipher::Aes256Gcm,
///     rounds: 32,
///     ..OpensshOptions::default()
/// });
/// assert_eq!(target.format(), Format::OpenSsh);
/// assert_eq!(Target::default_for(Format::Spki), Some(Target::Spki));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// PuTTY `.ppk`.
    Ppk(ppk::PpkOptions),
    /// OpenSSH `openssh-key-v1`.
    OpenSsh(openssh::OpensshOptions),
    /// PKCS#8.
    Pkcs8(pkcs8::Pkcs8Options),
    /// Traditional PEM.
    Pem(pem::PemOptions),
    /// OpenSSH one-line public key.
    Public,
    /// RFC 4716 public key.
    Rfc4716,
    /// SubjectPublicKeyInfo `PUBLIC KEY` PEM.
    Spki,
    /// ssh.com private key, as `puttygen -O private-sshcom` (no options).
    Sshcom,
}

impl Target {
    /// `format` with its default options; `None` for a format keyconv reads but does not write.
    ///
    /// ```
    /// use keyconv::Format;
    /// use keyconv::format::Target;
    /// assert_eq!(Target::default_for(Format::OpenSsh).map(|t| t.format()), Some(Format::OpenSsh));
    /// assert!(Target::default_for(Format::KnownHosts).is_none());
    /// ```
    pub fn default_for(format: Format) -> Option<Target> {
        Some(match format {
            Format::Ppk => Target::Ppk(ppk::PpkOptions::default()),
            Format::OpenSsh => Target::OpenSsh(openssh::OpensshOptions::default()),
            Format::Pkcs8 => Target::Pkcs8(pkcs8::Pkcs8Options::default()),
            Format::Pem => Target::Pem(pem::PemOptions::default()),
            Format::Public => Target::Public,
            Format::Rfc4716 => Target::Rfc4716,
            Format::Spki => Target::Spki,
            Format::Sshcom => Target::Sshcom,
            Format::KnownHosts | Format::Pkcs12 | Format::X509 => return None,
        })
    }

    /// The format written.
    ///
    /// ```
    /// use keyconv::format::Target;
    ///
    /// assert_eq!(Target::Spki.format(), keyconv::Format::Spki);
    /// ```
    pub fn format(&self) -> Format {
        match self {
            Target::Ppk(_) => Format::Ppk,
            Target::OpenSsh(_) => Format::OpenSsh,
            Target::Pkcs8(_) => Format::Pkcs8,
            Target::Pem(_) => Format::Pem,
            Target::Public => Format::Public,
            Target::Sshcom => Format::Sshcom,
            Target::Rfc4716 => Format::Rfc4716,
            Target::Spki => Format::Spki,
        }
    }

    /// The key derivation limits the target's options keep when writing with a passphrase
    /// (SPEC §3); the targets without a configurable key derivation have none.
    ///
    /// ```
    /// use keyconv::format::Target;
    /// use keyconv::{Format, KdfLimits};
    /// let mut target = Target::default_for(Format::OpenSsh).unwrap();
    /// target.set_limits(KdfLimits { allow_expensive: true });
    /// assert_eq!(target.limits(), Some(KdfLimits { allow_expensive: true }));
    /// assert_eq!(Target::Spki.limits(), None);
    /// ```
    pub fn limits(&self) -> Option<KdfLimits> {
        match self {
            Target::OpenSsh(o) => Some(o.limits),
            Target::Ppk(ppk::PpkOptions::V3(a)) => Some(a.limits),
            Target::Pkcs8(o) => Some(o.limits),
            _ => None,
        }
    }

    /// Sets the key derivation limits of the target's options (see [`Target::limits`]).
    ///
    /// ```
    /// use keyconv::format::Target;
    /// use keyconv::{Format, KdfLimits};
    ///
    /// let mut target = Target::default_for(Format::Pkcs8).unwrap();
    /// target.set_limits(KdfLimits { allow_expensive: true });
    /// assert_eq!(target.limits(), Some(KdfLimits { allow_expensive: true }));
    /// ```
    pub fn set_limits(&mut self, limits: KdfLimits) {
        match self {
            Target::OpenSsh(o) => o.limits = limits,
            Target::Ppk(ppk::PpkOptions::V3(a)) => a.limits = limits,
            Target::Pkcs8(o) => o.limits = limits,
            _ => {}
        }
    }

    /// Refuses, before any work, a key derivation the encoder would refuse: what writing with
    /// a non-empty passphrase asks above the options' limits. Without a passphrase nothing is
    /// derived, so nothing is refused.
    ///
    /// ```
    /// use keyconv::format::openssh::OpensshOptions;
    /// use keyconv::format::Target;
    /// use keyconv::Passphrase;
    /// let slow = Target::OpenSsh(OpensshOptions { rounds: 1_000_000, ..OpensshOptions::default() });
    /// assert!(slow.check_limits(Some(&Passphrase::from("pw"))).is_err());
    /// assert!(slow.check_limits(None).is_ok());
    /// ```
    pub fn check_limits(&self, passphrase: Option<&Passphrase>) -> Result<()> {
        if passphrase.is_none_or(|p| p.is_empty()) {
            return Ok(());
        }
        match self {
            Target::OpenSsh(o) => o.check_limits(),
            Target::Ppk(ppk::PpkOptions::V3(a)) => a.check_limits(),
            Target::Pkcs8(o) => o.check_limits(),
            _ => Ok(()),
        }
    }

    /// Whether the target holds a private key.
    ///
    /// ```
    /// use keyconv::format::Target;
    ///
    /// assert!(Target::Sshcom.is_private());
    /// assert!(!Target::Rfc4716.is_private());
    /// ```
    pub fn is_private(&self) -> bool {
        self.format().is_private()
    }
}

/// Encodes `key` as `target`: a private target encrypted with `passphrase` when given and not
/// empty; a public target writes the public key (and ignores `passphrase`). Zeroized on drop.
///
/// ```
/// use keyconv::format::{Target, encode_private};
/// use keyconv::{Format, KeySpec, PrivateKey};
/// let key = PrivateKey::generate(KeySpec::Ed25519, "me@host")?;
/// let text = encode_private(&key, &Target::OpenSsh(Default::default()), None)?;
/// assert!(text.starts_with(b"-----BEGIN OPENSSH PRIVATE KEY-----"));
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn encode_private(
    key: &PrivateKey,
    target: &Target,
    passphrase: Option<&Passphrase>,
) -> Result<Zeroizing<Vec<u8>>> {
    let pass = passphrase.filter(|p| !p.is_empty());
    let text = |s: String| Zeroizing::new(s.into_bytes());
    match target {
        Target::Ppk(o) => ppk::encode(key, o, pass).map(text),
        Target::OpenSsh(o) => openssh::encode(key, o, pass).map(text),
        Target::Pkcs8(o) if o.der => pkcs8::encode_der(key, o, pass),
        Target::Pkcs8(o) => pkcs8::encode(key, o, pass).map(text),
        Target::Pem(o) => pem::encode(key, o, pass).map(text),
        Target::Sshcom => sshcom::encode(key, pass).map(|t| Zeroizing::new(t.as_bytes().to_vec())),
        public => Ok(text(encode_public(key.public_key(), public.format())?)),
    }
}

/// Encodes a public key in a public `target` format (`public`, `rfc4716`, `spki`).
///
/// ```
/// use keyconv::format::encode_public;
/// use keyconv::{Format, PublicKey};
/// let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me";
/// let key = PublicKey::from_openssh(line)?;
/// assert!(encode_public(&key, Format::Rfc4716)?.starts_with("---- BEGIN SSH2 PUBLIC KEY ----"));
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn encode_public(key: &PublicKey, target: Format) -> Result<String> {
    match target {
        Format::Public => Ok(public::encode(key)),
        Format::Rfc4716 => Ok(rfc4716::encode(key)),
        Format::Spki => spki::encode(key),
        Format::KnownHosts => Err(Error::new(ErrorKind::InvalidRequest(
            "keyconv reads known_hosts files but does not write them: use --to public".into(),
        ))),
        Format::X509 => Err(read_only(target)),
        private => Err(Error::new(ErrorKind::InvalidRequest(format!(
            "{} is a private key format: a public key alone cannot be written as one",
            private.name()
        )))),
    }
}

/// The error for a target keyconv reads but does not write.
fn read_only(target: Format) -> Error {
    Error::new(ErrorKind::InvalidRequest(format!(
        "keyconv reads {} files but does not write them: use ppk, openssh, pkcs8, pem or sshcom \
         (or public, rfc4716, spki for the public key)",
        target.description()
    )))
}

/// The private key of a file decoded as `format`, with the default [`KdfLimits`].
fn private_as(input: &[u8], format: Format, passphrase: Option<&Passphrase>) -> Result<PrivateKey> {
    KeyFile::decode_as(input, format)?.private_key(passphrase, &KdfLimits::default())
}

/// One-call reading and writing per format: `from_FORMAT(input, passphrase)` and
/// `to_FORMAT(&options, passphrase)`. Reading applies [`KdfLimits::default`]; use [`KeyFile`]
/// to choose other limits, or to see the protection before giving a passphrase.
///
/// ```
/// use keyconv::format::openssh::OpensshOptions;
/// use keyconv::format::ppk::PpkOptions;
/// use keyconv::{KeySpec, Passphrase, PrivateKey};
///
/// let key = PrivateKey::generate(KeySpec::Ed25519, "me@host")?;
/// let pass = Passphrase::from("correct horse");
/// let ppk = key.to_ppk(&PpkOptions::default(), Some(&pass))?;
/// let back = PrivateKey::from_ppk(ppk.as_bytes(), Some(&pass))?;
/// let openssh = back.to_openssh(&OpensshOptions::default(), None)?;
/// assert_eq!(PrivateKey::from_openssh(openssh.as_bytes(), None)?, key);
/// # Ok::<(), keyconv::Error>(())
/// ```
impl PrivateKey {
    /// Reads a PuTTY `.ppk` file (v2 or v3).
    ///
    /// ```
    /// use keyconv::{Passphrase, PrivateKey};
    ///
    /// let pass = Passphrase::from("correct horse battery");
    /// let key = PrivateKey::from_ppk(include_bytes!("../testdata/ed25519.ppk3-argon2id"), Some(&pass))?;
    /// assert_eq!(key.comment(), "ed25519@keyconv-test");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_ppk(input: &[u8], passphrase: Option<&Passphrase>) -> Result<PrivateKey> {
        private_as(input, Format::Ppk, passphrase)
    }

    /// Writes a PuTTY `.ppk` file, encrypted when `passphrase` is given and not empty.
    ///
    /// ```
    /// use keyconv::format::ppk::PpkOptions;
    /// use keyconv::{KeySpec, PrivateKey};
    ///
    /// let key = PrivateKey::generate(KeySpec::Ed25519, "me")?;
    /// let ppk = key.to_ppk(&PpkOptions::default(), None)?;
    /// assert!(ppk.starts_with("PuTTY-User-Key-File-3: ssh-ed25519"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn to_ppk(
        &self,
        options: &ppk::PpkOptions,
        passphrase: Option<&Passphrase>,
    ) -> Result<Zeroizing<String>> {
        ppk::encode(self, options, passphrase).map(Zeroizing::new)
    }

    /// Reads an OpenSSH `openssh-key-v1` private key.
    ///
    /// ```
    /// let key = keyconv::PrivateKey::from_openssh(include_bytes!("../testdata/ed25519.openssh"), None)?;
    /// assert_eq!(key.comment(), "ed25519@keyconv-test");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_openssh(input: &[u8], passphrase: Option<&Passphrase>) -> Result<PrivateKey> {
        private_as(input, Format::OpenSsh, passphrase)
    }

    /// Writes an OpenSSH private key, encrypted when `passphrase` is given and not empty.
    ///
    /// ```
    /// use keyconv::format::openssh::OpensshOptions;
    /// use keyconv::{KeySpec, PrivateKey};
    ///
    /// let key = PrivateKey::generate(KeySpec::Ed25519, "me")?;
    /// let text = key.to_openssh(&OpensshOptions::default(), None)?;
    /// assert!(text.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn to_openssh(
        &self,
        options: &openssh::OpensshOptions,
        passphrase: Option<&Passphrase>,
    ) -> Result<Zeroizing<String>> {
        openssh::encode(self, options, passphrase).map(Zeroizing::new)
    }

    /// Reads a PKCS#8 `PRIVATE KEY` / `ENCRYPTED PRIVATE KEY` PEM file.
    ///
    /// ```
    /// let key = keyconv::PrivateKey::from_pkcs8_pem(include_bytes!("../testdata/ed25519.pkcs8"), None)?;
    /// assert_eq!(key.comment(), ""); // PKCS#8 has no comment
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_pkcs8_pem(input: &[u8], passphrase: Option<&Passphrase>) -> Result<PrivateKey> {
        private_as(input, Format::Pkcs8, passphrase)
    }

    /// Reads a DER PKCS#8 `PrivateKeyInfo` / `EncryptedPrivateKeyInfo`.
    ///
    /// ```
    /// let key = keyconv::PrivateKey::from_pkcs8_der(include_bytes!("../testdata/ed25519.pkcs8-der"), None)?;
    /// assert_eq!(key.public_key().data().algorithm(), "ssh-ed25519");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_pkcs8_der(input: &[u8], passphrase: Option<&Passphrase>) -> Result<PrivateKey> {
        private_as(input, Format::Pkcs8, passphrase)
    }

    /// Writes PKCS#8 PEM (PBES2 when `passphrase` is given and not empty).
    ///
    /// ```
    /// use keyconv::format::pkcs8::Pkcs8Options;
    /// use keyconv::{KeySpec, PrivateKey};
    ///
    /// let key = PrivateKey::generate(KeySpec::Ed25519, "")?;
    /// let pem = key.to_pkcs8_pem(&Pkcs8Options::default(), None)?;
    /// assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn to_pkcs8_pem(
        &self,
        options: &pkcs8::Pkcs8Options,
        passphrase: Option<&Passphrase>,
    ) -> Result<Zeroizing<String>> {
        pkcs8::encode(self, options, passphrase).map(Zeroizing::new)
    }

    /// Writes PKCS#8 DER (PBES2 when `passphrase` is given and not empty).
    ///
    /// ```
    /// use keyconv::format::pkcs8::Pkcs8Options;
    /// use keyconv::{KeySpec, PrivateKey};
    ///
    /// let key = PrivateKey::generate(KeySpec::Ed25519, "")?;
    /// let der = key.to_pkcs8_der(&Pkcs8Options::default(), None)?;
    /// assert_eq!(PrivateKey::from_pkcs8_der(&der, None)?, key);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn to_pkcs8_der(
        &self,
        options: &pkcs8::Pkcs8Options,
        passphrase: Option<&Passphrase>,
    ) -> Result<Zeroizing<Vec<u8>>> {
        pkcs8::encode_der(self, options, passphrase)
    }

    /// Reads traditional PEM (`RSA`/`EC`/`DSA PRIVATE KEY`), legacy-encrypted or not.
    ///
    /// ```
    /// let key = keyconv::PrivateKey::from_pem(include_bytes!("../testdata/ecdsa-256.pem"), None)?;
    /// assert_eq!(key.public_key().data().algorithm(), "ecdsa-sha2-nistp256");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_pem(input: &[u8], passphrase: Option<&Passphrase>) -> Result<PrivateKey> {
        private_as(input, Format::Pem, passphrase)
    }

    /// Writes traditional PEM, legacy-encrypted when `passphrase` is given and not empty.
    ///
    /// ```
    /// use keyconv::format::pem::PemOptions;
    /// use keyconv::{KeySpec, PrivateKey};
    ///
    /// let key = PrivateKey::generate(KeySpec::Ecdsa(keyconv::EcCurve::P256), "")?;
    /// let pem = key.to_pem(&PemOptions::default(), None)?;
    /// assert!(pem.starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn to_pem(
        &self,
        options: &pem::PemOptions,
        passphrase: Option<&Passphrase>,
    ) -> Result<Zeroizing<String>> {
        pem::encode(self, options, passphrase).map(Zeroizing::new)
    }

    /// Reads an ssh.com / Tectia `SSH2 ENCRYPTED PRIVATE KEY` (RSA, DSA).
    ///
    /// ```
    /// let key = keyconv::PrivateKey::from_sshcom(include_bytes!("../testdata/rsa-2048.sshcom"), None)?;
    /// assert_eq!(key.public_key().data().bits(), 2048);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_sshcom(input: &[u8], passphrase: Option<&Passphrase>) -> Result<PrivateKey> {
        private_as(input, Format::Sshcom, passphrase)
    }

    /// Writes an ssh.com private key as `puttygen -O private-sshcom` does, `3des-cbc`-encrypted
    /// when `passphrase` is given and not empty.
    ///
    /// ```
    /// let key = keyconv::PrivateKey::from_sshcom(include_bytes!("../testdata/rsa-2048.sshcom"), None)?;
    /// let text = key.to_sshcom(None)?;
    /// assert!(text.starts_with("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn to_sshcom(&self, passphrase: Option<&Passphrase>) -> Result<Zeroizing<String>> {
        sshcom::encode(self, passphrase)
    }

    /// Reads the one private key of a PKCS#12 `.p12` / `.pfx` file (its MAC verified first).
    ///
    /// ```
    /// use keyconv::{Passphrase, PrivateKey};
    ///
    /// let pass = Passphrase::from("correct horse battery");
    /// let key = PrivateKey::from_pkcs12(include_bytes!("../testdata/ed25519.pkcs12"), Some(&pass))?;
    /// assert_eq!(key.public_key().data().algorithm(), "ssh-ed25519");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_pkcs12(input: &[u8], passphrase: Option<&Passphrase>) -> Result<PrivateKey> {
        private_as(input, Format::Pkcs12, passphrase)
    }

    /// Reads a private key in any format, detected from the content.
    ///
    /// ```
    /// use keyconv::PrivateKey;
    ///
    /// let a = PrivateKey::from_any(include_bytes!("../testdata/ed25519.openssh"), None)?;
    /// let b = PrivateKey::from_any(include_bytes!("../testdata/ed25519.pkcs8"), None)?;
    /// assert_eq!(a.public_key().data(), b.public_key().data());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_any(input: &[u8], passphrase: Option<&Passphrase>) -> Result<PrivateKey> {
        KeyFile::decode(input)?.private_key(passphrase, &KdfLimits::default())
    }

    /// Writes `target` (see [`encode_private`]).
    ///
    /// ```
    /// use keyconv::format::Target;
    /// use keyconv::{Format, KeySpec, PrivateKey};
    ///
    /// let key = PrivateKey::generate(KeySpec::Ed25519, "me")?;
    /// let target = Target::default_for(Format::Ppk).unwrap();
    /// assert!(key.to_target(&target, None)?.starts_with(b"PuTTY-User-Key-File-3"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn to_target(
        &self,
        target: &Target,
        passphrase: Option<&Passphrase>,
    ) -> Result<Zeroizing<Vec<u8>>> {
        encode_private(self, target, passphrase)
    }
}

/// One-call reading and writing of public keys.
///
/// ```
/// use keyconv::PublicKey;
/// let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me";
/// let key = PublicKey::from_openssh(line)?;
/// let rfc = key.to_rfc4716();
/// assert_eq!(PublicKey::from_rfc4716(rfc.as_bytes())?, key);
/// let spki = key.to_spki()?;
/// assert_eq!(PublicKey::from_spki(spki.as_bytes())?.fingerprint(keyconv::FingerprintHash::Sha256),
///            key.fingerprint(keyconv::FingerprintHash::Sha256));
/// assert_eq!(key.to_openssh(), format!("{line}\n"));
/// # Ok::<(), keyconv::Error>(())
/// ```
impl PublicKey {
    /// Reads one OpenSSH public key line (`TYPE BASE64 [COMMENT]`, `authorized_keys` options
    /// allowed). See [`public::decode`] for files of many keys.
    ///
    /// ```
    /// let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me";
    /// assert_eq!(keyconv::PublicKey::from_openssh(line)?.comment(), "me");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_openssh(line: &str) -> Result<PublicKey> {
        public::decode_line(line.trim_end_matches(['\n', '\r']))?
            .ok_or_else(|| Error::malformed(Format::Public, "no key on the line"))
    }

    /// The OpenSSH one-line form, `TYPE BASE64 COMMENT` and a newline.
    ///
    /// ```
    /// let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me";
    /// assert_eq!(keyconv::PublicKey::from_openssh(line)?.to_openssh(), format!("{line}\n"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn to_openssh(&self) -> String {
        public::encode(self)
    }

    /// Reads an RFC 4716 `---- BEGIN SSH2 PUBLIC KEY ----` block.
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_rfc4716(include_bytes!("../testdata/ed25519.rfc4716"))?;
    /// assert_eq!(key.data().algorithm(), "ssh-ed25519");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_rfc4716(input: &[u8]) -> Result<PublicKey> {
        one_key(rfc4716::decode(input)?, Format::Rfc4716)
    }

    /// Writes RFC 4716.
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// assert!(key.to_rfc4716().starts_with("---- BEGIN SSH2 PUBLIC KEY ----"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn to_rfc4716(&self) -> String {
        rfc4716::encode(self)
    }

    /// Reads a SubjectPublicKeyInfo `PUBLIC KEY` (PEM or DER) or PKCS#1 `RSA PUBLIC KEY`.
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_spki(include_bytes!("../testdata/ed25519.spki-der"))?;
    /// assert_eq!(key.data().algorithm(), "ssh-ed25519");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_spki(input: &[u8]) -> Result<PublicKey> {
        one_key(spki::decode(input)?, Format::Spki)
    }

    /// Writes a SubjectPublicKeyInfo `PUBLIC KEY` PEM.
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_spki(include_bytes!("../testdata/ed25519.spki"))?;
    /// assert_eq!(key.to_spki()?, include_str!("../testdata/ed25519.spki")); // as openssl writes it
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn to_spki(&self) -> Result<String> {
        spki::encode(self)
    }

    /// Reads the subject public key of an X.509 certificate (PEM `CERTIFICATE` or DER).
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_x509(include_bytes!("../testdata/ed25519.x509"))?;
    /// assert_eq!(key.data().algorithm(), "ssh-ed25519");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_x509(input: &[u8]) -> Result<PublicKey> {
        one_key(x509::decode(input)?, Format::X509)
    }
}

fn one_key(keys: Vec<PublicKey>, format: Format) -> Result<PublicKey> {
    let mut keys = keys.into_iter();
    match (keys.next(), keys.next()) {
        (Some(key), None) => Ok(key),
        (None, _) => Err(Error::malformed(format, "no key in the file")),
        (Some(_), Some(_)) => Err(Error::malformed(format, "more than one key in the file")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        assert_eq!(
            Format::detect(b"PuTTY-User-Key-File-3: ssh-ed25519\n").unwrap(),
            Format::Ppk
        );
        assert_eq!(
            Format::detect(b"-----BEGIN OPENSSH PRIVATE KEY-----\n").unwrap(),
            Format::OpenSsh
        );
        assert_eq!(
            Format::detect(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n").unwrap(),
            Format::Pkcs8
        );
        assert_eq!(
            Format::detect(b"-----BEGIN EC PRIVATE KEY-----\n").unwrap(),
            Format::Pem
        );
        assert_eq!(
            Format::detect(b"-----BEGIN RSA PUBLIC KEY-----\n").unwrap(),
            Format::Spki
        );
        assert_eq!(
            Format::detect(b"\xef\xbb\xbf---- BEGIN SSH2 PUBLIC KEY ----\n").unwrap(),
            Format::Rfc4716
        );
        assert!(matches!(
            Format::detect(b"hello world").unwrap_err().kind(),
            ErrorKind::UnrecognizedFormat
        ));
        assert!(Format::detect(b"").is_err());
        assert!(Format::detect(b"\x30\x03\x02\x01\x00").is_err());
    }

    /// Found by the roundtrip fuzzer: a key whose comment quotes an armour line was written as a
    /// public line that keyconv then read as a mangled paste and refused.
    #[test]
    fn a_comment_quoting_armour_is_not_a_paste() {
        let mut key = PrivateKey::generate(crate::key::KeySpec::Ed25519, "").unwrap();
        for comment in [
            "me-----BEGIN EC PRIVATE KEY----- x",
            "\"-----BEGIN EC PRIVATE KEY----- x\\n",
        ] {
            key.set_comment(comment);
            let line = encode_public(key.public_key(), Format::Public).unwrap();
            assert_eq!(Format::detect(line.as_bytes()).unwrap(), Format::Public);
            let read = KeyFile::decode(line.as_bytes()).unwrap().public_keys();
            assert_eq!(read.first().map(|k| k.comment()), Some(comment));
            let ppk = encode_private(&key, &Target::Ppk(Default::default()), None).unwrap();
            let back = KeyFile::decode(&ppk)
                .unwrap()
                .private_key(None, &KdfLimits::default());
            assert_eq!(back.unwrap().public_key().comment(), comment);
        }
    }

    #[test]
    fn format_is_not_a_concern_of_generation() {
        // A generated Ed448 key exists in the model even though OpenSSH cannot hold it.
        let key = PrivateKey::generate(crate::key::KeySpec::Ed448, "").unwrap();
        let target = Target::OpenSsh(Default::default());
        let e = encode_private(&key, &target, None).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::UnsupportedTarget { .. }));
    }
}
