//! PuTTY `.ppk`: every corpus file read and checked against `<key>.pub`, puttygen's files
//! re-encoded byte for byte, our output read back by the real puttygen, and hostile files refused
//! quickly.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Entry, have_tool, manifest_of, passphrase, run, tempdir, testdata, type_and_blob};
use hmac::{Hmac, KeyInit, Mac};
use keyconv::format::Target;
use keyconv::format::ppk::{self, Argon2Options, Argon2Variant, PpkOptions, PpkVersion};
use keyconv::key::{SecretBytes, SecretKeyData};
use keyconv::{
    ErrorKind, Format, Kdf, KdfLimits, KeyFile, Passphrase, PrivateKey, Protection, encode_private,
};

fn entries() -> Vec<Entry> {
    let entries = manifest_of("ppk");
    assert!(
        entries.len() >= 70,
        "the corpus has {} ppk rows",
        entries.len()
    );
    entries
}

fn pass_of(e: &Entry) -> Option<Passphrase> {
    e.passphrase_file
        .as_deref()
        .map(|f| Passphrase::new(passphrase(f)))
}

/// The comment of the reference public key line (everything after type and blob).
fn reference_comment(e: &Entry) -> String {
    let line = e.reference_pub();
    line.trim_end()
        .splitn(3, ' ')
        .nth(2)
        .unwrap_or_default()
        .to_owned()
}

fn key_line(key: &keyconv::PublicKey) -> String {
    keyconv::encode_public(key, Format::Public).unwrap()
}

fn read(e: &Entry) -> (String, KeyFile) {
    let bytes = std::fs::read(e.path()).unwrap();
    let file = KeyFile::decode(&bytes).unwrap_or_else(|err| panic!("{}: {err}", e.file));
    (String::from_utf8(bytes).unwrap(), file)
}

fn header<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
        .map(|v| v.trim_end_matches('\r'))
}

/// The options that reproduce a puttygen file: its version, KDF parameters and salt.
fn options_of(text: &str, protection: &Protection) -> PpkOptions {
    if text.starts_with("PuTTY-User-Key-File-2:") {
        return PpkOptions::V2;
    }
    let mut options = Argon2Options::default();
    if let Protection::Encrypted {
        kdf:
            Kdf::Argon2 {
                variant,
                memory_kib,
                passes,
                parallelism,
                ..
            },
        ..
    } = protection
    {
        options.variant = *variant;
        options.memory_kib = *memory_kib;
        options.passes = *passes;
        options.parallelism = *parallelism;
        let salt = hex::decode(header(text, "Argon2-Salt").unwrap()).unwrap();
        options.salt = Some(salt.try_into().unwrap());
    }
    PpkOptions::V3(options)
}

