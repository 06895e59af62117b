//! The inventory loader over arbitrary ndjson text: resources and agent snapshots, with every
//! problem located. Must never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posture::diag::Problems;
use posture::load::{resources_from_text, Format};
use posture::source::SourceMap;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut sources = SourceMap::default();
    let id = sources.add("fuzz.ndjson", text.as_ref());
    if let Some(file) = sources.get(id) {
        let mut problems = Problems::default();
        let _ = resources_from_text(file, id, Format::Ndjson, &mut problems);
        // Rendering every diagnostic exercises the spans the loader computed.
        for p in problems.all() {
            let _ = format!("{p} {:?}", p.location());
            let mut out = String::new();
            let _ = miette::GraphicalReportHandler::new().render_report(&mut out, p);
        }
    }
});
