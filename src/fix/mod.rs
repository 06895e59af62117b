//! Quick-fix scripts: from an assessment's unhealthy resources to reviewable bash (az CLI)
//! and PowerShell (Az module) scripts, host-side bash for agent findings, and an index.
//!
//! Everything here is a pure function from a [`FixInput`] (built from a report by
//! [`input`]) to file names and texts; `commands::fix` decides where they go. The shells
//! each have their module ([`bash`], [`powershell`], [`host`]); all quoting of untrusted text
//! is in [`quote`], and templates are taken apart in [`template`].

pub mod bash;
pub mod host;
pub mod index;
pub mod input;
pub mod powershell;
pub mod quote;
pub mod template;

use serde_json::Value;

use crate::model::{QuickFix, Severity};

/// A script language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Shell {
    /// bash with the az CLI (and host-side bash for agent findings).
    Bash,
    /// PowerShell with the Az module.
    Powershell,
}

impl Shell {
    /// `bash` or `powershell`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bash => "bash",
            Self::Powershell => "powershell",
        }
    }
}

/// What the scripts are made from: the unhealthy resources of each recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct FixInput {
    /// The version of posture writing the scripts.
    pub version: String,
    /// The assessment's time (`assessedAt`).
    pub assessed_at: String,
    /// Recommendations in the report's order (by potential gain).
    pub recommendations: Vec<Recommendation>,
}

/// Gain in the Secure Score from fixing every unhealthy resource of a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Gain {
    /// Points.
    pub points: f64,
    /// Percentage points of the overall score.
    pub percent: f64,
}

/// One recommendation with the resources to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// Policy id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What and why.
    pub description: String,
    /// Severity.
    pub severity: Severity,
    /// Control display name (or id).
    pub control: String,
    /// The policy's remediation steps (they name the side effects).
    pub remediation: String,
    /// The policy's `user_impact`, when it has one.
    pub user_impact: Option<String>,
    /// Potential gain.
    pub gain: Gain,
    /// Templates, when the policy has them.
    pub quick_fix: Option<QuickFix>,
    /// False when the policy is not loaded (a report from another library): no templates.
    pub loaded: bool,
    /// True when the policy assesses machines (VMs or Arc machines).
    pub machines: bool,
    /// Unhealthy resources, in the report's order. Exempt ones are never here.
    pub targets: Vec<Target>,
    /// How many exempt resources were left out.
    pub exempt: usize,
}

/// An unhealthy resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Id as written in the input.
    pub id: String,
    /// Name.
    pub name: String,
    /// Type.
    pub kind: String,
    /// Resource group.
    pub group: Option<String>,
    /// Subscription id.
    pub subscription: Option<String>,
    /// Azure region (known when assessing, not from a report).
    pub location: Option<String>,
    /// Why it is unhealthy.
    pub message: Option<String>,
    /// The `fix` objects of the policy's deny objects.
    pub fixes: Vec<Value>,
    /// The host, for a machine with agent data.
    pub host: Option<Host>,
}

/// A machine's host as its agent snapshot describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// `host.hostname`.
    pub hostname: String,
    /// `linux`, `windows`, or empty when unknown.
    pub family: String,
}

impl Target {
    /// The placeholder values for one of its fix objects.
    pub fn values<'a>(&'a self, fix: Option<&'a Value>) -> template::Values<'a> {
        template::Values {
            id: &self.id,
            name: &self.name,
            group: self.group.as_deref(),
            subscription: self.subscription.as_deref(),
            kind: &self.kind,
            location: self.location.as_deref(),
            fix,
        }
    }

    /// Its fix objects, or one "none" when the policy returned none: one command per object.
    pub fn fix_objects(&self) -> Vec<Option<&Value>> {
        if self.fixes.is_empty() {
            vec![None]
        } else {
            self.fixes.iter().map(Some).collect()
        }
    }
}

/// Which recommendations and shells.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Shells to write (empty: all).
    pub shells: Vec<Shell>,
    /// Only these policy ids (empty: all).
    pub policies: Vec<String>,
    /// Only this severity or higher.
    pub min_severity: Option<Severity>,
}

impl Options {
    fn wants(&self, shell: Shell) -> bool {
        self.shells.is_empty() || self.shells.contains(&shell)
    }

    fn selects(&self, r: &Recommendation) -> bool {
        (self.policies.is_empty() || self.policies.contains(&r.id))
            && self.min_severity.is_none_or(|m| r.severity <= m)
    }
}

