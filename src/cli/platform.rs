//! What differs between operating systems, behind one set of functions with the same names and
//! signatures on each: creating a file exclusively with the permissions of a private or a public
//! output, replacing a file atomically, identifying files, the bytes of an environment variable,
//! the user and host names of the default comment, and where `authorized_keys` lives.
//!
//! Unix (Linux, macOS, the BSDs) uses modes; Windows uses DACLs: a private output gets an
//! owner-only, protected DACL (no inherited ACEs), which is what Win32-OpenSSH's `ssh` accepts
//! for a private key. The rest of the CLI says "private" or "public" with a Unix mode
//! ([`super::output::PRIVATE_MODE`], [`super::output::PUBLIC_MODE`]); a mode without group or
//! other bits is private on Windows.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

/// `USER@HOST` for the default comment of a new key, as ssh-keygen's; a half that is unknown is
/// left out.
pub fn user_at_host() -> String {
    match (user_name(), host_name()) {
        (Some(u), Some(h)) => format!("{u}@{h}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => String::new(),
    }
}

/// The first of the environment variables `names` that is set and not empty.
fn first_env(names: &[&str]) -> Option<String> {
    names
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|u| !u.is_empty())
}

/// `secs` since the epoch as UTC civil time `(year, month, day, hour, minute, second)`
/// (Howard Hinnant's `civil_from_days`).
pub fn utc_civil_time(secs: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let small = |v: i64| u32::try_from(v).unwrap_or(0);
    let rem = u32::try_from(rem).unwrap_or(0);
    (
        year,
        small(month),
        small(day),
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
    )
}

/// `secs` as ssh-keygen prints a certificate time: local time, `%Y-%m-%dT%H:%M:%S`
/// (UTC where the local time is not known).
pub fn certificate_time(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = local_civil_time(secs).unwrap_or_else(|| utc_civil_time(secs));
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
}

/// `secs` as an RFC 3339 UTC time, `2026-01-01T00:00:00Z`.
pub fn rfc3339_utc(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = utc_civil_time(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}
