//! `keyconv public`, `fingerprint` and `inspect`: commands that print what inputs hold.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Read, Write};
use std::sync::{Mutex, mpsc};

use serde_json::{Value, json};

use keyconv::error::{Error, ErrorKind};
use keyconv::format::{Format, KeyFile, encode_public, public};
use keyconv::key::{FingerprintHash, PublicKey};
use keyconv::protection::{Kdf, KdfLimits, Protection};

use super::Failure;
use super::args::{FingerprintArgs, InspectArgs, PassphraseArgs, PublicArgs};
use super::convert::unlock;
use super::input::{Contents, Input, io_error};
use super::output::{printable, stdout_error};
use super::report;

/// Appends what a command prints for one key to the buffer.
type Render<'a> = dyn Fn(&PublicKey, &mut Vec<u8>) -> Result<(), Error> + Sync + 'a;

/// Writes `render` of every public key of `input` to `out`. A file of one-line public keys too
/// large to hold is streamed ([`stream_keys`]), so memory stays flat; a bad line there is
/// reported and skipped. Returns whether some line was bad.
fn for_each_key(
    input: &Input,
    passphrase: &PassphraseArgs,
    render: &Render,
    out: &mut dyn Write,
) -> Result<bool, Failure> {
    let on_input = |e: Error| Failure::Input(input.name.clone(), e);
    let limits = KdfLimits {
        allow_expensive: passphrase.allow_expensive_kdf,
    };
    match input.read().map_err(on_input)? {
        Contents::Whole(bytes) => {
            let utf16 = bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff");
            if !utf16 && Format::detect(&bytes).ok() == Some(Format::Public) {
                // One-line keys are read line by line whatever the file's size, so a bad line
                // is reported and skipped as `ssh-keygen -l` skips it, never the whole file.
                return stream_public(input, bytes, io::empty(), render, 1, out);
            }
            let file = KeyFile::decode(&bytes).map_err(on_input)?;
            let mut keys = file.public_keys();
            if keys.is_empty() && file.is_private() {
                let (key, _) = unlock(&file, passphrase, input, limits)?;
                keys.push(key.public_key().clone());
            }
            let mut text = Vec::new();
            for key in &keys {
                text.clear();
                render(key, &mut text).map_err(on_input)?;
                out.write_all(&text).map_err(stdout_error)?;
            }
            Ok(false)
        }
        Contents::Large(head, rest) => {
            if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
                return Err(on_input(Error::new(ErrorKind::Io(
                    "too large for a key file, and a UTF-16 file of public keys cannot be \
                     streamed: convert it to UTF-8"
                        .into(),
                ))));
            }
            let start = memchr::memrchr(b'\n', &head).unwrap_or(head.len());
            if Format::detect(head.get(..start).unwrap_or_default()).ok() != Some(Format::Public) {
                return Err(on_input(Error::new(ErrorKind::Io(
                    "too large for a key file, and not a file of one-line public keys".into(),
                ))));
            }
            let workers = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .min(MAX_WORKERS);
            stream_public(input, head, rest, render, workers, out)
        }
    }
}

/// Renders every key of a file of one-line public keys (`head`, then `rest`), reporting bad
/// lines with their number and going on. Returns whether some line was bad.
fn stream_public(
    input: &Input,
    head: Vec<u8>,
    rest: impl Read,
    render: &Render,
    workers: usize,
    out: &mut dyn Write,
) -> Result<bool, Failure> {
    let blocks = LineBlocks {
        carry: head,
        reader: rest,
        done: false,
    };
    let mut bad_line = |line: usize, e: &Error| {
        report(Some(&format!("{}:{line}", input.name)), e);
    };
    stream_keys(input, blocks, render, workers, out, &mut bad_line)
}

/// The size of the blocks of lines a streamed file is read and worked on in.
const BLOCK: usize = 1 << 18;
/// Blocks in flight per worker thread: read, being worked on, or waiting to be written.
const BLOCKS_PER_WORKER: usize = 3;
/// The most worker threads a streamed file is worked on by.
const MAX_WORKERS: usize = 8;

/// A block of whole lines of a streamed file.
enum Block {
    /// Lines, each ending in `\n` but the last one of the file.
    Lines(Vec<u8>),
    /// One line longer than [`BLOCK`], skipped.
    Overlong,
}

/// Reads a stream as [`Block`]s, about [`BLOCK`] bytes each (the first may be larger).
struct LineBlocks<R> {
    /// What was read after the last whole line.
    carry: Vec<u8>,
    reader: R,
    done: bool,
}

