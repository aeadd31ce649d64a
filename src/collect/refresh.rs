//! Incremental refresh: a previous snapshot plus the audit log since it was taken.
//!
//! `GET /rest/api/3/auditing/record?from=…` lists what admins changed since the previous scan
//! started. Each record marks parts of the snapshot stale (a role's actors in one project, one
//! project's scheme, the scheme list, one account's groups…); the refresh forgets those parts and
//! runs the plan over what is left, which reads only them, plus Jira's permission check again for
//! the accounts the change can touch, plus the role actors that now explain a held permission.
//! When the log cannot be read, says too much, or the snapshot is too old or incomplete, a full
//! scan runs instead and says why.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::client::Client;
use super::plan::{
    CHECKPOINT_VERSION, CORE_STEPS, Checkpoint, Listing, RefreshMode, RefreshReport, SECURITY_STEPS, Scan, ScanOptions,
    Single, SnapshotOut, WORKFLOW_STEPS, item,
};
use super::scan::{Scanner, scan};
use super::{CollectError, decode, get_json};
use crate::host::{Host, encode_component};
use crate::jira::{self, AuditItem, AuditRecord, AuditRecords};

const AUDIT_PAGE: u64 = 1_000;

/// Parts of the snapshot one or more audit records make stale.
#[derive(Debug, Default)]
struct Stale {
    schemes: bool,
    projects: bool,
    users: bool,
    groups: bool,
    security: bool,
    workflows: bool,
    all_checks: bool,
    project_schemes: BTreeSet<String>,
    /// (project key, role id); `None`: every role of the project read before.
    roles: BTreeSet<(String, Option<String>)>,
    accounts: BTreeSet<String>,
    ignored: BTreeMap<String, u64>,
}

/// Runs an incremental refresh when `options.refresh` is set, a full scan otherwise.
pub async fn refresh<H: Host>(client: &Client<'_, H>, mut options: ScanOptions) -> Scan {
    let Some(refresh) = options.refresh.take() else { return scan(client, options).await };
    let previous = *refresh.previous;
    let since = previous.meta.collected_at.clone();
    let report = |mode, fallback: Option<String>, records, stale, ignored| RefreshReport {
        mode,
        since: since.clone(),
        fallback,
        records,
        stale,
        ignored,
    };
    let now = options
        .collected_at
        .as_deref()
        .and_then(epoch_seconds)
        .or_else(|| client.host().now_ms().map(|ms| i64::try_from(ms / 1_000).unwrap_or(i64::MAX)));
    if let Some(reason) = unusable(&previous, now, refresh.max_age_hours) {
        return full(client, options, report(RefreshMode::Full, Some(reason), 0, Vec::new(), BTreeMap::new())).await;
    }
    let since_text = since.clone().unwrap_or_default();
    let records = match audit_records(client, &since_text, refresh.max_records).await {
        Ok(Some(records)) => records,
        Ok(None) => {
            let reason = format!("more than {} audit records since the previous snapshot", refresh.max_records);
            return full(client, options, report(RefreshMode::Full, Some(reason), 0, Vec::new(), BTreeMap::new()))
                .await;
        }
        Err(error) => {
            let reason = format!("the audit log cannot be read: {error}");
            return full(client, options, report(RefreshMode::Full, Some(reason), 0, Vec::new(), BTreeMap::new()))
                .await;
        }
    };
    let count = records.len() as u64;

    let collected_at = options.collected_at.clone();
    let checkpoint = checkpoint_from(previous, &options);
    let mut scanner = Scanner::new(client, options.clone(), Some(checkpoint));
    scanner.out.meta.collected_at = collected_at;
    let stale = match classify(&records, &scanner) {
        Ok(stale) => stale,
        Err(reason) => {
            return full(client, options, report(RefreshMode::Full, Some(reason), count, Vec::new(), BTreeMap::new()))
                .await;
        }
    };
    let ignored = stale.ignored.clone();
    let mut marked = Vec::new();
    apply(&mut scanner, stale, &mut marked).await;
    scanner.full().await;
    prune_deleted_projects(&mut scanner);
    let mut result = scanner.finish(0, 0, 0);
    result.refresh = Some(report(RefreshMode::Incremental, None, count, marked, ignored));
    result
}

async fn full<H: Host>(client: &Client<'_, H>, options: ScanOptions, report: RefreshReport) -> Scan {
    let mut result = scan(client, options).await;
    result.refresh = Some(report);
    result
}

