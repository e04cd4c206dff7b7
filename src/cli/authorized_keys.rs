//! `keyconv authorized-keys add|list|remove`: edit an OpenSSH `authorized_keys` file safely.
//!
//! Decisions:
//! - The file is `--file PATH`, else `$HOME/.ssh/authorized_keys`. A symbolic link is followed:
//!   the file it points to is edited, the link stays.
//! - Every line keyconv does not add or remove is kept byte for byte: comments, blank lines,
//!   options, line endings, and lines that are not keys at all (`list` mentions those on
//!   standard error). A file without a final newline gets one before the added lines; added
//!   lines end in `\r\n` when the file's last line does.
//! - `add` reads public keys from any format keyconv reads (also the public half of a private
//!   key file, asking for its passphrase only when the file keeps it encrypted) and writes each
//!   as one line, `[OPTIONS ]TYPE BASE64 COMMENT`, with the options of `--option` (the inputs'
//!   own options are not carried over). A key already in the file (the same key blob, whatever
//!   its comment or options) is skipped with a notice. OpenSSH certificates are refused: sshd
//!   matches plain keys, or a CA's key marked `cert-authority`. Nothing but public keys is ever
//!   written.
//! - `remove` matches a fingerprint (`SHA256:…` or `MD5:…` as `list` prints it) or else a
//!   comment, exactly. Every line holding a matched key goes. A comment that several different
//!   keys have is refused unless `--all`; a target that matches nothing is an error.
//! - Writes are atomic (a temporary file in the same directory, then a rename), keep the file's
//!   owner and group, and fail rather than overwrite a file that changed since it was read.
//!   Any failure leaves the file as it was.
//! - Modes: a missing directory is created 0700 and a missing file 0600. sshd's `StrictModes`
//!   refuses files and directories that group or others may write: those write bits are removed.
//!   A file owned by the user running keyconv is made 0600 (nobody else needs to read it); a
//!   file owned by someone else (a root-managed `AuthorizedKeysFile`, say) keeps its read bits,
//!   since sshd reads it as its user. Each change is noted on standard error.

use std::collections::HashMap;
use std::fs::{self, DirBuilder};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use keyconv::error::{Error, ErrorKind};
use keyconv::format::KeyFile;
use keyconv::format::public::{decode_line_with_options, encode};
use keyconv::key::{FingerprintHash, KeyType, PublicKey, PublicKeyData};
use keyconv::protection::KdfLimits;

use super::Failure;
use super::args::{
    AuthorizedKeysAddArgs, AuthorizedKeysArgs, AuthorizedKeysCommand, AuthorizedKeysFileArg,
    AuthorizedKeysListArgs, AuthorizedKeysRemoveArgs,
};
use super::input::{Input, io_error};
use super::output::{self, stdout_error};
use super::unlock;

pub(crate) fn run(args: &AuthorizedKeysArgs) -> Result<(), Failure> {
    match &args.command {
        AuthorizedKeysCommand::Add(a) => add(a),
        AuthorizedKeysCommand::List(a) => list(a),
        AuthorizedKeysCommand::Remove(a) => remove(a),
    }
}

/// What one line of the file is.
enum Entry {
    Key {
        options: Option<String>,
        key: PublicKey,
    },
    /// Blank or a `#` comment.
    Other,
    /// Not a key line keyconv understands; kept as it is.
    Foreign(String),
}

/// One line: its bytes with their line terminator, exactly as in the file.
struct Line<'a> {
    number: usize,
    raw: &'a [u8],
    entry: Entry,
}

/// The file as read.
struct KeysFile {
    /// The file itself (a symbolic link resolved).
    path: PathBuf,
    /// As the user named it, for messages.
    shown: String,
    bytes: Vec<u8>,
    /// `None` when the file does not exist yet.
    metadata: Option<fs::Metadata>,
}

