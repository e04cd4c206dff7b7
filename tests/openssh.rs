//! OpenSSH private keys (`openssh-key-v1`): every file of the corpus made by ssh-keygen and
//! PuTTYgen is read and checked against its reference public key; our output is read back by
//! ssh-keygen and PuTTYgen; hostile input gives errors, never panics.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Entry, have_tool, manifest_of, passphrase, run, tempdir, testdata, type_and_blob};
use keyconv::format::Target;
use keyconv::format::openssh::{OpensshCipher, OpensshOptions};
use keyconv::protection::Scheme;
use keyconv::{
    ErrorKind, Format, Kdf, KdfLimits, KeyFile, Passphrase, PrivateKey, Protection, encode_private,
};
use zeroize::Zeroizing;

/// The names of every cipher keyconv writes (and ssh-keygen writes).
fn cipher_names() -> Vec<&'static str> {
    OpensshCipher::ALL.iter().map(|c| c.name()).collect()
}

const LABEL: &str = "OPENSSH PRIVATE KEY";
const MAGIC: &[u8] = b"openssh-key-v1\0";

fn limits() -> KdfLimits {
    KdfLimits::default()
}

fn wrong() -> Passphrase {
    Passphrase::from("not the passphrase")
}

fn corpus_passphrase() -> Passphrase {
    Passphrase::new(passphrase("passphrase"))
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(testdata().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The comment of a one-line public key (words after the blob).
fn comment_of(line: &str) -> String {
    line.split_whitespace()
        .skip(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The one-line public key of a file we decoded, as `TYPE BASE64`.
fn our_type_and_blob(key: &keyconv::PublicKey) -> String {
    type_and_blob(&keyconv::encode_public(key, Format::Public).unwrap())
}

/// The binary inside the armour of an OpenSSH private key file.
fn unarmour(file: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(file).unwrap();
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::trim)
        .collect();
    base64_decode(&body)
}

fn armour(body: &[u8], width: usize) -> Vec<u8> {
    let b64 = base64_encode(body);
    let mut out = format!("-----BEGIN {LABEL}-----\n");
    for chunk in b64.as_bytes().chunks(width) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {LABEL}-----\n"));
    out.into_bytes()
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from_be_bytes([0, b[0], b[1], b[2]]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = B64.iter().position(|&x| x == c).expect("base64") as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Offsets of the fields of an `openssh-key-v1` binary: (cipher name, KDF options, public key,
/// private section) length fields.
struct Layout {
    cipher_len: usize,
    kdf_options_len: usize,
    public_len: usize,
    section_len: usize,
}

fn layout(body: &[u8]) -> Layout {
    let u32_at = |at: usize| u32::from_be_bytes(body[at..at + 4].try_into().unwrap()) as usize;
    let cipher_len = MAGIC.len();
    let kdf_name_len = cipher_len + 4 + u32_at(cipher_len);
    let kdf_options_len = kdf_name_len + 4 + u32_at(kdf_name_len);
    let keys = kdf_options_len + 4 + u32_at(kdf_options_len);
    let public_len = keys + 4;
    let section_len = public_len + 4 + u32_at(public_len);
    Layout {
        cipher_len,
        kdf_options_len,
        public_len,
        section_len,
    }
}

/// Decodes and, when that works, asks for the private key: the error of whichever fails.
fn open(input: &[u8], pass: Option<&Passphrase>) -> keyconv::Result<PrivateKey> {
    KeyFile::decode_as(input, Format::OpenSsh)?.private_key(pass, &limits())
}

fn is_ssh_keygen(e: &Entry) -> bool {
    e.maker.starts_with("ssh-keygen")
}

// ------------------------------------------------------------------ reading the corpus

#[test]
fn reads_every_openssh_file_of_the_corpus() {
    let entries = manifest_of("openssh");
    let mut ciphers = BTreeSet::new();
    let mut keys = BTreeSet::new();
    let mut makers = BTreeSet::new();
    for e in &entries {
        let input = std::fs::read(e.path()).unwrap();
        let file = KeyFile::decode(&input).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        assert_eq!(file.format(), Format::OpenSsh, "{}", e.file);
        let reference = e.reference_pub();
        let public = file.public_keys();
        assert_eq!(public.len(), 1, "{}", e.file);
        assert_eq!(
            our_type_and_blob(&public[0]),
            e.reference_type_and_blob(),
            "{}: public key without the passphrase",
            e.file
        );
        assert_eq!(file.protection().is_encrypted(), e.encrypted, "{}", e.file);

        let right = e
            .passphrase_file
            .as_deref()
            .map(|f| Passphrase::new(passphrase(f)));
        let key = file
            .private_key(right.as_ref(), &limits())
            .unwrap_or_else(|err| panic!("{}: {err}", e.file));
        assert_eq!(
            our_type_and_blob(key.public_key()),
            e.reference_type_and_blob(),
            "{}",
            e.file
        );
        // PuTTYgen keeps the comment of the key it converts, so this holds for its files too.
        assert_eq!(key.comment(), comment_of(&reference), "{}", e.file);

        if let Protection::Encrypted {
            scheme,
            cipher,
            kdf,
        } = file.protection()
        {
            assert_eq!(scheme, Scheme::OpenSsh);
            assert!(
                cipher_names().contains(&cipher.ssh_name()),
                "{}: {cipher}",
                e.file
            );
            assert!(
                matches!(
                    kdf,
                    Kdf::Bcrypt {
                        rounds: 4 | 16,
                        salt_len: 16
                    }
                ),
                "{}: {kdf:?}",
                e.file
            );
            if is_ssh_keygen(e) {
                let suffix = e.file.rsplit_once(".openssh-").unwrap().1;
                assert!(
                    cipher.ssh_name().starts_with(
                        suffix
                            .trim_end_matches("-utf8pass")
                            .trim_end_matches("-r16")
                    ),
                    "{}: {cipher}",
                    e.file
                );
            }
            ciphers.insert(cipher.ssh_name());
            assert!(public[0].comment().is_empty(), "the comment is encrypted");
            let err = file.private_key(Some(&wrong()), &limits()).unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::IncorrectPassphrase, "{}", e.file);
            let err = file.private_key(None, &limits()).unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::PassphraseRequired, "{}", e.file);
        } else {
            assert_eq!(public[0].comment(), comment_of(&reference), "{}", e.file);
        }
        keys.insert(e.key.clone());
        makers.insert(e.maker.split_whitespace().next().unwrap().to_owned());
    }
    // Nothing vacuous: every cipher, every key type, both tools.
    assert_eq!(ciphers.len(), cipher_names().len(), "{ciphers:?}");
    assert!(keys.len() >= 9, "{keys:?}");
    assert!(keys.contains("ed448"), "PuTTYgen's ssh-ed448");
    assert_eq!(
        makers.into_iter().collect::<Vec<_>>(),
        ["puttygen", "ssh-keygen"]
    );
    eprintln!(
        "read {} openssh files of {} keys",
        entries.len(),
        keys.len()
    );
}

#[test]
fn reads_crlf_and_any_line_width() {
    let original = read("rsa-2048.openssh");
    let key = open(&original, None).unwrap();
    let body = unarmour(&original);
    for width in [1, 63, 64, 76, 1000] {
        let crlf = String::from_utf8(armour(&body, width))
            .unwrap()
            .replace('\n', "\r\n");
        assert_eq!(open(crlf.as_bytes(), None).unwrap(), key, "width {width}");
    }
}

// ------------------------------------------------------------------ writing

/// An OpenSSH target with `cipher` and 2 rounds, and the passphrase to encrypt with.
struct Options {
    openssh: OpensshOptions,
    passphrase: Option<Passphrase>,
}

fn options(cipher: &str, pass: Option<&Passphrase>) -> Options {
    Options {
        passphrase: pass.cloned(),
        openssh: OpensshOptions {
            cipher: cipher.parse().unwrap(),
            rounds: 2,
            ..OpensshOptions::default()
        },
    }
}

fn encode(key: &PrivateKey, o: &Options) -> keyconv::Result<Zeroizing<Vec<u8>>> {
    encode_private(
        key,
        &Target::OpenSsh(o.openssh.clone()),
        o.passphrase.as_ref(),
    )
}

/// The unencrypted keys ssh-keygen made, one of each type.
fn source_keys() -> Vec<(&'static str, PrivateKey)> {
    [
        "rsa-2048",
        "dsa-1024",
        "ecdsa-256",
        "ecdsa-384",
        "ecdsa-521",
        "ed25519",
    ]
    .into_iter()
    .map(|k| (k, open(&read(&format!("{k}.openssh")), None).unwrap()))
    .collect()
}

fn write_private(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// Every (key, cipher) we write, `None` meaning unencrypted.
fn variants() -> Vec<Option<&'static str>> {
    std::iter::once(None)
        .chain(cipher_names().into_iter().map(Some))
        .collect()
}

#[test]
fn ssh_keygen_reads_what_we_write_with_every_cipher() {
    let pass = corpus_passphrase();
    let have = have_tool("ssh-keygen");
    let dir = tempdir();
    let mut checked = 0;
    for (name, key) in source_keys() {
        let reference = std::fs::read_to_string(testdata().join(format!("{name}.pub"))).unwrap();
        for cipher in variants() {
            let p = cipher.map(|_| &pass);
            let out = encode(&key, &options(cipher.unwrap_or("aes256-ctr"), p)).unwrap();
            let label = format!("{name} {cipher:?}");
            // Shape: as ssh-keygen writes it.
            let text = std::str::from_utf8(&out).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines[0], "-----BEGIN OPENSSH PRIVATE KEY-----", "{label}");
            assert_eq!(*lines.last().unwrap(), "-----END OPENSSH PRIVATE KEY-----");
            assert!(text.ends_with("-----\n"));
            let body = &lines[1..lines.len() - 1];
            assert!(
                body[..body.len() - 1].iter().all(|l| l.len() == 70),
                "{label}"
            );
            assert!(body.last().unwrap().len() <= 70);

            // We read it back: the same key, comment and protection.
            let file = KeyFile::decode(&out).unwrap();
            match (cipher, file.protection()) {
                (None, Protection::None) => {}
                (Some(c), Protection::Encrypted { cipher, kdf, .. }) => {
                    assert_eq!(cipher.ssh_name(), c);
                    assert_eq!(
                        kdf,
                        Kdf::Bcrypt {
                            rounds: 2,
                            salt_len: 16
                        }
                    );
                }
                (_, other) => panic!("{label}: {other:?}"),
            }
            assert_eq!(file.private_key(p, &limits()).unwrap(), key, "{label}");
            if cipher.is_some() {
                let e = file.private_key(Some(&wrong()), &limits()).unwrap_err();
                assert_eq!(e.kind(), &ErrorKind::IncorrectPassphrase, "{label}");
            }

            if !have {
                continue;
            }
            let path = write_private(dir.path(), "key", &out);
            let pw = String::from_utf8(pass.as_bytes().to_vec()).unwrap();
            let o = run(Command::new("ssh-keygen")
                .arg("-y")
                .arg("-P")
                .arg(if cipher.is_some() { pw.as_str() } else { "" })
                .arg("-f")
                .arg(&path));
            assert!(
                o.status.success(),
                "{label}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            // ssh-keygen 9 prints the comment after the key.
            assert_eq!(String::from_utf8(o.stdout).unwrap(), reference, "{label}");
            if cipher.is_none() {
                let o = run(Command::new("ssh-keygen").arg("-l").arg("-f").arg(&path));
                assert!(o.status.success(), "{label}");
                let line = String::from_utf8(o.stdout).unwrap();
                assert!(
                    line.contains(&format!(" {} (", key.comment())),
                    "{label}: {line}"
                );
                assert_eq!(
                    line.trim_end(),
                    key.public_key()
                        .fingerprint_line(keyconv::FingerprintHash::Sha256),
                    "{label}"
                );
            } else {
                let o = run(Command::new("ssh-keygen")
                    .args(["-y", "-P", "wrong", "-f"])
                    .arg(&path));
                assert!(
                    !o.status.success(),
                    "{label}: ssh-keygen took a wrong passphrase"
                );
            }
            checked += 1;
        }
    }
    if have {
        assert_eq!(checked, 6 * 11);
    }
}

/// PuTTYgen 0.78 imports `openssh-key-v1` with cipher `none`, `aes256-ctr` and `aes256-cbc`
/// only (its `import.c`); every other cipher must be refused by it, not misread.
#[test]
fn puttygen_reads_what_we_write() {
    if !have_tool("puttygen") {
        return;
    }
    let puttygen_ciphers = [None, Some("aes256-ctr"), Some("aes256-cbc")];
    let pass = corpus_passphrase();
    let dir = tempdir();
    let pass_file = testdata().join("passphrase");
    let empty = dir.path().join("empty");
    std::fs::write(&empty, b"").unwrap();
    for (name, key) in source_keys() {
        let reference = std::fs::read_to_string(testdata().join(format!("{name}.pub"))).unwrap();
        for cipher in variants() {
            let p = cipher.map(|_| &pass);
            let out = encode(&key, &options(cipher.unwrap_or("aes256-ctr"), p)).unwrap();
            let path = write_private(dir.path(), "key", &out);
            let o = run(Command::new("puttygen")
                .arg(&path)
                .args([
                    "-O",
                    "public-openssh",
                    "-o",
                    "/dev/stdout",
                    "--old-passphrase",
                ])
                .arg(if cipher.is_some() { &pass_file } else { &empty })
                .stdin(std::process::Stdio::null()));
            let label = format!("{name} {cipher:?}");
            if puttygen_ciphers.contains(&cipher) {
                assert!(
                    o.status.success(),
                    "{label}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
                assert_eq!(String::from_utf8(o.stdout).unwrap(), reference, "{label}");
            } else {
                assert!(
                    !o.status.success(),
                    "{label}: puttygen now reads this cipher"
                );
            }
        }
    }
}

// ------------------------------------------------------------------ hostile input

#[test]
fn every_truncation_is_an_error() {
    for name in [
        "rsa-2048.openssh",
        "ed25519.openssh-aes256-gcm",
        "ecdsa-384.openssh-puttygen",
    ] {
        let original = read(name);
        let body = unarmour(&original);
        for len in 0..body.len() {
            let input = armour(&body[..len], 70);
            assert!(open(&input, None).is_err(), "{name} cut to {len} bytes");
        }
        // The text itself, cut anywhere before its END line is complete.
        let text = std::str::from_utf8(&original).unwrap();
        let complete = text.trim_end().len();
        for len in (0..complete).filter(|&l| text.is_char_boundary(l)) {
            assert!(
                open(&text.as_bytes()[..len], None).is_err(),
                "{name} text cut to {len} bytes"
            );
        }
    }
}

/// A flipped bit anywhere in an unencrypted key is an error, except in the comment, which is
/// the only thing it may change.
#[test]
fn every_bit_flip_is_an_error_or_changes_only_the_comment() {
    for name in ["ed25519.openssh", "ecdsa-256.openssh-puttygen"] {
        let original = read(name);
        let key = open(&original, None).unwrap();
        let body = unarmour(&original);
        let (mut errors, mut comments) = (0, 0);
        for bit in 0..body.len() * 8 {
            let mut flipped = body.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            match open(&armour(&flipped, 70), None) {
                Err(_) => errors += 1,
                Ok(mut other) => {
                    assert_ne!(other.comment(), key.comment(), "{name} bit {bit}");
                    other.set_comment(key.comment());
                    assert_eq!(other, key, "{name} bit {bit}");
                    comments += 1;
                }
            }
        }
        assert!(
            errors > 0 && comments > 0,
            "{name}: {errors} errors, {comments} comments"
        );
    }
}

/// With an AEAD cipher, any change to the encrypted section or its tag fails authentication.
#[test]
fn aead_detects_every_changed_byte() {
    let pass = corpus_passphrase();
    let key = open(&read("ed25519.openssh"), None).unwrap();
    for cipher in ["aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com"] {
        let mut opts = options(cipher, Some(&pass));
        opts.openssh.rounds = 1;
        let out = encode(&key, &opts).unwrap();
        let body = unarmour(&out);
        let start = layout(&body).section_len + 4;
        for at in start..body.len() {
            let mut changed = body.clone();
            changed[at] ^= 0x40;
            let e = open(&armour(&changed, 70), Some(&pass)).unwrap_err();
            assert_eq!(
                e.kind(),
                &ErrorKind::IncorrectPassphrase,
                "{cipher} byte {at}"
            );
        }
    }
}

#[test]
fn huge_length_fields_are_errors() {
    for name in [
        "ed25519.openssh",
        "ed25519.openssh-aes256-ctr",
        "rsa-4096.openssh",
    ] {
        let body = unarmour(&read(name));
        let l = layout(&body);
        for at in [l.cipher_len, l.kdf_options_len, l.public_len, l.section_len] {
            for huge in [0xFFFF_FFF0u32, 0x8000_0000, 0x7FFF_FFFF, 0x0100_0000] {
                let mut changed = body.clone();
                changed[at..at + 4].copy_from_slice(&huge.to_be_bytes());
                let e = open(&armour(&changed, 70), None).unwrap_err();
                assert!(
                    matches!(e.kind(), ErrorKind::Malformed { .. }),
                    "{name} length at {at} = {huge:#x}: {e}"
                );
            }
        }
    }
}

#[test]
fn kdf_bomb_is_refused_before_deriving() {
    let body = unarmour(&read("ed25519.openssh-aes256-ctr"));
    let l = layout(&body);
    // kdfoptions: string salt (16 bytes), uint32 rounds.
    let rounds_at = l.kdf_options_len + 4 + 4 + 16;
    let mut bomb = body.clone();
    bomb[rounds_at..rounds_at + 4].copy_from_slice(&0x7FFF_FFFFu32.to_be_bytes());
    let input = armour(&bomb, 70);
    let file = KeyFile::decode(&input).unwrap();
    assert!(matches!(
        file.protection(),
        Protection::Encrypted {
            kdf: Kdf::Bcrypt {
                rounds: 0x7FFF_FFFF,
                ..
            },
            ..
        }
    ));
    let started = Instant::now();
    let e = file
        .private_key(Some(&corpus_passphrase()), &limits())
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(
        e.kind(),
        &ErrorKind::KdfTooExpensive {
            parameter: "bcrypt rounds",
            value: 0x7FFF_FFFF,
            limit: 1_600
        }
    );
}

#[test]
fn invalid_openssh_files_are_rejected_with_the_right_kind() {
    let dir = testdata().join("invalid");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !name.starts_with("openssh-") {
            continue;
        }
        let input = std::fs::read(&path).unwrap();
        let e = open(&input, Some(&corpus_passphrase())).unwrap_err();
        let kind = e.kind();
        let ok = match name.as_str() {
            "openssh-bcrypt-rounds-2147483647" => matches!(kind, ErrorKind::KdfTooExpensive { .. }),
            "openssh-bitflip-in-public" => matches!(kind, ErrorKind::InconsistentKey(_)),
            "openssh-unknown-cipher" => matches!(kind, ErrorKind::UnsupportedScheme(_)),
            _ => matches!(kind, ErrorKind::Malformed { .. }),
        };
        assert!(ok, "{name}: {kind:?}");
        seen += 1;
    }
    assert!(
        seen >= 14,
        "only {seen} openssh-* files in testdata/invalid"
    );
}
