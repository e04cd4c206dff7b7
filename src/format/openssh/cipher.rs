//! The ciphers and the KDF of `openssh-key-v1`, with OpenSSH's key and IV sizes (`cipher.c`)
//! and `bcrypt_pbkdf` deriving `key || iv` in one call, as `sshkey_private_to_blob2` does.

mod bcrypt;

use ssh_cipher::Cipher;
use zeroize::Zeroizing;

use bcrypt::bcrypt_pbkdf;

use super::OpensshCipher;
use crate::error::{Error, ErrorKind, Result};
use crate::format::Format;
use crate::passphrase::Passphrase;

/// The length of the AEAD tag that follows the encrypted section (GCM and ChaCha20-Poly1305).
pub(super) const TAG_LEN: usize = 16;

/// One cipher as OpenSSH's `cipher.c` describes it.
#[derive(Debug)]
pub(super) struct CipherSpec {
    /// The cipher, whose name is the one in the file (e.g. `aes256-ctr`).
    pub id: OpensshCipher,
    /// The name in the file.
    pub name: &'static str,
    /// The implementation.
    cipher: Cipher,
    /// Bytes of key taken from the KDF.
    key_len: usize,
    /// Bytes of IV taken from the KDF after the key.
    iv_len: usize,
    /// The block size the private section is padded to.
    pub block: usize,
}

impl CipherSpec {
    /// Whether the cipher authenticates, with a tag after the encrypted section.
    pub fn is_aead(&self) -> bool {
        self.cipher.has_tag()
    }

    /// The length of the tag after the encrypted section (0 for non-AEAD ciphers).
    pub fn tag_len(&self) -> usize {
        if self.is_aead() { TAG_LEN } else { 0 }
    }
}

const fn spec(
    id: OpensshCipher,
    cipher: Cipher,
    key_len: usize,
    iv_len: usize,
    block: usize,
) -> CipherSpec {
    CipherSpec {
        id,
        name: id.name(),
        cipher,
        key_len,
        iv_len,
        block,
    }
}

/// Every cipher ssh-keygen writes (`ssh -Q cipher` minus the ones it cannot use for keys),
/// in `cipher.c`'s terms. `chacha20-poly1305@openssh.com` takes a 64-byte key of which the
/// private key encryption uses the first half (the second encrypts packet lengths in SSH),
/// and no IV: its nonce is the packet sequence number, 0 here.
pub(super) static CIPHERS: [CipherSpec; 10] = [
    spec(OpensshCipher::Aes128Ctr, Cipher::Aes128Ctr, 16, 16, 16),
    spec(OpensshCipher::Aes192Ctr, Cipher::Aes192Ctr, 24, 16, 16),
    spec(OpensshCipher::Aes256Ctr, Cipher::Aes256Ctr, 32, 16, 16),
    spec(OpensshCipher::Aes128Cbc, Cipher::Aes128Cbc, 16, 16, 16),
    spec(OpensshCipher::Aes192Cbc, Cipher::Aes192Cbc, 24, 16, 16),
    spec(OpensshCipher::Aes256Cbc, Cipher::Aes256Cbc, 32, 16, 16),
    spec(OpensshCipher::Aes128Gcm, Cipher::Aes128Gcm, 16, 12, 16),
    spec(OpensshCipher::Aes256Gcm, Cipher::Aes256Gcm, 32, 12, 16),
    spec(
        OpensshCipher::ChaCha20Poly1305,
        Cipher::ChaCha20Poly1305,
        64,
        0,
        8,
    ),
    spec(OpensshCipher::TripleDesCbc, Cipher::TdesCbc, 24, 8, 8),
];

/// The cipher called `name` in a file.
pub(super) fn by_name(name: &str) -> Option<&'static CipherSpec> {
    CIPHERS.iter().find(|c| c.name == name)
}

/// The table entry of `id`.
pub(super) fn spec_of(id: OpensshCipher) -> Result<&'static CipherSpec> {
    CIPHERS
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| Error::new(ErrorKind::UnsupportedScheme(format!("OpenSSH cipher {id}"))))
}

/// bcrypt-pbkdf parameters from `kdfoptions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Bcrypt {
    pub salt: Vec<u8>,
    pub rounds: u32,
}

