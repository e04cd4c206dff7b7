//! The JSON of `inspect --json`, `fips-check --json` and `authorized-keys list --json` against
//! the schema file `schema/keyconv.schema.json`, with the real validator (python3 `jsonschema`,
//! Draft 2020-12): the whole corpus, error entries, skipped entries, one input and many.
//!
//! The validator is python3's `jsonschema` (Debian `python3-jsonschema`; CI installs it) rather
//! than a Rust crate: the Rust validators pull in a regex engine, an HTTP client's worth of
//! dependencies or both, and compiling them would cost the shared CI machine more than the whole
//! test; the Python one is the reference implementation of the specification's test suite.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{keyconv, run, tempdir, testdata};

fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/keyconv.schema.json")
}

/// Checks the schema itself, then `doc` against the whole schema and against the part for
/// `command` (`$defs/<command>_output`). In CI a missing validator fails the test.
const VALIDATE: &str = r##"
import json, sys
try:
    import jsonschema
except ImportError:
    print("NO-JSONSCHEMA")
    sys.exit(3)
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
doc = json.load(sys.stdin)
part = {"$ref": "#/$defs/" + sys.argv[2], "$defs": schema["$defs"]}
for s in (schema, part):
    errors = sorted(jsonschema.Draft202012Validator(s).iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:5]:
        print(list(e.path), e.message[:300])
    if errors:
        sys.exit(1)
print(len(doc))
"##;

/// Validates `json` (a command's standard output) as `part`; returns false when the validator is
/// missing outside CI.
fn validates(json: &[u8], part: &str) -> bool {
    if !common::have_tool("python3") {
        return false;
    }
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(VALIDATE)
        .arg(schema_path())
        .arg(part)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(json).unwrap();
    let o = child.wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    if o.status.code() == Some(3) {
        if std::env::var_os("CI").is_some() {
            panic!("python3 jsonschema is missing in CI");
        }
        eprintln!("NOTICE: python3 jsonschema not installed; skipping the schema validation");
        return false;
    }
    assert!(
        o.status.success(),
        "{part}: the output does not validate:\n{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    true
}

fn json_of(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON: {e}: {}", String::from_utf8_lossy(&o.stderr)))
}

/// Every file of the corpus, passphrase given and not, plus failures: one array in argument
/// order, an entry per input, error entries for the ones that failed.
#[test]
fn inspect_output_validates_for_the_whole_corpus() {
    let mut files: Vec<PathBuf> = common::manifest().iter().map(|e| e.path()).collect();
    files.extend(common::certificates());
    files.extend(common::certified_ppks().into_iter().map(|(ppk, _)| ppk));
    files.sort();
    let missing = testdata().join("no-such-file");
    let bad = testdata().join("invalid");
    let bad_file = bad.join("openssh-truncated");
    let mut args = files;
    args.insert(3, missing);
    args.push(bad_file);
    // With the passphrase every encrypted file is opened (a KDF each): two key types suffice.
    let few: Vec<PathBuf> = args
        .iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("ed25519.")
                || name.starts_with("ecdsa-256.")
                || !p.exists()
                || p.starts_with(&bad)
        })
        .cloned()
        .collect();
    for (args, passphrase) in [(&args, None), (&few, Some(testdata().join("passphrase")))] {
        let mut c = keyconv();
        c.args(["inspect", "--json"]).args(args.iter());
        c.env_remove("KEYCONV_PASSPHRASE");
        if let Some(p) = &passphrase {
            c.arg("--passphrase-file").arg(p);
        }
        let o = run(&mut c);
        assert_eq!(o.status.code(), Some(1), "some inputs fail");
        let doc = json_of(&o);
        let entries = doc.as_array().unwrap();
        assert_eq!(entries.len(), args.len(), "one entry per input");
        for (entry, arg) in entries.iter().zip(args.iter()) {
            assert_eq!(entry["file"], arg.to_string_lossy().as_ref());
            assert_eq!(entry["schema"], 1);
        }
        let at = args.iter().position(|a| !a.exists()).unwrap();
        assert_eq!(entries[at]["status"], "error");
        assert!(
            entries[at]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("no such file")
        );
        assert_eq!(entries.last().unwrap()["status"], "error");
        let failed = entries.iter().filter(|e| e["status"] == "error").count();
        // Without a passphrase every file still reads (the key stays locked); with the corpus
        // passphrase the files made with another one fail.
        assert!(failed >= 2, "{failed}");
        if !validates(&o.stdout, "inspect_output") {
            return;
        }
    }
}

