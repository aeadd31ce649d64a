//! The full access matrix, compact: every account × every project, with every path, in a form whose
//! size follows the site's configuration rather than accounts × projects.
//!
//! Most cells of a large site repeat: an account that holds no role in a project gets what the
//! project's schemes give it, and so does every other project with the same schemes. The matrix
//! stores each distinct cell once (an *access set*) and each account's row as references to them.
//! `expand` turns it into the `analyze` contract ([`Analysis`]); serialized, it is the `matrix` form
//! documented in `schema/analysis-matrix-v1.schema.json`.

use std::rc::Rc;

use serde::Serialize;

use crate::analysis::{
    ANALYSIS_VERSION, AccountAccess, Analysis, Coverage, JiraAdmin, LevelAccess, PathEntry, ProjectAccess,
    TransitionAccess, Unresolved,
};
use crate::engine::Permissions;
use crate::warning::Warning;

/// What an account can do in one project, without naming the project: many cells share one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccessSet {
    pub coverage: Coverage,
    pub permissions: Permissions,
    pub unresolved: Vec<Unresolved>,
    pub security_levels: Vec<LevelAccess>,
    pub transitions: Vec<TransitionAccess>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectRef {
    pub key: String,
    pub name: String,
    pub team_managed: bool,
}

/// One account's row: the account, then (project index, access-set index) in project order. Projects
/// where the account can do nothing are left out, as in the `analyze` contract.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub account_id: String,
    pub display_name: String,
    pub kind: &'static str,
    pub active: bool,
    pub global: Vec<String>,
    pub global_coverage: Coverage,
    pub jira_admin: JiraAdmin,
    pub cells: Vec<(u32, u32)>,
}

#[derive(Debug, Clone)]
pub struct Matrix {
    pub site: Option<String>,
    pub collected_at: Option<String>,
    /// The analysed projects, sorted by key.
    pub projects: Vec<ProjectRef>,
    pub sets: Vec<Rc<AccessSet>>,
    pub accounts: Vec<AccountRow>,
    pub warnings: Vec<Warning>,
}

/// Hands out one index per distinct access set.
#[derive(Debug, Default)]
pub struct SetInterner {
    index: rustc_hash::FxHashMap<Rc<AccessSet>, u32>,
    sets: Vec<Rc<AccessSet>>,
}

impl SetInterner {
    pub fn intern(&mut self, set: AccessSet) -> u32 {
        if let Some(&at) = self.index.get(&set) {
            return at;
        }
        let at = u32::try_from(self.sets.len()).unwrap_or(u32::MAX);
        let set = Rc::new(set);
        self.sets.push(Rc::clone(&set));
        self.index.insert(set, at);
        at
    }

    pub fn into_sets(self) -> Vec<Rc<AccessSet>> {
        self.sets
    }
}

impl Matrix {
    /// The `analyze` contract: one entry per (account, project) cell. The permission maps are
    /// shared with the matrix, not copied.
    pub fn expand(self) -> Analysis {
        let Matrix { site, collected_at, projects, sets, accounts, warnings } = self;
        let accounts = accounts
            .into_iter()
            .map(|row| {
                let cells = row.cells.iter().filter_map(|&(p, s)| {
                    let project = projects.get(p as usize)?;
                    let set = sets.get(s as usize)?;
                    Some(ProjectAccess {
                        key: project.key.clone(),
                        name: project.name.clone(),
                        team_managed: project.team_managed,
                        coverage: set.coverage,
                        permissions: Rc::clone(&set.permissions),
                        unresolved: set.unresolved.clone(),
                        security_levels: set.security_levels.clone(),
                        transitions: set.transitions.clone(),
                    })
                });
                AccountAccess {
                    projects: cells.collect(),
                    account_id: row.account_id,
                    display_name: row.display_name,
                    kind: row.kind,
                    active: row.active,
                    global: row.global,
                    global_coverage: row.global_coverage,
                    jira_admin: row.jira_admin,
                }
            })
            .collect();
        Analysis { analysis_version: ANALYSIS_VERSION, site, collected_at, accounts, warnings }
    }
}

// ---- the `matrix` form ------------------------------------------------------------------------
//
// Written straight from the matrix: a large site's answer has millions of cells in hundreds of
// thousands of (account, set) groups, and collecting each group into a vector of its own before
// writing it cost more allocation than writing took.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MatrixOut<'a> {
    analysis_version: u32,
    form: &'static str,
    site: &'a Option<String>,
    collected_at: &'a Option<String>,
    /// Every distinct path line; access sets refer to them by index.
    paths: Vec<&'a PathEntry>,
    sets: SetsOut<'a>,
    projects: &'a [ProjectRef],
    accounts: RowsOut<'a>,
    warnings: &'a [Warning],
}

/// The access sets, with the path numbers of all of them in one list, in set order and within a
/// set in the order written: permissions (by key), then security levels.
struct SetsOut<'a> {
    sets: &'a [Rc<AccessSet>],
    ids: &'a [u32],
}

