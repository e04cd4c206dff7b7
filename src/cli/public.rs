//! `keyconv public`: the public key of every key in every input, one per line.

use std::io::{self, BufWriter, Write};

use keyconv::format::encode_public;
use keyconv::key::PublicKey;

use super::Failure;
use super::args::PublicArgs;
use super::input::over_inputs;
use super::output::stdout_error;
use super::stream::for_each_key;

pub(crate) fn run(args: &PublicArgs) -> Result<(), Failure> {
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let render = |key: &PublicKey, text: &mut Vec<u8>| {
        text.extend_from_slice(encode_public(key, args.to)?.as_bytes());
        Ok(())
    };
    let result = over_inputs(&args.inputs, |input| {
        for_each_key(input, &args.passphrase, &render, &mut out)
    });
    out.flush().map_err(stdout_error)?;
    result
}