#[test]
fn every_corpus_file_decodes_to_its_reference_key_with_its_comment() {
    let mut key_types = std::collections::BTreeSet::new();
    for e in entries() {
        let (text, file) = read(&e);
        assert_eq!(file.format(), Format::Ppk, "{}", e.file);

        // The public half and comment are readable without the passphrase.
        let public = file.public_keys();
        assert_eq!(public.len(), 1, "{}", e.file);
        assert_eq!(
            type_and_blob(&key_line(&public[0])),
            e.reference_type_and_blob(),
            "{}",
            e.file
        );
        assert_eq!(public[0].comment(), reference_comment(&e), "{}", e.file);

        // Protection, as inspect reports it.
        let protection = file.protection();
        assert_eq!(protection.is_encrypted(), e.encrypted, "{}", e.file);
        if let Protection::Encrypted {
            scheme,
            cipher,
            kdf,
        } = &protection
        {
            assert_eq!(protection.cipher_name(), Some("aes256-cbc"));
            assert_eq!(*cipher, keyconv::Cipher::Aes256Cbc);
            if e.file.contains(".ppk2") {
                assert_eq!(
                    (scheme.name(), kdf),
                    ("ppk-v2", &Kdf::PpkSha1),
                    "{}",
                    e.file
                );
            } else {
                let Kdf::Argon2 {
                    variant,
                    memory_kib,
                    passes,
                    parallelism,
                    salt_len,
                } = kdf
                else {
                    panic!("{}: {kdf:?}", e.file)
                };
                assert_eq!(scheme.name(), "ppk-v3");
                let expected = ["argon2d", "argon2i"]
                    .into_iter()
                    .find(|v| e.file.ends_with(v))
                    .unwrap_or("argon2id");
                assert_eq!(variant.name(), expected, "{}", e.file);
                assert_eq!(*memory_kib, 8192);
                let expected_passes = if e.file.ends_with("passes8") { 8 } else { 2 };
                assert_eq!(*passes, expected_passes, "{}", e.file);
                let lanes = if e.file.ends_with("-p4") { 4 } else { 1 };
                assert_eq!(*parallelism, lanes, "{}", e.file);
                assert_eq!(*salt_len, 16);
                assert_eq!(header(&text, "Argon2-Passes"), Some(&*passes.to_string()));
            }
        }

        // The private key, and what a wrong or missing passphrase gives.
        let pass = pass_of(&e);
        let key = file
            .private_key(pass.as_ref(), &KdfLimits::default())
            .unwrap_or_else(|err| panic!("{}: {err}", e.file));
        assert_eq!(key.public_key(), &public[0], "{}", e.file);
        key_types.insert(key.key_type().ssh_name());
        if e.encrypted {
            let wrong = Passphrase::from("wrong passphrase");
            let err = file
                .private_key(Some(&wrong), &KdfLimits::default())
                .unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::IncorrectPassphrase, "{}", e.file);
            assert!(err.may_be_corrupted(), "{}", e.file);
            assert_eq!(err.to_string(), "incorrect passphrase or corrupted file");
            let err = file.private_key(None, &KdfLimits::default()).unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::PassphraseRequired, "{}", e.file);
        }
    }
    assert_eq!(key_types.len(), 7, "{key_types:?}");
}

/// Known-answer test: decoding puttygen's file and encoding it again with the same passphrase,
/// parameters and salt gives puttygen's bytes back (LF line ends, as puttygen writes).
#[test]
fn reencoding_puttygen_files_is_byte_identical() {
    let mut count = 0;
    for e in entries() {
        let (text, file) = read(&e);
        let pass = pass_of(&e);
        let key = file
            .private_key(pass.as_ref(), &KdfLimits::default())
            .unwrap();
        let target = Target::Ppk(options_of(&text, &file.protection()));
        let ours = encode_private(&key, &target, pass.as_ref()).unwrap();
        let ours = String::from_utf8(ours.to_vec()).unwrap();
        assert_eq!(ours, text.replace("\r\n", "\n"), "{}", e.file);
        count += 1;
    }
    assert!(count >= 70);
}

#[test]
fn rsa_keys_are_written_with_the_larger_prime_first_as_puttygen_does() {
    let e = entries()
        .into_iter()
        .find(|e| e.file == "rsa-2048.ppk3")
        .unwrap();
    let (text, file) = read(&e);
    let key = file.private_key(None, &KdfLimits::default()).unwrap();
    let SecretKeyData::Rsa { d, p, q, .. } = key.secret() else {
        panic!("not RSA")
    };
    // The same key with its primes swapped (p < q) and iqmp = p⁻¹ mod q to match that order:
    // a valid key that puttygen would write with p > q.
    let swapped_iqmp = inverse(p.as_bytes(), q.as_bytes());
    let swapped = PrivateKey::new(
        key.public_key().clone(),
        SecretKeyData::Rsa {
            d: d.clone(),
            p: q.clone(),
            q: p.clone(),
            iqmp: SecretBytes::new(swapped_iqmp),
        },
    )
    .unwrap();
    let out = ppk::encode(&swapped, &PpkOptions::default(), None).unwrap();
    assert_eq!(out, text);
}

