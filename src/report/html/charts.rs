//! Inline SVG for the HTML format: the score gauge, the bars of controls and subscriptions
//! and the score trend.
//!
//! Pure functions from numbers to markup. Sizes and positions are SVG attributes, never
//! `style` attributes, so the page's Content-Security-Policy can refuse inline styles other
//! than its one stylesheet; colours come from classes that stylesheet defines. Every chart
//! carries its numbers as text too (a label, a `<title>`, a table), so nothing is told by
//! colour or shape alone.

use std::fmt::Write as _;

use super::escape::{Attr, Text};

/// One point of the score trend.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint<'a> {
    /// The report's assessment time, as written in it.
    pub assessed_at: &'a str,
    /// Seconds since the epoch, when `assessed_at` is RFC 3339.
    pub unix: Option<i64>,
    /// Overall percentage.
    pub percentage: f64,
    /// True for the report being rendered.
    pub current: bool,
}

/// A number that is safe to print into an attribute: NaN and infinities become 0, and the
/// value is held within `0..=max`.
fn clamp(value: f64, max: f64) -> f64 {
    if value.is_finite() {
        value.clamp(0.0, max)
    } else {
        0.0
    }
}

/// Fixed two-decimal coordinates: the same input always prints the same bytes.
fn coord(x: f64) -> String {
    let s = format!("{:.2}", x + 0.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// The band a score falls in, for its colour: below 40 %, below 70 %, else.
pub fn band(percentage: f64) -> &'static str {
    if percentage < 40.0 {
        "band-low"
    } else if percentage < 70.0 {
        "band-mid"
    } else {
        "band-high"
    }
}

/// A half-circle gauge with the percentage written in its middle (`#score-value`, the number
/// tests and readers look for).
pub fn gauge(percentage: f64, label: &str) -> String {
    let p = clamp(percentage, 100.0);
    let arc = "M20 100A80 80 0 0 1 180 100";
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"gauge\" viewBox=\"0 0 200 112\" role=\"img\" aria-label=\"Secure Score {}\">\
         <path class=\"track\" d=\"{arc}\" pathLength=\"100\"/>",
        Attr(label)
    );
    if p > 0.0 {
        let _ = write!(
            s,
            "<path class=\"fill {}\" d=\"{arc}\" pathLength=\"100\" stroke-dasharray=\"{} 100\"/>",
            band(p),
            coord(p)
        );
    }
    let _ = write!(
        s,
        "<text id=\"score-value\" x=\"100\" y=\"96\" text-anchor=\"middle\">{}</text></svg>",
        Text(label)
    );
    s
}

/// A horizontal bar: `value` of `max` filled, and when `highlight_rest` the remainder up to
/// `max` hatched (what fixing the control would gain).
pub fn bar(value: f64, max: f64, highlight_rest: bool) -> String {
    let ratio = if max > 0.0 && max.is_finite() {
        clamp(value / max, 1.0)
    } else {
        0.0
    };
    let filled = ratio * 100.0;
    let mut s = String::from(
        "<svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">\
         <rect class=\"track\" width=\"100\" height=\"10\"/>",
    );
    if filled > 0.0 {
        let _ = write!(
            s,
            "<rect class=\"fill\" width=\"{}\" height=\"10\"/>",
            coord(filled)
        );
    }
    if highlight_rest && filled < 100.0 {
        let _ = write!(
            s,
            "<rect class=\"gain\" x=\"{}\" width=\"{}\" height=\"10\"/>",
            coord(filled),
            coord(100.0 - filled)
        );
    }
    s.push_str("</svg>");
    s
}

/// The pattern the bars' gain segments use: defined once for the whole page.
pub const DEFS: &str = "<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>\
<pattern id=\"hatch\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
<rect width=\"4\" height=\"4\" class=\"hatch-bg\"/><rect width=\"2\" height=\"4\" class=\"hatch-fg\"/></pattern>\
</defs></svg>";

// The trend chart's plot area inside its 600 x 220 view box.
const LEFT: f64 = 44.0;
const RIGHT: f64 = 588.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 180.0;

