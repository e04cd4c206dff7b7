//! `keyconv public`, `fingerprint` and `inspect`: commands that print what inputs hold.

use std::io::{self, BufRead, BufWriter, Read, Write};

use serde_json::{Value, json};

use crate::error::{Error, ErrorKind};
use crate::format::{Format, KeyFile, encode_public, public};
use crate::key::{FingerprintHash, PublicKey};
use crate::protection::{Kdf, KdfLimits, Protection};

use super::Failure;
use super::args::{FingerprintArgs, InspectArgs, PassphraseArgs, PublicArgs};
use super::convert::unlock;
use super::input::{Contents, Input, io_error};
use super::output::{printable, stdout_error};
use super::report;

/// Calls `each` with every public key of `input`. A file of one-line public keys too large to
/// hold is streamed line by line, so memory stays flat; a bad line there is reported and skipped.
/// Returns whether some line was bad.
fn for_each_key(
    input: &Input,
    passphrase: &PassphraseArgs,
    each: &mut dyn FnMut(&PublicKey) -> Result<(), Failure>,
) -> Result<bool, Failure> {
    let on_input = |e: Error| Failure::Input(input.name.clone(), e);
    let limits = KdfLimits {
        allow_expensive: passphrase.allow_expensive_kdf,
    };
    match input.read().map_err(on_input)? {
        Contents::Whole(bytes) => {
            let file = KeyFile::decode(&bytes).map_err(on_input)?;
            let mut keys = file.public_keys();
            if keys.is_empty() && file.is_private() {
                let (key, _) = unlock(&file, passphrase, input, limits)?;
                keys.push(key.public_key().clone());
            }
            for key in &keys {
                each(key)?;
            }
            Ok(false)
        }
        Contents::Large(head, rest) => {
            let start = head.iter().rposition(|&b| b == b'\n').unwrap_or(head.len());
            if Format::detect(head.get(..start).unwrap_or_default()).ok() != Some(Format::Public) {
                return Err(on_input(Error::new(ErrorKind::Io(
                    "too large for a key file, and not a file of one-line public keys".into(),
                ))));
            }
            stream_lines(input, io::Cursor::new(head).chain(rest), each)
        }
    }
}

fn stream_lines(
    input: &Input,
    mut reader: impl BufRead,
    each: &mut dyn FnMut(&PublicKey) -> Result<(), Failure>,
) -> Result<bool, Failure> {
    let read_error = |e| Failure::Input(input.name.clone(), io_error("cannot read", e));
    let mut line = Vec::with_capacity(4096);
    let mut number = 0usize;
    let mut bad = false;
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(read_error)?;
        if n == 0 {
            return Ok(bad);
        }
        number += 1;
        if line.len() > MAX_LINE && line.last() != Some(&b'\n') {
            // Memory stays flat however long a line is: the rest of it is skipped unread.
            skip_line(&mut reader).map_err(read_error)?;
            bad = true;
            let e = Error::malformed(Format::Public, "line is longer than 1 MiB");
            report(Some(&format!("{}:{number}", input.name)), &e);
            continue;
        }
        let mut bytes = line.as_slice();
        if number == 1 {
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        let parsed = std::str::from_utf8(bytes)
            .map_err(|_| Error::malformed(Format::Public, "line is not UTF-8"))
            .and_then(|text| public::decode_line(text.trim_end_matches(['\n', '\r'])));
        match parsed {
            Ok(Some(key)) => each(&key)?,
            Ok(None) => {}
            Err(e) => {
                bad = true;
                report(Some(&format!("{}:{number}", input.name)), &e);
            }
        }
    }
}

/// The longest line of a streamed public key file (an RSA-16384 key line is under 3 KiB).
const MAX_LINE: usize = 1 << 20;

/// Consumes the rest of the current line, up to and including its `\n`.
fn skip_line(reader: &mut impl BufRead) -> io::Result<()> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let len = buf.len();
                reader.consume(len);
            }
        }
    }
}

