//! The private encoding layer the format modules combine: SSH wire reader/writer with checked
//! lengths, base64 (strict, and a tolerant mode for pasted text), PEM armour with headers, and
//! input text decoding (UTF-8 with or without BOM, UTF-16 with BOM, any line ending).

pub(crate) mod asn1;
pub(crate) mod base64;
pub(crate) mod cbc;
pub(crate) mod oid;
pub(crate) mod paste;
pub(crate) mod pem;
pub(crate) mod text;
pub(crate) mod wire;

/// The largest key file keyconv reads whole (a 16384-bit RSA `.ppk` is about 12 KiB). Files of
/// one-line public keys are streamed and have no such limit.
pub const MAX_KEY_FILE: usize = 1 << 20;
