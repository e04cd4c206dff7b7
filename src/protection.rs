//! How a private key file is protected, as metadata every format reports in the same shape
//! (for `inspect` and the FIPS rules), and the limits on KDF work taken from a file (SPEC §3).

use std::fmt;

use crate::error::{Error, ErrorKind, Result};

/// A password-based key derivation function and its parameters, as stored in a file.
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
        /// The PRF, e.g. `hmac-sha256`.
        prf: String,
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
        /// `argon2id`, `argon2i` or `argon2d`.
        variant: String,
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
        /// The scheme, e.g. `pbeWithSHAAnd3-KeyTripleDES-CBC`.
        scheme: String,
        /// Iterations.
        iterations: u64,
        /// Salt length in bytes.
        salt_len: usize,
    },
}

/// How a private key file is protected.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Protection {
    /// Not encrypted.
    #[default]
    None,
    /// Encrypted with `cipher` (e.g. `aes256-ctr`, `aes-128-cbc`) under a key from `kdf`.
    Encrypted {
        /// The scheme's family, e.g. `openssh`, `ppk-v3`, `pbes2`, `pbes1`, `legacy-pem`.
        scheme: String,
        /// The cipher, in the file's own spelling.
        cipher: String,
        /// The KDF and its parameters.
        kdf: Kdf,
    },
}

impl Protection {
    /// Whether a passphrase is needed to read the private key.
    pub fn is_encrypted(&self) -> bool {
        matches!(self, Protection::Encrypted { .. })
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
            Protection::Encrypted {
                scheme,
                cipher,
                kdf,
            } => write!(f, "{scheme}: {cipher}, {kdf}"),
        }
    }
}

/// Limits on the key-derivation work a file may ask for (SPEC §3), checked before deriving.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KdfLimits {
    /// Lift every limit (`--allow-expensive-kdf`).
    pub allow_expensive: bool,
}

/// In fuzz builds the limits are tiny, so the fuzzer explores parsing rather than KDFs.
const FUZZ: bool = cfg!(fuzzing);

/// Argon2 memory in KiB: 1 GiB.
pub const MAX_ARGON2_MEMORY_KIB: u64 = if FUZZ { 64 } else { 1 << 20 };
/// Argon2 memory × passes in KiB: about 10 s of work here (8 GiB·passes).
pub const MAX_ARGON2_WORK_KIB: u64 = if FUZZ { 256 } else { 8 << 20 };
/// Argon2 parallelism (lanes): PuTTY allows up to 2^24 - 1; real files use 1–16.
pub const MAX_ARGON2_PARALLELISM: u64 = if FUZZ { 4 } else { 256 };
/// PBKDF2 iterations.
pub const MAX_PBKDF2_ITERATIONS: u64 = if FUZZ { 16 } else { 10_000_000 };
/// bcrypt-pbkdf rounds.
pub const MAX_BCRYPT_ROUNDS: u64 = if FUZZ { 2 } else { 10_000 };
/// scrypt memory (128·r·N·p bytes): 1 GiB.
pub const MAX_SCRYPT_MEMORY: u64 = if FUZZ { 1 << 16 } else { 1 << 30 };
/// Iterations of a PBES1 / PKCS#12 KDF.
pub const MAX_PBE_ITERATIONS: u64 = MAX_PBKDF2_ITERATIONS;

impl KdfLimits {
    /// Refuses `value` of `parameter` above `limit`, unless the limits are lifted.
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
    pub fn check_kdf(&self, kdf: &Kdf) -> Result<()> {
        match kdf {
            Kdf::Bcrypt { rounds, .. } => {
                self.check("bcrypt rounds", u64::from(*rounds), MAX_BCRYPT_ROUNDS)
            }
            Kdf::Pbkdf2 { iterations, .. } => {
                self.check("PBKDF2 iterations", *iterations, MAX_PBKDF2_ITERATIONS)
            }
            Kdf::Scrypt { log_n, r, p, .. } => {
                let n = 1u128 << (*log_n).min(127);
                let memory = 128u128 * u128::from(*r) * n * u128::from(*p);
                let memory = u64::try_from(memory).unwrap_or(u64::MAX);
                self.check("scrypt memory (bytes)", memory, MAX_SCRYPT_MEMORY)
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
            variant: "argon2id".into(),
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
}
