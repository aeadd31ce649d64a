//! Coded warnings: problems in Jira's data that the core works around and reports.

use serde::Serialize;

/// A stable, machine-readable code. Codes are never reused for a different meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningCode {
    /// One element of a list in a Jira response could not be read; the rest were kept.
    SkippedItem,
    /// Paging stopped early (a loop, or the page cap), so a list may be incomplete.
    PagingStopped,
    /// A project's permission scheme could not be read; nothing is claimed about that project.
    ProjectSchemeUnreadable,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
}

impl Warning {
    pub fn new(code: WarningCode, message: impl Into<String>) -> Self {
        Warning {
            code,
            message: message.into(),
        }
    }
}
