//! The Windows side of [`super`]: DACLs instead of modes, `MoveFileExW`, volume serial and file
//! index numbers.
//!
//! Decisions:
//! - A private output (a mode without group or other bits) is created with the security
//!   descriptor `O:<user>D:P(A;;FA;;;<user>)`: owned by the user running keyconv, a protected
//!   DACL (nothing inherited from the directory) with one ACE, full access for that user. That
//!   is what Win32-OpenSSH's `ssh` accepts for a private key (it refuses a key that other users
//!   may read, which an inherited ACL of a folder often allows). The descriptor is given to
//!   `CreateFileW` itself, so the file never exists with the directory's ACL, not even briefly.
//! - A public output gets the directory's inherited ACL, as any new file.
//! - `authorized_keys` files get `D:P(A;;FA;;;<user>)(A;;FA;;;SY)`: the user and SYSTEM (the
//!   account sshd reads it as); `administrators_authorized_keys` (by file name, wherever it is)
//!   gets `O:BAD:P(A;;FA;;;SY)(A;;FA;;;BA)`, owned by Administrators, SYSTEM and Administrators
//!   only, as Win32-OpenSSH requires for it.
//! - Replacing is `MoveFileExW(MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)`: atomic on
//!   one volume, and the rename is on disk when it returns.
//! - A descriptor set on an existing file (`authorized_keys`) is given with `SetFileSecurityW`,
//!   which hands it to the file system as it is, protection flag (`P`) included. For a file,
//!   which has no children to propagate to, that is what `SetNamedSecurityInfoW` with
//!   `PROTECTED_DACL_SECURITY_INFORMATION` does on Windows; Wine's `SetNamedSecurityInfoW`
//!   instead drops the flag and appends the folder's inheritable entries (Everyone included),
//!   so CI could not see the descriptor through it (README "Windows").
//! - Security descriptors are written as SDDL strings and parsed by Windows
//!   (`ConvertStringSecurityDescriptorToSecurityDescriptorW`) rather than assembled ACE by ACE
//!   by hand: shorter, and the same text the README and the tests show. No crate wraps this
//!   part of the Win32 API in a maintained way; `windows-sys` gives the raw functions, so the
//!   few `unsafe` calls live here, each with its reason.

use std::ffi::{OsStr, OsString, c_void};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::{AsRawHandle, FromRawHandle};
use std::path::{Path, PathBuf};

