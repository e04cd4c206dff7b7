//! The command line against hostile files and careless use (SPEC §2, §3): KDF bombs are refused
//! at once, passphrases never reach argv or any output, writes are atomic and never clobber or
//! follow links, and a closed standard output ends the program quietly.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{keyconv, mode, run, stderr, tempdir, testdata};

fn td(name: &str) -> String {
    testdata().join(name).to_string_lossy().into_owned()
}

fn invalid(name: &str) -> std::path::PathBuf {
    testdata().join("invalid").join(name)
}

/// The three KDF bombs: exit 1 in under a second, naming the parameter, its value and
/// the way out — with a passphrase at hand and without one (the limits come first).
#[test]
fn kdf_bombs_are_refused_at_once_naming_the_parameter() {
    let bombs = [
        (
            "ppk-argon2-memory-4gib-passes-100000",
            "Argon2-Memory 4194304",
        ),
        (
            "openssh-bcrypt-rounds-2147483647",
            "bcrypt rounds 2147483647",
        ),
        (
            "pkcs8-pbkdf2-iterations-2147483647",
            "PBKDF2 iterations 2147483647",
        ),
    ];
    let dir = tempdir();
    for (file, parameter) in bombs {
        for with_passphrase in [true, false] {
            for to in ["openssh", "pkcs8", "ppk"] {
                let out = dir.path().join("out");
                let mut cmd = keyconv();
                cmd.arg("convert")
                    .arg(invalid(file))
                    .args(["--to", to, "-o"])
                    .arg(&out)
                    .env_remove("KEYCONV_PASSPHRASE")
                    .stdin(Stdio::null());
                if with_passphrase {
                    cmd.arg("--passphrase-file")
                        .arg(testdata().join("passphrase"));
                }
                let start = Instant::now();
                let o = run(&mut cmd);
                let elapsed = start.elapsed();
                let err = stderr(&o);
                let case = format!("{file} --to {to} (passphrase: {with_passphrase})");
                assert_eq!(o.status.code(), Some(1), "{case}: {err}");
                assert!(elapsed < Duration::from_secs(1), "{case}: {elapsed:?}");
                let lines: Vec<&str> = err.lines().collect();
                assert_eq!(lines.len(), 2, "{case}: {err}");
                assert!(
                    lines[0].starts_with(&format!("keyconv: {}: ", invalid(file).display()))
                        && lines[0].contains(parameter)
                        && lines[0].contains("limit"),
                    "{case}: {err}"
                );
                assert!(
                    lines[1].starts_with("hint: ") && lines[1].contains("--allow-expensive-kdf"),
                    "{case}: {err}"
                );
                assert!(!out.exists(), "{case}: output written");
            }
        }
    }
}

/// `fips-check` and `inspect` judge a bomb from its parameters without deriving anything.
#[test]
fn kdf_bombs_are_inspected_without_deriving() {
    for file in [
        "ppk-argon2-memory-4gib-passes-100000",
        "openssh-bcrypt-rounds-2147483647",
        "pkcs8-pbkdf2-iterations-2147483647",
    ] {
        let start = Instant::now();
        let o = run(keyconv().args(["inspect", "--json"]).arg(invalid(file)));
        assert!(start.elapsed() < Duration::from_secs(1), "{file}");
        assert_eq!(o.status.code(), Some(0), "{file}: {}", stderr(&o));
        let o = run(keyconv().arg("fips-check").arg(invalid(file)));
        assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
    }
}

