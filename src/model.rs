//! The site as the engine sees it: Jira's security configuration, normalized and indexed.
//!
//! Absence is meaningful: a project without `scheme_id`, a role without an entry in
//! `role_actors`, an account without `groups` are *unknown*, never "empty".

use std::collections::{BTreeMap, BTreeSet};

pub type AccountId = String;
pub type GroupId = String;
pub type ProjectKey = String;
pub type RoleId = String;
pub type SchemeId = String;

/// Permissions Jira may answer "not held" for although granted, when the site turns their
/// feature off (attachments, time tracking, voting and watching, issue linking): they cannot
/// tell whether a bot is among a role's actors.
pub const FEATURE_GATED: [&str; 11] = [
    "CREATE_ATTACHMENTS",
    "DELETE_OWN_ATTACHMENTS",
    "DELETE_ALL_ATTACHMENTS",
    "WORK_ON_ISSUES",
    "EDIT_OWN_WORKLOGS",
    "EDIT_ALL_WORKLOGS",
    "DELETE_OWN_WORKLOGS",
    "DELETE_ALL_WORKLOGS",
    "VIEW_VOTERS_AND_WATCHERS",
    "MANAGE_WATCHERS",
    "LINK_ISSUES",
];

/// Whether Jira's check saying "not held" for `permission` proves an account is no actor of a role
/// granted it: role grants are unconditional, so an actor holds all the role is granted.
pub fn tells_role_membership(permission: &str) -> bool {
    !FEATURE_GATED.contains(&permission)
}

#[derive(Debug, Clone, Default)]
pub struct Site {
    pub site: Option<String>,
    pub collected_at: Option<String>,
    /// Every permission key Jira lists (`GET /permissions`); empty when not collected.
    pub permission_defs: BTreeMap<String, PermissionDef>,
    pub schemes: BTreeMap<SchemeId, Scheme>,
    pub projects: BTreeMap<ProjectKey, Project>,
    pub project_key_by_id: BTreeMap<String, ProjectKey>,
    pub roles: BTreeMap<RoleId, Role>,
    /// Actors of a role in a project. A missing (project, role) pair means "not collected".
    pub role_actors: BTreeMap<ProjectKey, BTreeMap<RoleId, Vec<Actor>>>,
    pub accounts: BTreeMap<AccountId, Account>,
    pub groups: BTreeMap<GroupId, Group>,
    pub group_id_by_name: BTreeMap<String, GroupId>,
    /// Member lists of groups, where collected (inactive members included).
    pub group_members: BTreeMap<GroupId, BTreeSet<AccountId>>,
    /// Groups whose member list lost an element it could not read: absence proves nothing there.
    pub incomplete_groups: BTreeSet<GroupId>,
    /// (project, role) pairs whose actor list lost an element it could not read.
    pub incomplete_roles: BTreeSet<(ProjectKey, RoleId)>,
    /// Schemes that lost a grant that could not be read, with the reason.
    pub incomplete_schemes: BTreeMap<SchemeId, String>,
    /// Whether the full group list (`GET /group/bulk`) was collected, so a name not in it is no group.
    pub groups_listed: bool,
    pub app_roles: BTreeMap<String, AppRole>,
    pub security_schemes: BTreeMap<String, SecurityScheme>,
    pub project_security_scheme: BTreeMap<ProjectKey, String>,
    /// Whether the issue-security project mapping was collected at all.
    pub security_mapping_known: bool,
    pub workflows: BTreeMap<String, Workflow>,
    /// Workflow names each project uses, where the workflow-scheme mapping was collected.
    pub project_workflows: BTreeMap<ProjectKey, BTreeSet<String>>,
    pub checks: BTreeMap<AccountId, PermissionChecks>,
    /// Why parts are missing, as the collector recorded it: (part, key) → reason.
    pub gaps: BTreeMap<(String, String), String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PermissionKind {
    Global,
    Project,
}

#[derive(Debug, Clone)]
pub struct PermissionDef {
    pub key: String,
    pub name: Option<String>,
    pub kind: PermissionKind,
}

#[derive(Debug, Clone)]
pub struct Scheme {
    pub id: SchemeId,
    pub name: String,
    pub grants: Vec<Grant>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: Option<String>,
    pub permission: String,
    pub holder: Holder,
}

/// Every holder type Atlassian's spec lists for permission grants and security-level members.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holder {
    /// Anyone, including anonymous users.
    Anyone,
    /// Product access to `key`; `None` means any logged-in user.
    ApplicationRole(Option<String>),
    Group {
        id: Option<GroupId>,
        name: Option<String>,
    },
    User(AccountId),
    ProjectRole(RoleId),
    ProjectLead,
    Reporter,
    Assignee,
    UserCustomField(String),
    GroupCustomField(String),
    /// Jira Service Management customers, portal only.
    CustomerPortalOnly,
    /// A type this version does not know; never matched, always reported.
    Unknown {
        kind: String,
        parameter: Option<String>,
    },
}

