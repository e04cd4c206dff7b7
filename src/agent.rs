//! A client of the ssh-agent protocol ([draft-miller-ssh-agent]): add private keys to an agent
//! (with lifetime and confirmation constraints), list its keys, remove them.
//!
//! Every message is `uint32 length || byte type || contents` over a stream (a Unix socket, or on
//! Windows the OpenSSH agent's named pipe). A key is sent as OpenSSH's `ssh-add` sends it:
//!
//! ```text
//! byte    SSH_AGENTC_ADD_IDENTITY (17) or SSH_AGENTC_ADD_ID_CONSTRAINED (25)
//! string  key type, e.g. "ssh-ed25519"
//! ...     the type's public and private fields (RSA: n e d iqmp p q; DSA: p q g y x;
//!         ECDSA: curve Q d; Ed25519: ENC(A) k||ENC(A))
//! string  comment
//! [byte SSH_AGENT_CONSTRAIN_LIFETIME (1) uint32 seconds] [byte SSH_AGENT_CONSTRAIN_CONFIRM (2)]
//! ```
//!
//! The message holding the private key lives in zeroizing memory only; replies are read with a
//! bounded length, as OpenSSH bounds them (256 KiB).
//!
//! ```no_run
//! # #[cfg(unix)] {
//! use keyconv::agent::{Agent, Constraints};
//!
//! let mut agent = Agent::connect(std::path::Path::new("/tmp/ssh-agent.sock"))?;
//! for identity in agent.list()? {
//!     println!("{}", identity.comment);
//! }
//! # }
//! # Ok::<(), keyconv::Error>(())
//! ```
//!
//! [draft-miller-ssh-agent]: https://datatracker.ietf.org/doc/draft-miller-ssh-agent/

use std::io::{self, Read, Write};

use zeroize::Zeroizing;

use crate::encoding::wire::{Reader, Writer};
use crate::error::{Error, ErrorKind, Result};
use crate::format::Format;
use crate::key::{KeyType, PrivateKey, PublicKey};

const SSH_AGENT_FAILURE: u8 = 5;
const SSH_AGENT_SUCCESS: u8 = 6;
const SSH_AGENTC_REQUEST_IDENTITIES: u8 = 11;
const SSH_AGENT_IDENTITIES_ANSWER: u8 = 12;
const SSH_AGENTC_ADD_IDENTITY: u8 = 17;
const SSH_AGENTC_REMOVE_IDENTITY: u8 = 18;
const SSH_AGENTC_ADD_ID_CONSTRAINED: u8 = 25;
const SSH_AGENT_CONSTRAIN_LIFETIME: u8 = 1;
const SSH_AGENT_CONSTRAIN_CONFIRM: u8 = 2;

/// The longest agent reply read (OpenSSH's `MAX_AGENT_REPLY_LEN`); a longer one is an error.
pub const MAX_REPLY: usize = 256 * 1024;

/// Constraints on a key added to an agent (`ssh-add -t` and `-c`).
///
/// ```
/// use keyconv::agent::Constraints;
///
/// let c = Constraints { lifetime: Some(3600), ..Constraints::default() };
/// assert!(!c.confirm);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Constraints {
    /// The agent forgets the key after this many seconds.
    pub lifetime: Option<u32>,
    /// The agent asks the user (through `SSH_ASKPASS`) before each use of the key.
    pub confirm: bool,
}

/// A key an agent holds, as `SSH2_AGENT_IDENTITIES_ANSWER` lists it.
///
/// ```
/// // An agent that lists one key, replying over an in-memory stream.
/// use keyconv::agent::Agent;
///
/// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
/// let blob = key.to_ssh_blob();
/// let mut body = vec![12u8, 0, 0, 0, 1]; // SSH2_AGENT_IDENTITIES_ANSWER, one key
/// body.extend_from_slice(&(blob.len() as u32).to_be_bytes());
/// body.extend_from_slice(&blob);
/// body.extend_from_slice(&[0, 0, 0, 2]);
/// body.extend_from_slice(b"me");
/// let mut reply = (body.len() as u32).to_be_bytes().to_vec();
/// reply.extend_from_slice(&body);
/// let stream = std::io::Cursor::new(reply);
/// let identities = Agent::new(ReadWrite(stream)).list()?;
/// assert_eq!(identities[0].comment, "me");
/// assert_eq!(identities[0].key.as_ref().map(|k| k.data()), Some(key.data()));
/// # struct ReadWrite(std::io::Cursor<Vec<u8>>);
/// # impl std::io::Read for ReadWrite { fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> { self.0.read(b) } }
/// # impl std::io::Write for ReadWrite { fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { Ok(b.len()) } fn flush(&mut self) -> std::io::Result<()> { Ok(()) } }
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The public key's SSH wire blob.
    pub blob: Vec<u8>,
    /// The comment the agent holds for it.
    pub comment: String,
    /// The public key, when keyconv can read the blob (not, say, a key type it does not know).
    pub key: Option<PublicKey>,
}

