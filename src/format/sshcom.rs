//! ssh.com / Tectia private keys (`---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----`), RSA and DSA,
//! unencrypted or `3des-cbc`, as PuTTY's `import.c` reads and writes them (there is no public
//! specification; PuTTY's comments are the reference).
//!
//! ```text
//! ---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----
//! Comment: "text"                     -- `\` at the end of a line continues it; no escapes
//! base64, 70 columns
//! ---- END SSH2 ENCRYPTED PRIVATE KEY ----
//!
//! blob     = uint32 0x3f6ff9eb | uint32 total length (of the whole blob)
//!          | string key type   -- "if-modn{sign{rsa…" or "dl-modp{sign{dsa…"
//!          | string cipher     -- "none" or "3des-cbc"
//!          | string encrypted  -- 3DES-CBC (outer CBC, zero IV) when encrypted
//! decrypted = string payload | padding to 8 bytes (random)
//! RSA payload = mpint e, d, n, u, p, q   -- ssh.com's p is the smaller prime (OpenSSH's q),
//!                                        -- u = p⁻¹ mod q (OpenSSH's iqmp)
//! DSA payload = uint32 0 | mpint p, g, q, y, x
//! mpint    = uint32 bit count N | ⌈N/8⌉ bytes, big-endian
//! key      = MD5(passphrase) ‖ MD5(passphrase ‖ MD5(passphrase)), the first 24 bytes
//! ```
//!
//! Decisions: the output is what `puttygen -O private-sshcom` writes (byte for byte when
//! unencrypted; encrypted files differ only in the random padding). A comment is written quoted
//! and folded with `\` at 60, then 70 bytes, as puttygen does (at a character boundary, where
//! puttygen would cut a UTF-8 character); a comment with a line break or a backslash is refused. Reading, any failure to
//! parse the decrypted payload is [`ErrorKind::IncorrectPassphrase`] (there is no MAC), and an
//! unencrypted file must parse exactly (declared total length, no trailing data).

use md5::{Digest, Md5};
use zeroize::Zeroizing;

use crate::encoding::wire::{Reader, Writer};
use crate::encoding::{base64, text};
use crate::error::{Error, ErrorKind, Result};
use crate::format::{Format, PlainKeyFile, PrivateKeyFile};
use crate::key::{PrivateKey, PublicKey, PublicKeyData, SecretBytes, SecretKeyData, bit_length};
use crate::passphrase::Passphrase;
use crate::protection::{Cipher, Kdf, KdfLimits, Protection, Scheme};

/// The first line of the armour.
pub(crate) const BEGIN: &str = "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----";
const END: &str = "---- END SSH2 ENCRYPTED PRIVATE KEY ----";
const MAGIC: u32 = 0x3f6f_f9eb;
const RSA_TYPE: &str = "if-modn{sign{rsa-pkcs1-sha1},encrypt{rsa-pkcs1v2-oaep}}";
const DSA_TYPE: &str = "dl-modp{sign{dsa-nist-sha1},dh{plain}}";
const RSA_PREFIX: &str = "if-modn{sign{rsa";
const DSA_PREFIX: &str = "dl-modp{sign{dsa";
const CIPHER_3DES: &str = "3des-cbc";
/// Base64 line width (puttygen's).
const WIDTH: usize = 70;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    Rsa,
    Dsa,
}

fn malformed(what: impl Into<String>) -> Error {
    Error::malformed(Format::Sshcom, what)
}

/// The protection of an encrypted ssh.com file.
fn protection() -> Protection {
    Protection::Encrypted {
        scheme: Scheme::Sshcom,
        cipher: Cipher::DesEde3Cbc,
        kdf: Kdf::SshcomMd5,
    }
}

/// An encrypted file: the ciphertext and what is in clear around it.
struct EncryptedFile {
    kind: KeyKind,
    comment: String,
    ciphertext: Vec<u8>,
    protection: Protection,
}

impl PrivateKeyFile for EncryptedFile {
    fn protection(&self) -> &Protection {
        &self.protection
    }

    fn private_key(&self, passphrase: Option<&Passphrase>, _: &KdfLimits) -> Result<PrivateKey> {
        let passphrase = passphrase.ok_or(Error::new(ErrorKind::PassphraseRequired))?;
        let mut plain = Zeroizing::new(self.ciphertext.clone());
        let key = derive_key(passphrase);
        ssh_cipher::Cipher::TdesCbc
            .decrypt(key.as_slice(), &[0u8; 8], plain.as_mut_slice(), None)
            .map_err(|_| malformed("encrypted part is not whole 3DES blocks"))?;
        // No MAC: whatever does not parse after decryption is a wrong passphrase, as in PuTTY.
        decode_payload(self.kind, &plain, &self.comment, true)
            .map_err(|_| Error::new(ErrorKind::IncorrectPassphrase))
    }
}

