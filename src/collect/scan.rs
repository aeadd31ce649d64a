//! A full scan that writes snapshot format v1, with the lean call plan:
//!
//! 1. site-wide lists, one call or a few pages each: permission keys, all permission schemes with
//!    their grants (`expand`), projects, users, roles, product access, groups;
//! 2. each project's permission scheme (one call per project: Jira has no bulk mapping);
//! 3. per non-human account: its groups and product access, and Jira's own permission check for
//!    every global and project permission over up to 1,000 projects a call;
//! 4. role actors only where they explain an answer: the (project, role) pairs whose role grants
//!    a permission that Jira's check says a bot holds there;
//! 5. issue security (schemes, project mapping, members of used schemes) and workflows.
//!
//! Cost ≈ 8 + ⌈P/100⌉ + ⌈U/1000⌉ + ⌈G/50⌉ + P + A·(1 + ⌈P/1000⌉) + R_explain + security + workflows,
//! where the naive plan pays P·R role calls and G·⌈m/50⌉ member pages. A part that cannot be read
//! becomes a gap in `meta.gaps`, so the engine reports it as unknown, never as "no access".

use std::collections::{BTreeMap, BTreeSet};

use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::client::{Client, Ledger};
use super::{CollectError, SCHEME_EXPAND, all_array_pages, all_page_bodies, decode, get_json};
use crate::host::{Host, HttpRequest, encode_component};
use crate::jira::{self, BulkPermissionGrants, Permissions};
use crate::snapshot::SNAPSHOT_VERSION;
use crate::warning::Warning;

/// Projects per permission check: Jira's documented maximum.
const CHECK_PROJECTS: usize = 1_000;
/// Project ids per `GET /workflowscheme/project` call.
const WORKFLOW_SCHEME_BATCH: usize = 50;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ScanOptions {
    /// Calls in flight at once.
    pub concurrency: usize,
    /// Retries of a transient failure (429 burst, 5xx, timeout) before a part becomes a gap.
    pub max_retries: u32,
    /// Accounts to check besides app accounts (e.g. confirmed shadow bots).
    pub extra_accounts: Vec<String>,
    /// Only these project keys (a project settings page); every project when empty.
    pub projects: Vec<String>,
    pub security: bool,
    pub workflows: bool,
    /// Written into `meta.collectedAt`; the core reads no clock, so the caller says when.
    pub collected_at: Option<String>,
    pub site: Option<String>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            concurrency: 6,
            max_retries: 4,
            extra_accounts: Vec::new(),
            projects: Vec::new(),
            security: true,
            workflows: true,
            collected_at: None,
            site: None,
        }
    }
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GapOut {
    pub part: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub reason: String,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetaOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
    pub collector: String,
    pub gaps: Vec<GapOut>,
}

#[derive(Debug, Serialize)]
pub struct ExchangeOut {
    pub request: Box<RawValue>,
    pub response: Box<RawValue>,
}

/// Snapshot format v1 as written by the collector; field for field the parts `snapshot.rs` reads.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotOut {
    pub snapshot_version: u32,
    pub meta: MetaOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission_schemes: Option<Box<RawValue>>,
    pub projects: Vec<Box<RawValue>>,
    pub project_permission_schemes: BTreeMap<String, Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Box<RawValue>>,
    pub project_roles: BTreeMap<String, BTreeMap<String, Box<RawValue>>>,
    pub users: Vec<Box<RawValue>>,
    pub user_details: BTreeMap<String, Box<RawValue>>,
    pub groups: Vec<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_roles: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_security_schemes: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_security_projects: Option<Vec<Box<RawValue>>>,
    pub issue_security_members: BTreeMap<String, Vec<Box<RawValue>>>,
    pub workflows: Vec<Box<RawValue>>,
    pub workflow_scheme_projects: Vec<Box<RawValue>>,
    pub permission_checks: BTreeMap<String, Vec<ExchangeOut>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Scan {
    pub snapshot: SnapshotOut,
    pub ledger: Ledger,
    /// False when the scan stopped early (quota used up); the snapshot then says what is missing.
    pub complete: bool,
    pub warnings: Vec<Warning>,
}

/// `BulkPermissionsRequestBean`, as sent.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CheckRequest<'a> {
    account_id: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    global_permissions: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    project_permissions: Vec<CheckProjects<'a>>,
}

#[derive(Serialize)]
struct CheckProjects<'a> {
    permissions: &'a [String],
    projects: &'a [i64],
}

