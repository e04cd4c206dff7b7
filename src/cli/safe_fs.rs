//! The operating-system layer of keyconv's file writes: who the caller is, who owns what,
//! acting as another user, locks, and removing temporary files when a signal ends the run.
//!
//! Everything here is Unix (`cfg(unix)`); a Windows build provides the same functions with the
//! same meaning (a `cfg(windows)` twin of this module), so that no command touches
//! `std::os::unix` itself.
//!
//! Decisions:
//! - Temporary files are removed on SIGINT/SIGTERM/SIGHUP by a signal handler rather than made
//!   nameless with Linux's `O_TMPFILE` + `linkat`: the handler works on every Unix (macOS and the
//!   BSDs have no `O_TMPFILE`), and `--force` needs a rename over the old file anyway, so an
//!   `O_TMPFILE` file would still get a temporary name for a moment. The handler only calls
//!   `unlink(2)` (async-signal-safe) on the names registered, then re-raises the signal with its
//!   default action, so the exit status still says which signal ended the run. A signal whose
//!   disposition was "ignore" when keyconv started (`nohup`) stays ignored.
//! - A write of several files runs with those signals held back ([`defer_signals`]): a signal
//!   that arrives between the first and the last rename is acted on once all are in place or
//!   all are rolled back, never in between.

use std::ffi::{CString, OsStr};
use std::fs::{self, File, Metadata};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::Once;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::{Duration, Instant};

/// A user id.
pub type Uid = u32;

/// The effective user id of this process.
pub fn current_uid() -> Uid {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The owner of what `m` describes.
pub fn owner(m: &Metadata) -> Uid {
    m.uid()
}

/// The group of what `m` describes.
pub fn group(m: &Metadata) -> u32 {
    m.gid()
}

/// The permission bits (with setuid/setgid/sticky) of what `m` describes.
pub fn mode(m: &Metadata) -> u32 {
    m.mode() & 0o7777
}

/// Sets the permission bits of `path`.
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

/// Creates `dir` and its missing parents with mode 0700 (owner only).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Gives `path` (not following a symbolic link) to `uid` and `gid`.
pub fn set_owner(path: &Path, uid: Uid, gid: u32) -> io::Result<()> {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid))
}

/// What identifies a file's content as read: inode, size and modification time.
pub fn version(m: &Metadata) -> (u64, u64, i64, i64) {
    (m.ino(), m.len(), m.mtime(), m.mtime_nsec())
}

/// A user account from the password database.
pub struct Account {
    /// The primary group.
    pub gid: u32,
    /// The home directory.
    pub home: PathBuf,
}

/// The account of `uid` in the password database (`getpwuid_r`), if there is one.
pub fn account(uid: Uid) -> Option<Account> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: an all-zero passwd is a valid value of this plain C struct.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = ptr::null_mut();
    // SAFETY: every pointer is valid for the sizes passed; getpwuid_r writes only into them.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || pwd.pw_dir.is_null() {
        return None;
    }
    // SAFETY: pw_dir points into `buf`, NUL-terminated, as getpwuid_r succeeded.
    let home = unsafe { std::ffi::CStr::from_ptr(pwd.pw_dir) };
    Some(Account {
        gid: pwd.pw_gid,
        home: PathBuf::from(OsStr::from_bytes(home.to_bytes())),
    })
}

/// While alive, this process acts with another user's effective ids (OpenSSH's
/// `temporarily_use_uid`): the kernel then refuses whatever that user could not do, whatever
/// the user changes in the path meanwhile. Dropped, root's ids are back.
pub struct ActingAs {
    groups: Vec<libc::gid_t>,
    egid: libc::gid_t,
}