/// The `SSH_AGENTC_ADD_IDENTITY` (or `ADD_ID_CONSTRAINED`) message body for `key`, in zeroizing
/// memory. Ed448 is refused: the ssh-agent protocol (and OpenSSH) has no Ed448 keys.
///
/// ```
/// use keyconv::agent::{add_identity_message, Constraints};
/// use keyconv::{KeySpec, PrivateKey};
///
/// let key = PrivateKey::generate(KeySpec::Ed25519, "me")?;
/// let message = add_identity_message(&key, &Constraints::default())?;
/// assert_eq!(message[0], 17); // SSH2_AGENTC_ADD_IDENTITY
/// let ed448 = PrivateKey::generate(KeySpec::Ed448, "")?;
/// assert!(add_identity_message(&ed448, &Constraints::default()).is_err());
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn add_identity_message(
    key: &PrivateKey,
    constraints: &Constraints,
) -> Result<Zeroizing<Vec<u8>>> {
    let constrained = constraints.lifetime.is_some() || constraints.confirm;
    // Room for the whole message up front (the secret fields take at most about three times
    // the public blob: RSA's d, p, q, iqmp): a growing buffer would leave copies of the secret
    // behind in the memory it frees.
    let blob_len = key.public_key().to_ssh_blob().len();
    let mut w = Writer::with_capacity(4 * blob_len + key.comment().len() + 256);
    w.u8(if constrained {
        SSH_AGENTC_ADD_ID_CONSTRAINED
    } else {
        SSH_AGENTC_ADD_IDENTITY
    });
    if key.key_type() == KeyType::Ed448 {
        return Err(Error::new(ErrorKind::UnsupportedKeyType(
            "ssh-ed448: the ssh-agent protocol has no Ed448 keys".into(),
        ))
        .with_hint("use an Ed25519, ECDSA or RSA key with ssh-agent"));
    }
    crate::format::openssh::write_private_fields(&mut w, key)?;
    w.string(key.comment().as_bytes());
    if let Some(seconds) = constraints.lifetime {
        w.u8(SSH_AGENT_CONSTRAIN_LIFETIME).u32(seconds);
    }
    if constraints.confirm {
        w.u8(SSH_AGENT_CONSTRAIN_CONFIRM);
    }
    Ok(w.into_bytes())
}

/// A connection to an ssh-agent over any byte stream.
///
/// ```
/// let e = keyconv::agent::Agent::connect(std::path::Path::new("/nonexistent/agent.sock")).err().unwrap();
/// assert!(e.to_string().contains("cannot connect to the agent"));
/// ```
pub struct Agent<S> {
    stream: S,
}

#[cfg(unix)]
impl Agent<std::os::unix::net::UnixStream> {
    /// Connects to the agent listening on the Unix socket `path` (what `SSH_AUTH_SOCK` names).
    /// Replies are waited for at most a minute.
    ///
    /// ```
    /// let missing = std::path::Path::new("/nonexistent/agent.sock");
    /// assert!(keyconv::agent::Agent::connect(missing).is_err());
    /// ```
    pub fn connect(path: &std::path::Path) -> Result<Self> {
        let stream = std::os::unix::net::UnixStream::connect(path).map_err(|e| {
            io_error(
                &format!("cannot connect to the agent at {}", path.display()),
                e,
            )
        })?;
        let timeout = Some(std::time::Duration::from_secs(60));
        stream
            .set_read_timeout(timeout)
            .and_then(|()| stream.set_write_timeout(timeout))
            .map_err(|e| io_error("cannot set up the agent connection", e))?;
        Ok(Agent { stream })
    }
}

#[cfg(windows)]
impl Agent<std::fs::File> {
    /// The named pipe of Win32-OpenSSH's agent service.
    pub const OPENSSH_PIPE: &'static str = r"\\.\pipe\openssh-ssh-agent";

