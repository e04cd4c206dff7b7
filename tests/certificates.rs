//! OpenSSH certificates (`*-cert-v01@openssh.com`, testdata/cert/ made by `ssh-keygen -s` and
//! `puttygen --certificate`): `inspect` shows every field `ssh-keygen -L` shows, the FIPS
//! assessment judges the CA key too, and PPKs carrying a certificate convert.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use common::{
    certificates, certified_ppks, have_tool, keyconv, run, ssh_keygen_cert_lines, testdata,
};

/// The certificate block of `keyconv inspect` (text), one trimmed line per field or item.
fn inspect_cert_lines(file: &Path, tz: &str) -> Vec<String> {
    let out = run(keyconv()
        .env("TZ", tz)
        .env("KEYCONV_PASSPHRASE", "correct horse battery")
        .arg("inspect")
        .arg(file));
    assert!(
        out.status.success(),
        "inspect {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines().skip_while(|l| *l != "  certificate:").skip(1);
    let mut block = Vec::new();
    for line in lines.by_ref() {
        if !line.starts_with("    ") {
            break;
        }
        block.push(line.trim().to_owned());
    }
    block
}

fn inspect_json(file: &Path) -> Value {
    let out = run(keyconv()
        .env("KEYCONV_PASSPHRASE", "correct horse battery")
        .args(["inspect", "--json"])
        .arg(file));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn fips_check(file: &Path, strict: bool) -> (i32, String) {
    let mut cmd = keyconv();
    cmd.arg("fips-check").arg(file);
    if strict {
        cmd.arg("--strict");
    }
    let out = run(&mut cmd);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// Every field `ssh-keygen -L` prints, for every certificate of the corpus and every PPK that
/// carries one, equal line for line: in UTC and in a zone with a half-hour offset (ssh-keygen
/// prints local time).
#[test]
fn inspect_shows_every_field_ssh_keygen_shows() {
    if !have_tool("ssh-keygen") {
        return;
    }
    let mut compared = 0;
    let mut files: Vec<(std::path::PathBuf, std::path::PathBuf)> =
        certificates().into_iter().map(|c| (c.clone(), c)).collect();
    files.extend(certified_ppks());
    for tz in ["UTC", "Asia/Kolkata"] {
        for (file, cert) in &files {
            let theirs = ssh_keygen_cert_lines(cert, tz);
            let ours = inspect_cert_lines(file, tz);
            assert!(theirs.len() >= 9, "{}: {theirs:?}", cert.display());
            assert_eq!(ours, theirs, "{} (TZ={tz})", file.display());
            compared += theirs.len();
        }
    }
    eprintln!(
        "compared {compared} ssh-keygen -L lines over {} files",
        files.len()
    );
}

/// `inspect --json` carries the same fields, typed.
#[test]
fn inspect_json_carries_the_certificate() {
    if !have_tool("ssh-keygen") {
        return;
    }
    for cert in certificates() {
        let theirs = ssh_keygen_cert_lines(&cert, "UTC");
        let field = |name: &str| {
            theirs
                .iter()
                .find_map(|l| l.strip_prefix(&format!("{name}:")))
                .unwrap_or_else(|| panic!("{name} in {theirs:?}"))
                .trim()
                .to_owned()
        };
        let json = inspect_json(&cert);
        let c = &json[0]["keys"][0]["certificate"];
        assert!(c.is_object(), "{}: {json:#}", cert.display());
        let ty = field("Type");
        assert!(
            ty.ends_with(&format!("{} certificate", c["type"].as_str().unwrap())),
            "{ty}"
        );
        assert_eq!(
            field("Key ID"),
            format!("\"{}\"", c["key_id"].as_str().unwrap())
        );
        assert_eq!(field("Serial"), c["serial"].as_u64().unwrap().to_string());
        let ca = field("Signing CA");
        assert!(
            ca.contains(c["ca"]["fingerprint_sha256"].as_str().unwrap()),
            "{ca}"
        );
        assert!(ca.ends_with(&format!(
            "(using {})",
            c["signature_algorithm"].as_str().unwrap()
        )));
        let valid = field("Valid");
        assert_eq!(valid == "forever", c["valid_forever"].as_bool().unwrap());
        if let Some(from) = c["valid_from"].as_str() {
            assert!(valid.contains(from.trim_end_matches('Z')), "{valid} {from}");
        }
        if let Some(to) = c["valid_to"].as_str() {
            assert!(valid.contains(to.trim_end_matches('Z')), "{valid} {to}");
        }
        let principals: Vec<&str> = c["principals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        for p in &principals {
            assert!(theirs.iter().any(|l| l == p), "{p} in {theirs:?}");
        }
        assert_eq!(principals.is_empty(), field("Principals") == "(none)");
    }
    let json = inspect_json(&testdata().join("cert/ed25519-user-cert.pub"));
    let c = &json[0]["keys"][0]["certificate"];
    assert_eq!(c["critical_options"][0]["name"], "force-command");
    assert_eq!(c["critical_options"][0]["value"], "ls -l /tmp");
    assert_eq!(c["valid_from"], "2026-01-01T00:00:00Z");
    assert_eq!(c["valid_to"], "2027-01-01T00:00:00Z");
}

/// The CA key is judged too: a DSA or 1024-bit RSA CA, or a SHA-1 signature, makes the
/// certificate non-compliant with a finding that names the CA; an Ed25519 CA is conditional
/// (fails --strict), as an Ed25519 key is.
#[test]
fn fips_judges_the_signing_ca() {
    let cert = |name: &str| testdata().join(format!("cert/{name}-cert.pub"));
    for (name, rule) in [
        ("ed25519-host-dsa", "key-dsa"),
        ("ed25519-user-rsa1024", "key-rsa-size"),
        ("rsa-4096-host-sha1", "cert-signature"),
    ] {
        let (code, out) = fips_check(&cert(name), false);
        assert_eq!(code, 1, "{name}: {out}");
        let line = out
            .lines()
            .find(|l| l.contains(rule) && l.contains("non-approved"))
            .unwrap_or_else(|| panic!("{name}: no {rule} finding in {out}"));
        assert!(line.contains("signing CA"), "{line}");
    }
    // ECDSA key, ECDSA CA: compliant, also under --strict.
    assert_eq!(fips_check(&cert("ecdsa-384-user"), true).0, 0);
    // RSA 3072 signed rsa-sha2-256 by an RSA 3072 CA: compliant.
    assert_eq!(fips_check(&cert("rsa-3072-user-sha256"), true).0, 0);
    // An RSA key signed by an Ed25519 CA: the CA alone makes it fail --strict.
    let (code, out) = fips_check(&cert("rsa-2048-user-sha512"), true);
    assert_eq!(code, 0, "{out}");
    let (code, out) = fips_check(&cert("rsa-1024-user"), false);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("key-eddsa") && out.contains("signing CA ED25519"),
        "{out}"
    );
    let (code, _) = fips_check(&cert("ed25519-user"), false);
    assert_eq!(code, 0);
    let (code, out) = fips_check(&cert("ed25519-user"), true);
    assert_eq!(code, 1, "{out}");
    // The JSON verdict names the CA as well, in inspect and fips-check alike.
    let json = inspect_json(&cert("ed25519-host-dsa"));
    let findings = json[0]["fips"]["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| {
        f["rule"] == "key-dsa"
            && f["detail"]
                .as_str()
                .unwrap()
                .starts_with("signing CA DSA SHA256:")
    }));
    assert_eq!(json[0]["fips"]["verdict"], "non-compliant");
}

