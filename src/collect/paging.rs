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
    let mut values = Vec::new();
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
        let page: Page = get_json(host, &path).await?;
        let returned = page.values.len() as u64;
        let start = page.start_at.unwrap_or(0);
        values.extend(page.values);
        let last =
            page.is_last.unwrap_or(false) || returned == 0 || page.total.is_some_and(|total| start + returned >= total);
        if last {
            break;
        }
        path = match page.next_page.as_deref().and_then(site_path) {
            Some(next) => next,
            None => with_start_at(first, start + returned),
        };
    }
    Ok((values, warnings))
}

/// The path and query of a `nextPage` URL, kept only if it stays inside Jira's REST API.
fn site_path(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = if url.contains("://") { rest.get(rest.find('/')?..)? } else { rest };
    path.starts_with("/rest/api/").then(|| path.to_owned())
}

fn with_start_at(first: &str, start_at: u64) -> String {
    let separator = if first.contains('?') { '&' } else { '?' };
    format!("{first}{separator}startAt={start_at}")
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