/// The score over time: a line through every report, oldest left, 0 to 100 % upwards.
/// Points are placed by time when every point has one, else evenly. Each point has a
/// `<title>` with its time and score; the page puts the same numbers in a table beside it.
pub fn trend(points: &[TrendPoint<'_>]) -> String {
    let mut s = String::from(
        "<svg class=\"trend\" viewBox=\"0 0 600 220\" role=\"img\" aria-label=\"Secure Score over time\">",
    );
    for tick in [0u8, 25, 50, 75, 100] {
        let y = y_of(f64::from(tick));
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>\
             <text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{tick}%</text>",
            coord(LEFT),
            coord(RIGHT),
            coord(LEFT - 6.0),
            coord(y_of(f64::from(tick)) + 4.0),
            y = coord(y)
        );
    }
    let xs = x_positions(points);
    let placed: Vec<(f64, f64, &TrendPoint<'_>)> = xs
        .iter()
        .zip(points)
        .map(|(x, p)| (*x, y_of(clamp(p.percentage, 100.0)), p))
        .collect();
    if placed.len() > 1 {
        let line: Vec<String> = placed
            .iter()
            .map(|(x, y, _)| format!("{},{}", coord(*x), coord(*y)))
            .collect();
        let _ = write!(
            s,
            "<polyline class=\"line\" points=\"{}\"/>",
            line.join(" ")
        );
    }
    for (x, y, p) in &placed {
        let _ = write!(
            s,
            "<circle class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\"><title>{}: {:.1}%{}</title></circle>",
            if p.current { "point current" } else { "point" },
            coord(*x),
            coord(*y),
            if p.current { "5" } else { "3.5" },
            Text(p.assessed_at),
            clamp(p.percentage, 100.0),
            if p.current { " (this report)" } else { "" }
        );
    }
    if let (Some(first), Some(last)) = (placed.first(), placed.last()) {
        let _ = write!(
            s,
            "<text class=\"axis\" x=\"{}\" y=\"200\" text-anchor=\"start\">{}</text>",
            coord(LEFT),
            Text(day(first.2.assessed_at))
        );
        if placed.len() > 1 {
            let _ = write!(
                s,
                "<text class=\"axis\" x=\"{}\" y=\"200\" text-anchor=\"end\">{}</text>",
                coord(RIGHT),
                Text(day(last.2.assessed_at))
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn y_of(percentage: f64) -> f64 {
    BOTTOM - (BOTTOM - TOP) * percentage / 100.0
}

/// By time when every point has one and they span some time; evenly otherwise (and one
/// point sits in the middle).
fn x_positions(points: &[TrendPoint<'_>]) -> Vec<f64> {
    let width = RIGHT - LEFT;
    let times: Option<Vec<i64>> = points.iter().map(|p| p.unix).collect();
    if let Some(times) = times {
        let (min, max) = (times.iter().min(), times.iter().max());
        if let (Some(&min), Some(&max)) = (min, max) {
            if max > min {
                // The span is at most a few hundred years in seconds: exact enough in f64.
                #[allow(clippy::cast_precision_loss)]
                let span = (max - min) as f64;
                return times
                    .iter()
                    .map(|t| {
                        #[allow(clippy::cast_precision_loss)]
                        let offset = (t - min) as f64;
                        LEFT + width * offset / span
                    })
                    .collect();
            }
        }
    }
    match points.len() {
        0 => Vec::new(),
        1 => vec![LEFT + width / 2.0],
        n => {
            let steps = f64::from(u32::try_from(n - 1).unwrap_or(u32::MAX));
            (0..n)
                .map(|i| LEFT + width * f64::from(u32::try_from(i).unwrap_or(0)) / steps)
                .collect()
        }
    }
}

/// The date part of an RFC 3339 time (the whole text when it is not one).
fn day(time: &str) -> &str {
    time.get(0..10)
        .filter(|_| crate::time::is_rfc3339(time))
        .unwrap_or(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauge_shows_the_label_and_fills_its_share() {
        let svg = gauge(49.2806, "49.3%");
        assert!(svg.contains("<text id=\"score-value\""));
        assert!(svg.contains(">49.3%</text>"));
        assert!(svg.contains("stroke-dasharray=\"49.28 100\""));
        assert!(svg.contains("band-mid"));
        // Nothing to fill at zero, and nonsense is held in range.
        assert!(!gauge(0.0, "0.0%").contains("class=\"fill"));
        assert!(gauge(250.0, "x").contains("stroke-dasharray=\"100 100\""));
        assert!(!gauge(f64::NAN, "x").contains("class=\"fill"));
    }

    #[test]
    fn bars_fill_the_share_and_hatch_the_rest() {
        let svg = bar(1.0, 4.0, true);
        assert!(svg.contains("<rect class=\"fill\" width=\"25\""));
        assert!(svg.contains("<rect class=\"gain\" x=\"25\" width=\"75\""));
        assert!(!bar(1.0, 4.0, false).contains("gain"));
        assert!(!bar(4.0, 4.0, true).contains("gain"));
        assert!(!bar(0.0, 0.0, true).contains("class=\"fill\""));
        assert_eq!(coord(-0.0), "0");
        assert_eq!(coord(12.5), "12.5");
        assert_eq!(coord(1.0 / 3.0), "0.33");
    }

    #[test]
    fn trend_places_points_by_time() {
        let p = |at: &'static str, pct: f64, current: bool| TrendPoint {
            assessed_at: at,
            unix: crate::time::unix_seconds(at),
            percentage: pct,
            current,
        };
        let svg = trend(&[
            p("2026-11-01T00:00:00Z", 40.0, false),
            p("2026-11-02T00:00:00Z", 45.0, false),
            p("2026-11-11T00:00:00Z", 50.0, true),
        ]);
        // 0 % at y 180, 100 % at y 12; one day of ten is a tenth of 544 units.
        assert!(
            svg.contains("points=\"44,112.8 98.4,104.4 588,96\""),
            "{svg}"
        );
        assert!(svg.contains("<title>2026-11-11T00:00:00Z: 50.0% (this report)</title>"));
        assert!(svg.contains(">2026-11-01</text>"));
        assert!(svg.contains(">2026-11-11</text>"));

        // Without times, evenly; one point in the middle.
        let odd = [
            TrendPoint {
                assessed_at: "<b>yesterday</b>",
                unix: None,
                percentage: 10.0,
                current: false,
            },
            p("2026-11-11T00:00:00Z", 20.0, true),
        ];
        let svg = trend(&odd);
        assert!(svg.contains("points=\"44,163.2 588,146.4\""), "{svg}");
        assert!(svg.contains("&lt;b&gt;yesterday&lt;/b&gt;"));
        assert!(!svg.contains("<b>"));
        let one = trend(&odd[1..]);
        assert!(one.contains("cx=\"316\""));
        assert!(!one.contains("polyline"));
    }
}