/// The corpus key a certificate of testdata/cert/ certifies (`rsa-2048-user-sha512` →
/// `rsa-2048`).
fn certified_key(cert_or_ppk: &Path) -> &'static str {
    let name = cert_or_ppk.file_name().unwrap().to_string_lossy();
    common::KEYS
        .into_iter()
        .find(|k| name.starts_with(&format!("{k}-")))
        .unwrap_or_else(|| panic!("no corpus key for {name}"))
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn convert(input: &Path, args: &[&str]) -> std::process::Output {
    run(keyconv()
        .env("KEYCONV_PASSPHRASE", "correct horse battery")
        .arg("convert")
        .arg(input)
        .args(args))
}

/// A certified PPK converts to every private target that cannot hold a certificate as the
/// plain key plus OUTPUT-cert.pub: ssh-keygen -L reads that certificate as the one the PPK
/// carried, and ssh-keygen -y of the key gives the certified public key.
#[test]
fn a_certified_ppk_converts_with_its_certificate_beside() {
    if !have_tool("ssh-keygen") {
        return;
    }
    let dir = common::tempdir();
    for (ppk, cert) in certified_ppks() {
        let key = certified_key(&ppk);
        let plain = common::type_and_blob(
            &std::fs::read_to_string(testdata().join(format!("{key}.pub"))).unwrap(),
        );
        let cert_text = std::fs::read_to_string(&cert).unwrap();
        // Ed25519 has no traditional PEM form, and ssh-keygen does not read it from PKCS#8.
        let targets: &[&str] = if key == "ed25519" {
            &["openssh", "pkcs8"]
        } else {
            &["openssh", "pkcs8", "pem"]
        };
        for &target in targets {
            let out = dir.path().join(format!(
                "{}.{target}",
                ppk.file_name().unwrap().to_string_lossy()
            ));
            let o = convert(&ppk, &["--to", target, "--no-passphrase", "-o", path(&out)]);
            assert!(
                o.status.success(),
                "{}: {}",
                ppk.display(),
                String::from_utf8_lossy(&o.stderr)
            );
            let written = std::path::PathBuf::from(format!("{}-cert.pub", out.display()));
            let line = std::fs::read_to_string(&written).unwrap();
            assert_eq!(
                common::type_and_blob(&line),
                common::type_and_blob(&cert_text),
                "{}",
                written.display()
            );
            assert_eq!(
                ssh_keygen_cert_lines(&written, "UTC"),
                ssh_keygen_cert_lines(&cert, "UTC")
            );
            if key == "ed25519" && target == "pkcs8" {
                continue;
            }
            let y = run(Command::new("ssh-keygen").arg("-y").arg("-f").arg(&out));
            assert!(
                y.status.success(),
                "ssh-keygen -y {}: {}",
                out.display(),
                String::from_utf8_lossy(&y.stderr)
            );
            assert_eq!(
                common::type_and_blob(&String::from_utf8_lossy(&y.stdout)),
                plain
            );
        }
    }
}

