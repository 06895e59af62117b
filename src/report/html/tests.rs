//! Tests of the HTML format over the shared sample report: a browser-grade parse
//! (html5ever, through scraper) finds no error, the numbers match the report, input text
//! stays text, the page works without script and stays small.

use std::collections::BTreeSet;

use scraper::{Html, Selector};

use super::alerts::tests::sample_alerts;
use super::recommendations::{MAX_LISTED, MAX_RESOURCES};
use super::*;
use crate::report::fixture::{load_error, sample};
use crate::report::{Counts, Gain, Recommendation, ResourceState};

fn render(report: &Report) -> String {
    let mut out = Vec::new();
    HtmlReporter
        .render(report, &RenderOptions::default(), &mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}

fn parse(html: &str) -> Html {
    let doc = Html::parse_document(html);
    assert!(
        doc.errors.is_empty(),
        "HTML5 parse errors: {:?}",
        doc.errors
    );
    assert_eq!(
        format!("{:?}", doc.quirks_mode),
        "NoQuirks",
        "the doctype is missing"
    );
    doc
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector).collect()
}

fn text(e: &scraper::ElementRef<'_>) -> String {
    e.text().collect()
}

#[test]
fn parses_as_html5_without_errors_and_ids_are_unique() {
    for report in [sample(), {
        let mut r = sample();
        r.errors.push(load_error());
        r.baseline = None;
        r.exemptions.clear();
        r
    }] {
        let html = page(&report, Some(&sample_alerts()));
        let doc = parse(&html);
        let ids: Vec<&str> = select(&doc, "[id]")
            .iter()
            .filter_map(|e| e.value().attr("id"))
            .collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(ids.len(), unique.len(), "duplicate ids in {ids:?}");
        // Every in-page link lands somewhere.
        for a in select(&doc, "a[href]") {
            let href = a.value().attr("href").unwrap();
            let target = href.strip_prefix('#').expect("only in-page links");
            assert!(unique.contains(target), "dangling link {href}");
        }
        // Every label's select exists.
        assert_eq!(select(&doc, "#rec-tools select").len(), 4);
    }
}

#[test]
fn the_gauge_shows_the_overall_percentage() {
    let report = sample();
    let doc = parse(&render(&report));
    let value = select(&doc, "#score-value");
    assert_eq!(value.len(), 1);
    assert_eq!(text(&value[0]), "57.9%");
    let card = select(&doc, "#score");
    assert_eq!(card[0].value().attr("data-percentage"), Some("57.9310"));
    // The change against the baseline, in words and a mark, not only in colour.
    let delta = select(&doc, "#score .delta");
    assert_eq!(text(&delta[0]), "▲ up +2.1 pts");
    assert!(render(&report)
        .contains("<title>Secure Score 57.9% · posture · 2026-11-26T00:00:00Z</title>"));
}

#[test]
fn every_recommendation_is_an_entry_biggest_gain_first() {
    let report = sample();
    let doc = parse(&render(&report));
    let entries = select(&doc, "#rec-list > details.rec");
    let ids: Vec<&str> = entries
        .iter()
        .map(|e| e.value().attr("id").unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "rec-storage-public-network",
            "rec-vm-system-updates",
            "rec-nsg-open-management-ports",
            // No gain: the healthy ones by severity.
            "rec-storage-secure-transfer",
            "rec-keyvault-soft-delete",
            "rec-aad-mfa-owners",
        ]
    );
    let first = &entries[0];
    assert_eq!(first.value().attr("data-severity"), Some("High"));
    assert_eq!(first.value().attr("data-state"), Some("unhealthy"));
    assert_eq!(first.value().attr("data-control"), Some("restrict-network"));
    assert_eq!(first.value().attr("data-gain"), Some("2.2900"));
    let summary = text(&select(&doc, "#rec-storage-public-network summary")[0]);
    assert_eq!(
        summary,
        "High Storage accounts should restrict network access 2 of 3 unhealthy · \
         Restrict unauthorized network access · +2.29%"
    );
    let body = text(&select(&doc, "#rec-storage-public-network .body")[0]);
    assert!(body.contains("Set publicNetworkAccess to Disabled"));
    assert!(body.contains("Quick fix: none; follow the steps above."));
    assert!(body.contains("Also 1 healthy (listed in the JSON and CSV reports)."));
    // Unhealthy first, then exempt with its exemption; healthy ones are only counted.
    let rows: Vec<String> = select(&doc, "#rec-storage-public-network table.res tbody tr")
        .iter()
        .map(text)
        .collect();
    assert_eq!(rows.len(), 3, "{rows:#?}");
    assert!(rows[0].starts_with("webassets/subscriptions/"));
    assert!(rows[1].contains("Unhealthy new"));
    assert!(rows[2].contains("Exempt"));
    assert!(rows[2].contains("waiver exemption: retired with the file server in Q1 · owner platform-team · until 2027-03-31"));
    // The empty recommendation reads as not applicable.
    assert_eq!(
        select(&doc, "#rec-aad-mfa-owners")[0]
            .value()
            .attr("data-state"),
        Some("not_applicable")
    );
}

