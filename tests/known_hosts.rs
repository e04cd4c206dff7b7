//! `known_hosts` files in `public` and `fingerprint` (SPEC §1): plain hosts, host lists,
//! `[host]:port`, hashed names by `ssh-keygen -H`, `@cert-authority`/`@revoked` markers, comments
//! and blank lines. `fingerprint` prints byte for byte what `ssh-keygen -l -f known_hosts` prints,
//! SHA-256 and MD5; the library's line iterator gives the same keys and the marker lines.

mod common;

use std::path::Path;
use std::process::Command;

use common::{KEYS, have_tool, keyconv, run, tempdir, testdata, type_and_blob};

/// `TYPE BASE64` of every corpus key ssh-keygen knows (not Ed448).
fn corpus_keys() -> Vec<String> {
    KEYS.iter()
        .filter(|k| **k != "ed448")
        .map(|k| {
            let line = std::fs::read_to_string(testdata().join(format!("{k}.pub"))).unwrap();
            type_and_blob(&line)
        })
        .collect()
}

/// A known_hosts file with every kind of line, over the corpus keys.
fn known_hosts_text() -> String {
    let keys = corpus_keys();
    let mut text = String::from("# known hosts\n\n");
    for (i, key) in keys.iter().enumerate() {
        let line = match i % 7 {
            0 => format!("host{i}.example.com {key}\n"),
            1 => format!("h{i},h{i}.example.com,10.0.0.{i} {key} a trailing comment\n"),
            2 => format!("[h{i}.example.com]:2222 {key}\n"),
            3 => format!("@cert-authority *.example.com {key} ca key\n"),
            4 => format!("@revoked old{i}.example.com {key}\n"),
            5 => format!("  \tindented{i} {key} # not a comment field\n"),
            _ => format!("[10.1.1.{i}]:22,!bad*.example.com {key}\r\n"),
        };
        text.push_str(&line);
    }
    text.push_str("\n# end\n");
    text
}

fn ssh_keygen_l(file: &Path, hash: &str) -> String {
    let o = run(Command::new("ssh-keygen")
        .args(["-l", "-E", hash, "-f"])
        .arg(file));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn keyconv_out(args: &[&str], file: &Path) -> String {
    let o = run(keyconv().args(args).arg(file));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn fingerprints_equal_ssh_keygen_byte_for_byte_plain_and_hashed() {
    if !have_tool("ssh-keygen") {
        return;
    }
    let dir = tempdir();
    let plain = dir.path().join("known_hosts");
    std::fs::write(&plain, known_hosts_text()).unwrap();
    let hashed = dir.path().join("hashed");
    std::fs::write(&hashed, known_hosts_text()).unwrap();
    let o = run(Command::new("ssh-keygen").arg("-H").arg("-f").arg(&hashed));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hashed_text = std::fs::read_to_string(&hashed).unwrap();
    assert!(hashed_text.contains("|1|"), "{hashed_text}");
    for file in [&plain, &hashed] {
        for hash in ["sha256", "md5"] {
            let theirs = ssh_keygen_l(file, hash);
            // Marker lines are not listed (`-H` writes a line per host of a list).
            if file == &plain {
                assert_eq!(theirs.lines().count(), corpus_keys().len() - 2);
            }
            let ours = keyconv_out(&["fingerprint", "--hash", hash], file);
            assert_eq!(ours, theirs, "{} {hash}", file.display());
        }
        // `public` lists the same keys, each with the name ssh-keygen shows.
        let public = keyconv_out(&["public"], file);
        let listed: Vec<String> = ssh_keygen_l(file, "sha256")
            .lines()
            .map(|l| {
                let fields: Vec<&str> = l.splitn(3, ' ').collect();
                fields[2].rsplit_once(" (").unwrap().0.to_owned()
            })
            .collect();
        let ours: Vec<String> = public
            .lines()
            .map(|l| l.splitn(3, ' ').nth(2).unwrap_or_default().to_owned())
            .collect();
        assert_eq!(ours, listed);
    }
}

#[test]
fn a_bad_line_is_reported_and_the_others_listed() {
    if !have_tool("ssh-keygen") {
        return;
    }
    let dir = tempdir();
    let file = dir.path().join("known_hosts");
    let keys = corpus_keys();
    std::fs::write(
        &file,
        format!(
            "a.example {}\n@bogus b.example {}\nc.example {}\n",
            keys[0], keys[1], keys[2]
        ),
    )
    .unwrap();
    let o = run(keyconv().arg("fingerprint").arg(&file));
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains(":2: malformed known_hosts"), "{stderr}");
    assert!(stderr.contains("unknown marker \"@bogus\""), "{stderr}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.contains(" a.example (") && stdout.contains(" c.example ("));
}

#[test]
fn the_library_line_iterator_gives_every_line_with_its_marker() {
    use keyconv::format::Format;
    use keyconv::format::public::known_hosts::{self, Marker};
    let text = known_hosts_text();
    assert_eq!(Format::detect(text.as_bytes()).unwrap(), Format::KnownHosts);
    let lines: Vec<_> = known_hosts::lines(&text).collect();
    assert_eq!(lines.len(), corpus_keys().len());
    let markers: Vec<Option<Marker>> = lines
        .iter()
        .map(|(_, host)| host.as_ref().unwrap().marker)
        .collect();
    assert_eq!(markers[3], Some(Marker::CertAuthority));
    assert_eq!(markers[4], Some(Marker::Revoked));
    assert_eq!(
        markers.iter().filter(|m| m.is_none()).count(),
        lines.len() - 2
    );
    let (number, host) = &lines[2];
    assert_eq!(*number, 5);
    assert_eq!(host.as_ref().unwrap().hosts, "[h2.example.com]:2222");
    // The keys are the corpus keys, in order.
    for ((_, host), key) in lines.iter().zip(corpus_keys()) {
        let line = keyconv::format::public::encode(&host.as_ref().unwrap().key);
        assert_eq!(type_and_blob(&line), key);
    }
    // An authorized_keys file with options stays one.
    let ak = format!("no-pty,command=\"x\" {}\n", corpus_keys()[0]);
    assert_eq!(Format::detect(ak.as_bytes()).unwrap(), Format::Public);
}
