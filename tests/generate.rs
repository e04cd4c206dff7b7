//! `keyconv generate`: every key type in every private format, read back by the peers
//! (`ssh-keygen -y`, `puttygen -L`, `openssl pkey`) with the public key of `FILE.pub`; the file
//! rules (modes, all or none, no overwrite); the passphrase rules; `--fips`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{fips_conf, have_tool, keyconv, mode, run, stderr, tempdir, type_and_blob};

fn generate(args: &[&str], out: &Path) -> Output {
    run(keyconv()
        .arg("generate")
        .args(args)
        .arg("-o")
        .arg(out)
        .stdin(Stdio::null()))
}

fn generate_ok(args: &[&str], out: &Path) -> String {
    let o = generate(args, out);
    assert!(
        o.status.success(),
        "generate {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn pub_path(private: &Path) -> PathBuf {
    PathBuf::from(format!("{}.pub", private.display()))
}

fn pub_line(private: &Path) -> String {
    std::fs::read_to_string(pub_path(private)).unwrap()
}

/// `ssh-keygen -y` of a private key: its public line.
fn ssh_keygen_public(file: &Path, pass: &str) -> String {
    let o = run(Command::new("ssh-keygen")
        .args(["-y", "-P", pass, "-f"])
        .arg(file)
        .stdin(Stdio::null()));
    assert!(
        o.status.success(),
        "ssh-keygen -y {}: {}",
        file.display(),
        stderr(&o)
    );
    String::from_utf8_lossy(&o.stdout).trim_end().to_owned()
}

/// `puttygen -L` of a .ppk: its public line with the comment.
fn puttygen_public(file: &Path, pass_file: &Path) -> String {
    let o = run(Command::new("puttygen")
        .arg(file)
        .arg("--old-passphrase")
        .arg(pass_file)
        .arg("-L")
        .stdin(Stdio::null()));
    assert!(
        o.status.success(),
        "puttygen -L {}: {}",
        file.display(),
        stderr(&o)
    );
    String::from_utf8_lossy(&o.stdout).trim_end().to_owned()
}

/// `openssl pkey` of a PEM/PKCS#8 key, turned into a one-line public key by keyconv: the key
/// OpenSSL loaded, whatever keyconv thinks of the original.
fn openssl_public(file: &Path, pass_file: Option<&Path>, dir: &Path) -> String {
    let spki = dir.join(format!(
        "{}.openssl-spki",
        file.file_name().unwrap().to_string_lossy()
    ));
    let o = run(Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(file)
        .arg("-passin")
        .arg(match pass_file {
            Some(p) => format!("file:{}", p.display()),
            None => "pass:".to_owned(),
        })
        .arg("-out")
        .arg(&spki)
        .stdin(Stdio::null()));
    assert!(
        o.status.success(),
        "openssl pkey {}: {}",
        file.display(),
        stderr(&o)
    );
    let o = run(keyconv().arg("public").arg(&spki));
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).trim_end().to_owned()
}

const TYPES: [(&str, &[&str]); 7] = [
    ("rsa", &["--type", "rsa", "--bits", "2048"]),
    ("ecdsa-256", &["--type", "ecdsa"]),
    ("ecdsa-384", &["--type", "ecdsa", "--curve", "p384"]),
    ("ecdsa-521", &["--type", "ecdsa", "--bits", "521"]),
    ("ed25519", &["--type", "ed25519"]),
    ("ed448", &["--type", "ed448"]),
    ("default", &[]),
];

