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
pub mod model;
pub mod output;
pub mod policy;
pub mod progress;
pub mod report;
pub mod score;
pub mod source;
pub mod suggest;
pub mod time;

pub use exit::ExitStatus;
pub mod baseline;
pub mod bench;
pub mod estate;
pub mod gate;
