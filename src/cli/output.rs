//! Writing results: to standard output, or to a file atomically (a temporary file in the same
//! directory, then a rename), so that a failed run leaves no output file and never a partial one.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use keyconv::error::{Error, ErrorKind, Result};

use super::Failure;
use super::input::io_error;
use super::platform;
use super::safe_fs;

/// The mode of a written private key file (on Windows: an owner-only DACL, see
/// [`platform::create_new`]).
pub const PRIVATE_MODE: u32 = 0o600;
/// The mode of a written public key file (on Windows: the directory's inherited ACL).
pub const PUBLIC_MODE: u32 = 0o644;

/// Writes `data` to `path` atomically with `mode`. Without `force` an existing file is kept and
/// the write fails.
pub fn write_file(path: &Path, data: &[u8], mode: u32, force: bool) -> Result<()> {
    refuse_existing(path, force)?;
    stage(path, data, mode)?.commit(force)
}

/// Without `force`, an error when `path` exists; with it, an error when `path` is something
/// `--force` does not replace (a directory, device, FIFO or socket).
pub fn refuse_existing(path: &Path, force: bool) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(_) if !force => Err(Error::new(ErrorKind::Io(format!(
            "{} exists: give --force to overwrite it",
            shown(path)
        )))),
        Ok(m) if !safe_fs::replaceable(&m) => Err(not_replaceable(path, &m)),
        _ => Ok(()),
    }
}

fn not_replaceable(path: &Path, m: &fs::Metadata) -> Error {
    let what = if m.is_dir() {
        "a directory"
    } else {
        "not a regular file (a device, FIFO or socket)"
    };
    Error::new(ErrorKind::Io(format!(
        "{} is {what}: --force replaces only regular files and symbolic links",
        shown(path)
    )))
}

/// A path for a message: lossy where it is not UTF-8, control characters escaped.
pub fn shown(path: &Path) -> String {
    printable(&path.to_string_lossy()).into_owned()
}

/// A file written in full under a temporary name in its destination's directory, not yet in
/// place. Dropped without [`Staged::commit`], the temporary file is removed; a signal that
/// ends the run removes it too.
pub struct Staged {
    dir: PathBuf,
    path: PathBuf,
    tmp: PathBuf,
    _registered: safe_fs::Registered,
}

/// A temporary name beside `path`: `.NAME.keyconv-RANDOM.SUFFIX`.
fn temp_name(dir: &Path, path: &Path, suffix: &str) -> Result<PathBuf> {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|_| Error::new(ErrorKind::Io("no randomness".into())))?;
    let mut name = std::ffi::OsString::from(".");
    name.push(temp_stem(path));
    name.push(format!(".keyconv-{}.{suffix}", hex::encode(random)));
    Ok(dir.join(name))
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `data` with `mode` beside `path`, to be put in place by [`Staged::commit`]: so that
/// several files can be written all or none.
pub fn stage(path: &Path, data: &[u8], mode: u32) -> Result<Staged> {
    let dir = parent_dir(path);
    let tmp = temp_name(&dir, path, "tmp")?;
    let staged = Staged {
        _registered: safe_fs::register_temporary(&tmp),
        dir,
        path: path.to_path_buf(),
        tmp,
    };
    // The temporary file is created exclusively (O_EXCL: never through a symlink) and removed
    // when `staged` is dropped, so a failed write (disk full, directory not writable) leaves
    // nothing.
    write_temp(&staged.tmp, data, mode).map_err(|e| staged.error(e))?;
    Ok(staged)
}

impl Staged {
    /// The temporary file (to adjust its owner, say, before the commit).
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// Puts the file in place. Without `force`, fails if the destination appeared meanwhile;
    /// with it, fails if the destination is not a regular file or a symbolic link.
    pub fn commit(self, force: bool) -> Result<()> {
        self.put_in_place(force)?;
        self.sync_dir();
        Ok(())
    }

    fn put_in_place(&self, force: bool) -> Result<()> {
        let (tmp, path) = (&self.tmp, &self.path);
        let result = if force {
            if let Ok(m) = fs::symlink_metadata(path)
                && !safe_fs::replaceable(&m)
            {
                return Err(not_replaceable(path, &m));
            }
            // rename(2) (MoveFileExW on Windows) replaces a symlink at `path` itself, never
            // the file it points to.
            platform::replace(tmp, path)
        } else {
            // A hard link fails if the target appeared meanwhile: never overwrite silently.
            // Where hard links are not supported, rename (a race of a few microseconds).
            fs::hard_link(tmp, path).or_else(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => Err(e),
                _ if fs::symlink_metadata(path).is_err() => fs::rename(tmp, path),
                _ => Err(e),
            })
        };
        result.map_err(|e| self.error(e))
    }

    /// Makes the new directory entry durable too; a failure here loses nothing written.
    fn sync_dir(&self) {
        if let Ok(dir) = fs::File::open(&self.dir) {
            let _ = dir.sync_all();
        }
    }

    fn error(&self, e: io::Error) -> Error {
        io_error(&format!("cannot write {}", shown(&self.path)), e)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // After a rename there is nothing left to remove; after a hard link, the second name.
        let _ = fs::remove_file(&self.tmp);
    }
}

