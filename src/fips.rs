//! FIPS 140 assessment of key files (SPEC §4).
//!
//! keyconv is not a FIPS module. It checks a decoded file's metadata — key type, size, curve and
//! exponent, and the protection scheme's KDF, PRF, iterations, salt and cipher — against the rules
//! in [`RULES`], without running any KDF, and says which a FIPS 140-3 module (OpenSSL 3's FIPS
//! provider, RHEL in FIPS mode) would refuse and which NIST does not approve.

use std::fmt;

use crate::error::{Error, ErrorKind, Result};
use crate::format::{KeyFile, Target};
use crate::key::{Certificate, PublicKey, PublicKeyData, bit_length};
use crate::passphrase::Passphrase;
use crate::protection::{Kdf, Prf, Protection};

/// What a rule says about a file, from the mildest to the most severe.
///
/// ```
/// use keyconv::fips::Verdict;
/// assert!(Verdict::Note < Verdict::Conditional && Verdict::Conditional < Verdict::NonApproved);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Approved; a remark for the user.
    Note,
    /// Approved, with a warning (deprecated, or disallowed after a date).
    Warning,
    /// Approved by the standard but refused by many FIPS modules (EdDSA); fails `--strict`.
    Conditional,
    /// Not approved: a FIPS module refuses it or NIST disallows it.
    NonApproved,
}

impl Verdict {
    /// The word used in reports.
    ///
    /// ```
    /// assert_eq!(keyconv::fips::Verdict::NonApproved.name(), "non-approved");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Note => "note",
            Verdict::Warning => "warning",
            Verdict::Conditional => "conditional",
            Verdict::NonApproved => "non-approved",
        }
    }
}

/// One rule of the table.
///
/// ```
/// use keyconv::fips::{Verdict, rule_by_id};
/// let rule = rule_by_id("key-eddsa").unwrap();
/// assert_eq!(rule.verdict, Verdict::Conditional);
/// assert!(!rule.citation.is_empty());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Identifier, e.g. `kdf-salt`.
    pub id: &'static str,
    /// When it applies.
    pub condition: &'static str,
    /// What it says when it applies.
    pub verdict: Verdict,
    /// Where the rule comes from.
    pub citation: &'static str,
}

const fn rule(
    id: &'static str,
    condition: &'static str,
    verdict: Verdict,
    citation: &'static str,
) -> Rule {
    Rule {
        id,
        condition,
        verdict,
        citation,
    }
}

