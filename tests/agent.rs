//! `keyconv agent add|list|remove` against a real `ssh-agent` (one per test, `ssh-agent -a
//! SOCK -D`, killed when the test ends): keys from every private format keyconv reads are
//! listed by `ssh-add -l` with the fingerprint ssh-keygen gives them, constraints are honoured
//! by the agent, and removal works by fingerprint and by file. The login through the agent with
//! a key loaded from a .ppk is in tests/sshd.rs.
//!
//! Needs ssh-agent, ssh-add and ssh-keygen (OpenSSH): in CI (`CI` set) a missing one fails.

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::agent::SshAgent;
use common::{have_tool, manifest, run, stderr, testdata};

/// The SHA-256 fingerprint ssh-keygen gives the corpus key `key`.
fn reference_fingerprint(key: &str) -> String {
    let text =
        std::fs::read_to_string(testdata().join(format!("{key}.fingerprint-sha256"))).unwrap();
    text.split_whitespace().nth(1).unwrap().to_owned()
}

#[test]
fn keys_of_every_type_from_every_private_format_are_listed_by_ssh_add() {
    let Some(agent) = SshAgent::start() else {
        return;
    };
    // One plain and one encrypted file per key and format, as far as the corpus has them.
    let mut seen = BTreeSet::new();
    let mut added = 0;
    for entry in manifest() {
        if !["ppk", "openssh", "pkcs8", "pem"].contains(&entry.format.as_str())
            || entry.key == "ed448"
            || !seen.insert((entry.key.clone(), entry.format.clone(), entry.encrypted))
        {
            continue;
        }
        let mut cmd = agent.keyconv();
        cmd.args(["agent", "add"]).arg(entry.path());
        if let Some(p) = entry.passphrase_path() {
            cmd.arg("--passphrase-file").arg(p);
        }
        let o = run(&mut cmd);
        assert!(
            o.status.success(),
            "agent add {}: {}",
            entry.file,
            stderr(&o)
        );
        assert!(stderr(&o).starts_with("Identity added: "), "{}", stderr(&o));
        let listed = agent.listed();
        let fingerprint = reference_fingerprint(&entry.key);
        assert!(
            listed.contains(&fingerprint),
            "{}: ssh-add -l does not list {fingerprint}:\n{listed}",
            entry.file
        );
        // `agent list` prints what `ssh-add -l` prints, line for line.
        let ours = run(agent.keyconv().args(["agent", "list"]));
        assert!(ours.status.success(), "{}", stderr(&ours));
        assert_eq!(String::from_utf8_lossy(&ours.stdout), listed);
        assert!(agent.ssh_add(&["-D"]).status.success());
        added += 1;
    }
    // 9 key types (Ed448 aside) in 4 formats, plain and encrypted (DSA/EdDSA have no PEM).
    assert!(added >= 60, "only {added} files were tried");
}

#[test]
fn ed448_and_public_keys_are_refused_clearly() {
    let Some(agent) = SshAgent::start() else {
        return;
    };
    let o = run(agent
        .keyconv()
        .args(["agent", "add"])
        .arg(testdata().join("ed448.ppk3")));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no Ed448"), "{}", stderr(&o));
    let o = run(agent
        .keyconv()
        .args(["agent", "add"])
        .arg(testdata().join("ed25519.pub")));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("only a public key"), "{}", stderr(&o));
    assert_eq!(agent.listed(), "");
}

