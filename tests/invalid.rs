//! Every hostile file in `testdata/invalid/` fails with the error kind `expected.tsv` names:
//! through the library, and through the CLI as exit 1 with a one-line error, quickly, leaving no
//! output file.

mod common;

use std::time::{Duration, Instant};

use keyconv::{ErrorKind, KdfLimits, KeyFile, Passphrase};

use common::{keyconv, passphrase, run, tempdir, testdata};

fn kind_name(e: &keyconv::Error) -> &'static str {
    match e.kind() {
        ErrorKind::Malformed { .. } => "malformed",
        ErrorKind::UnrecognizedFormat => "unrecognized",
        ErrorKind::KdfTooExpensive { .. } => "kdf-too-expensive",
        ErrorKind::IncorrectPassphrase if e.may_be_corrupted() => "corrupted",
        ErrorKind::IncorrectPassphrase => "incorrect-passphrase",
        ErrorKind::InconsistentKey(_) => "inconsistent",
        ErrorKind::UnsupportedScheme(_) | ErrorKind::UnsupportedKeyType(_) => "unsupported",
        ErrorKind::PassphraseRequired => "passphrase-required",
        _ => "other",
    }
}

fn expected() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(testdata().join("invalid/expected.tsv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let (file, kinds) = l.split_once('\t').unwrap();
            (
                file.to_owned(),
                kinds.split('|').map(str::to_owned).collect(),
            )
        })
        .collect()
}

#[test]
fn every_invalid_file_is_listed() {
    let listed: Vec<String> = expected().into_iter().map(|(f, _)| f).collect();
    for entry in std::fs::read_dir(testdata().join("invalid")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name != "README.md" && name != "expected.tsv" {
            assert!(
                listed.contains(&name),
                "{name} is not in testdata/invalid/expected.tsv"
            );
        }
    }
}

#[test]
fn library_gives_the_expected_error_kind() {
    let pass = Passphrase::new(passphrase("passphrase"));
    let mut failures = Vec::new();
    for (file, kinds) in expected() {
        let bytes = std::fs::read(testdata().join("invalid").join(&file)).unwrap();
        let start = Instant::now();
        let result = KeyFile::decode(&bytes).and_then(|f| {
            if f.is_private() {
                f.private_key(Some(&pass), &KdfLimits::default())
                    .map(|_| ())
            } else {
                Ok(())
            }
        });
        let elapsed = start.elapsed();
        match result {
            Ok(()) => failures.push(format!("{file}: accepted, expected {kinds:?}")),
            Err(e) if !kinds.iter().any(|k| k == kind_name(&e)) => failures.push(format!(
                "{file}: {} ({e}), expected {kinds:?}",
                kind_name(&e)
            )),
            Err(_) => {}
        }
        assert!(elapsed < Duration::from_secs(1), "{file}: took {elapsed:?}");
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn cli_exits_1_with_one_line_and_leaves_no_file() {
    let dir = tempdir();
    for (file, _) in expected() {
        let out = dir.path().join(format!("{file}.out"));
        let start = Instant::now();
        let o = run(keyconv()
            .arg("convert")
            .arg(testdata().join("invalid").join(&file))
            .args(["--to", "pkcs8", "--passphrase-file"])
            .arg(testdata().join("passphrase"))
            .arg("-o")
            .arg(&out));
        assert!(start.elapsed() < Duration::from_secs(5), "{file}: too slow");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{file}: {err}");
        let lines: Vec<&str> = err.lines().collect();
        assert!(
            lines.len() == 1 || (lines.len() == 2 && lines[1].starts_with("hint: ")),
            "{file}: {err}"
        );
        assert!(lines[0].starts_with("keyconv: "), "{file}: {err}");
        assert!(!err.contains("panicked"), "{file}: {err}");
        assert!(!out.exists(), "{file}: output written");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
