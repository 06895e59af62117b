//! `baseline.accounts`: accounts with UID 0 (from /etc/passwd) and accounts without a
//! password (an empty password field in /etc/passwd or /etc/shadow). Only names leave this
//! module: password fields are tested for emptiness and never copied, so no hash can reach
//! a snapshot. Reading /etc/shadow needs root; without it `emptyPassword` is null.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::probe::{cannot_read, section, sorted_strings, Ctx, Probe};
use super::users::{db_fields, Users};

const SHADOW: &str = "/etc/shadow";

/// Groups whose members may become root (sudo on Debian, wheel on the RHEL family, admin on
/// older Ubuntu).
pub(crate) const ADMIN_GROUPS: &[&str] = &["admin", "sudo", "wheel"];

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
            fields.insert("uid0".into(), sorted_strings(uid0.clone()));
            // Who can act as root: UID 0 accounts and the admin groups' members.
            let mut groups = Map::new();
            let mut admins: BTreeSet<String> = uid0.collect();
            let mut group_error = None;
            for g in ADMIN_GROUPS {
                match users.members_of(g) {
                    Ok(Some(members)) => {
                        admins.extend(members.iter().cloned());
                        groups.insert((*g).to_string(), json!(members));
                    }
                    Ok(None) => {}
                    Err(e) => group_error = Some(e),
                }
            }
            if group_error.is_some() {
                fields.insert("privilegedGroups".into(), Value::Null);
                fields.insert("admins".into(), Value::Null);
            } else {
                fields.insert("privilegedGroups".into(), Value::Object(groups));
                fields.insert("admins".into(), sorted_strings(admins));
            }
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
            for k in [
                "uid0",
                "users",
                "emptyPassword",
                "privilegedGroups",
                "admins",
            ] {
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

    #[test]
    fn admins_are_uid0_and_the_admin_groups_members() {
        use crate::collect::testutil::{ctx, host};
        let (_d, h) = host(&[
            (
                "/etc/passwd",
                "root:x:0:0::/root:/bin/sh
alice:x:1001:1001::/home/alice:/bin/sh
bob:x:1002:10::/home/bob:/bin/sh
",
            ),
            (
                "/etc/group",
                "root:x:0:
wheel:x:10:
sudo:x:27:alice,carol
",
            ),
        ]);
        let c = ctx(&h, false);
        let (v, _) = probe(&c, &Users::load(&c));
        assert_eq!(
            v["privilegedGroups"],
            json!({"sudo": ["alice", "carol"], "wheel": ["bob"]})
        );
        assert_eq!(v["admins"], json!(["alice", "bob", "carol", "root"]));
        let (_d, h) = host(&[(
            "/etc/passwd",
            "root:x:0:0::/root:/bin/sh
",
        )]);
        let c = ctx(&h, false);
        let (v, _) = probe(&c, &Users::load(&c));
        assert_eq!(v["admins"], Value::Null);
    }
}
