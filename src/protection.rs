//! How a private key file is protected, as metadata every format reports in the same shape
//! (for `inspect` and the FIPS rules), the typed names of its parts (scheme, cipher, PRF, Argon2
//! variant, PBE scheme), and the limits on KDF work taken from a file (SPEC §3).
//!
//! Every name is an enum with [`FromStr`] and [`Display`](fmt::Display), so nothing is
//! re-parsed by substring:
//!
//! ```
//! use keyconv::protection::{Cipher, Prf};
//! let c: Cipher = "aes256-ctr".parse()?;
//! assert_eq!(c, Cipher::Aes256Ctr);
//! assert_eq!("hmac-sha256".parse::<Prf>()?, Prf::HmacSha256);
//! assert!("bogus".parse::<Cipher>().is_err());
//! # Ok::<(), keyconv::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind, Result};

/// An enum of names: `ALL`, `name()`, `Display` and a case-insensitive `FromStr` whose error
/// lists the names (`unknown WHAT x: use one of a, b, c`).
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in the order of the documentation.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name, as options take it and `inspect` reports it.
            ///
            /// ```
            /// use keyconv::protection::Prf;
            ///
            /// assert_eq!(Prf::HmacSha256.name(), "hmac-sha256");
            /// assert!(Prf::ALL.contains(&Prf::HmacSha1));
            /// ```
            pub const fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::error::Error;
            fn from_str(s: &str) -> $crate::error::Result<Self> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.name().eq_ignore_ascii_case(s))
                    .ok_or_else(|| $crate::protection::unknown_name($what, s, $name::ALL.iter().map(|v| v.name())))
            }
        }
    };
}
pub(crate) use named_enum;

/// `unknown WHAT NAME: use one of A, B, C`, the error of every name enum's `FromStr`.
pub(crate) fn unknown_name<'a>(
    what: &str,
    given: &str,
    names: impl Iterator<Item = &'a str>,
) -> Error {
    let names: Vec<&str> = names.collect();
    Error::new(ErrorKind::InvalidRequest(format!(
        "unknown {what} {given:?}: use one of {}",
        names.join(", ")
    )))
}

named_enum! {
    /// The protection scheme of a file: its family of cipher + KDF.
    ///
    /// ```
    /// use keyconv::{KeyFile, Protection, Scheme};
    ///
    /// let file = KeyFile::decode(include_bytes!("../testdata/ed25519.ppk3-argon2id"))?;
    /// assert!(matches!(file.protection(), Protection::Encrypted { scheme: Scheme::PpkV3, .. }));
    /// assert_eq!(Scheme::PpkV3.to_string(), "ppk-v3");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    #[non_exhaustive]
    pub enum Scheme ("protection scheme") {
        /// OpenSSH `openssh-key-v1`: bcrypt-pbkdf and an SSH cipher.
        OpenSsh => "openssh",
        /// PuTTY `.ppk` v2: SHA-1 key derivation, AES-256-CBC.
        PpkV2 => "ppk-v2",
        /// PuTTY `.ppk` v3: Argon2, AES-256-CBC.
        PpkV3 => "ppk-v3",
        /// PKCS#8 PBES2 (RFC 8018 §6.2): PBKDF2 or scrypt, and a block cipher.
        Pbes2 => "pbes2",
        /// PKCS#8 PBES1 (RFC 8018 §6.1): PBKDF1 and DES.
        Pbes1 => "pbes1",
        /// PKCS#8 with a PKCS#12 PBE scheme (RFC 7292 appendix C).
        Pkcs12Pbe => "pkcs12-pbe",
        /// Traditional PEM's `Proc-Type: 4,ENCRYPTED` + `DEK-Info`.
        LegacyPem => "legacy-pem",
        /// ssh.com / Tectia: unsalted MD5 key derivation, 3DES-CBC.
        Sshcom => "sshcom",
    }
}

impl Scheme {
    /// Whether the scheme's ciphers are spelled as SSH names them (`aes256-ctr`) rather than as
    /// OpenSSL does (`aes-256-ctr`).
    fn ssh_spelling(self) -> bool {
        matches!(
            self,
            Scheme::OpenSsh | Scheme::PpkV2 | Scheme::PpkV3 | Scheme::Sshcom
        )
    }
}

