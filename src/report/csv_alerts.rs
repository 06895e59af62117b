//! The `csv-alerts` format: one row per security alert, for spreadsheets and SIEM imports.
//!
//! Alerts are not recommendations, and the `csv` format's columns are a contract (the
//! reference's recommendation export): adding alert rows there would give rows whose cells
//! mean something else under the same headers. So alerts have their own CSV, written with
//! `--format csv-alerts` or beside the others with `-o csv-alerts=alerts.csv`. Its columns are
//! those of the reference's `SecurityAlert` table where one applies (so a sheet or query
//! built for exported Defender alerts reads it), then posture's own. Encoding is the `csv`
//! format's: RFC 4180 with CRLF, UTF-8 without BOM, the header always written, and cells a
//! spreadsheet would run as a formula neutralised with a leading `'`.

use std::io;

use serde_json::json;

use super::csv::neutralise;
use super::{Alert, RenderOptions, Report, Reporter};

/// The header: the reference's `SecurityAlert` columns that apply, then posture's.
pub const COLUMNS: [&str; 22] = [
    "TimeGenerated",
    "AlertName",
    "AlertType",
    "Severity",
    "Description",
    "RemediationSteps",
    "StartTime",
    "EndTime",
    "CompromisedEntity",
    "ResourceId",
    "Tactics",
    "Techniques",
    "Entities",
    "ExtendedProperties",
    "ProductName",
    "VendorName",
    "SystemAlertId",
    "Status",
    "hostname",
    "policy",
    "source",
    "fingerprint",
];

/// Writes the alerts CSV.
#[derive(Debug, Clone, Copy)]
pub struct CsvAlertsReporter;

impl Reporter for CsvAlertsReporter {
    fn render(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        let mut writer = ::csv::WriterBuilder::new()
            .delimiter(opts.csv_delimiter)
            .terminator(::csv::Terminator::CRLF)
            .from_writer(out);
        writer.write_record(COLUMNS).map_err(io::Error::other)?;
        for alert in &report.alerts {
            writer
                .write_record(row(report, alert))
                .map_err(io::Error::other)?;
        }
        writer.flush()
    }
}

/// One row, cells in [`COLUMNS`] order.
fn row(report: &Report, a: &Alert) -> Vec<String> {
    let text = |s: &str| neutralise(s);
    // What the SecurityAlert table keeps in its property bag: the evidence and where the
    // alert came from.
    let extended = json!({
        "detection": a.policy,
        "source": a.source,
        "detectionDescription": a.description,
        "evidence": a.evidence,
    });
    vec![
        text(&report.assessed_at),
        text(&a.title),
        text(&a.alert_type),
        text(&a.severity),
        // The reference's Description is the instance's text, naming its specifics.
        text(&a.message),
        text(&a.remediation),
        text(&a.start),
        text(&a.end),
        text(&a.hostname),
        text(&a.machine),
        text(&a.tactics.join(", ")),
        text(&a.techniques.join(", ")),
        text(&a.entities.to_string()),
        text(&extended.to_string()),
        "posture".to_string(),
        "posture".to_string(),
        text(&a.fingerprint),
        // posture keeps no alert state between runs: every alert is as the reference's new.
        "New".to_string(),
        text(&a.hostname),
        text(&a.policy),
        text(&a.source),
        text(&a.fingerprint),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample;

    fn render(report: &Report) -> String {
        let mut out = Vec::new();
        CsvAlertsReporter
            .render(report, &RenderOptions::default(), &mut out)
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_row_per_alert_under_the_security_alert_columns() {
        let report = sample();
        let text = render(&report);
        let rows: Vec<Vec<String>> = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rows[0], COLUMNS);
        assert_eq!(rows.len(), 1 + report.alerts.len());
        let at = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
        let first = &rows[1];
        assert_eq!(first[at("AlertType")], report.alerts[0].alert_type);
        assert_eq!(first[at("SystemAlertId")], report.alerts[0].fingerprint);
        assert_eq!(first[at("Severity")], "High");
        let entities: serde_json::Value = serde_json::from_str(&first[at("Entities")]).unwrap();
        assert_eq!(entities, report.alerts[0].entities);
        assert!(text.ends_with("\r\n"));
    }

    #[test]
    fn formula_cells_are_neutralised_and_the_header_stays_without_alerts() {
        let mut report = sample();
        report.alerts[0].message = "=cmd|' /C calc'!A0".into();
        assert!(render(&report).contains("'=cmd|"));
        report.alerts.clear();
        assert_eq!(render(&report), format!("{}\r\n", COLUMNS.join(",")));
    }
}
