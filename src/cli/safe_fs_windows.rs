//! The Windows twin of `safe_fs.rs` (the Unix file layer): the same functions with the meaning
//! they can have on Windows, so that `authorized_keys.rs` and `output.rs` need no `cfg`.
//!
//! Decisions:
//! - Windows has no uid/mode model: every file counts as the caller's own (one pseudo uid,
//!   never root's 0), modes read as 0600 (0400 read-only) and are not changed here, so the
//!   Unix logic of "another user's path" and StrictModes never triggers. Access is decided by
//!   DACLs instead, which `platform` sets (owner-only private outputs; `authorized_keys` for
//!   sshd).
//! - The lock of a directory is a lock file in it, `.keyconv.lock`, opened with no sharing and
//!   `FILE_FLAG_DELETE_ON_CLOSE`: a second editor's open fails with a sharing violation until
//!   the first closes it (it is then gone, even if the process dies). Windows locks byte ranges
//!   of files, not directories.
//! - No signal handlers: a console's Ctrl+C ends the process like `TerminateProcess`; a
//!   temporary file is then left behind (`.NAME.keyconv-RANDOM.tmp`, never the output's
//!   name), and the output is never partial.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::windows::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use windows_sys::Win32::Storage::FileSystem::FILE_FLAG_DELETE_ON_CLOSE;

/// A user id (one pseudo id on Windows: the caller).
pub type Uid = u32;

/// The pseudo uid of the caller: never 0, so never "root".
const CALLER: Uid = 1;

/// The caller.
pub fn current_uid() -> Uid {
    CALLER
}

/// The owner of what `m` describes: the caller (DACLs, not owners, decide access here).
pub fn owner(_m: &Metadata) -> Uid {
    CALLER
}

/// The group of what `m` describes: none.
pub fn group(_m: &Metadata) -> u32 {
    0
}

/// 0400 for a read-only file, else 0600.
pub fn mode(m: &Metadata) -> u32 {
    if m.permissions().readonly() {
        0o400
    } else {
        0o600
    }
}

/// Modes do not apply on Windows: the DACL is set by `platform`.
pub fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// Creates `dir` and its missing parents (inheriting the parent's ACL: a profile folder is the
/// user's, SYSTEM's and Administrators').
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

/// Owners are not changed on Windows.
pub fn set_owner(_path: &Path, _uid: Uid, _gid: u32) -> io::Result<()> {
    Ok(())
}

/// What identifies a file's content as read: creation time, size and last write time (100 ns
/// ticks).
pub fn version(m: &Metadata) -> (u64, u64, i64, i64) {
    (
        m.creation_time(),
        m.len(),
        i64::try_from(m.last_write_time()).unwrap_or(i64::MAX),
        0,
    )
}

/// A user account.
pub struct Account {
    /// The primary group.
    pub gid: u32,
    /// The home directory.
    pub home: PathBuf,
}

/// No password database on Windows: the caller's profile comes from `USERPROFILE`.
pub fn account(_uid: Uid) -> Option<Account> {
    None
}

/// Acting as another user needs a logon token on Windows; keyconv never does it there.
pub struct ActingAs;

/// Unsupported on Windows (never called: every path is the caller's).
pub fn act_as(_uid: Uid, _gid: u32) -> io::Result<ActingAs> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "acting as another user is not supported on Windows",
    ))
}

/// Takes the lock of `dir`: the exclusive, delete-on-close file `dir\.keyconv.lock`, held as
/// long as the returned file. Waits up to `patience`.
pub fn lock_directory(dir: &Path, patience: Duration) -> io::Result<File> {
    let path = dir.join(".keyconv.lock");
    let start = Instant::now();
    loop {
        match OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .share_mode(0)
            .custom_flags(FILE_FLAG_DELETE_ON_CLOSE)
            .open(&path)
        {
            Ok(file) => return Ok(file),
            // ERROR_SHARING_VIOLATION (32), or ERROR_ACCESS_DENIED (5) while the previous
            // holder's file is being deleted.
            Err(e) if matches!(e.raw_os_error(), Some(32 | 5)) && start.elapsed() < patience => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) if matches!(e.raw_os_error(), Some(32 | 5)) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    "locked by another process",
                ));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Whether `--force` may replace what `m` describes: a regular file or a symbolic link.
pub fn replaceable(m: &Metadata) -> bool {
    m.file_type().is_file() || m.file_type().is_symlink()
}

/// A temporary file registered for removal on a signal: nothing to do on Windows.
pub struct Registered;

/// See [`Registered`].
pub fn register_temporary(_path: &Path) -> Registered {
    Registered
}

/// Signals held back: nothing to hold on Windows.
pub struct SignalsDeferred;

/// See [`SignalsDeferred`].
pub fn defer_signals() -> SignalsDeferred {
    SignalsDeferred
}