/// A cipher that protects a key file, in any format.
///
/// [`Cipher::name`] is OpenSSL's spelling (`aes-256-cbc`); [`Cipher::ssh_name`] SSH's
/// (`aes256-cbc`, `aes256-gcm@openssh.com`). [`FromStr`] takes either, in any case.
///
/// ```
/// use keyconv::Cipher;
///
/// let c: Cipher = "aes256-cbc".parse()?;
/// assert_eq!((c.name(), c.ssh_name()), ("aes-256-cbc", "aes256-cbc"));
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cipher {
    /// AES-128 in CTR mode.
    Aes128Ctr,
    /// AES-192 in CTR mode.
    Aes192Ctr,
    /// AES-256 in CTR mode.
    Aes256Ctr,
    /// AES-128 in CBC mode.
    Aes128Cbc,
    /// AES-192 in CBC mode.
    Aes192Cbc,
    /// AES-256 in CBC mode.
    Aes256Cbc,
    /// AES-128 in GCM mode.
    Aes128Gcm,
    /// AES-192 in GCM mode.
    Aes192Gcm,
    /// AES-256 in GCM mode.
    Aes256Gcm,
    /// OpenSSH's ChaCha20-Poly1305.
    ChaCha20Poly1305,
    /// Three-key triple DES in CBC mode (DES-EDE3-CBC, SSH's `3des-cbc`).
    DesEde3Cbc,
    /// Two-key triple DES in CBC mode (PKCS#12 PBE).
    DesEdeCbc,
    /// Single DES in CBC mode.
    DesCbc,
    /// RC2 with a 40-bit key in CBC mode (PKCS#12 PBE, `openssl pkcs12 -legacy` certificates).
    Rc2x40Cbc,
    /// RC2 with a 128-bit key in CBC mode (PKCS#12 PBE).
    Rc2x128Cbc,
}

impl Cipher {
    /// Every cipher.
    pub const ALL: &'static [Cipher] = &[
        Cipher::Aes128Ctr,
        Cipher::Aes192Ctr,
        Cipher::Aes256Ctr,
        Cipher::Aes128Cbc,
        Cipher::Aes192Cbc,
        Cipher::Aes256Cbc,
        Cipher::Aes128Gcm,
        Cipher::Aes192Gcm,
        Cipher::Aes256Gcm,
        Cipher::ChaCha20Poly1305,
        Cipher::DesEde3Cbc,
        Cipher::DesEdeCbc,
        Cipher::DesCbc,
        Cipher::Rc2x40Cbc,
        Cipher::Rc2x128Cbc,
    ];

    /// OpenSSL's name: `aes-256-cbc`, `des-ede3-cbc`, `chacha20-poly1305`.
    ///
    /// ```
    /// assert_eq!(keyconv::Cipher::Aes128Ctr.name(), "aes-128-ctr");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Cipher::Aes128Ctr => "aes-128-ctr",
            Cipher::Aes192Ctr => "aes-192-ctr",
            Cipher::Aes256Ctr => "aes-256-ctr",
            Cipher::Aes128Cbc => "aes-128-cbc",
            Cipher::Aes192Cbc => "aes-192-cbc",
            Cipher::Aes256Cbc => "aes-256-cbc",
            Cipher::Aes128Gcm => "aes-128-gcm",
            Cipher::Aes192Gcm => "aes-192-gcm",
            Cipher::Aes256Gcm => "aes-256-gcm",
            Cipher::ChaCha20Poly1305 => "chacha20-poly1305",
            Cipher::DesEde3Cbc => "des-ede3-cbc",
            Cipher::DesEdeCbc => "des-ede-cbc",
            Cipher::DesCbc => "des-cbc",
            Cipher::Rc2x40Cbc => "rc2-40-cbc",
            Cipher::Rc2x128Cbc => "rc2-128-cbc",
        }
    }

    /// SSH's name (RFC 4253 §6.3, OpenSSH's `cipher.c`): `aes256-ctr`, `3des-cbc`,
    /// `aes256-gcm@openssh.com`; OpenSSL's for ciphers SSH does not name.
    ///
    /// ```
    /// assert_eq!(keyconv::Cipher::Aes256Gcm.ssh_name(), "aes256-gcm@openssh.com");
    /// ```
    pub fn ssh_name(self) -> &'static str {
        match self {
            Cipher::Aes128Ctr => "aes128-ctr",
            Cipher::Aes192Ctr => "aes192-ctr",
            Cipher::Aes256Ctr => "aes256-ctr",
            Cipher::Aes128Cbc => "aes128-cbc",
            Cipher::Aes192Cbc => "aes192-cbc",
            Cipher::Aes256Cbc => "aes256-cbc",
            Cipher::Aes128Gcm => "aes128-gcm@openssh.com",
            Cipher::Aes256Gcm => "aes256-gcm@openssh.com",
            Cipher::ChaCha20Poly1305 => "chacha20-poly1305@openssh.com",
            Cipher::DesEde3Cbc => "3des-cbc",
            other => other.name(),
        }
    }

    /// Whether this is AES in CBC or GCM mode (approved for key protection, SPEC §4).
    ///
    /// ```
    /// use keyconv::Cipher;
    ///
    /// assert!(Cipher::Aes128Cbc.is_aes_cbc_or_gcm());
    /// assert!(!Cipher::Aes128Ctr.is_aes_cbc_or_gcm());
    /// ```
    pub fn is_aes_cbc_or_gcm(self) -> bool {
        matches!(
            self,
            Cipher::Aes128Cbc
                | Cipher::Aes192Cbc
                | Cipher::Aes256Cbc
                | Cipher::Aes128Gcm
                | Cipher::Aes192Gcm
                | Cipher::Aes256Gcm
        )
    }

    /// Whether this is triple DES (two- or three-key).
    ///
    /// ```
    /// assert!("3des-cbc".parse::<keyconv::Cipher>()?.is_triple_des());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn is_triple_des(self) -> bool {
        matches!(self, Cipher::DesEde3Cbc | Cipher::DesEdeCbc)
    }
}

