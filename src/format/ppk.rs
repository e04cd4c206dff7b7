//! PuTTY `.ppk` private keys, versions 2 and 3.
//!
//! Specification: the PuTTY manual, appendix C "PPK file format"
//! (<https://the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html>); where it is silent,
//! PuTTY's `sshpubk.c` (`ppk_load_s`, `ppk_save_sb`) is the reference. On disk:
//!
//! ```text
//! PuTTY-User-Key-File-3: ssh-ed25519          version 2 or 3, key algorithm
//! Encryption: aes256-cbc                      or none
//! Comment: me@host
//! Public-Lines: 2                             N lines of base64 (≤ 64 chars each) follow:
//! AAAAC3NzaC1lZDI1NTE5AAAAII3R3thgk59/kHcq…   the SSH public key blob, in clear
//! 9WD0
//! Key-Derivation: Argon2id                    v3 and encrypted only: Argon2id|Argon2i|Argon2d,
//! Argon2-Memory: 8192                           memory in KiB,
//! Argon2-Passes: 21                             passes,
//! Argon2-Parallelism: 1                         lanes,
//! Argon2-Salt: 7bfb861a21ec210d1cbb618bebb7ee6c salt in hex
//! Private-Lines: 1
//! AAAAIOUszrTxXeQuuBk63KKh3ZiRQ51/9HCy3Wjhfh6J…  private blob, AES-256-CBC encrypted
//! Private-MAC: b2cebeb5b5fa60ea120c22d3c55dbcf0…  HMAC-SHA-1 (v2) / HMAC-SHA-256 (v3), hex
//! ```
//!
//! The MAC covers `string(algorithm) string(encryption) string(comment) string(public blob)
//! string(private blob)` (the private blob decrypted, with its padding). Keys: v2 derives the
//! AES key from SHA-1 of the passphrase (IV zero) and keys the MAC with
//! SHA-1(`putty-private-key-file-mac-key` ‖ passphrase), even when unencrypted; v3 derives
//! AES key, IV and MAC key from Argon2, and an unencrypted v3 file's MAC key is empty.
//!
//! Decisions where the manual is silent (reading):
//! - Lines may end in LF, CRLF or CR; a UTF-8 or UTF-16 byte-order mark and leading white space
//!   are skipped; only blank lines may follow `Private-MAC`.
//! - Base64 lines longer than 64 characters are refused, as PuTTY refuses them; line counts of
//!   5461 or more (PuTTY's `MAX_KEY_BLOB_LINES`) are refused before anything is read.
//! - A header line `Comment:` without the space after the colon is an empty comment (editors
//!   strip trailing spaces). A comment that is not UTF-8 (old Windows PuTTY wrote the ANSI code
//!   page) is read as Latin-1; the MAC is checked over its bytes as stored.
//! - Argon2 parameters that Argon2 itself does not define (zero passes, lanes outside
//!   1–16777215, memory below 8 KiB per lane, a salt shorter than 8 bytes) are malformed; the
//!   [`KdfLimits`] are checked before any derivation.
//! - The MAC is checked in constant time before the private blob is parsed; a mismatch is
//!   [`ErrorKind::IncorrectPassphrase`] ([`Error::may_be_corrupted`]), also for an unencrypted file (whose MAC can
//!   only fail through corruption or editing; the hint says so).
//! - A file that ends after its public lines (no `Private-Lines`, `Private-MAC`: what sshpk
//!   writes for a public key) gives its public key, as puttygen reads it; its private key is
//!   refused.
//! - Up to 15 bytes of padding may follow the private key fields (the MAC authenticates them),
//!   whatever their content, so that files from other writers are read.
//!
//! Writing matches puttygen 0.78 byte for byte for the same key, comment, salt and
//! parameters: LF line endings, 64-character base64 lines, the private blob padded to 16 bytes
//! with SHA-1 of itself when encrypted, RSA keys with the larger prime first.

use std::borrow::Cow;
use std::fmt::Write as _;

use zeroize::Zeroizing;

