//! The bash (az CLI) script of a recommendation: its template applied to every unhealthy
//! resource, each command built as a bash array of quoted words and run only with `--apply`.
//!
//! The template is split into words by posture ([`template::parse_bash`]); the author's
//! words stay as written and every placeholder's value becomes part of exactly one
//! single-quoted word. Nothing is ever passed through `eval` or a second round of parsing:
//! `"${cmd[@]}"` runs the array as it is, and the dry run prints it with `printf %q`.

use super::template::{self, Word};
use super::{quote, FixInput, Recommendation, Rendered, Shell, Target};

/// The script preamble after the header: options, the az check and the `run` helper.
const PREAMBLE: &str = r#"set -euo pipefail

apply=0
for arg in "$@"; do
  case $arg in
    --apply) apply=1 ;;
    --dry-run) apply=0 ;;
    -h | --help)
      printf 'usage: %s [--apply]   (without --apply the commands are only printed)\n' "$0"
      exit 0
      ;;
    *)
      printf 'unknown argument: %s (usage: %s [--apply])\n' "$arg" "$0" >&2
      exit 2
      ;;
  esac
done

if ! command -v az >/dev/null 2>&1; then
  if [ "$apply" -eq 1 ]; then
    echo 'az (the Azure CLI) is not on PATH: install it (https://aka.ms/azure-cli) and sign in with az login' >&2
    exit 1
  fi
  echo 'note: az (the Azure CLI) is not on PATH; --apply will need it' >&2
fi

# Runs a command with --apply; otherwise prints it, each word quoted so it reads unambiguously.
run() {
  if [ "$apply" -eq 1 ]; then
    "$@"
  else
    printf 'would run:'
    printf ' %q' "$@"
    printf '\n'
  fi
}
"#;

/// A command as its quoted words, and the raw values it holds.
#[derive(PartialEq)]
struct Command {
    words: Vec<String>,
    values: Vec<String>,
}

impl Command {
    /// `cmd=(...)` and the `run` line, after a shellcheck note when a value needs one.
    fn render(&self) -> String {
        let values: Vec<&str> = self.values.iter().map(String::as_str).collect();
        format!(
            "{}cmd=({})\nrun \"${{cmd[@]}}\"\n",
            quote::shellcheck_literal(&values).unwrap_or_default(),
            self.words.join(" ")
        )
    }
}

