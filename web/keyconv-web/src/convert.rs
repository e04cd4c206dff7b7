//! One conversion as the page asks for it: what `keyconv convert` and `keyconv inspect` do, with
//! the passphrases from the page's fields instead of files, and messages that name the page's
//! controls instead of command-line options.

use std::fmt::Write as _;

use zeroize::Zeroizing;

use keyconv::fips::{Assessment, Compliance, assess, check_output, rule_by_id, verify_output};
use keyconv::format::ppk::{PpkOptions, PpkVersion};
use keyconv::{
    Error, ErrorKind, FingerprintHash, Format, KdfLimits, KeyFile, KeyType, Passphrase, PrivateKey,
    Protection, PublicKey, Target, encode_private, encode_public,
};

/// What the page asks for.
pub struct Request<'a> {
    /// The key file's bytes, as dropped or pasted.
    pub key: &'a [u8],
    /// The passphrase of the key (empty: none).
    pub passphrase: &'a [u8],
    /// The passphrase for the output (empty: the input's passphrase).
    pub new_passphrase: &'a [u8],
    /// The target: a SPEC §1 format name, `ppk-v2` or `pkcs8-fips`.
    pub target: &'a str,
    /// Write the output unencrypted.
    pub unencrypted: bool,
}

/// What the page shows. Where the conversion failed, `error` is set and `output` is empty; the
/// summary fields hold what was learnt before the failure.
#[derive(Default)]
pub struct Outcome {
    /// The converted file.
    pub output: Zeroizing<Vec<u8>>,
    /// Why it failed.
    pub error: Option<String>,
    /// `ssh-keygen -l` lines.
    pub fingerprint: String,
    /// The `inspect` summary.
    pub inspect: String,
    /// The FIPS verdict and findings.
    pub fips: String,
    /// A name for the download.
    pub file_name: String,
}

/// A value of the page's `#target` select: what to write, and whether `--fips` applies.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Choice {
    target: Target,
    fips: bool,
}

impl Choice {
    fn parse(name: &str) -> Option<Choice> {
        let plain = |target| Choice {
            target,
            fips: false,
        };
        match name {
            "ppk-v2" => Some(plain(Target::Ppk(PpkOptions::new(PpkVersion::V2)))),
            "pkcs8-fips" => Some(Choice {
                fips: true,
                ..plain(Target::Pkcs8(Default::default()))
            }),
            other => Format::from_name(other)
                .and_then(Target::default_for)
                .map(plain),
        }
    }

    fn format(&self) -> Format {
        self.target.format()
    }
}

/// Runs `request`.
pub fn convert(request: &Request<'_>) -> Outcome {
    let mut outcome = Outcome::default();
    if let Err(e) = run(request, &mut outcome) {
        outcome.output = Zeroizing::new(Vec::new());
        outcome.error = Some(message(&e));
    }
    outcome
}

fn run(request: &Request<'_>, outcome: &mut Outcome) -> Result<(), Error> {
    let choice = Choice::parse(request.target).ok_or_else(|| {
        Error::new(ErrorKind::InvalidRequest(format!(
            "unknown target {:?}",
            request.target
        )))
    })?;
    if request.key.is_empty() {
        return Err(Error::new(ErrorKind::InvalidRequest(
            "no key: drop a key file, choose one, or paste it".into(),
        )));
    }
    let file = KeyFile::decode(request.key)?;
    let passphrase = (!request.passphrase.is_empty()).then(|| Passphrase::new(request.passphrase));
    let protection = file.protection();
    let mut keys = file.public_keys();

    // The private key, when the target needs it or the public key is inside the encryption.
    let needs_private = choice.format().is_private() || keys.is_empty();
    let key = if file.is_private() && needs_private {
        match unlock(&file, &protection, passphrase.as_ref()) {
            Ok(key) => Some(key),
            Err(e) => {
                summarize(outcome, &file, &protection, &keys);
                return Err(e);
            }
        }
    } else {
        None
    };
    if keys.is_empty()
        && let Some(key) = &key
    {
        keys.push(key.public_key().clone());
    }
    summarize(outcome, &file, &protection, &keys);

    let output = match (&key, choice.format().is_private()) {
        (Some(key), true) => encode(key, &choice, request, passphrase)?,
        (None, true) => {
            return Err(Error::new(ErrorKind::InvalidRequest(format!(
                "the input holds only public keys: {} output needs the private key",
                choice.format().name()
            ))));
        }
        (_, false) => {
            if choice.fips {
                for k in &keys {
                    check_output(k, &choice.target, None, false)?;
                }
            }
            let mut text = String::new();
            for k in &keys {
                text.push_str(&encode_public(k, choice.format())?);
            }
            Zeroizing::new(text.into_bytes())
        }
    };
    outcome.output = output;
    outcome.file_name = file_name(keys.first(), choice.format());
    Ok(())
}

