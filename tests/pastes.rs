//! Private keys mangled in transit (SPEC §1): the armour of every armoured format, written by the
//! real tools in the test, then folded onto one line, escaped into `\n` sequences (with and without
//! quotes, JSON, environment variables), indented as a YAML block, given CRLF, trailing spaces or
//! no final newline. keyconv converts each, and ssh-keygen/openssl read the result as the same key.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{have_tool, keyconv, run, tempdir, type_and_blob};

const PASSPHRASE: &str = "paste phrase";

/// A key file made by a real tool.
struct Made {
    name: &'static str,
    path: PathBuf,
    encrypted: bool,
}

/// One key per armoured format, made by ssh-keygen and openssl in `dir`.
fn make_keys(dir: &Path) -> Vec<Made> {
    let pass = dir.join("pass");
    std::fs::write(&pass, format!("{PASSPHRASE}\n")).unwrap();
    let mut made = Vec::new();
    let mut keygen = |name: &'static str, args: &[&str], encrypted: bool| {
        let path = dir.join(name);
        let phrase = if encrypted { PASSPHRASE } else { "" };
        let o = run(Command::new("ssh-keygen")
            .args(["-q", "-C", "pasted@example"])
            .args(args)
            .args(["-N", phrase, "-f"])
            .arg(&path));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        made.push(Made {
            name,
            path,
            encrypted,
        });
    };
    keygen("openssh-ed25519", &["-t", "ed25519"], false);
    keygen("openssh-ecdsa-enc", &["-t", "ecdsa", "-b", "384"], true);
    keygen("pem-rsa", &["-t", "rsa", "-b", "2048", "-m", "PEM"], false);
    keygen("pkcs8-ecdsa", &["-t", "ecdsa", "-m", "PKCS8"], false);
    // Legacy-encrypted traditional PEM (Proc-Type/DEK-Info headers) and encrypted PKCS#8, by openssl.
    let rsa = dir.join("pem-rsa");
    let legacy = dir.join("pem-rsa-aes128");
    let o = run(Command::new("openssl")
        .args(["rsa", "-traditional", "-aes128", "-passout"])
        .arg(format!("file:{}", pass.display()))
        .arg("-in")
        .arg(&rsa)
        .arg("-out")
        .arg(&legacy));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read_to_string(&legacy)
            .unwrap()
            .contains("DEK-Info: AES-128-CBC,")
    );
    made.push(Made {
        name: "pem-rsa-aes128",
        path: legacy,
        encrypted: true,
    });
    let p8 = dir.join("pkcs8-rsa-enc");
    let o = run(Command::new("openssl")
        .args(["pkcs8", "-topk8", "-v2", "aes256", "-passout"])
        .arg(format!("file:{}", pass.display()))
        .arg("-in")
        .arg(&rsa)
        .arg("-out")
        .arg(&p8));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    made.push(Made {
        name: "pkcs8-rsa-enc",
        path: p8,
        encrypted: true,
    });
    made
}

/// The ways a paste mangles `armour`, by name.
fn mangle(armour: &str) -> Vec<(&'static str, String)> {
    let trimmed = armour.trim_end();
    let escaped = trimmed.replace('\n', "\\n");
    let json_body = armour.replace('\n', "\\n");
    let yaml: String = armour.lines().map(|l| format!("    {l}\n")).collect();
    vec![
        ("folded", armour.replace('\n', " ")),
        ("folded without final newline", trimmed.replace('\n', " ")),
        (
            "folded, echo $KEY",
            format!("{}\n", trimmed.replace('\n', " ")),
        ),
        ("escaped", escaped.clone()),
        ("escaped in double quotes", format!("\"{escaped}\"\n")),
        ("escaped in single quotes", format!("'{escaped}'")),
        ("escaped CRLF", trimmed.replace('\n', "\\r\\n")),
        ("env var", format!("SSH_PRIVATE_KEY=\"{json_body}\"\n")),
        (
            "json",
            format!("{{\n  \"name\": \"deploy\",\n  \"private_key\": \"{json_body}\"\n}}\n"),
        ),
        (
            "json escaped twice",
            format!("\"{}\"", json_body.replace("\\n", "\\\\n")),
        ),
        (
            "yaml block",
            format!("deploy:\n  other: 1\n  key: |\n{yaml}"),
        ),
        ("crlf", armour.replace('\n', "\r\n")),
        (
            "trailing spaces",
            armour.lines().map(|l| format!("{l}  \t\n")).collect(),
        ),
        ("no final newline", trimmed.to_owned()),
    ]
}