impl Holder {
    /// Whether a match depends on the issue (reporter, assignee, custom fields).
    pub fn is_conditional(&self) -> bool {
        matches!(
            self,
            Holder::Reporter
                | Holder::Assignee
                | Holder::UserCustomField(_)
                | Holder::GroupCustomField(_)
                | Holder::CustomerPortalOnly
        )
    }
}

#[derive(Debug, Clone)]
pub struct Project {
    pub id: Option<String>,
    pub key: ProjectKey,
    pub name: String,
    pub lead: Option<AccountId>,
    pub team_managed: bool,
    pub scheme_id: Option<SchemeId>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Actor {
    User(AccountId),
    Group { id: Option<GroupId>, name: Option<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AccountKind {
    /// An Atlassian service account (`accountType: app`, `appType: service`).
    Service,
    /// Another app account (`accountType: app`: Connect/OAuth apps, Rovo agents, unknown app types).
    App,
    /// A person's account (`atlassian`, `customer`, or unknown).
    Human,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Service => "service",
            AccountKind::App => "app",
            AccountKind::Human => "human",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Account {
    pub account_id: AccountId,
    pub display_name: String,
    pub account_type: Option<String>,
    pub app_type: Option<String>,
    /// Unknown activity counts as active: claiming "no access" for it would be the unsafe error.
    pub active: bool,
    /// All groups (nested included) from `GET /user?expand=groups`, where collected.
    pub groups: Option<BTreeSet<GroupId>>,
    /// Product access keys from `expand=applicationRoles`, where collected.
    pub app_roles: Option<BTreeSet<String>>,
}

impl Account {
    pub fn kind(&self) -> AccountKind {
        match (self.account_type.as_deref(), self.app_type.as_deref()) {
            (Some("app"), Some("service")) => AccountKind::Service,
            (Some("app"), _) => AccountKind::App,
            _ => AccountKind::Human,
        }
    }

    pub fn is_customer(&self) -> bool {
        self.account_type.as_deref() == Some("customer")
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct AppRole {
    pub key: String,
    pub name: Option<String>,
    pub group_ids: BTreeSet<GroupId>,
}

#[derive(Debug, Clone)]
pub struct SecurityScheme {
    pub id: String,
    pub name: String,
    pub levels: Vec<SecurityLevel>,
    /// Whether the members of this scheme's levels were collected.
    pub members_known: bool,
}

#[derive(Debug, Clone)]
pub struct SecurityLevel {
    pub id: String,
    pub name: String,
    pub members: Vec<Holder>,
}

#[derive(Debug, Clone)]
pub struct Workflow {
    pub name: String,
    pub transitions: Vec<Transition>,
}

#[derive(Debug, Clone)]
pub struct Transition {
    pub id: String,
    pub name: String,
    pub conditions: Option<ConditionGroup>,
}

#[derive(Debug, Clone)]
pub struct ConditionGroup {
    /// `ALL` unless Jira says `ANY`.
    pub any: bool,
    pub rules: Vec<Rule>,
    pub groups: Vec<ConditionGroup>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub key: String,
    pub parameters: BTreeMap<String, String>,
}

/// What Jira's `POST /permissions/check` said about one account.
#[derive(Debug, Clone, Default)]
pub struct PermissionChecks {
    /// Global keys that were asked, and the subset Jira granted.
    pub global_asked: BTreeSet<String>,
    pub global_granted: BTreeSet<String>,
    /// (project key, permission) → granted, for every pair that was asked.
    pub project: BTreeMap<(ProjectKey, String), bool>,
}