/// The old file at a destination, kept under a temporary name (a second hard link) until
/// every file of a write is in place. Dropped, the second name is removed.
struct Kept {
    path: PathBuf,
    old: Option<PathBuf>,
    _registered: Option<safe_fs::Registered>,
}

impl Drop for Kept {
    fn drop(&mut self) {
        if let Some(old) = self.old.take() {
            let _ = fs::remove_file(old);
        }
    }
}

/// Puts several staged files in place, all or none: with `force`, each existing destination is
/// first kept under a second name (which also proves it can be replaced: a directory, an
/// immutable file or one in a read-only place fails here, before anything changes); when a
/// later file cannot be put in place, the earlier ones get their old files back (or are
/// removed, when there were none). Signals are held back meanwhile, so an interrupted run never
/// leaves half of a pair.
pub fn commit_all(files: Vec<Staged>, force: bool) -> Result<()> {
    let _deferred = safe_fs::defer_signals();
    let mut kept = Vec::with_capacity(files.len());
    for staged in &files {
        let old = match fs::symlink_metadata(&staged.path) {
            Ok(m) if force => {
                if !safe_fs::replaceable(&m) {
                    return Err(not_replaceable(&staged.path, &m));
                }
                let old = temp_name(&staged.dir, &staged.path, "old")?;
                let registered = safe_fs::register_temporary(&old);
                fs::hard_link(&staged.path, &old)
                    .map_err(|e| io_error(&format!("cannot replace {}", shown(&staged.path)), e))?;
                kept.push(Kept {
                    path: staged.path.clone(),
                    old: Some(old),
                    _registered: Some(registered),
                });
                continue;
            }
            Ok(_) => {
                return Err(Error::new(ErrorKind::Io(format!(
                    "{} exists: give --force to overwrite it",
                    shown(&staged.path)
                ))));
            }
            Err(_) => None,
        };
        kept.push(Kept {
            path: staged.path.clone(),
            old,
            _registered: None,
        });
    }
    let mut done = 0;
    let mut failure = None;
    for staged in &files {
        match staged.put_in_place(force) {
            Ok(()) => done += 1,
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    if failure.is_some() {
        for k in kept.iter_mut().take(done) {
            // Rolled back: the old file returns (rename is atomic over the new one), or the
            // new one goes when there was none.
            match k.old.take() {
                Some(old) => {
                    let _ = platform::replace(&old, &k.path);
                }
                None => {
                    let _ = fs::remove_file(&k.path);
                }
            }
        }
    }
    // Dropping `kept` removes the second names of the old files that were replaced.
    drop(kept);
    if let Some(e) = failure {
        return Err(e);
    }
    for staged in &files {
        staged.sync_dir();
    }
    Ok(())
}

/// The start of the temporary file's name: the output's name, cut so that the whole temporary
/// name stays within the 255 bytes a file name may have.
fn temp_stem(path: &Path) -> std::ffi::OsString {
    let name = path.file_name().unwrap_or_default();
    let bytes = name.as_encoded_bytes();
    if bytes.len() <= 200 {
        return name.to_os_string();
    }
    // Cut at a UTF-8 boundary of the lossy form (valid names stay valid).
    let lossy = name.to_string_lossy();
    let mut end = lossy.len().min(200);
    while !lossy.is_char_boundary(end) {
        end -= 1;
    }
    std::ffi::OsString::from(lossy.get(..end).unwrap_or_default())
}

fn write_temp(tmp: &Path, data: &[u8], mode: u32) -> io::Result<()> {
    let mut file = platform::create_new(tmp, mode)?;
    file.write_all(data)?;
    file.sync_all()
}

/// Writes to standard output. A closed pipe is [`Failure::BrokenPipe`]: the program then ends
/// quietly.
pub fn write_stdout(out: &mut impl Write, data: &[u8]) -> Result<(), Failure> {
    out.write_all(data).map_err(stdout_error)
}

/// The failure of a write to standard output.
pub fn stdout_error(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::BrokenPipe
    } else {
        Failure::Plain(io_error("cannot write to standard output", e))
    }
}

/// `text` made safe for a terminal, as ssh-keygen prints comments: every control character
/// (C0 including tab and line feed, DEL, C1) becomes `\ooo` octal escapes of its UTF-8 bytes;
/// everything else, backslashes and printable non-ASCII included, is kept. A hostile key file
/// thus cannot send escape sequences to the terminal through its comment or an error message
/// that quotes it, nor break a one-line error onto two lines.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c.is_control() {
            let mut utf8 = [0u8; 4];
            for byte in c.encode_utf8(&mut utf8).bytes() {
                let _ = write!(out, "\\{byte:03o}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_as_ssh_keygen_does() {
        assert_eq!(printable("plain é \\ text"), "plain é \\ text");
        assert_eq!(printable("a\x1b[31mred\x07b"), "a\\033[31mred\\007b");
        assert_eq!(printable("tab\tnl\ncr\r"), "tab\\011nl\\012cr\\015");
        assert_eq!(printable("del\x7f c1\u{85}"), "del\\177 c1\\302\\205");
    }
}
