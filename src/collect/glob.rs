//! Shell-style globbing over a [`Ctx`] host (for sshd's `Include`): `*`, `?` and bracket
//! classes within path components, matches sorted like glob(3), dot files not matched.

use super::probe::Ctx;

/// Expands a path whose components may hold `*`, `?` and `[...]`; sorted, like glob(3).
pub(crate) fn glob(ctx: &Ctx, pattern: &str) -> Vec<String> {
    let mut current = vec![String::new()];
    for part in pattern.split('/').filter(|p| !p.is_empty()) {
        let mut next = Vec::new();
        for base in &current {
            if part.contains(['*', '?', '[']) {
                let dir = if base.is_empty() {
                    "/".to_string()
                } else {
                    base.clone()
                };
                for entry in ctx.list(&dir).unwrap_or_default() {
                    let name = entry.rsplit('/').next().unwrap_or_default();
                    if !name.starts_with('.') && wildcard(part, name) {
                        next.push(entry);
                    }
                }
            } else {
                next.push(format!("{base}/{part}"));
            }
        }
        current = next;
    }
    current.retain(|p| ctx.metadata(p).is_ok_and(|m| !m.is_dir));
    current.sort();
    current
}

/// fnmatch for one path component: `*`, `?` and bracket classes.
pub(crate) fn wildcard(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    matches_at(&p, &n)
}

fn matches_at(p: &[char], n: &[char]) -> bool {
    match p.split_first() {
        None => n.is_empty(),
        Some(('*', rest)) => {
            (0..=n.len()).any(|i| n.get(i..).is_some_and(|tail| matches_at(rest, tail)))
        }
        Some(('?', rest)) => n
            .split_first()
            .is_some_and(|(_, tail)| matches_at(rest, tail)),
        Some(('[', rest)) => {
            let Some(close) = rest.iter().skip(1).position(|c| *c == ']').map(|i| i + 1) else {
                return n.first() == Some(&'[') && matches_at(rest, n.get(1..).unwrap_or_default());
            };
            let (class, after) = rest.split_at(close);
            let after = after.get(1..).unwrap_or_default();
            let (negate, class) = match class.split_first() {
                Some(('!' | '^', c)) => (true, c),
                _ => (false, class),
            };
            let Some((c, tail)) = n.split_first() else {
                return false;
            };
            let mut hit = false;
            let mut i = 0;
            while let Some(lo) = class.get(i) {
                if class.get(i + 1) == Some(&'-') && class.get(i + 2).is_some() {
                    let hi = class.get(i + 2).copied().unwrap_or(*lo);
                    hit |= (*lo..=hi).contains(c);
                    i += 3;
                } else {
                    hit |= lo == c;
                    i += 1;
                }
            }
            hit != negate && matches_at(after, tail)
        }
        Some((c, rest)) => n
            .split_first()
            .is_some_and(|(d, tail)| c == d && matches_at(rest, tail)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("*.conf", "50-cloud.conf"));
        assert!(!wildcard("*.conf", "README"));
        assert!(wildcard("[0-9]?-*", "50-x"));
        assert!(!wildcard("[!0-9]*", "5"));
        assert!(wildcard("a[", "a["));
    }
}