fn unlock(
    file: &KeyFile,
    protection: &Protection,
    passphrase: Option<&Passphrase>,
) -> Result<PrivateKey, Error> {
    let limits = KdfLimits::default();
    if let Protection::Encrypted { kdf, .. } = protection {
        // A KDF bomb is refused before any work, as on the command line.
        limits.check_kdf(kdf)?;
        let Some(passphrase) = passphrase else {
            return Err(Error::new(ErrorKind::PassphraseRequired));
        };
        file.private_key(Some(passphrase), &limits)
    } else {
        file.private_key(None, &limits)
    }
}

fn encode(
    key: &PrivateKey,
    choice: &Choice,
    request: &Request<'_>,
    input_passphrase: Option<Passphrase>,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    // As `keyconv convert`: the output is protected with the input's passphrase unless a new one
    // is given, or the output is asked for unencrypted.
    let passphrase = if request.unencrypted {
        None
    } else if !request.new_passphrase.is_empty() {
        Some(Passphrase::new(request.new_passphrase))
    } else {
        input_passphrase
    };
    // `convert --fips` (not --strict): the library's policy before and after encoding.
    if choice.fips {
        check_output(key.public_key(), &choice.target, passphrase.as_ref(), false)?;
    }
    let data = encode_private(key, &choice.target, passphrase.as_ref())?;
    if choice.fips {
        verify_output(&data, key.public_key(), false)?;
    }
    Ok(data)
}

fn citation(rule: &str) -> &'static str {
    rule_by_id(rule).map_or("-", |r| r.citation)
}

/// Fills the fingerprint, inspect and FIPS fields, as `keyconv fingerprint` and `inspect` print.
fn summarize(outcome: &mut Outcome, file: &KeyFile, protection: &Protection, keys: &[PublicKey]) {
    let assessment = assess(keys, protection);
    outcome.fingerprint = keys
        .iter()
        .map(|k| k.fingerprint_line(FingerprintHash::Sha256))
        .collect();
    let mut s = format!("format:      {}\n", file.format().name());
    for key in keys {
        let kind = match key.key_type() {
            Some(t) => t.to_string(),
            None => key.data().algorithm().to_owned(),
        };
        let comment = match key.comment() {
            "" => "(none)",
            c => c,
        };
        let _ = writeln!(s, "key:         {kind}, {} bits", key.data().bits());
        let _ = writeln!(s, "comment:     {comment}");
        let _ = writeln!(
            s,
            "fingerprint: {}",
            key.fingerprint(FingerprintHash::Sha256)
        );
        let _ = writeln!(s, "             {}", key.fingerprint(FingerprintHash::Md5));
    }
    if keys.is_empty() {
        s.push_str(
            "key:         unknown (the key is inside the encryption: give its passphrase)\n",
        );
    }
    if file.format().is_private() {
        let _ = writeln!(s, "protection:  {protection}");
    }
    outcome.inspect = s;
    outcome.fips = fips_lines(&assessment);
}

fn fips_lines(a: &Assessment) -> String {
    let verdict = match a.compliance(false) {
        Compliance::Compliant => "compliant",
        Compliance::NonCompliant => "non-compliant",
    };
    let mut s = format!("{verdict}\n");
    for f in &a.findings {
        let _ = writeln!(
            s,
            "  {:<13} {:<18} {} ({})",
            f.verdict.name(),
            f.rule,
            f.detail,
            citation(f.rule)
        );
    }
    if !a.key_assessed {
        s.push_str(
            "  not-assessed  key-*              the key is encrypted: give its passphrase\n",
        );
    }
    s
}