/// A file to write into the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// File name (no folders).
    pub name: String,
    /// Contents.
    pub text: String,
    /// Whether it gets the executable bit.
    pub executable: bool,
}

/// Where a script runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunsOn {
    /// Anywhere with az or Az and a signed-in account.
    Azure,
    /// On the machine itself, as root.
    Host,
}

/// A script written for a recommendation, as the index lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// File name.
    pub name: String,
    /// Its language.
    pub shell: Shell,
    /// Where it runs.
    pub runs_on: RunsOn,
    /// The resources it changes.
    pub resources: Vec<String>,
    /// Its text.
    pub text: String,
}

/// A resource (or a whole recommendation, `resource: None`) left to fix by hand, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manual {
    /// The shell it concerns, when only one.
    pub shell: Option<Shell>,
    /// The resource, or `None` for all of them.
    pub resource: Option<String>,
    /// Why.
    pub reason: String,
}

/// Everything written for one recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned<'a> {
    /// The recommendation.
    pub rec: &'a Recommendation,
    /// Its scripts.
    pub scripts: Vec<Script>,
    /// What is left to do by hand.
    pub manual: Vec<Manual>,
}

/// What a shell module produced for one recommendation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rendered {
    /// The script, unless no resource could be covered.
    pub text: Option<String>,
    /// Ids of the resources the script changes.
    pub covered: Vec<String>,
    /// Resources (or the recommendation) it cannot cover, and why.
    pub manual: Vec<(Option<String>, String)>,
}

/// Parses `rec`'s template for `shell` and expands it for each target. What cannot be
/// covered (no template, a template that cannot be quoted safely, a target whose values do
/// not fit) is recorded in `r`; `None` when no target is left.
pub(crate) fn expand_targets<'a, P, C>(
    rec: &'a Recommendation,
    shell: Shell,
    r: &mut Rendered,
    parse: impl Fn(&str) -> Result<P, String>,
    expand: impl Fn(&P, &Target) -> Result<C, String>,
) -> Option<Vec<(&'a Target, C)>> {
    if let Some(why) = no_template(rec, shell) {
        r.manual.push((None, why));
        return None;
    }
    let (template, name) = match shell {
        Shell::Bash => (
            rec.quick_fix.as_ref().and_then(|q| q.bash.as_deref()),
            "bash",
        ),
        Shell::Powershell => (
            rec.quick_fix.as_ref().and_then(|q| q.powershell.as_deref()),
            "PowerShell",
        ),
    };
    let parsed = match parse(template.unwrap_or("")) {
        Ok(p) => p,
        Err(e) => {
            r.manual.push((
                None,
                format!("the {name} template cannot be used safely: {e}"),
            ));
            return None;
        }
    };
    let mut blocks = Vec::new();
    for t in &rec.targets {
        match expand(&parsed, t) {
            Ok(c) => {
                r.covered.push(t.id.clone());
                blocks.push((t, c));
            }
            Err(e) => r.manual.push((Some(t.id.clone()), e)),
        }
    }
    (!blocks.is_empty()).then_some(blocks)
}

/// The policy ids in `opts.policies` that are not recommendations of the input.
pub fn unknown_policies<'a>(input: &FixInput, opts: &'a Options) -> Vec<&'a str> {
    opts.policies
        .iter()
        .filter(|p| !input.recommendations.iter().any(|r| &r.id == *p))
        .map(String::as_str)
        .collect()
}