use windows_sys::Win32::Foundation::{
    CloseHandle, GENERIC_WRITE, HANDLE, INVALID_HANDLE_VALUE, LocalFree,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
};
use windows_sys::Win32::Security::{
    DACL_SECURITY_INFORMATION, GetSecurityDescriptorOwner, GetTokenInformation,
    OBJECT_SECURITY_INFORMATION, OWNER_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, PSID,
    SECURITY_ATTRIBUTES, SetFileSecurityW, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::Storage::FileSystem::{
    BY_HANDLE_FILE_INFORMATION, CREATE_NEW, CreateFileW, FILE_ATTRIBUTE_NORMAL,
    GetFileInformationByHandle, MOVEFILE_REPLACE_EXISTING, MOVEFILE_WRITE_THROUGH, MoveFileExW,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

/// Creates `path`, which must not exist: with an owner-only DACL when `mode` has no group or
/// other bits (a private output), else with the directory's inherited ACL.
pub fn create_new(path: &Path, mode: u32) -> io::Result<File> {
    if mode & 0o077 != 0 {
        return OpenOptions::new().write(true).create_new(true).open(path);
    }
    let descriptor = private_descriptor()?;
    let wide = wide(path.as_os_str())?;
    let attributes = SECURITY_ATTRIBUTES {
        nLength: size_of::<SECURITY_ATTRIBUTES>() as u32,
        lpSecurityDescriptor: descriptor.0,
        bInheritHandle: 0,
    };
    // SAFETY: `wide` is a NUL-terminated UTF-16 string and `attributes` points to a valid
    // security descriptor; both outlive the call. CREATE_NEW fails if anything (a link
    // included) exists at the path.
    let handle = unsafe {
        CreateFileW(
            wide.as_ptr(),
            GENERIC_WRITE,
            0,
            &attributes,
            CREATE_NEW,
            FILE_ATTRIBUTE_NORMAL,
            std::ptr::null_mut(),
        )
    };
    if handle == INVALID_HANDLE_VALUE {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `handle` is a file handle just opened and owned by nobody else.
    Ok(unsafe { File::from_raw_handle(handle) })
}

/// Puts `from` in the place of `to` atomically, replacing what is there, and on disk when it
/// returns (`MoveFileExW` with `MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH`).
pub fn replace(from: &Path, to: &Path) -> io::Result<()> {
    let (from, to) = (wide(from.as_os_str())?, wide(to.as_os_str())?);
    // SAFETY: both are NUL-terminated UTF-16 strings that outlive the call.
    let ok = unsafe {
        MoveFileExW(
            from.as_ptr(),
            to.as_ptr(),
            MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The bytes of an environment variable's value: its UTF-8 encoding (Windows keeps UTF-16);
/// `None` when it is not valid Unicode.
pub fn env_bytes(value: OsString) -> Option<Vec<u8>> {
    value.into_string().ok().map(String::into_bytes)
}

/// Whether both paths name the same file (also through links): the same volume serial number
/// and file index.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (file_id(a), file_id(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

fn file_id(path: &Path) -> Option<(u32, u32, u32)> {
    let file = File::open(path).ok()?;
    let mut info = BY_HANDLE_FILE_INFORMATION::default();
    // SAFETY: the handle is open for the call's duration and `info` is a valid out-pointer.
    let ok = unsafe { GetFileInformationByHandle(file.as_raw_handle() as HANDLE, &mut info) };
    (ok != 0).then_some((
        info.dwVolumeSerialNumber,
        info.nFileIndexHigh,
        info.nFileIndexLow,
    ))
}

/// `%USERNAME%`.
pub fn user_name() -> Option<String> {
    super::first_env(&["USERNAME"])
}

/// `%COMPUTERNAME%`.
pub fn host_name() -> Option<String> {
    super::first_env(&["COMPUTERNAME"])
}

/// `%USERPROFILE%\.ssh\authorized_keys`, and the name of the variable for the message when it
/// is unset.
pub fn default_authorized_keys() -> Result<PathBuf, &'static str> {
    match std::env::var_os("USERPROFILE") {
        Some(home) if !home.is_empty() => Ok(Path::new(&home).join(".ssh").join("authorized_keys")),
        _ => Err("USERPROFILE"),
    }
}

/// Whether `path` is Win32-OpenSSH's file for administrators' keys,
/// `%ProgramData%\ssh\administrators_authorized_keys` (recognised by its file name).
pub fn is_administrators_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("administrators_authorized_keys"))
}

/// Gives the (staged) `authorized_keys` file at `path` the DACL Win32-OpenSSH's sshd wants for
/// the file that will be `destination`: the user's and SYSTEM's, or, for
/// `administrators_authorized_keys`, SYSTEM's and Administrators' only. Returns the SDDL set.
pub fn protect_authorized_keys(path: &Path, destination: &Path) -> io::Result<String> {
    let sddl = authorized_keys_sddl(destination, &current_user_sid()?);
    SecurityDescriptor::parse(&sddl)?.apply(path)?;
    Ok(sddl)
}

/// The descriptor of a private output, for the user running keyconv (what `create_new` gives
/// `CreateFileW`).
fn private_descriptor() -> io::Result<SecurityDescriptor> {
    SecurityDescriptor::parse(&private_sddl(&current_user_sid()?))
}

/// The SDDL of a private output owned by `sid`: owner-only, protected.
fn private_sddl(sid: &str) -> String {
    format!("O:{sid}D:P(A;;FA;;;{sid})")
}

/// The SDDL of an `authorized_keys` file that will be `destination`, for the user `sid`: the
/// user and SYSTEM; for `administrators_authorized_keys`, owner Administrators and SYSTEM and
/// Administrators only. Protected in both cases.
fn authorized_keys_sddl(destination: &Path, sid: &str) -> String {
    if is_administrators_file(destination) {
        "O:BAD:P(A;;FA;;;SY)(A;;FA;;;BA)".to_owned()
    } else {
        format!("D:P(A;;FA;;;{sid})(A;;FA;;;SY)")
    }
}

/// A security descriptor parsed from SDDL by Windows, freed with `LocalFree`.
struct SecurityDescriptor(PSECURITY_DESCRIPTOR);

impl SecurityDescriptor {
    fn parse(sddl: &str) -> io::Result<SecurityDescriptor> {
        let text = wide(OsStr::new(sddl))?;
        let mut descriptor: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
        // SAFETY: `text` is NUL-terminated; on success Windows stores a LocalAlloc'ed
        // descriptor in `descriptor`, which `Drop` frees.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                text.as_ptr(),
                SDDL_REVISION_1,
                &mut descriptor,
                std::ptr::null_mut(),
            )
        };
        if ok == 0 || descriptor.is_null() {
            return Err(io::Error::last_os_error());
        }
        Ok(SecurityDescriptor(descriptor))
    }

    /// Gives the file at `path` this descriptor's DACL (protected: the descriptor says so) and,
    /// when it names one, its owner, with `SetFileSecurityW`: the descriptor reaches the file
    /// system as it is.
    fn apply(&self, path: &Path) -> io::Result<()> {
        let (mut owner, mut defaulted): (PSID, _) = (std::ptr::null_mut(), 0);
        // SAFETY: `self.0` is a valid descriptor; the out-pointers are valid.
        if unsafe { GetSecurityDescriptorOwner(self.0, &mut owner, &mut defaulted) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut what: OBJECT_SECURITY_INFORMATION = DACL_SECURITY_INFORMATION;
        if !owner.is_null() {
            what |= OWNER_SECURITY_INFORMATION;
        }
        let name = wide(path.as_os_str())?;
        // SAFETY: `name` is NUL-terminated and `self.0` a valid descriptor; both outlive the
        // call.
        if unsafe { SetFileSecurityW(name.as_ptr(), what, self.0) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

impl Drop for SecurityDescriptor {
    fn drop(&mut self) {
        // SAFETY: the descriptor was allocated by Windows with LocalAlloc and is freed once.
        unsafe { LocalFree(self.0) };
    }
}

/// The SID of the user running keyconv (its process token's user), as a string `S-1-5-21-…`.
pub fn current_user_sid() -> io::Result<String> {
    let mut token: HANDLE = std::ptr::null_mut();
    // SAFETY: GetCurrentProcess returns a pseudo-handle; `token` is a valid out-pointer and is
    // closed below.
    if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let result = token_user_sid(token);
    // SAFETY: `token` was opened above and is closed once.
    unsafe { CloseHandle(token) };
    result
}

fn token_user_sid(token: HANDLE) -> io::Result<String> {
    let mut needed = 0u32;
    // SAFETY: a size query: no buffer, `needed` receives the size.
    unsafe { GetTokenInformation(token, TokenUser, std::ptr::null_mut(), 0, &mut needed) };
    if needed == 0 || needed > 1 << 16 {
        return Err(io::Error::last_os_error());
    }
    // u64 elements: aligned enough for TOKEN_USER.
    let mut buffer = vec![0u64; (needed as usize).div_ceil(8)];
    // SAFETY: `buffer` has room for `needed` bytes.
    let ok = unsafe {
        GetTokenInformation(
            token,
            TokenUser,
            buffer.as_mut_ptr().cast::<c_void>(),
            needed,
            &mut needed,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: on success the buffer starts with a TOKEN_USER whose SID points into the buffer.
    let sid = unsafe { (*buffer.as_ptr().cast::<TOKEN_USER>()).User.Sid };
    let mut text: *mut u16 = std::ptr::null_mut();
    // SAFETY: `sid` is valid while `buffer` lives; Windows LocalAlloc's `text`, freed below.
    if unsafe { ConvertSidToStringSidW(sid, &mut text) } == 0 || text.is_null() {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `text` is a NUL-terminated UTF-16 string allocated by Windows.
    let string = unsafe {
        let len = (0..).take_while(|&i| *text.add(i) != 0).count();
        String::from_utf16_lossy(std::slice::from_raw_parts(text, len))
    };
    // SAFETY: allocated by ConvertSidToStringSidW with LocalAlloc, freed once.
    unsafe { LocalFree(text.cast::<c_void>()) };
    Ok(string)
}

/// `text` as a NUL-terminated UTF-16 string; an error when it holds a NUL itself.
fn wide(text: &OsStr) -> io::Result<Vec<u16>> {
    let mut wide: Vec<u16> = text.encode_wide().collect();
    if wide.contains(&0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a path with a NUL character",
        ));
    }
    wide.push(0);
    Ok(wide)
}

/// Local civil time is not looked up on Windows: certificate times are shown in UTC there.
pub fn local_civil_time(_secs: u64) -> Option<(i64, u32, u32, u32, u32, u32)> {
    None
}

/// The descriptors keyconv hands to Windows, read back from the binary form `CreateFileW` and
/// `SetFileSecurityW` receive: control bits, owner, and every ACE (type, flags, mask, SID). Run
/// under Wine in CI, where this is the only place the exact descriptor can be checked: Wine keeps
/// no descriptor on a file (README "Windows"), so what `GetNamedSecurityInfoW` reads back there
/// is derived from the Unix mode (tests/windows.rs).
#[cfg(test)]
mod tests {
    use super::*;
    use windows_sys::Win32::Security::Authorization::ConvertSecurityDescriptorToStringSecurityDescriptorW;
    use windows_sys::Win32::Security::{
        ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, GetAce, GetSecurityDescriptorControl,
        GetSecurityDescriptorDacl, SE_DACL_PRESENT, SE_DACL_PROTECTED,
    };
    use windows_sys::Win32::Storage::FileSystem::FILE_ALL_ACCESS;

    /// What a descriptor holds.
    #[derive(Debug, PartialEq)]
    struct Described {
        sddl: String,
        protected: bool,
        dacl_present: bool,
        owner: Option<String>,
        /// (ACE type, ACE flags, access mask, SID) for each ACE, in order.
        aces: Vec<(u8, u8, u32, String)>,
    }

    fn sid_string(sid: PSID) -> String {
        let mut text: *mut u16 = std::ptr::null_mut();
        // SAFETY: `sid` points into a live descriptor; `text` is LocalAlloc'ed by Windows.
        unsafe {
            assert_ne!(ConvertSidToStringSidW(sid, &mut text), 0);
            let len = (0..).take_while(|&i| *text.add(i) != 0).count();
            let s = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
            LocalFree(text.cast::<c_void>());
            s
        }
    }

    fn describe(d: &SecurityDescriptor) -> Described {
        // SAFETY: `d.0` is a valid descriptor for the whole function; every out-pointer is
        // valid, and what Windows returns points into the descriptor or is LocalFree'd.
        unsafe {
            let what = OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;
            let mut text: *mut u16 = std::ptr::null_mut();
            assert_ne!(
                ConvertSecurityDescriptorToStringSecurityDescriptorW(
                    d.0,
                    SDDL_REVISION_1,
                    what,
                    &mut text,
                    std::ptr::null_mut()
                ),
                0
            );
            let len = (0..).take_while(|&i| *text.add(i) != 0).count();
            let sddl = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
            LocalFree(text.cast::<c_void>());
            let (mut control, mut revision) = (0u16, 0u32);
            assert_ne!(
                GetSecurityDescriptorControl(d.0, &mut control, &mut revision),
                0
            );
            let (mut owner, mut defaulted): (PSID, _) = (std::ptr::null_mut(), 0);
            assert_ne!(
                GetSecurityDescriptorOwner(d.0, &mut owner, &mut defaulted),
                0
            );
            let (mut present, mut dacl): (_, *mut ACL) = (0, std::ptr::null_mut());
            assert_ne!(
                GetSecurityDescriptorDacl(d.0, &mut present, &mut dacl, &mut defaulted),
                0
            );
            let mut aces = Vec::new();
            if !dacl.is_null() {
                for i in 0..u32::from((*dacl).AceCount) {
                    let mut ace: *mut c_void = std::ptr::null_mut();
                    assert_ne!(GetAce(dacl, i, &mut ace), 0);
                    let header = &*ace.cast::<ACE_HEADER>();
                    let allowed = &*ace.cast::<ACCESS_ALLOWED_ACE>();
                    let sid = std::ptr::addr_of!(allowed.SidStart)
                        .cast_mut()
                        .cast::<c_void>();
                    aces.push((
                        header.AceType,
                        header.AceFlags,
                        allowed.Mask,
                        sid_string(sid),
                    ));
                }
            }
            Described {
                sddl,
                protected: control & SE_DACL_PROTECTED != 0,
                dacl_present: control & SE_DACL_PRESENT != 0 && present != 0,
                owner: (!owner.is_null()).then(|| sid_string(owner)),
                aces,
            }
        }
    }

    /// ACCESS_ALLOWED_ACE_TYPE, no inheritance flags, FILE_ALL_ACCESS (SDDL `FA`).
    fn full_access(sid: &str) -> (u8, u8, u32, String) {
        (0, 0, FILE_ALL_ACCESS, sid.to_owned())
    }

    fn user() -> String {
        let sid = current_user_sid().unwrap();
        // A user's SID (S-1-5-21-domain-RID), never a well-known account.
        assert!(sid.starts_with("S-1-5-21-"), "{sid}");
        sid
    }

    #[test]
    fn a_private_output_is_created_owner_only_and_protected() {
        let sid = user();
        let got = describe(&private_descriptor().unwrap());
        assert_eq!(
            got,
            Described {
                sddl: format!("O:{sid}D:P(A;;FA;;;{sid})"),
                protected: true,
                dacl_present: true,
                owner: Some(sid.clone()),
                aces: vec![full_access(&sid)],
            }
        );
    }

    #[test]
    fn a_user_authorized_keys_file_gets_the_user_and_system() {
        let sid = user();
        let path = Path::new(r"C:\Users\alice\.ssh\authorized_keys");
        let got = describe(&SecurityDescriptor::parse(&authorized_keys_sddl(path, &sid)).unwrap());
        assert_eq!(
            got,
            Described {
                sddl: format!("D:P(A;;FA;;;{sid})(A;;FA;;;SY)"),
                protected: true,
                dacl_present: true,
                owner: None,
                aces: vec![full_access(&sid), full_access("S-1-5-18")],
            }
        );
    }

    #[test]
    fn administrators_authorized_keys_get_system_and_administrators_only() {
        let sid = user();
        for name in [
            r"C:\ProgramData\ssh\administrators_authorized_keys",
            r"D:\elsewhere\Administrators_Authorized_Keys",
        ] {
            let got = describe(
                &SecurityDescriptor::parse(&authorized_keys_sddl(Path::new(name), &sid)).unwrap(),
            );
            assert_eq!(
                got,
                Described {
                    sddl: "O:BAD:P(A;;FA;;;SY)(A;;FA;;;BA)".to_owned(),
                    protected: true,
                    dacl_present: true,
                    owner: Some("S-1-5-32-544".to_owned()),
                    aces: vec![full_access("S-1-5-18"), full_access("S-1-5-32-544")],
                },
                "{name}"
            );
        }
    }

    #[test]
    fn sddl_that_windows_cannot_parse_is_an_error() {
        assert!(SecurityDescriptor::parse("D:P(A;;FA;;;not-a-sid)").is_err());
    }
}