/// `a⁻¹ mod m` of big-endian magnitudes.
fn inverse(a: &[u8], m: &[u8]) -> Vec<u8> {
    use crypto_bigint::{BoxedUint, NonZero, Resize};
    let (a, m) = (
        BoxedUint::from_be_slice_vartime(a),
        BoxedUint::from_be_slice_vartime(m),
    );
    let bits = a.bits_precision().max(m.bits_precision());
    let (a, m) = (a.try_resize(bits).unwrap(), m.try_resize(bits).unwrap());
    let inv = a.invert_mod(&NonZero::new(m).unwrap()).unwrap();
    inv.to_be_bytes_trimmed_vartime().to_vec()
}

/// One decoded key per key type (from the unencrypted v3 files).
fn one_key_per_type() -> Vec<(Entry, PrivateKey)> {
    entries()
        .into_iter()
        .filter(|e| e.file.ends_with(".ppk3"))
        .map(|e| {
            let (_, file) = read(&e);
            let key = file.private_key(None, &KdfLimits::default()).unwrap();
            (e, key)
        })
        .collect()
}

/// Small Argon2 parameters so that puttygen and the debug build are quick.
fn fast_options(version: u8) -> PpkOptions {
    match version {
        2 => PpkOptions::V2,
        _ => PpkOptions::V3(fast_argon2()),
    }
}

fn fast_argon2() -> Argon2Options {
    Argon2Options {
        variant: Argon2Variant::Argon2id,
        memory_kib: 256,
        passes: 1,
        parallelism: 1,
        salt: None,
        ..Argon2Options::default()
    }
}

