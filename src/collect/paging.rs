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
pub(crate) const MAX_PAGES: usize = 10_000;

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
    let mut pages = Vec::new();
    let mut warnings = Vec::new();
    let mut seen = BTreeSet::new();
    let mut path = first.to_owned();
    loop {
        if seen.len() >= MAX_PAGES || !seen.insert(path.clone()) {
            warnings.push(looping(first, &path));
            break;
        }
        let body: Box<RawValue> = get_json(host, &path).await?;
        let next = next_page(first, &path, body.get())?;
        pages.push(body);
        match next {
            Some(next) => path = next,
            None => break,
        }
    }
    Ok((pages, warnings))
}

/// The warning for a listing whose pages repeat or never end.
pub(crate) fn looping(first: &str, path: &str) -> Warning {
    Warning::new(
        WarningCode::PagingStopped,
        format!("stopped paging `{first}` at `{path}`: the pages repeat or never end"),
    )
}

/// The path of the page after `body` (read from `path`) in the `PageBean` listing that starts at
/// `first`, or `None` after the last page.
pub(crate) fn next_page(first: &str, path: &str, body: &str) -> Result<Option<String>, CollectError> {
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
    let page: Cursor = super::decode(path, body)?;
    let returned = page.values.len() as u64;
    let start = page.start_at.unwrap_or(0);
    if let Some(token) = page.next_page_token.filter(|t| !t.is_empty()) {
        return Ok(Some(with_param(first, "nextPageToken", &crate::host::encode_component(&token))));
    }
    let last =
        page.is_last.unwrap_or(false) || returned == 0 || page.total.is_some_and(|total| start + returned >= total);
    if last {
        return Ok(None);
    }
    Ok(Some(match page.next_page.as_deref().and_then(site_path) {
        Some(next) => next,
        None => with_param(first, "startAt", &(start + returned).to_string()),
    }))
}

/// The path after `body` in a bare-array listing (`GET /users/search`) that starts at `first`:
/// `startAt` forward until a page comes back empty. Not until one comes back short: Jira lowers
/// `maxResults` to its own cap without saying so, and that cap "may change without notice", so a
/// short page proves nothing. Empty pages are not kept.
pub(crate) fn next_array_page(first: &str, path: &str, body: &str) -> Result<(bool, Option<String>), CollectError> {
    let items: Vec<serde::de::IgnoredAny> = super::decode(path, body)?;
    let returned = items.len() as u64;
    let start = query_param(path, "startAt").and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let next = (returned > 0).then(|| with_param(first, "startAt", &(start + returned).to_string()));
    Ok((returned > 0, next))
}

fn query_param<'a>(path: &'a str, name: &str) -> Option<&'a str> {
    let (_, query) = path.split_once('?')?;
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Reads a listing that answers bare arrays (`GET /users/search`): `startAt` forward until a
/// page comes back empty.
pub async fn all_array_pages<H: Host>(
    host: &Client<'_, H>,
    first: &str,
) -> Result<(Vec<Box<RawValue>>, Vec<Warning>), CollectError> {
    let mut pages = Vec::new();
    let mut warnings = Vec::new();
    let mut path = first.to_owned();
    loop {
        let body: Box<RawValue> = get_json(host, &path).await?;
        let (keep, next) = next_array_page(first, &path, body.get())?;
        if keep {
            pages.push(body);
        }
        match next {
            Some(next) if pages.len() >= MAX_PAGES => {
                warnings.push(looping(first, &next));
                break;
            }
            Some(next) => path = next,
            None => break,
        }
    }
    Ok((pages, warnings))
}

/// The path and query of a `nextPage` URL, kept only if it stays inside Jira's REST API.
fn site_path(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = if url.contains("://") { rest.get(rest.find('/')?..)? } else { rest };
    path.starts_with("/rest/api/").then(|| path.to_owned())
}

pub(crate) fn with_param(first: &str, name: &str, value: &str) -> String {
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
