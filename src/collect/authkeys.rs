//! `events.authorizedKeys`: the SSH public keys that can log in, per account.
//!
//! The files are those sshd would read: its effective `AuthorizedKeysFile` (default
//! `.ssh/authorized_keys .ssh/authorized_keys2`; `%h`, `%u`, `%U`, `%%` expanded, relative
//! paths under the home) for every /etc/passwd account with a home, plus /root. Each key
//! gives its type, its OpenSSH fingerprint (`SHA256:` + unpadded base64 of the SHA-256 of
//! the decoded key blob), its comment and any options. Files that exist but cannot be read
//! are listed in `authorizedKeysUnreadable` and make the probe unknown: the list is then
//! incomplete (a non-root run cannot read other users' homes).

use std::collections::{BTreeMap, BTreeSet};
use std::io;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::probe::{cannot_read, Ctx, Probe};
use super::users::Users;

const KEY_TYPES: &[&str] = &[
    "ssh-ed25519",
    "ssh-rsa",
    "ssh-dss",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

fn is_key_type(word: &str) -> bool {
    KEY_TYPES.contains(&word) || (word.ends_with("-cert-v01@openssh.com") && word.contains("ssh"))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with optional padding; `None` on any other character.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.trim_end_matches('=').bytes() {
        let v = u32::try_from(B64.iter().position(|b| *b == c)?).ok()?;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// Unpadded standard base64, as OpenSSH prints fingerprints.
pub(crate) fn base64_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b =
            [chunk.first(), chunk.get(1), chunk.get(2)].map(|x| u32::from(x.copied().unwrap_or(0)));
        let n = (b[0] << 16) | (b[1] << 8) | b[2];
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let idx = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
            out.extend(B64.get(idx).map(|c| char::from(*c)));
        }
    }
    out
}

/// `SHA256:<base64>` of a base64 key blob.
pub(crate) fn fingerprint(blob_b64: &str) -> Option<String> {
    let blob = base64_decode(blob_b64)?;
    Some(format!("SHA256:{}", base64_encode(&Sha256::digest(&blob))))
}

/// One authorized_keys line: (options, type, base64 blob, comment).
pub(crate) fn parse_key_line(
    line: &str,
) -> Option<(Option<String>, String, String, Option<String>)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    // Options may hold quoted spaces: split into words that respect double quotes.
    let mut words = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if i > start {
                    words.push((start, line.get(start..i)?));
                }
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if start < line.len() {
        words.push((start, line.get(start..)?));
    }
    let pos = words.iter().position(|(_, w)| is_key_type(w))?;
    let (type_at, kind) = *words.get(pos)?;
    let (blob_at, blob) = *words.get(pos + 1)?;
    let options = (pos > 0)
        .then(|| line.get(..type_at).map(|o| o.trim().to_string()))
        .flatten();
    let comment = line
        .get(blob_at + blob.len()..)
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    Some((options, kind.to_string(), blob.to_string(), comment))
}

fn expand(pattern: &str, user: &str, uid: u32, home: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('h') => out.push_str(home),
            Some('u') => out.push_str(user),
            Some('U') => out.push_str(&uid.to_string()),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    if out.starts_with('/') {
        out
    } else {
        format!("{}/{out}", home.trim_end_matches('/'))
    }
}

