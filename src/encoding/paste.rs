//! Repair of PEM armour mangled by the ways people move keys (SPEC §1): the whole armour folded
//! onto one line (newlines turned into spaces, as a web form, a YAML `>` scalar or `echo $KEY`
//! does), and literal `\n` sequences (JSON strings, CI secrets, environment variables), with or
//! without the surrounding quotes.
//!
//! ```text
//! "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA…\n-----END OPENSSH PRIVATE KEY-----\n"
//! -----BEGIN RSA PRIVATE KEY----- Proc-Type: 4,ENCRYPTED DEK-Info: AES-128-CBC,0A1B… MIIE… -----END RSA PRIVATE KEY-----
//! ```
//!
//! Both become ordinary armour (BEGIN line, `Name: value` headers and a blank line where there were
//! headers, base64 lines, END line) which the format modules then read as they read any file. CRLF,
//! YAML block indentation, trailing spaces and a missing final newline need no repair: the armour
//! reader already accepts them. Input that is not mangled is left alone ([`repair`] gives `None`),
//! so the errors and line numbers of an ordinary file stay what they were.
//!
//! Hand-written: no crate repairs pastes; the armour itself is then read by [`super::pem`].

use std::fmt;

use zeroize::Zeroizing;

use crate::encoding::text;
use crate::error::{Error, ErrorKind, Result};

/// How an armour was mangled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mangling {
    /// Newlines became spaces: BEGIN line, body and END line on one line.
    Folded,
    /// Line breaks written as the two characters `\n` (or `\r\n`).
    Escaped,
    /// Both: escaped line breaks and, between them, text folded onto one line.
    EscapedAndFolded,
}

impl fmt::Display for Mangling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mangling::Folded => {
                "a PEM armour folded onto one line (its newlines turned into spaces)"
            }
            Mangling::Escaped => "a PEM armour whose line breaks are literal \\n sequences",
            Mangling::EscapedAndFolded => {
                "a PEM armour with literal \\n sequences and lines folded into spaces"
            }
        })
    }
}

/// Mangled armour made whole again.
pub(crate) struct Repaired {
    /// The armour blocks, one per line structure as a tool writes them; zeroized on drop (the body
    /// is often an unencrypted private key).
    pub text: Zeroizing<String>,
    /// What was wrong with it.
    pub mangling: Mangling,
}

/// The longest PEM label accepted (`ENCRYPTED PRIVATE KEY` is 21 characters).
const MAX_LABEL: usize = 64;

/// Repairs mangled PEM armour in `input`. `Ok(None)` when `input` holds no armour or armour that
/// needs no repair; an error when the armour is mangled and also incomplete or damaged, saying
/// what was found and what was expected.
pub(crate) fn repair(input: &[u8]) -> Result<Option<Repaired>> {
    let Ok(decoded) = text::decode(input) else {
        return Ok(None);
    };
    let Some(begin) = decoded.find("-----BEGIN ") else {
        return Ok(None);
    };
    let region = decoded.get(begin..).unwrap_or_default();
    let escaped = has_escaped_line_breaks(region);
    let unescaped: Zeroizing<String> = Zeroizing::new(if escaped {
        unescape(region)
    } else {
        region.to_owned()
    });
    let folded = begin_line_is_folded(&unescaped);
    let mangling = match (escaped, folded) {
        (false, false) => return Ok(None),
        (false, true) => Mangling::Folded,
        (true, false) => Mangling::Escaped,
        (true, true) => Mangling::EscapedAndFolded,
    };
    let mut out = Zeroizing::new(String::with_capacity(unescaped.len() + 64));
    let mut rest: &str = &unescaped;
    while let Some(at) = rest.find("-----BEGIN ") {
        let block = rest.get(at..).unwrap_or_default();
        rest = rebuild_block(block, mangling, &mut out)?;
    }
    Ok(Some(Repaired {
        text: out,
        mangling,
    }))
}

