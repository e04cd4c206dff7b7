//! Files of one-line keys read line by line as sshd reads them: `authorized_keys`
//! (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"), and `.pub` files or lists of them.
//!
//! ```text
//! [options ]keytype base64-key[ comment]      options: name or name="value", comma-separated
//! # a comment, or a blank line
//! ```
//!
//! [`lines`] yields every line of a file, with its number, its bytes exactly as in the file
//! (line terminator included, so that an editor can write back every line it keeps byte for
//! byte) and what it is: a key with its options, a blank or comment line, or the reason it is
//! not a key. A `known_hosts`-style line (a host pattern in front of the key) reads the host as
//! options; [`known_hosts::lines`](super::known_hosts::lines) reads such files as hosts.
//!
//! Decisions:
//! - Key identity is sshd's: an RSA or DSA line whose integers carry needless leading zero bytes
//!   (`sshbuf_get_bignum2` strips them, so sshd and `ssh-keygen -l` accept the line) is read as
//!   the canonical key, marked [`Entry::Key::noncanonical`].
//! - A byte-order mark before the first line is skipped; a trailing `\r` is ignored.

use base64ct::Encoding as _;

use super::decode_line_with_options;
use crate::error::Error;
use crate::key::PublicKey;

/// What one line of a key-list file is.
///
/// ```
/// use keyconv::format::public::authorized_keys::{lines, Entry};
///
/// let file = b"\xff\xfe\n# only comments\n";
/// let entries: Vec<Entry> = lines(file).map(|line| line.entry).collect();
/// assert_eq!(entries, [Entry::NotText, Entry::Comment]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Entry {
    /// A key, with the line's options exactly as written (`None` when it has none).
    Key {
        /// The options text before the key (`command="…",no-pty`), as written.
        options: Option<String>,
        /// The key, with the line's comment.
        key: PublicKey,
        /// The line encodes the key non-canonically (leading zeros that sshd accepts).
        noncanonical: bool,
    },
    /// A blank line or a `#` comment.
    Comment,
    /// The line is not UTF-8 text.
    NotText,
    /// The line is not a key keyconv reads: why (the error has no line number; give it one
    /// with [`at_line`](super::at_line)).
    Invalid(Error),
}

/// One line of a key-list file.
///
/// ```
/// let file = b"# a\r\n# b";
/// let lines: Vec<_> = keyconv::format::public::authorized_keys::lines(file).collect();
/// assert_eq!((lines[0].number, lines[0].raw), (1, &b"# a\r\n"[..]));
/// assert_eq!((lines[1].number, lines[1].raw), (2, &b"# b"[..]));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    /// The line number, from 1.
    pub number: usize,
    /// The line's bytes with their line terminator, exactly as in the file.
    pub raw: &'a [u8],
    /// What the line is.
    pub entry: Entry,
}

/// Every line of `bytes` (an `authorized_keys` file, a `.pub` file or a list of keys), in
/// order, with its number and what it is. Never fails: a line that is not a key says why.
///
/// ```
/// use keyconv::format::public::authorized_keys::{self, Entry};
///
/// let file = b"# deploy keys\n\
///     restrict,command=\"uptime\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ci\n\
///     ssh-rsa AAAA-not-base64 broken\n";
/// let lines: Vec<_> = authorized_keys::lines(file).collect();
/// assert_eq!(lines.len(), 3);
/// assert_eq!(lines[0].entry, Entry::Comment);
/// let Entry::Key { options, key, .. } = &lines[1].entry else { panic!("not a key") };
/// assert_eq!(options.as_deref(), Some("restrict,command=\"uptime\""));
/// assert_eq!((lines[1].number, key.comment()), (2, "ci"));
/// assert!(matches!(&lines[2].entry, Entry::Invalid(e) if e.to_string().contains("base64")));
/// assert!(lines[2].raw.ends_with(b"broken\n"));
/// ```
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = Line<'_>> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .enumerate()
        .map(|(i, raw)| Line {
            number: i + 1,
            raw,
            entry: entry(raw, i == 0),
        })
}

/// What the line `raw` (with its terminator) is; `first` for the file's first line.
fn entry(raw: &[u8], first: bool) -> Entry {
    let mut body = raw.strip_suffix(b"\n").unwrap_or(raw);
    body = body.strip_suffix(b"\r").unwrap_or(body);
    if first {
        body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return Entry::NotText;
    };
    match decode_line_with_options(text) {
        Ok(Some((options, key))) => Entry::Key {
            options,
            key,
            noncanonical: false,
        },
        Ok(None) => Entry::Comment,
        Err(e) => match canonical_line(text).map(|t| decode_line_with_options(&t)) {
            Some(Ok(Some((options, key)))) => Entry::Key {
                options,
                key,
                noncanonical: true,
            },
            _ => Entry::Invalid(e),
        },
    }
}

