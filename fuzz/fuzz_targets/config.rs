//! posture.yaml text through the config parser: unknown keys, schema, values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posture::diag::Problems;
use posture::source::SourceMap;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut sources = SourceMap::default();
    let id = sources.add("posture.yaml", text.as_ref());
    if let Some(file) = sources.get(id) {
        let mut problems = Problems::default();
        let _ = posture::config::parse(file, &mut problems);
    }
});
