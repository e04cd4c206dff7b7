//! Input text decoding: UTF-8 with or without a BOM, UTF-16 LE/BE with a BOM (as Windows Notepad
//! saves), and line splitting that accepts LF, CRLF and lone CR.

use std::borrow::Cow;

use crate::error::{Error, ErrorKind, Result};

/// Decodes `bytes` as text. A UTF-8 BOM is dropped; UTF-16 with a BOM is converted.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>> {
    let not_text = || {
        Error::new(ErrorKind::Malformed {
            format: None,
            what: "input is neither UTF-8 nor UTF-16 text".into(),
            location: None,
        })
    };
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|_| not_text());
    }
    let utf16 = |rest: &[u8], from: fn([u8; 2]) -> u16| -> Result<Cow<'_, str>> {
        if !rest.len().is_multiple_of(2) {
            return Err(not_text());
        }
        let units = rest
            .chunks_exact(2)
            .map(|c| from(<[u8; 2]>::try_from(c).unwrap_or_default()));
        char::decode_utf16(units)
            .collect::<std::result::Result<String, _>>()
            .map(Cow::Owned)
            .map_err(|_| not_text())
    };
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return utf16(rest, u16::from_be_bytes);
    }
    std::str::from_utf8(bytes)
        .map(Cow::Borrowed)
        .map_err(|_| not_text())
}

/// Splits text into lines at LF, CRLF or CR; the line terminators are not included.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let s = rest?;
        match s.find(['\n', '\r']) {
            Some(i) => {
                let (line, tail) = s.split_at(i);
                let skip = if tail.starts_with("\r\n") { 2 } else { 1 };
                rest = tail.get(skip..).filter(|t| !t.is_empty());
                Some(line)
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_and_utf16() {
        assert_eq!(decode(b"\xef\xbb\xbfab").unwrap(), "ab");
        assert_eq!(decode(b"\xff\xfea\0b\0").unwrap(), "ab");
        assert_eq!(decode(b"\xfe\xff\0a\0b").unwrap(), "ab");
        assert!(decode(b"\xff\xfea").is_err());
        assert!(decode(b"\xc3").is_err());
    }

    #[test]
    fn splits_every_line_ending() {
        let v: Vec<_> = lines("a\r\nb\rc\nd").collect();
        assert_eq!(v, ["a", "b", "c", "d"]);
        let v: Vec<_> = lines("a\n\nb\n").collect();
        assert_eq!(v, ["a", "", "b"]);
        assert_eq!(lines("").count(), 1);
    }
}
