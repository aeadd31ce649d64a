//! Each project's page, computed once per snapshot: the project settings page's answer, stored by
//! the scan's jobs so that opening the page reads one small record (the whole snapshot is hundreds
//! of MB on a large site and cannot be decoded within a resolver's 25 s).
//!
//! One engine run covers every project (the matrix of the non-human accounts, transitions
//! included); each project's page is then cut from it on demand, one at a time, so the pages of a
//! 10,000-project site are never all in memory as text. A page holds:
//!
//! - the accounts with access there, each pointing at an access set, the sets and their paths
//!   numbered within the page (alike accounts share a set, as in the matrix form);
//! - the accounts that reach the project only through broad grants (anyone, any logged-in user,
//!   product access, a group the settings call broad) apart: counted by kind, the first
//!   [`BROAD_LISTED`] listed, since on a site with a public scheme that is every bot;
//! - what membership of the service-account role (named by the settings) gives there: the
//!   scheme's grants to it, the issue security levels it sees, its actors as the scan read them,
//!   or why it gives nothing (no such role, a team-managed project, no grant in the scheme).

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use serde::Serialize;

use super::console::path_data;
use super::governance::parse_settings;
use super::{ApiError, LoadedSnapshot};
use crate::analysis::matrix::{AccessSet, Matrix};
use crate::analysis::path::{Origin, Path, RoleActorVia, Via};
use crate::analysis::{Coverage, JiraAdmin, PathEntry, TransitionAccess, Unresolved};
use crate::engine::{AccountSelection, Selection, matrix};
use crate::governance::settings::Settings;
use crate::model::{AccountKind, Actor, Holder, Project, Site};
use crate::warning::Warning;

pub const PAGE_VERSION: u32 = 2;
/// Accounts reaching a project only through broad grants listed by name; the rest are counted.
pub const BROAD_LISTED: usize = 50;

