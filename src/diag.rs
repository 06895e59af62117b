//! One diagnostic type for every stage: a stable code, a message, the file and position it is
//! about, a label on the offending text and a hint on what to do.
//!
//! Stages collect [`Problem`]s instead of failing on the first one, so a run shows every bad
//! input together. The same value renders through miette on a terminal and serialises into
//! the `errors`/`warnings` of a JSON report.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode, SourceSpan};
use serde::Serialize;

use crate::source::SourceFile;

/// Beyond this column, or on a line longer than this, a problem names its place in words
/// rather than showing the source line.
pub const MAX_SNIPPET_COLUMN: usize = 400;

/// How bad a problem is: errors make the result untrustworthy (exit 2), warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The run cannot be trusted.
    Error,
    /// Worth a look; the result stands.
    Warning,
}

/// Where a problem is: the file and, when known, the position and a label on it.
#[derive(Debug, Clone)]
struct Place {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    label: Option<String>,
    span: Option<SourceSpan>,
    source: Option<NamedSource<Arc<String>>>,
}

/// A diagnostic about an input, a policy or an output.
///
/// The place is boxed: problems travel in `Result`s on hot paths, and most have none.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Stable code, e.g. `posture::load::json_syntax`.
    pub code: &'static str,
    /// Error or warning.
    pub level: Level,
    /// What is wrong, naming the offending value.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    place: Option<Box<Place>>,
}

impl Problem {
    /// An error not tied to a place in a file.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            level: Level::Error,
            message: message.into(),
            help: None,
            place: None,
        }
    }

    /// A warning not tied to a place in a file.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            level: Level::Warning,
            ..Self::error(code, message)
        }
    }

    /// Names the file without pointing into it (unreadable files, missing paths).
    pub fn in_file(mut self, path: impl Into<String>) -> Self {
        self.place = Some(Box::new(Place {
            file: path.into(),
            line: None,
            column: None,
            label: None,
            span: None,
            source: None,
        }));
        self
    }

    /// Points at `len` bytes at byte `offset` of `file`, with a label.
    pub fn at(
        mut self,
        file: &SourceFile,
        offset: usize,
        len: usize,
        label: impl Into<String>,
    ) -> Self {
        let (line, column) = file.line_col(offset);
        // A snippet of a very long line (minified JSON is one line of megabytes) would print
        // the whole line and crashes miette's renderer past 65,535 columns: name the place in
        // words instead.
        let readable = column <= MAX_SNIPPET_COLUMN
            && file.text.get(offset..).is_some_and(|rest| {
                rest.len() <= MAX_SNIPPET_COLUMN
                    || rest.bytes().take(MAX_SNIPPET_COLUMN).any(|b| b == b'\n')
            });
        let label = label.into();
        if !readable {
            self.message = format!("{} ({label})", self.message);
        }
        self.place = Some(Box::new(Place {
            file: file.path.clone(),
            line: Some(line),
            column: Some(column),
            label: readable.then_some(label),
            span: readable.then(|| crate::source::span(&file.text, offset, len)),
            source: readable.then(|| file.named()),
        }));
        self
    }

    /// Points at a 1-based line and column of `file` (one character wide).
    pub fn at_line_col(
        self,
        file: &SourceFile,
        line: usize,
        column: usize,
        label: impl Into<String>,
    ) -> Self {
        let offset = file.offset(line, column);
        let len = file
            .text
            .get(offset..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8);
        self.at(file, offset, len, label)
    }

    /// Moves the label to another file with the same byte layout (used for text parsed from a
    /// masked copy of a file, whose offsets are the file's own).
    pub fn retarget(mut self, file: &SourceFile) -> Self {
        if let Some(place) = self.place.as_mut() {
            place.file = file.path.clone();
            if place.source.is_some() {
                place.source = Some(file.named());
            }
        }
        self
    }

    /// Adds a hint on what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// The file it is about, as the user named it.
    pub fn file(&self) -> Option<&str> {
        self.place.as_ref().map(|p| p.file.as_str())
    }

    /// The label on the position, where there is one.
    pub fn label(&self) -> Option<&str> {
        self.place.as_ref().and_then(|p| p.label.as_deref())
    }

    /// 1-based line, where there is one.
    pub fn line(&self) -> Option<usize> {
        self.place.as_ref().and_then(|p| p.line)
    }

    /// 1-based column, where there is one.
    pub fn column(&self) -> Option<usize> {
        self.place.as_ref().and_then(|p| p.column)
    }

    /// `file:line:col` (or as much of it as is known), for one-line renderings.
    pub fn location(&self) -> Option<String> {
        let file = self.file()?;
        Some(match (self.line(), self.column()) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.to_string(),
        })
    }

    /// Sort key so that every listing of problems is deterministic.
    pub fn sort_key(&self) -> (Option<&str>, Option<usize>, Option<usize>, &str, &str) {
        (
            self.file(),
            self.line(),
            self.column(),
            self.code,
            self.message.as_str(),
        )
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Without a source to render, miette shows only this text: keep the place in it.
        let has_source = self.place.as_ref().is_some_and(|p| p.source.is_some());
        match (has_source, self.location()) {
            (false, Some(loc)) => write!(f, "{loc}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.place
            .as_ref()
            .and_then(|p| p.source.as_ref())
            .map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let place = self.place.as_ref()?;
        let span = place.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            place.label.clone(),
            span,
        ))))
    }
}

