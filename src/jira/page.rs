use serde::Deserialize;
use serde_json::Value;

/// A `PageBean*` page: `startAt`/`maxResults`/`total`/`isLast`/`nextPage` around `values`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Page {
    pub start_at: Option<u64>,
    pub max_results: Option<u64>,
    pub total: Option<u64>,
    pub is_last: Option<bool>,
    pub next_page: Option<String>,
    pub values: Vec<Value>,
}
