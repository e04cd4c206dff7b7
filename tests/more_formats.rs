//! ssh.com, PKCS#12 and X.509 files made by puttygen and openssl (testdata/generate.sh): every
//! private one converts to every private target and the peers (ssh-keygen, puttygen, openssl)
//! read the same key; `public`/`fingerprint` agree with ssh-keygen; what keyconv writes as
//! sshcom is puttygen's own output and is read back by puttygen and ssh-keygen.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{Entry, have_tool, keyconv, manifest, run, tempdir, testdata, type_and_blob};

fn rows(formats: &[&str]) -> Vec<Entry> {
    let rows: Vec<Entry> = manifest()
        .into_iter()
        .filter(|e| formats.contains(&e.format.as_str()))
        .collect();
    assert!(!rows.is_empty(), "no {formats:?} files in the manifest");
    rows
}

fn keyconv_ok(args: &[&str], pass: Option<&Path>) -> String {
    let mut cmd = keyconv();
    cmd.args(args).stdin(Stdio::null());
    if let Some(p) = pass {
        cmd.arg("--passphrase-file").arg(p);
    }
    let o = run(&mut cmd);
    assert!(
        o.status.success(),
        "keyconv {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn peer(cmd: &mut Command) -> String {
    let o = run(cmd.stdin(Stdio::null()));
    assert!(
        o.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim_end().to_owned()
}

fn ssh_keygen_y(file: &Path) -> String {
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)).unwrap();
    peer(
        Command::new("ssh-keygen")
            .args(["-y", "-P", "", "-f"])
            .arg(file),
    )
}

fn puttygen_l(file: &Path, pass: Option<&Path>) -> String {
    let empty = tempdir();
    let none = empty.path().join("empty");
    std::fs::write(&none, "").unwrap();
    peer(
        Command::new("puttygen")
            .arg(file)
            .arg("--old-passphrase")
            .arg(pass.unwrap_or(&none))
            .arg("-L"),
    )
}