/// No option takes a passphrase itself: only files, the environment or the terminal.
#[test]
fn no_option_takes_a_passphrase_value() {
    for sub in ["convert", "public", "fingerprint", "inspect", "fips-check"] {
        let o = run(keyconv().args([sub, "--help"]));
        assert!(o.status.success(), "{sub} --help");
        let help = String::from_utf8_lossy(&o.stdout);
        for line in help.lines() {
            let option = line.trim_start();
            if !option.starts_with("--") || !option.to_lowercase().contains("passphrase") {
                continue;
            }
            let head = option.split("  ").next().unwrap_or_default();
            assert!(
                head.ends_with("<FILE>") || !head.contains('<'),
                "{sub}: an option takes a passphrase value: {head}"
            );
        }
    }
    let o = run(keyconv().args(["convert", "x", "--to", "pkcs8", "--passphrase", "hunter2"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("hunter2"), "{}", stderr(&o));
}

const DISTINCT: &str = "Kv-distinct-9f3e1c-pass";
const DISTINCT_NEW: &str = "Kv-new-7d20aa-pass";

/// A passphrase given through a file or the environment, right or wrong, appears in no output,
/// whatever the command and whatever goes wrong (also with RUST_BACKTRACE set).
#[test]
fn passphrases_never_appear_in_any_output() {
    let dir = tempdir();
    let wrong = dir.path().join("wrong");
    std::fs::write(&wrong, format!("{DISTINCT}\n")).unwrap();
    let new = dir.path().join("new");
    std::fs::write(&new, DISTINCT_NEW).unwrap();
    let short = dir.path().join("short");
    std::fs::write(&short, "Kv-7").unwrap();
    let right = testdata().join("passphrase");
    let inputs = [
        "ed25519.ppk3-argon2id",
        "ed25519.ppk2-aes",
        "ecdsa-256.openssh-aes256-ctr",
        "rsa-2048.pkcs8-aes128",
        "rsa-2048.pem-aes128",
        "ed25519.ppk3",
    ];
    let (mut checked, mut succeeded) = (0, 0);
    for input in inputs {
        let path = testdata().join(input);
        let mut runs: Vec<Command> = Vec::new();
        // Wrong passphrase, from a file and from the environment.
        let mut c = keyconv();
        c.arg("convert")
            .arg(&path)
            .args(["--to", "pkcs8", "--passphrase-file"])
            .arg(&wrong);
        runs.push(c);
        let mut c = keyconv();
        c.arg("convert")
            .arg(&path)
            .args(["--to", "openssh"])
            .env("KEYCONV_PASSPHRASE", DISTINCT);
        runs.push(c);
        for sub in ["inspect", "public", "fingerprint", "fips-check"] {
            let mut c = keyconv();
            c.arg(sub).arg(&path).env("KEYCONV_PASSPHRASE", DISTINCT);
            runs.push(c);
            let mut c = keyconv();
            c.arg(sub);
            if matches!(sub, "inspect" | "fips-check") {
                c.arg("--json");
            }
            c.arg(&path).arg("--passphrase-file").arg(&wrong);
            runs.push(c);
        }
        // Right passphrase, a distinctive new one: the output holds it only encrypted.
        for (to, cheap) in [
            ("pkcs8", &["--iterations", "1000"][..]),
            ("ppk", &["--argon2-memory", "8", "--argon2-passes", "1"][..]),
            ("openssh", &["--rounds", "1"][..]),
            ("pem", &[][..]),
        ] {
            let mut c = keyconv();
            c.arg("convert")
                .arg(&path)
                .args(["--to", to, "--passphrase-file"])
                .arg(&right)
                .args(cheap)
                .env("KEYCONV_NEW_PASSPHRASE", DISTINCT_NEW);
            runs.push(c);
            let mut c = keyconv();
            c.arg("convert")
                .arg(&path)
                .args(["--to", to, "--passphrase-file"])
                .arg(&right)
                .args(cheap)
                .arg("--new-passphrase-file")
                .arg(&new);
            runs.push(c);
        }
        // Refused by policy because of the passphrase.
        let mut c = keyconv();
        c.arg("convert")
            .arg(&path)
            .args(["--to", "pkcs8", "--fips", "--passphrase-file"])
            .arg(&right)
            .arg("--new-passphrase-file")
            .arg(&short);
        runs.push(c);
        for mut c in runs {
            c.env("RUST_BACKTRACE", "1").stdin(Stdio::null());
            if c.get_envs().all(|(k, _)| k != "KEYCONV_PASSPHRASE") {
                c.env_remove("KEYCONV_PASSPHRASE");
            }
            let o = run(&mut c);
            let all = [o.stdout.as_slice(), o.stderr.as_slice()].concat();
            let text = String::from_utf8_lossy(&all);
            for secret in [DISTINCT, DISTINCT_NEW, "Kv-7"] {
                assert!(
                    !text.contains(secret),
                    "{c:?} printed the passphrase {secret}:\n{text}"
                );
            }
            assert!(!text.contains("panicked"), "{c:?}:\n{text}");
            // fips-check: 2 is "some input unreadable" (SPEC §2).
            let fips_check = c.get_args().any(|a| a == "fips-check");
            assert!(
                matches!(o.status.code(), Some(0 | 1)) || fips_check && o.status.code() == Some(2),
                "{c:?}:\n{text}"
            );
            checked += 1;
            succeeded += usize::from(o.status.success());
        }
    }
    assert!(
        checked > 100 && succeeded > 40,
        "{checked} runs, {succeeded} succeeded"
    );
}

#[test]
fn ask_new_passphrase_prompts_twice_and_refuses_a_mismatch() {
    let dir = tempdir();
    let bin = env!("CARGO_BIN_EXE_keyconv");
    let input = testdata().join("ed25519.ppk3");
    let out = dir.path().join("new.pkcs8");
    let cmdline = format!(
        "{bin} convert {} --to pkcs8 -o {} --ask-new-passphrase --iterations 1000",
        input.display(),
        out.display()
    );
    let Some(o) = common::on_terminal(&cmdline, "Kv-typed-1\nKv-typed-1\n") else {
        return;
    };
    let screen = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{screen}");
    assert!(screen.contains("Enter new passphrase"), "{screen}");
    assert!(
        screen.contains("Enter the same passphrase again"),
        "{screen}"
    );
    let typed = dir.path().join("typed");
    std::fs::write(&typed, "Kv-typed-1").unwrap();
    let o = run(keyconv()
        .arg("public")
        .arg(&out)
        .arg("--passphrase-file")
        .arg(&typed));
    assert!(o.status.success(), "{}", stderr(&o));

    let out2 = dir.path().join("mismatch.pkcs8");
    let cmdline = format!(
        "{bin} convert {} --to pkcs8 -o {} --ask-new-passphrase",
        input.display(),
        out2.display()
    );
    let o = common::on_terminal(&cmdline, "Kv-typed-1\nKv-typed-2\n").unwrap();
    let screen = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{screen}");
    assert!(screen.contains("do not match"), "{screen}");
    assert!(!out2.exists());

    // Without a terminal there is nobody to ask.
    let o = run(keyconv()
        .arg("convert")
        .arg(&input)
        .args(["--to", "pkcs8", "--ask-new-passphrase"])
        .stdin(Stdio::null()));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("needs a terminal"), "{}", stderr(&o));
    // Nor with a passphrase file or --no-passphrase as well.
    let o = run(keyconv().arg("convert").arg(&input).args([
        "--to",
        "pkcs8",
        "--ask-new-passphrase",
        "--no-passphrase",
    ]));
    assert_eq!(o.status.code(), Some(2));
}

/// On a terminal, with no passphrase given, keyconv asks for it; a wrong answer is refused.
#[test]
fn prompts_for_the_passphrase_on_a_terminal() {
    let dir = tempdir();
    let bin = env!("CARGO_BIN_EXE_keyconv");
    let input = testdata().join("ecdsa-256.pkcs8-aes128");
    let out = dir.path().join("out");
    let cmdline = format!(
        "{bin} convert {} --to openssh --no-passphrase -o {}",
        input.display(),
        out.display()
    );
    let Some(o) = common::on_terminal(&cmdline, "correct horse battery\n") else {
        return;
    };
    let screen = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{screen}");
    assert!(screen.contains("Enter passphrase for"), "{screen}");
    assert!(out.exists());
    let out2 = dir.path().join("out2");
    let cmdline = format!(
        "{bin} convert {} --to openssh -o {}",
        input.display(),
        out2.display()
    );
    let o = common::on_terminal(&cmdline, "wrong horse\n").unwrap();
    let screen = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{screen}");
    assert!(screen.contains("incorrect passphrase"), "{screen}");
    assert!(!out2.exists());
}

/// Without a terminal, an encrypted input with no passphrase given fails at once (no prompt).
#[test]
fn no_prompt_without_a_terminal() {
    let start = Instant::now();
    let o = run(keyconv()
        .arg("convert")
        .arg(testdata().join("rsa-2048.pkcs8-aes128"))
        .args(["--to", "openssh"])
        .env_remove("KEYCONV_PASSPHRASE")
        .stdin(Stdio::null()));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("key is encrypted"), "{}", stderr(&o));
    assert!(start.elapsed() < Duration::from_secs(2));
}