/// Every type in every private format, unencrypted and encrypted: each peer that reads the
/// format gets the public key of `FILE.pub`, which is one line `TYPE BASE64 COMMENT`.
#[test]
fn every_type_and_format_is_read_by_the_peers() {
    let peers = have_tool("ssh-keygen") && have_tool("puttygen") && have_tool("openssl");
    let dir = tempdir();
    let pass_file = dir.path().join("pass");
    std::fs::write(&pass_file, "generate passphrase\n").unwrap();
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "").unwrap();
    let mut checked = 0;
    for (name, type_args) in TYPES {
        for format in ["openssh", "ppk", "pkcs8", "pem"] {
            for encrypted in [false, true] {
                let out = dir.path().join(format!("{name}.{format}.{encrypted}"));
                let mut args = type_args.to_vec();
                args.extend(["--to", format, "--comment", "gen@keyconv-test"]);
                let pass_path = pass_file.display().to_string();
                if encrypted {
                    args.extend(["--new-passphrase-file", &pass_path]);
                } else {
                    args.push("--no-passphrase");
                }
                let o = generate(&args, &out);
                let eddsa = name == "ed25519" || name == "ed448" || name == "default";
                let unwritable =
                    (format == "pem" && eddsa) || (format == "openssh" && name == "ed448");
                if unwritable {
                    assert_eq!(o.status.code(), Some(1), "{name} {format}: {}", stderr(&o));
                    assert!(!out.exists() && !pub_path(&out).exists(), "{name} {format}");
                    continue;
                }
                assert!(o.status.success(), "{name} {format}: {}", stderr(&o));
                assert_eq!(mode(&out), 0o600);
                assert_eq!(mode(&pub_path(&out)), 0o644);
                let line = pub_line(&out);
                assert!(line.ends_with(" gen@keyconv-test\n"), "{line:?}");
                assert_eq!(line.lines().count(), 1);
                let expected_type = match name {
                    "rsa" => "ssh-rsa",
                    "ecdsa-256" => "ecdsa-sha2-nistp256",
                    "ecdsa-384" => "ecdsa-sha2-nistp384",
                    "ecdsa-521" => "ecdsa-sha2-nistp521",
                    "ed448" => "ssh-ed448",
                    _ => "ssh-ed25519",
                };
                assert!(line.starts_with(&format!("{expected_type} AAAA")), "{line}");
                // stdout: the fingerprint line of the key, as `keyconv fingerprint` prints it.
                let fp = run(keyconv().arg("fingerprint").arg(pub_path(&out)));
                assert_eq!(
                    String::from_utf8_lossy(&fp.stdout),
                    String::from_utf8_lossy(&o.stdout)
                );
                checked += 1;
                if !peers {
                    continue;
                }
                let pass = if encrypted { "generate passphrase" } else { "" };
                let pass_for_tools = if encrypted { &pass_file } else { &empty };
                let reference = type_and_blob(&line);
                if format == "ppk" {
                    assert_eq!(
                        puttygen_public(&out, pass_for_tools),
                        line.trim_end(),
                        "puttygen -L {name}"
                    );
                }
                if format == "openssh" || ((format == "pkcs8" || format == "pem") && !eddsa) {
                    let read = ssh_keygen_public(&out, pass);
                    assert_eq!(
                        type_and_blob(&read),
                        reference,
                        "ssh-keygen -y {name} {format}"
                    );
                    if format == "openssh" {
                        assert_eq!(read, line.trim_end(), "ssh-keygen keeps the comment");
                    }
                }
                if format == "pkcs8" || format == "pem" {
                    let read = openssl_public(&out, encrypted.then_some(&*pass_file), dir.path());
                    assert_eq!(
                        type_and_blob(&read),
                        reference,
                        "openssl pkey {name} {format}"
                    );
                }
            }
        }
    }
    assert_eq!(checked, 2 * (7 * 4 - 4));
}

#[test]
fn defaults_are_ed25519_in_openssh_with_user_at_host() {
    let dir = tempdir();
    let out = dir.path().join("id_default");
    let o = run(keyconv()
        .args(["generate", "--no-passphrase", "-o"])
        .arg(&out)
        .env("USER", "alice")
        .stdin(Stdio::null()));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"),
        "{text}"
    );
    let line = pub_line(&out);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert!(line.starts_with("ssh-ed25519 "), "{line}");
    assert!(
        line.ends_with(&format!(" alice@{}\n", host.trim())),
        "{line}"
    );

    // RSA is 3072 bits unless --bits.
    let rsa = dir.path().join("id_rsa");
    let fp = generate_ok(&["--type", "rsa", "--no-passphrase"], &rsa);
    assert!(
        fp.starts_with("3072 SHA256:") && fp.ends_with("(RSA)\n"),
        "{fp}"
    );

    // Two keys are never the same.
    let again = dir.path().join("id_again");
    generate_ok(&["--no-passphrase"], &again);
    assert_ne!(
        type_and_blob(&pub_line(&out)),
        type_and_blob(&pub_line(&again))
    );
}