    /// Connects to the agent at the named pipe `path` (e.g. [`Self::OPENSSH_PIPE`]).
    ///
    /// ```
    /// let missing = std::path::Path::new(r"\\.\pipe\no-such-agent");
    /// assert!(keyconv::agent::Agent::connect(missing).is_err());
    /// ```
    pub fn connect(path: &std::path::Path) -> Result<Self> {
        let stream = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| {
                io_error(
                    &format!("cannot connect to the agent at {}", path.display()),
                    e,
                )
            })?;
        Ok(Agent { stream })
    }
}

impl<S: Read + Write> Agent<S> {
    /// An agent speaking over `stream`.
    ///
    /// ```
    /// use keyconv::agent::{Agent, Constraints};
    /// use keyconv::{KeySpec, PrivateKey};
    ///
    /// // A stream that answers SSH_AGENT_SUCCESS (length 1, code 6) to one request.
    /// let stream = ReadWrite(std::io::Cursor::new(vec![0, 0, 0, 1, 6]));
    /// let key = PrivateKey::generate(KeySpec::Ed25519, "me")?;
    /// Agent::new(stream).add(&key, &Constraints::default())?;
    /// # struct ReadWrite(std::io::Cursor<Vec<u8>>);
    /// # impl std::io::Read for ReadWrite { fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> { self.0.read(b) } }
    /// # impl std::io::Write for ReadWrite { fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { Ok(b.len()) } fn flush(&mut self) -> std::io::Result<()> { Ok(()) } }
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn new(stream: S) -> Self {
        Agent { stream }
    }

    /// Adds `key` with `constraints` (`SSH_AGENTC_ADD_IDENTITY` / `ADD_ID_CONSTRAINED`).
    ///
    /// ```
    /// use keyconv::agent::{Agent, Constraints};
    /// use keyconv::{KeySpec, PrivateKey};
    ///
    /// // An agent that refuses (SSH_AGENT_FAILURE, code 5).
    /// let stream = ReadWrite(std::io::Cursor::new(vec![0, 0, 0, 1, 5]));
    /// let key = PrivateKey::generate(KeySpec::Ed25519, "me")?;
    /// assert!(Agent::new(stream).add(&key, &Constraints::default()).is_err());
    /// # struct ReadWrite(std::io::Cursor<Vec<u8>>);
    /// # impl std::io::Read for ReadWrite { fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> { self.0.read(b) } }
    /// # impl std::io::Write for ReadWrite { fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { Ok(b.len()) } fn flush(&mut self) -> std::io::Result<()> { Ok(()) } }
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn add(&mut self, key: &PrivateKey, constraints: &Constraints) -> Result<()> {
        let message = add_identity_message(key, constraints)?;
        let reply = self.request(&message)?;
        self.expect_success(&reply, "add the key")
    }

    /// The keys the agent holds (`SSH_AGENTC_REQUEST_IDENTITIES`).
    ///
    /// ```
    /// use keyconv::agent::Agent;
    ///
    /// // An agent holding no keys: SSH2_AGENT_IDENTITIES_ANSWER (12) with a count of 0.
    /// let stream = ReadWrite(std::io::Cursor::new(vec![0, 0, 0, 5, 12, 0, 0, 0, 0]));
    /// assert!(Agent::new(stream).list()?.is_empty());
    /// # struct ReadWrite(std::io::Cursor<Vec<u8>>);
    /// # impl std::io::Read for ReadWrite { fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> { self.0.read(b) } }
    /// # impl std::io::Write for ReadWrite { fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { Ok(b.len()) } fn flush(&mut self) -> std::io::Result<()> { Ok(()) } }
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn list(&mut self) -> Result<Vec<Identity>> {
        let reply = self.request(&[SSH_AGENTC_REQUEST_IDENTITIES])?;
        parse_identities(&reply)
    }

    /// Removes the key whose public wire blob is `blob` (`SSH_AGENTC_REMOVE_IDENTITY`).
    ///
    /// ```
    /// use keyconv::agent::Agent;
    ///
    /// let key = keyconv::PublicKey::from_openssh(include_str!("../testdata/ed25519.pub"))?;
    /// let stream = ReadWrite(std::io::Cursor::new(vec![0, 0, 0, 1, 6])); // SSH_AGENT_SUCCESS
    /// Agent::new(stream).remove(&key.to_ssh_blob())?;
    /// # struct ReadWrite(std::io::Cursor<Vec<u8>>);
    /// # impl std::io::Read for ReadWrite { fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> { self.0.read(b) } }
    /// # impl std::io::Write for ReadWrite { fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { Ok(b.len()) } fn flush(&mut self) -> std::io::Result<()> { Ok(()) } }
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn remove(&mut self, blob: &[u8]) -> Result<()> {
        let mut w = Writer::with_capacity(blob.len() + 5);
        w.u8(SSH_AGENTC_REMOVE_IDENTITY).string(blob);
        let reply = self.request(w.as_bytes())?;
        self.expect_success(&reply, "remove the key")
    }

