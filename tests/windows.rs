//! The Windows file layer of `keyconv.exe`, read back through the Windows API: the DACLs of
//! private outputs and `authorized_keys` files, atomic replacement, the default comment and
//! `authorized_keys` path from the environment. Built and run for `x86_64-pc-windows-gnu` (in
//! CI under Wine: `.ci/windows.sh`); on other targets this file is empty.
//!
//! The DACLs read back differ between Windows and Wine, and each test says which it expects:
//! - On Windows the file holds the descriptor keyconv gave it, so the read-back is the exact
//!   SDDL (`O:<user>D:P(A;;FA;;;<user>)` for a private output).
//! - Wine 8 keeps no security descriptor on a file. The wineserver turns the DACL it is given
//!   into the Unix mode (server/file.c `sd_to_mode`: an ACE for the user or a group the user is
//!   in gives the owner and group bits, one for Everyone the other bits; the owner is not
//!   changed, the protection flag is not kept) and renders the mode back on every read
//!   (`mode_to_sd`: SYSTEM always, the owner for the owner bits, Everyone for the other bits,
//!   never protected). What Wine can show is therefore that Everyone lost its access: an
//!   owner-only file reads back `O:<user>D:(A;;FA;;;SY)(A;;FA;;;<user>)`, where a file
//!   created without a descriptor, beside it, reads back with `(A;;0x1200a9;;;WD)` (checked in
//!   each test, so the assertion can fail). The exact descriptors keyconv builds are checked by
//!   the unit tests of src/cli/platform/windows.rs, and the ones `keyconv.exe` hands to
//!   `CreateFileW` and `SetFileSecurityW` by tests/windows-sd-trace.sh (the wineserver's log).
#![cfg(windows)]

mod common;

use std::ffi::c_void;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;

