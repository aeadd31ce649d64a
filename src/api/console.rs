//! The admin console's stored products (docs/admin-console.md): what the scan's job computes once
//! per snapshot and per registry or settings change, so the page's resolvers only read. One call
//! over a whole loaded snapshot answers a [`Console`]: the products as one JSON text, and each
//! account's detail as a JSON text of its own, written when asked, which the job stores in shards
//! as it goes. On the largest sites the details together are gigabytes; one at a time they fit.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::governance::FindingsReport;
use super::loaded::LoadedSnapshot;
use super::{ApiError, options};
use crate::analysis::matrix::{AccessSet, Matrix};
use crate::analysis::path::{Origin, Path, RoleActorVia, Via};
use crate::analysis::{Coverage, JiraAdmin, PathEntry, TransitionAccess, Unresolved};
use crate::audit_report::{AUDIT_VERSION, AuditSection, ScanSummary, table_csv, to_csv, to_markdown};
use crate::collect::plan::GapOut;
use crate::date::Date;
use crate::findings::{self, Finding, Severity};
use crate::governance::compare::{self, AccessSummary, Changes, PersonSummary};
use crate::governance::registry::Entry;
use crate::governance::review::{self, DueItem};
use crate::governance::{Scope, shadow_signals};
use crate::model::{Account, AccountKind, Holder, PermissionKind, Site};

pub const CONSOLE_VERSION: u32 = 1;

/// The whole access export is left out past this many characters (the per-account one stays).
const ACCESS_CSV_LIMIT: usize = 64 << 20;

/// What the job passes besides the registry, the settings and the day.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsoleOptions {
    /// The previous kept snapshot's summary, to compare with.
    pub previous: Option<AccessSummary>,
    pub scan: ScanFacts,
    /// Workflow transitions in each account's detail (the default; off on sites where they cost
    /// too much).
    pub skip_transitions: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ScanFacts {
    pub calls: u64,
    pub points: u64,
    pub complete: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleProducts<'a> {
    pub console_version: u32,
    pub as_of: Date,
    pub site: Option<String>,
    pub collected_at: Option<String>,
    pub permission_names: BTreeMap<String, PermissionName>,
    pub quota: Quota,
    pub projects: Vec<String>,
    /// Each analysed project's name, kind and permission scheme, in `projects` order.
    pub project_table: Vec<ProjectOut<'a>>,
    pub project_sets: Vec<ProjectSet>,
    pub owners: BTreeMap<String, String>,
    pub rows: Vec<Row>,
    pub shadow: Vec<ShadowSuspect>,
    pub reviews: Vec<DueItem>,
    pub findings: FindingsReport,
    /// How many account details [`Console::detail`] answers, one per row, in `rows` order.
    pub detail_count: usize,
    pub schemes: BTreeMap<String, SchemeGrants>,
    pub summary: AccessSummary,
    pub changes: Option<Changes>,
    pub gaps: Vec<GapOut>,
    pub exports: Exports,
}

