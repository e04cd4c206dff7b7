//! OpenSSH one-line public keys and `authorized_keys` files, as sshd(8) "AUTHORIZED_KEYS FILE
//! FORMAT" describes them.
//!
//! ```text
//! # comment line (also blank lines)
//! ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI… alice@laptop
//! command="echo \"a, b\"",no-pty,from="10.0.0.0/8" ssh-rsa AAAAB3NzaC1yc2E… bob
//! [OPTIONS WS] TYPE WS BASE64 [WS COMMENT]
//! ```
//!
//! `TYPE` must name the algorithm the blob itself starts with; `BASE64` is strict (canonical,
//! no white space); the comment is the rest of the line, trimmed. Options are a single token of
//! comma-separated `name` or `name="value"` items (no white space outside double quotes, `\"`
//! inside them); they are returned as written, not interpreted.
//!
//! Decisions where sshd(8) and ssh-keygen(1) leave room:
//! - A line is a key without options when its first word is a key algorithm name, or when its
//!   second word starts like an SSH blob (`AAAA`); otherwise its first token is options. So an
//!   unknown algorithm (`ssh-xmss@openssh.com AAAA…`) is reported as an unsupported key type, not
//!   as bad options.
//! - Options are checked for their syntax only (names of letters, digits, `-` and `_`, optional
//!   `="…"` value); which names exist is for the reader of the options to judge.
//! - A line that is not blank, not a `#` comment and not a key is an error (ssh-keygen skips it
//!   and fails at the end; sshd skips it silently). A file without any key is an error.
//! - Line breaks inside a comment are written as spaces, so that one key stays one line.

use crate::encoding::{base64, text};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::format::Format;
use crate::key::PublicKey;

pub mod authorized_keys;
pub mod known_hosts;

const FORMAT: Format = Format::Public;

/// How many lines that are neither blank nor comments [`looks_like_public_keys`] examines.
const DETECT_CANDIDATES: usize = 8;
/// How many lines in all [`looks_like_public_keys`] examines (a long comment header is fine).
const DETECT_LINES: usize = 1000;

/// Whether `text` holds one-line public keys: some line among the first few that are neither
/// blank nor `#` comments is `[OPTIONS] TYPE BASE64 [COMMENT]` where either the blob starts with
/// `TYPE` (any algorithm), or `TYPE` is a key algorithm keyconv knows and `BASE64` looks like
/// base64 — so that a damaged key is reported as a malformed public key rather than as an
/// unrecognized file. Looks at the first lines only, and decodes only the start of each blob.
pub(crate) fn looks_like_public_keys(text: &str) -> bool {
    text::lines(text)
        .take(DETECT_LINES)
        .map(|l| l.trim_matches([' ', '\t']))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(DETECT_CANDIDATES)
        .any(|l| {
            split_line(l).is_ok_and(|parts| {
                parts.is_some_and(|p| {
                    blob_names_type(p.key_type, p.base64)
                        || (is_key_type_name(p.key_type) && looks_like_base64(p.base64))
                })
            })
        })
}

