//! The JSON facade: what the pages, handlers and command line ask for, answered as one tagged
//! envelope. Every answer is `{"type":"success","result":…,"warnings":[…]}` or
//! `{"type":"failure","errors":[…],"warnings":[…]}`; bad data never throws.

use std::collections::BTreeMap;

use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};

use crate::collect::budget::Pacer;
use crate::collect::client::{Client, RetryPolicy};
use crate::collect::{self, CollectError};
use crate::engine::what_if::{self, ChangeSet};
use crate::engine::why_not;
use crate::engine::{AccountSelection, Selection, analyze};
use crate::host::Host;
use crate::jira::PermissionScheme;
use crate::model::Site;
use crate::report::Analysis;
use crate::snapshot::{self, SnapshotError};
use crate::warning::{Warning, WarningCode};

/// How many per-project reads run at once: fast enough for a 25 s resolver, gentle on burst limits.
const PROJECT_READS_IN_FLIGHT: usize = 8;

/// One error in a failure envelope: a stable code, a lowercase message naming the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into(), path: None }
    }
}

impl From<CollectError> for ApiError {
    fn from(error: CollectError) -> Self {
        let (code, path) = match &error {
            CollectError::Transport { path, .. } => ("transport", path),
            CollectError::Status { path, .. } => ("status", path),
            CollectError::Decode { path, .. } => ("decode", path),
            CollectError::Timeout { path, .. } => ("timeout", path),
            CollectError::QuotaExhausted { path, .. } => ("quota-exhausted", path),
            CollectError::Stopped { path, .. } => ("stopped", path),
        };
        ApiError { code, message: error.to_string(), path: Some(path.clone()) }
    }
}

impl From<SnapshotError> for ApiError {
    fn from(error: SnapshotError) -> Self {
        let code = match error {
            SnapshotError::Malformed { .. } => "bad-snapshot",
            SnapshotError::UnsupportedVersion { .. } => "unsupported-snapshot-version",
        };
        ApiError::new(code, error.to_string())
    }
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Answer<T> {
    Success { result: T, warnings: Vec<Warning> },
    Failure { errors: Vec<ApiError>, warnings: Vec<Warning> },
}

impl<T: Serialize> Answer<T> {
    fn from_result<E: Into<ApiError>>(result: Result<T, E>, mut warnings: Vec<Warning>) -> Self {
        warnings.sort();
        warnings.dedup();
        match result {
            Ok(result) => Answer::Success { result, warnings },
            Err(error) => Answer::Failure { errors: vec![error.into()], warnings },
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"type":"failure","errors":[{"code":"encode","message":"the answer could not be encoded"}],"warnings":[]}"#
                .to_owned()
        })
    }
}

// ---- the walking-skeleton pages ---------------------------------------------------------------

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

