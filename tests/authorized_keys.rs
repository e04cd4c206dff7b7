//! `keyconv authorized-keys add|list|remove`: one line per key whatever the input format, keys
//! already present skipped, every other byte of the file kept, atomic writes, modes put right,
//! `--dry-run` changing nothing.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{have_tool, keyconv, mode, run, stderr, stdout, tempdir, testdata, type_and_blob};

fn ak(args: &[&str], file: &Path) -> Output {
    run(keyconv()
        .arg("authorized-keys")
        .args(args)
        .arg("--file")
        .arg(file)
        .stdin(Stdio::null()))
}

fn ak_ok(args: &[&str], file: &Path) -> Output {
    let o = ak(args, file);
    assert!(
        o.status.success(),
        "authorized-keys {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn td(name: &str) -> String {
    testdata().join(name).display().to_string()
}

fn reference(key: &str) -> String {
    std::fs::read_to_string(testdata().join(format!("{key}.pub"))).unwrap()
}

/// The same key from six inputs of five formats, twice over: one line, the normalized
/// `TYPE BASE64 COMMENT` of the first input.
#[test]
fn the_same_key_in_any_format_is_added_once() {
    let dir = tempdir();
    let file = dir.path().join("authorized_keys");
    let pass = td("passphrase");
    let inputs = [
        td("ecdsa-256.ppk3-argon2id"), // public part in clear, no passphrase needed
        td("ecdsa-256.putty-pub"),     // PuTTYgen's RFC 4716 export
        td("ecdsa-256.putty-pub-utf16le"),
        td("ecdsa-256.pub"),
        td("ecdsa-256.spki"),
        td("ecdsa-256.pkcs8-aes128"), // encrypted PKCS#8: its public key needs the passphrase
    ];
    let mut args = vec!["add", "--passphrase-file", &pass];
    args.extend(inputs.iter().map(String::as_str));
    let o = ak_ok(&args, &file);
    assert_eq!(stderr(&o).matches("skipped").count(), 5, "{}", stderr(&o));
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text, reference("ecdsa-256"));
    let o = ak_ok(&args, &file);
    assert_eq!(stderr(&o).matches("skipped").count(), 6, "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // Never anything private.
    assert!(!text.contains("PRIVATE"));
    if have_tool("ssh-keygen") {
        let o = run(Command::new("ssh-keygen").arg("-l").arg("-f").arg(&file));
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

/// A key that is present with other options or another comment counts as present.
#[test]
fn a_key_present_with_options_or_another_comment_is_skipped() {
    let dir = tempdir();
    let file = dir.path().join("authorized_keys");
    let line = reference("ed25519");
    let existing = format!(
        "no-pty,from=\"10.0.0.1\" {} someone else\n",
        type_and_blob(&line)
    );
    std::fs::write(&file, &existing).unwrap();
    let o = ak_ok(&["add", &td("ed25519.ppk2")], &file);
    assert!(stderr(&o).contains("line 1"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), existing);
}

/// Comments, options, garbage, non-UTF-8 bytes, CRLF lines, blank lines and a missing final
/// newline all survive an add and a remove byte for byte.
#[test]
fn foreign_lines_are_kept_byte_for_byte() {
    let dir = tempdir();
    let file = dir.path().join("authorized_keys");
    let rsa = reference("rsa-2048");
    let mut original = Vec::new();
    original.extend_from_slice(b"# managed by hand \xe2\x80\x94 do not sort\n\n");
    original.extend_from_slice(
        format!(
            "command=\"echo \\\"hi, there\\\"\",no-pty {}",
            rsa.trim_end()
        )
        .as_bytes(),
    );
    original.extend_from_slice(b"\r\n");
    original.extend_from_slice(b"this is not a key at all\n");
    original.extend_from_slice(b"\xff\xfe\x00binary junk\n");
    original.extend_from_slice(b"   \t  \n");
    original.extend_from_slice(b"ssh-ed25519 AAAAnot-base64 broken");
    std::fs::write(&file, &original).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();

    let o = ak_ok(
        &["add", &td("ed448.putty-pub"), &td("rsa-2048.ppk3")],
        &file,
    );
    assert!(stderr(&o).contains("skipped"), "{}", stderr(&o)); // rsa-2048 is there already
    let after = std::fs::read(&file).unwrap();
    let mut expected = original.clone();
    expected.push(b'\n'); // the last line had none
    expected.extend_from_slice(reference("ed448").as_bytes());
    assert_eq!(after, expected);

    // `list` shows the keys (with their options) and mentions the lines it cannot read.
    let o = ak_ok(&["list"], &file);
    let listed = stdout(&o);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        listed.starts_with("3: 2048 SHA256:") && listed.contains(" (RSA) [command="),
        "{listed}"
    );
    assert!(listed.contains("\n8: 448 SHA256:"), "{listed}");
    let notes = stderr(&o);
    for n in [4, 5, 7] {
        assert!(notes.contains(&format!("line {n} ")), "{notes}");
    }

    // Removing the added key gives back the original plus the newline it needed.
    let o = ak_ok(&["remove", "ed448@keyconv-test"], &file);
    assert!(stderr(&o).contains("removed line 8"), "{}", stderr(&o));
    let mut expected = original.clone();
    expected.push(b'\n');
    assert_eq!(std::fs::read(&file).unwrap(), expected);
}

#[test]
fn added_lines_follow_a_crlf_file() {
    let dir = tempdir();
    let file = dir.path().join("authorized_keys");
    let first = format!("{}\r\n", reference("ed25519").trim_end());
    std::fs::write(&file, &first).unwrap();
    ak_ok(&["add", &td("ecdsa-384.pub")], &file);
    let expected = format!("{first}{}\r\n", reference("ecdsa-384").trim_end());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
}

#[test]
fn options_are_prefixed_and_checked() {
    let dir = tempdir();
    let file = dir.path().join("authorized_keys");
    ak_ok(
        &[
            "add",
            "--option",
            "no-pty",
            "--option",
            "from=\"10.0.0.0/8,192.168.1.1\"",
            "--option",
            "command=\"ls -l\"",
            &td("rsa-2048.putty-pub"),
        ],
        &file,
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        format!(
            "no-pty,from=\"10.0.0.0/8,192.168.1.1\",command=\"ls -l\" {}",
            reference("rsa-2048")
        )
    );
    for bad in ["no pty", "from=\"unterminated", "", "a=b c"] {
        let o = ak(&["add", "--option", bad, &td("ed25519.pub")], &file);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

#[test]
fn dry_run_changes_nothing() {
    let dir = tempdir();
    let file = dir.path().join("sub/authorized_keys");
    // Missing file and directory: not created.
    let o = ak_ok(&["add", "--dry-run", &td("ed25519.ppk3")], &file);
    assert_eq!(stdout(&o), reference("ed25519"));
    assert!(!file.parent().unwrap().exists());

    std::fs::create_dir(file.parent().unwrap()).unwrap();
    std::fs::set_permissions(
        file.parent().unwrap(),
        std::fs::Permissions::from_mode(0o777),
    )
    .unwrap();
    std::fs::write(&file, reference("rsa-2048")).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
    let before = std::fs::read(&file).unwrap();
    let o = ak_ok(
        &[
            "add",
            "--dry-run",
            &td("rsa-2048.pub"),
            &td("ecdsa-521.pub"),
        ],
        &file,
    );
    assert_eq!(stdout(&o), reference("ecdsa-521"));
    let o = ak_ok(&["remove", "--dry-run", "rsa-2048@keyconv-test"], &file);
    assert!(stderr(&o).contains("would remove line 1"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_eq!(mode(&file), 0o666);
    assert_eq!(mode(file.parent().unwrap()), 0o777);
}

/// A missing `~/.ssh` is made 0700 and the file 0600; looser modes are put right with a notice.
#[test]
fn modes_are_created_strict_and_fixed() {
    let home = tempdir();
    let o = run(keyconv()
        .args(["authorized-keys", "add"])
        .arg(td("ed25519.pub"))
        .env("HOME", home.path())
        .stdin(Stdio::null()));
    assert!(o.status.success(), "{}", stderr(&o));
    let ssh = home.path().join(".ssh");
    let file = ssh.join("authorized_keys");
    assert_eq!(mode(&ssh), 0o700);
    assert_eq!(mode(&file), 0o600);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        reference("ed25519")
    );

    std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o775)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o664)).unwrap();
    let o = ak_ok(&["add", &td("ecdsa-256.pub")], &file);
    let notes = stderr(&o);
    assert!(
        notes.contains("now 0755") && notes.contains("now 0600"),
        "{notes}"
    );
    assert_eq!(mode(&ssh), 0o755);
    assert_eq!(mode(&file), 0o600);

    // Nothing to add: the modes are still put right.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = ak_ok(&["add", &td("ecdsa-256.pub")], &file);
    assert!(stderr(&o).contains("nothing to add"), "{}", stderr(&o));
    assert_eq!(mode(&file), 0o600);
}

/// Run as root (as CI does) on a file another user owns: owner and group are kept, and only
/// the write bits others had are removed (sshd reads the file as its user).
#[test]
fn another_users_file_keeps_its_owner_and_read_bits() {
    if !common::root("the ownership test") {
        return;
    }
    // Not under /tmp: sshd's StrictModes (and keyconv, for another user's file) refuse a
    // directory that everyone can write.
    let dir = common::root_owned_tempdir();
    let file = dir.path().join("authorized_keys");
    std::fs::write(&file, reference("ed25519")).unwrap();
    std::os::unix::fs::chown(&file, Some(4242), Some(4343)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o664)).unwrap();
    ak_ok(&["add", &td("rsa-2048.pub")], &file);
    let m = std::fs::metadata(&file).unwrap();
    assert_eq!((m.uid(), m.gid()), (4242, 4343));
    assert_eq!(m.mode() & 0o7777, 0o644);
}

#[test]
fn a_symbolic_link_is_followed_and_kept() {
    let dir = tempdir();
    let real = dir.path().join("real_keys");
    std::fs::write(&real, reference("ed25519")).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.path().join("authorized_keys");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    ak_ok(&["add", &td("ecdsa-256.pub")], &link);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        format!("{}{}", reference("ed25519"), reference("ecdsa-256"))
    );
}

