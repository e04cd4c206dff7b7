//! The cryptography of a `.ppk` file (sshpubk.c, `ssh2_ppk_derive_keys` and `ppk_save_sb`):
//! key derivation (v2: SHA-1 of the passphrase; v3: Argon2), AES-256-CBC, the private blob's
//! padding and the MAC over the file's contents.

use aes::cipher::array::Array;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hmac::{Hmac, KeyInit, Mac};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::{Argon2Params, Argon2Variant, Version};
use crate::encoding::wire::Writer;
use crate::error::{Error, Result};
use crate::format::Format;

/// The cipher block size; an encrypted private blob is padded to a multiple of it.
pub(super) const BLOCK_LEN: usize = 16;

/// AES-256 key and IV (absent for `Encryption: none`) and the MAC key.
pub(super) struct FileKeys {
    cipher: Option<CipherKeys>,
    mac_key: Zeroizing<Vec<u8>>,
}

struct CipherKeys {
    key: Zeroizing<[u8; 32]>,
    iv: [u8; 16],
}

impl FileKeys {
    /// The keys of an unencrypted file: v2 still keys its MAC with SHA-1 of a fixed string and
    /// the empty passphrase; v3 uses an empty MAC key.
    pub(super) fn unencrypted(version: Version) -> FileKeys {
        let mac_key = match version {
            Version::V2 => v2_mac_key(b""),
            Version::V3 => Zeroizing::new(Vec::new()),
        };
        FileKeys {
            cipher: None,
            mac_key,
        }
    }

    /// v2: key = SHA-1(0,0,0,0 ‖ P) ‖ SHA-1(0,0,0,1 ‖ P), first 32 bytes; IV zero;
    /// MAC key = SHA-1("putty-private-key-file-mac-key" ‖ P).
    pub(super) fn v2(passphrase: &[u8]) -> FileKeys {
        let mut material = Zeroizing::new([0u8; 40]);
        for (counter, chunk) in (0u32..).zip(material.chunks_exact_mut(20)) {
            let mut h = Sha1::new();
            h.update(counter.to_be_bytes());
            h.update(passphrase);
            chunk.copy_from_slice(&h.finalize());
        }
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(material.get(..32).unwrap_or_default());
        FileKeys {
            cipher: Some(CipherKeys { key, iv: [0; 16] }),
            mac_key: v2_mac_key(passphrase),
        }
    }

    /// v3: Argon2 of the passphrase with the file's salt and parameters, 80 bytes split into
    /// cipher key (32), IV (16) and MAC key (32). The caller checks the parameters against
    /// the [`KdfLimits`](crate::KdfLimits) first.
    pub(super) fn v3(passphrase: &[u8], params: &Argon2Params) -> Result<FileKeys> {
        let algorithm = match params.variant {
            Argon2Variant::Argon2id => argon2::Algorithm::Argon2id,
            Argon2Variant::Argon2i => argon2::Algorithm::Argon2i,
            Argon2Variant::Argon2d => argon2::Algorithm::Argon2d,
        };
        let argon_error = |e: argon2::Error| {
            Error::malformed(Format::Ppk, format!("Argon2 refuses the parameters: {e}"))
        };
        let argon_params = argon2::Params::new(
            params.memory_kib,
            params.passes,
            params.parallelism,
            Some(80),
        )
        .map_err(argon_error)?;
        let argon = argon2::Argon2::new(algorithm, argon2::Version::V0x13, argon_params);
        let mut out = Zeroizing::new([0u8; 80]);
        argon
            .hash_password_into(passphrase, &params.salt, out.as_mut_slice())
            .map_err(argon_error)?;
        let (key_bytes, rest) = out.split_at(32);
        let (iv_bytes, mac_bytes) = rest.split_at(16);
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(key_bytes);
        let mut iv = [0u8; 16];
        iv.copy_from_slice(iv_bytes);
        Ok(FileKeys {
            cipher: Some(CipherKeys { key, iv }),
            mac_key: Zeroizing::new(mac_bytes.to_vec()),
        })
    }

