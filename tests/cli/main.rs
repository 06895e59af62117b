//! End-to-end tests of the posture binary over fixtures: one integration binary, a module
//! per area. Snapshots live in the top-level `snapshots/` folder.

mod agents;
mod alerts;
mod assess;
mod engines;
mod errors;
mod fix;
mod gates;
mod help;
mod html;
mod policies;
mod progress;
mod support;