impl KeysFile {
    fn open(arg: &AuthorizedKeysFileArg) -> Result<KeysFile, Failure> {
        let named = match &arg.file {
            Some(path) => path.clone(),
            None => match std::env::var_os("HOME") {
                Some(home) if !home.is_empty() => Path::new(&home).join(".ssh/authorized_keys"),
                _ => {
                    return Err(Failure::Usage("HOME is not set: give --file PATH".into()));
                }
            },
        };
        let shown = named.display().to_string();
        let on_file = |e: Error| Failure::Input(shown.clone(), e);
        let path = match fs::symlink_metadata(&named) {
            Ok(m) if m.file_type().is_symlink() => fs::canonicalize(&named)
                .map_err(|e| on_file(io_error("cannot follow the symbolic link", e)))?,
            _ => named,
        };
        let (bytes, metadata) = match fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                return Err(on_file(Error::new(ErrorKind::Io("is a directory".into()))));
            }
            Ok(m) => (
                fs::read(&path).map_err(|e| on_file(io_error("cannot read", e)))?,
                Some(m),
            ),
            Err(e) if e.kind() == io::ErrorKind::NotFound => (Vec::new(), None),
            Err(e) => return Err(on_file(io_error("cannot read", e))),
        };
        Ok(KeysFile {
            path,
            shown,
            bytes,
            metadata,
        })
    }

    fn lines(&self) -> Vec<Line<'_>> {
        self.bytes
            .split_inclusive(|&b| b == b'\n')
            .enumerate()
            .map(|(i, raw)| Line {
                number: i + 1,
                raw,
                entry: parse_line(raw, i == 0),
            })
            .collect()
    }

    fn fail(&self, e: Error) -> Failure {
        Failure::Input(self.shown.clone(), e)
    }

    fn note(&self, what: &str) {
        super::say!(
            "keyconv: {}: {}",
            self.shown,
            super::output::printable(what)
        );
    }

    /// The file's directory.
    fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// Replaces the file with `bytes` atomically, fixing modes as the module documents.
    fn write(&self, bytes: &[u8]) -> Result<(), Failure> {
        self.prepare_directory(&self.dir())?;
        let mode = self.file_mode();
        let staged = output::stage(&self.path, bytes, mode).map_err(|e| self.fail(e))?;
        if let Some(m) = &self.metadata {
            let tmp = fs::metadata(staged.temp_path())
                .map_err(|e| self.fail(io_error("cannot write", e)))?;
            if (tmp.uid(), tmp.gid()) != (m.uid(), m.gid()) {
                std::os::unix::fs::chown(staged.temp_path(), Some(m.uid()), Some(m.gid()))
                    .map_err(|e| self.fail(io_error("cannot keep the file's owner", e)))?;
            }
        }
        if self.changed_since_read() {
            return Err(self.fail(Error::new(ErrorKind::Io(
                "changed while keyconv was editing it: nothing was written; run again".into(),
            ))));
        }
        staged.commit(true).map_err(|e| self.fail(e))
    }

    fn changed_since_read(&self) -> bool {
        let now = fs::metadata(&self.path).ok();
        match (&self.metadata, now) {
            (None, None) => false,
            (Some(a), Some(b)) => {
                (a.ino(), a.len(), a.mtime(), a.mtime_nsec())
                    != (b.ino(), b.len(), b.mtime(), b.mtime_nsec())
            }
            _ => true,
        }
    }

    /// Creates the directory 0700, or removes group and other write bits from it.
    fn prepare_directory(&self, dir: &Path) -> Result<(), Failure> {
        match fs::metadata(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                    .map_err(|e| {
                        self.fail(io_error(&format!("cannot create {}", dir.display()), e))
                    })?;
                self.note(&format!("created {} (mode 0700)", dir.display()));
            }
            Err(e) => return Err(self.fail(io_error("cannot read its directory", e))),
            Ok(m) => {
                let mode = m.mode() & 0o7777;
                if mode & 0o022 != 0 {
                    let fixed = mode & !0o022;
                    fs::set_permissions(dir, fs::Permissions::from_mode(fixed)).map_err(|e| {
                        self.fail(io_error(&format!("cannot change {}", dir.display()), e))
                    })?;
                    self.note(&format!(
                        "{} was mode {mode:04o}, which sshd refuses (StrictModes): now {fixed:04o}",
                        dir.display()
                    ));
                }
            }
        }
        Ok(())
    }

    /// The mode of the written file: 0600 for a new one; an existing one's, tightened.
    fn file_mode(&self) -> u32 {
        let Some(m) = &self.metadata else {
            return 0o600;
        };
        let mode = m.mode() & 0o7777;
        let ours = fs::metadata("/proc/self").is_ok_and(|me| me.uid() == m.uid());
        let fixed = if ours { mode & !0o077 } else { mode & !0o022 };
        if fixed != mode {
            let why = if mode & 0o022 != 0 {
                "sshd's StrictModes refuses a file that others can write"
            } else {
                "only its owner needs to read it"
            };
            self.note(&format!("mode was {mode:04o}: now {fixed:04o} ({why})"));
        }
        fixed
    }
}