/// Problems collected during a run, in the order found; sorted when reported.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    items: Vec<Problem>,
}

impl Problems {
    /// Records a problem.
    pub fn push(&mut self, p: Problem) {
        self.items.push(p);
    }

    /// Records many problems.
    pub fn extend(&mut self, ps: impl IntoIterator<Item = Problem>) {
        self.items.extend(ps);
    }

    /// True when any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Problem::is_error)
    }

    /// Errors, sorted by place.
    pub fn errors(&self) -> Vec<&Problem> {
        self.sorted(Level::Error)
    }

    /// Warnings, sorted by place.
    pub fn warnings(&self) -> Vec<&Problem> {
        self.sorted(Level::Warning)
    }

    fn sorted(&self, level: Level) -> Vec<&Problem> {
        let mut v: Vec<&Problem> = self.items.iter().filter(|p| p.level == level).collect();
        v.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        v
    }

    /// Everything, errors first, each group sorted by place.
    pub fn all(&self) -> Vec<&Problem> {
        let mut v = self.errors();
        v.extend(self.warnings());
        v
    }

    /// Every problem, in the order recorded.
    pub fn into_vec(self) -> Vec<Problem> {
        self.items
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::GraphicalReportHandler;

    fn render(p: &Problem) -> String {
        let mut out = String::new();
        GraphicalReportHandler::new()
            .render_report(&mut out, p)
            .unwrap();
        out
    }

    #[test]
    fn a_place_on_a_huge_line_is_named_not_shown() {
        let mut text = "[".to_string();
        text.push_str(&"{\"id\": 1},".repeat(20_000));
        text.push_str("{\"id\": 2}]");
        let file = SourceFile {
            path: "min.json".into(),
            text: Arc::new(text.clone()),
        };
        let offset = text.len() - 10;
        let p = Problem::error("x", "bad id").at(&file, offset, 7, "not a string");
        assert_eq!(p.line(), Some(1));
        assert_eq!(p.column(), Some(offset + 1));
        let shown = render(&p);
        assert!(
            shown.contains(&format!("min.json:1:{}: bad id (not a string)", offset + 1)),
            "{shown}"
        );
        assert!(
            shown.len() < 500,
            "the line itself is not printed: {} bytes",
            shown.len()
        );
        // a short line keeps its snippet
        let small = SourceFile {
            path: "s.json".into(),
            text: Arc::new("[{\"id\": 2}]".to_string()),
        };
        let shown = render(&Problem::error("x", "bad id").at(&small, 8, 1, "not a string"));
        assert!(
            shown.contains("not a string") && shown.contains("s.json:1:9"),
            "{shown}"
        );
    }
}
