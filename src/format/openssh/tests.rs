//! Unit tests of the `openssh-key-v1` codec against ssh-keygen's and PuTTYgen's files.

use super::*;

fn testdata(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn corpus_passphrase() -> Passphrase {
    let bytes = testdata("passphrase");
    Passphrase::new(bytes.strip_suffix(b"\n").unwrap_or(&bytes))
}

/// The binary inside the armour.
fn body(file: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(file).unwrap();
    armour::decode(text, F).unwrap().body.to_vec()
}

fn armoured(body: &[u8]) -> Vec<u8> {
    armour::encode(LABEL, &[], body, WIDTH).into_bytes()
}

/// A header (as the bytes before the public key blob) with these fields.
fn header(cipher: &str, kdf: &str, kdf_options: &[u8], keys: u32) -> Vec<u8> {
    let mut w = Writer::new();
    w.raw(MAGIC)
        .string(cipher.as_bytes())
        .string(kdf.as_bytes())
        .string(kdf_options)
        .u32(keys);
    w.as_bytes().to_vec()
}

/// `ed25519.openssh` split into its header (up to the key count), public blob and section.
fn ed25519_parts() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let body = body(&testdata("ed25519.openssh"));
    let head = header("none", "none", b"", 1);
    assert!(body.starts_with(&head));
    let mut r = Reader::new(&body[head.len()..], F);
    let public = r.string("public").unwrap().to_vec();
    let section = r.string("section").unwrap().to_vec();
    assert!(r.is_empty());
    (head, public, section)
}

fn assemble(head: &[u8], public: &[u8], section: &[u8]) -> Vec<u8> {
    let mut w = Writer::new();
    w.raw(head).string(public).string(section);
    armoured(w.as_bytes())
}

fn kind(input: &[u8]) -> ErrorKind {
    match decode_file(input) {
        Ok(_) => panic!("decoded"),
        Err(e) => e.kind().clone(),
    }
}

fn is_malformed(kind: &ErrorKind) -> bool {
    matches!(kind, ErrorKind::Malformed { .. })
}

#[test]
fn cipher_names_are_the_cipher_table() {
    let table: Vec<&str> = cipher::CIPHERS.iter().map(|c| c.name).collect();
    let names: Vec<&str> = OpensshCipher::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(table, names);
}

/// The strongest check of the layout: ssh-keygen's own files, decrypted and written again with
/// their salt and check integer, come out byte for byte the same.
#[test]
fn re_encoding_ssh_keygen_files_is_byte_identical() {
    let pass = corpus_passphrase();
    for name in [
        "ed25519.openssh",
        "rsa-2048.openssh",
        "dsa-1024.openssh",
        "ecdsa-521.openssh",
        "ed25519.openssh-aes256-ctr",
        "ecdsa-256.openssh-aes128-cbc",
        "ed25519.openssh-aes256-gcm",
        "ed25519.openssh-chacha20-poly1305",
        "ed25519.openssh-3des-cbc",
    ] {
        let original = testdata(name);
        let file = decode_file(&original).unwrap();
        let key = file
            .private_key(Some(&pass), &KdfLimits::default())
            .unwrap();
        let (checkint, encryption) = match &file.section {
            Section::Clear(_) => {
                let body = body(&original);
                let head = header("none", "none", b"", 1);
                let mut r = Reader::new(&body[head.len()..], F);
                r.string("public").unwrap();
                let mut section = Reader::new(r.string("section").unwrap(), F);
                (section.u32("checkint").unwrap(), None)
            }
            Section::Unsupported(e) => panic!("{name}: {e}"),
            Section::Encrypted {
                cipher,
                kdf,
                ciphertext,
                tag,
            } => {
                let mut plain = ciphertext.clone();
                cipher::decrypt(cipher, kdf, &pass, &mut plain, tag.as_deref()).unwrap();
                let checkint = u32::from_be_bytes(plain[..4].try_into().unwrap());
                (checkint, Some((*cipher, kdf.clone(), &pass)))
            }
        };
        let again = encode_with(&key, checkint, encryption).unwrap();
        assert_eq!(again.as_bytes(), &original[..], "{name}");
    }
}

