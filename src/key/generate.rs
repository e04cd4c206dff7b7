//! Generating new keys with the operating system's randomness (`getrandom`).
//!
//! - RSA (FIPS 186-5 §A.1.3, probable primes): `e = 65537`; `p` and `q` of `bits/2` bits each
//!   with their two top bits set (so `p, q > √2·2^(bits/2-1)` and `n` has exactly `bits` bits),
//!   `gcd(e, p-1) = gcd(e, q-1) = 1`, `|p - q| > 2^(bits/2-100)`; each prime passes a sieve of
//!   small factors, at least five Miller-Rabin rounds with random bases (more when FIPS 186-5
//!   §B.3's bound for an error below 2⁻¹²⁸ asks for more) and a strong Lucas test (FIPS 186-5
//!   Table B.1 asks for fewer). `p` and `q` are searched for at the same time on two threads —
//!   the search is almost all of the time `generate` takes. `d = e⁻¹ mod lcm(p-1, q-1)`
//!   (SP 800-56B §6.2.1), and must exceed `2^(bits/2)`.
//! - ECDSA (FIPS 186-5 §A.2.2, rejection sampling): a random string of the order's length,
//!   masked to the order's bit length, kept when it is in `1..n`.
//! - Ed25519 and Ed448 (RFC 8032 §5.1.5, §5.2.5): a random 32- or 57-byte seed.
//!
//! The public half is derived from the secret and the pair is checked like any key read from a
//! file ([`PrivateKey::new`]).

use std::convert::Infallible;

use crypto_bigint::BoxedUint;
use crypto_bigint::rand_core::{TryCryptoRng, TryRng};
use crypto_primes::Flavor;
use crypto_primes::fips::{FipsOptions, is_prime};
use crypto_primes::hazmat::{SetBits, SmallFactorsSieveFactory, minimum_mr_iterations};
use rsa::traits::PrivateKeyParts as _;
use zeroize::Zeroize as _;

use super::{
    EcCurve, KeyType, MAX_RSA_BITS, PrivateKey, PublicKey, PublicKeyData, SecretBytes,
    SecretKeyData, check,
};
use crate::error::{Error, ErrorKind, Result};

/// The RSA public exponent of generated keys (FIPS 186-5 §A.1.1: odd, `2¹⁶ < e < 2²⁵⁶`).
pub const RSA_EXPONENT: u32 = 65537;
/// The smallest RSA modulus [`PrivateKey::generate`] makes, in bits (as ssh-keygen).
pub const MIN_GENERATED_RSA_BITS: u32 = 1024;

/// The kind of key to generate.
///
/// ```
/// use keyconv::{KeySpec, KeyType, PrivateKey};
///
/// let key = PrivateKey::generate(KeySpec::Ed25519, "me@laptop")?;
/// assert_eq!(key.key_type(), KeyType::Ed25519);
/// assert_eq!(KeySpec::DEFAULT_RSA_BITS, 3072);
/// # Ok::<(), keyconv::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySpec {
    /// RSA with a modulus of `bits` bits ([`MIN_GENERATED_RSA_BITS`] to 16384) and `e = 65537`.
    Rsa {
        /// The modulus size in bits.
        bits: u32,
    },
    /// ECDSA on a NIST curve.
    Ecdsa(EcCurve),
    /// Ed25519.
    Ed25519,
    /// Ed448.
    Ed448,
}

impl KeySpec {
    /// The default RSA size, as ssh-keygen's (and what NIST approves beyond 2030).
    pub const DEFAULT_RSA_BITS: u32 = 3072;

    /// The type of the keys this makes.
    ///
    /// ```
    /// use keyconv::{EcCurve, KeySpec, KeyType};
    ///
    /// assert_eq!(KeySpec::Ecdsa(EcCurve::P384).key_type(), KeyType::Ecdsa(EcCurve::P384));
    /// assert_eq!(KeySpec::Rsa { bits: 3072 }.key_type(), KeyType::Rsa);
    /// ```
    pub fn key_type(self) -> KeyType {
        match self {
            KeySpec::Rsa { .. } => KeyType::Rsa,
            KeySpec::Ecdsa(curve) => KeyType::Ecdsa(curve),
            KeySpec::Ed25519 => KeyType::Ed25519,
            KeySpec::Ed448 => KeyType::Ed448,
        }
    }
}

