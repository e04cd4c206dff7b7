//! `keyconv fips-check`: the FIPS verdict of every input, directories walked in parallel.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use keyconv::error::{Error, ErrorKind};
use keyconv::fips::{Assessment, Compliance, assess};
use keyconv::format::{Format, KeyFile};
use keyconv::protection::KdfLimits;

use super::Failure;
use super::args::{FipsCheckArgs, PassphraseArgs};
use super::fips_fix::{self, Outcome};
use super::input::Input;
use super::output::stdout_error;
use super::unlock;
use super::verdict::{assessment_json, assessment_lines};

/// The outcome for one file.
enum Checked {
    Assessed {
        format: Format,
        assessment: Assessment,
    },
    /// Not a key file, met while walking a directory: skipped.
    Skipped,
    Unreadable(Error),
}

/// The key rules need the key: in clear for most formats; for an encrypted PKCS#8/PEM only with a
/// passphrase given by file or environment (fips-check never prompts: it may run over thousands
/// of files in parallel).
fn check_file(path: &Path, passphrase: &PassphraseArgs, walking: bool) -> Checked {
    let input = Input::new(&path.to_string_lossy());
    let bytes = match input.read_key_file() {
        Ok(b) => b,
        Err(e) => return Checked::Unreadable(e),
    };
    let file = match KeyFile::decode(&bytes) {
        Ok(f) => f,
        Err(e) if walking && matches!(e.kind(), ErrorKind::UnrecognizedFormat) => {
            return Checked::Skipped;
        }
        Err(e) => return Checked::Unreadable(e),
    };
    let protection = file.protection();
    let limits = KdfLimits {
        allow_expensive: passphrase.allow_expensive_kdf,
    };
    let keys = match unlock::public_keys(&file, passphrase, &input, limits, unlock::Ask::IfGiven) {
        Ok(keys) => keys,
        Err(Failure::Input(_, e) | Failure::Plain(e)) => return Checked::Unreadable(e),
        Err(_) => return Checked::Unreadable(Error::new(ErrorKind::PassphraseRequired)),
    };
    Checked::Assessed {
        format: file.format(),
        assessment: assess(&keys, &protection),
    }
}

/// Every file to check: the inputs, with directories walked when `recursive`.
fn collect(inputs: &[String], recursive: bool) -> Result<Vec<(PathBuf, bool)>, Failure> {
    let mut files = Vec::new();
    for name in inputs {
        let path = PathBuf::from(name);
        if path.is_dir() {
            if !recursive {
                return Err(Failure::Usage(format!(
                    "{name} is a directory: give --recursive to walk it"
                )));
            }
            walk(&path, &mut files);
        } else {
            files.push((path, false));
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<(PathBuf, bool)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        files.push((dir.to_path_buf(), false));
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&entry.path(), files);
        } else if kind.is_file() {
            files.push((entry.path(), true));
        }
        // Symbolic links are not followed: no loops, no escaping the tree.
    }
}

/// Checks `files` on every core; results in input order.
fn check_all(files: &[(PathBuf, bool)], passphrase: &PassphraseArgs) -> Vec<Checked> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Checked)>> = Mutex::new(Vec::with_capacity(files.len()));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut local = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((path, walking)) = files.get(i) else {
                        break;
                    };
                    local.push((i, check_file(path, passphrase, *walking)));
                }
                if let Ok(mut all) = results.lock() {
                    all.extend(local);
                }
            });
        }
    });
    let mut all = results.into_inner().unwrap_or_default();
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, c)| c).collect()
}

pub(crate) fn run(args: &FipsCheckArgs) -> Result<(), Failure> {
    let files = collect(&args.inputs, args.recursive)?;
    let results = check_all(&files, &args.passphrase);
    let (mut unreadable, mut failing) = (false, false);
    let (mut fixed, mut left) = (0usize, 0usize);
    let mut text = String::new();
    let mut docs = Vec::new();
    for ((path, _), checked) in files.iter().zip(&results) {
        let name = path.display().to_string();
        match checked {
            Checked::Skipped => {}
            Checked::Unreadable(e) => {
                unreadable = true;
                super::report(Some(&name), e);
                if args.json {
                    docs.push(json!({"file": name, "error": super::message(e)}));
                }
            }
            Checked::Assessed { format, assessment } => {
                let verdict = assessment.compliance(args.strict);
                let outcome = (args.fix && verdict == Compliance::NonCompliant)
                    .then(|| fips_fix::fix(path, *format, assessment, args));
                match &outcome {
                    Some(Outcome::Fixed(_) | Outcome::WouldFix(_)) => fixed += 1,
                    Some(Outcome::Left(_)) => left += 1,
                    None => {}
                }
                failing |= verdict == Compliance::NonCompliant
                    && !matches!(outcome, Some(Outcome::Fixed(_)));
                if args.json {
                    let mut doc = assessment_json(assessment);
                    if let Some(map) = doc.as_object_mut() {
                        map.insert("file".into(), json!(name));
                        map.insert("format".into(), json!(format.name()));
                        map.insert("compliant".into(), json!(verdict == Compliance::Compliant));
                    }
                    docs.push(doc);
                } else {
                    text.push_str(&format!(
                        "{}: {verdict}\n{}",
                        super::output::printable(&name),
                        assessment_lines(assessment, "  ")
                    ));
                    let printable = super::output::printable;
                    text.push_str(&match &outcome {
                        Some(Outcome::Fixed(how)) => format!("  fixed: {}\n", printable(how)),
                        Some(Outcome::WouldFix(how)) => format!("  dry run: {}\n", printable(how)),
                        Some(Outcome::Left(why)) => format!("  left: {}\n", printable(why)),
                        None => String::new(),
                    });
                }
            }
        }
    }
    if args.json {
        text = format!("{:#}\n", Value::Array(docs));
    }
    if args.fix {
        let would = if args.dry_run {
            "would be fixed"
        } else {
            "fixed"
        };
        text.push_str(&format!(
            "--fix: {fixed} {would}, {left} left non-compliant\n"
        ));
    }
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`fips-check … | head`) ends the output, not the verdict: the exit
        // status still says whether every input is compliant.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(stdout_error(e)),
        _ => {}
    }
    match (unreadable, failing) {
        (true, _) => Err(Failure::Reported(2)),
        (false, true) => Err(Failure::Reported(1)),
        (false, false) => Ok(()),
    }
}
