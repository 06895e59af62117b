//! The security controls and the recommendations of the HTML format.
//!
//! Controls are one table row each with a bar: current points filled, the potential gain
//! hatched up to the maximum. Recommendations are `<details>` entries in the server-side
//! order (potential gain, then unhealthy before the rest, then severity), each carrying
//! `data-` attributes the page script filters and sorts on; the entry itself holds the
//! description, remediation steps, quick-fix availability and the affected resources.

use std::cmp::Ordering;
use std::fmt::Write as _;

use super::escape::{Attr, Text};
use super::{anchor, charts, finite, plural, severity_class, severity_rank};
use crate::report::{
    pct, points, state_label, ControlScore, Gain, Recommendation, Report, ResourceState,
};

/// Gains below this print as `-` (they would round to zero).
const ZERO: f64 = 0.005;

/// Affected resources listed per recommendation; the JSON and CSV reports list every one.
pub const MAX_RESOURCES: usize = 100;

/// Affected resources listed on the whole page, the recommendations with the most to gain
/// first. With [`MAX_RESOURCES`] this bounds the page whatever the estate (a row is about
/// 300 bytes): a dashboard is for looking, the JSON and CSV reports are for every row.
pub const MAX_LISTED: usize = 5_000;

/// The controls table, the biggest potential gain first; unassessed controls last.
pub fn controls_section(report: &Report) -> String {
    let mut s = String::from(
        "<section id=\"controls\">\n<h2>Security controls</h2>\n<p class=\"note\">\
         <span class=\"key cur\"></span> current points · <span class=\"key gain\"></span> \
         potential gain (the points fixing the control's unhealthy resources would add)</p>\n\
         <div class=\"scroll\"><table class=\"controls\">\n<thead><tr><th>Control</th><th class=\"n\">Score</th>\
         <th>Current and potential</th><th class=\"n\">Potential gain</th>\
         <th class=\"n\">Unhealthy</th><th class=\"n\">Healthy</th><th class=\"n\">Not applicable</th></tr></thead>\n<tbody>\n",
    );
    let mut controls: Vec<(usize, &ControlScore)> =
        report.score.controls.iter().enumerate().collect();
    controls.sort_by(|(_, a), (_, b)| {
        b.available
            .cmp(&a.available)
            .then_with(|| by_gain_desc(a.potential_gain.percent, b.potential_gain.percent))
    });
    for (index, c) in controls {
        let score = if !c.available {
            "not assessed".to_string()
        } else if c.max > 0.0 {
            format!(
                "{} / {} ({})",
                points(c.current),
                compact(c.max),
                pct(c.current / c.max * 100.0)
            )
        } else {
            "not scored".to_string()
        };
        let bar = if c.available && c.max > 0.0 {
            charts::bar(c.current, c.max, c.unhealthy > 0)
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "<tr id=\"{}\"><td>{}</td><td class=\"n\">{}</td><td class=\"barcell\">{bar}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            Attr(&anchor("control", &c.id, index)),
            Text(&c.name),
            Text(&score),
            control_gain(&c.potential_gain),
            c.unhealthy,
            c.healthy,
            c.not_applicable
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
    s
}

/// The recommendations: filters (shown by the script), then one entry each.
pub fn recommendations_section(report: &Report) -> String {
    let mut recs: Vec<&Recommendation> = report.recommendations.iter().collect();
    recs.sort_by(|a, b| {
        by_gain_desc(a.potential_gain.percent, b.potential_gain.percent)
            .then_with(|| attention(a).cmp(&attention(b)))
            .then_with(|| severity_rank(&a.severity).cmp(&severity_rank(&b.severity)))
    });
    let mut s = String::from("<section id=\"recommendations\">\n<h2>Recommendations</h2>\n");
    let _ = writeln!(
        s,
        "<p class=\"note\">{}, the biggest potential gain first, then by severity. Open one for \
         its remediation and affected resources.</p>",
        plural(recs.len(), "recommendation")
    );
    write_toolbar(&mut s, report, &recs);
    s.push_str("<div id=\"rec-list\">\n");
    let mut budget = MAX_LISTED;
    for (order, rec) in recs.iter().enumerate() {
        write_recommendation(&mut s, report, rec, order, &mut budget);
    }
    s.push_str("</div>\n<p id=\"f-none\" class=\"note\" hidden>No recommendation matches these filters.</p>\n</section>\n");
    s
}

/// The filters and sorting. Hidden until the script shows it: without a script it could do
/// nothing.
fn write_toolbar(s: &mut String, report: &Report, recs: &[&Recommendation]) {
    s.push_str(
        "<div class=\"toolbar\" id=\"rec-tools\" role=\"group\" aria-label=\"Filter and sort\" hidden>\n\
         <label>Severity <select id=\"f-severity\"><option value=\"\">All</option>\
         <option>High</option><option>Medium</option><option>Low</option></select></label>\n\
         <label>Control <select id=\"f-control\"><option value=\"\">All</option>",
    );
    // Controls in catalogue order, then any a recommendation names that the score lacks.
    let mut seen: Vec<&str> = Vec::new();
    let named = report
        .score
        .controls
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .chain(
            recs.iter()
                .map(|r| (r.control.as_str(), r.control_name.as_str())),
        );
    for (id, name) in named {
        if seen.contains(&id) || !recs.iter().any(|r| r.control == id) {
            continue;
        }
        seen.push(id);
        let _ = write!(s, "<option value=\"{}\">{}</option>", Attr(id), Text(name));
    }
    s.push_str(
        "</select></label>\n<label>State <select id=\"f-state\"><option value=\"\">All</option>\
         <option value=\"unhealthy\">Unhealthy</option><option value=\"healthy\">Healthy</option>\
         <option value=\"exempt\">Exempt</option><option value=\"not_applicable\">Not applicable</option>\
         </select></label>\n<label>Sort by <select id=\"f-sort\"><option value=\"gain\">Potential gain</option>\
         <option value=\"severity\">Severity</option><option value=\"unhealthy\">Unhealthy resources</option>\
         <option value=\"title\">Title</option></select></label>\n<output id=\"f-count\"></output>\n</div>\n",
    );
}

/// Unhealthy ones first and those with nothing applicable last, whatever their severity.
fn attention(rec: &Recommendation) -> u8 {
    match state_of(rec) {
        "unhealthy" => 0,
        "not_applicable" => 2,
        _ => 1,
    }
}

/// A recommendation's overall state: unhealthy when any resource is, else healthy when any
/// is, else exempt when any is, else not applicable.
pub fn state_of(rec: &Recommendation) -> &'static str {
    if rec.counts.unhealthy > 0 {
        "unhealthy"
    } else if rec.counts.healthy > 0 {
        "healthy"
    } else if rec.counts.exempt > 0 {
        "exempt"
    } else {
        "not_applicable"
    }
}

fn write_recommendation(
    s: &mut String,
    report: &Report,
    rec: &Recommendation,
    order: usize,
    budget: &mut usize,
) {
    let state = state_of(rec);
    let assessed = rec.counts.healthy + rec.counts.unhealthy;
    let status = match state {
        "unhealthy" => format!("{} of {} unhealthy", rec.counts.unhealthy, assessed),
        "healthy" => format!("{} healthy", rec.counts.healthy),
        "exempt" => format!("{} exempt", rec.counts.exempt),
        _ => "not applicable".to_string(),
    };
    let _ = write!(
        s,
        "<details class=\"rec\" id=\"{}\" data-severity=\"{}\" data-control=\"{}\" data-state=\"{state}\" \
         data-gain=\"{:.4}\" data-unhealthy=\"{}\" data-order=\"{order}\">\n\
         <summary><span class=\"sev {}\">{}</span> <span class=\"t\">{}</span> <span class=\"m\">\
         <span class=\"state s-{state}\">{}</span> · {}",
        Attr(&anchor("rec", &rec.id, order)),
        Attr(&rec.severity),
        Attr(&rec.control),
        finite(rec.potential_gain.percent),
        rec.counts.unhealthy,
        severity_class(&rec.severity),
        Text(&rec.severity),
        Text(&rec.title),
        Text(&status),
        Text(&rec.control_name),
    );
    if let Some(gain) = recommendation_gain(&rec.potential_gain) {
        let _ = write!(s, " · <b class=\"g\">{gain}</b>");
    }
    s.push_str("</span></summary>\n<div class=\"body\">\n");
    if !rec.description.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", Text(&rec.description));
    }
    let _ = writeln!(
        s,
        "<h4>Remediation</h4>\n<div class=\"steps\">{}</div>",
        Text(rec.remediation.trim())
    );
    s.push_str(if rec.quick_fix {
        "<p><b>Quick fix:</b> available (<code>posture fix</code> writes the scripts).</p>\n"
    } else {
        "<p><b>Quick fix:</b> none; follow the steps above.</p>\n"
    });
    let _ = write!(
        s,
        "<dl class=\"facts\"><dt>Policy</dt><dd><code>{}</code></dd><dt>Control</dt><dd>",
        Text(&rec.id)
    );
    match report
        .score
        .controls
        .iter()
        .position(|c| c.id == rec.control)
    {
        Some(index) => {
            let _ = write!(
                s,
                "<a href=\"#{}\">{}</a>",
                Attr(&anchor("control", &rec.control, index)),
                Text(&rec.control_name)
            );
        }
        None => {
            let _ = write!(s, "{}", Text(&rec.control_name));
        }
    }
    let _ = writeln!(
        s,
        "</dd><dt>Resource types</dt><dd>{}</dd></dl>",
        Text(&rec.resource_types.join(", "))
    );
    write_resources(s, rec, budget);
    s.push_str("</div>\n</details>\n");
}

