//! PEM armour (RFC 7468), with the RFC 1421 headers that legacy `Proc-Type`/`DEK-Info` keys carry.
//!
//! ```text
//! -----BEGIN LABEL-----
//! Header-Name: value          (optional, then one blank line)
//! base64 body
//! -----END LABEL-----
//! ```

use zeroize::Zeroizing;

use crate::encoding::{base64, text};
use crate::error::{Error, Location, Result};
use crate::format_name::Format;

/// One decoded PEM block.
pub(crate) struct Pem {
    pub label: String,
    /// Headers in file order, names as written.
    pub headers: Vec<(String, String)>,
    /// The decoded body, zeroized on drop (it is often a private key).
    pub body: Zeroizing<Vec<u8>>,
}

impl Pem {
    /// The value of the header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The label of the first `-----BEGIN …-----` line, if any.
pub(crate) fn first_label(input: &str) -> Option<&str> {
    text::lines(input).find_map(|l| begin_label(l.trim()))
}

fn begin_label(line: &str) -> Option<&str> {
    line.strip_prefix("-----BEGIN ")?.strip_suffix("-----")
}

/// Decodes the first PEM block of `input` (text before it is skipped, as OpenSSL does).
/// Errors name `format`.
pub(crate) fn decode(input: &str, format: Format) -> Result<Pem> {
    let mut lines = text::lines(input)
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end()));
    let (label, begin_line) = lines
        .by_ref()
        .find_map(|(n, l)| begin_label(l.trim_start()).map(|label| (label.to_owned(), n)))
        .ok_or_else(|| Error::malformed(format, "no -----BEGIN line"))?;
    // A block indented as a whole (YAML `key: |`) is read as if it were not: the first line
    // after BEGIN (a header or base64, never indented itself) gives the indentation.
    let mut lines = lines.peekable();
    let indent = lines
        .peek()
        .map(|(_, l)| l.get(..l.len() - l.trim_start().len()).unwrap_or_default())
        .unwrap_or_default();
    let mut lines = lines.map(|(n, l)| (n, l.strip_prefix(indent).unwrap_or(l)));
    let end = format!("-----END {label}-----");
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut body = String::new();
    let mut in_headers = true;
    let mut end_line = None;
    for (n, line) in lines.by_ref() {
        if line.trim_start() == end {
            end_line = Some(n);
            break;
        }
        if in_headers {
            if line.is_empty() && !headers.is_empty() {
                in_headers = false;
                continue;
            }
            if let Some((name, value)) = line.split_once(':')
                && !name.is_empty()
                && !name.contains(' ')
                && body.is_empty()
            {
                headers.push((name.to_owned(), value.trim().to_owned()));
                continue;
            }
            if (line.starts_with(' ') || line.starts_with('\t')) && !headers.is_empty() {
                if let Some((_, v)) = headers.last_mut() {
                    v.push_str(line.trim());
                }
                continue;
            }
            in_headers = false;
        }
        if line.starts_with("-----") {
            return Err(Error::malformed_at(
                format,
                "unexpected armour line",
                Location::Line(n),
            ));
        }
        body.push_str(line.trim());
        if body.len() > crate::encoding::MAX_KEY_FILE {
            return Err(Error::malformed(format, "PEM body is too large"));
        }
    }
    let Some(_) = end_line else {
        return Err(Error::malformed_at(
            format,
            format!("no {end} line"),
            Location::Line(begin_line),
        ));
    };
    let body = Zeroizing::new(body);
    let decoded = base64::decode(&body)
        .ok_or_else(|| Error::malformed(format, "PEM body is not valid base64"))?;
    if decoded.is_empty() {
        return Err(Error::malformed(format, "PEM body is empty"));
    }
    Ok(Pem {
        label,
        headers,
        body: Zeroizing::new(decoded),
    })
}

/// Encodes a PEM block, body wrapped at `width` columns (64 in RFC 7468, 70 for OpenSSH keys).
pub(crate) fn encode(label: &str, headers: &[(&str, &str)], body: &[u8], width: usize) -> String {
    let mut out = format!("-----BEGIN {label}-----\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\n"));
    }
    if !headers.is_empty() {
        out.push('\n');
    }
    out.push_str(&base64::encode_wrapped(body, width));
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_headers() {
        let text = encode(
            "RSA PRIVATE KEY",
            &[("Proc-Type", "4,ENCRYPTED")],
            b"hello world",
            8,
        );
        let pem = decode(
            &format!("junk\r\n{}", text.replace('\n', "\r\n")),
            Format::Pem,
        )
        .unwrap();
        assert_eq!(pem.label, "RSA PRIVATE KEY");
        assert_eq!(pem.header("proc-type"), Some("4,ENCRYPTED"));
        assert_eq!(&pem.body[..], b"hello world");
    }

    #[test]
    fn missing_end_is_an_error() {
        let Err(e) = decode("-----BEGIN X-----\nYWI=\n", Format::Pem) else {
            panic!("decoded")
        };
        assert!(e.to_string().contains("no -----END X----- line"), "{e}");
    }
}
