//! The format-neutral key model: public keys with their comment, private keys whose halves are
//! checked to belong together, secrets zeroized on drop.
//!
//! A public key's identity is its SSH wire blob (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4);
//! fingerprints hash it as `ssh-keygen -l` does.

use std::fmt;

use zeroize::Zeroizing;

use crate::encoding::wire::{Reader, Writer};
use crate::error::{Error, ErrorKind, Result};
use crate::format_name::Format;

pub mod certificate;
pub(crate) mod check;
mod generate;
mod signature;
pub use certificate::{Certificate, CertificateOption, CertificateType};
pub use generate::{KeySpec, MIN_GENERATED_RSA_BITS, RSA_EXPONENT};

/// The largest RSA modulus keyconv accepts, in bits (SPEC §1).
pub const MAX_RSA_BITS: usize = 16384;
/// The largest DSA prime keyconv accepts, in bits.
pub const MAX_DSA_BITS: usize = 8192;

/// A NIST prime curve used with ECDSA.
///
/// ```
/// use keyconv::EcCurve;
///
/// assert_eq!(EcCurve::P384.ssh_name(), "nistp384");
/// assert_eq!(EcCurve::ALL.len(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EcCurve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
}

impl EcCurve {
    /// All curves, smallest first.
    pub const ALL: [EcCurve; 3] = [EcCurve::P256, EcCurve::P384, EcCurve::P521];

    /// The SSH curve identifier, e.g. `nistp256`.
    ///
    /// ```
    /// assert_eq!(keyconv::EcCurve::P256.ssh_name(), "nistp256");
    /// ```
    pub fn ssh_name(self) -> &'static str {
        match self {
            EcCurve::P256 => "nistp256",
            EcCurve::P384 => "nistp384",
            EcCurve::P521 => "nistp521",
        }
    }

    /// The curve from its SSH identifier.
    ///
    /// ```
    /// use keyconv::EcCurve;
    ///
    /// assert_eq!(EcCurve::from_ssh_name("nistp521"), Some(EcCurve::P521));
    /// assert_eq!(EcCurve::from_ssh_name("secp256k1"), None);
    /// ```
    pub fn from_ssh_name(name: &str) -> Option<EcCurve> {
        EcCurve::ALL.into_iter().find(|c| c.ssh_name() == name)
    }

    /// The curve's size in bits.
    ///
    /// ```
    /// assert_eq!(keyconv::EcCurve::P521.bits(), 521);
    /// ```
    pub fn bits(self) -> u32 {
        match self {
            EcCurve::P256 => 256,
            EcCurve::P384 => 384,
            EcCurve::P521 => 521,
        }
    }

    /// The length of a private scalar in bytes.
    ///
    /// ```
    /// assert_eq!(keyconv::EcCurve::P521.scalar_len(), 66);
    /// ```
    pub fn scalar_len(self) -> usize {
        (self.bits() as usize).div_ceil(8)
    }

    /// The length of an uncompressed SEC1 point in bytes.
    ///
    /// ```
    /// assert_eq!(keyconv::EcCurve::P256.point_len(), 65);
    /// ```
    pub fn point_len(self) -> usize {
        1 + 2 * self.scalar_len()
    }

    /// The dotted OID of the named curve (RFC 5480).
    ///
    /// ```
    /// assert_eq!(keyconv::EcCurve::P256.oid(), "1.2.840.10045.3.1.7");
    /// ```
    pub fn oid(self) -> &'static str {
        match self {
            EcCurve::P256 => crate::encoding::oid::SECP256R1,
            EcCurve::P384 => crate::encoding::oid::SECP384R1,
            EcCurve::P521 => crate::encoding::oid::SECP521R1,
        }
    }
}

/// The type of a key.
///
/// ```
/// use keyconv::{EcCurve, KeyType};
///
/// assert_eq!(KeyType::from_ssh_name("ecdsa-sha2-nistp256"), Some(KeyType::Ecdsa(EcCurve::P256)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// RSA.
    Rsa,
    /// DSA.
    Dsa,
    /// ECDSA on a NIST curve.
    Ecdsa(EcCurve),
    /// Ed25519.
    Ed25519,
    /// Ed448.
    Ed448,
}

