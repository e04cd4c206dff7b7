//! How `inspect` shows an OpenSSH certificate: the fields `ssh-keygen -L` prints, in its words
//! and order, and the same as JSON.

use serde_json::{Value, json};

use keyconv::key::certificate::FOREVER;
use keyconv::key::{Certificate, CertificateOption, FingerprintHash};

use super::platform::{certificate_time, rfc3339_utc};

/// ssh-keygen's `Valid:` text: `forever`, `after T`, `before T` or `from T to T`, local time.
pub(crate) fn validity(cert: &Certificate) -> String {
    if cert.is_valid_forever() {
        return "forever".to_owned();
    }
    let from = certificate_time(cert.valid_after);
    let to = certificate_time(cert.valid_before);
    if cert.valid_after == 0 {
        format!("before {to}")
    } else if cert.valid_before == FOREVER {
        format!("after {from}")
    } else {
        format!("from {from} to {to}")
    }
}

/// The lines `ssh-keygen -L` prints after the file name, each `(depth, text)`: depth 0 for a
/// field, 1 for an item of a list (a principal, an option).
pub(crate) fn lines(cert: &Certificate) -> Vec<(usize, String)> {
    let mut out = vec![
        (
            0,
            format!(
                "Type: {} {} certificate",
                cert.algorithm,
                cert.cert_type.name()
            ),
        ),
        (
            0,
            format!(
                "Public key: {}-CERT {}",
                cert.key.label(),
                cert.key_fingerprint(FingerprintHash::Sha256)
            ),
        ),
        (
            0,
            format!(
                "Signing CA: {} {} (using {})",
                cert.signature_key.label(),
                cert.ca_fingerprint(FingerprintHash::Sha256),
                cert.signature_algorithm
            ),
        ),
        (0, format!("Key ID: \"{}\"", cert.key_id)),
        (0, format!("Serial: {}", cert.serial)),
        (0, format!("Valid: {}", validity(cert))),
    ];
    let list = |out: &mut Vec<(usize, String)>, title: &str, items: Vec<String>| {
        if items.is_empty() {
            out.push((0, format!("{title}: (none)")));
        } else {
            out.push((0, format!("{title}:")));
            out.extend(items.into_iter().map(|i| (1, i)));
        }
    };
    list(&mut out, "Principals", cert.principals.clone());
    let shown = |options: &[CertificateOption], critical: bool| {
        options
            .iter()
            .map(|o| match o.display_value(critical) {
                Some(value) => format!("{} {value}", o.name),
                None => o.name.clone(),
            })
            .collect::<Vec<_>>()
    };
    list(
        &mut out,
        "Critical Options",
        shown(&cert.critical_options, true),
    );
    list(&mut out, "Extensions", shown(&cert.extensions, false));
    out
}

fn options_json(options: &[CertificateOption]) -> Value {
    options
        .iter()
        .map(|o| {
            json!({
                "name": o.name,
                "value": if o.data.is_empty() { None } else { o.string_value() },
                "data_hex": hex::encode(&o.data),
            })
        })
        .collect()
}

/// The certificate as JSON (times as seconds and as RFC 3339 UTC; `null` for no bound).
pub(crate) fn json(cert: &Certificate) -> Value {
    let ca = &cert.signature_key;
    json!({
        "type": cert.cert_type.name(),
        "key_id": cert.key_id,
        "serial": cert.serial,
        "principals": cert.principals,
        "valid_after": cert.valid_after,
        "valid_before": cert.valid_before,
        "valid_from": (cert.valid_after != 0).then(|| rfc3339_utc(cert.valid_after)),
        "valid_to": (cert.valid_before != FOREVER).then(|| rfc3339_utc(cert.valid_before)),
        "valid_forever": cert.is_valid_forever(),
        "critical_options": options_json(&cert.critical_options),
        "extensions": options_json(&cert.extensions),
        "signature_algorithm": cert.signature_algorithm,
        "ca": {
            "type": ca.label(),
            "algorithm": ca.algorithm(),
            "bits": ca.bits(),
            "fingerprint_sha256": cert.ca_fingerprint(FingerprintHash::Sha256),
            "fingerprint_md5": cert.ca_fingerprint(FingerprintHash::Md5),
        },
    })
}