#[test]
fn encrypted_keys_need_the_passphrase_and_a_wrong_one_is_reported() {
    let Some(agent) = SshAgent::start() else {
        return;
    };
    let file = testdata().join("rsa-2048.ppk3-argon2id");
    let o = run(agent.keyconv().args(["agent", "add"]).arg(&file));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("key is encrypted"), "{}", stderr(&o));
    let o = run(agent
        .keyconv()
        .args(["agent", "add"])
        .arg(&file)
        .env("KEYCONV_PASSPHRASE", "wrong"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("incorrect passphrase"),
        "{}",
        stderr(&o)
    );
    // The passphrase from the environment works; nothing reached the disk but the agent.
    let o = run(agent.keyconv().args(["agent", "add"]).arg(&file).env(
        "KEYCONV_PASSPHRASE",
        String::from_utf8(common::passphrase("passphrase")).unwrap(),
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(agent.listed().contains(&reference_fingerprint("rsa-2048")));
}

#[test]
fn keys_are_removed_by_fingerprint_and_by_file() {
    let Some(agent) = SshAgent::start() else {
        return;
    };
    let pass = testdata().join("passphrase");
    for file in [
        "ed25519.ppk3-argon2id",
        "ecdsa-256.pkcs8-aes128",
        "rsa-2048.openssh",
    ] {
        let o = run(agent
            .keyconv()
            .args(["agent", "add", "--passphrase-file"])
            .arg(&pass)
            .arg(testdata().join(file)));
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(agent.listed().lines().count(), 3);

    // By fingerprint, as `agent list` prints it.
    let ecdsa = reference_fingerprint("ecdsa-256");
    let o = run(agent.keyconv().args(["agent", "remove", &ecdsa]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("Identity removed:"), "{}", stderr(&o));
    assert!(!agent.listed().contains(&ecdsa));

    // By file: an encrypted .ppk (its public key is in clear), and a public key file.
    let o = run(agent
        .keyconv()
        .args(["agent", "remove"])
        .arg(testdata().join("ed25519.ppk3-argon2id"))
        .arg(testdata().join("rsa-2048.pub")));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(agent.listed(), "");

    // A key not in the agent: exit 1, named; an empty agent lists nothing, exit 1 (ssh-add -l).
    let o = run(agent.keyconv().args(["agent", "remove", &ecdsa]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not in the agent"), "{}", stderr(&o));
    let o = run(agent.keyconv().args(["agent", "list"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("The agent has no identities."));
}

#[test]
fn a_lifetime_makes_the_agent_forget_the_key() {
    let Some(agent) = SshAgent::start() else {
        return;
    };
    let o = run(agent
        .keyconv()
        .args(["agent", "add", "--lifetime", "2"])
        .arg(testdata().join("ed25519.ppk3")));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("Lifetime set to 2 seconds"));
    // ssh-add -l reports the key's remaining life only in newer OpenSSH; the agent's forgetting
    // is the proof: listed now, gone once the lifetime is over.
    assert!(agent.listed().contains(&reference_fingerprint("ed25519")));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !agent.listed().is_empty() {
        assert!(Instant::now() < deadline, "the key outlived its lifetime");
        std::thread::sleep(Duration::from_millis(200));
    }
    // An unconstrained key stays.
    let o = run(agent
        .keyconv()
        .args(["agent", "add"])
        .arg(testdata().join("ed25519.ppk3")));
    assert!(o.status.success(), "{}", stderr(&o));
    std::thread::sleep(Duration::from_secs(3));
    assert!(agent.listed().contains(&reference_fingerprint("ed25519")));
}

/// Signs with the agent's copy of `key` (`ssh-keygen -Y sign -f KEY.pub`: the private key is not
/// on disk, so ssh-keygen asks the agent). Returns whether a signature was made.
fn agent_signs(agent: &SshAgent, key: &str) -> bool {
    let dir = agent.dir.path();
    let public = dir.join(format!("{key}.pub"));
    std::fs::copy(testdata().join(format!("{key}.pub")), &public).unwrap();
    let data = dir.join("data");
    std::fs::write(&data, b"sign me").unwrap();
    let _ = std::fs::remove_file(dir.join("data.sig"));
    let o = run(Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", "file", "-f"])
        .arg(&public)
        .arg(&data)
        .env("SSH_AUTH_SOCK", agent.sock())
        .stdin(Stdio::null()));
    o.status.success() && dir.join("data.sig").exists()
}

#[test]
fn confirm_makes_the_agent_ask_before_each_use() {
    if !have_tool("ssh-keygen") {
        return;
    }
    // The agent asks through SSH_ASKPASS: a script that logs each question and answers what
    // the file `answer` says (exit 0 = yes, 1 = no).
    let dir = common::tempdir();
    let askpass = dir.path().join("askpass");
    let asked = dir.path().join("asked");
    let answer = dir.path().join("answer");
    std::fs::write(
        &askpass,
        format!(
            "#!/bin/sh\necho \"$1\" >> '{}'\nexit $(cat '{}')\n",
            asked.display(),
            answer.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&askpass, std::fs::Permissions::from_mode(0o700)).unwrap();
    let env: [(&str, &OsStr); 3] = [
        ("SSH_ASKPASS", askpass.as_os_str()),
        ("SSH_ASKPASS_REQUIRE", OsStr::new("force")),
        ("DISPLAY", OsStr::new(":0")),
    ];
    let Some(agent) = SshAgent::start_with_env(&env) else {
        return;
    };

    // Without --confirm the agent signs without asking.
    let o = run(agent
        .keyconv()
        .args(["agent", "add"])
        .arg(testdata().join("ecdsa-256.ppk3")));
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(&answer, "1").unwrap();
    assert!(agent_signs(&agent, "ecdsa-256"));
    assert!(!asked.exists(), "the agent asked for an unconstrained key");

    // With --confirm it asks: a "no" refuses the signature, a "yes" allows it.
    let o = run(agent
        .keyconv()
        .args(["agent", "add", "--confirm"])
        .arg(testdata().join("ed25519.ppk3")));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("confirm each use"));
    assert!(
        !agent_signs(&agent, "ed25519"),
        "signed although the user said no"
    );
    let questions = std::fs::read_to_string(&asked).unwrap();
    assert!(questions.contains("Allow use of key"), "{questions}");
    std::fs::write(&answer, "0").unwrap();
    assert!(
        agent_signs(&agent, "ed25519"),
        "refused although the user said yes"
    );
    let questions = std::fs::read_to_string(&asked).unwrap();
    assert_eq!(
        questions.matches("Allow use of key").count(),
        2,
        "{questions}"
    );
}

#[test]
fn without_an_agent_the_error_says_how_to_start_one() {
    let o = run(common::keyconv()
        .args(["agent", "list"])
        .env_remove("SSH_AUTH_SOCK"));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("SSH_AUTH_SOCK is not set"), "{err}");
    assert!(err.contains("hint: start one with"), "{err}");
    let dir = common::tempdir();
    let o = run(common::keyconv()
        .args(["agent", "list"])
        .env("SSH_AUTH_SOCK", dir.path().join("nothing-here")));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot connect to the agent"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn lifetimes_are_checked_as_usage_errors() {
    let o = run(common::keyconv().args(["agent", "add", "--lifetime", "soon", "x"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid lifetime"), "{}", stderr(&o));
}