/// The `authorizedKeys` and `authorizedKeysUnreadable` values and the probe.
pub(crate) fn probe(
    ctx: &Ctx,
    users: &Users,
    sshd: Option<&BTreeMap<String, String>>,
) -> (Value, Value, Probe) {
    let files_setting = sshd
        .and_then(|s| s.get("authorizedkeysfile"))
        .map_or(".ssh/authorized_keys .ssh/authorized_keys2", String::as_str);
    let patterns: Vec<&str> = files_setting
        .split_whitespace()
        .filter(|p| *p != "none")
        .collect();
    let mut homes: BTreeSet<(String, u32, String)> = BTreeSet::new();
    let mut reasons = Vec::new();
    match &users.accounts {
        Ok(accounts) => {
            for a in accounts.iter().filter(|a| a.home.starts_with('/')) {
                homes.insert((a.name.clone(), a.uid, a.home.clone()));
            }
        }
        Err(r) => reasons.push(r.clone()),
    }
    if !homes.iter().any(|(name, _, _)| name == "root") {
        homes.insert(("root".into(), 0, "/root".into()));
    }
    let mut keys = Vec::new();
    let mut unreadable = Vec::new();
    let mut seen = BTreeSet::new();
    for (user, uid, home) in &homes {
        for pattern in &patterns {
            let path = expand(pattern, user, *uid, home);
            if !seen.insert((user.clone(), path.clone())) {
                continue;
            }
            match ctx.read_text(&path) {
                Ok(text) => {
                    for (n, line) in text.lines().enumerate() {
                        let Some((options, kind, blob, comment)) = parse_key_line(line) else {
                            continue;
                        };
                        keys.push(json!({
                            "user": user,
                            "path": path,
                            "line": n + 1,
                            "type": kind,
                            "fingerprint": fingerprint(&blob),
                            "comment": comment,
                            "options": options,
                        }));
                    }
                }
                Err(e)
                    if e.kind() == io::ErrorKind::NotFound
                        || e.kind() == io::ErrorKind::NotADirectory => {}
                Err(e) => {
                    let reason = cannot_read(&path, &e, Some("every user's authorized_keys"));
                    if reasons.is_empty() {
                        reasons.push(reason.clone());
                    }
                    unreadable.push(json!({"user": user, "path": path, "reason": reason}));
                }
            }
        }
    }
    let source = "AuthorizedKeysFile of every account";
    let probe = if reasons.is_empty() {
        Probe::ok("authorized-keys", source)
    } else {
        let mut reason = reasons.join("; ");
        if unreadable.len() > 1 {
            reason.push_str(&format!(" and {} more", unreadable.len() - 1));
        }
        Probe::unknown("authorized-keys", source, reason)
    };
    (json!(keys), json!(unreadable), probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIP0R7zFOg7JfCk7gWQyDSaRs8KHPvzLosoQEjz0Ul7BH";

    #[test]
    fn fingerprints_match_ssh_keygen() {
        // ssh-keygen -lf: 256 SHA256:ghXUnbrpiKsBEN0aMLCjhiSCCT5N1e4VbZMg3ElnP6Y deploy@ci (ED25519)
        assert_eq!(
            fingerprint(KEY).as_deref(),
            Some("SHA256:ghXUnbrpiKsBEN0aMLCjhiSCCT5N1e4VbZMg3ElnP6Y")
        );
        assert_eq!(fingerprint("not base64!"), None);
    }

    #[test]
    fn base64_round_trips() {
        for data in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar"] {
            let enc = base64_encode(data);
            assert_eq!(base64_decode(&enc).unwrap(), data);
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8");
    }

    #[test]
    fn key_lines_with_options_and_comments() {
        let line = format!("from=\"10.0.0.0/8,192.168.1.1\",command=\"echo a b\" ssh-ed25519 {KEY} deploy@ci extra");
        let (opts, kind, blob, comment) = parse_key_line(&line).unwrap();
        assert_eq!(
            opts.as_deref(),
            Some("from=\"10.0.0.0/8,192.168.1.1\",command=\"echo a b\"")
        );
        assert_eq!(kind, "ssh-ed25519");
        assert_eq!(blob, KEY);
        assert_eq!(comment.as_deref(), Some("deploy@ci extra"));
        let (opts, _, _, comment) = parse_key_line(&format!("ssh-ed25519 {KEY}")).unwrap();
        assert_eq!((opts, comment), (None, None));
        assert!(parse_key_line("# ssh-ed25519 AAAA").is_none());
    }

    #[test]
    fn authorized_keys_file_tokens() {
        assert_eq!(
            expand(".ssh/authorized_keys", "bob", 1000, "/home/bob"),
            "/home/bob/.ssh/authorized_keys"
        );
        assert_eq!(
            expand("/etc/ssh/keys/%u", "bob", 1000, "/home/bob"),
            "/etc/ssh/keys/bob"
        );
        assert_eq!(
            expand("%h/.k/%U%%", "bob", 1000, "/home/bob/"),
            "/home/bob//.k/1000%"
        );
    }

    #[test]
    fn keys_of_every_home_and_unreadable_files() {
        use crate::collect::testutil::{ctx, host};
        let key = format!("ssh-ed25519 {KEY} deploy@ci\n");
        let (_d, h) = host(&[
            ("/etc/passwd", "root:x:0:0::/root:/bin/sh\ndeploy:x:1000:1000::/home/deploy:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/false\n"),
            ("/home/deploy/.ssh/authorized_keys", &key),
            ("/home/deploy/.ssh/authorized_keys2", "# nothing\n"),
            ("/root/.ssh/authorized_keys", &key),
        ]);
        let h = h.deny("/root");
        let c = ctx(&h, false);
        let (keys, unreadable, p) = probe(&c, &Users::load(&c), None);
        assert_eq!(keys.as_array().unwrap().len(), 1);
        assert_eq!(keys[0]["user"], "deploy");
        assert_eq!(unreadable[0]["path"], "/root/.ssh/authorized_keys");
        assert_eq!(unreadable.as_array().unwrap().len(), 2);
        assert_eq!(
            p.reason.as_deref(),
            Some("cannot read /root/.ssh/authorized_keys: permission denied (run as root for every user's authorized_keys) and 1 more")
        );
        let settings: BTreeMap<String, String> = [(
            "authorizedkeysfile".to_string(),
            "/etc/ssh/keys/%u".to_string(),
        )]
        .into();
        let (keys, _, p) = probe(&c, &Users::load(&c), Some(&settings));
        assert!(p.is_ok());
        assert_eq!(keys, json!([]));
    }
}
