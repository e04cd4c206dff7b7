//! `keyconv agent add|list|remove`: keys of any private format (a `.ppk` above all, which
//! `ssh-add` cannot read) into the ssh-agent at `SSH_AUTH_SOCK`, decrypted in memory only.

use std::ffi::OsStr;
use std::io::Write;
use std::path::PathBuf;

use keyconv::agent::{Agent, Constraints, Identity};
use keyconv::error::{Error, ErrorKind};
use keyconv::format::KeyFile;
use keyconv::key::{FingerprintHash, PublicKey};
use keyconv::protection::KdfLimits;

use super::Failure;
use super::args::{AgentAddArgs, AgentArgs, AgentCommand, AgentListArgs, AgentRemoveArgs};
use super::input::Input;
use super::output::{printable, stdout_error};
use super::report;
use super::unlock::private_key as unlock;

pub(crate) fn run(args: &AgentArgs) -> Result<(), Failure> {
    match &args.command {
        AgentCommand::Add(a) => add(a),
        AgentCommand::List(a) => list(a),
        AgentCommand::Remove(a) => remove(a),
    }
}

/// The agent's socket: `SSH_AUTH_SOCK`, as ssh-add finds it.
fn socket() -> Result<PathBuf, Failure> {
    match std::env::var_os("SSH_AUTH_SOCK") {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => Err(Failure::Plain(
            Error::new(ErrorKind::Io("no agent: SSH_AUTH_SOCK is not set".into()))
                .with_hint("start one with: eval \"$(ssh-agent)\""),
        )),
    }
}

#[cfg(unix)]
fn connect() -> Result<Agent<std::os::unix::net::UnixStream>, Failure> {
    Agent::connect(&socket()?).map_err(Failure::Plain)
}

#[cfg(windows)]
fn connect() -> Result<Agent<std::fs::File>, Failure> {
    let path = socket().unwrap_or_else(|_| PathBuf::from(Agent::OPENSSH_PIPE));
    Agent::connect(&path).map_err(Failure::Plain)
}

fn add(args: &AgentAddArgs) -> Result<(), Failure> {
    let mut agent = connect()?;
    let constraints = Constraints {
        lifetime: args.lifetime,
        confirm: args.confirm,
    };
    let limits = KdfLimits {
        allow_expensive: args.passphrase.allow_expensive_kdf,
    };
    let mut failed = false;
    for name in &args.files {
        let input = Input::new(name);
        let name = &input.name;
        let result = (|| {
            let on_input = |e: Error| Failure::Input(name.clone(), e);
            let bytes = input.read_key_file().map_err(on_input)?;
            let file = KeyFile::decode(&bytes).map_err(on_input)?;
            if !file.is_private() {
                return Err(on_input(Error::new(ErrorKind::InvalidRequest(
                    "holds only a public key: the agent needs the private key".into(),
                ))));
            }
            // The key and its passphrase live in zeroizing memory and are dropped (wiped) at
            // the end of this closure; the message sent is built in zeroizing memory too.
            let (mut key, _passphrase) = unlock(&file, &args.passphrase, &input, limits)?;
            if key.comment().is_empty() {
                // As ssh-add: a key without a comment is listed by its file's name.
                key.set_comment(name.as_str());
            }
            agent.add(&key, &constraints).map_err(on_input)?;
            Ok(key.comment().to_owned())
        })();
        match result {
            Ok(comment) => {
                say!(
                    "Identity added: {} ({})",
                    printable(name),
                    printable(&comment)
                );
                if let Some(seconds) = args.lifetime {
                    say!("Lifetime set to {seconds} seconds");
                }
                if args.confirm {
                    say!("The user must confirm each use of the key");
                }
            }
            Err(failure) => {
                failed = true;
                report_failure(failure)?;
            }
        }
    }
    if failed {
        Err(Failure::Reported(1))
    } else {
        Ok(())
    }
}

/// Reports a per-file failure and goes on; a usage error or a closed output ends the command.
fn report_failure(failure: Failure) -> Result<(), Failure> {
    match failure {
        Failure::Input(name, e) => report(Some(&name), &e),
        Failure::Plain(e) => report(None, &e),
        other => return Err(other),
    }
    Ok(())
}

fn hash(name: &str) -> FingerprintHash {
    if name == "md5" {
        FingerprintHash::Md5
    } else {
        FingerprintHash::Sha256
    }
}

