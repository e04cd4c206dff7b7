//! The CLI as a user meets it: exit codes, error lines, passphrase sources, standard input and
//! output. (Output files — modes, overwrite rules, nothing left after a failure — are
//! tests/hardening.rs's.)

mod common;

use std::process::{Output, Stdio};

use common::{keyconv, run, stderr, stdout, tempdir, testdata, type_and_blob};

fn td(name: &str) -> String {
    testdata().join(name).to_string_lossy().into_owned()
}

/// The error is one `keyconv: INPUT: …` line, maybe followed by one `hint:` line.
fn assert_error_lines(o: &Output, input: &str, needle: &str) {
    let err = stderr(o);
    let lines: Vec<&str> = err.lines().collect();
    assert!(!lines.is_empty() && lines.len() <= 2, "stderr: {err}");
    assert!(
        lines[0].starts_with(&format!("keyconv: {input}: ")),
        "stderr: {err}"
    );
    assert!(lines[0].contains(needle), "expected {needle:?} in: {err}");
    if let Some(second) = lines.get(1) {
        assert!(second.starts_with("hint: "), "stderr: {err}");
    }
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

#[test]
fn passphrase_from_file_env_or_a_clear_error() {
    let input = td("ed25519.openssh-aes256-ctr");
    let reference =
        type_and_blob(&std::fs::read_to_string(testdata().join("ed25519.pub")).unwrap());

    let o = run(keyconv().args([
        "convert",
        &input,
        "--to",
        "public",
        "--passphrase-file",
        &td("passphrase"),
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(type_and_blob(&stdout(&o)), reference);

    // Without a passphrase the public key of an OpenSSH file is still readable…
    let o = run(keyconv()
        .args(["public", &input])
        .env_remove("KEYCONV_PASSPHRASE")
        .stdin(Stdio::null()));
    assert!(o.status.success(), "{}", stderr(&o));
    // …but a private target needs it, and says how to give it.
    let o = run(keyconv()
        .args(["convert", &input, "--to", "ppk"])
        .env_remove("KEYCONV_PASSPHRASE")
        .stdin(Stdio::null()));
    assert_eq!(o.status.code(), Some(1));
    assert_error_lines(
        &o,
        &input,
        "key is encrypted: give --passphrase-file FILE or set KEYCONV_PASSPHRASE",
    );
    // The advice is given once (not again as a hint).
    assert_eq!(
        stderr(&o).matches("--passphrase-file").count(),
        1,
        "{}",
        stderr(&o)
    );

    let pass = String::from_utf8(common::passphrase("passphrase")).unwrap();
    let o = run(keyconv()
        .args(["convert", &input, "--to", "ppk", "--no-passphrase"])
        .env("KEYCONV_PASSPHRASE", &pass)
        .stdin(Stdio::null()));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Encryption: none"), "{}", stdout(&o));

    let o = run(keyconv()
        .args(["convert", &input, "--to", "openssh"])
        .env("KEYCONV_PASSPHRASE", "wrong passphrase")
        .stdin(Stdio::null()));
    assert_eq!(o.status.code(), Some(1));
    assert_error_lines(&o, &input, "incorrect passphrase");
}

#[test]
fn new_passphrase_defaults_to_the_input_one() {
    let input = td("ecdsa-384.openssh-aes128-ctr");
    let o = run(keyconv().args([
        "convert",
        &input,
        "--to",
        "openssh",
        "--passphrase-file",
        &td("passphrase"),
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tempdir();
    let out = dir.path().join("k");
    std::fs::write(&out, o.stdout).unwrap();
    let o = run(keyconv().arg("inspect").arg("--json").arg(&out));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc[0]["protection"]["encrypted"], true, "{doc}");
    let o = run(keyconv().arg("convert").arg(&out).args([
        "--to",
        "public",
        "--passphrase-file",
        &td("passphrase"),
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn standard_input_and_output() {
    let key = std::fs::read(testdata().join("ed25519.openssh")).unwrap();
    let mut child = keyconv()
        .args(["public", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&key).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let reference = std::fs::read_to_string(testdata().join("ed25519.pub")).unwrap();
    assert_eq!(stdout(&o).trim_end(), reference.trim_end());
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["convert", "x", "--to", "nonsense"],
        vec!["convert", "x"],
        vec!["frobnicate"],
        vec!["fingerprint"],
        vec!["public", "x", "--to", "openssh"],
    ] {
        let o = run(keyconv().args(&args));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    // An option that does not apply to the target format is a usage error, not ignored.
    let o = run(keyconv().args([
        "convert",
        &td("ed25519.openssh"),
        "--to",
        "ppk",
        "--rounds",
        "5",
    ]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--rounds does not apply to ppk"),
        "{}",
        stderr(&o)
    );
    let o = run(keyconv().args([
        "convert",
        &td("ed25519.openssh"),
        "--to",
        "public",
        "--cipher",
        "aes256-ctr",
    ]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(keyconv().args([
        "convert",
        &td("ed25519.openssh"),
        "--to",
        "openssh",
        "--cipher",
        "aes256-ctr",
    ]));
    assert_eq!(
        o.status.code(),
        Some(2),
        "unencrypted output with --cipher: {}",
        stderr(&o)
    );
    // A bad value, or a cipher the target does not write, is the same usage error (exit 2, the
    // same words) for every target.
    let pass = td("passphrase");
    let mut bogus_messages = Vec::new();
    for to in ["openssh", "pkcs8", "pem", "ppk"] {
        let o = run(keyconv().args([
            "convert",
            &td("ed25519.openssh"),
            "--to",
            to,
            "--new-passphrase-file",
            &pass,
            "--cipher",
            "bogus",
        ]));
        assert_eq!(o.status.code(), Some(2), "{to}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("unknown cipher \"bogus\""),
            "{to}: {}",
            stderr(&o)
        );
        bogus_messages.push(stderr(&o));
    }
    assert!(
        bogus_messages.windows(2).all(|w| w[0] == w[1]),
        "{bogus_messages:?}"
    );
    for (to, cipher) in [
        ("openssh", "des-cbc"),
        ("pkcs8", "aes256-ctr"),
        ("pem", "chacha20-poly1305"),
    ] {
        let o = run(keyconv().args([
            "convert",
            &td("rsa-2048.openssh"),
            "--to",
            to,
            "--new-passphrase-file",
            &pass,
            "--cipher",
            cipher,
        ]));
        assert_eq!(o.status.code(), Some(2), "{to} {cipher}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!(
                "--cipher {} does not apply to {to} output: use one of",
                cipher.parse::<keyconv::Cipher>().unwrap().ssh_name()
            )),
            "{to}: {}",
            stderr(&o)
        );
    }
    let o = run(keyconv().args([
        "convert",
        &td("ed25519.openssh"),
        "--to",
        "ppk",
        "--new-passphrase-file",
        &pass,
        "--cipher",
        "aes256-cbc",
    ]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--cipher does not apply to ppk output"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_and_unrecognized_inputs_exit_1_with_one_line() {
    let o = run(keyconv().args(["fingerprint", "/nonexistent/key"]));
    assert_eq!(o.status.code(), Some(1));
    assert_error_lines(&o, "/nonexistent/key", "no such file");
    let o = run(keyconv().args(["inspect", &td("README.md")]));
    assert_eq!(o.status.code(), Some(1));
    assert_error_lines(&o, &td("README.md"), "not a key file keyconv recognizes");
    let o = run(keyconv().args(["convert", &td("ed25519.pub"), "--to", "openssh"]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_error_lines(&o, &td("ed25519.pub"), "holds only public keys");
}

#[test]
fn fingerprint_matches_ssh_keygen_on_authorized_keys() {
    for (hash, file) in [
        ("sha256", "authorized_keys.fingerprints-sha256"),
        ("md5", "authorized_keys.fingerprints-md5"),
    ] {
        let o = run(keyconv().args(["fingerprint", "--hash", hash, &td("authorized_keys")]));
        assert!(o.status.success(), "{}", stderr(&o));
        let expected = std::fs::read_to_string(testdata().join(file)).unwrap();
        assert_eq!(stdout(&o), expected);
    }
}

#[test]
fn inspect_reports_protection_parameters_as_json() {
    let o = run(keyconv().args([
        "inspect",
        "--json",
        &td("rsa-2048.openssh-aes256-ctr"),
        &td("ed25519.pub"),
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let first = &doc[0];
    assert_eq!(first["format"], "openssh");
    assert_eq!(first["protection"]["cipher"], "aes256-ctr");
    assert_eq!(first["protection"]["kdf"]["name"], "bcrypt-pbkdf");
    assert_eq!(first["protection"]["kdf"]["rounds"], 4);
    assert_eq!(first["protection"]["kdf"]["salt_length"], 16);
    assert_eq!(first["keys"][0]["bits"], 2048);
    assert_eq!(doc[1]["format"], "public");
    assert_eq!(doc[1]["keys"][0]["type"], "ED25519");
}

/// A bad line in an authorized_keys file is reported with its number and skipped, as
/// `ssh-keygen -l` skips it: the other keys are still printed (small files as streamed ones).
#[test]
fn fingerprint_skips_a_bad_line_and_reports_it() {
    let original = std::fs::read_to_string(testdata().join("authorized_keys")).unwrap();
    let mut lines: Vec<&str> = original.lines().collect();
    let at = lines.len() / 2;
    lines.insert(at, "ssh-ed25519 AAAA!!not-base64 broken@line");
    let dir = tempdir();
    let path = dir.path().join("authorized_keys");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let o = run(keyconv().arg("fingerprint").arg(&path));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let expected =
        std::fs::read_to_string(testdata().join("authorized_keys.fingerprints-sha256")).unwrap();
    assert_eq!(stdout(&o), expected);
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!("keyconv: {}:{}: ", path.display(), at + 1)),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