use crate::encoding::{base64, text};
use crate::error::{Error, ErrorKind, Result};
use crate::format::{Format, PrivateKeyFile};
use crate::key::{PrivateKey, PublicKey};
use crate::passphrase::Passphrase;
use crate::protection::{Cipher, Kdf, KdfLimits, Protection, Scheme};

mod crypto;
mod lines;
mod secret;

use crypto::{FileKeys, MacFields};
use lines::Lines;

pub use crate::protection::Argon2Variant;

impl Argon2Variant {
    fn from_ppk_name(name: &str) -> Option<Argon2Variant> {
        Argon2Variant::ALL
            .iter()
            .copied()
            .find(|v| v.ppk_name() == name)
    }
}

/// The Argon2 passes keyconv writes by default.
///
/// puttygen does not write a fixed number: it steps the passes through Fibonacci numbers until
/// deriving the key takes about 100 ms on the machine at hand (with 8 MiB and one lane).
/// puttygen 0.78 on the 2-core machine keyconv is tested on writes 21 or 34 when idle and 13
/// under load, so keyconv writes a fixed 21: reproducible output, about the work puttygen asks
/// of an attacker per guess, and about 0.1 s for keyconv to derive.
pub const DEFAULT_ARGON2_PASSES: u32 = 21;

crate::protection::named_enum! {
    /// The PPK format version.
    ///
    /// ```
    /// use keyconv::format::ppk::PpkVersion;
    /// assert_eq!(PpkVersion::default(), PpkVersion::V3);
    /// assert_eq!("2".parse::<PpkVersion>()?, PpkVersion::V2);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    #[derive(Default)]
    pub enum PpkVersion ("PPK version") {
        /// `PuTTY-User-Key-File-2` (PuTTY before 0.75): SHA-1 key derivation.
        V2 => "2",
        /// `PuTTY-User-Key-File-3` (PuTTY 0.75 and later): Argon2 (the default).
        #[default]
        V3 => "3",
    }
}

/// The version, as this module's code calls it.
type Version = PpkVersion;

impl Version {
    fn number(self) -> u8 {
        match self {
            Version::V2 => 2,
            Version::V3 => 3,
        }
    }

    /// The length of the file's MAC: HMAC-SHA-1 or HMAC-SHA-256.
    fn mac_len(self) -> usize {
        match self {
            Version::V2 => 20,
            Version::V3 => 32,
        }
    }
}

/// The Argon2 parameters of a PPK v3 file keyconv writes.
///
/// ```
/// use keyconv::format::ppk::Argon2Options;
/// use keyconv::protection::Argon2Variant;
/// let options = Argon2Options::default();
/// assert_eq!((options.variant, options.memory_kib, options.parallelism), (Argon2Variant::Argon2id, 8192, 1));
/// let reproducible = Argon2Options { salt: Some([7; 16]), ..Argon2Options::default() };
/// assert!(reproducible.check_limits().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Argon2Options {
    /// The variant (Argon2id by default, as puttygen).
    pub variant: Argon2Variant,
    /// Memory in KiB (8192 by default, as puttygen).
    pub memory_kib: u32,
    /// Passes ([`DEFAULT_ARGON2_PASSES`] by default).
    pub passes: u32,
    /// Lanes (1 by default, as puttygen).
    pub parallelism: u32,
    /// A fixed 16-byte salt, for reproducible output; random when `None`.
    pub salt: Option<[u8; 16]>,
    /// The limits the Argon2 parameters must keep (SPEC §3): the same as for reading, so
    /// keyconv never writes a file it would refuse to read. [`KdfLimits::default`] unless the
    /// caller lifts them.
    pub limits: KdfLimits,
}

impl Default for Argon2Options {
    fn default() -> Self {
        Argon2Options {
            variant: Argon2Variant::Argon2id,
            memory_kib: 8192,
            passes: DEFAULT_ARGON2_PASSES,
            parallelism: 1,
            salt: None,
            limits: KdfLimits::default(),
        }
    }
}