/// The rule table of SPEC §4. Rules whose verdict depends on a value (the PRF, the cipher, the
/// iteration count) list their most severe verdict here; a [`Finding`] carries the one that applied.
pub const RULES: &[Rule] = &[
    rule(
        "key-rsa-size",
        "RSA key below 2048 bits",
        Verdict::NonApproved,
        "NIST SP 800-131A r2",
    ),
    rule(
        "key-rsa-2048",
        "RSA key of 2048 to 3071 bits: disallowed after 2030",
        Verdict::Warning,
        "NIST IR 8547",
    ),
    rule(
        "key-rsa-exponent",
        "RSA public exponent even, below 65537 or at least 2^256",
        Verdict::NonApproved,
        "FIPS 186-5 §5.4",
    ),
    rule(
        "key-dsa",
        "DSA key: not approved for signing",
        Verdict::NonApproved,
        "FIPS 186-5",
    ),
    rule(
        "key-ecdsa",
        "ECDSA on P-256, P-384 or P-521",
        Verdict::Note,
        "FIPS 186-5",
    ),
    rule(
        "key-eddsa",
        "Ed25519/Ed448: approved by FIPS 186-5, refused by many FIPS modules (RHEL, FIPS 140-2 modules)",
        Verdict::Conditional,
        "FIPS 186-5",
    ),
    rule(
        "cert-signature",
        "OpenSSH certificate signed with SHA-1 (ssh-rsa, ssh-dss)",
        Verdict::NonApproved,
        "NIST SP 800-131A r2 §9",
    ),
    rule("prot-none", "not passphrase-protected", Verdict::Note, "-"),
    rule(
        "prot-legacy-pem",
        "legacy PEM encryption (Proc-Type/DEK-Info, MD5 key derivation)",
        Verdict::NonApproved,
        "NIST SP 800-132",
    ),
    rule(
        "prot-sshcom",
        "ssh.com key encryption (unsalted MD5 key derivation)",
        Verdict::NonApproved,
        "NIST SP 800-132",
    ),
    rule(
        "prot-pbes1",
        "PBES1 or PKCS#12 PBE scheme",
        Verdict::NonApproved,
        "NIST SP 800-132",
    ),
    rule(
        "prot-scrypt",
        "scrypt key derivation",
        Verdict::NonApproved,
        "NIST SP 800-132",
    ),
    rule(
        "prot-openssh",
        "OpenSSH bcrypt-pbkdf encryption",
        Verdict::NonApproved,
        "NIST SP 800-132",
    ),
    rule(
        "prot-ppk",
        "PuTTY .ppk encryption (v2 SHA-1 or v3 Argon2 key derivation)",
        Verdict::NonApproved,
        "NIST SP 800-132",
    ),
    rule(
        "kdf-prf",
        "PBKDF2 PRF: HMAC-SHA-2/SHA-3 approved; HMAC-SHA-1 deprecated",
        Verdict::Warning,
        "NIST SP 800-132 §5.3, SP 800-131A r2",
    ),
    rule(
        "kdf-salt",
        "PBKDF2 salt below 128 bits",
        Verdict::NonApproved,
        "NIST SP 800-132 §5.1",
    ),
    rule(
        "kdf-iterations",
        "PBKDF2 iterations below 1000 (below 600,000 with SHA-256: warning)",
        Verdict::NonApproved,
        "NIST SP 800-132 §5.2",
    ),
    rule(
        "kdf-keylen",
        "derived key below 112 bits",
        Verdict::NonApproved,
        "NIST SP 800-131A r2",
    ),
    rule(
        "enc-cipher",
        "cipher: AES (CBC, GCM) approved; 3DES not for new protection; DES, RC2 and others not approved",
        Verdict::NonApproved,
        "NIST SP 800-131A r2, SP 800-67 r2",
    ),
    rule(
        "passphrase-length",
        "passphrase below 8 bytes (known only when writing)",
        Verdict::NonApproved,
        "NIST SP 800-63B §5.1.1",
    ),
];

/// The rule with this id.
///
/// ```
/// let rule = keyconv::fips::rule_by_id("kdf-salt").unwrap();
/// assert_eq!(rule.id, "kdf-salt");
/// assert!(keyconv::fips::rule_by_id("no-such-rule").is_none());
/// ```
pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// A rule that applied to a file, with the verdict it gave and why.
///
/// ```
/// use keyconv::{fips, KeyFile};
///
/// let file = KeyFile::decode(include_bytes!("../testdata/rsa-2048.pkcs8-des3"))?;
/// let a = fips::assess(&file.public_keys(), &file.protection());
/// let cipher = a.findings.iter().find(|f| f.rule == "enc-cipher").unwrap();
/// assert_eq!(cipher.verdict, fips::Verdict::NonApproved);
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule's id.
    pub rule: &'static str,
    /// The verdict for this file.
    pub verdict: Verdict,
    /// What was found, e.g. `salt is 8 bytes (64 bits)`.
    pub detail: String,
}

/// The FIPS assessment of one file.
///
/// ```
/// use keyconv::{fips, KeyFile};
///
/// let file = KeyFile::decode(include_bytes!("../testdata/rsa-2048.pub"))?;
/// let a = fips::assess(&file.public_keys(), &file.protection());
/// assert!(a.key_assessed);
/// assert_eq!(a.compliance(false), fips::Compliance::Compliant);
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// Every rule that applied.
    pub findings: Vec<Finding>,
    /// Whether the key rules were assessed (not for an encrypted PKCS#8/PEM without its passphrase).
    pub key_assessed: bool,
}

