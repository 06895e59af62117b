//! `baseline.loginDefs`: password ageing, default umask and hashing from /etc/login.defs.
//! shadow-utils lets a later definition replace an earlier one, so the last value wins.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::probe::{cannot_read, section, Ctx, Probe};

const PATH: &str = "/etc/login.defs";
/// Reported keys; one the file does not set is null (the tools' built-in default applies).
pub(crate) const KEYS: &[&str] = &[
    "ENCRYPT_METHOD",
    "PASS_MAX_DAYS",
    "PASS_MIN_DAYS",
    "PASS_MIN_LEN",
    "PASS_WARN_AGE",
    "SHA_CRYPT_MIN_ROUNDS",
    "UMASK",
];

pub(crate) fn parse(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        if let (Some(k), Some(v)) = (words.next(), words.next()) {
            out.insert(k.to_string(), v.trim_matches('"').to_string());
        }
    }
    out
}

pub(crate) fn probe(ctx: &Ctx) -> (Value, Probe) {
    let (values, probe) = match ctx.read_text(PATH) {
        Ok(text) => {
            let all = parse(&text);
            let values: Map<String, Value> = KEYS
                .iter()
                .map(|k| ((*k).to_string(), json!(all.get(*k))))
                .collect();
            (Value::Object(values), Probe::ok("login-defs", PATH))
        }
        Err(e) => (
            Value::Null,
            Probe::unknown("login-defs", PATH, cannot_read(PATH, &e, None)),
        ),
    };
    let mut fields = Map::new();
    fields.insert("values".into(), values);
    (section(&[&probe], fields), probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_definition_wins_and_comments_are_skipped() {
        let v = parse("# PASS_MAX_DAYS 1\nPASS_MAX_DAYS\t99999\nUMASK 022\nUMASK 027\n");
        assert_eq!(v["PASS_MAX_DAYS"], "99999");
        assert_eq!(v["UMASK"], "027");
    }

    #[test]
    fn unset_keys_are_null_and_a_missing_file_is_unknown() {
        use crate::collect::testutil::{ctx, host};
        let (_d, h) = host(&[("/etc/login.defs", "UMASK 077\n")]);
        let (v, p) = probe(&ctx(&h, false));
        assert!(p.is_ok());
        assert_eq!(v["values"]["UMASK"], "077");
        assert_eq!(v["values"]["PASS_MAX_DAYS"], Value::Null);
        let (_d, h) = host(&[("/etc/hostname", "x")]);
        let (v, _) = probe(&ctx(&h, false));
        assert_eq!(v["status"], "unknown");
        assert_eq!(v["reason"], "cannot read /etc/login.defs: not found");
    }
}
