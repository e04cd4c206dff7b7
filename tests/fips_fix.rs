//! `fips-check --fix` over a mixed tree: every fixable non-compliant private key is rewritten in
//! place as `convert --fips` PKCS#8 with its passphrase, loads in OpenSSL's FIPS provider with the
//! same public key, keeps its mode, and gets a `.pub`; unfixable keys (DSA, RSA < 2048) and keys
//! it cannot open are left byte for byte; symbolic links are not followed.
//!
//! The FIPS-only OpenSSL configuration comes from `KEYCONV_FIPS_CONF` (set by `.ci/run` from
//! `.ci/fips-provider.sh`, as for tests/fips.rs); in CI a missing one fails.

mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{fips_conf, have_tool, keyconv, run, testdata, type_and_blob};

/// The keys that `--fix` can fix: (corpus file, key).
const FIXABLE: [(&str, &str); 6] = [
    ("rsa-2048.openssh-aes256-ctr", "rsa-2048"),
    ("ecdsa-256.pkcs8-aes128", "ecdsa-256"),
    ("rsa-3072.pem-aes128", "rsa-3072"),
    ("ed25519.ppk3-argon2id", "ed25519"),
    ("ecdsa-521.pkcs8-scrypt", "ecdsa-521"),
    ("ecdsa-384.ppk2-aes", "ecdsa-384"),
];
/// Non-compliant keys no rewrite fixes.
const UNFIXABLE: [&str; 2] = ["dsa-1024.openssh-aes256-ctr", "rsa-1024.ppk2-aes"];
/// Encrypted with another passphrase than the one given: cannot be opened, so left.
const LOCKED: &str = "ed25519.openssh-aes256-ctr-utf8pass";
/// Compliant already (unencrypted ECDSA): not touched.
const COMPLIANT: &str = "ecdsa-384.openssh";

fn fips_check(args: &[&std::ffi::OsStr]) -> Output {
    run(keyconv()
        .arg("fips-check")
        .args(args)
        .arg("--passphrase-file")
        .arg(testdata().join("passphrase"))
        .env_remove("KEYCONV_PASSPHRASE")
        .stdin(Stdio::null()))
}

/// The files `fips-check` prints as non-compliant, relative to `root`.
fn non_compliant(o: &Output, root: &Path) -> BTreeSet<String> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(": non-compliant"))
        .map(|f| {
            Path::new(f)
                .strip_prefix(root)
                .unwrap_or(Path::new(f))
                .display()
                .to_string()
        })
        .collect()
}

