//! RFC 4716 "The Secure Shell (SSH) Public Key File Format", as ssh-keygen (`-e -m RFC4716`)
//! and PuTTYgen (`-O public`) write it.
//!
//! ```text
//! ---- BEGIN SSH2 PUBLIC KEY ----
//! Comment: "alice@laptop"                   header lines: `Tag: value`, a trailing `\`
//! x-anything: ignored                       continues a header on the next line
//! AAAAB3NzaC1yc2EAAAADAQABAAABAQC9MvtUoYrRwPCUiviBzaLOWW6V+w4ZsHxdJ2bluR
//! 6FkqjgyvLhd3xVIcPonq2iuQMI+7S/cQTpVzsDgY2R1gIkT…   base64 of the SSH wire blob
//! ---- END SSH2 PUBLIC KEY ----
//! ```
//!
//! Reading is tolerant of what people and editors do to these files: CRLF or CR line ends, a
//! UTF-8 BOM, UTF-16 with a BOM (Windows Notepad), blank lines, leading and trailing white space,
//! an unquoted Comment, `\"` and `\\` escapes in a quoted one, and the whole block flattened
//! onto one line by a paste. It is strict about the rest: the END line must be there, the
//! base64 must be canonical, the blob must be a whole, valid key.
//!
//! Decisions where RFC 4716 is silent:
//! - Header tags are matched without regard to case; of several Comment headers the first
//!   counts; every other header (`Subject`, `x-…`, unknown ones) is ignored.
//! - A quoted Comment value is unescaped (`\"` → `"`, `\\` → `\`, any other `\c` kept as is); an
//!   unquoted one is taken literally.
//! - In a flattened block (text after the BEGIN marker on its line), the words are read as
//!   `Tag: value` headers, then the base64 body: an unquoted value ends at the next `Tag:` word
//!   or at the first word from which every word left is base64 and which starts like an SSH
//!   blob (`AAAA`).
//! - Text outside the blocks other than white space is an error, and so is a file without any.
//! - When writing, line breaks in the comment become spaces, and a BEGIN or END marker in it
//!   loses the space after its dashes (`----END SSH2 …`): every reader would take it for the
//!   block's edge. Continued header lines are split
//!   on character boundaries, never inside an escape, and never so that a continuation line
//!   holds `": "` (ssh-keygen 9.2 `-i` mistakes such a line for a header and then drops the
//!   first base64 line).

use crate::encoding::{self, base64, text};
use crate::error::{Error, Location, Result};
use crate::format::Format;
use crate::key::PublicKey;

const FORMAT: Format = Format::Rfc4716;
const BEGIN: &str = "---- BEGIN SSH2 PUBLIC KEY ----";
const END: &str = "---- END SSH2 PUBLIC KEY ----";
/// RFC 4716 §3: no line longer than 72 bytes, line terminators excluded.
const MAX_LINE: usize = 72;
/// The base64 body's width (as ssh-keygen writes it).
const BODY_WIDTH: usize = 70;

/// Decodes every key block of an RFC 4716 file.
///
/// ```
/// let file = "---- BEGIN SSH2 PUBLIC KEY ----\r\n\
///             Comment: \"me\"\r\n\
///             AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\r\n\
///             ---- END SSH2 PUBLIC KEY ----\r\n";
/// let keys = keyconv::format::rfc4716::decode(file.as_bytes())?;
/// assert_eq!(keys[0].comment(), "me");
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn decode(input: &[u8]) -> Result<Vec<PublicKey>> {
    if input.len() > encoding::MAX_KEY_FILE {
        return Err(Error::malformed(FORMAT, "file is too large for a key file"));
    }
    let text = text::decode(input)?;
    let mut lines = Lines::new(text::lines(&text));
    let mut keys = Vec::new();
    while let Some((number, line)) = lines.next() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some(after_begin) = line.strip_prefix(BEGIN) else {
            return Err(Error::malformed_at(
                FORMAT,
                format!("expected {BEGIN}"),
                Location::Line(number),
            ));
        };
        keys.push(decode_block(&mut lines, number, after_begin)?);
    }
    if keys.is_empty() {
        return Err(Error::malformed(FORMAT, format!("no {BEGIN} line")));
    }
    Ok(keys)
}

/// Numbered lines, with the rest of a line after an END marker given back as a line of its own.
struct Lines<'a, I: Iterator<Item = &'a str>> {
    inner: std::iter::Enumerate<I>,
    pending: Option<(usize, &'a str)>,
}

impl<'a, I: Iterator<Item = &'a str>> Lines<'a, I> {
    fn new(lines: I) -> Self {
        Lines {
            inner: lines.enumerate(),
            pending: None,
        }
    }

