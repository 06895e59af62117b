//! The `table` format: the [`Report`] laid out for a person at a terminal.
//!
//! Responsibility: a headline score, per-subscription scores (when there are several), the
//! controls by potential gain, the recommendations that need attention, diagnostics, and the
//! gate outcome as the very last line (so `tail -1` in CI shows why the job failed).
//! Everything that varies between terminals comes from [`RenderOptions`]: comfy-table is
//! never allowed to probe the tty, so one report and one set of options always render to the
//! same bytes.

use std::cmp::Ordering;
use std::io;

use comfy_table::{
    modifiers, presets, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table,
    Width,
};

use super::{
    gate_summary_styled, pct, points, ControlScore, Gain, GateOutcome, GateStyle, Message,
    Recommendation, RenderOptions, Report, Reporter,
};

/// Diagnostics shown per kind before the rest is summarised: a broken inventory can produce
/// thousands, and the tables and gate line must stay on screen.
const MAX_MESSAGES: usize = 20;

/// Gains below this many points print as `-`: they would round to `+0.00` and only add noise.
const ZERO_POINTS: f64 = 0.005;

/// ANSI reset, used only for the gate line (the tables colour through comfy-table).
const RESET: &str = "\x1b[0m";

/// Terminal tables.
#[derive(Debug, Clone, Copy)]
pub struct TableReporter;

impl Reporter for TableReporter {
    fn render(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        write_headline(report, out)?;

        if report.score.subscriptions.len() >= 2 {
            writeln!(out)?;
            writeln!(out, "{}", subscriptions_table(report, opts))?;
            if !report.score.aggregation.is_empty() {
                // The multi-subscription rule is posture's own (DESIGN.md section 4), so the
                // report says how the numbers above were combined.
                writeln!(out, "Aggregation: {}", report.score.aggregation)?;
            }
        }

        if !report.score.controls.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", controls_table(&report.score.controls, opts))?;
        }

        write_recommendations(&report.recommendations, opts, out)?;

        write_alerts(report, opts, out)?;

        if !report.machines.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", machines_table(report, opts))?;
        }

        if !report.errors.is_empty() || !report.warnings.is_empty() {
            writeln!(out)?;
            write_messages("error", &report.errors, out)?;
            write_messages("warning", &report.warnings, out)?;
        }

        writeln!(out)?;
        writeln!(out, "{}", gate_line(&report.gate, opts.color))
    }
}

fn write_headline(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let overall = &report.score.overall;
    writeln!(
        out,
        "Secure Score: {} ({} of {} points)",
        pct(overall.percentage),
        points(overall.current),
        points(overall.max)
    )?;
    let unhealthy = report
        .recommendations
        .iter()
        .filter(|r| r.counts.unhealthy > 0)
        .count();
    writeln!(
        out,
        "Resources: {} assessed, recommendations: {} unhealthy of {}",
        report.resource_count,
        unhealthy,
        report.recommendations.len()
    )
}

/// How a column behaves when the table must fit `opts.width`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    /// Free text: takes the remaining room and wraps.
    Text,
    /// A short label that must stay whole (a wrapped severity or id is unreadable).
    Label,
    /// A number: right-aligned. Left unconstrained: numbers are narrow, so comfy-table only
    /// wraps them (their headers, really) when the table could not fit otherwise.
    Number,
}

