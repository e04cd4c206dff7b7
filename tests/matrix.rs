//! The conversion matrix: every key type, from every private format, to every format, unencrypted
//! and encrypted, checked by re-reading the output (peers read it in the per-format tests).

mod common;

use keyconv::format::Target;
use keyconv::format::openssh::OpensshOptions;
use keyconv::format::pkcs8::Pkcs8Options;
use keyconv::format::ppk::{Argon2Options, PpkOptions};
use keyconv::{ErrorKind, Format, KdfLimits, KeyFile, Passphrase, encode_private};

use common::{KEYS, manifest, passphrase, type_and_blob};

/// Formats that cannot hold a key type, and must say so.
fn refuses(target: Format, key: &str) -> bool {
    let eddsa = key.starts_with("ed");
    match target {
        Format::OpenSsh => key == "ed448",
        Format::Pem => eddsa,
        Format::Sshcom => !(key.starts_with("rsa") || key.starts_with("dsa")),
        _ => false,
    }
}

/// `format` with cheap protection parameters: the matrix tests formats, not KDF cost.
fn cheap(format: Format) -> Target {
    match format {
        Format::OpenSsh => Target::OpenSsh(OpensshOptions {
            rounds: 1,
            ..OpensshOptions::default()
        }),
        Format::Ppk => Target::Ppk(PpkOptions::V3(Argon2Options {
            memory_kib: 64,
            passes: 1,
            ..Argon2Options::default()
        })),
        Format::Pkcs8 => Target::Pkcs8(Pkcs8Options {
            iterations: 1000,
            ..Pkcs8Options::default()
        }),
        other => Target::default_for(other).expect("a format keyconv writes"),
    }
}

fn carries_comment(format: Format) -> bool {
    matches!(
        format,
        Format::Ppk | Format::OpenSsh | Format::Public | Format::Rfc4716 | Format::Sshcom
    )
}

#[test]
fn every_format_to_every_format_for_every_key_type() {
    let pass = String::from_utf8(passphrase("passphrase")).unwrap();
    let limits = KdfLimits::default();
    let mut conversions = 0;
    for key in KEYS {
        // One unencrypted source per private format that the peers can write for this key.
        let sources: Vec<_> = manifest()
            .into_iter()
            .filter(|e| {
                e.key == key
                    && !e.encrypted
                    && ["ppk", "openssh", "pkcs8", "pem"].contains(&e.format.as_str())
            })
            .filter(|e| {
                !e.file.contains("puttygen")
                    && !e.file.ends_with("-der")
                    && !e.file.ends_with("-crlf")
            })
            .collect();
        assert!(sources.len() >= 2, "{key}: only {} sources", sources.len());
        let reference = sources[0].reference_pub();
        let reference_comment = reference.split_whitespace().nth(2).unwrap_or("").to_owned();
        for source in &sources {
            let file = KeyFile::decode(&std::fs::read(source.path()).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", source.file));
            let private = file
                .private_key(None, &limits)
                .unwrap_or_else(|e| panic!("{}: {e}", source.file));
            let source_format = file.format();
            for target in Format::ALL.into_iter().filter(|f| f.is_writable()) {
                for encrypt in [None, Some(pass.as_str())] {
                    if encrypt.is_some() && !target.is_private() {
                        continue;
                    }
                    let what = format!(
                        "{} → {target} (encrypted: {})",
                        source.file,
                        encrypt.is_some()
                    );
                    let pass = encrypt.map(Passphrase::from);
                    let out = encode_private(&private, &cheap(target), pass.as_ref());
                    if refuses(target, key) {
                        let e = out.expect_err(&what);
                        assert!(
                            matches!(e.kind(), ErrorKind::UnsupportedTarget { .. }),
                            "{what}: {e}"
                        );
                        assert!(
                            e.to_string().contains("use "),
                            "{what}: the message names a format that can: {e}"
                        );
                        continue;
                    }
                    let out = out.unwrap_or_else(|e| panic!("{what}: {e}"));
                    let back =
                        KeyFile::decode(&out).unwrap_or_else(|e| panic!("{what}: re-read: {e}"));
                    assert_eq!(
                        back.format(),
                        target,
                        "{what}: detected as {}",
                        back.format()
                    );
                    let public = if target.is_private() {
                        let pass = encrypt.map(Passphrase::from);
                        let again = back
                            .private_key(pass.as_ref(), &limits)
                            .unwrap_or_else(|e| panic!("{what}: {e}"));
                        assert_eq!(
                            again.secret(),
                            private.secret(),
                            "{what}: the private key changed"
                        );
                        again.public_key().clone()
                    } else {
                        back.public_keys()
                            .into_iter()
                            .next()
                            .unwrap_or_else(|| panic!("{what}: no key"))
                    };
                    let line = keyconv::format::public::encode(&public);
                    assert_eq!(type_and_blob(&line), type_and_blob(&reference), "{what}");
                    if carries_comment(target) && carries_comment(source_format) {
                        assert_eq!(public.comment(), reference_comment, "{what}: comment");
                    }
                    conversions += 1;
                }
            }
        }
    }
    assert!(conversions > 300, "only {conversions} conversions");
}
