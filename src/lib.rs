//! posture: offline cloud and host security posture assessment with Rego policies.
//!
//! The pipeline is a chain of plain functions (see DESIGN.md): `load` reads inventories into
//! resources, `policy` loads and evaluates the Rego library, `assess` turns verdicts into
//! per-resource states, `score` computes the Secure Score and `report` renders the result.
//! Only `commands` orchestrates and only `report`, `output` and the binary write bytes.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod alerts;
pub mod assess;
pub mod assets;
pub mod cli;
pub mod collect;
pub mod commands;
pub mod config;
pub mod diag;
pub mod exit;
pub mod fix;
pub mod intel;
pub mod load;
pub mod memory;
pub mod model;
pub mod output;
pub mod parallel;
pub mod policy;
pub mod progress;
pub mod report;
pub mod score;
pub mod source;
pub mod suggest;
pub mod time;

pub use exit::ExitStatus;

/// Drops `value` on a background thread. Freeing a large estate (hundreds of thousands of
/// small allocations) takes seconds that the user should not wait for; the process may
/// exit before the thread is done, which is fine: the memory goes back to the OS anyway.
pub fn drop_later<T: Send + 'static>(value: T) {
    // Without a thread (resource limits) the closure, and the value with it, is dropped
    // here: slower, never wrong.
    let _ = std::thread::Builder::new()
        .name("posture-drop".into())
        .spawn(move || drop(value));
}
pub mod baseline;
pub mod bench;
pub mod estate;
pub mod gate;
