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
use crate::engine::{AccountSelection, Selection, matrix};
use crate::host::Host;
use crate::jira::PermissionScheme;
use crate::matrix::Matrix;
use crate::model::Site;
use crate::report::Analysis;
use crate::snapshot::{self, Scope as LoadScope, SnapshotError, SnapshotReader};
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

/// [`admin_overview`] from a stored snapshot: the same schemes, grant counts and project mapping,
/// without a call per project. A project whose scheme the snapshot lacks is unmapped, with the
/// scan's reason when it recorded one.
pub fn snapshot_overview(snapshot: &str) -> Answer<AdminOverview> {
    LoadedSnapshot::from_text(snapshot, &LoadScope::default()).overview()
}

fn overview_of(loaded: &Loaded, warnings: &mut Vec<Warning>) -> Result<AdminOverview, ApiError> {
    let site = &loaded.site;
    let list = loaded
        .permission_schemes
        .as_ref()
        .map(|raw| serde_json::from_str::<crate::jira::PermissionSchemes>(raw.get()))
        .transpose()
        .map_err(|e| ApiError::new("bad-snapshot", format!("the snapshot's permission schemes are not readable: {e}")))?
        .unwrap_or_default();
    let (schemes, skipped) =
        crate::jira::decode_each::<PermissionScheme, _>(&list.permission_schemes, "permission scheme");
    warnings.extend(skipped);

    let mut users: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut unmapped = Vec::new();
    for project in site.projects.values() {
        match &project.scheme_id {
            Some(id) => users.entry(id).or_default().push(project.key.clone()),
            None => {
                let why = site
                    .gaps
                    .get(&("projectPermissionSchemes".to_owned(), project.key.clone()))
                    .map_or("the snapshot does not hold it", String::as_str);
                warnings.push(Warning::new(
                    WarningCode::ProjectSchemeUnreadable,
                    format!("the permission scheme of project `{}` could not be read: {why}", project.key),
                ));
                unmapped.push(project.key.clone());
            }
        }
    }
    let mut summaries: Vec<SchemeSummary> = schemes
        .into_iter()
        .map(|scheme| {
            let keys = scheme.id.as_deref().and_then(|id| users.get(id)).cloned().unwrap_or_default();
            summarize(scheme, keys)
        })
        .collect();
    summaries.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    Ok(AdminOverview { schemes: summaries, project_count: site.projects.len(), unmapped_projects: unmapped })
}