#[derive(Serialize)]
pub struct PermissionName {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    pub plan: &'static str,
    pub limit: usize,
    pub used: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Highest {
    pub rule: &'static str,
    pub severity: Severity,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub account_id: String,
    pub display_name: String,
    pub kind: &'static str,
    pub active: bool,
    pub shadow: Option<&'static str>,
    pub owner: Option<String>,
    pub status: &'static str,
    pub highest: Option<Highest>,
    pub rules: Vec<&'static str>,
    pub findings: usize,
    pub project_set: u32,
    pub project_count: usize,
    pub conditional_projects: usize,
    pub unknown_projects: usize,
    pub global: Vec<String>,
    pub jira_admin: JiraAdmin,
    pub next_review: Option<Date>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShadowSuspect {
    pub account_id: String,
    pub display_name: String,
    pub signals: Vec<String>,
    pub confirmed: bool,
}

#[derive(Serialize)]
pub struct SchemeGrants {
    pub name: String,
    /// Permission key → the grants giving it.
    pub grants: BTreeMap<String, Vec<GrantOut>>,
}

#[derive(Serialize)]
pub struct GrantOut {
    pub grant: Option<String>,
    pub holder: serde_json::Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exports {
    pub findings_csv: String,
    pub inventory_csv: String,
    /// `None` when it would pass [`ACCESS_CSV_LIMIT`].
    pub access_csv: Option<String>,
    pub report_markdown: String,
}

/// A set of projects (indices into `projects`) as the accounts table carries it: the list when
/// short, else a bitmap in base64 (bit `i % 8` of byte `i / 8` for project `i`), so a bot reaching
/// thousands of projects costs a few hundred bytes, not thousands of numbers.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectSet {
    pub count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<Vec<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bits: Option<String>,
}

impl ProjectSet {
    pub fn of(indices: &[u32], projects: usize) -> ProjectSet {
        // A list costs about 5 characters an index; the bitmap 4 characters for 24 projects.
        if indices.len() * 5 <= projects.div_ceil(6) {
            return ProjectSet { count: indices.len(), list: Some(indices.to_vec()), bits: None };
        }
        let mut bytes = vec![0u8; projects.div_ceil(8)];
        for &i in indices {
            if let Some(byte) = bytes.get_mut(i as usize / 8) {
                *byte |= 1 << (i % 8);
            }
        }
        ProjectSet {
            count: indices.len(),
            list: None,
            bits: Some(base64::engine::general_purpose::STANDARD.encode(&bytes)),
        }
    }
}

// ---- one account's detail ---------------------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Detail<'a> {
    account: DetailAccount<'a>,
    registry: Option<&'a DetailRegistry>,
    /// At most [`DETAIL_FINDINGS`] per rule (rules that fire once per project can fire thousands
    /// of times for a bot on a large site); `findingsOmitted` counts the rest.
    findings: Vec<DetailFinding<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    findings_omitted: &'a BTreeMap<&'static str, usize>,
    /// Each rule's title, severity, reason and fix, once.
    rules: &'a BTreeMap<&'static str, RuleText>,
    access: DetailAccess<'a>,
}

/// What one account's detail needs besides the matrix, kept while the details are written.
struct DetailFacts {
    /// Index of the account's row in the matrix.
    row: usize,
    kind: &'static str,
    active: bool,
    shadow: Option<&'static str>,
    signals: Vec<String>,
    registry: Option<DetailRegistry>,
    findings: Vec<Finding>,
    findings_omitted: BTreeMap<&'static str, usize>,
    rules: BTreeMap<&'static str, RuleText>,
}

/// Findings of one rule a detail record keeps.
const DETAIL_FINDINGS: usize = 20;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DetailFinding<'a> {
    rule: &'static str,
    severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    project: &'a Option<String>,
    message: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    evidence: &'a [String],
}