/// A table with the shared look. The tty is never consulted: width is fixed by the caller
/// and styling is on exactly when colour was asked for.
fn new_table(opts: &RenderOptions, columns: &[(&str, Col)]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .apply_modifier(modifiers::UTF8_ROUND_CORNERS)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(opts.width)
        .force_no_tty();
    if opts.color {
        // force_no_tty also disables styling; colour was requested explicitly, so restore it.
        table.enforce_styling();
        table.style_text_only();
    }
    table.set_header(columns.iter().map(|(name, _)| *name));
    for (index, (_, kind)) in columns.iter().enumerate() {
        if let Some(column) = table.column_mut(index) {
            if *kind == Col::Label {
                column.set_constraint(ColumnConstraint::ContentWidth);
            }
            if *kind == Col::Number {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    table
}

fn subscriptions_table(report: &Report, opts: &RenderOptions) -> Table {
    let mut table = new_table(
        opts,
        &[
            ("Subscription", Col::Text),
            ("Score", Col::Number),
            ("Points", Col::Number),
            ("Weight", Col::Number),
        ],
    );
    for sub in &report.score.subscriptions {
        let id = if sub.id.is_empty() {
            "(no subscription)"
        } else {
            sub.id.as_str()
        };
        table.add_row(vec![
            id.to_string(),
            pct(sub.percentage),
            format!("{} / {}", points(sub.current), compact(sub.max)),
            compact(sub.weight),
        ]);
    }
    table
}

/// Machines with agent data: how old each snapshot is, stale ones marked in words (colour
/// is never the only carrier).
fn machines_table(report: &Report, opts: &RenderOptions) -> Table {
    let mut table = new_table(
        opts,
        &[
            ("Machine", Col::Text),
            ("OS", Col::Text),
            ("Snapshot", Col::Label),
            ("Age", Col::Number),
            ("Freshness", Col::Label),
        ],
    );
    for m in &report.machines {
        let age = if m.age_hours < 48.0 {
            format!("{:.1} h", m.age_hours)
        } else {
            format!("{:.1} d", m.age_hours / 24.0)
        };
        let fresh = if m.stale { "STALE" } else { "fresh" };
        let mut cell = Cell::new(fresh);
        if opts.color && m.stale {
            cell = cell.fg(Color::Red);
        }
        table.add_row(vec![
            Cell::new(&m.hostname),
            Cell::new(&m.os),
            Cell::new(&m.collected_at),
            Cell::new(age),
            cell,
        ]);
    }
    table
}

fn controls_table(controls: &[ControlScore], opts: &RenderOptions) -> Table {
    let mut table = new_table(
        opts,
        &[
            ("Control", Col::Text),
            ("Score", Col::Number),
            ("Percent", Col::Number),
            ("Potential gain", Col::Number),
            ("Unhealthy", Col::Number),
            ("Healthy", Col::Number),
            ("N/A", Col::Number),
        ],
    );
    let mut sorted: Vec<&ControlScore> = controls.iter().collect();
    // Stable sort: the biggest wins first, ties keep catalogue order, and unavailable
    // controls (nothing to gain, nothing to show) go last in their given order.
    sorted.sort_by(|a, b| match (a.available, b.available) {
        (true, true) => {
            sort_key(b.potential_gain.percent).total_cmp(&sort_key(a.potential_gain.percent))
        }
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => Ordering::Equal,
    });
    for control in sorted {
        let (score, percent) = if control.available {
            let ratio = if control.max > 0.0 {
                control.current / control.max * 100.0
            } else {
                0.0
            };
            (
                format!("{} / {}", points(control.current), compact(control.max)),
                pct(ratio),
            )
        } else {
            ("n/a".to_string(), "n/a".to_string())
        };
        table.add_row(vec![
            control.name.clone(),
            score,
            percent,
            control_gain(&control.potential_gain),
            control.unhealthy.to_string(),
            control.healthy.to_string(),
            control.not_applicable.to_string(),
        ]);
    }
    table
}

fn write_recommendations(
    recommendations: &[Recommendation],
    opts: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    if recommendations.is_empty() {
        return Ok(());
    }
    // Fully healthy or not-applicable recommendations need no action; listing them would
    // push the ones that do off the screen. The JSON keeps them all.
    let shown: Vec<&Recommendation> = recommendations
        .iter()
        .filter(|r| r.counts.unhealthy > 0 || r.counts.exempt > 0)
        .collect();
    writeln!(out)?;
    if !shown.is_empty() {
        let mut table = new_table(
            opts,
            &[
                ("Severity", Col::Label),
                ("Recommendation", Col::Text),
                ("Control", Col::Text),
                ("Unhealthy", Col::Number),
                ("Healthy", Col::Number),
                ("N/A", Col::Number),
                ("Exempt", Col::Number),
                ("Gain", Col::Number),
            ],
        );
        for rec in &shown {
            let mut severity = Cell::new(&rec.severity);
            if opts.color {
                if let Some(color) = severity_color(&rec.severity) {
                    severity = severity.fg(color);
                }
            }
            table.add_row(vec![
                severity,
                Cell::new(format!("{}\n{}", rec.title, rec.id)),
                Cell::new(&rec.control),
                Cell::new(rec.counts.unhealthy),
                Cell::new(rec.counts.healthy),
                Cell::new(rec.counts.not_applicable),
                Cell::new(rec.counts.exempt),
                Cell::new(recommendation_gain(&rec.potential_gain)),
            ]);
        }
        let longest_id = shown.iter().map(|r| r.id.chars().count()).max();
        keep_words_whole(&mut table, 1, longest_id.unwrap_or(0), opts.width);
        writeln!(out, "{table}")?;
    }
    let omitted = recommendations.len() - shown.len();
    if omitted > 0 {
        writeln!(
            out,
            "{omitted} {} fully healthy or not applicable (use --format json for all)",
            if omitted == 1 {
                "recommendation"
            } else {
                "recommendations"
            }
        )?;
    }
    Ok(())
}

/// The security alerts, most severe first; nothing when no machine has agent data (alerts
/// come only from snapshots), a line saying so when there are machines but no alerts.
fn write_alerts(report: &Report, opts: &RenderOptions, out: &mut dyn io::Write) -> io::Result<()> {
    if report.alerts.is_empty() {
        if !report.machines.is_empty() {
            writeln!(out)?;
            writeln!(out, "Security alerts: none")?;
        }
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "Security alerts: {}", alert_counts(&report.alerts))?;
    let mut table = new_table(
        opts,
        &[
            ("Severity", Col::Label),
            ("Alert", Col::Text),
            ("Machine", Col::Text),
            ("Start", Col::Label),
            ("Message", Col::Text),
        ],
    );
    for a in &report.alerts {
        let mut severity = Cell::new(&a.severity);
        if opts.color {
            if let Some(color) = severity_color(&a.severity) {
                severity = severity.fg(color);
            }
        }
        table.add_row(vec![
            severity,
            Cell::new(format!("{}\n{}", a.title, a.alert_type)),
            Cell::new(&a.hostname),
            Cell::new(&a.start),
            Cell::new(&a.message),
        ]);
    }
    // Alert types are what users look up and gate on: keep them whole, like policy ids.
    let longest = report
        .alerts
        .iter()
        .map(|a| a.alert_type.chars().count())
        .max();
    keep_words_whole(&mut table, 1, longest.unwrap_or(0), opts.width);
    writeln!(out, "{table}")
}

/// `3 (1 High, 2 Medium)`: the count and how it splits by severity, most severe first.
pub fn alert_counts(alerts: &[super::Alert]) -> String {
    let parts: Vec<String> = ["High", "Medium", "Low", "Informational"]
        .iter()
        .filter_map(|sev| {
            let n = alerts.iter().filter(|a| a.severity == *sev).count();
            (n > 0).then(|| format!("{n} {sev}"))
        })
        .collect();
    format!("{} ({})", alerts.len(), parts.join(", "))
}

/// Gives `column` at least `word` characters (capped at a quarter of the table) when
/// comfy-table would otherwise squeeze it narrower and cut the word in the middle.
///
/// The recommendation id under each title is what users copy into exemptions and
/// `--disable`, so it should stay whole while the titles wrap. comfy-table fixes a column with
/// a lower boundary to exactly that boundary, so the constraint is only set when the column
/// would not get that much anyway.
fn keep_words_whole(table: &mut Table, column: usize, word: usize, width: u16) {
    let widths = table.column_max_content_widths();
    let columns = widths.len();
    let others: usize = widths
        .iter()
        .enumerate()
        .filter(|(index, _)| *index != column)
        .map(|(_, w)| usize::from(*w))
        .sum();
    // Each column has one space of padding either side; there is one border more than columns.
    let chrome = columns * 3 + 1;
    let room = usize::from(width).saturating_sub(chrome + others);
    if room >= word {
        return;
    }
    let floor = word.min(usize::from(width / 4)) + 2;
    if let (Some(col), Ok(floor)) = (table.column_mut(column), u16::try_from(floor)) {
        col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(floor)));
    }
}

fn write_messages(kind: &str, messages: &[Message], out: &mut dyn io::Write) -> io::Result<()> {
    for message in messages.iter().take(MAX_MESSAGES) {
        match location(message) {
            Some(at) => writeln!(out, "{kind}[{}]: {at}: {}", message.code, message.message)?,
            None => writeln!(out, "{kind}[{}]: {}", message.code, message.message)?,
        }
    }
    if messages.len() > MAX_MESSAGES {
        writeln!(out, "... and {} more", messages.len() - MAX_MESSAGES)?;
    }
    Ok(())
}

/// `file:line:col`, or as much of it as is known; a line without a file locates nothing.
fn location(message: &Message) -> Option<String> {
    let file = message.file.as_deref()?;
    Some(match (message.line, message.column) {
        (Some(line), Some(column)) => format!("{file}:{line}:{column}"),
        (Some(line), None) => format!("{file}:{line}"),
        _ => file.to_string(),
    })
}

/// The shared gate summary, its status word coloured when colour was asked for: the last
/// line of the table and all that `--quiet` prints.
pub fn gate_line(gate: &GateOutcome, color: bool) -> String {
    gate_summary_styled(gate, &|word, style| {
        let code = match style {
            GateStyle::Passed => "32",
            GateStyle::Failed | GateStyle::Error => "1;31",
            GateStyle::NotConfigured => return word.to_string(),
        };
        if color {
            format!("\x1b[{code}m{word}{RESET}")
        } else {
            word.to_string()
        }
    })
}

fn severity_color(severity: &str) -> Option<Color> {
    match severity {
        "High" => Some(Color::Red),
        "Medium" => Some(Color::Yellow),
        "Low" => Some(Color::Blue),
        _ => None,
    }
}

/// `+1.69 pts (+2.9%)`, or `-` when there is nothing to gain.
fn control_gain(gain: &Gain) -> String {
    if gain.points.abs() < ZERO_POINTS {
        "-".to_string()
    } else {
        format!("+{} pts (+{})", points(gain.points), pct(gain.percent))
    }
}

/// `+0.69%`, or `-`. Two decimals: one recommendation often moves the score by less than
/// 0.1%, which one decimal would show as a misleading `+0.0%`.
fn recommendation_gain(gain: &Gain) -> String {
    if gain.points.abs() < ZERO_POINTS && gain.percent.abs() < ZERO_POINTS {
        "-".to_string()
    } else {
        format!("+{:.2}%", gain.percent)
    }
}

/// Maximum points and weights are usually whole numbers: print `4`, not `4.00`.
fn compact(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        points(x)
    }
}

