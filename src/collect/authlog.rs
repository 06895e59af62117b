//! `events.privilege` and `events.accountChanges`: sudo and su use, and the account and group
//! changes the shadow utilities log (useradd, usermod, userdel, groupadd, groupdel, gpasswd,
//! passwd, chpasswd), parsed from the same auth log (or journal) as the logins.
//!
//! Only what identifies the change is kept: accounts, groups, ids, the command sudo ran and
//! the terminal. The shadow utilities log one line for /etc/group and another for
//! /etc/gshadow; only the first is kept, so each change is one event.

use serde_json::{json, Map, Value};

/// Programs whose lines this module reads.
pub(crate) const PROGRAMS: &[&str] = &[
    "sudo", "su", "su-l", "useradd", "usermod", "userdel", "groupadd", "groupmod", "groupdel",
    "gpasswd", "passwd", "chpasswd",
];

/// A sudo or su event (without its time).
pub(crate) fn privilege(program: &str, msg: &str) -> Option<Map<String, Value>> {
    let msg = msg.trim();
    match program {
        "sudo" => sudo(msg),
        "su" | "su-l" => su(msg),
        _ => None,
    }
}

/// `alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id` (success) or
/// `alice : 3 incorrect password attempts ; TTY=... ; USER=root ; COMMAND=/bin/sh` (failure).
fn sudo(msg: &str) -> Option<Map<String, Value>> {
    let (user, rest) = msg.split_once(" : ")?;
    let mut fields = rest.split(" ; ");
    let mut reason = None;
    let mut target = None;
    let mut command = None;
    let mut tty = None;
    if let Some(first) = fields.next() {
        let mut all = vec![first];
        all.extend(fields);
        for f in all {
            match f.split_once('=') {
                Some(("USER", v)) => target = Some(v.trim().to_string()),
                Some(("COMMAND", v)) => command = Some(v.trim().to_string()),
                Some(("TTY", v)) => tty = Some(v.trim().to_string()),
                Some(_) => {}
                None => reason = Some(f.trim().to_string()),
            }
        }
    }
    // A line without COMMAND (e.g. a session line) is not a use of sudo.
    let command = command?;
    let mut m = Map::new();
    m.insert("tool".into(), json!("sudo"));
    m.insert("user".into(), json!(user.trim()));
    m.insert("target".into(), json!(target));
    m.insert("command".into(), json!(command));
    m.insert("tty".into(), json!(tty));
    m.insert(
        "result".into(),
        json!(if reason.is_some() {
            "failure"
        } else {
            "success"
        }),
    );
    if let Some(r) = reason {
        m.insert("reason".into(), json!(r));
    }
    Some(m)
}

/// `(to root) alice on pts/0` or `FAILED SU (to root) alice on pts/0`.
fn su(msg: &str) -> Option<Map<String, Value>> {
    let (failed, rest) = match msg.strip_prefix("FAILED SU ") {
        Some(r) => (true, r),
        None => (false, msg),
    };
    let rest = rest.strip_prefix("(to ")?;
    let (target, rest) = rest.split_once(") ")?;
    let (user, tty) = match rest.split_once(" on ") {
        Some((u, t)) => (u, Some(t.trim())),
        None => (rest, None),
    };
    let mut m = Map::new();
    m.insert("tool".into(), json!("su"));
    m.insert("user".into(), json!(user.trim()));
    m.insert("target".into(), json!(target.trim()));
    m.insert("command".into(), Value::Null);
    m.insert("tty".into(), json!(tty));
    m.insert(
        "result".into(),
        json!(if failed { "failure" } else { "success" }),
    );
    Some(m)
}

