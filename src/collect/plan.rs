//! The scan plan's data: what a scan is asked (options), what it writes (snapshot format v1, field
//! for field the parts `snapshot` reads), where a stopped scan stands (the checkpoint), and what a
//! refresh is asked and reports. The scan ([`super::scan`]) and the refresh ([`super::refresh`])
//! both read it; neither reads the other's internals through it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::budget::{HourSpend, Pacing, StopReason};
use super::client::Ledger;
use crate::warning::Warning;

/// The plan's steps, in order: always, then with `security`, then with `workflows`.
pub(crate) const CORE_STEPS: [&str; 11] = [
    "permissions",
    "permissionSchemes",
    "projects",
    "users",
    "roles",
    "applicationRoles",
    "groups",
    "projectPermissionSchemes",
    "userDetails",
    "permissionChecks",
    "projectRoles",
];
pub(crate) const SECURITY_STEPS: [&str; 3] = ["issueSecuritySchemes", "issueSecurityProjects", "issueSecurityMembers"];
pub(crate) const WORKFLOW_STEPS: [&str; 2] = ["workflowSchemeProjects", "workflows"];

pub const CHECKPOINT_VERSION: u32 = 1;

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
    /// Read the actors of every role the schemes name, not only where Jira's check says a bot may
    /// be one: dearer, but it also finds the roles deactivated bots are still in (Jira's check
    /// shows nothing for them, so the lean plan cannot tell).
    pub all_roles: bool,
    /// Written into `meta.collectedAt`; the core reads no clock, so the caller says when. Give the
    /// time the scan *started*: an incremental refresh reads the audit log from then on.
    pub collected_at: Option<String>,
    pub site: Option<String>,
    /// Points budget, burst rate and job time; absent, the scan does not pace itself.
    pub pacing: Option<Pacing>,
    /// The checkpoint of an earlier job of the same scan (same options), to continue it.
    pub resume: Option<Box<Checkpoint>>,
    /// Refresh a previous snapshot from the audit log instead of scanning everything.
    pub refresh: Option<RefreshOptions>,
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
            all_roles: false,
            collected_at: None,
            site: None,
            pacing: None,
            resume: None,
            refresh: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GapOut {
    pub part: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MetaOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
    pub collector: String,
    pub gaps: Vec<GapOut>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExchangeOut {
    pub request: Box<RawValue>,
    pub response: Box<RawValue>,
}

/// Snapshot format v1 as written by the collector; field for field the parts `snapshot.rs` reads.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
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
    pub issue_security_levels: BTreeMap<String, Vec<Box<RawValue>>>,
    pub issue_security_members: BTreeMap<String, Vec<Box<RawValue>>>,
    pub workflows: Vec<Box<RawValue>>,
    pub workflow_scheme_projects: Vec<Box<RawValue>>,
    pub permission_checks: BTreeMap<String, Vec<ExchangeOut>>,
}

/// Where a stopped scan stands: enough to continue it in a later job without reading again what
/// it has. Serializable, so a Forge consumer can store it between jobs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Checkpoint {
    pub checkpoint_version: u32,
    pub stopped_by: StopReason,
    /// Seconds from the stop until the next job should start (0: at once).
    pub resume_after_seconds: u64,
    /// Points spent in the current clock hour, so the next job keeps the hour's budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hour_spend: Option<HourSpend>,
    /// Jobs run so far, and their calls and estimated points.
    pub jobs: u32,
    pub calls: u64,
    pub points: u64,
    /// Parts, steps and items finished (read, or recorded as a gap).
    pub done: BTreeSet<String>,
    /// Listings read part-way: part → path of the next page.
    pub cursors: BTreeMap<String, String>,
    /// The parts read so far, without the gaps of what is not read yet.
    pub snapshot: SnapshotOut,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Scan {
    pub snapshot: SnapshotOut,
    /// This job's calls and points.
    pub ledger: Ledger,
    /// False when the scan stopped early; the snapshot then says what is missing, and
    /// `checkpoint` lets a later call continue.
    pub complete: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<Box<Checkpoint>>,
    /// What an incremental refresh did (absent for a full scan).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh: Option<RefreshReport>,
    pub warnings: Vec<Warning>,
}

/// One-call parts of the snapshot.
#[derive(Clone, Copy)]
pub(crate) enum Single {
    Permissions,
    PermissionSchemes,
    Roles,
    ApplicationRoles,
    IssueSecuritySchemes,
}

