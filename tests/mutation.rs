//! Mutation test of the command line over the corpus (SPEC §2, §3): a fixed-seed sample of
//! `testdata/` files of every format, encrypted and not, is truncated, bit-flipped, padded with
//! inserted bytes, stripped of lines, and has its numbers replaced by hostile ones (0, 2^31,
//! 2^32+1, 2^63, 10^12) — in the text, and inside the binary of OpenSSH (wire `uint32`s) and
//! DER (INTEGERs) bodies. Each mutant goes through `convert`, `inspect` and `fingerprint`:
//! every run exits 0 or 1 (never a signal, 101 or a panic), within 5 s, prints no panic or
//! backtrace, and a failed convert leaves neither its output nor a temporary file behind.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64ct::{Base64, Encoding};

use common::{keyconv, manifest, tempdir, testdata};

/// Corpus files per format in the sample.
const PER_FORMAT: usize = 12;
/// Numbers of the text replaced per file, each with every hostile value: all of them in the
/// files keyconv reads (a .ppk has at most 7: version, Argon2 memory/passes/parallelism,
/// public and private lines), a random sample in hostile text.
const TEXT_NUMBERS_PER_FILE: usize = 8;
/// Numbers of the binary (OpenSSH `uint32`s, DER INTEGERs) replaced per file.
const NUMBERS_PER_FILE: usize = 3;
/// A run slower than this fails the test.
const LIMIT: Duration = Duration::from_secs(5);
/// The hostile numbers of the text: 0, 2^31, 2^32+1, 2^63, 10^12.
const TEXT_NUMBERS: [&str; 5] = [
    "0",
    "2147483648",
    "4294967297",
    "9223372036854775808",
    "1000000000000",
];
/// The same numbers where only 32 bits fit (an SSH `uint32`): 2^32+1 and 10^12 wrap, and the
/// largest value stands in for 2^63.
const WIRE_NUMBERS: [u32; 5] = [0, 1 << 31, 1, u32::MAX, 3_567_587_328];

/// xorshift64*: a fixed-seed generator, so every run tests the same mutants.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A mutated file: what was done to which corpus file, and the bytes.
struct Mutant {
    label: String,
    bytes: Vec<u8>,
}

/// The sample: `PER_FORMAT` files of every manifest format (alternately encrypted and not,
/// where the format has both) and a few one-line public keys.
fn sample(rng: &mut Rng) -> Vec<PathBuf> {
    let entries = manifest();
    let mut formats: Vec<&str> = entries.iter().map(|e| e.format.as_str()).collect();
    formats.sort();
    formats.dedup();
    let mut files = Vec::new();
    for format in formats {
        for i in 0..PER_FORMAT {
            let want_encrypted = i % 2 == 1;
            let of_format: Vec<_> = entries.iter().filter(|e| e.format == format).collect();
            let preferred: Vec<_> = of_format
                .iter()
                .filter(|e| e.encrypted == want_encrypted)
                .collect();
            let entry = if preferred.is_empty() {
                *rng.pick(&of_format)
            } else {
                **rng.pick(&preferred)
            };
            files.push(entry.path());
        }
    }
    for key in ["ed25519", "rsa-2048", "ecdsa-384"] {
        files.push(testdata().join(format!("{key}.pub")));
    }
    files.push(testdata().join("authorized_keys"));
    files
}

fn lines_of(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// Decimal numbers standing alone in the text (`Argon2-Memory: 8192`, `Proc-Type: 4,…`,
/// `AES-128-CBC`), not digits inside base64.
fn number_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let base64ish = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=';
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !base64ish(bytes[i - 1])) {
            let end = i + bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            if end == bytes.len() || !base64ish(bytes[end]) {
                spans.push((i, end));
            }
            i = end;
        } else {
            i += 1;
        }
    }
    spans
}

/// The base64 body of a `-----BEGIN …-----` armoured file (headers skipped), with the line
/// range it occupies, so that a mutated body can be put back.
fn armoured_body(bytes: &[u8]) -> Option<(Vec<u8>, usize, usize)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let begin = lines.iter().position(|l| l.starts_with("-----BEGIN "))?;
    let end = lines.iter().position(|l| l.starts_with("-----END "))?;
    let mut first = begin + 1;
    if lines.get(first)?.contains(':') {
        // Proc-Type / DEK-Info headers, then a blank line.
        first = begin
            + 1
            + lines[begin + 1..end]
                .iter()
                .position(|l| l.trim().is_empty())?
            + 1;
    }
    let b64: String = lines[first..end].iter().map(|l| l.trim()).collect();
    let der = Base64::decode_vec(&b64).ok()?;
    let start = lines[..first].iter().map(|l| l.len()).sum();
    let stop = lines[..end].iter().map(|l| l.len()).sum();
    Some((der, start, stop))
}

