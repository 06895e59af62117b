//! A Rego module's text through everything posture does before regorus sees it: the
//! `# METADATA` block (masked YAML, schema check, typed metadata) and the lexical scans.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posture::load::{self, Format};
use posture::policy::{metadata, rego_text};
use posture::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = rego_text::package(&text);
    let _ = rego_text::rule_names(&text);
    let _ = rego_text::forbidden_calls(&text);
    let _ = rego_text::error_position(&text);
    if let Some(block) = metadata::find_package_block(&text) {
        assert_eq!(block.masked.len(), text.len(), "masking must keep byte offsets");
        let masked = SourceFile {
            path: "fuzz.rego".into(),
            text: std::sync::Arc::new(block.masked.clone()),
        };
        if let Ok(value) = load::parse_text(&masked, Format::Yaml) {
            let mut problems = posture::diag::Problems::default();
            if load::schema::validate("policy-metadata", &value, &masked, Format::Yaml, &mut problems) {
                let _ = metadata::to_meta(&value);
            }
        }
    }
});