#[test]
fn controls_show_current_against_max_with_the_gain_hatched() {
    let doc = parse(&render(&sample()));
    let row = text(&select(&doc, "#control-restrict-network")[0]);
    assert_eq!(
        row,
        "Restrict unauthorized network access2.00 / 4 (50.0%)+2.00 pts (+3.5%)311"
    );
    let bar = select(&doc, "#control-restrict-network svg.bar rect.gain");
    assert_eq!(bar[0].value().attr("x"), Some("50"));
    // Nothing assessed: no bar, said in words, listed last.
    let rows = select(&doc, "table.controls tbody tr");
    let last = rows.last().unwrap();
    assert_eq!(last.value().attr("id"), Some("control-enable-mfa"));
    assert!(text(last).contains("not assessed"));
}

#[test]
fn input_text_is_shown_as_text_never_as_markup() {
    let script = "<script>document.title='pwned'</script>";
    let img = "\"><img src=x onerror=alert(1)>";
    let mut report = sample();
    let rec = &mut report.recommendations[0];
    rec.title = format!("title {script}");
    rec.remediation = format!("1. {img}\n2. </details></section><p>");
    rec.control_name = img.into();
    rec.resources[0].name = script.into();
    rec.resources[0].id = format!("/subscriptions/x/{img}").into();
    rec.resources[0].message = Some(format!("{img}\u{0}"));
    report.score.controls[1].name = script.into();
    report.exemptions[0].reason = img.into();
    report.inputs[0].path = format!("inventory/{script}.json");
    report.assessed_at = format!("{img}'");
    report.warnings[0].message = script.into();
    let html = page(&report, Some(&sample_alerts()));
    let doc = parse(&html);
    assert_eq!(
        select(&doc, "script").len(),
        1,
        "only the page's own script"
    );
    assert!(select(&doc, "img").is_empty());
    for e in select(&doc, "*") {
        for (name, _) in e.value().attrs() {
            assert!(!name.starts_with("on"), "event handler attribute {name}");
        }
    }
    // And the text is all there, as the reader should see it.
    let all = text(&select(&doc, "body")[0]);
    assert!(all.contains("title <script>document.title='pwned'</script>"));
    assert!(all.contains("2. </details></section><p>"));
    assert!(all.contains("\"><img src=x onerror=alert(1)>\u{FFFD}"));
    assert_eq!(select(&doc, "#rec-list > details.rec").len(), 6);
    let time = select(&doc, "time");
    assert_eq!(
        time[0].value().attr("datetime"),
        Some(report.assessed_at.as_str())
    );
}

