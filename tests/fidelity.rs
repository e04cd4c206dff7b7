//! Fidelity slips of issue 14, each against the real tool that defines the expected answer:
//! an empty stored comment, an `RSA PUBLIC KEY` label around an SPKI body, EC private keys with
//! explicit curve parameters equal to a named curve, unencrypted security-key (`sk-`) private
//! keys, a PPK with an empty private part.

mod common;

use std::path::Path;
use std::process::Command;

use common::{have_tool, keyconv, run, tempdir, type_and_blob};

fn stdout_ok(cmd: &mut Command) -> String {
    let o = run(cmd);
    assert!(
        o.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn an_empty_stored_comment_is_an_empty_field_as_ssh_keygen_prints_it() {
    if !have_tool("ssh-keygen") {
        return;
    }
    let dir = tempdir();
    for (name, args) in [
        ("openssh-ed25519", &["-t", "ed25519"][..]),
        ("openssh-rsa", &["-t", "rsa", "-b", "2048"][..]),
        // Traditional PEM stores no comment: "no comment" there.
        ("pem-rsa", &["-t", "rsa", "-b", "2048", "-m", "PEM"][..]),
    ] {
        let key = dir.path().join(name);
        let o = run(Command::new("ssh-keygen")
            .args(["-q", "-N", "", "-C", ""])
            .args(args)
            .arg("-f")
            .arg(&key));
        assert!(o.status.success());
        // Without the .pub beside it, ssh-keygen reads the private key file itself.
        std::fs::remove_file(key.with_extension("pub")).unwrap();
        for hash in ["sha256", "md5"] {
            let theirs = stdout_ok(
                Command::new("ssh-keygen")
                    .args(["-l", "-E", hash, "-f"])
                    .arg(&key),
            );
            let ours = stdout_ok(keyconv().args(["fingerprint", "--hash", hash]).arg(&key));
            assert_eq!(ours, theirs, "{name} {hash}");
        }
    }
}

#[test]
fn an_rsa_public_key_label_around_an_spki_body_is_read() {
    if !have_tool("openssl") || !have_tool("ssh-keygen") {
        return;
    }
    let dir = tempdir();
    let private = dir.path().join("rsa.pem");
    let o = run(Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
        ])
        .arg(&private));
    assert!(o.status.success());
    let spki = stdout_ok(
        Command::new("openssl")
            .args(["pkey", "-pubout", "-in"])
            .arg(&private),
    );
    let relabelled = dir.path().join("relabelled");
    std::fs::write(&relabelled, spki.replace("PUBLIC KEY", "RSA PUBLIC KEY")).unwrap();
    // openssl reads it, and ssh-keygen as PKCS8.
    let theirs = stdout_ok(
        Command::new("ssh-keygen")
            .args(["-i", "-m", "PKCS8", "-f"])
            .arg(&relabelled),
    );
    let ours = stdout_ok(keyconv().arg("public").arg(&relabelled));
    assert_eq!(type_and_blob(&ours), type_and_blob(&theirs));
}

fn ssh_keygen_y(path: &Path) -> String {
    type_and_blob(&stdout_ok(
        Command::new("ssh-keygen")
            .args(["-y", "-P", "", "-f"])
            .arg(path),
    ))
}

#[test]
fn ec_keys_with_explicit_parameters_of_a_named_curve_are_read() {
    if !have_tool("openssl") || !have_tool("ssh-keygen") {
        return;
    }
    let dir = tempdir();
    for curve in ["prime256v1", "secp384r1", "secp521r1"] {
        let sec1 = dir.path().join(format!("{curve}.pem"));
        let o = run(Command::new("openssl")
            .args([
                "ecparam",
                "-genkey",
                "-noout",
                "-param_enc",
                "explicit",
                "-name",
                curve,
            ])
            .arg("-out")
            .arg(&sec1));
        assert!(o.status.success());
        let text = stdout_ok(
            Command::new("openssl")
                .args(["asn1parse", "-in"])
                .arg(&sec1),
        );
        assert!(text.contains("prime-field"), "{curve}: not explicit");
        let pkcs8 = dir.path().join(format!("{curve}.p8"));
        let o = run(Command::new("openssl")
            .args(["pkcs8", "-topk8", "-nocrypt", "-in"])
            .arg(&sec1)
            .arg("-out")
            .arg(&pkcs8));
        assert!(o.status.success());
        std::fs::set_permissions(&sec1, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        let expected = ssh_keygen_y(&sec1);
        for input in [&sec1, &pkcs8] {
            let ours = stdout_ok(keyconv().arg("public").arg(input));
            assert_eq!(type_and_blob(&ours), expected, "{}", input.display());
            let out = dir.path().join("out");
            let _ = std::fs::remove_file(&out);
            stdout_ok(
                keyconv()
                    .arg("convert")
                    .arg(input)
                    .args(["--to", "openssh", "--no-passphrase", "-o"])
                    .arg(&out),
            );
            assert_eq!(ssh_keygen_y(&out), expected, "{}", input.display());
        }
    }
    // Explicit parameters of another curve stay refused, naming what is supported.
    let other = dir.path().join("k1.pem");
    let o = run(Command::new("openssl")
        .args([
            "ecparam",
            "-genkey",
            "-noout",
            "-param_enc",
            "explicit",
            "-name",
            "secp256k1",
        ])
        .arg("-out")
        .arg(&other));
    assert!(o.status.success());
    let o = run(keyconv().arg("public").arg(&other));
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("not those of P-256, P-384 or P-521"), "{e}");
}