fn puttygen(args: &[&std::ffi::OsStr]) -> String {
    let out = run(Command::new("puttygen")
        .args(args)
        .stdin(std::process::Stdio::null()));
    assert!(
        out.status.success(),
        "puttygen {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn puttygen_reads_our_v2_and_v3_output_for_every_key_type() {
    if !have_tool("puttygen") {
        return;
    }
    let dir = tempdir();
    let pass_file = dir.path().join("pass");
    let empty_file = dir.path().join("empty");
    let pass = Passphrase::new(passphrase("passphrase-utf8"));
    std::fs::write(&pass_file, pass.as_bytes()).unwrap();
    std::fs::write(&empty_file, b"").unwrap();
    let keys = one_key_per_type();
    assert_eq!(keys.len(), 10);
    let mut checked = 0;
    for (e, key) in &keys {
        for version in [2u8, 3] {
            for encrypted in [false, true] {
                let ours = encode_private(
                    key,
                    &Target::Ppk(fast_options(version)),
                    encrypted.then_some(&pass),
                )
                .unwrap();
                let name = format!("{}-v{version}-{encrypted}", e.key);
                let path = dir.path().join(format!("{name}.ppk"));
                std::fs::write(&path, &ours).unwrap();
                let old = if encrypted { &pass_file } else { &empty_file };

                // The public line, with the comment.
                let listed = puttygen(&[
                    path.as_os_str(),
                    "--old-passphrase".as_ref(),
                    old.as_os_str(),
                    "-L".as_ref(),
                ]);
                assert_eq!(listed, e.reference_pub(), "{name}");

                // A full private load (MAC, decryption, key check), exported to OpenSSH, whose
                // public line puttygen then prints.
                let exported = dir.path().join(format!("{name}.openssh"));
                puttygen(&[
                    path.as_os_str(),
                    "--old-passphrase".as_ref(),
                    old.as_os_str(),
                    "-O".as_ref(),
                    "private-openssh-new".as_ref(),
                    "-o".as_ref(),
                    exported.as_os_str(),
                ]);
                let listed = puttygen(&[
                    exported.as_os_str(),
                    "--old-passphrase".as_ref(),
                    old.as_os_str(),
                    "-L".as_ref(),
                ]);
                assert_eq!(listed, e.reference_pub(), "{name} via OpenSSH");

                // And our own reader agrees.
                let back = KeyFile::decode(&ours).unwrap();
                assert_eq!(
                    &back
                        .private_key(Some(&pass), &KdfLimits::default())
                        .unwrap(),
                    key
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 40);
}

#[test]
fn every_argon2_variant_and_lane_count_round_trips_through_puttygen() {
    if !have_tool("puttygen") {
        return;
    }
    let dir = tempdir();
    let pass = Passphrase::from("correct horse battery");
    let pass_file = dir.path().join("pass");
    std::fs::write(&pass_file, pass.as_bytes()).unwrap();
    let (e, key) = one_key_per_type()
        .into_iter()
        .find(|(e, _)| e.key == "ed25519")
        .unwrap();
    for variant in [
        Argon2Variant::Argon2id,
        Argon2Variant::Argon2i,
        Argon2Variant::Argon2d,
    ] {
        for lanes in [1, 4] {
            let options = PpkOptions::V3(Argon2Options {
                variant,
                memory_kib: 512,
                passes: 3,
                parallelism: lanes,
                salt: Some([0x5a; 16]),
                ..Argon2Options::default()
            });
            let ours = ppk::encode(&key, &options, Some(&pass)).unwrap();
            assert!(ours.contains(&format!("Key-Derivation: {}\n", variant.ppk_name())));
            assert!(ours.contains(&format!("Argon2-Parallelism: {lanes}\n")));
            let path = dir.path().join("k.ppk");
            std::fs::write(&path, &ours).unwrap();
            let exported = dir.path().join("k.openssh");
            let _ = std::fs::remove_file(&exported);
            puttygen(&[
                path.as_os_str(),
                "--old-passphrase".as_ref(),
                pass_file.as_os_str(),
                "-O".as_ref(),
                "private-openssh-new".as_ref(),
                "-o".as_ref(),
                exported.as_os_str(),
            ]);
            let listed = puttygen(&[
                exported.as_os_str(),
                "--old-passphrase".as_ref(),
                pass_file.as_os_str(),
                "-L".as_ref(),
            ]);
            assert_eq!(listed, e.reference_pub(), "{variant:?} × {lanes}");
        }
    }
}

#[test]
fn default_options_write_puttygen_defaults() {
    let (_, key) = one_key_per_type()
        .into_iter()
        .find(|(e, _)| e.key == "ed25519")
        .unwrap();
    let pass = Passphrase::from("x");
    let a = ppk::encode(&key, &PpkOptions::default(), Some(&pass)).unwrap();
    let b = ppk::encode(&key, &PpkOptions::default(), Some(&pass)).unwrap();
    assert!(a.starts_with("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc\n"));
    assert_eq!(header(&a, "Key-Derivation"), Some("Argon2id"));
    assert_eq!(header(&a, "Argon2-Memory"), Some("8192"));
    assert_eq!(
        header(&a, "Argon2-Passes"),
        Some(&*ppk::DEFAULT_ARGON2_PASSES.to_string())
    );
    assert_eq!(header(&a, "Argon2-Parallelism"), Some("1"));
    assert_eq!(header(&a, "Argon2-Salt").unwrap().len(), 32);
    assert_ne!(
        header(&a, "Argon2-Salt"),
        header(&b, "Argon2-Salt"),
        "the salt is random"
    );
    // An empty passphrase means no encryption, as in puttygen.
    let plain = ppk::encode(&key, &PpkOptions::default(), Some(&Passphrase::from(""))).unwrap();
    assert!(plain.contains("Encryption: none\n"));
    assert!(!plain.contains("Key-Derivation"));
    assert!(!plain.contains('\r'));
}

#[test]
fn bad_write_options_are_usage_errors() {
    let (_, mut key) = one_key_per_type()
        .into_iter()
        .find(|(e, _)| e.key == "ed25519")
        .unwrap();
    let pass = Passphrase::from("x");
    // A version that does not exist cannot be built; it is refused where it is named.
    let err = "4".parse::<PpkVersion>().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidRequest(_)), "{err}");
    let cases = [
        PpkOptions::V3(Argon2Options {
            passes: 0,
            ..fast_argon2()
        }),
        PpkOptions::V3(Argon2Options {
            parallelism: 0,
            ..fast_argon2()
        }),
        PpkOptions::V3(Argon2Options {
            memory_kib: 7,
            ..fast_argon2()
        }),
    ];
    for options in cases {
        let err = ppk::encode(&key, &options, Some(&pass)).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidRequest(_)),
            "{options:?}: {err}"
        );
    }
    key.set_comment("two\nlines");
    let err = ppk::encode(&key, &fast_options(3), None).unwrap_err();
    assert!(err.to_string().contains("line break"), "{err}");
}

