//! CBC encryption with PKCS#7 padding (RFC 5652 §6.3), as PKCS#5 (PBES1/PBES2), PKCS#12 PBE and
//! legacy PEM (`DEK-Info`) use it, for AES, DES-EDE3, two-key DES-EDE, single DES and RC2 (40- and
//! 128-bit keys, as PKCS#12's legacy PBE schemes use it).
//!
//! The padding is checked in constant time; a wrong key shows up as bad padding (or, one time in
//! about 256, as garbage that the caller's structure check rejects).

use aes::cipher::{Block, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use subtle::{ConstantTimeEq, ConstantTimeLess};
use zeroize::Zeroizing;

/// A block cipher used in CBC mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CbcCipher {
    /// AES-128.
    Aes128,
    /// AES-192.
    Aes192,
    /// AES-256.
    Aes256,
    /// Three-key triple DES (EDE).
    DesEde3,
    /// Two-key triple DES (EDE, K1 K2 K1), used by `pbeWithSHAAnd2-KeyTripleDES-CBC`.
    DesEde2,
    /// Single DES.
    Des,
    /// RC2 with a 40-bit key (`pbewithSHAAnd40BitRC2-CBC`, `openssl pkcs12 -legacy` certificates).
    Rc2x40,
    /// RC2 with a 128-bit key.
    Rc2x128,
}

/// Why CBC decryption failed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CbcError {
    /// The key or IV has the wrong length, or the ciphertext is not whole blocks: the file is
    /// malformed.
    Length,
    /// The padding is wrong: almost always a wrong key (passphrase).
    Padding,
}

impl CbcCipher {
    /// The key length in bytes.
    pub(crate) fn key_len(self) -> usize {
        match self {
            CbcCipher::Aes128 | CbcCipher::DesEde2 | CbcCipher::Rc2x128 => 16,
            CbcCipher::Rc2x40 => 5,
            CbcCipher::Aes192 | CbcCipher::DesEde3 => 24,
            CbcCipher::Aes256 => 32,
            CbcCipher::Des => 8,
        }
    }

    /// The block (and IV) length in bytes.
    pub(crate) fn block_len(self) -> usize {
        match self {
            CbcCipher::Aes128 | CbcCipher::Aes192 | CbcCipher::Aes256 => 16,
            CbcCipher::DesEde3
            | CbcCipher::DesEde2
            | CbcCipher::Des
            | CbcCipher::Rc2x40
            | CbcCipher::Rc2x128 => 8,
        }
    }

    /// The lower-case name `inspect` reports, e.g. `aes-128-cbc`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            CbcCipher::Aes128 => "aes-128-cbc",
            CbcCipher::Aes192 => "aes-192-cbc",
            CbcCipher::Aes256 => "aes-256-cbc",
            CbcCipher::DesEde3 => "des-ede3-cbc",
            CbcCipher::DesEde2 => "des-ede-cbc",
            CbcCipher::Des => "des-cbc",
            CbcCipher::Rc2x40 => "rc2-40-cbc",
            CbcCipher::Rc2x128 => "rc2-128-cbc",
        }
    }

    /// Decrypts `data` and removes the padding.
    pub(crate) fn decrypt(
        self,
        key: &[u8],
        iv: &[u8],
        data: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CbcError> {
        match self {
            CbcCipher::Aes128 => decrypt::<aes::Aes128>(key, iv, data),
            CbcCipher::Aes192 => decrypt::<aes::Aes192>(key, iv, data),
            CbcCipher::Aes256 => decrypt::<aes::Aes256>(key, iv, data),
            CbcCipher::DesEde3 => decrypt::<des::TdesEde3>(key, iv, data),
            CbcCipher::DesEde2 => decrypt::<des::TdesEde2>(key, iv, data),
            CbcCipher::Des => decrypt::<des::Des>(key, iv, data),
            CbcCipher::Rc2x40 | CbcCipher::Rc2x128 => decrypt::<rc2::Rc2>(key, iv, data),
        }
    }

    /// Pads and encrypts `plaintext`. `key` and `iv` must have this cipher's lengths.
    pub(crate) fn encrypt(self, key: &[u8], iv: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
        match self {
            CbcCipher::Aes128 => encrypt::<aes::Aes128>(key, iv, plaintext),
            CbcCipher::Aes192 => encrypt::<aes::Aes192>(key, iv, plaintext),
            CbcCipher::Aes256 => encrypt::<aes::Aes256>(key, iv, plaintext),
            CbcCipher::DesEde3 => encrypt::<des::TdesEde3>(key, iv, plaintext),
            CbcCipher::DesEde2 => encrypt::<des::TdesEde2>(key, iv, plaintext),
            CbcCipher::Des => encrypt::<des::Des>(key, iv, plaintext),
            CbcCipher::Rc2x40 | CbcCipher::Rc2x128 => encrypt::<rc2::Rc2>(key, iv, plaintext),
        }
    }
}