fn convert_to(out: &Path, extra: &[&str]) -> std::process::Output {
    run(keyconv()
        .arg("convert")
        .arg(testdata().join("ed25519.ppk3"))
        .args(["--to", "openssh", "-o"])
        .arg(out)
        .args(extra))
}

/// Files left in `dir` that are not `keep`.
fn strays(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn private_output_is_0600_even_with_a_permissive_umask() {
    let dir = tempdir();
    let out = dir.path().join("key");
    let o = run(Command::new("sh").arg("-c").arg(format!(
        "umask 000; exec {} convert {} --to pkcs8 -o {}",
        env!("CARGO_BIN_EXE_keyconv"),
        testdata().join("ed25519.ppk3").display(),
        out.display()
    )));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&out), 0o600);
    // --force over an existing, world-readable file: the new file is 0600 too.
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = convert_to(&out, &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&out), 0o600);
    assert_eq!(strays(dir.path(), &["key"]), Vec::<String>::new());
}

#[test]
fn existing_output_is_kept_without_force() {
    let dir = tempdir();
    let out = dir.path().join("existing");
    std::fs::write(&out, "precious").unwrap();
    let o = convert_to(&out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");
    // A dangling symlink is an existing output too: never written through.
    let target = dir.path().join("victim");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = convert_to(&link, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!target.exists(), "wrote through a dangling symlink");
    assert_eq!(
        strays(dir.path(), &["existing", "link"]),
        Vec::<String>::new()
    );
    // Another target over an existing key: refused, the key kept; --force replaces it (0600), no temporary left.
    {
        let dir = tempdir();
        let out = dir.path().join("id_ed25519");
        let o = run(keyconv()
            .args(["convert", &td("ed25519.ppk3"), "--to", "openssh", "-o"])
            .arg(&out));
        assert!(o.status.success(), "{}", stderr(&o));
        let mode = mode(&out);
        assert_eq!(mode, 0o600);
        let first = std::fs::read(&out).unwrap();

        let o = run(keyconv()
            .args(["convert", &td("ed25519.ppk3"), "--to", "pem", "-o"])
            .arg(&out));
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("exists: give --force"),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            std::fs::read(&out).unwrap(),
            first,
            "the existing file is untouched"
        );

        let o = run(keyconv()
            .args([
                "convert",
                &td("ed25519.ppk3"),
                "--to",
                "pkcs8",
                "--force",
                "-o",
            ])
            .arg(&out));
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            std::fs::read_to_string(&out)
                .unwrap()
                .starts_with("-----BEGIN PRIVATE KEY-----")
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary files left behind");
    }
}