#[test]
fn the_policy_allows_only_the_inline_style_and_script_by_hash() {
    let html = render(&sample());
    let doc = parse(&html);
    let csp = select(&doc, "meta[http-equiv=Content-Security-Policy]")[0]
        .value()
        .attr("content")
        .unwrap()
        .to_string();
    assert!(csp.starts_with("default-src 'none'; "), "{csp}");
    assert!(!csp.contains("unsafe"), "{csp}");
    let style = text(&select(&doc, "style")[0]);
    let script = text(&select(&doc, "script")[0]);
    assert_eq!(style, STYLE);
    assert_eq!(script, SCRIPT);
    assert!(csp.contains(&format!("style-src '{}'", sha256_source(&style))));
    assert!(csp.contains(&format!("script-src '{}'", sha256_source(&script))));
    // No external anything: no URL other than in-page anchors and the SVG namespace-free markup.
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src="));
    assert!(
        !html.contains(" style=\""),
        "inline style attributes would need 'unsafe-inline'"
    );
}

#[test]
fn complete_without_script() {
    let doc = parse(&render(&sample()));
    // The filters do nothing without the script, so they start hidden; everything else is
    // plain markup: every entry is there and expands by itself.
    assert!(select(&doc, "#rec-tools")[0]
        .value()
        .attr("hidden")
        .is_some());
    assert!(select(&doc, "details.rec:not([hidden])").len() >= 6);
    assert!(select(&doc, "details[open]").is_empty());
}

#[test]
fn sections_for_exemptions_gate_inputs_and_baseline() {
    let doc = parse(&render(&sample()));
    let section = |id: &str| text(&select(&doc, &format!("section#{id}"))[0]);
    let exemptions = section("exemptions");
    assert!(exemptions.contains("1 active, 0 expired"));
    assert!(exemptions.contains("retired with the file server in Q1"));
    let gate = section("gate");
    assert!(gate.contains("✖ Gate: FAILED (fail-on high: 3 unhealthy High findings)"));
    assert!(gate.contains("✔ passed"));
    let inputs = section("inputs");
    assert!(inputs.contains("inventory/prod estate.json"));
    assert!(inputs.contains(&"ab".repeat(32)));
    assert!(inputs.contains("1 policy: 1 evaluated, 0 disabled, 0 failed"));
    let baseline = section("baseline");
    assert!(baseline.contains("2 new, 1 resolved, 1 changed, 1 unchanged"));
    assert!(baseline.contains("was: rule allow-ssh opens port 22 to 10.0.0.0/8"));
    assert!(section("diagnostics").contains("0 errors, 1 warning."));
    let subs = text(&select(&doc, "#subscriptions")[0]);
    assert!(subs.contains("00000000-0000-0000-0000-0000000000b254.3%31.50 / 58.004"));
}

#[test]
fn alerts_appear_only_when_the_report_has_them() {
    let report = sample();
    let without = page(&report, None);
    assert!(!without.contains("id=\"alerts\""));
    assert!(!without.contains("href=\"#alerts\""));
    let with = page(&report, Some(&sample_alerts()));
    let doc = parse(&with);
    assert_eq!(select(&doc, "section#alerts details.alert").len(), 3);
    assert!(with.contains("<a href=\"#alerts\">Alerts</a>"));
    let none = page(&report, Some(&[]));
    assert!(none.contains("No security alerts."));
}

#[test]
fn the_trend_chart_shows_earlier_reports_and_this_one() {
    let mut report = sample();
    assert!(!render(&report).contains("id=\"trend\""));
    // Given out of order: the chart goes by time.
    report.trend = vec![
        crate::report::TrendPoint {
            assessed_at: "2026-11-19T00:00:00Z".into(),
            percentage: 55.862_068,
            path: "history/<week 47>.json".into(),
        },
        crate::report::TrendPoint {
            assessed_at: "2026-11-12T00:00:00Z".into(),
            percentage: 41.0,
            path: "history/week-46.json".into(),
        },
    ];
    let doc = parse(&render(&report));
    let card = text(&select(&doc, "#trend")[0]);
    assert!(card
        .contains("3 reports from 2026-11-12T00:00:00Z (41.0%) to 2026-11-26T00:00:00Z (57.9%)."));
    assert_eq!(select(&doc, "#trend svg circle").len(), 3);
    assert_eq!(select(&doc, "#trend svg circle.current").len(), 1);
    let rows: Vec<String> = select(&doc, "#trend tbody tr").iter().map(text).collect();
    assert_eq!(
        rows,
        [
            "2026-11-12T00:00:00Z41.0%history/week-46.json",
            "2026-11-19T00:00:00Z55.9%history/<week 47>.json",
            "2026-11-26T00:00:00Z57.9%this report",
        ]
    );
}