/// Why the previous snapshot cannot be refreshed, if it cannot.
fn unusable(previous: &SnapshotOut, now: Option<i64>, max_age_hours: u64) -> Option<String> {
    if previous.snapshot_version != crate::snapshot::SNAPSHOT_VERSION {
        return Some(format!("the previous snapshot has format version {}", previous.snapshot_version));
    }
    let Some(since) = previous.meta.collected_at.as_deref() else {
        return Some("the previous snapshot does not say when it was collected (meta.collectedAt)".to_owned());
    };
    let Some(then) = epoch_seconds(since) else {
        return Some(format!("the previous snapshot's collectedAt `{since}` is not an RFC 3339 time"));
    };
    if previous.meta.gaps.iter().any(|g| g.reason.starts_with("not read yet")) {
        return Some("the previous snapshot is incomplete: its scan stopped before the end".to_owned());
    }
    let age_limit = i64::try_from(max_age_hours.saturating_mul(3_600)).unwrap_or(i64::MAX);
    match now {
        Some(now) if now.saturating_sub(then) > age_limit => {
            Some(format!("the previous snapshot is older than {max_age_hours} hours"))
        }
        _ => None,
    }
}

/// Every audit record created on or after `since`, or `None` when there are more than `max`.
async fn audit_records<H: Host>(
    client: &Client<'_, H>,
    since: &str,
    max: u64,
) -> Result<Option<Vec<AuditRecord>>, CollectError> {
    let mut records = Vec::new();
    let mut offset = 0u64;
    loop {
        let path =
            format!("/rest/api/3/auditing/record?from={}&limit={AUDIT_PAGE}&offset={offset}", encode_component(since));
        let page: AuditRecords = get_json(client, &path).await?;
        let returned = page.records.len() as u64;
        for raw in &page.records {
            records.push(decode::<AuditRecord>(&path, raw.get())?);
        }
        if records.len() as u64 > max {
            return Ok(None);
        }
        offset += returned;
        if returned == 0 || page.total.is_none_or(|total| offset >= total) {
            return Ok(Some(records));
        }
    }
}

fn lower(text: Option<&String>) -> String {
    text.map(|t| t.to_lowercase()).unwrap_or_default()
}

/// What each record makes stale; `Err` when a record names something the snapshot cannot place,
/// so only a full scan is safe.
fn classify<H: Host>(records: &[AuditRecord], scanner: &Scanner<'_, '_, H>) -> Result<Stale, String> {
    let projects = scanner.projects();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for page in &scanner.out.projects {
        for project in jira::page_items::<jira::Project>(page).unwrap_or_default() {
            names.insert(project.name.clone(), project.key.clone());
        }
    }
    let project_key = |item: &AuditItem| -> Option<String> {
        let by_id = item.id.as_ref().and_then(|id| projects.iter().find(|(pid, _)| pid == id)).map(|(_, k)| k.clone());
        by_id.or_else(|| {
            let name = item.name.as_ref()?;
            projects.iter().find(|(_, key)| key == name).map(|(_, k)| k.clone()).or_else(|| names.get(name).cloned())
        })
    };
    let mut stale = Stale::default();
    for record in records {
        let category = lower(record.category.as_ref());
        let summary = lower(record.summary.as_ref());
        let items: Vec<&AuditItem> = record.object_item.iter().chain(&record.associated_items).collect();
        let of_type = |kind: &str| -> Vec<&AuditItem> {
            items
                .iter()
                .copied()
                .filter(|i| i.type_name.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(kind)))
                .collect()
        };
        let project_items = of_type("PROJECT");
        let role_items = of_type("PROJECT_ROLE");
        let users: Vec<String> =
            of_type("USER").iter().filter_map(|i| i.id.clone().or_else(|| i.name.clone())).collect();
        let unknown_project = || {
            format!("audit record {} names a project the snapshot does not know", record.id.as_deref().unwrap_or("?"))
        };
        if !role_items.is_empty() || (category == "projects" && summary.contains("role")) {
            let role = role_items.first().and_then(|i| i.id.clone());
            let Some(project) = project_items.first() else {
                // A role defined or deleted site-wide: every project's actors of it may change.
                return Err(format!(
                    "audit record {} changes a project role site-wide",
                    record.id.as_deref().unwrap_or("?")
                ));
            };
            stale.roles.insert((project_key(project).ok_or_else(unknown_project)?, role));
        } else if summary.contains("permission scheme") || category == "permissions" {
            match project_items.first() {
                Some(project) if summary.contains("project") || summary.contains("associat") => {
                    stale.project_schemes.insert(project_key(project).ok_or_else(unknown_project)?);
                }
                _ => stale.schemes = true,
            }
            stale.all_checks = true;
        } else if category == "group management" {
            if users.is_empty() {
                stale.groups = true;
                stale.all_checks = true;
            }
            stale.accounts.extend(users);
        } else if category == "user management" {
            stale.users = true;
            stale.accounts.extend(users);
        } else if category == "projects" {
            stale.projects = true;
            stale.all_checks = true;
        } else if category.contains("security")
            || summary.contains("security level")
            || summary.contains("issue security")
        {
            stale.security = true;
            stale.all_checks = true;
        } else if category.contains("workflow") {
            stale.workflows = true;
        } else {
            *stale.ignored.entry(if category.is_empty() { "(none)".to_owned() } else { category }).or_default() += 1;
        }
    }
    Ok(stale)
}