/// Whether the armour holds a backslash escape of a line break: base64 and PEM headers never hold
/// a backslash.
fn has_escaped_line_breaks(region: &str) -> bool {
    let end = region
        .find("-----END ")
        .map_or(region.len(), |at| at.saturating_add(9));
    region.get(..end).is_some_and(|armour| {
        armour
            .as_bytes()
            .windows(2)
            .any(|w| w == b"\\n" || w == b"\\r")
    })
}

/// Turns `\n` into a line break and drops `\r`; a run of backslashes (a string escaped twice)
/// counts as one. `\t` becomes a space, any other escaped character stands for itself (`\/` from
/// JSON encoders that escape slashes, `\"`).
fn unescape(region: &str) -> String {
    let mut out = String::with_capacity(region.len());
    let mut chars = region.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        while chars.peek() == Some(&'\\') {
            chars.next();
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') | None => {}
            Some('t') => out.push(' '),
            Some(other) => out.push(other),
        }
    }
    out
}

/// Whether the first BEGIN line goes on after its `-----BEGIN LABEL-----` marker.
fn begin_line_is_folded(text: &str) -> bool {
    let Some(after) = text
        .strip_prefix("-----BEGIN ")
        .and_then(|t| t.find("-----").and_then(|i| t.get(i + 5..)))
    else {
        return false;
    };
    text::lines(after)
        .next()
        .is_some_and(|line| !line.trim().is_empty())
}

/// Rebuilds the block at the start of `block` (which starts with `-----BEGIN `) into `out` and
/// returns what follows its END marker.
fn rebuild_block<'a>(block: &'a str, mangling: Mangling, out: &mut String) -> Result<&'a str> {
    let found = |what: String| {
        Error::new(ErrorKind::Malformed {
            format: None,
            what: format!("found {mangling} {what}"),
            location: None,
        })
    };
    let after_begin = block.get("-----BEGIN ".len()..).unwrap_or_default();
    let label_end = after_begin
        .find("-----")
        .filter(|&n| n <= MAX_LABEL)
        .ok_or_else(|| {
            found("whose BEGIN line is cut: expected -----BEGIN LABEL----- there".into())
        })?;
    let label = after_begin.get(..label_end).unwrap_or_default().trim();
    if label.is_empty()
        || !label
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b == b' ' || b.is_ascii_digit())
    {
        return Err(found(format!(
            "whose BEGIN line names no label: expected -----BEGIN LABEL----- (found {:?})",
            preview(after_begin.get(..label_end).unwrap_or_default())
        )));
    }
    let body_and_end = after_begin.get(label_end + 5..).unwrap_or_default();
    let end_marker = format!("-----END {label}-----");
    let Some(end_at) = body_and_end.find(&end_marker) else {
        let body = body_and_end
            .find("-----")
            .and_then(|i| body_and_end.get(..i))
            .unwrap_or(body_and_end);
        let mut words = body.split_whitespace();
        let mut chars = 0usize;
        while let Some(word) = words.next() {
            if is_header_name(word) {
                words.next();
            } else {
                chars += word.len();
            }
        }
        return Err(found(format!(
            "labelled {label} whose base64 is cut after {chars} characters: expected the whole \
             key up to {end_marker}, which is missing (was the paste truncated?)"
        )));
    };
    let body = body_and_end.get(..end_at).unwrap_or_default();
    out.push_str(&format!("-----BEGIN {label}-----\n"));
    let mut words = body.split_whitespace().peekable();
    // RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: AES-128-CBC,IV`): a name ending in
    // a colon, then its one-word value.
    let mut headers = false;
    while let Some(name) = words.peek().copied().filter(|w| is_header_name(w)) {
        words.next();
        let value = words.next().unwrap_or_default();
        out.push_str(&format!("{name} {value}\n"));
        headers = true;
    }
    if headers {
        out.push('\n');
    }
    let mut seen = 0usize;
    for word in words {
        if let Some(bad) = word
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='))
        {
            return Err(found(format!(
                "labelled {label} whose base64 is cut at character {}: {:?} where base64 was \
                 expected",
                seen + bad.0 + 1,
                bad.1
            )));
        }
        seen += word.len();
        out.push_str(word);
        out.push('\n');
    }
    if !seen.is_multiple_of(4) {
        return Err(found(format!(
            "labelled {label} whose base64 is cut: {seen} characters, expected a multiple of 4 \
             (part of the key is missing)"
        )));
    }
    out.push_str(&end_marker);
    out.push('\n');
    Ok(body_and_end
        .get(end_at + end_marker.len()..)
        .unwrap_or_default())
}