impl PrivateKey {
    /// Generates a new key from the operating system's random number generator.
    ///
    /// An RSA size outside [`MIN_GENERATED_RSA_BITS`]`..=16384` is an
    /// [`ErrorKind::InvalidRequest`]; a failing random number generator an [`ErrorKind::Io`].
    ///
    /// ```
    /// use keyconv::{EcCurve, KeyType, PrivateKey, key::KeySpec};
    /// let key = PrivateKey::generate(KeySpec::Ecdsa(EcCurve::P256), "me@host")?;
    /// assert_eq!(key.key_type(), KeyType::Ecdsa(EcCurve::P256));
    /// assert_eq!(key.comment(), "me@host");
    /// # Ok::<(), keyconv::Error>(())
    /// ```
    pub fn generate(spec: KeySpec, comment: &str) -> Result<PrivateKey> {
        match spec {
            KeySpec::Rsa { bits } => generate_rsa(bits, comment),
            KeySpec::Ecdsa(curve) => generate_ecdsa(curve, comment),
            KeySpec::Ed25519 => {
                let seed = random_secret(32)?;
                PrivateKey::from_secret(SecretKeyData::Ed25519(seed), None, comment)
            }
            KeySpec::Ed448 => {
                let seed = random_secret(57)?;
                PrivateKey::from_secret(SecretKeyData::Ed448(seed), None, comment)
            }
        }
    }
}

fn randomness_failed() -> Error {
    Error::new(ErrorKind::Io(
        "the operating system's random number generator failed".into(),
    ))
}

fn random_secret(len: usize) -> Result<SecretBytes> {
    let mut bytes = SecretBytes::new(vec![0u8; len]);
    getrandom::fill(&mut bytes.0).map_err(|_| randomness_failed())?;
    Ok(bytes)
}