impl fmt::Display for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Cipher {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Cipher::ALL
            .iter()
            .copied()
            .find(|c| c.name().eq_ignore_ascii_case(s) || c.ssh_name().eq_ignore_ascii_case(s))
            .ok_or_else(|| unknown_name("cipher", s, Cipher::ALL.iter().map(|c| c.ssh_name())))
    }
}

named_enum! {
    /// The pseudo-random function of PBKDF2 (RFC 8018 appendix B.1).
    ///
    /// ```
    /// use keyconv::Prf;
    ///
    /// assert_eq!("HMAC-SHA256".parse::<Prf>()?, Prf::HmacSha256);
    /// assert!("hmac-md5".parse::<Prf>().is_err());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    #[derive(Default)]
    pub enum Prf ("PRF") {
        /// HMAC-SHA-1 (deprecated for FIPS).
        HmacSha1 => "hmac-sha1",
        /// HMAC-SHA-224.
        HmacSha224 => "hmac-sha224",
        /// HMAC-SHA-256 (the default).
        #[default]
        HmacSha256 => "hmac-sha256",
        /// HMAC-SHA-384.
        HmacSha384 => "hmac-sha384",
        /// HMAC-SHA-512.
        HmacSha512 => "hmac-sha512",
        /// HMAC-SHA-512/224.
        HmacSha512_224 => "hmac-sha512-224",
        /// HMAC-SHA-512/256.
        HmacSha512_256 => "hmac-sha512-256",
    }
}

named_enum! {
    /// The Argon2 variant (RFC 9106) of a PPK v3 file.
    ///
    /// ```
    /// use keyconv::Argon2Variant;
    ///
    /// let v: Argon2Variant = "argon2id".parse()?;
    /// assert_eq!((v.name(), v.ppk_name()), ("argon2id", "Argon2id"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    #[derive(Default)]
    pub enum Argon2Variant ("Argon2 variant") {
        /// Argon2id (PuTTY's default).
        #[default]
        Argon2id => "argon2id",
        /// Argon2i.
        Argon2i => "argon2i",
        /// Argon2d.
        Argon2d => "argon2d",
    }
}

impl Argon2Variant {
    /// The name as PPK files spell it: `Argon2id`, `Argon2i`, `Argon2d`.
    ///
    /// ```
    /// assert_eq!(keyconv::Argon2Variant::Argon2id.ppk_name(), "Argon2id");
    /// ```
    pub fn ppk_name(self) -> &'static str {
        match self {
            Argon2Variant::Argon2id => "Argon2id",
            Argon2Variant::Argon2i => "Argon2i",
            Argon2Variant::Argon2d => "Argon2d",
        }
    }
}