/// Acts as `uid`/`gid` (effective ids and groups) until the guard is dropped. Only root can.
pub fn act_as(uid: Uid, gid: u32) -> io::Result<ActingAs> {
    // SAFETY: getegid cannot fail.
    let egid = unsafe { libc::getegid() };
    // SAFETY: a count of 0 asks for the number of groups only.
    let n = unsafe { libc::getgroups(0, ptr::null_mut()) };
    let mut groups = vec![0 as libc::gid_t; usize::try_from(n).unwrap_or(0)];
    if !groups.is_empty() {
        // SAFETY: `groups` has room for `n` entries.
        let got = unsafe { libc::getgroups(n, groups.as_mut_ptr()) };
        groups.truncate(usize::try_from(got).unwrap_or(0));
    }
    let guard = ActingAs { groups, egid };
    let one = [gid];
    // SAFETY: plain system calls on valid arguments; their failure is checked.
    unsafe {
        if libc::setgroups(1, one.as_ptr()) != 0 || libc::setegid(gid) != 0 {
            return Err(io::Error::last_os_error());
        }
        if libc::seteuid(uid) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(guard)
}

impl Drop for ActingAs {
    fn drop(&mut self) {
        // SAFETY: back to root's ids, saved when the guard was made (the saved set-user-ID is
        // still 0, so seteuid(0) succeeds).
        unsafe {
            let _ = libc::seteuid(0);
            let _ = libc::setegid(self.egid);
            let _ = libc::setgroups(self.groups.len() as _, self.groups.as_ptr());
        }
    }
}

/// Takes an exclusive lock on the directory `dir` (`flock(2)`): one editor of the files in it
/// at a time. The lock lives as long as the returned file. Waits up to `patience`.
pub fn lock_directory(dir: &Path, patience: Duration) -> io::Result<File> {
    let handle = File::open(dir)?;
    let start = Instant::now();
    loop {
        match handle.try_lock() {
            Ok(()) => return Ok(handle),
            Err(fs::TryLockError::WouldBlock) if start.elapsed() < patience => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    "locked by another process",
                ));
            }
            Err(fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// Whether `--force` may replace what `m` describes: a regular file or a symbolic link, never
/// a device, FIFO, socket or directory.
pub fn replaceable(m: &Metadata) -> bool {
    m.file_type().is_file() || m.file_type().is_symlink()
}

const SLOTS: usize = 64;
/// The temporary files to remove if a signal ends the run: leaked C strings, so the handler
/// never reads freed memory.
static TEMPORARIES: [AtomicPtr<libc::c_char>; SLOTS] =
    [const { AtomicPtr::new(ptr::null_mut()) }; SLOTS];
static HANDLER: Once = Once::new();
const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

extern "C" fn on_signal(signal: libc::c_int) {
    for slot in &TEMPORARIES {
        let name = slot.swap(ptr::null_mut(), Ordering::SeqCst);
        if !name.is_null() {
            // SAFETY: `name` is a leaked, NUL-terminated C string; unlink is
            // async-signal-safe.
            unsafe {
                libc::unlink(name);
            }
        }
    }
    // SAFETY: signal and raise are async-signal-safe; the default action then ends the run.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

fn install_handler() {
    HANDLER.call_once(|| {
        for signal in SIGNALS {
            // SAFETY: installs a handler that only calls async-signal-safe functions; the old
            // disposition is read first so an ignored signal stays ignored.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, ptr::null(), &mut old) != 0
                    || old.sa_sigaction == libc::SIG_IGN
                {
                    continue;
                }
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, ptr::null_mut());
            }
        }
    });
}

/// A temporary file that a signal handler removes if the run ends by SIGINT/SIGTERM/SIGHUP
/// before [`Registered`] is dropped.
pub struct Registered {
    slot: Option<usize>,
}

/// Registers `path` for removal by the signal handler (installed on first use).
pub fn register_temporary(path: &Path) -> Registered {
    install_handler();
    let Ok(name) = CString::new(path.as_os_str().as_bytes()) else {
        return Registered { slot: None };
    };
    let raw = name.into_raw();
    for (i, slot) in TEMPORARIES.iter().enumerate() {
        if slot
            .compare_exchange(ptr::null_mut(), raw, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return Registered { slot: Some(i) };
        }
    }
    // More than SLOTS files in flight at once: this one is not covered (documented limit).
    // SAFETY: `raw` came from into_raw above and was not shared.
    drop(unsafe { CString::from_raw(raw) });
    Registered { slot: None }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.and_then(|i| TEMPORARIES.get(i)) {
            // The string is leaked on purpose (a few bytes per file): the handler may have
            // loaded the pointer just before this swap.
            slot.store(ptr::null_mut(), Ordering::SeqCst);
        }
    }
}

/// While alive, SIGINT/SIGTERM/SIGHUP are held back (not lost); dropped, a pending one is acted
/// on.
pub struct SignalsDeferred {
    old: libc::sigset_t,
}

/// Holds back SIGINT/SIGTERM/SIGHUP for the calling thread until the guard is dropped.
pub fn defer_signals() -> SignalsDeferred {
    install_handler();
    // SAFETY: sigset operations on local, initialised sets.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for signal in SIGNALS {
            libc::sigaddset(&mut set, signal);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old);
        SignalsDeferred { old }
    }
}

impl Drop for SignalsDeferred {
    fn drop(&mut self) {
        // SAFETY: restores the mask saved by defer_signals.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.old, ptr::null_mut());
        }
    }
}