impl<R: Read> LineBlocks<R> {
    fn next_block(&mut self) -> io::Result<Option<Block>> {
        let mut block = std::mem::take(&mut self.carry);
        self.fill(&mut block)?;
        if block.is_empty() {
            return Ok(None);
        }
        if self.done {
            return Ok(Some(Block::Lines(block)));
        }
        match memchr::memrchr(b'\n', &block) {
            Some(end) => {
                self.carry.reserve(BLOCK);
                self.carry
                    .extend_from_slice(block.get(end + 1..).unwrap_or_default());
                block.truncate(end + 1);
                Ok(Some(Block::Lines(block)))
            }
            None => {
                // No line end in a whole block: skip to the next one.
                loop {
                    block.clear();
                    self.fill(&mut block)?;
                    if let Some(end) = memchr::memchr(b'\n', &block) {
                        self.carry
                            .extend_from_slice(block.get(end + 1..).unwrap_or_default());
                        break;
                    }
                    if self.done {
                        break;
                    }
                }
                Ok(Some(Block::Overlong))
            }
        }
    }

    /// Reads until `block` holds [`BLOCK`] bytes or the stream ends.
    fn fill(&mut self, block: &mut Vec<u8>) -> io::Result<()> {
        while block.len() < BLOCK && !self.done {
            let want = (BLOCK - block.len()) as u64;
            if (&mut self.reader).take(want).read_to_end(block)? == 0 {
                self.done = true;
            }
        }
        Ok(())
    }
}

/// What rendering one block gave.
#[derive(Default)]
struct Rendered {
    text: Vec<u8>,
    /// Bad lines, numbered from 1 within the block.
    errors: Vec<(usize, Error)>,
    lines: usize,
}

/// Renders every key of a block of lines; `first` is the file's first block (which may start
/// with a UTF-8 byte order mark).
fn render_block(block: &Block, first: bool, render: &Render) -> Rendered {
    let lines = match block {
        Block::Lines(lines) => lines,
        Block::Overlong => {
            let e = Error::malformed(Format::Public, format!("line longer than {BLOCK} bytes"));
            return Rendered {
                text: Vec::new(),
                errors: vec![(1, e)],
                lines: 1,
            };
        }
    };
    let mut done = Rendered {
        text: Vec::with_capacity(lines.len() / 2),
        ..Rendered::default()
    };
    let mut rest = lines.as_slice();
    if first {
        rest = rest.strip_prefix(b"\xef\xbb\xbf").unwrap_or(rest);
    }
    while !rest.is_empty() {
        let (line, after) = match memchr::memchr(b'\n', rest) {
            Some(end) => (
                rest.get(..end).unwrap_or_default(),
                rest.get(end + 1..).unwrap_or_default(),
            ),
            None => (rest, &[][..]),
        };
        rest = after;
        done.lines += 1;
        let rendered = std::str::from_utf8(line)
            .map_err(|_| Error::malformed(Format::Public, "line is not UTF-8"))
            .and_then(public::decode_line)
            .and_then(|key| match key {
                Some(key) => render(&key, &mut done.text),
                None => Ok(()),
            });
        if let Err(e) = rendered {
            done.errors.push((done.lines, e));
        }
    }
    done
}

