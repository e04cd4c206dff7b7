//! The journeys end to end against a real OpenSSH server: keys PuTTYgen made, converted by
//! keyconv and installed with `keyconv authorized-keys add`, log in with `ssh` and `sftp`; so
//! do keys from `convert --fips` and `generate`.
//!
//! Each test starts its own `sshd -D -e` on 127.0.0.1 with a free port, its own host keys and
//! configuration (`StrictModes yes`, public keys only, `AuthorizedKeysFile` in a temporary
//! directory that root owns), and stops it when the test ends, whatever happens. The tests run
//! as root (sshd needs it), log in as root and run nothing but `true` and `sftp ls`.
//!
//! Needs `/usr/sbin/sshd` (Debian: `openssh-server`), `ssh`, `sftp` and `ssh-keygen`: in CI
//! (`CI` set) a missing one fails the tests; elsewhere they print a notice and pass.

mod common;

use std::ffi::OsStr;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{have_tool, keyconv, run, testdata};

const SSHD: &str = "/usr/sbin/sshd";

/// Whether this machine can run the tests: sshd and the clients installed, running as root.
fn can_run() -> bool {
    let ci = std::env::var_os("CI").is_some();
    if !Path::new(SSHD).exists() {
        if ci {
            panic!("{SSHD} is missing in CI: install openssh-server");
        }
        eprintln!("NOTICE: {SSHD} not installed (openssh-server); skipping the sshd tests");
        return false;
    }
    if !(have_tool("ssh") && have_tool("sftp") && have_tool("ssh-keygen")) {
        return false;
    }
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if !root {
        if ci {
            panic!("the sshd tests must run as root in CI");
        }
        eprintln!("NOTICE: not root; skipping the sshd tests");
    }
    root
}