fn summarize(scheme: PermissionScheme, projects: Vec<String>) -> SchemeSummary {
    SchemeSummary {
        id: scheme.id,
        name: scheme.name,
        description: scheme.description.filter(|d| !d.is_empty()),
        grant_count: scheme.permissions.len(),
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

// ---- analysis over a snapshot ----------------------------------------------------------------

/// Options of `analyze`: the app's own input, so unknown fields are rejected.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct AnalyzeOptions {
    pub account_id: Option<String>,
    pub project: Option<String>,
    pub all_accounts: bool,
    pub skip_transitions: bool,
}

impl AnalyzeOptions {
    pub fn selection(&self) -> Selection {
        let accounts = match (&self.account_id, self.all_accounts) {
            (Some(id), _) => AccountSelection::One(id.clone()),
            (None, true) => AccountSelection::All,
            (None, false) => AccountSelection::NonHuman,
        };
        Selection { accounts, project: self.project.clone(), skip_transitions: self.skip_transitions }
    }
}

fn options<T: for<'de> Deserialize<'de> + Default>(json: &str) -> Result<T, ApiError> {
    if json.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(json).map_err(|e| ApiError::new("bad-options", format!("the options are not valid: {e}")))
}

/// Loads a snapshot, or fails with the reason.
pub fn load(snapshot: &str) -> Result<(Site, Vec<Warning>), ApiError> {
    snapshot::load(snapshot).map_err(ApiError::from)
}

/// The full analysis of a snapshot: the `analyze` contract, with load warnings merged in.
pub fn analyze_snapshot(snapshot: &str, options: &AnalyzeOptions) -> Result<Analysis, ApiError> {
    let (site, load_warnings) = load(snapshot)?;
    let mut analysis = analyze(&site, &options.selection());
    analysis.warnings.extend(load_warnings);
    analysis.warnings.sort();
    analysis.warnings.dedup();
    Ok(analysis)
}

/// `analyze` as JSON in, JSON out: the analysis itself, or a failure envelope.
pub fn analyze_json(snapshot: &str, options_json: &str) -> String {
    let result = options::<AnalyzeOptions>(options_json).and_then(|o| analyze_snapshot(snapshot, &o));
    match result {
        Ok(analysis) => serde_json::to_string(&analysis).unwrap_or_default(),
        Err(error) => Answer::<()>::from_result(Err(error), Vec::new()).to_json(),
    }
}

/// Why `account_id` lacks `permission` in `project`: the grants that would give it.
pub fn why_not_json(snapshot: &str, account_id: &str, project: &str, permission: &str) -> String {
    let result = load(snapshot).and_then(|(site, _)| {
        why_not::why_not(&site, account_id, project, permission).ok_or_else(|| {
            ApiError::new(
                "unknown-reference",
                format!("account `{account_id}` or project `{project}` is not in the snapshot"),
            )
        })
    });
    Answer::from_result(result, Vec::new()).to_json()
}

/// The diff of effective access if `changes` (a change set) were applied.
pub fn what_if_json(snapshot: &str, changes: &str) -> String {
    let result = load(snapshot).and_then(|(site, warnings)| {
        let changes: ChangeSet = serde_json::from_str(changes)
            .map_err(|e| ApiError::new("bad-change-set", format!("the change set is not valid: {e}")))?;
        what_if::what_if(&site, &changes)
            .map(|diff| (diff, warnings))
            .map_err(|e| ApiError::new("bad-change", e.to_string()))
    });
    match result {
        Ok((diff, warnings)) => Answer::Success { result: diff, warnings }.to_json(),
        Err(error) => Answer::<()>::from_result(Err(error), Vec::new()).to_json(),
    }
}

// ---- collection ---------------------------------------------------------------------------------

/// Runs a full scan through `host` and answers `{snapshot, ledger, complete, checkpoint?}`; what
/// could not be read is in `snapshot.meta.gaps`. `options` is JSON (`ScanOptions`) or empty: with
/// `pacing` the scan keeps a points budget and a job time (the host's clock decides), with
/// `resume` it continues a checkpoint, with `refresh` it updates a previous snapshot from the
/// audit log.
pub async fn collect_json<H: Host>(host: &H, options_json: &str) -> String {
    let options = match options::<collect::scan::ScanOptions>(options_json) {
        Ok(options) => options,
        Err(error) => return Answer::<()>::from_result(Err(error), Vec::new()).to_json(),
    };
    let policy = RetryPolicy { max_retries: options.max_retries, ..RetryPolicy::default() };
    let client = match &options.pacing {
        None => Client::new(host, policy),
        Some(pacing) => {
            if let Err(error) = pacing.validate() {
                return Answer::<()>::from_result(Err(ApiError::new("bad-options", error.to_string())), Vec::new())
                    .to_json();
            }
            let Some(now) = host.now_ms() else {
                let error =
                    ApiError::new("no-clock", "pacing needs the host's clock, and the host has none (host.now)");
                return Answer::<()>::from_result(Err(error), Vec::new()).to_json();
            };
            let spent = options.resume.as_ref().and_then(|c| c.hour_spend);
            Client::paced(host, policy, Pacer::new(pacing.clone(), now, spent))
        }
    };
    if let Some(checkpoint) = &options.resume {
        if checkpoint.checkpoint_version != collect::scan::CHECKPOINT_VERSION {
            let error = ApiError::new(
                "bad-checkpoint",
                format!("checkpoint version {} is not one this core reads", checkpoint.checkpoint_version),
            );
            return Answer::<()>::from_result(Err(error), Vec::new()).to_json();
        }
    }
    let scan = collect::refresh::refresh(&client, options).await;
    let warnings = scan.warnings.clone();
    Answer::Success { result: scan, warnings }.to_json()
}