impl Argon2Options {
    /// The key derivation these options write (with a passphrase).
    ///
    /// ```
    /// use keyconv::format::ppk::Argon2Options;
    /// use keyconv::protection::Kdf;
    /// assert!(matches!(Argon2Options::default().kdf(), Kdf::Argon2 { memory_kib: 8192, .. }));
    /// ```
    pub fn kdf(&self) -> Kdf {
        Kdf::Argon2 {
            variant: self.variant,
            memory_kib: self.memory_kib,
            passes: self.passes,
            parallelism: self.parallelism,
            salt_len: 16,
        }
    }

    /// Refuses a key derivation above [`Argon2Options::limits`].
    ///
    /// ```
    /// use keyconv::format::ppk::Argon2Options;
    /// assert!(Argon2Options::default().check_limits().is_ok());
    /// let huge = Argon2Options { memory_kib: 1 << 24, passes: 64, ..Argon2Options::default() };
    /// assert!(huge.check_limits().is_err());
    /// ```
    pub fn check_limits(&self) -> Result<()> {
        self.limits.check_kdf(&self.kdf())
    }
}

/// Options for writing `.ppk` files: the version, and for v3 its Argon2 parameters (v2 has
/// none, so Argon2 options for a v2 file cannot be expressed).
///
/// ```
/// use keyconv::format::ppk::{Argon2Options, PpkOptions, PpkVersion};
/// assert_eq!(PpkOptions::default().version(), PpkVersion::V3);
/// let fast = PpkOptions::V3(Argon2Options { memory_kib: 64, passes: 1, ..Argon2Options::default() });
/// assert_eq!(fast.version(), PpkVersion::V3);
/// assert_eq!(PpkOptions::new(PpkVersion::V2), PpkOptions::V2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PpkOptions {
    /// Version 2.
    V2,
    /// Version 3, with these Argon2 parameters.
    V3(Argon2Options),
}

impl Default for PpkOptions {
    fn default() -> Self {
        PpkOptions::V3(Argon2Options::default())
    }
}

impl PpkOptions {
    /// The default options of `version`.
    ///
    /// ```
    /// use keyconv::format::ppk::{Argon2Options, PpkOptions, PpkVersion};
    /// assert_eq!(PpkOptions::new(PpkVersion::V3), PpkOptions::V3(Argon2Options::default()));
    /// ```
    pub fn new(version: PpkVersion) -> PpkOptions {
        match version {
            PpkVersion::V2 => PpkOptions::V2,
            PpkVersion::V3 => PpkOptions::default(),
        }
    }

    /// The version these options write.
    ///
    /// ```
    /// use keyconv::format::ppk::{PpkOptions, PpkVersion};
    /// assert_eq!(PpkOptions::V2.version(), PpkVersion::V2);
    /// ```
    pub fn version(&self) -> PpkVersion {
        match self {
            PpkOptions::V2 => PpkVersion::V2,
            PpkOptions::V3(_) => PpkVersion::V3,
        }
    }
}

/// The parameters of a v3 file's Argon2 key derivation.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Argon2Params {
    variant: Argon2Variant,
    memory_kib: u32,
    passes: u32,
    parallelism: u32,
    salt: Vec<u8>,
}

/// Argon2's own limit on lanes (RFC 9106 §3.1).
const MAX_ARGON2_LANES: u32 = 0x00FF_FFFF;
/// The shortest salt the `argon2` crate (and RFC 9106's recommendation) accepts.
const MIN_ARGON2_SALT: usize = 8;