/// The overall verdict of an [`Assessment`].
///
/// ```
/// use keyconv::{fips, KeyFile};
///
/// let file = KeyFile::decode(include_bytes!("../testdata/rsa-2048.pkcs8-des3"))?;
/// let a = fips::assess(&file.public_keys(), &file.protection());
/// assert_eq!(a.compliance(false), fips::Compliance::NonCompliant);
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compliance {
    /// No rule says non-approved (nor conditional, under `--strict`).
    Compliant,
    /// Some rule says non-approved (or conditional, under `--strict`).
    NonCompliant,
}

impl fmt::Display for Compliance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Compliance::Compliant => "compliant",
            Compliance::NonCompliant => "non-compliant",
        })
    }
}

impl Assessment {
    /// Compliant when no rule says non-approved; `strict` also fails on conditional (EdDSA) and on
    /// key rules that could not be assessed.
    ///
    /// ```
    /// use keyconv::{fips, KeyFile};
    ///
    /// // EdDSA is conditional: compliant, but not under `strict`.
    /// let file = KeyFile::decode(include_bytes!("../testdata/ed25519.pub"))?;
    /// let a = fips::assess(&file.public_keys(), &file.protection());
    /// assert_eq!(a.compliance(false), fips::Compliance::Compliant);
    /// assert_eq!(a.compliance(true), fips::Compliance::NonCompliant);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn compliance(&self, strict: bool) -> Compliance {
        let fails = |f: &Finding| {
            f.verdict == Verdict::NonApproved || (strict && f.verdict == Verdict::Conditional)
        };
        if self.findings.iter().any(fails) || (strict && !self.key_assessed) {
            Compliance::NonCompliant
        } else {
            Compliance::Compliant
        }
    }

    /// The findings that make the file fail.
    ///
    /// ```
    /// use keyconv::{fips, KeyFile};
    ///
    /// let file = KeyFile::decode(include_bytes!("../testdata/rsa-2048.pkcs8-des3"))?;
    /// let a = fips::assess(&file.public_keys(), &file.protection());
    /// assert!(a.failures(false).any(|f| f.rule == "enc-cipher"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn failures(&self, strict: bool) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| {
            f.verdict == Verdict::NonApproved || (strict && f.verdict == Verdict::Conditional)
        })
    }

    fn add(&mut self, rule: &'static str, verdict: Verdict, detail: impl Into<String>) {
        self.findings.push(Finding {
            rule,
            verdict,
            detail: detail.into(),
        });
    }

    /// Adds the passphrase rule, for a passphrase of `len` bytes about to protect a file.
    ///
    /// ```
    /// use keyconv::{fips, KeyFile};
    ///
    /// let file = KeyFile::decode(include_bytes!("../testdata/rsa-2048.pub"))?;
    /// let mut a = fips::assess(&file.public_keys(), &file.protection());
    /// a.check_passphrase_length(4);
    /// assert!(a.failures(false).any(|f| f.rule == "passphrase-length"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn check_passphrase_length(&mut self, len: usize) {
        if len < 8 {
            self.add(
                "passphrase-length",
                Verdict::NonApproved,
                format!("passphrase is {len} bytes"),
            );
        }
    }
}

/// Assesses a file from its keys (empty when not known: the key rules are then not assessed)
/// and its protection. Runs no KDF.
///
/// ```
/// use keyconv::fips::{Compliance, assess};
/// use keyconv::{Kdf, Protection};
/// use keyconv::protection::{Cipher, Prf, Scheme};
///
/// // What `openssl pkcs8 -topk8 -v2 aes128` writes on OpenSSL 3.0.
/// let openssl = Protection::Encrypted {
///     scheme: Scheme::Pbes2,
///     cipher: Cipher::Aes128Cbc,
///     kdf: Kdf::Pbkdf2 { prf: Prf::HmacSha256, iterations: 2048, salt_len: 8, key_len: 16 },
/// };
/// let a = assess(&[], &openssl);
/// assert_eq!(a.compliance(false), Compliance::NonCompliant);
/// assert_eq!(a.failures(false).next().unwrap().rule, "kdf-salt");
/// ```
pub fn assess(keys: &[PublicKey], protection: &Protection) -> Assessment {
    let mut a = Assessment {
        findings: Vec::new(),
        key_assessed: !keys.is_empty(),
    };
    for key in keys {
        assess_key(&mut a, key.data());
    }
    assess_protection(&mut a, protection);
    a
}

