//! Steward's core: what a Jira site's bots can do, and how they got it.
//!
//! The core never performs I/O itself. Jira is reached through a [`host::Host`] the caller supplies
//! (Forge's `requestJira`, the local host's `fetch`, or a recording in tests), so the same code runs in
//! a Forge function, in the local host and natively.

pub mod analysis;
pub mod api;
pub mod audit_report;
pub mod collect;
pub mod date;
pub mod engine;
pub mod findings;
pub mod governance;
pub mod host;
pub mod jira;
pub mod model;
pub mod snapshot;
pub mod warning;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
