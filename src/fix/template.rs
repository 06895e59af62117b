//! Quick-fix templates taken apart: the author's text stays code, every `{{placeholder}}`
//! becomes a value posture quotes for the target shell.
//!
//! Placeholders are found with the linter's parser ([`crate::policy::lint::placeholders`]),
//! so `posture policies lint` and `posture fix` agree on what a placeholder is. A template
//! this module cannot take apart safely (a placeholder inside the author's quotes, shell
//! syntax beyond plain words, `&&` and `;` in bash) yields an error naming why; the command
//! then lists the recommendation as one to fix by hand instead of guessing.

use serde_json::Value;

use crate::policy::lint;

/// One part of a word: the author's literal text or a placeholder's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Template text.
    Lit(String),
    /// The placeholder's name (`resource.id`, `fix.rule`).
    Value(String),
}

/// A word: parts that end up as one argument.
pub type Word = Vec<Part>;

/// Template text and placeholders in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Placeholder(String),
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut at = 0usize;
    for (name, open) in lint::placeholders(template) {
        let close = template
            .get(open + 2..)
            .and_then(|s| s.find("}}"))
            .map_or(template.len(), |i| open + 2 + i + 2);
        if let Some(text) = template.get(at..open) {
            if !text.is_empty() {
                out.push(Piece::Text(text));
            }
        }
        out.push(Piece::Placeholder(name));
        at = close;
    }
    if let Some(text) = template.get(at..) {
        if !text.is_empty() {
            out.push(Piece::Text(text));
        }
    }
    out
}

/// What a placeholder can be filled from.
#[derive(Debug, Clone, Copy)]
pub struct Values<'a> {
    /// The resource id as written in the input.
    pub id: &'a str,
    /// The resource's name.
    pub name: &'a str,
    /// Its resource group.
    pub group: Option<&'a str>,
    /// Its subscription id.
    pub subscription: Option<&'a str>,
    /// Its type.
    pub kind: &'a str,
    /// Its Azure region.
    pub location: Option<&'a str>,
    /// One `fix` object the policy returned for it.
    pub fix: Option<&'a Value>,
}

impl Values<'_> {
    /// The value of a placeholder, or why there is none.
    pub fn get(&self, name: &str) -> Result<String, String> {
        let missing = |what: &str| format!("the resource has no {what} for {{{{{name}}}}}");
        let value = match name {
            "resource.id" => Ok(self.id.to_string()),
            "resource.name" => Ok(self.name.to_string()),
            "resource.group" => self
                .group
                .map(str::to_string)
                .ok_or_else(|| missing("resource group")),
            "resource.subscription" => self
                .subscription
                .map(str::to_string)
                .ok_or_else(|| missing("subscription")),
            "resource.type" => Ok(self.kind.to_string()),
            "resource.location" => self.location.map(str::to_string).ok_or_else(|| {
                format!("the resource's location is not known for {{{{{name}}}}} (a report does not carry it; run posture fix on the inventory)")
            }),
            _ => match name.strip_prefix("fix.") {
                Some(key) if lint::placeholder_known(name) => {
                    match self.fix.and_then(|f| f.get(key)) {
                        Some(Value::String(s)) => Ok(s.clone()),
                        Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(v.to_string()),
                        Some(_) => Err(format!(
                            "the policy's fix value `{key}` is not a string, number or boolean"
                        )),
                        None => Err(format!(
                            "the finding has no fix value `{key}` for {{{{{name}}}}}"
                        )),
                    }
                }
                _ => Err(format!("unknown placeholder {{{{{name}}}}}")),
            },
        }?;
        // No shell argument can hold a NUL byte: it would silently cut the value short.
        if value.contains('\0') {
            return Err(format!(
                "the value of {{{{{name}}}}} contains a NUL character"
            ));
        }
        Ok(value)
    }
}

/// Fills a word's placeholders.
pub fn fill(word: &[Part], values: &Values<'_>) -> Result<String, String> {
    let mut out = String::new();
    for p in word {
        match p {
            Part::Lit(s) => out.push_str(s),
            Part::Value(name) => out.push_str(&values.get(name)?),
        }
    }
    Ok(out)
}

/// True when the word is or starts with a placeholder value (it must not start with `-`).
pub fn starts_with_value(word: &[Part]) -> bool {
    matches!(word.first(), Some(Part::Value(_)))
}