/// A total order for sorting gains: NaN counts as no gain and `-0.0` equals `0.0`, so ties
/// stay ties and the stable sort keeps the catalogue order.
fn sort_key(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x + 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{
        Counts, ExemptionRef, GateCheck, Input, MachineEntry, Overall, PolicyEntry, ResourceState,
        ScoreSection, SourceLocation, SubscriptionScore, Tool,
    };

    const SCHEMA: &str = include_str!("../../schemas/report.schema.json");

    fn gain(points: f64, percent: f64) -> Gain {
        Gain { points, percent }
    }

    fn control(
        id: &str,
        name: &str,
        current: f64,
        max: f64,
        available: bool,
        counts: (usize, usize, usize),
        potential_gain: Gain,
    ) -> ControlScore {
        ControlScore {
            id: id.into(),
            name: name.into(),
            current,
            max,
            available,
            healthy: counts.0,
            unhealthy: counts.1,
            not_applicable: counts.2,
            potential_gain,
        }
    }

    fn resource(id: &str, state: &'static str, fingerprint: &str) -> ResourceState {
        ResourceState {
            id: id.into(),
            kind: "Microsoft.Storage/storageAccounts".into(),
            subscription_id: Some("00000000-0000-0000-0000-000000000001".into()),
            resource_group: Some("rg-app".into()),
            name: id.rsplit('/').next().unwrap_or(id).into(),
            state,
            message: (state == "unhealthy").then(|| "public network access enabled".into()),
            fingerprint: fingerprint.into(),
            exemption: None,
            fixes: Vec::new(),
            location: Some(SourceLocation {
                file: "inventory.json".into(),
                line: 12,
                column: 5,
            }),
            baseline: None,
        }
    }

    fn recommendation(
        id: &str,
        title: &str,
        severity: &str,
        control: &str,
        counts: Counts,
        potential_gain: Gain,
        resources: Vec<ResourceState>,
    ) -> Recommendation {
        Recommendation {
            id: id.into(),
            title: title.into(),
            description: format!("{title}."),
            severity: severity.into(),
            control: control.into(),
            control_name: control.into(),
            remediation: "Fix it.".into(),
            quick_fix: false,
            resource_types: vec!["Microsoft.Storage/storageAccounts".into()],
            potential_gain,
            counts,
            resources,
        }
    }

    fn counts(healthy: usize, unhealthy: usize, not_applicable: usize, exempt: usize) -> Counts {
        Counts {
            healthy,
            unhealthy,
            not_applicable,
            exempt,
        }
    }

    fn sample() -> Report {
        let mut exempt = resource("/subscriptions/1/sa/legacy", "exempt", &"c".repeat(32));
        exempt.exemption = Some(Box::new(ExemptionRef {
            category: "waiver".into(),
            reason: "legacy system, retired in Q3".into(),
            owner: Some("platform-team".into()),
            expires: None,
        }));
        let mut no_sub = resource("vm-local", "healthy", &"d".repeat(32));
        no_sub.subscription_id = None;
        no_sub.resource_group = None;
        no_sub.location = None;
        Report {
            schema_version: "1".into(),
            tool: Tool {
                name: "posture".into(),
                version: "0.1.0".into(),
            },
            assessed_at: "2025-01-15T10:00:00Z".into(),
            inputs: vec![Input {
                path: "inventory.json".into(),
                sha256: "ab".repeat(32),
                kind: "azure-resource-graph".into(),
            }],
            resource_count: 12,
            score: ScoreSection {
                overall: Overall {
                    current: 35.57,
                    max: 58.0,
                    percentage: 61.327_586,
                },
                subscriptions: vec![
                    SubscriptionScore {
                        id: "00000000-0000-0000-0000-000000000001".into(),
                        current: 40.0,
                        max: 58.0,
                        percentage: 68.965_517,
                        weight: 8.0,
                    },
                    SubscriptionScore {
                        id: "00000000-0000-0000-0000-000000000002".into(),
                        current: 26.0,
                        max: 58.0,
                        percentage: 44.827_586,
                        weight: 4.0,
                    },
                ],
                controls: vec![
                    control(
                        "enable-mfa",
                        "Enable MFA",
                        10.0,
                        10.0,
                        true,
                        (3, 0, 0),
                        gain(0.0, 0.0),
                    ),
                    control(
                        "restrict-network",
                        "Restrict unauthorized network access",
                        2.31,
                        4.0,
                        true,
                        (4, 3, 1),
                        gain(1.69, 2.913_793),
                    ),
                    control(
                        "encrypt-data",
                        "Encrypt data in transit",
                        0.0,
                        4.0,
                        false,
                        (0, 0, 2),
                        gain(0.0, 0.0),
                    ),
                ],
                aggregation: "weighted mean of per-subscription ratios, weight = counted resources"
                    .into(),
            },
            baseline: None,
            trend: Vec::new(),
            intel: None,
            exemptions: Vec::new(),
            machines: vec![
                MachineEntry {
                    id: "/subscriptions/1/vm/web-01".into(),
                    hostname: "web-01".into(),
                    os: "Debian GNU/Linux 12 (bookworm)".into(),
                    collected_at: "2025-01-15T08:00:00Z".into(),
                    age_hours: 2.0,
                    stale: false,
                    source: "agents/web-01.json".into(),
                    history_snapshots: 0,
                    history_since: None,
                },
                MachineEntry {
                    id: "/providers/Microsoft.HybridCompute/machines/db-02".into(),
                    hostname: "db-02".into(),
                    os: "Rocky Linux 9.4".into(),
                    collected_at: "2025-01-12T10:00:00Z".into(),
                    age_hours: 72.0,
                    stale: true,
                    source: "agents/db-02.json".into(),
                    history_snapshots: 0,
                    history_since: None,
                },
            ],
            recommendations: vec![
                recommendation(
                    "storage-public-network",
                    "Storage accounts should restrict network access",
                    "High",
                    "restrict-network",
                    counts(2, 2, 0, 1),
                    gain(0.4, 0.69),
                    vec![
                        resource("/subscriptions/1/sa/one", "unhealthy", &"a".repeat(32)),
                        resource("/subscriptions/1/sa/two", "unhealthy", &"b".repeat(32)),
                        exempt,
                        no_sub,
                    ],
                ),
                recommendation(
                    "nsg-open-ssh",
                    "Management ports should be closed",
                    "Medium",
                    "restrict-network",
                    counts(1, 1, 0, 0),
                    gain(0.2, 0.345),
                    vec![resource(
                        "/subscriptions/2/nsg/a",
                        "unhealthy",
                        &"e".repeat(32),
                    )],
                ),
                recommendation(
                    "storage-min-tls",
                    "Storage accounts should require TLS 1.2",
                    "Low",
                    "encrypt-data",
                    counts(0, 0, 1, 1),
                    gain(0.0, 0.0),
                    vec![],
                ),
                recommendation(
                    "mfa-owners",
                    "MFA should be enabled for owners",
                    "High",
                    "enable-mfa",
                    counts(3, 0, 0, 0),
                    gain(0.0, 0.0),
                    vec![],
                ),
            ],
            alerts: Vec::new(),
            policies: vec![PolicyEntry {
                kind: "recommendation".into(),
                id: "storage-public-network".into(),
                source: "bundled".into(),
                enabled: true,
                reason: "default".into(),
                status: "evaluated".into(),
                path: "policies/azure/storage_public_network.rego".into(),
            }],
            gate: GateOutcome {
                status: "failed".into(),
                checks: vec![
                    GateCheck {
                        gate: "min-score".into(),
                        passed: true,
                        detail: "min-score 50: 61.3% >= 50".into(),
                    },
                    GateCheck {
                        gate: "fail-on".into(),
                        passed: false,
                        detail: "fail-on high: 2 unhealthy High findings".into(),
                    },
                ],
                exit_code: 1,
            },
            errors: vec![Message {
                code: "load::json".into(),
                message: "expected value".into(),
                file: Some("broken.json".into()),
                line: Some(3),
                column: Some(7),
                help: Some("check the file is JSON".into()),
            }],
            warnings: vec![Message {
                code: "exemption::expired".into(),
                message: "exemption for legacy expired".into(),
                file: None,
                line: None,
                column: None,
                help: None,
            }],
        }
    }

    fn render(report: &Report, color: bool) -> String {
        let mut out = Vec::new();
        TableReporter
            .render(
                report,
                &RenderOptions {
                    color,
                    width: 100,
                    ..RenderOptions::default()
                },
                &mut out,
            )
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn headline_has_score_points_and_counts() {
        let text = render(&sample(), false);
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("Secure Score: 61.3% (35.57 of 58.00 points)")
        );
        assert_eq!(
            lines.next(),
            Some("Resources: 12 assessed, recommendations: 2 unhealthy of 4")
        );
    }

    #[test]
    fn subscriptions_table_when_several() {
        let text = render(&sample(), false);
        assert!(text.contains("Subscription"));
        assert!(text.contains("00000000-0000-0000-0000-000000000002"));
        assert!(text.contains("44.8%"));

        let mut one = sample();
        one.score.subscriptions.truncate(1);
        assert!(!render(&one, false).contains("Subscription"));
    }

    #[test]
    fn controls_sorted_by_gain_and_unavailable_last() {
        let text = render(&sample(), false);
        let network = text.find("Restrict unauthorized").unwrap();
        let mfa = text.find("Enable MFA").unwrap();
        let encrypt = text.find("Encrypt data in transit").unwrap();
        assert!(network < mfa && mfa < encrypt, "{text}");
        let encrypt_line = text.lines().find(|l| l.contains("Encrypt data")).unwrap();
        assert_eq!(encrypt_line.matches("n/a").count(), 2, "{encrypt_line}");
        assert!(text.contains("2.31 / 4"));
        assert!(text.contains("+1.69 pts (+2.9%)"));
    }

    #[test]
    fn healthy_recommendations_are_omitted_and_counted() {
        let text = render(&sample(), false);
        assert!(!text.contains("mfa-owners"));
        // Exempt-only recommendations still need a look (a waiver is a decision to review).
        assert!(text.contains("storage-min-tls"));
        assert!(text.contains("nsg-open-ssh"));
        assert!(text.contains("+0.69%"));
        assert!(text.contains(
            "1 recommendation fully healthy or not applicable (use --format json for all)"
        ));
    }

    #[test]
    fn diagnostics_are_listed() {
        let text = render(&sample(), false);
        assert!(text.contains("error[load::json]: broken.json:3:7: expected value"));
        assert!(text.contains("warning[exemption::expired]: exemption for legacy expired"));

        let mut many = sample();
        many.errors = (0..25).map(|_| many.errors[0].clone()).collect();
        let text = render(&many, false);
        assert_eq!(text.matches("error[load::json]").count(), 20);
        assert!(text.contains("... and 5 more"));
    }

    #[test]
    fn gate_line_is_last() {
        let text = render(&sample(), false);
        assert_eq!(
            text.lines().last(),
            Some("Gate: FAILED (fail-on high: 2 unhealthy High findings)")
        );
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn gate_line_variants() {
        let mut report = sample();
        report.gate.status = "passed".into();
        report.gate.checks[1].passed = true;
        report.gate.checks[1].detail = "0 findings".into();
        report.gate.exit_code = 0;
        assert_eq!(
            render(&report, false).lines().last(),
            Some("Gate: passed (min-score 50: 61.3% >= 50; fail-on: 0 findings)")
        );
        report.gate.checks.clear();
        assert_eq!(
            render(&report, false).lines().last(),
            Some("Gate: not configured")
        );
        report.gate.status = "error".into();
        report.gate.exit_code = 2;
        assert_eq!(
            render(&report, false).lines().last(),
            Some("Gate: error (inputs or policies failed; exit 2)")
        );
    }

    #[test]
    fn no_ansi_without_color() {
        assert!(!render(&sample(), false).contains("\x1b["));
    }

    #[test]
    fn ansi_with_color() {
        let text = render(&sample(), true);
        assert!(text.contains("\x1b["));
        // The severity cells themselves are coloured, not only the gate line.
        let high = text.lines().find(|l| l.contains("High")).unwrap();
        assert!(high.contains("\x1b["), "{high:?}");
        assert!(text.lines().last().unwrap().starts_with("Gate: "));
    }

    #[test]
    fn width_is_respected() {
        for width in [60u16, 80, 100, 120] {
            let mut out = Vec::new();
            let opts = RenderOptions {
                color: false,
                width,
                ..RenderOptions::default()
            };
            TableReporter.render(&sample(), &opts, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            for line in text.lines().filter(|l| l.starts_with(['╭', '│', '╰'])) {
                assert!(
                    line.chars().count() <= usize::from(width),
                    "{width}: {line}"
                );
            }
        }
    }

    #[test]
    fn recommendation_ids_stay_whole_at_100_columns() {
        let text = render(&sample(), false);
        assert!(text.contains("storage-public-network"), "{text}");
    }

    #[test]
    fn rendering_is_deterministic() {
        let report = sample();
        for color in [false, true] {
            assert_eq!(render(&report, color), render(&report, color));
        }
    }

    #[test]
    fn json_report_matches_schema() {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
        assert!(
            jsonschema::meta::is_valid(&schema),
            "schema is not valid JSON Schema"
        );
        let validator = jsonschema::validator_for(&schema).unwrap();

        let mut instance = serde_json::to_value(sample()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");

        let mut broken = instance.clone();
        broken["recommendations"][0]["resources"][0]["state"] = "broken".into();
        assert!(!validator.is_valid(&broken));

        // Fields may be added at the top level and on recommendations and resources...
        instance["extra"] = true.into();
        instance["recommendations"][0]["extra"] = true.into();
        instance["recommendations"][0]["resources"][0]["extra"] = true.into();
        assert!(validator.is_valid(&instance));
        // ... but fixed objects stay closed.
        instance["gate"]["extra"] = true.into();
        assert!(!validator.is_valid(&instance));
    }

    #[test]
    fn alerts_follow_the_recommendations_or_say_there_are_none() {
        let mut report = sample();
        let text = render(&report, false);
        assert!(text.contains("Security alerts: none"), "{text}");
        report.alerts = crate::report::fixture::sample().alerts;
        let text = render(&report, false);
        assert!(
            text.contains("Security alerts: 2 (1 High, 1 Informational)"),
            "{text}"
        );
        let line = text
            .lines()
            .find(|l| l.contains("Successful SSH brute"))
            .unwrap();
        assert!(line.contains("High") && line.contains("db-02"), "{line}");
        assert!(text.find("Security alerts").unwrap() < text.find("Gate:").unwrap());
        report.machines.clear();
        report.alerts.clear();
        assert!(!render(&report, false).contains("Security alerts"));
    }

    #[test]
    fn machines_show_their_snapshot_age_and_stale_ones_in_words() {
        let text = render(&sample(), false);
        let line = text.lines().find(|l| l.contains("db-02")).unwrap();
        assert!(line.contains("STALE") && line.contains("3.0 d"), "{line}");
        let line = text.lines().find(|l| l.contains("web-01")).unwrap();
        assert!(line.contains("fresh") && line.contains("2.0 h"), "{line}");
    }
}
