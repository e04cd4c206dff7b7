//! OpenSSH certificates (`*-cert-v01@openssh.com`).
//!
//! Specification: OpenSSH's `PROTOCOL.certkeys`
//! (<https://cvsweb.openbsd.org/src/usr.bin/ssh/PROTOCOL.certkeys>). The blob, in SSH wire
//! encoding:
//!
//! ```text
//! string    "ssh-ed25519-cert-v01@openssh.com"   (or rsa, dss, ecdsa-sha2-nistpN, sk-…)
//! string    nonce
//! …         the certified key's fields, as in its plain blob (ssh-ed25519: string pk)
//! uint64    serial
//! uint32    type                                 1 user, 2 host
//! string    key id
//! string    valid principals                     a sequence of strings
//! uint64    valid after                          seconds since the epoch
//! uint64    valid before                         0xffffffffffffffff: forever
//! string    critical options                     a sequence of (string name, string data)
//! string    extensions                           likewise
//! string    reserved
//! string    signature key                        the CA's plain public key blob
//! string    signature                            string algorithm, string signature bytes
//! ```
//!
//! keyconv checks the certificate as OpenSSH's `cert_parse` does: the structure (every nested
//! sequence well-formed, at most 256 principals, names without NUL bytes, a CA key that is no
//! certificate, a signature algorithm that fits the CA key) and the CA's signature over the
//! blob up to the signature field (`super::signature`), so that a certificate `ssh-keygen -L`
//! refuses is refused here too. Validity times and principals are not judged: keyconv converts
//! and describes certificates, it does not authenticate with them.

use crate::encoding::wire::Reader;
use crate::error::Result;
use crate::key::{PublicKeyData, fingerprint_of_blob};

use super::FingerprintHash;

/// The most principals OpenSSH reads in a certificate (`SSHKEY_CERT_MAX_PRINCIPALS`).
pub const MAX_PRINCIPALS: usize = 256;

/// `valid before` of a certificate that never expires.
pub const FOREVER: u64 = u64::MAX;

/// Whom a certificate is for.
///
/// ```
/// use keyconv::key::CertificateType;
/// # let line = include_str!("../../testdata/cert/ed25519-user-cert.pub");
/// let key = keyconv::PublicKey::from_openssh(line)?;
/// let cert = key.data().certificate().unwrap();
/// assert_eq!(cert.cert_type, CertificateType::User);
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateType {
    /// A user certificate (type 1).
    User,
    /// A host certificate (type 2).
    Host,
}

impl CertificateType {
    /// `user` or `host`, as `ssh-keygen -L` prints it.
    ///
    /// ```
    /// assert_eq!(keyconv::key::CertificateType::Host.name(), "host");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            CertificateType::User => "user",
            CertificateType::Host => "host",
        }
    }
}

/// A critical option or extension: its name and its data (the data of the options OpenSSH
/// defines is one string, or empty).
///
/// ```
/// # let line = include_str!("../../testdata/cert/ed25519-user-cert.pub");
/// let key = keyconv::PublicKey::from_openssh(line)?;
/// let cert = key.data().certificate().unwrap();
/// let names: Vec<&str> = cert.critical_options.iter().map(|o| o.name.as_str()).collect();
/// assert_eq!(names, ["force-command", "source-address"]);
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateOption {
    /// The option's name, e.g. `force-command`, `permit-pty`.
    pub name: String,
    /// The option's data as stored (for `force-command`, a string holding the command).
    pub data: Vec<u8>,
}