/// A child process, killed when dropped (also when a test panics).
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running sshd and its directory. Fields drop in order: the server stops, then its
/// directory goes.
struct Sshd {
    _server: KillOnDrop,
    port: u16,
    dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Sshd {
    /// Starts sshd and waits until it greets on its port.
    fn start() -> Sshd {
        // sshd refuses to start without its privilege separation directory.
        std::fs::create_dir_all("/run/sshd").unwrap();
        // sshd's StrictModes: every parent root's and writable by nobody else.
        let dir = common::root_owned_tempdir();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        for kind in ["ed25519", "ecdsa"] {
            let key = dir.path().join(format!("host_{kind}"));
            let o = run(Command::new("ssh-keygen")
                .args(["-q", "-t", kind, "-N", "", "-f"])
                .arg(&key));
            assert!(o.status.success(), "ssh-keygen: {o:?}");
        }
        let mut last_log = String::new();
        for _ in 0..5 {
            let port = free_port();
            let d = dir.path().display();
            let config = format!(
                "Port {port}\n\
                 ListenAddress 127.0.0.1\n\
                 HostKey {d}/host_ed25519\n\
                 HostKey {d}/host_ecdsa\n\
                 PidFile none\n\
                 UsePAM no\n\
                 UseDNS no\n\
                 StrictModes yes\n\
                 PubkeyAuthentication yes\n\
                 PasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\n\
                 PermitRootLogin prohibit-password\n\
                 AuthorizedKeysFile {d}/authorized_keys\n\
                 Subsystem sftp internal-sftp\n\
                 LogLevel VERBOSE\n"
            );
            let config_path = dir.path().join("sshd_config");
            std::fs::write(&config_path, config).unwrap();
            let log = dir.path().join("sshd.log");
            let child = Command::new(SSHD)
                .args(["-D", "-e", "-f"])
                .arg(&config_path)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {SSHD}: {e}"));
            let mut server = KillOnDrop(child);
            if wait_for_banner(&mut server.0, port) {
                return Sshd {
                    _server: server,
                    port,
                    dir,
                };
            }
            // Dropping `server` kills it; a port taken meanwhile is tried again with another.
            last_log = std::fs::read_to_string(&log).unwrap_or_default();
        }
        panic!("sshd did not start:\n{last_log}");
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn authorized_keys(&self) -> PathBuf {
        self.path("authorized_keys")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.path("sshd.log")).unwrap_or_default()
    }

    /// `ssh`/`sftp` options: only this key, no agent, no user configuration, no host checks.
    fn client_args(&self, key: &Path) -> Vec<String> {
        let mut args: Vec<String> = [
            "-F",
            "/dev/null",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "IdentityAgent=none",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "PasswordAuthentication=no",
            "-o",
            "KbdInteractiveAuthentication=no",
            "-o",
            "ConnectTimeout=10",
            "-o",
            "LogLevel=ERROR",
            "-i",
        ]
        .map(String::from)
        .into();
        args.push(key.display().to_string());
        args
    }

    /// `ssh -i KEY … root@127.0.0.1 true`; `askpass` answers a passphrase prompt (else
    /// `BatchMode=yes`). `env` is added to ssh's environment.
    fn ssh_true(&self, key: &Path, askpass: Option<&Path>, env: &[(&str, &OsStr)]) -> Output {
        let mut cmd = Command::new("ssh");
        cmd.args(self.client_args(key))
            .args(["-p", &self.port.to_string()]);
        cmd.env_remove("SSH_AUTH_SOCK").stdin(Stdio::null());
        match askpass {
            Some(program) => {
                cmd.env("SSH_ASKPASS", program)
                    .env("SSH_ASKPASS_REQUIRE", "force");
            }
            None => {
                cmd.args(["-o", "BatchMode=yes"]);
            }
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.args(["root@127.0.0.1", "true"]);
        run_with_timeout(&mut cmd)
    }

    fn logs_in(&self, key: &Path) -> bool {
        self.ssh_true(key, None, &[]).status.success()
    }

    fn assert_logs_in(&self, key: &Path, askpass: Option<&Path>, env: &[(&str, &OsStr)]) {
        let o = self.ssh_true(key, askpass, env);
        assert!(
            o.status.success(),
            "ssh -i {} failed: {}\nsshd log:\n{}",
            key.display(),
            String::from_utf8_lossy(&o.stderr),
            self.log()
        );
    }

    /// `sftp -b BATCH` listing the server's temporary directory.
    fn assert_sftp_lists(&self, key: &Path) {
        let batch = self.path("sftp-batch");
        std::fs::write(&batch, format!("ls {}\n", self.dir.path().display())).unwrap();
        let mut cmd = Command::new("sftp");
        cmd.args(self.client_args(key))
            .args(["-o", "BatchMode=yes", "-P", &self.port.to_string(), "-b"])
            .arg(&batch)
            .arg("root@127.0.0.1")
            .env_remove("SSH_AUTH_SOCK")
            .stdin(Stdio::null());
        let o = run_with_timeout(&mut cmd);
        let listing = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success() && listing.contains("authorized_keys"),
            "sftp with {}: {listing}{}\nsshd log:\n{}",
            key.display(),
            String::from_utf8_lossy(&o.stderr),
            self.log()
        );
    }

    /// A program for `SSH_ASKPASS` that prints the passphrase in `file`.
    fn askpass(&self, file: &Path) -> PathBuf {
        let program = self.path(&format!(
            "askpass-{}",
            file.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&program, format!("#!/bin/sh\ncat '{}'\n", file.display())).unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o700)).unwrap();
        program
    }
}

