//! `authorized-keys` on Windows: the file is written as on Unix (staged beside it, then put in
//! place atomically), but protected with a DACL instead of modes, as Win32-OpenSSH's sshd
//! requires: the user's file gets the user and SYSTEM only; `administrators_authorized_keys`
//! gets SYSTEM and Administrators only (see [`platform::protect_authorized_keys`]). A missing
//! `.ssh` directory is created with its parent's inherited ACL (a profile folder is the user's,
//! SYSTEM's and Administrators' already).

use std::fs;
use std::io;
use std::path::Path;

use keyconv::error::{Error, ErrorKind};

use super::super::Failure;
use super::super::input::io_error;
use super::super::output::{self, PRIVATE_MODE};
use super::super::platform;
use super::KeysFile;

impl KeysFile {
    /// Replaces the file with `bytes` atomically, with the DACL sshd wants.
    pub(super) fn write(&self, bytes: &[u8]) -> Result<(), Failure> {
        self.prepare_directory(&self.dir())?;
        let staged = output::stage(&self.path, bytes, PRIVATE_MODE).map_err(|e| self.fail(e))?;
        let sddl = platform::protect_authorized_keys(staged.temp_path(), &self.path)
            .map_err(|e| self.fail(io_error("cannot set its access control list", e)))?;
        if self.changed_since_read() {
            return Err(self.fail(Error::new(ErrorKind::Io(
                "changed while keyconv was editing it: nothing was written; run again".into(),
            ))));
        }
        staged.commit(true).map_err(|e| self.fail(e))?;
        if self.metadata.is_none() {
            self.note(&format!("created with the access control list {sddl}"));
        }
        Ok(())
    }

    /// Whether the file is not what was read: its size, creation or modification time differ.
    pub(super) fn changed_since_read(&self) -> bool {
        let now = fs::metadata(&self.path).ok();
        let stamp = |m: &fs::Metadata| (m.len(), m.created().ok(), m.modified().ok());
        match (&self.metadata, now) {
            (None, None) => false,
            (Some(a), Some(b)) => stamp(a) != stamp(&b),
            _ => true,
        }
    }

    /// Creates the directory when it is missing.
    pub(super) fn prepare_directory(&self, dir: &Path) -> Result<(), Failure> {
        match fs::metadata(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(dir).map_err(|e| {
                    self.fail(io_error(&format!("cannot create {}", dir.display()), e))
                })?;
                self.note(&format!("created {}", dir.display()));
                Ok(())
            }
            Err(e) => Err(self.fail(io_error("cannot read its directory", e))),
            Ok(_) => Ok(()),
        }
    }

    /// Gives the existing file the DACL sshd wants (when nothing else is written).
    pub(super) fn fix_modes(&self) -> Result<(), Failure> {
        self.prepare_directory(&self.dir())?;
        platform::protect_authorized_keys(&self.path, &self.path)
            .map_err(|e| self.fail(io_error("cannot set its access control list", e)))?;
        Ok(())
    }
}