/// Streams the keys of a large file of one-line public keys: blocks of lines are rendered by
/// `workers` threads and written in order, with at most [`BLOCKS_PER_WORKER`] blocks per worker
/// in memory, so memory stays flat however large the file. Bad lines are given to `bad_line`
/// (with their number) and skipped; returns whether there were any.
fn stream_keys(
    input: &Input,
    mut blocks: LineBlocks<impl Read>,
    render: &Render,
    workers: usize,
    out: &mut dyn Write,
    bad_line: &mut dyn FnMut(usize, &Error),
) -> Result<bool, Failure> {
    let read_error = |e| Failure::Input(input.name.clone(), io_error("cannot read", e));
    let mut writer = InOrder {
        out,
        bad_line,
        pending: BTreeMap::new(),
        next: 0,
        line: 0,
        bad: false,
    };
    if workers <= 1 {
        let mut index = 0;
        while let Some(block) = blocks.next_block().map_err(read_error)? {
            writer.put(index, render_block(&block, index == 0, render))?;
            index += 1;
        }
        return Ok(writer.bad);
    }
    let (work, jobs) = mpsc::sync_channel::<(usize, Block)>(workers);
    let jobs = Mutex::new(jobs);
    let (results, done) = mpsc::channel::<(usize, Rendered)>();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let (jobs, results) = (&jobs, results.clone());
            s.spawn(move || {
                loop {
                    let job = match jobs.lock() {
                        Ok(jobs) => jobs.recv(),
                        Err(_) => return,
                    };
                    let Ok((index, block)) = job else { return };
                    if results
                        .send((index, render_block(&block, index == 0, render)))
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
        drop(results);
        let mut sent = 0;
        while let Some(block) = blocks.next_block().map_err(read_error)? {
            while sent - writer.next >= BLOCKS_PER_WORKER * workers {
                match done.recv() {
                    Ok((index, rendered)) => writer.put(index, rendered)?,
                    Err(_) => break,
                }
            }
            if work.send((sent, block)).is_err() {
                break;
            }
            sent += 1;
            while let Ok((index, rendered)) = done.try_recv() {
                writer.put(index, rendered)?;
            }
        }
        drop(work);
        for (index, rendered) in done {
            writer.put(index, rendered)?;
        }
        Ok(writer.bad)
    })
}

/// Writes rendered blocks in the order of the file, reporting their bad lines.
struct InOrder<'a> {
    out: &'a mut dyn Write,
    bad_line: &'a mut dyn FnMut(usize, &Error),
    /// Blocks rendered before the ones that come first in the file.
    pending: BTreeMap<usize, Rendered>,
    /// The block to write next.
    next: usize,
    /// Lines before that block.
    line: usize,
    bad: bool,
}

impl InOrder<'_> {
    fn put(&mut self, index: usize, rendered: Rendered) -> Result<(), Failure> {
        self.pending.insert(index, rendered);
        while let Some(block) = self.pending.remove(&self.next) {
            self.out.write_all(&block.text).map_err(stdout_error)?;
            for (line, e) in &block.errors {
                self.bad = true;
                (self.bad_line)(self.line + line, e);
            }
            self.line += block.lines;
            self.next += 1;
        }
        Ok(())
    }
}

/// Runs `each_input` over every input, reporting failures and going on; exit 1 if any failed.
fn over_inputs(
    inputs: &[String],
    mut each_input: impl FnMut(&Input) -> Result<bool, Failure>,
) -> Result<(), Failure> {
    let mut failed = false;
    for name in inputs {
        match each_input(&Input::new(name)) {
            Ok(bad_lines) => failed |= bad_lines,
            Err(Failure::Input(name, e)) => {
                report(Some(&name), &e);
                failed = true;
            }
            Err(Failure::Plain(e)) => {
                report(Some(name), &e);
                failed = true;
            }
            Err(other) => return Err(other),
        }
    }
    if failed {
        Err(Failure::Reported(1))
    } else {
        Ok(())
    }
}

pub(crate) fn public(args: &PublicArgs) -> Result<(), Failure> {
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let render = |key: &PublicKey, text: &mut Vec<u8>| {
        text.extend_from_slice(encode_public(key, args.to)?.as_bytes());
        Ok(())
    };
    let result = over_inputs(&args.inputs, |input| {
        for_each_key(input, &args.passphrase, &render, &mut out)
    });
    out.flush().map_err(stdout_error)?;
    result
}

pub(crate) fn fingerprint(args: &FingerprintArgs) -> Result<(), Failure> {
    let hash = if args.hash == "md5" {
        FingerprintHash::Md5
    } else {
        FingerprintHash::Sha256
    };
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let render = |key: &PublicKey, text: &mut Vec<u8>| {
        text.extend_from_slice(printable(&key.fingerprint_line(hash)).as_bytes());
        text.push(b'\n');
        Ok(())
    };
    let result = over_inputs(&args.inputs, |input| {
        for_each_key(input, &args.passphrase, &render, &mut out)
    });
    out.flush().map_err(stdout_error)?;
    result
}

/// What `inspect` found in one input.
struct Report {
    assessment: keyconv::fips::Assessment,
    name: String,
    format: Format,
    protection: Protection,
    keys: Vec<PublicKey>,
    /// Why `keys` is empty, when it is.
    note: Option<String>,
}