/// `Proc-Type:`, `DEK-Info:`: letters, digits and `-`, then a colon.
fn is_header_name(word: &str) -> bool {
    word.strip_suffix(':').is_some_and(|name| {
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// The start of `s`, for a message.
fn preview(s: &str) -> String {
    s.chars().take(24).collect()
}

/// Gives a malformed-input error from decoding repaired armour the words saying how the input
/// was mangled; other errors are returned unchanged.
pub(crate) fn explain(error: Error, mangling: Mangling) -> Error {
    match error.kind() {
        ErrorKind::Malformed {
            format,
            what,
            location,
        } => {
            let mut explained = Error::new(ErrorKind::Malformed {
                format: *format,
                what: format!("{what} (read as {mangling}, repaired)"),
                location: *location,
            });
            if let Some(hint) = error.hint() {
                explained = explained.with_hint(hint);
            }
            explained
        }
        _ => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARMOUR: &str = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\nQUJD\nREVG\n-----END RSA PRIVATE KEY-----\n";

    fn repaired(input: &str) -> (String, Mangling) {
        let r = repair(input.as_bytes()).unwrap().unwrap();
        (r.text.to_string(), r.mangling)
    }

    #[test]
    fn ordinary_armour_is_left_alone() {
        assert!(repair(ARMOUR.as_bytes()).unwrap().is_none());
        assert!(
            repair(ARMOUR.replace('\n', "\r\n").as_bytes())
                .unwrap()
                .is_none()
        );
        assert!(repair(b"ssh-ed25519 AAAA").unwrap().is_none());
    }

    #[test]
    fn folded_armour_with_headers_is_rebuilt() {
        let (text, m) = repaired(&ARMOUR.replace('\n', " "));
        assert_eq!(text, ARMOUR);
        assert_eq!(m, Mangling::Folded);
    }

    #[test]
    fn escaped_armour_in_quotes_is_rebuilt() {
        for escaped in [
            format!("\"{}\"", ARMOUR.replace('\n', "\\n")),
            format!("KEY='{}'", ARMOUR.replace('\n', "\\r\\n")),
            format!("{{\"k\": \"{}\"}}", ARMOUR.replace('\n', "\\\\n")),
        ] {
            let (text, m) = repaired(&escaped);
            assert_eq!(text, ARMOUR, "{escaped}");
            assert_eq!(m, Mangling::Escaped);
        }
    }

    #[test]
    fn damage_is_described() {
        let cut = ARMOUR.replace('\n', " ");
        let cut = cut.get(..cut.find("-----END").unwrap()).unwrap();
        let e = repair(cut.as_bytes()).err().unwrap().to_string();
        assert!(e.contains("folded onto one line"), "{e}");
        assert!(e.contains("base64 is cut after 8 characters"), "{e}");
        let e = repair(ARMOUR.replace('\n', " ").replace("REVG", "RE!G").as_bytes())
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("cut at character 7: '!'"), "{e}");
        let e = repair(ARMOUR.replace('\n', " ").replace("REVG", "REV").as_bytes())
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("7 characters, expected a multiple of 4"), "{e}");
    }
}
