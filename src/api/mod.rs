//! The JSON facade: what the pages, handlers and command line ask for, answered as one tagged
//! envelope. Every answer is `{"type":"success","result":…,"warnings":[…]}` or
//! `{"type":"failure","errors":[…],"warnings":[…]}`; bad data never throws.
//!
//! One way from a snapshot to answers, the one the Forge handlers use: a [`SnapshotReader`] takes
//! the stored snapshot's chunks (bytes or text) in order, and the [`LoadedSnapshot`] it finishes
//! answers every question (`analyze`, `inventory`, `overview`, `why_not`, `what_if`, `findings`,
//! `least_privilege`, `leaver`, the review calls) without decoding again. [`analyze_json`] is the
//! one convenience, for a small snapshot given whole.
//!
//! - [`live`]: answers read from Jira through the host (the first pages, the caller's rights);
//! - [`loaded`]: the snapshot's reader, and the analysis of a loaded snapshot;
//! - [`governance`]: the registry, findings, least privilege, reviews and leavers;
//! - [`scan`]: a scan, a paced job of one, or a refresh.

use serde::{Deserialize, Serialize};

use crate::collect::CollectError;
use crate::snapshot::SnapshotError;
use crate::warning::Warning;

pub mod console;
pub mod governance;
pub mod live;
pub mod loaded;
pub mod pages;
pub mod scan;

pub use console::{Console, compare_json, csv_json};
pub use governance::{
    FindingsReport, GovernanceInput, RuleSummary, catalogue, findings_report, parse_now, parse_registry,
    parse_settings, review_events_json,
};
pub use live::{AdminOverview, admin_overview, check_permission, endpoints, project_overview};
pub use loaded::{AnalysisForm, AnalyzeOptions, LoadedSnapshot, SnapshotReader, analyze_json};
pub use pages::ProjectPages;
pub use scan::{ScanParts, collect_json, collect_parts};

/// One error in a failure envelope: a stable code, a lowercase message naming the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into(), path: None }
    }
}

impl From<CollectError> for ApiError {
    fn from(error: CollectError) -> Self {
        let (code, path) = match &error {
            CollectError::Transport { path, .. } => ("transport", path),
            CollectError::Status { path, .. } => ("status", path),
            CollectError::Decode { path, .. } => ("decode", path),
            CollectError::Timeout { path, .. } => ("timeout", path),
            CollectError::QuotaExhausted { path, .. } => ("quota-exhausted", path),
            CollectError::Stopped { path, .. } => ("stopped", path),
        };
        ApiError { code, message: error.to_string(), path: Some(path.clone()) }
    }
}

impl From<SnapshotError> for ApiError {
    fn from(error: SnapshotError) -> Self {
        let code = match error {
            SnapshotError::Malformed { .. } => "bad-snapshot",
            SnapshotError::UnsupportedVersion { .. } => "unsupported-snapshot-version",
        };
        ApiError::new(code, error.to_string())
    }
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Answer<T> {
    Success { result: T, warnings: Vec<Warning> },
    Failure { errors: Vec<ApiError>, warnings: Vec<Warning> },
}

impl<T: Serialize> Answer<T> {
    pub(crate) fn from_result<E: Into<ApiError>>(result: Result<T, E>, mut warnings: Vec<Warning>) -> Self {
        warnings.sort();
        warnings.dedup();
        match result {
            Ok(result) => Answer::Success { result, warnings },
            Err(error) => Answer::Failure { errors: vec![error.into()], warnings },
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"type":"failure","errors":[{"code":"encode","message":"the answer could not be encoded"}],"warnings":[]}"#
                .to_owned()
        })
    }
}

/// Reads the app's own JSON input; empty text is the defaults.
pub(crate) fn options<T: for<'de> Deserialize<'de> + Default>(json: &str) -> Result<T, ApiError> {
    if json.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(json).map_err(|e| ApiError::new("bad-options", format!("the options are not valid: {e}")))
}

/// The failure envelope of `error` as text, for the edges that throw it.
pub fn failure_text(error: ApiError) -> String {
    failure_json(error)
}

pub(crate) fn failure_json(error: ApiError) -> String {
    Answer::<()>::from_result(Err(error), Vec::new()).to_json()
}
