//! The name of a key file format (SPEC §1): a leaf module, so that errors and the encoding layer
//! can label what they report without importing the formats themselves. Detection and the
//! dispatch to each format's module are in [`format`](crate::format).

use std::fmt;

/// A key file format (SPEC §1). The names are those of `--to` and `inspect`.
///
/// ```
/// use keyconv::Format;
///
/// assert_eq!(Format::detect(include_bytes!("../testdata/ed25519.ppk3"))?, Format::Ppk);
/// assert_eq!(Format::from_name("pkcs8"), Some(Format::Pkcs8));
/// # Ok::<(), keyconv::Error>(())
/// ```
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
    /// OpenSSH `known_hosts` files (read only).
    KnownHosts,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 11] = [
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
        Format::KnownHosts,
    ];

    /// The name used by `--to` and `inspect`.
    ///
    /// ```
    /// assert_eq!(keyconv::Format::Rfc4716.name(), "rfc4716");
    /// ```
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
            Format::KnownHosts => "known-hosts",
        }
    }

    /// The format with this name.
    ///
    /// ```
    /// use keyconv::Format;
    ///
    /// assert_eq!(Format::from_name("openssh"), Some(Format::OpenSsh));
    /// assert_eq!(Format::from_name("jks"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Words for messages, e.g. `PuTTY .ppk`.
    ///
    /// ```
    /// assert_eq!(keyconv::Format::Ppk.description(), "PuTTY .ppk");
    /// ```
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
            Format::KnownHosts => "known_hosts",
        }
    }

    /// Whether files of this format hold private keys.
    ///
    /// ```
    /// use keyconv::Format;
    ///
    /// assert!(Format::Pkcs12.is_private());
    /// assert!(!Format::Spki.is_private());
    /// ```
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

    /// Whether files of this format carry a key comment (PKCS#8, traditional PEM, SPKI, PKCS#12
    /// and X.509 have no field for one).
    ///
    /// ```
    /// use keyconv::Format;
    ///
    /// assert!(Format::OpenSsh.holds_comment());
    /// assert!(!Format::Pkcs8.holds_comment());
    /// ```
    pub fn holds_comment(self) -> bool {
        matches!(
            self,
            Format::Ppk | Format::OpenSsh | Format::Sshcom | Format::Public | Format::Rfc4716
        )
    }

    /// Whether keyconv writes this format (`--to`); `known-hosts`, `pkcs12` and `x509` are read
    /// only.
    ///
    /// ```
    /// use keyconv::Format;
    ///
    /// assert!(Format::Sshcom.is_writable());
    /// assert!(!Format::X509.is_writable());
    /// ```
    pub fn is_writable(self) -> bool {
        !matches!(self, Format::KnownHosts | Format::Pkcs12 | Format::X509)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
