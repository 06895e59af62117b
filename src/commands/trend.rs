//! `--trend DIR`: the overall scores of earlier JSON reports, for the HTML format's score
//! trend.
//!
//! Reads every regular `*.json` file directly in DIR (an archive of reports is one flat
//! folder; symbolic links and sub-folders are not followed), keeps the posture reports among
//! them and sorts them by assessment time. Everything else is skipped with a warning and
//! never an error: the trend is only shown, and what is shown never changes the exit code,
//! so a stray file in an archive folder must not fail the run that draws the chart.

use std::path::Path;

use serde::Deserialize;

use crate::diag::{Problem, Problems};
use crate::report::TrendPoint;

/// The only fields read: serde skips the rest of a report without building it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Earlier {
    tool: Tool,
    assessed_at: String,
    score: Score,
}

#[derive(Deserialize)]
struct Tool {
    name: String,
}

#[derive(Deserialize)]
struct Score {
    overall: Overall,
}

#[derive(Deserialize)]
struct Overall {
    percentage: f64,
}

/// The earlier reports in `dir`, oldest first (ties by file name). Files larger than
/// `max_bytes` are skipped like `--max-file-size` refuses inputs.
pub fn read(dir: &Path, max_bytes: u64, problems: &mut Problems) -> Vec<TrendPoint> {
    let shown = dir.display().to_string();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(
                Problem::warning(
                    "posture::trend::unreadable",
                    format!("the --trend folder {shown} cannot be read ({e}); the score trend is left out"),
                )
                .with_help("--trend names a folder of earlier `posture assess -f json` reports"),
            );
            return Vec::new();
        }
    };
    let mut files: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();

    let mut points: Vec<(i64, TrendPoint)> = Vec::new();
    for path in files {
        let display = path.display().to_string();
        let skip = |why: String| {
            Problem::warning(
                "posture::trend::not_a_report",
                format!("left out of the score trend: {why}"),
            )
            .in_file(display.clone())
        };
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        if size > max_bytes {
            problems.push(skip(format!(
                "it has {size} bytes, more than --max-file-size allows ({max_bytes})"
            )));
            continue;
        }
        let earlier: Earlier = match std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
        {
            Ok(earlier) => earlier,
            Err(e) => {
                problems.push(
                    skip(format!("it is not a posture JSON report ({e})")).with_help(
                        "keep only `posture assess -f json` reports in the --trend folder",
                    ),
                );
                continue;
            }
        };
        let percentage = earlier.score.overall.percentage;
        let unix = crate::time::unix_seconds(&earlier.assessed_at);
        let problem = if earlier.tool.name != "posture" {
            Some(format!(
                "it was written by {:?}, not posture",
                earlier.tool.name
            ))
        } else if !(0.0..=100.0).contains(&percentage) {
            Some(format!("its score {percentage} is not a percentage"))
        } else if unix.is_none() {
            Some(format!(
                "its assessedAt {:?} is not an RFC 3339 time",
                earlier.assessed_at
            ))
        } else {
            None
        };
        match (problem, unix) {
            (None, Some(unix)) => points.push((
                unix,
                TrendPoint {
                    assessed_at: earlier.assessed_at,
                    percentage,
                    path: display,
                },
            )),
            // `unix` is `None` only with a problem named above.
            (why, _) => problems.push(skip(why.unwrap_or_default())),
        }
    }
    // Stable: files are in name order, so reports of one time keep it.
    points.sort_by_key(|(unix, _)| *unix);
    points.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(at: &str, pct: f64) -> String {
        format!(
            r#"{{"schemaVersion": "1", "tool": {{"name": "posture", "version": "0.1.0"}},
               "assessedAt": "{at}", "score": {{"overall": {{"current": 1, "max": 2, "percentage": {pct}}}}},
               "recommendations": []}}"#
        )
    }

    #[test]
    fn reads_reports_oldest_first_and_skips_the_rest_with_warnings() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("b-week-47.json", report("2026-11-19T00:00:00Z", 45.5)),
            ("a-week-48.json", report("2026-11-26T01:00:00+01:00", 47.0)),
            ("c-week-46.json", report("2026-11-12T00:00:00Z", 41.25)),
            ("notes.json", r#"{"note": "not a report"}"#.to_string()),
            ("broken.json", "{".to_string()),
            (
                "other-tool.json",
                report("2026-11-01T00:00:00Z", 10.0).replace("\"posture\"", "\"scanner\""),
            ),
            ("bad-time.json", report("last tuesday", 10.0)),
            ("bad-score.json", report("2026-11-01T00:00:00Z", 130.0)),
            ("README.md", "not read".to_string()),
        ];
        for (name, text) in &files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        std::fs::create_dir(dir.path().join("sub.json")).unwrap();
        let mut problems = Problems::default();
        let points = read(dir.path(), 1 << 20, &mut problems);
        let got: Vec<(&str, f64)> = points
            .iter()
            .map(|p| (p.assessed_at.as_str(), p.percentage))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-11-12T00:00:00Z", 41.25),
                ("2026-11-19T00:00:00Z", 45.5),
                ("2026-11-26T01:00:00+01:00", 47.0),
            ]
        );
        assert!(points[0].path.ends_with("c-week-46.json"));
        assert!(!problems.has_errors());
        let warnings: Vec<String> = problems
            .warnings()
            .iter()
            .map(|p| format!("{}: {}", p.file().unwrap_or_default(), p.message))
            .collect();
        assert_eq!(warnings.len(), 5, "{warnings:#?}");
        let about = |file: &str| {
            warnings
                .iter()
                .find(|w| w.contains(file))
                .cloned()
                .unwrap_or_default()
        };
        assert!(about("notes.json").contains("is not a posture JSON report (missing field"));
        assert!(about("broken.json").contains("is not a posture JSON report"));
        assert!(about("other-tool.json").contains("written by \"scanner\", not posture"));
        assert!(about("bad-time.json").contains("\"last tuesday\" is not an RFC 3339 time"));
        assert!(about("bad-score.json").contains("130 is not a percentage"));
    }

    #[test]
    fn a_missing_folder_or_a_large_file_is_a_warning() {
        let mut problems = Problems::default();
        assert!(read(Path::new("/nonexistent/history"), 1 << 20, &mut problems).is_empty());
        assert!(!problems.has_errors());
        assert!(problems.warnings()[0]
            .message
            .contains("the --trend folder /nonexistent/history cannot be read"));

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("big.json"),
            report("2026-11-12T00:00:00Z", 41.0),
        )
        .unwrap();
        let mut problems = Problems::default();
        assert!(read(dir.path(), 10, &mut problems).is_empty());
        assert!(problems.warnings()[0]
            .message
            .contains("more than --max-file-size allows (10)"));
    }
}