/// A checkpoint that says everything in `previous` is done, so the plan reads only what is
/// made stale afterwards.
fn checkpoint_from(previous: SnapshotOut, options: &ScanOptions) -> Checkpoint {
    let mut done = BTreeSet::new();
    let steps = CORE_STEPS.iter().chain(&SECURITY_STEPS).chain(&WORKFLOW_STEPS);
    done.extend(steps.map(|s| (*s).to_owned()));
    let mut checkpoint = Checkpoint {
        checkpoint_version: CHECKPOINT_VERSION,
        stopped_by: super::budget::StopReason::Time,
        resume_after_seconds: 0,
        hour_spend: None,
        jobs: 0,
        calls: 0,
        points: 0,
        done,
        cursors: BTreeMap::new(),
        snapshot: previous,
    };
    let snapshot = &checkpoint.snapshot;
    let mut items = Vec::new();
    let mut project_keys = Vec::new();
    for page in &snapshot.projects {
        for project in jira::page_items::<jira::Project>(page).unwrap_or_default() {
            if options.projects.is_empty() || options.projects.contains(&project.key) {
                project_keys.push(project.key);
            }
        }
    }
    items.extend(project_keys.iter().map(|k| item("projectPermissionSchemes", Some(k))));
    let chunks = project_keys.len().div_ceil(1_000).max(1);
    let mut accounts: BTreeSet<&String> = snapshot.user_details.keys().collect();
    accounts.extend(snapshot.permission_checks.keys());
    accounts.extend(options.extra_accounts.iter());
    for page in &snapshot.users {
        for user in jira::page_items::<jira::User>(page).unwrap_or_default() {
            if !user.says_person() {
                items.push(item("userDetails", Some(&user.account_id)));
                items.extend((0..chunks).map(|i| item("permissionChecks", Some(&format!("{}/{i}", user.account_id)))));
            }
        }
    }
    for account in accounts {
        items.push(item("userDetails", Some(account)));
        items.extend((0..chunks).map(|i| item("permissionChecks", Some(&format!("{account}/{i}")))));
    }
    for (project, roles) in &snapshot.project_roles {
        items.extend(roles.keys().map(|role| item("projectRoles", Some(&format!("{project}/{role}")))));
    }
    items.extend(snapshot.issue_security_levels.keys().map(|s| item("issueSecurityLevels", Some(s))));
    items.extend(snapshot.issue_security_members.keys().map(|s| item("issueSecurityMembers", Some(s))));
    items.extend((0..project_keys.len().div_ceil(50)).map(|i| item("workflowSchemeProjects", Some(&i.to_string()))));
    for gap in &snapshot.meta.gaps {
        items.push(item(&gap.part, gap.key.as_deref()));
    }
    checkpoint.done.extend(items);
    checkpoint
}

/// Drops what `part`/`key` holds so the plan reads it again: its data, its gap, its done mark
/// and the mark of its step.
fn forget_item<H: Host>(scanner: &mut Scanner<'_, '_, H>, part: &str, key: &str, marked: &mut Vec<String>) {
    scanner.done.remove(&item(part, Some(key)));
    scanner.done.remove(part);
    scanner.out.meta.gaps.retain(|g| !(g.part == part && g.key.as_deref() == Some(key)));
    marked.push(item(part, Some(key)));
}

fn forget_single<H: Host>(scanner: &mut Scanner<'_, '_, H>, which: Single, marked: &mut Vec<String>) {
    scanner.done.remove(which.part());
    *which.slot_mut(&mut scanner.out) = None;
    scanner.out.meta.gaps.retain(|g| g.part != which.part());
    marked.push(which.part().to_owned());
}

