//! `keyconv inspect`: format, keys, protection parameters and the FIPS assessment of each input.

use std::io::{self, Write};

use serde_json::{Value, json};

use keyconv::error::Error;
use keyconv::format::{Format, KeyFile};
use keyconv::key::{FingerprintHash, PublicKey};
use keyconv::protection::{Kdf, KdfLimits, Protection};

use super::Failure;
use super::args::{InspectArgs, PassphraseArgs};
use super::input::{Input, over_inputs};
use super::output::{printable, stdout_error};
use super::{json, unlock, verdict};

/// What `inspect` found in one input.
struct Report {
    assessment: keyconv::fips::Assessment,
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
    let limits = KdfLimits {
        allow_expensive: passphrase.allow_expensive_kdf,
    };
    // inspect never prompts: an encrypted key's public half is shown only when a passphrase is
    // given by file or environment.
    let keys = unlock::public_keys(&file, passphrase, input, limits, unlock::Ask::IfGiven)?;
    let note = (keys.is_empty() && file.is_private())
        .then(|| "the key is inside the encryption: give a passphrase to see it".to_owned());
    let protection = file.protection();
    let assessment = keyconv::fips::assess(&keys, &protection);
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
            "name": "pbkdf2", "prf": prf.name(), "iterations": iterations,
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
            "name": variant.name(), "memory_kib": memory_kib, "passes": passes,
            "parallelism": parallelism, "salt_length": salt_len
        }),
        Kdf::PpkSha1 => json!({"name": "ppk-v2-sha1"}),
        Kdf::OpensslMd5 => json!({"name": "openssl-md5", "iterations": 1}),
        Kdf::SshcomMd5 => json!({"name": "sshcom-md5", "iterations": 1}),
        Kdf::Pbe {
            scheme,
            iterations,
            salt_len,
        } => {
            json!({"name": scheme.name(), "iterations": iterations, "salt_length": salt_len})
        }
        other => json!({"name": other.to_string()}),
    }
}

impl Report {
    fn json(&self) -> Value {
        let protection = match &self.protection {
            Protection::None => json!({"encrypted": false}),
            Protection::Encrypted { scheme, kdf, .. } => json!({
                "encrypted": true, "scheme": scheme.name(),
                "cipher": self.protection.cipher_name(), "kdf": kdf_json(kdf)
            }),
        };
        json::ok_entry(
            &self.name,
            json!({
                "format": self.format.name(),
                "private": self.format.is_private(),
                "keys": self.keys.iter().map(json::key).collect::<Vec<_>>(),
                "protection": protection,
                "note": self.note,
                "fips": verdict::assessment_json(&self.assessment),
            }),
        )
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
        s.push_str(&verdict::assessment_lines(&self.assessment, "    "));
        s
    }
}

pub(crate) fn run(args: &InspectArgs) -> Result<(), Failure> {
    if !args.json {
        let mut reports = Vec::new();
        let result = over_inputs(&args.inputs, |input| {
            reports.push(inspect_one(input, &args.passphrase)?);
            Ok(false)
        });
        let text = reports
            .iter()
            .map(Report::text)
            .collect::<Vec<_>>()
            .join("\n");
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(stdout_error)?;
        return result;
    }
    // JSON: one entry per input in argument order, a failed input as an error entry (its error
    // also on standard error).
    let mut entries = Vec::with_capacity(args.inputs.len());
    let mut failed = false;
    for name in &args.inputs {
        let input = Input::new(name);
        let name = &input.name;
        match inspect_one(&input, &args.passphrase) {
            Ok(report) => entries.push(report.json()),
            Err(Failure::Input(_, e) | Failure::Plain(e)) => {
                super::report(Some(name), &e);
                entries.push(json::error_entry(name, &e));
                failed = true;
            }
            Err(other) => return Err(other),
        }
    }
    json::print(entries)?;
    if failed {
        Err(Failure::Reported(1))
    } else {
        Ok(())
    }
}