fn rearmour(bytes: &[u8], body: &[u8], start: usize, stop: usize) -> Vec<u8> {
    let b64 = Base64::encode_string(body);
    let mut out = bytes[..start].to_vec();
    for chunk in b64.as_bytes().chunks(64) {
        out.extend_from_slice(chunk);
        out.push(b'\n');
    }
    out.extend_from_slice(&bytes[stop..]);
    out
}

/// Offsets of the `uint32` fields of an `openssh-key-v1` blob: the string lengths of the
/// header, the bcrypt rounds, the key count.
fn openssh_numbers(blob: &[u8]) -> Vec<usize> {
    let magic = b"openssh-key-v1\0";
    if !blob.starts_with(magic) {
        return Vec::new();
    }
    let mut offsets = Vec::new();
    let mut at = magic.len();
    let u32_at = |at: usize| -> Option<usize> {
        Some(u32::from_be_bytes(blob.get(at..at + 4)?.try_into().ok()?) as usize)
    };
    // cipher, kdf name, kdf options
    for field in 0..3 {
        let Some(len) = u32_at(at) else {
            return offsets;
        };
        offsets.push(at);
        if field == 2 && len >= 8 {
            // kdf options: string salt, uint32 rounds
            if let Some(salt_len) = u32_at(at + 4) {
                offsets.push(at + 4);
                offsets.push(at + 8 + salt_len);
            }
        }
        at += 4 + len;
    }
    // nkeys, then the public key and private section strings
    offsets.push(at);
    at += 4;
    for _ in 0..2 {
        let Some(len) = u32_at(at) else {
            break;
        };
        offsets.push(at);
        at += 4 + len;
    }
    offsets.retain(|&o| o + 4 <= blob.len());
    offsets
}

/// The content ranges of the DER INTEGERs in `der` (walking constructed values).
fn der_integers(der: &[u8], base: usize, out: &mut Vec<(usize, usize)>) {
    let mut at = 0;
    while at + 2 <= der.len() {
        let tag = der[at];
        let (len, header) = match der[at + 1] {
            n if n < 0x80 => (n as usize, 2),
            0x81 if at + 3 <= der.len() => (der[at + 2] as usize, 3),
            0x82 if at + 4 <= der.len() => {
                (u16::from_be_bytes([der[at + 2], der[at + 3]]) as usize, 4)
            }
            _ => return,
        };
        let content = at + header;
        if content + len > der.len() {
            return;
        }
        if tag == 0x02 {
            out.push((base + content, base + content + len));
        } else if tag & 0x20 != 0 {
            der_integers(&der[content..content + len], base + content, out);
        } else if tag == 0x04 && len > 2 && der[content] == 0x30 {
            // OCTET STRING wrapping a key structure (PKCS#8 privateKey)
            der_integers(&der[content..content + len], base + content, out);
        }
        at = content + len;
    }
}

