//! A resource that the loader builds straight from the parser (an NDJSON line, or a whole
//! JSON document of plain resources) must be exactly the one of the general path (JSON tree,
//! schema check, conversion), and only input that path accepts without a problem may take
//! the fast path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posture::load::{document_resources_both_ways, line_resource_both_ways};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if !text.contains('\n') {
        let (fast, general) = line_resource_both_ways(&text);
        if let Some(fast) = fast {
            let Some(general) = general else {
                panic!("line taken without a JSON tree but refused by the general path: {text}");
            };
            assert_eq!(fast, general, "{text}");
        }
    }
    let (fast, general) = document_resources_both_ways(&text);
    if let Some(fast) = fast {
        let Some(general) = general else {
            panic!("document taken without a JSON tree but refused by the general path: {text}");
        };
        assert_eq!(fast, general, "{text}");
    }
});