impl KeyType {
    /// The SSH public key algorithm name, e.g. `ssh-ed25519`.
    ///
    /// ```
    /// assert_eq!(keyconv::KeyType::Dsa.ssh_name(), "ssh-dss");
    /// ```
    pub fn ssh_name(self) -> &'static str {
        match self {
            KeyType::Rsa => "ssh-rsa",
            KeyType::Dsa => "ssh-dss",
            KeyType::Ecdsa(EcCurve::P256) => "ecdsa-sha2-nistp256",
            KeyType::Ecdsa(EcCurve::P384) => "ecdsa-sha2-nistp384",
            KeyType::Ecdsa(EcCurve::P521) => "ecdsa-sha2-nistp521",
            KeyType::Ed25519 => "ssh-ed25519",
            KeyType::Ed448 => "ssh-ed448",
        }
    }

    /// The key type from its SSH algorithm name.
    ///
    /// ```
    /// use keyconv::KeyType;
    ///
    /// assert_eq!(KeyType::from_ssh_name("ssh-ed448"), Some(KeyType::Ed448));
    /// assert_eq!(KeyType::from_ssh_name("ssh-foo"), None);
    /// ```
    pub fn from_ssh_name(name: &str) -> Option<KeyType> {
        Some(match name {
            "ssh-rsa" => KeyType::Rsa,
            "ssh-dss" => KeyType::Dsa,
            "ssh-ed25519" => KeyType::Ed25519,
            "ssh-ed448" => KeyType::Ed448,
            _ => KeyType::Ecdsa(EcCurve::from_ssh_name(name.strip_prefix("ecdsa-sha2-")?)?),
        })
    }

    /// The upper-case label `ssh-keygen -l` prints in parentheses, e.g. `ED25519`.
    ///
    /// ```
    /// assert_eq!(keyconv::KeyType::Ed25519.label(), "ED25519");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            KeyType::Rsa => "RSA",
            KeyType::Dsa => "DSA",
            KeyType::Ecdsa(_) => "ECDSA",
            KeyType::Ed25519 => "ED25519",
            KeyType::Ed448 => "ED448",
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyType::Ecdsa(c) => write!(f, "ECDSA {}", c.ssh_name()),
            other => f.write_str(other.label()),
        }
    }
}

/// The public half of a key.
///
/// ```
/// use keyconv::PublicKeyData;
///
/// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
/// assert!(matches!(key.data(), PublicKeyData::Ed25519(bytes) if bytes.len() == 32));
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKeyData {
    /// RSA: exponent and modulus, big-endian magnitudes without leading zeros.
    Rsa {
        /// Public exponent.
        e: Vec<u8>,
        /// Modulus.
        n: Vec<u8>,
    },
    /// DSA domain parameters and public value, big-endian magnitudes.
    Dsa {
        /// Prime modulus.
        p: Vec<u8>,
        /// Subgroup order.
        q: Vec<u8>,
        /// Generator.
        g: Vec<u8>,
        /// Public value.
        y: Vec<u8>,
    },
    /// ECDSA: curve and uncompressed SEC1 point (checked to be on the curve).
    Ecdsa {
        /// The curve.
        curve: EcCurve,
        /// `04 || x || y`.
        point: Vec<u8>,
    },
    /// Ed25519 public key.
    Ed25519([u8; 32]),
    /// Ed448 public key.
    Ed448([u8; 57]),
    /// An OpenSSH certificate or security-key (`sk-…`) public key, carried through unchanged;
    /// it has no PKCS form.
    Opaque(OpaqueKey),
}

/// An SSH public key that keyconv carries through without understanding every field:
/// OpenSSH certificates and FIDO security keys.
///
/// ```
/// use keyconv::{PublicKey, PublicKeyData};
/// let line = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/cert/ed25519-user-cert.pub"))?;
/// let key = PublicKey::from_openssh(&line)?;
/// let PublicKeyData::Opaque(opaque) = key.data() else { panic!("a certificate") };
/// assert_eq!(opaque.algorithm, "ssh-ed25519-cert-v01@openssh.com");
/// assert_eq!(opaque.label, "ED25519-CERT");
/// assert!(opaque.certificate().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpaqueKey {
    /// The algorithm name, e.g. `ssh-ed25519-cert-v01@openssh.com`.
    pub algorithm: String,
    /// The whole wire blob.
    pub blob: Vec<u8>,
    /// The size `ssh-keygen -l` reports.
    pub bits: u32,
    /// The label `ssh-keygen -l` reports, e.g. `ED25519-CERT`.
    pub label: String,
    /// The blob that fingerprints hash: for a certificate, its plain key's.
    pub fingerprint_blob: Vec<u8>,
}

impl OpaqueKey {
    /// The certificate's fields, when the key is an OpenSSH certificate.
    ///
    /// ```
    /// # let line = include_str!("../testdata/cert/ecdsa-256-host-cert.pub");
    /// let key = keyconv::PublicKey::from_openssh(line)?;
    /// let keyconv::PublicKeyData::Opaque(opaque) = key.data() else { panic!("a certificate") };
    /// assert_eq!(opaque.certificate().unwrap().cert_type, keyconv::key::CertificateType::Host);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn certificate(&self) -> Option<Certificate> {
        Certificate::from_blob(&self.blob).ok()
    }
}