#[test]
fn every_private_file_converts_to_every_private_target_and_the_peers_read_it() {
    assert!(have_tool("ssh-keygen") && have_tool("puttygen") && have_tool("openssl"));
    let dir = tempdir();
    let mut checked = 0;
    for e in rows(&["sshcom", "pkcs12"]) {
        let reference = e.reference_type_and_blob();
        let eddsa = e.key.starts_with("ed");
        let rsa_or_dsa = e.key.starts_with("rsa") || e.key.starts_with("dsa");
        for target in ["ppk", "openssh", "pkcs8", "pem", "sshcom"] {
            if (target == "pem" && eddsa) || (target == "sshcom" && !rsa_or_dsa) {
                continue;
            }
            let out = dir.path().join(format!("{}.{target}", e.file));
            let out_s = out.to_str().unwrap();
            keyconv_ok(
                &[
                    "convert",
                    e.path().to_str().unwrap(),
                    "--to",
                    target,
                    "--no-passphrase",
                    "-o",
                    out_s,
                ],
                e.passphrase_path().as_deref(),
            );
            // OpenSSH 9.2 reads no Ed25519 PKCS#8: openssl checks that one (below).
            if !(target == "pkcs8" && eddsa) {
                let line = match target {
                    "ppk" | "sshcom" => puttygen_l(&out, None),
                    _ => ssh_keygen_y(&out),
                };
                assert_eq!(type_and_blob(&line), reference, "{} → {target}", e.file);
            }
            if target == "pkcs8" {
                let der = dir.path().join("pub.der");
                peer(
                    Command::new("openssl")
                        .args(["pkey", "-in", out_s, "-pubout", "-outform", "DER", "-out"])
                        .arg(&der),
                );
                assert_eq!(
                    std::fs::read(&der).unwrap(),
                    std::fs::read(testdata().join(format!("{}.spki-der", e.key))).unwrap(),
                    "{} → pkcs8: openssl pkey",
                    e.file
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} conversions");
}

#[test]
fn public_and_fingerprint_agree_with_ssh_keygen() {
    assert!(have_tool("ssh-keygen"));
    for e in rows(&["sshcom", "pkcs12", "x509"]) {
        let pass = e.passphrase_path();
        let public = keyconv_ok(&["public", e.path().to_str().unwrap()], pass.as_deref());
        assert_eq!(
            type_and_blob(&public),
            e.reference_type_and_blob(),
            "{}",
            e.file
        );
        for hash in ["sha256", "md5"] {
            let ours = keyconv_ok(
                &["fingerprint", "--hash", hash, e.path().to_str().unwrap()],
                pass.as_deref(),
            );
            let theirs = peer(
                Command::new("ssh-keygen")
                    .args(["-l", "-E", hash, "-f"])
                    .arg(testdata().join(format!("{}.pub", e.key))),
            );
            let fields = |s: &str| s.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
            assert_eq!(fields(&ours), fields(&theirs), "{} {hash}", e.file);
            // The key type in parentheses ends the line, as ssh-keygen prints it.
            assert_eq!(
                ours.trim_end().rsplit(' ').next(),
                theirs.rsplit(' ').next(),
                "{} {hash}",
                e.file
            );
        }
    }
}

#[test]
fn certificates_give_their_key_to_every_public_target_and_authorized_keys() {
    assert!(have_tool("openssl") && have_tool("ssh-keygen"));
    let dir = tempdir();
    for e in rows(&["x509"]) {
        let path = e.path();
        let input = path.to_str().unwrap();
        let spki = keyconv_ok(&["convert", input, "--to", "spki"], None);
        let mut inform = vec!["x509", "-pubkey", "-noout", "-in", input];
        if e.file.ends_with("-der") {
            inform.extend(["-inform", "DER"]);
        }
        assert_eq!(
            spki.trim_end(),
            peer(Command::new("openssl").args(&inform)),
            "{}",
            e.file
        );
        let rfc = dir.path().join(format!("{}.rfc4716", e.file));
        keyconv_ok(
            &[
                "convert",
                input,
                "--to",
                "rfc4716",
                "-o",
                rfc.to_str().unwrap(),
            ],
            None,
        );
        let imported = peer(Command::new("ssh-keygen").args(["-i", "-f"]).arg(&rfc));
        assert_eq!(
            type_and_blob(&imported),
            e.reference_type_and_blob(),
            "{}",
            e.file
        );
        let public = keyconv_ok(&["convert", input, "--to", "public"], None);
        assert_eq!(
            type_and_blob(&public),
            e.reference_type_and_blob(),
            "{}",
            e.file
        );
        let ak = dir.path().join(format!("{}.authorized_keys", e.file));
        keyconv_ok(
            &[
                "authorized-keys",
                "add",
                input,
                "--file",
                ak.to_str().unwrap(),
            ],
            None,
        );
        let lines = std::fs::read_to_string(&ak).unwrap();
        assert_eq!(
            type_and_blob(&lines),
            e.reference_type_and_blob(),
            "{}",
            e.file
        );
        let listed = peer(Command::new("ssh-keygen").args(["-l", "-f"]).arg(&ak));
        assert!(listed.contains("SHA256:"), "{listed}");
    }
}

#[test]
fn a_wrong_passphrase_is_an_incorrect_passphrase_and_leaves_no_file() {
    let dir = tempdir();
    let wrong = dir.path().join("wrong");
    std::fs::write(&wrong, "not the passphrase\n").unwrap();
    for e in rows(&["sshcom", "pkcs12"])
        .into_iter()
        .filter(|e| e.encrypted)
    {
        let out = dir.path().join(format!("{}.out", e.file));
        let o = run(keyconv()
            .args([
                "convert",
                e.path().to_str().unwrap(),
                "--to",
                "openssh",
                "-o",
            ])
            .arg(&out)
            .arg("--passphrase-file")
            .arg(&wrong)
            .stdin(Stdio::null()));
        assert_eq!(o.status.code(), Some(1), "{}", e.file);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            stderr.contains("incorrect passphrase"),
            "{}: {stderr}",
            e.file
        );
        assert!(!out.exists(), "{}: an output file was left", e.file);
    }
}

#[test]
fn sshcom_output_is_puttygens_and_puttygen_and_ssh_keygen_read_it() {
    assert!(have_tool("puttygen") && have_tool("ssh-keygen"));
    let dir = tempdir();
    let pass = testdata().join("passphrase");
    for key in ["rsa-2048", "dsa-1024"] {
        let source = testdata().join(format!("{key}.ppk3"));
        let clear = keyconv_ok(
            &["convert", source.to_str().unwrap(), "--to", "sshcom"],
            None,
        );
        let theirs = std::fs::read_to_string(testdata().join(format!("{key}.sshcom"))).unwrap();
        assert_eq!(
            clear, theirs,
            "{key}: unencrypted sshcom differs from puttygen's"
        );
        let reference = std::fs::read_to_string(testdata().join(format!("{key}.pub"))).unwrap();

        let enc = dir.path().join(format!("{key}.sshcom-3des"));
        let o = run(keyconv()
            .args(["convert", source.to_str().unwrap(), "--to", "sshcom", "-o"])
            .arg(&enc)
            .arg("--new-passphrase-file")
            .arg(&pass)
            .stdin(Stdio::null()));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let shown = keyconv_ok(&["inspect", enc.to_str().unwrap()], Some(&pass));
        assert!(shown.contains("sshcom: 3des-cbc"), "{shown}");
        assert_eq!(
            puttygen_l(&enc, Some(&pass)),
            reference.trim_end(),
            "{key} encrypted"
        );
        let openssh = dir.path().join(format!("{key}.openssh"));
        peer(
            Command::new("puttygen")
                .arg(&enc)
                .arg("--old-passphrase")
                .arg(&pass)
                .args([
                    "-O",
                    "private-openssh-new",
                    "--new-passphrase",
                    "/dev/null",
                    "-o",
                ])
                .arg(&openssh),
        );
        assert_eq!(
            type_and_blob(&ssh_keygen_y(&openssh)),
            type_and_blob(&reference),
            "{key}"
        );

        let plain = dir.path().join(format!("{key}.sshcom"));
        std::fs::write(&plain, &clear).unwrap();
        let pem = dir.path().join(format!("{key}.pem"));
        std::fs::write(
            &pem,
            peer(Command::new("ssh-keygen").args(["-i", "-f"]).arg(&plain)) + "\n",
        )
        .unwrap();
        assert_eq!(
            type_and_blob(&ssh_keygen_y(&pem)),
            type_and_blob(&reference),
            "{key}: ssh-keygen -i"
        );
    }
}

#[test]
fn inspect_and_fips_check_judge_pkcs12_protection() {
    let pass = testdata().join("passphrase");
    let default = testdata().join("rsa-2048.pkcs12");
    let text = keyconv_ok(&["inspect", default.to_str().unwrap()], Some(&pass));
    assert!(text.contains("format:      pkcs12"), "{text}");
    assert!(
        text.contains("aes-256-cbc") && text.contains("hmac-sha256"),
        "{text}"
    );
    // openssl's default: 8-byte salt, 2048 iterations: below SP 800-132's salt rule.
    assert!(text.contains("kdf-salt"), "{text}");
    let legacy = testdata().join("rsa-2048.pkcs12-legacy");
    let o = run(keyconv()
        .args(["fips-check", legacy.to_str().unwrap()])
        .stdin(Stdio::null()));
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("prot-pbes1"), "{out}");
    let sshcom = testdata().join("dsa-1024.sshcom-3des");
    let o = run(keyconv()
        .args(["fips-check", sshcom.to_str().unwrap()])
        .stdin(Stdio::null()));
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("prot-sshcom"));
}

