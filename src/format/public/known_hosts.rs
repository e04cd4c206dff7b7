//! OpenSSH `known_hosts` files, as sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT" describes them.
//!
//! ```text
//! # comment line (also blank lines)
//! host.example.com,10.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI… optional comment
//! [host.example.com]:2222 ecdsa-sha2-nistp256 AAAAE2VjZHNh…
//! |1|SALT-BASE64|HASH-BASE64 ssh-rsa AAAAB3NzaC1yc2E…           (ssh-keygen -H)
//! @cert-authority *.example.com ssh-ed25519 AAAAC3Nza…
//! @revoked bad.example.com ssh-rsa AAAAB3Nza…
//! [@MARKER WS] HOSTPATTERNS WS TYPE WS BASE64 [WS COMMENT]
//! ```
//!
//! The key part is read as a one-line public key ([`super::decode_line`]). Decisions:
//! - Listing ([`decode`], `keyconv public`/`fingerprint`) gives what `ssh-keygen -l -f known_hosts`
//!   lists: the keys of host lines, each with the line's comment, or its host patterns when the
//!   comment is missing or starts with `#`; `@cert-authority` and `@revoked` lines are left out, as
//!   ssh-keygen leaves them out. [`decode_line`] gives every line whole, markers included.
//! - A file is `known_hosts` (not `authorized_keys`) when a line starts with a marker or a hashed
//!   name, or when its first word, followed by a key type, is not a list of sshd's
//!   `authorized_keys` options (`no-pty`, `command="…"`, …).

use crate::encoding::{base64, text};
use crate::error::{Error, Result};
use crate::format::Format;
use crate::key::PublicKey;

const FORMAT: Format = Format::KnownHosts;

/// A `known_hosts` line's marker.
///
/// ```
/// use keyconv::format::public::known_hosts::{decode_line, Marker};
///
/// let host = decode_line("@revoked * ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")?.unwrap();
/// assert_eq!(host.marker, Some(Marker::Revoked));
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// `@cert-authority`: the key is a CA that signs host certificates for the hosts.
    CertAuthority,
    /// `@revoked`: the key must never be accepted.
    Revoked,
}

impl Marker {
    /// The marker as written, with its `@`.
    ///
    /// ```
    /// use keyconv::format::public::known_hosts::Marker;
    ///
    /// assert_eq!(Marker::CertAuthority.as_str(), "@cert-authority");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Marker::CertAuthority => "@cert-authority",
            Marker::Revoked => "@revoked",
        }
    }
}

/// One key line of a `known_hosts` file.
///
/// ```
/// let host = keyconv::format::public::known_hosts::decode_line("host.example,10.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")?.unwrap();
/// assert_eq!(host.hosts, "host.example,10.0.0.1");
/// assert_eq!(host.marker, None);
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct KnownHost {
    /// The line's marker, if any.
    pub marker: Option<Marker>,
    /// The host patterns as written: `host,10.0.0.1`, `[host]:2222`, `|1|salt|hash`.
    pub hosts: String,
    /// The key, its comment the rest of the line (empty when there is none).
    pub key: PublicKey,
}

impl KnownHost {
    /// The key as `ssh-keygen -l` lists it: its comment is the line's comment, or the host
    /// patterns when the line has no comment or one starting with `#`.
    ///
    /// ```
    /// let host = keyconv::format::public::known_hosts::decode_line("host.example,10.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")?.unwrap();
    /// assert_eq!(host.listed_key().comment(), "host.example,10.0.0.1"); // no comment: the hosts
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn listed_key(&self) -> PublicKey {
        let mut key = self.key.clone();
        if key.comment().is_empty() || key.comment().starts_with('#') {
            key.set_comment(&self.hosts);
        }
        key
    }
}