impl Bcrypt {
    /// `key || iv` for `cipher`, zeroized on drop. The caller has checked the rounds against the
    /// KDF limits.
    fn derive(&self, cipher: &CipherSpec, passphrase: &Passphrase) -> Result<Zeroizing<Vec<u8>>> {
        let mut okm = Zeroizing::new(vec![0u8; cipher.key_len + cipher.iv_len]);
        bcrypt_pbkdf(passphrase.as_bytes(), &self.salt, self.rounds, &mut okm).map_err(|e| {
            Error::malformed(Format::OpenSsh, format!("bcrypt-pbkdf parameters: {e}"))
        })?;
        Ok(okm)
    }
}

/// The key and IV (nonce) `ssh-cipher` takes for `cipher`, from the KDF output.
fn key_and_iv<'a>(cipher: &CipherSpec, okm: &'a [u8]) -> (&'a [u8], Vec<u8>) {
    let (key, iv) = okm.split_at(cipher.key_len.min(okm.len()));
    if cipher.cipher == Cipher::ChaCha20Poly1305 {
        let (main_key, _length_key) = key.split_at(32.min(key.len()));
        (main_key, vec![0u8; 8])
    } else {
        (key, iv.to_vec())
    }
}

/// Decrypts `section` in place. An AEAD tag that does not verify means a wrong passphrase
/// (or a corrupted file, which the tag cannot tell apart).
pub(super) fn decrypt(
    cipher: &CipherSpec,
    kdf: &Bcrypt,
    passphrase: &Passphrase,
    section: &mut [u8],
    tag: Option<&[u8]>,
) -> Result<()> {
    let okm = kdf.derive(cipher, passphrase)?;
    let (key, iv) = key_and_iv(cipher, &okm);
    let tag = match tag {
        Some(tag) => Some(ssh_cipher::Tag::try_from(tag).map_err(|_| {
            Error::malformed(Format::OpenSsh, "authentication tag is not 16 bytes")
        })?),
        None => None,
    };
    cipher
        .cipher
        .decrypt(key, &iv, section, tag)
        .map_err(|e| match e {
            ssh_cipher::Error::Crypto => Error::new(ErrorKind::IncorrectPassphrase),
            other => Error::malformed(
                Format::OpenSsh,
                format!("cannot decrypt the private section: {other}"),
            ),
        })
}

/// Encrypts `section` in place (its length a multiple of the block size); returns the tag of
/// an AEAD cipher.
pub(super) fn encrypt(
    cipher: &CipherSpec,
    kdf: &Bcrypt,
    passphrase: &Passphrase,
    section: &mut [u8],
) -> Result<Option<[u8; TAG_LEN]>> {
    let okm = kdf.derive(cipher, passphrase)?;
    let (key, iv) = key_and_iv(cipher, &okm);
    let tag = cipher.cipher.encrypt(key, &iv, section).map_err(|e| {
        Error::new(ErrorKind::InvalidRequest(format!(
            "cannot encrypt with {}: {e}",
            cipher.name
        )))
    })?;
    Ok(tag.map(|t| t.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cipher_round_trips_and_aead_detects_tampering() {
        let kdf = Bcrypt {
            salt: vec![1; 16],
            rounds: 1,
        };
        let pass = Passphrase::from("pw");
        for c in &CIPHERS {
            let plain: Vec<u8> = (0..48u8).collect();
            let mut buf = plain.clone();
            let tag = encrypt(c, &kdf, &pass, &mut buf).unwrap();
            assert_ne!(buf, plain, "{}", c.name);
            assert_eq!(tag.is_some(), c.is_aead(), "{}", c.name);
            let mut back = buf.clone();
            decrypt(c, &kdf, &pass, &mut back, tag.as_ref().map(|t| &t[..])).unwrap();
            assert_eq!(back, plain, "{}", c.name);
            if let Some(tag) = tag {
                let mut back = buf.clone();
                let e = decrypt(c, &kdf, &"px".into(), &mut back, Some(&tag)).unwrap_err();
                assert_eq!(e.kind(), &ErrorKind::IncorrectPassphrase, "{}", c.name);
            }
        }
    }
}
