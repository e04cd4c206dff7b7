//! Base64 (RFC 4648 §4, with padding). Strict by default: canonical encoding only, so that a
//! flipped bit in the final character is an error rather than silently ignored.

use base64ct::{Base64, Encoding};

/// Decodes strict, canonical base64 with no white space.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    Base64::decode_vec(text).ok()
}

/// Decodes base64 pasted by a person: ASCII white space (spaces, tabs, CR, LF) anywhere is
/// ignored; the rest must still be canonical base64.
#[allow(dead_code)] // until the rfc4716 codec lands
pub(crate) fn decode_tolerant(text: &str) -> Option<Vec<u8>> {
    if text.bytes().any(|b| b.is_ascii_whitespace()) {
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        decode(&compact)
    } else {
        decode(text)
    }
}

/// Encodes with padding, on one line.
pub(crate) fn encode(bytes: &[u8]) -> String {
    Base64::encode_string(bytes)
}

/// Encodes and wraps at `width` characters, each line ending in `\n`.
pub(crate) fn encode_wrapped(bytes: &[u8], width: usize) -> String {
    let line = encode(bytes);
    let mut out = String::with_capacity(line.len() + line.len() / width.max(1) + 1);
    for chunk in line.as_bytes().chunks(width.max(1)) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_rejects_non_canonical_and_tolerant_skips_space() {
        assert_eq!(decode("YWI=").unwrap(), b"ab");
        assert!(decode("YWJ=").is_none(), "non-canonical trailing bits");
        assert!(decode("YW I=").is_none());
        assert_eq!(decode_tolerant("YW\r\n I=").unwrap(), b"ab");
        assert_eq!(encode_wrapped(b"abcdef", 4), "YWJj\nZGVm\n");
    }
}