#[test]
fn puttygen_over_padding_is_accepted_and_wrong_padding_is_not() {
    let (head, public, section) = ed25519_parts();
    // ssh-keygen pads to 8; PuTTYgen to 16 with at least one byte. Pad with 16 more.
    let unpadded = section.len() - usize::from(*section.last().unwrap());
    let mut long = section[..unpadded].to_vec();
    let n = (8 - unpadded % 8) % 8 + 16;
    long.extend(1..=n as u8);
    assert_eq!(long.len() % 8, 0);
    decode_file(&assemble(&head, &public, &long)).unwrap();
    let mut bad = long.clone();
    bad[unpadded + 3] = 0;
    assert!(is_malformed(&kind(&assemble(&head, &public, &bad))));
    let mut bad = section.clone();
    *bad.last_mut().unwrap() ^= 0x80;
    assert!(is_malformed(&kind(&assemble(&head, &public, &bad))));
}

#[test]
fn header_errors_are_clear() {
    let (_, public, section) = ed25519_parts();
    let e = kind(&assemble(
        &header("none", "none", b"", 0),
        &public,
        &section,
    ));
    assert!(is_malformed(&e), "{e:?}");
    let e = decode_file(&assemble(
        &header("none", "none", b"", 2),
        &public,
        &section,
    ))
    .err()
    .unwrap();
    assert!(e.to_string().contains("claims 2 keys"), "{e}");
    let e = kind(&assemble(
        &header("aes512-ctr", "bcrypt", b"", 1),
        &public,
        &section,
    ));
    assert_eq!(
        e,
        ErrorKind::UnsupportedScheme("OpenSSH cipher aes512-ctr".into())
    );
    let e = kind(&assemble(
        &header("none", "scrypt", b"", 1),
        &public,
        &section,
    ));
    assert_eq!(e, ErrorKind::UnsupportedScheme("OpenSSH KDF scrypt".into()));
    let e = kind(&assemble(
        &header("aes256-ctr", "none", b"", 1),
        &public,
        &section,
    ));
    assert!(is_malformed(&e), "{e:?}");
    let e = kind(&assemble(
        &header("none", "none", b"x", 1),
        &public,
        &section,
    ));
    assert!(is_malformed(&e), "{e:?}");
    let mut opts = Writer::new();
    opts.string(&[1; 16]).u32(0);
    let e = kind(&assemble(
        &header("aes256-ctr", "bcrypt", opts.as_bytes(), 1),
        &public,
        &section,
    ));
    assert!(is_malformed(&e), "{e:?}");
    let mut opts = Writer::new();
    opts.string(b"").u32(16);
    let e = kind(&assemble(
        &header("aes256-ctr", "bcrypt", opts.as_bytes(), 1),
        &public,
        &section,
    ));
    assert!(is_malformed(&e), "{e:?}");
    let e = kind(&armoured(b"openssh-key-v2\0"));
    assert!(is_malformed(&e), "{e:?}");
    let wrong_label = armour::encode("PRIVATE KEY", &[], &body(&testdata("ed25519.openssh")), 64);
    assert!(is_malformed(&kind(wrong_label.as_bytes())));
}

#[test]
fn a_section_that_is_not_whole_blocks_or_lacks_its_tag_is_malformed() {
    let (head, public, section) = ed25519_parts();
    let e = kind(&assemble(&head, &public, &section[..section.len() - 1]));
    assert!(is_malformed(&e), "{e:?}");
    let gcm = body(&testdata("ed25519.openssh-aes256-gcm"));
    let e = kind(&armoured(&gcm[..gcm.len() - 1]));
    assert!(is_malformed(&e), "{e:?}");
    let mut longer = gcm.clone();
    longer.push(0);
    let e = kind(&armoured(&longer));
    assert!(is_malformed(&e), "{e:?}");
}

#[test]
fn header_and_private_section_must_hold_the_same_key() {
    let (head, _, section) = ed25519_parts();
    let other = PrivateKey::from_secret(
        SecretKeyData::Ed25519(SecretBytes::new(vec![9; 32])),
        None,
        "",
    )
    .unwrap();
    let e = kind(&assemble(
        &head,
        &other.public_key().to_ssh_blob(),
        &section,
    ));
    assert!(matches!(e, ErrorKind::InconsistentKey(_)), "{e:?}");
}