fn summarize(scheme: PermissionScheme, projects: Vec<String>) -> SchemeSummary {
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

// ---- analysis over a snapshot ----------------------------------------------------------------

/// Options of `analyze`: the app's own input, so unknown fields are rejected.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct AnalyzeOptions {
    pub account_id: Option<String>,
    pub project: Option<String>,
    pub all_accounts: bool,
    pub skip_transitions: bool,
    /// `analysis` (the default: one entry per account and project) or `matrix` (each distinct
    /// cell once; `schema/analysis-matrix-v1.schema.json`).
    pub form: AnalysisForm,
    /// Evaluate every cell on its own (see `engine::reuse`); the same answer, slower.
    pub exhaustive: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnalysisForm {
    #[default]
    Analysis,
    Matrix,
}

impl AnalyzeOptions {
    /// What a load for these options must keep (see [`LoadScope`]).
    pub fn scope(&self) -> LoadScope {
        LoadScope { project: self.project.clone(), non_human_only: self.non_human() }
    }

    /// Whether the answer covers the service and app accounts only (no account named, not all).
    fn non_human(&self) -> bool {
        self.account_id.is_none() && !self.all_accounts
    }

    pub fn selection(&self) -> Selection {
        let accounts = match (&self.account_id, self.all_accounts) {
            _ if self.non_human() => AccountSelection::NonHuman,
            (Some(id), _) => AccountSelection::One(id.clone()),
            (None, _) => AccountSelection::All,
        };
        Selection {
            accounts,
            project: self.project.clone(),
            skip_transitions: self.skip_transitions,
            exhaustive: self.exhaustive,
        }
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

/// The full matrix of a snapshot, with load warnings merged in.
pub fn matrix_snapshot(snapshot: &str, options: &AnalyzeOptions) -> Result<Matrix, ApiError> {
    let (site, warnings) = snapshot::load_scoped(snapshot, &options.scope())?;
    Ok(matrix_of(&site, &warnings, options))
}

fn matrix_of(site: &Site, load_warnings: &[Warning], options: &AnalyzeOptions) -> Matrix {
    let mut matrix = matrix(site, &options.selection());
    matrix.warnings.extend(load_warnings.iter().cloned());
    matrix.warnings.sort();
    matrix.warnings.dedup();
    matrix
}

/// The inventory's first view of a snapshot: one line per non-human account (see
/// [`Matrix::summarize`]), the analysis warnings in the envelope. Transitions are skipped: no
/// count depends on them.
pub fn inventory(snapshot: &str) -> Answer<crate::matrix::Inventory> {
    LoadedSnapshot::from_text(snapshot, &LoadScope::default()).inventory()
}

/// The full analysis of a snapshot: the `analyze` contract, with load warnings merged in.
pub fn analyze_snapshot(snapshot: &str, options: &AnalyzeOptions) -> Result<Analysis, ApiError> {
    matrix_snapshot(snapshot, options).map(Matrix::expand)
}

/// `analyze` as JSON in, JSON out: the analysis (or the matrix, by `form`), or a failure envelope.
/// The options are read before the snapshot, so bad options cost no decoding; a `project` option
/// loads only what that project's answer reads (see [`LoadScope`]).
pub fn analyze_json(snapshot: &str, options_json: &str) -> String {
    match options::<AnalyzeOptions>(options_json) {
        Ok(o) => LoadedSnapshot::from_text(snapshot, &o.scope()).answer_json(&o),
        Err(error) => failure_json(error),
    }
}

/// [`analyze_json`] from the snapshot's UTF-8 bytes (see [`snapshot::decode_bytes`]): a host that
/// holds a file's or a response's bytes need not make a string of them first. Text that is not
/// UTF-8 where it matters is a malformed snapshot.
pub fn analyze_bytes_json(snapshot: &[u8], options_json: &str) -> String {
    match options::<AnalyzeOptions>(options_json) {
        Ok(o) => LoadedSnapshot::from_bytes(snapshot, &o.scope()).answer_json(&o),
        Err(error) => failure_json(error),
    }
}

/// [`analyze_json`] with the snapshot read from `reader` as it is decoded (see
/// [`snapshot::load_reader`]): for snapshots too large to hold whole next to their model.
pub fn analyze_reader_json<R: std::io::Read>(reader: R, options_json: &str) -> String {
    match options::<AnalyzeOptions>(options_json) {
        Ok(o) => {
            let loaded = snapshot::load_reader(reader, &o.scope()).map_err(ApiError::from);
            LoadedSnapshot { loaded: loaded.map(|(site, warnings)| Loaded::new(site, warnings, None, o.scope())) }
                .answer_json(&o)
        }
        Err(error) => failure_json(error),
    }
}

fn malformed(error: serde_json::Error) -> SnapshotError {
    SnapshotError::Malformed { message: error.to_string() }
}

fn failure_json(error: ApiError) -> String {
    Answer::<()>::from_result(Err(error), Vec::new()).to_json()
}

/// A snapshot decoded once, for several answers: the Forge handlers compute the inventory, the
/// overview and the access matrix of one stored snapshot, whose decoding costs more than any of
/// them. Built from the text, or from a [`SnapshotReader`] fed the stored chunks one at a time.
pub struct LoadedSnapshot {
    loaded: Result<Loaded, ApiError>,
}

struct Loaded {
    site: Site,
    warnings: Vec<Warning>,
    /// The raw permission schemes, for the overview's descriptions and grant counts.
    permission_schemes: Option<Box<serde_json::value::RawValue>>,
    scope: LoadScope,
}

impl Loaded {
    fn new(
        site: Site,
        warnings: Vec<Warning>,
        permission_schemes: Option<Box<serde_json::value::RawValue>>,
        scope: LoadScope,
    ) -> Self {
        Loaded { site, warnings, permission_schemes, scope }
    }
}

impl LoadedSnapshot {
    pub fn from_text(text: &str, scope: &LoadScope) -> Self {
        LoadedSnapshot::from_doc(snapshot::decode_str(text).map_err(malformed), scope)
    }

    /// As [`LoadedSnapshot::from_text`], from the text's UTF-8 bytes.
    pub fn from_bytes(bytes: &[u8], scope: &LoadScope) -> Self {
        LoadedSnapshot::from_doc(snapshot::decode_bytes(bytes).map_err(malformed), scope)
    }

    /// The snapshot a reader has been given, its text over.
    pub fn from_reader(reader: SnapshotReader, scope: &LoadScope) -> Self {
        LoadedSnapshot::from_doc(reader.finish(), scope)
    }

    fn from_doc(doc: Result<snapshot::SnapshotDoc, SnapshotError>, scope: &LoadScope) -> Self {
        let loaded = doc.and_then(|doc| {
            let schemes = doc.permission_schemes.clone();
            snapshot::build_doc(doc, scope).map(|(site, warnings)| Loaded::new(site, warnings, schemes, scope.clone()))
        });
        LoadedSnapshot { loaded: loaded.map_err(ApiError::from) }
    }

    /// `analyze` over the loaded snapshot: JSON options in, the answer's JSON text out.
    pub fn analyze_json(&self, options_json: &str) -> String {
        match options::<AnalyzeOptions>(options_json) {
            Ok(o) => self.answer_json(&o),
            Err(error) => failure_json(error),
        }
    }

    fn answer_json(&self, o: &AnalyzeOptions) -> String {
        let loaded = match &self.loaded {
            Ok(loaded) => loaded,
            Err(error) => return failure_json(error.clone()),
        };
        if loaded.scope.project.is_some() && loaded.scope.project != o.project {
            let only = loaded.scope.project.as_deref().unwrap_or_default();
            return failure_json(ApiError::new(
                "bad-options",
                format!("the snapshot was loaded for project `{only}` only; ask about that project"),
            ));
        }
        if loaded.scope.non_human_only && !o.non_human() {
            return failure_json(ApiError::new(
                "bad-options",
                "the snapshot was loaded for its service and app accounts only; ask about those",
            ));
        }
        let matrix = matrix_of(&loaded.site, &loaded.warnings, o);
        let text = match o.form {
            AnalysisForm::Analysis => serde_json::to_string(&matrix.expand()),
            AnalysisForm::Matrix => serde_json::to_string(&matrix),
        };
        text.unwrap_or_else(|_| failure_json(ApiError::new("encode", "the answer could not be encoded")))
    }

    /// See [`inventory`].
    pub fn inventory(&self) -> Answer<crate::matrix::Inventory> {
        let options = AnalyzeOptions { skip_transitions: true, ..AnalyzeOptions::default() };
        match &self.loaded {
            Ok(loaded) if loaded.scope.project.is_none() => {
                let matrix = matrix_of(&loaded.site, &loaded.warnings, &options);
                let summary = matrix.summarize();
                Answer::from_result(Ok::<_, ApiError>(summary), matrix.warnings)
            }
            Ok(_) => Answer::from_result(
                Err(ApiError::new("bad-options", "the snapshot was loaded for one project")),
                Vec::new(),
            ),
            Err(error) => Answer::from_result(Err(error.clone()), Vec::new()),
        }
    }

    /// See [`snapshot_overview`].
    pub fn overview(&self) -> Answer<AdminOverview> {
        let mut warnings = Vec::new();
        let result = match &self.loaded {
            Ok(loaded) => overview_of(loaded, &mut warnings),
            Err(error) => Err(error.clone()),
        };
        Answer::from_result(result, warnings)
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

// ---- governance: registry, findings, least privilege, reviews, leavers -------------------------

use crate::date::Date;
use crate::findings::{self, Finding, Severity};
use crate::governance::least_privilege::{self, PlanError};
use crate::governance::registry::{Entry, Registry, RegistryError, validate_entry};
use crate::governance::review::{self, Decision, DecisionError};
use crate::governance::settings::Settings;
use crate::governance::{Scope, leaver};

impl From<RegistryError> for ApiError {
    fn from(error: RegistryError) -> Self {
        ApiError::new(error.code(), error.to_string())
    }
}

impl From<PlanError> for ApiError {
    fn from(error: PlanError) -> Self {
        let code = match error {
            PlanError::NotRegistered { .. } => "not-registered",
            PlanError::NoNeed { .. } => "no-need",
            PlanError::NotInSnapshot { .. } => "unknown-reference",
            PlanError::WhatIf { .. } => "bad-change",
        };
        ApiError::new(code, error.to_string())
    }
}

impl From<DecisionError> for ApiError {
    fn from(error: DecisionError) -> Self {
        let code = match &error {
            DecisionError::NotRegistered { .. } => "not-registered",
            DecisionError::WrongAccount { .. } => "bad-decision",
            DecisionError::AlreadyApplied { .. } => "already-applied",
            DecisionError::StaleDue { .. } | DecisionError::WrongSuspension { .. } => "stale-decision",
            DecisionError::Retired { .. } => "retired",
            DecisionError::NotSuspended { .. } => "not-suspended",
            DecisionError::Plan(_) => "no-plan",
            DecisionError::Apply { .. } => "bad-change",
        };
        ApiError::new(code, error.to_string())
    }
}

/// Parses `now` (the edges' clock): `YYYY-MM-DD` or an RFC 3339 timestamp.
pub fn parse_now(now: &str) -> Result<Date, ApiError> {
    Date::parse(now).map_err(|e| ApiError::new("bad-now", format!("`now`: {e}")))
}

/// A registry file; empty text is an empty registry.
pub fn parse_registry(text: &str) -> Result<Registry, ApiError> {
    if text.trim().is_empty() {
        return Ok(Registry { registry_version: crate::governance::registry::REGISTRY_VERSION, accounts: Vec::new() });
    }
    Registry::from_json(text).map_err(ApiError::from)
}

/// Governance settings; empty text is the defaults.
pub fn parse_settings(text: &str) -> Result<Settings, ApiError> {
    let settings: Settings = if text.trim().is_empty() {
        Settings::default()
    } else {
        serde_json::from_str(text)
            .map_err(|e| ApiError::new("bad-settings", format!("the settings are not valid: {e}")))?
    };
    settings.check().map_err(|m| ApiError::new("bad-settings", m))?;
    Ok(settings)
}

/// What every governance call reads: the site, the registry, the settings and the day.
pub struct GovernanceInput {
    pub site: Site,
    pub registry: Registry,
    pub settings: Settings,
    pub now: Date,
    pub warnings: Vec<Warning>,
}

impl GovernanceInput {
    pub fn parse(snapshot: &str, registry: &str, settings: &str, now: &str) -> Result<GovernanceInput, ApiError> {
        let (site, warnings) = load(snapshot)?;
        Ok(GovernanceInput {
            site,
            registry: parse_registry(registry)?,
            settings: parse_settings(settings)?,
            now: parse_now(now)?,
            warnings,
        })
    }

    pub fn scope(&self) -> Scope<'_> {
        Scope::new(&self.site, &self.registry, &self.settings, self.now)
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingsReport {
    pub now: Date,
    /// Findings per severity, every severity listed.
    pub counts: BTreeMap<Severity, usize>,
    pub findings: Vec<Finding>,
}

/// Every finding, most severe first, with the analysis warnings.
pub fn findings_report(input: &GovernanceInput) -> (FindingsReport, Vec<Warning>) {
    let scope = input.scope();
    let found = findings::findings_in(&scope);
    let mut counts: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|s| (*s, 0)).collect();
    for f in &found {
        *counts.entry(f.severity).or_default() += 1;
    }
    let mut warnings = scope.warnings();
    warnings.extend(input.warnings.iter().cloned());
    (FindingsReport { now: input.now, counts, findings: found }, warnings)
}

fn governed<T: Serialize>(
    snapshot: &str,
    registry: &str,
    settings: &str,
    now: &str,
    run: impl FnOnce(&GovernanceInput) -> Result<T, ApiError>,
) -> String {
    match GovernanceInput::parse(snapshot, registry, settings, now) {
        Ok(input) => Answer::from_result(run(&input), input.warnings.clone()).to_json(),
        Err(error) => Answer::<()>::from_result(Err(error), Vec::new()).to_json(),
    }
}

/// `findings` as JSON: `{now, counts, findings}`.
pub fn findings_json(snapshot: &str, registry: &str, settings: &str, now: &str) -> String {
    match GovernanceInput::parse(snapshot, registry, settings, now) {
        Ok(input) => {
            let (report, warnings) = findings_report(&input);
            Answer::Success { result: report, warnings }.to_json()
        }
        Err(error) => Answer::<()>::from_result(Err(error), Vec::new()).to_json(),
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSummary {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub reason: &'static str,
    pub fix: &'static str,
}

/// The findings catalogue itself.
pub fn catalogue() -> Vec<RuleSummary> {
    findings::rules::CATALOGUE
        .iter()
        .map(|r| RuleSummary { id: r.id, title: r.title, severity: r.severity, reason: r.reason, fix: r.fix })
        .collect()
}

/// Validates one registry entry against the snapshot before it is written: every error at once.
pub fn validate_entry_json(snapshot: &str, entry: &str) -> String {
    let result = (|| -> Result<Entry, Vec<ApiError>> {
        let (site, _) = load(snapshot).map_err(|e| vec![e])?;
        let entry: Entry = serde_json::from_str(entry)
            .map_err(|e| vec![ApiError::new("bad-registry", format!("the registry entry is not valid: {e}"))])?;
        validate_entry(&entry, &site).map_err(|errors| errors.into_iter().map(ApiError::from).collect::<Vec<_>>())?;
        Ok(entry)
    })();
    match result {
        Ok(entry) => Answer::Success { result: entry, warnings: Vec::new() }.to_json(),
        Err(errors) => Answer::<()>::Failure { errors, warnings: Vec::new() }.to_json(),
    }
}

/// Reviews due, overdue or coming up on `now`.
pub fn review_due_json(snapshot: &str, registry: &str, settings: &str, now: &str) -> String {
    governed(snapshot, registry, settings, now, |input| {
        Ok(review::due_list(&input.site, &input.registry, &input.settings, input.now))
    })
}

/// Reminders, due dates and grace expiries in `(since, now]`: what a scheduled run acts on.
/// Needs no snapshot.
pub fn review_events_json(registry: &str, settings: &str, since: &str, now: &str) -> String {
    let result = (|| -> Result<Vec<review::Event>, ApiError> {
        let registry = parse_registry(registry)?;
        let settings = parse_settings(settings)?;
        let since = Date::parse(since).map_err(|e| ApiError::new("bad-now", format!("`since`: {e}")))?;
        Ok(review::events(&registry, &settings, since, parse_now(now)?))
    })();
    Answer::from_result(result, Vec::new()).to_json()
}

/// Applies a review decision: the new registry entry, the Jira changes, what remains.
pub fn review_decide_json(snapshot: &str, registry: &str, settings: &str, decision: &str, now: &str) -> String {
    governed(snapshot, registry, settings, now, |input| {
        let decision: Decision = serde_json::from_str(decision)
            .map_err(|e| ApiError::new("bad-decision", format!("the decision is not valid: {e}")))?;
        review::decide(&input.scope(), &decision).map_err(ApiError::from)
    })
}

/// The least-privilege plan of one registered bot.
pub fn least_privilege_json(snapshot: &str, registry: &str, settings: &str, account_id: &str, now: &str) -> String {
    governed(snapshot, registry, settings, now, |input| {
        least_privilege::plan(&input.scope(), account_id).map_err(ApiError::from)
    })
}

/// The leaver plan for `account_id`.
pub fn leaver_json(snapshot: &str, registry: &str, settings: &str, account_id: &str, now: &str) -> String {
    governed(snapshot, registry, settings, now, |input| Ok(leaver::plan(&input.scope(), account_id)))
}

/// `json` with every non-ASCII character written `\uXXXX` (UTF-16 units, as JSON escapes them):
/// the same JSON, as ASCII. Non-ASCII can only be inside JSON strings, where no backslash precedes it.
pub fn ascii_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 8);
    let mut rest = json;
    while let Some((ascii, tail)) = rest.split_at_checked(ascii_prefix(rest.as_bytes())) {
        out.push_str(ascii);
        let mut chars = tail.chars();
        let Some(c) = chars.next() else { break };
        for unit in c.encode_utf16(&mut [0; 2]) {
            out.push_str("\\u");
            for shift in [12, 8, 4, 0] {
                out.extend(char::from_digit(u32::from((*unit >> shift) & 0xf), 16));
            }
        }
        rest = chars.as_str();
    }
    out
}

/// How many bytes `bytes` starts with that are ASCII; a block at a time, as non-ASCII is rare.
fn ascii_prefix(bytes: &[u8]) -> usize {
    let mut n = 0;
    for block in bytes.chunks(64) {
        if !block.is_ascii() {
            return n + block.iter().position(|b| !b.is_ascii()).unwrap_or(block.len());
        }
        n += block.len();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::ascii_json;

    #[test]
    fn ascii_json_is_the_same_json_in_ascii() {
        let long = "x".repeat(63);
        for text in [
            r#"{"a":"plain","b":[1,2]}"#.to_owned(),
            r#"{"path":"scheme \"A\" → grant 7","name":"José Ñúñez","emoji":"🤖 bot","cjk":"ボット"}"#.to_owned(),
            // Non-ASCII across the 64-byte blocks the scan steps by.
            format!(r#"["{long}é","{long}→→","€"]"#),
        ] {
            let escaped = ascii_json(&text);
            assert!(escaped.is_ascii(), "{escaped}");
            let before: serde_json::Value = serde_json::from_str(&text).unwrap();
            let after: serde_json::Value = serde_json::from_str(&escaped).unwrap();
            assert_eq!(before, after);
        }
        assert_eq!(ascii_json(r#""a→🤖""#), r#""a\u2192\ud83e\udd16""#);
        assert_eq!(ascii_json(""), "");
    }
}