/// The service-account role's part of a project's page.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleInProject {
    /// The role's name as the settings give it.
    pub wanted: String,
    /// The site's role it names, by id or by name; `None` when there is none.
    pub id: Option<String>,
    pub name: Option<String>,
    /// Why adding a bot to the role gives it nothing here: `no-role` (the site has no role of that
    /// name), `team-managed` (the project has roles of its own), `scheme-unread` (the scan could
    /// not read the project's permission scheme), `no-grants` (the scheme grants the role nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme_name: Option<String>,
    /// The scheme's grants to the role, by permission: what an actor of the role holds through it.
    pub grants: Vec<RoleGrant>,
    /// The issue security levels whose members include the role.
    pub levels: Vec<RoleLevel>,
    /// Whether the scan read the role's actors in this project (the lean scan reads only the roles
    /// Jira's check says a bot may be in); `users` and `groups` are only meaningful when it did.
    pub actors_known: bool,
    pub users: Vec<String>,
    pub groups: Vec<RoleGroup>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleGrant {
    pub permission: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<String>,
    /// The path an actor of the role would hold it by, as data (see [`path_data`]).
    pub path: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleLevel {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleGroup {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Every project's page of one loaded snapshot.
pub struct ProjectPages {
    matrix: Matrix,
    /// Per account row: its kind, `shadow` for a person's account used as an integration.
    kinds: Vec<&'static str>,
    /// Per project (matrix order): (account row, access set) of every account with access there.
    cells: Vec<Vec<(u32, u32)>>,
    roles: Vec<RoleInProject>,
    ids: Vec<Option<String>>,
    /// Per access set: whether every path of it is a broad grant.
    broad: Vec<bool>,
    /// Warnings about one project, by project key.
    warnings: BTreeMap<String, Vec<Warning>>,
}

impl LoadedSnapshot {
    /// The pages of every project, for `settings` (the app's settings JSON; empty = defaults).
    pub fn project_pages(&self, settings: &str) -> Result<ProjectPages, ApiError> {
        let settings = parse_settings(settings)?;
        let loaded = self.loaded()?;
        if loaded.scope.project.is_some() {
            return Err(ApiError::new(
                "bad-options",
                "the snapshot was loaded for one project; pages need every project",
            ));
        }
        let site = &loaded.site;
        // The non-human accounts, and the people's accounts used as integrations: confirmed by an
        // admin or suspected by the shadow-bot heuristics (a load without people has none).
        let mut shadow = crate::governance::shadow_suspects(site, &settings);
        shadow.extend(
            site.accounts
                .values()
                .filter(|a| a.kind() == AccountKind::Human && settings.shadow_bots.confirmed.contains(&a.account_id))
                .map(|a| a.account_id.clone()),
        );
        let accounts = if shadow.is_empty() {
            AccountSelection::NonHuman
        } else {
            let bots = site.accounts.values().filter(|a| a.kind() != AccountKind::Human);
            AccountSelection::Some(bots.map(|a| a.account_id.clone()).chain(shadow.iter().cloned()).collect())
        };
        let matrix = matrix(site, &Selection { accounts, skip_transitions: false, ..Selection::default() });
        let kinds =
            matrix.accounts.iter().map(|a| if shadow.contains(&a.account_id) { "shadow" } else { a.kind }).collect();
        let mut cells = vec![Vec::new(); matrix.projects.len()];
        for (row, account) in matrix.accounts.iter().enumerate() {
            for &(p, s) in &account.cells {
                if let Some(at) = cells.get_mut(p as usize) {
                    at.push((u32::try_from(row).unwrap_or(u32::MAX), s));
                }
            }
        }
        let roles = matrix
            .projects
            .iter()
            .map(|p| {
                site.projects
                    .get(&p.key)
                    .map_or_else(|| role_nowhere(&settings), |project| role_in(site, project, &settings))
            })
            .collect();
        let ids = matrix.projects.iter().map(|p| site.projects.get(&p.key).and_then(|p| p.id.clone())).collect();
        let judge = Broad::new(site, &settings);
        let broad = matrix.sets.iter().map(|set| judge.only(set)).collect();
        let mut warnings: BTreeMap<String, Vec<Warning>> = BTreeMap::new();
        for warning in matrix.warnings.iter().chain(loaded.warnings.iter()) {
            if let Some(project) = &warning.project {
                warnings.entry(project.clone()).or_default().push(warning.clone());
            }
        }
        for list in warnings.values_mut() {
            list.sort();
            list.dedup();
        }
        Ok(ProjectPages { matrix, kinds, cells, roles, ids, broad, warnings })
    }
}

impl ProjectPages {
    pub fn count(&self) -> usize {
        self.matrix.projects.len()
    }

    pub fn key(&self, index: usize) -> Option<&str> {
        self.matrix.projects.get(index).map(|p| p.key.as_str())
    }

    /// Every account the pages name, once, as JSON text: `{accounts: [...]}`, referred to by
    /// place. At 10,000 projects the same few hundred bots are listed on most pages, so naming
    /// them on each page would make the pages ten times larger.
    pub fn directory(&self) -> String {
        #[derive(Serialize)]
        struct Directory<'a> {
            accounts: Vec<DirectoryEntry<'a>>,
        }
        let accounts = self
            .matrix
            .accounts
            .iter()
            .zip(&self.kinds)
            .map(|(a, &kind)| DirectoryEntry {
                account_id: &a.account_id,
                display_name: &a.display_name,
                kind,
                active: a.active,
                jira_admin: a.jira_admin,
                global: &a.global,
            })
            .collect();
        serde_json::to_string(&Directory { accounts }).unwrap_or_else(|_| r#"{"accounts":[]}"#.to_owned())
    }

    /// The page of the project at `index` (projects sorted by key) as JSON text, or `None` past
    /// the last one.
    pub fn page(&self, index: usize) -> Option<String> {
        let project = self.matrix.projects.get(index)?;
        let cells = self.cells.get(index)?;
        let mut paths = PathTable::default();
        let mut set_index: BTreeMap<u32, u32> = BTreeMap::new();
        let mut sets = Vec::new();
        let mut accounts = Vec::new();
        let mut broad = BroadOut::default();
        for &(row, s) in cells {
            let Some(account) = self.matrix.accounts.get(row as usize) else { continue };
            let Some(set) = self.matrix.sets.get(s as usize) else { continue };
            let broad_only = self.broad.get(s as usize).copied().unwrap_or(false);
            if broad_only {
                broad.count += 1;
                *broad.kinds.entry(self.kinds.get(row as usize).copied().unwrap_or(account.kind)).or_default() += 1;
                if broad.listed >= BROAD_LISTED {
                    continue;
                }
                broad.listed += 1;
            }
            let local = *set_index.entry(s).or_insert_with(|| {
                sets.push(SetPage::of(set, &mut paths, broad_only));
                u32::try_from(sets.len() - 1).unwrap_or(u32::MAX)
            });
            accounts.push([row, local]);
        }
        let page = PageOut {
            page_version: PAGE_VERSION,
            collected_at: &self.matrix.collected_at,
            project: ProjectOut {
                key: &project.key,
                id: self.ids.get(index).and_then(Option::as_deref),
                name: &project.name,
                team_managed: project.team_managed,
            },
            role: self.roles.get(index)?,
            paths: paths.entries.into_iter().map(path_data).collect(),
            sets,
            accounts,
            broad,
            warnings: self.warnings.get(&project.key).map_or(&[][..], Vec::as_slice),
        };
        serde_json::to_string(&page).ok()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageOut<'a> {
    page_version: u32,
    collected_at: &'a Option<String>,
    project: ProjectOut<'a>,
    role: &'a RoleInProject,
    /// Every distinct path of the page, as data; sets refer to them by index.
    paths: Vec<serde_json::Value>,
    sets: Vec<SetPage<'a>>,
    /// `[account, set]`: the account's place in the scan's directory (see
    /// [`ProjectPages::directory`]) and its access set here.
    accounts: Vec<[u32; 2]>,
    broad: BroadOut,
    warnings: &'a [Warning],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProjectOut<'a> {
    key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    name: &'a str,
    team_managed: bool,
}

/// One account of the scan's directory: what the pages say of it, once for every page.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DirectoryEntry<'a> {
    account_id: &'a str,
    display_name: &'a str,
    kind: &'static str,
    active: bool,
    jira_admin: JiraAdmin,
    global: &'a [String],
}

/// The accounts that reach the project only through broad grants: how many, of which kind, and
/// how many of them the page lists.
#[derive(Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct BroadOut {
    count: usize,
    kinds: BTreeMap<&'static str, usize>,
    listed: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SetPage<'a> {
    coverage: Coverage,
    /// Permission key → path numbers.
    permissions: BTreeMap<&'a str, Vec<u32>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    unresolved: &'a [Unresolved],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    security_levels: Vec<LevelPage<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    transitions: &'a [TransitionAccess],
    broad_only: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LevelPage<'a> {
    id: &'a str,
    name: &'a str,
    access: &'static str,
    paths: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: &'a Option<String>,
}

#[derive(Default)]
struct PathTable<'a> {
    index: HashMap<Rc<str>, u32>,
    entries: Vec<&'a PathEntry>,
}

impl<'a> PathTable<'a> {
    fn number(&mut self, entry: &'a PathEntry) -> u32 {
        if let Some(&at) = self.index.get(&entry.path) {
            return at;
        }
        let at = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        self.entries.push(entry);
        self.index.insert(Rc::clone(&entry.path), at);
        at
    }
}

impl<'a> SetPage<'a> {
    fn of(set: &'a AccessSet, paths: &mut PathTable<'a>, broad_only: bool) -> Self {
        let permissions = set
            .permissions
            .iter()
            .map(|(key, entries)| (&**key, entries.iter().map(|e| paths.number(e)).collect()))
            .collect();
        let security_levels = set
            .security_levels
            .iter()
            .map(|l| LevelPage {
                id: &l.id,
                name: &l.name,
                access: l.access,
                paths: l.paths.iter().map(|e| paths.number(e)).collect(),
                reason: &l.reason,
            })
            .collect();
        SetPage {
            coverage: set.coverage,
            permissions,
            unresolved: &set.unresolved,
            security_levels,
            transitions: &set.transitions,
            broad_only,
        }
    }
}

/// Tells broad paths: anyone, any logged-in user, a product's users, or a broad group — one the
/// settings name, or one listing at least `broadGroupShare` of the site's active people (as the
/// `broad-access` finding counts them; from the counts a load without people kept). Each group is
/// judged once.
pub struct Broad<'a> {
    site: &'a Site,
    settings: &'a Settings,
    people: usize,
    groups: std::cell::RefCell<HashMap<String, bool>>,
}

impl<'a> Broad<'a> {
    pub fn new(site: &'a Site, settings: &'a Settings) -> Self {
        let people = match &site.people_counts {
            Some(counts) => counts.active,
            None => site.accounts.values().filter(|a| is_person(a)).count(),
        };
        Broad { site, settings, people, groups: std::cell::RefCell::new(HashMap::new()) }
    }

    pub fn path(&self, path: &Path) -> bool {
        match &path.via {
            Via::Anyone | Via::AnyLoggedIn | Via::ApplicationRole { .. } => true,
            Via::Group { name, id } => self.group(id, name),
            _ => false,
        }
    }

    fn group(&self, id: &str, name: &str) -> bool {
        if let Some(&known) = self.groups.borrow().get(id) {
            return known;
        }
        let (site, settings) = (self.site, self.settings);
        let named = settings.broad_groups.iter().any(|g| g == id || g == name);
        let members = match &site.people_counts {
            Some(counts) => counts.by_group.get(id).copied().unwrap_or(0),
            None => site
                .group_members
                .get(id)
                .map_or(0, |m| m.iter().filter(|a| site.accounts.get(*a).is_some_and(is_person)).count()),
        };
        let broad = named || (self.people > 0 && members as f64 >= settings.broad_group_share * self.people as f64);
        self.groups.borrow_mut().insert(id.to_owned(), broad);
        broad
    }

    /// A set whose every path (permissions and levels) is broad; an empty set is not.
    fn only(&self, set: &AccessSet) -> bool {
        let mut paths = set
            .permissions
            .values()
            .flatten()
            .chain(set.security_levels.iter().flat_map(|l| l.paths.iter()))
            .peekable();
        paths.peek().is_some() && paths.all(|p| self.path(&p.typed))
    }
}

fn is_person(account: &crate::model::Account) -> bool {
    account.active && account.kind() == AccountKind::Human
}

fn role_nowhere(settings: &Settings) -> RoleInProject {
    RoleInProject {
        wanted: settings.service_account_role.clone(),
        id: None,
        name: None,
        problem: Some("no-role"),
        scheme_id: None,
        scheme_name: None,
        grants: Vec::new(),
        levels: Vec::new(),
        actors_known: false,
        users: Vec::new(),
        groups: Vec::new(),
    }
}

/// What membership of the settings' service-account role gives in `project`.
pub fn role_in(site: &Site, project: &Project, settings: &Settings) -> RoleInProject {
    let wanted = settings.service_account_role.trim();
    let role = site.roles.get(wanted).or_else(|| site.roles.values().find(|r| r.name.eq_ignore_ascii_case(wanted)));
    let mut out = role_nowhere(settings);
    let Some(role) = role else { return out };
    out.id = Some(role.id.clone());
    out.name = Some(role.name.clone());
    if project.team_managed {
        out.problem = Some("team-managed");
        return out;
    }
    let scheme = project.scheme_id.as_ref().and_then(|id| site.schemes.get(id));
    let holds = |h: &Holder| matches!(h, Holder::ProjectRole(id) if *id == role.id);
    if let Some(scheme) = scheme {
        out.scheme_id = Some(scheme.id.clone());
        out.scheme_name = Some(scheme.name.clone());
        let mut grants: Vec<RoleGrant> = scheme
            .grants
            .iter()
            .filter(|g| holds(&g.holder))
            .map(|g| RoleGrant {
                permission: g.permission.clone(),
                grant_id: g.id.clone(),
                path: path_data(&PathEntry::new(Path {
                    origin: Origin::Grant {
                        scheme_id: scheme.id.clone(),
                        scheme_name: scheme.name.clone(),
                        grant: g.id.clone(),
                    },
                    via: Via::Role { id: role.id.clone(), name: role.name.clone(), actor: RoleActorVia::User },
                })),
            })
            .collect();
        grants.sort_by(|a, b| a.permission.cmp(&b.permission).then_with(|| a.grant_id.cmp(&b.grant_id)));
        out.grants = grants;
    }
    if let Some(levels) = site.project_security_scheme.get(&project.key).and_then(|id| site.security_schemes.get(id)) {
        out.levels = levels
            .levels
            .iter()
            .filter(|l| l.members.iter().any(holds))
            .map(|l| RoleLevel { id: l.id.clone(), name: l.name.clone() })
            .collect();
    }
    out.problem = match (scheme, out.grants.is_empty() && out.levels.is_empty()) {
        (None, _) => Some("scheme-unread"),
        (Some(_), true) => Some("no-grants"),
        _ => None,
    };
    let actors = site.role_actors.get(&project.key).and_then(|roles| roles.get(&role.id));
    out.actors_known = actors.is_some() && !site.incomplete_roles.contains(&(project.key.clone(), role.id.clone()));
    for actor in actors.into_iter().flatten() {
        match actor {
            Actor::User(id) => out.users.push(id.clone()),
            Actor::Group { id, name } => out.groups.push(RoleGroup { id: id.clone(), name: name.clone() }),
        }
    }
    out.users.sort();
    out
}
