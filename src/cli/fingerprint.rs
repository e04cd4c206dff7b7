//! `keyconv fingerprint`: what `ssh-keygen -l [-E HASH] [-B] [-v] -f` prints, one line per key
//! (and its randomart with `--visual`), or with `--format aws` the fingerprints the AWS EC2
//! console shows for the key.

mod randomart;

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

use sha1::Digest as _;

use keyconv::error::{Error, ErrorKind};
use keyconv::format::{KeyFile, pkcs8, spki};
use keyconv::key::{FingerprintHash, KeyType, PrivateKey, PublicKey};
use keyconv::protection::KdfLimits;

use super::Failure;
use super::args::{FingerprintArgs, HashName, Portal};
use super::input::{Input, over_inputs};
use super::output::{printable, stdout_error};
use super::stream::for_each_key;
use super::unlock;

pub(crate) fn run(args: &FingerprintArgs) -> Result<(), Failure> {
    let hash = match args.hash {
        HashName::Sha256 => FingerprintHash::Sha256,
        HashName::Sha512 => FingerprintHash::Sha512,
        HashName::Md5 => FingerprintHash::Md5,
    };
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let result = match args.format {
        Some(Portal::Aws) => over_inputs(&args.inputs, |input| aws(input, args, &mut out)),
        None => {
            let render = |key: &PublicKey, text: &mut Vec<u8>| {
                let line = if args.bubblebabble {
                    bubblebabble_line(key)
                } else {
                    key.fingerprint_line(hash)
                };
                text.extend_from_slice(printable(&line).as_bytes());
                text.push(b'\n');
                if args.visual {
                    let art = randomart::draw(
                        &key.fingerprint_digest(hash),
                        key.data().label(),
                        key.data().bits(),
                        hash.name(),
                    );
                    text.extend_from_slice(printable_lines(&art).as_bytes());
                    text.push(b'\n');
                }
                Ok(())
            };
            over_inputs(&args.inputs, |input| {
                for_each_key(input, &args.passphrase, &render, &mut out)
            })
        }
    };
    out.flush().map_err(stdout_error)?;
    result
}

/// `ssh-keygen -B`: `BITS BUBBLEBABBLE COMMENT (TYPE)`, the bubblebabble encoding of the SHA-1
/// digest of the key (what ssh-keygen uses for `-B` whatever `-E` says).
fn bubblebabble_line(key: &PublicKey) -> String {
    let digest = sha1::Sha1::digest(key.fingerprint_blob());
    line(key, &boba::encode(digest.as_slice()), "")
}

/// `BITS FINGERPRINT COMMENT (TYPE[, NOTE])`, ssh-keygen's line shape.
fn line(key: &PublicKey, fingerprint: &str, note: &str) -> String {
    let comment = match key.comment() {
        "" => "no comment",
        comment => comment,
    };
    format!(
        "{} {fingerprint} {comment} ({}{note})",
        key.data().bits(),
        key.data().label()
    )
}

/// Each line of `text` made printable (the randomart holds no control characters but its
/// title carries the key type, which comes from the file).
fn printable_lines(text: &str) -> String {
    text.lines()
        .map(|l| printable(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Lower-case hex, colon-separated, as the AWS console and `openssl md5 -c` print digests.
fn colon_hex(digest: &[u8]) -> String {
    let mut s = String::with_capacity(3 * digest.len());
    for (i, b) in digest.iter().enumerate() {
        let _ = write!(s, "{}{b:02x}", if i == 0 { "" } else { ":" });
    }
    s
}

/// `--format aws`: for every key of the input, the fingerprints EC2 shows for it.
/// - RSA: the MD5 of the SubjectPublicKeyInfo DER (what EC2 shows for an imported key), and,
///   when the input holds the private key, the SHA-1 of its unencrypted PKCS#8 DER (what EC2
///   shows for a key pair it created).
/// - Ed25519: the SHA-256 fingerprint as ssh-keygen prints it (imported or created alike).
/// - Other key types: EC2 key pairs are RSA or Ed25519 only: an error for that key.
fn aws(input: &Input, args: &FingerprintArgs, out: &mut dyn Write) -> Result<bool, Failure> {
    let on_input = |e: Error| Failure::Input(input.name.clone(), e);
    let bytes = input.read_key_file().map_err(on_input)?;
    let file = KeyFile::decode(&bytes).map_err(on_input)?;
    let limits = KdfLimits {
        allow_expensive: args.passphrase.allow_expensive_kdf,
    };
    let (keys, private) = if file.is_private() {
        let (key, _) = unlock::private_key(&file, &args.passphrase, input, limits)?;
        (vec![key.public_key().clone()], Some(key))
    } else {
        (file.public_keys(), None)
    };
    let mut text = String::new();
    for key in &keys {
        match key.key_type() {
            Some(KeyType::Rsa) => {
                let der = spki::encode_der(key).map_err(on_input)?;
                let imported = colon_hex(&md5::Md5::digest(&der));
                text.push_str(&line(key, &imported, ", imported into AWS"));
                text.push('\n');
                if let Some(private) = &private {
                    text.push_str(&line(key, &created_by_aws(private)?, ", created by AWS"));
                    text.push('\n');
                }
            }
            Some(KeyType::Ed25519) => {
                let fingerprint = key.fingerprint(FingerprintHash::Sha256);
                text.push_str(&line(key, &fingerprint, ", AWS"));
                text.push('\n');
            }
            _ => {
                return Err(on_input(
                    Error::new(ErrorKind::InvalidRequest(format!(
                        "AWS EC2 key pairs are RSA or ED25519, not {}",
                        key.data().label()
                    )))
                    .with_hint("fingerprint it without --format aws"),
                ));
            }
        }
    }
    for line in text.lines() {
        out.write_all(printable(line).as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .map_err(stdout_error)?;
    }
    Ok(false)
}

/// The SHA-1 of the key's unencrypted PKCS#8 DER, colon hex (`openssl pkcs8 -nocrypt -topk8
/// -outform DER | openssl sha1 -c`).
fn created_by_aws(key: &PrivateKey) -> Result<String, Failure> {
    let der = zeroize::Zeroizing::new(
        pkcs8::encode_der(key, &pkcs8::Pkcs8Options::default(), None).map_err(Failure::Plain)?,
    );
    Ok(colon_hex(&sha1::Sha1::digest(der.as_slice())))
}