named_enum! {
    /// A PBES1 (RFC 8018 §6.1) or PKCS#12 PBE (RFC 7292 appendix C) scheme.
    ///
    /// ```
    /// use keyconv::protection::PbeScheme;
    ///
    /// assert!(PbeScheme::ALL.len() >= 4);
    /// assert_eq!(PbeScheme::ALL[0].to_string(), PbeScheme::ALL[0].name());
    /// ```
    #[non_exhaustive]
    pub enum PbeScheme ("PBE scheme") {
        /// PBES1: PBKDF1 with MD5, DES-CBC.
        Md5AndDesCbc => "pbeWithMD5AndDES-CBC",
        /// PBES1: PBKDF1 with SHA-1, DES-CBC.
        Sha1AndDesCbc => "pbeWithSHA1AndDES-CBC",
        /// PKCS#12: SHA-1, three-key triple DES.
        ShaAnd3KeyTripleDesCbc => "pbeWithSHAAnd3-KeyTripleDES-CBC",
        /// PKCS#12: SHA-1, two-key triple DES.
        ShaAnd2KeyTripleDesCbc => "pbeWithSHAAnd2-KeyTripleDES-CBC",
        /// PKCS#12: SHA-1, 128-bit RC2.
        ShaAnd128BitRc2Cbc => "pbeWithSHAAnd128BitRC2-CBC",
        /// PKCS#12: SHA-1, 40-bit RC2 (`openssl pkcs12 -legacy` certificates).
        ShaAnd40BitRc2Cbc => "pbewithSHAAnd40BitRC2-CBC",
    }
}

/// A password-based key derivation function and its parameters, as stored in a file.
///
/// ```
/// use keyconv::{Kdf, KeyFile, Protection};
///
/// let file = KeyFile::decode(include_bytes!("../testdata/ed25519.openssh-aes256-ctr")).unwrap();
/// let Protection::Encrypted { kdf, .. } = file.protection() else { panic!("not encrypted") };
/// assert!(matches!(kdf, Kdf::Bcrypt { .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kdf {
    /// OpenSSH's bcrypt-pbkdf.
    Bcrypt {
        /// Rounds.
        rounds: u32,
        /// Salt length in bytes.
        salt_len: usize,
    },
    /// PBKDF2 (PKCS#5 v2.1).
    Pbkdf2 {
        /// The PRF.
        prf: Prf,
        /// Iterations.
        iterations: u64,
        /// Salt length in bytes.
        salt_len: usize,
        /// Derived key length in bytes.
        key_len: usize,
    },
    /// scrypt (RFC 7914).
    Scrypt {
        /// log2 of the cost parameter N.
        log_n: u8,
        /// Block size r.
        r: u32,
        /// Parallelism p.
        p: u32,
        /// Salt length in bytes.
        salt_len: usize,
    },
    /// Argon2 (PPK v3).
    Argon2 {
        /// The variant.
        variant: Argon2Variant,
        /// Memory in KiB.
        memory_kib: u32,
        /// Passes.
        passes: u32,
        /// Lanes.
        parallelism: u32,
        /// Salt length in bytes.
        salt_len: usize,
    },
    /// PPK v2's SHA-1 based derivation (no salt, one iteration).
    PpkSha1,
    /// Legacy PEM's `EVP_BytesToKey` with MD5 and one iteration, salted with the IV's first 8 bytes.
    OpensslMd5,
    /// ssh.com's MD5 chain (`MD5(P) ‖ MD5(P ‖ MD5(P))`, unsalted, one iteration).
    SshcomMd5,
    /// A PBES1 or PKCS#12 PBE scheme, named.
    Pbe {
        /// The scheme.
        scheme: PbeScheme,
        /// Iterations.
        iterations: u64,
        /// Salt length in bytes.
        salt_len: usize,
    },
}

/// How a private key file is protected.
///
/// ```
/// use keyconv::{KeyFile, Protection, Scheme};
///
/// let file = KeyFile::decode(include_bytes!("../testdata/ed25519.pkcs8-aes128"))?;
/// assert!(matches!(file.protection(), Protection::Encrypted { scheme: Scheme::Pbes2, .. }));
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Protection {
    /// Not encrypted.
    #[default]
    None,
    /// Encrypted with `cipher` under a key from `kdf`.
    Encrypted {
        /// The scheme's family.
        scheme: Scheme,
        /// The cipher.
        cipher: Cipher,
        /// The KDF and its parameters.
        kdf: Kdf,
    },
}

