//! The `csv` format: one row per (recommendation, resource), for spreadsheets and ETL.
//!
//! Responsibility: the columns of Defender for Cloud's "Download CSV report" (reference
//! export, in its order, so existing sheets and scripts keep working), then posture's own
//! columns (message, potential gain, exemption, fingerprint, baseline state). Rows are the
//! resources whose state is in [`RenderOptions::states`] (unhealthy and exempt by default), in
//! report order: recommendations by potential gain, resources unhealthy first, then by id.
//!
//! Encoding decisions:
//! - RFC 4180 through the `csv` crate: fields holding the delimiter, a quote, CR or LF are
//!   quoted, quotes doubled. Records end in CRLF, as RFC 4180 specifies and Excel writes;
//!   every reader (Excel, LibreOffice, Python, pandas, the `csv` crate) also accepts it, and
//!   line breaks inside a message stay as they are, inside quotes.
//! - UTF-8 without a byte order mark: a BOM breaks `cut`, `awk` and many loaders; Excel users
//!   open the file through Data > From Text/CSV (which asks for the encoding).
//! - The header row is always written, even with no rows, so loaders see the columns.
//! - Spreadsheet formula injection (OWASP "CSV Injection"): a text cell starting with `=`,
//!   `+`, `-`, `@`, tab or carriage return gets a leading `'`, so a resource named
//!   `=HYPERLINK(...)` shows as text instead of running. Numeric cells are formatted by
//!   posture, never copied from inputs, and stay numbers. The JSON report is the lossless form.

use std::io;

use super::{state_label, Recommendation, RenderOptions, Report, Reporter, ResourceState};

/// The header, in order: the reference export's 27 columns, then posture's.
pub const COLUMNS: [&str; 35] = [
    "exportedTimestamp",
    "subscriptionId",
    "subscriptionName",
    "resourceGroup",
    "resourceType",
    "resourceName",
    "resourceId",
    "recommendationId",
    "recommendationName",
    "recommendationDisplayName",
    "description",
    "remediationSteps",
    "severity",
    "state",
    "notApplicableReason",
    "firstEvaluationDate",
    "statusChangeDate",
    "controls",
    "azurePortalRecommendationLink",
    "nativeCloudAccountId",
    "tactics",
    "techniques",
    "cloud",
    "owner",
    "eta",
    "dueDate",
    "gracePeriod",
    "message",
    "potentialGainPoints",
    "potentialGainPercent",
    "exemptionCategory",
    "exemptionReason",
    "exemptionExpires",
    "fingerprint",
    "baselineState",
];

/// Characters that make a spreadsheet read a cell as a formula (OWASP's list).
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Writes the CSV export.
#[derive(Debug, Clone, Copy)]
pub struct CsvReporter;

impl Reporter for CsvReporter {
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
        for rec in &report.recommendations {
            for res in &rec.resources {
                if opts.lists_state(res.state) {
                    writer
                        .write_record(row(report, rec, res))
                        .map_err(io::Error::other)?;
                }
            }
        }
        writer.flush()
    }
}

/// One row, cells in [`COLUMNS`] order.
fn row(report: &Report, rec: &Recommendation, res: &ResourceState) -> Vec<String> {
    let exemption = res.exemption.as_ref();
    let not_applicable_reason = match res.state {
        "not_applicable" => res.message.clone().unwrap_or_default(),
        "exempt" => exemption.map_or_else(
            || "Exempt".to_string(),
            |e| format!("Exempt: {}", e.category),
        ),
        _ => String::new(),
    };
    let text = |s: &str| neutralise(s);
    let opt = |s: Option<&str>| s.map_or_else(String::new, neutralise);
    vec![
        text(&report.assessed_at),
        opt(res.subscription_id.as_deref()),
        // The reference export's subscription display name: inventories carry none.
        String::new(),
        opt(res.resource_group.as_deref()),
        text(&res.kind),
        text(&res.name),
        text(&res.id),
        text(&rec.id),
        // The reference export puts the assessment key here; the policy id is posture's key.
        text(&rec.id),
        text(&rec.title),
        text(&rec.description),
        text(&rec.remediation),
        text(&rec.severity),
        state_label(res.state),
        text(&not_applicable_reason),
        // posture keeps no history: this assessment is the first evaluation it knows of.
        text(&report.assessed_at),
        String::new(),
        text(&rec.control_name),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        "Azure".to_string(),
        opt(exemption.and_then(|e| e.owner.as_deref())),
        String::new(),
        String::new(),
        String::new(),
        opt(res.message.as_deref()),
        number(rec.potential_gain.points),
        number(rec.potential_gain.percent),
        opt(exemption.map(|e| e.category.as_str())),
        opt(exemption.map(|e| e.reason.as_str())),
        opt(exemption.and_then(|e| e.expires.as_deref())),
        text(&res.fingerprint),
        opt(res.baseline.as_deref()),
    ]
}

