//! What every keyconv fuzz target does, shared so that the targets stay one line each.
//!
//! Build with `cargo fuzz build -s none` (stable) from the repository root. cargo-fuzz sets
//! `cfg(fuzzing)`, under which keyconv's KDF limits are tiny (src/protection.rs): the fuzzer
//! explores parsing, not key derivation.

use keyconv::format::Target;
use keyconv::format::openssh::OpensshOptions;
use keyconv::format::pkcs8::Pkcs8Options;
use keyconv::format::ppk::{Argon2Options, Argon2Variant, PpkOptions};
use keyconv::{
    ErrorKind, Format, KdfLimits, KeyFile, Passphrase, PrivateKey, PublicKey, encode_private,
    encode_public,
};

/// The options of every private format, and the passphrase to encrypt with.
struct EncodeOptions {
    passphrase: Option<Passphrase>,
    ppk: PpkOptions,
    openssh: OpensshOptions,
    pkcs8: Pkcs8Options,
}

impl EncodeOptions {
    fn target(&self, format: Format) -> Target {
        match format {
            Format::Ppk => Target::Ppk(self.ppk.clone()),
            Format::OpenSsh => Target::OpenSsh(self.openssh.clone()),
            Format::Pkcs8 => Target::Pkcs8(self.pkcs8.clone()),
            other => Target::default_for(other).unwrap_or(Target::Public),
        }
    }
}

/// The corpus passphrase (`testdata/passphrase`), so that seeds made with it decrypt.
pub const PASSPHRASE: &str = "correct horse battery";

/// Decodes `data` as `format`, then asks for everything a caller can: the public keys, the
/// protection and the private key with [`PASSPHRASE`].
pub fn decode_as(data: &[u8], format: Format) {
    if let Ok(file) = KeyFile::decode_as(data, format) {
        exercise(&file);
    }
}

/// Detects the format of `data`; when detected, decodes it as that format.
pub fn detect(data: &[u8]) {
    if let Ok(format) = Format::detect(data) {
        decode_as(data, format);
    }
}

fn exercise(file: &KeyFile) {
    let keys = file.public_keys();
    for key in &keys {
        let _ = key.fingerprint_line(keyconv::FingerprintHash::Sha256);
    }
    let protection = file.protection();
    let _ = protection.to_string();
    // What `inspect` and `fips-check` judge from the file's metadata alone.
    let _ = keyconv::fips::assess(&keys, &protection).compliance(true);
    let _ = file.private_key(Some(&Passphrase::from(PASSPHRASE)), &KdfLimits::default());
}

/// Whether files of `format` keep a key's comment.
fn carries_comment(format: Format) -> bool {
    matches!(
        format,
        Format::Ppk | Format::OpenSsh | Format::Public | Format::Rfc4716 | Format::Sshcom
    )
}

/// The comment a key has after a round trip through `target`, as its module documents:
/// one-line and RFC 4716 public keys write line breaks as spaces, one-line keys trim blanks
/// around the comment, RFC 4716 defuses BEGIN/END markers in it.
fn comment_through(comment: &str, target: Format) -> String {
    match target {
        Format::Public => comment
            .replace(['\r', '\n'], " ")
            .trim_matches([' ', '\t'])
            .to_owned(),
        Format::Rfc4716 => {
            let mut comment = comment.replace(['\r', '\n'], " ");
            for marker in [
                "---- BEGIN SSH2 PUBLIC KEY ----",
                "---- END SSH2 PUBLIC KEY ----",
            ] {
                let defused = marker.replacen("---- ", "----", 1);
                while comment.contains(marker) {
                    comment = comment.replace(marker, &defused);
                }
            }
            comment
        }
        _ => comment.to_owned(),
    }
}

/// The cheapest protection each format can write, so that encrypting round trips stay fast.
fn cheap_options(passphrase: Option<&str>, ppk_version: u8, der: bool) -> EncodeOptions {
    EncodeOptions {
        passphrase: passphrase.map(Passphrase::from),
        openssh: OpensshOptions {
            rounds: 1,
            ..OpensshOptions::default()
        },
        ppk: match ppk_version {
            2 => PpkOptions::V2,
            _ => PpkOptions::V3(Argon2Options {
                variant: Argon2Variant::Argon2id,
                memory_kib: 8,
                passes: 1,
                parallelism: 1,
                salt: None,
                ..Argon2Options::default()
            }),
        },
        pkcs8: Pkcs8Options {
            iterations: 1,
            der,
            ..Pkcs8Options::default()
        },
    }
}