fn decrypt<C: BlockCipherDecrypt + KeyInit>(
    key: &[u8],
    iv: &[u8],
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CbcError> {
    let cipher = C::new_from_slice(key).map_err(|_| CbcError::Length)?;
    let bs = iv.len();
    if bs != C::block_size() || data.is_empty() || !data.len().is_multiple_of(bs) {
        return Err(CbcError::Length);
    }
    let mut out = Zeroizing::new(data.to_vec());
    let mut previous = Block::<C>::try_from(iv).map_err(|_| CbcError::Length)?;
    for chunk in out.chunks_exact_mut(bs) {
        let mut block = Block::<C>::try_from(&*chunk).map_err(|_| CbcError::Length)?;
        let ciphertext = block.clone();
        cipher.decrypt_block(&mut block);
        for ((o, b), p) in chunk.iter_mut().zip(block.iter()).zip(previous.iter()) {
            *o = b ^ p;
        }
        previous = ciphertext;
    }
    let pad = padding_len(&out, bs).ok_or(CbcError::Padding)?;
    let len = out.len() - pad;
    out.truncate(len);
    Ok(out)
}

/// The PKCS#7 padding length of `data` (whole blocks of `bs` bytes), checked in constant time.
fn padding_len(data: &[u8], bs: usize) -> Option<usize> {
    let last_block = data.get(data.len().checked_sub(bs)?..)?;
    let n = *last_block.last()?;
    let n_u8 = n;
    // 1 <= n <= bs
    let mut ok = !n_u8.ct_eq(&0);
    ok &= !(bs as u8).ct_lt(&n_u8);
    for (i, &b) in last_block.iter().enumerate() {
        // position from the end, 1-based
        let from_end = (bs - i) as u8;
        let in_padding = !n_u8.ct_lt(&from_end);
        ok &= !in_padding | b.ct_eq(&n_u8);
    }
    if bool::from(ok) {
        Some(usize::from(n))
    } else {
        None
    }
}

fn encrypt<C: BlockCipherEncrypt + KeyInit>(
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
) -> Option<Vec<u8>> {
    let cipher = C::new_from_slice(key).ok()?;
    let bs = C::block_size();
    if iv.len() != bs {
        return None;
    }
    let pad = bs - plaintext.len() % bs;
    let mut buf = Zeroizing::new(Vec::with_capacity(plaintext.len() + pad));
    buf.extend_from_slice(plaintext);
    buf.resize(plaintext.len() + pad, pad as u8);
    let mut out = Vec::with_capacity(buf.len());
    let mut previous = Block::<C>::try_from(iv).ok()?;
    for chunk in buf.chunks_exact(bs) {
        let mut block = Block::<C>::try_from(chunk).ok()?;
        for (b, p) in block.iter_mut().zip(previous.iter()) {
            *b ^= p;
        }
        cipher.encrypt_block(&mut block);
        out.extend_from_slice(&block);
        previous = block;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_padding() {
        for cipher in [
            CbcCipher::Aes128,
            CbcCipher::Aes192,
            CbcCipher::Aes256,
            CbcCipher::DesEde3,
            CbcCipher::DesEde2,
            CbcCipher::Des,
            CbcCipher::Rc2x40,
            CbcCipher::Rc2x128,
        ] {
            let key = vec![0x42; cipher.key_len()];
            let iv = vec![0x24; cipher.block_len()];
            for len in [0, 1, 7, 8, 15, 16, 17, 33] {
                let msg = vec![0x5a; len];
                let ct = cipher.encrypt(&key, &iv, &msg).unwrap();
                assert_eq!(ct.len() % cipher.block_len(), 0);
                assert!(ct.len() > len);
                assert_eq!(&cipher.decrypt(&key, &iv, &ct).unwrap()[..], &msg[..]);
                let mut wrong = key.clone();
                wrong[0] ^= 0x10; // (DES ignores the low bit of each key byte)
                // A wrong key breaks the padding about 255 times in 256, else gives garbage.
                match cipher.decrypt(&wrong, &iv, &ct) {
                    Err(e) => assert_eq!(e, CbcError::Padding),
                    Ok(garbage) => assert_ne!(&garbage[..], &msg[..]),
                }
            }
            assert_eq!(
                cipher.decrypt(&key, &iv, &[0; 5]),
                Err(CbcError::Length),
                "not whole blocks"
            );
        }
    }

    #[test]
    fn aes_128_cbc_matches_the_known_answer() {
        // The `cbc` crate's documentation vector.
        let ct = hex::decode(concat!(
            "c7fe247ef97b21f07cbdd26cb5d346bf",
            "d27867cb00d9486723e159978fb9a5f9",
            "14cfb228a710de4171e396e7b6cf859e"
        ))
        .unwrap();
        let pt = CbcCipher::Aes128
            .decrypt(&[0x42; 16], &[0x24; 16], &ct)
            .unwrap();
        assert_eq!(&pt[..], b"hello world! this is my plaintext.");
    }

    #[test]
    fn padding_rules() {
        assert_eq!(padding_len(&[1, 2, 3, 4, 3, 4, 4, 4], 8), None);
        assert_eq!(padding_len(&[1, 2, 3, 4, 4, 4, 4, 3], 8), None);
        assert_eq!(padding_len(&[1, 2, 3, 4, 5, 3, 3, 3], 8), Some(3));
        assert_eq!(padding_len(&[8; 8], 8), Some(8));
        assert_eq!(padding_len(&[9; 8], 8), None);
        assert_eq!(padding_len(&[0; 8], 8), None);
    }

    /// Known answers: NIST SP 800-38A F.2.1/F.2.2 (AES-128-CBC) and F.2.5/F.2.6 (AES-256-CBC);
    /// FIPS 81 appendix C (DES-CBC, "Now is the time for all "); NIST's TDES-CBC example
    /// (keys 0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123, IV F69F2445DF4F9B17) over
    /// the SP 800-38A plaintext. keyconv pads (PKCS#7): the ciphertext blocks of the unpadded
    /// vector come first, then one block of padding.
    #[test]
    fn cbc_known_answers() {
        const SP800_38A_PLAIN: &str = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51\
                                       30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
        let cases = [
            (
                CbcCipher::Aes128,
                "2b7e151628aed2a6abf7158809cf4f3c",
                "000102030405060708090a0b0c0d0e0f",
                SP800_38A_PLAIN,
                "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2\
                 73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7",
            ),
            (
                CbcCipher::Aes256,
                "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
                "000102030405060708090a0b0c0d0e0f",
                SP800_38A_PLAIN,
                "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d\
                 39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b",
            ),
            (
                CbcCipher::Des,
                "0123456789abcdef",
                "1234567890abcdef",
                "4e6f77206973207468652074696d6520666f7220616c6c20",
                "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6",
            ),
            (
                CbcCipher::DesEde3,
                "0123456789abcdef23456789abcdef01456789abcdef0123",
                "f69f2445df4f9b17",
                SP800_38A_PLAIN,
                "2079c3d53aa763e193b79e2569ab5262516570481f25b50f73c0bda85c8e0da7\
                 9bd86425fae429fdbd65a7a21b6e5d20925d8b0ef919a428154b96ed90f2bc1e",
            ),
        ];
        for (cipher, key, iv, plain, want) in cases {
            let unhex = |h: &str| hex::decode(h.split_whitespace().collect::<String>()).unwrap();
            let (key, iv, plain, want) = (unhex(key), unhex(iv), unhex(plain), unhex(want));
            let ours = cipher.encrypt(&key, &iv, &plain).unwrap();
            assert_eq!(&ours[..want.len()], &want[..], "{}", cipher.name());
            assert_eq!(
                ours.len(),
                want.len() + cipher.block_len(),
                "{}",
                cipher.name()
            );
            let back = cipher.decrypt(&key, &iv, &ours).unwrap();
            assert_eq!(&back[..], &plain[..], "{}", cipher.name());
        }
    }
}
