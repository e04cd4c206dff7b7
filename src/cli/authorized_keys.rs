//! `keyconv authorized-keys add|list|remove`: edit an OpenSSH `authorized_keys` file safely.
//!
//! Decisions:
//! - The file is `--file PATH`, else `$HOME/.ssh/authorized_keys`.
//! - One editor at a time: `add` and `remove` hold an exclusive lock (`flock(2)`) on the file's
//!   directory from before reading the file until its replacement is in place, so concurrent
//!   `add`s all land and a `remove` is never undone. The directory, not the file, is locked: the
//!   file is replaced by a rename, so a lock on it would be a lock on a file no longer there.
//! - Another user's file (SPEC §5a): when any part of the path belongs to a user other than
//!   root and the caller (root editing `~bob/.ssh/authorized_keys`), a symbolic link anywhere in
//!   the path is refused, and every directory from the file up to that user's home (or up to
//!   `/` when the file is not in it) must be owned by root or that user and not be writable by
//!   group or others (sshd's StrictModes, OpenSSH's `safe_path`), else the command is refused
//!   with the reason. Root then does the whole edit with that user's ids (OpenSSH's
//!   `temporarily_use_uid`): whatever the user changes in the path meanwhile, keyconv can only
//!   do what the user could, and a `~/.ssh` or file it creates belongs to the user. A symbolic
//!   link the caller owns, in a path the caller owns, is followed (the file it points to is
//!   edited, the link stays), as an editor would.
//! - Every line keyconv does not add or remove is kept byte for byte: comments, blank lines,
//!   options, line endings, and lines that are not keys at all (`list` mentions those on
//!   standard error). A file without a final newline gets one before the added lines; added
//!   lines end in `\r\n` when the file's last line does.
//! - `add` reads public keys from any format keyconv reads (also the public half of a private
//!   key file, asking for its passphrase only when the file keeps it encrypted) and writes each
//!   as one line, `[OPTIONS ]TYPE BASE64 COMMENT`. Options an input line has (`restrict`,
//!   `command=`, `from=` …) are kept; `--option` gives options to keys that have none, and with
//!   an input line that has its own it is a usage error (never a silent merge or drop). Option
//!   text with a control character (a newline would inject a second line) is refused. A key
//!   already in the file (the same key, whatever its comment or options) is skipped with a
//!   notice. OpenSSH certificates are refused: sshd matches plain keys, or a CA's key marked
//!   `cert-authority`. Nothing but public keys is ever written.
//! - Key identity is sshd's: an RSA or DSA line whose integers carry needless leading zero bytes
//!   (which sshd and `ssh-keygen -l` accept) is the same key as its canonical form, so `add`
//!   skips it, `list` shows it (with a note) and `remove` takes it.
//! - `remove` matches a fingerprint (`SHA256:…` or `MD5:…` as `list` prints it) or else a
//!   comment, exactly. Every line holding a matched key goes. A comment that several different
//!   keys have is refused unless `--all`; a target that matches nothing is an error. When the
//!   file has lines that look like keys but that keyconv cannot read, `remove` refuses: sshd
//!   might accept one of them as the key being revoked.
//! - Writes are atomic (a temporary file in the same directory, then a rename), keep the file's
//!   owner and group, and fail rather than overwrite a file that changed since it was read.
//!   Any failure leaves the file as it was.
//! - Modes are only ever tightened, and only on `~/.ssh` (the file's directory when it is named
//!   `.ssh`) and the file itself: a missing directory is created 0700 and a missing file 0600;
//!   group and other write bits (which sshd's StrictModes refuses) are removed from `.ssh` and
//!   the file. Another directory others can write (`/tmp`) is left alone, with a warning. A
//!   file the caller owns is made 0600 when it is the caller's own (the caller is not root, or
//!   it lies in root's `$HOME` or in a `.ssh` directory); a file owned by someone else, or a
//!   root-owned file elsewhere (an `AuthorizedKeysFile` root manages, which sshd reads as the
//!   user), keeps its read bits. Each change is noted on standard error.
//! - Reads are bounded: the file must be a regular file of at most 64 MiB.
//! - On Windows the default file is `%USERPROFILE%\.ssh\authorized_keys`, and a DACL takes the
//!   place of modes and owners (`platform::protect_authorized_keys`): the user and SYSTEM only;
//!   for a file named `administrators_authorized_keys` (`%ProgramData%\ssh\…`, which
//!   Win32-OpenSSH's sshd reads for members of Administrators) SYSTEM and Administrators only,
//!   as sshd requires. The lock is an exclusive, delete-on-close lock file (`safe_fs_windows.rs`).

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use keyconv::error::{Error, ErrorKind};
use keyconv::format::KeyFile;
use keyconv::format::public::authorized_keys::{self, Entry, Line};
use keyconv::format::public::{decode_line_with_options, encode};
use keyconv::key::{FingerprintHash, KeyType, PublicKey, PublicKeyData};
use keyconv::protection::KdfLimits;

