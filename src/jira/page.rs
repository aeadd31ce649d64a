use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

/// A `PageBean*` page: `startAt`/`maxResults`/`total`/`isLast`/`nextPage` around `values`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Page {
    pub start_at: Option<u64>,
    pub max_results: Option<u64>,
    pub total: Option<u64>,
    pub is_last: Option<bool>,
    pub next_page: Option<String>,
    pub values: Vec<Box<RawValue>>,
}

/// The elements of one page of a paged listing in a snapshot: a `PageBean` object, or a bare
/// array (the shape of `GET /users/search`).
pub fn page_values(raw: &RawValue) -> Result<Vec<Box<RawValue>>, serde_json::Error> {
    if raw.get().trim_start().starts_with('[') {
        serde_json::from_str(raw.get())
    } else {
        serde_json::from_str::<Page>(raw.get()).map(|page| page.values)
    }
}

#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct TypedPage<T> {
    #[serde(default = "Vec::new")]
    values: Vec<T>,
}

/// The fast path for a well-formed page: its elements decoded in one pass, no copies. Fails as a
/// whole if any element is bad; the caller then takes the per-element path for precise warnings.
pub fn page_items<T: DeserializeOwned>(raw: &RawValue) -> Result<Vec<T>, serde_json::Error> {
    if raw.get().trim_start().starts_with('[') {
        serde_json::from_str(raw.get())
    } else {
        serde_json::from_str::<TypedPage<T>>(raw.get()).map(|page| page.values)
    }
}