impl Argon2Params {
    /// Parameters that Argon2 does not define at all, in words; `None` when usable.
    fn problem(&self) -> Option<String> {
        if self.passes == 0 {
            return Some("Argon2-Passes is 0; Argon2 needs at least 1".into());
        }
        if self.parallelism == 0 || self.parallelism > MAX_ARGON2_LANES {
            return Some(format!(
                "Argon2-Parallelism is {}; Argon2 allows 1 to {MAX_ARGON2_LANES}",
                self.parallelism
            ));
        }
        let min_memory = 8 * u64::from(self.parallelism);
        if u64::from(self.memory_kib) < min_memory {
            return Some(format!(
                "Argon2-Memory is {} KiB; Argon2 needs at least 8 KiB per lane ({min_memory})",
                self.memory_kib
            ));
        }
        if self.salt.len() < MIN_ARGON2_SALT {
            return Some(format!(
                "Argon2-Salt is {} bytes; Argon2 needs at least {MIN_ARGON2_SALT}",
                self.salt.len()
            ));
        }
        None
    }

    fn kdf(&self) -> Kdf {
        Kdf::Argon2 {
            variant: self.variant,
            memory_kib: self.memory_kib,
            passes: self.passes,
            parallelism: self.parallelism,
            salt_len: self.salt.len(),
        }
    }

    /// Reads `Key-Derivation` to `Argon2-Salt`.
    fn read(lines: &mut Lines<'_>) -> Result<Argon2Params> {
        let name = lines.ascii_header("Key-Derivation")?;
        let variant = Argon2Variant::from_ppk_name(name).ok_or_else(|| {
            Error::new(ErrorKind::UnsupportedScheme(format!(
                "PPK key derivation {name:?} (PuTTY writes Argon2id, Argon2i or Argon2d)"
            )))
        })?;
        let memory_kib = lines.u32_header("Argon2-Memory")?;
        let passes = lines.u32_header("Argon2-Passes")?;
        let parallelism = lines.u32_header("Argon2-Parallelism")?;
        let salt_hex = lines.ascii_header("Argon2-Salt")?;
        if salt_hex.len() % 2 != 0 {
            return Err(lines.error("Argon2-Salt has an odd number of hex digits"));
        }
        let salt = hex::decode(salt_hex).map_err(|_| lines.error("Argon2-Salt is not hex"))?;
        let params = Argon2Params {
            variant,
            memory_kib,
            passes,
            parallelism,
            salt,
        };
        match params.problem() {
            Some(problem) => Err(lines.error(problem)),
            None => Ok(params),
        }
    }
}

/// A decoded `.ppk` file: everything but the private blob is in clear.
struct PpkFile {
    version: Version,
    algorithm: String,
    encrypted: bool,
    /// The comment's bytes as stored (the MAC covers them).
    comment: Vec<u8>,
    public_blob: Vec<u8>,
    public: PublicKey,
    argon2: Option<Argon2Params>,
    /// Encrypted, or the plaintext of an unencrypted file.
    private_blob: Zeroizing<Vec<u8>>,
    mac: Vec<u8>,
    protection: Protection,
    /// The file ends after the public key (no `Private-Lines`), as sshpk writes one.
    public_only: bool,
}

const CIPHER: &str = "aes256-cbc";

