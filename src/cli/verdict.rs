//! The FIPS assessment as `inspect` and `fips-check` print it: text lines and the JSON verdict.

use serde_json::{Value, json};

use keyconv::fips::{Assessment, rule_by_id};

pub(crate) fn citation(rule: &str) -> &'static str {
    rule_by_id(rule).map(|r| r.citation).unwrap_or("-")
}

/// The FIPS part of `inspect --json` and `fips-check --json`.
pub(crate) fn assessment_json(a: &Assessment) -> Value {
    json!({
        "verdict": a.compliance(false).to_string(),
        "strict_verdict": a.compliance(true).to_string(),
        "key_assessed": a.key_assessed,
        "findings": a.findings.iter().map(|f| json!({
            "rule": f.rule,
            "verdict": f.verdict.name(),
            "detail": f.detail,
            "citation": citation(f.rule),
        })).collect::<Vec<_>>(),
    })
}

/// The FIPS part of text reports: one line per finding.
pub(crate) fn assessment_lines(a: &Assessment, indent: &str) -> String {
    let mut s = String::new();
    for f in &a.findings {
        s.push_str(&format!(
            "{indent}{:<13} {:<18} {} ({})\n",
            f.verdict.name(),
            f.rule,
            f.detail,
            citation(f.rule)
        ));
    }
    if !a.key_assessed {
        s.push_str(&format!(
            "{indent}{:<13} {:<18} the key is encrypted: give a passphrase to assess it\n",
            "not-assessed", "key-*"
        ));
    }
    s
}