    fn push_back(&mut self, number: usize, rest: &'a str) {
        self.pending = Some((number, rest));
    }
}

impl<'a, I: Iterator<Item = &'a str>> Iterator for Lines<'a, I> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        self.pending
            .take()
            .or_else(|| self.inner.next().map(|(i, l)| (i + 1, l)))
    }
}

/// Reads one block, from just after its BEGIN marker (`after_begin` is the rest of that line)
/// up to and including its END marker.
fn decode_block<'a>(
    lines: &mut Lines<'a, impl Iterator<Item = &'a str>>,
    begin: usize,
    after_begin: &'a str,
) -> Result<PublicKey> {
    let no_end = || {
        Error::malformed_at(
            FORMAT,
            format!("the block has no {END} line"),
            Location::Line(begin),
        )
    };
    let flattened = !after_begin.trim().is_empty();
    let mut content: Vec<(usize, &str)> = Vec::new();
    // The rest of the BEGIN line comes first: a flattened block, maybe with its END marker.
    let mut first = Some((begin, after_begin));
    loop {
        let is_first = first.is_some();
        let Some((number, line)) = first.take().or_else(|| lines.next()) else {
            return Err(no_end());
        };
        if let Some(at) = line.find(END) {
            let (before, rest) = line.split_at(at);
            if !before.trim().is_empty() {
                content.push((number, before));
            }
            let rest = rest.get(END.len()..).unwrap_or_default();
            if !rest.trim().is_empty() {
                lines.push_back(number, rest);
            }
            break;
        }
        if !is_first && line.contains(BEGIN) {
            return Err(no_end());
        }
        if !line.trim().is_empty() {
            content.push((number, line));
        }
    }
    let (comment, body) = if flattened {
        let joined: Vec<&str> = content.iter().map(|(_, l)| l.trim()).collect();
        read_flattened(&joined.join(" "), begin)?
    } else {
        read_lines(&content)?
    };
    let blob = base64::decode_tolerant(&body).ok_or_else(|| {
        Error::malformed_at(
            FORMAT,
            "the key's base64 is not valid",
            Location::Line(begin),
        )
    })?;
    if blob.is_empty() {
        return Err(Error::malformed_at(
            FORMAT,
            "the block holds no key",
            Location::Line(begin),
        ));
    }
    PublicKey::from_ssh_blob(&blob, comment.as_deref().unwrap_or_default(), FORMAT)
}

/// Headers and body of a block laid out on lines: the Comment, if any, and the base64 text.
fn read_lines(content: &[(usize, &str)]) -> Result<(Option<String>, String)> {
    let mut comment: Option<String> = None;
    let mut body = String::new();
    let mut in_headers = true;
    let mut rows = content.iter();
    while let Some(&(number, line)) = rows.next() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if in_headers {
            if let Some((tag, value)) = header(trimmed) {
                // Continuation lines are taken as they are (their leading white space may be
                // part of the value); only trailing white space goes.
                let mut value = value.to_owned();
                while value.ends_with('\\') {
                    value.pop();
                    let Some(&(_, next)) = rows.next() else {
                        return Err(Error::malformed_at(
                            FORMAT,
                            "a header line ends with \\ but no line follows",
                            Location::Line(number),
                        ));
                    };
                    value.push_str(next.trim_end());
                }
                if tag.eq_ignore_ascii_case("Comment") && comment.is_none() {
                    comment = Some(header_value(value.trim()));
                }
                continue;
            }
            in_headers = false;
        }
        body.push_str(trimmed);
    }
    Ok((comment, body))
}

/// `Tag: value` where the tag is 1–64 printable ASCII characters other than `:` (RFC 4716 §3.3).
fn header(line: &str) -> Option<(&str, &str)> {
    let (tag, value) = line.split_once(':')?;
    let tag_ok = (1..=64).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_graphic());
    tag_ok.then(|| (tag, value.trim_start()))
}

/// A Comment value: quotes removed and `\"`, `\\` unescaped when quoted, else as it is.
fn header_value(value: &str) -> String {
    match value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|_| value.len() >= 2)
    {
        Some(inner) => unescape(inner),
        None => value.to_owned(),
    }
}

fn unescape(quoted: &str) -> String {
    let mut out = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(e @ ('"' | '\\')) => out.push(e),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_base64_word(word: &str) -> bool {
    word.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
}

fn is_tag_word(word: &str) -> bool {
    word.strip_suffix(':').is_some_and(|tag| {
        (1..=64).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_graphic() && b != b':')
    })
}

