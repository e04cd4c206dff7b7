//! keyconv converts SSH keys between PuTTY `.ppk` (v2/v3), OpenSSH, RFC 4716 and PKCS#8 /
//! traditional PEM, and checks key files against FIPS 140 rules.
//!
//! A conversion is decode → format-neutral model → encode:
//!
//! ```
//! use keyconv::{Format, KeyFile};
//!
//! let line = b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@host";
//! let file = KeyFile::decode(line)?;
//! assert_eq!(file.format(), Format::Public);
//! let key = &file.public_keys()[0];
//! assert_eq!(key.comment(), "me@host");
//! # Ok::<(), keyconv::Error>(())
//! ```
//!
//! The library never prompts, never reads the environment and never exits; the `keyconv` binary
//! (feature `cli`, on by default) does those.

#![warn(missing_docs)]
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

// The binary's own dependencies (feature `cli`): Cargo has no binary-only dependencies, and the
// library uses none of them; a library user builds without the feature and never compiles them.
#[cfg(all(feature = "cli", windows))]
use windows_sys as _;
#[cfg(feature = "cli")]
use {boba as _, clap as _, clap_complete as _, clap_mangen as _, rpassword as _, serde_json as _};
#[cfg(all(feature = "cli", unix))]
use {libc as _, whoami as _};

pub mod agent;
pub(crate) mod encoding;
pub mod error;
pub mod fips;
pub mod format;
pub(crate) mod format_name;
pub mod key;
pub mod passphrase;
pub mod protection;

/// The largest key file (1 MiB) that is read whole; larger inputs are refused or streamed.
pub use encoding::MAX_KEY_FILE;
pub use error::{Error, ErrorKind, Location, Result};
pub use format::{Format, KeyFile, Target, encode_private, encode_public, public_keys};
pub use key::{
    EcCurve, FingerprintHash, KeySpec, KeyType, PrivateKey, PublicKey, PublicKeyData, SecretKeyData,
};
pub use passphrase::Passphrase;
pub use protection::{Argon2Variant, Cipher, Kdf, KdfLimits, Prf, Protection, Scheme};

/// The README's Rust examples (its "Library" section), compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