impl PpkFile {
    fn encryption(&self) -> &'static str {
        if self.encrypted { CIPHER } else { "none" }
    }

    fn parse(input: &[u8]) -> Result<PpkFile> {
        let input = without_bom(input)?;
        let start = input
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(input.len());
        let mut lines = Lines::new(input.get(start..).unwrap_or_default());
        let first = lines.next_line().unwrap_or_default();
        let (version, algorithm) = parse_first_line(first)?;
        let encrypted = match lines.ascii_header("Encryption")? {
            "none" => false,
            CIPHER => true,
            other => {
                return Err(Error::new(ErrorKind::UnsupportedScheme(format!(
                    "PPK encryption {other:?} (PuTTY writes aes256-cbc or none)"
                ))));
            }
        };
        let comment = lines.header("Comment")?.to_vec();
        let public_blob = lines.blob("Public-Lines")?;
        if lines.only_blank_left() {
            return PpkFile::public_only(version, algorithm, comment, public_blob);
        }
        let argon2 = match (version, encrypted) {
            (Version::V3, true) => Some(Argon2Params::read(&mut lines)?),
            _ => None,
        };
        let private_blob = Zeroizing::new(lines.blob("Private-Lines")?);
        let mac_hex = lines.ascii_header("Private-MAC")?;
        let mac = hex::decode(mac_hex)
            .ok()
            .filter(|m| m.len() == version.mac_len())
            .ok_or_else(|| {
                lines.error(format!(
                    "Private-MAC is not {} hex digits",
                    2 * version.mac_len()
                ))
            })?;
        if encrypted && private_blob.len() % crypto::BLOCK_LEN != 0 {
            return Err(lines.error(format!(
                "the encrypted private key is {} bytes, not a whole number of AES blocks",
                private_blob.len()
            )));
        }
        lines.finish()?;

        let mut public = PublicKey::from_ssh_blob(&public_blob, "", Format::Ppk)?;
        public.set_stored_comment(comment_text(&comment));
        check_algorithm(&public, algorithm)?;
        let protection = match (&argon2, encrypted) {
            (_, false) => Protection::None,
            (None, true) => Protection::Encrypted {
                scheme: Scheme::PpkV2,
                cipher: Cipher::Aes256Cbc,
                kdf: Kdf::PpkSha1,
            },
            (Some(params), true) => Protection::Encrypted {
                scheme: Scheme::PpkV3,
                cipher: Cipher::Aes256Cbc,
                kdf: params.kdf(),
            },
        };
        Ok(PpkFile {
            version,
            algorithm: algorithm.to_owned(),
            encrypted,
            comment,
            public_blob,
            public,
            argon2,
            private_blob,
            mac,
            protection,
            public_only: false,
        })
    }
}

impl PpkFile {
    /// A file that ends after its public key, as sshpk writes a public key "in PPK format":
    /// puttygen reads its public key and refuses the private one; so does keyconv.
    fn public_only(
        version: Version,
        algorithm: &str,
        comment: Vec<u8>,
        public_blob: Vec<u8>,
    ) -> Result<PpkFile> {
        let mut public = PublicKey::from_ssh_blob(&public_blob, "", Format::Ppk)?;
        public.set_stored_comment(comment_text(&comment));
        check_algorithm(&public, algorithm)?;
        Ok(PpkFile {
            version,
            algorithm: algorithm.to_owned(),
            encrypted: false,
            comment,
            public_blob,
            public,
            argon2: None,
            private_blob: Zeroizing::new(Vec::new()),
            mac: Vec::new(),
            protection: Protection::None,
            public_only: true,
        })
    }
}

/// The first line's algorithm must be the public key's.
fn check_algorithm(public: &PublicKey, algorithm: &str) -> Result<()> {
    if public.data().algorithm() != algorithm {
        return Err(Error::malformed(
            Format::Ppk,
            format!(
                "the first line says {algorithm} but the public key is {}",
                public.data().algorithm()
            ),
        ));
    }
    Ok(())
}

/// The input as bytes: a UTF-8 BOM dropped, UTF-16 (with BOM) converted to UTF-8. Other input
/// is used as it is, so that a comment in a legacy code page survives to the MAC check.
fn without_bom(input: &[u8]) -> Result<Cow<'_, [u8]>> {
    if input.starts_with(b"\xff\xfe") || input.starts_with(b"\xfe\xff") {
        let text = text::decode(input)
            .map_err(|_| Error::malformed(Format::Ppk, "the file is not valid UTF-16 text"))?;
        return Ok(Cow::Owned(text.into_owned().into_bytes()));
    }
    Ok(Cow::Borrowed(
        input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input),
    ))
}