/// A bash template as commands of words. Commands are separated by `&&` or `;` (both mean
/// "then, if that worked" under `set -e`). Words are split on blanks; the author's single and
/// double quotes group text (double quotes without `$`, backquotes or backslashes).
/// Anything else bash would interpret (pipes, redirections, expansions, globs) is refused:
/// posture runs each command as an argument array, never through the shell's parser.
pub fn parse_bash(template: &str) -> Result<Vec<Vec<Word>>, String> {
    #[derive(PartialEq)]
    enum Q {
        None,
        Single,
        Double,
    }
    let mut commands: Vec<Vec<Word>> = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    let mut word: Option<Word> = None;
    let mut q = Q::None;
    let push_lit = |word: &mut Option<Word>, c: char| {
        let w = word.get_or_insert_with(Vec::new);
        match w.last_mut() {
            Some(Part::Lit(s)) => s.push(c),
            _ => w.push(Part::Lit(c.to_string())),
        }
    };
    for piece in pieces(template) {
        let text = match piece {
            Piece::Placeholder(name) => {
                if q != Q::None {
                    return Err(format!(
                        "the template puts {{{{{name}}}}} inside its own quotes; posture quotes every value itself"
                    ));
                }
                word.get_or_insert_with(Vec::new).push(Part::Value(name));
                continue;
            }
            Piece::Text(t) => t,
        };
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match q {
                Q::Single => {
                    if c == '\'' {
                        q = Q::None;
                    } else {
                        push_lit(&mut word, c);
                    }
                }
                Q::Double => match c {
                    '"' => q = Q::None,
                    '$' | '`' | '\\' => {
                        return Err(format!(
                            "the template uses `{c}` inside double quotes; posture does not expand anything"
                        ))
                    }
                    c => push_lit(&mut word, c),
                },
                Q::None => match c {
                    c if c.is_whitespace() => {
                        if let Some(w) = word.take() {
                            words.push(w);
                        }
                    }
                    '\'' => {
                        word.get_or_insert_with(Vec::new);
                        q = Q::Single;
                    }
                    '"' => {
                        word.get_or_insert_with(Vec::new);
                        q = Q::Double;
                    }
                    ';' | '&' => {
                        if c == '&' && chars.next_if_eq(&'&').is_none() {
                            return Err(
                                "the template runs a command in the background (`&`)".to_string()
                            );
                        }
                        if let Some(w) = word.take() {
                            words.push(w);
                        }
                        if !words.is_empty() {
                            commands.push(std::mem::take(&mut words));
                        }
                    }
                    c if "|<>()$`\\*?[]~#{}!".contains(c) => {
                        return Err(format!(
                            "the template uses `{c}` outside quotes; posture runs plain commands only (words, quotes, && and ;)"
                        ))
                    }
                    c => push_lit(&mut word, c),
                },
            }
        }
    }
    if q != Q::None {
        return Err("the template has an unclosed quote".to_string());
    }
    if let Some(w) = word.take() {
        words.push(w);
    }
    if !words.is_empty() {
        commands.push(words);
    }
    if commands.is_empty() {
        return Err("the template is empty".to_string());
    }
    Ok(commands)
}

/// A PowerShell template: the author's code kept verbatim, with the words that hold
/// placeholders set apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PsPart {
    /// Author code, copied as it is.
    Code(String),
    /// A word holding at least one placeholder, written as one single-quoted string; a
    /// `-Parameter:` prefix stays bare so it still names the parameter.
    Word {
        /// `-Name:` or empty.
        prefix: String,
        /// The rest of the word.
        parts: Word,
    },
}

/// PowerShell's double-quote characters (it accepts the typographic ones too).
const PS_DOUBLE_QUOTES: [char; 4] = ['"', '\u{201C}', '\u{201D}', '\u{201E}'];

/// Characters that end a bare word in PowerShell.
fn ps_delimiter(c: char) -> bool {
    c.is_whitespace()
        || ";|(){},&".contains(c)
        || super::quote::PS_SINGLE_QUOTES.contains(&c)
        || PS_DOUBLE_QUOTES.contains(&c)
}

