//! Policies: the catalog (files, metadata, controls, on/off state), the engine that
//! evaluates them, and the test runner.

pub mod catalog;
pub mod engine;
pub mod lint;
pub mod metadata;
pub mod native;
pub mod rego_text;
pub mod testing;