/// Decodes one line (without its line terminator); `None` for blank and `#` comment lines.
///
/// ```
/// use keyconv::format::public::known_hosts::{Marker, decode_line};
/// let line = "@cert-authority *.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
/// let host = decode_line(line)?.unwrap();
/// assert_eq!(host.marker, Some(Marker::CertAuthority));
/// assert_eq!(host.hosts, "*.example.com");
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn decode_line(line: &str) -> Result<Option<KnownHost>> {
    let line = line.trim_matches(|c| c == ' ' || c == '\t' || c == '\r');
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (first, rest) = split_word(line);
    let (marker, hosts, rest) = match first {
        "@cert-authority" | "@revoked" => {
            let (hosts, rest) = split_word(rest);
            let marker = if first == "@revoked" {
                Marker::Revoked
            } else {
                Marker::CertAuthority
            };
            (Some(marker), hosts, rest)
        }
        m if m.starts_with('@') => {
            return Err(Error::malformed(
                FORMAT,
                format!("unknown marker {m:?} (expected @cert-authority or @revoked)"),
            ));
        }
        hosts => (None, hosts, rest),
    };
    if hosts.is_empty() || rest.is_empty() {
        return Err(Error::malformed(
            FORMAT,
            "expected host patterns, then a key type and the key's base64",
        ));
    }
    if hosts.starts_with("|1|") && !is_hashed_name(hosts) {
        return Err(Error::malformed(
            FORMAT,
            "a hashed host name is not |1|SALT|HASH with a 20-byte salt and hash",
        ));
    }
    if !super::starts_with_key_type(rest) {
        return Err(Error::malformed(
            FORMAT,
            "no key type (such as ssh-ed25519 or ssh-rsa) after the host patterns",
        ));
    }
    let key = super::decode_line(rest)?
        .ok_or_else(|| Error::malformed(FORMAT, "no key after the host patterns"))?;
    Ok(Some(KnownHost {
        marker,
        hosts: hosts.to_owned(),
        key,
    }))
}

/// The key of one line as `ssh-keygen -l` lists it ([`KnownHost::listed_key`]); `None` for blank,
/// comment and marker lines.
///
/// ```
/// use keyconv::format::public::known_hosts::decode_listed_line;
///
/// assert_eq!(decode_listed_line("host.example,10.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")?.unwrap().comment(), "host.example,10.0.0.1");
/// assert!(decode_listed_line("# a comment")?.is_none());
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn decode_listed_line(line: &str) -> Result<Option<PublicKey>> {
    Ok(decode_line(line)?
        .filter(|host| host.marker.is_none())
        .map(|host| host.listed_key()))
}

/// Every line of a `known_hosts` file with its number (1-based): the library's line iterator.
/// Blank and comment lines are left out.
///
/// ```
/// let file = "# mine\nhost ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n";
/// let hosts: Vec<_> = keyconv::format::public::known_hosts::lines(file).collect();
/// assert_eq!(hosts.len(), 1);
/// assert_eq!(hosts[0].0, 2);
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn lines(text: &str) -> impl Iterator<Item = (usize, Result<KnownHost>)> + '_ {
    text::lines(text)
        .enumerate()
        .filter_map(|(i, line)| match decode_line(line) {
            Ok(None) => None,
            Ok(Some(host)) => Some((i + 1, Ok(host))),
            Err(e) => Some((i + 1, Err(super::at_line(e, i + 1)))),
        })
}

/// The keys of a `known_hosts` file as `ssh-keygen -l` lists them (marker lines left out); the
/// first bad line is an error.
///
/// ```
/// let file = b"# hosts\nhost.example,10.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n";
/// let keys = keyconv::format::public::known_hosts::decode(file)?;
/// assert_eq!(keys.len(), 1);
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn decode(input: &[u8]) -> Result<Vec<PublicKey>> {
    let text = text::decode(input)?;
    let mut keys = Vec::new();
    for (_, host) in lines(&text) {
        let host = host?;
        if host.marker.is_none() {
            keys.push(host.listed_key());
        }
    }
    if keys.is_empty() {
        return Err(Error::malformed(FORMAT, "no host key in the file"));
    }
    Ok(keys)
}

/// `|1|` then the base64 of a 20-byte salt, `|`, the base64 of a 20-byte HMAC-SHA-1.
fn is_hashed_name(hosts: &str) -> bool {
    let Some((salt, hash)) = hosts.strip_prefix("|1|").and_then(|r| r.split_once('|')) else {
        return false;
    };
    let twenty = |b: &str| base64::decode_public(b).is_some_and(|d| d.len() == 20);
    twenty(salt) && twenty(hash)
}