#[test]
fn neither_file_is_overwritten_without_force_and_a_failure_leaves_neither() {
    let dir = tempdir();
    let out = dir.path().join("id");
    // Only FILE.pub exists: refused, and FILE is not created.
    std::fs::write(pub_path(&out), "keep me\n").unwrap();
    let o = generate(&["--no-passphrase"], &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_to_string(pub_path(&out)).unwrap(),
        "keep me\n"
    );
    // Only FILE exists: the same.
    std::fs::remove_file(pub_path(&out)).unwrap();
    std::fs::write(&out, "keep me too\n").unwrap();
    let o = generate(&["--no-passphrase"], &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(!pub_path(&out).exists());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me too\n");
    // --force replaces both.
    generate_ok(&["--no-passphrase", "--force"], &out);
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("OPENSSH PRIVATE KEY")
    );
    assert!(pub_line(&out).starts_with("ssh-ed25519 "));

    // A target that cannot hold the key fails before anything is written.
    let ed448 = dir.path().join("ed448");
    let o = generate(&["--type", "ed448", "--no-passphrase"], &ed448);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("use ppk or pkcs8"), "{}", stderr(&o));
    // A directory that does not exist: nothing anywhere, no temporary files either.
    let missing = dir.path().join("no/such/dir/id");
    let o = generate(&["--no-passphrase"], &missing);
    assert_eq!(o.status.code(), Some(1));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut left = left;
    left.sort();
    assert_eq!(left, ["id", "id.pub"]);

    // The public file cannot be put in place (a directory has its name): the private key
    // written just before is removed again.
    let blocked = dir.path().join("blocked");
    std::fs::create_dir(pub_path(&blocked)).unwrap();
    let o = generate(&["--no-passphrase", "--force"], &blocked);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!blocked.exists());
}

#[test]
fn the_new_passphrase_never_comes_from_argv_and_must_be_given() {
    let dir = tempdir();
    let out = dir.path().join("id");
    // No passphrase option and no terminal: a usage error naming the options.
    let o = generate(&[], &out);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("--new-passphrase-file")
            && e.contains("KEYCONV_NEW_PASSPHRASE")
            && e.contains("--no-passphrase"),
        "{e}"
    );
    assert!(!out.exists() && !pub_path(&out).exists());
    // There is no option that takes the passphrase itself.
    let o = generate(&["--new-passphrase", "secret"], &out);
    assert_eq!(o.status.code(), Some(2));

    // From the environment.
    let o = run(keyconv()
        .args(["generate", "--type", "ecdsa", "-o"])
        .arg(&out)
        .env("KEYCONV_NEW_PASSPHRASE", "from the environment")
        .stdin(Stdio::null()));
    assert!(o.status.success(), "{}", stderr(&o));
    let inspect = run(keyconv()
        .args(["inspect", "--json"])
        .arg(&out)
        .env("KEYCONV_PASSPHRASE", "from the environment"));
    let doc: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    assert_eq!(doc[0]["format"], "openssh", "{doc}");
    assert_eq!(doc[0]["protection"]["encrypted"], true, "{doc}");
    if have_tool("ssh-keygen") {
        let read = ssh_keygen_public(&out, "from the environment");
        assert_eq!(type_and_blob(&read), type_and_blob(&pub_line(&out)));
    }
}