/// The unhealthy, then the exempt resources (at most [`MAX_RESOURCES`], and what is left of
/// the page's `budget`), and how many healthy and not applicable ones there are.
fn write_resources(s: &mut String, rec: &Recommendation, budget: &mut usize) {
    let listed: Vec<&ResourceState> = rec
        .resources
        .iter()
        .filter(|r| r.state == "unhealthy")
        .chain(rec.resources.iter().filter(|r| r.state == "exempt"))
        .collect();
    let shown = listed.len().min(MAX_RESOURCES).min(*budget);
    *budget -= shown;
    if shown > 0 {
        s.push_str(
            "<h4>Affected resources</h4>\n<div class=\"scroll\"><table class=\"res\"><thead><tr><th>Resource</th>\
             <th>State</th><th>Details</th></tr></thead><tbody>\n",
        );
        for r in listed.iter().take(shown) {
            write_resource(s, r);
        }
        s.push_str("</tbody></table></div>\n");
    }
    let hidden = listed.len() - shown;
    if hidden > 0 {
        let more = if shown == 0 { "" } else { " more" };
        let what = if hidden == 1 {
            format!("1{more} affected resource is")
        } else {
            format!("{hidden}{more} affected resources are")
        };
        let _ = writeln!(
            s,
            "<p class=\"note\">{what} not listed here, to keep this page small: the JSON and CSV \
             reports list every resource.</p>"
        );
    }
    let mut rest = Vec::new();
    if rec.counts.healthy > 0 {
        rest.push(format!("{} healthy", rec.counts.healthy));
    }
    if rec.counts.not_applicable > 0 {
        rest.push(format!("{} not applicable", rec.counts.not_applicable));
    }
    if !rest.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"note\">Also {} (listed in the JSON and CSV reports).</p>",
            rest.join(" and ")
        );
    }
}