impl Single {
    pub(crate) fn part(self) -> &'static str {
        match self {
            Single::Permissions => "permissions",
            Single::PermissionSchemes => "permissionSchemes",
            Single::Roles => "roles",
            Single::ApplicationRoles => "applicationRoles",
            Single::IssueSecuritySchemes => "issueSecuritySchemes",
        }
    }

    pub(crate) fn slot_mut(self, out: &mut SnapshotOut) -> &mut Option<Box<RawValue>> {
        match self {
            Single::Permissions => &mut out.permissions,
            Single::PermissionSchemes => &mut out.permission_schemes,
            Single::Roles => &mut out.roles,
            Single::ApplicationRoles => &mut out.application_roles,
            Single::IssueSecuritySchemes => &mut out.issue_security_schemes,
        }
    }
}

/// Paged parts of the snapshot.
#[derive(Clone)]
pub(crate) enum Listing {
    Projects,
    Users,
    Groups,
    IssueSecurityProjects,
    IssueSecurityLevels(String),
    IssueSecurityMembers(String),
    Workflows,
}

impl Listing {
    pub(crate) fn part(&self) -> &'static str {
        match self {
            Listing::Projects => "projects",
            Listing::Users => "users",
            Listing::Groups => "groups",
            Listing::IssueSecurityProjects => "issueSecurityProjects",
            Listing::IssueSecurityLevels(_) => "issueSecurityLevels",
            Listing::IssueSecurityMembers(_) => "issueSecurityMembers",
            Listing::Workflows => "workflows",
        }
    }

    pub(crate) fn key(&self) -> Option<&str> {
        match self {
            Listing::IssueSecurityLevels(scheme) | Listing::IssueSecurityMembers(scheme) => Some(scheme),
            _ => None,
        }
    }

    pub(crate) fn done_key(&self) -> String {
        item(self.part(), self.key())
    }

    pub(crate) fn clear(&self, out: &mut SnapshotOut) {
        match self {
            Listing::Projects => out.projects.clear(),
            Listing::Users => out.users.clear(),
            Listing::Groups => out.groups.clear(),
            Listing::IssueSecurityProjects => out.issue_security_projects = None,
            Listing::IssueSecurityLevels(scheme) => {
                out.issue_security_levels.remove(scheme);
            }
            Listing::IssueSecurityMembers(scheme) => {
                out.issue_security_members.remove(scheme);
            }
            Listing::Workflows => out.workflows.clear(),
        }
    }

    pub(crate) fn push(&self, out: &mut SnapshotOut, page: Box<RawValue>) {
        match self {
            Listing::Projects => out.projects.push(page),
            Listing::Users => out.users.push(page),
            Listing::Groups => out.groups.push(page),
            Listing::IssueSecurityProjects => out.issue_security_projects.get_or_insert_with(Vec::new).push(page),
            Listing::IssueSecurityLevels(scheme) => {
                out.issue_security_levels.entry(scheme.clone()).or_default().push(page);
            }
            Listing::IssueSecurityMembers(scheme) => {
                out.issue_security_members.entry(scheme.clone()).or_default().push(page);
            }
            Listing::Workflows => out.workflows.push(page),
        }
    }
}

/// The `done` entry of one item of a part (`projectRoles/ABC/10100`), or of the whole part.
pub(crate) fn item(part: &str, key: Option<&str>) -> String {
    match key {
        Some(key) => format!("{part}/{key}"),
        None => part.to_owned(),
    }
}

fn default_max_age_hours() -> u64 {
    24 * 30
}

fn default_max_records() -> u64 {
    1_000
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshOptions {
    /// The snapshot to bring up to date, as a complete scan wrote it.
    pub previous: Box<SnapshotOut>,
    /// Older than this (its `collectedAt` to this scan's), a full scan runs instead: audit logs
    /// are pruned, and a month of changes costs about what a scan does.
    #[serde(default = "default_max_age_hours")]
    pub max_age_hours: u64,
    /// More access-relevant audit records than this, and a full scan runs instead.
    #[serde(default = "default_max_records")]
    pub max_records: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RefreshMode {
    Incremental,
    Full,
}

/// What a refresh did, for the caller and the benchmark.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshReport {
    pub mode: RefreshMode,
    /// The previous snapshot's `collectedAt`: audit records from then on were read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Why a full scan ran instead of an incremental one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// Audit records read.
    pub records: u64,
    /// The parts read again, e.g. `projectRoles/APP/10100`, `permissionChecks/<account>`.
    pub stale: Vec<String>,
    /// Records that cannot change access, by category.
    pub ignored: BTreeMap<String, u64>,
}