/// The fields of a key line: byte ranges of the words separated by blanks outside double
/// quotes (sshd's reading of options such as `command="a b"`).
fn fields(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        let blank = (c == ' ' || c == '\t') && !quoted;
        match (start, blank) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
        if escaped {
            escaped = false;
        } else if c == '\\' && quoted {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// A key line whose RSA or DSA integers carry needless leading zero bytes, rewritten in the
/// canonical encoding; `None` when the line is not such a line. sshd (`sshbuf_get_bignum2`)
/// strips such zeros, so it accepts the line as the canonical key.
fn canonical_line(text: &str) -> Option<String> {
    let fields = fields(text);
    let at = fields
        .iter()
        .position(|&(s, e)| matches!(text.get(s..e), Some("ssh-rsa" | "ssh-dss")))?;
    let &(ts, te) = fields.get(at)?;
    let &(bs, be) = fields.get(at + 1)?;
    let key_type = text.get(ts..te)?;
    let blob = base64ct::Base64::decode_vec(text.get(bs..be)?).ok()?;
    let integers = if key_type == "ssh-rsa" { 2 } else { 4 };
    let mut rest = blob.as_slice();
    let mut canonical = Vec::with_capacity(blob.len());
    let name = take_string(&mut rest)?;
    if name != key_type.as_bytes() {
        return None;
    }
    put_string(&mut canonical, name);
    for _ in 0..integers {
        let mut int = take_string(&mut rest)?;
        if int.first().is_some_and(|b| b & 0x80 != 0) {
            return None; // negative: sshd refuses it too
        }
        while let Some((0, tail)) = int.split_first() {
            int = tail;
        }
        let mut minimal = Vec::with_capacity(int.len() + 1);
        if int.first().is_some_and(|b| b & 0x80 != 0) {
            minimal.push(0);
        }
        minimal.extend_from_slice(int);
        put_string(&mut canonical, &minimal);
    }
    if !rest.is_empty() || canonical == blob {
        return None;
    }
    let mut line = String::with_capacity(text.len());
    line.push_str(text.get(..bs)?);
    line.push_str(&base64ct::Base64::encode_string(&canonical));
    line.push_str(text.get(be..)?);
    Some(line)
}

fn take_string<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, tail) = rest.split_first_chunk::<4>()?;
    let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
    let (value, tail) = tail.split_at_checked(len)?;
    *rest = tail;
    Some(value)
}

fn put_string(out: &mut Vec<u8>, value: &[u8]) {
    let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::PublicKeyData;

    const ED: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    #[test]
    fn every_kind_of_line_is_told_apart_and_kept_byte_for_byte() {
        let mut bytes = format!("\u{feff}{ED} a\r\n\n  # c\nno-pty {ED} b\ngarbage\n").into_bytes();
        bytes.push(0xff); // a last line that is not UTF-8, without a terminator
        let lines: Vec<_> = lines(&bytes).collect();
        assert_eq!(lines.len(), 6);
        assert_eq!(
            lines.iter().map(|l| l.raw).collect::<Vec<_>>().concat(),
            bytes
        );
        assert_eq!(
            lines.iter().map(|l| l.number).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6]
        );
        assert!(
            matches!(&lines[0].entry, Entry::Key { options: None, key, noncanonical: false } if key.comment() == "a")
        );
        assert_eq!(lines[1].entry, Entry::Comment);
        assert_eq!(lines[2].entry, Entry::Comment);
        assert!(matches!(&lines[3].entry, Entry::Key { options: Some(o), .. } if o == "no-pty"));
        assert!(matches!(lines[4].entry, Entry::Invalid(_)));
        assert_eq!(lines[5].entry, Entry::NotText);
    }

    #[test]
    fn leading_zeros_in_rsa_integers_are_the_canonical_key() {
        let key =
            crate::format::public::decode_line(include_str!("../../../testdata/rsa-2048.pub"))
                .unwrap()
                .unwrap();
        let PublicKeyData::Rsa { e, n } = key.data() else {
            panic!("not RSA")
        };
        let mut blob = Vec::new();
        put_string(&mut blob, b"ssh-rsa");
        put_string(&mut blob, &[&[0u8, 0][..], e].concat());
        put_string(&mut blob, &[&[0u8, 0][..], n].concat());
        let line = format!(
            "ssh-rsa {} padded\n",
            base64ct::Base64::encode_string(&blob)
        );
        let lines: Vec<_> = lines(line.as_bytes()).collect();
        let Entry::Key {
            key: read,
            noncanonical: true,
            ..
        } = &lines[0].entry
        else {
            panic!("{:?}", lines[0].entry)
        };
        assert_eq!(read.data(), key.data());
        assert_eq!(read.comment(), "padded");
    }
}