#[test]
fn type_size_and_curve_options_are_checked() {
    let dir = tempdir();
    let out = dir.path().join("id");
    for bad in [
        &["--type", "ed25519", "--bits", "256"][..],
        &["--type", "rsa", "--curve", "p256"],
        &["--type", "ecdsa", "--bits", "300"],
        &["--type", "ecdsa", "--bits", "256", "--curve", "p384"],
        &["--type", "dsa"],
        &["--to", "public"],
        &["--to", "ppk", "--rounds", "32"],
        &["--strict"],
    ] {
        let mut args = bad.to_vec();
        args.push("--no-passphrase");
        let o = generate(&args, &out);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {}", stderr(&o));
        assert!(!out.exists());
    }
    // RSA below 1024 bits or above 16384 bits: refused (exit 1, as an unusable request).
    for bits in ["512", "16385"] {
        let o = generate(&["--type", "rsa", "--bits", bits, "--no-passphrase"], &out);
        assert_ne!(o.status.code(), Some(0), "{bits}");
        assert!(stderr(&o).contains("bits"), "{}", stderr(&o));
        assert!(!out.exists());
    }
    // ECDSA --bits chooses the curve, as ssh-keygen -b.
    let fp = generate_ok(
        &["--type", "ecdsa", "--bits", "384", "--no-passphrase"],
        &out,
    );
    assert!(fp.starts_with("384 SHA256:"), "{fp}");
    assert!(pub_line(&out).starts_with("ecdsa-sha2-nistp384 "));
}

/// `generate --fips`: RSA-3072 (or ECDSA) in PKCS#8 with PBES2; `fips-check` says compliant
/// (with the passphrase, so that the key rules are assessed too) and OpenSSL's FIPS provider
/// alone loads it.
#[test]
fn fips_output_is_compliant_and_loads_in_fips_only_openssl() {
    let conf = fips_conf();
    let dir = tempdir();
    let pass_file = dir.path().join("pass");
    std::fs::write(&pass_file, "fips passphrase 123\n").unwrap();
    let pass = pass_file.display().to_string();
    for (name, extra) in [
        ("default", &[][..]),
        ("rsa-4096", &["--type", "rsa", "--bits", "4096"]),
        ("ecdsa-256", &["--type", "ecdsa"]),
        ("ecdsa-521", &["--type", "ecdsa", "--curve", "p521"]),
    ] {
        for encrypted in [true, false] {
            let out = dir.path().join(format!("{name}-{encrypted}"));
            let mut args = vec!["--fips"];
            args.extend(extra);
            if encrypted {
                args.extend(["--new-passphrase-file", &pass]);
            } else {
                args.push("--no-passphrase");
            }
            let fp = generate_ok(&args, &out);
            if name == "default" {
                assert!(fp.starts_with("3072 ") && fp.ends_with("(RSA)\n"), "{fp}");
            }
            let text = std::fs::read_to_string(&out).unwrap();
            let label = if encrypted {
                "-----BEGIN ENCRYPTED PRIVATE KEY-----"
            } else {
                "-----BEGIN PRIVATE KEY-----"
            };
            assert!(text.starts_with(label), "{name}: {text}");

            let o = run(keyconv()
                .args(["fips-check", "--strict", "--json"])
                .arg(&out)
                .arg(pub_path(&out))
                .env("KEYCONV_PASSPHRASE", "fips passphrase 123"));
            let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(o.status.code(), Some(0), "{name}: {doc:#}");
            assert_eq!(doc[0]["fips"]["key_assessed"], true, "{doc:#}");
            if encrypted {
                // SPEC §4: PBES2, PBKDF2-HMAC-SHA-256, 16-byte salt, 600,000 iterations, AES.
                let o = run(keyconv()
                    .args(["inspect", "--json"])
                    .arg(&out)
                    .env("KEYCONV_PASSPHRASE", "fips passphrase 123"));
                let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
                let p = &doc[0]["protection"];
                assert_eq!(p["kdf"]["name"], "pbkdf2", "{doc:#}");
                assert_eq!(p["kdf"]["prf"], "hmac-sha256", "{doc:#}");
                assert_eq!(p["kdf"]["salt_length"], 16, "{doc:#}");
                assert!(
                    p["kdf"]["iterations"].as_u64().unwrap() >= 600_000,
                    "{doc:#}"
                );
                assert!(p["cipher"].as_str().unwrap().starts_with("aes-"), "{doc:#}");
            }

            if let Some(conf) = &conf {
                let o = run(Command::new("openssl")
                    .env("OPENSSL_CONF", conf)
                    .args(["pkey", "-noout", "-in"])
                    .arg(&out)
                    .arg("-passin")
                    .arg(if encrypted {
                        format!("file:{pass}")
                    } else {
                        "pass:".into()
                    })
                    .stdin(Stdio::null()));
                assert!(
                    o.status.success(),
                    "FIPS-only openssl {name}: {}",
                    stderr(&o)
                );
            }
        }
    }
}

