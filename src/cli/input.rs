//! Reading inputs and passphrases.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use keyconv::MAX_KEY_FILE;
use keyconv::error::{Error, ErrorKind, Result};
use keyconv::passphrase::Passphrase;

use super::args::{NewPassphraseArgs, PassphraseArgs};
use super::{Failure, report};

/// An input named on the command line: a path or `-`.
pub struct Input {
    /// For messages (lossy where the path is not UTF-8; escaped when printed).
    pub name: String,
    /// The file itself, kept as the operating system named it (`None` for standard input).
    path: Option<PathBuf>,
}

/// What an input holds: a whole (small) file, or a stream of lines too large to hold.
pub enum Contents {
    Whole(Vec<u8>),
    /// The start that was read, then the rest of the stream.
    Large(Vec<u8>, Box<dyn BufRead>),
}

impl Input {
    /// An input named on the command line, kept as the operating system gave it (`-` is
    /// standard input).
    pub fn new(name: impl AsRef<OsStr>) -> Input {
        let name = name.as_ref();
        Input {
            name: name.to_string_lossy().into_owned(),
            path: (name != "-").then(|| PathBuf::from(name)),
        }
    }

    /// A file found by a directory walk: its name is kept as an `OsStr`, so a name that is not
    /// UTF-8 still opens.
    pub fn from_path(path: &Path) -> Input {
        Input {
            name: path.to_string_lossy().into_owned(),
            path: Some(path.to_path_buf()),
        }
    }

    pub fn is_stdin(&self) -> bool {
        self.path.is_none()
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn open(&self) -> Result<Box<dyn BufRead>> {
        let Some(path) = &self.path else {
            return Ok(Box::new(BufReader::with_capacity(1 << 16, io::stdin())));
        };
        let file = File::open(path).map_err(|e| io_error("cannot open", e))?;
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return Err(Error::new(ErrorKind::Io("is a directory".into())));
        }
        Ok(Box::new(BufReader::with_capacity(1 << 16, file)))
    }

    /// Reads the input: whole when it is at most [`MAX_KEY_FILE`] bytes, else as a stream.
    pub fn read(&self) -> Result<Contents> {
        let mut reader = self.open()?;
        let mut head = Vec::new();
        (&mut reader)
            .take(MAX_KEY_FILE as u64 + 1)
            .read_to_end(&mut head)
            .map_err(|e| io_error("cannot read", e))?;
        if head.len() <= MAX_KEY_FILE {
            Ok(Contents::Whole(head))
        } else {
            Ok(Contents::Large(head, reader))
        }
    }

    /// Reads the whole input, refusing one larger than a key file can be.
    pub fn read_key_file(&self) -> Result<Vec<u8>> {
        match self.read()? {
            Contents::Whole(bytes) => Ok(bytes),
            Contents::Large(..) => Err(Error::new(ErrorKind::Io(format!(
                "larger than {} MiB: not a key file",
                MAX_KEY_FILE >> 20
            )))),
        }
    }
}

pub fn io_error(what: &str, e: io::Error) -> Error {
    let reason = match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::StorageFull => "no space left on device".to_owned(),
        _ => {
            // "Read-only file system (os error 30)" → "read-only file system"
            let text = e.to_string().to_lowercase();
            match text.split_once(" (os error ") {
                Some((reason, _)) => reason.to_owned(),
                None => text,
            }
        }
    };
    Error::new(ErrorKind::Io(format!("{what}: {reason}")))
}

/// Reads a passphrase file: its content, less one trailing `\n` or `\r\n`.
fn read_passphrase_file(path: &Path) -> Result<Passphrase> {
    // Room for the whole (capped) file up front: a growing Vec would leave copies of the
    // passphrase behind in the buffers it frees.
    // A larger file is an error, never cut short: a file sharing the first 64 KiB with the
    // real one must not open the key.
    const MAX: usize = 1 << 16;
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX + 1));
    let shown = super::output::shown(path);
    File::open(path)
        .and_then(|f| f.take(MAX as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| io_error(&format!("cannot read passphrase file {shown}"), e))?;
    if bytes.len() > MAX {
        return Err(Error::new(ErrorKind::Io(format!(
            "passphrase file {shown} is larger than {} KiB: not a passphrase",
            MAX >> 10
        ))));
    }
    let end = if bytes.ends_with(b"\r\n") {
        bytes.len() - 2
    } else if bytes.ends_with(b"\n") {
        bytes.len() - 1
    } else {
        bytes.len()
    };
    Ok(Passphrase::new(bytes.get(..end).unwrap_or_default()))
}