/// Every mutant of `bytes`.
fn mutants(name: &str, bytes: &[u8], rng: &mut Rng) -> Vec<Mutant> {
    let mut out = Vec::new();
    let mut push = |label: String, bytes: Vec<u8>| {
        out.push(Mutant {
            label: format!("{name}: {label}"),
            bytes,
        })
    };
    push("unchanged".into(), bytes.to_vec());
    let len = bytes.len().max(1);
    for _ in 0..2 {
        let at = rng.below(len);
        push(
            format!("truncated at {at}"),
            bytes[..at.min(bytes.len())].to_vec(),
        );
    }
    for _ in 0..2 {
        let mut m = bytes.to_vec();
        let mut at = Vec::new();
        for _ in 0..=rng.below(4) {
            let i = rng.below(len);
            if let Some(b) = m.get_mut(i) {
                *b ^= 1 + rng.below(255) as u8;
                at.push(i);
            }
        }
        push(format!("bytes flipped at {at:?}"), m);
    }
    let insertions: [&[u8]; 6] = [
        b"\0",
        b"\n",
        b"-----END PRIVATE KEY-----\n",
        b"\r\n\r\n",
        b"\xff\xfe\xff",
        b"AAAA====",
    ];
    for _ in 0..2 {
        let at = rng.below(len + 1).min(bytes.len());
        let what = *rng.pick(&insertions);
        let mut m = bytes[..at].to_vec();
        m.extend_from_slice(what);
        m.extend_from_slice(&bytes[at..]);
        push(format!("{what:?} inserted at {at}"), m);
    }
    let lines = lines_of(bytes);
    for _ in 0..2 {
        let at = rng.below(lines.len());
        let count = 1 + rng.below(2);
        let m: Vec<u8> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < at || *i >= at + count)
            .flat_map(|(_, l)| l.iter().copied())
            .collect();
        push(format!("{count} line(s) deleted at line {}", at + 1), m);
    }
    // Numbers are replaced in the decoded text: UTF-16 files (Notepad's) are decoded first and
    // encoded again after.
    let utf16le = bytes.strip_prefix(b"\xff\xfe").map(|rest| {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units).into_bytes()
    });
    let text = utf16le.as_deref().unwrap_or(bytes);
    let encode = |m: Vec<u8>| match utf16le {
        Some(_) => {
            let mut out = b"\xff\xfe".to_vec();
            for unit in String::from_utf8_lossy(&m).encode_utf16() {
                out.extend_from_slice(&unit.to_le_bytes());
            }
            out
        }
        None => m,
    };
    let mut spans = number_spans(text);
    while spans.len() > TEXT_NUMBERS_PER_FILE {
        spans.remove(rng.below(spans.len()));
    }
    for &(start, end) in &spans {
        let was = String::from_utf8_lossy(&text[start..end]).into_owned();
        for number in TEXT_NUMBERS {
            let mut m = text[..start].to_vec();
            m.extend_from_slice(number.as_bytes());
            m.extend_from_slice(&text[end..]);
            push(
                format!("number {was} at {start} replaced by {number}"),
                encode(m),
            );
        }
    }
    let binary = armoured_body(bytes)
        .map(|(body, start, stop)| (body, Some((start, stop))))
        .unwrap_or_else(|| (bytes.to_vec(), None));
    let (body, armour) = binary;
    let put_back = |m: Vec<u8>| match armour {
        Some((start, stop)) => rearmour(bytes, &m, start, stop),
        None => m,
    };
    let wire = openssh_numbers(&body);
    for _ in 0..NUMBERS_PER_FILE.min(wire.len()) {
        let at = *rng.pick(&wire);
        for number in WIRE_NUMBERS {
            let mut m = body.clone();
            m[at..at + 4].copy_from_slice(&number.to_be_bytes());
            push(format!("uint32 at {at} replaced by {number}"), put_back(m));
        }
    }
    let mut integers = Vec::new();
    if body.first() == Some(&0x30) {
        der_integers(&body, 0, &mut integers);
    }
    for _ in 0..NUMBERS_PER_FILE.min(integers.len()) {
        let (start, end) = *rng.pick(&integers);
        let n = end - start;
        let fills: [(&str, Vec<u8>); 4] = [
            ("zero", vec![0; n]),
            (
                "largest",
                [vec![0x7f], vec![0xff; n.saturating_sub(1)]].concat(),
            ),
            ("minus one", vec![0xff; n]),
            (
                "most negative",
                [vec![0x80], vec![0; n.saturating_sub(1)]].concat(),
            ),
        ];
        for (what, fill) in fills {
            let mut m = body.clone();
            m[start..end].copy_from_slice(&fill[..n]);
            push(format!("DER INTEGER at {start} set to {what}"), put_back(m));
        }
    }
    out
}

/// Runs `cmd`, killing it after twice the limit; returns (exit code, stderr, time).
fn run_bounded(cmd: &mut Command) -> (Option<i32>, String, Duration) {
    let start = Instant::now();
    let mut child: Child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env_remove("KEYCONV_PASSPHRASE")
        .env_remove("KEYCONV_NEW_PASSPHRASE")
        .spawn()
        .expect("spawn keyconv");
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if start.elapsed() > 2 * LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let elapsed = start.elapsed();
    let err = reader.join().unwrap_or_default();
    (status.and_then(|s| s.code()), err, elapsed)
}