    /// Decrypts `blob` in place (nothing to do when unencrypted). Its length must be a multiple
    /// of [`BLOCK_LEN`].
    pub(super) fn decrypt(&self, blob: &mut [u8]) {
        if let Some(c) = &self.cipher {
            let mut dec =
                cbc::Decryptor::<aes::Aes256>::new(&Array::from(*c.key), &Array::from(c.iv));
            let (blocks, _) = Array::slice_as_chunks_mut(blob);
            dec.decrypt_blocks(blocks);
        }
    }

    /// Encrypts `blob` in place (nothing to do when unencrypted). Its length must be a multiple
    /// of [`BLOCK_LEN`].
    pub(super) fn encrypt(&self, blob: &mut [u8]) {
        if let Some(c) = &self.cipher {
            let mut enc =
                cbc::Encryptor::<aes::Aes256>::new(&Array::from(*c.key), &Array::from(c.iv));
            let (blocks, _) = Array::slice_as_chunks_mut(blob);
            enc.encrypt_blocks(blocks);
        }
    }

    /// The MAC over the file: `string(algorithm) string(encryption) string(comment)
    /// string(public blob) string(private blob, padded plaintext)`; HMAC-SHA-1 for v2,
    /// HMAC-SHA-256 for v3.
    pub(super) fn mac(&self, version: Version, fields: &MacFields<'_>) -> Vec<u8> {
        let mut data = Writer::new();
        data.string(fields.algorithm.as_bytes())
            .string(fields.encryption.as_bytes())
            .string(fields.comment)
            .string(fields.public_blob)
            .string(fields.private_blob);
        match version {
            Version::V2 => hmac::<Hmac<Sha1>>(&self.mac_key, data.as_bytes()),
            Version::V3 => hmac::<Hmac<Sha256>>(&self.mac_key, data.as_bytes()),
        }
    }

    /// Whether `expected` is the file's MAC, compared in constant time.
    pub(super) fn mac_matches(
        &self,
        version: Version,
        fields: &MacFields<'_>,
        expected: &[u8],
    ) -> bool {
        bool::from(self.mac(version, fields).ct_eq(expected))
    }
}

/// What the MAC covers.
pub(super) struct MacFields<'a> {
    pub(super) algorithm: &'a str,
    pub(super) encryption: &'a str,
    pub(super) comment: &'a [u8],
    pub(super) public_blob: &'a [u8],
    pub(super) private_blob: &'a [u8],
}

fn v2_mac_key(passphrase: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut h = Sha1::new();
    h.update(b"putty-private-key-file-mac-key");
    h.update(passphrase);
    Zeroizing::new(h.finalize().to_vec())
}

fn hmac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length, so `new_from_slice` cannot fail.
    match <M as KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// Pads an encrypted file's private blob to a whole number of cipher blocks with the first
/// bytes of SHA-1 of the unpadded blob, as PuTTY does (so output is reproducible).
pub(super) fn pad(blob: &mut Zeroizing<Vec<u8>>) {
    let pad_len = (BLOCK_LEN - blob.len() % BLOCK_LEN) % BLOCK_LEN;
    let digest = Zeroizing::new(Sha1::digest(blob.as_slice()));
    blob.extend_from_slice(digest.get(..pad_len).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_keys_match_putty_construction() {
        let keys = FileKeys::v2(b"pw");
        let mut h = Sha1::new();
        h.update([0, 0, 0, 0]);
        h.update(b"pw");
        let first = h.finalize();
        let c = keys.cipher.as_ref().unwrap();
        assert_eq!(&c.key[..20], &first[..]);
        assert_eq!(c.iv, [0; 16]);
        assert_eq!(keys.mac_key.len(), 20);
    }

    #[test]
    fn padding_is_sha1_of_the_blob_and_cbc_round_trips() {
        let mut blob = Zeroizing::new(vec![7u8; 20]);
        pad(&mut blob);
        assert_eq!(blob.len(), 32);
        assert_eq!(&blob[20..], &Sha1::digest([7u8; 20])[..12]);
        let mut aligned = Zeroizing::new(vec![1u8; 32]);
        pad(&mut aligned);
        assert_eq!(aligned.len(), 32, "an aligned blob gets no padding");
        let keys = FileKeys::v2(b"pw");
        let mut data = blob.to_vec();
        keys.encrypt(&mut data);
        assert_ne!(data, blob.to_vec());
        keys.decrypt(&mut data);
        assert_eq!(data, blob.to_vec());
    }
}