/// Waits (at most 10 s) for the server's `SSH-2.0-` greeting.
fn wait_for_banner(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut banner = [0u8; 8];
            if s.read_exact(&mut banner).is_ok() && banner.starts_with(b"SSH-2.0") {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Runs a client, killing it after 60 s: a hung server must fail the test, not hang it.
fn run_with_timeout(cmd: &mut Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let o = child.wait_with_output().unwrap();
            panic!("{cmd:?} timed out: {}", String::from_utf8_lossy(&o.stderr));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs keyconv with `args`, asserting success; returns its standard error.
fn keyconv_ok(args: &[&OsStr]) -> String {
    let o = run(keyconv().args(args).stdin(Stdio::null()));
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "keyconv {args:?}: {stderr}");
    stderr
}

fn os<S: AsRef<OsStr> + ?Sized>(s: &S) -> &OsStr {
    s.as_ref()
}

fn add_key(sshd: &Sshd, input: &Path) -> String {
    let file = sshd.authorized_keys();
    keyconv_ok(&[
        os("authorized-keys"),
        os("add"),
        os("--file"),
        file.as_os_str(),
        input.as_os_str(),
    ])
}

fn key_lines(sshd: &Sshd) -> usize {
    std::fs::read_to_string(sshd.authorized_keys())
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count()
}

/// PuTTYgen's keys (RSA in a v2 .ppk, ECDSA and Ed25519 in v3 .ppk with Argon2id, all
/// encrypted): their .ppk's public part, then PuTTYgen's RFC 4716 export of the same key
/// (skipped: already there), go in with `authorized-keys add`; `convert --to openssh
/// --no-passphrase` makes the key `ssh -i` and `sftp` log in with. Before the add, the same key
/// is refused: the server really checks.
#[test]
fn puttygen_keys_converted_and_installed_by_keyconv_log_in() {
    if !can_run() {
        return;
    }
    let sshd = Sshd::start();
    let pass = testdata().join("passphrase");
    let mut expected_lines = 0;
    for (ppk, key) in [
        ("rsa-2048.ppk2-aes", "rsa-2048"),
        ("ecdsa-256.ppk3-argon2id", "ecdsa-256"),
        ("ed25519.ppk3-argon2id", "ed25519"),
        ("ecdsa-384.ppk2-aes", "ecdsa-384"),
    ] {
        let openssh = sshd.path(&format!("{key}.openssh"));
        keyconv_ok(&[
            os("convert"),
            testdata().join(ppk).as_os_str(),
            os("--to"),
            os("openssh"),
            os("--no-passphrase"),
            os("--passphrase-file"),
            pass.as_os_str(),
            os("-o"),
            openssh.as_os_str(),
        ]);
        assert!(
            !sshd.logs_in(&openssh),
            "{key} logged in before it was authorized"
        );
        add_key(&sshd, &testdata().join(ppk));
        let skipped = add_key(&sshd, &testdata().join(format!("{key}.putty-pub")));
        assert!(skipped.contains("skipped"), "{skipped}");
        expected_lines += 1;
        assert_eq!(key_lines(&sshd), expected_lines);
        sshd.assert_logs_in(&openssh, None, &[]);
        sshd.assert_sftp_lists(&openssh);
    }
}

/// An RFC 4716 export alone (what PuTTYgen shows for "save public key") is enough to install
/// the key; the login uses the key kept encrypted, its passphrase given through `SSH_ASKPASS`.
#[test]
fn putty_public_export_installs_and_the_encrypted_conversion_logs_in() {
    if !can_run() {
        return;
    }
    let sshd = Sshd::start();
    let pass = testdata().join("passphrase");
    for key in ["ed25519", "rsa-2048"] {
        add_key(&sshd, &testdata().join(format!("{key}.putty-pub")));
        let openssh = sshd.path(&format!("{key}.openssh-encrypted"));
        // No new-passphrase option: the output keeps the input's passphrase, as puttygen does.
        keyconv_ok(&[
            os("convert"),
            testdata().join(format!("{key}.ppk3-argon2id")).as_os_str(),
            os("--to"),
            os("openssh"),
            os("--passphrase-file"),
            pass.as_os_str(),
            os("-o"),
            openssh.as_os_str(),
        ]);
        assert!(
            !sshd.logs_in(&openssh),
            "an encrypted key logged in with no passphrase"
        );
        sshd.assert_logs_in(&openssh, Some(&sshd.askpass(&pass)), &[]);
    }
}

/// `convert --fips` (a PuTTY RSA key into encrypted PKCS#8) and `generate --fips` (RSA-3072 and
/// ECDSA P-384 in encrypted PKCS#8): `ssh -i` reads PKCS#8 and logs in; under a FIPS-only
/// OpenSSL (`KEYCONV_FIPS_CONF`, as tests/fips.rs) with FIPS algorithms too.
#[test]
fn fips_pkcs8_keys_log_in() {
    if !can_run() {
        return;
    }
    let sshd = Sshd::start();
    let newpass = sshd.path("newpass");
    std::fs::write(&newpass, "fips passphrase 123\n").unwrap();
    let askpass = sshd.askpass(&newpass);

    let converted = sshd.path("rsa-2048.fips.pkcs8");
    keyconv_ok(&[
        os("convert"),
        testdata().join("rsa-2048.ppk2-aes").as_os_str(),
        os("--to"),
        os("pkcs8"),
        os("--fips"),
        os("--passphrase-file"),
        testdata().join("passphrase").as_os_str(),
        os("--new-passphrase-file"),
        newpass.as_os_str(),
        os("-o"),
        converted.as_os_str(),
    ]);
    add_key(&sshd, &testdata().join("rsa-2048.ppk2-aes"));
    let mut keys = vec![converted];
    for extra in [&[][..], &["--type", "ecdsa", "--curve", "p384"][..]] {
        let generated = sshd.path(&format!("generated-fips-{}", keys.len()));
        let mut args = vec![os("generate"), os("--fips")];
        args.extend(extra.iter().map(os));
        args.extend([
            os("--new-passphrase-file"),
            newpass.as_os_str(),
            os("-o"),
            generated.as_os_str(),
        ]);
        keyconv_ok(&args);
        let text = std::fs::read_to_string(&generated).unwrap();
        assert!(
            text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
            "{text}"
        );
        add_key(
            &sshd,
            &PathBuf::from(format!("{}.pub", generated.display())),
        );
        keys.push(generated);
    }
    let fips_conf = std::env::var_os("KEYCONV_FIPS_CONF").filter(|c| Path::new(c).exists());
    if fips_conf.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("KEYCONV_FIPS_CONF is not set in CI: .ci/run must build the FIPS provider");
        }
        eprintln!("NOTICE: KEYCONV_FIPS_CONF not set; skipping the FIPS-only ssh logins");
    }
    for key in &keys {
        sshd.assert_logs_in(key, Some(&askpass), &[]);
        if let Some(conf) = &fips_conf {
            // Only FIPS-approved algorithms on the wire, OpenSSL's FIPS provider only.
            let o = {
                let mut cmd = Command::new("ssh");
                cmd.args(sshd.client_args(key))
                    .args(["-p", &sshd.port.to_string()])
                    .args([
                        "-o",
                        "KexAlgorithms=ecdh-sha2-nistp256",
                        "-o",
                        "Ciphers=aes128-ctr",
                        "-o",
                        "MACs=hmac-sha2-256",
                        "-o",
                        "HostKeyAlgorithms=ecdsa-sha2-nistp256",
                    ])
                    .env("OPENSSL_CONF", conf)
                    .env("SSH_ASKPASS", &askpass)
                    .env("SSH_ASKPASS_REQUIRE", "force")
                    .env_remove("SSH_AUTH_SOCK")
                    .stdin(Stdio::null())
                    .args(["root@127.0.0.1", "true"]);
                run_with_timeout(&mut cmd)
            };
            assert!(
                o.status.success(),
                "FIPS-only ssh -i {}: {}\nsshd log:\n{}",
                key.display(),
                String::from_utf8_lossy(&o.stderr),
                sshd.log()
            );
        }
    }
}