/// The 24-byte 3DES key: `MD5(P) ‖ MD5(P ‖ MD5(P))`, cut to 24 bytes.
fn derive_key(passphrase: &Passphrase) -> Zeroizing<[u8; 24]> {
    let a = Md5::digest(passphrase.as_bytes());
    let mut h = Md5::new();
    h.update(passphrase.as_bytes());
    h.update(a);
    let b = h.finalize();
    let mut key = Zeroizing::new([0u8; 24]);
    for (k, v) in key.iter_mut().zip(a.iter().chain(b.iter())) {
        *k = *v;
    }
    key
}

/// The armour's comment and base64 body.
fn unarmour(input: &[u8]) -> Result<(String, Zeroizing<Vec<u8>>)> {
    let text = text::decode(input)?;
    let mut lines = text::lines(&text)
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end()))
        .skip_while(|(_, l)| l.trim_start().is_empty());
    match lines.next() {
        Some((_, l)) if l.trim_start() == BEGIN => {}
        _ => return Err(malformed(format!("the file does not begin with {BEGIN}"))),
    }
    let mut comment = String::new();
    let mut body = Zeroizing::new(String::new());
    let mut in_body = false;
    let mut ended = false;
    while let Some((n, line)) = lines.next() {
        if line == END {
            ended = true;
            break;
        }
        if !in_body && let Some((name, value)) = line.split_once(':') {
            let mut value = value.trim_start().to_owned();
            while value.ends_with('\\') {
                value.pop();
                let Some((_, next)) = lines.next() else {
                    return Err(malformed("the file ends inside a continued header"));
                };
                value.push_str(next);
            }
            if name.len() > 64 || value.len() > 1024 {
                return Err(Error::malformed_at(
                    Format::Sshcom,
                    "header is too long",
                    crate::error::Location::Line(n),
                ));
            }
            if name.eq_ignore_ascii_case("Comment") {
                comment = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                    Some(inner) => inner.to_owned(),
                    None => value,
                };
            }
            continue;
        }
        in_body = true;
        body.push_str(line.trim_start());
    }
    if !ended {
        return Err(malformed(format!("{END} is missing")));
    }
    if lines.any(|(_, l)| !l.trim().is_empty()) {
        return Err(malformed(format!("unexpected data after {END}")));
    }
    let blob = base64::decode(&body).ok_or_else(|| malformed("the body is not valid base64"))?;
    Ok((comment, Zeroizing::new(blob)))
}

pub(crate) fn decode(input: &[u8]) -> Result<Box<dyn PrivateKeyFile>> {
    let (comment, blob) = unarmour(input)?;
    let mut r = Reader::new(&blob, Format::Sshcom);
    if r.u32("magic number")? != MAGIC {
        return Err(malformed(
            "the key does not begin with ssh.com's magic number",
        ));
    }
    let total = r.u32("total length")?;
    if usize::try_from(total).ok() != Some(blob.len()) {
        return Err(malformed(format!(
            "total length {total} is not the blob's {} bytes",
            blob.len()
        )));
    }
    let key_type = r.str("key type")?;
    let kind = if key_type.starts_with(RSA_PREFIX) {
        KeyKind::Rsa
    } else if key_type.starts_with(DSA_PREFIX) {
        KeyKind::Dsa
    } else {
        return Err(Error::new(ErrorKind::UnsupportedKeyType(format!(
            "{key_type} in an ssh.com key file (keyconv reads RSA and DSA)"
        ))));
    };
    let cipher = r.str("cipher")?.to_owned();
    let data = r.string("key data")?;
    r.finish("key data")?;
    if data.is_empty() {
        return Err(malformed("no key data"));
    }
    match cipher.as_str() {
        "none" => Ok(Box::new(PlainKeyFile {
            key: decode_payload(kind, data, &comment, false)?,
        })),
        CIPHER_3DES => {
            if !data.len().is_multiple_of(8) {
                return Err(malformed(
                    "encrypted part is not a whole number of 3DES blocks",
                ));
            }
            Ok(Box::new(EncryptedFile {
                kind,
                comment,
                ciphertext: data.to_vec(),
                protection: protection(),
            }))
        }
        other => Err(Error::new(ErrorKind::UnsupportedScheme(format!(
            "ssh.com key cipher {other} (keyconv reads none and 3des-cbc)"
        )))),
    }
}

