//! The SSH wire encoding (RFC 4251 §5): `uint32`, `string`, `mpint`, read with checked lengths.
//!
//! A [`Reader`] borrows its input and never allocates: a length field can only ever describe
//! bytes that are really there.

use zeroize::Zeroizing;

use crate::error::{Error, Location, Result};
use crate::format_name::Format;

/// Reads SSH wire values from a byte slice.
pub(crate) struct Reader<'a> {
    input: &'a [u8],
    offset: usize,
    format: Format,
    /// Where `input` starts in the outermost input (for a nested reader), for messages.
    base: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `input`; errors name `format`.
    pub(crate) fn new(input: &'a [u8], format: Format) -> Self {
        Reader {
            input,
            offset: 0,
            format,
            base: 0,
        }
    }

    /// A reader over `input`, a string just read by this reader (a structure nested in this
    /// one), whose errors name the same format and offsets in the outermost input.
    pub(crate) fn nested(&self, input: &'a [u8]) -> Reader<'a> {
        Reader {
            input,
            offset: 0,
            format: self.format,
            base: (self.base + self.offset).saturating_sub(input.len()),
        }
    }

    /// A malformed-input error at the current offset.
    pub(crate) fn error(&self, what: impl Into<String>) -> Error {
        Error::malformed_at(self.format, what, Location::Offset(self.base + self.offset))
    }

    /// The bytes not read yet.
    pub(crate) fn remaining(&self) -> &'a [u8] {
        self.input.get(self.offset..).unwrap_or_default()
    }

    /// Whether everything has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.remaining().is_empty()
    }

    /// Takes exactly `n` bytes.
    pub(crate) fn bytes(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let rest = self.remaining();
        if n > rest.len() {
            return Err(self.error(format!(
                "{what} needs {n} bytes but only {} remain",
                rest.len()
            )));
        }
        let (taken, _) = rest.split_at(n);
        self.offset += n;
        Ok(taken)
    }

    /// A big-endian `uint32`.
    pub(crate) fn u32(&mut self, what: &str) -> Result<u32> {
        let b = self.bytes(4, what)?;
        let b: [u8; 4] = b
            .try_into()
            .map_err(|_| self.error(format!("{what} is truncated")))?;
        Ok(u32::from_be_bytes(b))
    }

    /// A `string`: a `uint32` length and that many bytes.
    pub(crate) fn string(&mut self, what: &str) -> Result<&'a [u8]> {
        let len = self.u32(what)?;
        let len = usize::try_from(len).map_err(|_| self.error(format!("{what} is too long")))?;
        self.bytes(len, what)
    }

    /// A `string` that must be UTF-8 text.
    pub(crate) fn str(&mut self, what: &str) -> Result<&'a str> {
        let start = self.offset;
        let bytes = self.string(what)?;
        std::str::from_utf8(bytes).map_err(|_| {
            Error::malformed_at(
                self.format,
                format!("{what} is not UTF-8"),
                Location::Offset(self.base + start),
            )
        })
    }

    /// A non-negative `mpint`, returned as its big-endian magnitude without leading zeros.
    /// Negative values and non-minimal encodings are errors.
    pub(crate) fn mpint(&mut self, what: &str) -> Result<&'a [u8]> {
        let start = self.offset;
        let bytes = self.string(what)?;
        let at = |what: String| {
            Error::malformed_at(self.format, what, Location::Offset(self.base + start))
        };
        match bytes {
            [] => Ok(bytes),
            [first, ..] if first & 0x80 != 0 => Err(at(format!("{what} is negative"))),
            [0, second, ..] if second & 0x80 == 0 => {
                Err(at(format!("{what} has a needless leading zero")))
            }
            [0] => Err(at(format!("{what} has a needless leading zero"))),
            [0, rest @ ..] => Ok(rest),
            _ => Ok(bytes),
        }
    }

    /// Ends reading: anything left over is an error.
    pub(crate) fn finish(&self, what: &str) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.error(format!(
                "{} unexpected bytes after {what}",
                self.remaining().len()
            )))
        }
    }
}

/// Writes SSH wire values. Zeroizes its buffer when dropped, as it may hold private key material.
#[derive(Default)]
pub(crate) struct Writer {
    buf: Zeroizing<Vec<u8>>,
}

impl Writer {
    pub(crate) fn new() -> Self {
        Writer::default()
    }

    /// A writer with room for `capacity` bytes before it grows.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Writer {
            buf: Zeroizing::new(Vec::with_capacity(capacity)),
        }
    }

    pub(crate) fn u32(&mut self, v: u32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub(crate) fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }

    pub(crate) fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(bytes);
        self
    }

    /// A `string`. Panics never: lengths above `u32::MAX` cannot come from keyconv's own keys,
    /// and are saturated (the result is then simply unreadable).
    pub(crate) fn string(&mut self, bytes: &[u8]) -> &mut Self {
        self.u32(u32::try_from(bytes.len()).unwrap_or(u32::MAX));
        self.raw(bytes)
    }

    /// An `mpint` from a non-negative big-endian magnitude (leading zeros are stripped, and one is
    /// added where the top bit is set).
    pub(crate) fn mpint(&mut self, magnitude: &[u8]) -> &mut Self {
        let start = magnitude
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(magnitude.len());
        let m = magnitude.get(start..).unwrap_or_default();
        match m.first() {
            Some(b) if b & 0x80 != 0 => {
                self.u32(u32::try_from(m.len() + 1).unwrap_or(u32::MAX));
                self.u8(0);
                self.raw(m)
            }
            _ => self.string(m),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// The bytes written so far.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The bytes written, zeroized when dropped.
    pub(crate) fn into_bytes(self) -> Zeroizing<Vec<u8>> {
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpint_round_trips_and_is_canonical() {
        let mut w = Writer::new();
        w.mpint(&[0x00, 0x80, 0x01]).mpint(&[0x7f]).mpint(&[]);
        assert_eq!(
            w.as_bytes(),
            &[0, 0, 0, 3, 0, 0x80, 1, 0, 0, 0, 1, 0x7f, 0, 0, 0, 0]
        );
        let mut r = Reader::new(w.as_bytes(), Format::OpenSsh);
        assert_eq!(r.mpint("a").unwrap(), &[0x80, 1]);
        assert_eq!(r.mpint("b").unwrap(), &[0x7f]);
        assert_eq!(r.mpint("c").unwrap(), &[] as &[u8]);
        r.finish("test").unwrap();
        for bad in [
            &[0, 0, 0, 1, 0x80][..],
            &[0, 0, 0, 2, 0, 1],
            &[0, 0, 0, 1, 0],
        ] {
            assert!(Reader::new(bad, Format::OpenSsh).mpint("x").is_err());
        }
    }

    #[test]
    fn absurd_lengths_are_errors_not_allocations() {
        let mut r = Reader::new(&[0xff, 0xff, 0xff, 0xf0, 1, 2], Format::OpenSsh);
        let e = r.string("blob").unwrap_err();
        assert!(e.to_string().contains("needs 4294967280 bytes"), "{e}");
    }
}
