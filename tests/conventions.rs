//! The conventions of issue 15 that ssh-keygen and puttygen users expect: `-o -`, prompts on the
//! terminal when the key is standard input, `--comment` only where it applies, completions and
//! the man page, `--quiet` and the `fips-check` summary, and every `fingerprint` form
//! (`-E sha512|md5`, `-B`, `-v`, `--format aws`) against ssh-keygen and openssl.

mod common;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{SSH_KEYGEN_KEYS, have_tool, keyconv, run, stderr, stdout, tempdir, testdata};

#[test]
fn output_dash_is_standard_output() {
    let dir = tempdir();
    let o = run(keyconv()
        .current_dir(dir.path())
        .arg("convert")
        .arg(testdata().join("ed25519.openssh"))
        .args(["--to", "public", "-o", "-"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let reference = std::fs::read_to_string(testdata().join("ed25519.pub")).unwrap();
    assert_eq!(stdout(&o), reference);
    assert!(!dir.path().join("-").exists(), "a file named - was created");
    // A private target too (no --force needed: nothing is overwritten).
    let o = run(keyconv()
        .current_dir(dir.path())
        .arg("convert")
        .arg(testdata().join("ed25519.openssh"))
        .args(["--to", "pkcs8", "-o", "-"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(!dir.path().join("-").exists());
    // generate writes two files: -o - is a usage error, not a file named -.
    let o = run(keyconv()
        .current_dir(dir.path())
        .args(["generate", "--no-passphrase", "-o", "-"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dir.path().join("-").exists() && !dir.path().join("-.pub").exists());
}

#[test]
fn comment_for_a_target_without_one_is_a_usage_error() {
    let input = testdata().join("ed25519.openssh");
    for target in ["pkcs8", "pem", "spki"] {
        let o = run(keyconv().arg("convert").arg(&input).args([
            "--to",
            target,
            "--comment",
            "new comment",
        ]));
        assert_eq!(o.status.code(), Some(2), "{target}: {}", stderr(&o));
        assert!(stderr(&o).contains("no comment field"), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
        // Without --comment the input's comment is dropped silently.
        let o = run(keyconv().arg("convert").arg(&input).args(["--to", target]));
        if target == "pem" {
            assert_eq!(
                o.status.code(),
                Some(1),
                "Ed25519 has no traditional PEM form"
            );
        } else {
            assert!(o.status.success(), "{target}: {}", stderr(&o));
            assert!(o.stderr.is_empty(), "{target}: {}", stderr(&o));
        }
    }
    for target in ["ppk", "openssh", "public", "rfc4716"] {
        let o = run(keyconv().arg("convert").arg(&input).args([
            "--to",
            target,
            "--comment",
            "new comment",
        ]));
        assert!(o.status.success(), "{target}: {}", stderr(&o));
        // (OpenSSH keeps the comment inside its base64.)
        if target != "openssh" {
            assert!(
                stdout(&o).contains("new comment"),
                "{target}: {}",
                stdout(&o)
            );
        }
    }
}

/// `cat key | keyconv convert - …` on a terminal asks for the passphrase on the terminal, as
/// puttygen and ssh-keygen do, instead of failing: the key is standard input, the answer comes
/// from /dev/tty.
#[test]
fn prompts_on_the_terminal_when_the_key_is_standard_input() {
    let dir = tempdir();
    let bin = env!("CARGO_BIN_EXE_keyconv");
    let input = testdata().join("ecdsa-256.pkcs8-aes128");
    let out = dir.path().join("out");
    let cmdline = format!(
        "{bin} convert - --to openssh --no-passphrase -o {} < {}",
        out.display(),
        input.display()
    );
    let Some(o) = common::on_terminal(&cmdline, "correct horse battery\n") else {
        return;
    };
    let screen = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{screen}");
    assert!(
        screen.contains("Enter passphrase for standard input"),
        "{screen}"
    );
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
    // A wrong answer is refused, and nothing is written.
    let out2 = dir.path().join("out2");
    let cmdline = format!(
        "cat {} | {bin} convert - --to openssh -o {}",
        input.display(),
        out2.display()
    );
    let o = common::on_terminal(&cmdline, "wrong horse\n").unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("incorrect passphrase"),
        "{}",
        stdout(&o)
    );
    assert!(!out2.exists());
    // Without a terminal the key on standard input fails at once with the usual error.
    let mut child = keyconv()
        .args(["convert", "-", "--to", "openssh"])
        .env_remove("KEYCONV_PASSPHRASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let key = std::fs::read(&input).unwrap();
    child.stdin.take().unwrap().write_all(&key).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("give --passphrase-file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bash_completion_loads_and_completes() {
    let o = run(keyconv().args(["completions", "bash"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tempdir();
    let script = dir.path().join("keyconv.bash");
    std::fs::write(&script, &o.stdout).unwrap();
    // Load it in bash, as /usr/share/bash-completion/completions/keyconv would be, and ask it
    // to complete `keyconv fing` and `keyconv fingerprint --ha`.
    let probe = format!(
        "source {} && complete -p keyconv >/dev/null && \
         COMP_WORDS=(keyconv fing) COMP_CWORD=1 && _keyconv keyconv fing keyconv && \
         echo \"${{COMPREPLY[@]}}\" && \
         COMP_WORDS=(keyconv fingerprint --ha) COMP_CWORD=2 && \
         _keyconv keyconv --ha fingerprint && echo \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let o = run(Command::new("bash").arg("-c").arg(probe));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "fingerprint\n--hash\n");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let o = run(keyconv().args(["completions", shell]));
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        assert!(stdout(&o).contains("fips-check"), "{shell}");
    }
    let o = run(keyconv().args(["completions", "tcsh"]));
    assert_eq!(o.status.code(), Some(2));
}

/// The man page renders without a warning (groff -ww) and documents every command.
#[test]
fn man_page_renders() {
    let o = run(keyconv().arg("man"));
    assert!(o.status.success(), "{}", stderr(&o));
    let page = o.stdout;
    assert!(
        page.starts_with(b".ie") || page.starts_with(b".TH"),
        "not roff"
    );
    if !have_tool("groff") {
        return;
    }
    let mut child = Command::new("groff")
        .args(["-k", "-man", "-Tutf8", "-ww"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&page).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert_eq!(stderr(&o), "", "groff warnings");
    // groff -Tutf8 marks bold by overstriking: drop it to read the text.
    let text = strip_overstrike(&stdout(&o));
    for heading in [
        "KEYCONV CONVERT",
        "KEYCONV FINGERPRINT",
        "KEYCONV FIPS-CHECK",
        "KEYCONV AUTHORIZED-KEYS LIST",
        "KEYCONV COMPLETIONS",
    ] {
        assert!(text.contains(heading), "{heading} missing");
    }
    assert!(text.contains("--bubblebabble"));
}

/// `X\bX` (bold) and `_\bX` (underline) as groff writes them for a terminal, back to `X`.
fn strip_overstrike(text: &str) -> String {
    let mut out: Vec<char> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if chars.peek() == Some(&'\u{8}') {
            chars.next();
            continue;
        }
        out.push(c);
    }
    out.into_iter().collect()
}

#[test]
fn fips_check_summary_and_quiet() {
    let files = [
        "rsa-3072.pkcs8",
        "dsa-1024.openssh",
        "ed25519.pub",
        "rsa-3072.pem-aes128",
    ];
    let dir = tempdir();
    for f in files {
        std::fs::copy(testdata().join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "not a key\n").unwrap();
    let o = run(keyconv().arg("fips-check").arg("-r").arg(dir.path()));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.ends_with("\n5 files: 2 compliant, 2 non-compliant, 0 unreadable, 1 skipped\n"),
        "{text}"
    );
    assert!(text.contains("rsa-3072.pkcs8: compliant"), "{text}");
    let o = run(keyconv()
        .args(["fips-check", "--quiet", "-r"])
        .arg(dir.path()));
    assert_eq!(o.status.code(), Some(1));
    let quiet = stdout(&o);
    assert!(!quiet.contains(": compliant"), "{quiet}");
    assert!(quiet.contains("dsa-1024.openssh: non-compliant"), "{quiet}");
    assert!(
        quiet.contains("rsa-3072.pem-aes128: non-compliant"),
        "{quiet}"
    );
    assert!(
        quiet.ends_with("5 files: 2 compliant, 2 non-compliant, 0 unreadable, 1 skipped\n"),
        "{quiet}"
    );
    // An unreadable file counts as such (and the exit status is 2).
    let o = run(keyconv()
        .arg("fips-check")
        .arg(testdata().join("ed25519.pub"))
        .arg(dir.path().join("missing")));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).ends_with("2 files: 1 compliant, 0 non-compliant, 1 unreadable, 0 skipped\n"),
        "{}",
        stdout(&o)
    );
    // --json keeps standard output for the JSON: the summary is on standard error.
    let o = run(keyconv()
        .args(["fips-check", "--json"])
        .arg(testdata().join("ed25519.pub")));
    assert!(serde_json::from_slice::<serde_json::Value>(&o.stdout).is_ok());
    assert!(
        stderr(&o).contains("1 file: 1 compliant, 0 non-compliant, 0 unreadable, 0 skipped"),
        "{}",
        stderr(&o)
    );
    let o = run(keyconv().args(["fips-check", "--json", "--quiet", "x"]));
    assert_eq!(o.status.code(), Some(2), "--json and --quiet conflict");
}

#[test]
fn generate_quiet_prints_nothing() {
    let dir = tempdir();
    let out = dir.path().join("k");
    let o = run(keyconv()
        .args(["generate", "--no-passphrase", "--quiet", "-o"])
        .arg(&out));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty() && o.stderr.is_empty());
    assert!(out.exists() && dir.path().join("k.pub").exists());
}

fn ssh_keygen(args: &[&str], file: &Path) -> String {
    let o = run(Command::new("ssh-keygen").args(args).arg("-f").arg(file));
    assert!(o.status.success(), "ssh-keygen {args:?}: {}", stderr(&o));
    stdout(&o)
}

fn keyconv_fingerprint(args: &[&str], file: &Path, pass: Option<&Path>) -> String {
    let mut c = keyconv();
    c.arg("fingerprint").args(args).arg(file);
    if let Some(p) = pass {
        c.arg("--passphrase-file").arg(p);
    }
    let o = run(&mut c);
    assert!(
        o.status.success(),
        "{args:?} {}: {}",
        file.display(),
        stderr(&o)
    );
    stdout(&o)
}

/// Every fingerprint form, byte for byte as ssh-keygen prints it, for every key type: from the
/// public key, and (ssh-keygen -l reads private keys too) from the OpenSSH private key.
#[test]
fn fingerprints_are_byte_identical_to_ssh_keygen() {
    if !have_tool("ssh-keygen") {
        return;
    }
    let forms: [(&[&str], &[&str]); 7] = [
        (&["-l"], &[]),
        (&["-l", "-E", "sha512"], &["--hash", "sha512"]),
        (&["-l", "-E", "md5"], &["--hash", "md5"]),
        (&["-l", "-B"], &["--bubblebabble"]),
        (&["-lv"], &["--visual"]),
        (&["-lv", "-E", "md5"], &["--visual", "--hash", "md5"]),
        (&["-lv", "-E", "sha512"], &["-v", "-E", "sha512"]),
    ];
    let mut compared = 0;
    for key in SSH_KEYGEN_KEYS {
        // ssh-keygen -l of an OpenSSH private key prints "no comment" (it reads only the
        // file's public section); keyconv prints the key's comment, so the private key is
        // compared with what ssh-keygen prints for the .pub of the same key and comment.
        let public = testdata().join(format!("{key}.pub"));
        for file in [format!("{key}.pub"), format!("{key}.openssh")] {
            let path = testdata().join(&file);
            for (theirs, ours) in forms {
                let expected = ssh_keygen(theirs, &public);
                assert_eq!(
                    keyconv_fingerprint(ours, &path, None),
                    expected,
                    "{file} {ours:?}"
                );
                compared += 1;
            }
        }
        // And the private key itself, whose comment ssh-keygen leaves out, for the picture.
        let private = testdata().join(format!("{key}.openssh"));
        let theirs = ssh_keygen(&["-lv"], &private);
        let ours = keyconv_fingerprint(&["--visual"], &private, None).replacen(
            &format!(" {key}@keyconv-test "),
            " no comment ",
            1,
        );
        assert_eq!(ours, theirs, "{key}.openssh -lv");
    }
    // A file of many keys (authorized_keys): each line, each picture, in order.
    let path = testdata().join("authorized_keys");
    assert_eq!(
        keyconv_fingerprint(&["--visual"], &path, None),
        ssh_keygen(&["-lv"], &path)
    );
    assert_eq!(compared, 9 * 2 * 7);
}

fn openssl_digest(convert: &[&str], input: &Path, pass: Option<&Path>, digest: &str) -> String {
    let mut c = Command::new("openssl");
    c.args(convert).arg("-in").arg(input);
    if let Some(p) = pass {
        c.arg("-passin").arg(format!("file:{}", p.display()));
    }
    let der = run(&mut c);
    assert!(
        der.status.success(),
        "openssl {convert:?}: {}",
        stderr(&der)
    );
    let mut child = Command::new("openssl")
        .args([digest, "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&der.stdout).unwrap();
    let o = child.wait_with_output().unwrap();
    // `MD5(stdin)= 9c:e9:…`
    stdout(&o)
        .trim()
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// `--format aws`: the MD5 of the SPKI DER (imported RSA) and the SHA-1 of the PKCS#8 DER (RSA
/// created by AWS) as openssl computes them, from every RSA key and every private format; the
/// ssh-keygen SHA-256 fingerprint for Ed25519; other types refused.
#[test]
fn aws_fingerprints_match_openssl() {
    if !have_tool("openssl") {
        return;
    }
    let passphrase = testdata().join("passphrase");
    for key in ["rsa-1024", "rsa-2048", "rsa-3072", "rsa-4096"] {
        let pem = testdata().join(format!("{key}.pem"));
        let imported = openssl_digest(&["pkey", "-pubout", "-outform", "DER"], &pem, None, "md5");
        let created = openssl_digest(
            &["pkcs8", "-nocrypt", "-topk8", "-outform", "DER"],
            &pem,
            None,
            "sha1",
        );
        assert_eq!(imported.len(), 47, "{imported}");
        assert_eq!(created.len(), 59, "{created}");
        let bits = key.trim_start_matches("rsa-");
        let line = |comment: &str| {
            (
                format!("{bits} {imported} {comment} (RSA, imported into AWS)\n"),
                format!("{bits} {created} {comment} (RSA, created by AWS)\n"),
            )
        };
        let (imported_line, _) = line(&format!("{key}@keyconv-test"));
        // The public key alone: only what an import shows.
        let public = keyconv_fingerprint(
            &["--format", "aws"],
            &testdata().join(format!("{key}.pub")),
            None,
        );
        assert_eq!(public, imported_line);
        for (file, pass, comment) in [
            (format!("{key}.ppk3"), None, format!("{key}@keyconv-test")),
            (
                format!("{key}.openssh-aes256-ctr"),
                Some(passphrase.as_path()),
                format!("{key}@keyconv-test"),
            ),
            // PKCS#8 holds no comment.
            (
                format!("{key}.pkcs8-aes128"),
                Some(passphrase.as_path()),
                "no comment".to_owned(),
            ),
        ] {
            let out = keyconv_fingerprint(&["--format", "aws"], &testdata().join(&file), pass);
            let (imported_line, created_line) = line(&comment);
            assert_eq!(out, format!("{imported_line}{created_line}"), "{file}");
        }
    }
    let ed = keyconv_fingerprint(&["--format", "aws"], &testdata().join("ed25519.ppk3"), None);
    let sha256 = keyconv_fingerprint(&[], &testdata().join("ed25519.pub"), None);
    let fp = sha256.split(' ').nth(1).unwrap();
    assert_eq!(
        ed,
        format!("256 {fp} ed25519@keyconv-test (ED25519, AWS)\n")
    );
    let o = run(keyconv()
        .args(["fingerprint", "--format", "aws"])
        .arg(testdata().join("ecdsa-256.pub")));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("RSA or ED25519"), "{}", stderr(&o));
}

/// Certificates: the picture of the certified key, titled as ssh-keygen titles it (the
/// `[ED25519-CERT 256]` title is too wide for the box: ssh-keygen falls back to `[ED25519-CERT]`).
#[test]
fn certificate_randomart_is_byte_identical_to_ssh_keygen() {
    if !have_tool("ssh-keygen") {
        return;
    }
    let dir = tempdir();
    let ca = dir.path().join("ca");
    let o = run(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&ca));
    assert!(o.status.success(), "{}", stderr(&o));
    for key in ["ed25519", "ecdsa-256", "rsa-2048"] {
        let public = dir.path().join(format!("{key}.pub"));
        std::fs::copy(testdata().join(format!("{key}.pub")), &public).unwrap();
        let o = run(Command::new("ssh-keygen")
            .args(["-q", "-s"])
            .arg(&ca)
            .args(["-I", "id", "-n", "user"])
            .arg(&public));
        assert!(o.status.success(), "{}", stderr(&o));
        let cert = dir.path().join(format!("{key}-cert.pub"));
        for (theirs, ours) in [
            (&["-lv"][..], &["-v"][..]),
            (&["-lv", "-E", "md5"], &["-v", "-E", "md5"]),
        ] {
            assert_eq!(
                keyconv_fingerprint(ours, &cert, None),
                ssh_keygen(theirs, &cert),
                "{key} certificate {ours:?}"
            );
        }
    }
}
