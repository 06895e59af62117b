//! Every piece of untrusted text that reaches a script or the index passes through here, and
//! nowhere else: quoting for bash and PowerShell, and escaping for comments and Markdown.
//!
//! Resource ids, names, groups, subscriptions and the values a policy returns in `fix` come
//! from inventories posture does not control. They are only ever written as one complete
//! quoted literal (never inside double quotes, never unquoted), or, in comments and the
//! index, with every character that could end the line or reorder the text escaped.

/// The characters PowerShell treats as a single quote. Its tokenizer closes a single-quoted
/// string on the typographic quotes as well as on `'`, so all of them must be doubled.
pub const PS_SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// Quotes `s` as one POSIX single-quoted bash word. Inside single quotes nothing is special
/// except the closing quote, so a `'` is written as `'\''` (close, escaped quote, reopen).
/// Newlines stay literal, which bash keeps inside the word.
pub fn bash(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// True when `s` means the same to bash unquoted: letters, digits and `_./:=,@%+-`, not
/// empty. Only posture's and the template author's own words are ever left bare.
pub fn bash_bare_ok(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=,@%+-".contains(c))
}

/// A trusted word for bash: bare when that is unambiguous, else single-quoted.
pub fn bash_word(s: &str) -> String {
    if bash_bare_ok(s) {
        s.to_string()
    } else {
        bash(s)
    }
}

/// The shellcheck directive for a command whose single-quoted values hold `$`, backquotes
/// (SC2016: "expressions don't expand in single quotes") or typographic quotes (SC1112):
/// both are data here and must stay literal, so the warning is silenced for that command
/// only, with a comment saying why.
pub fn shellcheck_literal(values: &[&str]) -> Option<String> {
    let dollar = values.iter().any(|v| v.contains(['$', '`']));
    let typographic = values
        .iter()
        .any(|v| v.chars().any(|c| ('\u{2018}'..='\u{201F}').contains(&c)));
    let codes: Vec<&str> = [(typographic, "SC1112"), (dollar, "SC2016")]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, c)| *c)
        .collect();
    (!codes.is_empty()).then(|| {
        format!(
            "# The quoted values below are literal on purpose.\n# shellcheck disable={}\n",
            codes.join(",")
        )
    })
}

/// Quotes `s` as one PowerShell single-quoted (verbatim) string: no variable or
/// sub-expression expansion happens inside, and every single-quote character (ASCII or
/// typographic) is doubled, which is how PowerShell escapes it.
pub fn powershell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if PS_SINGLE_QUOTES.contains(&c) {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// True for characters that must not appear raw in a comment line or the index: anything
/// that ends a line in some shell or editor (controls, NEL, line and paragraph separators)
/// and the bidirectional controls that make text read differently from how it parses.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{FEFF}'
        )
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Text for one comment line: newlines, other controls and bidi overrides are written as
/// `\n`, `\t` or `\u{...}`, and `\` as `\\`, so the comment cannot end early and what a
/// reviewer reads is what is there.
pub fn comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Text for Markdown inside a line (never at its start): escaped as for a comment, then
/// every character Markdown could read as inline markup there (emphasis, code, links, HTML,
/// entities, table cells, strikethrough) is backslash-escaped.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in comment(s).chars() {
        if "\\`*_[]<>|~&".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A file name from a policy id: the ids are kebab-case by schema, and anything else is
/// replaced so a name can never leave the output folder.
pub fn file_stem(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('-') {
        format!("_{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_quotes_every_value_as_one_single_quoted_word() {
        assert_eq!(bash("plain"), "'plain'");
        assert_eq!(bash(""), "''");
        assert_eq!(bash("it's"), "'it'\\''s'");
        assert_eq!(bash("$(touch x)`y`;\n\"z\""), "'$(touch x)`y`;\n\"z\"'");
    }

    #[test]
    fn bare_words_are_only_plain_ones() {
        assert_eq!(bash_word("--ids"), "--ids");
        assert_eq!(bash_word("TLS1_2"), "TLS1_2");
        assert_eq!(bash_word("*"), "'*'");
        assert_eq!(bash_word("a b"), "'a b'");
        assert_eq!(bash_word(""), "''");
        assert_eq!(bash_word("~"), "'~'");
    }

    #[test]
    fn shellcheck_is_told_only_when_a_value_needs_it() {
        assert_eq!(shellcheck_literal(&["plain", "a b"]), None);
        assert_eq!(
            shellcheck_literal(&["$(x)", "\u{2019}"]).unwrap(),
            "# The quoted values below are literal on purpose.\n# shellcheck disable=SC1112,SC2016\n"
        );
    }

    #[test]
    fn powershell_doubles_every_kind_of_single_quote() {
        assert_eq!(powershell("it's"), "'it''s'");
        assert_eq!(powershell("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
        assert_eq!(powershell("$x `y` \"z\""), "'$x `y` \"z\"'");
    }

    #[test]
    fn comments_and_markdown_stay_on_one_line() {
        assert_eq!(comment("a\nb\r\tc\\"), "a\\nb\\r\\tc\\\\");
        assert_eq!(comment("x\u{202E}y\u{2028}"), "x\\u{202e}y\\u{2028}");
        assert_eq!(comment("caf\u{e9}"), "caf\u{e9}");
        assert_eq!(markdown("a|b `c`\n"), "a\\|b \\`c\\`\\\\n");
    }

    #[test]
    fn file_stems_cannot_escape_the_folder() {
        assert_eq!(
            file_stem("storage-secure-transfer"),
            "storage-secure-transfer"
        );
        assert_eq!(file_stem("../x"), "___x");
        assert_eq!(file_stem(""), "_");
        assert_eq!(file_stem("-x"), "_-x");
    }
}