/// `generate` for every type ssh uses, in every private format ssh reads (OpenSSH reads PKCS#8
/// and PEM for RSA and ECDSA only): `FILE.pub` installs, the private key logs in.
#[test]
fn generated_keys_log_in() {
    if !can_run() {
        return;
    }
    let sshd = Sshd::start();
    for (kind, format) in [
        ("ed25519", "openssh"),
        ("ecdsa", "pem"),
        ("ecdsa", "openssh"),
        ("rsa", "pkcs8"),
        ("rsa", "pem"),
    ] {
        let key = sshd.path(&format!("gen-{kind}-{format}"));
        keyconv_ok(&[
            os("generate"),
            os("--type"),
            os(kind),
            os("--to"),
            os(format),
            os("--no-passphrase"),
            os("-o"),
            key.as_os_str(),
        ]);
        add_key(&sshd, &PathBuf::from(format!("{}.pub", key.display())));
        sshd.assert_logs_in(&key, None, &[]);
    }
}

/// sshd's `StrictModes` refuses a world-writable authorized_keys file (Debian's sshd lets a
/// group write when the group is the user's own, so group-writable would prove nothing); `authorized-keys add`
/// puts the mode right (even with nothing to add) and the login works; after `remove` it no
/// longer does.
#[test]
fn modes_fixed_by_add_and_remove_revokes() {
    if !can_run() {
        return;
    }
    let sshd = Sshd::start();
    let key = sshd.path("id");
    keyconv_ok(&[
        os("generate"),
        os("--no-passphrase"),
        os("--comment"),
        os("revoke-me"),
        os("-o"),
        key.as_os_str(),
    ]);
    let public = PathBuf::from(format!("{}.pub", key.display()));
    add_key(&sshd, &public);
    sshd.assert_logs_in(&key, None, &[]);

    let file = sshd.authorized_keys();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
    assert!(!sshd.logs_in(&key), "sshd accepted a world-writable file");
    let notes = add_key(&sshd, &public);
    // A root-owned file outside root's home and outside a .ssh directory is one root manages
    // for sshd (an AuthorizedKeysFile): only the write bits of others go, its read bits stay
    // (SPEC §5a), so sshd reading it as the user still can.
    assert!(notes.contains("now 0644"), "{notes}");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o644
    );
    sshd.assert_logs_in(&key, None, &[]);

    keyconv_ok(&[
        os("authorized-keys"),
        os("remove"),
        os("--file"),
        file.as_os_str(),
        os("revoke-me"),
    ]);
    assert_eq!(key_lines(&sshd), 0);
    assert!(!sshd.logs_in(&key), "a removed key still logs in");
}

