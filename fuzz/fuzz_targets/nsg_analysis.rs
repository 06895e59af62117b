//! The shared table `nsg_analysis` computed in Rust must equal the network library's own
//! `analysis(nsg)` (the interpreter, the reference) for any NSG the native code accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use posture::policy::native::check_against_library;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = check_against_library(&text) {
        panic!("{e}\n{text}");
    }
});
