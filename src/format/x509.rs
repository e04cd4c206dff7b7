//! X.509 certificates ([RFC 5280] §4.1), PEM (`CERTIFICATE`, [RFC 7468] §5) or DER: keyconv reads
//! the subject public key, for `public`, `fingerprint` and the public targets. Nothing about the
//! certificate is checked beyond its shape (no signature, validity or chain): the key is what a
//! user asks for, as `openssl x509 -pubkey -noout` gives it.
//!
//! ```text
//! Certificate ::= SEQUENCE {
//!     tbsCertificate ::= SEQUENCE {
//!         version [0] EXPLICIT INTEGER OPTIONAL, serialNumber INTEGER, signature AlgorithmIdentifier,
//!         issuer Name, validity SEQUENCE, subject Name,
//!         subjectPublicKeyInfo SubjectPublicKeyInfo,      -- read as the spki format reads it
//!         [1] issuerUniqueID, [2] subjectUniqueID, [3] extensions (all OPTIONAL) },
//!     signatureAlgorithm AlgorithmIdentifier,
//!     signatureValue BIT STRING }
//! ```
//!
//! Decisions: a PEM file may hold several certificates (a chain): each gives its key, in order.
//! The key's comment is empty (certificates have none; the subject name is not a comment).
//!
//! [RFC 5280]: https://www.rfc-editor.org/rfc/rfc5280
//! [RFC 7468]: https://www.rfc-editor.org/rfc/rfc7468

use crate::encoding::asn1::{self, Reader};
use crate::encoding::pem as armour;
use crate::encoding::{self, text};
use crate::error::{Error, Result};
use crate::format::{Format, spki};
use crate::key::PublicKey;

const FORMAT: Format = Format::X509;
/// The PEM labels of a certificate (RFC 7468 §5; `X509 CERTIFICATE` and `TRUSTED CERTIFICATE`
/// are OpenSSL's older and trust-annotated forms).
const LABELS: [&str; 3] = ["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"];
/// At most this many certificates are read from one file.
const MAX_CERTIFICATES: usize = 64;

/// Decodes every certificate of a PEM file, or one DER certificate, to its subject public key.
///
/// ```
/// let keys = keyconv::format::x509::decode(include_bytes!("../../testdata/ed25519.x509-der"))?;
/// assert_eq!(keys[0].data().algorithm(), "ssh-ed25519");
/// # Ok::<(), keyconv::Error>(())
/// ```
pub fn decode(input: &[u8]) -> Result<Vec<PublicKey>> {
    if input.len() > encoding::MAX_KEY_FILE {
        return Err(Error::malformed(FORMAT, "file is too large for a key file"));
    }
    if input.first() == Some(&asn1::SEQUENCE) {
        return Ok(vec![subject_public_key(input)?]);
    }
    let text = text::decode(input)?;
    let mut rest: &str = &text;
    let mut keys = Vec::new();
    while let Some(label) = armour::first_label(rest) {
        if !LABELS.contains(&label) {
            return Err(Error::malformed(
                FORMAT,
                format!("expected a CERTIFICATE block, found {label}"),
            ));
        }
        if keys.len() == MAX_CERTIFICATES {
            return Err(Error::malformed(
                FORMAT,
                format!("more than {MAX_CERTIFICATES} certificates in one file"),
            ));
        }
        let pem = armour::decode(rest, FORMAT)?;
        keys.push(subject_public_key(&pem.body)?);
        let end = format!("-----END {label}-----");
        rest = match rest.find(&end) {
            Some(at) => rest.get(at + end.len()..).unwrap_or_default(),
            None => "",
        };
    }
    if keys.is_empty() {
        return Err(Error::malformed(
            FORMAT,
            "no -----BEGIN CERTIFICATE----- line",
        ));
    }
    Ok(keys)
}

/// The `SubjectPublicKeyInfo` DER of a DER certificate that fills `der`.
pub(crate) fn subject_public_key_info(der: &[u8]) -> Result<&[u8]> {
    let mut outer = Reader::new(der, FORMAT);
    let mut cert = outer.sequence("Certificate")?;
    outer.finish("Certificate")?;
    let mut tbs = cert.sequence("tbsCertificate")?;
    cert.sequence("signature algorithm")?;
    cert.expect(asn1::BIT_STRING, "signature")?;
    cert.finish("Certificate")?;
    if let Some(mut version) = tbs.optional(asn1::context(0), "version")? {
        let v = version.small_uint("version")?;
        version.finish("version")?;
        if v > 2 {
            return Err(version.error(format!("certificate version {} is unknown", v + 1)));
        }
    }
    // Serial numbers are often negative in the wild: any INTEGER.
    tbs.expect(asn1::INTEGER, "serial number")?;
    tbs.sequence("signature algorithm")?;
    tbs.sequence("issuer")?;
    tbs.sequence("validity")?;
    tbs.sequence("subject")?;
    tbs.expect_encoded(asn1::SEQUENCE, "subject public key info")
}

fn subject_public_key(der: &[u8]) -> Result<PublicKey> {
    let spki_der = subject_public_key_info(der)?;
    let mut keys = spki::decode(spki_der)?;
    match (keys.pop(), keys.is_empty()) {
        (Some(key), true) => Ok(key),
        _ => Err(Error::malformed(
            FORMAT,
            "the subject public key info is not one key",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_needs_all_its_parts() {
        // A SEQUENCE of one empty SEQUENCE: no signature.
        assert!(decode(&[0x30, 0x02, 0x30, 0x00]).is_err());
        assert!(decode(b"-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n").is_err());
        assert!(decode(b"no pem here").is_err());
    }
}