use super::Failure;
use super::args::{
    AuthorizedKeysAddArgs, AuthorizedKeysArgs, AuthorizedKeysCommand, AuthorizedKeysFileArg,
    AuthorizedKeysListArgs, AuthorizedKeysRemoveArgs,
};
use super::input::{Input, io_error};
use super::output::{self, shown, stdout_error};
use super::platform;
use super::safe_fs::{self, Uid};
use super::unlock;

/// The largest authorized_keys file read (100,000 RSA-4096 keys fit).
const MAX_FILE: u64 = 64 << 20;
/// How long `add`/`remove` wait for another editor's lock.
const LOCK_PATIENCE: Duration = Duration::from_secs(30);

pub(crate) fn run(args: &AuthorizedKeysArgs) -> Result<(), Failure> {
    match &args.command {
        AuthorizedKeysCommand::Add(a) => add(a),
        AuthorizedKeysCommand::List(a) => list(a),
        AuthorizedKeysCommand::Remove(a) => remove(a),
    }
}

/// How the file is reached, decided before anything is read (SPEC §5a).
struct Access {
    /// The file to read and replace (a symbolic link the caller owns resolved).
    path: PathBuf,
    /// Another user the path belongs to, whose ids root takes for the edit.
    act_as: Option<(Uid, u32)>,
    /// Whether the file is the caller's own (made 0600) rather than one root manages for sshd.
    private: bool,
}

/// The file as read.
struct KeysFile {
    /// The file itself (a symbolic link resolved).
    path: PathBuf,
    /// As the user named it, for messages (escaped).
    shown: String,
    bytes: Vec<u8>,
    /// `None` when the file does not exist yet.
    metadata: Option<fs::Metadata>,
    private: bool,
    /// The lock on the directory, while editing.
    _lock: Option<File>,
    /// Root acting as the file's user; dropped last.
    _acting: Option<safe_fs::ActingAs>,
}

/// `path` made absolute and without `.`/`..`, component by component (no link is followed).
fn absolute(path: &Path) -> io::Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Ok(out)
}

fn refused(why: String) -> Error {
    Error::new(ErrorKind::Io(why)).with_hint(
        "sshd's StrictModes: every directory up to the user's home owned by root or the user and \
         writable by nobody else, and no symbolic links, when editing another user's file",
    )
}