fn write_resource(s: &mut String, r: &ResourceState) {
    let _ = write!(
        s,
        "<tr><td><b>{}</b><br><code>{}</code></td><td class=\"state s-{}\">{}",
        Text(&r.name),
        Text(&r.id),
        Attr(r.state),
        Text(&state_label(r.state))
    );
    if r.baseline.as_deref() == Some("new") {
        s.push_str(" <span class=\"tag new\">new</span>");
    } else if r.baseline.as_deref() == Some("changed") {
        s.push_str(" <span class=\"tag\">changed</span>");
    }
    s.push_str("</td><td>");
    if let Some(e) = &r.exemption {
        let _ = write!(s, "{} exemption: {}", Text(&e.category), Text(&e.reason));
        if let Some(owner) = &e.owner {
            let _ = write!(s, " · owner {}", Text(owner));
        }
        if let Some(expires) = &e.expires {
            let _ = write!(s, " · until {}", Text(expires));
        }
    } else if let Some(m) = &r.message {
        let _ = write!(s, "{}", Text(m));
    }
    if let Some(l) = &r.location {
        let _ = write!(
            s,
            "<br><small>{}:{}:{}</small>",
            Text(&l.file),
            l.line,
            l.column
        );
    }
    s.push_str("</td></tr>\n");
}

/// `+4.57 pts (+7.9%)`, or `-` when there is nothing to gain (the table's words).
fn control_gain(gain: &Gain) -> String {
    if !gain.points.is_finite() || gain.points.abs() < ZERO {
        "-".to_string()
    } else {
        format!("+{} pts (+{})", points(gain.points), pct(gain.percent))
    }
}

/// `+5.98%`, or `None` when there is nothing to gain.
fn recommendation_gain(gain: &Gain) -> Option<String> {
    if !gain.percent.is_finite() || (gain.percent.abs() < ZERO && gain.points.abs() < ZERO) {
        None
    } else {
        Some(format!("+{:.2}%", gain.percent))
    }
}

/// Maximum points are usually whole: `4`, not `4.00`.
fn compact(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        points(x)
    }
}

/// Descending, NaN as zero, so a stable sort keeps ties in their given order.
fn by_gain_desc(a: f64, b: f64) -> Ordering {
    let key = |x: f64| if x.is_nan() { 0.0 } else { x + 0.0 };
    key(b).total_cmp(&key(a))
}