impl CertificateOption {
    /// The option's data as `ssh-keygen -L` shows it, without the name: `None` for a flag
    /// option it knows (`permit-pty`, `verify-required` …), the value of `force-command` and
    /// `source-address`, else `UNKNOWN OPTION: HEX (len N)` (`UNKNOWN FLAG OPTION` when empty).
    ///
    /// ```
    /// # let line = include_str!("../../testdata/cert/ed25519-user-cert.pub");
    /// let key = keyconv::PublicKey::from_openssh(line)?;
    /// let cert = key.data().certificate().unwrap();
    /// assert_eq!(cert.critical_options[0].display_value(true).as_deref(), Some("ls -l /tmp"));
    /// assert_eq!(cert.extensions[0].display_value(false), None); // permit-X11-forwarding
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn display_value(&self, critical: bool) -> Option<String> {
        const FLAGS: [&str; 6] = [
            "permit-X11-forwarding",
            "permit-agent-forwarding",
            "permit-port-forwarding",
            "permit-pty",
            "permit-user-rc",
            "no-touch-required",
        ];
        let name = self.name.as_str();
        if (!critical && FLAGS.contains(&name)) || (critical && name == "verify-required") {
            return None;
        }
        if critical && (name == "force-command" || name == "source-address") {
            return Some(self.string_value().unwrap_or_default());
        }
        if self.data.is_empty() {
            Some("UNKNOWN FLAG OPTION".to_owned())
        } else {
            Some(format!(
                "UNKNOWN OPTION: {} (len {})",
                hex::encode(&self.data),
                self.data.len()
            ))
        }
    }

    /// The data read as one string (how OpenSSH stores an option's value), when it is one.
    ///
    /// ```
    /// # let line = include_str!("../../testdata/cert/ed25519-user-cert.pub");
    /// let key = keyconv::PublicKey::from_openssh(line)?;
    /// let cert = key.data().certificate().unwrap();
    /// assert_eq!(cert.critical_options[1].string_value().as_deref(), Some("10.0.0.0/8,192.168.1.0/24"));
    /// assert_eq!(cert.extensions[0].string_value(), None); // a flag: no data
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn string_value(&self) -> Option<String> {
        let mut r = Reader::new(&self.data, crate::format_name::Format::Public);
        let value = r.string("option value").ok()?;
        r.finish("option value").ok()?;
        Some(String::from_utf8_lossy(value).into_owned())
    }
}

/// A decoded OpenSSH certificate: every field `ssh-keygen -L` shows.
///
/// ```
/// # let line = include_str!("../../testdata/cert/ed25519-user-cert.pub");
/// let key = keyconv::PublicKey::from_openssh(line)?;
/// let cert = key.data().certificate().unwrap();
/// assert_eq!((cert.key_id.as_str(), cert.serial), ("alice@example.com", 42));
/// assert_eq!(cert.principals, ["alice", "bob"]);
/// assert_eq!(cert.signature_algorithm, "ssh-ed25519");
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// The certificate algorithm, e.g. `ssh-ed25519-cert-v01@openssh.com`.
    pub algorithm: String,
    /// The certified key (a plain key: `ssh-ed25519`, or a security key).
    pub key: PublicKeyData,
    /// The serial number.
    pub serial: u64,
    /// User or host certificate.
    pub cert_type: CertificateType,
    /// The key ID (`ssh-keygen -I`).
    pub key_id: String,
    /// The principals (user or host names); empty means any.
    pub principals: Vec<String>,
    /// Valid from this time (seconds since the epoch; 0: from the beginning).
    pub valid_after: u64,
    /// Valid before this time (seconds since the epoch; [`FOREVER`]: no end).
    pub valid_before: u64,
    /// Critical options (`force-command`, `source-address`, `verify-required`).
    pub critical_options: Vec<CertificateOption>,
    /// Extensions (`permit-pty`, …).
    pub extensions: Vec<CertificateOption>,
    /// The signing CA's public key.
    pub signature_key: PublicKeyData,
    /// The signature's algorithm, e.g. `rsa-sha2-512`, `ssh-ed25519`.
    pub signature_algorithm: String,
}

