//! Lexical scans of Rego source that posture needs before (or instead of) handing it to the
//! engine: the package line, top-level rule names, calls to forbidden builtins, and the
//! `--> file:line:col` position regorus renders into its error text.
//!
//! These scans skip comments and string literals, so `"http.send"` in a message or
//! `# time.now_ns` in a comment are not calls.

/// Builtins that make a policy non-deterministic or let it reach outside the process.
pub const FORBIDDEN_BUILTINS: &[&str] = &[
    "time.now_ns",
    "rand.intn",
    "http.send",
    "uuid.rfc4122",
    "opa.runtime",
    "net.lookup_ip_addr",
];

/// The source with comments and the contents of string literals blanked out (same length,
/// newlines kept), so byte offsets into it are offsets into the original.
pub fn code_only(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' => {
                while let Some(&c) = bytes.get(i) {
                    if c == b'\n' {
                        break;
                    }
                    out.push(b' ');
                    i += 1;
                }
            }
            b'"' => {
                out.push(b'"');
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    i += 1;
                    if c == b'\\' {
                        out.push(b' ');
                        if bytes.get(i).is_some() {
                            out.push(b' ');
                            i += 1;
                        }
                        continue;
                    }
                    if c == b'"' || c == b'\n' {
                        out.push(c);
                        break;
                    }
                    out.push(b' ');
                }
            }
            b'`' => {
                out.push(b'`');
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    i += 1;
                    if c == b'`' {
                        out.push(c);
                        break;
                    }
                    out.push(if c == b'\n' { b'\n' } else { b' ' });
                }
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    // Only ASCII bytes were replaced by ASCII spaces, and multi-byte characters inside
    // strings and comments were replaced byte by byte, so the result is valid UTF-8 of the
    // same length; fall back to lossy conversion rather than trusting that blindly.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The package path declared by the module (`posture.storage.x`), with its byte offset.
pub fn package(text: &str) -> Option<(String, usize)> {
    let code = code_only(text);
    let mut offset = 0usize;
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("package") {
            if rest.starts_with(char::is_whitespace) {
                let name: String = rest
                    .trim()
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                if !name.is_empty() {
                    return Some((name, offset + (line.len() - trimmed.len())));
                }
            }
        }
        offset += line.len();
    }
    None
}

/// Names of rules defined at the start of a line (Rego rules are top-level), deduplicated,
/// in order of first appearance.
pub fn rule_names(text: &str) -> Vec<String> {
    let code = code_only(text);
    let mut names: Vec<String> = Vec::new();
    for line in code.lines() {
        let first = line.chars().next();
        if !first.is_some_and(|c| c.is_ascii_alphabetic() || c == '_') {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if matches!(name.as_str(), "package" | "import" | "default") {
            if let Some(rest) = line.strip_prefix("default ") {
                let n: String = rest
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !n.is_empty() && !names.contains(&n) {
                    names.push(n);
                }
            }
            continue;
        }
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Every call of a forbidden builtin: (builtin, byte offset).
pub fn forbidden_calls(text: &str) -> Vec<(&'static str, usize)> {
    let code = code_only(text);
    let mut found = Vec::new();
    for name in FORBIDDEN_BUILTINS {
        let mut from = 0usize;
        while let Some(pos) = code.get(from..).and_then(|s| s.find(name)) {
            let at = from + pos;
            let before = code.get(..at).and_then(|s| s.chars().next_back());
            let after = code.get(at + name.len()..).map(str::trim_start);
            let starts_word = !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
            // A bare reference (`f := http.send`) is as bad as a call, so only require that
            // the name is not a prefix of a longer identifier.
            let ends_word =
                !after.is_some_and(|s| s.starts_with(|c: char| c.is_alphanumeric() || c == '_'));
            if starts_word && ends_word {
                found.push((*name, at));
            }
            from = at + name.len();
        }
    }
    found.sort_by_key(|(_, at)| *at);
    found
}

/// The first `--> path:line:col` of a regorus error text, with the message line that follows
/// the caret (`error: ...`).
pub fn error_position(message: &str) -> Option<(String, usize, usize)> {
    for line in message.lines() {
        let Some(rest) = line.trim_start().strip_prefix("--> ") else {
            continue;
        };
        let mut parts = rest.rsplitn(3, ':');
        let col = parts.next()?.trim().parse().ok()?;
        let line_no = parts.next()?.trim().parse().ok()?;
        let path = parts.next()?.to_string();
        return Some((path, line_no, col));
    }
    None
}

/// The human part of a regorus error: its `error: ...` line, else the first non-empty line.
pub fn error_summary(message: &str) -> String {
    message
        .lines()
        .find_map(|l| l.trim().strip_prefix("error: ").map(str::to_string))
        .or_else(|| {
            message
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_string)
        })
        .unwrap_or_else(|| message.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_skips_comments() {
        let text =
            "# package nope\n# METADATA\npackage posture.storage.x\n\ndeny contains 1 if true\n";
        assert_eq!(package(text), Some(("posture.storage.x".into(), 26)));
    }

    #[test]
    fn forbidden_calls_ignore_strings_and_comments() {
        let text =
            "# http.send(x)\nmsg := \"http.send\"\nx := time.now_ns()\ny := my.http.send_x\n";
        let found = forbidden_calls(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "time.now_ns");
        assert_eq!(&text[found[0].1..found[0].1 + 11], "time.now_ns");
    }

    #[test]
    fn rule_names_are_top_level_identifiers() {
        let text = "package p\nimport rego.v1\ndefault allow := false\ntest_a if true\ntest_a if false\n  test_indented if true\ndeny contains x if { x := 1 }\n";
        assert_eq!(rule_names(text), vec!["allow", "test_a", "deny"]);
    }

    #[test]
    fn error_position_is_parsed_from_regorus_text() {
        let msg = "\n--> policies/bad.rego:5:1\n  |\n5 | }\n  | ^\nerror: expecting expression";
        assert_eq!(
            error_position(msg),
            Some(("policies/bad.rego".into(), 5, 1))
        );
        assert_eq!(error_summary(msg), "expecting expression");
        assert_eq!(error_position("not a valid rule path"), None);
    }

    #[test]
    fn code_only_keeps_offsets() {
        let text = "a := \"é#\" # c\nb := `x\ny`";
        let code = code_only(text);
        assert_eq!(code.len(), text.len());
        assert_eq!(code.matches('\n').count(), 2);
        assert!(code.starts_with("a := \""));
        assert!(!code.contains('#'));
    }
}