struct Scanner<'c, 'h, H: Host> {
    client: &'c Client<'h, H>,
    options: ScanOptions,
    out: SnapshotOut,
    warnings: Vec<Warning>,
}

fn gap(part: &str, key: Option<String>, error: &CollectError) -> GapOut {
    let reason = match error.status() {
        Some(401) => format!("the app is not authenticated ({error})"),
        Some(403) | Some(404) => format!("the app cannot read this part ({error})"),
        _ => error.to_string(),
    };
    GapOut { part: part.to_owned(), key, reason }
}

/// Runs the whole plan. Never fails: what cannot be read becomes a gap.
pub async fn scan<H: Host>(client: &Client<'_, H>, options: ScanOptions) -> Scan {
    let mut scanner = Scanner { client, options, out: SnapshotOut::default(), warnings: Vec::new() };
    scanner.out.snapshot_version = SNAPSHOT_VERSION;
    scanner.out.meta.collector = format!("steward {}", env!("CARGO_PKG_VERSION"));
    scanner.out.meta.site = scanner.options.site.clone();
    scanner.out.meta.collected_at = scanner.options.collected_at.clone();
    scanner.run().await;
    let complete = !client.quota_exhausted();
    Scan { snapshot: scanner.out, ledger: client.ledger(), complete, warnings: scanner.warnings }
}

impl<H: Host> Scanner<'_, '_, H> {
    fn note(&mut self, part: &str, key: Option<String>, error: &CollectError) {
        self.out.meta.gaps.push(gap(part, key, error));
    }

    async fn one(&mut self, part: &str, path: &str) -> Option<Box<RawValue>> {
        match get_json::<H, Box<RawValue>>(self.client, path).await {
            Ok(body) => Some(body),
            Err(error) => {
                self.note(part, None, &error);
                None
            }
        }
    }

    async fn pages(&mut self, part: &str, first: &str) -> Option<Vec<Box<RawValue>>> {
        match all_page_bodies(self.client, first).await {
            Ok((pages, warnings)) => {
                self.warnings.extend(warnings);
                Some(pages)
            }
            Err(error) => {
                self.note(part, None, &error);
                None
            }
        }
    }

    async fn run(&mut self) {
        // 1. Site-wide lists.
        self.out.permissions = self.one("permissions", "/rest/api/3/permissions").await;
        let schemes = format!("/rest/api/3/permissionscheme?expand={}", encode_component(SCHEME_EXPAND));
        self.out.permission_schemes = self.one("permissionSchemes", &schemes).await;
        self.out.projects =
            self.pages("projects", "/rest/api/3/project/search?expand=lead&maxResults=100").await.unwrap_or_default();
        match all_array_pages(self.client, "/rest/api/3/users/search?maxResults=1000", 1_000).await {
            Ok((pages, _)) => self.out.users = pages,
            Err(error) => self.note("users", None, &error),
        }
        self.out.roles = self.one("roles", "/rest/api/3/role").await;
        self.out.application_roles = self.one("applicationRoles", "/rest/api/3/applicationrole").await;
        self.out.groups = self.pages("groups", "/rest/api/3/group/bulk?maxResults=50").await.unwrap_or_default();
        if self.client.quota_exhausted() {
            return;
        }

        let projects = self.projects();
        let keys = self.permission_keys();
        let scheme_grants = self.role_grants();

        // 2. Each project's permission scheme.
        self.project_schemes(&projects).await;

        // 3. Per non-human account: details and Jira's permission check.
        let accounts = self.accounts();
        self.account_details(&accounts).await;
        self.permission_checks(&accounts, &projects, &keys).await;

        // 4. Role actors where they explain a held permission.
        let pairs = self.explaining_roles(&projects, &scheme_grants);
        self.role_actors(pairs).await;

        // 5. Issue security and workflows.
        if self.options.security {
            self.security().await;
        }
        if self.options.workflows {
            self.workflows(&projects).await;
        }
    }

    /// (id, key) of every project to scan, from the pages read.
    fn projects(&mut self) -> Vec<(String, String)> {
        let wanted = &self.options.projects;
        let mut out = Vec::new();
        for page in &self.out.projects {
            if let Ok(values) = jira::page_items::<jira::Project>(page) {
                out.extend(
                    values
                        .into_iter()
                        .filter(|p| wanted.is_empty() || wanted.contains(&p.key))
                        .filter_map(|p| Some((p.id?, p.key))),
                );
            }
        }
        out
    }

