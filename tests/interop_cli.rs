//! The journeys of the issues, end to end through the `keyconv` binary and the real peer tools:
//! what ssh-keygen, puttygen and openssl write, keyconv converts, and they read it back.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{Entry, have_tool, keyconv, manifest, run, tempdir, testdata, type_and_blob};

fn convert(input: &Path, to: &str, out: &Path, pass: Option<&Path>, extra: &[&str]) {
    let mut cmd = keyconv();
    cmd.arg("convert")
        .arg(input)
        .args(["--to", to, "-o"])
        .arg(out)
        .args(extra);
    if let Some(p) = pass {
        cmd.arg("--passphrase-file").arg(p);
    }
    let o = run(cmd.stdin(Stdio::null()));
    assert!(
        o.status.success(),
        "{} → {to}: {}",
        input.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `ssh-keygen -y` of a private key file: its public line (with the comment, for openssh-key-v1).
fn ssh_keygen_public(file: &Path, pass: &str) -> String {
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = run(Command::new("ssh-keygen")
        .args(["-y", "-P", pass, "-f"])
        .arg(file)
        .stdin(Stdio::null()));
    assert!(
        o.status.success(),
        "ssh-keygen -y {}: {}",
        file.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim_end().to_owned()
}

fn comment_of(line: &str) -> String {
    line.splitn(3, ' ').nth(2).unwrap_or("").to_owned()
}

/// Every key ssh-keygen made, unencrypted and under every cipher: `convert --to openssh`
/// unencrypted and re-encrypted is read by `ssh-keygen -y` with the same key and comment.
#[test]
fn ssh_keygen_keys_round_trip_through_convert_to_openssh() {
    assert!(have_tool("ssh-keygen"));
    let dir = tempdir();
    let pass = common::passphrase("passphrase");
    let pass = String::from_utf8(pass).unwrap();
    let mut n = 0;
    let rows: Vec<Entry> = manifest()
        .into_iter()
        .filter(|e| {
            e.format == "openssh"
                && e.maker.contains("ssh-keygen")
                && e.passphrase_file.as_deref() != Some("passphrase-utf8")
        })
        .collect();
    for e in &rows {
        let reference = e.reference_pub().trim_end().to_owned();
        let plain = dir.path().join(format!("{}.plain", e.file));
        convert(
            &e.path(),
            "openssh",
            &plain,
            e.passphrase_path().as_deref(),
            &["--no-passphrase"],
        );
        assert_eq!(
            ssh_keygen_public(&plain, ""),
            reference,
            "{} unencrypted",
            e.file
        );

        let again = dir.path().join(format!("{}.enc", e.file));
        let newpass = testdata().join("passphrase");
        convert(
            &e.path(),
            "openssh",
            &again,
            e.passphrase_path().as_deref(),
            &[
                "--new-passphrase-file",
                newpass.to_str().unwrap(),
                "--rounds",
                "2",
            ],
        );
        let line = ssh_keygen_public(&again, &pass);
        assert_eq!(
            type_and_blob(&line),
            type_and_blob(&reference),
            "{} re-encrypted",
            e.file
        );
        assert_eq!(
            comment_of(&line),
            comment_of(&reference),
            "{} comment",
            e.file
        );
        n += 1;
    }
    assert!(n >= 9 * 11, "only {n} ssh-keygen files");
}

/// `keyconv public` on every public-key rendering the peers make (ssh-keygen's .pub, RFC 4716 and
/// PKCS8 exports, puttygen's export plain, CRLF, BOM, UTF-16LE, flattened, continued Comment)
/// prints exactly ssh-keygen's `TYPE BASE64`, keeping the comment where the input had one.
#[test]
fn public_prints_ssh_keygens_line_for_every_rendering() {
    let mut n = 0;
    for e in manifest()
        .into_iter()
        .filter(|e| ["rfc4716", "spki", "public"].contains(&e.format.as_str()))
    {
        let o = run(keyconv().arg("public").arg(e.path()));
        assert!(
            o.status.success(),
            "{}: {}",
            e.file,
            String::from_utf8_lossy(&o.stderr)
        );
        let line = String::from_utf8_lossy(&o.stdout).trim_end().to_owned();
        assert_eq!(line.lines().count(), 1, "{}", e.file);
        assert_eq!(
            type_and_blob(&line),
            e.reference_type_and_blob(),
            "{}",
            e.file
        );
        if e.file.contains("putty-pub") {
            assert_eq!(
                comment_of(&line),
                comment_of(e.reference_pub().trim_end()),
                "{}: comment",
                e.file
            );
        }
        n += 1;
    }
    assert!(n >= 80, "only {n} public renderings");
}

/// `--to rfc4716` output is accepted by `ssh-keygen -i`, and `fingerprint` equals
/// `ssh-keygen -l` (SHA256 and MD5) for every public key file.
#[test]
fn rfc4716_output_is_read_by_ssh_keygen_and_fingerprints_match() {
    assert!(have_tool("ssh-keygen"));
    let dir = tempdir();
    for key in common::SSH_KEYGEN_KEYS {
        let pub_file = testdata().join(format!("{key}.pub"));
        let out = dir.path().join(format!("{key}.rfc"));
        convert(&pub_file, "rfc4716", &out, None, &[]);
        let o = run(Command::new("ssh-keygen")
            .args(["-i", "-m", "RFC4716", "-f"])
            .arg(&out));
        assert!(
            o.status.success(),
            "{key}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let reference = std::fs::read_to_string(&pub_file).unwrap();
        assert_eq!(
            type_and_blob(&String::from_utf8_lossy(&o.stdout)),
            type_and_blob(&reference),
            "{key}"
        );
        for (hash, suffix) in [("sha256", "sha256"), ("md5", "md5")] {
            let ours = run(keyconv()
                .args(["fingerprint", "--hash", hash])
                .arg(&pub_file));
            let theirs =
                std::fs::read_to_string(testdata().join(format!("{key}.fingerprint-{suffix}")))
                    .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&ours.stdout),
                theirs,
                "{key} {hash}"
            );
        }
    }
}

/// Every .ppk puttygen made converts to openssh and pkcs8 with the public key `puttygen -L` prints.
#[test]
fn puttygen_files_convert_to_openssh_and_pkcs8() {
    let dir = tempdir();
    let mut n = 0;
    for e in manifest().into_iter().filter(|e| e.format == "ppk") {
        let reference = e.reference_pub();
        for to in ["openssh", "pkcs8", "pem"] {
            if (to == "openssh" && e.key == "ed448") || (to == "pem" && e.key.starts_with("ed")) {
                continue;
            }
            let out = dir.path().join(format!("{}.{to}", e.file));
            convert(
                &e.path(),
                to,
                &out,
                e.passphrase_path().as_deref(),
                &["--no-passphrase"],
            );
            let o = run(keyconv().arg("public").arg(&out));
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let line = String::from_utf8_lossy(&o.stdout).into_owned();
            assert_eq!(
                type_and_blob(&line),
                type_and_blob(&reference),
                "{} → {to}",
                e.file
            );
            if to == "openssh" {
                assert_eq!(
                    comment_of(line.trim_end()),
                    comment_of(reference.trim_end()),
                    "{} → {to}: comment",
                    e.file
                );
            }
            n += 1;
        }
    }
    assert!(n > 100, "only {n} conversions");
}

/// Every key openssl and ssh-keygen wrote as PKCS#8 or traditional PEM, encrypted or not,
/// converts to openssh and ppk with the public key of the original.
#[test]
fn pkcs8_and_pem_files_convert_to_openssh_and_ppk() {
    let dir = tempdir();
    let mut n = 0;
    for e in manifest()
        .into_iter()
        .filter(|e| e.format == "pkcs8" || e.format == "pem")
    {
        if e.file.contains("iter600000") {
            continue; // the 600,000-iteration file is the benchmark's; one PBKDF2 run is enough elsewhere
        }
        for to in ["openssh", "ppk"] {
            if to == "openssh" && e.key == "ed448" {
                continue;
            }
            let out = dir.path().join(format!("{}.{to}", e.file));
            convert(
                &e.path(),
                to,
                &out,
                e.passphrase_path().as_deref(),
                &["--no-passphrase"],
            );
            let o = run(keyconv().arg("public").arg(&out));
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            assert_eq!(
                type_and_blob(&String::from_utf8_lossy(&o.stdout)),
                e.reference_type_and_blob(),
                "{} → {to}",
                e.file
            );
            n += 1;
        }
    }
    assert!(n > 250, "only {n} conversions");
}

/// A wrong passphrase on every encrypted file of every format: exit 1, `incorrect passphrase`,
/// no output file.
#[test]
fn wrong_passphrase_exits_1_and_writes_nothing() {
    let dir = tempdir();
    let wrong = dir.path().join("wrong");
    std::fs::write(&wrong, "not the passphrase\n").unwrap();
    let mut n = 0;
    for e in manifest()
        .into_iter()
        .filter(|e| e.encrypted && !e.file.contains("iter600000"))
    {
        let out = dir.path().join(format!("{}.out", e.file));
        let o = run(keyconv()
            .arg("convert")
            .arg(e.path())
            .args(["--to", "pkcs8", "--passphrase-file"])
            .arg(&wrong)
            .arg("-o")
            .arg(&out)
            .stdin(Stdio::null()));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{}: {err}", e.file);
        // A PPK's and a PKCS#12 file's MAC cannot tell a wrong passphrase from a changed file.
        let expected = if e.format == "ppk" || e.format == "pkcs12" {
            "incorrect passphrase or corrupted file"
        } else {
            "incorrect passphrase"
        };
        assert!(
            err.lines().next().unwrap_or("").ends_with(expected),
            "{}: {err}",
            e.file
        );
        assert!(!out.exists(), "{}", e.file);
        n += 1;
    }
    assert!(n > 200, "only {n} encrypted files");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the passphrase file remains"
    );
}
