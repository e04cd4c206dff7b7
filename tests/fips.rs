//! FIPS assessment and `convert --fips`, proven against OpenSSL's FIPS provider.
//!
//! The FIPS-only OpenSSL configuration comes from `.ci/fips-provider.sh` (it builds the provider
//! once and caches it); `KEYCONV_FIPS_CONF` names its `openssl-fips.cnf`. In CI a missing
//! configuration fails these tests.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{
    Entry, fips_conf, have_tool, keyconv, manifest, run, tempdir, testdata, type_and_blob,
};

/// `openssl pkey` and `ssh-keygen -y` under a FIPS-only configuration.
fn fips_openssl_loads(conf: &Path, file: &Path, pass: Option<&Path>) -> bool {
    let mut cmd = Command::new("openssl");
    cmd.env("OPENSSL_CONF", conf)
        .args(["pkey", "-noout", "-in"])
        .arg(file);
    cmd.arg("-passin").arg(match pass {
        Some(p) => format!("file:{}", p.display()),
        None => "pass:".to_owned(),
    });
    run(cmd.stdin(Stdio::null())).status.success()
}

fn fips_ssh_keygen_public(conf: &Path, file: &Path, pass: &str) -> Option<String> {
    let o = run(Command::new("ssh-keygen")
        .env("OPENSSL_CONF", conf)
        .args(["-y", "-P", pass, "-f"])
        .arg(file)
        .stdin(Stdio::null()));
    o.status
        .success()
        .then(|| type_and_blob(&String::from_utf8_lossy(&o.stdout)))
}

fn fips_check_json(file: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let o = run(keyconv()
        .arg("fips-check")
        .arg("--json")
        .args(extra)
        .arg(file));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: {}",
            file.display(),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o.status.code().unwrap_or(-1), doc)
}

fn failing_rules(doc: &serde_json::Value) -> Vec<String> {
    doc["fips"]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["verdict"] == "non-approved")
        .map(|f| f["rule"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn approved_key(e: &Entry) -> bool {
    [
        "rsa-2048",
        "rsa-3072",
        "rsa-4096",
        "ecdsa-256",
        "ecdsa-384",
        "ecdsa-521",
    ]
    .contains(&e.key.as_str())
}

#[test]
fn convert_fips_output_loads_in_fips_only_openssl_and_ssh_keygen() {
    assert!(have_tool("openssl") && have_tool("ssh-keygen"));
    let conf = fips_conf();
    let dir = tempdir();
    let newpass = dir.path().join("newpass");
    std::fs::write(&newpass, "fips passphrase 123\n").unwrap();
    let mut converted = 0;
    let mut formats = std::collections::BTreeSet::new();
    for e in manifest().into_iter().filter(|e| {
        approved_key(e) && ["ppk", "openssh", "pkcs8", "pem"].contains(&e.format.as_str())
    }) {
        // One file per key and format keeps the run short; every format is covered for every key.
        if !formats.insert((e.key.clone(), e.format.clone(), e.encrypted)) {
            continue;
        }
        let out = dir.path().join(format!("{}.fips", e.file));
        let mut cmd = keyconv();
        cmd.arg("convert")
            .arg(e.path())
            .args(["--to", "pkcs8", "--fips", "-o"])
            .arg(&out);
        cmd.arg("--new-passphrase-file")
            .arg(&newpass)
            .arg("--iterations")
            .arg("1000");
        if let Some(p) = e.passphrase_path() {
            cmd.arg("--passphrase-file").arg(p);
        }
        let o = run(&mut cmd);
        assert!(
            o.status.success(),
            "{}: {}",
            e.file,
            String::from_utf8_lossy(&o.stderr)
        );
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
            "{}",
            e.file
        );

        let (code, doc) = fips_check_json(&out, &["--passphrase-file", newpass.to_str().unwrap()]);
        assert_eq!(code, 0, "{}: {doc}", e.file);
        assert_eq!(doc[0]["fips"]["verdict"], "compliant", "{doc}");
        let kdf_salt_ok = !failing_rules(&doc[0]).contains(&"kdf-salt".to_owned());
        assert!(kdf_salt_ok);

        if let Some(conf) = &conf {
            assert!(
                fips_openssl_loads(conf, &out, Some(&newpass)),
                "FIPS openssl refuses our {}",
                e.file
            );
            let public = fips_ssh_keygen_public(conf, &out, "fips passphrase 123")
                .unwrap_or_else(|| panic!("FIPS ssh-keygen refuses our {}", e.file));
            assert_eq!(public, e.reference_type_and_blob(), "{}", e.file);
        }
        converted += 1;
    }
    assert!(converted >= 6 * 4, "only {converted} conversions");
}

#[test]
fn convert_fips_refuses_dsa_small_rsa_and_short_passphrases() {
    let dir = tempdir();
    let short = dir.path().join("short");
    std::fs::write(&short, "abc\n").unwrap();
    let long = dir.path().join("long");
    std::fs::write(&long, "long enough passphrase\n").unwrap();
    let cases: [(&str, &Path, &str); 4] = [
        ("dsa-1024.pem", &long, "key-dsa"),
        ("rsa-1024.pem", &long, "key-rsa-size"),
        ("rsa-3072.pem", &short, "passphrase-length"),
        ("ed25519.pkcs8", &long, "key-eddsa"),
    ];
    for (file, pass, rule) in cases {
        let out = dir.path().join(format!("{file}.out"));
        let mut cmd = keyconv();
        cmd.arg("convert")
            .arg(testdata().join(file))
            .args(["--to", "pkcs8", "--fips", "-o"])
            .arg(&out);
        cmd.arg("--new-passphrase-file").arg(pass);
        if rule == "key-eddsa" {
            cmd.arg("--strict");
        }
        let o = run(&mut cmd);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{file}: {err}");
        assert!(err.contains(rule), "{file}: {err}");
        assert!(!out.exists(), "{file}: no output file after a refusal");
    }
    // EdDSA without --strict: written, with a warning.
    let out = dir.path().join("ed.out");
    let o = run(keyconv()
        .arg("convert")
        .arg(testdata().join("ed25519.pkcs8"))
        .args([
            "--to",
            "pkcs8",
            "--fips",
            "--iterations",
            "1000",
            "--new-passphrase-file",
        ])
        .arg(&long)
        .arg("-o")
        .arg(&out));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("warning"));
    // Encrypted output in another format is refused under --fips.
    let o = run(keyconv()
        .arg("convert")
        .arg(testdata().join("rsa-3072.pem"))
        .args(["--to", "openssh", "--fips", "--new-passphrase-file"])
        .arg(&long));
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("use --to pkcs8"));
}

