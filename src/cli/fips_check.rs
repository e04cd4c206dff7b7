//! `keyconv fips-check`: the FIPS verdict of every input, directories walked in parallel.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

use keyconv::error::{Error, ErrorKind};
use keyconv::fips::{Assessment, Compliance, assess};
use keyconv::format::{Format, KeyFile};
use keyconv::protection::KdfLimits;

use super::Failure;
use super::args::{FipsCheckArgs, PassphraseArgs};
use super::fips_fix::{self, Outcome};
use super::input::Input;
use super::output::{printable, stdout_error};
use super::verdict::{assessment_json, assessment_lines};
use super::{json, unlock};

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
    let input = Input::from_path(path);
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
fn collect(inputs: &[OsString], recursive: bool) -> Result<Vec<(PathBuf, bool)>, Failure> {
    let mut files = Vec::new();
    for name in inputs {
        let path = PathBuf::from(name);
        if path.is_dir() {
            if !recursive {
                return Err(Failure::Usage(format!(
                    "{} is a directory: give --recursive to walk it",
                    printable(&path.to_string_lossy())
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

/// How many files had each outcome: the summary line.
#[derive(Default)]
struct Tally {
    compliant: usize,
    non_compliant: usize,
    unreadable: usize,
    skipped: usize,
}

impl Tally {
    /// `N files: N compliant, N non-compliant, N unreadable, N skipped` (SPEC §2).
    fn line(&self) -> String {
        let total = self.compliant + self.non_compliant + self.unreadable + self.skipped;
        format!(
            "{total} file{}: {} compliant, {} non-compliant, {} unreadable, {} skipped\n",
            if total == 1 { "" } else { "s" },
            self.compliant,
            self.non_compliant,
            self.unreadable,
            self.skipped
        )
    }
}

pub(crate) fn run(args: &FipsCheckArgs) -> Result<(), Failure> {
    let files = collect(&args.inputs, args.recursive)?;
    let results = check_all(&files, &args.passphrase);
    let mut tally = Tally::default();
    let (mut fixed, mut left) = (0usize, 0usize);
    let mut text = String::new();
    let mut entries = Vec::new();
    for ((path, _), checked) in files.iter().zip(&results) {
        let name = path.display().to_string();
        match checked {
            Checked::Skipped => {
                tally.skipped += 1;
                if args.json {
                    entries.push(json::skipped_entry(&name, "not a key file"));
                }
            }
            Checked::Unreadable(e) => {
                tally.unreadable += 1;
                super::report(Some(&name), e);
                if args.json {
                    entries.push(json::error_entry(&name, e));
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
                // A fixed file is compliant afterwards.
                if verdict == Compliance::NonCompliant
                    && !matches!(outcome, Some(Outcome::Fixed(_)))
                {
                    tally.non_compliant += 1;
                } else {
                    tally.compliant += 1;
                }
                if args.json {
                    let mut fields =
                        json!({"format": format.name(), "fips": assessment_json(assessment)});
                    if let (Some(outcome), Some(map)) = (&outcome, fields.as_object_mut()) {
                        let (what, detail) = match outcome {
                            Outcome::Fixed(how) => ("fixed", how),
                            Outcome::WouldFix(how) => ("would-fix", how),
                            Outcome::Left(why) => ("left", why),
                        };
                        map.insert("fix".into(), json!({"outcome": what, "detail": detail}));
                    }
                    entries.push(json::ok_entry(&name, fields));
                } else if !args.quiet || verdict == Compliance::NonCompliant {
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
    let mut trailer = String::new();
    if args.fix {
        let would = if args.dry_run {
            "would be fixed"
        } else {
            "fixed"
        };
        trailer.push_str(&format!(
            "--fix: {fixed} {would}, {left} left non-compliant\n"
        ));
    }
    trailer.push_str(&tally.line());
    if args.json {
        text = json::text(entries);
        // Standard output is the JSON document alone; the summary goes beside it.
        super::say!("{}", trailer.trim_end());
    } else {
        text.push_str(&trailer);
    }
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`fips-check … | head`) ends the output, not the verdict: the exit
        // status still says whether every input is compliant.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(stdout_error(e)),
        _ => {}
    }
    match (tally.unreadable > 0, tally.non_compliant > 0) {
        (true, _) => Err(Failure::Reported(2)),
        (false, true) => Err(Failure::Reported(1)),
        (false, false) => Ok(()),
    }
}
