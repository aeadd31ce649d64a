//! `PageBean` paging: follow `nextPage` when Jira gives it, else count `startAt` forward.
//!
//! Jira may lower `maxResults` silently, so the next offset comes from what was actually returned.

use std::collections::BTreeSet;

use serde_json::value::RawValue;

use super::client::Client;
use super::{CollectError, get_json};
use crate::host::Host;
use crate::jira::Page;
use crate::warning::{Warning, WarningCode};

/// No listing the core reads is this long; past it, something is looping.
const MAX_PAGES: usize = 10_000;

/// Reads every page starting at `first` and returns all `values`, in order.
pub async fn all_pages<H: Host>(
    host: &Client<'_, H>,
    first: &str,
) -> Result<(Vec<Box<RawValue>>, Vec<Warning>), CollectError> {
    let (pages, warnings) = all_page_bodies(host, first).await?;
    let mut values = Vec::new();
    for page in pages {
        let page: Page = super::decode(first, page.get())?;
        values.extend(page.values);
    }
    Ok((values, warnings))
}

/// Reads every page of a `PageBean` listing starting at `first` and returns the page bodies
/// verbatim, in order: `nextPage` when Jira gives it, `nextPageToken` for cursor listings, else
/// `startAt` counted from what was actually returned (Jira may lower `maxResults` silently).
pub async fn all_page_bodies<H: Host>(
    host: &Client<'_, H>,
    first: &str,
) -> Result<(Vec<Box<RawValue>>, Vec<Warning>), CollectError> {
    #[derive(serde::Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    struct Cursor {
        start_at: Option<u64>,
        total: Option<u64>,
        is_last: Option<bool>,
        next_page: Option<String>,
        next_page_token: Option<String>,
        values: Vec<serde::de::IgnoredAny>,
    }
    let mut pages = Vec::new();
    let mut warnings = Vec::new();
    let mut seen = BTreeSet::new();
    let mut path = first.to_owned();
    loop {
        if seen.len() >= MAX_PAGES || !seen.insert(path.clone()) {
            warnings.push(Warning::new(
                WarningCode::PagingStopped,
                format!("stopped paging `{first}` at `{path}`: the pages repeat or never end"),
            ));
            break;
        }
        let body: Box<RawValue> = get_json(host, &path).await?;
        let page: Cursor = super::decode(&path, body.get())?;
        pages.push(body);
        let returned = page.values.len() as u64;
        let start = page.start_at.unwrap_or(0);
        if let Some(token) = page.next_page_token.filter(|t| !t.is_empty()) {
            path = with_param(first, "nextPageToken", &crate::host::encode_component(&token));
            continue;
        }
        let last =
            page.is_last.unwrap_or(false) || returned == 0 || page.total.is_some_and(|total| start + returned >= total);
        if last {
            break;
        }
        path = match page.next_page.as_deref().and_then(site_path) {
            Some(next) => next,
            None => with_param(first, "startAt", &(start + returned).to_string()),
        };
    }
    Ok((pages, warnings))
}

/// Reads a listing that answers bare arrays (`GET /users/search`): `startAt` forward until a
/// page comes back empty or short.
pub async fn all_array_pages<H: Host>(
    host: &Client<'_, H>,
    first: &str,
    page_size: u64,
) -> Result<(Vec<Box<RawValue>>, Vec<Warning>), CollectError> {
    let mut pages = Vec::new();
    let mut start = 0u64;
    loop {
        let path = if start == 0 { first.to_owned() } else { with_param(first, "startAt", &start.to_string()) };
        let body: Box<RawValue> = get_json(host, &path).await?;
        let items: Vec<serde::de::IgnoredAny> = super::decode(&path, body.get())?;
        let returned = items.len() as u64;
        if returned > 0 {
            pages.push(body);
        }
        if returned < page_size || pages.len() >= MAX_PAGES {
            break;
        }
        start += returned;
    }
    Ok((pages, Vec::new()))
}

/// The path and query of a `nextPage` URL, kept only if it stays inside Jira's REST API.
fn site_path(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = if url.contains("://") { rest.get(rest.find('/')?..)? } else { rest };
    path.starts_with("/rest/api/").then(|| path.to_owned())
}

fn with_param(first: &str, name: &str, value: &str) -> String {
    let separator = if first.contains('?') { '&' } else { '?' };
    format!("{first}{separator}{name}={value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_path_keeps_only_rest_paths_on_the_same_site() {
        assert_eq!(
            site_path("https://x.atlassian.net/rest/api/3/project/search?startAt=2").as_deref(),
            Some("/rest/api/3/project/search?startAt=2")
        );
        assert_eq!(site_path("https://evil.example/steal").as_deref(), None);
        assert_eq!(site_path("/rest/api/3/x").as_deref(), Some("/rest/api/3/x"));
        assert_eq!(site_path("https://no-path.example").as_deref(), None);
    }
}