#[test]
fn remove_by_fingerprint_or_exact_comment() {
    let dir = tempdir();
    let file = dir.path().join("authorized_keys");
    let copy = dir.path().join("copy.pub");
    // Two different keys with one comment, and one key on two lines (with and without options).
    std::fs::write(
        &copy,
        reference("ecdsa-384").replace("ecdsa-384@keyconv-test", "ed25519@keyconv-test"),
    )
    .unwrap();
    let mut text = String::new();
    text.push_str(&reference("ed25519"));
    text.push_str("# keep this comment\n");
    text.push_str(&std::fs::read_to_string(&copy).unwrap());
    text.push_str(&reference("rsa-2048"));
    text.push_str(&format!("no-pty {}", reference("rsa-2048")));
    std::fs::write(&file, &text).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();

    // An ambiguous comment: refused, nothing changed.
    let o = ak(&["remove", "ed25519@keyconv-test"], &file);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--all"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // Nothing matches: an error; a comment is matched exactly, not as a substring.
    for target in ["nobody", "ed25519", "SHA256:AAAA"] {
        let o = ak(&["remove", target], &file);
        assert_eq!(o.status.code(), Some(1), "{target}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);

    // A fingerprint removes every line of its key.
    let fp = run(keyconv().arg("fingerprint").arg(td("rsa-2048.pub")));
    let fp = stdout(&fp).split_whitespace().nth(1).unwrap().to_owned();
    ak_ok(&["remove", &fp], &file);
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(!after.contains(type_and_blob(&reference("rsa-2048")).as_str()));
    assert_eq!(after.lines().count(), 3);

    // MD5 fingerprints too.
    let md5 = run(keyconv().args(["fingerprint", "--hash", "md5"]).arg(&copy));
    let md5 = stdout(&md5).split_whitespace().nth(1).unwrap().to_owned();
    ak_ok(&["remove", &md5], &file);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("{}# keep this comment\n", reference("ed25519"))
    );

    // --all removes every key with the comment.
    std::fs::write(&file, &text).unwrap();
    ak_ok(&["remove", "--all", "ed25519@keyconv-test"], &file);
    let after = std::fs::read_to_string(&file).unwrap();
    assert_eq!(after.lines().count(), 3);
    assert!(after.starts_with("# keep this comment\n"));
}

#[test]
fn a_bad_input_or_a_certificate_changes_nothing() {
    let dir = tempdir();
    let file = dir.path().join("authorized_keys");
    std::fs::write(&file, reference("ed25519")).unwrap();
    let before = std::fs::read(&file).unwrap();
    let junk = dir.path().join("junk");
    std::fs::write(&junk, "hello\n").unwrap();
    let o = ak(
        &["add", &td("rsa-2048.pub"), &junk.display().to_string()],
        &file,
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // An encrypted key without its passphrase (no terminal): refused, nothing written.
    let o = ak(&["add", &td("rsa-2048.pkcs8-aes128")], &file);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).unwrap(), before);

    if !have_tool("ssh-keygen") {
        return;
    }
    let ca = dir.path().join("ca");
    let user = dir.path().join("user");
    for key in [&ca, &user] {
        let o = run(Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(key));
        assert!(o.status.success());
    }
    let o = run(Command::new("ssh-keygen")
        .args(["-q", "-s"])
        .arg(&ca)
        .args(["-I", "id", "-n", "root"])
        .arg(PathBuf::from(format!("{}.pub", user.display()))));
    assert!(o.status.success(), "{}", stderr(&o));
    let cert = format!("{}-cert.pub", user.display());
    let o = ak(&["add", &cert], &file);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cert-authority"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // The CA's key itself, marked cert-authority, is what sshd wants.
    ak_ok(
        &[
            "add",
            "--option",
            "cert-authority",
            &format!("{}.pub", ca.display()),
        ],
        &file,
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("cert-authority ssh-ed25519 ")
    );
}

