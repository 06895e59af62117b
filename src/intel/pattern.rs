//! The subset of STIX 2.1 patterning posture matches offline: comparisons of an observable's
//! value with `=`, joined by `OR` inside one observation or between observations.
//!
//! `[ipv4-addr:value = '198.51.100.7']`, `[domain-name:value = 'evil.example' OR
//! url:value = 'http://evil.example/x']`, `[file:hashes.'SHA-256' = '...'] OR [...]`.
//! Anything else (`AND`, `FOLLOWEDBY`, `MATCHES`, `LIKE`, `IN`, `!=`, qualifiers such as
//! `WITHIN`, other object paths) is refused with the reason, so the caller can report it:
//! matching part of a pattern would raise alerts the pattern's author did not mean.

use std::net::IpAddr;

/// One supported comparison: the indicator type posture uses and the value to match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// `ipv4-addr`, `ipv6-addr`, `domain-name`, `url`, `file:hashes.SHA-256`,
    /// `file:hashes.SHA-1` or `file:hashes.MD5`.
    pub kind: String,
    /// The value, normalised: hashes and domains lower-case, addresses as parsed.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Path(String),
    Op(String),
    Str(String),
    Word(String),
}

fn tokens(pattern: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '[' => {
                chars.next();
                out.push(Token::Open);
            }
            ']' => {
                chars.next();
                out.push(Token::Close);
            }
            '(' | ')' => return Err("parenthesised expressions are not supported".into()),
            '\'' => {
                chars.next();
                let mut s = String::new();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some(e @ ('\'' | '\\')) => s.push(e),
                            _ => return Err("a string has an invalid escape".into()),
                        },
                        '\'' => {
                            closed = true;
                            break;
                        }
                        c => s.push(c),
                    }
                }
                if !closed {
                    return Err("a string is not closed".into());
                }
                out.push(Token::Str(s));
            }
            '=' | '!' | '<' | '>' => {
                let mut op = String::new();
                while let Some(&c) = chars.peek() {
                    if matches!(c, '=' | '!' | '<' | '>') {
                        op.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Token::Op(op));
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => {
                let mut word = String::new();
                let mut is_path = false;
                while let Some(&c) = chars.peek() {
                    if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '*') {
                        word.push(c);
                        chars.next();
                    } else if c == ':' {
                        is_path = true;
                        word.push(c);
                        chars.next();
                    } else if c == '\'' && word.ends_with('.') {
                        // A quoted path segment: file:hashes.'SHA-256'.
                        chars.next();
                        for c in chars.by_ref() {
                            if c == '\'' {
                                break;
                            }
                            word.push(c);
                        }
                    } else {
                        break;
                    }
                }
                out.push(if is_path {
                    Token::Path(word)
                } else {
                    Token::Word(word)
                });
            }
            other => return Err(format!("unexpected character {other:?}")),
        }
    }
    Ok(out)
}

/// The comparisons of a pattern when all of it is supported; otherwise why not.
pub fn parse(pattern: &str) -> Result<Vec<Comparison>, String> {
    let toks = tokens(pattern)?;
    let mut out = Vec::new();
    let mut i = 0usize;
    let at = |i: usize| toks.get(i);
    loop {
        // One observation: [ comparison (OR comparison)* ]
        if at(i) != Some(&Token::Open) {
            return Err("expected `[` to open an observation".into());
        }
        i += 1;
        loop {
            let Some(Token::Path(path)) = at(i) else {
                return Err(match at(i) {
                    Some(Token::Word(w)) => {
                        format!("`{w}` is not supported (only `=` comparisons joined by OR)")
                    }
                    _ => "expected an object path such as ipv4-addr:value".into(),
                });
            };
            match at(i + 1) {
                Some(Token::Op(op)) if op == "=" => {}
                Some(Token::Op(op)) => {
                    return Err(format!("operator `{op}` is not supported (only `=`)"))
                }
                Some(Token::Word(w)) => {
                    return Err(format!("operator `{w}` is not supported (only `=`)"))
                }
                _ => return Err(format!("expected `=` after {path}")),
            }
            let Some(Token::Str(value)) = at(i + 2) else {
                return Err(format!("expected a quoted value after {path} ="));
            };
            out.push(comparison(path, value)?);
            i += 3;
            match at(i) {
                Some(Token::Word(w)) if w == "OR" => i += 1,
                Some(Token::Close) => {
                    i += 1;
                    break;
                }
                Some(Token::Word(w)) => {
                    return Err(format!("`{w}` is not supported (only OR)"));
                }
                _ => return Err("expected OR or `]`".into()),
            }
        }
        match at(i) {
            None => return Ok(out),
            Some(Token::Word(w)) if w == "OR" => i += 1,
            Some(Token::Word(w)) => {
                return Err(format!(
                    "`{w}` is not supported (only OR between observations)"
                ))
            }
            Some(_) => return Err("expected OR between observations".into()),
        }
    }
}

