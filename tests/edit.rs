//! `keyconv edit`: passphrase and comment changed in place, in the file's own format, checked by
//! the format's own tool (ssh-keygen, puttygen, openssl): the new passphrase opens the file, the
//! old one does not, the comment changed; protection parameters, mode and owner kept; the
//! original intact whenever the edit fails.
//!
//! Needs ssh-keygen, puttygen and openssl: in CI (`CI` set) a missing one fails.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{have_tool, keyconv, run, stderr, temporaries, testdata, type_and_blob};

const OLD: &str = "passphrase";

/// Copies the corpus file `name` into `dir` with `mode`.
fn copy(dir: &Path, name: &str, mode: u32) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(testdata().join(name), &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn edit(args: &[&std::ffi::OsStr]) -> Output {
    run(keyconv()
        .arg("edit")
        .args(args)
        .env_remove("KEYCONV_PASSPHRASE")
        .env_remove("KEYCONV_NEW_PASSPHRASE")
        .stdin(Stdio::null()))
}

/// The `protection:` line `keyconv inspect` prints (cipher, KDF and parameters, salt length).
fn protection(path: &Path, passphrase: &Path) -> String {
    let o = run(keyconv()
        .arg("inspect")
        .arg(path)
        .arg("--passphrase-file")
        .arg(passphrase));
    assert!(o.status.success(), "inspect: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .find(|l| l.trim_start().starts_with("protection:"))
        .unwrap()
        .to_owned()
}

/// What the format's own tool prints as the public key when `passphrase` opens `path`, else
/// `None`: `TYPE BASE64 [COMMENT]` (ssh-keygen, puttygen) or the SPKI PEM (openssl).
fn peer_public(format: &str, path: &Path, passphrase: &str, dir: &Path) -> Option<String> {
    let file = dir.join("peer-passphrase");
    std::fs::write(&file, passphrase).unwrap();
    let o = match format {
        "openssh" => run(Command::new("ssh-keygen")
            .args(["-y", "-P", passphrase, "-f"])
            .arg(path)),
        "ppk" => {
            // A .ppk's public half is in clear: decrypting to a private output proves the
            // passphrase; the public output then shows key and comment.
            let o = run(Command::new("puttygen")
                .arg(path)
                .arg("--old-passphrase")
                .arg(&file)
                .args(["-O", "private-openssh", "-o", "/dev/null"]));
            if !o.status.success() {
                return None;
            }
            run(Command::new("puttygen")
                .arg(path)
                .arg("--old-passphrase")
                .arg(&file)
                .args(["-O", "public-openssh", "-o", "/dev/stdout"]))
        }
        _ => {
            let der = path.to_string_lossy().contains("-der");
            let o = run(Command::new("openssl")
                .args([
                    "pkey",
                    "-pubout",
                    "-inform",
                    if der { "DER" } else { "PEM" },
                    "-in",
                ])
                .arg(path)
                .arg("-passin")
                .arg(format!("file:{}", file.display())));
            // The SubjectPublicKeyInfo PEM (ssh-keygen -i cannot read an Ed25519 one).
            o
        }
    };
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_owned())
}

fn tools() -> bool {
    have_tool("ssh-keygen") && have_tool("puttygen") && have_tool("openssl")
}

/// Every private format, encrypted: the new passphrase opens it in the peer tool, the old does
/// not, the key is the same, the protection parameters are the same (a fresh salt of the same
/// length), the mode is kept, and `--backup` kept the original byte for byte.
#[test]
fn a_new_passphrase_in_every_format_opens_it_in_the_peer_tool() {
    if !tools() {
        return;
    }
    let dir = common::tempdir();
    let new = dir.path().join("new-passphrase");
    std::fs::write(&new, "a new passphrase\n").unwrap();
    let old = testdata().join(OLD);
    for (name, format) in [
        ("ed25519.ppk3-argon2id", "ppk"),
        ("rsa-2048.ppk2-aes", "ppk"),
        ("ecdsa-384.ppk3-argon2i", "ppk"),
        ("rsa-2048.openssh-aes256-ctr", "openssh"),
        ("ed25519.openssh-aes256-gcm", "openssh"),
        ("ecdsa-256.openssh-chacha20-poly1305", "openssh"),
        ("rsa-2048.pkcs8-aes128", "pkcs8"),
        ("ecdsa-521.pkcs8-aes256-sha1", "pkcs8"),
        ("ed25519.pkcs8-aes128-der", "pkcs8"),
        ("rsa-2048.pem-aes128", "pem"),
        ("ecdsa-256.pem-des3", "pem"),
    ] {
        let key = name.split('.').next().unwrap();
        let path = copy(dir.path(), name, 0o600);
        let original = std::fs::read(&path).unwrap();
        let before = protection(&path, &old);
        let o = edit(&[
            path.as_os_str(),
            "--passphrase-file".as_ref(),
            old.as_os_str(),
            "--new-passphrase-file".as_ref(),
            new.as_os_str(),
            "--backup".as_ref(),
        ]);
        assert!(o.status.success(), "edit {name}: {}", stderr(&o));
        assert!(stderr(&o).contains("passphrase changed"), "{}", stderr(&o));
        assert_ne!(std::fs::read(&path).unwrap(), original, "{name} unchanged");
        let mut bak = path.as_os_str().to_owned();
        bak.push(".bak");
        assert_eq!(std::fs::read(&bak).unwrap(), original, "{name}.bak");
        assert_eq!(
            std::fs::metadata(&path).unwrap().mode() & 0o7777,
            0o600,
            "{name}"
        );
        // The same parameters, with a fresh salt of 16 bytes (keyconv never writes less:
        // NIST SP 800-132's minimum, where openssl writes 8).
        let after = protection(&path, &new);
        let without_salt = |line: &str| {
            line.replace("8-byte salt", "N-byte salt")
                .replace("16-byte salt", "N-byte salt")
        };
        assert_eq!(
            without_salt(&after),
            without_salt(&before),
            "{name}: protection changed"
        );
        assert_eq!(
            after.contains("-byte salt"),
            after.contains("16-byte salt"),
            "{name}: {after}"
        );

        let opened =
            peer_public(format, &path, "a new passphrase", dir.path()).unwrap_or_else(|| {
                panic!("{name}: the peer tool does not open it with the new passphrase")
            });
        if opened.starts_with("-----BEGIN PUBLIC KEY-----") {
            let reference = std::fs::read_to_string(testdata().join(format!("{key}.spki")));
            assert_eq!(opened, reference.unwrap().trim(), "{name}");
        } else {
            let reference = std::fs::read_to_string(testdata().join(format!("{key}.pub")));
            assert_eq!(
                type_and_blob(&opened),
                type_and_blob(&reference.unwrap()),
                "{name}"
            );
        }
        let old_text = String::from_utf8(common::passphrase(OLD)).unwrap();
        assert!(
            peer_public(format, &path, &old_text, dir.path()).is_none(),
            "{name}: the old passphrase still opens it"
        );
        // The original, kept, still opens with the old passphrase.
        assert!(peer_public(format, Path::new(&bak), &old_text, dir.path()).is_some());
    }
}

/// `--comment` in the formats that have one; the peer tool shows the new comment.
#[test]
fn a_new_comment_shows_in_ssh_keygen_and_puttygen() {
    if !tools() {
        return;
    }
    let dir = common::tempdir();
    let old = testdata().join(OLD);
    let old_text = String::from_utf8(common::passphrase(OLD)).unwrap();
    for (name, format) in [
        ("ed25519.ppk3-argon2id", "ppk"),
        ("rsa-2048.ppk2", "ppk"),
        ("ecdsa-256.openssh-aes256-ctr", "openssh"),
        ("ed25519.openssh", "openssh"),
    ] {
        let path = copy(dir.path(), name, 0o600);
        let o = edit(&[
            path.as_os_str(),
            "--comment".as_ref(),
            "new comment@here".as_ref(),
            "--passphrase-file".as_ref(),
            old.as_os_str(),
        ]);
        assert!(o.status.success(), "edit {name}: {}", stderr(&o));
        assert!(stderr(&o).contains("comment changed"), "{}", stderr(&o));
        // The passphrase is unchanged (the old one still opens it) and the comment is new.
        let encrypted = name.contains('-');
        let pass = if encrypted { old_text.as_str() } else { "" };
        let public = peer_public(format, &path, pass, dir.path())
            .unwrap_or_else(|| panic!("{name} does not open with its passphrase"));
        assert!(public.ends_with(" new comment@here"), "{name}: {public}");
    }
    // ssh-keygen -l reads the comment of an unencrypted OpenSSH key from the file itself.
    let path = dir.path().join("ed25519.openssh");
    let o = run(Command::new("ssh-keygen").arg("-l").arg("-f").arg(&path));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("new comment@here"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn a_comment_for_a_format_without_one_is_a_usage_error_and_changes_nothing() {
    let dir = common::tempdir();
    let pkcs8 = copy(dir.path(), "rsa-2048.pkcs8", 0o600);
    let pem = copy(dir.path(), "ecdsa-256.pem", 0o600);
    let ppk = copy(dir.path(), "ed25519.ppk3", 0o600);
    let before: Vec<Vec<u8>> = [&ppk, &pkcs8, &pem]
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    for file in [&pkcs8, &pem] {
        // The ppk first on the command line is not edited either: the usage error stops all.
        let o = edit(&[
            ppk.as_os_str(),
            file.as_os_str(),
            "--comment".as_ref(),
            "x".as_ref(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("no comment field"), "{}", stderr(&o));
    }
    let after: Vec<Vec<u8>> = [&ppk, &pkcs8, &pem]
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert_eq!(before, after);
    // Nothing to change, standard input: usage errors too.
    let o = edit(&[ppk.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nothing to change"), "{}", stderr(&o));
    let o = edit(&["-".as_ref(), "--no-passphrase".as_ref()]);
    assert_eq!(o.status.code(), Some(2));
}

/// Every failure leaves the original byte for byte and no other file behind.
#[test]
fn a_failed_edit_leaves_the_original_intact() {
    let dir = common::tempdir();
    let path = copy(dir.path(), "rsa-2048.ppk3-argon2id", 0o600);
    let original = std::fs::read(&path).unwrap();
    let wrong = dir.path().join("wrong");
    std::fs::write(&wrong, "not it").unwrap();
    let new = dir.path().join("new");
    std::fs::write(&new, "new one").unwrap();
    let listing = || {
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let files = listing();

    // Wrong passphrase.
    let o = edit(&[
        path.as_os_str(),
        "--passphrase-file".as_ref(),
        wrong.as_os_str(),
        "--new-passphrase-file".as_ref(),
        new.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("incorrect passphrase"),
        "{}",
        stderr(&o)
    );
    // No passphrase at all.
    let o = edit(&[path.as_os_str(), "--no-passphrase".as_ref()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("key is encrypted"), "{}", stderr(&o));
    // --backup with FILE.bak already there: refused, and the existing .bak is kept too.
    let bak = dir.path().join("rsa-2048.ppk3-argon2id.bak");
    std::fs::write(&bak, "precious").unwrap();
    let o = edit(&[
        path.as_os_str(),
        "--passphrase-file".as_ref(),
        testdata().join(OLD).as_os_str(),
        "--no-passphrase".as_ref(),
        "--backup".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(".bak exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&bak).unwrap(), b"precious");
    std::fs::remove_file(&bak).unwrap();
    // A public key file is not a private key to edit.
    let public = copy(dir.path(), "ed25519.pub", 0o644);
    let o = edit(&[public.as_os_str(), "--comment".as_ref(), "x".as_ref()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("only a public key"), "{}", stderr(&o));
    std::fs::remove_file(&public).unwrap();

    assert_eq!(std::fs::read(&path).unwrap(), original);
    assert_eq!(listing(), files, "a temporary file was left behind");
}

/// Removing and adding a passphrase; the mode (even an unusual one), the owner and a symbolic
/// link to the key are kept.
#[test]
fn no_passphrase_and_back_keeping_mode_owner_and_links() {
    if !have_tool("ssh-keygen") {
        return;
    }
    let dir = common::tempdir();
    let path = copy(dir.path(), "ed25519.openssh-aes256-ctr", 0o640);
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if root {
        std::os::unix::fs::chown(&path, Some(4242), Some(4343)).unwrap();
    }
    let link = dir.path().join("id_ed25519");
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let o = edit(&[
        link.as_os_str(),
        "--passphrase-file".as_ref(),
        testdata().join(OLD).as_os_str(),
        "--no-passphrase".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("passphrase removed"), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o640);
    if root {
        assert_eq!((meta.uid(), meta.gid()), (4242, 4343));
    }
    // ssh-keygen insists on 0600 to read it; a copy shows it is unencrypted now.
    let check = dir.path().join("check");
    std::fs::copy(&path, &check).unwrap();
    std::fs::set_permissions(&check, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = run(Command::new("ssh-keygen")
        .args(["-y", "-P", "", "-f"])
        .arg(&check));
    assert!(o.status.success(), "{}", stderr(&o));

    // And a passphrase again, from KEYCONV_NEW_PASSPHRASE: OpenSSH's defaults (aes256-ctr).
    let o = run(keyconv()
        .arg("edit")
        .arg(&path)
        .env_remove("KEYCONV_PASSPHRASE")
        .env("KEYCONV_NEW_PASSPHRASE", "fresh passphrase")
        .stdin(Stdio::null()));
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::copy(&path, &check).unwrap();
    std::fs::set_permissions(&check, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = run(Command::new("ssh-keygen")
        .args(["-y", "-P", "fresh passphrase", "-f"])
        .arg(&check));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(Command::new("ssh-keygen")
        .args(["-y", "-P", "", "-f"])
        .arg(&check));
    assert!(!o.status.success(), "still opens without a passphrase");
}

/// A signal while the new file is being written (strace holds its first fsync for 3 s): the
/// temporary file is removed and the original stays byte for byte; for `fips-check --fix` no
/// `.pub` appears either.
#[test]
fn a_signal_during_the_rewrite_leaves_the_original_and_nothing_else() {
    if !have_tool("strace") {
        return;
    }
    for fips in [false, true] {
        let dir = common::tempdir();
        let name = if fips {
            "rsa-3072.pem-aes128"
        } else {
            "ed25519.ppk3"
        };
        let path = copy(dir.path(), name, 0o600);
        let original = std::fs::read(&path).unwrap();
        let mut cmd = Command::new("strace");
        cmd.args(["-f", "-o", "/dev/null", "-e", "trace=fsync", "-e"])
            .arg("inject=fsync:delay_enter=3000000:when=1")
            .arg(env!("CARGO_BIN_EXE_keyconv"));
        if fips {
            cmd.args(["fips-check", "--fix", "--passphrase-file"])
                .arg(testdata().join(OLD))
                .arg(&path);
        } else {
            cmd.arg("edit").arg(&path).args(["--comment", "new"]);
        }
        let mut child = cmd
            .env_remove("KEYCONV_PASSPHRASE")
            .env_remove("KEYCONV_NEW_PASSPHRASE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while temporaries(dir.path()).is_empty() {
            assert!(
                std::time::Instant::now() < deadline,
                "no temporary file appeared"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
        let children =
            std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", child.id())).unwrap();
        let pid = children
            .split_whitespace()
            .next()
            .expect("keyconv under strace");
        assert!(
            run(Command::new("kill").args(["-TERM", pid]))
                .status
                .success()
        );
        let status = child.wait().unwrap();
        assert!(!status.success());
        assert_eq!(temporaries(dir.path()), Vec::<String>::new());
        assert_eq!(std::fs::read(&path).unwrap(), original, "{name}");
        let mut public = path.as_os_str().to_owned();
        public.push(".pub");
        assert!(!Path::new(&public).exists(), "{name}.pub appeared");
    }
}
