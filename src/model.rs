//! The site as the engine sees it: Jira's security configuration, normalized and indexed.
//!
//! Absence is meaningful: a project without `scheme_id`, a role without an entry in
//! `role_actors`, an account without `groups` are *unknown*, never "empty".

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub type AccountId = String;
pub type GroupId = String;
pub type ProjectKey = String;
pub type RoleId = String;
pub type SchemeId = String;

/// Permissions Jira may answer "not held" for although granted, when the site turns their
/// feature off (attachments, time tracking, voting and watching, issue linking) or the account
/// lacks the product they belong to: they cannot tell whether a bot is among a role's actors.
pub const FEATURE_GATED: [&str; 14] = [
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
    // Gated by a product licence the account may lack although it is an actor (Jira Service
    // Management agents, Jira Software's sprints and development tools).
    "SERVICEDESK_AGENT",
    "MANAGE_SPRINTS_PERMISSION",
    "VIEW_DEV_TOOLS",
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
    /// Whether the whole issue-security project mapping was read, so a project it does not list has
    /// no issue security scheme.
    pub security_mapping_known: bool,
    /// Whether the list of issue security schemes (`GET /issuesecurityschemes`) was read, so a
    /// scheme it does not list does not exist.
    pub security_schemes_listed: bool,
    /// Whether the snapshot has any issue security part, or a gap recorded for one.
    pub security_collected: bool,
    pub workflows: BTreeMap<String, Workflow>,
    /// Workflow names each project uses, where the workflow-scheme mapping was collected.
    pub project_workflows: BTreeMap<ProjectKey, BTreeSet<String>>,
    pub checks: BTreeMap<AccountId, PermissionChecks>,
    /// Why parts are missing, as the collector recorded it: (part, key) → reason.
    pub gaps: BTreeMap<(String, String), String>,
    /// With a load that kept only the non-human accounts: the people it dropped, counted (what
    /// telling a broad group needs). `None` when people were kept: count them in `accounts`.
    pub people_counts: Option<PeopleCounts>,
}

/// Active people (activity unknown counts as active), and how many of them each group lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleCounts {
    pub active: usize,
    pub by_group: BTreeMap<GroupId, usize>,
}

impl Site {
    /// The collector's reason for not reading all of `part` (`key`: the item; `""`: the whole part).
    pub fn gap(&self, part: &str, key: &str) -> Option<&String> {
        self.gaps.get(&(part.to_owned(), key.to_owned()))
    }
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
    /// A person's account (`atlassian`, `customer`).
    Human,
    /// Jira did not say (no `accountType`, as in older bodies and some listings) or said
    /// something it does not document: never taken for a person, so it is analysed like a bot.
    Unknown,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Service => "service",
            AccountKind::App => "app",
            AccountKind::Human => "human",
            AccountKind::Unknown => "unknown",
        }
    }

    /// Whether the account may be a person's: a person's, or of a type Jira did not say. An
    /// owner or reviewer of unknown type is not reported missing for that alone.
    pub fn may_be_person(self) -> bool {
        matches!(self, AccountKind::Human | AccountKind::Unknown)
    }
}

#[derive(Debug, Clone)]
pub struct Account {
    pub account_id: AccountId,
    pub display_name: String,
    /// Mostly one of a few constants, not copied (see [`crate::jira::lenient::Known`]).
    pub account_type: Option<std::borrow::Cow<'static, str>>,
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
            (Some("atlassian" | "customer"), _) => AccountKind::Human,
            _ => AccountKind::Unknown,
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
    /// A group of the role named neither an id nor a name: anyone may be in it.
    pub groups_incomplete: bool,
}

#[derive(Debug, Clone)]
pub struct SecurityScheme {
    pub id: String,
    pub name: String,
    pub levels: Vec<SecurityLevel>,
    /// Whether the scheme itself listed its levels; otherwise they are known only from member rows.
    pub levels_listed: bool,
    /// Whether the members of this scheme's levels were collected.
    pub members_known: bool,
    /// Some collected members are missing (a page or an element could not be read): the
    /// collector's reason as `": reason"`, or empty.
    pub members_missing: Option<String>,
}

impl SecurityScheme {
    /// Whether every level anyone can see is known: listed by the scheme, or named by a member
    /// row of a member listing read whole (a level without members is seen by no one).
    pub fn levels_whole(&self) -> bool {
        self.levels_listed || (self.members_known && self.members_missing.is_none())
    }
}

#[derive(Debug, Clone)]
pub struct SecurityLevel {
    pub id: String,
    /// As Jira names it, or `level ID (name not read)` where no listing of the scheme's levels
    /// named it.
    pub name: String,
    pub description: Option<String>,
    /// The scheme's default level, set on new issues.
    pub is_default: bool,
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
    /// Project key → the answer there, for every project that was asked about. Not one entry
    /// per (project, permission): an L site's scan asks 17 million pairs, which as map entries
    /// with their own strings took well over a Forge function's 512 MB.
    project: BTreeMap<ProjectKey, ProjectAnswer>,
}