#[derive(Serialize)]
struct RuleText {
    title: &'static str,
    severity: Severity,
    reason: &'static str,
    fix: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DetailAccount<'a> {
    account_id: &'a str,
    display_name: &'a str,
    kind: &'static str,
    active: bool,
    jira_admin: JiraAdmin,
    global: &'a [String],
    global_coverage: Coverage,
    shadow: Option<&'static str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    signals: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DetailRegistry {
    entry: Entry,
    next_due: Option<Date>,
    request_issue_url: Option<String>,
    people: BTreeMap<String, Person>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Person {
    display_name: String,
    active: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DetailAccess<'a> {
    permissions: Vec<&'a str>,
    /// Indices into the products' `projectTable` (the resolver expands them): a bot reaching
    /// thousands of projects would otherwise repeat their names in its record.
    projects: Vec<u32>,
    paths: Vec<serde_json::Value>,
    sets: Vec<SetOut<'a>>,
    cells: Vec<CellOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectOut<'a> {
    key: &'a str,
    name: &'a str,
    team_managed: bool,
    scheme_id: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SetOut<'a> {
    coverage: Coverage,
    permissions: BTreeMap<&'a str, Vec<u32>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    unresolved: &'a [Unresolved],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    security_levels: Vec<LevelOut<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    transitions: &'a [TransitionAccess],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LevelOut<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: &'a Option<String>,
    is_default: bool,
    access: &'static str,
    paths: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: &'a Option<String>,
}

#[derive(Serialize)]
struct CellOut {
    set: u32,
    projects: Vec<u32>,
}

/// A path as data: where it starts and through whom, names and ids apart, for a page to phrase.
pub fn path_data(entry: &PathEntry) -> serde_json::Value {
    let Path { origin, via } = &*entry.typed;
    let origin = match origin {
        Origin::Grant { scheme_id, scheme_name, grant } => {
            serde_json::json!({"kind": "grant", "schemeId": scheme_id, "schemeName": scheme_name, "grant": grant})
        }
        Origin::Level { scheme_name, level_name } => {
            serde_json::json!({"kind": "level", "schemeName": scheme_name, "levelName": level_name})
        }
        Origin::JiraCheck => serde_json::json!({"kind": "jira-check"}),
    };
    let via = match via {
        Via::Anyone => serde_json::json!({"kind": "anyone"}),
        Via::AnyLoggedIn => serde_json::json!({"kind": "any-logged-in"}),
        Via::ApplicationRole { key, group } => {
            serde_json::json!({"kind": "application-role", "key": key, "group": group})
        }
        Via::Group { name, id } => serde_json::json!({"kind": "group", "name": name, "id": id}),
        Via::User => serde_json::json!({"kind": "user"}),
        Via::Role { id, name, actor } => {
            let actor = match actor {
                RoleActorVia::User => serde_json::json!({"kind": "user"}),
                RoleActorVia::Group { name, id } => serde_json::json!({"kind": "group", "name": name, "id": id}),
            };
            serde_json::json!({"kind": "role", "id": id, "name": name, "actor": actor})
        }
        Via::ProjectLead => serde_json::json!({"kind": "project-lead"}),
        Via::Reporter => serde_json::json!({"kind": "reporter"}),
        Via::Assignee => serde_json::json!({"kind": "assignee"}),
        Via::UserCustomField(field) => serde_json::json!({"kind": "user-field", "field": field}),
        Via::GroupCustomField(field) => serde_json::json!({"kind": "group-field", "field": field}),
        Via::CustomerPortal => serde_json::json!({"kind": "customer-portal"}),
        Via::Origin => serde_json::json!({"kind": "origin"}),
    };
    serde_json::json!({"text": &*entry.path, "conditional": entry.conditional, "origin": origin, "via": via})
}

/// A grant's holder as data, with the names of roles and groups the site knows.
fn holder_data(site: &Site, holder: &Holder) -> serde_json::Value {
    match holder {
        Holder::Anyone => serde_json::json!({"kind": "anyone"}),
        Holder::ApplicationRole(None) => serde_json::json!({"kind": "any-logged-in"}),
        Holder::ApplicationRole(Some(key)) => serde_json::json!({"kind": "application-role", "key": key}),
        Holder::Group { id, name } => {
            let id = id.clone().or_else(|| name.as_ref().and_then(|n| site.group_id_by_name.get(n).cloned()));
            let name = name.clone().or_else(|| id.as_ref().and_then(|i| site.groups.get(i)).map(|g| g.name.clone()));
            serde_json::json!({"kind": "group", "id": id, "name": name})
        }
        Holder::User(id) => serde_json::json!({"kind": "user", "id": id,
            "name": site.accounts.get(id).map(|a| a.display_name.as_str())}),
        Holder::ProjectRole(id) => serde_json::json!({"kind": "role", "id": id,
            "name": site.roles.get(id).map(|r| r.name.as_str())}),
        Holder::ProjectLead => serde_json::json!({"kind": "project-lead"}),
        Holder::Reporter => serde_json::json!({"kind": "reporter"}),
        Holder::Assignee => serde_json::json!({"kind": "assignee"}),
        Holder::UserCustomField(field) => serde_json::json!({"kind": "user-field", "field": field}),
        Holder::GroupCustomField(field) => serde_json::json!({"kind": "group-field", "field": field}),
        Holder::CustomerPortalOnly => serde_json::json!({"kind": "customer-portal"}),
        Holder::Unknown { kind, parameter } => {
            serde_json::json!({"kind": "unknown", "type": kind, "parameter": parameter})
        }
    }
}

/// The console's kind of an account: people's accounts governed or suspected as bots are `shadow`.
fn console_kind(account: &Account) -> &'static str {
    match account.kind() {
        AccountKind::Service => "service",
        AccountKind::App if account.app_type.as_deref() == Some("agent") => "agent",
        AccountKind::App => "app",
        AccountKind::Unknown => "unknown",
        AccountKind::Human => "shadow",
    }
}