impl PublicKeyData {
    /// The certificate's fields, when the key is an OpenSSH certificate; `None` for a plain key.
    ///
    /// ```
    /// use keyconv::{KeySpec, PrivateKey, PublicKey};
    /// # let line = include_str!("../testdata/cert/ed25519-user-cert.pub");
    /// assert!(PublicKey::from_openssh(line)?.data().certificate().is_some());
    /// let plain = PrivateKey::generate(KeySpec::Ed25519, "")?;
    /// assert!(plain.public_key().data().certificate().is_none());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn certificate(&self) -> Option<Certificate> {
        match self {
            PublicKeyData::Opaque(o) => o.certificate(),
            _ => None,
        }
    }

    /// The key type, or `None` for an [`OpaqueKey`].
    ///
    /// ```
    /// use keyconv::{KeySpec, KeyType, PrivateKey};
    /// let key = PrivateKey::generate(KeySpec::Ed25519, "")?;
    /// assert_eq!(key.public_key().data().key_type(), Some(KeyType::Ed25519));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn key_type(&self) -> Option<KeyType> {
        Some(match self {
            PublicKeyData::Rsa { .. } => KeyType::Rsa,
            PublicKeyData::Dsa { .. } => KeyType::Dsa,
            PublicKeyData::Ecdsa { curve, .. } => KeyType::Ecdsa(*curve),
            PublicKeyData::Ed25519(_) => KeyType::Ed25519,
            PublicKeyData::Ed448(_) => KeyType::Ed448,
            PublicKeyData::Opaque(_) => return None,
        })
    }

    /// The SSH algorithm name.
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ecdsa-384.pub"))?;
    /// assert_eq!(key.data().algorithm(), "ecdsa-sha2-nistp384");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn algorithm(&self) -> &str {
        match self {
            PublicKeyData::Opaque(o) => &o.algorithm,
            other => other.key_type().map(KeyType::ssh_name).unwrap_or_default(),
        }
    }

    /// The key size as `ssh-keygen -l` reports it: modulus bits for RSA, prime bits for DSA,
    /// curve bits for ECDSA, 256 for Ed25519, 448 for Ed448 (as puttygen).
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/rsa-2048.pub"))?;
    /// assert_eq!(key.data().bits(), 2048);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn bits(&self) -> u32 {
        match self {
            PublicKeyData::Rsa { n, .. } => bit_length(n),
            PublicKeyData::Dsa { p, .. } => bit_length(p),
            PublicKeyData::Ecdsa { curve, .. } => curve.bits(),
            PublicKeyData::Ed25519(_) => 256,
            PublicKeyData::Ed448(_) => 448,
            PublicKeyData::Opaque(o) => o.bits,
        }
    }

    /// The label `ssh-keygen -l` prints, e.g. `RSA`, `ED25519-CERT`.
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// assert_eq!(key.data().label(), "ED25519");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn label(&self) -> &str {
        match self {
            PublicKeyData::Opaque(o) => &o.label,
            other => other.key_type().map(KeyType::label).unwrap_or_default(),
        }
    }

    /// The SSH wire blob.
    ///
    /// ```
    /// use keyconv::{Format, PublicKeyData};
    ///
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// let blob = key.data().to_ssh_blob();
    /// assert_eq!(&PublicKeyData::from_ssh_blob(&blob, Format::Public)?, key.data());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn to_ssh_blob(&self) -> Vec<u8> {
        if let PublicKeyData::Opaque(o) = self {
            return o.blob.clone();
        }
        let fields = match self {
            PublicKeyData::Rsa { e, n } => e.len() + n.len(),
            PublicKeyData::Dsa { p, q, g, y } => p.len() + q.len() + g.len() + y.len(),
            PublicKeyData::Ecdsa { point, .. } => 8 + point.len(),
            PublicKeyData::Ed25519(_) | PublicKeyData::Ed448(_) | PublicKeyData::Opaque(_) => 57,
        };
        // Each field's length and a possible leading zero byte.
        let mut w = Writer::with_capacity(self.algorithm().len() + fields + 5 * 5);
        w.string(self.algorithm().as_bytes());
        match self {
            PublicKeyData::Rsa { e, n } => {
                w.mpint(e).mpint(n);
            }
            PublicKeyData::Dsa { p, q, g, y } => {
                w.mpint(p).mpint(q).mpint(g).mpint(y);
            }
            PublicKeyData::Ecdsa { curve, point } => {
                w.string(curve.ssh_name().as_bytes()).string(point);
            }
            PublicKeyData::Ed25519(k) => {
                w.string(k);
            }
            PublicKeyData::Ed448(k) => {
                w.string(k);
            }
            PublicKeyData::Opaque(_) => {}
        }
        // Public data: no need for the zeroizing buffer's copy.
        std::mem::take(&mut *w.into_bytes())
    }

    /// Decodes an SSH wire blob, checking it fully: canonical integers, points on the curve,
    /// nothing left over.
    ///
    /// ```
    /// use keyconv::{Format, PublicKeyData};
    ///
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// let mut blob = key.to_ssh_blob();
    /// assert!(PublicKeyData::from_ssh_blob(&blob, Format::Public).is_ok());
    /// blob.push(0); // trailing data is refused
    /// assert!(PublicKeyData::from_ssh_blob(&blob, Format::Public).is_err());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_ssh_blob(blob: &[u8], format: Format) -> Result<PublicKeyData> {
        let mut r = Reader::new(blob, format);
        let algorithm = r.str("key algorithm")?;
        let data = if let Some(key_type) = KeyType::from_ssh_name(algorithm) {
            read_key_fields(&mut r, key_type)?
        } else if let Some(opaque) = read_opaque(&mut r, algorithm, blob)? {
            PublicKeyData::Opaque(opaque)
        } else {
            return Err(Error::new(ErrorKind::UnsupportedKeyType(
                algorithm.to_owned(),
            )));
        };
        r.finish("public key")?;
        Ok(data)
    }

    /// Checks the values are usable: sizes within limits, points on their curve.
    pub(crate) fn validate(&self, format: Format) -> Result<()> {
        check::public(self, format)
    }
}

