//! Strict ASN.1 DER (X.690 §10) for the key structures of PKCS#1, SEC1, PKCS#8 and PKCS#5: a
//! [`Reader`] that checks every length against what is there and a few writer functions.
//!
//! Only what those structures use: single-byte tags, definite minimal lengths (at most four
//! length bytes, which [`MAX_KEY_FILE`](crate::encoding::MAX_KEY_FILE) never needs more of),
//! non-negative minimal INTEGERs, OCTET STRINGs, BIT STRINGs without unused bits, NULL, OBJECT
//! IDENTIFIERs (read as dotted text so that code can match on them), and context-specific tags.
//!
//! ```text
//! tag (1 byte) | length (1 byte < 0x80, or 0x8N then N big-endian bytes) | contents
//! ```

use zeroize::Zeroizing;

use crate::error::{Error, Location, Result};
use crate::format_name::Format;

/// `INTEGER`.
pub(crate) const INTEGER: u8 = 0x02;
/// `BIT STRING`.
pub(crate) const BIT_STRING: u8 = 0x03;
/// `OCTET STRING`.
pub(crate) const OCTET_STRING: u8 = 0x04;
/// `NULL`.
pub(crate) const NULL: u8 = 0x05;
/// `OBJECT IDENTIFIER`.
pub(crate) const OID: u8 = 0x06;
/// `SEQUENCE` (constructed).
pub(crate) const SEQUENCE: u8 = 0x30;

/// The tag of a constructed context-specific `[n]` (EXPLICIT, or IMPLICIT of a constructed type).
pub(crate) const fn context(n: u8) -> u8 {
    0xa0 | n
}

/// The tag of a primitive context-specific `[n]` (IMPLICIT of a primitive type).
pub(crate) const fn context_primitive(n: u8) -> u8 {
    0x80 | n
}

/// The longest OBJECT IDENTIFIER read; real ones are under 20 bytes.
const MAX_OID_LEN: usize = 64;

/// Reads DER values from a byte slice; errors name the format and the byte offset.
#[derive(Clone)]
pub(crate) struct Reader<'a> {
    input: &'a [u8],
    /// Offset of `input` in the outermost structure, for error locations.
    base: usize,
    offset: usize,
    format: Format,
}

impl<'a> Reader<'a> {
    /// A reader over `input`; errors name `format`.
    pub(crate) fn new(input: &'a [u8], format: Format) -> Self {
        Reader {
            input,
            base: 0,
            offset: 0,
            format,
        }
    }

    /// A malformed-input error at the current offset.
    pub(crate) fn error(&self, what: impl Into<String>) -> Error {
        Error::malformed_at(self.format, what, Location::Offset(self.base + self.offset))
    }

