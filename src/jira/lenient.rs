//! Helpers that let one bad element or an oddly typed id cost a warning, not the whole response.

use std::ops::Deref;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};
use serde_json::value::RawValue;

use crate::warning::{Warning, WarningCode};

/// Decodes each element on its own; an element that fails becomes a `skipped-item` warning naming
/// `what` and its position. Elements arrive as raw JSON so a bad one is never half-decoded.
pub fn decode_each<T, R>(items: &[R], what: &str) -> (Vec<T>, Vec<Warning>)
where
    T: DeserializeOwned,
    R: Deref<Target = RawValue>,
{
    decode_each_from(items, what, 0)
}

/// [`decode_each`] for a list that continues an earlier one: positions count from `offset`.
pub fn decode_each_from<T, R>(items: &[R], what: &str, offset: usize) -> (Vec<T>, Vec<Warning>)
where
    T: DeserializeOwned,
    R: Deref<Target = RawValue>,
{
    let mut decoded = Vec::with_capacity(items.len());
    let mut warnings = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match serde_json::from_str::<T>(item.get()) {
            Ok(value) => decoded.push(value),
            Err(error) => warnings.push(Warning::new(
                WarningCode::SkippedItem,
                format!("skipped {what} at position {}: {error}", offset + index),
            )),
        }
    }
    (decoded, warnings)
}

/// Decodes a whole body, turning a failure into a `skipped-item` warning naming `what`.
pub fn decode_one<T: DeserializeOwned>(raw: &RawValue, what: &str) -> Result<T, Warning> {
    serde_json::from_str(raw.get())
        .map_err(|error| Warning::new(WarningCode::SkippedItem, format!("could not read {what}: {error}")))
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

/// A list of ids (`[10001, "10002"]`) as strings; elements of other types are dropped.
pub fn ids<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "id")] Option<String>);
    let items = Option::<Vec<Wrapped>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(items.into_iter().filter_map(|Wrapped(id)| id).collect())
}

/// A list of ids (`[10001, "10002"]`) as strings; any other element fails the whole list.
pub fn strict_ids<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(i64),
        Text(String),
    }
    Ok(Vec::<Id>::deserialize(deserializer)?
        .into_iter()
        .map(|id| match id {
            Id::Number(n) => n.to_string(),
            Id::Text(s) => s,
        })
        .collect())
}

/// A string field whose values are mostly a few constants (`accountType`, a role actor's `type`):
/// those are kept without a copy of their own, as each user and actor element of a site carries one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known(pub std::borrow::Cow<'static, str>);

/// The values [`Known`] keeps without copying.
const KNOWN: [&str; 6] =
    ["atlassian", "app", "customer", "unknown", "atlassian-user-role-actor", "atlassian-group-role-actor"];

impl Deref for Known {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Known {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Known;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Known, E> {
                Ok(Known(match KNOWN.iter().find(|k| **k == value) {
                    Some(k) => std::borrow::Cow::Borrowed(*k),
                    None => std::borrow::Cow::Owned(value.to_owned()),
                }))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::Known;
    use crate::jira::User;

    #[test]
    fn known_values_are_shared_and_others_kept_whole() {
        let user: User = serde_json::from_str(r#"{"accountId":"a1","accountType":"app","appType":"service"}"#).unwrap();
        assert!(matches!(user.account_type, Some(Known(Cow::Borrowed("app")))));
        let user: User = serde_json::from_str(r#"{"accountId":"a2","accountType":"robot\u00e9"}"#).unwrap();
        assert_eq!(user.account_type.as_deref(), Some("roboté"));
        assert!(matches!(user.account_type, Some(Known(Cow::Owned(_)))));
        let user: User = serde_json::from_str(r#"{"accountId":"a3","accountType":null}"#).unwrap();
        assert!(user.account_type.is_none());
        assert!(serde_json::from_str::<User>(r#"{"accountId":"a4","accountType":7}"#).is_err());
    }
}

/// An id read as [`id`] reads it, for hand-written visitors.
#[derive(Debug, Default)]
pub struct LenientId(pub Option<String>);

impl<'de> Deserialize<'de> for LenientId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        id(deserializer).map(LenientId)
    }
}
