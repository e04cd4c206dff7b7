//! The public-key formats `public`, `rfc4716` and `spki`: every corpus file read back to the
//! reference `<key>.pub`, fingerprints equal to ssh-keygen's, our output read by ssh-keygen,
//! puttygen and openssl, certificates and security keys carried through, hostile input refused.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use common::{have_tool, manifest, manifest_of, run, tempdir, testdata, type_and_blob};
use keyconv::format::{public, rfc4716, spki};
use keyconv::{ErrorKind, FingerprintHash, Format, KeyFile, PublicKey, encode_public};

/// A format module's `decode`.
type Decoder = fn(&[u8]) -> keyconv::Result<Vec<PublicKey>>;

/// Every key name of the corpus (`rsa-2048`, `ed448`, …).
fn keys() -> Vec<String> {
    let keys: BTreeSet<String> = manifest().into_iter().map(|e| e.key).collect();
    assert!(keys.len() >= 10, "corpus has only {keys:?}");
    keys.into_iter().collect()
}

fn reference(key: &str) -> String {
    fs::read_to_string(testdata().join(format!("{key}.pub"))).unwrap()
}

/// The comment of a one-line public key.
fn comment_of(line: &str) -> String {
    line.trim_end()
        .splitn(3, ' ')
        .nth(2)
        .unwrap_or_default()
        .to_owned()
}

fn one_line(key: &PublicKey) -> String {
    type_and_blob(&public::encode(key))
}