    fn remaining(&self) -> &'a [u8] {
        self.input.get(self.offset..).unwrap_or_default()
    }

    /// Whether everything has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.remaining().is_empty()
    }

    /// The tag of the next value, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.remaining().first().copied()
    }

    /// Fails unless everything has been read.
    pub(crate) fn finish(&self, what: &str) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.error(format!("unexpected data after the {what}")))
        }
    }

    /// Reads one value of any tag: its tag and a reader over its contents.
    pub(crate) fn any(&mut self, what: &str) -> Result<(u8, Reader<'a>)> {
        let rest = self.remaining();
        let truncated = || self.error(format!("{what} is truncated"));
        let (&tag, after_tag) = rest.split_first().ok_or_else(truncated)?;
        if tag & 0x1f == 0x1f {
            return Err(self.error(format!("{what} has a multi-byte tag")));
        }
        let (&first, after_len) = after_tag.split_first().ok_or_else(truncated)?;
        let (len, after_len) = if first < 0x80 {
            (usize::from(first), after_len)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 {
                return Err(self.error(format!("{what} has an indefinite length (BER, not DER)")));
            }
            if n > 4 {
                return Err(self.error(format!("{what} has an impossible length")));
            }
            if after_len.len() < n {
                return Err(truncated());
            }
            let (len_bytes, after) = after_len.split_at(n);
            let len = len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            if len < 0x80 || len_bytes.first() == Some(&0) {
                return Err(self.error(format!("{what} has a non-minimal length (BER, not DER)")));
            }
            (len, after)
        };
        if len > after_len.len() {
            return Err(self.error(format!(
                "{what} needs {len} bytes but only {} remain",
                after_len.len()
            )));
        }
        let header = rest.len() - after_len.len();
        let contents = Reader {
            input: after_len.get(..len).unwrap_or_default(),
            base: self.base + self.offset + header,
            offset: 0,
            format: self.format,
        };
        self.offset += header + len;
        Ok((tag, contents))
    }

    /// Reads one value that must have `tag`; returns a reader over its contents.
    pub(crate) fn expect(&mut self, tag: u8, what: &str) -> Result<Reader<'a>> {
        match self.peek_tag() {
            Some(t) if t == tag => Ok(self.any(what)?.1),
            Some(_) => Err(self.error(format!("expected {what}"))),
            None => Err(self.error(format!("{what} is missing"))),
        }
    }

    /// Reads one value that must have `tag`; returns its whole encoding (tag, length, contents),
    /// for structures kept as DER (a certificate's SubjectPublicKeyInfo, a MAC's input).
    pub(crate) fn expect_encoded(&mut self, tag: u8, what: &str) -> Result<&'a [u8]> {
        let start = self.offset;
        self.expect(tag, what)?;
        self.input
            .get(start..self.offset)
            .ok_or_else(|| self.error(format!("{what} is truncated")))
    }

    /// Reads a value with `tag` if it comes next.
    pub(crate) fn optional(&mut self, tag: u8, what: &str) -> Result<Option<Reader<'a>>> {
        if self.peek_tag() == Some(tag) {
            Ok(Some(self.any(what)?.1))
        } else {
            Ok(None)
        }
    }

    /// The remaining contents as a byte slice (everything), consuming them.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let rest = self.remaining();
        self.offset = self.input.len();
        rest
    }

    /// A `SEQUENCE`: a reader over its elements.
    pub(crate) fn sequence(&mut self, what: &str) -> Result<Reader<'a>> {
        self.expect(SEQUENCE, what)
    }

    /// A non-negative `INTEGER` as a big-endian magnitude without leading zeros (empty for 0).
    pub(crate) fn uint(&mut self, what: &str) -> Result<&'a [u8]> {
        let mut r = self.expect(INTEGER, what)?;
        let bytes = r.rest();
        match bytes {
            [] => Err(r.error(format!("{what} is an empty INTEGER"))),
            [first, ..] if first & 0x80 != 0 => Err(r.error(format!("{what} is negative"))),
            [0, second, ..] if second & 0x80 == 0 => {
                Err(r.error(format!("{what} is not minimally encoded")))
            }
            [0, rest @ ..] => Ok(rest),
            _ => Ok(bytes),
        }
    }

    /// A non-negative `INTEGER` that fits in a `u64`.
    pub(crate) fn small_uint(&mut self, what: &str) -> Result<u64> {
        let at = self.clone();
        let bytes = self.uint(what)?;
        if bytes.len() > 8 {
            return Err(at.error(format!("{what} is too large")));
        }
        Ok(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    /// An `OCTET STRING`'s contents.
    pub(crate) fn octet_string(&mut self, what: &str) -> Result<&'a [u8]> {
        Ok(self.expect(OCTET_STRING, what)?.rest())
    }

    /// A `BIT STRING` with no unused bits (a key), its bytes after the unused-bits octet.
    pub(crate) fn bit_string(&mut self, what: &str) -> Result<&'a [u8]> {
        let r = self.expect(BIT_STRING, what)?;
        bit_string_contents(r, what)
    }

    /// `NULL`.
    pub(crate) fn null(&mut self, what: &str) -> Result<()> {
        let r = self.expect(NULL, what)?;
        if !r.is_empty() {
            return Err(r.error(format!("{what} is a NULL with contents")));
        }
        Ok(())
    }

    /// An `OBJECT IDENTIFIER` in dotted form, e.g. `1.2.840.113549.1.1.1`.
    pub(crate) fn oid(&mut self, what: &str) -> Result<String> {
        let mut r = self.expect(OID, what)?;
        let bytes = r.rest();
        if bytes.len() > MAX_OID_LEN {
            return Err(r.error(format!("{what} is too long")));
        }
        decode_oid(bytes).ok_or_else(|| r.error(format!("{what} is not a valid OBJECT IDENTIFIER")))
    }
}