impl Protection {
    /// Whether a passphrase is needed to read the private key.
    ///
    /// ```
    /// let file = keyconv::KeyFile::decode(include_bytes!("../testdata/ed25519.ppk3-argon2id"))?;
    /// assert!(file.protection().is_encrypted());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn is_encrypted(&self) -> bool {
        matches!(self, Protection::Encrypted { .. })
    }

    /// The cipher's name as the file's family spells it (`aes256-ctr` for OpenSSH and PPK,
    /// `aes-128-cbc` for PKCS#8 and PEM), as `inspect` reports it; `None` when unencrypted.
    ///
    /// ```
    /// let file = keyconv::KeyFile::decode(include_bytes!("../testdata/ed25519.pkcs8-aes128"))?;
    /// assert_eq!(file.protection().cipher_name(), Some("aes-128-cbc"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn cipher_name(&self) -> Option<&'static str> {
        match self {
            Protection::None => None,
            Protection::Encrypted { scheme, cipher, .. } if scheme.ssh_spelling() => {
                Some(cipher.ssh_name())
            }
            Protection::Encrypted { cipher, .. } => Some(cipher.name()),
        }
    }
}

impl fmt::Display for Kdf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kdf::Bcrypt { rounds, salt_len } => {
                write!(f, "bcrypt-pbkdf, {rounds} rounds, {salt_len}-byte salt")
            }
            Kdf::Pbkdf2 {
                prf,
                iterations,
                salt_len,
                key_len,
            } => write!(
                f,
                "pbkdf2 {prf}, {iterations} iterations, {salt_len}-byte salt, {key_len}-byte key"
            ),
            Kdf::Scrypt {
                log_n,
                r,
                p,
                salt_len,
            } => {
                write!(f, "scrypt N=2^{log_n} r={r} p={p}, {salt_len}-byte salt")
            }
            Kdf::Argon2 {
                variant,
                memory_kib,
                passes,
                parallelism,
                salt_len,
            } => write!(
                f,
                "{variant}, {memory_kib} KiB, {passes} passes, parallelism {parallelism}, {salt_len}-byte salt"
            ),
            Kdf::PpkSha1 => f.write_str("ppk-v2 sha1 (unsalted)"),
            Kdf::OpensslMd5 => f.write_str("openssl md5 (EVP_BytesToKey, 1 iteration)"),
            Kdf::SshcomMd5 => f.write_str("ssh.com md5 (unsalted, 1 iteration)"),
            Kdf::Pbe {
                scheme,
                iterations,
                salt_len,
            } => {
                write!(f, "{scheme}, {iterations} iterations, {salt_len}-byte salt")
            }
        }
    }
}

impl fmt::Display for Protection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protection::None => f.write_str("none"),
            Protection::Encrypted { scheme, kdf, .. } => {
                let cipher = self.cipher_name().unwrap_or_default();
                write!(f, "{scheme}: {cipher}, {kdf}")
            }
        }
    }
}

/// Limits on the key-derivation work a file may ask for (SPEC §3), checked before deriving.
///
/// ```
/// use keyconv::{KdfLimits, Passphrase, PrivateKey};
///
/// // The defaults refuse a KDF bomb before any work; `allow_expensive` lifts every limit.
/// let bomb = include_bytes!("../testdata/invalid/ppk-argon2-memory-4gib");
/// let e = PrivateKey::from_ppk(bomb, Some(&Passphrase::from("x"))).unwrap_err();
/// assert!(matches!(e.kind(), keyconv::ErrorKind::KdfTooExpensive { .. }));
/// assert!(!KdfLimits::default().allow_expensive);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KdfLimits {
    /// Lift every limit (`--allow-expensive-kdf`).
    pub allow_expensive: bool,
}

/// In fuzz builds the limits are tiny, so the fuzzer explores parsing rather than KDFs.
const FUZZ: bool = cfg!(fuzzing);

// The limits below are calibrated so that the most expensive accepted file costs about 10 s of
// CPU on one core of the 2-core machine keyconv is developed on (README "Limits" has the
// measurements: CPU seconds of the release binary, per unit of work).

