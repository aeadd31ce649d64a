use std::collections::BTreeMap;

use serde::Deserialize;

/// Jira's error body (`ErrorCollection` in the spec).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ErrorCollection {
    pub error_messages: Vec<String>,
    pub errors: BTreeMap<String, String>,
}

impl ErrorCollection {
    /// One line summarising what Jira said, or `None` when the body says nothing readable.
    pub fn summary(body: &str) -> Option<String> {
        let parsed: ErrorCollection = serde_json::from_str(body).ok()?;
        let mut parts: Vec<String> = parsed.error_messages;
        parts.extend(parsed.errors.into_iter().map(|(field, message)| format!("{field}: {message}")));
        if parts.is_empty() { None } else { Some(parts.join("; ")) }
    }
}