/// An ssh.com mpint: a 32-bit bit count, then that many bits in whole bytes. Returns the
/// magnitude without leading zeros.
fn mpint<'a>(r: &mut Reader<'a>, what: &str) -> Result<&'a [u8]> {
    let bits = r.u32(what)?;
    let len =
        usize::try_from(bits.div_ceil(8)).map_err(|_| r.error(format!("{what} is too long")))?;
    let bytes = r.bytes(len, what)?;
    if bit_length(bytes) > bits {
        return Err(r.error(format!("{what} has more than its {bits} bits")));
    }
    Ok(bytes
        .get(bytes.iter().take_while(|&&b| b == 0).count()..)
        .unwrap_or_default())
}

/// The key in the (decrypted) `string payload | padding`.
fn decode_payload(kind: KeyKind, data: &[u8], comment: &str, padded: bool) -> Result<PrivateKey> {
    let mut outer = Reader::new(data, Format::Sshcom);
    let payload = outer.string("key payload")?;
    let padding = outer.remaining().len();
    if (padded && padding >= 8) || (!padded && padding != 0) {
        return Err(outer.error("unexpected data after the key payload"));
    }
    let mut r = Reader::new(payload, Format::Sshcom);
    let key = match kind {
        KeyKind::Rsa => {
            let e = mpint(&mut r, "RSA e")?.to_vec();
            let d = SecretBytes::new(mpint(&mut r, "RSA d")?);
            let n = mpint(&mut r, "RSA n")?.to_vec();
            let u = SecretBytes::new(mpint(&mut r, "RSA u")?);
            let small = SecretBytes::new(mpint(&mut r, "RSA p")?);
            let large = SecretBytes::new(mpint(&mut r, "RSA q")?);
            r.finish("RSA key")?;
            let data = PublicKeyData::Rsa { e, n };
            data.validate(Format::Sshcom)?;
            PrivateKey::new(
                PublicKey::new(data, comment)?,
                SecretKeyData::Rsa {
                    d,
                    p: large,
                    q: small,
                    iqmp: u,
                },
            )?
        }
        KeyKind::Dsa => {
            if r.u32("DSA parameter flag")? != 0 {
                return Err(Error::new(ErrorKind::UnsupportedScheme(
                    "ssh.com DSA keys with predefined parameters".into(),
                )));
            }
            let p = mpint(&mut r, "DSA p")?.to_vec();
            let g = mpint(&mut r, "DSA g")?.to_vec();
            let q = mpint(&mut r, "DSA q")?.to_vec();
            let y = mpint(&mut r, "DSA y")?.to_vec();
            let x = SecretBytes::new(mpint(&mut r, "DSA x")?);
            r.finish("DSA key")?;
            let data = PublicKeyData::Dsa { p, q, g, y };
            data.validate(Format::Sshcom)?;
            PrivateKey::new(PublicKey::new(data, comment)?, SecretKeyData::Dsa { x })?
        }
    };
    Ok(key)
}

/// Writes an ssh.com mpint of a magnitude without leading zeros.
fn put_mpint(w: &mut Writer, magnitude: &[u8]) {
    let trimmed = magnitude
        .get(magnitude.iter().take_while(|&&b| b == 0).count()..)
        .unwrap_or_default();
    w.u32(bit_length(trimmed));
    w.raw(trimmed);
}

