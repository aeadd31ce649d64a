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
    page_values_ended(raw).map(|(values, _)| values)
}

/// [`page_values`], and how the page ends its listing.
pub fn page_values_ended(raw: &RawValue) -> Result<(Vec<Box<RawValue>>, Ending), serde_json::Error> {
    page_items_ended(raw)
}

/// What a page says of the listing beyond its own elements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ending {
    /// More pages follow it ([`says_more`]).
    pub more: bool,
    /// It is a page object without `values`: it lists nothing it can vouch for, wherever it stands.
    pub without_values: bool,
}

/// Whether a page says more pages follow it: `isLast: false`, or a `nextPage` link where `isLast`
/// is absent. The snapshot then lacks the pages after it, unless a later page is there too.
pub fn says_more(is_last: Option<bool>, next_page: bool) -> bool {
    is_last.map_or(next_page, |last| !last)
}

/// [`says_more`], and where a page has neither `isLast` nor `nextPage`, whether its `total`
/// counts elements beyond the `startAt` and `len` it holds (the shape of the older `PageBean`s).
pub fn says_more_of(is_last: Option<bool>, next_page: bool, counts: Counts, len: usize) -> bool {
    if is_last.is_some() || next_page {
        return says_more(is_last, next_page);
    }
    let number = |n: Option<String>| n.and_then(|n| n.parse::<u64>().ok());
    match number(counts.total) {
        Some(total) => total > number(counts.start_at).unwrap_or(0).saturating_add(len as u64),
        None => false,
    }
}

/// A page's `startAt` and `total`, as Jira wrote them (numbers, or numbers as text).
#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub start_at: Option<String>,
    pub total: Option<String>,
}

#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned", rename_all = "camelCase")]
struct TypedPage<T> {
    #[serde(default)]
    values: Option<Vec<T>>,
    #[serde(default)]
    is_last: Option<bool>,
    #[serde(default)]
    next_page: Option<serde::de::IgnoredAny>,
    #[serde(default, deserialize_with = "super::lenient::id")]
    start_at: Option<String>,
    #[serde(default, deserialize_with = "super::lenient::id")]
    total: Option<String>,
}

/// The fast path for a well-formed page: its elements decoded in one pass, no copies. Fails as a
/// whole if any element is bad; the caller then takes the per-element path for precise warnings.
pub fn page_items<T: DeserializeOwned>(raw: &RawValue) -> Result<Vec<T>, serde_json::Error> {
    page_items_ended(raw).map(|(items, _)| items)
}

/// [`page_items`], and how the page ends its listing ([`Ending`]).
pub fn page_items_ended<T: DeserializeOwned>(raw: &RawValue) -> Result<(Vec<T>, Ending), serde_json::Error> {
    if raw.get().trim_start().starts_with('[') {
        serde_json::from_str(raw.get()).map(|items| (items, Ending::default()))
    } else {
        serde_json::from_str::<TypedPage<T>>(raw.get()).map(|page| {
            let ending = Ending {
                more: says_more_of(
                    page.is_last,
                    page.next_page.is_some(),
                    Counts { start_at: page.start_at, total: page.total },
                    page.values.as_ref().map_or(0, Vec::len),
                ),
                without_values: page.values.is_none(),
            };
            (page.values.unwrap_or_default(), ending)
        })
    }
}
