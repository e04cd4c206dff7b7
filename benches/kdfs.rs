//! The key derivations of SPEC §6, each measured two ways: keyconv decrypting a corpus key
//! whose cost is that KDF (through the public API, as the CLI does), and the reference crate
//! alone on the same parameters, so that keyconv's own overhead, and what it gains over the
//! crate (bcrypt-pbkdf's blocks on two threads, PBKDF2's HMAC loop on the bare SHA-256
//! compression function), show.
//!
//! `cargo bench --bench kdfs`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use keyconv::{KdfLimits, KeyFile};

mod common;

const SALT: [u8; 16] = [0x5a; 16];

fn through_keyconv(c: &mut Criterion) {
    let pass = common::passphrase();
    let limits = KdfLimits::default();
    let mut group = c.benchmark_group("keyconv");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
    let cases = [
        ("argon2id-8MiB-8passes", "rsa-2048.ppk3-argon2id-passes8"),
        ("bcrypt-16rounds", "ed25519.openssh-aes256-ctr-r16"),
        ("pbkdf2-sha256-600k", "rsa-2048.pkcs8-aes256-iter600000"),
        ("scrypt-n1024-r8-p1", "ed25519.pkcs8-scrypt"),
    ];
    for (name, file) in cases {
        let file = KeyFile::decode(&common::corpus(file)).expect("corpus file decodes");
        group.bench_function(name, |b| {
            b.iter(|| file.private_key(Some(&pass), &limits).expect("decrypts"))
        });
    }
    group.finish();
}

fn reference_crates(c: &mut Criterion) {
    let pass = common::passphrase();
    let pass = black_box(pass.as_bytes());
    let mut group = c.benchmark_group("crate");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
    group.bench_function("argon2id-8MiB-8passes", |b| {
        let params = argon2::Params::new(8192, 8, 1, Some(80)).expect("valid");
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        b.iter(|| {
            let mut out = [0u8; 80];
            argon
                .hash_password_into(pass, &SALT, &mut out)
                .expect("derives");
            out
        })
    });
    group.bench_function("bcrypt-16rounds", |b| {
        b.iter(|| {
            let mut out = [0u8; 48];
            bcrypt_pbkdf::bcrypt_pbkdf(pass, &SALT, 16, &mut out).expect("derives");
            out
        })
    });
    group.bench_function("pbkdf2-sha256-600k", |b| {
        b.iter(|| {
            let mut out = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(pass, &SALT, 600_000, &mut out);
            out
        })
    });
    group.bench_function("scrypt-n1024-r8-p1", |b| {
        let params = scrypt::Params::new(10, 8, 1).expect("valid");
        b.iter(|| {
            let mut out = [0u8; 32];
            scrypt::scrypt(pass, &SALT, &params, &mut out).expect("derives");
            out
        })
    });
    group.finish();
}

criterion_group!(kdfs, through_keyconv, reference_crates);
criterion_main!(kdfs);
