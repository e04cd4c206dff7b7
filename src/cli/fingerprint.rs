//! `keyconv fingerprint`: what `ssh-keygen -l [-E md5] -f` prints, one line per key.

use std::io::{self, BufWriter, Write};

use keyconv::key::{FingerprintHash, PublicKey};

use super::Failure;
use super::args::FingerprintArgs;
use super::input::over_inputs;
use super::output::{printable, stdout_error};
use super::stream::for_each_key;

pub(crate) fn run(args: &FingerprintArgs) -> Result<(), Failure> {
    let hash = if args.hash == "md5" {
        FingerprintHash::Md5
    } else {
        FingerprintHash::Sha256
    };
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let render = |key: &PublicKey, text: &mut Vec<u8>| {
        text.extend_from_slice(printable(&key.fingerprint_line(hash)).as_bytes());
        text.push(b'\n');
        Ok(())
    };
    let result = over_inputs(&args.inputs, |input| {
        for_each_key(input, &args.passphrase, &render, &mut out)
    });
    out.flush().map_err(stdout_error)?;
    result
}