/// Decides how `named` is reached, refusing another user's links and loose modes (SPEC §5a).
fn access(named: &Path) -> Result<Access, Error> {
    let caller = safe_fs::current_uid();
    let path = absolute(named).map_err(|e| io_error("cannot find the current directory", e))?;
    // Every existing component, from the root down, as it is (links not followed).
    let mut components: Vec<(PathBuf, fs::Metadata)> = Vec::new();
    let mut prefix = PathBuf::new();
    let mut ok = true;
    for c in path.components() {
        prefix.push(c);
        if !ok {
            break;
        }
        match fs::symlink_metadata(&prefix) {
            Ok(m) => components.push((prefix.clone(), m)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => ok = false,
            Err(e) => return Err(io_error(&format!("cannot read {}", shown(&prefix)), e)),
        }
    }
    let file = components
        .last()
        .filter(|(p, _)| *p == path)
        .map(|(_, m)| m);
    let mut others: Vec<Uid> = components
        .iter()
        .map(|(_, m)| safe_fs::owner(m))
        .filter(|&u| u != 0 && u != caller)
        .collect();
    others.sort_unstable();
    others.dedup();
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| safe_fs::account(caller).map(|a| a.home));
    let in_callers_home = home
        .and_then(|h| absolute(&h).ok())
        .is_some_and(|h| path.starts_with(h));
    let user = match others.as_slice() {
        [] => {
            // The caller's (or root's) own path: a final symbolic link is followed.
            let target = match file {
                Some(m) if m.file_type().is_symlink() => fs::canonicalize(&path)
                    .map_err(|e| io_error("cannot follow the symbolic link", e))?,
                _ => path,
            };
            let owner = fs::metadata(&target).map_or(caller, |m| safe_fs::owner(&m));
            let in_ssh_dir = target.parent().is_some_and(is_ssh_dir);
            return Ok(Access {
                path: target,
                act_as: None,
                private: owner == caller && (caller != 0 || in_callers_home || in_ssh_dir),
            });
        }
        [one] => *one,
        [a, b, ..] => {
            return Err(refused(format!(
                "the path belongs to two other users (uid {a} and uid {b}): refused"
            )));
        }
    };
    if let Some((p, _)) = components.iter().find(|(_, m)| m.file_type().is_symlink()) {
        return Err(refused(format!(
            "{} is a symbolic link: keyconv does not follow links in another user's path",
            shown(p)
        )));
    }
    let account = safe_fs::account(user);
    let user_home = account
        .as_ref()
        .and_then(|a| fs::canonicalize(&a.home).ok())
        .filter(|h| path.starts_with(h));
    if let Some(m) = file {
        if !m.is_file() {
            return Err(refused(format!("{} is not a regular file", shown(&path))));
        }
        if ![0, user].contains(&safe_fs::owner(m)) {
            return Err(refused(format!(
                "{} is owned by uid {}, neither root nor uid {user}",
                shown(&path),
                safe_fs::owner(m)
            )));
        }
    }
    let parent = path.parent().map(Path::to_path_buf);
    let mut user_owns_a_directory = false;
    for (dir, m) in components.iter().rev().filter(|(p, _)| *p != path) {
        let owner = safe_fs::owner(m);
        if ![0, user].contains(&owner) {
            return Err(refused(format!(
                "{} is owned by uid {owner}, neither root nor uid {user} whose file this is",
                shown(dir)
            )));
        }
        user_owns_a_directory |= owner == user;
        let mode = safe_fs::mode(m);
        let tightened = Some(dir) == parent.as_ref() && is_ssh_dir(dir) && owner == user;
        if mode & 0o022 != 0 && !tightened {
            return Err(refused(format!(
                "{} is mode {mode:04o}, which others can write: sshd refuses it (StrictModes) \
                 and keyconv does not write there for another user",
                shown(dir)
            )));
        }
        if user_home.as_ref() == Some(dir) {
            break;
        }
    }
    let act_as = match (caller, account) {
        (0, Some(a)) if user_owns_a_directory => Some((user, a.gid)),
        (0, None) if user_owns_a_directory => {
            return Err(refused(format!(
                "uid {user} owns part of the path but has no account: refused"
            )));
        }
        _ => None,
    };
    Ok(Access {
        path,
        act_as,
        private: act_as.is_some()
            || file.is_some_and(|m| safe_fs::owner(m) == caller && caller != 0),
    })
}

fn is_ssh_dir(dir: &Path) -> bool {
    dir.file_name().is_some_and(|n| n == ".ssh")
}

