//! A full scan that writes snapshot format v1, with the lean call plan:
//!
//! 1. site-wide lists, one call or a few pages each: permission keys, all permission schemes with
//!    their grants (`expand`), projects, users, roles, product access, groups;
//! 2. each project's permission scheme (one call per project: Jira has no bulk mapping);
//! 3. per non-human account: its groups and product access, and Jira's own permission check for
//!    every global and project permission over up to 1,000 projects a call;
//! 4. role actors only where they explain an answer: the (project, role) pairs whose role grants
//!    a permission that Jira's check says a bot holds there. Where Jira refuses the check, every
//!    (project, role) pair the schemes name instead;
//! 5. issue security (schemes, project mapping, the levels and members of used schemes) and workflows.
//!
//! Cost ≈ 4 + ⌈P/100⌉ + ⌈U/1000⌉ + ⌈G/50⌉ + P + A·(1 + ⌈P/1000⌉) + R_explain + security + workflows,
//! where the naive plan pays P·R role calls and G·⌈m/50⌉ member pages. A part that cannot be read
//! becomes a gap in `meta.gaps`, so the engine reports it as unknown, never as "no access".
//!
//! A scan that must stop (quota 429, the hour's budget spent, the job's time up) returns a
//! [`Checkpoint`]: the parts read so far, the listings' cursors and what is done. A later scan
//! given it reads only what is left, and ends with the snapshot an uninterrupted scan writes.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use serde_json::value::RawValue;

use super::client::Client;
use super::paging::{MAX_PAGES, looping, next_array_page, next_page};
use super::plan::{
    CHECKPOINT_VERSION, CORE_STEPS, Checkpoint, ExchangeOut, GapOut, Listing, SECURITY_STEPS, Scan, ScanOptions,
    Single, SnapshotOut, WORKFLOW_STEPS, item,
};
use super::{CollectError, SCHEME_EXPAND, decode, get_json};
use crate::host::{Host, HttpRequest, encode_component};
use crate::jira::{self, BulkPermissionGrants, BulkPermissionsRequest, Permissions};
use crate::snapshot::SNAPSHOT_VERSION;
use crate::warning::Warning;

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

/// One bot's (project, permission) cells as a dense table, reused from bot to bot.
struct Cells {
    width: usize,
    cells: Vec<bool>,
}

impl Cells {
    fn new(rows: usize, width: usize) -> Self {
        Cells { width, cells: vec![false; rows * width] }
    }

    fn clear(&mut self) {
        self.cells.fill(false);
    }

    fn set(&mut self, row: usize, column: usize) {
        if let Some(cell) = self.cells.get_mut(row * self.width + column) {
            *cell = true;
        }
    }

    fn get(&self, row: usize, column: usize) -> bool {
        self.cells.get(row * self.width + column).copied().unwrap_or(false)
    }
}

/// Projects per permission check: Jira's documented maximum.
const CHECK_PROJECTS: usize = 1_000;
/// Project ids per `GET /workflowscheme/project` call.
const WORKFLOW_SCHEME_BATCH: usize = 50;
/// `GET /users/search` answers at most this many users a page (Jira may answer fewer).
const USERS_PAGE: u64 = 1_000;
pub(crate) struct Scanner<'c, 'h, H: Host> {
    pub(crate) client: &'c Client<'h, H>,
    pub(crate) options: ScanOptions,
    pub(crate) out: SnapshotOut,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) done: BTreeSet<String>,
    pub(crate) cursors: BTreeMap<String, String>,
}

fn gap(part: &str, key: Option<String>, error: &CollectError) -> GapOut {
    let reason = match error.status() {
        Some(401) => format!("the app is not authenticated ({error})"),
        Some(403) | Some(404) => format!("the app cannot read this part ({error})"),
        _ => error.to_string(),
    };
    GapOut { part: part.to_owned(), key, reason }
}