fn cell_state(set: &AccessSet) -> (bool, bool) {
    let any = !set.permissions.is_empty();
    let unconditional = set.permissions.values().flatten().any(|p| !p.conditional);
    (any, unconditional)
}

/// The console's products of one snapshot: the products at once ([`Console::products`]), each
/// account's detail when asked ([`Console::detail`]), from the matrix it keeps.
pub struct Console {
    products: String,
    matrix: Matrix,
    accounts: Vec<DetailFacts>,
}

impl Console {
    /// The products but the details: the JSON envelope's text.
    pub fn products(&self) -> &str {
        &self.products
    }

    /// How many details there are: one per row of the products, in their order.
    pub fn count(&self) -> usize {
        self.accounts.len()
    }

    /// Row `index`'s detail as JSON text; `None` past the last.
    pub fn detail(&self, index: usize) -> Option<Result<String, ApiError>> {
        let facts = self.accounts.get(index)?;
        let row = self.matrix.accounts.get(facts.row)?;
        Some(
            serde_json::to_string(&detail(&self.matrix, row, facts))
                .map_err(|e| ApiError::new("encode", e.to_string())),
        )
    }
}

impl LoadedSnapshot {
    /// The console's products (see the module's documentation).
    pub fn console(&self, registry: &str, settings: &str, now: &str, options_json: &str) -> Result<Console, ApiError> {
        let console_options = options::<ConsoleOptions>(options_json)?;
        let transitions = !console_options.skip_transitions;
        self.scoped(registry, settings, now, transitions, |scope, warnings| {
            let (products, accounts) = products(&scope, &console_options).map_err(|e| ApiError::new("encode", e))?;
            let text = super::Answer::from_result(Ok::<_, ApiError>(&products), warnings.to_vec()).to_json();
            drop(products);
            Ok(Console { products: text, matrix: scope.into_matrix(), accounts })
        })
    }
}