fn assess_key(a: &mut Assessment, data: &PublicKeyData) {
    match data {
        PublicKeyData::Rsa { e, n } => {
            let bits = bit_length(n);
            if bits < 2048 {
                a.add(
                    "key-rsa-size",
                    Verdict::NonApproved,
                    format!("RSA key is {bits} bits"),
                );
            } else if bits < 3072 {
                a.add(
                    "key-rsa-2048",
                    Verdict::Warning,
                    format!("RSA key is {bits} bits"),
                );
            }
            // FIPS 186-5 §A.1.1: 2^16 < e < 2^256, e odd.
            let e_bits = bit_length(e);
            let even = e.last().is_none_or(|b| b & 1 == 0);
            if even || !(17..=256).contains(&e_bits) {
                let e_text = match e.len() {
                    0..=8 => e
                        .iter()
                        .fold(0u64, |v, b| (v << 8) | u64::from(*b))
                        .to_string(),
                    _ => format!("a {e_bits}-bit number"),
                };
                a.add(
                    "key-rsa-exponent",
                    Verdict::NonApproved,
                    format!("public exponent is {e_text}"),
                );
            }
        }
        PublicKeyData::Dsa { p, .. } => {
            a.add(
                "key-dsa",
                Verdict::NonApproved,
                format!("DSA key ({} bits)", bit_length(p)),
            );
        }
        PublicKeyData::Ecdsa { curve, .. } => {
            a.add(
                "key-ecdsa",
                Verdict::Note,
                format!("ECDSA {}", curve.ssh_name()),
            );
        }
        PublicKeyData::Ed25519(_) => {
            a.add("key-eddsa", Verdict::Conditional, "Ed25519 key");
        }
        PublicKeyData::Ed448(_) => {
            a.add("key-eddsa", Verdict::Conditional, "Ed448 key");
        }
        PublicKeyData::Opaque(o) => match o.certificate() {
            // A certificate is judged by the key it certifies and by its signing CA.
            Some(cert) => {
                assess_key(a, &cert.key);
                assess_ca(a, &cert);
            }
            // A security key is judged by its algorithm (its private half lives in the device).
            None => match o.algorithm.as_str() {
                "sk-ecdsa-sha2-nistp256@openssh.com" => a.add(
                    "key-ecdsa",
                    Verdict::Note,
                    "ECDSA nistp256 (FIDO security key)",
                ),
                "sk-ssh-ed25519@openssh.com" => a.add(
                    "key-eddsa",
                    Verdict::Conditional,
                    "Ed25519 key (FIDO security key)",
                ),
                _ => a.key_assessed = false,
            },
        },
    }
}

/// The rules of the CA key that signed a certificate, each detail naming the CA, and the
/// signature's hash.
fn assess_ca(a: &mut Assessment, cert: &Certificate) {
    let ca = &cert.signature_key;
    let name = format!(
        "signing CA {} {}",
        ca.label(),
        cert.ca_fingerprint(crate::key::FingerprintHash::Sha256)
    );
    let mut of_ca = Assessment {
        findings: Vec::new(),
        key_assessed: true,
    };
    assess_key(&mut of_ca, ca);
    for f in of_ca.findings {
        a.add(f.rule, f.verdict, format!("{name}: {}", f.detail));
    }
    if matches!(cert.signature_algorithm.as_str(), "ssh-rsa" | "ssh-dss") {
        a.add(
            "cert-signature",
            Verdict::NonApproved,
            format!(
                "certificate signed with {} (SHA-1) by {name}",
                cert.signature_algorithm
            ),
        );
    }
}