/// `ssh` options for a login with the agent at `sock` only: no key file (`IdentityFile` names a
/// file that does not exist, so not even the default `~/.ssh/id_*` are tried), `IdentitiesOnly`
/// off, `IdentityAgent` the test's agent.
fn agent_only_ssh(sshd: &Sshd, sock: &Path) -> Output {
    let mut cmd = Command::new("ssh");
    cmd.args(["-F", "/dev/null", "-o", "IdentitiesOnly=no", "-o"])
        .arg(format!("IdentityAgent={}", sock.display()))
        .arg("-o")
        .arg(format!(
            "IdentityFile={}",
            sshd.path("no-such-key-file").display()
        ))
        .args([
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "PasswordAuthentication=no",
            "-o",
            "KbdInteractiveAuthentication=no",
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=10",
            "-o",
            "LogLevel=ERROR",
            "-p",
            &sshd.port.to_string(),
            "root@127.0.0.1",
            "true",
        ])
        .env_remove("SSH_AUTH_SOCK")
        .stdin(Stdio::null());
    run_with_timeout(&mut cmd)
}

/// The proof of `keyconv agent add`: a PuTTY .ppk (encrypted, Argon2id), loaded into a real
/// ssh-agent by keyconv, logs in to sshd with `ssh` using only the agent: refused before the
/// add, accepted after it, refused again once `keyconv agent remove` took the key out.
#[test]
fn a_ppk_loaded_by_keyconv_agent_add_logs_in_through_the_agent() {
    if !can_run() {
        return;
    }
    let Some(agent) = common::agent::SshAgent::start() else {
        return;
    };
    let sshd = Sshd::start();
    for (ppk, key) in [
        ("ed25519.ppk3-argon2id", "ed25519"),
        ("rsa-2048.ppk2-aes", "rsa-2048"),
    ] {
        let ppk = testdata().join(ppk);
        add_key(&sshd, &ppk);
        let before = agent_only_ssh(&sshd, agent.sock());
        assert!(
            !before.status.success(),
            "{key} logged in with an empty agent"
        );

        let o = run(agent
            .keyconv()
            .args(["agent", "add", "--passphrase-file"])
            .arg(testdata().join("passphrase"))
            .arg(&ppk));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = agent_only_ssh(&sshd, agent.sock());
        assert!(
            o.status.success(),
            "ssh through the agent with {key} failed: {}\nsshd log:\n{}",
            String::from_utf8_lossy(&o.stderr),
            sshd.log()
        );
        let fingerprint =
            std::fs::read_to_string(testdata().join(format!("{key}.fingerprint-sha256"))).unwrap();
        let fingerprint = fingerprint.split_whitespace().nth(1).unwrap().to_owned();
        assert!(
            sshd.log().contains("Accepted publickey for root") && sshd.log().contains(&fingerprint),
            "sshd did not log the login with {fingerprint}:\n{}",
            sshd.log()
        );

        let o = run(agent.keyconv().args(["agent", "remove"]).arg(&ppk));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let after = agent_only_ssh(&sshd, agent.sock());
        assert!(!after.status.success(), "{key} logged in after its removal");
    }
}