/// The line `ssh-add -l` prints for a key: `BITS HASH COMMENT (TYPE)`.
fn line(identity: &Identity, hash: FingerprintHash) -> String {
    match &identity.key {
        Some(key) => format!(
            "{} {} {} ({})",
            key.data().bits(),
            key.fingerprint(hash),
            printable(key.comment()),
            key.data().label()
        ),
        None => format!(
            "{} (a key type keyconv does not know)",
            printable(&identity.comment)
        ),
    }
}

fn list(args: &AgentListArgs) -> Result<(), Failure> {
    let identities = connect()?.list().map_err(Failure::Plain)?;
    if identities.is_empty() {
        // As ssh-add -l: a message and exit status 1.
        say!("The agent has no identities.");
        return Err(Failure::Reported(1));
    }
    let mut out = std::io::stdout().lock();
    for identity in &identities {
        writeln!(out, "{}", line(identity, hash(&args.hash))).map_err(stdout_error)?;
    }
    out.flush().map_err(stdout_error)
}

/// Whether `target` is a fingerprint as `agent list` prints it.
fn is_fingerprint(target: &OsStr) -> Option<&str> {
    target
        .to_str()
        .filter(|t| t.starts_with("SHA256:") || t.starts_with("MD5:"))
}

/// The public keys a target names: for a fingerprint, the agent's keys that have it; for a
/// file, its public keys (those in clear, else `FILE.pub`, else the unlocked private key's).
fn keys_of(
    target: &OsStr,
    identities: &[Identity],
    args: &AgentRemoveArgs,
) -> Result<Vec<Vec<u8>>, Failure> {
    let on_input = |e: Error| Failure::Input(target.to_string_lossy().into_owned(), e);
    if let Some(target) = is_fingerprint(target) {
        let hash = if target.starts_with("MD5:") {
            FingerprintHash::Md5
        } else {
            FingerprintHash::Sha256
        };
        return Ok(identities
            .iter()
            .filter(|i| {
                i.key
                    .as_ref()
                    .is_some_and(|k| k.fingerprint(hash) == target)
            })
            .map(|i| i.blob.clone())
            .collect());
    }
    let input = Input::new(target);
    let bytes = input.read_key_file().map_err(on_input)?;
    let file = KeyFile::decode(&bytes).map_err(on_input)?;
    let mut keys: Vec<PublicKey> = file.public_keys();
    if keys.is_empty() && !input.is_stdin() {
        // As ssh-add -d: the public key beside an encrypted private key spares a passphrase.
        let mut public = target.to_os_string();
        public.push(".pub");
        if let Ok(bytes) = Input::new(&public).read_key_file()
            && let Ok(file) = KeyFile::decode(&bytes)
            && !file.is_private()
        {
            keys = file.public_keys();
        }
    }
    if keys.is_empty() && file.is_private() {
        let limits = KdfLimits {
            allow_expensive: args.passphrase.allow_expensive_kdf,
        };
        let (key, _) = unlock(&file, &args.passphrase, &input, limits)?;
        keys.push(key.public_key().clone());
    }
    Ok(keys.iter().map(PublicKey::to_ssh_blob).collect())
}

fn remove(args: &AgentRemoveArgs) -> Result<(), Failure> {
    let mut agent = connect()?;
    let identities = agent.list().map_err(Failure::Plain)?;
    let mut failed = false;
    for target in &args.targets {
        let result = keys_of(target, &identities, args).and_then(|blobs| {
            let held: Vec<&Identity> = identities
                .iter()
                .filter(|i| blobs.contains(&i.blob))
                .collect();
            if held.is_empty() {
                return Err(Failure::Input(
                    target.to_string_lossy().into_owned(),
                    Error::new(ErrorKind::Io("not in the agent".into()))
                        .with_hint("keyconv agent list shows the agent's keys"),
                ));
            }
            for identity in held {
                agent
                    .remove(&identity.blob)
                    .map_err(|e| Failure::Input(target.to_string_lossy().into_owned(), e))?;
                say!(
                    "Identity removed: {}",
                    line(identity, FingerprintHash::Sha256)
                );
            }
            Ok(())
        });
        if let Err(failure) = result {
            failed = true;
            report_failure(failure)?;
        }
    }
    if failed {
        Err(Failure::Reported(1))
    } else {
        Ok(())
    }
}
