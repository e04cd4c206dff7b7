//! Streaming the keys of files of one-line public keys (`public`, `fingerprint`): large files are
//! read in blocks of whole lines rendered on every core and written in order, memory bounded.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::sync::{Mutex, mpsc};

use keyconv::error::{Error, ErrorKind};
use keyconv::format::public::known_hosts;
use keyconv::format::{Format, KeyFile, public};
use keyconv::key::PublicKey;
use keyconv::protection::KdfLimits;

use super::Failure;
use super::args::PassphraseArgs;
use super::input::{Contents, Input, io_error};
use super::output::stdout_error;
use super::report;
use super::unlock;

/// Reads one line of a file of one-line keys: `None` for lines without a key.
type LineDecoder = fn(&str) -> Result<Option<PublicKey>, Error>;

/// The line reader of a file of one-line keys in `format`, if it is one.
fn line_decoder(format: Option<Format>) -> Option<LineDecoder> {
    match format? {
        Format::Public => Some(public::decode_line),
        Format::KnownHosts => Some(known_hosts::decode_listed_line),
        _ => None,
    }
}

/// Appends what a command prints for one key to the buffer.
pub(crate) type Render<'a> = dyn Fn(&PublicKey, &mut Vec<u8>) -> Result<(), Error> + Sync + 'a;

/// Writes `render` of every public key of `input` to `out`. A file of one-line public keys too
/// large to hold is streamed ([`stream_keys`]), so memory stays flat; a bad line there is
/// reported and skipped. Returns whether some line was bad.
pub(crate) fn for_each_key(
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
            if let Some(decode) = line_decoder(Format::detect(&bytes).ok()).filter(|_| !utf16) {
                // One-line keys are read line by line whatever the file's size, so a bad line
                // is reported and skipped as `ssh-keygen -l` skips it, never the whole file.
                return stream_public(input, bytes, io::empty(), decode, render, 1, out);
            }
            let file = KeyFile::decode(&bytes).map_err(on_input)?;
            let keys = unlock::public_keys(&file, passphrase, input, limits, unlock::Ask::Yes)?;
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
            let Some(decode) =
                line_decoder(Format::detect(head.get(..start).unwrap_or_default()).ok())
            else {
                return Err(on_input(Error::new(ErrorKind::Io(
                    "too large for a key file, and not a file of one-line public keys".into(),
                ))));
            };
            let workers = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .min(MAX_WORKERS);
            stream_public(input, head, rest, decode, render, workers, out)
        }
    }
}

/// Renders every key of a file of one-line public keys (`head`, then `rest`), reporting bad
/// lines with their number and going on. Returns whether some line was bad.
fn stream_public(
    input: &Input,
    head: Vec<u8>,
    rest: impl Read,
    decode: LineDecoder,
    render: &Render,
    workers: usize,
    out: &mut dyn Write,
) -> Result<bool, Failure> {
    let blocks = LineBlocks {
        carry: head,
        reader: rest,
        done: false,
        decode,
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
    /// How a line is read.
    decode: LineDecoder,
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
fn render_block(block: &Block, first: bool, decode: LineDecoder, render: &Render) -> Rendered {
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
            .and_then(decode)
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
    let decode = blocks.decode;
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
            writer.put(index, render_block(&block, index == 0, decode, render))?;
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
                        .send((index, render_block(&block, index == 0, decode, render)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use keyconv::key::FingerprintHash;

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
            decode: public::decode_line,
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
