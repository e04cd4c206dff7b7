//! The one JSON shape of `inspect --json`, `fips-check --json` and `authorized-keys list --json`
//! (`schema/keyconv.schema.json`): an array with one entry per input, in argument order; each
//! entry carries the schema version and a `status` saying which kind of entry it is.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use keyconv::error::Error;
use keyconv::key::{FingerprintHash, PublicKey};

use super::Failure;
use super::output::stdout_error;

/// The version of the JSON schema, in every entry's `schema` field. It changes when a field
/// changes meaning or is removed; added fields keep it.
pub(crate) const SCHEMA_VERSION: u64 = 1;

/// An entry for an input that was read: `fields` with `schema`, `status: "ok"` and `file`.
pub(crate) fn ok_entry(file: &str, fields: Value) -> Value {
    let mut entry = head(file, "ok");
    if let Value::Object(fields) = fields {
        entry.extend(fields);
    }
    Value::Object(entry)
}

/// An entry for an input that could not be read: the message (and hint) also printed on
/// standard error.
pub(crate) fn error_entry(file: &str, error: &Error) -> Value {
    let mut entry = head(file, "error");
    entry.insert(
        "error".into(),
        json!({"message": super::message(error), "hint": super::hint(error)}),
    );
    Value::Object(entry)
}

/// An entry for a file met while walking a directory that is not a key file (`fips-check -r`).
pub(crate) fn skipped_entry(file: &str, reason: &str) -> Value {
    let mut entry = head(file, "skipped");
    entry.insert("reason".into(), json!(reason));
    Value::Object(entry)
}

fn head(file: &str, status: &str) -> Map<String, Value> {
    let mut entry = Map::new();
    entry.insert("schema".into(), json!(SCHEMA_VERSION));
    entry.insert("status".into(), json!(status));
    entry.insert("file".into(), json!(file));
    entry
}

/// A public key: type, algorithm, size, comment and both fingerprints; a certificate's fields.
pub(crate) fn key(key: &PublicKey) -> Value {
    let mut value = json!({
        "type": key.data().label(),
        "algorithm": key.data().algorithm(),
        "bits": key.data().bits(),
        "comment": key.comment(),
        "fingerprint_sha256": key.fingerprint(FingerprintHash::Sha256),
        "fingerprint_md5": key.fingerprint(FingerprintHash::Md5),
    });
    if let (Some(cert), Value::Object(map)) = (key.data().certificate(), &mut value) {
        map.insert("certificate".into(), super::certificate::json(&cert));
    }
    value
}

/// The entries as one pretty-printed JSON array, with a final newline.
pub(crate) fn text(entries: Vec<Value>) -> String {
    format!("{:#}\n", Value::Array(entries))
}

/// Prints the entries as one pretty-printed JSON array.
pub(crate) fn print(entries: Vec<Value>) -> Result<(), Failure> {
    let text = text(entries);
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}