/// A tree: keys in `a/` and `a/b/`, a file that is not a key, a symbolic link to a fixable key
/// outside the tree, and a `.pub` already there for one key.
fn make_tree() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = common::tempdir();
    let root = dir.path().join("tree");
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    let all = FIXABLE
        .iter()
        .map(|(f, _)| *f)
        .chain(UNFIXABLE)
        .chain([LOCKED, COMPLIANT]);
    for (i, name) in all.enumerate() {
        let sub = if i % 2 == 0 { "a" } else { "a/b" };
        let path = root.join(sub).join(name);
        std::fs::copy(testdata().join(name), &path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    std::fs::write(root.join("a/README"), "not a key\n").unwrap();
    let outside = dir.path().join("outside.openssh");
    std::fs::copy(testdata().join("ecdsa-256.openssh-aes256-ctr"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("a/link-to-outside")).unwrap();
    (dir, root, outside)
}

fn find(root: &Path, name: &str) -> PathBuf {
    for sub in ["a", "a/b"] {
        let p = root.join(sub).join(name);
        if p.exists() {
            return p;
        }
    }
    panic!("{name} not in the tree")
}

#[test]
fn a_mixed_tree_is_left_with_only_unfixable_keys_non_compliant() {
    let (dir, root, outside) = make_tree();
    let outside_before = std::fs::read(&outside).unwrap();
    let originals: Vec<(String, Vec<u8>)> = UNFIXABLE
        .iter()
        .chain([&LOCKED, &COMPLIANT])
        .map(|n| (n.to_string(), std::fs::read(find(&root, n)).unwrap()))
        .collect();
    // An existing .pub is never replaced.
    let existing_pub =
        find(&root, "rsa-2048.openssh-aes256-ctr").with_extension("openssh-aes256-ctr.pub");
    std::fs::write(&existing_pub, "mine\n").unwrap();

    // A dry run changes nothing.
    let before: Vec<Vec<u8>> = FIXABLE
        .iter()
        .map(|(n, _)| std::fs::read(find(&root, n)).unwrap())
        .collect();
    let o = fips_check(&[
        "-r".as_ref(),
        root.as_os_str(),
        "--fix".as_ref(),
        "--dry-run".as_ref(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        // A dry run decrypts nothing: the key with another passphrase counts as fixable here.
        text.contains("--fix: 7 would be fixed, 2 left non-compliant"),
        "{text}"
    );
    let after: Vec<Vec<u8>> = FIXABLE
        .iter()
        .map(|(n, _)| std::fs::read(find(&root, n)).unwrap())
        .collect();
    assert_eq!(before, after, "--dry-run changed a file");

    let o = fips_check(&["-r".as_ref(), root.as_os_str(), "--fix".as_ref()]);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(text.matches("  fixed: ").count(), 6, "{text}");
    assert!(
        text.contains("left: DSA cannot be made FIPS-compatible"),
        "{text}"
    );
    assert!(text.contains("left: RSA key is 1024 bits"), "{text}");
    assert!(text.contains("left: incorrect passphrase"), "{text}");
    assert!(
        text.contains("--fix: 6 fixed, 3 left non-compliant"),
        "{text}"
    );

    // Afterwards only the keys no rewrite fixes (and the one it could not open) fail.
    let o = fips_check(&["-r".as_ref(), root.as_os_str()]);
    let want: BTreeSet<String> = UNFIXABLE
        .iter()
        .chain([&LOCKED])
        .map(|n| {
            find(&root, n)
                .strip_prefix(&root)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        non_compliant(&o, &root),
        want,
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    // Left byte for byte: unfixable, locked, compliant keys, the link's target, the old .pub.
    for (name, bytes) in &originals {
        assert_eq!(
            &std::fs::read(find(&root, name)).unwrap(),
            bytes,
            "{name} changed"
        );
    }
    assert_eq!(std::fs::read(&outside).unwrap(), outside_before);
    assert!(
        std::fs::symlink_metadata(root.join("a/link-to-outside"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&existing_pub).unwrap(), "mine\n");

    // Every fixed key: PKCS#8, mode kept, a .pub with its key (and the comment PKCS#8 cannot
    // hold), and it loads in FIPS-only OpenSSL with the same public key.
    let conf = fips_conf();
    for (name, key) in FIXABLE {
        let path = find(&root, name);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
            "{name}: {text}"
        );
        assert_eq!(
            std::fs::metadata(&path).unwrap().mode() & 0o7777,
            0o640,
            "{name}"
        );
        let reference = std::fs::read_to_string(testdata().join(format!("{key}.pub"))).unwrap();
        let mut public = path.as_os_str().to_owned();
        public.push(".pub");
        if Path::new(&public) != existing_pub {
            let line = std::fs::read_to_string(&public).unwrap();
            assert_eq!(
                type_and_blob(&line),
                type_and_blob(&reference),
                "{name}.pub"
            );
        }
        let Some(conf) = &conf else { continue };
        if !have_tool("openssl") {
            continue;
        }
        let o = run(Command::new("openssl")
            .env("OPENSSL_CONF", conf)
            .args(["pkey", "-pubout", "-in"])
            .arg(&path)
            .arg("-passin")
            .arg(format!("file:{}", testdata().join("passphrase").display()))
            .stdin(Stdio::null()));
        assert!(
            o.status.success(),
            "{name}: FIPS-only OpenSSL does not load it: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let spki = std::fs::read_to_string(testdata().join(format!("{key}.spki"))).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            spki.trim(),
            "{name}"
        );
    }
    drop(dir);
}

#[test]
fn every_input_compliant_afterwards_exits_0_and_backup_keeps_the_originals() {
    let dir = common::tempdir();
    let mut files = Vec::new();
    for (name, _) in &FIXABLE[..3] {
        let path = dir.path().join(name);
        std::fs::copy(testdata().join(name), &path).unwrap();
        files.push((path, std::fs::read(testdata().join(name)).unwrap()));
    }
    let mut args: Vec<&std::ffi::OsStr> = files.iter().map(|(p, _)| p.as_os_str()).collect();
    args.extend([
        std::ffi::OsStr::new("--fix"),
        std::ffi::OsStr::new("--backup"),
    ]);
    let o = fips_check(&args);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    for (path, original) in &files {
        let mut bak = path.as_os_str().to_owned();
        bak.push(".bak");
        assert_eq!(&std::fs::read(&bak).unwrap(), original);
    }
    // Run again: nothing left to fix; the .bak files exist, so a --backup fix would be refused.
    let o = fips_check(&args);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("--fix: 0 fixed, 0 left"));

    // A named symbolic link is not followed; without a passphrase an encrypted key is left.
    let target = dir.path().join("target");
    std::fs::copy(testdata().join("rsa-2048.openssh-aes256-ctr"), &target).unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = fips_check(&[link.as_os_str(), "--fix".as_ref()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("left: a symbolic link"));
    let o = run(keyconv()
        .args(["fips-check", "--fix"])
        .arg(&target)
        .env_remove("KEYCONV_PASSPHRASE")
        .stdin(Stdio::null()));
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("left: key is encrypted"));
    assert_eq!(
        std::fs::read(&target).unwrap(),
        std::fs::read(testdata().join("rsa-2048.openssh-aes256-ctr")).unwrap()
    );
    // --backup and --dry-run need --fix; --fix and --json do not go together.
    for extra in [&["--backup"][..], &["--dry-run"], &["--fix", "--json"]] {
        let o = run(keyconv().arg("fips-check").args(extra).arg(&target));
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
    }
}