/// The contents of a `BIT STRING` (given its contents reader) with no unused bits.
pub(crate) fn bit_string_contents<'a>(mut r: Reader<'a>, what: &str) -> Result<&'a [u8]> {
    match r.rest() {
        [0, bytes @ ..] => Ok(bytes),
        _ => Err(r.error(format!("{what} is not a whole number of bytes"))),
    }
}

fn decode_oid(bytes: &[u8]) -> Option<String> {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    let mut in_arc = false;
    for &b in bytes {
        if !in_arc && b == 0x80 {
            return None; // non-minimal arc
        }
        value = value.checked_mul(128)? | u64::from(b & 0x7f);
        in_arc = b & 0x80 != 0;
        if !in_arc {
            arcs.push(value);
            value = 0;
        }
    }
    if in_arc {
        return None;
    }
    let (&first, rest) = arcs.split_first()?;
    let (a, b) = match first {
        0..40 => (0, first),
        40..80 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut out = format!("{a}.{b}");
    for arc in rest {
        out.push_str(&format!(".{arc}"));
    }
    Some(out)
}

fn encode_oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').filter_map(|a| a.parse().ok()).collect();
    let mut out = Vec::new();
    let mut push_arc = |mut v: u64| {
        let mut tmp = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        out.extend(tmp.iter().rev());
    };
    let mut iter = arcs.into_iter();
    let first = iter.next().unwrap_or(0);
    let second = iter.next().unwrap_or(0);
    push_arc(first * 40 + second);
    for arc in iter {
        push_arc(arc);
    }
    out
}

/// Writes one value: tag, minimal length, contents. Zeroized on drop: keys are built with it.
pub(crate) fn tlv(tag: u8, contents: &[u8]) -> Zeroizing<Vec<u8>> {
    let len = contents.len();
    let mut out = Zeroizing::new(Vec::with_capacity(len + 6));
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(contents);
    out
}

/// A value whose contents are `parts` concatenated.
pub(crate) fn constructed(tag: u8, parts: &[&[u8]]) -> Zeroizing<Vec<u8>> {
    let contents = Zeroizing::new(parts.concat());
    tlv(tag, &contents)
}

/// A `SEQUENCE` of `parts`.
pub(crate) fn sequence(parts: &[&[u8]]) -> Zeroizing<Vec<u8>> {
    constructed(SEQUENCE, parts)
}

/// A non-negative `INTEGER` from a big-endian magnitude (leading zeros allowed).
pub(crate) fn uint(magnitude: &[u8]) -> Zeroizing<Vec<u8>> {
    let trimmed = magnitude
        .get(magnitude.iter().take_while(|&&b| b == 0).count()..)
        .unwrap_or_default();
    let mut contents = Zeroizing::new(Vec::with_capacity(trimmed.len() + 1));
    if trimmed.first().is_none_or(|&b| b & 0x80 != 0) {
        contents.push(0);
    }
    contents.extend_from_slice(trimmed);
    tlv(INTEGER, &contents)
}

/// A small non-negative `INTEGER`.
pub(crate) fn small_uint(value: u64) -> Zeroizing<Vec<u8>> {
    uint(&value.to_be_bytes())
}

/// An `OCTET STRING`.
pub(crate) fn octet_string(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    tlv(OCTET_STRING, bytes)
}

/// A `BIT STRING` of whole bytes.
pub(crate) fn bit_string(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    bit_string_tagged(BIT_STRING, bytes)
}

/// A `BIT STRING` of whole bytes under another (IMPLICIT) tag.
pub(crate) fn bit_string_tagged(tag: u8, bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut contents = Vec::with_capacity(bytes.len() + 1);
    contents.push(0);
    contents.extend_from_slice(bytes);
    tlv(tag, &contents)
}

/// `NULL`.
pub(crate) fn null() -> Zeroizing<Vec<u8>> {
    tlv(NULL, &[])
}

