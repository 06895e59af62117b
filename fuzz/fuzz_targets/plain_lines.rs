//! An NDJSON line that the loader turns into a resource straight from the parser must give
//! exactly the resource of the general path (JSON tree, schema check, conversion), and only
//! when that path accepts the line without a problem.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posture::load::line_resource_both_ways;

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    if line.contains('\n') {
        return;
    }
    let (fast, general) = line_resource_both_ways(&line);
    if let Some(fast) = fast {
        let Some(general) = general else {
            panic!("taken without a JSON tree but refused by the general path: {line}");
        };
        assert_eq!(fast, general, "{line}");
    }
});