/// Whether Jira refuses the permission check itself (not a passing fault): the scan then reads
/// role actors instead.
fn refused(error: &CollectError) -> bool {
    matches!(error.status(), Some(403 | 404 | 405 | 501))
}

/// Runs the whole plan, or what a checkpoint says is left of it. Never fails: what cannot be read
/// becomes a gap, and a stop returns a checkpoint.
pub async fn scan<H: Host>(client: &Client<'_, H>, mut options: ScanOptions) -> Scan {
    // Moved into the scanner, not copied: at XL a checkpoint is hundreds of MB.
    let resume = options.resume.take().map(|c| *c);
    let (previous_jobs, previous_calls, previous_points) =
        resume.as_ref().map_or((0, 0, 0), |c| (c.jobs, c.calls, c.points));
    let mut scanner = Scanner::new(client, options, resume);
    scanner.full().await;
    scanner.finish(previous_jobs, previous_calls, previous_points)
}

impl<'c, 'h, H: Host> Scanner<'c, 'h, H> {
    pub(crate) fn new(client: &'c Client<'h, H>, options: ScanOptions, resume: Option<Checkpoint>) -> Self {
        let mut scanner = Scanner {
            client,
            options,
            out: SnapshotOut::default(),
            warnings: Vec::new(),
            done: BTreeSet::new(),
            cursors: BTreeMap::new(),
        };
        match resume {
            Some(checkpoint) => {
                scanner.out = checkpoint.snapshot;
                scanner.done = checkpoint.done;
                scanner.cursors = checkpoint.cursors;
            }
            None => {
                scanner.out.snapshot_version = SNAPSHOT_VERSION;
                scanner.out.meta.site = scanner.options.site.clone();
                scanner.out.meta.collected_at = scanner.options.collected_at.clone();
            }
        }
        scanner.out.meta.collector = format!("steward {}", env!("CARGO_PKG_VERSION"));
        scanner
    }

    /// The scan's answer: complete, or stopped with a checkpoint and gaps for what is left.
    pub(crate) fn finish(mut self, previous_jobs: u32, previous_calls: u64, previous_points: u64) -> Scan {
        let ledger = self.client.ledger();
        let Some((reason, seconds)) = self.client.stopped() else {
            self.out.meta.gaps.sort_by(|a, b| (&a.part, &a.key, &a.reason).cmp(&(&b.part, &b.key, &b.reason)));
            self.out.meta.gaps.dedup();
            return Scan {
                snapshot: self.out,
                ledger,
                complete: true,
                checkpoint: None,
                refresh: None,
                warnings: self.warnings,
            };
        };
        let checkpoint = Checkpoint {
            checkpoint_version: CHECKPOINT_VERSION,
            stopped_by: reason,
            resume_after_seconds: seconds,
            hour_spend: self.client.pacer().map(|p| p.spend()),
            jobs: previous_jobs + 1,
            calls: previous_calls + ledger.calls,
            points: previous_points + ledger.points,
            done: self.done.clone(),
            cursors: self.cursors.clone(),
            snapshot: self.out.clone(),
        };
        let why = format!(
            "not read yet: the scan stopped ({}); it resumes from its checkpoint in {seconds} s",
            reason.describe()
        );
        for part in self.steps() {
            if !self.done.contains(part) {
                self.out.meta.gaps.push(GapOut { part: part.to_owned(), key: None, reason: why.clone() });
            }
        }
        for (_, key) in self.projects() {
            if !self.done.contains(&item("projectPermissionSchemes", Some(&key))) {
                self.out.meta.gaps.push(GapOut {
                    part: "projectPermissionSchemes".to_owned(),
                    key: Some(key),
                    reason: why.clone(),
                });
            }
        }
        Scan {
            snapshot: self.out,
            ledger,
            complete: false,
            checkpoint: Some(Box::new(checkpoint)),
            refresh: None,
            warnings: self.warnings,
        }
    }