fn products<'a>(scope: &'a Scope<'a>, o: &ConsoleOptions) -> Result<(ConsoleProducts<'a>, Vec<DetailFacts>), String> {
    let site = scope.site;
    let m = &scope.matrix;
    let found = findings::findings_in(scope);
    let mut counts: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|s| (*s, 0)).collect();
    for f in &found {
        *counts.entry(f.severity).or_default() += 1;
    }
    let mut by_account: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &found {
        if let Some(id) = &f.account_id {
            by_account.entry(id).or_default().push(f);
        }
    }

    let projects: Vec<String> = m.projects.iter().map(|p| p.key.clone()).collect();
    let project_table = m
        .projects
        .iter()
        .map(|project| ProjectOut {
            key: &project.key,
            name: &project.name,
            team_managed: project.team_managed,
            scheme_id: site.projects.get(&project.key).and_then(|p| p.scheme_id.as_deref()),
        })
        .collect();
    let mut project_sets: Vec<Vec<u32>> = Vec::new();
    let mut set_index: BTreeMap<Vec<u32>, u32> = BTreeMap::new();
    let mut owners = BTreeMap::new();
    let mut rows = Vec::new();
    let mut details = Vec::new();
    let mut shadow = Vec::new();
    for (at, row) in m.accounts.iter().enumerate() {
        let Some(account) = site.accounts.get(&row.account_id) else { continue };
        let entry = scope.registry.entry(&row.account_id);
        let signals = shadow_signals(site, scope.settings, account);
        let human = account.kind() == AccountKind::Human;
        let shadow_state = match (human, scope.confirmed_shadow(&row.account_id)) {
            (true, true) => Some("confirmed"),
            (true, false) => Some("suspect"),
            _ => None,
        };
        if human {
            shadow.push(ShadowSuspect {
                account_id: row.account_id.clone(),
                display_name: row.display_name.clone(),
                signals: signals.clone(),
                confirmed: shadow_state == Some("confirmed"),
            });
        }
        let mut reached = Vec::new();
        let (mut conditional, mut unknown) = (0, 0);
        for &(p, s) in &row.cells {
            let Some(set) = m.sets.get(s as usize) else { continue };
            let (any, unconditional) = cell_state(set);
            if any {
                reached.push(p);
                if !unconditional {
                    conditional += 1;
                }
            }
            if set.coverage == Coverage::None {
                unknown += 1;
            }
        }
        let project_count = reached.len();
        let project_set = *set_index.entry(reached.clone()).or_insert_with(|| {
            project_sets.push(reached);
            u32::try_from(project_sets.len() - 1).unwrap_or(u32::MAX)
        });
        let mine = by_account.get(row.account_id.as_str()).cloned().unwrap_or_default();
        let mut rules: Vec<&'static str> = mine.iter().map(|f| f.rule).collect();
        rules.sort_unstable();
        rules.dedup();
        let highest = mine.iter().max_by(|a, b| a.severity.cmp(&b.severity).then(b.rule.cmp(a.rule)));
        let owner = entry.and_then(|e| e.owner.clone());
        if let Some(person) = owner.as_ref().and_then(|id| site.accounts.get(id)) {
            owners.insert(person.account_id.clone(), person.display_name.clone());
        }
        let status = if !account.active {
            "inactive"
        } else {
            entry.map_or("unregistered", |e| match e.status {
                crate::governance::registry::Status::Active => "active",
                crate::governance::registry::Status::Suspended => "suspended",
                crate::governance::registry::Status::Retired => "retired",
                crate::governance::registry::Status::Requested => "requested",
                crate::governance::registry::Status::Declined => "declined",
            })
        };
        rows.push(Row {
            account_id: row.account_id.clone(),
            display_name: row.display_name.clone(),
            kind: console_kind(account),
            active: account.active,
            shadow: shadow_state,
            owner,
            status,
            highest: highest.map(|f| Highest { rule: f.rule, severity: f.severity }),
            rules,
            findings: mine.len(),
            project_set,
            project_count,
            conditional_projects: conditional,
            unknown_projects: unknown,
            global: row.global.clone(),
            jira_admin: row.jira_admin,
            next_review: entry.and_then(Entry::due),
        });
        details.push(facts(site, at, account, entry, &mine, shadow_state, signals));
    }

    let permission_names = site
        .permission_defs
        .iter()
        .map(|(key, def)| {
            let kind = match def.kind {
                PermissionKind::Global => "GLOBAL",
                PermissionKind::Project => "PROJECT",
            };
            (key.clone(), PermissionName { name: def.name.clone(), kind })
        })
        .collect();
    let schemes = site
        .schemes
        .values()
        .map(|scheme| {
            let mut grants: BTreeMap<String, Vec<GrantOut>> = BTreeMap::new();
            for g in &scheme.grants {
                grants
                    .entry(g.permission.clone())
                    .or_default()
                    .push(GrantOut { grant: g.id.clone(), holder: holder_data(site, &g.holder) });
            }
            (scheme.id.clone(), SchemeGrants { name: scheme.name.clone(), grants })
        })
        .collect();
    let used = site.accounts.values().filter(|a| a.active && a.kind() == AccountKind::Service).count();
    let plan = scope.settings.plan;
    let quota = Quota { plan: plan.as_str(), limit: plan.quota(), used };

    let summary = summary_of(scope, &rows);
    let changes = o.previous.as_ref().map(|previous| compare::compare(previous, &summary));
    let gaps: Vec<GapOut> = site
        .gaps
        .iter()
        .map(|((part, key), reason)| GapOut {
            part: part.clone(),
            key: (!key.is_empty()).then(|| key.clone()),
            reason: reason.clone(),
        })
        .collect();

    let report = FindingsReport { now: scope.now, counts, findings: found.clone() };
    let findings_csv = to_csv(&found).map_err(|e| e.to_string())?;
    let inventory_csv = inventory_csv(&rows, &owners, &projects, &project_sets)?;
    let access_csv = access_csv(m)?;
    let audit = AuditSection {
        audit_version: AUDIT_VERSION,
        site: site.site.clone().unwrap_or_else(|| "the site".to_owned()),
        collected_at: site.collected_at.clone(),
        scan: ScanSummary { complete: o.scan.complete, calls: o.scan.calls, points: o.scan.points, gaps: gaps.clone() },
        findings: FindingsReport { now: scope.now, counts: report.counts.clone(), findings: found },
        fail_on: None,
        gate_failed: false,
    };
    let report_markdown = to_markdown(&m.views().collect::<Vec<_>>(), &audit);
    let products = ConsoleProducts {
        console_version: CONSOLE_VERSION,
        as_of: scope.now,
        site: site.site.clone(),
        collected_at: site.collected_at.clone(),
        permission_names,
        quota,
        projects,
        project_table,
        project_sets: project_sets.iter().map(|set| ProjectSet::of(set, m.projects.len())).collect(),
        owners,
        rows,
        shadow,
        reviews: review::due_list(site, scope.registry, scope.settings, scope.now),
        findings: report,
        detail_count: details.len(),
        schemes,
        summary,
        changes,
        gaps,
        exports: Exports { findings_csv, inventory_csv, access_csv, report_markdown },
    };
    Ok((products, details))
}

