//! The line syntax of a `.ppk` file: `Name: value` headers and blocks of base64 lines, read in
//! the fixed order PuTTY writes them. Lines end in LF, CRLF or a lone CR.

use std::borrow::Cow;

use crate::encoding::base64;
use crate::error::{Error, Location, Result};
use crate::format::Format;

/// The most base64 characters PuTTY writes on, and accepts in, one line (48 bytes of data).
const MAX_LINE_CHARS: usize = 64;

/// PuTTY's cap on a `Public-Lines`/`Private-Lines` count (`MAX_KEY_BLOB_LINES` in sshpubk.c:
/// a 256 KiB blob); a count at or above it is refused before anything is read.
const MAX_BLOB_LINES: usize = 262_144 / 48;

/// Reads a `.ppk` file line by line, tracking 1-based line numbers for errors.
pub(super) struct Lines<'a> {
    rest: &'a [u8],
    /// The number of the line most recently returned (0 before the first).
    number: usize,
    /// The count header of the base64 block read last, for messages about a wrong count.
    last_count: Option<&'static str>,
}

impl<'a> Lines<'a> {
    pub(super) fn new(input: &'a [u8]) -> Self {
        Lines {
            rest: input,
            number: 0,
            last_count: None,
        }
    }

    /// A malformed-file error at the line most recently read.
    pub(super) fn error(&self, what: impl Into<String>) -> Error {
        Error::malformed_at(Format::Ppk, what, Location::Line(self.number.max(1)))
    }

    /// Whether nothing but white space is left.
    pub(super) fn only_blank_left(&self) -> bool {
        self.rest.iter().all(u8::is_ascii_whitespace)
    }

    /// The next line without its terminator, or `None` at the end of the input.
    pub(super) fn next_line(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        self.number += 1;
        let end = self
            .rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(self.rest.len());
        let (line, tail) = self.rest.split_at(end);
        let skip = match tail {
            [b'\r', b'\n', ..] => 2,
            [] => 0,
            _ => 1,
        };
        self.rest = tail.get(skip..).unwrap_or_default();
        Some(line)
    }

    /// The next line, which must be the header `name: value`; returns the value's bytes.
    /// A line that is exactly `name:` (an editor stripped the space after an empty value)
    /// counts as an empty value.
    pub(super) fn header(&mut self, name: &str) -> Result<&'a [u8]> {
        let Some(line) = self.next_line() else {
            return Err(self.error(format!("the file ends where {name}: was expected")));
        };
        if let Some(rest) = line.strip_prefix(name.as_bytes()) {
            if let Some(value) = rest.strip_prefix(b": ") {
                return Ok(value);
            }
            if rest == b":" {
                return Ok(b"");
            }
        }
        let found = match (header_name(line), self.last_count) {
            (Some(h), _) => format!("found {h}"),
            (None, Some(count)) => format!("found more base64 (check the {count} count)"),
            (None, None) => "found no header".to_owned(),
        };
        Err(self.error(format!("expected the {name}: header, {found}")))
    }

    /// A header whose value must be ASCII text.
    pub(super) fn ascii_header(&mut self, name: &str) -> Result<&'a str> {
        let value = self.header(name)?;
        if !value.is_ascii() {
            return Err(self.error(format!("{name} is not ASCII text")));
        }
        std::str::from_utf8(value).map_err(|_| self.error(format!("{name} is not ASCII text")))
    }

    /// A header holding a decimal `u32` (digits only, as PuTTY writes them).
    pub(super) fn u32_header(&mut self, name: &str) -> Result<u32> {
        let value = self.ascii_header(name)?;
        parse_decimal(value)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| {
                self.error(format!(
                    "{name} is {value:?}, not a whole number from 0 to 4294967295"
                ))
            })
    }

    /// A `Public-Lines`/`Private-Lines` header and the base64 lines it counts, decoded.
    pub(super) fn blob(&mut self, name: &'static str) -> Result<Vec<u8>> {
        self.last_count = Some(name);
        let value = self.ascii_header(name)?;
        let count = parse_decimal(value)
            .ok_or_else(|| self.error(format!("{name} is {value:?}, not a line count")))?;
        if count >= MAX_BLOB_LINES as u64 {
            return Err(self.error(format!(
                "{name} is {count}, above PuTTY's limit of {}",
                MAX_BLOB_LINES - 1
            )));
        }
        let mut blob = Vec::new();
        for _ in 0..count {
            let Some(line) = self.next_line() else {
                return Err(self.error(format!(
                    "the file ends before the {count} lines {name} announces"
                )));
            };
            if let Some(header) = header_name(line) {
                return Err(self.error(format!(
                    "{name} announces {count} lines, but this line is the {header}: header"
                )));
            }
            if line.len() > MAX_LINE_CHARS {
                return Err(self.error(format!(
                    "a base64 line of {} characters (PuTTY writes and accepts at most {MAX_LINE_CHARS})",
                    line.len()
                )));
            }
            let decoded = std::str::from_utf8(line)
                .ok()
                .filter(|l| l.len() % 4 == 0)
                .and_then(base64::decode)
                .ok_or_else(|| {
                    self.error(format!(
                        "not a base64 line: {name} announces {count} lines, check the count"
                    ))
                })?;
            blob.extend_from_slice(&decoded);
        }
        Ok(blob)
    }

    /// Ends reading: only blank lines may follow.
    pub(super) fn finish(&mut self) -> Result<()> {
        while let Some(line) = self.next_line() {
            if !line.iter().all(u8::is_ascii_whitespace) {
                return Err(self.error("unexpected text after Private-MAC"));
            }
        }
        Ok(())
    }
}

/// The name of a `Name: value` header line: ASCII letters, digits and `-` before `": "`.
fn header_name(line: &[u8]) -> Option<Cow<'_, str>> {
    let colon = line.windows(2).position(|w| w == b": ")?;
    let name = line.get(..colon)?;
    let plausible = !name.is_empty()
        && name.len() <= 40
        && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-');
    plausible.then(|| String::from_utf8_lossy(name))
}

/// A decimal number of ASCII digits only (no sign, no spaces), or `None`; saturates rather
/// than overflowing so that absurd values are reported, not wrapped.
fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_line_ending_and_numbers_lines() {
        let mut lines = Lines::new(b"a\r\nb\rc\nd");
        let got: Vec<_> = std::iter::from_fn(|| lines.next_line()).collect();
        assert_eq!(got, [&b"a"[..], b"b", b"c", b"d"]);
        assert_eq!(lines.number, 4);
    }

    #[test]
    fn headers_and_counts_are_strict() {
        let mut lines = Lines::new(b"Comment:\nPublic-Lines: 1\nYWJj\nX: 1\n");
        assert_eq!(lines.header("Comment").unwrap(), b"");
        assert_eq!(lines.blob("Public-Lines").unwrap(), b"abc");
        let e = lines.header("Private-Lines").unwrap_err();
        assert!(e.to_string().contains("found X at line 4"), "{e}");
        for bad in ["+1", " 1", "1 ", "", "0x1", "99999999999999999999999"] {
            assert!(parse_decimal(bad).is_none(), "{bad:?}");
        }
        let e = Lines::new(b"Public-Lines: 5461\n")
            .blob("Public-Lines")
            .unwrap_err();
        assert!(e.to_string().contains("limit of 5460"), "{e}");
    }
}