// ---------------------------------------------------------------- hostile input

/// Decodes `text` and asks for the private key with the corpus passphrase; returns the error,
/// checking it came within a second.
fn refuse(text: &str) -> keyconv::Error {
    let start = Instant::now();
    let pass = Passphrase::new(passphrase("passphrase"));
    let result = KeyFile::decode(text.as_bytes())
        .and_then(|f| f.private_key(Some(&pass), &KdfLimits::default()));
    let elapsed = start.elapsed();
    assert!(
        elapsed < Duration::from_secs(1),
        "took {elapsed:?} to refuse"
    );
    match result {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

fn is_malformed(e: &keyconv::Error) -> bool {
    matches!(e.kind(), ErrorKind::Malformed { .. })
}

fn corpus(name: &str) -> String {
    std::fs::read_to_string(testdata().join(name)).unwrap()
}

fn set_header(text: &str, name: &str, value: &str) -> String {
    text.lines()
        .map(|l| match l.strip_prefix(name) {
            Some(rest) if rest.starts_with(": ") => format!("{name}: {value}\n"),
            _ => format!("{l}\n"),
        })
        .collect()
}

fn without_header(text: &str, name: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with(&format!("{name}: ")))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A v3 unencrypted file with a freshly computed (valid) MAC: HMAC-SHA-256, empty key.
fn ppk3_with_valid_mac(alg: &str, comment: &str, public: &[u8], private: &[u8]) -> String {
    fn string(out: &mut Vec<u8>, b: &[u8]) {
        out.extend_from_slice(&(b.len() as u32).to_be_bytes());
        out.extend_from_slice(b);
    }
    let mut data = Vec::new();
    for field in [alg.as_bytes(), b"none", comment.as_bytes(), public, private] {
        string(&mut data, field);
    }
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(b"").unwrap();
    mac.update(&data);
    let mac = hex::encode(mac.finalize().into_bytes());
    let lines = |b: &[u8]| {
        let s = <base64ct::Base64 as base64ct::Encoding>::encode_string(b);
        let l: Vec<String> = s
            .as_bytes()
            .chunks(64)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect();
        (l.len(), l.join("\n"))
    };
    let (np, pl) = lines(public);
    let (nv, vl) = lines(private);
    format!(
        "PuTTY-User-Key-File-3: {alg}\nEncryption: none\nComment: {comment}\nPublic-Lines: {np}\n{pl}\nPrivate-Lines: {nv}\n{vl}\nPrivate-MAC: {mac}\n"
    )
}

/// The decoded public and private blobs of an unencrypted file.
fn blobs(text: &str) -> (Vec<u8>, Vec<u8>) {
    let lines: Vec<&str> = text.lines().collect();
    let blob = |name: &str| {
        let i = lines
            .iter()
            .position(|l| l.starts_with(&format!("{name}: ")))
            .unwrap();
        let n: usize = lines[i][name.len() + 2..].parse().unwrap();
        let b64: String = lines[i + 1..=i + n].concat();
        <base64ct::Base64 as base64ct::Encoding>::decode_vec(&b64).unwrap()
    };
    (blob("Public-Lines"), blob("Private-Lines"))
}

#[test]
fn our_test_mac_helper_reproduces_puttygen() {
    let text = corpus("ed25519.ppk3");
    let (public, private) = blobs(&text);
    let again = ppk3_with_valid_mac(
        "ssh-ed25519",
        header(&text, "Comment").unwrap(),
        &public,
        &private,
    );
    assert_eq!(again, text);
}

#[test]
fn a_tampered_mac_or_private_blob_is_incorrect_passphrase_or_corrupted() {
    for file in [
        "ed25519.ppk3",
        "ed25519.ppk2",
        "rsa-2048.ppk3-argon2id",
        "dsa-1024.ppk2-aes",
    ] {
        let text = corpus(file);
        let mac = header(&text, "Private-MAC").unwrap();
        let flipped = format!(
            "{}{}",
            &mac[..mac.len() - 1],
            if mac.ends_with('0') { '1' } else { '0' }
        );
        let err = refuse(&set_header(&text, "Private-MAC", &flipped));
        assert_eq!(err.kind(), &ErrorKind::IncorrectPassphrase, "{file}");
        assert_eq!(err.to_string(), "incorrect passphrase or corrupted file");
    }
    // A changed comment is covered by the MAC too.
    let text = corpus("ecdsa-256.ppk3");
    let err = refuse(&set_header(&text, "Comment", "someone-else"));
    assert_eq!(err.kind(), &ErrorKind::IncorrectPassphrase);
    assert!(err.may_be_corrupted());
    assert!(err.hint().unwrap().contains("not encrypted"));
}

#[test]
fn another_keys_public_blob_with_a_valid_mac_is_inconsistent() {
    // Same type, different key: Ed25519 from the corpus against one made here.
    let text = corpus("ed25519.ppk3");
    let (public, _) = blobs(&text);
    let other = PrivateKey::from_secret(
        SecretKeyData::Ed25519(SecretBytes::new(vec![7u8; 32])),
        None,
        "other",
    )
    .unwrap();
    let (_, other_private) = blobs(&ppk::encode(&other, &fast_options(3), None).unwrap());
    let forged = ppk3_with_valid_mac("ssh-ed25519", "x", &public, &other_private);
    let err = refuse(&forged);
    assert!(matches!(err.kind(), ErrorKind::InconsistentKey(_)), "{err}");
    // RSA: the public blob of rsa-1024 with the private blob of rsa-2048.
    let (rsa1024_public, _) = blobs(&corpus("rsa-1024.ppk3"));
    let (_, rsa2048_private) = blobs(&corpus("rsa-2048.ppk3"));
    let forged = ppk3_with_valid_mac("ssh-rsa", "x", &rsa1024_public, &rsa2048_private);
    let err = refuse(&forged);
    assert!(matches!(err.kind(), ErrorKind::InconsistentKey(_)), "{err}");
    // A header that names another algorithm than the public blob.
    let (_, ed_private) = blobs(&text);
    let forged = ppk3_with_valid_mac("ssh-rsa", "x", &public, &ed_private);
    assert!(is_malformed(&refuse(&forged)));
}

#[test]
fn expensive_or_undefined_argon2_parameters_are_refused_before_deriving() {
    let text = corpus("ed25519.ppk3-argon2id");
    let expensive = [
        ("Argon2-Memory", "4194304"),
        ("Argon2-Passes", "2147483648"),
        ("Argon2-Passes", "4294967295"),
        ("Argon2-Parallelism", "1000"),
    ];
    for (name, value) in expensive {
        let err = refuse(&set_header(&text, name, value));
        assert!(
            matches!(err.kind(), ErrorKind::KdfTooExpensive { .. }),
            "{name} {value}: {err}"
        );
        assert!(err.to_string().contains(name), "{err}");
    }
    let undefined = [
        ("Argon2-Parallelism", "0"),
        ("Argon2-Parallelism", "16777216"),
        ("Argon2-Passes", "0"),
        ("Argon2-Memory", "7"),
        ("Argon2-Memory", "18446744073709551616"),
        ("Argon2-Memory", "-1"),
        ("Argon2-Memory", " 8192"),
        ("Argon2-Salt", "abc"),
        ("Argon2-Salt", "zz112233445566778899aabbccddeeff"),
        ("Argon2-Salt", "0011"),
        ("Argon2-Salt", ""),
    ];
    for (name, value) in undefined {
        let err = refuse(&set_header(&text, name, value));
        assert!(is_malformed(&err), "{name} {value:?}: {err}");
        assert!(err.to_string().contains(name), "{name} {value:?}: {err}");
    }
    let err = refuse(&without_header(&text, "Argon2-Salt"));
    assert!(
        is_malformed(&err) && err.to_string().contains("Argon2-Salt"),
        "{err}"
    );
    let err = refuse(&set_header(&text, "Key-Derivation", "scrypt"));
    assert!(
        matches!(err.kind(), ErrorKind::UnsupportedScheme(_)),
        "{err}"
    );

    // The limits can be lifted (here, to let a modest but over-limit lane count through).
    let lifted = KdfLimits {
        allow_expensive: true,
    };
    let file = KeyFile::decode(set_header(&text, "Argon2-Parallelism", "300").as_bytes()).unwrap();
    let pass = Passphrase::new(passphrase("passphrase"));
    let err = file.private_key(Some(&pass), &lifted).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::IncorrectPassphrase);
    assert!(err.may_be_corrupted());
}

#[test]
fn structural_damage_is_malformed_with_a_line_number() {
    let text = corpus("rsa-2048.ppk3");
    let n_private: usize = header(&text, "Private-Lines").unwrap().parse().unwrap();
    let n_public: usize = header(&text, "Public-Lines").unwrap().parse().unwrap();
    let cases = [
        set_header(&text, "Private-Lines", &(n_private + 1).to_string()),
        set_header(&text, "Private-Lines", &(n_private - 1).to_string()),
        set_header(&text, "Public-Lines", &(n_public + 1).to_string()),
        set_header(&text, "Public-Lines", &(n_public - 1).to_string()),
        set_header(&text, "Public-Lines", "4294967295"),
        set_header(&text, "Public-Lines", "5461"),
        set_header(&text, "Private-MAC", "abcd"),
        text.replace("Encryption: none\n", ""),
        format!("{text}trailing garbage\n"),
        text.replacen("Comment: ", "Comment; ", 1),
        text.lines().take(6).map(|l| format!("{l}\n")).collect(),
    ];
    for case in &cases {
        let err = refuse(case);
        assert!(is_malformed(&err), "{err}\n{case}");
        assert!(err.to_string().contains(" at line "), "{err}");
    }
    // A base64 line over 64 characters, even with a valid MAC.
    let ed = corpus("ed25519.ppk3");
    let (public, private) = blobs(&ed);
    let good = ppk3_with_valid_mac("ssh-ed25519", "c", &public, &private);
    let b64 = <base64ct::Base64 as base64ct::Encoding>::encode_string(&public);
    let mut long = String::new();
    for line in good.lines() {
        if line.starts_with("Public-Lines: ") {
            long.push_str(&format!("Public-Lines: 1\n{b64}\n"));
        } else if !b64.contains(line) || line.len() < 8 {
            long.push_str(line);
            long.push('\n');
        }
    }
    assert!(b64.len() > 64);
    let err = refuse(&long);
    assert!(err.to_string().contains("at most 64"), "{err}");
    let huge = good.replacen(
        "Private-Lines: 1\n",
        &format!("Private-Lines: 1\n{}\n", "A".repeat(100_000)),
        1,
    );
    assert!(is_malformed(&refuse(&huge)));
    // Other versions and encryption schemes.
    let err = refuse(&ed.replacen("File-3:", "File-4:", 1));
    assert!(
        matches!(err.kind(), ErrorKind::UnsupportedScheme(_)),
        "{err}"
    );
    let err = refuse(&ed.replacen("File-3:", "File-1:", 1));
    assert!(
        matches!(err.kind(), ErrorKind::UnsupportedScheme(_)),
        "{err}"
    );
    let err = refuse(&set_header(&ed, "Encryption", "aes128-ctr"));
    assert!(
        matches!(err.kind(), ErrorKind::UnsupportedScheme(_)),
        "{err}"
    );
}

#[test]
fn tolerated_variations_still_read() {
    let text = corpus("ecdsa-384.ppk3");
    let reference = KeyFile::decode(text.as_bytes())
        .unwrap()
        .private_key(None, &KdfLimits::default())
        .unwrap();
    let variants = [
        text.replace('\n', "\r\n"),
        text.replace('\n', "\r"),
        format!("\u{feff}{text}"),
        format!("\n\n{text}\n\n"),
    ];
    for v in &variants {
        let key = KeyFile::decode(v.as_bytes())
            .unwrap()
            .private_key(None, &KdfLimits::default())
            .unwrap();
        assert_eq!(key, reference);
    }
    // UTF-16 with a BOM, as Notepad saves.
    let mut utf16 = vec![0xff, 0xfe];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let key = KeyFile::decode(&utf16)
        .unwrap()
        .private_key(None, &KdfLimits::default())
        .unwrap();
    assert_eq!(key, reference);
}

#[test]
fn a_latin1_comment_is_read_and_its_mac_checked_over_the_stored_bytes() {
    let text = corpus("ed25519.ppk3");
    let (public, private) = blobs(&text);
    let utf8 = ppk3_with_valid_mac("ssh-ed25519", "J\u{fc}rgen", &public, &private);
    // Rebuild with the comment in Latin-1: MAC over the single byte 0xfc.
    let mut data = Vec::new();
    for field in [
        &b"ssh-ed25519"[..],
        b"none",
        b"J\xfcrgen",
        &public,
        &private,
    ] {
        data.extend_from_slice(&(field.len() as u32).to_be_bytes());
        data.extend_from_slice(field);
    }
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(b"").unwrap();
    mac.update(&data);
    let mac = hex::encode(mac.finalize().into_bytes());
    let mut bytes = set_header(&utf8, "Private-MAC", &mac).into_bytes();
    let at = bytes
        .windows(3)
        .position(|w| w == "\u{fc}r".as_bytes())
        .unwrap();
    bytes.splice(at..at + 2, [0xfc]);
    let key = KeyFile::decode(&bytes)
        .unwrap()
        .private_key(None, &KdfLimits::default())
        .unwrap();
    assert_eq!(key.comment(), "J\u{fc}rgen");
}

#[test]
fn every_hostile_ppk_in_the_corpus_is_refused_quickly() {
    let dir = testdata().join("invalid");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.starts_with("ppk") && Path::new(&name).extension().is_none()) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let start = Instant::now();
        let pass = Passphrase::new(passphrase("passphrase"));
        let result =
            KeyFile::decode(&bytes).and_then(|f| f.private_key(Some(&pass), &KdfLimits::default()));
        assert!(start.elapsed() < Duration::from_secs(1), "{name}");
        let err = match result {
            Ok(_) => panic!("{name} accepted"),
            Err(e) => e,
        };
        eprintln!("{name}: {err}");
        count += 1;
    }
    assert!(count >= 15, "only {count} hostile PPK files");
}