/// The commands for one resource, each as its quoted words, one per fix object and template
/// command, without repeats.
fn commands_for(commands: &[Vec<Word>], t: &Target) -> Result<Vec<Command>, String> {
    let mut out: Vec<Command> = Vec::new();
    for fix in t.fix_objects() {
        let values = t.values(fix);
        for cmd in commands {
            let mut words = Vec::with_capacity(cmd.len());
            let mut raw = Vec::new();
            for w in cmd {
                let s = template::fill(w, &values)?;
                let has_value = w.iter().any(|p| matches!(p, template::Part::Value(_)));
                // A value in the place of a whole argument that starts with `-` would be read
                // by az as an option: refuse rather than let input choose the options.
                if template::starts_with_value(w) && s.starts_with('-') {
                    return Err(format!(
                        "a value would be read as an option: {}",
                        quote::comment(&s)
                    ));
                }
                if has_value {
                    words.push(quote::bash(&s));
                    raw.push(s);
                } else {
                    words.push(quote::bash_word(&s));
                }
            }
            let c = Command { words, values: raw };
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// The bash script for `rec`, or why there is none.
pub fn render(input: &FixInput, rec: &Recommendation, name: &str) -> Rendered {
    let mut r = Rendered::default();
    let Some(blocks) =
        super::expand_targets(rec, Shell::Bash, &mut r, template::parse_bash, |p, t| {
            commands_for(p, t)
        })
    else {
        return r;
    };
    let template = rec
        .quick_fix
        .as_ref()
        .and_then(|q| q.bash.as_deref())
        .unwrap_or("");
    let header = super::header(
        input,
        rec,
        "bash, az CLI",
        &[
            "The policy's bash template, once per resource (and per fix value it returned):".into(),
            format!("  {template}"),
            "Before each resource: az account set --subscription <its subscription>.".into(),
        ],
        &r,
        &[
            "Safety: a dry run unless you pass --apply: without it every command is only printed."
                .into(),
            "It stops at the first command that fails (set -euo pipefail) and needs az, signed in"
                .into(),
            "(az login). Each command sets the desired state, so running it again is harmless."
                .into(),
            "Every value from the inventory is one single-quoted word; nothing is evaluated."
                .into(),
            String::new(),
            format!("Usage: ./{name}            print the commands"),
            format!("       ./{name} --apply    run them"),
        ],
    );
    let mut text = String::from("#!/usr/bin/env bash\n");
    text.push_str(&super::comment_block(&header));
    text.push_str(PREAMBLE);
    let n = blocks.len();
    for (i, (t, cmds)) in blocks.iter().enumerate() {
        text.push_str(&format!("\n# {}/{n} {}\n", i + 1, quote::comment(&t.id)));
        if let Some(sub) = &t.subscription {
            let set = Command {
                words: ["az", "account", "set", "--subscription"]
                    .iter()
                    .map(|w| w.to_string())
                    .chain([quote::bash(sub)])
                    .collect(),
                values: vec![sub.clone()],
            };
            text.push_str(&set.render());
        }
        for c in cmds {
            text.push_str(&c.render());
        }
    }
    text.push_str(&format!(
        "\nif [ \"$apply\" -eq 1 ]; then\n  echo 'done: {n} resource{s} changed; assess again to see the score rise'\nelse\n  echo 'dry run: nothing was changed; run again with --apply to apply'\nfi\n",
        s = if n == 1 { "" } else { "s" }
    ));
    r.text = Some(text);
    r
}

#[cfg(test)]
mod tests {
    use super::super::tests::{input, rec, target};
    use super::*;

    #[test]
    fn every_value_is_one_quoted_word_in_an_array() {
        let mut t = target("/subscriptions/s/x'y", "n;$(id)");
        t.fixes = vec![
            serde_json::json!({"rule": "r1"}),
            serde_json::json!({"rule": "r 2"}),
        ];
        let i = input(rec(
            Some("az x update --ids {{resource.id}} --name={{resource.name}} --rule {{fix.rule}} --flag \"*\""),
            None,
            vec![t],
        ));
        let r = render(&i, &i.recommendations[0], "t.sh");
        let text = r.text.unwrap();
        assert!(text.contains("cmd=(az account set --subscription 'sub-1')\n"));
        assert!(text.contains(
            "cmd=(az x update --ids '/subscriptions/s/x'\\''y' '--name=n;$(id)' --rule 'r1' --flag '*')\n"
        ));
        assert!(text.contains("--rule 'r 2' --flag"));
        assert!(text.starts_with("#!/usr/bin/env bash\n# posture quick fix (bash, az CLI): "));
        assert!(text.contains("\nset -euo pipefail\n"));
        assert!(!text.split_whitespace().any(|w| w == "eval"));
    }

    #[test]
    fn resources_that_cannot_be_filled_are_left_out_with_the_reason() {
        let mut no_group = target("/a", "a");
        no_group.group = None;
        let dash = target("/b", "-rf");
        let i = input(rec(
            Some("az x --group {{resource.group}} --name {{resource.name}}"),
            None,
            vec![no_group, dash, target("/c", "c")],
        ));
        let r = render(&i, &i.recommendations[0], "t.sh");
        assert_eq!(r.covered, vec!["/c"]);
        assert_eq!(r.manual.len(), 2);
        assert!(r.manual[0].1.contains("resource group"), "{:?}", r.manual);
        assert!(r.manual[1].1.contains("option"), "{:?}", r.manual);
    }

    #[test]
    fn an_unusable_template_means_no_script() {
        let i = input(rec(
            Some("az x --ids {{resource.id}} | tee log"),
            None,
            vec![target("/a", "a")],
        ));
        let r = render(&i, &i.recommendations[0], "t.sh");
        assert!(r.text.is_none());
        assert!(r.manual[0].1.contains("cannot be used safely"));
    }
}