/// `TYPE BASE64` of the public half of a private key file, by ssh-keygen.
fn ssh_keygen_public(path: &Path, encrypted: bool) -> String {
    let o = run(Command::new("ssh-keygen")
        .args(["-y", "-P", if encrypted { PASSPHRASE } else { "" }, "-f"])
        .arg(path)
        .stdin(Stdio::null()));
    assert!(
        o.status.success(),
        "ssh-keygen -y {}: {}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    type_and_blob(&String::from_utf8_lossy(&o.stdout))
}

/// The SubjectPublicKeyInfo PEM of a private key file, by openssl.
fn openssl_public(path: &Path, pass: Option<&Path>) -> Vec<u8> {
    let mut cmd = Command::new("openssl");
    cmd.args(["pkey", "-pubout", "-in"]).arg(path);
    if let Some(pass) = pass {
        cmd.arg("-passin").arg(format!("file:{}", pass.display()));
    }
    let o = run(cmd.stdin(Stdio::null()));
    assert!(
        o.status.success(),
        "openssl pkey {}: {}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

/// `keyconv convert INPUT --to TO -o OUT`, which must succeed.
fn convert(input: &Path, to: &str, out: &Path, pass: Option<&PathBuf>, what: &str) {
    let mut cmd = keyconv();
    cmd.arg("convert")
        .arg(input)
        .args(["--to", to, "-o"])
        .arg(out);
    if let Some(pass) = pass {
        cmd.arg("--passphrase-file").arg(pass);
    }
    // Unencrypted output: the peers then check the key, not a second KDF run.
    let o = run(cmd.arg("--no-passphrase").stdin(Stdio::null()));
    assert!(
        o.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn every_mangled_armour_converts_and_the_peers_read_the_same_key() {
    if !have_tool("ssh-keygen") || !have_tool("openssl") {
        return;
    }
    let dir = tempdir();
    let pass = dir.path().join("pass");
    let mut checked = 0;
    for made in make_keys(dir.path()) {
        let original = std::fs::read_to_string(&made.path).unwrap();
        let expected = ssh_keygen_public(&made.path, made.encrypted);
        let reference = dir.path().join(format!("{}.pkcs8", made.name));
        let encrypted = made.encrypted.then_some(&pass);
        convert(&made.path, "pkcs8", &reference, encrypted, made.name);
        let expected_spki = openssl_public(&reference, None);
        for (how, text) in mangle(&original) {
            let what = format!("{} {how}", made.name);
            let mangled = dir.path().join("mangled");
            std::fs::write(&mangled, &text).unwrap();
            // fingerprint reads it (the public half of an encrypted key needs the passphrase
            // only where the format keeps it encrypted).
            let mut cmd = keyconv();
            cmd.arg("fingerprint").arg(&mangled);
            if made.encrypted {
                cmd.arg("--passphrase-file").arg(&pass);
            }
            let o = run(&mut cmd);
            assert!(
                o.status.success(),
                "{what}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            // Converted to OpenSSH, ssh-keygen reads the same key…
            let out = dir.path().join(format!("out-{checked}"));
            convert(
                &mangled,
                "openssh",
                &out,
                made.encrypted.then_some(&pass),
                &what,
            );
            assert_eq!(ssh_keygen_public(&out, false), expected, "{what}");
            // …and converted to PKCS#8, openssl reads the key it reads from the unmangled file
            // converted.
            let out8 = dir.path().join(format!("out8-{checked}"));
            convert(
                &mangled,
                "pkcs8",
                &out8,
                made.encrypted.then_some(&pass),
                &what,
            );
            let got = openssl_public(&out8, None);
            assert_eq!(got, expected_spki, "{what}");
            checked += 1;
        }
    }
    assert_eq!(checked, 6 * 14);
}

/// The message for a file keyconv cannot read, and that it failed.
fn error_of(text: &str) -> String {
    let dir = tempdir();
    let path = dir.path().join("bad");
    std::fs::write(&path, text).unwrap();
    let o = run(keyconv().arg("fingerprint").arg(&path).stdin(Stdio::null()));
    assert!(!o.status.success(), "read {text:?}");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn damaged_pastes_say_what_was_found_and_what_was_expected() {
    if !have_tool("ssh-keygen") {
        return;
    }
    let dir = tempdir();
    let key = dir.path().join("k");
    let o = run(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key));
    assert!(o.status.success());
    let armour = std::fs::read_to_string(&key).unwrap();
    let folded = armour.replace('\n', " ");

    // Cut short: the paste lost its end.
    let cut = folded.get(..folded.len() / 2).unwrap();
    let e = error_of(cut);
    assert!(e.contains("folded onto one line"), "{e}");
    assert!(e.contains("whose base64 is cut after"), "{e}");
    assert!(
        e.contains("up to -----END OPENSSH PRIVATE KEY-----, which is missing"),
        "{e}"
    );
    assert!(!e.contains("not a key file"), "{e}");

    // A character that is not base64 inside the body.
    let at = folded.find("b3Bl").unwrap() + 10;
    let mut damaged = folded.clone();
    damaged.replace_range(at..at + 1, "%");
    let e = error_of(&damaged);
    assert!(
        e.contains("whose base64 is cut at character 11: '%'"),
        "{e}"
    );

    // Part of the body lost in the middle.
    let escaped = armour.replace('\n', "\\n");
    let at = escaped.find("b3Bl").unwrap() + 20;
    let mut lost = escaped.clone();
    lost.replace_range(at..at + 3, "");
    let e = error_of(&lost);
    assert!(e.contains("literal \\n sequences"), "{e}");
    assert!(e.contains("expected a multiple of 4"), "{e}");

    // Text that is no key at all: what it found and what a key file holds.
    let e = error_of("hello world\n");
    assert!(e.contains("found one line of other text"), "{e}");
    assert!(e.contains("expected PEM armour"), "{e}");
    // Bare base64 without its armour lines (never printed back: it may be a secret).
    let body: String = armour.lines().filter(|l| !l.starts_with("-----")).collect();
    let e = error_of(&body);
    assert!(
        e.contains("bare base64 without its -----BEGIN/-----END lines"),
        "{e}"
    );
    assert!(!e.contains(body.get(..16).unwrap()), "{e}");
}