/// Reads the file (when it exists): a regular file of at most [`MAX_FILE`] bytes.
fn read_bounded(path: &Path) -> Result<(Vec<u8>, Option<fs::Metadata>), Error> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), None)),
        Err(e) => return Err(io_error("cannot read", e)),
    };
    let m = file.metadata().map_err(|e| io_error("cannot read", e))?;
    if m.is_dir() {
        return Err(Error::new(ErrorKind::Io("is a directory".into())));
    }
    if !m.is_file() {
        return Err(Error::new(ErrorKind::Io(
            "is not a regular file (a device or FIFO): refused".into(),
        )));
    }
    let too_large = || {
        Error::new(ErrorKind::Io(format!(
            "larger than {} MiB: refused as an authorized_keys file",
            MAX_FILE >> 20
        )))
    };
    if m.len() > MAX_FILE {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error("cannot read", e))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(too_large());
    }
    Ok((bytes, Some(m)))
}

impl KeysFile {
    /// Opens the file for `list` (`edit` false) or for `add`/`remove`: then its directory is
    /// created if missing and locked before the file is read.
    fn open(arg: &AuthorizedKeysFileArg, edit: bool) -> Result<KeysFile, Failure> {
        let named = match &arg.file {
            Some(path) => path.clone(),
            None => platform::default_authorized_keys().map_err(|variable| {
                Failure::Usage(format!("{variable} is not set: give --file PATH"))
            })?,
        };
        let shown = shown(&named);
        let on_file = |e: Error| Failure::Input(shown.clone(), e);
        let access = access(&named).map_err(on_file)?;
        let acting = match access.act_as {
            Some((uid, gid)) => Some(
                safe_fs::act_as(uid, gid)
                    .map_err(|e| on_file(io_error("cannot take the user's ids", e)))?,
            ),
            None => None,
        };
        let mut file = KeysFile {
            path: access.path,
            shown,
            bytes: Vec::new(),
            metadata: None,
            private: access.private,
            _lock: None,
            _acting: acting,
        };
        if edit {
            let dir = file.dir();
            file.prepare_directory(&dir)?;
            file._lock = Some(
                safe_fs::lock_directory(&dir, LOCK_PATIENCE)
                    .map_err(|e| file.fail(io_error("cannot lock its directory", e)))?,
            );
        }
        let (bytes, metadata) = read_bounded(&file.path).map_err(|e| file.fail(e))?;
        file.bytes = bytes;
        file.metadata = metadata;
        Ok(file)
    }

