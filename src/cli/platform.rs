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