struct SetOut<'a> {
    set: &'a AccessSet,
    ids: &'a [u32],
}

/// A permission → path numbers map, or security levels, with their numbers from `ids` in turn.
struct PermissionsOut<'a>(&'a AccessSet, &'a [u32]);
struct LevelsOut<'a>(&'a [LevelAccess], &'a [u32]);

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LevelOut<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: &'a Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    is_default: bool,
    access: &'static str,
    paths: &'a [u32],
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: &'a Option<String>,
}

/// The first `n` of `ids` and the rest; short only if the numbering went wrong.
fn take(ids: &[u32], n: usize) -> (&[u32], &[u32]) {
    ids.split_at_checked(n).unwrap_or((ids, &[]))
}

impl Serialize for SetsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.sets.len()))?;
        let mut rest = self.ids;
        for set in self.sets {
            let (ids, after) = take(rest, path_count(set));
            seq.serialize_element(&SetOut { set, ids })?;
            rest = after;
        }
        seq.end()
    }
}

fn path_count(set: &AccessSet) -> usize {
    set.permissions.values().map(Vec::len).sum::<usize>()
        + set.security_levels.iter().map(|l| l.paths.len()).sum::<usize>()
}

impl Serialize for SetOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let set = self.set;
        let (permissions, levels) = take(self.ids, set.permissions.values().map(Vec::len).sum());
        let mut out = serializer.serialize_struct("SetOut", 5)?;
        out.serialize_field("coverage", &set.coverage)?;
        out.serialize_field("permissions", &PermissionsOut(set, permissions))?;
        if !set.unresolved.is_empty() {
            out.serialize_field("unresolved", &set.unresolved)?;
        }
        if !set.security_levels.is_empty() {
            out.serialize_field("securityLevels", &LevelsOut(&set.security_levels, levels))?;
        }
        if !set.transitions.is_empty() {
            out.serialize_field("transitions", &set.transitions)?;
        }
        out.end()
    }
}

impl Serialize for PermissionsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.permissions.len()))?;
        let mut rest = self.1;
        for (key, paths) in self.0.permissions.iter() {
            let (ids, after) = take(rest, paths.len());
            map.serialize_entry(&**key, ids)?;
            rest = after;
        }
        map.end()
    }
}

impl Serialize for LevelsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        let mut rest = self.1;
        for l in self.0 {
            let (paths, after) = take(rest, l.paths.len());
            seq.serialize_element(&LevelOut {
                id: &l.id,
                name: &l.name,
                description: &l.description,
                is_default: l.is_default,
                access: l.access,
                paths,
                reason: &l.reason,
            })?;
            rest = after;
        }
        seq.end()
    }
}

struct RowsOut<'a> {
    rows: &'a [AccountRow],
    sets: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountOut<'a> {
    account_id: &'a str,
    display_name: &'a str,
    kind: &'static str,
    active: bool,
    global: &'a [String],
    global_coverage: Coverage,
    jira_admin: JiraAdmin,
    /// Access sets in index order, each with the projects (indices) where the account has it.
    access: GroupsOut<'a>,
}

/// One row's cells grouped by set: (set, projects) with the projects in `projects`, in turn.
struct GroupsOut<'a> {
    groups: &'a [(u32, u32)],
    projects: &'a [u32],
}

#[derive(Serialize)]
struct CellsOut<'a> {
    set: u32,
    projects: &'a [u32],
}

impl Serialize for RowsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.rows.len()))?;
        // Per set: a count, then where its group's projects go; reset after each row. A row of a
        // large site has thousands of cells over a few hundred sets.
        let mut slot = vec![0u32; self.sets];
        let mut touched: Vec<u32> = Vec::new();
        let mut groups: Vec<(u32, u32)> = Vec::new();
        let mut projects: Vec<u32> = Vec::new();
        for row in self.rows {
            touched.clear();
            for &(_, s) in &row.cells {
                if let Some(count) = slot.get_mut(s as usize) {
                    if *count == 0 {
                        touched.push(s);
                    }
                    *count += 1;
                }
            }
            touched.sort_unstable();
            groups.clear();
            let mut at = 0u32;
            for &s in &touched {
                if let Some(count) = slot.get_mut(s as usize) {
                    groups.push((s, *count));
                    let start = at;
                    at += *count;
                    *count = start;
                }
            }
            // Projects in row order, which is project order.
            projects.clear();
            projects.resize(row.cells.len(), 0);
            for &(p, s) in &row.cells {
                if let Some(next) = slot.get_mut(s as usize) {
                    if let Some(to) = projects.get_mut(*next as usize) {
                        *to = p;
                    }
                    *next += 1;
                }
            }
            for &s in &touched {
                if let Some(count) = slot.get_mut(s as usize) {
                    *count = 0;
                }
            }
            seq.serialize_element(&AccountOut {
                account_id: &row.account_id,
                display_name: &row.display_name,
                kind: row.kind,
                active: row.active,
                global: &row.global,
                global_coverage: row.global_coverage,
                jira_admin: row.jira_admin,
                access: GroupsOut { groups: &groups, projects: &projects },
            })?;
        }
        seq.end()
    }
}

