//! keyconv for the web page (`web/keyconv.html`): a small C-style ABI that the page's few lines
//! of JavaScript call, instead of wasm-bindgen (README "Decisions": no generated glue to audit, no
//! `wasm-bindgen-cli` to build and keep in step with the crate).
//!
//! The protocol: the page asks for an input buffer with [`kc_input`] (slot 0: the key file,
//! 1: the passphrase, 2: the new passphrase, 3: the target's name), writes the bytes there, calls
//! [`kc_convert`], then reads the result fields ([`kc_field_ptr`], [`kc_field_len`]; see [`Field`]).
//! Inputs are zeroized as soon as the conversion has read them, results on the next call or on
//! [`kc_clear`]. Randomness (salts, OpenSSH check bytes) comes from `crypto.getRandomValues`,
//! imported as `keyconv.random`.

#![warn(missing_docs)]
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

use std::cell::RefCell;

use zeroize::Zeroizing;

pub mod convert;

/// The input slots of [`kc_input`].
const SLOTS: usize = 4;

/// The result fields of a conversion, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Field {
    /// The converted key file (text), empty when the conversion failed.
    Output = 0,
    /// The error message (and its hint), empty when the conversion succeeded.
    Error = 1,
    /// SHA-256 fingerprint line(s), as `ssh-keygen -l` prints them.
    Fingerprint = 2,
    /// The `inspect` summary of the input.
    Inspect = 3,
    /// The FIPS verdict of the input (`compliant` / `non-compliant`) and its findings.
    Fips = 4,
    /// A file name for the download, e.g. `id_ed25519.ppk`.
    FileName = 5,
}

/// How many [`Field`]s there are.
pub const FIELDS: usize = 6;

thread_local! {
    static INPUTS: RefCell<[Zeroizing<Vec<u8>>; SLOTS]> = RefCell::new(Default::default());
    static FIELDS_OUT: RefCell<[Zeroizing<Vec<u8>>; FIELDS]> = RefCell::new(Default::default());
}

/// A buffer of `len` bytes for input `slot` (0 key, 1 passphrase, 2 new passphrase, 3 target);
/// the page writes the bytes there. Null for a slot that does not exist or a key file larger
/// than [`keyconv::MAX_KEY_FILE`].
#[unsafe(no_mangle)]
pub extern "C" fn kc_input(slot: usize, len: usize) -> *mut u8 {
    if slot >= SLOTS || len > keyconv::MAX_KEY_FILE {
        return std::ptr::null_mut();
    }
    INPUTS.with(|inputs| {
        let mut inputs = inputs.borrow_mut();
        match inputs.get_mut(slot) {
            Some(buffer) => {
                // A new buffer each time: the old one is zeroized as it is dropped.
                *buffer = Zeroizing::new(vec![0; len]);
                buffer.as_mut_ptr()
            }
            None => std::ptr::null_mut(),
        }
    })
}

/// Converts the key in slot 0 to the target named in slot 3; `flags` bit 0: leave the output
/// unencrypted. Returns 0 on success, 1 on failure (then [`Field::Error`] says why).
#[unsafe(no_mangle)]
pub extern "C" fn kc_convert(flags: u32) -> u32 {
    let inputs = INPUTS.with(|inputs| std::mem::take(&mut *inputs.borrow_mut()));
    let [key, passphrase, new_passphrase, target] = inputs;
    let request = convert::Request {
        key: &key,
        passphrase: &passphrase,
        new_passphrase: &new_passphrase,
        target: &String::from_utf8_lossy(&target),
        unencrypted: flags & 1 != 0,
    };
    let result = convert::convert(&request);
    let failed = result.error.is_some();
    FIELDS_OUT.with(|fields| {
        let mut fields = fields.borrow_mut();
        *fields = Default::default();
        let mut put = |field: Field, bytes: Vec<u8>| {
            if let Some(slot) = fields.get_mut(field as usize) {
                *slot = Zeroizing::new(bytes);
            }
        };
        put(Field::Output, result.output.to_vec());
        put(Field::Error, result.error.unwrap_or_default().into_bytes());
        put(Field::Fingerprint, result.fingerprint.into_bytes());
        put(Field::Inspect, result.inspect.into_bytes());
        put(Field::Fips, result.fips.into_bytes());
        put(Field::FileName, result.file_name.into_bytes());
    });
    u32::from(failed)
}

/// The address of result field `field` (see [`Field`]); null for an unknown field.
#[unsafe(no_mangle)]
pub extern "C" fn kc_field_ptr(field: usize) -> *const u8 {
    FIELDS_OUT.with(|fields| {
        fields
            .borrow()
            .get(field)
            .map_or(std::ptr::null(), |f| f.as_ptr())
    })
}

/// The length in bytes of result field `field`; 0 for an unknown field.
#[unsafe(no_mangle)]
pub extern "C" fn kc_field_len(field: usize) -> usize {
    FIELDS_OUT.with(|fields| fields.borrow().get(field).map_or(0, |f| f.len()))
}

/// Zeroizes and drops every input and result (the page calls it when it is cleared or closed).
#[unsafe(no_mangle)]
pub extern "C" fn kc_clear() {
    INPUTS.with(|inputs| *inputs.borrow_mut() = Default::default());
    FIELDS_OUT.with(|fields| *fields.borrow_mut() = Default::default());
}

// getrandom's custom backend (built with `--cfg getrandom_backend="custom"`, web/build.sh): the
// page's `crypto.getRandomValues`. Chosen over the `wasm_js` backend the library selects for
// wasm32, whose wasm-bindgen imports need `wasm-bindgen-cli` to be served.
#[cfg(all(target_family = "wasm", getrandom_backend = "custom"))]
mod random {
    #[link(wasm_import_module = "keyconv")]
    unsafe extern "C" {
        /// Fills `len` bytes at `dest` from `crypto.getRandomValues`; 0 on success.
        fn random(dest: *mut u8, len: usize) -> u32;
    }

    /// getrandom's custom backend: the bytes of `crypto.getRandomValues`.
    ///
    /// # Safety
    /// getrandom calls it with a writable buffer of `len` bytes.
    #[unsafe(no_mangle)]
    unsafe extern "Rust" fn __getrandom_v03_custom(
        dest: *mut u8,
        len: usize,
    ) -> Result<(), getrandom::Error> {
        // SAFETY: `dest..dest+len` is writable (getrandom's contract); the page writes only there.
        match unsafe { random(dest, len) } {
            0 => Ok(()),
            _ => Err(getrandom::Error::UNSUPPORTED),
        }
    }
}
