use std::fmt;

use serde::Serialize;

/// Why a read from Jira failed. Every variant names the path it was reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum CollectError {
    /// The host could not deliver the request.
    Transport { path: String, message: String },
    /// Jira answered with a non-success status.
    Status { path: String, status: u16, message: Option<String> },
    /// Jira's answer was not the JSON the spec describes.
    Decode { path: String, message: String },
    /// The call did not finish in time (after retries).
    Timeout { path: String, after_ms: u64 },
    /// Jira answered 429 with a `jira-quota-*` reason: nothing more until the hourly reset.
    QuotaExhausted { path: String, retry_after_seconds: u64 },
    /// The scan's own pacing stopped it (budget spent, job time up) before this call.
    Stopped { path: String, reason: String, resume_after_seconds: u64 },
}

impl CollectError {
    /// The HTTP status, where Jira answered at all.
    pub fn status(&self) -> Option<u16> {
        match self {
            CollectError::Status { status, .. } => Some(*status),
            CollectError::Transport { .. }
            | CollectError::Decode { .. }
            | CollectError::Timeout { .. }
            | CollectError::QuotaExhausted { .. }
            | CollectError::Stopped { .. } => None,
        }
    }

    /// Whether the call was not made because the scan stopped: the part is left for a later
    /// job, not unreadable.
    pub fn is_stop(&self) -> bool {
        matches!(self, CollectError::QuotaExhausted { .. } | CollectError::Stopped { .. })
    }
}

impl fmt::Display for CollectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CollectError::Transport { path, message } => {
                write!(f, "could not reach jira for `{path}`: {message}")
            }
            CollectError::Status { path, status, message: Some(message) } => {
                write!(f, "jira answered {status} for `{path}`: {message}")
            }
            CollectError::Status { path, status, message: None } => {
                write!(f, "jira answered {status} for `{path}`")
            }
            CollectError::Decode { path, message } => {
                write!(f, "could not read jira's answer for `{path}`: {message}")
            }
            CollectError::Timeout { path, after_ms } => {
                write!(f, "jira did not answer `{path}` within {after_ms} ms")
            }
            CollectError::QuotaExhausted { path, retry_after_seconds } => write!(
                f,
                "the app's jira points quota is used up (at `{path}`); calls resume in {retry_after_seconds} s"
            ),
            CollectError::Stopped { path, reason, resume_after_seconds } => {
                write!(f, "the scan stopped before `{path}`: {reason}; it may resume in {resume_after_seconds} s")
            }
        }
    }
}