/// At least 16 characters, nearly all from the base64 alphabet (a damaged blob still is).
fn looks_like_base64(word: &str) -> bool {
    let foreign = word
        .bytes()
        .filter(|&b| !(b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='))
        .count();
    word.len() >= 16 && foreign <= word.len() / 8
}

/// Whether the base64 text `b64` starts with an SSH `string` equal to `key_type`, decoding only
/// as much as that takes.
fn blob_names_type(key_type: &str, b64: &str) -> bool {
    // 4 length bytes and the name, rounded up to whole base64 quanta.
    let needed = (4 + key_type.len()).div_ceil(3) * 4;
    let prefix = if b64.len() <= needed {
        b64
    } else {
        b64.get(..needed).unwrap_or_default()
    };
    let Some(bytes) = base64::decode_public(prefix) else {
        return false;
    };
    let Some((len, rest)) = bytes.split_first_chunk::<4>() else {
        return false;
    };
    usize::try_from(u32::from_be_bytes(*len)).is_ok_and(|len| len == key_type.len())
        && rest.starts_with(key_type.as_bytes())
}

/// Decodes every key of a public key or `authorized_keys` file: UTF-8 (with or without BOM) or
/// UTF-16 with BOM, any line ending; blank lines and `#` comment lines are skipped.
///
/// Errors carry the line number ([`Location::Line`]).
///
/// ```
/// let file = b"# mine\n\nno-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me\n";
/// let keys = keyconv::format::public::decode(file)?;
/// assert_eq!(keys.len(), 1);
/// assert_eq!(keys[0].comment(), "me");
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn decode(input: &[u8]) -> Result<Vec<PublicKey>> {
    let text = text::decode(input)?;
    let mut keys = Vec::new();
    for (index, line) in text::lines(&text).enumerate() {
        let number = index + 1;
        if let Some((_, key)) = decode_key_line(line).map_err(|e| at_line(e, number))? {
            keys.push(key);
        }
    }
    if keys.is_empty() {
        return Err(Error::malformed(FORMAT, "no public key in the file"));
    }
    Ok(keys)
}

/// Decodes one line (without its line terminator; a trailing `\r` is ignored); `None` for blank
/// and `#` comment lines. Options before the key are allowed and dropped.
///
/// Malformed-input errors carry no line number: give them one with [`at_line`].
///
/// ```
/// let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
/// let key = keyconv::format::public::decode_line(line)?.unwrap();
/// assert_eq!(key.comment(), "");
/// assert!(keyconv::format::public::decode_line("  # a comment")?.is_none());
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn decode_line(line: &str) -> Result<Option<PublicKey>> {
    Ok(decode_key_line(line)?.map(|(_, key)| key))
}

/// Like [`decode_line`], and also returns the line's options text exactly as written
/// (`command="echo \"hi\"",no-pty`), or `None` when the line has none.
///
/// ```
/// use keyconv::format::public::decode_line_with_options;
/// let line = r#"command="echo a,b",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me"#;
/// let (options, key) = decode_line_with_options(line)?.unwrap();
/// assert_eq!(options.as_deref(), Some(r#"command="echo a,b",no-pty"#));
/// assert_eq!(key.comment(), "me");
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn decode_line_with_options(line: &str) -> Result<Option<(Option<String>, PublicKey)>> {
    Ok(decode_key_line(line)?.map(|(options, key)| (options.map(str::to_owned), key)))
}

/// A key line's options (borrowed) and key.
fn decode_key_line(line: &str) -> Result<Option<(Option<&str>, PublicKey)>> {
    let Some(parts) = split_line(line)? else {
        return Ok(None);
    };
    let blob = base64::decode_public(parts.base64).ok_or_else(|| {
        Error::malformed(
            FORMAT,
            "the key's base64 is not valid (strict, canonical base64 expected)",
        )
    })?;
    let key = PublicKey::from_ssh_blob(&blob, parts.comment, FORMAT)?;
    if key.data().algorithm() != parts.key_type {
        return Err(Error::malformed(
            FORMAT,
            format!(
                "the line says {} but the key is {}",
                parts.key_type,
                key.data().algorithm()
            ),
        ));
    }
    Ok(Some((parts.options, key)))
}

/// Gives a malformed-input error from [`decode_line`] the line number `line` (1-based). A byte
/// offset into the key blob, if the error had one, moves into the message. Other errors are
/// returned unchanged.
///
/// ```
/// use keyconv::format::public::{at_line, decode_line};
/// use keyconv::{ErrorKind, Location};
///
/// let e = at_line(decode_line("ssh-ed25519 AAAA!!").unwrap_err(), 7);
/// assert!(matches!(e.kind(), ErrorKind::Malformed { location: Some(Location::Line(7)), .. }));
/// ```
pub fn at_line(error: Error, line: usize) -> Error {
    match error.kind() {
        ErrorKind::Malformed {
            format,
            what,
            location,
        } => {
            let what = match location {
                Some(Location::Offset(n)) => format!("{what} (byte {n} of the key blob)"),
                _ => what.clone(),
            };
            let mut located = Error::new(ErrorKind::Malformed {
                format: *format,
                what,
                location: Some(Location::Line(line)),
            });
            if let Some(hint) = error.hint() {
                located = located.with_hint(hint);
            }
            located
        }
        _ => error,
    }
}

/// The fields of a key line, borrowed from it.
struct LineParts<'a> {
    options: Option<&'a str>,
    key_type: &'a str,
    base64: &'a str,
    comment: &'a str,
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Splits a line into its fields; `None` for blank and comment lines.
fn split_line(line: &str) -> Result<Option<LineParts<'_>>> {
    let line = line.trim_matches(|c| is_blank(c) || c == '\r');
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (first, after_first) = split_word(line);
    let second = split_word(after_first).0;
    if is_key_type_name(first) || (second.starts_with("AAAA") && !first.contains(['=', '"'])) {
        return split_key(None, line).map(Some);
    }
    let (options, rest) = split_options(line)?;
    let (key_type, after_type) = split_word(rest);
    if !is_key_type_name(key_type) && !split_word(after_type).0.starts_with("AAAA") {
        return Err(Error::malformed(
            FORMAT,
            "no key type (such as ssh-ed25519 or ssh-rsa) at the start of the line or after its options",
        ));
    }
    split_key(Some(options), rest).map(Some)
}

/// The first word (up to a space or tab) and the rest after the white space that follows it.
/// Searches bytes with `memchr` (a word can be a 3 KiB base64 blob, and an `authorized_keys` file
/// can hold 100,000 of them); space and tab are ASCII, so the split is on a character boundary.
fn split_word(s: &str) -> (&str, &str) {
    let split = memchr::memchr2(b' ', b'\t', s.as_bytes()).and_then(|i| s.split_at_checked(i));
    match split {
        Some((word, rest)) => (word, rest.trim_start_matches(is_blank)),
        None => (s, ""),
    }
}

/// `TYPE BASE64 [COMMENT]`.
fn split_key<'a>(options: Option<&'a str>, s: &'a str) -> Result<LineParts<'a>> {
    let (key_type, rest) = split_word(s);
    let (base64, comment) = split_word(rest);
    if base64.is_empty() {
        return Err(Error::malformed(
            FORMAT,
            format!("{key_type} is not followed by the key's base64"),
        ));
    }
    Ok(LineParts {
        options,
        key_type,
        base64,
        comment: comment.trim_end_matches(is_blank),
    })
}

/// Whether the first word of `s` is an SSH public key algorithm keyconv knows a form of.
pub(crate) fn starts_with_key_type(s: &str) -> bool {
    is_key_type_name(split_word(s).0)
}

/// Whether `word` is an SSH public key algorithm keyconv knows a form of.
fn is_key_type_name(word: &str) -> bool {
    crate::key::KeyType::from_ssh_name(word).is_some()
        || word.ends_with("-cert-v01@openssh.com")
        || (word.starts_with("sk-") && word.ends_with("@openssh.com"))
}

/// Splits off the options token as sshd does (`sshkey_advance_past_options`): up to the first
/// space or tab outside double quotes, `\"` never closing a quote. Its syntax is then checked.
fn split_options(line: &str) -> Result<(&str, &str)> {
    let mut quoted = false;
    let mut end = line.len();
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if line.get(i + 1..).is_some_and(|r| r.starts_with('"')) => {
                chars.next();
            }
            '"' => quoted = !quoted,
            c if is_blank(c) && !quoted => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    if quoted {
        return Err(Error::malformed(
            FORMAT,
            "the options have an unterminated quoted string",
        ));
    }
    let (options, rest) = line.split_at(end);
    check_options(options)?;
    Ok((options, rest.trim_start_matches(is_blank)))
}

/// Checks `name[="value"](,name[="value"])*`.
fn check_options(options: &str) -> Result<()> {
    let bad = |why: &str| Error::malformed(FORMAT, format!("options {why}"));
    let mut rest = options;
    loop {
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        if name_len == 0 {
            return Err(bad(&format!(
                "are not name or name=\"value\" items: {options:?}"
            )));
        }
        rest = rest.get(name_len..).unwrap_or_default();
        if let Some(value) = rest.strip_prefix("=\"") {
            let close = closing_quote(value).ok_or_else(|| bad("have an unterminated value"))?;
            rest = value.get(close + 1..).unwrap_or_default();
        }
        match rest.strip_prefix(',') {
            Some(next) => rest = next,
            None if rest.is_empty() => return Ok(()),
            None => {
                return Err(bad(&format!(
                    "are not name or name=\"value\" items: {options:?}"
                )));
            }
        }
    }
}

/// The index of the `"` that closes a quoted value, skipping `\"`.
fn closing_quote(value: &str) -> Option<usize> {
    let mut chars = value.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if value.get(i + 1..).is_some_and(|r| r.starts_with('"')) => {
                chars.next();
            }
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

/// Encodes `key` as one line `TYPE BASE64 COMMENT` with a trailing newline; without a comment
/// there is no trailing space. Line breaks in the comment become spaces.
///
/// ```
/// let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me\n";
/// let key = keyconv::format::public::decode_line(line.trim_end())?.unwrap();
/// assert_eq!(keyconv::format::public::encode(&key), line);
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn encode(key: &PublicKey) -> String {
    let blob = base64::encode(&key.to_ssh_blob());
    let algorithm = key.data().algorithm();
    let comment = key.comment();
    let mut line = String::with_capacity(algorithm.len() + blob.len() + comment.len() + 3);
    line.push_str(algorithm);
    line.push(' ');
    line.push_str(&blob);
    if !comment.is_empty() {
        line.push(' ');
        line.extend(comment.chars().map(|c| match c {
            '\r' | '\n' => ' ',
            c => c,
        }));
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    fn malformed_what(e: &Error) -> String {
        match e.kind() {
            ErrorKind::Malformed { what, .. } => what.clone(),
            other => format!("not malformed: {other:?}"),
        }
    }

    #[test]
    fn plain_lines_with_and_without_comment() {
        let key = decode_line(&format!("ssh-ed25519 {ED}")).unwrap().unwrap();
        assert_eq!(key.comment(), "");
        assert_eq!(encode(&key), format!("ssh-ed25519 {ED}\n"));
        let key = decode_line(&format!("\tssh-ed25519  {ED} \t a b  c \r"))
            .unwrap()
            .unwrap();
        assert_eq!(key.comment(), "a b  c");
        assert_eq!(encode(&key), format!("ssh-ed25519 {ED} a b  c\n"));
    }

    #[test]
    fn options_are_split_off_and_returned_as_written() {
        let cases = [
            r#"no-pty"#,
            r#"command="echo a,b",no-pty,from="1.2.3.4""#,
            r#"command="echo \"x y\", z",restrict"#,
            r#"environment="A=b c",permitopen="host:22""#,
            r#"no-pty,command="a\\b c""#,
        ];
        for options in cases {
            for sep in [" ", "\t", "  "] {
                let line = format!("{options}{sep}ssh-ed25519 {ED} c");
                let (got, key) = decode_line_with_options(&line).unwrap().unwrap();
                assert_eq!(got.as_deref(), Some(options), "{line}");
                assert_eq!(key.comment(), "c");
            }
        }
        let (none, _) = decode_line_with_options(&format!("ssh-ed25519 {ED}"))
            .unwrap()
            .unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn blank_and_comment_lines_are_none() {
        for line in ["", "  ", "\t\r", "# x", "   # ssh-ed25519 AAAA"] {
            assert!(decode_line(line).unwrap().is_none(), "{line:?}");
        }
    }

    #[test]
    fn bad_lines_are_errors() {
        let bad = [
            format!("ssh-rsa {ED}"),
            format!("ssh-ed25519 {ED}!"),
            format!("ssh-ed25519 {}", &ED[..ED.len() - 4]),
            "ssh-ed25519".to_owned(),
            format!(r#"command="unterminated ssh-ed25519 {ED}"#),
            format!("bad opt ssh-ed25519 {ED}"),
            format!("no-pty,,x ssh-ed25519 {ED}"),
            "no-pty".to_owned(),
            "hello".to_owned(),
            format!("ssh-ed25519 AAAA{ED}"),
        ];
        for line in &bad {
            assert!(decode_line(line).is_err(), "{line}");
        }
        let e = decode_line(&format!("ssh-rsa {ED}")).unwrap_err();
        assert!(
            malformed_what(&e).contains("says ssh-rsa but the key is ssh-ed25519"),
            "{e}"
        );
    }

    #[test]
    fn unknown_algorithms_are_unsupported_not_bad_options() {
        // A blob naming `ssh-foo@example.com`.
        let mut blob = vec![0, 0, 0, 19];
        blob.extend_from_slice(b"ssh-foo@example.com");
        let line = format!("ssh-foo@example.com {}", base64::encode(&blob));
        let e = decode_line(&line).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::UnsupportedKeyType(t) if t == "ssh-foo@example.com"),
            "{e:?}"
        );
    }

    #[test]
    fn whole_files_number_their_errors() {
        let text = format!("# c\r\n\r\nssh-ed25519 {ED} a\r\nssh-rsa {ED}\r\n");
        let e = decode(text.as_bytes()).unwrap_err();
        assert!(matches!(
            e.kind(),
            ErrorKind::Malformed {
                location: Some(Location::Line(4)),
                ..
            }
        ));
        assert!(e.to_string().ends_with("at line 4"), "{e}");
        let e = decode(format!("ssh-ed25519 {ED}AAAA\n").as_bytes()).unwrap_err();
        assert!(e.to_string().contains("byte"), "{e}");
        assert!(decode(b"# nothing here\n\n").is_err());
    }

    #[test]
    fn detection_is_precise_and_cheap() {
        assert!(looks_like_public_keys(&format!(
            "# x\n\nssh-ed25519 {ED}\n"
        )));
        assert!(looks_like_public_keys(&format!(
            "from=\"a b\" ssh-ed25519 {ED} c\n"
        )));
        // Damaged keys are still public key files (and then malformed ones).
        assert!(looks_like_public_keys(&format!("ssh-rsa {ED}\n")));
        assert!(looks_like_public_keys(&format!(
            "ssh-ed25519 /////{}\n",
            &ED[5..]
        )));
        assert!(looks_like_public_keys(&format!(
            "ssh-ed25519 {}!{}\n",
            &ED[..9],
            &ED[10..]
        )));
        // An unknown algorithm with a consistent blob.
        let mut blob = vec![0, 0, 0, 8];
        blob.extend_from_slice(b"ssh-xyzw");
        assert!(looks_like_public_keys(&format!(
            "ssh-xyzw {}",
            base64::encode(&blob)
        )));
        // Prose is not.
        assert!(!looks_like_public_keys("ssh-ed25519 hello\n"));
        assert!(!looks_like_public_keys("the ssh-rsa algorithm is old\n"));
        assert!(!looks_like_public_keys(
            "Comment: \"ssh-rsa key\"\nAAAAB3NzaC1yc2EAAAADAQAB\n"
        ));
        let mut many = "bad line\n".repeat(DETECT_CANDIDATES);
        many.push_str(&format!("ssh-ed25519 {ED}\n"));
        assert!(!looks_like_public_keys(&many));
    }

    #[test]
    fn comment_line_breaks_are_not_written() {
        let mut key = decode_line(&format!("ssh-ed25519 {ED}")).unwrap().unwrap();
        key.set_comment("a\nb\r\nc");
        assert_eq!(encode(&key), format!("ssh-ed25519 {ED} a b  c\n"));
    }
}
