use serde::Deserialize;
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