/// `PuTTY-User-Key-File-N: ALGORITHM`.
fn parse_first_line(line: &[u8]) -> Result<(Version, &str)> {
    let at_line_1 =
        |what: &str| Error::malformed_at(Format::Ppk, what, crate::error::Location::Line(1));
    let rest = line
        .strip_prefix(b"PuTTY-User-Key-File-")
        .ok_or_else(|| at_line_1("not a PuTTY key file (no PuTTY-User-Key-File- line)"))?;
    let colon = rest
        .iter()
        .position(|&b| b == b':')
        .ok_or_else(|| at_line_1("the first line has no ': '"))?;
    let (number, rest) = rest.split_at(colon);
    let algorithm = rest
        .strip_prefix(b": ")
        .and_then(|a| std::str::from_utf8(a).ok())
        .filter(|a| !a.is_empty() && a.is_ascii())
        .ok_or_else(|| at_line_1("the first line does not name a key algorithm"))?;
    let version = match number {
        b"2" => Version::V2,
        b"3" => Version::V3,
        other => {
            let other = String::from_utf8_lossy(other);
            let why = if other == "1" {
                "PuTTY-User-Key-File-1 (from PuTTY 0.52 or older; load and save it with a newer puttygen)"
                    .to_owned()
            } else {
                format!("PuTTY-User-Key-File-{other} (keyconv reads versions 2 and 3)")
            };
            return Err(Error::new(ErrorKind::UnsupportedScheme(why)));
        }
    };
    Ok((version, algorithm))
}

/// The comment as text: UTF-8, else Latin-1 (each byte one character).
fn comment_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

impl PrivateKeyFile for PpkFile {
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
        if self.public_only {
            return Err(Error::new(ErrorKind::InvalidRequest(
                "the .ppk file holds only a public key (it ends after Public-Lines, as sshpk \
                 writes one): a private key output needs the private key"
                    .into(),
            )));
        }
        // A PPK made by `puttygen --certificate` stores the certificate as its public blob and
        // the plain key's private fields.
        let certificate = self.public.data().certificate();
        let plain = match &certificate {
            Some(cert) => {
                let mut plain = PublicKey::new(cert.key.clone(), "")?;
                plain.set_stored_comment(self.public.comment());
                plain
            }
            None => self.public.clone(),
        };
        let Some(key_type) = plain.key_type() else {
            return Err(Error::new(ErrorKind::UnsupportedKeyType(format!(
                "{} as a private key (a security key's private half is in the device)",
                self.algorithm
            ))));
        };
        let keys = if self.encrypted {
            let passphrase = passphrase.ok_or(Error::new(ErrorKind::PassphraseRequired))?;
            match &self.argon2 {
                Some(params) => {
                    limits.check_kdf(&params.kdf())?;
                    FileKeys::v3(passphrase.as_bytes(), params)?
                }
                None => FileKeys::v2(passphrase.as_bytes()),
            }
        } else {
            FileKeys::unencrypted(self.version)
        };
        let mut blob = self.private_blob.clone();
        keys.decrypt(&mut blob);
        let fields = MacFields {
            algorithm: &self.algorithm,
            encryption: self.encryption(),
            comment: &self.comment,
            public_blob: &self.public_blob,
            private_blob: &blob,
        };
        if !keys.mac_matches(self.version, &fields, &self.mac) {
            let error = Error::incorrect_passphrase_or_corrupted();
            return Err(if self.encrypted {
                error
            } else {
                error.with_hint("the file is not encrypted, so it was altered or corrupted")
            });
        }
        let secret = secret::decode(key_type, &blob)?;
        let key = PrivateKey::new(plain, secret)?;
        match certificate {
            Some(_) => key.with_certificate(Some(self.public.clone())),
            None => Ok(key),
        }
    }
}

pub(crate) fn decode(input: &[u8]) -> Result<Box<dyn PrivateKeyFile>> {
    Ok(Box::new(PpkFile::parse(input)?))
}