/// Splits a PowerShell template into code and placeholder words. A placeholder inside the
/// author's quotes is refused: inside double quotes a value would be expanded, and inside
/// single quotes the author would be doing posture's quoting.
pub fn parse_powershell(template: &str) -> Result<Vec<PsPart>, String> {
    #[derive(PartialEq, Clone, Copy)]
    enum Q {
        None,
        Single,
        Double,
    }
    // Units: a char with the quote state it was read in, or a placeholder.
    enum Unit {
        Char(char, bool),
        Ph(String),
    }
    let mut units = Vec::new();
    let mut q = Q::None;
    for piece in pieces(template) {
        match piece {
            Piece::Placeholder(name) => {
                if q != Q::None {
                    return Err(format!(
                        "the template puts {{{{{name}}}}} inside its own quotes; posture quotes every value itself"
                    ));
                }
                units.push(Unit::Ph(name));
            }
            Piece::Text(t) => {
                let mut escaped = false;
                for c in t.chars() {
                    let before = q;
                    if escaped {
                        escaped = false;
                    } else {
                        match q {
                            Q::None if super::quote::PS_SINGLE_QUOTES.contains(&c) => {
                                q = Q::Single;
                            }
                            Q::None if PS_DOUBLE_QUOTES.contains(&c) => q = Q::Double,
                            Q::None if c == '`' => escaped = true,
                            // A value after a comment start would be read as comment text,
                            // and a newline in it would end the comment.
                            Q::None if c == '#' => {
                                return Err("the template has a comment (`#`); posture cannot place values after one".to_string())
                            }
                            Q::Single if super::quote::PS_SINGLE_QUOTES.contains(&c) => {
                                q = Q::None;
                            }
                            Q::Double if PS_DOUBLE_QUOTES.contains(&c) => q = Q::None,
                            Q::Double if c == '`' => escaped = true,
                            _ => {}
                        }
                    }
                    // A char is part of a bare word only when read outside quotes and it
                    // is not itself a delimiter (quotes included).
                    let bare = before == Q::None && q == Q::None && !ps_delimiter(c);
                    units.push(Unit::Char(c, bare));
                }
            }
        }
    }
    if q != Q::None {
        return Err("the template has an unclosed quote".to_string());
    }
    let mut out: Vec<PsPart> = Vec::new();
    let mut code = String::new();
    let mut i = 0usize;
    while i < units.len() {
        // A run of bare chars and placeholders is one word.
        let start = i;
        while matches!(units.get(i), Some(Unit::Ph(_)) | Some(Unit::Char(_, true))) {
            i += 1;
        }
        let run = units.get(start..i).unwrap_or(&[]);
        let quote_at = |k: Option<usize>| matches!(k.and_then(|k| units.get(k)), Some(Unit::Char(c, false)) if super::quote::PS_SINGLE_QUOTES.contains(c) || PS_DOUBLE_QUOTES.contains(c));
        if run.iter().any(|u| matches!(u, Unit::Ph(_)))
            && (quote_at(start.checked_sub(1)) || quote_at(Some(i)))
        {
            // Two adjacent quoted strings read as one with a doubled quote in the middle, so
            // the value's string would run on into the author's text.
            return Err(
                "the template puts a value right next to a quote; separate them".to_string(),
            );
        }
        if run.is_empty() {
            if let Some(Unit::Char(c, _)) = units.get(i) {
                code.push(*c);
            }
            i += 1;
            continue;
        }
        let mut parts: Word = Vec::new();
        for u in run {
            match u {
                Unit::Ph(n) => parts.push(Part::Value(n.clone())),
                Unit::Char(c, _) => match parts.last_mut() {
                    Some(Part::Lit(s)) => s.push(*c),
                    _ => parts.push(Part::Lit(c.to_string())),
                },
            }
        }
        if !parts.iter().any(|p| matches!(p, Part::Value(_))) {
            for p in parts {
                if let Part::Lit(s) = p {
                    code.push_str(&s);
                }
            }
            continue;
        }
        let prefix = match parts.first_mut() {
            Some(Part::Lit(s)) => {
                let n = param_prefix_len(s);
                let prefix: String = s.chars().take(n).collect();
                *s = s.chars().skip(n).collect();
                prefix
            }
            _ => String::new(),
        };
        parts.retain(|p| !matches!(p, Part::Lit(s) if s.is_empty()));
        if !code.is_empty() {
            out.push(PsPart::Code(std::mem::take(&mut code)));
        }
        out.push(PsPart::Word { prefix, parts });
    }
    if !code.is_empty() {
        out.push(PsPart::Code(code));
    }
    Ok(out)
}

