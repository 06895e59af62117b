//! The host's own user and group databases (/etc/passwd, /etc/group under the root), read
//! once: file owners are named from them (not from the machine running posture, which may
//! be inspecting another root), and accounts and authorized_keys probes start from them.

use std::collections::BTreeMap;

use super::probe::{cannot_read, Ctx};

/// One /etc/passwd entry. No password data is kept beyond "the field is empty".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    pub name: String,
    pub uid: u32,
    /// Primary group id.
    pub gid: Option<u32>,
    pub home: String,
    /// The passwd password field is empty: no password at all (shadow is not consulted).
    pub empty_password: bool,
}

/// passwd and group, or why each could not be read.
#[derive(Debug, Clone)]
pub(crate) struct Users {
    pub accounts: Result<Vec<Account>, String>,
    groups: Result<BTreeMap<u32, String>, String>,
    /// Group name -> (gid, listed members), from /etc/group.
    members: Result<BTreeMap<String, (u32, Vec<String>)>, String>,
    user_names: BTreeMap<u32, String>,
}

/// Fields of a colon-separated database line; comments, blanks and NIS `+`/`-` entries
/// (which name no local account) are skipped.
pub(crate) fn db_fields(line: &str) -> Option<Vec<&str>> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() || line.starts_with('#') || line.starts_with(['+', '-']) {
        return None;
    }
    Some(line.split(':').collect())
}

pub(crate) fn parse_passwd(text: &str) -> Vec<Account> {
    text.lines()
        .filter_map(db_fields)
        .filter_map(|f| {
            Some(Account {
                name: (*f.first()?).to_string(),
                empty_password: f.get(1)?.is_empty(),
                uid: f.get(2)?.parse().ok()?,
                gid: f.get(3).and_then(|g| g.parse().ok()),
                home: f.get(5).map_or_else(String::new, |h| (*h).to_string()),
            })
        })
        .collect()
}

/// Group name -> (gid, supplementary members) of /etc/group; the first entry of a name wins.
pub(crate) fn parse_group_members(text: &str) -> BTreeMap<String, (u32, Vec<String>)> {
    let mut out = BTreeMap::new();
    for f in text.lines().filter_map(db_fields) {
        if let (Some(name), Some(Ok(gid))) = (f.first(), f.get(2).map(|g| g.parse::<u32>())) {
            let members = f
                .get(3)
                .map(|m| {
                    m.split(',')
                        .map(str::trim)
                        .filter(|m| !m.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            out.entry((*name).to_string()).or_insert((gid, members));
        }
    }
    out
}

fn parse_group(text: &str) -> BTreeMap<u32, String> {
    let mut out = BTreeMap::new();
    for f in text.lines().filter_map(db_fields) {
        if let (Some(name), Some(Ok(gid))) = (f.first(), f.get(2).map(|g| g.parse::<u32>())) {
            // getgrgid returns the first entry for a gid.
            out.entry(gid).or_insert_with(|| (*name).to_string());
        }
    }
    out
}

impl Users {
    pub fn load(ctx: &Ctx) -> Self {
        let accounts = ctx
            .read_text("/etc/passwd")
            .map(|t| parse_passwd(&t))
            .map_err(|e| cannot_read("/etc/passwd", &e, None));
        let group_text = ctx
            .read_text("/etc/group")
            .map_err(|e| cannot_read("/etc/group", &e, None));
        let groups = group_text
            .as_ref()
            .map(|t| parse_group(t))
            .map_err(Clone::clone);
        let members = group_text.map(|t| parse_group_members(&t));
        let mut user_names = BTreeMap::new();
        for a in accounts.iter().flatten() {
            user_names.entry(a.uid).or_insert_with(|| a.name.clone());
        }
        Self {
            accounts,
            groups,
            members,
            user_names,
        }
    }

    /// The name of a uid in the host's passwd, when it has one.
    pub fn user_name(&self, uid: u32) -> Option<&str> {
        self.user_names.get(&uid).map(String::as_str)
    }

    /// Every account in group `name`: listed members and accounts whose primary group it
    /// is, sorted; `None` when the group does not exist, an error when /etc/group (or
    /// /etc/passwd) could not be read.
    pub fn members_of(&self, name: &str) -> Result<Option<Vec<String>>, String> {
        let groups = self.members.as_ref().map_err(Clone::clone)?;
        let accounts = self.accounts.as_ref().map_err(Clone::clone)?;
        let Some((gid, listed)) = groups.get(name) else {
            return Ok(None);
        };
        let mut all: std::collections::BTreeSet<String> = listed.iter().cloned().collect();
        all.extend(
            accounts
                .iter()
                .filter(|a| a.gid == Some(*gid))
                .map(|a| a.name.clone()),
        );
        Ok(Some(all.into_iter().collect()))
    }

    /// The name of a gid in the host's group file, when it has one.
    pub fn group_name(&self, gid: u32) -> Option<&str> {
        self.groups.as_ref().ok()?.get(&gid).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lines_parse_and_skip_nis_and_comments() {
        let a = parse_passwd(
            "root:x:0:0:root:/root:/bin/bash\n# note\n+::::::\nguest::1001:1001::/home/guest:/bin/sh\nbad:x:notanumber:0::/:/bin/sh\n",
        );
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].name, "root");
        assert!(!a[0].empty_password);
        assert!(a[1].empty_password);
        assert_eq!(a[1].home, "/home/guest");
    }

    #[test]
    fn first_group_for_a_gid_wins() {
        let g = parse_group("root:x:0:\nshadow:x:42:\nalias:x:42:\n");
        assert_eq!(g.get(&42).map(String::as_str), Some("shadow"));
    }
}