/// Encodes `key` as a `.ppk` file, encrypted when `passphrase` is given (and not empty).
///
/// The output is what puttygen 0.78 writes for the same key, comment, parameters and (v3)
/// salt.
///
/// ```
/// use keyconv::format::ppk::{self, Argon2Options, PpkOptions};
/// use keyconv::key::{PrivateKey, SecretBytes, SecretKeyData};
/// use keyconv::{Format, KeyFile, KdfLimits, Passphrase};
///
/// let seed = SecretKeyData::Ed25519(SecretBytes::new(vec![7u8; 32]));
/// let key = PrivateKey::from_secret(seed, None, "me@host")?;
/// let pass = Passphrase::from("correct horse");
/// let options = PpkOptions::V3(Argon2Options { memory_kib: 64, passes: 1, ..Argon2Options::default() });
/// let text = ppk::encode(&key, &options, Some(&pass))?;
/// assert!(text.starts_with("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc\n"));
///
/// let file = KeyFile::decode(text.as_bytes())?;
/// assert_eq!(file.format(), Format::Ppk);
/// assert_eq!(file.private_key(Some(&pass), &KdfLimits::default())?, key);
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn encode(
    key: &PrivateKey,
    options: &PpkOptions,
    passphrase: Option<&Passphrase>,
) -> Result<String> {
    let invalid = |what: String| Error::new(ErrorKind::InvalidRequest(what));
    let version = options.version();
    let comment = key.comment();
    if comment.contains(['\n', '\r']) {
        return Err(invalid(
            "the comment contains a line break, which a .ppk file cannot hold".into(),
        ));
    }
    let passphrase = passphrase.filter(|p| !p.is_empty());
    // A certified key is written as `puttygen --certificate` writes it: the certificate as
    // the public blob.
    let (algorithm, public_blob) = match key.certificate() {
        Some(cert) => (cert.data().algorithm(), cert.to_ssh_blob()),
        None => (key.key_type().ssh_name(), key.public_key().to_ssh_blob()),
    };
    let mut private_blob = secret::encode(key);

    let (argon2, keys) = match (passphrase, options) {
        (None, _) => (None, FileKeys::unencrypted(version)),
        (Some(pass), PpkOptions::V2) => (None, FileKeys::v2(pass.as_bytes())),
        (Some(pass), PpkOptions::V3(options)) => {
            options.check_limits()?;
            let params = Argon2Params {
                variant: options.variant,
                memory_kib: options.memory_kib,
                passes: options.passes,
                parallelism: options.parallelism,
                salt: match options.salt {
                    Some(salt) => salt.to_vec(),
                    None => random_salt()?,
                },
            };
            if let Some(problem) = params.problem() {
                return Err(invalid(problem));
            }
            let keys = FileKeys::v3(pass.as_bytes(), &params)?;
            (Some(params), keys)
        }
    };
    let encryption = match passphrase {
        Some(_) => {
            crypto::pad(&mut private_blob);
            CIPHER
        }
        None => "none",
    };
    let mac = keys.mac(
        version,
        &MacFields {
            algorithm,
            encryption,
            comment: comment.as_bytes(),
            public_blob: &public_blob,
            private_blob: &private_blob,
        },
    );
    keys.encrypt(&mut private_blob);

    let mut out = String::new();
    let _ = write!(
        out,
        "PuTTY-User-Key-File-{}: {algorithm}\nEncryption: {encryption}\nComment: {comment}\n",
        version.number()
    );
    write_blob(&mut out, "Public-Lines", &public_blob);
    if let Some(p) = &argon2 {
        let _ = write!(
            out,
            "Key-Derivation: {}\nArgon2-Memory: {}\nArgon2-Passes: {}\nArgon2-Parallelism: {}\nArgon2-Salt: {}\n",
            p.variant.ppk_name(),
            p.memory_kib,
            p.passes,
            p.parallelism,
            hex::encode(&p.salt)
        );
    }
    write_blob(&mut out, "Private-Lines", &private_blob);
    let _ = writeln!(out, "Private-MAC: {}", hex::encode(mac));
    Ok(out)
}

/// `NAME: N` and the blob in N lines of at most 64 base64 characters.
fn write_blob(out: &mut String, name: &str, blob: &[u8]) {
    let _ = writeln!(out, "{name}: {}", blob.len().div_ceil(48));
    out.push_str(&base64::encode_wrapped(blob, 64));
}

fn random_salt() -> Result<Vec<u8>> {
    let mut salt = vec![0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| {
        Error::new(ErrorKind::Io(format!(
            "cannot get random bytes for the Argon2 salt: {e}"
        )))
    })?;
    Ok(salt)
}
