//! Reading Jira through the host: requests, status handling, paging.

pub mod budget;
pub mod client;
mod error;
mod paging;
pub mod plan;
pub mod refresh;
pub mod scan;

use serde::de::DeserializeOwned;

pub use error::CollectError;
pub use paging::{all_array_pages, all_page_bodies, all_pages};

use crate::host::{Host, HttpRequest, Method, encode_component};

use crate::jira::{MyPermissions, PermissionScheme, PermissionSchemes, Project, decode_each};
use crate::warning::Warning;
use client::Client;

/// Every Jira endpoint the core calls, as the spec names its path. Forge's own permission linter
/// checks the manifest's scopes against this list (tools/validate-manifest.mjs), and the tests fail
/// when the core requests a path that matches none of them.
pub const ENDPOINTS: &[(Method, &str)] = &[
    (Method::Get, "/rest/api/3/applicationrole"),
    (Method::Get, "/rest/api/3/auditing/record"),
    (Method::Get, "/rest/api/3/group/bulk"),
    (Method::Get, "/rest/api/3/group/member"),
    (Method::Get, "/rest/api/3/issuesecurityschemes"),
    (Method::Get, "/rest/api/3/issuesecurityschemes/project"),
    (Method::Get, "/rest/api/3/issuesecurityschemes/{issueSecuritySchemeId}/members"),
    (Method::Get, "/rest/api/3/mypermissions"),
    (Method::Get, "/rest/api/3/permissions"),
    (Method::Post, "/rest/api/3/permissions/check"),
    (Method::Get, "/rest/api/3/permissionscheme"),
    (Method::Get, "/rest/api/3/project/search"),
    (Method::Get, "/rest/api/3/project/{projectIdOrKey}/role/{id}"),
    (Method::Get, "/rest/api/3/project/{projectKeyOrId}/permissionscheme"),
    (Method::Get, "/rest/api/3/role"),
    (Method::Get, "/rest/api/3/user"),
    (Method::Get, "/rest/api/3/users/search"),
    (Method::Get, "/rest/api/3/workflows/search"),
    (Method::Get, "/rest/api/3/workflowscheme/project"),
];

/// The `ENDPOINTS` template a request falls under, if any (`{…}` matches one path segment).
pub fn endpoint_of(method: Method, path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or(path);
    ENDPOINTS.iter().find_map(|&(m, template)| {
        let mut wanted = template.split('/');
        let mut given = path.split('/');
        let matches = loop {
            match (wanted.next(), given.next()) {
                (None, None) => break true,
                (Some(w), Some(g)) if w == g || (w.starts_with('{') && !g.is_empty()) => {}
                _ => break false,
            }
        };
        (m == method && matches).then_some(template)
    })
}

/// Every expansion the engine needs on a scheme: grants plus the holders' details.
pub const SCHEME_EXPAND: &str = "permissions,user,group,projectRole,field";

/// GETs `path` and decodes a 2xx answer as `T`; anything else is a typed error naming the path.
pub async fn get_json<H: Host, T: DeserializeOwned>(client: &Client<'_, H>, path: &str) -> Result<T, CollectError> {
    let response = client.send(HttpRequest::get(path)).await?;
    decode(path, &response.body)
}

/// Decodes a body, naming the path on failure.
pub fn decode<T: DeserializeOwned>(path: &str, body: &str) -> Result<T, CollectError> {
    serde_json::from_str(body)
        .map_err(|error| CollectError::Decode { path: path.to_owned(), message: error.to_string() })
}

/// All permission schemes with their grants, in one unpaginated call.
pub async fn permission_schemes<H: Host>(
    host: &Client<'_, H>,
) -> Result<(Vec<PermissionScheme>, Vec<Warning>), CollectError> {
    let path = format!("/rest/api/3/permissionscheme?expand={}", encode_component(SCHEME_EXPAND));
    let list: PermissionSchemes = get_json(host, &path).await?;
    Ok(decode_each(&list.permission_schemes, "permission scheme"))
}

/// Every project the caller can see, following Jira's paging to the end.
pub async fn projects<H: Host>(host: &Client<'_, H>) -> Result<(Vec<Project>, Vec<Warning>), CollectError> {
    let (values, mut warnings) = all_pages(host, "/rest/api/3/project/search?maxResults=100").await?;
    let (projects, skipped) = decode_each(&values, "project");
    warnings.extend(skipped);
    Ok((projects, warnings))
}

/// The permission scheme a project uses. One call per project: Jira has no bulk mapping.
pub async fn project_permission_scheme<H: Host>(
    host: &Client<'_, H>,
    project_key: &str,
) -> Result<PermissionScheme, CollectError> {
    let path = format!(
        "/rest/api/3/project/{}/permissionscheme?expand={}",
        encode_component(project_key),
        encode_component(SCHEME_EXPAND)
    );
    get_json(host, &path).await
}

/// Whether the host's principal holds `permission` (globally, or in `project_key`).
pub async fn holds_permission<H: Host>(
    host: &Client<'_, H>,
    permission: &str,
    project_key: Option<&str>,
) -> Result<bool, CollectError> {
    let mut path = format!("/rest/api/3/mypermissions?permissions={}", encode_component(permission));
    if let Some(key) = project_key {
        path.push_str("&projectKey=");
        path.push_str(&encode_component(key));
    }
    let answer: MyPermissions = get_json(host, &path).await?;
    Ok(answer.holds(permission))
}