fn read_key_fields(r: &mut Reader<'_>, key_type: KeyType) -> Result<PublicKeyData> {
    let data = match key_type {
        KeyType::Rsa => {
            let e = r.mpint("RSA exponent")?.to_vec();
            let n = r.mpint("RSA modulus")?.to_vec();
            PublicKeyData::Rsa { e, n }
        }
        KeyType::Dsa => PublicKeyData::Dsa {
            p: r.mpint("DSA p")?.to_vec(),
            q: r.mpint("DSA q")?.to_vec(),
            g: r.mpint("DSA g")?.to_vec(),
            y: r.mpint("DSA y")?.to_vec(),
        },
        KeyType::Ecdsa(curve) => {
            let name = r.str("curve name")?;
            if name != curve.ssh_name() {
                return Err(r.error(format!(
                    "curve {name} does not match the key type {}",
                    key_type.ssh_name()
                )));
            }
            PublicKeyData::Ecdsa {
                curve,
                point: r.string("EC point")?.to_vec(),
            }
        }
        KeyType::Ed25519 => {
            let k = r.string("Ed25519 public key")?;
            PublicKeyData::Ed25519(
                k.try_into()
                    .map_err(|_| r.error("Ed25519 public key is not 32 bytes"))?,
            )
        }
        KeyType::Ed448 => {
            let k = r.string("Ed448 public key")?;
            PublicKeyData::Ed448(
                k.try_into()
                    .map_err(|_| r.error("Ed448 public key is not 57 bytes"))?,
            )
        }
    };
    Ok(data)
}

/// Certificates (`*-cert-v01@openssh.com`) and security keys (`sk-*@openssh.com`).
fn read_opaque(r: &mut Reader<'_>, algorithm: &str, blob: &[u8]) -> Result<Option<OpaqueKey>> {
    if certificate::plain_algorithm(algorithm).is_some() {
        let cert = certificate::parse_body(r, algorithm, blob)?;
        let key = &cert.key;
        return Ok(Some(OpaqueKey {
            algorithm: algorithm.to_owned(),
            blob: blob.to_vec(),
            bits: key.bits(),
            label: format!("{}-CERT", key.label()),
            fingerprint_blob: certificate::fingerprint_blob(key),
        }));
    }
    match read_security_key(r, algorithm)? {
        Some(PublicKeyData::Opaque(o)) => Ok(Some(o)),
        _ => Ok(None),
    }
}

/// The fields of a plain (not certificate) key of type `algorithm`, whose name was read.
pub(crate) fn read_plain_fields(r: &mut Reader<'_>, algorithm: &str) -> Result<PublicKeyData> {
    if let Some(key_type) = KeyType::from_ssh_name(algorithm) {
        return read_key_fields(r, key_type);
    }
    read_security_key(r, algorithm)?
        .ok_or_else(|| Error::new(ErrorKind::UnsupportedKeyType(algorithm.to_owned())))
}

/// A FIDO security key's fields (PROTOCOL.u2f), `None` when `algorithm` is none.
fn read_security_key(r: &mut Reader<'_>, algorithm: &str) -> Result<Option<PublicKeyData>> {
    let start = r.remaining();
    let label = match algorithm {
        "sk-ssh-ed25519@openssh.com" => {
            let k = r.string("Ed25519 public key")?;
            if k.len() != 32 {
                return Err(r.error("Ed25519 public key is not 32 bytes"));
            }
            r.str("security key application")?;
            "ED25519-SK"
        }
        "sk-ecdsa-sha2-nistp256@openssh.com" => {
            if r.str("curve name")? != "nistp256" {
                return Err(r.error("security key curve is not nistp256"));
            }
            r.string("EC point")?;
            r.str("security key application")?;
            "ECDSA-SK"
        }
        _ => return Ok(None),
    };
    let fields = start
        .get(..start.len() - r.remaining().len())
        .unwrap_or_default();
    let mut w = Writer::with_capacity(algorithm.len() + 4 + fields.len());
    w.string(algorithm.as_bytes()).raw(fields);
    let blob = w.as_bytes().to_vec();
    Ok(Some(PublicKeyData::Opaque(OpaqueKey {
        algorithm: algorithm.to_owned(),
        fingerprint_blob: blob.clone(),
        blob,
        bits: 256,
        label: label.to_owned(),
    })))
}

/// The number of significant bits of a big-endian magnitude.
pub(crate) fn bit_length(magnitude: &[u8]) -> u32 {
    let mut bytes = magnitude.iter().skip_while(|&&b| b == 0);
    match bytes.next() {
        None => 0,
        Some(first) => {
            let rest = u32::try_from(bytes.count()).unwrap_or(u32::MAX / 8);
            (8 - first.leading_zeros()) + rest * 8
        }
    }
}