/// Plans every selected recommendation that has unhealthy resources.
pub fn plan<'a>(input: &'a FixInput, opts: &Options) -> Vec<Planned<'a>> {
    let mut out = Vec::new();
    for rec in input
        .recommendations
        .iter()
        .filter(|r| opts.selects(r) && !r.targets.is_empty())
    {
        let stem = quote::file_stem(&rec.id);
        let mut scripts = Vec::new();
        let mut manual = Vec::new();
        let mut add = |shell: Shell, name: String, runs_on: RunsOn, r: Rendered| {
            for (resource, reason) in r.manual {
                manual.push(Manual {
                    shell: Some(shell),
                    resource,
                    reason,
                });
            }
            if let Some(text) = r.text {
                scripts.push(Script {
                    name,
                    shell,
                    runs_on,
                    resources: r.covered,
                    text,
                });
            }
        };
        let host = host::applies(rec).then(|| host::render(input, rec, &format!("{stem}.host.sh")));
        // Without templates (or without the policy) there is one reason for every shell.
        if host.is_none() && (!rec.loaded || rec.quick_fix.is_none()) {
            let reason = no_template(rec, Shell::Bash)
                .filter(|_| !rec.loaded)
                .unwrap_or_else(|| "the policy has no quick fix".to_string());
            out.push(Planned {
                rec,
                scripts: Vec::new(),
                manual: vec![Manual {
                    shell: None,
                    resource: None,
                    reason,
                }],
            });
            continue;
        }
        if opts.wants(Shell::Bash) {
            if let Some(h) = host.clone() {
                add(Shell::Bash, format!("{stem}.host.sh"), RunsOn::Host, h);
            }
            if host.is_none() || rec.quick_fix.as_ref().is_some_and(|q| q.bash.is_some()) {
                add(
                    Shell::Bash,
                    format!("{stem}.sh"),
                    RunsOn::Azure,
                    bash::render(input, rec, &format!("{stem}.sh")),
                );
            }
        }
        if opts.wants(Shell::Powershell)
            && (host.is_none()
                || rec
                    .quick_fix
                    .as_ref()
                    .is_some_and(|q| q.powershell.is_some()))
        {
            add(
                Shell::Powershell,
                format!("{stem}.ps1"),
                RunsOn::Azure,
                powershell::render(input, rec, &format!("{stem}.ps1")),
            );
        }
        out.push(Planned {
            rec,
            scripts,
            manual,
        });
    }
    out
}

/// Every file of the output folder: the planned scripts, `README.md` and `fixes.json`.
pub fn files(input: &FixInput, planned: &[Planned<'_>]) -> Vec<OutFile> {
    let mut files: Vec<OutFile> = planned
        .iter()
        .flat_map(|p| &p.scripts)
        .map(|s| OutFile {
            name: s.name.clone(),
            text: s.text.clone(),
            executable: true,
        })
        .collect();
    files.push(OutFile {
        name: "README.md".into(),
        text: index::markdown(input, planned),
        executable: false,
    });
    files.push(OutFile {
        name: "fixes.json".into(),
        text: index::json(input, planned),
        executable: false,
    });
    files
}

/// Why a recommendation has no template for a shell, if it has none.
pub fn no_template(rec: &Recommendation, shell: Shell) -> Option<String> {
    if !rec.loaded {
        return Some(format!(
            "policy `{}` is not loaded, so its quick-fix templates are unknown (pass the folder with --policies)",
            rec.id
        ));
    }
    let has = rec.quick_fix.as_ref().is_some_and(|q| match shell {
        Shell::Bash => q.bash.is_some(),
        Shell::Powershell => q.powershell.is_some(),
    });
    (!has).then(|| format!("the policy has no {} quick fix", shell.as_str()))
}

/// Wraps text to `width` columns at spaces; each input line is wrapped on its own.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let indent: String = line.chars().take_while(|c| *c == ' ').collect();
        let mut cur = String::new();
        for word in line.split_whitespace() {
            if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
                out.push(std::mem::take(&mut cur));
            }
            if cur.is_empty() {
                cur.push_str(&indent);
            } else {
                cur.push(' ');
            }
            cur.push_str(word);
        }
        out.push(cur);
    }
    out
}

/// The header every script starts with, as comment lines without the `#`: what it changes,
/// why, which resources, what is left out, the side effects the remediation names, the gain.
pub fn header(
    input: &FixInput,
    rec: &Recommendation,
    kind: &str,
    changes: &[String],
    rendered: &Rendered,
    safety: &[String],
) -> Vec<String> {
    let c = quote::comment;
    let mut h = vec![
        format!("posture quick fix ({kind}): {}", c(&rec.title)),
        format!(
            "Recommendation {} (severity {}, control: {})",
            c(&rec.id),
            rec.severity,
            c(&rec.control)
        ),
        format!(
            "Written by posture {} from the assessment at {}. Review it before running it.",
            c(&input.version),
            c(&input.assessed_at)
        ),
        String::new(),
        "What it changes:".into(),
    ];
    h.extend(changes.iter().map(|l| format!("  {}", c(l))));
    h.push("Why:".into());
    h.extend(
        wrap(&rec.description, 94)
            .iter()
            .map(|l| format!("  {}", c(l))),
    );
    h.push(format!(
        "Resources it changes ({}):",
        rendered.covered.len()
    ));
    for id in &rendered.covered {
        h.push(format!("  {}", c(id)));
        if let Some(m) = rec
            .targets
            .iter()
            .find(|t| &t.id == id)
            .and_then(|t| t.message.as_ref())
        {
            h.push(format!("    {}", c(m)));
        }
    }
    if !rendered.manual.is_empty() {
        h.push(format!(
            "Left to fix by hand ({}; see README.md):",
            rendered.manual.len()
        ));
        for (r, why) in &rendered.manual {
            match r {
                Some(r) => h.push(format!("  {}: {}", c(r), c(why))),
                None => h.push(format!("  {}", c(why))),
            }
        }
    }
    if rec.exempt > 0 {
        h.push(format!("Exempt resources are left out ({}).", rec.exempt));
    }
    h.push("Side effects and steps, from the policy's remediation:".into());
    h.extend(
        wrap(&rec.remediation, 94)
            .iter()
            .map(|l| format!("  {}", c(l))),
    );
    if let Some(u) = &rec.user_impact {
        h.push(format!("User impact: {}", c(u)));
    }
    h.push(format!(
        "Potential gain: +{:.2} points (+{:.1}% of the Secure Score) once every unhealthy resource of this recommendation is healthy.",
        rec.gain.points, rec.gain.percent
    ));
    h.push(String::new());
    h.extend(safety.iter().cloned());
    h
}