/// The key and its certificate are written all or none: an existing OUTPUT-cert.pub is not
/// replaced without --force (and the key is not written either); one --force cannot replace
/// (a directory) leaves the old key as it was.
#[test]
fn key_and_certificate_are_written_all_or_none() {
    let dir = common::tempdir();
    let ppk = testdata().join("cert/ed25519-user.ppk3");
    let out = dir.path().join("id");
    let cert = dir.path().join("id-cert.pub");
    std::fs::write(&cert, "old\n").unwrap();
    let o = convert(&ppk, &["--to", "openssh", "-o", path(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("id-cert.pub exists"), "{err}");
    assert!(!out.exists());
    assert_eq!(std::fs::read_to_string(&cert).unwrap(), "old\n");
    let o = convert(&ppk, &["--to", "openssh", "--force", "-o", path(&out)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read_to_string(&cert)
            .unwrap()
            .starts_with("ssh-ed25519-cert-v01@openssh.com ")
    );
    let key = std::fs::read(&out).unwrap();
    std::fs::remove_file(&cert).unwrap();
    std::fs::create_dir(&cert).unwrap();
    let o = convert(&ppk, &["--to", "pkcs8", "--force", "-o", path(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(&out).unwrap(), key, "the old key is kept");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary file left"
    );
    // To standard output the key alone, with a notice that the certificate is not there.
    let o = convert(&ppk, &["--to", "openssh"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("-cert.pub"));
}

/// Converted to ppk the certificate stays (unencrypted: byte for byte puttygen's file), and
/// puttygen reads what keyconv writes, v2 and v3, encrypted or not; `--to public` prints the
/// certificate line, as `puttygen -L` does.
#[test]
fn puttygen_reads_the_certified_ppks_keyconv_writes() {
    if !have_tool("puttygen") {
        return;
    }
    let dir = common::tempdir();
    let pass = testdata().join("passphrase");
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "").unwrap();
    for (ppk, cert) in certified_ppks() {
        let cert_line = common::type_and_blob(&std::fs::read_to_string(&cert).unwrap());
        let name = ppk.file_name().unwrap().to_string_lossy().into_owned();
        if !name.contains("argon2") {
            let version = if name.ends_with("ppk2") { "2" } else { "3" };
            let o = convert(&ppk, &["--to", "ppk", "--ppk-version", version]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            assert_eq!(
                o.stdout,
                std::fs::read(&ppk).unwrap(),
                "{name}: not puttygen's bytes"
            );
        }
        for (i, args) in [
            vec![
                "--ppk-version",
                "3",
                "--argon2-memory",
                "64",
                "--argon2-passes",
                "1",
            ],
            vec!["--ppk-version", "2"],
            vec!["--no-passphrase"],
        ]
        .into_iter()
        .enumerate()
        {
            let out = dir.path().join(format!("{name}.{i}.ppk"));
            let mut all = vec!["--to", "ppk", "-o", path(&out)];
            if i < 2 {
                all.extend(["--new-passphrase-file", path(&pass)]);
            }
            all.extend(args);
            let o = convert(&ppk, &all);
            assert!(
                o.status.success(),
                "{name} {all:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let l = run(Command::new("puttygen")
                .arg(&out)
                .arg("--old-passphrase")
                .arg(&pass)
                .arg("-L"));
            assert!(
                l.status.success(),
                "puttygen -L {name} {all:?}: {}",
                String::from_utf8_lossy(&l.stderr)
            );
            assert_eq!(
                common::type_and_blob(&String::from_utf8_lossy(&l.stdout)),
                cert_line
            );
            // puttygen decrypts it (the MAC covers the certificate): its OpenSSH export is the
            // plain key, which ssh-keygen derives as the certified one.
            if have_tool("ssh-keygen") {
                let exported = dir.path().join(format!("{name}.{i}.openssh"));
                let e = run(Command::new("puttygen")
                    .arg(&out)
                    .arg("--old-passphrase")
                    .arg(&pass)
                    .arg("--new-passphrase")
                    .arg(&empty)
                    .args(["-O", "private-openssh-new", "-o"])
                    .arg(&exported));
                assert!(e.status.success(), "{}", String::from_utf8_lossy(&e.stderr));
                let y = run(Command::new("ssh-keygen")
                    .arg("-y")
                    .arg("-f")
                    .arg(&exported));
                let plain = std::fs::read_to_string(
                    testdata().join(format!("{}.pub", certified_key(&ppk))),
                )
                .unwrap();
                assert_eq!(
                    common::type_and_blob(&String::from_utf8_lossy(&y.stdout)),
                    common::type_and_blob(&plain)
                );
            }
        }
        let o = convert(&ppk, &["--to", "public"]);
        assert!(o.status.success());
        let l = run(Command::new("puttygen")
            .arg(&ppk)
            .arg("--old-passphrase")
            .arg(&pass)
            .arg("-L"));
        assert_eq!(
            o.stdout, l.stdout,
            "{name}: --to public differs from puttygen -L"
        );
    }
}

/// `edit` of a certified PPK keeps the certificate, with the new comment (found: the read-back
/// check compared the certificate's old comment).
#[test]
fn edit_keeps_the_certificate_of_a_ppk() {
    let dir = common::tempdir();
    let file = dir.path().join("id.ppk");
    std::fs::copy(testdata().join("cert/ed25519-user.ppk3"), &file).unwrap();
    let o = run(keyconv()
        .arg("edit")
        .arg(&file)
        .args(["--comment", "new comment"]));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(keyconv().args(["convert", "--to", "public"]).arg(&file));
    let cert = std::fs::read_to_string(testdata().join("cert/ed25519-user-cert.pub")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("{} new comment\n", common::type_and_blob(&cert))
    );
}

/// `fips-check --fix` leaves an encrypted certified PPK as it is (a PKCS#8 rewrite in place would
/// lose the certificate) and says how to convert it; `convert --fips` writes the PKCS#8 key and
/// NEW-cert.pub.
#[test]
fn fips_fix_leaves_a_certified_ppk_and_convert_fips_keeps_the_certificate() {
    let dir = common::tempdir();
    let original = testdata().join("cert/ecdsa-384-user.ppk3-argon2id");
    let file = dir.path().join("id.ppk");
    std::fs::copy(&original, &file).unwrap();
    let o = run(keyconv()
        .env("KEYCONV_PASSPHRASE", "correct horse battery")
        .args(["fips-check", "--fix"])
        .arg(&file));
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("left: the key carries an OpenSSH certificate"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(&original).unwrap()
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing written"
    );
    let new = dir.path().join("new");
    let o = convert(&file, &["--to", "pkcs8", "--fips", "-o", path(&new)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cert = std::fs::read_to_string(dir.path().join("new-cert.pub")).unwrap();
    assert!(
        cert.starts_with("ecdsa-sha2-nistp384-cert-v01@openssh.com "),
        "{cert}"
    );
}

/// A certificate line's blob, re-encoded as a line with `blob` (type and comment kept).
fn with_blob(line: &str, blob: &[u8]) -> String {
    use base64ct::{Base64, Encoding};
    let mut words = line.split(' ');
    let kind = words.next().unwrap();
    let rest: Vec<&str> = words.skip(1).collect();
    format!(
        "{kind} {} {}\n",
        Base64::encode_string(blob),
        rest.join(" ")
    )
}

fn blob_of(line: &str) -> Vec<u8> {
    use base64ct::{Base64, Encoding};
    Base64::decode_vec(line.split(' ').nth(1).unwrap()).unwrap()
}

/// Where the body's first signed text field is: the last byte of the key ID, else of the first
/// principal, else the nonce's first byte (a field the signature covers, changed so that the
/// structure stays well-formed).
fn signed_byte(blob: &[u8], cert: &keyconv::key::Certificate) -> (usize, &'static str) {
    let find = |text: &str| {
        let mut needle = (text.len() as u32).to_be_bytes().to_vec();
        needle.extend_from_slice(text.as_bytes());
        blob.windows(needle.len())
            .position(|w| w == needle)
            .map(|at| at + needle.len() - 1)
    };
    if !cert.key_id.is_empty() {
        return (find(&cert.key_id).unwrap(), "key id");
    }
    if let Some(p) = cert.principals.first() {
        return (find(p).unwrap(), "principal");
    }
    let alg_len = u32::from_be_bytes(blob[..4].try_into().unwrap()) as usize;
    (4 + alg_len + 4, "nonce")
}

/// Every certificate of testdata/cert/ (real `ssh-keygen -s` signatures of every CA type) and
/// every certified PPK verifies; a copy with one byte flipped in a signed field (the key ID or a
/// principal) and one with a byte flipped in the signature is refused by keyconv — the library
/// and `inspect`, with one line — and by `ssh-keygen -L` (the oracle agrees).
#[test]
fn certificate_signatures_are_verified_as_ssh_keygen_verifies_them() {
    use std::collections::BTreeMap;
    let mut per_algorithm: BTreeMap<String, usize> = BTreeMap::new();
    let dir = common::tempdir();
    let oracle = have_tool("ssh-keygen");
    for cert_path in certificates() {
        let name = cert_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let line = std::fs::read_to_string(&cert_path).unwrap();
        let key = keyconv::PublicKey::from_openssh(&line)
            .unwrap_or_else(|e| panic!("{name}: a real certificate is refused: {e}"));
        let cert = key.data().certificate().unwrap();
        *per_algorithm
            .entry(cert.signature_algorithm.clone())
            .or_default() += 1;
        let blob = blob_of(&line);
        let (at, field) = signed_byte(&blob, &cert);
        let mut body = blob.clone();
        body[at] ^= 0x01;
        let mut signature = blob.clone();
        *signature.last_mut().unwrap() ^= 0x01;
        for (what, tampered) in [(field, body), ("signature", signature)] {
            let tampered_line = with_blob(line.trim_end(), &tampered);
            let err = keyconv::PublicKey::from_openssh(&tampered_line)
                .expect_err(&format!("{name}: a flipped byte in the {what} is accepted"));
            assert!(
                err.to_string()
                    .contains("certificate signature does not verify with its signing CA key"),
                "{name} ({what}): {err}"
            );
            let file = dir
                .path()
                .join(format!("{name}-{}", what.replace(' ', "-")));
            std::fs::write(&file, &tampered_line).unwrap();
            let out = run(keyconv().arg("inspect").arg(&file));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{name} ({what}): {stderr}");
            assert!(
                stderr.contains("does not verify") && stderr.trim_end().lines().count() == 1,
                "{name} ({what}): {stderr}"
            );
            if oracle {
                let out = run(Command::new("ssh-keygen").arg("-L").arg("-f").arg(&file));
                assert!(
                    !out.status.success(),
                    "{name} ({what}): ssh-keygen -L accepts the tampered certificate"
                );
            }
        }
    }
    let expected: BTreeMap<String, usize> = [
        ("ecdsa-sha2-nistp256", 1),
        ("ecdsa-sha2-nistp384", 1),
        ("ecdsa-sha2-nistp521", 1),
        ("rsa-sha2-256", 1),
        ("rsa-sha2-512", 2),
        ("ssh-dss", 2),
        ("ssh-ed25519", 2),
        ("ssh-rsa", 1),
    ]
    .into_iter()
    .map(|(a, n)| (a.to_owned(), n))
    .collect();
    assert_eq!(per_algorithm, expected);
    let pass = keyconv::Passphrase::new(common::passphrase("passphrase"));
    for (ppk, _) in certified_ppks() {
        let bytes = std::fs::read(&ppk).unwrap();
        let file = keyconv::KeyFile::decode(&bytes).unwrap();
        file.private_key(Some(&pass), &keyconv::KdfLimits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", ppk.display()));
    }
}