/// The summary the next scan compares with: the bots' unconditional holdings (suspected shadow
/// bots left out: a suspicion is no bot), the registry's people.
fn summary_of(scope: &Scope<'_>, rows: &[Row]) -> AccessSummary {
    let site = scope.site;
    let kinds: BTreeMap<&str, &str> =
        rows.iter().filter(|r| r.shadow != Some("suspect")).map(|r| (r.account_id.as_str(), r.kind)).collect();
    let bots = scope.matrix.views().filter_map(|a| kinds.get(a.account_id).map(|k| (a, *k)));
    let mut people: BTreeMap<String, PersonSummary> = BTreeMap::new();
    for entry in &scope.registry.accounts {
        for id in entry.owner.iter().chain(entry.backup_owner.iter()) {
            let Some(person) = site.accounts.get(id) else { continue };
            let summary = people.entry(id.clone()).or_insert_with(|| PersonSummary {
                display_name: person.display_name.clone(),
                active: person.active,
                bots: Vec::new(),
            });
            summary.bots.push(entry.account_id.clone());
        }
    }
    compare::summarize(site.collected_at.clone(), bots, people)
}

/// What `account`'s detail needs besides the matrix: its registry entry and people, its findings.
fn facts(
    site: &Site,
    row: usize,
    account: &Account,
    entry: Option<&Entry>,
    findings: &[&Finding],
    shadow: Option<&'static str>,
    signals: Vec<String>,
) -> DetailFacts {
    let registry = entry.map(|e| {
        let mut people = BTreeMap::new();
        for person in [&e.owner, &e.backup_owner, &e.requester, &e.approver].into_iter().flatten() {
            if let Some(a) = site.accounts.get(person) {
                people.insert(person.clone(), Person { display_name: a.display_name.clone(), active: a.active });
            }
        }
        DetailRegistry {
            entry: e.clone(),
            next_due: e.due(),
            request_issue_url: e
                .request_issue
                .as_ref()
                .and_then(|key| site.site.as_ref().map(|s| format!("{}/browse/{key}", s.trim_end_matches('/')))),
            people,
        }
    });
    let mut kept_of: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut findings_omitted: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut rules = BTreeMap::new();
    let mut kept = Vec::new();
    for f in findings {
        rules.entry(f.rule).or_insert(RuleText { title: f.title, severity: f.severity, reason: f.reason, fix: f.fix });
        let n = kept_of.entry(f.rule).or_default();
        if *n < DETAIL_FINDINGS {
            *n += 1;
            kept.push((*f).clone());
        } else {
            *findings_omitted.entry(f.rule).or_default() += 1;
        }
    }
    DetailFacts {
        row,
        kind: console_kind(account),
        active: account.active,
        shadow,
        signals,
        registry,
        findings: kept,
        findings_omitted,
        rules,
    }
}