/// What the FIPS-only OpenSSL refuses to load is exactly what fips-check calls non-compliant for
/// its protection scheme (legacy PEM, PBES1, PKCS#12 PBE, scrypt).
#[test]
fn fips_openssl_refusals_match_protection_verdicts() {
    let Some(conf) = fips_conf() else { return };
    let mut checked = 0;
    for e in manifest()
        .into_iter()
        .filter(|e| ["pkcs8", "pem"].contains(&e.format.as_str()))
    {
        let (_, doc) = fips_check_json(&e.path(), &[]);
        let scheme_refused = failing_rules(&doc[0])
            .iter()
            .any(|r| ["prot-legacy-pem", "prot-pbes1", "prot-scrypt"].contains(&r.as_str()));
        let loads = fips_openssl_loads(&conf, &e.path(), e.passphrase_path().as_deref());
        let key_refused = failing_rules(&doc[0]).iter().any(|r| r.starts_with("key-"));
        if key_refused {
            continue; // DSA / RSA-1024: the FIPS provider may load them for verification
        }
        assert_eq!(
            !loads, scheme_refused,
            "{}: FIPS openssl loads={loads}, fips-check: {doc}",
            e.file
        );
        checked += 1;
    }
    assert!(checked > 40, "only {checked} files compared");
}

#[test]
fn fips_check_verdicts_on_the_corpus() {
    let verdict = |file: &str| {
        let (code, doc) = fips_check_json(&testdata().join(file), &[]);
        (code, failing_rules(&doc[0]))
    };
    // OpenSSL 3.0's documented migration command writes an 8-byte salt.
    assert_eq!(
        verdict("rsa-3072.pkcs8-aes128"),
        (1, vec!["kdf-salt".to_owned()])
    );
    assert_eq!(verdict("rsa-3072.pem-aes128").1, ["prot-legacy-pem"]);
    assert_eq!(verdict("rsa-3072.ppk3-argon2id").1, ["prot-ppk"]);
    assert_eq!(verdict("rsa-3072.ppk2-aes").1, ["prot-ppk"]);
    assert_eq!(verdict("rsa-3072.openssh-aes256-ctr").1, ["prot-openssh"]);
    assert!(
        verdict("rsa-3072.pkcs8-scrypt")
            .1
            .contains(&"prot-scrypt".to_owned())
    );
    assert!(
        verdict("rsa-3072.pkcs8-pbe-sha1-3des")
            .1
            .contains(&"prot-pbes1".to_owned())
    );
    assert_eq!(verdict("rsa-3072.pkcs8"), (0, vec![]));
    assert_eq!(verdict("ecdsa-384.pem"), (0, vec![]));
    assert_eq!(verdict("rsa-2048.openssh").0, 0, "RSA-2048 only warns");
    assert_eq!(verdict("dsa-1024.openssh").1, ["key-dsa"]);
    assert_eq!(verdict("rsa-1024.pub").1, ["key-rsa-size"]);
    assert_eq!(verdict("ed25519.pub").0, 0);
    let (code, _) = fips_check_json(&testdata().join("ed25519.pub"), &["--strict"]);
    assert_eq!(code, 1, "--strict fails EdDSA");
}

#[test]
fn fips_check_recursive_walks_and_skips_non_key_files() {
    let o = run(keyconv()
        .args(["fips-check", "--recursive", "--json"])
        .arg(testdata()));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let entries = doc.as_array().unwrap();
    // Files that are not key files are skipped: entries of their own, not assessed.
    let files: Vec<_> = entries
        .iter()
        .filter(|f| f["status"] != "skipped")
        .collect();
    assert!(files.len() > 400, "{}", files.len());
    assert!(
        !files
            .iter()
            .any(|f| f["file"].as_str().unwrap().ends_with("README.md"))
    );
    assert!(entries.iter().any(|f| {
        f["status"] == "skipped" && f["file"].as_str().unwrap().ends_with("README.md")
    }));
    // testdata/invalid holds unreadable files: exit 2.
    assert_eq!(o.status.code(), Some(2));
    let o = run(keyconv().arg("fips-check").arg(testdata()));
    assert_eq!(
        o.status.code(),
        Some(2),
        "a directory without --recursive is a usage error"
    );
}

/// `fips-check … | head`: a closed pipe ends the output, not the verdict.
#[test]
fn fips_check_keeps_its_verdict_when_stdout_closes() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = run(keyconv()
        .arg("fips-check")
        .arg(testdata().join("dsa-1024.pub"))
        .arg(testdata().join("rsa-3072.pub"))
        .stdout(writer));
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