    fn expect_success(&self, reply: &[u8], what: &str) -> Result<()> {
        match reply.first() {
            Some(&SSH_AGENT_SUCCESS) => Ok(()),
            Some(&SSH_AGENT_FAILURE) => Err(Error::new(ErrorKind::Refused(format!(
                "the agent did not {what}"
            )))),
            _ => Err(bad_reply(format!(
                "unexpected reply to a request to {what}"
            ))),
        }
    }

    /// Sends one message and reads its reply, at most [`MAX_REPLY`] bytes.
    fn request(&mut self, message: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let len = u32::try_from(message.len())
            .map_err(|_| Error::new(ErrorKind::InvalidRequest("agent message too long".into())))?;
        let mut framed = Zeroizing::new(Vec::with_capacity(message.len() + 4));
        framed.extend_from_slice(&len.to_be_bytes());
        framed.extend_from_slice(message);
        self.stream
            .write_all(&framed)
            .and_then(|()| self.stream.flush())
            .map_err(|e| io_error("cannot write to the agent", e))?;
        let mut head = [0u8; 4];
        self.stream
            .read_exact(&mut head)
            .map_err(|e| io_error("cannot read the agent's reply", e))?;
        let len = u32::from_be_bytes(head) as usize;
        if len == 0 || len > MAX_REPLY {
            return Err(bad_reply(format!(
                "reply of {len} bytes (the limit is {MAX_REPLY})"
            )));
        }
        let mut reply = Zeroizing::new(vec![0u8; len]);
        self.stream
            .read_exact(&mut reply)
            .map_err(|e| io_error("cannot read the agent's reply", e))?;
        Ok(reply)
    }
}

/// Parses `SSH_AGENT_IDENTITIES_ANSWER`: `byte 12, uint32 nkeys, nkeys × (string blob, string
/// comment)`.
fn parse_identities(reply: &[u8]) -> Result<Vec<Identity>> {
    let Some((&kind, body)) = reply.split_first() else {
        return Err(bad_reply("empty reply".into()));
    };
    if kind == SSH_AGENT_FAILURE {
        return Err(Error::new(ErrorKind::Refused(
            "the agent did not list its keys".into(),
        )));
    }
    if kind != SSH_AGENT_IDENTITIES_ANSWER {
        return Err(bad_reply(format!("reply of type {kind} to a key listing")));
    }
    let mut r = Reader::new(body, Format::Public);
    let count = r.u32("key count").map_err(wire_error)? as usize;
    // Every key takes at least 8 bytes: a count larger than that is a lie, not an allocation.
    if count > body.len() / 8 {
        return Err(bad_reply(format!(
            "{count} keys announced in {} bytes",
            body.len()
        )));
    }
    let mut identities = Vec::with_capacity(count);
    for _ in 0..count {
        let blob = r.string("key blob").map_err(wire_error)?;
        let comment = r.string("comment").map_err(wire_error)?;
        let comment = String::from_utf8_lossy(comment).into_owned();
        identities.push(Identity {
            blob: blob.to_vec(),
            key: PublicKey::from_ssh_blob(blob, &comment, Format::Public).ok(),
            comment,
        });
    }
    r.finish("the key list").map_err(wire_error)?;
    Ok(identities)
}

fn bad_reply(what: String) -> Error {
    Error::new(ErrorKind::Io(format!(
        "malformed reply from the agent: {what}"
    )))
}

fn wire_error(e: Error) -> Error {
    match e.kind() {
        ErrorKind::Malformed { what, .. } => bad_reply(what.clone()),
        _ => e,
    }
}