impl Serialize for GroupsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.groups.len()))?;
        let mut rest = self.projects;
        for &(set, count) in self.groups {
            let (projects, after) = take(rest, count as usize);
            seq.serialize_element(&CellsOut { set, projects })?;
            rest = after;
        }
        seq.end()
    }
}

#[derive(Default)]
struct PathTable<'a> {
    index: rustc_hash::FxHashMap<&'a str, u32>,
    paths: Vec<&'a PathEntry>,
}

impl<'a> PathTable<'a> {
    fn id(&mut self, entry: &'a PathEntry) -> u32 {
        if let Some(&at) = self.index.get(&*entry.path) {
            return at;
        }
        let at = u32::try_from(self.paths.len()).unwrap_or(u32::MAX);
        self.paths.push(entry);
        self.index.insert(&entry.path, at);
        at
    }
}

impl Serialize for Matrix {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut table = PathTable::default();
        let mut ids = Vec::new();
        for set in &self.sets {
            for paths in set.permissions.values() {
                ids.extend(paths.iter().map(|p| table.id(p)));
            }
            for level in &set.security_levels {
                ids.extend(level.paths.iter().map(|p| table.id(p)));
            }
        }
        MatrixOut {
            analysis_version: ANALYSIS_VERSION,
            form: "matrix",
            site: &self.site,
            collected_at: &self.collected_at,
            paths: table.paths,
            sets: SetsOut { sets: &self.sets, ids: &ids },
            projects: &self.projects,
            accounts: RowsOut { rows: &self.accounts, sets: self.sets.len() },
            warnings: &self.warnings,
        }
        .serialize(serializer)
    }
}

// ---- the inventory: one line per account ------------------------------------------------------

pub const INVENTORY_VERSION: u32 = 1;

/// One account as the admin page lists it first: counts over its cells, not the cells. An account's
/// projects and paths are asked for separately (`analyze` with `accountId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    pub account_id: String,
    pub display_name: String,
    /// `service` | `app` | `human`.
    pub kind: &'static str,
    pub active: bool,
    pub global: Vec<String>,
    pub global_coverage: Coverage,
    pub jira_admin: JiraAdmin,
    /// Projects where it holds some permission on every issue.
    pub unconditional_projects: usize,
    /// Projects where everything it holds depends on the issue (reporter, assignee, a user field).
    pub conditional_projects: usize,
    /// Projects where some grants could not be evaluated (coverage `partial`).
    pub partial_projects: usize,
    /// Projects where nothing could be evaluated (coverage `none`).
    pub unknown_projects: usize,
    /// Grants that could not be evaluated, over all its projects.
    pub unresolved: usize,
}

/// The inventory's first view: every selected account in one line, sorted by display name
/// (case-insensitive), then account id.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    pub inventory_version: u32,
    pub site: Option<String>,
    pub collected_at: Option<String>,
    /// How many projects were analysed.
    pub project_count: usize,
    pub accounts: Vec<AccountSummary>,
}

impl Matrix {
    /// One line per account, counted from the distinct cells: no cell is expanded, so its cost
    /// follows the matrix, not accounts × projects × paths.
    pub fn summarize(&self) -> Inventory {
        let mut accounts: Vec<AccountSummary> = self.accounts.iter().map(|row| self.summarize_row(row)).collect();
        accounts.sort_by_cached_key(|a| (a.display_name.to_lowercase(), a.account_id.clone()));
        Inventory {
            inventory_version: INVENTORY_VERSION,
            site: self.site.clone(),
            collected_at: self.collected_at.clone(),
            project_count: self.projects.len(),
            accounts,
        }
    }

    fn summarize_row(&self, row: &AccountRow) -> AccountSummary {
        let mut summary = AccountSummary {
            account_id: row.account_id.clone(),
            display_name: row.display_name.clone(),
            kind: row.kind,
            active: row.active,
            global: row.global.clone(),
            global_coverage: row.global_coverage,
            jira_admin: row.jira_admin,
            unconditional_projects: 0,
            conditional_projects: 0,
            partial_projects: 0,
            unknown_projects: 0,
            unresolved: 0,
        };
        for set in row.cells.iter().filter_map(|&(_, s)| self.sets.get(s as usize)) {
            let mut paths = set.permissions.values().flat_map(|paths| paths.iter()).peekable();
            if paths.clone().any(|p| !p.conditional) {
                summary.unconditional_projects += 1;
            } else if paths.peek().is_some() {
                summary.conditional_projects += 1;
            }
            match set.coverage {
                Coverage::Complete => {}
                Coverage::Partial => summary.partial_projects += 1,
                Coverage::None => summary.unknown_projects += 1,
            }
            summary.unresolved += set.unresolved.len();
        }
        summary
    }
}