/// The hash a fingerprint uses.
///
/// ```
/// use keyconv::FingerprintHash;
///
/// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
/// assert!(key.fingerprint(FingerprintHash::Md5).starts_with("MD5:"));
/// assert_eq!(FingerprintHash::Sha512.name(), "SHA512");
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FingerprintHash {
    /// `SHA256:` and unpadded base64, `ssh-keygen`'s default.
    #[default]
    Sha256,
    /// `SHA512:` and unpadded base64, `ssh-keygen -E sha512`.
    Sha512,
    /// `MD5:` and colon-separated hex, `ssh-keygen -E md5`.
    Md5,
}

impl FingerprintHash {
    /// The name `ssh-keygen` gives the hash: `SHA256`, `SHA512`, `MD5`.
    ///
    /// ```
    /// assert_eq!(keyconv::FingerprintHash::Sha256.name(), "SHA256");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            FingerprintHash::Sha256 => "SHA256",
            FingerprintHash::Sha512 => "SHA512",
            FingerprintHash::Md5 => "MD5",
        }
    }
}

/// A public key and its comment.
///
/// ```
/// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
/// assert_eq!(key.comment(), "ed25519@keyconv-test");
/// assert_eq!(key.key_type(), Some(keyconv::KeyType::Ed25519));
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct PublicKey {
    data: PublicKeyData,
    comment: String,
    /// Whether the comment was read from a file that stores one (an OpenSSH or PuTTY private
    /// key), so that an empty comment is an empty field rather than "no comment".
    comment_stored: bool,
}

/// Keys are equal when their material and comment are; where the comment came from is not part
/// of the key.
impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data && self.comment == other.comment
    }
}

impl Eq for PublicKey {}

impl PublicKey {
    /// A public key, checked (sizes within limits, EC points on their curve).
    ///
    /// ```
    /// use keyconv::{PublicKey, PublicKeyData};
    ///
    /// let key = PublicKey::new(PublicKeyData::Ed25519([7; 32]), "me")?;
    /// assert_eq!(key.comment(), "me");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn new(data: PublicKeyData, comment: impl Into<String>) -> Result<PublicKey> {
        data.validate(Format::Public)?;
        Ok(PublicKey {
            data,
            comment: comment.into(),
            comment_stored: false,
        })
    }

    /// Decodes an SSH wire blob with a comment; errors name `format`.
    ///
    /// ```
    /// use keyconv::{Format, PublicKey};
    ///
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// let again = PublicKey::from_ssh_blob(&key.to_ssh_blob(), key.comment(), Format::Public)?;
    /// assert_eq!(again, key);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_ssh_blob(blob: &[u8], comment: &str, format: Format) -> Result<PublicKey> {
        let data = PublicKeyData::from_ssh_blob(blob, format)?;
        data.validate(format)?;
        Ok(PublicKey {
            data,
            comment: comment.to_owned(),
            comment_stored: false,
        })
    }

    /// The key material.
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// assert_eq!(key.data().algorithm(), "ssh-ed25519");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn data(&self) -> &PublicKeyData {
        &self.data
    }

    /// The key type (`None` for certificates and security keys).
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// assert_eq!(key.key_type(), Some(keyconv::KeyType::Ed25519));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn key_type(&self) -> Option<KeyType> {
        self.data.key_type()
    }

    /// The comment (empty when there is none).
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// assert_eq!(key.comment(), "ed25519@keyconv-test");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn comment(&self) -> &str {
        &self.comment
    }

    /// Replaces the comment.
    ///
    /// ```
    /// let mut key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// key.set_comment("laptop");
    /// assert!(key.to_openssh().ends_with(" laptop\n"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn set_comment(&mut self, comment: impl Into<String>) {
        self.comment = comment.into();
        self.comment_stored = false;
    }

    /// Sets the comment a private key file stores (possibly empty): `ssh-keygen -l` then prints
    /// it as it is, an empty field included, where a key without a stored comment shows
    /// `no comment`.
    ///
    /// ```
    /// use keyconv::FingerprintHash;
    ///
    /// let mut key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// key.set_comment("");
    /// assert!(key.fingerprint_line(FingerprintHash::Sha256).contains(" no comment "));
    /// key.set_stored_comment("");
    /// assert!(!key.fingerprint_line(FingerprintHash::Sha256).contains("no comment"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn set_stored_comment(&mut self, comment: impl Into<String>) {
        self.comment = comment.into();
        self.comment_stored = true;
    }

    /// The SSH wire blob.
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// assert_eq!(&key.to_ssh_blob()[..15], b"\0\0\0\x0bssh-ed25519");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn to_ssh_blob(&self) -> Vec<u8> {
        self.data.to_ssh_blob()
    }

    /// The fingerprint as `ssh-keygen -l` prints it: `SHA256:…`, `SHA512:…` or `MD5:aa:bb:…`.
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// let fingerprint = key.fingerprint(keyconv::FingerprintHash::Sha256);
    /// assert!(include_str!("../testdata/ed25519.fingerprint-sha256").contains(&fingerprint));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn fingerprint(&self, hash: FingerprintHash) -> String {
        fingerprint_of_blob(&self.fingerprint_blob(), hash)
    }

    /// The bytes fingerprints hash: the SSH wire blob, for a certificate its plain key's.
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// assert_eq!(&*key.fingerprint_blob(), key.to_ssh_blob().as_slice());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn fingerprint_blob(&self) -> std::borrow::Cow<'_, [u8]> {
        match &self.data {
            PublicKeyData::Opaque(o) => std::borrow::Cow::Borrowed(&o.fingerprint_blob),
            data => std::borrow::Cow::Owned(data.to_ssh_blob()),
        }
    }

    /// The raw digest behind [`PublicKey::fingerprint`] (what `ssh-keygen -lv` draws).
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// assert_eq!(key.fingerprint_digest(keyconv::FingerprintHash::Sha256).len(), 32);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn fingerprint_digest(&self, hash: FingerprintHash) -> Vec<u8> {
        digest_of_blob(&self.fingerprint_blob(), hash)
    }

    /// The line `ssh-keygen -l [-E md5]` prints: `BITS FINGERPRINT COMMENT (TYPE)`.
    ///
    /// ```
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// assert_eq!(
    ///     key.fingerprint_line(keyconv::FingerprintHash::Sha256),
    ///     include_str!("../testdata/ed25519.fingerprint-sha256").trim_end()
    /// );
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn fingerprint_line(&self, hash: FingerprintHash) -> String {
        use fmt::Write as _;
        let comment = if self.comment.is_empty() && !self.comment_stored {
            "no comment"
        } else {
            &self.comment
        };
        let label = self.data.label();
        let mut line = String::with_capacity(64 + comment.len() + label.len());
        let _ = write!(line, "{} ", self.data.bits());
        line.push_str(&self.fingerprint(hash));
        for part in [" ", comment, " (", label, ")"] {
            line.push_str(part);
        }
        line
    }
}