fn decode_file(path: &Path) -> KeyFile {
    let bytes = fs::read(path).unwrap();
    KeyFile::decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn stdout(out: &std::process::Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

// ------------------------------------------------------------------ reading the corpus

/// The corpus has no `public` rows of its own: the reference `<key>.pub` files (made by
/// ssh-keygen, and by puttygen for Ed448) are the `public` inputs. Rows are checked too, should
/// the manifest gain some.
#[test]
fn every_reference_pub_round_trips_byte_for_byte() {
    let names = keys();
    for key in &names {
        let text = reference(key);
        let file = decode_file(&testdata().join(format!("{key}.pub")));
        assert_eq!(file.format(), Format::Public, "{key}");
        let keys = file.public_keys();
        assert_eq!(keys.len(), 1, "{key}");
        assert_eq!(keys[0].comment(), comment_of(&text), "{key}");
        assert_eq!(public::encode(&keys[0]), text, "{key}");
    }
    for row in manifest_of("public") {
        let file = decode_file(&row.path());
        for k in file.public_keys() {
            assert_eq!(one_line(&k), row.reference_type_and_blob(), "{}", row.file);
        }
    }
}

#[test]
fn fingerprints_equal_ssh_keygen_and_puttygen() {
    for key in keys() {
        let file = decode_file(&testdata().join(format!("{key}.pub")));
        let k = &file.public_keys()[0];
        for (hash, suffix) in [
            (FingerprintHash::Sha256, "sha256"),
            (FingerprintHash::Md5, "md5"),
        ] {
            let ssh_keygen = testdata().join(format!("{key}.fingerprint-{suffix}"));
            if ssh_keygen.exists() {
                let want = fs::read_to_string(&ssh_keygen).unwrap();
                assert_eq!(format!("{}\n", k.fingerprint_line(hash)), want, "{key}");
            } else {
                // ssh-keygen has no Ed448: puttygen's `TYPE BITS HASH`; compare the hash.
                let putty = testdata().join(format!("{key}.fingerprint-{suffix}-puttygen"));
                let want = fs::read_to_string(&putty).unwrap();
                // puttygen 0.78 writes MD5 hashes without the `MD5:` prefix.
                let want_hash = want.split_whitespace().nth(2).unwrap();
                let ours = k.fingerprint(hash);
                assert_eq!(
                    ours.strip_prefix("MD5:").unwrap_or(&ours),
                    want_hash.strip_prefix("MD5:").unwrap_or(want_hash),
                    "{key}"
                );
            }
        }
    }
}

#[test]
fn every_rfc4716_row_decodes_to_the_reference_key_and_comment() {
    let rows = manifest_of("rfc4716");
    assert!(rows.len() >= 80, "{} rfc4716 rows", rows.len());
    let mut variants = BTreeSet::new();
    for row in &rows {
        let file = decode_file(&row.path());
        assert_eq!(file.format(), Format::Rfc4716, "{}", row.file);
        let keys = file.public_keys();
        assert_eq!(keys.len(), 1, "{}", row.file);
        assert_eq!(
            one_line(&keys[0]),
            row.reference_type_and_blob(),
            "{}",
            row.file
        );
        let want_comment = if row.file.contains(".putty-pub") {
            // puttygen exports the key's own comment; every variant must keep it intact.
            comment_of(&row.reference_pub())
        } else {
            // ssh-keygen -e writes its own Comment: "1024-bit RSA, converted by …".
            let text = fs::read_to_string(row.path()).unwrap();
            let line = text.lines().find(|l| l.starts_with("Comment: ")).unwrap();
            line["Comment: ".len()..].trim_matches('"').to_owned()
        };
        assert_eq!(keys[0].comment(), want_comment, "{}", row.file);
        variants.insert(row.file.split_once('.').unwrap().1.to_owned());
    }
    for v in [
        "rfc4716",
        "putty-pub",
        "putty-pub-crlf",
        "putty-pub-bom",
        "putty-pub-utf16le",
        "putty-pub-oneline",
        "putty-pub-continued",
        "putty-pub-xheader",
        "putty-pub-unquoted",
    ] {
        assert!(variants.contains(v), "no {v} file in the corpus");
    }
}

#[test]
fn every_spki_row_decodes_to_the_reference_key_and_encodes_like_openssl() {
    let rows = manifest_of("spki");
    assert!(rows.len() >= 20, "{} spki rows", rows.len());
    for row in &rows {
        let file = decode_file(&row.path());
        assert_eq!(file.format(), Format::Spki, "{}", row.file);
        let keys = file.public_keys();
        assert_eq!(keys.len(), 1, "{}", row.file);
        assert_eq!(
            one_line(&keys[0]),
            row.reference_type_and_blob(),
            "{}",
            row.file
        );
        assert_eq!(keys[0].comment(), "", "{}", row.file);
        // Our SubjectPublicKeyInfo is openssl's, byte for byte.
        let ours = spki::encode(&keys[0]).unwrap();
        let der = fs::read(testdata().join(format!("{}.spki-der", row.key))).unwrap();
        let pem_body: String = ours.lines().filter(|l| !l.starts_with("-----")).collect();
        assert!(ours.lines().all(|l| l.len() <= 64), "{ours}");
        assert_eq!(
            keyconv_base64(&pem_body),
            der,
            "{}: our DER differs from openssl's",
            row.file
        );
        if row.file.ends_with(".spki") && !row.file.starts_with("ed") {
            // ssh-keygen -e -m PKCS8 writes the same PEM as we do.
            assert_eq!(
                ours,
                fs::read_to_string(row.path()).unwrap(),
                "{}",
                row.file
            );
        }
    }
}

/// Standard base64 decoding for the tests (the crate's own is private).
fn keyconv_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[test]
fn authorized_keys_decodes_with_options_and_fingerprints_like_ssh_keygen() {
    let path = testdata().join("authorized_keys");
    let file = decode_file(&path);
    assert_eq!(file.format(), Format::Public);
    let keys = file.public_keys();
    assert_eq!(keys.len(), 9);
    for (hash, name) in [
        (FingerprintHash::Sha256, "sha256"),
        (FingerprintHash::Md5, "md5"),
    ] {
        let want =
            fs::read_to_string(testdata().join(format!("authorized_keys.fingerprints-{name}")))
                .unwrap();
        let got: String = keys
            .iter()
            .map(|k| format!("{}\n", k.fingerprint_line(hash)))
            .collect();
        assert_eq!(got, want, "{name}");
    }
    // Line by line, as the CLI streams it: options come back as written.
    let text = fs::read_to_string(&path).unwrap();
    let mut options = Vec::new();
    for line in text.lines() {
        if let Some((opts, key)) = public::decode_line_with_options(line).unwrap() {
            options.push(opts);
            let reference_line = line
                .find(key.data().algorithm())
                .map(|at| &line[at..])
                .unwrap();
            assert_eq!(public::encode(&key).trim_end(), reference_line.trim_end());
        }
    }
    assert_eq!(
        options,
        [
            None,
            None,
            Some(r#"command="echo hi",no-pty"#.to_owned()),
            Some(r#"from="10.0.0.0/8,192.168.0.0/16",no-agent-forwarding"#.to_owned()),
            Some(r#"restrict,command="echo \"quoted, with comma\"""#.to_owned()),
            Some(r#"environment="A=b c",permitopen="host:22""#.to_owned()),
            None,
            None,
            None,
        ]
    );
    // The same file as UTF-16 with BOM and CRLF line ends.
    let mut utf16 = vec![0xff, 0xfe];
    for u in text.replace('\n', "\r\n").encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(public::decode(&utf16).unwrap(), keys);
}

// ------------------------------------------------------------------ our output, their tools

/// Every reference key, decoded.
fn reference_keys() -> Vec<(String, PublicKey)> {
    keys()
        .into_iter()
        .map(|k| {
            let key = public::decode_line(reference(&k).trim_end())
                .unwrap()
                .unwrap();
            (k, key)
        })
        .collect()
}

#[test]
fn ssh_keygen_fingerprints_our_public_lines() {
    if !have_tool("ssh-keygen") {
        return;
    }
    let dir = tempdir();
    for (name, key) in reference_keys() {
        if name == "ed448" {
            continue; // OpenSSH has no Ed448
        }
        let out = dir.path().join(format!("{name}.pub"));
        fs::write(&out, public::encode(&key)).unwrap();
        for (hash, flag) in [
            (FingerprintHash::Sha256, "sha256"),
            (FingerprintHash::Md5, "md5"),
        ] {
            let got = stdout(
                &run(Command::new("ssh-keygen")
                    .args(["-l", "-E", flag, "-f"])
                    .arg(&out)),
                "ssh-keygen -l",
            );
            assert_eq!(got, format!("{}\n", key.fingerprint_line(hash)), "{name}");
        }
    }
}

/// Comments that stress RFC 4716 quoting and line continuation.
const HARD_COMMENTS: [&str; 4] = [
    "plain@host",
    "say \"hi\" to C:\\Users\\me",
    "a very long comment that certainly needs more than one header line, with ünïcödé: yes, and more: text",
    "x: y",
];

#[test]
fn ssh_keygen_and_puttygen_read_our_rfc4716() {
    let ssh_keygen = have_tool("ssh-keygen");
    let puttygen = have_tool("puttygen");
    let dir = tempdir();
    for (name, key) in reference_keys() {
        for comment in std::iter::once(key.comment()).chain(HARD_COMMENTS) {
            let mut key = key.clone();
            key.set_comment(comment);
            let text = rfc4716::encode(&key);
            assert!(text.lines().all(|l| l.len() <= 72), "{text}");
            assert_eq!(rfc4716::decode(text.as_bytes()).unwrap(), vec![key.clone()]);
            let out = dir.path().join(format!("{name}.rfc4716"));
            fs::write(&out, &text).unwrap();
            if ssh_keygen && name != "ed448" {
                let got = stdout(
                    &run(Command::new("ssh-keygen")
                        .args(["-i", "-m", "RFC4716", "-f"])
                        .arg(&out)),
                    "ssh-keygen -i -m RFC4716",
                );
                assert_eq!(
                    type_and_blob(&got),
                    one_line(&key),
                    "{name} {comment:?}\n{text}"
                );
            }
            // puttygen 0.78 does not implement RFC 4716 header continuation lines (its reader
            // takes a line without ": " as the first base64 line), so it can only read blocks
            // whose Comment fits on one line, as every comment it writes itself does.
            let one_header_line = text.lines().nth(1).is_some_and(|l| !l.ends_with('\\'));
            if puttygen && one_header_line {
                let converted = dir.path().join(format!("{name}.from-puttygen"));
                stdout(
                    &run(Command::new("puttygen")
                        .arg(&out)
                        .args(["-O", "public-openssh", "-o"])
                        .arg(&converted)),
                    "puttygen -O public-openssh",
                );
                let got = fs::read_to_string(&converted).unwrap();
                assert_eq!(got, public::encode(&key), "{name} {comment:?}\n{text}");
            }
        }
    }
}

#[test]
fn openssl_and_ssh_keygen_read_our_spki() {
    let openssl = have_tool("openssl");
    let ssh_keygen = have_tool("ssh-keygen");
    let dir = tempdir();
    for (name, key) in reference_keys() {
        let out = dir.path().join(format!("{name}.spki"));
        fs::write(&out, encode_public(&key, Format::Spki).unwrap()).unwrap();
        if openssl {
            stdout(
                &run(Command::new("openssl")
                    .args(["pkey", "-pubin", "-noout", "-in"])
                    .arg(&out)),
                "openssl pkey -pubin",
            );
        }
        // ssh-keygen 9.2 imports RSA, DSA and ECDSA from PKCS#8 public keys.
        if ssh_keygen && !name.starts_with("ed") {
            let got = stdout(
                &run(Command::new("ssh-keygen")
                    .args(["-i", "-m", "PKCS8", "-f"])
                    .arg(&out)),
                "ssh-keygen -i -m PKCS8",
            );
            assert_eq!(type_and_blob(&got), one_line(&key), "{name}");
        }
    }
}

#[test]
fn compressed_ec_points_are_decompressed_and_explicit_curves_refused() {
    if !have_tool("openssl") {
        return;
    }
    for name in ["ecdsa-256", "ecdsa-384", "ecdsa-521"] {
        let spki_path = testdata().join(format!("{name}.spki"));
        let convert = |args: &[&str]| {
            let out = run(Command::new("openssl")
                .args(["ec", "-pubin", "-pubout", "-in"])
                .arg(&spki_path)
                .args(args));
            stdout(&out, "openssl ec")
        };
        let compressed = convert(&["-conv_form", "compressed"]);
        let keys = spki::decode(compressed.as_bytes()).unwrap();
        assert_eq!(
            one_line(&keys[0]),
            type_and_blob(&reference(name)),
            "{name}"
        );
        // Written back uncompressed, as openssl writes it by default.
        assert_eq!(
            spki::encode(&keys[0]).unwrap(),
            fs::read_to_string(&spki_path).unwrap()
        );
        let explicit = convert(&["-param_enc", "explicit"]);
        let e = spki::decode(explicit.as_bytes()).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::UnsupportedKeyType(t) if t.contains("explicit")),
            "{name}: {e:?}"
        );
    }
}

// ------------------------------------------------------------------ certificates, security keys

fn keygen(args: &[&str], dir: &Path) {
    stdout(
        &run(Command::new("ssh-keygen").args(args).current_dir(dir)),
        &format!("ssh-keygen {args:?}"),
    );
}

#[test]
fn certificates_are_carried_through_with_ssh_keygen_fingerprints() {
    if !have_tool("ssh-keygen") {
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    keygen(
        &["-q", "-t", "ed25519", "-N", "", "-C", "ca", "-f", "ca"],
        d,
    );
    for (t, bits) in [
        ("ed25519", "256"),
        ("rsa", "2048"),
        ("ecdsa", "384"),
        ("dsa", "1024"),
    ] {
        let user = format!("user-{t}");
        keygen(
            &[
                "-q", "-t", t, "-b", bits, "-N", "", "-C", "u@h", "-f", &user,
            ],
            d,
        );
        keygen(
            &[
                "-q",
                "-s",
                "ca",
                "-I",
                "id",
                "-n",
                "user",
                &format!("{user}.pub"),
            ],
            d,
        );
        let cert_path = d.join(format!("{user}-cert.pub"));
        let text = fs::read_to_string(&cert_path).unwrap();
        let file = decode_file(&cert_path);
        assert_eq!(file.format(), Format::Public);
        let key = file.public_keys().remove(0);
        assert!(key.data().algorithm().ends_with("-cert-v01@openssh.com"));
        assert_eq!(public::encode(&key), text, "{t}");
        let again = rfc4716::decode(rfc4716::encode(&key).as_bytes()).unwrap();
        assert_eq!(again, vec![key.clone()]);
        for (hash, flag) in [
            (FingerprintHash::Sha256, "sha256"),
            (FingerprintHash::Md5, "md5"),
        ] {
            let want = stdout(
                &run(Command::new("ssh-keygen")
                    .args(["-l", "-E", flag, "-f"])
                    .arg(&cert_path)),
                "ssh-keygen -l",
            );
            assert_eq!(format!("{}\n", key.fingerprint_line(hash)), want, "{t}");
        }
        // ssh-keygen reads our RFC 4716 form of the certificate too.
        let out = d.join(format!("{user}.rfc4716"));
        fs::write(&out, rfc4716::encode(&key)).unwrap();
        let got = stdout(
            &run(Command::new("ssh-keygen")
                .args(["-i", "-m", "RFC4716", "-f"])
                .arg(&out)),
            "ssh-keygen -i",
        );
        assert_eq!(type_and_blob(&got), type_and_blob(&text));
        let e = spki::encode(&key).unwrap_err();
        match e.kind() {
            ErrorKind::UnsupportedTarget { suggestion, .. } => {
                assert!(suggestion.contains("public") && suggestion.contains("rfc4716"))
            }
            other => panic!("{other:?}"),
        }
    }
}

fn ssh_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Security-key lines built by hand: `sk-ssh-ed25519@openssh.com` and
/// `sk-ecdsa-sha2-nistp256@openssh.com`, from the corpus' Ed25519 and P-256 keys.
fn security_key_lines() -> Vec<String> {
    let ed = public::decode_line(reference("ed25519").trim_end())
        .unwrap()
        .unwrap();
    let ec = public::decode_line(reference("ecdsa-256").trim_end())
        .unwrap()
        .unwrap();
    let mut sk_ed = Vec::new();
    ssh_string(&mut sk_ed, b"sk-ssh-ed25519@openssh.com");
    match ed.data() {
        keyconv::PublicKeyData::Ed25519(k) => ssh_string(&mut sk_ed, k),
        _ => unreachable!(),
    }
    ssh_string(&mut sk_ed, b"ssh:");
    let mut sk_ec = Vec::new();
    ssh_string(&mut sk_ec, b"sk-ecdsa-sha2-nistp256@openssh.com");
    ssh_string(&mut sk_ec, b"nistp256");
    match ec.data() {
        keyconv::PublicKeyData::Ecdsa { point, .. } => ssh_string(&mut sk_ec, point),
        _ => unreachable!(),
    }
    ssh_string(&mut sk_ec, b"ssh:test");
    vec![
        format!("sk-ssh-ed25519@openssh.com {} yubi@desk\n", b64(&sk_ed)),
        format!("sk-ecdsa-sha2-nistp256@openssh.com {}\n", b64(&sk_ec)),
    ]
}

#[test]
fn security_keys_are_carried_through_with_ssh_keygen_fingerprints() {
    let ssh_keygen = have_tool("ssh-keygen");
    let dir = tempdir();
    for (i, line) in security_key_lines().into_iter().enumerate() {
        let key = public::decode_line(line.trim_end()).unwrap().unwrap();
        assert_eq!(public::encode(&key), line);
        assert_eq!(
            rfc4716::decode(rfc4716::encode(&key).as_bytes()).unwrap(),
            vec![key.clone()]
        );
        assert!(matches!(
            spki::encode(&key).unwrap_err().kind(),
            ErrorKind::UnsupportedTarget { .. }
        ));
        if ssh_keygen {
            let path = dir.path().join(format!("sk{i}.pub"));
            fs::write(&path, &line).unwrap();
            for (hash, flag) in [
                (FingerprintHash::Sha256, "sha256"),
                (FingerprintHash::Md5, "md5"),
            ] {
                let want = stdout(
                    &run(Command::new("ssh-keygen")
                        .args(["-l", "-E", flag, "-f"])
                        .arg(&path)),
                    "ssh-keygen -l",
                );
                assert_eq!(format!("{}\n", key.fingerprint_line(hash)), want);
            }
        }
    }
}

// ------------------------------------------------------------------ hostile input

/// The name `invalid/expected.tsv` gives an error kind.
fn kind_name(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Malformed { .. } => "malformed",
        ErrorKind::UnrecognizedFormat => "unrecognized",
        ErrorKind::UnsupportedKeyType(_) => "unsupported-key-type",
        _ => "other",
    }
}

/// `invalid/` files of the public formats (and the format-less ones): the module's own decoder
/// says malformed, and `KeyFile::decode` (detection first) gives a kind `expected.tsv` allows.
#[test]
fn corpus_invalid_files_are_refused_with_the_expected_kind() {
    let dir = testdata().join("invalid");
    let expected = fs::read_to_string(dir.join("expected.tsv")).unwrap();
    let mut seen = 0;
    for row in expected.lines().skip(1) {
        let (name, kinds) = row.split_once('\t').unwrap();
        let decoder: Option<Decoder> = match name.split('-').next().unwrap() {
            "public" => Some(public::decode),
            "rfc4716" => Some(rfc4716::decode),
            "spki" => Some(spki::decode),
            "empty" | "binary" | "only" => None,
            _ => continue,
        };
        let bytes = fs::read(dir.join(name)).unwrap();
        if let Some(decode) = decoder {
            let e = decode(&bytes).expect_err(name);
            assert_eq!(kind_name(e.kind()), "malformed", "{name}: {e}");
        }
        let e = KeyFile::decode(&bytes).expect_err(name);
        assert!(
            kinds.split('|').any(|k| k == kind_name(e.kind())),
            "{name}: expected {kinds}, got {e:?}"
        );
        seen += 1;
    }
    assert!(seen >= 14, "only {seen} invalid files checked");
}

#[test]
fn public_errors_carry_line_numbers() {
    let good = reference("ed25519");
    let bad = fs::read_to_string(testdata().join("invalid/public-type-mismatch")).unwrap();
    let text = format!("# keys\n{good}\n{bad}");
    let e = public::decode(text.as_bytes()).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Malformed {
                location: Some(keyconv::Location::Line(4)),
                ..
            }
        ),
        "{e:?}"
    );
}

/// A small deterministic generator for mutations (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn mutated_and_truncated_inputs_never_panic() {
    let mut rng = Rng(0x4716_5280);
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for key in ["rsa-2048", "ecdsa-521", "dsa-1024", "ed25519", "ed448"] {
        for suffix in ["pub", "putty-pub", "putty-pub-oneline", "spki", "spki-der"] {
            let path = testdata().join(format!("{key}.{suffix}"));
            if path.exists() {
                seeds.push(fs::read(path).unwrap());
            }
        }
    }
    seeds.push(fs::read(testdata().join("authorized_keys")).unwrap());
    seeds.extend(security_key_lines().into_iter().map(String::into_bytes));
    let decoders: [Decoder; 3] = [public::decode, rfc4716::decode, spki::decode];
    for seed in &seeds {
        for cut in (0..seed.len()).step_by(7) {
            for decode in decoders {
                let _ = decode(&seed[..cut]);
            }
        }
        for _ in 0..300 {
            let mut m = seed.clone();
            for _ in 0..=rng.below(4) {
                let at = rng.below(m.len());
                match rng.below(3) {
                    0 => m[at] ^= 1 << rng.below(8),
                    1 => {
                        const BYTES: &[u8] = b"A/+= \n\"\\:-0\xff";
                        m[at] = BYTES[rng.below(BYTES.len())];
                    }
                    _ => {
                        m.remove(at);
                    }
                }
            }
            for decode in decoders {
                if let Ok(keys) = decode(&m) {
                    // Whatever decodes must encode and decode again to the same keys.
                    for k in keys {
                        let line = public::encode(&k);
                        assert_eq!(public::decode(line.as_bytes()).unwrap(), vec![k.clone()]);
                        let block = rfc4716::encode(&k);
                        assert_eq!(rfc4716::decode(block.as_bytes()).unwrap(), vec![k.clone()]);
                    }
                }
            }
            let _ = KeyFile::decode(&m);
        }
    }
}

#[test]
fn absurd_lengths_inside_blobs_are_errors() {
    let ed = reference("ed25519");
    let blob_b64 = ed.split_whitespace().nth(1).unwrap();
    let blob = keyconv_base64(blob_b64);
    for at in [0usize, 15] {
        let mut b = blob.clone();
        b[at..at + 4].copy_from_slice(&0xffff_fff0u32.to_be_bytes());
        let line = format!("ssh-ed25519 {}", b64(&b));
        assert!(public::decode_line(&line).is_err());
        let block = format!(
            "---- BEGIN SSH2 PUBLIC KEY ----\n{}\n---- END SSH2 PUBLIC KEY ----\n",
            b64(&b)
        );
        assert!(rfc4716::decode(block.as_bytes()).is_err());
    }
}