/// The first word and the rest after the white space that follows it.
fn split_word(s: &str) -> (&str, &str) {
    match s.find([' ', '\t']) {
        Some(i) => {
            let (word, rest) = s.split_at(i);
            (word, rest.trim_start_matches([' ', '\t']))
        }
        None => (s, ""),
    }
}

/// The `authorized_keys` option names sshd(8) knows (`auth-options.c`).
const SSHD_OPTIONS: [&str; 22] = [
    "agent-forwarding",
    "cert-authority",
    "command",
    "environment",
    "expiry-time",
    "from",
    "no-agent-forwarding",
    "no-port-forwarding",
    "no-pty",
    "no-touch-required",
    "no-user-rc",
    "no-x11-forwarding",
    "permitlisten",
    "permitopen",
    "port-forwarding",
    "principals",
    "pty",
    "restrict",
    "tunnel",
    "user-rc",
    "verify-required",
    "x11-forwarding",
];

/// Whether `word` reads as `authorized_keys` options: comma-separated items each naming an
/// option sshd knows (a quoted value may hold anything).
fn is_sshd_options(word: &str) -> bool {
    if word.contains('"') {
        return true;
    }
    word.split(',').all(|item| {
        let name = item.split_once('=').map_or(item, |(n, _)| n);
        SSHD_OPTIONS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(name))
    })
}

/// How many lines that are neither blank nor comments [`looks_like_known_hosts`] examines.
const DETECT_CANDIDATES: usize = 8;

/// Whether `text` is a `known_hosts` file: some line among the first few that are neither blank
/// nor comments is a marker line, a hashed name, or host patterns (not sshd options) before a
/// key type.
pub(crate) fn looks_like_known_hosts(text: &str) -> bool {
    text::lines(text)
        .take(1000)
        .map(|l| l.trim_matches([' ', '\t', '\r']))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(DETECT_CANDIDATES)
        .any(|l| {
            let (first, rest) = split_word(l);
            // Any marker, so that an unknown one is reported as such.
            if first.starts_with('@') {
                return super::starts_with_key_type(split_word(rest).1);
            }
            !super::starts_with_key_type(l)
                && super::starts_with_key_type(rest)
                && (first.starts_with("|1|") || !is_sshd_options(first))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    #[test]
    fn lines_of_every_kind() {
        let host = decode_line(&format!("a,b,[c]:22 ssh-ed25519 {ED} the comment"))
            .unwrap()
            .unwrap();
        assert_eq!(host.hosts, "a,b,[c]:22");
        assert_eq!(host.marker, None);
        assert_eq!(host.key.comment(), "the comment");
        assert_eq!(host.listed_key().comment(), "the comment");
        let host = decode_line(&format!("h ssh-ed25519 {ED} #x"))
            .unwrap()
            .unwrap();
        assert_eq!(host.listed_key().comment(), "h");
        let host = decode_line(&format!("@revoked h ssh-ed25519 {ED}"))
            .unwrap()
            .unwrap();
        assert_eq!(host.marker, Some(Marker::Revoked));
        assert!(
            decode_listed_line(&format!("@revoked h ssh-ed25519 {ED}"))
                .unwrap()
                .is_none()
        );
        for bad in [
            format!("@bogus h ssh-ed25519 {ED}"),
            format!("|1|abc|def ssh-ed25519 {ED}"),
            format!("h ssh-rsa {ED}"),
            format!("h hello {ED}"),
            "h".to_owned(),
            format!("@revoked ssh-ed25519 {ED}"),
        ] {
            assert!(decode_line(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn detection_tells_hosts_from_options() {
        assert!(looks_like_known_hosts(&format!(
            "host.example ssh-ed25519 {ED}\n"
        )));
        assert!(looks_like_known_hosts(&format!(
            "github ssh-ed25519 {ED}\n"
        )));
        assert!(looks_like_known_hosts(&format!(
            "@revoked * ssh-ed25519 {ED}\n"
        )));
        assert!(!looks_like_known_hosts(&format!(
            "no-pty ssh-ed25519 {ED}\n"
        )));
        assert!(!looks_like_known_hosts(&format!(
            "command=\"a b\",no-pty ssh-ed25519 {ED}\n"
        )));
        assert!(!looks_like_known_hosts(&format!("ssh-ed25519 {ED} c\n")));
    }
}