fn io_error(what: &str, e: io::Error) -> Error {
    let reason = e.to_string().to_lowercase();
    let reason = reason.split(" (os error ").next().unwrap_or_default();
    Error::new(ErrorKind::Io(format!("{what}: {reason}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{SecretBytes, SecretKeyData};

    /// A stream that replies with fixed bytes and records what was written.
    struct Scripted {
        reply: io::Cursor<Vec<u8>>,
        sent: Vec<u8>,
    }

    impl Read for Scripted {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.reply.read(buf)
        }
    }

    impl Write for Scripted {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.sent.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn agent(reply: &[u8]) -> Agent<Scripted> {
        Agent::new(Scripted {
            reply: io::Cursor::new(reply.to_vec()),
            sent: Vec::new(),
        })
    }

    fn ed25519() -> PrivateKey {
        PrivateKey::from_secret(
            SecretKeyData::Ed25519(SecretBytes::new(vec![7u8; 32])),
            None,
            "me@host",
        )
        .unwrap()
    }

    #[test]
    fn constraints_are_appended_and_change_the_message_type() {
        let key = ed25519();
        let plain = add_identity_message(&key, &Constraints::default()).unwrap();
        assert_eq!(plain[0], SSH_AGENTC_ADD_IDENTITY);
        assert!(plain.ends_with(b"me@host"));
        let constrained = add_identity_message(
            &key,
            &Constraints {
                lifetime: Some(300),
                confirm: true,
            },
        )
        .unwrap();
        assert_eq!(constrained[0], SSH_AGENTC_ADD_ID_CONSTRAINED);
        assert_eq!(&constrained[1..plain.len()], &plain[1..]);
        assert_eq!(&constrained[plain.len()..], &[1, 0, 0, 1, 44, 2]);
    }

    #[test]
    fn the_message_never_outgrows_its_first_buffer() {
        // An RSA-4096 key from the corpus: the message fits the capacity reserved up front, so
        // no reallocation left a copy of the secret in freed memory.
        let pem = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/rsa-4096.pem"
        ))
        .unwrap();
        let file = crate::format::KeyFile::decode(&pem).unwrap();
        let key = file
            .private_key(None, &crate::protection::KdfLimits::default())
            .unwrap();
        let blob_len = key.public_key().to_ssh_blob().len();
        let message = add_identity_message(&key, &Constraints::default()).unwrap();
        assert!(
            message.len() <= 4 * blob_len + 256,
            "{} > {}",
            message.len(),
            4 * blob_len
        );
        assert!(message.capacity() <= 4 * blob_len + 256);
    }

    #[test]
    fn ed448_is_refused_clearly() {
        let key = PrivateKey::from_secret(
            SecretKeyData::Ed448(SecretBytes::new(vec![4u8; 57])),
            None,
            "",
        )
        .unwrap();
        let e = add_identity_message(&key, &Constraints::default()).unwrap_err();
        assert!(e.to_string().contains("no Ed448"), "{e}");
    }

    #[test]
    fn replies_are_bounded_and_checked() {
        // A reply announcing more than MAX_REPLY bytes is refused before any allocation.
        let e = agent(&[0x7f, 0xff, 0xff, 0xff]).list().unwrap_err();
        assert!(e.to_string().contains("limit"), "{e}");
        // A key count the reply cannot hold.
        let e = agent(&[0, 0, 0, 5, 12, 0xff, 0xff, 0xff, 0xff])
            .list()
            .unwrap_err();
        assert!(e.to_string().contains("keys announced"), "{e}");
        // Truncated: fewer bytes than announced.
        assert!(agent(&[0, 0, 0, 9, 12, 0, 0]).list().is_err());
        // Failure and success replies.
        assert!(matches!(
            agent(&[0, 0, 0, 1, 5]).add(&ed25519(), &Constraints::default()),
            Err(e) if matches!(e.kind(), ErrorKind::Refused(_))
        ));
        let mut ok = agent(&[0, 0, 0, 1, 6]);
        ok.add(&ed25519(), &Constraints::default()).unwrap();
        let sent = &ok.stream.sent;
        assert_eq!(
            u32::from_be_bytes(sent[..4].try_into().unwrap()) as usize,
            sent.len() - 4
        );
    }

    #[test]
    fn identities_are_parsed() {
        let key = ed25519();
        let blob = key.public_key().to_ssh_blob();
        let mut w = Writer::new();
        w.u8(SSH_AGENT_IDENTITIES_ANSWER)
            .u32(2)
            .string(&blob)
            .string(b"first")
            .string(b"\x00\x00\x00\x03abc")
            .string(b"unknown");
        let body = w.as_bytes().to_vec();
        let mut framed = (body.len() as u32).to_be_bytes().to_vec();
        framed.extend_from_slice(&body);
        let list = agent(&framed).list().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].comment, "first");
        assert_eq!(
            list[0].key.as_ref().unwrap().to_ssh_blob(),
            key.public_key().to_ssh_blob()
        );
        assert!(list[1].key.is_none());
    }
}