    /// Every step of the plan these options run, in order.
    fn steps(&self) -> Vec<&'static str> {
        let mut steps = CORE_STEPS.to_vec();
        if self.options.security {
            steps.extend(SECURITY_STEPS);
        }
        if self.options.workflows {
            steps.extend(WORKFLOW_STEPS);
        }
        steps
    }

    pub(crate) fn stopped(&self) -> bool {
        self.client.stopped().is_some()
    }

    pub(crate) fn is_done(&self, part: &str, key: Option<&str>) -> bool {
        self.done.contains(&item(part, key))
    }

    pub(crate) fn mark(&mut self, part: &str, key: Option<&str>) {
        self.done.insert(item(part, key));
    }

    /// Records a failed read: a gap (and the item is done), unless the scan stopped before it, in
    /// which case the item is left for the next job.
    fn fail(&mut self, part: &str, key: Option<&str>, error: &CollectError) {
        if error.is_stop() {
            return;
        }
        self.out.meta.gaps.push(gap(part, key.map(str::to_owned), error));
        self.mark(part, key);
    }

    pub(crate) async fn single(&mut self, which: Single, path: &str) {
        let part = which.part();
        if self.is_done(part, None) {
            return;
        }
        match get_json::<H, Box<RawValue>>(self.client, path).await {
            Ok(body) => {
                *which.slot_mut(&mut self.out) = Some(body);
                self.mark(part, None);
            }
            Err(error) => self.fail(part, None, &error),
        }
    }

    /// Reads a paged part from its cursor (or `first`) to the end, page by page, so a stop in
    /// the middle keeps the pages read and where to go on.
    pub(crate) async fn listing(&mut self, listing: Listing, first: &str) {
        let done_key = listing.done_key();
        if self.done.contains(&done_key) {
            return;
        }
        let mut path = self.cursors.remove(&done_key).unwrap_or_else(|| first.to_owned());
        let mut seen = BTreeSet::new();
        loop {
            if seen.len() >= MAX_PAGES || !seen.insert(path.clone()) {
                let warning = looping(first, &path);
                // The pages read are kept, and the snapshot says the listing is not whole.
                self.out.meta.gaps.push(GapOut {
                    part: listing.part().to_owned(),
                    key: listing.key().map(str::to_owned),
                    reason: warning.message.clone(),
                });
                self.warnings.push(warning);
                break;
            }
            let body = match get_json::<H, Box<RawValue>>(self.client, &path).await {
                Ok(body) => body,
                Err(error) if error.is_stop() => {
                    self.cursors.insert(done_key, path);
                    return;
                }
                Err(error) => {
                    self.fail(listing.part(), listing.key(), &error);
                    return;
                }
            };
            let next = match listing {
                Listing::Users => next_array_page(first, &path, body.get()),
                _ => next_page(first, &path, body.get()).map(|next| (true, next)),
            };
            match next {
                Ok((keep, next)) => {
                    if keep {
                        listing.push(&mut self.out, body);
                    }
                    match next {
                        Some(next) => path = next,
                        None => break,
                    }
                }
                Err(error) => {
                    self.fail(listing.part(), listing.key(), &error);
                    return;
                }
            }
        }
        self.done.insert(done_key);
    }

    pub(crate) async fn full(&mut self) {
        // 1. Site-wide lists.
        self.single(Single::Permissions, "/rest/api/3/permissions").await;
        let schemes = format!("/rest/api/3/permissionscheme?expand={}", encode_component(SCHEME_EXPAND));
        self.single(Single::PermissionSchemes, &schemes).await;
        self.listing(Listing::Projects, "/rest/api/3/project/search?expand=lead&maxResults=100").await;
        self.listing(Listing::Users, &format!("/rest/api/3/users/search?maxResults={USERS_PAGE}")).await;
        self.single(Single::Roles, "/rest/api/3/role").await;
        self.single(Single::ApplicationRoles, "/rest/api/3/applicationrole").await;
        self.listing(Listing::Groups, "/rest/api/3/group/bulk?maxResults=50").await;
        if self.stopped() {
            return;
        }

        let projects = self.projects();
        let keys = self.permission_keys();

        // 2. Each project's permission scheme.
        self.project_schemes(&projects).await;
        if self.stopped() {
            return;
        }

        // 3. Per non-human account: details and Jira's permission check.
        let accounts = self.accounts();
        self.account_details(&accounts).await;
        self.permission_checks(&accounts, &projects, &keys).await;
        if self.stopped() {
            return;
        }

        // 4. Role actors where they explain a held permission.
        let pairs = self.explaining_roles(&projects);
        self.role_actors(pairs).await;
        if self.stopped() {
            return;
        }

        // 5. Issue security and workflows.
        if self.options.security {
            self.security().await;
        }
        if self.options.workflows && !self.stopped() {
            self.workflows(&projects).await;
        }
    }

    /// (id, key) of every project to scan, from the pages read.
    pub(crate) fn projects(&self) -> Vec<(String, String)> {
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
    pub(crate) fn permission_keys(&self) -> (Vec<String>, Vec<String>) {
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
            for grant in scheme.permissions.into_iter().flatten() {
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

    /// Project key → the id of the permission scheme it uses, from what was read.
    pub(crate) fn scheme_of(&self) -> BTreeMap<String, String> {
        self.out
            .project_permission_schemes
            .iter()
            .filter_map(|(key, raw)| {
                let scheme: jira::PermissionScheme<serde::de::IgnoredAny> = serde_json::from_str(raw.get()).ok()?;
                Some((key.clone(), scheme.id?))
            })
            .collect()
    }

    pub(crate) async fn project_schemes(&mut self, projects: &[(String, String)]) {
        let reads = projects
            .iter()
            .map(|(_, key)| {
                let path = format!("/rest/api/3/project/{}/permissionscheme", encode_component(key));
                (key.clone(), path, key.clone())
            })
            .collect();
        self.read_each("projectPermissionSchemes", reads, |out, key, body| {
            out.project_permission_schemes.insert(key, body);
        })
        .await;
    }

    /// Reads one body per (done key, path, item), `concurrency` at a time, skipping what is done;
    /// hands each body to `store` and marks `part` done when the scan was not stopped.
    async fn read_each<K>(
        &mut self,
        part: &'static str,
        reads: Vec<(String, String, K)>,
        store: impl Fn(&mut SnapshotOut, K, Box<RawValue>),
    ) {
        let client = self.client;
        let todo: Vec<(String, String, K)> =
            reads.into_iter().filter(|(key, _, _)| !self.is_done(part, Some(key))).collect();
        let results = stream::iter(todo)
            .map(|(key, path, item)| async move { (key, item, get_json::<H, Box<RawValue>>(client, &path).await) })
            .buffered(self.options.concurrency.max(1))
            .collect::<Vec<_>>()
            .await;
        for (key, item, result) in results {
            match result {
                Ok(body) => {
                    store(&mut self.out, item, body);
                    self.mark(part, Some(&key));
                }
                Err(error) => self.fail(part, Some(&key), &error),
            }
        }
        if !self.stopped() {
            self.mark(part, None);
        }
    }

    /// Account ids of every account not said to be a person's (service accounts, apps, agents,
    /// accounts of unknown type), plus the extra ones.
    pub(crate) fn accounts(&self) -> Vec<String> {
        let mut ids: BTreeSet<String> = self.options.extra_accounts.iter().cloned().collect();
        for page in &self.out.users {
            if let Ok(users) = jira::page_items::<jira::User>(page) {
                ids.extend(users.into_iter().filter(|u| !u.says_person()).map(|u| u.account_id));
            }
        }
        ids.into_iter().collect()
    }

    pub(crate) async fn account_details(&mut self, accounts: &[String]) {
        let reads = accounts
            .iter()
            .map(|id| {
                let path =
                    format!("/rest/api/3/user?accountId={}&expand=groups%2CapplicationRoles", encode_component(id));
                (id.clone(), path, id.clone())
            })
            .collect();
        self.read_each("userDetails", reads, |out, id, body| {
            out.user_details.insert(id, body);
        })
        .await;
    }

    /// Whether Jira refused the permission check in this scan or an earlier job of it.
    fn checks_refused(&self) -> bool {
        self.out.meta.gaps.iter().any(|g| g.part == "permissionChecks" && g.key.is_none())
    }

    pub(crate) async fn permission_checks(
        &mut self,
        accounts: &[String],
        projects: &[(String, String)],
        keys: &(Vec<String>, Vec<String>),
    ) {
        const PART: &str = "permissionChecks";
        if self.checks_refused() {
            return;
        }
        let (global, project) = keys;
        let ids: Vec<i64> = projects.iter().filter_map(|(id, _)| id.parse().ok()).collect();
        let mut requests = Vec::new();
        for account in accounts {
            let chunks: Vec<&[i64]> = if ids.is_empty() { vec![&[]] } else { ids.chunks(CHECK_PROJECTS).collect() };
            for (index, chunk) in chunks.into_iter().enumerate() {
                if self.is_done(PART, Some(&format!("{account}/{index}"))) {
                    continue;
                }
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
                requests.push((account.clone(), index, body));
            }
        }
        let client = self.client;
        let check = |(account, index, body): (String, usize, String)| async move {
            let response = client.send(HttpRequest::post("/rest/api/3/permissions/check", body.clone())).await;
            (account, index, body, response)
        };
        // The first check alone: when Jira refuses it, the others would be refused too.
        let mut requests = requests.into_iter();
        let mut first_result = None;
        if let Some(first) = requests.next() {
            let (account, index, body, response) = check(first).await;
            if let Err(error) = &response {
                if refused(error) {
                    self.out.meta.gaps.push(GapOut {
                        part: PART.to_owned(),
                        key: None,
                        reason: format!(
                            "jira refused the permission check ({error}); role actors were read for every role \
                             the permission schemes name instead, and global permissions are unknown"
                        ),
                    });
                    self.mark(PART, None);
                    return;
                }
            }
            first_result = Some((account, index, body, response));
        }
        // Each answer is decoded and stored as it comes, in order: holding every raw answer until the
        // last (10,000 checks at XL) doubled what the checks cost in memory.
        let rest = stream::iter(requests).map(check).buffered(self.options.concurrency.max(1));
        let mut results = stream::iter(first_result).chain(rest);
        let mut left: BTreeSet<String> = BTreeSet::new();
        while let Some((account, index, body, response)) = results.next().await {
            let key = format!("{account}/{index}");
            if left.contains(&account) {
                // An earlier chunk of this account is left for the next job: keep the order.
                continue;
            }
            let exchange = response.and_then(|r| {
                let response: Box<RawValue> = decode("/rest/api/3/permissions/check", &r.body)?;
                let request: Box<RawValue> = decode("/rest/api/3/permissions/check", &body)?;
                Ok(ExchangeOut { request, response })
            });
            match exchange {
                Ok(exchange) => {
                    self.out.permission_checks.entry(account).or_default().push(exchange);
                    self.mark(PART, Some(&key));
                }
                Err(error) if error.is_stop() => {
                    left.insert(account);
                }
                Err(error) => {
                    self.out.meta.gaps.push(gap(PART, Some(account.clone()), &error));
                    self.mark(PART, Some(&key));
                }
            }
        }
        if !self.stopped() {
            self.mark(PART, None);
        }
    }

    /// The (project key, role id) pairs to read. Role grants are unconditional, so a bot in role
    /// `r` of project `p` holds every permission `r` is granted there, and Jira's check shows them
    /// all. A role is read only where some bot's check shows all that it grants (of the keys that
    /// were checked and do not hang on a site feature); elsewhere no bot is among its actors and
    /// its actors explain nothing about any bot. Where Jira refused the check, or the caller asked
    /// for every role, every pair the schemes name is read.
    pub(crate) fn explaining_roles(&self, projects: &[(String, String)]) -> BTreeSet<(String, String)> {
        let role_grants = self.role_grants();
        let scheme_of = self.scheme_of();
        let mut pairs = BTreeSet::new();
        if self.checks_refused() || self.options.all_roles {
            for (_, key) in projects {
                let Some(roles) = scheme_of.get(key).and_then(|s| role_grants.get(s)) else { continue };
                pairs.extend(roles.iter().map(|(_, role)| (key.clone(), role.clone())));
            }
            return pairs;
        }
        // One bot at a time over dense tables: a set of (project, permission) strings per bot costs
        // gigabytes on a 10,000-project site (every bot is asked every permission everywhere).
        let project_index: BTreeMap<&str, usize> =
            projects.iter().enumerate().map(|(index, (id, _))| (id.as_str(), index)).collect();
        let mut permission_index: BTreeMap<&str, usize> = BTreeMap::new();
        // Per scheme: each role it grants something to, with the permissions' indices.
        let mut roles_of_scheme: BTreeMap<&str, Vec<(&str, Vec<usize>)>> = BTreeMap::new();
        for (scheme, grants) in &role_grants {
            let mut by_role: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (permission, role) in grants {
                let next = permission_index.len();
                let index = *permission_index.entry(permission.as_str()).or_insert(next);
                by_role.entry(role.as_str()).or_default().push(index);
            }
            roles_of_scheme.insert(scheme.as_str(), by_role.into_iter().collect());
        }
        let width = permission_index.len();
        let mut telling = vec![false; width];
        for (permission, index) in &permission_index {
            if let Some(cell) = telling.get_mut(*index) {
                *cell = crate::model::tells_role_membership(permission);
            }
        }
        let tells = |permission: usize| telling.get(permission).copied().unwrap_or(false);
        let roles_of_project: Vec<&[(&str, Vec<usize>)]> = projects
            .iter()
            .map(|(_, key)| {
                scheme_of.get(key).and_then(|s| roles_of_scheme.get(s.as_str())).map_or(&[][..], Vec::as_slice)
            })
            .collect();
        let mut explains: Vec<Vec<bool>> = roles_of_project.iter().map(|roles| vec![false; roles.len()]).collect();
        // Per bot: what was asked and what Jira said it holds.
        let mut asked = Cells::new(projects.len(), width);
        let mut held = Cells::new(projects.len(), width);
        for exchanges in self.out.permission_checks.values() {
            asked.clear();
            held.clear();
            for exchange in exchanges {
                let request = serde_json::from_str::<BulkPermissionsRequest>(exchange.request.get());
                let response = serde_json::from_str::<BulkPermissionGrants>(exchange.response.get());
                let (Ok(request), Ok(response)) = (request, response) else { continue };
                for part in request.project_permissions {
                    let permissions: Vec<usize> =
                        part.permissions.iter().filter_map(|p| permission_index.get(p.as_str()).copied()).collect();
                    for project_id in &part.projects {
                        let Some(project) = project_index.get(project_id.as_str()) else { continue };
                        for permission in &permissions {
                            asked.set(*project, *permission);
                        }
                    }
                }
                for granted in response.project_permissions {
                    let Some(permission) = permission_index.get(granted.permission.as_str()) else { continue };
                    for project_id in &granted.projects {
                        let Some(project) = project_index.get(project_id.as_str()) else { continue };
                        held.set(*project, *permission);
                    }
                }
            }
            for (project, (roles, explains)) in roles_of_project.iter().zip(explains.iter_mut()).enumerate() {
                for ((_, granted), explains) in roles.iter().zip(explains.iter_mut()) {
                    if *explains {
                        continue;
                    }
                    let shown = || granted.iter().copied().filter(|p| asked.get(project, *p));
                    *explains = if shown().any(tells) {
                        shown().filter(|p| tells(*p)).all(|p| held.get(project, p))
                    } else {
                        // Nothing the role grants tells membership apart: read it where it explains anything held.
                        shown().any(|p| held.get(project, p))
                    };
                }
            }
        }
        for (((_, key), roles), explains) in projects.iter().zip(&roles_of_project).zip(&explains) {
            for ((role, _), explains) in roles.iter().zip(explains) {
                if *explains {
                    pairs.insert((key.clone(), (*role).to_owned()));
                }
            }
        }
        pairs
    }

    pub(crate) async fn role_actors(&mut self, pairs: BTreeSet<(String, String)>) {
        let reads = pairs
            .into_iter()
            .map(|(project, role)| {
                let path =
                    format!("/rest/api/3/project/{}/role/{}", encode_component(&project), encode_component(&role));
                (format!("{project}/{role}"), path, (project, role))
            })
            .collect();
        self.read_each("projectRoles", reads, |out, (project, role), body| {
            out.project_roles.entry(project).or_default().insert(role, body);
        })
        .await;
    }

    pub(crate) async fn security(&mut self) {
        self.single(Single::IssueSecuritySchemes, "/rest/api/3/issuesecurityschemes").await;
        self.listing(Listing::IssueSecurityProjects, "/rest/api/3/issuesecurityschemes/project?maxResults=50").await;
        if self.stopped() {
            return;
        }
        let mut used = BTreeSet::new();
        for page in self.out.issue_security_projects.iter().flatten() {
            if let Ok(rows) = jira::page_items::<jira::SecuritySchemeProject>(page) {
                used.extend(rows.into_iter().filter_map(|r| r.issue_security_scheme_id));
            }
        }
        for scheme in used {
            // `GET /issuesecurityschemes` lists schemes without their levels: their names come
            // from this listing, so an admin reads "Integrations", not a level's id.
            let levels =
                format!("/rest/api/3/issuesecurityschemes/level?schemeId={}&maxResults=50", encode_component(&scheme));
            self.listing(Listing::IssueSecurityLevels(scheme.clone()), &levels).await;
            let first = format!(
                "/rest/api/3/issuesecurityschemes/{}/members?expand=all&maxResults=50",
                encode_component(&scheme)
            );
            self.listing(Listing::IssueSecurityMembers(scheme), &first).await;
        }
        if !self.stopped() {
            self.mark("issueSecurityMembers", None);
        }
    }

    pub(crate) async fn workflows(&mut self, projects: &[(String, String)]) {
        const PART: &str = "workflowSchemeProjects";
        // In order, one batch at a time, so a resumed scan appends the same pages in the same order.
        for (index, batch) in projects.chunks(WORKFLOW_SCHEME_BATCH).enumerate() {
            let key = index.to_string();
            if self.is_done(PART, Some(&key)) {
                continue;
            }
            let query: Vec<String> =
                batch.iter().map(|(id, _)| format!("projectId={}", encode_component(id))).collect();
            let path = format!("/rest/api/3/workflowscheme/project?{}", query.join("&"));
            match get_json::<H, Box<RawValue>>(self.client, &path).await {
                Ok(body) => {
                    self.out.workflow_scheme_projects.push(body);
                    self.mark(PART, Some(&key));
                }
                Err(error) if error.is_stop() => return,
                Err(error) => {
                    self.out.meta.gaps.push(gap(PART, None, &error));
                    self.mark(PART, Some(&key));
                }
            }
        }
        self.mark(PART, None);
        self.listing(Listing::Workflows, "/rest/api/3/workflows/search?expand=values.transitions&maxResults=50").await;
    }
}