#[test]
fn list_of_a_missing_file_is_an_error_and_home_is_the_default() {
    let dir = tempdir();
    let o = ak(&["list"], &dir.path().join("nope"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no such file"), "{}", stderr(&o));
    let o = run(keyconv()
        .args(["authorized-keys", "list"])
        .env_remove("HOME")
        .stdin(Stdio::null()));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--file"), "{}", stderr(&o));
    let o = run(keyconv()
        .args(["authorized-keys", "list", "--hash", "md5", "--file"])
        .arg(testdata().join("authorized_keys")));
    assert!(o.status.success());
    let expected =
        std::fs::read_to_string(testdata().join("authorized_keys.fingerprints-md5")).unwrap();
    let listed: Vec<String> = stdout(&o)
        .lines()
        .map(|l| {
            let l = l.split_once(": ").unwrap().1;
            l.split(" [").next().unwrap().to_owned()
        })
        .collect();
    assert_eq!(listed, expected.lines().collect::<Vec<_>>());
}

#[test]
fn a_relative_file_in_the_current_directory() {
    let dir = tempdir();
    for expect in ["added", "nothing to add"] {
        let o = run(keyconv()
            .args(["authorized-keys", "add", "--file", "authorized_keys"])
            .arg(td("ed25519.pub"))
            .current_dir(dir.path())
            .stdin(Stdio::null()));
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains(expect), "{}", stderr(&o));
        assert!(!stderr(&o).contains("created"), "{}", stderr(&o));
        // A root-owned 0644 file outside root's home and outside a .ssh directory is one root
        // manages for sshd, which reads it as the user: its read bits stay (SPEC §5a).
        let root_managed =
            expect == "nothing to add" && std::fs::metadata("/proc/self").unwrap().uid() == 0;
        let expected = if root_managed { 0o644 } else { 0o600 };
        assert_eq!(mode(&dir.path().join("authorized_keys")), expected);
        std::fs::set_permissions(
            dir.path().join("authorized_keys"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("authorized_keys")).unwrap(),
        reference("ed25519")
    );
}