fn assess_protection(a: &mut Assessment, protection: &Protection) {
    let Protection::Encrypted { cipher, kdf, .. } = protection else {
        a.add("prot-none", Verdict::Note, "not passphrase-protected");
        return;
    };
    match kdf {
        Kdf::Bcrypt { .. } => a.add("prot-openssh", Verdict::NonApproved, "OpenSSH bcrypt-pbkdf"),
        Kdf::PpkSha1 => a.add(
            "prot-ppk",
            Verdict::NonApproved,
            "PPK v2 (SHA-1 key derivation)",
        ),
        Kdf::Argon2 { variant, .. } => a.add(
            "prot-ppk",
            Verdict::NonApproved,
            format!("PPK v3 ({variant} key derivation)"),
        ),
        Kdf::OpensslMd5 => a.add(
            "prot-legacy-pem",
            Verdict::NonApproved,
            "legacy PEM (MD5 key derivation)",
        ),
        Kdf::SshcomMd5 => a.add(
            "prot-sshcom",
            Verdict::NonApproved,
            "ssh.com (unsalted MD5 key derivation)",
        ),
        Kdf::Pbe { scheme, .. } => a.add("prot-pbes1", Verdict::NonApproved, scheme.name()),
        Kdf::Scrypt { .. } => a.add("prot-scrypt", Verdict::NonApproved, "scrypt"),
        Kdf::Pbkdf2 {
            prf,
            iterations,
            salt_len,
            key_len,
        } => {
            // Every PRF but HMAC-SHA-1 is HMAC with SHA-2, approved.
            if *prf == Prf::HmacSha1 {
                a.add("kdf-prf", Verdict::Warning, "HMAC-SHA-1 is deprecated");
            }
            if *salt_len < 16 {
                a.add(
                    "kdf-salt",
                    Verdict::NonApproved,
                    format!("salt is {salt_len} bytes ({} bits)", salt_len * 8),
                );
            }
            if *iterations < 1000 {
                a.add(
                    "kdf-iterations",
                    Verdict::NonApproved,
                    format!("{iterations} iterations"),
                );
            } else if *iterations < 600_000 && *prf == Prf::HmacSha256 {
                a.add(
                    "kdf-iterations",
                    Verdict::Warning,
                    format!("{iterations} iterations (600,000 recommended with HMAC-SHA-256)"),
                );
            }
            if key_len * 8 < 112 {
                a.add(
                    "kdf-keylen",
                    Verdict::NonApproved,
                    format!("derived key is {} bits", key_len * 8),
                );
            }
        }
    }
    if matches!(
        kdf,
        Kdf::Pbkdf2 { .. }
            | Kdf::Scrypt { .. }
            | Kdf::Pbe { .. }
            | Kdf::OpensslMd5
            | Kdf::SshcomMd5
    ) {
        if cipher.is_aes_cbc_or_gcm() {
            // Approved.
        } else if cipher.is_triple_des() {
            a.add(
                "enc-cipher",
                Verdict::NonApproved,
                format!("{cipher}: 3DES is not approved for new protection"),
            );
        } else {
            a.add(
                "enc-cipher",
                Verdict::NonApproved,
                format!("{cipher} is not approved"),
            );
        }
    }
}