/// Argon2 memory in KiB: 1 GiB.
pub const MAX_ARGON2_MEMORY_KIB: u64 = if FUZZ { 64 } else { 1 << 20 };
/// Argon2 memory × passes in KiB: 8 GiB·passes, about 8 s here (1.0 s per GiB·pass).
pub const MAX_ARGON2_WORK_KIB: u64 = if FUZZ { 256 } else { 8 << 20 };
/// Argon2 parallelism (lanes): PuTTY allows up to 2^24 - 1; real files use 1–16.
pub const MAX_ARGON2_PARALLELISM: u64 = if FUZZ { 4 } else { 256 };
/// PBKDF2 iterations with HMAC-SHA-1: 50 million, about 9 s here (0.18 µs each).
pub const MAX_PBKDF2_SHA1_ITERATIONS: u64 = if FUZZ { 16 } else { 50_000_000 };
/// PBKDF2 iterations with HMAC-SHA-224/256: 75 million, about 10 s here (0.13 µs each).
pub const MAX_PBKDF2_SHA256_ITERATIONS: u64 = if FUZZ { 16 } else { 75_000_000 };
/// PBKDF2 iterations with HMAC-SHA-384/512 (and any other PRF): 12 million, about 8 s here
/// (0.69 µs each).
pub const MAX_PBKDF2_ITERATIONS: u64 = if FUZZ { 16 } else { 12_000_000 };
/// bcrypt-pbkdf rounds: 1,600, about 9.3 s of CPU here (5.8 ms each; keyconv spreads them over
/// two threads, so about 5 s on an idle 2-core machine).
pub const MAX_BCRYPT_ROUNDS: u64 = if FUZZ { 2 } else { 1_600 };
/// scrypt memory (128·r·N bytes): 1 GiB.
pub const MAX_SCRYPT_MEMORY: u64 = if FUZZ { 1 << 16 } else { 1 << 30 };
/// scrypt work (128·r·N·p bytes processed): 4 GiB, about 9.6 s here (2.4 s per GiB).
pub const MAX_SCRYPT_WORK: u64 = if FUZZ { 1 << 18 } else { 4 << 30 };
/// Iterations of a PBES1 / PKCS#12 KDF: 40 million, about 10 s here for PKCS#12 with SHA-1
/// (0.25 µs each; PBES1 with MD5 is faster).
pub const MAX_PBE_ITERATIONS: u64 = if FUZZ { 16 } else { 40_000_000 };

/// The PBKDF2 iteration limit for `prf`.
///
/// ```
/// use keyconv::protection::{Prf, max_pbkdf2_iterations};
///
/// assert!(max_pbkdf2_iterations(Prf::HmacSha256) > max_pbkdf2_iterations(Prf::HmacSha512));
/// ```
pub fn max_pbkdf2_iterations(prf: Prf) -> u64 {
    match prf {
        Prf::HmacSha1 => MAX_PBKDF2_SHA1_ITERATIONS,
        Prf::HmacSha224 | Prf::HmacSha256 => MAX_PBKDF2_SHA256_ITERATIONS,
        _ => MAX_PBKDF2_ITERATIONS,
    }
}

impl KdfLimits {
    /// Refuses `value` of `parameter` above `limit`, unless the limits are lifted.
    ///
    /// ```
    /// use keyconv::KdfLimits;
    ///
    /// assert!(KdfLimits::default().check("rounds", 2000, 1600).is_err());
    /// assert!(KdfLimits { allow_expensive: true }.check("rounds", 2000, 1600).is_ok());
    /// ```
    pub fn check(&self, parameter: &'static str, value: u64, limit: u64) -> Result<()> {
        if value > limit && !self.allow_expensive {
            return Err(Error::new(ErrorKind::KdfTooExpensive {
                parameter,
                value,
                limit,
            }));
        }
        Ok(())
    }