/// The digest of an SSH wire blob.
fn digest_of_blob(blob: &[u8], hash: FingerprintHash) -> Vec<u8> {
    use sha2::Digest as _;
    match hash {
        FingerprintHash::Sha256 => sha2::Sha256::digest(blob).to_vec(),
        FingerprintHash::Sha512 => sha2::Sha512::digest(blob).to_vec(),
        FingerprintHash::Md5 => md5::Md5::digest(blob).to_vec(),
    }
}

/// The fingerprint of an SSH wire blob.
pub(crate) fn fingerprint_of_blob(blob: &[u8], hash: FingerprintHash) -> String {
    use base64ct::{Base64Unpadded, Encoding as _};
    use fmt::Write as _;
    use sha2::Digest as _;
    match hash {
        FingerprintHash::Sha256 => {
            let digest = sha2::Sha256::digest(blob);
            let mut b64 = [0u8; 43];
            let b64 = Base64Unpadded::encode(&digest, &mut b64).unwrap_or_default();
            let mut s = String::with_capacity(7 + b64.len());
            s.push_str("SHA256:");
            s.push_str(b64);
            s
        }
        FingerprintHash::Sha512 => {
            let digest = sha2::Sha512::digest(blob);
            let mut s = String::from("SHA512:");
            s.push_str(&Base64Unpadded::encode_string(&digest));
            s
        }
        FingerprintHash::Md5 => {
            let digest = md5::Md5::digest(blob);
            let mut s = String::with_capacity(4 + 3 * digest.len());
            s.push_str("MD5:");
            for (i, b) in digest.iter().enumerate() {
                let sep = if i == 0 { "" } else { ":" };
                let _ = write!(s, "{sep}{b:02x}");
            }
            s
        }
    }
}

/// Secret bytes: zeroized on drop, `[secret]` in `Debug`.
///
/// ```
/// let secret = keyconv::key::SecretBytes::new([1u8, 2, 3]);
/// assert_eq!(secret.as_bytes().len(), 3);
/// assert_eq!(format!("{secret:?}"), "[secret]");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps secret bytes.
    ///
    /// ```
    /// use keyconv::key::SecretBytes;
    ///
    /// let secret = SecretBytes::new(vec![1, 2, 3]);
    /// assert_eq!(secret.as_bytes(), [1, 2, 3]);
    /// assert_eq!(format!("{secret:?}"), "[secret]");
    /// ```
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        SecretBytes(Zeroizing::new(bytes.into()))
    }

    /// The secret bytes.
    ///
    /// ```
    /// assert_eq!(keyconv::key::SecretBytes::new([9u8; 4]).as_bytes(), [9; 4]);
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[secret]")
    }
}

