//! The JSON report: the [`Report`] serialised with stable key order and a final newline.

use std::io;

use super::{RenderOptions, Report, Reporter};

/// Writes `schemas/report.schema.json` documents.
#[derive(Debug, Clone, Copy)]
pub struct JsonReporter;

impl Reporter for JsonReporter {
    fn render(
        &self,
        report: &Report,
        _: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}