    fn lines(&self) -> Vec<Line<'_>> {
        authorized_keys::lines(&self.bytes).collect()
    }

    fn fail(&self, e: Error) -> Failure {
        Failure::Input(self.shown.clone(), e)
    }

    fn note(&self, what: &str) {
        super::say!("keyconv: {}: {}", self.shown, output::printable(what));
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
        let mode = self.file_mode();
        let staged = output::stage(&self.path, bytes, mode).map_err(|e| self.fail(e))?;
        if let Some(m) = &self.metadata {
            let tmp = fs::symlink_metadata(staged.temp_path())
                .map_err(|e| self.fail(io_error("cannot write", e)))?;
            let (uid, gid) = (safe_fs::owner(m), safe_fs::group(m));
            if (safe_fs::owner(&tmp), safe_fs::group(&tmp)) != (uid, gid) {
                safe_fs::set_owner(staged.temp_path(), uid, gid)
                    .map_err(|e| self.fail(io_error("cannot keep the file's owner", e)))?;
            }
        }
        // Windows: the DACL Win32-OpenSSH's sshd wants instead of modes and owners.
        #[cfg(windows)]
        platform::protect_authorized_keys(staged.temp_path(), &self.path)
            .map_err(|e| self.fail(io_error("cannot set its access control list", e)))?;
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
            (Some(a), Some(b)) => safe_fs::version(a) != safe_fs::version(&b),
            _ => true,
        }
    }

    /// Creates the directory 0700; removes group and other write bits from `~/.ssh`; warns
    /// about another directory that others can write (it is not keyconv's to change).
    fn prepare_directory(&self, dir: &Path) -> Result<(), Failure> {
        match fs::metadata(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                safe_fs::create_private_dir(dir).map_err(|e| {
                    self.fail(io_error(&format!("cannot create {}", shown(dir)), e))
                })?;
                self.note(&format!("created {} (mode 0700)", dir.display()));
            }
            Err(e) => return Err(self.fail(io_error("cannot read its directory", e))),
            Ok(m) => {
                let mode = safe_fs::mode(&m);
                if mode & 0o022 != 0 && is_ssh_dir(dir) {
                    let fixed = mode & !0o022;
                    safe_fs::set_mode(dir, fixed).map_err(|e| {
                        self.fail(io_error(&format!("cannot change {}", shown(dir)), e))
                    })?;
                    self.note(&format!(
                        "{} was mode {mode:04o}, which sshd refuses (StrictModes): now {fixed:04o}",
                        dir.display()
                    ));
                } else if mode & 0o022 != 0 {
                    self.note(&format!(
                        "warning: {} is mode {mode:04o}, which sshd refuses (StrictModes) for a \
                         keys file in it; keyconv changes the modes of ~/.ssh and the file only",
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
        let mode = safe_fs::mode(m);
        let fixed = if self.private {
            mode & !0o077
        } else {
            mode & !0o022
        };
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

/// Why a line is not a key line keyconv reads; `None` for keys, blank and comment lines.
fn unread_reason(entry: &Entry) -> Option<String> {
    match entry {
        Entry::Key { .. } | Entry::Comment => None,
        Entry::NotText => Some("not UTF-8 text".into()),
        Entry::Invalid(e) => Some(e.to_string()),
        _ => Some("not a key line".into()),
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

/// The options of `--option`, joined with commas and checked to be what sshd parses. A control
/// character (a newline would start a second, unrestricted line) is a usage error.
fn options_text(options: &[String]) -> Result<Option<String>, Failure> {
    if options.is_empty() {
        return Ok(None);
    }
    let joined = options.join(",");
    if joined.chars().any(char::is_control) {
        return Err(Failure::Usage(format!(
            "--option {}: control characters (a newline, say) are not allowed in options",
            output::printable(&joined)
        )));
    }
    let probe = format!(
        "{joined} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    );
    let valid = options.iter().all(|o| !o.is_empty())
        && matches!(decode_line_with_options(&probe), Ok(Some((Some(o), _))) if o == joined);
    if !valid {
        return Err(Failure::Usage(format!(
            "--option {}: not valid authorized_keys options (name or name=\"value\", \
             separated by commas, no spaces outside quotes)",
            output::printable(&joined)
        )));
    }
    Ok(Some(joined))
}

/// The keys of an input that is a list of key lines (a `.pub` or authorized_keys file), with
/// each line's options; `None` when the input is something else (then it is decoded as a key
/// file, which has no options).
fn key_lines(bytes: &[u8]) -> Option<Vec<(Option<String>, PublicKey)>> {
    let mut keys = Vec::new();
    for line in authorized_keys::lines(bytes) {
        match line.entry {
            Entry::Key { options, key, .. } => keys.push((options, key)),
            Entry::Comment => {}
            _ => return None,
        }
    }
    (!keys.is_empty()).then_some(keys)
}

/// The public keys of one input, with the options its lines have.
fn input_keys(
    input: &Input,
    args: &AuthorizedKeysAddArgs,
) -> Result<Vec<(Option<String>, PublicKey)>, Failure> {
    let on_input = |e: Error| Failure::Input(input.name.clone(), e);
    let bytes = input.read_key_file().map_err(on_input)?;
    let keys = match key_lines(&bytes) {
        Some(keys) => keys,
        None => {
            let file = KeyFile::decode(&bytes).map_err(on_input)?;
            let limits = KdfLimits {
                allow_expensive: args.passphrase.allow_expensive_kdf,
            };
            unlock::public_keys(&file, &args.passphrase, input, limits, unlock::Ask::Yes)?
                .into_iter()
                .map(|k| (None, k))
                .collect()
        }
    };
    for (options, key) in &keys {
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
        if options
            .as_deref()
            .is_some_and(|o| o.chars().any(char::is_control))
        {
            return Err(on_input(Error::new(ErrorKind::Io(
                "a key line's options hold a control character: nothing was added".into(),
            ))));
        }
    }
    Ok(keys)
}

fn add(args: &AuthorizedKeysAddArgs) -> Result<(), Failure> {
    let given = options_text(&args.options)?;
    // Read every input before changing anything: one bad input leaves the file untouched.
    let mut inputs = Vec::new();
    for name in &args.inputs {
        let input = Input::new(name);
        let keys = input_keys(&input, args)?;
        let name = input.name;
        if let (Some(g), Some((Some(own), _))) = (&given, keys.iter().find(|(o, _)| o.is_some())) {
            return Err(Failure::Usage(format!(
                "{}: a key line has its own options ({}): --option {} would be mixed with \
                 them; put the options you want on the input line, or leave out --option",
                output::printable(&name),
                output::printable(own),
                output::printable(g)
            )));
        }
        inputs.push((name, keys));
    }
    let file = KeysFile::open(&args.file, !args.dry_run)?;
    let mut present: HashMap<Vec<u8>, (usize, Option<String>)> = HashMap::new();
    for line in file.lines() {
        if let Entry::Key { key, options, .. } = &line.entry {
            present
                .entry(key.to_ssh_blob())
                .or_insert((line.number, options.clone()));
        }
    }
    let mut added = Vec::new();
    for (name, keys) in inputs {
        let name = output::printable(&name);
        for (own, key) in keys {
            let options = own.or_else(|| given.clone());
            let blob = key.to_ssh_blob();
            if let Some((number, there)) = present.get(&blob) {
                let place = if *number == 0 {
                    "given twice".to_owned()
                } else {
                    format!("already in {} (line {number})", file.shown)
                };
                let differ = match (there, &options) {
                    (a, b) if a == b => String::new(),
                    (Some(a), _) => format!(" with the options {a}, kept as they are"),
                    (None, _) => " without options, kept as it is".to_owned(),
                };
                super::say!(
                    "keyconv: {name}: {} is {place}{}: skipped",
                    output::printable(&describe(&key)),
                    output::printable(&differ)
                );
                continue;
            }
            if key.key_type() == Some(KeyType::Ed448) {
                super::say!(
                    "keyconv: {name}: warning: OpenSSH's sshd does not accept Ed448 keys; added anyway"
                );
            }
            present.insert(blob, (0, options.clone()));
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
        // Nothing to add; the file's mode is still put right (its directory's already was).
        let mode = file.file_mode();
        if file
            .metadata
            .as_ref()
            .is_some_and(|m| safe_fs::mode(m) != mode)
        {
            safe_fs::set_mode(&file.path, mode)
                .map_err(|e| file.fail(io_error("cannot change its mode", e)))?;
        }
        #[cfg(windows)]
        platform::protect_authorized_keys(&file.path, &file.path)
            .map_err(|e| file.fail(io_error("cannot set its access control list", e)))?;
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
    if args.json {
        return list_json(args);
    }
    let file = KeysFile::open(&args.file, false)?;
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
            Entry::Key {
                options,
                key,
                noncanonical,
            } => {
                let mut text = format!("{}: {}", line.number, key.fingerprint_line(hash));
                if let Some(o) = options {
                    text.push_str(&format!(" [{o}]"));
                }
                let mut text = output::printable(&text).into_owned();
                text.push('\n');
                out.write_all(text.as_bytes()).map_err(stdout_error)?;
                if *noncanonical {
                    file.note(&format!(
                        "line {}: the key is encoded non-canonically (integers with needless \
                         leading zeros); sshd accepts it as this key",
                        line.number
                    ));
                }
            }
            other => {
                if let Some(why) = unread_reason(other) {
                    file.note(&format!(
                        "line {} is not a key line keyconv reads (kept as it is): {why}",
                        line.number
                    ));
                }
            }
        }
    }
    out.flush().map_err(stdout_error)
}

/// `list --json`: an array with the file's one entry (schema/keyconv.schema.json): its keys with
/// their line numbers and options, and the lines keyconv does not read; or an error entry.
fn list_json(args: &AuthorizedKeysListArgs) -> Result<(), Failure> {
    let opened = KeysFile::open(&args.file, false).and_then(|file| match file.metadata {
        None => Err(file.fail(Error::new(ErrorKind::Io("no such file".into())))),
        Some(_) => Ok(file),
    });
    let file = match opened {
        Ok(file) => file,
        Err(Failure::Input(name, e)) => {
            super::report(Some(&name), &e);
            super::json::print(vec![super::json::error_entry(&name, &e)])?;
            return Err(Failure::Reported(1));
        }
        Err(other) => return Err(other),
    };
    let (mut keys, mut foreign) = (Vec::new(), Vec::new());
    for line in file.lines() {
        match &line.entry {
            Entry::Key { options, key, .. } => {
                let mut entry = super::json::key(key);
                if let Some(map) = entry.as_object_mut() {
                    map.insert("line".into(), json!(line.number));
                    map.insert("options".into(), json!(options));
                }
                keys.push(entry);
            }
            other => {
                if let Some(why) = unread_reason(other) {
                    foreign.push(json!({"line": line.number, "reason": why}));
                }
            }
        }
    }
    super::json::print(vec![super::json::ok_entry(
        &file.shown,
        json!({"keys": keys, "unread_lines": foreign}),
    )])
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

/// Whether a line keyconv cannot read names one of the key types `algorithms`.
fn names_a_type(raw: &[u8], algorithms: &[&str]) -> bool {
    let text = String::from_utf8_lossy(raw);
    text.split([' ', '\t'])
        .any(|word| algorithms.contains(&word))
}

fn remove(args: &AuthorizedKeysRemoveArgs) -> Result<(), Failure> {
    let file = KeysFile::open(&args.file, !args.dry_run)?;
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
    // A line keyconv cannot read that names the type of a key being removed might be that key
    // to sshd: then nothing is removed (a revocation that leaves a copy is worse than none
    // that says so).
    let mut algorithms: Vec<&str> = lines
        .iter()
        .zip(&doomed)
        .filter_map(|(l, gone)| match &l.entry {
            Entry::Key { key, .. } if *gone => Some(key.data().algorithm()),
            _ => None,
        })
        .collect();
    algorithms.dedup();
    let unreadable: Vec<String> = lines
        .iter()
        .filter(|l| unread_reason(&l.entry).is_some() && names_a_type(l.raw, &algorithms))
        .map(|l| l.number.to_string())
        .collect();
    if !unreadable.is_empty() {
        return Err(file.fail(
            Error::new(ErrorKind::Io(format!(
                "line{} {} of the same key type cannot be read by keyconv, and sshd might \
                 accept one as the key to remove: nothing was removed",
                plural(unreadable.len()),
                unreadable.join(", "),
            )))
            .with_hint(
                "remove or fix those lines by hand (ssh-keygen -lf FILE shows what sshd reads)",
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(file.bytes.len());
    let mut removed = Vec::new();
    for (line, gone) in lines.iter().zip(&doomed) {
        if !*gone {
            bytes.extend_from_slice(line.raw);
        } else if let Entry::Key {
            key, noncanonical, ..
        } = &line.entry
        {
            let how = if *noncanonical {
                " (encoded non-canonically)"
            } else {
                ""
            };
            removed.push(format!("line {}: {}{how}", line.number, describe(key)));
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