/// One account's detail: its facts, and its access read from its matrix row.
fn detail<'a>(m: &'a Matrix, row: &'a crate::analysis::matrix::AccountRow, facts: &'a DetailFacts) -> Detail<'a> {
    // The row's sets and projects, numbered in their order; paths numbered as met.
    let mut set_at: BTreeMap<u32, u32> = BTreeMap::new();
    let mut cells: Vec<CellOut> = Vec::new();
    let mut projects = Vec::new();
    for &(p, s) in &row.cells {
        if m.projects.get(p as usize).is_none() {
            continue;
        }
        let local = u32::try_from(projects.len()).unwrap_or(u32::MAX);
        projects.push(p);
        let next = u32::try_from(set_at.len()).unwrap_or(u32::MAX);
        let at = *set_at.entry(s).or_insert(next);
        if at == next {
            cells.push(CellOut { set: at, projects: Vec::new() });
        }
        if let Some(cell) = cells.get_mut(at as usize) {
            cell.projects.push(local);
        }
    }
    let mut order: Vec<(u32, u32)> = set_at.iter().map(|(&s, &at)| (at, s)).collect();
    order.sort_unstable();
    let mut path_at: BTreeMap<&str, u32> = BTreeMap::new();
    let mut paths = Vec::new();
    let mut id = |entry: &'a PathEntry| -> u32 {
        if let Some(&at) = path_at.get(&*entry.path) {
            return at;
        }
        let at = u32::try_from(paths.len()).unwrap_or(u32::MAX);
        paths.push(path_data(entry));
        path_at.insert(&entry.path, at);
        at
    };
    let mut permissions: BTreeSet<&str> = BTreeSet::new();
    let mut sets = Vec::new();
    for (_, s) in order {
        let Some(set) = m.sets.get(s as usize) else { continue };
        let mut held = BTreeMap::new();
        for (key, list) in set.permissions.iter() {
            permissions.insert(key);
            held.insert(&**key, list.iter().map(&mut id).collect());
        }
        let security_levels = set
            .security_levels
            .iter()
            .map(|l| LevelOut {
                id: &l.id,
                name: &l.name,
                description: &l.description,
                is_default: l.is_default,
                access: l.access,
                paths: l.paths.iter().map(&mut id).collect(),
                reason: &l.reason,
            })
            .collect();
        sets.push(SetOut {
            coverage: set.coverage,
            permissions: held,
            unresolved: &set.unresolved,
            security_levels,
            transitions: &set.transitions,
        });
    }
    Detail {
        account: DetailAccount {
            account_id: &row.account_id,
            display_name: &row.display_name,
            kind: facts.kind,
            active: facts.active,
            jira_admin: row.jira_admin,
            global: &row.global,
            global_coverage: row.global_coverage,
            shadow: facts.shadow,
            signals: &facts.signals,
        },
        registry: facts.registry.as_ref(),
        findings: facts
            .findings
            .iter()
            .map(|f| DetailFinding {
                rule: f.rule,
                severity: f.severity,
                project: &f.project,
                message: &f.message,
                evidence: &f.evidence,
            })
            .collect(),
        findings_omitted: &facts.findings_omitted,
        rules: &facts.rules,
        access: DetailAccess { permissions: permissions.into_iter().collect(), projects, paths, sets, cells },
    }
}