#[test]
fn force_replaces_a_symlink_not_the_file_it_points_to() {
    let dir = tempdir();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let o = convert_to(&link, &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(
        std::fs::read_to_string(&link)
            .unwrap()
            .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
    );
}

#[test]
fn output_that_is_the_input_is_refused_through_any_name() {
    let dir = tempdir();
    let input = dir.path().join("in.ppk");
    std::fs::copy(testdata().join("ed25519.ppk3"), &input).unwrap();
    let original = std::fs::read(&input).unwrap();
    let symlink = dir.path().join("sym");
    std::os::unix::fs::symlink(&input, &symlink).unwrap();
    let hardlink = dir.path().join("hard");
    std::fs::hard_link(&input, &hardlink).unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let dotted = sub.join("../in.ppk");
    for out in [&input, &symlink, &hardlink, &dotted] {
        for force in [false, true] {
            let mut cmd = keyconv();
            cmd.arg("convert")
                .arg(&input)
                .args(["--to", "ppk", "-o"])
                .arg(out);
            if force {
                cmd.arg("--force");
            }
            let o = run(&mut cmd);
            assert_eq!(o.status.code(), Some(1), "{out:?}: {}", stderr(&o));
            assert!(
                stderr(&o).contains("the output file is the input file"),
                "{out:?} force {force}: {}",
                stderr(&o)
            );
        }
        // And the other way round: the input named through the link.
        let o = run(keyconv()
            .arg("convert")
            .arg(out)
            .args(["--to", "ppk", "--force", "-o"])
            .arg(&input));
        assert_eq!(o.status.code(), Some(1), "{out:?}: {}", stderr(&o));
    }
    assert_eq!(std::fs::read(&input).unwrap(), original);
    assert_eq!(
        strays(dir.path(), &["in.ppk", "sym", "hard", "sub"]),
        Vec::<String>::new()
    );
    // The same for an OpenSSH key rewritten to openssh with --force.
    {
        let dir = tempdir();
        let key = dir.path().join("key");
        std::fs::copy(testdata().join("ed25519.openssh"), &key).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&key, &link).unwrap();
        let hard = dir.path().join("hard");
        std::fs::hard_link(&key, &hard).unwrap();
        for out in [&key, &link, &hard] {
            let o = run(keyconv()
                .arg("convert")
                .arg(&key)
                .args(["--to", "openssh", "--force", "-o"])
                .arg(out));
            assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
            assert!(
                stderr(&o).contains("output file is the input file"),
                "{}",
                stderr(&o)
            );
        }
        assert_eq!(
            std::fs::read(&key).unwrap(),
            std::fs::read(testdata().join("ed25519.openssh")).unwrap()
        );
    }
}