/// The supported object paths, as posture names the indicator types.
fn comparison(path: &str, value: &str) -> Result<Comparison, String> {
    let lower = path.to_ascii_lowercase();
    let kind = match lower.as_str() {
        "ipv4-addr:value" => "ipv4-addr",
        "ipv6-addr:value" => "ipv6-addr",
        "domain-name:value" => "domain-name",
        "url:value" => "url",
        "file:hashes.sha-256" | "file:hashes.sha256" => "file:hashes.SHA-256",
        "file:hashes.sha-1" | "file:hashes.sha1" => "file:hashes.SHA-1",
        "file:hashes.md5" => "file:hashes.MD5",
        _ => return Err(format!("object path `{path}` is not supported")),
    };
    let value = normalise(kind, value)?;
    Ok(Comparison {
        kind: kind.to_string(),
        value,
    })
}

/// Checks and normalises a value of an indicator type; the error says why it is unusable.
pub fn normalise(kind: &str, value: &str) -> Result<String, String> {
    let v = value.trim();
    match kind {
        "ipv4-addr" | "ipv6-addr" => {
            let v4 = kind == "ipv4-addr";
            let (addr, prefix) = match v.split_once('/') {
                Some((a, p)) => (a, Some(p)),
                None => (v, None),
            };
            let parsed: IpAddr = addr
                .parse()
                .map_err(|_| format!("{v:?} is not an IP address or CIDR range"))?;
            if parsed.is_ipv4() != v4 {
                return Err(format!("{v:?} is not an {kind} value"));
            }
            match prefix {
                None => Ok(parsed.to_string()),
                Some(p) => {
                    let max = if v4 { 32 } else { 128 };
                    match p.parse::<u8>() {
                        Ok(n) if n <= max => Ok(format!("{parsed}/{n}")),
                        _ => Err(format!("{v:?} has an invalid prefix length")),
                    }
                }
            }
        }
        "domain-name" => {
            let d = v.trim_end_matches('.').to_ascii_lowercase();
            let ok = !d.is_empty()
                && d.contains('.')
                && d.split('.').all(|label| {
                    !label.is_empty()
                        && label
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                });
            if ok {
                Ok(d)
            } else {
                Err(format!("{v:?} is not a domain name"))
            }
        }
        "url" => {
            if v.contains("://") && !v.chars().any(char::is_whitespace) {
                Ok(v.to_string())
            } else {
                Err(format!("{v:?} is not a URL"))
            }
        }
        hash => {
            let len = match hash {
                "file:hashes.SHA-256" => 64,
                "file:hashes.SHA-1" => 40,
                _ => 32,
            };
            if v.len() == len && v.chars().all(|c| c.is_ascii_hexdigit()) {
                Ok(v.to_ascii_lowercase())
            } else {
                Err(format!("{v:?} is not a {len}-digit hex hash"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(p: &str) -> Vec<(String, String)> {
        parse(p)
            .unwrap()
            .into_iter()
            .map(|c| (c.kind, c.value))
            .collect()
    }

    #[test]
    fn simple_and_or_patterns() {
        assert_eq!(
            kinds("[ipv4-addr:value = '198.51.100.7']"),
            vec![("ipv4-addr".into(), "198.51.100.7".into())]
        );
        assert_eq!(
            kinds("[domain-name:value = 'Evil.Example.' OR url:value = 'http://evil.example/a']"),
            vec![
                ("domain-name".into(), "evil.example".into()),
                ("url".into(), "http://evil.example/a".into())
            ]
        );
        assert_eq!(
            kinds("[file:hashes.'SHA-256' = 'AB00000000000000000000000000000000000000000000000000000000000000'] OR [ipv4-addr:value = '203.0.113.0/24']"),
            vec![
                ("file:hashes.SHA-256".into(), "ab00000000000000000000000000000000000000000000000000000000000000".into()),
                ("ipv4-addr".into(), "203.0.113.0/24".into())
            ]
        );
        assert_eq!(
            kinds("[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']")[0].0,
            "file:hashes.MD5"
        );
        assert_eq!(
            kinds(r"[url:value = 'http://x.example/it\'s']")[0].1,
            "http://x.example/it's"
        );
    }

    #[test]
    fn unsupported_patterns_say_why() {
        for (p, why) in [
            (
                "[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '1.2.3.5']",
                "`AND` is not supported",
            ),
            (
                "[process:name = 'xmrig']",
                "object path `process:name` is not supported",
            ),
            (
                "[domain-name:value MATCHES '^evil']",
                "operator `MATCHES` is not supported",
            ),
            (
                "[ipv4-addr:value != '1.2.3.4']",
                "operator `!=` is not supported",
            ),
            (
                "[ipv4-addr:value = '1.2.3.4'] WITHIN 60 SECONDS",
                "`WITHIN` is not supported",
            ),
            (
                "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [ipv4-addr:value = '1.2.3.5']",
                "`FOLLOWEDBY`",
            ),
            ("([ipv4-addr:value = '1.2.3.4'])", "parenthesised"),
            ("[ipv4-addr:value = '1.2.3']", "not an IP address"),
            ("[ipv4-addr:value = '::1']", "not an ipv4-addr value"),
            ("[ipv4-addr:value = '10.0.0.0/33']", "prefix length"),
            ("[file:hashes.'SHA-256' = 'abc']", "64-digit hex"),
            ("[ipv4-addr:value = '1.2.3.4'", "expected OR or `]`"),
            ("[ipv4-addr:value = '1.2.3.4]", "not closed"),
            ("", "expected `[`"),
        ] {
            let e = parse(p).unwrap_err();
            assert!(e.contains(why), "{p}: {e}");
        }
    }
}