/// A text cell a spreadsheet will not evaluate: a leading formula trigger gets a `'` prefix.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(FORMULA_TRIGGERS) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Two decimals, as the other formats show gains; `-0.00` reads as `0.00` and a value that is
/// not a number leaves the cell empty rather than writing `NaN` into a numeric column.
fn number(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{x:.2}");
    if s == "-0.00" {
        "0.00".to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample;

    fn render(report: &Report, opts: &RenderOptions) -> String {
        let mut out = Vec::new();
        CsvReporter.render(report, opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn read(text: &str, delimiter: u8) -> Vec<Vec<String>> {
        ::csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    fn column(name: &str) -> usize {
        COLUMNS.iter().position(|c| *c == name).unwrap()
    }

    #[test]
    fn header_matches_the_reference_export_then_posture_columns() {
        let reference = "exportedTimestamp, subscriptionId, subscriptionName, resourceGroup, \
            resourceType, resourceName, resourceId, recommendationId, recommendationName, \
            recommendationDisplayName, description, remediationSteps, severity, state, \
            notApplicableReason, firstEvaluationDate, statusChangeDate, controls, \
            azurePortalRecommendationLink, nativeCloudAccountId, tactics, techniques, cloud, \
            owner, eta, dueDate, gracePeriod";
        let reference: Vec<&str> = reference.split(", ").collect();
        assert_eq!(&COLUMNS[..reference.len()], reference.as_slice());

        let rows = read(&render(&sample(), &RenderOptions::default()), b',');
        assert_eq!(rows[0], COLUMNS);
        assert!(rows[1..].iter().all(|r| r.len() == COLUMNS.len()));
    }

    #[test]
    fn header_is_written_without_rows() {
        let opts = RenderOptions {
            states: Vec::new(),
            ..RenderOptions::default()
        };
        let text = render(&sample(), &opts);
        assert_eq!(text, format!("{}\r\n", COLUMNS.join(",")));
    }

    #[test]
    fn default_states_are_unhealthy_and_exempt() {
        let report = sample();
        let rows = read(&render(&report, &RenderOptions::default()), b',');
        let state = column("state");
        let states: Vec<&str> = rows[1..].iter().map(|r| r[state].as_str()).collect();
        assert!(
            states.contains(&"Unhealthy") && states.contains(&"Exempt"),
            "{states:?}"
        );
        assert!(states.iter().all(|s| *s == "Unhealthy" || *s == "Exempt"));
        let expected = report
            .recommendations
            .iter()
            .flat_map(|r| &r.resources)
            .filter(|r| r.state == "unhealthy" || r.state == "exempt")
            .count();
        assert_eq!(rows.len() - 1, expected);
    }

    #[test]
    fn every_state_when_asked_in_any_spelling() {
        let report = sample();
        let opts = RenderOptions {
            states: vec![
                "Healthy".into(),
                "unhealthy".into(),
                "not-applicable".into(),
                "EXEMPT".into(),
            ],
            ..RenderOptions::default()
        };
        let rows = read(&render(&report, &opts), b',');
        let total: usize = report
            .recommendations
            .iter()
            .map(|r| r.resources.len())
            .sum();
        assert_eq!(rows.len() - 1, total);
        let state = column("state");
        for label in ["Healthy", "Unhealthy", "NotApplicable", "Exempt"] {
            assert!(rows.iter().any(|r| r[state] == label), "{label}");
        }
    }

    #[test]
    fn reasons_owner_and_exemption_columns() {
        let opts = RenderOptions {
            states: vec!["exempt".into(), "not_applicable".into()],
            ..RenderOptions::default()
        };
        let rows = read(&render(&sample(), &opts), b',');
        let exempt = rows
            .iter()
            .find(|r| r[column("state")] == "Exempt")
            .unwrap();
        assert_eq!(exempt[column("notApplicableReason")], "Exempt: waiver");
        assert_eq!(exempt[column("owner")], "platform-team");
        assert_eq!(exempt[column("exemptionCategory")], "waiver");
        assert_eq!(exempt[column("exemptionExpires")], "2027-03-31");
        let na = rows
            .iter()
            .find(|r| r[column("state")] == "NotApplicable")
            .unwrap();
        assert_eq!(
            na[column("notApplicableReason")],
            "the account has no blob service"
        );
        assert_eq!(na[column("owner")], "");
        assert_eq!(na[column("cloud")], "Azure");
    }

    #[test]
    fn every_formula_trigger_is_neutralised() {
        for trigger in ["=", "+", "-", "@", "\t", "\r"] {
            let cell = format!("{trigger}HYPERLINK(\"http://x\")");
            assert_eq!(neutralise(&cell), format!("'{cell}"), "{trigger:?}");
        }
        for harmless in ["", "a=b", " =1", "'quoted", "/subscriptions/x", "1-2"] {
            assert_eq!(neutralise(harmless), harmless);
        }

        let mut report = sample();
        let res = &mut report.recommendations[0].resources[0];
        res.name = "=cmd|' /C calc'!A0".into();
        res.message = Some("@SUM(1+1)".into());
        res.resource_group = Some("-rg".into());
        report.recommendations[0].potential_gain.points = -0.5;
        report.recommendations[0].potential_gain.percent = -0.862;
        let rows = read(&render(&report, &RenderOptions::default()), b',');
        let row = &rows[1];
        assert_eq!(row[column("resourceName")], "'=cmd|' /C calc'!A0");
        assert_eq!(row[column("message")], "'@SUM(1+1)");
        assert_eq!(row[column("resourceGroup")], "'-rg");
        // Numbers are posture's own and stay numbers.
        assert_eq!(row[column("potentialGainPoints")], "-0.50");
        assert_eq!(row[column("potentialGainPercent")], "-0.86");
    }

    #[test]
    fn numbers_never_read_minus_zero_or_nan() {
        assert_eq!(number(-0.0), "0.00");
        assert_eq!(number(-0.001), "0.00");
        assert_eq!(number(f64::NAN), "");
        assert_eq!(number(2.913_793), "2.91");
    }

    const NASTY: &str = "line one, with \"quotes\"\nline two: é 日本 🚀; done";

    fn nasty_report() -> Report {
        let mut report = sample();
        report.recommendations[0].resources[0].message = Some(NASTY.into());
        report.recommendations[0].resources[0].name = "café-日本".into();
        report
    }

    #[test]
    fn awkward_text_round_trips_through_the_csv_crate() {
        for delimiter in [b',', b';'] {
            let opts = RenderOptions {
                csv_delimiter: delimiter,
                ..RenderOptions::default()
            };
            let text = render(&nasty_report(), &opts);
            assert!(!text.starts_with('\u{feff}'), "no BOM");
            let rows = read(&text, delimiter);
            assert_eq!(rows[1][column("message")], NASTY);
            assert_eq!(rows[1][column("resourceName")], "café-日本");
        }
    }

    #[test]
    fn records_end_in_crlf_and_inner_newlines_stay() {
        let text = render(&nasty_report(), &RenderOptions::default());
        assert!(text.ends_with("\r\n"));
        assert!(text.contains("\"line one, with \"\"quotes\"\"\nline two"));
    }

    #[test]
    fn semicolon_delimiter() {
        let opts = RenderOptions {
            csv_delimiter: b';',
            ..RenderOptions::default()
        };
        let text = render(&sample(), &opts);
        assert!(text.starts_with("exportedTimestamp;subscriptionId;subscriptionName;"));
        let rows = read(&text, b';');
        assert_eq!(rows[0].len(), COLUMNS.len());
        // A comma no longer needs quotes; a semicolon does.
        let mut report = sample();
        report.recommendations[0].resources[0].message = Some("a; b".into());
        let text = render(&report, &opts);
        assert!(text.contains(";\"a; b\";"), "{text}");
    }

    /// Reads `text` with Python's csv module, the reader most ETL scripts use, and returns
    /// the rows it saw; `None` only when python3 is not installed.
    fn python_rows(text: &str, delimiter: char) -> Option<Vec<Vec<String>>> {
        use std::process::Command;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        std::fs::write(&path, text).unwrap();
        let script = "import csv, json, sys\n\
            with open(sys.argv[1], newline='', encoding='utf-8') as f:\n    \
            print(json.dumps(list(csv.reader(f, delimiter=sys.argv[2]))))\n";
        let output = match Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(&path)
            .arg(delimiter.to_string())
            .output()
        {
            Ok(output) => output,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            Err(e) => panic!("cannot run python3: {e}"),
        };
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        Some(serde_json::from_slice(&output.stdout).unwrap())
    }

    #[test]
    // The skip notice goes to the test's stderr, which is where a reader of the test log looks.
    #[allow(clippy::disallowed_macros)]
    fn awkward_text_round_trips_through_python() {
        for (delimiter, c) in [(b',', ','), (b';', ';')] {
            let opts = RenderOptions {
                csv_delimiter: delimiter,
                ..RenderOptions::default()
            };
            let text = render(&nasty_report(), &opts);
            let Some(rows) = python_rows(&text, c) else {
                eprintln!("SKIPPED: python3 is not installed; the Python round trip was not run");
                return;
            };
            assert_eq!(rows, read(&text, delimiter));
            assert_eq!(rows[1][column("message")], NASTY);
        }
    }

    #[test]
    fn deterministic() {
        let report = sample();
        let opts = RenderOptions::default();
        assert_eq!(render(&report, &opts), render(&report, &opts));
    }

    /// The realistic report in this format, reviewed as `snapshots/{name}.snap`.
    #[test]
    fn snapshot() {
        let text = {
            let opts = RenderOptions {
                states: vec![
                    "unhealthy".into(),
                    "exempt".into(),
                    "not_applicable".into(),
                    "healthy".into(),
                ],
                ..RenderOptions::default()
            };
            // Record ends shown as plain line ends: CRLF has its own test, and a snapshot
            // file with carriage returns would not survive editors and git settings.
            render(&sample(), &opts).replace("\r\n", "\n")
        };
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!("report__csv", text)
        });
    }
}
