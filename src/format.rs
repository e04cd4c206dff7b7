//! The formats keyconv reads and writes, detection of unknown input, and the dispatch from a
//! [`Format`] to its module. A conversion is always decode → model → encode; format modules never
//! import each other.

use std::fmt;

use crate::encoding::pem as armour;
use crate::encoding::{der, text};
use crate::error::{Error, ErrorKind, Result};
use crate::key::{PrivateKey, PublicKey};
use crate::passphrase::Passphrase;
use crate::protection::{KdfLimits, Protection};

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

/// A key file format (SPEC §1). The names are those of `--to` and `inspect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// PuTTY `.ppk`, versions 2 and 3.
    Ppk,
    /// OpenSSH's `openssh-key-v1` private key.
    OpenSsh,
    /// PKCS#8 `PRIVATE KEY` / `ENCRYPTED PRIVATE KEY`, PEM or DER.
    Pkcs8,
    /// Traditional PEM: `RSA PRIVATE KEY`, `EC PRIVATE KEY`, `DSA PRIVATE KEY`.
    Pem,
    /// OpenSSH one-line public keys and `authorized_keys` files.
    Public,
    /// RFC 4716 `---- BEGIN SSH2 PUBLIC KEY ----`.
    Rfc4716,
    /// X.509 SubjectPublicKeyInfo `PUBLIC KEY` (PEM or DER), and PKCS#1 `RSA PUBLIC KEY`.
    Spki,
    /// ssh.com / Tectia `---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----` (RSA, DSA).
    Sshcom,
    /// PKCS#12 `.p12` / `.pfx` (read only).
    Pkcs12,
    /// X.509 certificates, PEM `CERTIFICATE` or DER: the subject public key (read only).
    X509,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 10] = [
        Format::Ppk,
        Format::OpenSsh,
        Format::Pkcs8,
        Format::Pem,
        Format::Public,
        Format::Rfc4716,
        Format::Spki,
        Format::Sshcom,
        Format::Pkcs12,
        Format::X509,
    ];

    /// The name used by `--to` and `inspect`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Ppk => "ppk",
            Format::OpenSsh => "openssh",
            Format::Pkcs8 => "pkcs8",
            Format::Pem => "pem",
            Format::Public => "public",
            Format::Rfc4716 => "rfc4716",
            Format::Spki => "spki",
            Format::Sshcom => "sshcom",
            Format::Pkcs12 => "pkcs12",
            Format::X509 => "x509",
        }
    }

    /// The format with this name.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Words for messages, e.g. `PuTTY .ppk`.
    pub fn description(self) -> &'static str {
        match self {
            Format::Ppk => "PuTTY .ppk",
            Format::OpenSsh => "OpenSSH private key",
            Format::Pkcs8 => "PKCS#8",
            Format::Pem => "traditional PEM",
            Format::Public => "OpenSSH public key",
            Format::Rfc4716 => "RFC 4716 public key",
            Format::Spki => "SubjectPublicKeyInfo",
            Format::Sshcom => "ssh.com private key",
            Format::Pkcs12 => "PKCS#12",
            Format::X509 => "X.509 certificate",
        }
    }

    /// Whether files of this format hold private keys.
    pub fn is_private(self) -> bool {
        matches!(
            self,
            Format::Ppk
                | Format::OpenSsh
                | Format::Pkcs8
                | Format::Pem
                | Format::Sshcom
                | Format::Pkcs12
        )
    }

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
        match text::decode(input) {
            Ok(text) => detect_text(&text),
            // Not text as a whole (binary garbage after an END line, say): the format is still
            // what its armour says, and its decoder reports what is wrong. A .ppk comment
            // may also be in a legacy code page (old Windows PuTTY).
            Err(_) => detect_text(&String::from_utf8_lossy(input)),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn detect_der(input: &[u8]) -> Option<Format> {
    if input.first() != Some(&0x30) {
        return None;
    }
    let tags = der::sequence_tags(input)?;
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
    if public::looks_like_public_keys(text) {
        return Ok(Format::Public);
    }
    Err(Error::new(ErrorKind::UnrecognizedFormat))
}

/// What a private key file module hands back before any passphrase is used: the protection
/// parameters and whatever public data the file keeps in clear.
pub(crate) trait PrivateKeyFile: Send + Sync {
    /// How the file is protected.
    fn protection(&self) -> &Protection;
    /// The public key, when the file stores it in clear (PPK, OpenSSH, unencrypted PKCS#8/PEM).
    fn public_key(&self) -> Option<&PublicKey>;
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
    pub fn decode(input: &[u8]) -> Result<KeyFile> {
        let format = Format::detect(input)?;
        KeyFile::decode_as(input, format)
    }

    /// Decodes `input` as `format`. Runs no KDF.
    pub fn decode_as(input: &[u8], format: Format) -> Result<KeyFile> {
        if input.len() > crate::encoding::MAX_KEY_FILE && format != Format::Public {
            return Err(Error::malformed(format, "file is too large for a key file"));
        }
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
        };
        Ok(KeyFile { format, contents })
    }

    /// The file's format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether the file holds a private key.
    pub fn is_private(&self) -> bool {
        matches!(self.contents, Contents::Private(_))
    }

    /// How the file is protected ([`Protection::None`] for public key files).
    pub fn protection(&self) -> Protection {
        match &self.contents {
            Contents::Public(_) => Protection::None,
            Contents::Private(p) => p.protection().clone(),
        }
    }

    /// The public keys readable without a passphrase: every key of a public key file, the
    /// public half of a private key file that stores it in clear, else none.
    pub fn public_keys(&self) -> Vec<PublicKey> {
        match &self.contents {
            Contents::Public(keys) => keys.clone(),
            Contents::Private(p) => p.public_key().into_iter().cloned().collect(),
        }
    }

    /// The private key, decrypting with `passphrase` where the file is encrypted.
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

/// Options for writing private keys, one part per format. Options of other formats are ignored.
#[derive(Clone, Debug, Default)]
pub struct EncodeOptions {
    /// Encrypt with this passphrase; `None` (or an empty passphrase) writes an unencrypted key.
    pub passphrase: Option<Passphrase>,
    /// OpenSSH options.
    pub openssh: openssh::OpensshOptions,
    /// PPK options.
    pub ppk: ppk::PpkOptions,
    /// PKCS#8 options.
    pub pkcs8: pkcs8::Pkcs8Options,
    /// Traditional PEM options.
    pub pem: pem::PemOptions,
}

impl EncodeOptions {
    fn passphrase(&self) -> Option<&Passphrase> {
        self.passphrase.as_ref().filter(|p| !p.is_empty())
    }
}

/// Encodes a private key in a private `target` format.
pub fn encode_private(
    key: &PrivateKey,
    target: Format,
    options: &EncodeOptions,
) -> Result<Vec<u8>> {
    let pass = options.passphrase();
    match target {
        Format::Ppk => ppk::encode(key, &options.ppk, pass).map(String::into_bytes),
        Format::OpenSsh => openssh::encode(key, &options.openssh, pass).map(String::into_bytes),
        Format::Pkcs8 if options.pkcs8.der => pkcs8::encode_der(key, &options.pkcs8, pass),
        Format::Pkcs8 => pkcs8::encode(key, &options.pkcs8, pass).map(String::into_bytes),
        Format::Pem => pem::encode(key, &options.pem, pass).map(String::into_bytes),
        Format::Sshcom => sshcom::encode(key, pass).map(|text| text.as_bytes().to_vec()),
        Format::Pkcs12 | Format::X509 => Err(read_only(target)),
        public => Ok(encode_public(key.public_key(), public)?.into_bytes()),
    }
}

/// Encodes a public key in a public `target` format (`public`, `rfc4716`, `spki`).
pub fn encode_public(key: &PublicKey, target: Format) -> Result<String> {
    match target {
        Format::Public => Ok(public::encode(key)),
        Format::Rfc4716 => Ok(rfc4716::encode(key)),
        Format::Spki => spki::encode(key),
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
}