/// The options that make each target's protection cheap: the point is parsing, not KDFs.
fn cheap_protection(target: &str) -> &'static [&'static str] {
    match target {
        "ppk" => &["--argon2-memory", "8", "--argon2-passes", "1"],
        "openssh" => &["--rounds", "1"],
        "pkcs8" => &["--iterations", "1"],
        _ => &[],
    }
}

#[derive(Default)]
struct Tally {
    runs: usize,
    /// Runs that exited 0, by command.
    succeeded: std::collections::BTreeMap<String, usize>,
    worst: Duration,
    worst_case: String,
    failures: Vec<String>,
}

fn check_mutant(dir: &Path, index: usize, mutant: &Mutant, target: &str, tally: &Mutex<Tally>) {
    let input = dir.join(format!("in-{index}"));
    let output = dir.join(format!("out-{index}"));
    std::fs::write(&input, &mutant.bytes).unwrap();
    let pass = testdata().join("passphrase");
    let mut convert = keyconv();
    convert
        .arg("convert")
        .arg(&input)
        .args(["--to", target, "-o"])
        .arg(&output)
        .arg("--passphrase-file")
        .arg(&pass)
        .arg("--new-passphrase-file")
        .arg(&pass)
        .args(cheap_protection(target));
    let mut inspect = keyconv();
    inspect
        .arg("inspect")
        .arg(&input)
        .arg("--passphrase-file")
        .arg(&pass);
    let mut fingerprint = keyconv();
    fingerprint
        .arg("fingerprint")
        .arg(&input)
        .arg("--passphrase-file")
        .arg(&pass);
    let mut failures = Vec::new();
    let mut times = Vec::new();
    for (command, cmd) in [
        (format!("convert --to {target}"), &mut convert),
        ("inspect".to_owned(), &mut inspect),
        ("fingerprint".to_owned(), &mut fingerprint),
    ] {
        let (code, err, elapsed) = run_bounded(cmd);
        let case = format!("{} | {command}", mutant.label);
        times.push((elapsed, case.clone(), command.clone(), code == Some(0)));
        if !matches!(code, Some(0 | 1)) {
            failures.push(format!("{case}: exit {code:?}: {err}"));
        }
        if err.contains("panicked") || err.contains("backtrace") || err.contains("RUST_BACKTRACE") {
            failures.push(format!("{case}: panic text: {err}"));
        }
        if elapsed > LIMIT {
            failures.push(format!("{case}: took {elapsed:?}"));
        }
        if command.starts_with("convert") {
            if code != Some(0) && output.exists() {
                failures.push(format!("{case}: failed but left {}", output.display()));
            }
            let _ = std::fs::remove_file(&output);
        }
    }
    let _ = std::fs::remove_file(&input);
    let mut tally = tally.lock().unwrap();
    tally.runs += times.len();
    for (elapsed, case, command, ok) in times {
        let command = command.split(' ').next().unwrap_or_default().to_owned();
        *tally.succeeded.entry(command).or_default() += usize::from(ok);
        if elapsed > tally.worst {
            tally.worst = elapsed;
            tally.worst_case = case;
        }
    }
    tally.failures.extend(failures);
}

#[test]
fn mutated_corpus_never_crashes_hangs_or_leaves_files() {
    let mut rng = Rng(0x6b65_7963_6f6e_7621);
    let mut all = Vec::new();
    for path in sample(&mut rng) {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for mutant in mutants(&name, &bytes, &mut rng) {
            let target = *rng.pick(&["ppk", "openssh", "pkcs8", "pem"]);
            all.push((mutant, target));
        }
    }
    let dir = tempdir();
    let tally = Mutex::new(Tally::default());
    let next = Mutex::new(0usize);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let index = {
                        let mut next = next.lock().unwrap();
                        *next += 1;
                        *next - 1
                    };
                    let Some((mutant, target)) = all.get(index) else {
                        break;
                    };
                    check_mutant(dir.path(), index, mutant, target, &tally);
                }
            });
        }
    });
    let tally = tally.into_inner().unwrap();
    eprintln!(
        "{} mutants, {} runs ({:?} exited 0) in {:?}; slowest run {:?}: {}",
        all.len(),
        tally.runs,
        tally.succeeded,
        start.elapsed(),
        tally.worst,
        tally.worst_case
    );
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
    assert!(
        tally.failures.is_empty(),
        "{} of {} runs failed:\n{}",
        tally.failures.len(),
        tally.runs,
        tally.failures.join("\n")
    );
    assert!(all.len() >= 500, "only {} mutants", all.len());
}