/// One input is an array of one entry too, and the verdict is the one fips-check gives.
#[test]
fn one_input_is_an_array_and_the_verdict_is_fips_checks() {
    for file in ["rsa-3072.pkcs8-aes128", "ed25519.pub", "dsa-1024.ppk3"] {
        let path = testdata().join(file);
        let inspect = run(keyconv().args(["inspect", "--json"]).arg(&path));
        let fips = run(keyconv().args(["fips-check", "--json"]).arg(&path));
        let (inspect, fips) = (json_of(&inspect), json_of(&fips));
        assert_eq!(inspect.as_array().map(Vec::len), Some(1), "{inspect}");
        assert_eq!(fips.as_array().map(Vec::len), Some(1), "{fips}");
        assert_eq!(inspect[0]["fips"], fips[0]["fips"], "{file}");
        assert_eq!(inspect[0]["format"], fips[0]["format"], "{file}");
    }
}

/// `fips-check --recursive --json` over the corpus (and the invalid files in it): entries for
/// assessed, unreadable and skipped files.
#[test]
fn fips_check_output_validates() {
    let o = run(keyconv()
        .args(["fips-check", "--recursive", "--json"])
        .arg(testdata())
        .arg(testdata().join("no-such-file")));
    assert_eq!(o.status.code(), Some(2));
    let doc = json_of(&o);
    let entries = doc.as_array().unwrap();
    for status in ["ok", "error", "skipped"] {
        assert!(
            entries.iter().any(|e| e["status"] == status),
            "no {status} entry"
        );
    }
    assert_eq!(
        entries.last().unwrap()["file"],
        testdata().join("no-such-file").to_string_lossy().as_ref(),
        "argument order"
    );
    validates(&o.stdout, "fips_check_output");
    let o = run(keyconv()
        .args(["fips-check", "--json", "--passphrase-file"])
        .arg(testdata().join("passphrase"))
        .arg(testdata().join("rsa-2048.pkcs8-aes128"))
        .arg(testdata().join("ed25519.pub")));
    assert_eq!(json_of(&o)[0]["fips"]["key_assessed"], true);
    validates(&o.stdout, "fips_check_output");
}

#[test]
fn authorized_keys_list_output_validates() {
    let dir = tempdir();
    let file = dir.path().join("authorized_keys");
    let mut text = std::fs::read_to_string(testdata().join("authorized_keys")).unwrap();
    text.push_str("restrict,command=\"uptime\" ");
    text.push_str(&std::fs::read_to_string(testdata().join("ed25519.pub")).unwrap());
    text.push_str("not a key line\n");
    std::fs::write(&file, &text).unwrap();
    let o = run(keyconv()
        .args(["authorized-keys", "list", "--json", "--file"])
        .arg(&file));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc = json_of(&o);
    assert_eq!(doc.as_array().map(Vec::len), Some(1));
    let keys = doc[0]["keys"].as_array().unwrap();
    let lines = text.lines().count();
    let last = keys.last().unwrap();
    assert_eq!(last["line"], lines - 1);
    assert_eq!(last["options"], "restrict,command=\"uptime\"");
    assert_eq!(last["type"], "ED25519");
    assert_eq!(doc[0]["unread_lines"][0]["line"], lines);
    // The same keys and fingerprints as the text listing.
    let listed = run(keyconv()
        .args(["authorized-keys", "list", "--file"])
        .arg(&file));
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert_eq!(listed.lines().count(), keys.len());
    for (line, key) in listed.lines().zip(keys) {
        let fingerprint = key["fingerprint_sha256"].as_str().unwrap();
        assert!(
            line.starts_with(&format!("{}: {} {fingerprint} ", key["line"], key["bits"])),
            "{line}"
        );
    }
    validates(&o.stdout, "authorized_keys_output");
    // A missing file: an error entry.
    let o = run(keyconv()
        .args(["authorized-keys", "list", "--json", "--file"])
        .arg(dir.path().join("missing")));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json_of(&o)[0]["status"], "error");
    validates(&o.stdout, "authorized_keys_output");
}

/// The schema rejects what it should: an entry without `schema`, a misspelt verdict.
#[test]
fn the_schema_rejects_wrong_shapes() {
    let o = run(keyconv()
        .args(["fips-check", "--json"])
        .arg(testdata().join("ed25519.pub")));
    let mut doc = json_of(&o);
    if !validates(&o.stdout, "fips_check_output") {
        return;
    }
    doc[0]["fips"]["verdict"] = "compliant-ish".into();
    let broken = serde_json::to_vec(&doc).unwrap();
    let result = std::panic::catch_unwind(|| validates(&broken, "fips_check_output"));
    assert!(result.is_err(), "a wrong verdict validated");
    let mut doc = json_of(&o);
    doc[0].as_object_mut().unwrap().remove("schema");
    let broken = serde_json::to_vec(&doc).unwrap();
    let result = std::panic::catch_unwind(|| validates(&broken, "fips_check_output"));
    assert!(result.is_err(), "an entry without schema validated");
}