/// `key=value` pairs of `name=x, UID=0, GID=0, home=/home/x`.
fn pairs(s: &str) -> Vec<(&str, &str)> {
    s.split(',')
        .filter_map(|p| p.trim().split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

fn get<'a>(pairs: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// `'alice'` -> `alice`.
fn unquote(s: &str) -> &str {
    s.trim().trim_matches('\'')
}

fn number(s: Option<&str>) -> Value {
    s.and_then(|v| v.trim().trim_matches('\'').parse::<i64>().ok())
        .map_or(Value::Null, |n| json!(n))
}

/// An account or group change (without its time).
pub(crate) fn account_change(program: &str, msg: &str) -> Option<Map<String, Value>> {
    let msg = msg.trim();
    let mut m = Map::new();
    let mut set = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    set("tool", json!(program));
    let action;
    if let Some(rest) = msg.strip_prefix("new user: ") {
        let p = pairs(rest);
        action = "user-added";
        set("user", json!(get(&p, "name")?));
        set("uid", number(get(&p, "UID")));
        set("gid", number(get(&p, "GID")));
        set("home", json!(get(&p, "home")));
        set("shell", json!(get(&p, "shell")));
    } else if let Some(rest) = msg
        .strip_prefix("new group: ")
        .or_else(|| msg.strip_prefix("group added to /etc/group: "))
    {
        let p = pairs(rest);
        action = "group-added";
        set("group", json!(get(&p, "name")?));
        set("gid", number(get(&p, "GID")));
    } else if let Some(rest) = msg.strip_prefix("add ") {
        // add 'alice' to group 'sudo' (the `shadow group` twin is the same change)
        let (user, group) = rest.split_once(" to group ")?;
        action = "group-member-added";
        set("user", json!(unquote(user)));
        set("group", json!(unquote(group)));
    } else if let Some(rest) = msg.strip_prefix("delete ") {
        if let Some((user, group)) = rest.split_once(" from group ") {
            action = "group-member-removed";
            set("user", json!(unquote(user)));
            set("group", json!(unquote(group)));
        } else if let Some(user) = rest.strip_prefix("user ") {
            action = "user-deleted";
            set("user", json!(unquote(user)));
        } else {
            return None;
        }
    } else if let Some(rest) = msg.strip_prefix("user ") {
        // gpasswd: user alice added by root to group sudo / removed by root from group sudo
        let (user, rest) = rest.split_once(' ')?;
        if let Some(rest) = rest.strip_prefix("added by ") {
            let (by, group) = rest.split_once(" to group ")?;
            action = "group-member-added";
            set("user", json!(user));
            set("group", json!(group.trim()));
            set("by", json!(by));
        } else if let Some(rest) = rest.strip_prefix("removed by ") {
            let (by, group) = rest.split_once(" from group ")?;
            action = "group-member-removed";
            set("user", json!(user));
            set("group", json!(group.trim()));
            set("by", json!(by));
        } else {
            return None;
        }
    } else if let Some(rest) = msg.strip_prefix("change user ") {
        // change user 'alice' UID from '1001' to '0'
        let (user, rest) = rest.split_once(' ')?;
        action = "user-modified";
        set("user", json!(unquote(user)));
        if let Some(ids) = rest.strip_prefix("UID from ") {
            let (_, to) = ids.split_once(" to ")?;
            set("uid", number(Some(to)));
        }
        set("detail", json!(rest.trim()));
    } else if let Some(rest) = msg.strip_prefix("group ") {
        // group 'x' removed from /etc/group
        let (group, rest) = rest.split_once(' ')?;
        if rest.trim() != "removed from /etc/group" {
            return None;
        }
        action = "group-deleted";
        set("group", json!(unquote(group)));
    } else if let Some(rest) = msg.split_once("password changed for ").map(|(_, r)| r) {
        action = "password-changed";
        set("user", json!(rest.trim()));
    } else {
        return None;
    }
    m.insert("action".into(), json!(action));
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(program: &str, msg: &str) -> Value {
        Value::Object(account_change(program, msg).unwrap())
    }

    #[test]
    fn sudo_and_su() {
        let ok = privilege(
            "sudo",
            "  deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/apt-get update",
        )
        .unwrap();
        assert_eq!(ok["user"], "deploy");
        assert_eq!(ok["target"], "root");
        assert_eq!(ok["command"], "/usr/bin/apt-get update");
        assert_eq!(ok["result"], "success");
        let bad = privilege(
            "sudo",
            "alice : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash",
        )
        .unwrap();
        assert_eq!(
            (bad["result"].as_str(), bad["reason"].as_str()),
            (Some("failure"), Some("3 incorrect password attempts"))
        );
        assert!(privilege(
            "sudo",
            "pam_unix(sudo:session): session opened for user root(uid=0) by deploy(uid=1000)"
        )
        .is_none());
        let su = privilege("su", "(to root) alice on pts/0").unwrap();
        assert_eq!(
            (su["user"].as_str(), su["target"].as_str()),
            (Some("alice"), Some("root"))
        );
        assert_eq!(
            privilege("su", "FAILED SU (to root) bob on pts/2").unwrap()["result"],
            "failure"
        );
        assert!(privilege("su", "pam_unix(su:session): session closed for user root").is_none());
    }

    #[test]
    fn account_and_group_changes() {
        let u = action(
            "useradd",
            "new user: name=backdoor, UID=0, GID=0, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/1",
        );
        assert_eq!(
            (u["action"].as_str(), u["user"].as_str(), u["uid"].as_i64()),
            (Some("user-added"), Some("backdoor"), Some(0))
        );
        let g = action("usermod", "add 'alice' to group 'sudo'");
        assert_eq!(
            (
                g["action"].as_str(),
                g["user"].as_str(),
                g["group"].as_str()
            ),
            (Some("group-member-added"), Some("alice"), Some("sudo"))
        );
        assert!(account_change("usermod", "add 'alice' to shadow group 'sudo'").is_none());
        let gp = action("gpasswd", "user bob added by root to group wheel");
        assert_eq!(
            (gp["group"].as_str(), gp["by"].as_str()),
            (Some("wheel"), Some("root"))
        );
        assert_eq!(
            action("groupadd", "group added to /etc/group: name=ops, GID=1005")["gid"],
            1005
        );
        assert!(account_change("groupadd", "group added to /etc/gshadow: name=ops").is_none());
        assert_eq!(
            action("userdel", "delete user 'bob'")["action"],
            "user-deleted"
        );
        assert_eq!(
            action("usermod", "change user 'alice' UID from '1001' to '0'")["uid"],
            0
        );
        assert_eq!(
            action(
                "passwd",
                "pam_unix(passwd:chauthtok): password changed for alice"
            )["user"],
            "alice"
        );
        assert_eq!(
            action("groupdel", "group 'ops' removed from /etc/group")["group"],
            "ops"
        );
        assert!(account_change("usermod", "lock user 'x' password").is_none());
    }
}
