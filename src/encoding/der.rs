//! Just enough DER to tell the key structures apart (for format detection); the format modules
//! parse DER with the `der`/`pkcs8` crates.

/// One tag-length-value: the tag, and the contents.
pub(crate) fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
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

/// The tags of the elements of a DER SEQUENCE that fills `input` entirely.
pub(crate) fn sequence_tags(input: &[u8]) -> Option<Vec<u8>> {
    let (tag, mut contents, after) = tlv(input)?;
    if tag != 0x30 || !after.is_empty() {
        return None;
    }
    let mut tags = Vec::new();
    while !contents.is_empty() && tags.len() < 16 {
        let (t, _, rest) = tlv(contents)?;
        tags.push(t);
        contents = rest;
    }
    Some(tags)
}
