//! The one error type of keyconv, with a kind a caller can match.

use std::fmt;

use crate::format_name::Format;

/// Where in the input something went wrong.
///
/// ```
/// use keyconv::{ErrorKind, Location};
///
/// let e = keyconv::format::public::decode(b"# keys\nssh-ed25519 AAAA!!!! me\n").unwrap_err();
/// assert!(matches!(e.kind(), ErrorKind::Malformed { location: Some(Location::Line(2)), .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// A 1-based line number of a text format.
    Line(usize),
    /// A 0-based byte offset into a binary structure (an SSH wire blob, DER).
    Offset(usize),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Offset(n) => write!(f, "byte {n}"),
        }
    }
}

/// What went wrong. Match on it; new kinds may be added.
///
/// ```
/// use keyconv::{ErrorKind, PrivateKey};
///
/// let e = PrivateKey::from_any(include_bytes!("../testdata/ed25519.pkcs8-aes128"), None).unwrap_err();
/// assert_eq!(e.kind(), &ErrorKind::PassphraseRequired);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The passphrase does not decrypt the key. Where a format cannot tell a wrong passphrase
    /// from an altered file (a PPK MAC mismatch), [`Error::may_be_corrupted`] says so.
    IncorrectPassphrase,
    /// The key is encrypted and no passphrase was given.
    PassphraseRequired,
    /// The input is not well-formed.
    Malformed {
        /// The format being read, when known.
        format: Option<Format>,
        /// What is wrong, in words.
        what: String,
        /// Where, when known.
        location: Option<Location>,
    },
    /// The input is not in any format keyconv knows.
    UnrecognizedFormat,
    /// The key type is not supported (by keyconv, or by the format at hand).
    UnsupportedKeyType(String),
    /// A protection scheme (cipher, KDF, PBE scheme) is not supported.
    UnsupportedScheme(String),
    /// The target format cannot hold this key; `suggestion` names formats that can.
    UnsupportedTarget {
        /// The target that was asked for.
        target: Format,
        /// Why it cannot hold the key.
        why: String,
        /// Formats that can.
        suggestion: String,
    },
    /// The file asks for more key-derivation work than [`KdfLimits`](crate::KdfLimits) allow
    /// (SPEC §3).
    KdfTooExpensive {
        /// The parameter's name as the file spells it.
        parameter: &'static str,
        /// Its value in the file.
        value: u64,
        /// The largest value allowed.
        limit: u64,
    },
    /// The public and private halves of a key do not belong together.
    InconsistentKey(String),
    /// A requested operation or option does not make sense here (a usage error).
    InvalidRequest(String),
    /// Refused by a policy.
    Refused(String),
    /// Refused by the FIPS output policy ([`check_output`](crate::fips::check_output)): `rule`
    /// (a rule of [`fips::RULES`](crate::fips::RULES)) says non-approved.
    FipsRefused {
        /// The rule's id, e.g. `prot-openssh`.
        rule: &'static str,
        /// What is not approved, in words.
        detail: String,
    },
    /// Reading or writing a file failed.
    Io(String),
}

/// keyconv's error: a [`ErrorKind`] and an optional hint for the user.
///
/// ```
/// let e = keyconv::KeyFile::decode(b"hello").unwrap_err();
/// assert_eq!(e.kind(), &keyconv::ErrorKind::UnrecognizedFormat);
/// assert_eq!(e.to_string(), "not a key file keyconv recognizes");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    hint: Option<String>,
    /// An [`ErrorKind::IncorrectPassphrase`] that may also be a corrupted file.
    may_be_corrupted: bool,
}

