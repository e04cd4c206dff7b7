//! Rewriting a file in place (`edit`, `fips-check --fix`) over the atomic write layer of
//! [`super::output`]: the new content under a temporary name, given the old file's mode and
//! owner, then renamed over it, signals held back meanwhile; optionally the old file kept as a
//! backup and a new companion file (a `.pub`) put in place with it, all or none. On any failure
//! the old file is intact and nothing new is left behind.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use keyconv::error::{Error, ErrorKind};

use super::input;
use super::output::{self, Staged};
use super::safe_fs;

/// `FILE.bak`.
pub(crate) fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".bak");
    PathBuf::from(name)
}

/// A new file to put in place together with the rewrite: its path, content and mode. It must
/// not exist (it is never replaced).
pub(crate) struct Companion<'a> {
    pub path: &'a Path,
    pub data: &'a [u8],
    pub mode: u32,
}

/// Replaces the regular file `path` by `data`, keeping its mode and owner; with `backup`, the
/// old file stays under that name; with `companion`, that new file appears too (owned as `path`
/// is), or neither change happens.
pub(crate) fn replace_in_place(
    path: &Path,
    data: &[u8],
    backup: Option<&Path>,
    companion: Option<Companion<'_>>,
) -> Result<(), Error> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| input::io_error("cannot open", e))?;
    if meta.file_type().is_symlink() {
        return Err(Error::new(ErrorKind::Io(
            "a symbolic link: not followed".into(),
        )));
    }
    if !meta.file_type().is_file() {
        return Err(Error::new(ErrorKind::Io(
            "not a regular file: left as it is".into(),
        )));
    }
    let (mode, uid, gid) = (
        safe_fs::mode(&meta),
        safe_fs::owner(&meta),
        safe_fs::group(&meta),
    );
    let staged = output::stage(path, data, mode)?;
    give(&staged, mode, uid, gid)?;
    let extra = match &companion {
        Some(c) => {
            let s = output::stage(c.path, c.data, c.mode)?;
            give(&s, c.mode, uid, gid)?;
            Some(s)
        }
        None => None,
    };
    let _deferred = safe_fs::defer_signals();
    if let Some(bak) = backup {
        keep_backup(path, bak)?;
    }
    let undo_backup = || {
        if let Some(bak) = backup {
            let _ = std::fs::remove_file(bak);
        }
    };
    // The companion first (a new name: never replaces anything), then the rewrite; if the
    // rewrite fails, the companion goes again.
    if let (Some(s), Some(c)) = (extra, &companion) {
        s.commit(false).inspect_err(|_| undo_backup())?;
        staged.commit(true).inspect_err(|_| {
            let _ = std::fs::remove_file(c.path);
            undo_backup();
        })
    } else {
        staged.commit(true).inspect_err(|_| undo_backup())
    }
}

/// Gives the temporary file `uid`:`gid` (when not already its) and then `mode` (chown(2) may
/// clear set-id bits).
fn give(staged: &Staged, mode: u32, uid: u32, gid: u32) -> Result<(), Error> {
    let tmp = staged.temp_path();
    let cannot = |e| input::io_error("cannot give the new file the old one's owner", e);
    let now = std::fs::symlink_metadata(tmp).map_err(cannot)?;
    if (safe_fs::owner(&now), safe_fs::group(&now)) != (uid, gid) {
        safe_fs::set_owner(tmp, uid, gid).map_err(cannot)?;
        safe_fs::set_mode(tmp, mode).map_err(cannot)?;
    }
    Ok(())
}

/// Keeps the old file as `bak`: a hard link (the same inode: mode, owner and times kept), else a
/// copy. Never replaces an existing `bak`.
fn keep_backup(path: &Path, bak: &Path) -> Result<(), Error> {
    let cannot = |e| input::io_error(&format!("cannot keep {}", output::shown(bak)), e);
    match std::fs::hard_link(path, bak) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(Error::new(ErrorKind::Io(format!(
                "{} exists: remove it or edit without --backup",
                output::shown(bak)
            ))))
        }
        Err(_) => {
            let bytes = Zeroizing::new(std::fs::read(path).map_err(cannot)?);
            let meta = std::fs::metadata(path).map_err(cannot)?;
            let staged = output::stage(bak, &bytes, safe_fs::mode(&meta))?;
            give(
                &staged,
                safe_fs::mode(&meta),
                safe_fs::owner(&meta),
                safe_fs::group(&meta),
            )?;
            staged.commit(false)
        }
    }
}
