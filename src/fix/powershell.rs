//! The PowerShell (Az module) script of a recommendation: its template applied to every
//! unhealthy resource, each command a script block run only with `-Apply`.
//!
//! The author's PowerShell stays code; each word holding a placeholder becomes one
//! single-quoted (verbatim) string ([`template::parse_powershell`], [`quote::powershell`]),
//! so no value can start a sub-expression, a variable or a new statement. The dry run prints
//! each block's text, in which every value appears as the literal it is.

use super::template::{self, PsPart};
use super::{quote, FixInput, Recommendation, Rendered, Shell, Target};

/// The script preamble after the header: the switch, error handling, the Az check and the
/// step helper.
const PREAMBLE: &str = r#"[CmdletBinding()]
param(
    # Run the commands; without -Apply they are only printed.
    [switch]$Apply
)
$ErrorActionPreference = 'Stop'

if (-not (Get-Module -ListAvailable -Name 'Az.Accounts')) {
    if ($Apply) {
        throw 'The Az PowerShell module is not installed: Install-Module -Name Az -Scope CurrentUser, then Connect-AzAccount'
    }
    Write-Warning 'The Az PowerShell module is not installed; -Apply will need it'
}

# Runs a step with -Apply; otherwise prints its code, in which every value is a quoted literal.
function Invoke-PostureStep {
    param([Parameter(Mandatory = $true)][scriptblock]$Step)
    if ($Apply) {
        & $Step
    } else {
        Write-Output ('would run: ' + $Step.ToString().Trim())
    }
}
"#;

/// The statements for one resource, one per fix object, without repeats.
fn commands_for(parts: &[PsPart], t: &Target) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for fix in t.fix_objects() {
        let values = t.values(fix);
        let mut s = String::new();
        for p in parts {
            match p {
                PsPart::Code(c) => s.push_str(c),
                PsPart::Word { prefix, parts } => {
                    s.push_str(prefix);
                    s.push_str(&quote::powershell(&template::fill(parts, &values)?));
                }
            }
        }
        let s = s.trim().to_string();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

/// The PowerShell script for `rec`, or why there is none.
pub fn render(input: &FixInput, rec: &Recommendation, name: &str) -> Rendered {
    let mut r = Rendered::default();
    let Some(blocks) = super::expand_targets(
        rec,
        Shell::Powershell,
        &mut r,
        template::parse_powershell,
        |p, t| commands_for(p, t),
    ) else {
        return r;
    };
    let template = rec
        .quick_fix
        .as_ref()
        .and_then(|q| q.powershell.as_deref())
        .unwrap_or("");
    let header = super::header(
        input,
        rec,
        "PowerShell, Az module",
        &[
            "The policy's PowerShell template, once per resource (and per fix value it returned):"
                .into(),
            format!("  {template}"),
            "Before each resource: Set-AzContext -Subscription <its subscription>.".into(),
        ],
        &r,
        &[
            "Safety: a dry run unless you pass -Apply: without it every command is only printed.".into(),
            "It stops at the first error ($ErrorActionPreference = 'Stop') and needs the Az module,".into(),
            "signed in (Connect-AzAccount). Each command sets the desired state, so running it again".into(),
            "is harmless. Every value from the inventory is one single-quoted literal.".into(),
            String::new(),
            format!("Usage: ./{name}           print the commands"),
            format!("       ./{name} -Apply    run them"),
        ],
    );
    let mut text = String::from("#!/usr/bin/env pwsh\n");
    text.push_str(&super::comment_block(&header));
    text.push_str(PREAMBLE);
    let n = blocks.len();
    for (i, (t, cmds)) in blocks.iter().enumerate() {
        text.push_str(&format!("\n# {}/{n} {}\n", i + 1, quote::comment(&t.id)));
        if let Some(sub) = &t.subscription {
            text.push_str(&format!(
                "Invoke-PostureStep {{ Set-AzContext -Subscription {} | Out-Null }}\n",
                quote::powershell(sub)
            ));
        }
        for c in cmds {
            text.push_str(&format!("Invoke-PostureStep {{ {c} }}\n"));
        }
    }
    text.push_str(&format!(
        "\nif ($Apply) {{\n    Write-Output 'done: {n} resource{s} changed; assess again to see the score rise'\n}} else {{\n    Write-Output 'dry run: nothing was changed; run again with -Apply to apply'\n}}\n",
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
    fn values_are_verbatim_strings_and_author_code_stays() {
        let mut t = target("/subscriptions/s/x'y", "n$(id)\u{2019};");
        t.fixes = vec![serde_json::json!({"rule": "r1"})];
        let i = input(rec(
            None,
            Some("$n = Get-X -Name {{resource.name}}; ($n.R | Where-Object Name -eq {{fix.rule}}).A = 'Deny'; Set-X -Id:{{resource.id}}"),
            vec![t],
        ));
        let r = render(&i, &i.recommendations[0], "t.ps1");
        let text = r.text.unwrap();
        assert!(text.contains(
            "Invoke-PostureStep { $n = Get-X -Name 'n$(id)\u{2019}\u{2019};'; ($n.R | Where-Object Name -eq 'r1').A = 'Deny'; Set-X -Id:'/subscriptions/s/x''y' }\n"
        ), "{text}");
        assert!(
            text.contains("Invoke-PostureStep { Set-AzContext -Subscription 'sub-1' | Out-Null }")
        );
        assert!(text.contains("\n$ErrorActionPreference = 'Stop'\n"));
    }

    #[test]
    fn a_placeholder_in_the_authors_quotes_means_no_script() {
        let i = input(rec(
            None,
            Some("Set-X -Name \"{{resource.name}}\""),
            vec![target("/a", "a")],
        ));
        let r = render(&i, &i.recommendations[0], "t.ps1");
        assert!(r.text.is_none());
        assert!(r.manual[0].1.contains("own quotes"), "{:?}", r.manual);
    }
}