#[test]
fn failed_writes_leave_no_file() {
    let dir = tempdir();
    // The output directory does not exist.
    let o = convert_to(&dir.path().join("missing/key"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
    // The output is a directory, even with --force.
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let o = convert_to(&sub, extra);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        // Error messages read as words, not Rust's "(os error N)".
        assert!(!stderr(&o).contains("os error"), "{}", stderr(&o));
        assert_eq!(strays(&sub, &[]), Vec::<String>::new());
    }
    // An input that fails to decode or decrypt writes nothing.
    let out = dir.path().join("out");
    let o = run(keyconv()
        .arg("convert")
        .arg(testdata().join("rsa-2048.pkcs8-aes128"))
        .args(["--to", "openssh", "-o"])
        .arg(&out)
        .arg("--passphrase-file")
        .arg(testdata().join("passphrase-utf8")));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("incorrect passphrase"),
        "{}",
        stderr(&o)
    );
    assert_eq!(strays(dir.path(), &["sub"]), Vec::<String>::new());
    // A wrong passphrase in the environment: nothing written.
    {
        let dir = tempdir();
        let out = dir.path().join("out");
        let input = td("rsa-2048.openssh-aes256-ctr");
        let o = run(keyconv()
            .args(["convert", &input, "--to", "pkcs8", "-o"])
            .arg(&out)
            .env("KEYCONV_PASSPHRASE", "not it")
            .stdin(Stdio::null()));
        assert_eq!(o.status.code(), Some(1));
        assert!(!out.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

#[test]
fn a_long_output_name_still_gets_its_temporary_file() {
    let dir = tempdir();
    let out = dir.path().join("k".repeat(250));
    let o = convert_to(&out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&out), 0o600);
    assert_eq!(strays(dir.path(), &[&"k".repeat(250)]).len(), 0);
}

/// A file of `lines` one-line public keys.
fn many_keys(dir: &Path, lines: usize) -> std::path::PathBuf {
    let line = std::fs::read_to_string(testdata().join("ed25519.pub")).unwrap();
    let path = dir.join(format!("keys-{lines}"));
    let text: String = (0..lines)
        .map(|_| format!("{}\n", line.trim_end()))
        .collect();
    std::fs::write(&path, text).unwrap();
    path
}

/// `keyconv public BIG | head -1`: the reader goes away, keyconv ends quietly.
#[test]
fn closed_stdout_ends_quietly() {
    let dir = tempdir();
    // 600 KB (read whole) and 2.4 MB (streamed line by line).
    for lines in [6_000, 24_000] {
        let big = many_keys(dir.path(), lines);
        for sub in ["public", "fingerprint"] {
            let mut child = keyconv()
                .arg(sub)
                .arg(&big)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut first = String::new();
            BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut first)
                .unwrap();
            assert!(first.starts_with("ssh-ed25519") || first.starts_with("256 SHA256:"));
            // The read end is closed here.
            let o = child.wait_with_output().unwrap();
            let err = stderr(&o);
            assert!(
                matches!(o.status.code(), Some(0 | 1)),
                "{sub} {lines}: {:?} {err}",
                o.status
            );
            assert!(err.is_empty(), "{sub} {lines}: {err}");
        }
    }
}

/// A streamed public key file whose line never ends: memory stays flat (the run is capped at
/// 150 MB of address space and fed a 200 MB line), the line is reported, the next key read.
#[test]
fn an_endless_line_does_not_grow_memory() {
    let key = testdata().join("ed25519.pub");
    let script = format!(
        "ulimit -v 150000; {{ cat {key}; head -c 200000000 /dev/zero | tr '\\0' A; echo; cat {key}; }} \\
         | exec {bin} fingerprint -",
        key = key.display(),
        bin = env!("CARGO_BIN_EXE_keyconv"),
    );
    let o = run(Command::new("sh").arg("-c").arg(&script));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(":2: ") && err.contains("line longer than 262144 bytes"),
        "{err}"
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2);
}

