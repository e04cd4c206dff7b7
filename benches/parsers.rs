//! Decoding one corpus file of each format (no KDF: `KeyFile::decode` never runs one), and the
//! per-key work of `fingerprint` over an `authorized_keys` file.
//!
//! `cargo bench --bench parsers`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keyconv::{FingerprintHash, KdfLimits, KeyFile};

mod common;

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    let files = [
        "rsa-3072.ppk3",
        "rsa-3072.ppk3-argon2id",
        "rsa-3072.openssh",
        "rsa-3072.openssh-aes256-ctr",
        "rsa-3072.pkcs8",
        "rsa-3072.pkcs8-der",
        "rsa-3072.pkcs8-aes128",
        "rsa-3072.pem",
        "rsa-3072.pub",
        "rsa-3072.rfc4716",
        "rsa-3072.putty-pub-utf16le",
        "rsa-3072.spki",
        "ecdsa-256.pkcs8",
        "ecdsa-521.pub",
        "ed25519.ppk3",
        "ed25519.openssh",
        "ed25519.pub",
    ];
    for name in files {
        let bytes = common::corpus(name);
        group.bench_function(name, |b| {
            b.iter(|| KeyFile::decode(black_box(&bytes)).expect("decodes"))
        });
    }
    group.finish();
}

/// Decoding and checking the private key of unencrypted files (RSA: the halves are checked to
/// agree; EC and EdDSA: the public half is derived from the secret).
fn unencrypted_private_key(c: &mut Criterion) {
    let mut group = c.benchmark_group("private-key");
    let limits = KdfLimits::default();
    for name in [
        "rsa-3072.ppk3",
        "rsa-3072.openssh",
        "rsa-3072.pkcs8",
        "rsa-3072.pem",
        "ecdsa-256.pkcs8",
        "ed25519.openssh",
    ] {
        let bytes = common::corpus(name);
        group.bench_function(name, |b| {
            b.iter(|| {
                KeyFile::decode(black_box(&bytes))
                    .and_then(|f| f.private_key(None, &limits))
                    .expect("decodes")
            })
        });
    }
    group.finish();
}

fn fingerprint(c: &mut Criterion) {
    let bytes = common::corpus("authorized_keys");
    let mut group = c.benchmark_group("fingerprint");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("authorized_keys", |b| {
        b.iter(|| {
            let file = KeyFile::decode(black_box(&bytes)).expect("decodes");
            file.public_keys()
                .iter()
                .map(|k| k.fingerprint_line(FingerprintHash::Sha256).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(parsers, decode, unencrypted_private_key, fingerprint);
criterion_main!(parsers);
