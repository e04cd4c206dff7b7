//! Replays the fuzzers' inputs through every decoder in a normal (non-fuzzing) build: the local
//! corpora in `fuzz/corpus/*` when present (they are git-ignored), the committed `fuzz/seeds/`,
//! and every hostile file in `testdata/invalid/`. No input may panic, and each must be done with
//! quickly, whatever format it is forced through.

mod common;

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use keyconv::{Format, Kdf, KdfLimits, KeyFile, Passphrase, Protection};

use common::{passphrase, testdata};

/// Per input, all seven decoders together.
const BUDGET: Duration = Duration::from_secs(1);

fn files_in(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_in(&path, into);
        } else if path.is_file() {
            into.push(path);
        }
    }
}

/// Every input to replay, each content once.
fn inputs() -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files_in(&root.join("fuzz/corpus"), &mut paths);
    files_in(&root.join("fuzz/seeds"), &mut paths);
    files_in(&testdata().join("invalid"), &mut paths);
    paths.sort();
    let mut seen = HashSet::new();
    let mut inputs = Vec::new();
    for path in paths {
        if path
            .file_name()
            .is_some_and(|n| n == "README.md" || n == "expected.tsv")
        {
            continue;
        }
        // A running fuzzer replaces corpus files as it shrinks them.
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let mut h = DefaultHasher::new();
        bytes.hash(&mut h);
        if seen.insert(h.finish()) {
            inputs.push((path, bytes));
        }
    }
    inputs
}

/// Whether deriving a key with `kdf` stays within this test's time: the corpus's real KDF costs
/// (Argon2 8 MiB, 600,000 PBKDF2 iterations) are fine once, not for each of thousands of mutants
/// that keep them. Parameters above keyconv's limits are always tried: they must be refused.
fn cheap_enough(kdf: &Kdf) -> bool {
    if KdfLimits::default().check_kdf(kdf).is_err() {
        return true;
    }
    match kdf {
        Kdf::Bcrypt { rounds, .. } => *rounds <= 1,
        Kdf::Pbkdf2 { iterations, .. } | Kdf::Pbe { iterations, .. } => *iterations <= 10_000,
        Kdf::Scrypt { log_n, r, p, .. } => {
            (u128::from(*r) * u128::from(*p)) << (*log_n).min(64) <= 1 << 14
        }
        Kdf::Argon2 {
            memory_kib, passes, ..
        } => u64::from(*memory_kib) * u64::from(*passes) <= 1024,
        _ => true,
    }
}

/// Everything a caller can ask of a decoded file.
fn exercise(bytes: &[u8], format: Format, pass: &Passphrase) {
    let Ok(file) = KeyFile::decode_as(bytes, format) else {
        return;
    };
    for key in file.public_keys() {
        let _ = key.fingerprint_line(keyconv::FingerprintHash::Md5);
    }
    let protection = file.protection();
    let _ = protection.to_string();
    let _ = format!("{file:?}");
    let derive = match &protection {
        Protection::Encrypted { kdf, .. } => cheap_enough(kdf),
        Protection::None => true,
    };
    let _ = file.private_key(derive.then_some(pass), &KdfLimits::default());
}

#[test]
fn every_fuzz_input_and_hostile_file_through_every_decoder() {
    let pass = Passphrase::new(passphrase("passphrase"));
    let inputs = inputs();
    assert!(
        inputs.len() >= 60,
        "only {} inputs: testdata/invalid and fuzz/seeds missing?",
        inputs.len()
    );
    // On every core: after a long fuzzing campaign the corpora hold tens of thousands of files.
    let next = AtomicUsize::new(0);
    let results = Mutex::new((Vec::new(), (Duration::ZERO, PathBuf::new())));
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some((path, bytes)) = inputs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let start = Instant::now();
                    let outcome = catch_unwind(AssertUnwindSafe(|| {
                        let _ = Format::detect(bytes);
                        for format in Format::ALL {
                            exercise(bytes, format, &pass);
                        }
                    }));
                    let elapsed = start.elapsed();
                    let mut results = results.lock().unwrap();
                    let (failures, slowest) = &mut *results;
                    if outcome.is_err() {
                        failures.push(format!("{}: panicked", path.display()));
                    }
                    if elapsed > BUDGET {
                        failures.push(format!("{}: took {elapsed:?}", path.display()));
                    }
                    if elapsed > slowest.0 {
                        *slowest = (elapsed, path.clone());
                    }
                }
            });
        }
    });
    let (failures, slowest) = results.into_inner().unwrap();
    eprintln!(
        "replayed {} inputs through {} decoders; slowest {:?} ({})",
        inputs.len(),
        Format::ALL.len(),
        slowest.0,
        slowest.1.display()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