/// `Result` with keyconv's [`Error`].
///
/// ```
/// fn comment_of(line: &str) -> keyconv::Result<String> {
///     Ok(keyconv::PublicKey::from_openssh(line)?.comment().to_owned())
/// }
/// assert!(comment_of("no key here").is_err());
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of this kind, without a hint.
    ///
    /// ```
    /// use keyconv::{Error, ErrorKind};
    ///
    /// let e = Error::new(ErrorKind::IncorrectPassphrase);
    /// assert_eq!(e.to_string(), "incorrect passphrase");
    /// ```
    pub fn new(kind: ErrorKind) -> Self {
        Error {
            kind,
            hint: None,
            may_be_corrupted: false,
        }
    }

    /// [`ErrorKind::IncorrectPassphrase`] where the file may as well be corrupted (a MAC that
    /// covers both does not match): `incorrect passphrase or corrupted file`.
    ///
    /// ```
    /// let e = keyconv::Error::incorrect_passphrase_or_corrupted();
    /// assert_eq!(e.kind(), &keyconv::ErrorKind::IncorrectPassphrase);
    /// assert!(e.may_be_corrupted());
    /// assert_eq!(e.to_string(), "incorrect passphrase or corrupted file");
    /// ```
    pub fn incorrect_passphrase_or_corrupted() -> Self {
        Error {
            may_be_corrupted: true,
            ..Error::new(ErrorKind::IncorrectPassphrase)
        }
    }

    /// Whether an [`ErrorKind::IncorrectPassphrase`] may also mean a corrupted file.
    ///
    /// ```
    /// use keyconv::{Error, ErrorKind};
    ///
    /// assert!(!Error::new(ErrorKind::IncorrectPassphrase).may_be_corrupted());
    /// ```
    pub fn may_be_corrupted(&self) -> bool {
        self.may_be_corrupted
    }

    /// A [`ErrorKind::Malformed`] error.
    ///
    /// ```
    /// use keyconv::{Error, Format};
    ///
    /// let e = Error::malformed(Format::Ppk, "no Encryption line");
    /// assert!(e.to_string().ends_with("file: no Encryption line"));
    /// ```
    pub fn malformed(format: Format, what: impl Into<String>) -> Self {
        Error::new(ErrorKind::Malformed {
            format: Some(format),
            what: what.into(),
            location: None,
        })
    }

    /// A [`ErrorKind::Malformed`] error at a location.
    ///
    /// ```
    /// use keyconv::{Error, Format, Location};
    ///
    /// let e = Error::malformed_at(Format::Public, "bad base64", Location::Line(3));
    /// assert!(e.to_string().ends_with("bad base64 at line 3"));
    /// ```
    pub fn malformed_at(format: Format, what: impl Into<String>, location: Location) -> Self {
        Error::new(ErrorKind::Malformed {
            format: Some(format),
            what: what.into(),
            location: Some(location),
        })
    }

    /// Adds a hint: what the user can do about it.
    ///
    /// ```
    /// use keyconv::{Error, ErrorKind};
    ///
    /// let e = Error::new(ErrorKind::IncorrectPassphrase).with_hint("try the old one");
    /// assert_eq!(e.hint(), Some("try the old one"));
    /// ```
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// What went wrong.
    ///
    /// ```
    /// let e = keyconv::PublicKey::from_openssh("ssh-ed25519 AAAA").unwrap_err();
    /// assert!(matches!(e.kind(), keyconv::ErrorKind::Malformed { .. }));
    /// ```
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What the user can do about it, where the library knows more than the kind says. (A
    /// program adds its own advice by matching the kind: the library never names a program's
    /// options.)
    ///
    /// ```
    /// use keyconv::{Error, ErrorKind};
    ///
    /// assert_eq!(Error::new(ErrorKind::PassphraseRequired).hint(), None);
    /// ```
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::IncorrectPassphrase if self.may_be_corrupted => {
                f.write_str("incorrect passphrase or corrupted file")
            }
            ErrorKind::IncorrectPassphrase => f.write_str("incorrect passphrase"),
            ErrorKind::PassphraseRequired => {
                f.write_str("key is encrypted: a passphrase is needed")
            }
            ErrorKind::Malformed {
                format,
                what,
                location,
            } => {
                match format {
                    Some(format) => write!(f, "malformed {} file: {what}", format.description())?,
                    None => write!(f, "malformed input: {what}")?,
                }
                if let Some(location) = location {
                    write!(f, " at {location}")?;
                }
                Ok(())
            }
            ErrorKind::UnrecognizedFormat => f.write_str("not a key file keyconv recognizes"),
            ErrorKind::UnsupportedKeyType(t) => write!(f, "unsupported key type {t}"),
            ErrorKind::UnsupportedScheme(s) => write!(f, "unsupported scheme: {s}"),
            ErrorKind::UnsupportedTarget {
                target,
                why,
                suggestion,
            } => {
                write!(f, "cannot write {target}: {why}; use {suggestion}")
            }
            ErrorKind::KdfTooExpensive {
                parameter,
                value,
                limit,
            } => write!(f, "{parameter} {value} is above keyconv's limit of {limit}"),
            ErrorKind::InconsistentKey(what) => {
                write!(
                    f,
                    "public and private halves of the key do not match: {what}"
                )
            }
            ErrorKind::InvalidRequest(what) => f.write_str(what),
            ErrorKind::Refused(what) => write!(f, "refused: {what}"),
            ErrorKind::FipsRefused { rule, detail } => {
                write!(f, "refused for FIPS: {detail} ({rule})")
            }
            ErrorKind::Io(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for Error {}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}