impl Certificate {
    /// Decodes a certificate blob (the base64 of a `-cert.pub` line), checking its structure.
    ///
    /// ```
    /// use keyconv::PublicKey;
    /// use keyconv::key::{Certificate, CertificateType, PublicKeyData};
    /// # let line = include_str!("../../testdata/cert/ed25519-user-cert.pub");
    /// let key = PublicKey::from_openssh(line)?;
    /// let PublicKeyData::Opaque(opaque) = key.data() else { panic!() };
    /// let cert = Certificate::from_blob(&opaque.blob)?;
    /// assert_eq!(cert.cert_type, CertificateType::User);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_blob(blob: &[u8]) -> Result<Certificate> {
        let mut r = Reader::new(blob, crate::format_name::Format::Public);
        let algorithm = r.str("key algorithm")?;
        let cert = parse_body(&mut r, algorithm, blob)?;
        r.finish("certificate")?;
        Ok(cert)
    }

    /// Whether the certificate is valid forever (`ssh-keygen -L`'s `Valid: forever`).
    ///
    /// ```
    /// # let line = include_str!("../../testdata/cert/ed25519-user-cert.pub");
    /// let key = keyconv::PublicKey::from_openssh(line)?;
    /// let cert = key.data().certificate().unwrap();
    /// assert!(!cert.is_valid_forever()); // valid during 2026 only
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn is_valid_forever(&self) -> bool {
        self.valid_after == 0 && self.valid_before == FOREVER
    }

    /// The CA key's fingerprint, as `ssh-keygen -L` shows it.
    ///
    /// ```
    /// # let line = include_str!("../../testdata/cert/ed25519-user-cert.pub");
    /// let key = keyconv::PublicKey::from_openssh(line)?;
    /// let cert = key.data().certificate().unwrap();
    /// let sha256 = cert.ca_fingerprint(keyconv::FingerprintHash::Sha256);
    /// assert_eq!(sha256, "SHA256:bdN2hewZ/3v9C9lX/AxNSoPfKwieJOC8aVt1svtMSvA");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn ca_fingerprint(&self, hash: FingerprintHash) -> String {
        fingerprint_of_blob(&fingerprint_blob(&self.signature_key), hash)
    }

    /// The certified key's fingerprint (the certificate's own, as `ssh-keygen -l` shows it).
    ///
    /// ```
    /// # let line = include_str!("../../testdata/cert/ed25519-user-cert.pub");
    /// let key = keyconv::PublicKey::from_openssh(line)?;
    /// let cert = key.data().certificate().unwrap();
    /// let sha256 = cert.key_fingerprint(keyconv::FingerprintHash::Sha256);
    /// assert_eq!(sha256, "SHA256:TSwRcPlsu9H+nGqzcSHhX03kjID3MmZ7IpTm8HdQiRM");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn key_fingerprint(&self, hash: FingerprintHash) -> String {
        fingerprint_of_blob(&fingerprint_blob(&self.key), hash)
    }
}

/// The bytes a key's fingerprint hashes.
pub(crate) fn fingerprint_blob(data: &PublicKeyData) -> Vec<u8> {
    match data {
        PublicKeyData::Opaque(o) => o.fingerprint_blob.clone(),
        other => other.to_ssh_blob(),
    }
}

/// The plain algorithm a certificate algorithm certifies:
/// `ssh-ed25519-cert-v01@openssh.com` → `ssh-ed25519`,
/// `sk-ssh-ed25519-cert-v01@openssh.com` → `sk-ssh-ed25519@openssh.com`.
pub(crate) fn plain_algorithm(algorithm: &str) -> Option<String> {
    let stem = algorithm.strip_suffix("-cert-v01@openssh.com")?;
    Some(if stem.starts_with("sk-") {
        format!("{stem}@openssh.com")
    } else {
        stem.to_owned()
    })
}