/// The private half of a key. Integers are big-endian magnitudes; [`PrivateKey::new`] strips
/// their leading zeros and pads EC scalars to the curve's length.
///
/// ```
/// use keyconv::key::SecretBytes;
/// use keyconv::{PrivateKey, SecretKeyData};
///
/// let key = PrivateKey::from_secret(SecretKeyData::Ed25519(SecretBytes::new([7u8; 32])), None, "")?;
/// assert!(matches!(key.secret(), SecretKeyData::Ed25519(_)));
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretKeyData {
    /// RSA private exponent, primes and CRT coefficient `iqmp = q⁻¹ mod p`.
    Rsa {
        /// Private exponent.
        d: SecretBytes,
        /// First prime.
        p: SecretBytes,
        /// Second prime.
        q: SecretBytes,
        /// `q⁻¹ mod p`.
        iqmp: SecretBytes,
    },
    /// DSA private value.
    Dsa {
        /// Private value `x`.
        x: SecretBytes,
    },
    /// ECDSA private scalar, exactly the curve's scalar length.
    Ecdsa {
        /// Private scalar.
        d: SecretBytes,
    },
    /// Ed25519 32-byte seed.
    Ed25519(SecretBytes),
    /// Ed448 57-byte seed.
    Ed448(SecretBytes),
}

/// A private key: its public half (with the comment) and its secret half, checked to agree;
/// and the OpenSSH certificate of its public half, when the file carried one (a PPK made by
/// `puttygen --certificate`).
///
/// ```
/// use keyconv::{KeySpec, PrivateKey};
/// let key = PrivateKey::generate(KeySpec::Ed25519, "me@host")?;
/// assert_eq!(key.comment(), "me@host");
/// // Its halves make it again (and are checked to agree).
/// let again = PrivateKey::new(key.public_key().clone(), key.secret().clone())?;
/// assert_eq!(again, key);
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivateKey {
    public: PublicKey,
    secret: SecretKeyData,
    certificate: Option<PublicKey>,
}

