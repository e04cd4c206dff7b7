//! The Unix side of [`super`]: modes, `rename(2)`, device and inode numbers.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Creates `path`, which must not exist (`O_EXCL`: never through a symbolic link), with `mode`
/// whatever the umask.
pub fn create_new(path: &Path, mode: u32) -> io::Result<File> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    Ok(file)
}

/// Puts `from` in the place of `to` atomically (`rename(2)`: a symbolic link at `to` is
/// replaced itself, never the file it points to).
pub fn replace(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to)
}

/// The bytes of an environment variable's value, exactly.
pub fn env_bytes(value: OsString) -> Option<Vec<u8>> {
    Some(value.into_vec())
}

/// Whether both paths name the same file (also through symbolic or hard links).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// `$USER`, else `$LOGNAME`, else the name of the user's account (`getpwuid_r`, through the
/// `whoami` crate, so it is right on macOS and with NSS accounts too).
pub fn user_name() -> Option<String> {
    super::first_env(&["USER", "LOGNAME"])
        .or_else(|| whoami::fallible::username().ok().filter(|u| !u.is_empty()))
}

/// The host name (`gethostname(3)`, through the `whoami` crate).
pub fn host_name() -> Option<String> {
    whoami::fallible::hostname()
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
}

/// `$HOME/.ssh/authorized_keys`, and the name of the variable for the message when it is unset.
pub fn default_authorized_keys() -> Result<PathBuf, &'static str> {
    match std::env::var_os("HOME") {
        Some(home) if !home.is_empty() => Ok(Path::new(&home).join(".ssh/authorized_keys")),
        _ => Err("HOME"),
    }
}

/// `secs` since the epoch as the local civil time `(year, month, day, hour, minute, second)`,
/// as `localtime_r` gives it (ssh-keygen prints certificate validity in local time); `None`
/// when the time is out of the C library's range.
pub fn local_civil_time(secs: u64) -> Option<(i64, u32, u32, u32, u32, u32)> {
    let t = libc::time_t::try_from(secs).ok()?;
    // SAFETY: `tm` is plain data that localtime_r fills; both pointers are valid for the call.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if !ok {
        return None;
    }
    let field = |v: libc::c_int| u32::try_from(v).ok();
    Some((
        i64::from(tm.tm_year) + 1900,
        field(tm.tm_mon)? + 1,
        field(tm.tm_mday)?,
        field(tm.tm_hour)?,
        field(tm.tm_min)?,
        field(tm.tm_sec)?,
    ))
}
