//! Rewriting a file in place (`edit`, `fips-check --fix`): atomically, keeping the old file's
//! mode and owner, optionally keeping the old file as a backup; on any failure the old file is
//! intact and nothing new is left behind.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use keyconv::error::{Error, ErrorKind};

use super::input;
use super::output;

/// `FILE.bak`.
pub(crate) fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".bak");
    PathBuf::from(name)
}

/// Replaces `path` by `data` atomically, keeping its mode and owner; with `backup`, the old file
/// stays as that name (a hard link to it, else a copy). On any failure the old file is intact and
/// no new file is left behind.
pub(crate) fn replace_in_place(
    path: &Path,
    data: &[u8],
    backup: Option<&Path>,
) -> Result<(), Error> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(path).map_err(|e| input::io_error("cannot open", e))?;
    if !meta.file_type().is_file() {
        return Err(Error::new(ErrorKind::Io(
            "not a regular file: left as it is".into(),
        )));
    }
    let staged = output::stage(path, data, meta.mode() & 0o7777)?;
    let tmp = staged.temp_path();
    let tmp_meta = std::fs::metadata(tmp).map_err(|e| input::io_error("cannot write", e))?;
    if (tmp_meta.uid(), tmp_meta.gid()) != (meta.uid(), meta.gid()) {
        std::os::unix::fs::chown(tmp, Some(meta.uid()), Some(meta.gid()))
            .map_err(|e| input::io_error("cannot give the new file the owner of the old one", e))?;
        // chown(2) may clear set-id bits: give the mode again.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(meta.mode() & 0o7777))
            .map_err(|e| input::io_error("cannot write", e))?;
    }
    if let Some(bak) = backup {
        keep_backup(path, bak)?;
    }
    staged.commit(true).inspect_err(|_| {
        if let Some(bak) = backup {
            let _ = std::fs::remove_file(bak);
        }
    })
}

/// Keeps the old file as `bak`: a hard link (the same inode: mode, owner and times kept), else a
/// copy. Never replaces an existing `bak`.
fn keep_backup(path: &Path, bak: &Path) -> Result<(), Error> {
    let cannot = |e| input::io_error(&format!("cannot keep {}", bak.display()), e);
    match std::fs::hard_link(path, bak) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(Error::new(ErrorKind::Io(format!(
                "{} exists: remove it or edit without --backup",
                bak.display()
            ))))
        }
        Err(_) => {
            use std::os::unix::fs::MetadataExt;
            let bytes = Zeroizing::new(std::fs::read(path).map_err(cannot)?);
            let mode = std::fs::metadata(path).map_err(cannot)?.mode() & 0o7777;
            output::stage(bak, &bytes, mode)?.commit(false)
        }
    }
}
