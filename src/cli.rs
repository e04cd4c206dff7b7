//! The `keyconv` command line (SPEC §2). `src/main.rs` only calls [`main`].

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use keyconv::error::{Error, ErrorKind};

/// `eprintln!` that ignores a closed standard error instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use say;

mod agent;
mod args;
mod authorized_keys;
mod certificate;
mod completions;
mod convert;
mod edit;
mod fingerprint;
mod fips_check;
mod fips_fix;
mod fips_policy;
mod generate;
mod in_place;
mod input;
mod inspect;
mod json;
mod man;
mod output;
mod platform;
mod protect;
mod public;
#[cfg(unix)]
mod safe_fs;
#[cfg(windows)]
#[path = "cli/safe_fs_windows.rs"]
mod safe_fs;
mod stream;
mod unlock;
mod verdict;

use args::{Cli, Command};

/// Why a command did not succeed.
pub(crate) enum Failure {
    /// A usage error (exit 2).
    Usage(String),
    /// An error about one input (exit 1).
    Input(String, Error),
    /// An error about no input in particular (exit 1).
    Plain(Error),
    /// Errors were already reported; exit with this status.
    Reported(u8),
    /// Standard output was closed: end quietly.
    BrokenPipe,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e.kind() {
            ErrorKind::InvalidRequest(what) => Failure::Usage(what.clone()),
            _ => Failure::Plain(e),
        }
    }
}

/// A library error as the command line tells it: the library's message, except where the CLI
/// has the words to act on (the library never names a flag or a variable).
pub(crate) fn message(error: &Error) -> String {
    match error.kind() {
        ErrorKind::PassphraseRequired => {
            "key is encrypted: give --passphrase-file FILE or set KEYCONV_PASSPHRASE".into()
        }
        _ => error.to_string(),
    }
}

/// The `hint:` line for a library error: the library's own, else the CLI's advice for its kind.
pub(crate) fn hint(error: &Error) -> Option<&str> {
    error.hint().or(match error.kind() {
        ErrorKind::KdfTooExpensive { .. } => {
            Some("if you trust this file, pass --allow-expensive-kdf")
        }
        _ => None,
    })
}

/// Prints `keyconv: INPUT: message` and an optional `hint:` line.
pub(crate) fn report(input: Option<&str>, error: &Error) {
    let mut err = io::stderr().lock();
    let message = message(error);
    let message = output::printable(&message);
    let _ = match input {
        Some(name) => writeln!(err, "keyconv: {}: {message}", output::printable(name)),
        None => writeln!(err, "keyconv: {message}"),
    };
    if let Some(hint) = hint(error) {
        let _ = writeln!(err, "hint: {}", output::printable(hint));
    }
}

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Convert(args) => convert::run(&args),
        Command::Public(args) => public::run(&args),
        Command::Fingerprint(args) => fingerprint::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::FipsCheck(args) => fips_check::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::AuthorizedKeys(args) => authorized_keys::run(&args),
        Command::Edit(args) => edit::run(&args),
        Command::Agent(args) => agent::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man => man::run(),
    };
    match result {
        Ok(()) | Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Usage(what)) => {
            let _ = writeln!(io::stderr(), "keyconv: {what}");
            ExitCode::from(2)
        }
        Err(Failure::Input(name, error)) => {
            report(Some(&name), &error);
            ExitCode::from(1)
        }
        Err(Failure::Plain(error)) => {
            report(None, &error);
            ExitCode::from(1)
        }
        Err(Failure::Reported(code)) => ExitCode::from(code),
    }
}