/// An `OBJECT IDENTIFIER` from its dotted form (a constant of this crate).
pub(crate) fn oid(dotted: &str) -> Zeroizing<Vec<u8>> {
    tlv(OID, &encode_oid(dotted))
}

/// One tag-length-value, leniently (any length form): the tag, the contents, what follows.
fn peek_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let (len_bytes, rest) = rest.split_at(n);
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, rest)
    };
    if len > rest.len() {
        return None;
    }
    let (contents, after) = rest.split_at(len);
    Some((tag, contents, after))
}

/// The tags of the elements of a SEQUENCE that fills `input` entirely (at most 16), read
/// leniently: enough to tell the key structures apart (format detection, PEM bodies) before
/// the strict [`Reader`] parses one.
pub(crate) fn sequence_tags(input: &[u8]) -> Option<Vec<u8>> {
    let (tag, mut contents, after) = peek_tlv(input)?;
    if tag != 0x30 || !after.is_empty() {
        return None;
    }
    let mut tags = Vec::new();
    while !contents.is_empty() && tags.len() < 16 {
        let (t, _, rest) = peek_tlv(contents)?;
        tags.push(t);
        contents = rest;
    }
    Some(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_round_trip() {
        for dotted in [
            "1.2.840.113549.1.1.1",
            "1.3.101.112",
            "2.16.840.1.101.3.4.1.42",
            "1.3.6.1.4.1.11591.4.11",
            "0.9.2342",
        ] {
            let der = oid(dotted);
            let mut r = Reader::new(&der, Format::Pkcs8);
            assert_eq!(r.oid("oid").unwrap(), dotted);
            r.finish("oid").unwrap();
        }
        assert_eq!(
            &oid("1.2.840.113549.1.1.1")[..],
            &[6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 1]
        );
        assert!(decode_oid(&[0x2a, 0x80, 0x01]).is_none(), "non-minimal arc");
        assert!(decode_oid(&[0x2a, 0x86]).is_none(), "truncated arc");
    }

    #[test]
    fn integers_are_strict() {
        let read = |bytes: &[u8]| {
            Reader::new(bytes, Format::Pkcs8)
                .uint("n")
                .map(<[u8]>::to_vec)
        };
        assert_eq!(read(&[2, 1, 0]).unwrap(), b"");
        assert_eq!(read(&[2, 2, 0, 0x80]).unwrap(), [0x80]);
        assert!(read(&[2, 2, 0, 0x7f]).is_err(), "non-minimal");
        assert!(read(&[2, 1, 0xff]).is_err(), "negative");
        assert!(read(&[2, 0]).is_err(), "empty");
        assert_eq!(&uint(&[0, 0, 0x80])[..], &[2, 2, 0, 0x80]);
        assert_eq!(&uint(&[])[..], &[2, 1, 0]);
        assert_eq!(&small_uint(600_000)[..], &[2, 3, 0x09, 0x27, 0xc0]);
    }

    #[test]
    fn lengths_are_checked_and_minimal() {
        let long = tlv(OCTET_STRING, &[7u8; 300]);
        assert_eq!(&long[..4], &[4, 0x82, 1, 44]);
        let mut r = Reader::new(&long, Format::Pkcs8);
        assert_eq!(r.octet_string("x").unwrap().len(), 300);
        for bad in [
            &[4u8, 0x81, 0x05, 1, 2, 3, 4, 5][..], // long form for a short length
            &[4, 0x80, 1, 0, 0],                   // indefinite
            &[4, 0x85, 1, 1, 1, 1, 1],             // too many length bytes
            &[4, 5, 1, 2],                         // truncated
            &[4],
            &[0x1f, 1, 0], // multi-byte tag
        ] {
            assert!(
                Reader::new(bad, Format::Pkcs8).octet_string("x").is_err(),
                "{bad:?}"
            );
        }
        let e = Reader::new(&[0x30, 3, 4, 5, 0], Format::Pkcs8)
            .sequence("outer")
            .unwrap()
            .octet_string("inner")
            .unwrap_err();
        assert!(e.to_string().contains("at byte 2"), "{e}");
    }
}