/// The permissions asked about one project and which of them Jira granted. One check asks the
/// same permissions for up to 1,000 projects, so their projects share the list.
#[derive(Debug, Clone)]
struct ProjectAnswer {
    /// Sorted, without repeats.
    asked: Arc<[String]>,
    /// Bit `i` set: Jira granted `asked[i]`.
    granted: Vec<u64>,
}

impl ProjectAnswer {
    fn new(asked: Arc<[String]>, granted: impl Fn(&str) -> bool) -> Self {
        let mut bits = vec![0u64; asked.len().div_ceil(64)];
        for (i, permission) in asked.iter().enumerate() {
            if granted(permission)
                && let Some(word) = bits.get_mut(i / 64)
            {
                *word |= 1 << (i % 64);
            }
        }
        ProjectAnswer { asked, granted: bits }
    }

    fn held(&self, index: usize) -> bool {
        self.granted.get(index / 64).is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    fn iter(&self) -> impl Iterator<Item = (&str, bool)> {
        self.asked.iter().enumerate().map(|(i, permission)| (permission.as_str(), self.held(i)))
    }
}

impl PermissionChecks {
    /// Records Jira's answer for `project` about the permissions in `asked` (sorted, without
    /// repeats; share one list between the projects of a request). A later answer about a
    /// permission replaces an earlier one.
    pub fn record(&mut self, project: &str, asked: &Arc<[String]>, granted: impl Fn(&str) -> bool) {
        match self.project.get_mut(project) {
            None => {
                self.project.insert(project.to_owned(), ProjectAnswer::new(Arc::clone(asked), granted));
            }
            Some(earlier) => {
                let mut merged: BTreeMap<&str, bool> = earlier.iter().collect();
                for permission in asked.iter() {
                    merged.insert(permission, granted(permission));
                }
                let list: Arc<[String]> = merged.keys().map(|k| (*k).to_owned()).collect();
                *earlier = ProjectAnswer::new(list, |permission| merged.get(permission).copied().unwrap_or(false));
            }
        }
    }

    /// Jira's answer about `permission` in `project`; `None` where it was not asked.
    pub fn answer(&self, project: &str, permission: &str) -> Option<bool> {
        let answer = self.project.get(project)?;
        let index = answer.asked.binary_search_by(|asked| asked.as_str().cmp(permission)).ok()?;
        Some(answer.held(index))
    }

    /// Every permission asked about `project` with Jira's answer, in key order.
    pub fn answers(&self, project: &str) -> impl Iterator<Item = (&str, bool)> {
        self.project.get(project).into_iter().flat_map(ProjectAnswer::iter)
    }

    /// The projects Jira was asked about.
    pub fn projects(&self) -> impl Iterator<Item = &ProjectKey> {
        self.project.keys()
    }

    /// Forgets the answers about the projects `stale` says, keeping the rest.
    pub fn forget_projects(&mut self, stale: impl Fn(&ProjectKey) -> bool) {
        self.project.retain(|project, _| !stale(project));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(keys: &[&str]) -> Arc<[String]> {
        keys.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn check_answers_are_kept_per_project_and_a_later_answer_replaces_an_earlier_one() {
        let mut checks = PermissionChecks::default();
        let asked = list(&["BROWSE_PROJECTS", "EDIT_ISSUES"]);
        checks.record("ABC", &asked, |p| p == "EDIT_ISSUES");
        checks.record("XYZ", &asked, |_| false);
        assert_eq!(checks.answer("ABC", "EDIT_ISSUES"), Some(true));
        assert_eq!(checks.answer("ABC", "BROWSE_PROJECTS"), Some(false));
        assert_eq!(checks.answer("ABC", "DELETE_ISSUES"), None, "not asked is not \"not held\"");
        assert_eq!(checks.answer("NOPE", "EDIT_ISSUES"), None);

        // A second request about ABC: one permission again (now held), one new.
        checks.record("ABC", &list(&["BROWSE_PROJECTS", "DELETE_ISSUES"]), |_| true);
        let abc: Vec<(&str, bool)> = checks.answers("ABC").collect();
        assert_eq!(abc, [("BROWSE_PROJECTS", true), ("DELETE_ISSUES", true), ("EDIT_ISSUES", true)]);

        checks.forget_projects(|p| p == "ABC");
        assert_eq!(checks.projects().collect::<Vec<_>>(), ["XYZ"]);
    }

    #[test]
    fn more_than_64_permissions_keep_their_own_answers() {
        let keys: Vec<String> = (0..130).map(|i| format!("P{i:03}")).collect();
        let asked: Arc<[String]> = keys.clone().into();
        let mut checks = PermissionChecks::default();
        checks.record("ABC", &asked, |p| p.ends_with('7'));
        for key in &keys {
            assert_eq!(checks.answer("ABC", key), Some(key.ends_with('7')), "{key}");
        }
    }
}