/// The `--fips` output policy (SPEC §4), before encoding: whether `key` may be written as
/// `target`, protected with `passphrase` (`None` or empty: unencrypted). Refusals are
/// [`ErrorKind::FipsRefused`] naming the rule; the conditional and warning findings to tell the
/// user (EdDSA, RSA-2048) come back. `strict` refuses the conditional ones (EdDSA) too.
///
/// Encryption must be PKCS#8 PBES2 with PBKDF2-HMAC-SHA-2, at least 1000 iterations, and a
/// passphrase of at least 8 bytes; public targets and unencrypted private ones are allowed.
///
/// ```
/// use keyconv::fips::check_output;
/// use keyconv::format::Target;
/// use keyconv::{ErrorKind, Passphrase, PublicKey};
///
/// let key = PublicKey::from_openssh("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me")?;
/// let pass = Passphrase::from("a long passphrase");
/// // Ed25519 in PKCS#8: allowed, with a warning; refused under strict.
/// let warnings = check_output(&key, &Target::Pkcs8(Default::default()), Some(&pass), false)?;
/// assert_eq!(warnings[0].rule, "key-eddsa");
/// assert!(check_output(&key, &Target::Pkcs8(Default::default()), Some(&pass), true).is_err());
/// // OpenSSH encryption is not approved.
/// let e = check_output(&key, &Target::OpenSsh(Default::default()), Some(&pass), false).unwrap_err();
/// assert!(matches!(e.kind(), ErrorKind::FipsRefused { rule: "prot-openssh", .. }));
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn check_output(
    key: &PublicKey,
    target: &Target,
    passphrase: Option<&Passphrase>,
    strict: bool,
) -> Result<Vec<Finding>> {
    let refuse = |rule: &'static str, detail: String| {
        Err(Error::new(ErrorKind::FipsRefused { rule, detail }))
    };
    let a = assess(std::slice::from_ref(key), &Protection::None);
    if let Some(f) = a.failures(strict).next() {
        let citation = rule_by_id(f.rule).map(|r| r.citation).unwrap_or("-");
        return refuse(f.rule, format!("{} ({citation})", f.detail));
    }
    let warnings: Vec<Finding> = a
        .findings
        .iter()
        .filter(|f| f.verdict == Verdict::Conditional || f.verdict == Verdict::Warning)
        .cloned()
        .collect();
    let Some(passphrase) = passphrase.filter(|p| !p.is_empty()) else {
        return Ok(warnings);
    };
    let options = match target {
        Target::Pkcs8(options) => options,
        Target::OpenSsh(_) => {
            return refuse(
                "prot-openssh",
                "OpenSSH encryption (bcrypt-pbkdf) is not FIPS-approved".into(),
            );
        }
        Target::Ppk(_) => return refuse("prot-ppk", "PPK encryption is not FIPS-approved".into()),
        Target::Pem(_) => {
            return refuse(
                "prot-legacy-pem",
                "legacy PEM encryption (MD5 key derivation) is not FIPS-approved".into(),
            );
        }
        // Public targets hold no passphrase.
        _ => return Ok(warnings),
    };
    if passphrase.len() < 8 {
        return refuse(
            "passphrase-length",
            format!(
                "the new passphrase is {} bytes; at least 8 are needed",
                passphrase.len()
            ),
        );
    }
    if options.prf == Prf::HmacSha1 {
        return refuse("kdf-prf", "HMAC-SHA-1 is deprecated for PBKDF2".into());
    }
    if options.iterations < 1000 {
        return refuse(
            "kdf-iterations",
            format!("{} PBKDF2 iterations are below 1000", options.iterations),
        );
    }
    Ok(warnings)
}