fn forget_listing<H: Host>(scanner: &mut Scanner<'_, '_, H>, listing: &Listing, marked: &mut Vec<String>) {
    let key = listing.done_key();
    scanner.done.remove(&key);
    scanner.cursors.remove(&key);
    listing.clear(&mut scanner.out);
    scanner.out.meta.gaps.retain(|g| !(g.part == listing.part() && g.key.as_deref() == listing.key()));
    marked.push(key);
}

fn forget_checks<H: Host>(scanner: &mut Scanner<'_, '_, H>, account: &str, marked: &mut Vec<String>) {
    let prefix = format!("permissionChecks/{account}/");
    scanner.done.retain(|d| !d.starts_with(&prefix));
    scanner.done.remove("permissionChecks");
    // Held permissions may change, so the pairs that explain them may too.
    scanner.done.remove("projectRoles");
    scanner.out.permission_checks.remove(account);
    scanner.out.meta.gaps.retain(|g| !(g.part == "permissionChecks" && g.key.as_deref() == Some(account)));
    marked.push(format!("permissionChecks/{account}"));
}

/// The actors of a role body: (user account ids, group ids or names).
fn actors(body: Option<&serde_json::value::RawValue>) -> Option<(BTreeSet<String>, BTreeSet<String>)> {
    #[derive(Deserialize)]
    struct Role {
        // No list is no answer: the caller treats it as unreadable.
        actors: Option<Vec<jira::RoleActor>>,
    }
    let role: Role = serde_json::from_str(body?.get()).ok()?;
    let mut users = BTreeSet::new();
    let mut groups = BTreeSet::new();
    for actor in role.actors? {
        if let Some(id) = actor.actor_user.and_then(|u| u.account_id) {
            users.insert(id);
        }
        if let Some(group) = actor.actor_group {
            groups.extend(group.group_id.into_iter().chain(group.name));
        }
    }
    Some((users, groups))
}

/// The accounts whose details say they are in one of `groups` (by id or name).
fn members_of<H: Host>(scanner: &Scanner<'_, '_, H>, groups: &BTreeSet<String>) -> BTreeSet<String> {
    scanner
        .out
        .user_details
        .iter()
        .filter(|(_, raw)| {
            serde_json::from_str::<jira::User>(raw.get()).ok().and_then(|u| u.groups).is_some_and(|list| {
                list.items.iter().any(|g| g.group_id.iter().chain(g.name.iter()).any(|n| groups.contains(n)))
            })
        })
        .map(|(id, _)| id.clone())
        .collect()
}