#[test]
fn deterministic() {
    let report = sample();
    assert_eq!(render(&report), render(&report));
}

/// A generated estate: 1,000 recommendations with realistic texts, each with 8 unhealthy,
/// 2 exempt and 30 healthy resources with realistic ids and messages.
fn big_report() -> Report {
    let mut report = sample();
    let template = report.recommendations[0].clone();
    let description = "Public network access lets anyone on the Internet reach the service's \
        endpoint; only the credentials stand between it and an attacker. Restrict it to \
        selected networks or private endpoints so that a leaked key cannot be used from \
        anywhere. Resources without the property use the service default, which is open.";
    let remediation = "1. Open the resource in the portal and select Networking.\n2. Set \
        Public network access to Disabled, or to Enabled from selected virtual networks and \
        IP addresses.\n3. Add a private endpoint for the clients that need access.\n4. Save, \
        then check that the clients still connect.";
    report.recommendations = (0..1000)
        .map(|i| {
            let resources: Vec<ResourceState> = (0..40)
                .map(|j| {
                    let mut r = template.resources[0].clone();
                    r.name = format!("storage{i:04}x{j:02}").into();
                    r.id = format!(
                        "/subscriptions/3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b/resourceGroups/rg-app-{i:04}/providers/Microsoft.Storage/storageAccounts/{}",
                        r.name
                    )
                    .into();
                    r.state = match j {
                        0..=7 => "unhealthy",
                        8..=9 => "exempt",
                        _ => "healthy",
                    };
                    r.message = (j < 8).then(|| "public network access is Enabled and no firewall rule restricts it".into());
                    r
                })
                .collect();
            Recommendation {
                id: format!("policy-{i:04}"),
                title: format!("Recommendation number {i} should be followed by every resource"),
                description: description.into(),
                remediation: remediation.into(),
                potential_gain: Gain { points: 0.01, percent: 0.02 },
                counts: Counts { healthy: 30, unhealthy: 8, not_applicable: 0, exempt: 2 },
                resources,
                ..template.clone()
            }
        })
        .collect();
    report
}

/// About 3.4 MB: 1.6 KB per recommendation (its texts are most of it) and 350 bytes per
/// listed resource (its id is most of it). Without the page's budget of listed resources
/// the same report would be 5 MB, and a larger estate would grow without bound.
#[test]
fn a_thousand_recommendation_report_stays_under_four_megabytes() {
    let report = big_report();
    let html = render(&report);
    assert!(html.len() < 4 * 1024 * 1024, "{} bytes", html.len());
    let doc = parse(&html);
    // Every recommendation is there; affected resources are listed up to the page's budget,
    // the biggest gain first, and the rest are counted.
    assert_eq!(select(&doc, "#rec-list > details.rec").len(), 1000);
    assert_eq!(select(&doc, "table.res tbody tr").len(), MAX_LISTED);
    let last = text(&select(&doc, "#rec-policy-0999")[0]);
    assert!(
        last.contains("10 affected resources are not listed here, to keep this page small"),
        "{last}"
    );
}

#[test]
fn affected_resources_are_capped_per_recommendation() {
    let mut report = big_report();
    report.recommendations.truncate(1);
    let template = report.recommendations[0].resources[0].clone();
    report.recommendations[0].resources = vec![template; MAX_RESOURCES + 7];
    let html = render(&report);
    assert_eq!(html.matches("<tr><td><b>").count(), MAX_RESOURCES);
    assert!(html.contains("7 more affected resources are not listed here"));
}

/// The realistic report in this format, reviewed as `snapshots/report__html.snap`.
#[test]
fn snapshot() {
    let html = page(&sample(), Some(&sample_alerts()));
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("report__html", html)
    });
}