/// Headers and body of a block flattened onto one line: `Tag: value … BASE64 BASE64 …`.
/// One pass over the words, so that hostile input cannot make it quadratic.
fn read_flattened(text: &str, begin: usize) -> Result<(Option<String>, String)> {
    let offset_of = |word: &str| word.as_ptr() as usize - text.as_ptr() as usize;
    let words: Vec<&str> = text.split_whitespace().collect();
    // body_from[i]: every word from i on is base64, and word i starts like an SSH blob.
    let mut body_from = vec![false; words.len()];
    let mut all_base64 = true;
    for (i, word) in words.iter().enumerate().rev() {
        all_base64 = all_base64 && is_base64_word(word);
        if let Some(slot) = body_from.get_mut(i) {
            *slot = all_base64 && word.starts_with("AAAA");
        }
    }
    let starts_body = |i: usize| body_from.get(i).copied().unwrap_or(false);
    let mut comment: Option<String> = None;
    let mut i = 0;
    while let Some(tag) = words
        .get(i)
        .filter(|w| !starts_body(i) && is_tag_word(w))
        .map(|w| w.trim_end_matches(':'))
    {
        i += 1;
        let value = match words.get(i) {
            Some(first) if first.starts_with('"') => {
                let start = offset_of(first);
                let (value, len) =
                    text.get(start..)
                        .and_then(flattened_quoted)
                        .ok_or_else(|| {
                            Error::malformed_at(
                                FORMAT,
                                format!("the {tag} header's quoted value is not closed"),
                                Location::Line(begin),
                            )
                        })?;
                // Skip the words the quoted value spans.
                while words.get(i).is_some_and(|w| offset_of(w) < start + len) {
                    i += 1;
                }
                value
            }
            Some(first) => {
                let start = offset_of(first);
                let mut end = start;
                while let Some(w) = words.get(i).filter(|w| !starts_body(i) && !is_tag_word(w)) {
                    end = offset_of(w) + w.len();
                    i += 1;
                }
                text.get(start..end).unwrap_or_default().to_owned()
            }
            None => String::new(),
        };
        if tag.eq_ignore_ascii_case("Comment") && comment.is_none() {
            comment = Some(value);
        }
    }
    let body = words.get(i..).unwrap_or_default().concat();
    Ok((comment, body))
}

/// A quoted value at the start of `s` (which starts with `"`): the unescaped value and the
/// length of its text, quotes included. A `\` before white space is a flattened line
/// continuation: both are dropped.
fn flattened_quoted(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 2)),
            '\\' => match chars.peek().map(|&(_, c)| c) {
                Some(e @ ('"' | '\\')) => {
                    out.push(e);
                    chars.next();
                }
                Some(w) if w.is_whitespace() => {
                    while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
                }
                _ => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    None
}