/// Length of a leading `-Name:` (a parameter with its value attached); ASCII, so bytes and
/// chars agree.
fn param_prefix_len(s: &str) -> usize {
    let Some(rest) = s.strip_prefix('-') else {
        return 0;
    };
    match rest.find(':') {
        Some(i)
            if i > 0
                && rest
                    .get(..i)
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')) =>
        {
            i + 2
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Part {
        Part::Lit(s.to_string())
    }
    fn val(s: &str) -> Part {
        Part::Value(s.to_string())
    }

    #[test]
    fn bash_templates_become_words_and_commands() {
        let c = parse_bash("az vm deallocate --ids {{resource.id}} && az vm start --ids {{ resource.id }}; az x --name={{resource.name}}-x \"*\" ''").unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].len(), 5);
        assert_eq!(c[0][4], vec![val("resource.id")]);
        assert_eq!(c[1][4], vec![val("resource.id")]);
        assert_eq!(
            c[2][2],
            vec![lit("--name="), val("resource.name"), lit("-x")]
        );
        assert_eq!(c[2][3], vec![lit("*")]);
        assert_eq!(c[2][4], Vec::<Part>::new());
    }

    #[test]
    fn bash_syntax_beyond_words_is_refused() {
        for t in [
            "az x | tee log",
            "az x > out",
            "az x $(y)",
            "az x `y`",
            "az x &",
            "az x \"$HOME\"",
            "az x '{{resource.id}}'",
            "az x \"{{resource.id}}\"",
            "az x 'open",
            "az x *",
            "",
        ] {
            assert!(parse_bash(t).is_err(), "{t}");
        }
    }

    #[test]
    fn powershell_words_with_placeholders_are_set_apart() {
        let p = parse_powershell("$nsg = Get-X -Name {{resource.name}}; ($nsg.Rules | Where-Object Name -eq {{fix.rule}}).Access = 'Deny'; Set-Y -Name:{{resource.name}} -Tag a{{fix.rule}}").unwrap();
        let words: Vec<&PsPart> = p
            .iter()
            .filter(|x| matches!(x, PsPart::Word { .. }))
            .collect();
        assert_eq!(words.len(), 4);
        assert_eq!(
            words[2],
            &PsPart::Word {
                prefix: "-Name:".into(),
                parts: vec![val("resource.name")]
            }
        );
        assert_eq!(
            words[3],
            &PsPart::Word {
                prefix: String::new(),
                parts: vec![lit("a"), val("fix.rule")]
            }
        );
        let code: String = p
            .iter()
            .filter_map(|x| match x {
                PsPart::Code(c) => Some(c.as_str()),
                PsPart::Word { .. } => None,
            })
            .collect();
        assert_eq!(code, "$nsg = Get-X -Name ; ($nsg.Rules | Where-Object Name -eq ).Access = 'Deny'; Set-Y  -Tag ");
    }

    #[test]
    fn powershell_placeholders_inside_quotes_are_refused() {
        assert!(parse_powershell("Set-X -Name \"{{resource.name}}\"").is_err());
        assert!(parse_powershell("Set-X -Name '{{resource.name}}'").is_err());
        assert!(parse_powershell("Set-X -Name \u{2018}{{resource.name}}\u{2019}").is_err());
        assert!(parse_powershell("Set-X -Name 'it''s' {{resource.name}}").is_ok());
        assert!(parse_powershell("Set-X 'open").is_err());
        assert!(parse_powershell("Set-X # {{resource.name}}").is_err());
        assert!(parse_powershell("Set-X 'a'{{resource.name}}").is_err());
        assert!(parse_powershell("Set-X {{resource.name}}\"b\"").is_err());
    }

    #[test]
    fn values_come_from_the_resource_and_the_fix_object() {
        let fix = serde_json::json!({"rule": "r1", "port": 22, "bad": null, "nul": "a\u{0}b"});
        let v = Values {
            id: "/subscriptions/s/x",
            name: "x",
            group: None,
            subscription: Some("s"),
            kind: "T/x",
            location: None,
            fix: Some(&fix),
        };
        assert_eq!(v.get("fix.rule").unwrap(), "r1");
        assert_eq!(v.get("fix.port").unwrap(), "22");
        assert!(v.get("fix.bad").is_err());
        assert!(v.get("fix.nul").is_err());
        assert!(v.get("fix.absent").is_err());
        assert!(v.get("resource.group").is_err());
        assert!(v.get("resource.location").is_err());
        assert!(v.get("resourceid").is_err());
        assert_eq!(
            fill(&[lit("--n="), val("resource.name")], &v).unwrap(),
            "--n=x"
        );
    }
}
