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
/// Any other value (a fraction, an object, `null`) is no id. Read by a visitor of its own rather
/// than an untagged enum: that buffers every id and builds an error message for each string id
/// it first tries as a number, which was a tenth of decoding a site.
pub fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    deserializer.deserialize_any(IdVisitor { strict: false })
}

/// A list of ids (`[10001, "10002"]`) as strings; elements of other types are dropped.
pub fn ids<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let items = Option::<Vec<LenientId>>::deserialize(deserializer)?.unwrap_or_default();
    Ok(items.into_iter().filter_map(|LenientId(id)| id).collect())
}

/// A list of ids (`[10001, "10002"]`) as strings; any other element fails the whole list.
pub fn strict_ids<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    struct StrictId(String);
    impl<'de> Deserialize<'de> for StrictId {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            match deserializer.deserialize_any(IdVisitor { strict: true })? {
                Some(id) => Ok(StrictId(id)),
                None => Err(serde::de::Error::custom("an id is neither a whole number nor a string")),
            }
        }
    }
    Ok(Vec::<StrictId>::deserialize(deserializer)?.into_iter().map(|StrictId(id)| id).collect())
}

/// Reads an id: a whole number or a string. Anything else is `None`, or, when `strict`, an error.
struct IdVisitor {
    strict: bool,
}

impl IdVisitor {
    fn other<E: serde::de::Error>(&self, what: serde::de::Unexpected<'_>) -> Result<Option<String>, E> {
        if self.strict { Err(E::invalid_type(what, self)) } else { Ok(None) }
    }
}

impl<'de> serde::de::Visitor<'de> for IdVisitor {
    type Value = Option<String>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an id (a whole number or a string)")
    }
    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }
    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }
    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Self::Value, E> {
        self.other(serde::de::Unexpected::Float(value))
    }
    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Self::Value, E> {
        self.other(serde::de::Unexpected::Bool(value))
    }
    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Some(value.to_owned()))
    }
    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Some(value))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.other(serde::de::Unexpected::Unit)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.other(serde::de::Unexpected::Option)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if self.strict {
            return self.other(serde::de::Unexpected::Seq);
        }
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if self.strict {
            return self.other(serde::de::Unexpected::Map);
        }
        while map.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }
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
    fn an_id_is_a_whole_number_or_a_string_and_anything_else_is_none() {
        #[derive(serde::Deserialize)]
        struct Item {
            #[serde(default, deserialize_with = "super::id")]
            id: Option<String>,
        }
        let read = |json: &str| serde_json::from_str::<Item>(json).map(|item| item.id);
        assert_eq!(read(r#"{"id":10001}"#).unwrap().as_deref(), Some("10001"));
        assert_eq!(read(r#"{"id":-3}"#).unwrap().as_deref(), Some("-3"));
        assert_eq!(read(r#"{"id":18446744073709551615}"#).unwrap().as_deref(), Some("18446744073709551615"));
        assert_eq!(read(r#"{"id":"10002"}"#).unwrap().as_deref(), Some("10002"));
        assert_eq!(read(r#"{"id":"caf\u00e9"}"#).unwrap().as_deref(), Some("café"));
        for other in ["1.5", "null", "true", r#"{"a":[1,{"b":2}]}"#, r#"[1,"2"]"#] {
            assert_eq!(read(&format!(r#"{{"id":{other},"after":1}}"#)).unwrap(), None, "{other}");
        }
        assert_eq!(read("{}").unwrap(), None);
        assert!(read(r#"{"id":[1,}"#).is_err(), "malformed JSON is still an error");
    }

    #[test]
    fn id_lists_drop_or_refuse_what_is_not_an_id() {
        #[derive(serde::Deserialize)]
        struct Lists {
            #[serde(default, deserialize_with = "super::ids")]
            lenient: Vec<String>,
            #[serde(default, deserialize_with = "super::strict_ids")]
            strict: Vec<String>,
        }
        let lists: Lists = serde_json::from_str(r#"{"lenient":[1,"2",null,{},3.5],"strict":[4,"5"]}"#).unwrap();
        assert_eq!(lists.lenient, ["1", "2"]);
        assert_eq!(lists.strict, ["4", "5"]);
        assert!(serde_json::from_str::<Lists>(r#"{"lenient":null}"#).unwrap().lenient.is_empty());
        for bad in ["null", "1.5", "{}", "[]", "true"] {
            let error = serde_json::from_str::<Lists>(&format!(r#"{{"strict":[1,{bad}]}}"#)).err();
            assert!(error.is_some(), "{bad} in a strict id list");
        }
    }

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
