//! Helpers shared by the integration tests: the testdata corpus and the peer tools.
#![allow(dead_code)]

pub mod agent;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The keys of the corpus: every file of `testdata/` is one of them in some format.
pub const KEYS: [&str; 10] = [
    "rsa-1024",
    "rsa-2048",
    "rsa-3072",
    "rsa-4096",
    "dsa-1024",
    "ecdsa-256",
    "ecdsa-384",
    "ecdsa-521",
    "ed25519",
    "ed448",
];

/// The keys of the corpus that ssh-keygen knows: all of [`KEYS`] but Ed448 (the last).
pub const SSH_KEYGEN_KEYS: &[&str] = KEYS.split_last().unwrap().1;

/// `testdata/` of this crate.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// One row of `testdata/manifest.tsv`.
#[derive(Clone, Debug)]
pub struct Entry {
    pub file: String,
    pub format: String,
    pub key: String,
    pub encrypted: bool,
    pub passphrase_file: Option<String>,
    pub maker: String,
}

impl Entry {
    pub fn path(&self) -> PathBuf {
        testdata().join(&self.file)
    }

    /// The reference one-line public key made by the real tools, `<key>.pub`.
    pub fn reference_pub(&self) -> String {
        std::fs::read_to_string(testdata().join(format!("{}.pub", self.key)))
            .unwrap_or_else(|e| panic!("{}.pub: {e}", self.key))
    }

    /// `TYPE BASE64` of the reference public key (without comment).
    pub fn reference_type_and_blob(&self) -> String {
        type_and_blob(&self.reference_pub())
    }

    pub fn passphrase_path(&self) -> Option<PathBuf> {
        self.passphrase_file.as_ref().map(|f| testdata().join(f))
    }
}

/// The first two words of a one-line public key.
pub fn type_and_blob(line: &str) -> String {
    line.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every row of `testdata/manifest.tsv`.
pub fn manifest() -> Vec<Entry> {
    let text =
        std::fs::read_to_string(testdata().join("manifest.tsv")).expect("testdata/manifest.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(f.len() >= 6, "bad manifest row {l:?}");
            Entry {
                file: f[0].into(),
                format: f[1].into(),
                key: f[2].into(),
                encrypted: f[3] == "yes",
                passphrase_file: (f[4] != "-").then(|| f[4].to_string()),
                maker: f[5].into(),
            }
        })
        .collect()
}

/// Rows of the manifest in `format`.
pub fn manifest_of(format: &str) -> Vec<Entry> {
    manifest()
        .into_iter()
        .filter(|e| e.format == format)
        .collect()
}

/// The passphrase the corpus uses, as bytes (without the trailing newline).
pub fn passphrase(file: &str) -> Vec<u8> {
    let bytes = std::fs::read(testdata().join(file)).expect("passphrase file");
    bytes.strip_suffix(b"\n").unwrap_or(&bytes).to_vec()
}

/// Whether a peer tool is on PATH. In CI (`CI` set) a missing tool fails the test; locally the
/// test prints a notice and the caller skips.
pub fn have_tool(name: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("peer tool {name} is missing in CI");
        }
        eprintln!("NOTICE: {name} not installed; skipping its interop checks");
    }
    found
}

/// Runs a command, returning its output; panics if it cannot be started.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// The keyconv binary built for the integration tests.
pub fn keyconv() -> Command {
    Command::new(env!("CARGO_BIN_EXE_keyconv"))
}

/// A fresh temporary directory.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// Runs `cmdline` on a pseudo-terminal (util-linux `script`), typing `typed` into it.
pub fn on_terminal(cmdline: &str, typed: &str) -> Option<std::process::Output> {
    if !have_tool("script") {
        return None;
    }
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = Command::new("script")
        .args(["-qec", cmdline, "/dev/null"])
        .env_remove("KEYCONV_PASSPHRASE")
        .env_remove("KEYCONV_NEW_PASSPHRASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(typed.as_bytes())
        .unwrap();
    Some(child.wait_with_output().unwrap())
}

/// Whether the tests run as root. Tests that need root call this: in CI (which runs as root) not
/// being root fails the test; locally the test prints a notice and the caller skips.
#[cfg(unix)]
pub fn root(what: &str) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if !root {
        if std::env::var_os("CI").is_some() {
            panic!("{what} needs root, and CI runs as root");
        }
        eprintln!("NOTICE: not root; skipping {what}");
    }
    root
}