/// The `--fips` output policy after encoding: `encoded` (keyconv's own output for `key`) must
/// assess as compliant, else [`ErrorKind::FipsRefused`].
///
/// ```
/// use keyconv::fips::verify_output;
/// use keyconv::PublicKey;
/// let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me\n";
/// let key = PublicKey::from_openssh(line)?;
/// verify_output(line.as_bytes(), &key, false)?;
/// assert!(verify_output(line.as_bytes(), &key, true).is_err(), "EdDSA is conditional");
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn verify_output(encoded: &[u8], key: &PublicKey, strict: bool) -> Result<()> {
    let written = KeyFile::decode(encoded)?;
    let mut keys = written.public_keys();
    if keys.is_empty() {
        keys.push(key.clone());
    }
    let assessment = assess(&keys, &written.protection());
    match assessment.failures(strict).next() {
        None => Ok(()),
        Some(f) => Err(Error::new(ErrorKind::FipsRefused {
            rule: f.rule,
            detail: format!("the output would not be compliant: {}", f.detail),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::EcCurve;
    use crate::protection::{Cipher, Scheme};

    fn pbkdf2(prf: Prf, iterations: u64, salt_len: usize, cipher: Cipher) -> Protection {
        Protection::Encrypted {
            scheme: Scheme::Pbes2,
            cipher,
            kdf: Kdf::Pbkdf2 {
                prf,
                iterations,
                salt_len,
                key_len: 16,
            },
        }
    }

    fn ids(a: &Assessment, verdict: Verdict) -> Vec<&'static str> {
        a.findings
            .iter()
            .filter(|f| f.verdict == verdict)
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn openssl_30_topk8_output_fails_for_its_8_byte_salt() {
        let a = assess(&[], &pbkdf2(Prf::HmacSha256, 2048, 8, Cipher::Aes128Cbc));
        assert_eq!(ids(&a, Verdict::NonApproved), ["kdf-salt"]);
        assert_eq!(ids(&a, Verdict::Warning), ["kdf-iterations"]);
        assert_eq!(a.compliance(false), Compliance::NonCompliant);
        assert!(!a.key_assessed);
    }

    #[test]
    fn keyconv_defaults_pass() {
        let a = assess(
            &[],
            &pbkdf2(Prf::HmacSha256, 600_000, 16, Cipher::Aes128Cbc),
        );
        assert!(a.findings.is_empty(), "{:?}", a.findings);
        assert_eq!(a.compliance(false), Compliance::Compliant);
        assert_eq!(
            a.compliance(true),
            Compliance::NonCompliant,
            "key not assessed under --strict"
        );
    }

    #[test]
    fn sha1_warns_3des_and_short_iterations_fail() {
        let a = assess(&[], &pbkdf2(Prf::HmacSha1, 999, 16, Cipher::DesEde3Cbc));
        assert_eq!(ids(&a, Verdict::Warning), ["kdf-prf"]);
        assert_eq!(
            ids(&a, Verdict::NonApproved),
            ["kdf-iterations", "enc-cipher"]
        );
    }

    #[test]
    fn key_rules() {
        let rsa = |bits: usize, e: &[u8]| {
            let mut n = vec![0xffu8; bits / 8];
            if let Some(last) = n.last_mut() {
                *last = 0xfd;
            }
            assess(
                &[PublicKey::new(PublicKeyData::Rsa { e: e.to_vec(), n }, "").unwrap()],
                &Protection::None,
            )
        };
        assert_eq!(
            ids(&rsa(1024, &[1, 0, 1]), Verdict::NonApproved),
            ["key-rsa-size"]
        );
        assert_eq!(
            ids(&rsa(2048, &[1, 0, 1]), Verdict::Warning),
            ["key-rsa-2048"]
        );
        assert!(rsa(3072, &[1, 0, 1]).compliance(true) == Compliance::Compliant);
        assert_eq!(
            ids(&rsa(3072, &[3]), Verdict::NonApproved),
            ["key-rsa-exponent"]
        );
        assert_eq!(
            ids(&rsa(3072, &[1, 0, 0]), Verdict::NonApproved),
            ["key-rsa-exponent"]
        );
        let ed = PublicKey::new(PublicKeyData::Ed25519([1; 32]), "").unwrap();
        let a = assess(&[ed], &Protection::None);
        assert_eq!(a.compliance(false), Compliance::Compliant);
        assert_eq!(a.compliance(true), Compliance::NonCompliant);
        let _ = EcCurve::P256;
    }

    #[test]
    fn every_finding_names_a_rule_of_the_table() {
        let cases = [
            pbkdf2(Prf::HmacSha1, 1, 1, Cipher::DesCbc),
            Protection::Encrypted {
                scheme: Scheme::LegacyPem,
                cipher: Cipher::DesCbc,
                kdf: Kdf::OpensslMd5,
            },
            Protection::Encrypted {
                scheme: Scheme::OpenSsh,
                cipher: Cipher::Aes256Ctr,
                kdf: Kdf::Bcrypt {
                    rounds: 16,
                    salt_len: 16,
                },
            },
        ];
        for p in cases {
            for f in assess(&[], &p).findings {
                assert!(rule_by_id(f.rule).is_some(), "{}", f.rule);
            }
        }
    }
}