#[test]
fn fips_refuses_what_convert_fips_refuses() {
    let dir = tempdir();
    let short = dir.path().join("short");
    std::fs::write(&short, "short\n").unwrap();
    let long = dir.path().join("long");
    std::fs::write(&long, "a long passphrase\n").unwrap();
    let (short, long) = (short.display().to_string(), long.display().to_string());
    let cases: [(&[&str], &str); 6] = [
        (
            &["--type", "rsa", "--bits", "1024", "--no-passphrase"],
            "key-rsa-size",
        ),
        (
            &["--type", "ed25519", "--strict", "--no-passphrase"],
            "key-eddsa",
        ),
        (
            &["--type", "ed448", "--strict", "--no-passphrase"],
            "key-eddsa",
        ),
        (
            &["--type", "ecdsa", "--new-passphrase-file", &short],
            "passphrase-length",
        ),
        (
            &[
                "--type",
                "ecdsa",
                "--to",
                "ppk",
                "--new-passphrase-file",
                &long,
            ],
            "not FIPS-approved",
        ),
        (
            &[
                "--type",
                "ecdsa",
                "--prf",
                "hmac-sha1",
                "--new-passphrase-file",
                &long,
            ],
            "kdf-prf",
        ),
    ];
    for (i, (args, why)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("refused-{i}"));
        let mut all = vec!["--fips"];
        all.extend(args.iter());
        let o = generate(&all, &out);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(why), "{args:?}: {}", stderr(&o));
        assert!(!out.exists() && !pub_path(&out).exists(), "{args:?}");
    }
    // EdDSA without --strict: written, with a warning; an unencrypted other format is allowed.
    let out = dir.path().join("ed25519");
    let o = generate(&["--fips", "--type", "ed25519", "--no-passphrase"], &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning"), "{}", stderr(&o));
    let out = dir.path().join("ecdsa-openssh");
    generate_ok(
        &[
            "--fips",
            "--type",
            "ecdsa",
            "--to",
            "openssh",
            "--no-passphrase",
        ],
        &out,
    );
}

#[test]
fn generated_keys_convert_like_any_other() {
    // The generated key is a key like any other: convert reads it back to the same public key.
    let dir = tempdir();
    let out = dir.path().join("id");
    generate_ok(&["--type", "ecdsa", "--to", "ppk", "--no-passphrase"], &out);
    let o = run(keyconv()
        .args(["convert", "--to", "public"])
        .arg(&out)
        .stdin(Stdio::null()));
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout), pub_line(&out));
}

/// On a terminal (util-linux `script` gives one), the new passphrase is asked twice; answers
/// that differ write nothing.
#[test]
fn the_passphrase_is_asked_twice_on_a_terminal() {
    if !have_tool("script") {
        return;
    }
    let dir = tempdir();
    let keyconv = env!("CARGO_BIN_EXE_keyconv");
    for (answers, ok) in [
        ("typed twice 123\ntyped twice 123\n", true),
        ("one\ntwo\n", false),
    ] {
        let out = dir.path().join(format!("tty-{ok}"));
        let cmdline = format!("{keyconv} generate --type ecdsa -o '{}'", out.display());
        let o = common::on_terminal(&cmdline, answers).unwrap();
        let screen = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.success(), ok, "{screen}");
        assert_eq!(screen.matches("Enter ").count(), 2, "{screen}");
        assert_eq!(out.exists(), ok);
        if ok && have_tool("ssh-keygen") {
            let read = ssh_keygen_public(&out, "typed twice 123");
            assert_eq!(type_and_blob(&read), type_and_blob(&pub_line(&out)));
        } else if !ok {
            assert!(screen.contains("do not match"), "{screen}");
        }
    }
}