/// An RSA key line whose modulus carries a needless leading zero byte: sshd accepts it (the
/// login works), and `authorized-keys remove FINGERPRINT` takes it, after which sshd refuses the
/// key (keyconv 0.1 called the line "not a key" and left it: the revocation did not revoke).
#[test]
fn a_noncanonical_line_is_revoked_by_its_fingerprint() {
    if !can_run() {
        return;
    }
    let sshd = Sshd::start();
    let key = sshd.path("id_rsa");
    keyconv_ok(&[
        os("generate"),
        os("--type"),
        os("rsa"),
        os("--no-passphrase"),
        os("-o"),
        key.as_os_str(),
    ]);
    let line = std::fs::read_to_string(format!("{}.pub", key.display())).unwrap();
    let file = sshd.authorized_keys();
    std::fs::write(&file, format!("{}\n", common::noncanonical_rsa(&line))).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    sshd.assert_logs_in(&key, None, &[]);
    let o = run(Command::new("ssh-keygen")
        .args(["-l", "-f"])
        .arg(format!("{}.pub", key.display())));
    let fingerprint = String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_owned();
    let notes = keyconv_ok(&[
        os("authorized-keys"),
        os("remove"),
        os("--file"),
        file.as_os_str(),
        os(&fingerprint),
    ]);
    assert!(notes.contains("removed"), "{notes}");
    assert_eq!(key_lines(&sshd), 0);
    assert!(!sshd.logs_in(&key), "a removed key still logs in");
}

/// A root-managed 0644 AuthorizedKeysFile (root's file, outside any home; sshd reads it with
/// the user's ids): after `authorized-keys add` run as root it is still 0644 and the user
/// still logs in (keyconv 0.1 made it 0600, and every key of that user stopped working).
#[test]
fn a_root_managed_keys_file_still_lets_the_user_in() {
    if !can_run() || !have_tool("useradd") {
        return;
    }
    let user = "keyconv-sshd";
    let _ = run(Command::new("useradd").args(["-M", "-d", "/nonexistent", "-s", "/bin/sh", user]));
    // An unlocked account without a password: sshd (UsePAM no) refuses locked ones.
    assert!(
        run(Command::new("usermod").args(["-p", "*", user]))
            .status
            .success()
    );
    let sshd = Sshd::start();
    // sshd reads the file as the user: the directory must let the user through.
    std::fs::set_permissions(sshd.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let key = sshd.path("id_user");
    keyconv_ok(&[
        os("generate"),
        os("--no-passphrase"),
        os("-o"),
        key.as_os_str(),
    ]);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let file = sshd.authorized_keys();
    std::fs::write(&file, "").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    add_key(&sshd, Path::new(&format!("{}.pub", key.display())));
    assert_eq!(std::fs::metadata(&file).unwrap().mode() & 0o7777, 0o644);
    let mut cmd = Command::new("ssh");
    cmd.args(sshd.client_args(&key))
        .args(["-p", &sshd.port.to_string(), "-o", "BatchMode=yes"])
        .env_remove("SSH_AUTH_SOCK")
        .stdin(Stdio::null())
        .arg(format!("{user}@127.0.0.1"))
        .arg("true");
    let o = run_with_timeout(&mut cmd);
    assert!(
        o.status.success(),
        "the user cannot log in: {}\nsshd log:\n{}",
        String::from_utf8_lossy(&o.stderr),
        sshd.log()
    );
}
