//! Steward's benchmark support: [`synth`] generates deterministic synthetic Jira instances and
//! renders them as snapshot v1 JSON. The simulator can reuse [`synth::Instance`] to serve the same
//! site over HTTP.

pub mod synth;