    /// Checks the work a [`Kdf`] asks for. Parameters that no implementation accepts at all
    /// (zero rounds, zero lanes) are the format module's to reject.
    ///
    /// ```
    /// use keyconv::{Kdf, KdfLimits};
    ///
    /// let kdf = Kdf::Bcrypt { rounds: 1_000_000, salt_len: 16 };
    /// assert!(KdfLimits::default().check_kdf(&kdf).is_err());
    /// ```
    pub fn check_kdf(&self, kdf: &Kdf) -> Result<()> {
        match kdf {
            Kdf::Bcrypt { rounds, .. } => {
                self.check("bcrypt rounds", u64::from(*rounds), MAX_BCRYPT_ROUNDS)
            }
            Kdf::Pbkdf2 {
                iterations, prf, ..
            } => self.check(
                "PBKDF2 iterations",
                *iterations,
                max_pbkdf2_iterations(*prf),
            ),
            Kdf::Scrypt { log_n, r, p, .. } => {
                let n = 1u128 << (*log_n).min(127);
                let memory = 128u128 * u128::from(*r) * n;
                let work = memory * u128::from(*p);
                let memory = u64::try_from(memory).unwrap_or(u64::MAX);
                let work = u64::try_from(work).unwrap_or(u64::MAX);
                self.check("scrypt memory (bytes)", memory, MAX_SCRYPT_MEMORY)?;
                self.check("scrypt work (128·r·N·p bytes)", work, MAX_SCRYPT_WORK)
            }
            Kdf::Argon2 {
                memory_kib,
                passes,
                parallelism,
                ..
            } => {
                self.check(
                    "Argon2-Memory",
                    u64::from(*memory_kib),
                    MAX_ARGON2_MEMORY_KIB,
                )?;
                self.check(
                    "Argon2-Parallelism",
                    u64::from(*parallelism),
                    MAX_ARGON2_PARALLELISM,
                )?;
                let work = u64::from(*memory_kib).saturating_mul(u64::from(*passes));
                self.check("Argon2-Memory × Argon2-Passes", work, MAX_ARGON2_WORK_KIB)
            }
            Kdf::Pbe { iterations, .. } => {
                self.check("PBE iterations", *iterations, MAX_PBE_ITERATIONS)
            }
            Kdf::PpkSha1 | Kdf::OpensslMd5 | Kdf::SshcomMd5 => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_refuse_bombs_unless_lifted() {
        let bomb = Kdf::Argon2 {
            variant: Argon2Variant::Argon2id,
            memory_kib: 4 << 20,
            passes: 1,
            parallelism: 1,
            salt_len: 16,
        };
        let e = KdfLimits::default().check_kdf(&bomb).unwrap_err();
        assert!(e.to_string().contains("Argon2-Memory 4194304"), "{e}");
        assert!(
            KdfLimits {
                allow_expensive: true
            }
            .check_kdf(&bomb)
            .is_ok()
        );
        let bcrypt = Kdf::Bcrypt {
            rounds: u32::MAX >> 1,
            salt_len: 16,
        };
        assert!(KdfLimits::default().check_kdf(&bcrypt).is_err());
        let scrypt = Kdf::Scrypt {
            log_n: 20,
            r: 8,
            p: 1,
            salt_len: 16,
        };
        assert!(
            KdfLimits::default().check_kdf(&scrypt).is_ok(),
            "1 GiB is allowed"
        );
        let scrypt = Kdf::Scrypt {
            log_n: 21,
            r: 8,
            p: 1,
            salt_len: 16,
        };
        assert!(KdfLimits::default().check_kdf(&scrypt).is_err());
    }

    #[test]
    fn pbkdf2_and_scrypt_limits_follow_the_cost_of_their_work() {
        let pbkdf2 = |prf: &str, iterations| Kdf::Pbkdf2 {
            prf: prf.parse().unwrap(),
            iterations,
            salt_len: 16,
            key_len: 32,
        };
        let limits = KdfLimits::default();
        assert!(limits.check_kdf(&pbkdf2("hmac-sha256", 75_000_000)).is_ok());
        assert!(
            limits
                .check_kdf(&pbkdf2("hmac-sha256", 75_000_001))
                .is_err()
        );
        assert!(limits.check_kdf(&pbkdf2("hmac-sha1", 50_000_001)).is_err());
        assert!(
            limits
                .check_kdf(&pbkdf2("hmac-sha512", 12_000_001))
                .is_err()
        );
        assert!(limits.check_kdf(&pbkdf2("hmac-sha512", 12_000_000)).is_ok());
        // p is sequential work, not memory: N = 2^14, r = 8 (16 MiB) with p = 1024 is 16 GiB
        // of work.
        let scrypt = |log_n, p| Kdf::Scrypt {
            log_n,
            r: 8,
            p,
            salt_len: 16,
        };
        assert!(limits.check_kdf(&scrypt(14, 256)).is_ok());
        assert!(limits.check_kdf(&scrypt(14, 1024)).is_err());
    }
}