/// Rejection sampling (FIPS 186-5 §A.2.2): `d` is uniform in `1..n`. Each try succeeds with
/// probability above ½ (P-256's order is just below 2²⁵⁶, P-521's just below 2⁵²¹), so the
/// bound on tries is never met in practice.
fn generate_ecdsa(curve: EcCurve, comment: &str) -> Result<PrivateKey> {
    // The top byte keeps only the order's bits beyond whole bytes: P-521's order has 521 bits.
    let top_mask = match curve.bits() % 8 {
        0 => 0xff,
        extra => (1u8 << extra) - 1,
    };
    for _ in 0..128 {
        let mut d = random_secret(curve.scalar_len())?;
        if let Some(top) = d.0.first_mut() {
            *top &= top_mask;
        }
        match PrivateKey::from_secret(SecretKeyData::Ecdsa { d }, Some(curve), comment) {
            Ok(key) => return Ok(key),
            // Zero, or not below the order: draw again.
            Err(e) if matches!(e.kind(), ErrorKind::InconsistentKey(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(randomness_failed())
}

/// The operating system's random number generator as a `rand_core` generator. `getrandom` can
/// fail (in theory); `rand_core`'s infallible interface cannot say so, so a failure fills with
/// zeros and is remembered: the caller checks [`OsRandom::failed`] and throws the result away.
struct OsRandom {
    failed: bool,
}

impl OsRandom {
    fn new() -> Self {
        OsRandom { failed: false }
    }
}

impl TryRng for OsRandom {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        if getrandom::fill(dst).is_err() {
            dst.fill(0);
            self.failed = true;
        }
        Ok(())
    }
}

impl TryCryptoRng for OsRandom {}

/// Miller-Rabin rounds for a prime of `bits` bits: FIPS 186-5 §B.3's bound for an error below
/// 2⁻¹²⁸, and never fewer than five.
fn mr_rounds(bits: u32) -> usize {
    minimum_mr_iterations(bits, 128).unwrap_or(64).max(5)
}

/// `x mod m` for a small `m`, from the big-endian bytes of `x` (not constant-time: only used
/// to reject a candidate, which is then thrown away).
fn rem_small(x: &[u8], m: u32) -> u32 {
    x.iter()
        .fold(0u64, |r, &b| ((r << 8) | u64::from(b)) % u64::from(m)) as u32
}

/// A random prime of exactly `bits` bits with its two top bits set and `p mod e ≠ 1` (so that
/// `gcd(e, p-1) = 1`, `e` being prime).
fn random_rsa_prime(bits: u32, rng: &mut OsRandom) -> Result<BoxedUint> {
    let factory = SmallFactorsSieveFactory::<BoxedUint>::new(Flavor::Any, bits, SetBits::TwoMsb)
        .map_err(|_| invalid_rsa_size(bits * 2))?;
    let options = FipsOptions::with_mr_iterations(mr_rounds(bits)).with_lucas_test();
    let found = crypto_primes::sieve_and_find(rng, factory, |rng, candidate| {
        let mut bytes = candidate.to_be_bytes();
        let coprime = rem_small(&bytes, RSA_EXPONENT) != 1;
        bytes.zeroize();
        coprime && is_prime(rng, Flavor::Any, candidate, options)
    })
    .map_err(|_| randomness_failed())?;
    found.ok_or_else(randomness_failed)
}

fn invalid_rsa_size(bits: u32) -> Error {
    Error::new(ErrorKind::InvalidRequest(format!(
        "an RSA key of {bits} bits: RSA keys are generated with {MIN_GENERATED_RSA_BITS} to {MAX_RSA_BITS} bits"
    )))
}

/// Two primes for an RSA modulus of `bits` bits, searched for on two threads (one after the other
/// on wasm32, where a web page has no threads: `std::thread::spawn` would fail there).
fn rsa_primes(bits: u32) -> Result<(BoxedUint, BoxedUint)> {
    let p_bits = bits / 2;
    let q_bits = bits - p_bits;
    let search = |prime_bits: u32| {
        let mut rng = OsRandom::new();
        let prime = random_rsa_prime(prime_bits, &mut rng);
        if rng.failed {
            return Err(randomness_failed());
        }
        prime
    };
    #[cfg(target_family = "wasm")]
    let (p, q) = (search(p_bits), search(q_bits));
    #[cfg(not(target_family = "wasm"))]
    let (p, q) = std::thread::scope(|s| {
        let other = s.spawn(|| search(q_bits));
        let p = search(p_bits);
        // A thread that panicked (it cannot: no code path panics) counts as a failure.
        let q = other.join().unwrap_or_else(|_| Err(randomness_failed()));
        (p, q)
    });
    Ok((p?, q?))
}

fn generate_rsa(bits: u32, comment: &str) -> Result<PrivateKey> {
    if !(MIN_GENERATED_RSA_BITS..=MAX_RSA_BITS as u32).contains(&bits) {
        return Err(invalid_rsa_size(bits));
    }
    let e = BoxedUint::from(RSA_EXPONENT);
    // 2^(bits/2 - 100): the least distance between p and q; also the bound on d (as 2^(bits/2)).
    let half = bits / 2;
    for _ in 0..16 {
        let (p, q) = rsa_primes(bits)?;
        let distance = if p > q {
            p.wrapping_sub(&q)
        } else {
            q.wrapping_sub(&p)
        };
        if distance.bits_vartime() <= half - 100 {
            continue;
        }
        let Ok(key) = rsa::RsaPrivateKey::from_p_q(p, q, e.clone()) else {
            continue;
        };
        if key.d().bits_vartime() <= half {
            continue;
        }
        let [p, q] = key.primes() else {
            continue;
        };
        let (p, q) = (
            SecretBytes::new(p.to_be_bytes_trimmed_vartime().to_vec()),
            SecretBytes::new(q.to_be_bytes_trimmed_vartime().to_vec()),
        );
        let Some(iqmp) = check::rsa_iqmp(p.as_bytes(), q.as_bytes()) else {
            continue;
        };
        let d = SecretBytes::new(key.d().to_be_bytes_trimmed_vartime().to_vec());
        let n = rsa::traits::PublicKeyParts::n(&key)
            .as_ref()
            .to_be_bytes_trimmed_vartime()
            .to_vec();
        let public = PublicKey::new(
            PublicKeyData::Rsa {
                e: e.to_be_bytes_trimmed_vartime().to_vec(),
                n,
            },
            comment,
        )?;
        return PrivateKey::new(public, SecretKeyData::Rsa { d, p, q, iqmp });
    }
    // Sixteen draws in a row failing a check that fails with probability below 2⁻⁹⁰.
    Err(randomness_failed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_generates_a_consistent_key() {
        let specs = [
            KeySpec::Rsa { bits: 1024 },
            KeySpec::Ecdsa(EcCurve::P256),
            KeySpec::Ecdsa(EcCurve::P384),
            KeySpec::Ecdsa(EcCurve::P521),
            KeySpec::Ed25519,
            KeySpec::Ed448,
        ];
        for spec in specs {
            let a = PrivateKey::generate(spec, "c").unwrap();
            let b = PrivateKey::generate(spec, "c").unwrap();
            assert_eq!(a.key_type(), spec.key_type());
            assert_ne!(a.public_key(), b.public_key(), "{spec:?} repeats itself");
            // The halves are checked again as a file's would be.
            let again = PrivateKey::new(a.public_key().clone(), a.secret().clone()).unwrap();
            assert_eq!(again, a);
        }
    }

    #[test]
    fn rsa_keys_have_the_exact_size_and_exponent() {
        for bits in [1024, 1025, 1536] {
            let key = PrivateKey::generate(KeySpec::Rsa { bits }, "").unwrap();
            let PublicKeyData::Rsa { e, n } = key.public_key().data() else {
                panic!("not RSA");
            };
            assert_eq!(super::super::bit_length(n), bits);
            assert_eq!(e.as_slice(), &[1, 0, 1]);
        }
    }

    #[test]
    fn rsa_sizes_out_of_range_are_refused() {
        for bits in [0, 512, 1023, 16385] {
            let e = PrivateKey::generate(KeySpec::Rsa { bits }, "").unwrap_err();
            assert!(matches!(e.kind(), ErrorKind::InvalidRequest(_)), "{e}");
        }
    }

    #[test]
    fn small_remainders() {
        assert_eq!(rem_small(&[], 7), 0);
        assert_eq!(rem_small(&[1, 0, 2], 65537), (65536 + 2) % 65537);
        assert_eq!(rem_small(&[0xff; 32], 3), 0);
    }
}

/// Where RSA-3072 generation spends its time (run with `cargo test --release --lib
/// rsa_generation_profile -- --ignored --nocapture`).
#[cfg(test)]
mod profile {
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    #[ignore]
    fn rsa_generation_profile() {
        let runs = 40;
        let (mut one_prime, mut both, mut assemble) = (Vec::new(), Vec::new(), Vec::new());
        let mut sequential = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            random_rsa_prime(1536, &mut OsRandom::new()).unwrap();
            random_rsa_prime(1536, &mut OsRandom::new()).unwrap();
            sequential.push(t.elapsed());
            let t = Instant::now();
            random_rsa_prime(1536, &mut OsRandom::new()).unwrap();
            one_prime.push(t.elapsed());
            let t = Instant::now();
            let (p, q) = rsa_primes(3072).unwrap();
            both.push(t.elapsed());
            let t = Instant::now();
            let key = rsa::RsaPrivateKey::from_p_q(p, q, BoxedUint::from(RSA_EXPONENT)).unwrap();
            let (p, q) = (key.primes()[0].clone(), key.primes()[1].clone());
            let iqmp = check::rsa_iqmp(&p.to_be_bytes(), &q.to_be_bytes()).unwrap();
            assert!(!iqmp.as_bytes().is_empty());
            assemble.push(t.elapsed());
        }
        let median = |v: &mut Vec<Duration>| {
            v.sort();
            v[v.len() / 2]
        };
        eprintln!(
            "median of {runs}: one 1536-bit prime {:?}; p then q on one thread {:?}; \
             p and q on two threads {:?}; d, n, iqmp {:?}",
            median(&mut one_prime),
            median(&mut sequential),
            median(&mut both),
            median(&mut assemble)
        );
    }
}