#[test]
fn a_modified_pkcs12_file_fails_its_mac_before_anything_is_decrypted() {
    use keyconv::{ErrorKind, KdfLimits, KeyFile, Passphrase};
    let pass = Passphrase::new(common::passphrase("passphrase"));
    for file in [
        "rsa-2048.pkcs12",
        "rsa-2048.pkcs12-legacy",
        "ed25519.pkcs12-nocert",
    ] {
        let good = std::fs::read(testdata().join(file)).unwrap();
        let opened = KeyFile::decode(&good).unwrap();
        assert!(
            opened
                .private_key(Some(&pass), &KdfLimits::default())
                .is_ok()
        );
        let mut mac_failures = 0;
        // Bytes in the middle of the file: ciphertext of the safes, which the MAC covers.
        for at in good.len() / 2..good.len() / 2 + 32 {
            let mut bad = good.clone();
            bad[at] ^= 0x01;
            let result = KeyFile::decode(&bad)
                .and_then(|f| f.private_key(Some(&pass), &KdfLimits::default()));
            let e = result.expect_err(file);
            match e.kind() {
                ErrorKind::IncorrectPassphrase if e.may_be_corrupted() => mac_failures += 1,
                ErrorKind::Malformed { .. } => {} // a DER header was hit
                other => panic!("{file}: byte {at}: {other:?} ({e})"),
            }
        }
        assert!(
            mac_failures >= 16,
            "{file}: only {mac_failures} MAC failures"
        );
    }
}

#[test]
fn keyconv_does_not_write_pkcs12_or_x509() {
    let source = testdata().join("rsa-2048.ppk3");
    for target in ["pkcs12", "x509"] {
        let o = run(keyconv()
            .args(["convert", source.to_str().unwrap(), "--to", target])
            .stdin(Stdio::null()));
        assert_eq!(o.status.code(), Some(2), "{target}: a usage error");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains("does not write"), "{target}: {stderr}");
    }
}