/// Runs `each_input` over every input, reporting failures and going on; exit 1 if any failed.
fn over_inputs(
    inputs: &[String],
    mut each_input: impl FnMut(&Input) -> Result<bool, Failure>,
) -> Result<(), Failure> {
    let mut failed = false;
    for name in inputs {
        match each_input(&Input::new(name)) {
            Ok(bad_lines) => failed |= bad_lines,
            Err(Failure::Input(name, e)) => {
                report(Some(&name), &e);
                failed = true;
            }
            Err(Failure::Plain(e)) => {
                report(Some(name), &e);
                failed = true;
            }
            Err(other) => return Err(other),
        }
    }
    if failed {
        Err(Failure::Reported(1))
    } else {
        Ok(())
    }
}

pub(crate) fn public(args: &PublicArgs) -> Result<(), Failure> {
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let result = over_inputs(&args.inputs, |input| {
        for_each_key(input, &args.passphrase, &mut |key| {
            let text =
                encode_public(key, args.to).map_err(|e| Failure::Input(input.name.clone(), e))?;
            out.write_all(text.as_bytes()).map_err(stdout_error)
        })
    });
    out.flush().map_err(stdout_error)?;
    result
}

pub(crate) fn fingerprint(args: &FingerprintArgs) -> Result<(), Failure> {
    let hash = if args.hash == "md5" {
        FingerprintHash::Md5
    } else {
        FingerprintHash::Sha256
    };
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let result = over_inputs(&args.inputs, |input| {
        for_each_key(input, &args.passphrase, &mut |key| {
            let mut line = printable(&key.fingerprint_line(hash)).into_owned();
            line.push('\n');
            out.write_all(line.as_bytes()).map_err(stdout_error)
        })
    });
    out.flush().map_err(stdout_error)?;
    result
}

/// What `inspect` found in one input.
struct Report {
    assessment: crate::fips::Assessment,
    name: String,
    format: Format,
    protection: Protection,
    keys: Vec<PublicKey>,
    /// Why `keys` is empty, when it is.
    note: Option<String>,
}

fn inspect_one(input: &Input, passphrase: &PassphraseArgs) -> Result<Report, Failure> {
    let on_input = |e: Error| Failure::Input(input.name.clone(), e);
    let bytes = input.read_key_file().map_err(on_input)?;
    let file = KeyFile::decode(&bytes).map_err(on_input)?;
    let mut keys = file.public_keys();
    let mut note = None;
    if keys.is_empty() && file.is_private() {
        let has_passphrase = passphrase.passphrase_file.is_some()
            || std::env::var_os("KEYCONV_PASSPHRASE").is_some();
        if has_passphrase {
            let limits = KdfLimits {
                allow_expensive: passphrase.allow_expensive_kdf,
            };
            let (key, _) = unlock(&file, passphrase, input, limits)?;
            keys.push(key.public_key().clone());
        } else {
            note = Some("the key is inside the encryption: give a passphrase to see it".to_owned());
        }
    }
    let protection = file.protection();
    let assessment = crate::fips::assess(&keys, &protection);
    Ok(Report {
        assessment,
        name: input.name.clone(),
        format: file.format(),
        protection,
        keys,
        note,
    })
}

fn kdf_json(kdf: &Kdf) -> Value {
    match kdf {
        Kdf::Bcrypt { rounds, salt_len } => {
            json!({"name": "bcrypt-pbkdf", "rounds": rounds, "salt_length": salt_len})
        }
        Kdf::Pbkdf2 {
            prf,
            iterations,
            salt_len,
            key_len,
        } => json!({
            "name": "pbkdf2", "prf": prf, "iterations": iterations,
            "salt_length": salt_len, "key_length": key_len
        }),
        Kdf::Scrypt {
            log_n,
            r,
            p,
            salt_len,
        } => json!({
            "name": "scrypt", "n": 1u64 << (*log_n).min(63), "r": r, "p": p, "salt_length": salt_len
        }),
        Kdf::Argon2 {
            variant,
            memory_kib,
            passes,
            parallelism,
            salt_len,
        } => json!({
            "name": variant, "memory_kib": memory_kib, "passes": passes,
            "parallelism": parallelism, "salt_length": salt_len
        }),
        Kdf::PpkSha1 => json!({"name": "ppk-v2-sha1"}),
        Kdf::OpensslMd5 => json!({"name": "openssl-md5", "iterations": 1}),
        Kdf::Pbe {
            scheme,
            iterations,
            salt_len,
        } => {
            json!({"name": scheme, "iterations": iterations, "salt_length": salt_len})
        }
    }
}