fn parse_line(raw: &[u8], first: bool) -> Entry {
    let mut body = raw.strip_suffix(b"\n").unwrap_or(raw);
    body = body.strip_suffix(b"\r").unwrap_or(body);
    if first {
        body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return Entry::Foreign("not UTF-8 text".into());
    };
    match decode_line_with_options(text) {
        Ok(Some((options, key))) => Entry::Key { options, key },
        Ok(None) => Entry::Other,
        Err(e) => Entry::Foreign(e.to_string()),
    }
}

/// The line ending of the file's last line (`\n` when there is none).
fn line_ending(bytes: &[u8]) -> &'static [u8] {
    if bytes.ends_with(b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    }
}

fn describe(key: &PublicKey) -> String {
    let comment = if key.comment().is_empty() {
        "no comment"
    } else {
        key.comment()
    };
    format!(
        "{} ({comment}, {})",
        key.fingerprint(FingerprintHash::Sha256),
        key.data().label()
    )
}

/// The options of `--option`, joined with commas and checked to be what sshd parses.
fn options_text(options: &[String]) -> Result<Option<String>, Failure> {
    if options.is_empty() {
        return Ok(None);
    }
    let joined = options.join(",");
    let probe = format!(
        "{joined} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    );
    let valid = options.iter().all(|o| !o.is_empty())
        && matches!(decode_line_with_options(&probe), Ok(Some((Some(o), _))) if o == joined);
    if !valid {
        return Err(Failure::Usage(format!(
            "--option {joined}: not valid authorized_keys options (name or name=\"value\", \
             separated by commas, no spaces outside quotes)"
        )));
    }
    Ok(Some(joined))
}

/// The public keys of one input.
fn input_keys(name: &str, args: &AuthorizedKeysAddArgs) -> Result<Vec<PublicKey>, Failure> {
    let input = Input::new(name);
    let on_input = |e: Error| Failure::Input(name.to_owned(), e);
    let bytes = input.read_key_file().map_err(on_input)?;
    let file = KeyFile::decode(&bytes).map_err(on_input)?;
    let limits = KdfLimits {
        allow_expensive: args.passphrase.allow_expensive_kdf,
    };
    let keys = unlock::public_keys(&file, &args.passphrase, &input, limits, unlock::Ask::Yes)?;
    for key in &keys {
        if let PublicKeyData::Opaque(o) = key.data()
            && o.algorithm.contains("-cert-v01@")
        {
            return Err(on_input(
                Error::new(ErrorKind::InvalidRequest(format!(
                    "{} is an OpenSSH certificate: authorized_keys lists plain keys",
                    o.algorithm
                )))
                .with_hint(
                    "add the key itself, or the certificate authority's key with --option cert-authority",
                ),
            ));
        }
    }
    Ok(keys)
}

fn add(args: &AuthorizedKeysAddArgs) -> Result<(), Failure> {
    let options = options_text(&args.options)?;
    let file = KeysFile::open(&args.file)?;
    let mut present: HashMap<Vec<u8>, usize> = HashMap::new();
    for line in file.lines() {
        if let Entry::Key { key, .. } = &line.entry {
            present.entry(key.to_ssh_blob()).or_insert(line.number);
        }
    }
    // Read every input before changing anything: one bad input leaves the file untouched.
    let mut added = Vec::new();
    for name in &args.inputs {
        for key in input_keys(name, args)? {
            let blob = key.to_ssh_blob();
            if let Some(number) = present.get(&blob) {
                let place = if *number == 0 {
                    "given twice".to_owned()
                } else {
                    format!("already in {} (line {number})", file.shown)
                };
                super::say!(
                    "keyconv: {name}: {} is {place}: skipped",
                    super::output::printable(&describe(&key))
                );
                continue;
            }
            if key.key_type() == Some(KeyType::Ed448) {
                super::say!(
                    "keyconv: {name}: warning: OpenSSH's sshd does not accept Ed448 keys; added anyway"
                );
            }
            present.insert(blob, 0);
            let mut line = String::new();
            if let Some(o) = &options {
                line.push_str(o);
                line.push(' ');
            }
            line.push_str(&encode(&key));
            added.push((key, line));
        }
    }

    if args.dry_run {
        let mut out = io::stdout().lock();
        for (_, line) in &added {
            out.write_all(line.as_bytes()).map_err(stdout_error)?;
        }
        out.flush().map_err(stdout_error)?;
        file.note(&format!(
            "dry run: would add {} key{}; nothing was changed",
            added.len(),
            plural(added.len())
        ));
        return Ok(());
    }
    if added.is_empty() && file.metadata.is_some() {
        // Nothing to add; the modes are still put right.
        file.prepare_directory(&file.dir())?;
        let mode = file.file_mode();
        if file
            .metadata
            .as_ref()
            .is_some_and(|m| m.mode() & 0o7777 != mode)
        {
            fs::set_permissions(&file.path, fs::Permissions::from_mode(mode))
                .map_err(|e| file.fail(io_error("cannot change its mode", e)))?;
        }
        file.note("nothing to add");
        return Ok(());
    }
    let ending = line_ending(&file.bytes);
    let mut bytes = file.bytes.clone();
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        bytes.extend_from_slice(ending);
    }
    for (_, line) in &added {
        bytes.extend_from_slice(line.trim_end_matches('\n').as_bytes());
        bytes.extend_from_slice(ending);
    }
    file.write(&bytes)?;
    for (key, _) in &added {
        file.note(&format!("added {}", describe(key)));
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn list(args: &AuthorizedKeysListArgs) -> Result<(), Failure> {
    let file = KeysFile::open(&args.file)?;
    if file.metadata.is_none() {
        return Err(file.fail(Error::new(ErrorKind::Io("no such file".into()))));
    }
    let hash = if args.hash == "md5" {
        FingerprintHash::Md5
    } else {
        FingerprintHash::Sha256
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    for line in file.lines() {
        match &line.entry {
            Entry::Key { options, key } => {
                let mut text = format!("{}: {}", line.number, key.fingerprint_line(hash));
                if let Some(o) = options {
                    text.push_str(&format!(" [{o}]"));
                }
                let mut text = super::output::printable(&text).into_owned();
                text.push('\n');
                out.write_all(text.as_bytes()).map_err(stdout_error)?;
            }
            Entry::Other => {}
            Entry::Foreign(why) => file.note(&format!(
                "line {} is not a key line keyconv reads (kept as it is): {why}",
                line.number
            )),
        }
    }
    out.flush().map_err(stdout_error)
}

/// Whether `target` names `key`: its fingerprint, or else exactly its comment.
fn names_key(target: &str, key: &PublicKey) -> bool {
    if target.starts_with("SHA256:") {
        key.fingerprint(FingerprintHash::Sha256) == target
    } else if target.starts_with("MD5:") {
        key.fingerprint(FingerprintHash::Md5) == target
    } else {
        key.comment() == target
    }
}

fn remove(args: &AuthorizedKeysRemoveArgs) -> Result<(), Failure> {
    let file = KeysFile::open(&args.file)?;
    if file.metadata.is_none() {
        return Err(file.fail(Error::new(ErrorKind::Io("no such file".into()))));
    }
    let lines = file.lines();
    let mut doomed = vec![false; lines.len()];
    for target in &args.targets {
        let hits: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(&l.entry, Entry::Key { key, .. } if names_key(target, key)))
            .map(|(i, _)| i)
            .collect();
        let mut blobs: Vec<Vec<u8>> = hits
            .iter()
            .filter_map(|&i| match lines.get(i).map(|l| &l.entry) {
                Some(Entry::Key { key, .. }) => Some(key.to_ssh_blob()),
                _ => None,
            })
            .collect();
        blobs.sort();
        blobs.dedup();
        if hits.is_empty() {
            return Err(file.fail(
                Error::new(ErrorKind::InvalidRequest(format!(
                    "no key with the fingerprint or comment {target:?}"
                )))
                .with_hint("keyconv authorized-keys list shows them"),
            ));
        }
        if blobs.len() > 1 && !args.all {
            let numbers: Vec<String> = hits
                .iter()
                .filter_map(|&i| lines.get(i).map(|l| l.number.to_string()))
                .collect();
            return Err(file.fail(
                Error::new(ErrorKind::InvalidRequest(format!(
                    "{} different keys have the comment {target:?} (lines {}): nothing was removed",
                    blobs.len(),
                    numbers.join(", ")
                )))
                .with_hint("give a fingerprint (keyconv authorized-keys list), or --all to remove them all"),
            ));
        }
        for i in hits {
            if let Some(d) = doomed.get_mut(i) {
                *d = true;
            }
        }
    }
    let mut bytes = Vec::with_capacity(file.bytes.len());
    let mut removed = Vec::new();
    for (line, gone) in lines.iter().zip(&doomed) {
        if !*gone {
            bytes.extend_from_slice(line.raw);
        } else if let Entry::Key { key, .. } = &line.entry {
            removed.push(format!("line {}: {}", line.number, describe(key)));
        }
    }
    if args.dry_run {
        for what in &removed {
            file.note(&format!("would remove {what}"));
        }
        file.note("dry run: nothing was changed");
        return Ok(());
    }
    file.write(&bytes)?;
    for what in &removed {
        file.note(&format!("removed {what}"));
    }
    Ok(())
}