fn inspect_one(input: &Input, passphrase: &PassphraseArgs) -> Result<Report, Failure> {
    let on_input = |e: Error| Failure::Input(input.name.clone(), e);
    let bytes = input.read_key_file().map_err(on_input)?;
    let file = KeyFile::decode(&bytes).map_err(on_input)?;
    let mut keys = file.public_keys();
    let mut note = None;
    if keys.is_empty() && file.is_private() {
        let has_passphrase = passphrase.passphrase_file.is_some()
            || std::env::var_os("KEYCONV_PASSPHRASE").is_some();
        if has_passphrase {
            let limits = KdfLimits {
                allow_expensive: passphrase.allow_expensive_kdf,
            };
            let (key, _) = unlock(&file, passphrase, input, limits)?;
            keys.push(key.public_key().clone());
        } else {
            note = Some("the key is inside the encryption: give a passphrase to see it".to_owned());
        }
    }
    let protection = file.protection();
    let assessment = keyconv::fips::assess(&keys, &protection);
    Ok(Report {
        assessment,
        name: input.name.clone(),
        format: file.format(),
        protection,
        keys,
        note,
    })
}

fn kdf_json(kdf: &Kdf) -> Value {
    match kdf {
        Kdf::Bcrypt { rounds, salt_len } => {
            json!({"name": "bcrypt-pbkdf", "rounds": rounds, "salt_length": salt_len})
        }
        Kdf::Pbkdf2 {
            prf,
            iterations,
            salt_len,
            key_len,
        } => json!({
            "name": "pbkdf2", "prf": prf, "iterations": iterations,
            "salt_length": salt_len, "key_length": key_len
        }),
        Kdf::Scrypt {
            log_n,
            r,
            p,
            salt_len,
        } => json!({
            "name": "scrypt", "n": 1u64 << (*log_n).min(63), "r": r, "p": p, "salt_length": salt_len
        }),
        Kdf::Argon2 {
            variant,
            memory_kib,
            passes,
            parallelism,
            salt_len,
        } => json!({
            "name": variant, "memory_kib": memory_kib, "passes": passes,
            "parallelism": parallelism, "salt_length": salt_len
        }),
        Kdf::PpkSha1 => json!({"name": "ppk-v2-sha1"}),
        Kdf::OpensslMd5 => json!({"name": "openssl-md5", "iterations": 1}),
        Kdf::SshcomMd5 => json!({"name": "sshcom-md5", "iterations": 1}),
        Kdf::Pbe {
            scheme,
            iterations,
            salt_len,
        } => {
            json!({"name": scheme, "iterations": iterations, "salt_length": salt_len})
        }
        other => json!({"name": other.to_string()}),
    }
}

fn key_json(key: &PublicKey) -> Value {
    json!({
        "type": key.data().label(),
        "algorithm": key.data().algorithm(),
        "bits": key.data().bits(),
        "comment": key.comment(),
        "fingerprint_sha256": key.fingerprint(FingerprintHash::Sha256),
        "fingerprint_md5": key.fingerprint(FingerprintHash::Md5),
    })
}

impl Report {
    fn json(&self) -> Value {
        let protection = match &self.protection {
            Protection::None => json!({"encrypted": false}),
            Protection::Encrypted {
                scheme,
                cipher,
                kdf,
            } => json!({
                "encrypted": true, "scheme": scheme, "cipher": cipher, "kdf": kdf_json(kdf)
            }),
        };
        let mut v = json!({
            "file": self.name,
            "format": self.format.name(),
            "private": self.format.is_private(),
            "keys": self.keys.iter().map(key_json).collect::<Vec<_>>(),
            "protection": protection,
        });
        if let Some(map) = v.as_object_mut() {
            if let Some(note) = &self.note {
                map.insert("note".into(), json!(note));
            }
            map.insert(
                "fips".into(),
                super::fips::assessment_json(&self.assessment),
            );
        }
        v
    }

    fn text(&self) -> String {
        let mut s = format!(
            "{}:\n  format:      {}\n",
            printable(&self.name),
            self.format.name()
        );
        for key in &self.keys {
            let kind = match key.key_type() {
                Some(t) => format!("{t}"),
                None => key.data().algorithm().to_owned(),
            };
            s.push_str(&format!(
                "  key:         {kind}, {} bits\n",
                key.data().bits()
            ));
            let comment = if key.comment().is_empty() {
                "(none)"
            } else {
                key.comment()
            };
            s.push_str(&format!("  comment:     {}\n", printable(comment)));
            s.push_str(&format!(
                "  fingerprint: {}\n",
                key.fingerprint(FingerprintHash::Sha256)
            ));
            s.push_str(&format!(
                "               {}\n",
                key.fingerprint(FingerprintHash::Md5)
            ));
        }
        if let Some(note) = &self.note {
            s.push_str(&format!("  key:         unknown ({note})\n"));
        }
        if self.format.is_private() {
            s.push_str(&format!("  protection:  {}\n", self.protection));
        }
        s.push_str(&format!(
            "  fips:        {}\n",
            self.assessment.compliance(false)
        ));
        s.push_str(&super::fips::assessment_lines(&self.assessment, "    "));
        s
    }
}