use common::{keyconv, run, tempdir, testdata};

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, LocalFree};
use windows_sys::Win32::Security::Authorization::{
    ConvertSecurityDescriptorToStringSecurityDescriptorW, ConvertSidToStringSidW,
    GetNamedSecurityInfoW, SDDL_REVISION_1, SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{
    DACL_SECURITY_INFORMATION, GetTokenInformation, OWNER_SECURITY_INFORMATION,
    PSECURITY_DESCRIPTOR, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

fn wide(path: &Path) -> Vec<u16> {
    path.as_os_str().encode_wide().chain([0]).collect()
}

/// Reads a NUL-terminated UTF-16 string allocated by Windows, and frees it.
unsafe fn take_string(text: *mut u16) -> String {
    unsafe {
        let len = (0..).take_while(|&i| *text.add(i) != 0).count();
        let s = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
        LocalFree(text.cast::<c_void>());
        s
    }
}

/// The owner and DACL of `path` as SDDL, read with GetNamedSecurityInfoW.
fn sddl(path: &Path) -> String {
    let name = wide(path);
    let mut descriptor: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    let what = OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;
    unsafe {
        let status = GetNamedSecurityInfoW(
            name.as_ptr(),
            SE_FILE_OBJECT,
            what,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut descriptor,
        );
        assert_eq!(status, 0, "GetNamedSecurityInfoW({})", path.display());
        let mut text: *mut u16 = std::ptr::null_mut();
        let ok = ConvertSecurityDescriptorToStringSecurityDescriptorW(
            descriptor,
            SDDL_REVISION_1,
            what,
            &mut text,
            std::ptr::null_mut(),
        );
        assert_ne!(
            ok, 0,
            "ConvertSecurityDescriptorToStringSecurityDescriptorW"
        );
        LocalFree(descriptor);
        take_string(text)
    }
}

#[link(name = "kernel32")]
unsafe extern "system" {
    fn GetModuleHandleW(name: *const u16) -> *mut c_void;
    fn GetProcAddress(module: *mut c_void, name: *const u8) -> *mut c_void;
}

/// Wine's version when running under Wine (its ntdll exports `wine_get_version`; Windows'
/// does not).
fn wine_version() -> Option<String> {
    let ntdll: Vec<u16> = "ntdll.dll\0".encode_utf16().collect();
    unsafe {
        let module = GetModuleHandleW(ntdll.as_ptr());
        assert!(!module.is_null(), "ntdll.dll is always loaded");
        let f = GetProcAddress(module, c"wine_get_version".as_ptr().cast());
        if f.is_null() {
            return None;
        }
        let f: unsafe extern "C" fn() -> *const std::ffi::c_char = std::mem::transmute(f);
        Some(std::ffi::CStr::from_ptr(f()).to_string_lossy().into_owned())
    }
}

/// What `GetNamedSecurityInfoW` reads back from a file whose DACL keyconv set to one that
/// only `windows` names (Everyone, Users and the like left out): `windows` itself on Windows;
/// under Wine its rendering of the owner-only Unix mode the DACL became (module comment).
fn expect_protected(path: &Path, windows: &str) {
    let got = sddl(path);
    match wine_version() {
        None => assert_eq!(got, windows, "{}", path.display()),
        Some(version) => {
            let sid = my_sid();
            println!(
                "Wine {version}: {} reads back {got} (keyconv set {windows}; Wine keeps only the Unix mode)",
                path.display()
            );
            assert_eq!(
                got,
                format!("O:{sid}D:(A;;FA;;;SY)(A;;FA;;;{sid})"),
                "{}",
                path.display()
            );
            // A file made without a descriptor in the same folder: Everyone may read it, so
            // the read-back above is the descriptor's doing.
            let control = path.with_file_name(".keyconv-test-control");
            std::fs::write(&control, b"").unwrap();
            let plain = sddl(&control);
            std::fs::remove_file(&control).unwrap();
            assert_eq!(
                plain,
                format!("{got}(A;;0x1200a9;;;WD)"),
                "a file without a descriptor"
            );
        }
    }
}

/// The SID of the user running the tests.
fn my_sid() -> String {
    unsafe {
        let mut token: HANDLE = std::ptr::null_mut();
        assert_ne!(
            OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token),
            0
        );
        let mut buffer = vec![0u64; 128];
        let mut needed = 0;
        assert_ne!(
            GetTokenInformation(
                token,
                TokenUser,
                buffer.as_mut_ptr().cast(),
                (buffer.len() * 8) as u32,
                &mut needed
            ),
            0
        );
        CloseHandle(token);
        let sid = (*buffer.as_ptr().cast::<TOKEN_USER>()).User.Sid;
        let mut text: *mut u16 = std::ptr::null_mut();
        assert_ne!(ConvertSidToStringSidW(sid, &mut text), 0);
        take_string(text)
    }
}

#[test]
fn a_private_output_has_an_owner_only_protected_dacl() {
    let dir = tempdir();
    let key = dir.path().join("id_ed25519");
    let out = run(keyconv()
        .args(["convert", "--to", "openssh", "--no-passphrase", "-o"])
        .arg(&key)
        .arg(testdata().join("ed25519.ppk3")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sid = my_sid();
    println!("DACL of {}: {}", key.display(), sddl(&key));
    // Owned by the user, protected (P: nothing inherited), one ACE: full access for the user.
    expect_protected(&key, &format!("O:{sid}D:P(A;;FA;;;{sid})"));
}

#[test]
fn generate_writes_a_private_and_a_public_file_and_comments_user_at_computer() {
    let dir = tempdir();
    let key = dir.path().join("id_ed25519");
    let out = run(keyconv()
        .args(["generate", "--no-passphrase", "-o"])
        .arg(&key)
        .env("USERNAME", "alice")
        .env("COMPUTERNAME", "DESKTOP-7")
        .env_remove("KEYCONV_NEW_PASSPHRASE"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sid = my_sid();
    expect_protected(&key, &format!("O:{sid}D:P(A;;FA;;;{sid})"));
    let public = dir.path().join("id_ed25519.pub");
    let public_sddl = sddl(&public);
    println!("DACL of {}: {public_sddl}", public.display());
    assert!(
        !public_sddl.contains("D:P("),
        "a public file keeps the inherited ACL: {public_sddl}"
    );
    if wine_version().is_some() {
        // Wine: a file without a descriptor, so Everyone may read it.
        assert!(public_sddl.ends_with("(A;;0x1200a9;;;WD)"), "{public_sddl}");
    }
    let line = std::fs::read_to_string(&public).unwrap();
    assert!(line.trim_end().ends_with(" alice@DESKTOP-7"), "{line}");
}

#[test]
fn force_replaces_atomically_and_a_failed_run_keeps_the_old_file() {
    let dir = tempdir();
    let out_path = dir.path().join("key.pem");
    std::fs::write(&out_path, b"old contents").unwrap();
    // Without --force the existing file is kept.
    let out = run(keyconv()
        .args(["convert", "--to", "pkcs8", "--no-passphrase", "-o"])
        .arg(&out_path)
        .arg(testdata().join("ecdsa-256.openssh")));
    assert!(!out.status.success());
    assert_eq!(std::fs::read(&out_path).unwrap(), b"old contents");
    // A wrong passphrase fails before anything is written.
    let wrong = dir.path().join("wrong");
    std::fs::write(&wrong, b"not the passphrase\r\n").unwrap();
    let out = run(keyconv()
        .args([
            "convert",
            "--to",
            "pkcs8",
            "--no-passphrase",
            "--force",
            "-o",
        ])
        .arg(&out_path)
        .arg("--passphrase-file")
        .arg(&wrong)
        .arg(testdata().join("ecdsa-256.pkcs8-aes128")));
    assert!(!out.status.success());
    assert_eq!(std::fs::read(&out_path).unwrap(), b"old contents");
    // With --force it is replaced (MoveFileExW), and no temporary file is left.
    let out = run(keyconv()
        .args([
            "convert",
            "--to",
            "pkcs8",
            "--no-passphrase",
            "--force",
            "-o",
        ])
        .arg(&out_path)
        .arg(testdata().join("ecdsa-256.openssh")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&out_path).unwrap();
    assert!(
        written.starts_with("-----BEGIN PRIVATE KEY-----"),
        "{written}"
    );
    let sid = my_sid();
    expect_protected(&out_path, &format!("O:{sid}D:P(A;;FA;;;{sid})"));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn authorized_keys_default_to_the_profile_and_get_the_user_and_system_only() {
    let profile = tempdir();
    let out = run(keyconv()
        .args(["authorized-keys", "add"])
        .arg(testdata().join("ed25519.pub"))
        .env("USERPROFILE", profile.path()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = profile.path().join(".ssh").join("authorized_keys");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("ssh-ed25519 "), "{text}");
    println!("DACL of {}: {}", file.display(), sddl(&file));
    let sid = my_sid();
    // The owner is the user who created it (not set by keyconv).
    expect_protected(&file, &format!("O:{sid}D:P(A;;FA;;;{sid})(A;;FA;;;SY)"));
    // Nothing to add: the DACL is set again on the file in place.
    let out = run(keyconv()
        .args(["authorized-keys", "add"])
        .arg(testdata().join("ed25519.pub"))
        .env("USERPROFILE", profile.path()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nothing to add"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    expect_protected(&file, &format!("O:{sid}D:P(A;;FA;;;{sid})(A;;FA;;;SY)"));
}

#[test]
fn administrators_authorized_keys_get_system_and_administrators_only() {
    let program_data = tempdir();
    let file = program_data
        .path()
        .join("ssh")
        .join("administrators_authorized_keys");
    let out = run(keyconv()
        .args(["authorized-keys", "add", "--file"])
        .arg(&file)
        .arg(testdata().join("rsa-3072.pub")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("DACL of {}: {}", file.display(), sddl(&file));
    expect_protected(&file, "O:BAD:P(A;;FA;;;SY)(A;;FA;;;BA)");
    // A second add keeps the line and the DACL.
    let out = run(keyconv()
        .args(["authorized-keys", "add", "--file"])
        .arg(&file)
        .arg(testdata().join("ed25519.pub")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 2);
    expect_protected(&file, "O:BAD:P(A;;FA;;;SY)(A;;FA;;;BA)");
}

#[test]
fn a_passphrase_from_the_environment_is_its_utf8() {
    let passphrase = String::from_utf8(common::passphrase("passphrase-utf8")).unwrap();
    let entry = common::manifest()
        .into_iter()
        .find(|e| e.format == "pkcs8" && e.passphrase_file.as_deref() == Some("passphrase-utf8"))
        .expect("a PKCS#8 key encrypted with passphrase-utf8");
    let out = run(keyconv()
        .args(["public"])
        .arg(entry.path())
        .env("KEYCONV_PASSPHRASE", &passphrase));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        common::type_and_blob(&String::from_utf8_lossy(&out.stdout)),
        entry.reference_type_and_blob()
    );
}
