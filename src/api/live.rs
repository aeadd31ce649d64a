//! Answers read from Jira through the host, as the caller or the app: the permission schemes and
//! their projects, one project's scheme, and whether the caller holds a permission.

use std::collections::BTreeMap;

use futures_util::stream::{self, StreamExt};
use serde::Serialize;

use super::Answer;
use crate::collect::client::{Client, RetryPolicy};
use crate::collect::{self, CollectError};
use crate::host::Host;
use crate::jira::PermissionScheme;
use crate::warning::{Warning, WarningCode};

/// How many per-project reads run at once: fast enough for a 25 s resolver, gentle on burst limits.
const PROJECT_READS_IN_FLIGHT: usize = 8;

/// One permission scheme as the admin page lists it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemeSummary {
    pub id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub grant_count: usize,
    /// Keys of the projects known to use the scheme, sorted.
    pub projects: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminOverview {
    pub schemes: Vec<SchemeSummary>,
    pub project_count: usize,
    /// Projects whose scheme could not be read: nothing is claimed about them.
    pub unmapped_projects: Vec<String>,
}

/// The site's permission schemes and which projects use each.
pub async fn admin_overview<H: Host>(host: &H) -> Answer<AdminOverview> {
    let mut warnings = Vec::new();
    let client = Client::new(host, RetryPolicy::default());
    let result = admin_overview_inner(&client, &mut warnings).await;
    Answer::from_result(result, warnings)
}

async fn admin_overview_inner<H: Host>(
    host: &Client<'_, H>,
    warnings: &mut Vec<Warning>,
) -> Result<AdminOverview, CollectError> {
    let (schemes, scheme_warnings) = collect::permission_schemes(host).await?;
    warnings.extend(scheme_warnings);
    let (projects, project_warnings) = collect::projects(host).await?;
    warnings.extend(project_warnings);

    let lookups = stream::iter(projects.iter())
        .map(|project| async move { (project, collect::project_permission_scheme(host, &project.key).await) })
        .buffered(PROJECT_READS_IN_FLIGHT)
        .collect::<Vec<_>>()
        .await;

    let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unmapped = Vec::new();
    for (project, lookup) in lookups {
        match lookup {
            Ok(scheme) => users.entry(scheme.id.unwrap_or_default()).or_default().push(project.key.clone()),
            Err(error) => {
                warnings.push(Warning::new(
                    WarningCode::ProjectSchemeUnreadable,
                    format!("the permission scheme of project `{}` could not be read: {error}", project.key),
                ));
                unmapped.push(project.key.clone());
            }
        }
    }

    let mut summaries: Vec<SchemeSummary> = schemes
        .into_iter()
        .map(|scheme| {
            let mut keys = scheme.id.as_ref().and_then(|id| users.get(id)).cloned().unwrap_or_default();
            keys.sort();
            summarize(scheme, keys)
        })
        .collect();
    summaries.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    unmapped.sort();
    Ok(AdminOverview { schemes: summaries, project_count: projects.len(), unmapped_projects: unmapped })
}

pub(super) fn summarize(scheme: PermissionScheme, projects: Vec<String>) -> SchemeSummary {
    SchemeSummary {
        id: scheme.id,
        name: scheme.name,
        description: scheme.description.filter(|d| !d.is_empty()),
        grant_count: scheme.permissions.as_ref().map_or(0, Vec::len),
        projects,
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectOverview {
    pub project_key: String,
    pub permission_scheme: SchemeSummary,
}

/// The permission scheme of one project. The key must come from a trusted context, not a payload.
pub async fn project_overview<H: Host>(host: &H, project_key: &str) -> Answer<ProjectOverview> {
    let client = Client::new(host, RetryPolicy::default());
    let result = collect::project_permission_scheme(&client, project_key).await.map(|scheme| ProjectOverview {
        project_key: project_key.to_owned(),
        permission_scheme: summarize(scheme, vec![project_key.to_owned()]),
    });
    Answer::from_result(result, Vec::new())
}

#[derive(Debug, Serialize)]
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
}

/// The Jira endpoints the core may call, for scope checks.
pub fn endpoints() -> Vec<Endpoint> {
    collect::ENDPOINTS.iter().map(|&(method, path)| Endpoint { method: method.as_str(), path }).collect()
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionCheck {
    pub permission: String,
    pub project_key: Option<String>,
    pub granted: bool,
}

/// Whether the host's principal holds `permission`, used by handlers to authorize their caller.
pub async fn check_permission<H: Host>(
    host: &H,
    permission: &str,
    project_key: Option<&str>,
) -> Answer<PermissionCheck> {
    let client = Client::new(host, RetryPolicy::default());
    let result = collect::holds_permission(&client, permission, project_key).await.map(|granted| PermissionCheck {
        permission: permission.to_owned(),
        project_key: project_key.map(str::to_owned),
        granted,
    });
    Answer::from_result(result, Vec::new())
}