fn file_name(key: Option<&PublicKey>, format: Format) -> String {
    let stem = match key.and_then(PublicKey::key_type) {
        Some(KeyType::Rsa) => "id_rsa",
        Some(KeyType::Dsa) => "id_dsa",
        Some(KeyType::Ecdsa(_)) => "id_ecdsa",
        Some(KeyType::Ed25519) => "id_ed25519",
        Some(KeyType::Ed448) => "id_ed448",
        _ => "key",
    };
    let suffix = match format {
        Format::Ppk => ".ppk",
        Format::Pkcs8 | Format::Pem => ".pem",
        Format::Public => ".pub",
        Format::Rfc4716 => "_rfc4716.pub",
        Format::Spki => "_spki.pem",
        // OpenSSH (id_ed25519, as ssh-keygen names it), and formats keyconv only reads.
        _ => "",
    };
    format!("{stem}{suffix}")
}

/// The error as the page shows it: the message, and what to do about it in the page's terms.
fn message(e: &Error) -> String {
    match e.kind() {
        ErrorKind::PassphraseRequired => "the key is encrypted: enter its passphrase".to_owned(),
        ErrorKind::KdfTooExpensive { .. } => format!(
            "{e}\nThe page refuses such files; if you trust this one, use the keyconv command line with --allow-expensive-kdf."
        ),
        _ => match e.hint() {
            Some(hint) => format!("{e}\n{hint}"),
            None => e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_the_select_values() {
        for (name, format, fips) in [
            ("openssh", Format::OpenSsh, false),
            ("ppk", Format::Ppk, false),
            ("ppk-v2", Format::Ppk, false),
            ("pkcs8", Format::Pkcs8, false),
            ("pkcs8-fips", Format::Pkcs8, true),
            ("public", Format::Public, false),
            ("rfc4716", Format::Rfc4716, false),
        ] {
            let choice = Choice::parse(name).unwrap();
            assert_eq!((choice.format(), choice.fips), (format, fips), "{name}");
        }
        let version = |name| match Choice::parse(name).map(|c| c.target) {
            Some(Target::Ppk(o)) => Some(o.version()),
            _ => None,
        };
        assert_eq!(version("ppk"), Some(PpkVersion::V3));
        assert_eq!(version("ppk-v2"), Some(PpkVersion::V2));
        assert_eq!(Choice::parse("ppk-v4"), None);
    }

    const PPK: &[u8] = include_bytes!("../../../testdata/ed25519.ppk3-argon2id");
    const PUB: &str = include_str!("../../../testdata/ed25519.pub");

    fn request<'a>(key: &'a [u8], passphrase: &'a [u8], target: &'a str) -> Request<'a> {
        Request {
            key,
            passphrase,
            new_passphrase: b"",
            target,
            unencrypted: true,
        }
    }

    #[test]
    fn an_encrypted_ppk_converts_and_is_summarized() {
        let out = convert(&request(PPK, b"correct horse battery", "openssh"));
        assert_eq!(out.error, None);
        let written = KeyFile::decode(&out.output).unwrap();
        assert_eq!(written.format(), Format::OpenSsh);
        assert!(!written.protection().is_encrypted());
        let key = written.private_key(None, &KdfLimits::default()).unwrap();
        let line = encode_public(key.public_key(), Format::Public).unwrap();
        assert_eq!(line, PUB);
        assert!(out.fingerprint.starts_with("256 SHA256:"));
        assert!(out.inspect.contains("format:      ppk"));
        assert!(out.fips.starts_with("non-compliant"));
        assert_eq!(out.file_name, "id_ed25519");
    }

    #[test]
    fn failures_fill_the_error_and_leave_no_output() {
        let wrong = convert(&request(PPK, b"wrong", "openssh"));
        assert!(wrong.output.is_empty());
        assert!(wrong.error.unwrap().contains("passphrase"));
        // The summary still says what the file is.
        assert!(wrong.inspect.contains("format:      ppk"));
        let none = convert(&request(PPK, b"", "ppk-v2"));
        assert_eq!(
            none.error.as_deref(),
            Some("the key is encrypted: enter its passphrase")
        );
        let public = convert(&request(PUB.as_bytes(), b"", "pkcs8"));
        assert!(public.error.unwrap().contains("only public keys"));
    }
}
