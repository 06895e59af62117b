//! `baseline.accounts`: accounts with UID 0 (from /etc/passwd) and accounts without a
//! password (an empty password field in /etc/passwd or /etc/shadow). Only names leave this
//! module: password fields are tested for emptiness and never copied, so no hash can reach
//! a snapshot. Reading /etc/shadow needs root; without it `emptyPassword` is null.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::probe::{cannot_read, section, sorted_strings, Ctx, Probe};
use super::users::{db_fields, Users};

const SHADOW: &str = "/etc/shadow";

/// Names whose shadow password field is empty. The field itself is never kept.
pub(crate) fn empty_shadow_passwords(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(db_fields)
        .filter(|f| f.get(1).is_some_and(|p| p.is_empty()))
        .filter_map(|f| f.first().map(|n| (*n).to_string()))
        .collect()
}

pub(crate) fn probe(ctx: &Ctx, users: &Users) -> (Value, Vec<Probe>) {
    let mut fields = Map::new();
    let (accounts_probe, shadow_probe) = match &users.accounts {
        Ok(accounts) => {
            let uid0 = accounts
                .iter()
                .filter(|a| a.uid == 0)
                .map(|a| a.name.clone());
            fields.insert("uid0".into(), sorted_strings(uid0));
            fields.insert("users".into(), json!(accounts.len()));
            let shadow = match ctx.read_text(SHADOW) {
                Ok(text) => {
                    let mut names = empty_shadow_passwords(&text);
                    names.extend(
                        accounts
                            .iter()
                            .filter(|a| a.empty_password)
                            .map(|a| a.name.clone()),
                    );
                    fields.insert("emptyPassword".into(), sorted_strings(names));
                    Probe::ok("empty-passwords", SHADOW)
                }
                Err(e) => {
                    fields.insert("emptyPassword".into(), Value::Null);
                    let reason = cannot_read(SHADOW, &e, Some("empty-password checks"));
                    Probe::unknown("empty-passwords", SHADOW, reason)
                }
            };
            (Probe::ok("accounts", "/etc/passwd"), shadow)
        }
        Err(reason) => {
            for k in ["uid0", "users", "emptyPassword"] {
                fields.insert(k.into(), Value::Null);
            }
            (
                Probe::unknown("accounts", "/etc/passwd", reason.clone()),
                Probe::unknown("empty-passwords", SHADOW, reason.clone()),
            )
        }
    };
    let value = section(&[&accounts_probe, &shadow_probe], fields);
    (value, vec![accounts_probe, shadow_probe])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_empty_fields_count_and_locked_ones_do_not() {
        let names = empty_shadow_passwords(
            "root:!:19000:0:99999:7:::\ndaemon:*:19000::::::\nguest::19000::::::\n",
        );
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["guest"]);
    }

    #[test]
    fn uid0_and_empty_passwords_from_passwd_and_shadow() {
        use crate::collect::testutil::{ctx, host};
        let (_d, h) = host(&[
            ("/etc/passwd", "root:x:0:0::/root:/bin/sh\nop:x:0:0::/root:/bin/sh\nnopw::1001:1001::/home/nopw:/bin/sh\nguest:x:1002:1002::/home/guest:/bin/sh\n"),
            ("/etc/shadow", "root:!:1::::::\nop:*:1::::::\nguest::1::::::\n"),
        ]);
        let c = ctx(&h, false);
        let (v, probes) = probe(&c, &Users::load(&c));
        assert_eq!(v["uid0"], json!(["op", "root"]));
        assert_eq!(v["emptyPassword"], json!(["guest", "nopw"]));
        assert_eq!(v["users"], 4);
        assert!(probes.iter().all(Probe::is_ok));
    }
}