/// Decode → encode to every format that can hold the key → decode: the same key, and the same
/// comment where both formats keep one. A decoded key that a format refuses must be refused
/// as [`ErrorKind::UnsupportedTarget`], never fail otherwise.
pub fn roundtrip(data: &[u8]) {
    let Ok(file) = KeyFile::decode(data) else {
        return;
    };
    let source = file.format();
    let mut publics = file.public_keys();
    if file.is_private() {
        let pass = Passphrase::from(PASSPHRASE);
        if let Ok(key) = file.private_key(Some(&pass), &KdfLimits::default()) {
            // bcrypt-pbkdf costs milliseconds even at one round: encrypt OpenSSH output for a
            // small, fixed share of the inputs only.
            let openssh_encrypted = data.len().is_multiple_of(64);
            for (target, pass, ppk_version, der) in [
                (Format::Ppk, None, 3, false),
                (Format::Ppk, Some(PASSPHRASE), 3, false),
                (Format::Ppk, None, 2, false),
                (Format::Ppk, Some(PASSPHRASE), 2, false),
                (Format::OpenSsh, None, 3, false),
                (Format::Pkcs8, None, 3, false),
                (Format::Pkcs8, Some(PASSPHRASE), 3, false),
                (Format::Pkcs8, None, 3, true),
                (Format::Pkcs8, Some(PASSPHRASE), 3, true),
                (Format::Pem, None, 3, false),
                (Format::Pem, Some(PASSPHRASE), 3, false),
                (Format::Sshcom, None, 3, false),
                (Format::Sshcom, Some(PASSPHRASE), 3, false),
            ] {
                private_roundtrip(&key, source, target, &cheap_options(pass, ppk_version, der));
            }
            if openssh_encrypted {
                let options = cheap_options(Some(PASSPHRASE), 3, false);
                private_roundtrip(&key, source, Format::OpenSsh, &options);
            }
            publics.push(key.public_key().clone());
        }
    }
    for key in &publics {
        for target in [Format::Public, Format::Rfc4716, Format::Spki] {
            public_roundtrip(key, source, target);
        }
    }
}

fn private_roundtrip(key: &PrivateKey, source: Format, target: Format, options: &EncodeOptions) {
    let encoded = match encode_private(key, &options.target(target), options.passphrase.as_ref()) {
        Ok(encoded) => encoded,
        Err(e) if matches!(e.kind(), ErrorKind::UnsupportedTarget { .. }) => return,
        // A .ppk comment is one header line (ppk.rs refuses line breaks, naming --comment).
        // Nor can ssh.com's Comment header hold a backslash.
        Err(e)
            if target == Format::Sshcom
                && key.comment().contains(['\r', '\n', '\\'])
                && matches!(e.kind(), ErrorKind::InvalidRequest(_)) =>
        {
            return;
        }
        Err(e)
            if target == Format::Ppk
                && key.comment().contains(['\r', '\n'])
                && matches!(e.kind(), ErrorKind::InvalidRequest(_)) =>
        {
            return;
        }
        Err(e) => panic!("{source} → {target}: encoding a decoded key failed: {e}"),
    };
    let file = KeyFile::decode(&encoded)
        .unwrap_or_else(|e| panic!("{source} → {target}: our output does not decode: {e}"));
    assert_eq!(
        file.format(),
        target,
        "{source} → {target}: detected as another format"
    );
    let back = file
        .private_key(options.passphrase.as_ref(), &KdfLimits::default())
        .unwrap_or_else(|e| panic!("{source} → {target}: our output does not decrypt: {e}"));
    assert_eq!(
        back.public_key().data(),
        key.public_key().data(),
        "{source} → {target}: public"
    );
    assert!(
        back.secret() == key.secret(),
        "{source} → {target}: secret differs"
    );
    if carries_comment(source) && carries_comment(target) {
        let expected = comment_through(key.comment(), target);
        assert_eq!(back.comment(), expected, "{source} → {target}: comment");
    }
}

fn public_roundtrip(key: &PublicKey, source: Format, target: Format) {
    let encoded = match encode_public(key, target) {
        Ok(encoded) => encoded,
        Err(e) if matches!(e.kind(), ErrorKind::UnsupportedTarget { .. }) => return,
        Err(e) => panic!("{source} → {target}: encoding a decoded public key failed: {e}"),
    };
    let keys = KeyFile::decode(encoded.as_bytes())
        .unwrap_or_else(|e| panic!("{source} → {target}: our output does not decode: {e}"))
        .public_keys();
    assert_eq!(keys.len(), 1, "{source} → {target}: {} keys", keys.len());
    let back = keys.first().unwrap_or_else(|| unreachable!());
    assert_eq!(
        back.data(),
        key.data(),
        "{source} → {target}: public key differs"
    );
    if carries_comment(source) && carries_comment(target) {
        let expected = comment_through(key.comment(), target);
        assert_eq!(back.comment(), expected, "{source} → {target}: comment");
    }
}
