//! `keyconv convert`.

use std::io::Write;

use zeroize::Zeroizing;

use keyconv::error::{Error, ErrorKind};
use keyconv::format::{Format, KeyFile, Target, encode_private, encode_public};
use keyconv::protection::KdfLimits;

use super::Failure;
use super::args::ConvertArgs;
use super::fips_policy;
use super::input::{self, Input};
use super::output::{self, PRIVATE_MODE, PUBLIC_MODE};
use super::protect;
use super::unlock;

pub(crate) fn run(args: &ConvertArgs) -> Result<(), Failure> {
    let input = Input::new(&args.input);
    let on_input = |e: Error| Failure::Input(input.name.clone(), e);
    let format = args.to;
    if args.comment.is_some() && !format.holds_comment() {
        // SPEC §1: the input's comment is dropped silently, an explicit one is a usage error.
        let holding: Vec<&str> = Format::ALL
            .iter()
            .filter(|f| f.holds_comment())
            .map(|f| f.name())
            .collect();
        return Err(Failure::Usage(format!(
            "--comment: {} files have no comment field (the formats with one: {})",
            format.name(),
            holding.join(", ")
        )));
    }
    // `-o -` is standard output.
    let output = args.output.as_ref().filter(|p| p.as_os_str() != "-");
    if let Some(out) = output {
        if input
            .path()
            .is_some_and(|p| input::same_file(p, out) || p == out.as_path())
        {
            return Err(on_input(Error::new(ErrorKind::Io(
                "the output file is the input file: write to another file".into(),
            ))));
        }
        if !args.force && std::fs::symlink_metadata(out).is_ok() {
            return Err(Failure::Plain(Error::new(ErrorKind::Io(format!(
                "{} exists: give --force to overwrite it",
                output::shown(out)
            )))));
        }
    }
    let bytes = input.read_key_file().map_err(on_input)?;
    let file = KeyFile::decode(&bytes).map_err(on_input)?;
    let limits = KdfLimits {
        allow_expensive: args.passphrase.allow_expensive_kdf,
    };

    let (data, mode) = if format.is_private() {
        if !file.is_private() {
            return Err(on_input(Error::new(ErrorKind::InvalidRequest(format!(
                "holds only public keys: {} output needs the private key",
                format.name()
            )))));
        }
        let (mut key, input_passphrase) =
            unlock::private_key(&file, &args.passphrase, &input, limits)?;
        if let Some(comment) = &args.comment {
            key.set_comment(comment.as_str());
        }
        let passphrase = match input::new_passphrase(&args.new_passphrase)? {
            Some(explicit) => explicit,
            None => input_passphrase,
        };
        let mut target = protect::target(format, &args.protection, passphrase.as_ref())?;
        protect::check_write_limits(&mut target, passphrase.as_ref(), limits)?;
        if args.fips {
            fips_policy::preflight(
                &input.name,
                key.public_key(),
                &target,
                passphrase.as_ref(),
                args.strict,
            )
            .map_err(on_input)?;
        }
        let data = encode_private(&key, &target, passphrase.as_ref()).map_err(on_input)?;
        if args.fips {
            fips_policy::verify_output(&data, key.public_key(), args.strict).map_err(on_input)?;
        }
        (data, PRIVATE_MODE)
    } else {
        protect::refuse_protection_args(args, format)?;
        let keys = unlock::public_keys(&file, &args.passphrase, &input, limits, unlock::Ask::Yes)?;
        if args.fips {
            for key in &keys {
                fips_policy::preflight(&input.name, key, &Target::Public, None, args.strict)
                    .map_err(on_input)?;
            }
        }
        let mut text = String::new();
        for mut key in keys {
            if let Some(comment) = &args.comment {
                key.set_comment(comment.as_str());
            }
            text.push_str(&encode_public(&key, format).map_err(on_input)?);
        }
        (Zeroizing::new(text.into_bytes()), PUBLIC_MODE)
    };

    match output {
        Some(path) => output::write_file(path, &data, mode, args.force).map_err(Failure::Plain),
        None => {
            let mut out = std::io::stdout().lock();
            output::write_stdout(&mut out, &data)?;
            out.flush().map_err(output::stdout_error)
        }
    }
}