async fn apply<H: Host>(scanner: &mut Scanner<'_, '_, H>, mut stale: Stale, marked: &mut Vec<String>) {
    let analysed: BTreeSet<String> = scanner.accounts().into_iter().collect();
    if stale.schemes {
        forget_single(scanner, Single::PermissionSchemes, marked);
    }
    if stale.projects {
        forget_listing(scanner, &Listing::Projects, marked);
    }
    if stale.users {
        forget_listing(scanner, &Listing::Users, marked);
    }
    if stale.groups {
        forget_listing(scanner, &Listing::Groups, marked);
    }
    for key in std::mem::take(&mut stale.project_schemes) {
        scanner.out.project_permission_schemes.remove(&key);
        forget_item(scanner, "projectPermissionSchemes", &key, marked);
    }
    if stale.security {
        forget_single(scanner, Single::IssueSecuritySchemes, marked);
        forget_listing(scanner, &Listing::IssueSecurityProjects, marked);
        let levels: Vec<String> = scanner.out.issue_security_levels.keys().cloned().collect();
        for scheme in levels {
            forget_listing(scanner, &Listing::IssueSecurityLevels(scheme), marked);
        }
        let schemes: Vec<String> = scanner.out.issue_security_members.keys().cloned().collect();
        for scheme in schemes {
            forget_listing(scanner, &Listing::IssueSecurityMembers(scheme), marked);
        }
        scanner.done.remove("issueSecurityMembers");
    }
    if stale.workflows {
        scanner.done.retain(|d| !d.starts_with("workflowSchemeProjects"));
        scanner.out.workflow_scheme_projects.clear();
        forget_listing(scanner, &Listing::Workflows, marked);
        marked.push("workflowSchemeProjects".to_owned());
    }

    // Role actors first: who was added or removed decides whose permission check is stale.
    let mut pairs = BTreeSet::new();
    for (project, role) in std::mem::take(&mut stale.roles) {
        match role {
            Some(role) => {
                pairs.insert((project, role));
            }
            None => {
                let roles = scanner.out.project_roles.get(&project).map(|r| r.keys().cloned().collect::<Vec<_>>());
                pairs.extend(roles.unwrap_or_default().into_iter().map(|r| (project.clone(), r)));
            }
        }
    }
    let mut before = BTreeMap::new();
    for (project, role) in &pairs {
        let key = format!("{project}/{role}");
        let read = scanner.is_done("projectRoles", Some(&key));
        let old = scanner.out.project_roles.get_mut(project).and_then(|roles| roles.remove(role));
        // Not read before means Jira's check denied every bot something the role grants there, so
        // no bot was among its actors: compare with an empty role.
        let old = match old {
            Some(body) => Some(body),
            None if !read => serde_json::value::RawValue::from_string(r#"{"actors":[]}"#.to_owned()).ok(),
            None => None,
        };
        before.insert((project.clone(), role.clone()), old);
        forget_item(scanner, "projectRoles", &key, marked);
    }
    scanner.role_actors(pairs).await;
    if scanner.stopped() {
        // Who the changes touch is not known yet: read every check again when resumed.
        stale.all_checks = true;
    }
    for ((project, role), old) in before {
        let new = scanner.out.project_roles.get(&project).and_then(|roles| roles.get(&role));
        match (actors(old.as_deref()), actors(new.map(|b| &**b))) {
            (Some((old_users, old_groups)), Some((new_users, new_groups))) => {
                stale.accounts.extend(old_users.symmetric_difference(&new_users).cloned());
                let groups: BTreeSet<String> = old_groups.symmetric_difference(&new_groups).cloned().collect();
                stale.accounts.extend(members_of(scanner, &groups));
            }
            // Unreadable before or now: anyone could be touched.
            _ => stale.all_checks = true,
        }
    }

    let accounts: Vec<String> = if stale.all_checks {
        analysed.iter().cloned().collect()
    } else {
        stale.accounts.iter().filter(|a| analysed.contains(*a)).cloned().collect()
    };
    for account in &stale.accounts {
        if analysed.contains(account) {
            scanner.out.user_details.remove(account);
            forget_item(scanner, "userDetails", account, marked);
        }
    }
    for account in accounts {
        forget_checks(scanner, &account, marked);
    }
    marked.sort();
    marked.dedup();
}

/// After the project list was read again, drops what the snapshot holds about projects gone.
fn prune_deleted_projects<H: Host>(scanner: &mut Scanner<'_, '_, H>) {
    if !scanner.is_done("projects", None) {
        return;
    }
    let keys: BTreeSet<String> = scanner.projects().into_iter().map(|(_, key)| key).collect();
    if keys.is_empty() {
        return;
    }
    scanner.out.project_permission_schemes.retain(|key, _| keys.contains(key));
    scanner.out.project_roles.retain(|key, _| keys.contains(key));
}

/// Seconds since the Unix epoch of an RFC 3339 / ISO 8601 time as Jira and JS write it
/// (`2026-11-23T08:00:00Z`, `…T08:00:00.000+0000`, `…+01:00`).
pub fn epoch_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', ' '])?;
    let mut parts = date.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    let zone_at = time.find(['Z', 'z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let clock = clock.split('.').next()?;
    let mut hms = clock.splitn(3, ':');
    let hour: i64 = hms.next()?.parse().ok()?;
    let minute: i64 = hms.next()?.parse().ok()?;
    let second: i64 = hms.next().unwrap_or("0").parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset = match zone {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits: String = zone.chars().skip(1).filter(char::is_ascii_digit).collect();
            if digits.len() != 4 {
                return None;
            }
            let hours: i64 = digits.get(..2)?.parse().ok()?;
            let minutes: i64 = digits.get(2..)?.parse().ok()?;
            sign * (hours * 3_600 + minutes * 60)
        }
    };
    let days = crate::date::Date::from_ymd(year, month, day)?.days();
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::epoch_seconds;

    #[test]
    fn times_as_jira_and_js_write_them() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_seconds("2026-11-23T08:00:00Z"), Some(1_795_420_800));
        assert_eq!(epoch_seconds("2026-11-23T08:00:00.000Z"), Some(1_795_420_800));
        assert_eq!(epoch_seconds("2026-11-23T09:00:00.000+0100"), Some(1_795_420_800));
        assert_eq!(epoch_seconds("2026-11-23T07:30:00-00:30"), Some(1_795_420_800));
        assert_eq!(epoch_seconds("2024-02-29T00:00:00Z"), Some(1_709_164_800));
        assert_eq!(epoch_seconds("yesterday"), None);
        assert_eq!(epoch_seconds("2026-13-01T00:00:00Z"), None);
    }
}