pub(crate) fn inspect(args: &InspectArgs) -> Result<(), Failure> {
    let mut reports = Vec::new();
    let result = over_inputs(&args.inputs, |input| {
        reports.push(inspect_one(input, &args.passphrase)?);
        Ok(false)
    });
    let text = if args.json {
        let docs: Vec<Value> = reports.iter().map(Report::json).collect();
        let doc = match <[Value; 1]>::try_from(docs) {
            Ok([one]) if args.inputs.len() == 1 => one,
            Ok([one]) => Value::Array(vec![one]),
            Err(many) => Value::Array(many),
        };
        format!("{doc:#}\n")
    } else {
        reports
            .iter()
            .map(Report::text)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(stdout_error)?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    /// Renders `text` line by line, the plain way, for comparison.
    fn one_by_one(text: &str, render: &Render) -> (Vec<u8>, Vec<usize>) {
        let mut out = Vec::new();
        let mut bad = Vec::new();
        for (i, line) in text.trim_start_matches('\u{feff}').split('\n').enumerate() {
            if i + 1 == text.split('\n').count() && line.is_empty() {
                break;
            }
            match public::decode_line(line).and_then(|k| match k {
                Some(k) => render(&k, &mut out),
                None => Ok(()),
            }) {
                Ok(()) => {}
                Err(_) => bad.push(i + 1),
            }
        }
        (out, bad)
    }

    fn streamed(bytes: &[u8], workers: usize, render: &Render) -> (Vec<u8>, Vec<usize>) {
        let blocks = LineBlocks {
            carry: Vec::new(),
            reader: bytes,
            done: false,
        };
        let mut out = Vec::new();
        let mut bad = Vec::new();
        let mut bad_line = |line: usize, _: &Error| bad.push(line);
        let input = Input::new("test");
        let any = stream_keys(&input, blocks, render, workers, &mut out, &mut bad_line)
            .unwrap_or_else(|_| panic!("stream fails"));
        assert_eq!(any, !bad.is_empty());
        (out, bad)
    }

    #[test]
    fn streaming_gives_the_lines_in_order_with_bad_lines_numbered() {
        let render = |key: &PublicKey, text: &mut Vec<u8>| {
            text.extend_from_slice(key.fingerprint_line(FingerprintHash::Sha256).as_bytes());
            text.push(b'\n');
            Ok(())
        };
        // About 1 MiB: several blocks, lines crossing block boundaries, every kind of line.
        let mut text = String::from("\u{feff}");
        for i in 0..12_000 {
            match i % 10 {
                0 => text.push_str("# a comment\n"),
                1 => text.push('\n'),
                2 => text.push_str(&format!("no-pty ssh-ed25519 {ED} opt{i}\r\n")),
                3 if i % 1000 == 3 => text.push_str("ssh-ed25519 AAAA-broken\n"),
                _ => text.push_str(&format!("ssh-ed25519 {ED} key{i}\n")),
            }
        }
        text.push_str(&format!("ssh-ed25519 {ED} last-without-newline"));
        let (expected, expected_bad) = one_by_one(&text, &render);
        assert_eq!(expected_bad.len(), 12);
        for workers in [1, 2, 3] {
            let (out, bad) = streamed(text.as_bytes(), workers, &render);
            assert!(out == expected, "{workers} workers");
            assert_eq!(bad, expected_bad, "{workers} workers");
        }
    }

    #[test]
    fn streaming_skips_a_line_longer_than_a_block() {
        let render = |key: &PublicKey, text: &mut Vec<u8>| {
            text.extend_from_slice(key.comment().as_bytes());
            text.push(b'\n');
            Ok(())
        };
        let mut text = format!("ssh-ed25519 {ED} first\n");
        text.push_str(&format!("ssh-ed25519 {ED} {}\n", "x".repeat(3 * BLOCK)));
        text.push_str(&format!("ssh-ed25519 {ED} third\n"));
        for workers in [1, 2] {
            let (out, bad) = streamed(text.as_bytes(), workers, &render);
            assert_eq!(String::from_utf8(out).unwrap(), "first\nthird\n");
            assert_eq!(bad, [2]);
        }
        // Also as the last line, without a line end.
        let text = format!("ssh-ed25519 {ED} first\n{}", "y".repeat(2 * BLOCK));
        let (out, bad) = streamed(text.as_bytes(), 2, &render);
        assert_eq!(String::from_utf8(out).unwrap(), "first\n");
        assert_eq!(bad, [2]);
    }
}