fn key_json(key: &PublicKey) -> Value {
    json!({
        "type": key.data().label(),
        "algorithm": key.data().algorithm(),
        "bits": key.data().bits(),
        "comment": key.comment(),
        "fingerprint_sha256": key.fingerprint(FingerprintHash::Sha256),
        "fingerprint_md5": key.fingerprint(FingerprintHash::Md5),
    })
}

impl Report {
    fn json(&self) -> Value {
        let protection = match &self.protection {
            Protection::None => json!({"encrypted": false}),
            Protection::Encrypted {
                scheme,
                cipher,
                kdf,
            } => json!({
                "encrypted": true, "scheme": scheme, "cipher": cipher, "kdf": kdf_json(kdf)
            }),
        };
        let mut v = json!({
            "file": self.name,
            "format": self.format.name(),
            "private": self.format.is_private(),
            "keys": self.keys.iter().map(key_json).collect::<Vec<_>>(),
            "protection": protection,
        });
        if let Some(map) = v.as_object_mut() {
            if let Some(note) = &self.note {
                map.insert("note".into(), json!(note));
            }
            map.insert(
                "fips".into(),
                super::fips::assessment_json(&self.assessment),
            );
        }
        v
    }

    fn text(&self) -> String {
        let mut s = format!(
            "{}:\n  format:      {}\n",
            printable(&self.name),
            self.format.name()
        );
        for key in &self.keys {
            let kind = match key.key_type() {
                Some(t) => format!("{t}"),
                None => key.data().algorithm().to_owned(),
            };
            s.push_str(&format!(
                "  key:         {kind}, {} bits\n",
                key.data().bits()
            ));
            let comment = if key.comment().is_empty() {
                "(none)"
            } else {
                key.comment()
            };
            s.push_str(&format!("  comment:     {}\n", printable(comment)));
            s.push_str(&format!(
                "  fingerprint: {}\n",
                key.fingerprint(FingerprintHash::Sha256)
            ));
            s.push_str(&format!(
                "               {}\n",
                key.fingerprint(FingerprintHash::Md5)
            ));
        }
        if let Some(note) = &self.note {
            s.push_str(&format!("  key:         unknown ({note})\n"));
        }
        if self.format.is_private() {
            s.push_str(&format!("  protection:  {}\n", self.protection));
        }
        s.push_str(&format!(
            "  fips:        {}\n",
            self.assessment.compliance(false)
        ));
        s.push_str(&super::fips::assessment_lines(&self.assessment, "    "));
        s
    }
}

pub(crate) fn inspect(args: &InspectArgs) -> Result<(), Failure> {
    let mut reports = Vec::new();
    let result = over_inputs(&args.inputs, |input| {
        reports.push(inspect_one(input, &args.passphrase)?);
        Ok(false)
    });
    let text = if args.json {
        let docs: Vec<Value> = reports.iter().map(Report::json).collect();
        let doc = match <[Value; 1]>::try_from(docs) {
            Ok([one]) if args.inputs.len() == 1 => one,
            Ok([one]) => Value::Array(vec![one]),
            Err(many) => Value::Array(many),
        };
        format!("{doc:#}\n")
    } else {
        reports
            .iter()
            .map(Report::text)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(stdout_error)?;
    result
}