/// Encodes an RSA or DSA key as `puttygen -O private-sshcom` does, encrypted with `3des-cbc`
/// when `passphrase` is given and not empty.
///
/// ```
/// use keyconv::{Passphrase, PrivateKey};
///
/// let key = PrivateKey::from_any(include_bytes!("../../testdata/rsa-2048.sshcom"), None)?;
/// let pass = Passphrase::from("pw");
/// let text = keyconv::format::sshcom::encode(&key, Some(&pass))?;
/// assert_eq!(PrivateKey::from_sshcom(text.as_bytes(), Some(&pass))?.public_key().data(), key.public_key().data());
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn encode(key: &PrivateKey, passphrase: Option<&Passphrase>) -> Result<Zeroizing<String>> {
    let passphrase = passphrase.filter(|p| !p.is_empty());
    if key.comment().contains(['\r', '\n', '\\']) {
        // The header has no escapes: a line break ends it, a backslash continues it.
        return Err(Error::new(ErrorKind::InvalidRequest(
            "an ssh.com comment cannot hold line breaks or backslashes".into(),
        )));
    }
    let mut payload = Writer::new();
    let key_type = match (key.public_key().data(), key.secret()) {
        (PublicKeyData::Rsa { e, n }, SecretKeyData::Rsa { d, p, q, iqmp }) => {
            for part in [
                e,
                d.as_bytes(),
                n,
                iqmp.as_bytes(),
                q.as_bytes(),
                p.as_bytes(),
            ] {
                put_mpint(&mut payload, part);
            }
            RSA_TYPE
        }
        (PublicKeyData::Dsa { p, q, g, y }, SecretKeyData::Dsa { x }) => {
            payload.u32(0);
            for part in [p.as_slice(), g, q, y, x.as_bytes()] {
                put_mpint(&mut payload, part);
            }
            DSA_TYPE
        }
        _ => {
            return Err(Error::new(ErrorKind::UnsupportedTarget {
                target: Format::Sshcom,
                why: format!(
                    "ssh.com key files hold RSA and DSA keys, not {}",
                    key.key_type().label()
                ),
                suggestion: "ppk, openssh or pkcs8".into(),
            }));
        }
    };
    let mut inner = Writer::new();
    inner.string(payload.as_bytes());
    let mut section = inner.into_bytes();
    if let Some(passphrase) = passphrase {
        let pad = (8 - section.len() % 8) % 8;
        let mut padding = [0u8; 8];
        getrandom::fill(&mut padding)
            .map_err(|e| Error::new(ErrorKind::Io(format!("no random numbers: {e}"))))?;
        section.extend_from_slice(padding.get(..pad).unwrap_or_default());
        let key = derive_key(passphrase);
        ssh_cipher::Cipher::TdesCbc
            .encrypt(key.as_slice(), &[0u8; 8], section.as_mut_slice())
            .map_err(|e| Error::new(ErrorKind::InvalidRequest(format!("cannot encrypt: {e}"))))?;
    }
    let mut blob = Writer::new();
    blob.u32(MAGIC);
    blob.u32(0);
    blob.string(key_type.as_bytes());
    blob.string(
        if passphrase.is_some() {
            CIPHER_3DES
        } else {
            "none"
        }
        .as_bytes(),
    );
    blob.string(&section);
    let mut blob = blob.into_bytes();
    let total = u32::try_from(blob.len())
        .map_err(|_| Error::new(ErrorKind::InvalidRequest("the key is too large".into())))?;
    if let Some(len) = blob.get_mut(4..8) {
        len.copy_from_slice(&total.to_be_bytes());
    }
    let mut out = Zeroizing::new(String::with_capacity(blob.len() * 4 / 3 + 200));
    out.push_str(BEGIN);
    out.push('\n');
    out.push_str("Comment: \"");
    let mut rest = key.comment();
    let mut width = 60;
    while rest.len() > width {
        let mut cut = width;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (line, after) = rest.split_at(cut);
        out.push_str(line);
        out.push_str("\\\n");
        rest = after;
        width = 70;
    }
    out.push_str(rest);
    out.push_str("\"\n");
    out.push_str(&base64::encode_wrapped(&blob, WIDTH));
    out.push_str(END);
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_derivation_is_md5_chained() {
        let key = derive_key(&Passphrase::new("pass"));
        let a = Md5::digest(b"pass");
        assert_eq!(&key[..16], &a[..]);
        let mut b = b"pass".to_vec();
        b.extend_from_slice(&a);
        assert_eq!(&key[16..], &Md5::digest(&b)[..8]);
    }

    #[test]
    fn mpints_count_bits() {
        let mut w = Writer::new();
        put_mpint(&mut w, &[0, 0x01, 0xff]);
        assert_eq!(w.as_bytes(), &[0, 0, 0, 9, 1, 0xff]);
        let mut r = Reader::new(w.as_bytes(), Format::Sshcom);
        assert_eq!(mpint(&mut r, "x").unwrap(), &[1, 0xff]);
        // 4 bits declared, one byte read, and that byte has 8 significant bits.
        let mut r = Reader::new(&[0, 0, 0, 4, 0xff], Format::Sshcom);
        assert!(mpint(&mut r, "x").is_err(), "more bits than declared");
        let mut r = Reader::new(&[0xff, 0xff, 0xff, 0xff, 1], Format::Sshcom);
        assert!(mpint(&mut r, "x").is_err(), "truncated");
    }
}