/// Unencrypted `sk-` private keys (testdata/sk/, built per PROTOCOL.u2f): `public` and
/// `fingerprint` keep the comment, as `ssh-keygen -y`/`-l` print it; `inspect` does not call
/// the key encrypted; the private key is refused as living in the device.
#[test]
fn unencrypted_security_keys_keep_their_comment() {
    if !have_tool("ssh-keygen") {
        return;
    }
    let dir = tempdir();
    for name in ["sk-ed25519", "sk-ecdsa-256"] {
        let file = common::testdata().join(format!("sk/{name}.openssh"));
        let copy = dir.path().join(name);
        std::fs::copy(&file, &copy).unwrap();
        // ssh-keygen refuses a private key others can read; git does not keep the mode.
        #[cfg(unix)]
        std::fs::set_permissions(
            &copy,
            <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600),
        )
        .unwrap();
        let theirs_pub = stdout_ok(Command::new("ssh-keygen").arg("-y").arg("-f").arg(&copy));
        let theirs_fp = stdout_ok(Command::new("ssh-keygen").arg("-l").arg("-f").arg(&copy));
        assert!(
            theirs_pub.trim_end().ends_with("@keyconv-test"),
            "{theirs_pub}"
        );
        assert_eq!(
            stdout_ok(keyconv().arg("public").arg(&file)),
            theirs_pub,
            "{name}"
        );
        assert_eq!(
            stdout_ok(keyconv().arg("fingerprint").arg(&file)),
            theirs_fp,
            "{name}"
        );
        let inspect = stdout_ok(keyconv().arg("inspect").arg(&file));
        assert!(inspect.contains("protection:  none"), "{inspect}");
        assert!(!inspect.contains("encrypted"), "{inspect}");
        assert!(inspect.contains("@keyconv-test"), "{inspect}");
        let o = run(keyconv().arg("convert").arg(&file).args(["--to", "ppk"]));
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("security key"), "{err}");
    }
}

/// A PPK that ends after its public key (what sshpk writes, testdata/sshpk/): keyconv reads its
/// public key as puttygen does, and refuses the private key with one clear line, as puttygen
/// refuses it.
#[test]
fn a_public_only_ppk_reads_as_puttygen_reads_it() {
    if !have_tool("puttygen") || !have_tool("ssh-keygen") {
        return;
    }
    let dir = common::testdata().join("sshpk");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().path();
        let key = file.file_stem().unwrap().to_string_lossy().into_owned();
        let theirs = stdout_ok(
            Command::new("puttygen")
                .arg(&file)
                .args(["-O", "public-openssh"]),
        );
        assert_eq!(
            stdout_ok(keyconv().arg("public").arg(&file)),
            theirs,
            "{key}"
        );
        let reference = common::testdata().join(format!("{key}.pub"));
        let fp = stdout_ok(
            Command::new("ssh-keygen")
                .arg("-l")
                .arg("-f")
                .arg(&reference),
        );
        assert_eq!(
            stdout_ok(keyconv().arg("fingerprint").arg(&file)),
            fp,
            "{key}"
        );
        let inspect = stdout_ok(keyconv().arg("inspect").arg(&file));
        assert!(inspect.contains("format:      ppk"), "{inspect}");
        for target in ["openssh", "ppk", "pkcs8"] {
            let o = run(keyconv().arg("convert").arg(&file).args(["--to", target]));
            assert_eq!(o.status.code(), Some(1), "{key} → {target}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.contains("holds only a public key"), "{err}");
        }
        // The public targets need no private key.
        let o = run(keyconv().arg("convert").arg(&file).args(["--to", "public"]));
        assert_eq!(String::from_utf8_lossy(&o.stdout), theirs);
        seen += 1;
    }
    assert!(seen >= 4);
}