    /// (global keys, project keys) from `GET /permissions`; the built-in project keys otherwise.
    fn permission_keys(&self) -> (Vec<String>, Vec<String>) {
        let parsed = self.out.permissions.as_ref().and_then(|raw| serde_json::from_str::<Permissions>(raw.get()).ok());
        let mut global = Vec::new();
        let mut project = Vec::new();
        if let Some(list) = parsed {
            for (key, p) in list.permissions {
                if p.kind.as_deref() == Some("GLOBAL") { global.push(key) } else { project.push(key) }
            }
        }
        (global, project)
    }

    /// Scheme id → (permission, role id) for every grant to a project role.
    fn role_grants(&self) -> BTreeMap<String, Vec<(String, String)>> {
        type Typed = jira::PermissionSchemes<jira::PermissionScheme<serde_json::Value>>;
        let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        let Some(raw) = &self.out.permission_schemes else { return out };
        let Ok(list) = serde_json::from_str::<Typed>(raw.get()) else { return out };
        for scheme in list.permission_schemes {
            let Some(id) = scheme.id else { continue };
            for grant in scheme.permissions {
                let Ok(grant) = serde_json::from_value::<jira::PermissionGrant>(grant) else { continue };
                if grant.holder.kind == "projectRole" {
                    if let Some(role) = grant.holder.value.or(grant.holder.parameter) {
                        out.entry(id.clone()).or_default().push((grant.permission, role));
                    }
                }
            }
        }
        out
    }

    async fn project_schemes(&mut self, projects: &[(String, String)]) {
        let client = self.client;
        let results = stream::iter(projects.iter().map(|(_, key)| key.clone()))
            .map(|key| async move {
                let path = format!("/rest/api/3/project/{}/permissionscheme", encode_component(&key));
                (key, get_json::<H, Box<RawValue>>(client, &path).await)
            })
            .buffered(self.options.concurrency.max(1))
            .collect::<Vec<_>>()
            .await;
        for (key, result) in results {
            match result {
                Ok(body) => {
                    self.out.project_permission_schemes.insert(key, body);
                }
                Err(error) => self.note("projectPermissionSchemes", Some(key), &error),
            }
        }
    }

    /// Account ids of every app account (service accounts, apps, agents), plus the extra ones.
    fn accounts(&self) -> Vec<String> {
        let mut ids: BTreeSet<String> = self.options.extra_accounts.iter().cloned().collect();
        for page in &self.out.users {
            if let Ok(users) = jira::page_items::<jira::User>(page) {
                ids.extend(
                    users.into_iter().filter(|u| u.account_type.as_deref() == Some("app")).map(|u| u.account_id),
                );
            }
        }
        ids.into_iter().collect()
    }

    async fn account_details(&mut self, accounts: &[String]) {
        let client = self.client;
        let results = stream::iter(accounts.iter().cloned())
            .map(|id| async move {
                let path =
                    format!("/rest/api/3/user?accountId={}&expand=groups%2CapplicationRoles", encode_component(&id));
                (id, get_json::<H, Box<RawValue>>(client, &path).await)
            })
            .buffered(self.options.concurrency.max(1))
            .collect::<Vec<_>>()
            .await;
        for (id, result) in results {
            match result {
                Ok(body) => {
                    self.out.user_details.insert(id, body);
                }
                Err(error) => self.note("userDetails", Some(id), &error),
            }
        }
    }

    async fn permission_checks(
        &mut self,
        accounts: &[String],
        projects: &[(String, String)],
        keys: &(Vec<String>, Vec<String>),
    ) {
        let (global, project) = keys;
        let ids: Vec<i64> = projects.iter().filter_map(|(id, _)| id.parse().ok()).collect();
        let mut requests = Vec::new();
        for account in accounts {
            let chunks: Vec<&[i64]> = if ids.is_empty() { vec![&[]] } else { ids.chunks(CHECK_PROJECTS).collect() };
            for (index, chunk) in chunks.into_iter().enumerate() {
                let request = CheckRequest {
                    account_id: account,
                    global_permissions: if index == 0 { global } else { &[] },
                    project_permissions: if chunk.is_empty() || project.is_empty() {
                        Vec::new()
                    } else {
                        vec![CheckProjects { permissions: project, projects: chunk }]
                    },
                };
                let body = serde_json::to_string(&request).unwrap_or_default();
                requests.push((account.clone(), body));
            }
        }
        let client = self.client;
        let results = stream::iter(requests)
            .map(|(account, body)| async move {
                let response = client.send(HttpRequest::post("/rest/api/3/permissions/check", body.clone())).await;
                (account, body, response)
            })
            .buffered(self.options.concurrency.max(1))
            .collect::<Vec<_>>()
            .await;
        for (account, body, response) in results {
            let exchange = response.and_then(|r| {
                let response: Box<RawValue> = decode("/rest/api/3/permissions/check", &r.body)?;
                let request: Box<RawValue> = decode("/rest/api/3/permissions/check", &body)?;
                Ok(ExchangeOut { request, response })
            });
            match exchange {
                Ok(exchange) => self.out.permission_checks.entry(account).or_default().push(exchange),
                Err(error) => self.note("permissionChecks", Some(account), &error),
            }
        }
    }

