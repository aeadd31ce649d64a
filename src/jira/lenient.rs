//! Helpers that let one bad element or an oddly typed id cost a warning, not the whole response.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};
use serde_json::Value;

use crate::warning::{Warning, WarningCode};

/// Decodes each element on its own; an element that fails becomes a `skipped-item` warning naming
/// `what` and its position.
pub fn decode_each<T: DeserializeOwned>(items: Vec<Value>, what: &str) -> (Vec<T>, Vec<Warning>) {
    let mut decoded = Vec::with_capacity(items.len());
    let mut warnings = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        match serde_json::from_value::<T>(item) {
            Ok(value) => decoded.push(value),
            Err(error) => warnings.push(Warning::new(
                WarningCode::SkippedItem,
                format!("skipped {what} at position {index}: {error}"),
            )),
        }
    }
    (decoded, warnings)
}

/// Jira sends ids as numbers in some payloads and as strings in others; keep them as strings.
pub fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(i64),
        Text(String),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Option::<Id>::deserialize(deserializer)? {
        Some(Id::Number(n)) => Some(n.to_string()),
        Some(Id::Text(s)) => Some(s),
        Some(Id::Other(_)) | None => None,
    })
}