/// Comment lines: `# text`, or `#` alone for an empty line.
pub fn comment_block(lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines {
        if l.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str("# ");
            out.push_str(l.trim_end());
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A recommendation with one unhealthy resource, for the shell modules' tests.
    pub fn rec(
        bash: Option<&str>,
        powershell: Option<&str>,
        targets: Vec<Target>,
    ) -> Recommendation {
        Recommendation {
            id: "test-policy".into(),
            title: "Things should be safe".into(),
            description: "Why it matters.".into(),
            severity: Severity::High,
            control: "Test control".into(),
            remediation: "1. Do it.\n2. Restart the thing (downtime).".into(),
            user_impact: Some("Low".into()),
            gain: Gain {
                points: 1.5,
                percent: 2.25,
            },
            quick_fix: Some(QuickFix {
                bash: bash.map(str::to_string),
                powershell: powershell.map(str::to_string),
            }),
            loaded: true,
            machines: false,
            targets,
            exempt: 1,
        }
    }

    /// A plain target.
    pub fn target(id: &str, name: &str) -> Target {
        Target {
            id: id.into(),
            name: name.into(),
            kind: "Contoso.Test/widgets".into(),
            group: Some("rg".into()),
            subscription: Some("sub-1".into()),
            location: Some("westeurope".into()),
            message: Some("it is not safe".into()),
            fixes: Vec::new(),
            host: None,
        }
    }

    /// An input holding `rec`.
    pub fn input(rec: Recommendation) -> FixInput {
        FixInput {
            version: "0.0.0".into(),
            assessed_at: "2026-11-26T00:00:00Z".into(),
            recommendations: vec![rec],
        }
    }

    #[test]
    fn wrapping_keeps_lines_and_indentation() {
        assert_eq!(
            wrap("one two three\n  four five", 7),
            vec!["one two", "three", "  four", "  five"]
        );
        assert_eq!(wrap("", 7), Vec::<String>::new());
    }

    #[test]
    fn selection_by_policy_and_severity() {
        let mut r = rec(
            Some("az x --ids {{resource.id}}"),
            None,
            vec![target("/a", "a")],
        );
        r.severity = Severity::Medium;
        let i = input(r);
        let all = plan(&i, &Options::default());
        assert_eq!(all.len(), 1);
        let high = Options {
            min_severity: Some(Severity::High),
            ..Options::default()
        };
        assert!(plan(&i, &high).is_empty());
        let other = Options {
            policies: vec!["other".into()],
            ..Options::default()
        };
        assert!(plan(&i, &other).is_empty());
        assert_eq!(unknown_policies(&i, &other), vec!["other"]);
    }

    #[test]
    fn a_shell_without_a_template_is_listed_as_manual() {
        let i = input(rec(
            Some("az x --ids {{resource.id}}"),
            None,
            vec![target("/a", "a")],
        ));
        let p = plan(&i, &Options::default());
        let names: Vec<&str> = p[0].scripts.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["test-policy.sh"]);
        assert_eq!(
            p[0].manual,
            vec![Manual {
                shell: Some(Shell::Powershell),
                resource: None,
                reason: "the policy has no powershell quick fix".into()
            }]
        );
        let only_ps = Options {
            shells: vec![Shell::Powershell],
            ..Options::default()
        };
        assert!(plan(&i, &only_ps)[0].scripts.is_empty());
    }
}