fn from_env(name: &str) -> Result<Option<Passphrase>> {
    match std::env::var_os(name) {
        None => Ok(None),
        Some(value) => match super::platform::env_bytes(value) {
            Some(bytes) => Ok(Some(Passphrase::new(bytes))),
            None => Err(Error::new(ErrorKind::Io(format!(
                "{name} is not valid Unicode"
            )))),
        },
    }
}

/// The passphrase for reading `input`: `--passphrase-file`, else `KEYCONV_PASSPHRASE`, else a
/// prompt on the controlling terminal when someone is there to answer it
/// ([`can_prompt`]), else `None`.
pub fn passphrase(args: &PassphraseArgs, input: &Input) -> Result<Option<Passphrase>> {
    if let Some(path) = &args.passphrase_file {
        return read_passphrase_file(path).map(Some);
    }
    if let Some(p) = from_env("KEYCONV_PASSPHRASE")? {
        return Ok(Some(p));
    }
    if can_prompt(input) {
        let name = if input.is_stdin() {
            "standard input"
        } else {
            &input.name
        };
        return prompt(&format!("Enter passphrase for {name}: ")).map(Some);
    }
    Ok(None)
}

/// Whether a passphrase prompt can be answered. The prompt reads the controlling terminal
/// (`/dev/tty`), not standard input, so it works when the key itself comes from standard input
/// (`cat key | keyconv convert - …`), as ssh-keygen's and puttygen's prompts do. Standard input
/// or standard error must be a terminal too (someone is watching): a run whose standard input
/// and error both go elsewhere (a script, a test harness) never waits for an answer.
fn can_prompt(input: &Input) -> bool {
    #[cfg(unix)]
    {
        let watched = io::stdin().is_terminal() || io::stderr().is_terminal();
        let _ = input;
        watched
            && std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/tty")
                .is_ok()
    }
    #[cfg(not(unix))]
    {
        // The console prompt (CONIN$) is what works there; standard input as the key is not
        // distinguished from it.
        io::stdin().is_terminal() && !input.is_stdin()
    }
}

/// Asks for a passphrase on the terminal (rpassword reads `/dev/tty` with echo off; on Windows
/// the console, `CONIN$`, with echo off). The answer
/// is moved, not copied, into a [`Passphrase`], so the only copy is zeroized when dropped.
fn prompt(text: &str) -> Result<Passphrase> {
    let mut answer = Zeroizing::new(
        rpassword::prompt_password(text)
            .map_err(|e| io_error("cannot read the passphrase from the terminal", e))?,
    );
    Ok(Passphrase::new(std::mem::take(&mut *answer).into_bytes()))
}

/// `--ask-new-passphrase` (and `generate` on a terminal): the new passphrase, typed twice on the
/// terminal.
pub(crate) fn ask_new_passphrase() -> Result<Passphrase> {
    if !io::stdin().is_terminal() {
        return Err(Error::new(ErrorKind::Io(
            "--ask-new-passphrase needs a terminal".into(),
        ))
        .with_hint("give --new-passphrase-file FILE or set KEYCONV_NEW_PASSPHRASE"));
    }
    let first = prompt("Enter new passphrase (empty for none): ")?;
    let again = prompt("Enter the same passphrase again: ")?;
    if first.as_bytes() != again.as_bytes() {
        return Err(
            Error::new(ErrorKind::Io("the new passphrases do not match".into()))
                .with_hint("run the command again and type the same passphrase twice"),
        );
    }
    Ok(first)
}

/// The passphrase for the output, when one is given explicitly: `Some(None)` means
/// `--no-passphrase`, `None` means "not said" (the caller keeps the input's).
pub fn new_passphrase(args: &NewPassphraseArgs) -> Result<Option<Option<Passphrase>>> {
    if args.no_passphrase {
        return Ok(Some(None));
    }
    if let Some(path) = &args.new_passphrase_file {
        return read_passphrase_file(path).map(|p| Some(Some(p)));
    }
    if args.ask_new_passphrase {
        return ask_new_passphrase().map(|p| Some(Some(p)));
    }
    Ok(from_env("KEYCONV_NEW_PASSPHRASE")?.map(Some))
}

/// Paths that name the same file (also through symlinks or hard links).
pub fn same_file(a: &Path, b: &Path) -> bool {
    super::platform::same_file(a, b)
}

/// Runs `each_input` over every input, reporting failures and going on; exit 1 if any failed.
pub(crate) fn over_inputs(
    inputs: &[OsString],
    mut each_input: impl FnMut(&Input) -> Result<bool, Failure>,
) -> Result<(), Failure> {
    let mut failed = false;
    for name in inputs {
        let input = Input::new(name);
        let name = &input.name;
        match each_input(&input) {
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
