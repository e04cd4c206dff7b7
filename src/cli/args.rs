//! The command line (SPEC §2), declared with clap.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use keyconv::format::Format;
use keyconv::format::ppk::PpkVersion;
use keyconv::protection::{Argon2Variant, Cipher, Prf};

/// Convert SSH keys between PuTTY .ppk, OpenSSH, RFC 4716 and PKCS#8/PEM, and check them
/// against FIPS 140 rules.
#[derive(Parser, Debug)]
#[command(name = "keyconv", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Convert a key into another format.
    Convert(ConvertArgs),
    /// Print the public key of every key in every input, one per line.
    Public(PublicArgs),
    /// Print fingerprints as `ssh-keygen -l` does.
    Fingerprint(FingerprintArgs),
    /// Report format, key, comment, fingerprints, protection parameters and FIPS assessment.
    Inspect(InspectArgs),
    /// Tell which key files a FIPS 140 system can use (exit 0 all compliant, 1 some not, 2 unreadable).
    FipsCheck(FipsCheckArgs),
    /// Generate a new key: the private key in FILE, the one-line public key in FILE.pub.
    Generate(GenerateArgs),
    /// Add, list and remove the keys of an authorized_keys file.
    AuthorizedKeys(AuthorizedKeysArgs),
    /// Change a key file's passphrase or comment in place, in its own format.
    Edit(EditArgs),
    /// Add keys of any private format (a .ppk too) to the ssh-agent at SSH_AUTH_SOCK, list
    /// and remove them.
    Agent(AgentArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `keyconv man | man -l -`.
    Man,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// A format keyconv writes (`--to`).
fn parse_format(s: &str) -> Result<Format, String> {
    let names = || {
        let names: Vec<&str> = Format::ALL
            .iter()
            .filter(|f| f.is_writable())
            .map(|f| f.name())
            .collect();
        names.join(", ")
    };
    match Format::from_name(s) {
        Some(f) if f.is_writable() => Ok(f),
        Some(_) => Err(format!(
            "keyconv reads {s} but does not write it: use one of {}",
            names()
        )),
        None => Err(format!("unknown format {s:?}: use one of {}", names())),
    }
}

fn parse_public_format(s: &str) -> Result<Format, String> {
    match parse_format(s)? {
        f @ (Format::Public | Format::Rfc4716 | Format::Spki) => Ok(f),
        _ => Err(format!(
            "{s} is not a public key format: use public, rfc4716 or spki"
        )),
    }
}

/// Where the passphrase of an encrypted input comes from.
#[derive(Args, Debug, Default, Clone)]
pub struct PassphraseArgs {
    /// Read the passphrase from FILE (one trailing newline is removed). Otherwise
    /// KEYCONV_PASSPHRASE, otherwise a prompt on the terminal.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Run key derivations whose parameters exceed keyconv's limits (SPEC §3).
    #[arg(long)]
    pub allow_expensive_kdf: bool,
}

/// The passphrase of the output.
#[derive(Args, Debug, Default, Clone)]
pub struct NewPassphraseArgs {
    /// Encrypt the output with the passphrase in FILE (one trailing newline is removed).
    /// Otherwise KEYCONV_NEW_PASSPHRASE, otherwise the input's passphrase.
    #[arg(long, value_name = "FILE", conflicts_with = "no_passphrase")]
    pub new_passphrase_file: Option<PathBuf>,
    /// Ask for the output's passphrase on the terminal, twice (an empty one writes the output
    /// unencrypted).
    #[arg(long, conflicts_with_all = ["new_passphrase_file", "no_passphrase"])]
    pub ask_new_passphrase: bool,
    /// Write the output unencrypted.
    #[arg(long)]
    pub no_passphrase: bool,
}

/// How the output is protected.
#[derive(Args, Debug, Default, Clone)]
pub struct ProtectionArgs {
    /// Cipher: openssh (aes256-ctr, aes128-gcm@openssh.com, …), pkcs8 (aes128-cbc, aes192-cbc,
    /// aes256-cbc), pem (aes128-cbc, aes192-cbc, aes256-cbc, des-ede3-cbc).
    #[arg(long, value_name = "NAME")]
    pub cipher: Option<Cipher>,
    /// PBKDF2 PRF for pkcs8: hmac-sha256 (default), hmac-sha384, hmac-sha512, hmac-sha1.
    #[arg(long, value_name = "PRF")]
    pub prf: Option<Prf>,
    /// PBKDF2 iterations for pkcs8 (default 600000).
    #[arg(long, value_name = "N")]
    pub iterations: Option<u32>,
    /// PPK version, 2 or 3 (default 3).
    #[arg(long, value_name = "2|3")]
    pub ppk_version: Option<PpkVersion>,
    /// PPK v3 key derivation: argon2id (default), argon2i, argon2d.
    #[arg(long, value_name = "KDF")]
    pub kdf: Option<Argon2Variant>,
    /// PPK v3 Argon2 memory in KiB (default 8192).
    #[arg(long, value_name = "KIB")]
    pub argon2_memory: Option<u32>,
    /// PPK v3 Argon2 passes.
    #[arg(long, value_name = "N")]
    pub argon2_passes: Option<u32>,
    /// PPK v3 Argon2 parallelism (default 1).
    #[arg(long, value_name = "N")]
    pub argon2_parallelism: Option<u32>,
    /// OpenSSH bcrypt-pbkdf rounds (default 16).
    #[arg(long, value_name = "N")]
    pub rounds: Option<u32>,
}

#[derive(Args, Debug)]
pub struct ConvertArgs {
    /// The key file, or - for standard input.
    pub input: OsString,
    /// The output format.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub to: Format,
    /// Write to FILE (atomically; 0600 for private keys) instead of standard output; - is
    /// standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite an existing output file.
    #[arg(long)]
    pub force: bool,
    /// Set the key's comment (ppk, openssh, public, rfc4716: the formats that hold one).
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    #[command(flatten)]
    pub new_passphrase: NewPassphraseArgs,
    #[command(flatten)]
    pub protection: ProtectionArgs,
    /// Write only what a FIPS 140-3 module loads and NIST approves (SPEC §4).
    #[arg(long)]
    pub fips: bool,
    /// With --fips, also refuse EdDSA keys.
    #[arg(long, requires = "fips")]
    pub strict: bool,
}

#[derive(Args, Debug)]
pub struct PublicArgs {
    /// Key files, or - for standard input.
    #[arg(required = true)]
    pub inputs: Vec<OsString>,
    /// The output format: public (default), rfc4716 or spki.
    #[arg(long, value_name = "FORMAT", value_parser = parse_public_format, default_value = "public")]
    pub to: Format,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

#[derive(Args, Debug)]
pub struct FingerprintArgs {
    /// Key files, or - for standard input.
    #[arg(required = true)]
    pub inputs: Vec<OsString>,
    /// The hash, as ssh-keygen -E.
    #[arg(long, short = 'E', value_name = "HASH", value_enum, default_value_t = HashName::Sha256)]
    pub hash: HashName,
    /// Print the bubblebabble digest (of SHA-1) instead, as ssh-keygen -B.
    #[arg(long, short = 'B', conflicts_with_all = ["hash", "visual", "format"])]
    pub bubblebabble: bool,
    /// Also draw the randomart picture of the fingerprint, as ssh-keygen -lv.
    #[arg(long, short = 'v')]
    pub visual: bool,
    /// Print the fingerprints a cloud portal shows instead: aws (EC2 key pairs).
    #[arg(long, value_name = "PORTAL", value_enum, conflicts_with_all = ["hash", "visual"])]
    pub format: Option<Portal>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// A fingerprint hash (`fingerprint --hash`).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashName {
    /// SHA-256, base64 (ssh-keygen's default).
    Sha256,
    /// SHA-512, base64.
    Sha512,
    /// MD5, colon-separated hex.
    Md5,
}

/// A cloud portal whose fingerprints `fingerprint --format` prints.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Portal {
    /// Amazon EC2 key pairs: MD5 of the SPKI DER (imported RSA), SHA-1 of the PKCS#8 DER (RSA
    /// created by AWS; needs the private key), SHA-256 base64 (ED25519).
    Aws,
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// Key files, or - for standard input.
    #[arg(required = true)]
    pub inputs: Vec<OsString>,
    /// Print one JSON array, one entry per input (schema/keyconv.schema.json).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

#[derive(Args, Debug)]
pub struct FipsCheckArgs {
    /// Key files or (with --recursive) directories.
    #[arg(required = true)]
    pub inputs: Vec<OsString>,
    /// Walk directories (in parallel on all cores); files that are not key files are skipped.
    #[arg(long, short = 'r')]
    pub recursive: bool,
    /// Print one JSON array, one entry per file (schema/keyconv.schema.json); the summary goes
    /// to standard error.
    #[arg(long)]
    pub json: bool,
    /// Print only the non-compliant files and the summary.
    #[arg(long, short = 'q', conflicts_with = "json")]
    pub quiet: bool,
    /// Also fail on conditional verdicts (EdDSA) and on keys that could not be assessed.
    #[arg(long)]
    pub strict: bool,
    /// Rewrite every non-compliant private key that can be fixed in place as `convert --fips`
    /// PKCS#8, keeping its passphrase, mode and owner; write FILE.pub when missing. DSA and
    /// RSA < 2048 keys are left as they are.
    #[arg(long, conflicts_with = "json")]
    pub fix: bool,
    /// With --fix, keep each original as FILE.bak (a file whose FILE.bak exists is left).
    #[arg(long, requires = "fix")]
    pub backup: bool,
    /// With --fix, print what would be done; change nothing (and decrypt nothing).
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

fn parse_private_format(s: &str) -> Result<Format, String> {
    match parse_format(s)? {
        f if f.is_private() => Ok(f),
        _ => Err(format!(
            "{s} is not a private key format: use ppk, openssh, pkcs8, pem or sshcom"
        )),
    }
}

/// The type of key `generate` makes.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenerateType {
    /// RSA (3072 bits unless --bits).
    Rsa,
    /// ECDSA (P-256 unless --curve or --bits).
    Ecdsa,
    /// Ed25519.
    Ed25519,
    /// Ed448 (PuTTY and PKCS#8; OpenSSH has no Ed448 keys).
    Ed448,
}

/// A NIST curve for `generate --type ecdsa`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CurveName {
    /// NIST P-256.
    #[value(alias = "nistp256")]
    P256,
    /// NIST P-384.
    #[value(alias = "nistp384")]
    P384,
    /// NIST P-521.
    #[value(alias = "nistp521")]
    P521,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// The key type: ed25519 (default; rsa under --fips), rsa, ecdsa or ed448.
    #[arg(long = "type", short = 't', value_name = "TYPE", value_enum)]
    pub key_type: Option<GenerateType>,
    /// RSA modulus size (default 3072); for ECDSA, 256, 384 or 521 choose the curve.
    #[arg(long, short = 'b', value_name = "N")]
    pub bits: Option<u32>,
    /// ECDSA curve (default p256).
    #[arg(long, value_name = "CURVE", value_enum)]
    pub curve: Option<CurveName>,
    /// The private key format: openssh (default; pkcs8 under --fips), ppk, pkcs8 or pem.
    #[arg(long, value_name = "FORMAT", value_parser = parse_private_format)]
    pub to: Option<Format>,
    /// The private key file (mode 0600); the public key goes to FILE.pub (mode 0644).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors and warnings (no fingerprint, no note of the files written).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// The key's comment (default USER@HOST, as ssh-keygen).
    #[arg(long, short = 'C', value_name = "TEXT")]
    pub comment: Option<String>,
    /// Encrypt the key with the passphrase in FILE (one trailing newline is removed).
    /// Otherwise KEYCONV_NEW_PASSPHRASE, otherwise a prompt (twice) on the terminal.
    #[arg(long, value_name = "FILE", conflicts_with = "no_passphrase")]
    pub new_passphrase_file: Option<PathBuf>,
    /// Write the key unencrypted.
    #[arg(long)]
    pub no_passphrase: bool,
    #[command(flatten)]
    pub protection: ProtectionArgs,
    /// Make only what a FIPS 140-3 module loads and NIST approves: RSA-3072 (or ECDSA) in
    /// PKCS#8 with PBES2 (SPEC §4).
    #[arg(long)]
    pub fips: bool,
    /// With --fips, also refuse EdDSA keys.
    #[arg(long, requires = "fips")]
    pub strict: bool,
}

#[derive(Args, Debug)]
pub struct AuthorizedKeysArgs {
    #[command(subcommand)]
    pub command: AuthorizedKeysCommand,
}

#[derive(Subcommand, Debug)]
pub enum AuthorizedKeysCommand {
    /// Append the public keys of the inputs (any format keyconv reads), one line each,
    /// skipping keys already present.
    Add(AuthorizedKeysAddArgs),
    /// List the keys: line number, fingerprint, comment, type and options.
    List(AuthorizedKeysListArgs),
    /// Remove the keys with a fingerprint (SHA256:… or MD5:…) or, exactly, a comment.
    Remove(AuthorizedKeysRemoveArgs),
}

/// Which authorized_keys file.
#[derive(Args, Debug, Default, Clone)]
pub struct AuthorizedKeysFileArg {
    /// The authorized_keys file (default: $HOME/.ssh/authorized_keys).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct AuthorizedKeysAddArgs {
    /// Key files (public or private), or - for standard input.
    #[arg(required = true)]
    pub inputs: Vec<OsString>,
    #[command(flatten)]
    pub file: AuthorizedKeysFileArg,
    /// Options for the added lines, e.g. no-pty or from="10.0.0.0/8" (repeat or separate with
    /// commas).
    #[arg(long = "option", value_name = "TEXT")]
    pub options: Vec<String>,
    /// Print the lines that would be added; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

#[derive(Args, Debug)]
pub struct AuthorizedKeysListArgs {
    #[command(flatten)]
    pub file: AuthorizedKeysFileArg,
    /// The fingerprint hash: sha256 (default) or md5.
    #[arg(long, value_name = "HASH", default_value = "sha256", value_parser = ["sha256", "md5"])]
    pub hash: String,
    /// Print one JSON array with one entry, the file's (schema/keyconv.schema.json).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct AuthorizedKeysRemoveArgs {
    /// Fingerprints (as `list` prints them) or comments (matched exactly).
    #[arg(required = true, value_name = "FINGERPRINT|COMMENT")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub file: AuthorizedKeysFileArg,
    /// Remove every key a comment matches, even when several different keys have it.
    #[arg(long)]
    pub all: bool,
    /// Print the lines that would be removed; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug)]
pub struct EditArgs {
    /// Private key files (ppk, openssh, pkcs8, pem), each rewritten in place.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<OsString>,
    /// Set the key's comment (ppk and openssh only: pkcs8 and pem have no comment).
    #[arg(long, short = 'C', value_name = "TEXT")]
    pub comment: Option<String>,
    /// Keep the original as FILE.bak (refused if that exists).
    #[arg(long)]
    pub backup: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    #[command(flatten)]
    pub new_passphrase: NewPassphraseArgs,
}

#[derive(Args, Debug)]
pub struct AgentArgs {
    #[command(subcommand)]
    pub command: AgentCommand,
}

#[derive(Subcommand, Debug)]
pub enum AgentCommand {
    /// Add private keys (any format keyconv reads) to the agent, as ssh-add does.
    Add(AgentAddArgs),
    /// List the agent's keys as `ssh-add -l` does.
    List(AgentListArgs),
    /// Remove keys from the agent, by fingerprint (SHA256:… or MD5:…) or key file.
    Remove(AgentRemoveArgs),
}

#[derive(Args, Debug)]
pub struct AgentAddArgs {
    /// Private key files, or - for standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<OsString>,
    /// The agent forgets the keys after this long: seconds, or with a unit (90s, 10m, 2h, 1d, 1w).
    #[arg(long, short = 't', value_name = "SECONDS", value_parser = parse_lifetime)]
    pub lifetime: Option<u32>,
    /// The agent asks for confirmation (through SSH_ASKPASS) before each use of the keys.
    #[arg(long, short = 'c')]
    pub confirm: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

#[derive(Args, Debug)]
pub struct AgentListArgs {
    /// The fingerprint hash: sha256 (default) or md5.
    #[arg(long, value_name = "HASH", default_value = "sha256", value_parser = ["sha256", "md5"])]
    pub hash: String,
}

#[derive(Args, Debug)]
pub struct AgentRemoveArgs {
    /// Fingerprints (as `agent list` prints them) or key files (public or private).
    #[arg(required = true, value_name = "FINGERPRINT|FILE")]
    pub targets: Vec<OsString>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// A lifetime as `ssh-add -t` takes it (OpenSSH's time format): `600`, `10m`, `1h30m`.
fn parse_lifetime(s: &str) -> Result<u32, String> {
    let bad = || format!("invalid lifetime {s:?}: give seconds, or e.g. 90s, 10m, 2h, 1d, 1w");
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            let n = number
                .unwrap_or(0)
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(d)));
            number = Some(n.ok_or_else(bad)?);
            continue;
        }
        let unit: u64 = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            'w' => 604_800,
            _ => return Err(bad()),
        };
        let n = number.take().ok_or_else(bad)?;
        total = n
            .checked_mul(unit)
            .and_then(|n| total.checked_add(n))
            .ok_or_else(bad)?;
    }
    if let Some(n) = number {
        total = total.checked_add(n).ok_or_else(bad)?;
    }
    match u32::try_from(total) {
        Ok(0) | Err(_) => Err(bad()),
        Ok(seconds) => Ok(seconds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_parse_as_ssh_add_takes_them() {
        assert_eq!(parse_lifetime("600"), Ok(600));
        assert_eq!(parse_lifetime("10m"), Ok(600));
        assert_eq!(parse_lifetime("1h30m"), Ok(5400));
        assert_eq!(parse_lifetime("1w"), Ok(604_800));
        for bad in ["", "0", "m", "10x", "-5", "99999999999"] {
            assert!(parse_lifetime(bad).is_err(), "{bad}");
        }
    }
}
