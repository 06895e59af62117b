//! The JSON report: the [`Report`] serialised with stable key order and a final newline.

use std::io::{self, Write};

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
        // Through a buffer: serde_json writes in tiny pieces, and each through `dyn Write` is
        // a virtual call (seconds for a 100,000-resource report). A small buffer, not the
        // whole document: a 1,000,000-resource report is 1.7 GB, and `out` holds it already.
        let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
        serde_json::to_writer_pretty(&mut buffered, report).map_err(io::Error::other)?;
        buffered.write_all(b"\n")?;
        buffered.flush()
    }
}