    /// The (project key, role id) pairs whose role grants something a bot holds there.
    fn explaining_roles(
        &self,
        projects: &[(String, String)],
        role_grants: &BTreeMap<String, Vec<(String, String)>>,
    ) -> BTreeSet<(String, String)> {
        let key_by_id: BTreeMap<&str, &str> = projects.iter().map(|(id, key)| (id.as_str(), key.as_str())).collect();
        let scheme_of: BTreeMap<&str, String> = self
            .out
            .project_permission_schemes
            .iter()
            .filter_map(|(key, raw)| {
                let scheme: jira::PermissionScheme<serde::de::IgnoredAny> = serde_json::from_str(raw.get()).ok()?;
                Some((key.as_str(), scheme.id?))
            })
            .collect();
        let mut pairs = BTreeSet::new();
        for exchanges in self.out.permission_checks.values() {
            for exchange in exchanges {
                let Ok(grants) = serde_json::from_str::<BulkPermissionGrants>(exchange.response.get()) else {
                    continue;
                };
                for granted in grants.project_permissions {
                    for project_id in &granted.projects {
                        let Some(key) = key_by_id.get(project_id.as_str()) else { continue };
                        let Some(roles) = scheme_of.get(key).and_then(|s| role_grants.get(s)) else { continue };
                        for (permission, role) in roles {
                            if *permission == granted.permission {
                                pairs.insert(((*key).to_owned(), role.clone()));
                            }
                        }
                    }
                }
            }
        }
        pairs
    }

    async fn role_actors(&mut self, pairs: BTreeSet<(String, String)>) {
        let client = self.client;
        let results = stream::iter(pairs)
            .map(|(project, role)| async move {
                let path =
                    format!("/rest/api/3/project/{}/role/{}", encode_component(&project), encode_component(&role));
                (project, role, get_json::<H, Box<RawValue>>(client, &path).await)
            })
            .buffered(self.options.concurrency.max(1))
            .collect::<Vec<_>>()
            .await;
        for (project, role, result) in results {
            match result {
                Ok(body) => {
                    self.out.project_roles.entry(project).or_default().insert(role, body);
                }
                Err(error) => self.note("projectRoles", Some(format!("{project}/{role}")), &error),
            }
        }
    }

    async fn security(&mut self) {
        self.out.issue_security_schemes = self.one("issueSecuritySchemes", "/rest/api/3/issuesecurityschemes").await;
        self.out.issue_security_projects =
            self.pages("issueSecurityProjects", "/rest/api/3/issuesecurityschemes/project?maxResults=50").await;
        let mut used = BTreeSet::new();
        for page in self.out.issue_security_projects.iter().flatten() {
            if let Ok(rows) = jira::page_items::<jira::SecuritySchemeProject>(page) {
                used.extend(rows.into_iter().filter_map(|r| r.issue_security_scheme_id));
            }
        }
        for scheme in used {
            let first = format!(
                "/rest/api/3/issuesecurityschemes/{}/members?expand=all&maxResults=50",
                encode_component(&scheme)
            );
            match all_page_bodies(self.client, &first).await {
                Ok((pages, warnings)) => {
                    self.warnings.extend(warnings);
                    self.out.issue_security_members.insert(scheme, pages);
                }
                Err(error) => self.note("issueSecurityMembers", Some(scheme), &error),
            }
        }
    }

    async fn workflows(&mut self, projects: &[(String, String)]) {
        for batch in projects.chunks(WORKFLOW_SCHEME_BATCH) {
            let query: Vec<String> =
                batch.iter().map(|(id, _)| format!("projectId={}", encode_component(id))).collect();
            let path = format!("/rest/api/3/workflowscheme/project?{}", query.join("&"));
            if let Some(body) = self.one("workflowSchemeProjects", &path).await {
                self.out.workflow_scheme_projects.push(body);
            }
        }
        self.out.workflows = self
            .pages("workflows", "/rest/api/3/workflows/search?expand=values.transitions&maxResults=50")
            .await
            .unwrap_or_default();
    }
}