/// A fresh temporary directory whose every ancestor only root can write (not under the
/// world-writable /tmp): where sshd's StrictModes accept a keys file of another user.
#[cfg(unix)]
pub fn root_owned_tempdir() -> tempfile::TempDir {
    // By its real path (the target directory may be a link into a build cache), under the first
    // base whose every directory up to `/` is root's and writable by nobody else: wherever the
    // checkout is (a clone under /tmp, say), one of these is.
    let bases = [
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")),
        std::path::PathBuf::from("/var/cache/keyconv-tests"),
        std::path::PathBuf::from("/run/keyconv-tests"),
    ];
    for base in bases {
        let _ = std::fs::create_dir_all(&base);
        let Ok(base) = base.canonicalize() else {
            continue;
        };
        let secure = base.ancestors().all(|d| {
            std::fs::metadata(d).is_ok_and(|m| {
                std::os::unix::fs::MetadataExt::uid(&m) == 0
                    && std::os::unix::fs::MetadataExt::mode(&m) & 0o022 == 0
            })
        });
        if secure {
            return tempfile::tempdir_in(&base).expect("tempdir");
        }
    }
    panic!("no directory whose every parent is root's and writable by nobody else")
}

/// `line` (`ssh-rsa BASE64 COMMENT`) with a needless leading zero byte before the modulus.
pub fn noncanonical_rsa(line: &str) -> String {
    let mut fields = line.split_whitespace();
    let (kind, b64) = (fields.next().unwrap(), fields.next().unwrap());
    let blob = <base64ct::Base64 as base64ct::Encoding>::decode_vec(b64).unwrap();
    let take = |at: usize| {
        let len = u32::from_be_bytes(blob[at..at + 4].try_into().unwrap()) as usize;
        (at + 4, at + 4 + len)
    };
    let (_, e_at) = take(0);
    let (_, n_at) = take(e_at);
    let (ns, ne) = take(n_at);
    let mut out = blob[..n_at].to_vec();
    let mut n = vec![0u8];
    n.extend_from_slice(&blob[ns..ne]);
    out.extend_from_slice(&(n.len() as u32).to_be_bytes());
    out.extend_from_slice(&n);
    format!(
        "{kind} {} noncanonical",
        <base64ct::Base64 as base64ct::Encoding>::encode_string(&out)
    )
}

/// The OpenSSH certificates of `testdata/cert/` made by `ssh-keygen -s` (`NAME-cert.pub`),
/// sorted by name.
pub fn certificates() -> Vec<PathBuf> {
    let mut certs: Vec<PathBuf> = std::fs::read_dir(testdata().join("cert"))
        .expect("testdata/cert")
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with("-cert.pub"))
        .collect();
    certs.sort();
    assert!(
        certs.len() >= 10,
        "testdata/cert holds too few certificates"
    );
    certs
}

/// The PPKs of `testdata/cert/` that carry a certificate (`puttygen --certificate`), each with
/// the `-cert.pub` it carries.
pub fn certified_ppks() -> Vec<(PathBuf, PathBuf)> {
    let mut ppks: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(testdata().join("cert"))
        .expect("testdata/cert")
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".ppk"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let stem = name.split(".ppk").next().unwrap().to_owned();
            let cert = p.with_file_name(format!("{stem}-cert.pub"));
            (p, cert)
        })
        .collect();
    ppks.sort();
    assert!(
        ppks.len() >= 4,
        "testdata/cert holds too few certified PPKs"
    );
    ppks
}

/// What `ssh-keygen -L -f FILE` prints after the file name, one trimmed line per field or
/// list item, with `TZ` set to `tz` (ssh-keygen prints local time).
pub fn ssh_keygen_cert_lines(file: &Path, tz: &str) -> Vec<String> {
    let out = run(Command::new("ssh-keygen")
        .env("TZ", tz)
        .arg("-L")
        .arg("-f")
        .arg(file));
    assert!(
        out.status.success(),
        "ssh-keygen -L {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.trim().to_owned())
        .collect()
}

/// A command's standard error, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A command's standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The permission bits of `path` (with setuid/setgid/sticky).
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// The names of keyconv's temporary files (`.keyconv-…`) left in `dir`.
pub fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".keyconv-"))
        .collect()
}

/// The OpenSSL configuration that loads the FIPS provider (`KEYCONV_FIPS_CONF`, which
/// `bash .ci/fips-provider.sh` prints). Required in CI; locally its absence skips with a notice.
pub fn fips_conf() -> Option<PathBuf> {
    match std::env::var_os("KEYCONV_FIPS_CONF") {
        Some(p) if Path::new(&p).exists() => Some(PathBuf::from(p)),
        _ if std::env::var_os("CI").is_some() => {
            panic!("KEYCONV_FIPS_CONF is not set in CI: .ci/run must build the FIPS provider")
        }
        _ => {
            eprintln!(
                "NOTICE: KEYCONV_FIPS_CONF not set; skipping FIPS-provider checks (bash .ci/fips-provider.sh prints it)"
            );
            None
        }
    }
}