#[test]
fn options_are_checked() {
    let key = decode_file(&testdata("ed25519.openssh"))
        .unwrap()
        .private_key(None, &KdfLimits::default())
        .unwrap();
    let pass = Passphrase::from("pw");
    // A cipher OpenSSH does not have cannot be built: it is refused where it is named.
    let e = "aes512-ctr".parse::<OpensshCipher>().unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::InvalidRequest(_)), "{e:?}");
    assert!(
        e.to_string().contains("chacha20-poly1305@openssh.com"),
        "{e}"
    );
    let e = OpensshCipher::try_from(Cipher::DesCbc).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::InvalidRequest(_)), "{e:?}");
    assert!(
        e.to_string().contains("chacha20-poly1305@openssh.com"),
        "{e}"
    );
    let zero = OpensshOptions {
        rounds: 0,
        ..OpensshOptions::default()
    };
    let e = encode(&key, &zero, Some(&pass)).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::InvalidRequest(_)), "{e:?}");
}

#[test]
fn ed448_is_read_from_puttygen_but_never_written() {
    let file = decode_file(&testdata("ed448.openssh-puttygen")).unwrap();
    let key = file.private_key(None, &KdfLimits::default()).unwrap();
    assert_eq!(key.key_type(), KeyType::Ed448);
    let e = encode(&key, &OpensshOptions::default(), None).unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::UnsupportedTarget {
            target: Format::OpenSsh,
            why: "OpenSSH has no Ed448 keys".into(),
            suggestion: "ppk or pkcs8".into(),
        }
    );
    assert_eq!(
        e.to_string(),
        "cannot write openssh: OpenSSH has no Ed448 keys; use ppk or pkcs8"
    );
}

#[test]
fn encrypted_files_show_their_protection_and_need_the_passphrase() {
    let file = decode_file(&testdata("ed25519.openssh-chacha20-poly1305")).unwrap();
    assert_eq!(
        file.protection(),
        &Protection::Encrypted {
            scheme: Scheme::OpenSsh,
            cipher: Cipher::ChaCha20Poly1305,
            kdf: Kdf::Bcrypt {
                rounds: 4,
                salt_len: 16
            },
        }
    );
    let limits = KdfLimits::default();
    let e = file.private_key(None, &limits).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::PassphraseRequired);
    let e = file.private_key(Some(&"".into()), &limits).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::IncorrectPassphrase);
}

#[test]
fn text_after_the_end_line_is_an_error_but_white_space_is_not() {
    let mut input = testdata("ed25519.openssh");
    input.extend_from_slice(b"\r\n \n");
    decode_file(&input).unwrap();
    input.extend_from_slice(b"ssh-ed25519 AAAA\n");
    let e = decode_file(&input).err().unwrap();
    assert!(e.to_string().contains("data after the -----END"), "{e}");
}

/// What ssh-keygen writes for a FIDO key (`ssh-keygen -t ed25519-sk`), built by hand: no
/// device here to make one.
#[test]
fn unencrypted_security_keys_give_their_public_key() {
    let algorithm = b"sk-ssh-ed25519@openssh.com";
    let mut public = Writer::new();
    public.string(algorithm).string(&[7; 32]).string(b"ssh:");
    let mut section = Writer::new();
    section
        .u32(42)
        .u32(42)
        .string(algorithm)
        .string(&[7; 32])
        .string(b"ssh:")
        .u8(1)
        .string(&[5; 64])
        .string(b"")
        .string(b"me@host");
    let mut pad = 0;
    while !section.len().is_multiple_of(8) {
        pad += 1;
        section.u8(pad);
    }
    let input = assemble(
        &header("none", "none", b"", 1),
        public.as_bytes(),
        section.as_bytes(),
    );
    let file = decode_file(&input).unwrap();
    let key = file.public_key().unwrap();
    assert_eq!(key.data().algorithm(), "sk-ssh-ed25519@openssh.com");
    assert_eq!(key.to_ssh_blob(), public.as_bytes());
    assert_eq!(key.comment(), "me@host");
    let e = file.private_key(None, &KdfLimits::default()).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::UnsupportedKeyType(t) if t.starts_with("sk-ssh-ed25519@openssh.com as a private key")),
        "{e}"
    );
}
