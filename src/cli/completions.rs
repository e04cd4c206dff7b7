//! `keyconv completions SHELL`: the shell completion script, made by clap_complete from the
//! command line's own declaration, so it never falls behind it.

use std::io::{self, Write};

use clap::CommandFactory;

use super::Failure;
use super::args::{Cli, CompletionsArgs};
use super::output::stdout_error;

pub(crate) fn run(args: &CompletionsArgs) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "keyconv", &mut script);
    let mut out = io::stdout().lock();
    out.write_all(&script)
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}