/// Encodes `key` as an RFC 4716 block (§3): BEGIN line, a quoted and escaped `Comment` header
/// when the comment is not empty (continued with `\` past 72 bytes), the base64 body wrapped
/// at 70 columns, END line.
///
/// ```
/// let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl say \"hi\"";
/// let key = keyconv::format::public::decode_line(line)?.unwrap();
/// assert_eq!(
///     keyconv::format::rfc4716::encode(&key),
///     "---- BEGIN SSH2 PUBLIC KEY ----\n\
///      Comment: \"say \\\"hi\\\"\"\n\
///      AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n\
///      ---- END SSH2 PUBLIC KEY ----\n"
/// );
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn encode(key: &PublicKey) -> String {
    let mut out = String::new();
    out.push_str(BEGIN);
    out.push('\n');
    if !key.comment().is_empty() {
        for line in comment_lines(key.comment()) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push_str(&base64::encode_wrapped(&key.to_ssh_blob(), BODY_WIDTH));
    out.push_str(END);
    out.push('\n');
    out
}

/// `comment` with every BEGIN and END marker defused (`---- END` → `----END`), so that no line
/// of the header can end the block. Dropping a space cannot make a new marker; the loop takes
/// overlapping ones.
fn without_markers(comment: &str) -> String {
    let mut comment = comment.to_owned();
    for marker in [BEGIN, END] {
        let defused = marker.replacen("---- ", "----", 1);
        while comment.contains(marker) {
            comment = comment.replace(marker, &defused);
        }
    }
    comment
}

/// The `Comment: "…"` header, split into lines of at most [`MAX_LINE`] bytes.
fn comment_lines(comment: &str) -> Vec<String> {
    // Escaped units: a character, or a backslash and the character it escapes.
    let mut units: Vec<String> = Vec::new();
    units.push("Comment: \"".to_owned());
    for c in without_markers(comment).chars() {
        units.push(match c {
            '"' | '\\' => format!("\\{c}"),
            '\r' | '\n' => " ".to_owned(),
            c => c.to_string(),
        });
    }
    units.push("\"".to_owned());

    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let total: usize = units.iter().map(String::len).sum();
    let mut left = total;
    for unit in units {
        let fits_as_last = line.len() + left <= MAX_LINE;
        let room = line.len() + unit.len() < MAX_LINE; // keeps a byte for the `\`
        let colon_space = !lines.is_empty() && line.ends_with(':') && unit.starts_with(' ');
        if !line.is_empty() && ((!fits_as_last && !room) || colon_space) {
            line.push('\\');
            lines.push(std::mem::take(&mut line));
        }
        left -= unit.len();
        line.push_str(&unit);
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const ED: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    fn block(inner: &str) -> String {
        format!("{BEGIN}\n{inner}\n{END}\n")
    }

    fn comment_of(text: &str) -> String {
        let keys = decode(text.as_bytes()).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(keys.len(), 1);
        assert_eq!(
            base64::encode(&keys[0].to_ssh_blob()),
            ED,
            "wrong key from {text}"
        );
        keys[0].comment().to_owned()
    }

    #[test]
    fn header_forms() {
        let half = ED.split_at(30);
        let cases = [
            (format!("Comment: \"me@host\"\n{ED}"), "me@host"),
            (format!("Comment: me and you\n{ED}"), "me and you"),
            (
                format!("comment:\"a \\\"b\\\" \\\\c\"\n{ED}"),
                "a \"b\" \\c",
            ),
            (format!("Comment: \"me@\\\n host\"\n{ED}"), "me@ host"),
            (format!("Comment: \"a\\\nb\\\nc\"\n{ED}"), "abc"),
            (
                format!(
                    "x-foo: bar\\\n baz\nComment: \"c\"\nSubject: s\n\n{}\n{}",
                    half.0, half.1
                ),
                "c",
            ),
            (format!("  Comment: \"c\"   \n  {ED}  \n\n"), "c"),
            (ED.to_owned(), ""),
            (format!("Comment: \"\"\n{ED}"), ""),
        ];
        for (inner, want) in cases {
            assert_eq!(comment_of(&block(&inner)), want, "{inner}");
        }
    }

    #[test]
    fn flattened_blocks() {
        let (a, b) = ED.split_at(40);
        let cases = [
            (format!("{BEGIN} Comment: \"x y\" {a} {b} {END}"), "x y"),
            (format!("{BEGIN} Comment: x y {a} {b} {END}"), "x y"),
            (format!("{BEGIN} Comment: x x-a: b {ED} {END}\n"), "x"),
            (
                format!("{BEGIN} x-a: \"q\" Comment: \"x\\ y\" {ED} {END}"),
                "xy",
            ),
            (format!("{BEGIN} {ED} {END}"), ""),
            (
                format!("{BEGIN} Comment: AAAA-ish {a}\n{b}\n{END}"),
                "AAAA-ish",
            ),
            (
                format!("\n  {BEGIN}  Comment: \"c\"  {ED}  {END}  \n\n"),
                "c",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(comment_of(&text), want, "{text}");
        }
    }

    #[test]
    fn several_blocks_and_text_encodings() {
        let one = block(&format!("Comment: \"1\"\n{ED}"));
        let two = format!("{one}\r\n{BEGIN} {ED} {END} {BEGIN} {ED} {END}\n{one}");
        let keys = decode(two.as_bytes()).unwrap();
        assert_eq!(keys.len(), 4);
        let mut utf16 = vec![0xff, 0xfe];
        for u in one.replace('\n', "\r\n").encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap()[0].comment(), "1");
        let bom = [b"\xef\xbb\xbf".as_slice(), one.as_bytes()].concat();
        assert_eq!(decode(&bom).unwrap()[0].comment(), "1");
    }

    #[test]
    fn broken_blocks_are_errors() {
        let bad = [
            format!("{BEGIN}\nComment: \"c\"\n{ED}\n"),
            format!("{BEGIN}\n{ED}\n{BEGIN}\n{ED}\n{END}\n"),
            format!("Comment: \"c\"\n{ED}\n{END}\n"),
            format!("{BEGIN}\nComment: \"c\"\\\n{END}\n"),
            format!("{BEGIN}\nComment: \"c\"\n{END}\n"),
            block(&format!("{ED}!")),
            block(&format!("{ED}\nComment: late")),
            block(&ED[..ED.len() - 4]),
            format!("junk\n{}", block(ED)),
            format!("{}junk\n", block(ED)),
            format!("{BEGIN} Comment: \"open {ED} {END}"),
            String::new(),
        ];
        for text in &bad {
            let e = decode(text.as_bytes()).unwrap_err();
            assert!(
                matches!(e.kind(), ErrorKind::Malformed { .. }),
                "{text}: {e:?}"
            );
        }
        let e = decode(format!("\n{BEGIN}\n{ED}\n").as_bytes()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "malformed RFC 4716 public key file: the block has no ---- END SSH2 PUBLIC KEY ---- line at line 2"
        );
    }

    #[test]
    fn hostile_input_stays_linear() {
        let start = std::time::Instant::now();
        let continued = format!(
            "{BEGIN}\nComment: {}x\n{ED}\n{END}\n",
            "a\\\n".repeat(200_000)
        );
        assert_eq!(comment_of(&continued).len(), 200_001);
        let tags = format!("{BEGIN} {} {ED} {END}", "x: ".repeat(200_000));
        assert_eq!(comment_of(&tags), "");
        let words = format!("{BEGIN} Comment: {} {ED} {END}", "w ".repeat(200_000));
        assert_eq!(comment_of(&words).len(), 399_999);
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
    }

    fn key_with_comment(comment: &str) -> PublicKey {
        PublicKey::from_ssh_blob(&base64::decode(ED).unwrap(), comment, FORMAT).unwrap()
    }

    #[test]
    fn encoding_wraps_within_72_bytes_and_round_trips() {
        let long = "ü\"\\x: y".repeat(40);
        let comments = [
            "plain",
            "with \"quotes\" and \\back\\slashes\\",
            long.as_str(),
            &"a".repeat(61),
            &"a".repeat(62),
            &"a".repeat(63),
            &"é".repeat(100),
            "key: value".repeat(20).as_str(),
        ]
        .map(str::to_owned);
        for comment in comments {
            let key = key_with_comment(&comment);
            let text = encode(&key);
            for line in text.lines() {
                assert!(line.len() <= MAX_LINE, "{} bytes: {line}", line.len());
            }
            let continuation_lines = text.lines().skip(2).take_while(|l| !l.starts_with("AAAA"));
            for line in continuation_lines {
                assert!(!line.contains(": "), "{line}");
            }
            let back = decode(text.as_bytes()).unwrap();
            assert_eq!(back, vec![key], "{text}");
        }
        assert_eq!(
            encode(&key_with_comment("")),
            format!("{BEGIN}\n{ED}\n{END}\n")
        );
        assert_eq!(
            encode(&key_with_comment(&"a".repeat(61))).lines().nth(1),
            Some(format!("Comment: \"{}\"", "a".repeat(61)).as_str())
        );
    }

    /// Found by the roundtrip fuzzer: a .ppk whose comment held a BEGIN marker made a block
    /// that no reader (keyconv, ssh-keygen -i) could read back.
    #[test]
    fn markers_in_a_comment_are_defused() {
        for (comment, want) in [
            (
                format!("x {BEGIN} y"),
                "x ----BEGIN SSH2 PUBLIC KEY ---- y".to_owned(),
            ),
            (END.to_owned(), "----END SSH2 PUBLIC KEY ----".to_owned()),
            (
                format!("-{BEGIN}-"),
                "-----BEGIN SSH2 PUBLIC KEY -----".to_owned(),
            ),
            (
                "---- BEGIN SSH2 PUBLIC KEY ---- BEGIN SSH2 PUBLIC KEY ----".to_owned(),
                "----BEGIN SSH2 PUBLIC KEY ----BEGIN SSH2 PUBLIC KEY ----".to_owned(),
            ),
            (
                format!("{}{END}", "a".repeat(60)),
                format!("{}----END SSH2 PUBLIC KEY ----", "a".repeat(60)),
            ),
        ] {
            let text = encode(&key_with_comment(&comment));
            assert_eq!(text.matches(BEGIN).count(), 1, "{text}");
            assert_eq!(text.matches(END).count(), 1, "{text}");
            let back = decode(text.as_bytes()).unwrap();
            assert_eq!(back[0].comment(), want, "{text}");
        }
    }
}