/// Standard error closed too (`keyconv … 2>&1 | true`): still the documented exit status, never
/// a panic (101) from a failed warning or error message.
#[test]
fn closed_stderr_keeps_the_exit_status() {
    let ppk = testdata().join("ed25519.ppk3");
    let cases: [(&[&str], i32); 4] = [
        (&["--to", "public", "--cipher", "x"], 2),
        (&["--to", "public", "--fips"], 0),
        (&["--to", "pkcs8", "--no-passphrase"], 0),
        (&["--to", "pem"], 1),
    ];
    for (args, code) in cases {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = run(keyconv()
            .arg("convert")
            .arg(&ppk)
            .args(args)
            .stdout(Stdio::null())
            .stderr(writer));
        assert_eq!(o.status.code(), Some(code), "{args:?}");
    }
}

/// A hostile file cannot send escape sequences to the terminal: comments and error messages
/// that quote the file print control characters as `\ooo`, as `ssh-keygen -l` does.
#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = tempdir();
    let line = std::fs::read_to_string(testdata().join("ed25519.pub")).unwrap();
    let type_and_blob = common::type_and_blob(&line);
    let pubkey = dir.path().join("esc.pub");
    std::fs::write(&pubkey, format!("{type_and_blob} a\x1b[31mred\x07b\n")).unwrap();
    let pem = dir.path().join("evil.pem");
    std::fs::write(
        &pem,
        "-----BEGIN EVIL\x1b[2J KEY-----\nAAAA\n-----END EVIL\x1b[2J KEY-----\n",
    )
    .unwrap();
    let o = run(keyconv().arg("fingerprint").arg(&pubkey));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.ends_with(" a\\033[31mred\\007b (ED25519)\n"), "{out:?}");
    if common::have_tool("ssh-keygen") {
        let theirs = run(Command::new("ssh-keygen").arg("-l").arg("-f").arg(&pubkey));
        assert_eq!(String::from_utf8_lossy(&theirs.stdout), out);
    }
    for args in [
        &["inspect"][..],
        &["fips-check"][..],
        &["convert", "--to", "pkcs8"][..],
    ] {
        for file in [&pubkey, &pem] {
            let o = run(keyconv().args(args).arg(file));
            let all = [o.stdout.as_slice(), o.stderr.as_slice()].concat();
            assert!(
                !all.contains(&0x1b) && !all.contains(&0x07),
                "{args:?} {file:?}: {}",
                String::from_utf8_lossy(&all)
            );
        }
    }
    let o = run(keyconv().arg("inspect").arg(&pem));
    assert!(stderr(&o).contains("EVIL\\033[2J KEY"), "{}", stderr(&o));
}

/// The longest line a streamed file may have, 256 KiB with its newline, is read; the line after
/// it too. (The file is over 1 MiB, so it is streamed.)
#[test]
fn a_line_of_exactly_256_kib_is_read() {
    let dir = tempdir();
    let key = std::fs::read_to_string(testdata().join("ed25519.pub")).unwrap();
    let filler = key.repeat((1 << 20) / key.len() + 1);
    let long = format!("{filler}#{}\n", "x".repeat((1 << 18) - 2));
    let path = dir.path().join("keys");
    std::fs::write(&path, format!("{long}{key}")).unwrap();
    let o = run(keyconv().arg("fingerprint").arg(&path));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let keys = (1 << 20) / key.len() + 2;
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), keys);
    // One byte more is too long: reported, skipped, and the next line is still read.
    let longer = long.replacen('#', "#x", 1);
    std::fs::write(&path, format!("{longer}{key}")).unwrap();
    let o = run(keyconv().arg("fingerprint").arg(&path));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("line longer than 262144 bytes"),
        "{}",
        stderr(&o)
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), keys);
}

#[test]
fn public_output_file_is_0644() {
    let dir = tempdir();
    let out = dir.path().join("k.pub");
    let o = run(keyconv()
        .args(["convert", &td("ecdsa-256.openssh"), "--to", "public", "-o"])
        .arg(&out));
    assert!(o.status.success(), "{}", stderr(&o));
    let mode = mode(&out);
    assert_eq!(mode & 0o600, 0o600);
    assert_eq!(mode & 0o022, 0, "umask may only take bits away");
    let reference = std::fs::read_to_string(testdata().join("ecdsa-256.pub")).unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap().trim_end(),
        reference.trim_end()
    );
}