impl PrivateKey {
    /// A private key from its halves. Fails with [`ErrorKind::InconsistentKey`] unless the
    /// secret half really belongs to the public half (RSA `n = pq`, `de ≡ 1`, `iqmp·q ≡ 1 mod p`;
    /// DSA `y = gˣ mod p`; EC and EdDSA public keys derived from the secret).
    ///
    /// ```
    /// use keyconv::{ErrorKind, KeySpec, PrivateKey};
    /// let a = PrivateKey::generate(KeySpec::Ed25519, "")?;
    /// let b = PrivateKey::generate(KeySpec::Ed25519, "")?;
    /// assert_eq!(PrivateKey::new(a.public_key().clone(), a.secret().clone())?, a);
    /// let mixed = PrivateKey::new(a.public_key().clone(), b.secret().clone()).unwrap_err();
    /// assert!(matches!(mixed.kind(), ErrorKind::InconsistentKey(_)));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn new(public: PublicKey, secret: SecretKeyData) -> Result<PrivateKey> {
        let secret = check::private(&public.data, secret)?;
        Ok(PrivateKey {
            public,
            secret,
            certificate: None,
        })
    }

    /// A private key from its secret half alone: the public half is derived
    /// (EC, EdDSA, and RSA given `n` and `e`'s factors is not possible: use [`PrivateKey::new`]).
    ///
    /// ```
    /// use keyconv::key::SecretBytes;
    /// use keyconv::{KeyType, PrivateKey, SecretKeyData};
    /// let key = PrivateKey::from_secret(SecretKeyData::Ed25519(SecretBytes::new([7u8; 32])), None, "seed")?;
    /// assert_eq!(key.key_type(), KeyType::Ed25519);
    /// assert_eq!(key.comment(), "seed");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn from_secret(
        secret: SecretKeyData,
        curve: Option<EcCurve>,
        comment: &str,
    ) -> Result<PrivateKey> {
        // Derived from the secret, the public half agrees with it: no need to check it again
        // (a second scalar multiplication) as `PrivateKey::new` would.
        let (data, secret) = check::derive_public(secret, curve)?;
        Ok(PrivateKey {
            public: PublicKey {
                data,
                comment: comment.to_owned(),
                comment_stored: false,
            },
            secret,
            certificate: None,
        })
    }

    /// The OpenSSH certificate of this key the file carried (its comment is the key's).
    ///
    /// ```
    /// # let ppk = include_bytes!("../testdata/cert/ed25519-user.ppk3");
    /// let key = keyconv::PrivateKey::from_ppk(ppk, None)?;
    /// let cert = key.certificate().unwrap();
    /// assert_eq!(cert.data().algorithm(), "ssh-ed25519-cert-v01@openssh.com");
    /// assert_eq!(cert.comment(), key.comment());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn certificate(&self) -> Option<&PublicKey> {
        self.certificate.as_ref()
    }

    /// Attaches an OpenSSH certificate, which must certify this key's public half (its comment
    /// becomes the key's); `None` removes it.
    ///
    /// ```
    /// use keyconv::{KeySpec, PrivateKey, PublicKey};
    /// # let line = include_str!("../testdata/cert/ed25519-user-cert.pub");
    /// let cert = PublicKey::from_openssh(line)?;
    /// let other = PrivateKey::generate(KeySpec::Ed25519, "")?;
    /// assert!(other.with_certificate(Some(cert)).is_err());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn with_certificate(mut self, certificate: Option<PublicKey>) -> Result<PrivateKey> {
        if let Some(cert) = &certificate {
            let Some(fields) = cert.data().certificate() else {
                return Err(Error::new(ErrorKind::InvalidRequest(format!(
                    "{} is not an OpenSSH certificate",
                    cert.data().algorithm()
                ))));
            };
            if fields.key != self.public.data {
                return Err(Error::new(ErrorKind::InconsistentKey(
                    "the certificate certifies another key".into(),
                )));
            }
        }
        self.certificate = certificate.map(|mut cert| {
            cert.comment.clone_from(&self.public.comment);
            cert
        });
        Ok(self)
    }

    /// The public half.
    ///
    /// ```
    /// use keyconv::{KeySpec, PrivateKey};
    /// let key = PrivateKey::generate(KeySpec::Ed25519, "me")?;
    /// assert!(key.public_key().to_openssh().starts_with("ssh-ed25519 AAAA"));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The secret half.
    ///
    /// ```
    /// use keyconv::{KeySpec, PrivateKey, SecretKeyData};
    ///
    /// let key = PrivateKey::generate(KeySpec::Ed25519, "")?;
    /// assert!(matches!(key.secret(), SecretKeyData::Ed25519(seed) if seed.as_bytes().len() == 32));
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn secret(&self) -> &SecretKeyData {
        &self.secret
    }

    /// The key type.
    ///
    /// ```
    /// use keyconv::{KeySpec, KeyType, PrivateKey};
    ///
    /// assert_eq!(PrivateKey::generate(KeySpec::Ed448, "")?.key_type(), KeyType::Ed448);
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn key_type(&self) -> KeyType {
        // A private key is never opaque: `check::private` only accepts the five types.
        self.public.key_type().unwrap_or(KeyType::Ed25519)
    }

    /// The comment.
    ///
    /// ```
    /// let key = keyconv::PrivateKey::generate(keyconv::KeySpec::Ed25519, "me@host")?;
    /// assert_eq!(key.comment(), "me@host");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn comment(&self) -> &str {
        &self.public.comment
    }

    /// Replaces the comment (the certificate's too: it is the key's).
    ///
    /// ```
    /// let mut key = keyconv::PrivateKey::generate(keyconv::KeySpec::Ed25519, "old")?;
    /// key.set_comment("new");
    /// assert_eq!(key.public_key().comment(), "new");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn set_comment(&mut self, comment: impl Into<String>) {
        self.public.comment = comment.into();
        if let Some(cert) = &mut self.certificate {
            cert.comment.clone_from(&self.public.comment);
        }
    }

    /// RSA CRT exponents `d mod (p-1)` and `d mod (q-1)`, for PKCS#1.
    ///
    /// ```
    /// use keyconv::{KeySpec, PrivateKey};
    ///
    /// let rsa = PrivateKey::from_any(include_bytes!("../testdata/rsa-2048.pkcs8"), None)?;
    /// assert!(rsa.rsa_crt_exponents().is_some());
    /// assert!(PrivateKey::generate(KeySpec::Ed25519, "")?.rsa_crt_exponents().is_none());
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn rsa_crt_exponents(&self) -> Option<(SecretBytes, SecretBytes)> {
        match &self.secret {
            SecretKeyData::Rsa { d, p, q, .. } => check::rsa_crt_exponents(d, p, q),
            _ => None,
        }
    }

    /// A DSA key from its domain parameters and private `x` (formats such as PKCS#8 store no
    /// `y`): `y = gˣ mod p` is computed, once. Errors name `format`.
    pub(crate) fn from_dsa_x(
        p: Vec<u8>,
        q: Vec<u8>,
        g: Vec<u8>,
        x: &SecretBytes,
        format: Format,
    ) -> Result<PrivateKey> {
        let (data, secret) = check::derive_dsa(p, q, g, x, format)?;
        Ok(PrivateKey {
            public: PublicKey {
                data,
                comment: String::new(),
                comment_stored: false,
            },
            secret,
            certificate: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_length_counts_significant_bits() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0, 0]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0, 0x80, 0]), 16);
        assert_eq!(bit_length(&[0x01, 0xff]), 9);
    }

    #[test]
    fn ed25519_secret_derives_its_public_half_and_rejects_another() {
        let seed = SecretBytes::new(vec![7u8; 32]);
        let key = PrivateKey::from_secret(SecretKeyData::Ed25519(seed), None, "c").unwrap();
        let blob = key.public_key().to_ssh_blob();
        let back = PublicKey::from_ssh_blob(&blob, "c", Format::Public).unwrap();
        assert_eq!(&back, key.public_key());
        let other = SecretKeyData::Ed25519(SecretBytes::new(vec![8u8; 32]));
        let e = PrivateKey::new(back, other).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::InconsistentKey(_)));
    }

    #[test]
    fn secrets_do_not_leak_through_debug() {
        let key = PrivateKey::from_secret(
            SecretKeyData::Ed25519(SecretBytes::new(vec![0xab; 32])),
            None,
            "c",
        )
        .unwrap();
        let debug = format!("{key:?}");
        assert!(debug.contains("[secret]"));
        assert!(!debug.contains("171, 171, 171"), "{debug}");
    }
}