fn inventory_csv(
    rows: &[Row],
    owners: &BTreeMap<String, String>,
    projects: &[String],
    project_sets: &[Vec<u32>],
) -> Result<String, String> {
    let header = [
        "accountId",
        "displayName",
        "kind",
        "status",
        "owner",
        "ownerId",
        "highestSeverity",
        "highestRule",
        "findings",
        "projectCount",
        "projects",
        "global",
        "nextReview",
    ];
    let lines = rows.iter().map(|r| {
        let keys: Vec<&str> = project_sets
            .get(r.project_set as usize)
            .into_iter()
            .flatten()
            .filter_map(|&p| projects.get(p as usize).map(String::as_str))
            .collect();
        vec![
            r.account_id.clone(),
            r.display_name.clone(),
            r.kind.to_owned(),
            r.status.to_owned(),
            r.owner.as_ref().and_then(|o| owners.get(o)).cloned().unwrap_or_default(),
            r.owner.clone().unwrap_or_default(),
            r.highest.as_ref().map(|h| h.severity.as_str().to_owned()).unwrap_or_default(),
            r.highest.as_ref().map(|h| h.rule.to_owned()).unwrap_or_default(),
            r.findings.to_string(),
            r.project_count.to_string(),
            keys.join(" "),
            r.global.join(" "),
            r.next_review.map(|d| d.to_string()).unwrap_or_default(),
        ]
    });
    table_csv(&header, lines).map_err(|e| e.to_string())
}

/// One row per account, project and permission held, the paths joined; `None` past the limit.
fn access_csv(m: &Matrix) -> Result<Option<String>, String> {
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut size = 0usize;
    for row in &m.accounts {
        for &(p, s) in &row.cells {
            let (Some(project), Some(set)) = (m.projects.get(p as usize), m.sets.get(s as usize)) else { continue };
            for (key, paths) in set.permissions.iter() {
                let held = if paths.iter().any(|p| !p.conditional) { "yes" } else { "some-issues" };
                let text = paths.iter().map(|p| &*p.path).collect::<Vec<_>>().join(" | ");
                size += row.account_id.len() + row.display_name.len() + project.key.len() + key.len() + text.len() + 16;
                if size > ACCESS_CSV_LIMIT {
                    return Ok(None);
                }
                lines.push(vec![
                    row.account_id.clone(),
                    row.display_name.clone(),
                    project.key.clone(),
                    key.to_string(),
                    held.to_owned(),
                    text,
                ]);
            }
        }
    }
    table_csv(&ACCESS_HEADER, lines).map(Some).map_err(|e| e.to_string())
}

/// The access export's columns, for the whole site and for one account alike.
pub const ACCESS_HEADER: [&str; 6] = ["accountId", "displayName", "project", "permission", "held", "paths"];

/// Compares two stored summaries (JSON): what `changes` holds, for a pair the job did not compare.
pub fn compare_json(previous: &str, current: &str) -> String {
    let read = |text: &str, what: &str| {
        serde_json::from_str::<AccessSummary>(text)
            .map_err(|e| ApiError::new("bad-summary", format!("the {what} summary is not valid: {e}")))
    };
    let result = read(previous, "previous").and_then(|p| read(current, "current").map(|c| compare::compare(&p, &c)));
    super::Answer::from_result(result, Vec::new()).to_json()
}

/// Any table as CSV through the core's writer (every cell defused as the CLI does): JSON
/// `{"header": [...], "rows": [[...], ...]}` in, the envelope of the text out.
pub fn csv_json(table: &str) -> String {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    }
    let result = serde_json::from_str::<Table>(table)
        .map_err(|e| ApiError::new("bad-table", format!("the table is not valid: {e}")))
        .and_then(|t| {
            let header: Vec<&str> = t.header.iter().map(String::as_str).collect();
            table_csv(&header, t.rows).map_err(|e| ApiError::new("encode", e.to_string()))
        });
    super::Answer::from_result(result, Vec::new()).to_json()
}