/// Reads everything after the algorithm name, `r` reading `blob` (the whole certificate blob),
/// and verifies the CA's signature over the blob up to the signature field.
pub(crate) fn parse_body(r: &mut Reader<'_>, algorithm: &str, blob: &[u8]) -> Result<Certificate> {
    let plain = plain_algorithm(algorithm)
        .ok_or_else(|| r.error(format!("{algorithm} is not a certificate algorithm")))?;
    r.string("certificate nonce")?;
    let key = super::read_plain_fields(r, &plain)?;
    key.validate(crate::format_name::Format::Public)?;
    if key.key_type() == Some(super::KeyType::Ed448) {
        return Err(crate::error::Error::new(
            crate::error::ErrorKind::UnsupportedKeyType(algorithm.to_owned()),
        ));
    }
    let serial = u64_of(r, "certificate serial")?;
    let cert_type = match r.u32("certificate type")? {
        1 => CertificateType::User,
        2 => CertificateType::Host,
        other => {
            return Err(r.error(format!("certificate type is {other} (1 user or 2 host)")));
        }
    };
    let key_id = cstring(r, "key id")?;
    let principals_blob = r.string("principals")?;
    let mut principals = Vec::new();
    let mut p = r.nested(principals_blob);
    while !p.is_empty() {
        if principals.len() >= MAX_PRINCIPALS {
            return Err(r.error(format!(
                "more than {MAX_PRINCIPALS} principals (OpenSSH's limit)"
            )));
        }
        principals.push(cstring(&mut p, "principal")?);
    }
    let valid_after = u64_of(r, "valid after")?;
    let valid_before = u64_of(r, "valid before")?;
    let critical_options = options(r, "critical options")?;
    let extensions = options(r, "extensions")?;
    r.string("reserved")?;
    let ca_blob = r.string("signature key")?;
    let mut ca = r.nested(ca_blob);
    let ca_algorithm = ca.str("signing CA key algorithm")?;
    if plain_algorithm(ca_algorithm).is_some() {
        return Err(r.error("the signing CA key is itself a certificate"));
    }
    let signature_key = super::read_plain_fields(&mut ca, ca_algorithm)?;
    ca.finish("signing CA key")?;
    signature_key.validate(crate::format_name::Format::Public)?;
    // The signed bytes: everything before the signature field (cert_parse's `signed_len`).
    let signed = blob
        .len()
        .checked_sub(r.remaining().len())
        .and_then(|end| blob.get(..end))
        .ok_or_else(|| r.error("certificate blob and reader disagree"))?;
    let does_not_verify = r.error("certificate signature does not verify with its signing CA key");
    let signature = r.string("signature")?;
    let mut s = r.nested(signature);
    let signature_algorithm = s.str("signature algorithm")?.to_owned();
    let ca_algorithm = signature_key.algorithm();
    let fits = match ca_algorithm {
        "ssh-rsa" => ["ssh-rsa", "rsa-sha2-256", "rsa-sha2-512"].contains(&&*signature_algorithm),
        other => signature_algorithm == other,
    };
    if !fits {
        return Err(r.error(format!(
            "signature algorithm {signature_algorithm} does not fit the {ca_algorithm} CA key"
        )));
    }
    if !super::signature::verify(&signature_key, &signature_algorithm, &mut s, signed)? {
        return Err(does_not_verify);
    }
    Ok(Certificate {
        algorithm: algorithm.to_owned(),
        key,
        serial,
        cert_type,
        key_id,
        principals,
        valid_after,
        valid_before,
        critical_options,
        extensions,
        signature_key,
        signature_algorithm,
    })
}

fn u64_of(r: &mut Reader<'_>, what: &str) -> Result<u64> {
    let hi = r.u32(what)?;
    let lo = r.u32(what)?;
    Ok((u64::from(hi) << 32) | u64::from(lo))
}

/// A string without NUL bytes (OpenSSH's `sshbuf_get_cstring`), shown lossily when not UTF-8.
fn cstring(r: &mut Reader<'_>, what: &str) -> Result<String> {
    let bytes = r.string(what)?;
    if bytes.contains(&0) {
        return Err(r.error(format!("{what} contains a NUL byte")));
    }
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// A sequence of (name, data) pairs inside one string.
fn options(r: &mut Reader<'_>, what: &str) -> Result<Vec<CertificateOption>> {
    let blob = r.string(what)?;
    let mut o = r.nested(blob);
    let mut out = Vec::new();
    while !o.is_empty() {
        let name = cstring(&mut o, what)?;
        let data = o
            .string(what)
            .map_err(|_| r.error(format!("{what}: option {name:?} has no data")))?;
        out.push(CertificateOption {
            name,
            data: data.to_vec(),
        });
    }
    Ok(out)
}
