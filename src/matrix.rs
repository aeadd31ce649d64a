//! The full access matrix, compact: every account × every project, with every path, in a form whose
//! size follows the site's configuration rather than accounts × projects.
//!
//! Most cells of a large site repeat: an account that holds no role in a project gets what the
//! project's schemes give it, and so does every other project with the same schemes. The matrix
//! stores each distinct cell once (an *access set*) and each account's row as references to them.
//! `expand` turns it into the `analyze` contract ([`Analysis`]); serialized, it is the `matrix` form
//! documented in `schema/analysis-matrix-v1.schema.json`.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::Serialize;

use crate::engine::Permissions;
use crate::report::{
    ANALYSIS_VERSION, AccountAccess, Analysis, Coverage, LevelAccess, PathEntry, ProjectAccess, TransitionAccess,
    Unresolved,
};
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
                }
            })
            .collect();
        Analysis { analysis_version: ANALYSIS_VERSION, site, collected_at, accounts, warnings }
    }
}

// ---- the `matrix` form ------------------------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MatrixOut<'a> {
    analysis_version: u32,
    form: &'static str,
    site: &'a Option<String>,
    collected_at: &'a Option<String>,
    /// Every distinct path line; access sets refer to them by index.
    paths: Vec<&'a PathEntry>,
    sets: Vec<SetOut<'a>>,
    projects: &'a [ProjectRef],
    accounts: Vec<AccountOut<'a>>,
    warnings: &'a [Warning],
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
struct LevelOut<'a> {
    id: &'a str,
    name: &'a str,
    access: &'static str,
    paths: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: &'a Option<String>,
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
    /// Access sets in index order, each with the projects (indices) where the account has it.
    access: Vec<CellsOut>,
}

#[derive(Serialize)]
struct CellsOut {
    set: u32,
    projects: Vec<u32>,
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
        let sets = self
            .sets
            .iter()
            .map(|set| SetOut {
                coverage: set.coverage,
                permissions: set
                    .permissions
                    .iter()
                    .map(|(key, paths)| (&**key, paths.iter().map(|p| table.id(p)).collect()))
                    .collect(),
                unresolved: &set.unresolved,
                security_levels: set
                    .security_levels
                    .iter()
                    .map(|l| LevelOut {
                        id: &l.id,
                        name: &l.name,
                        access: l.access,
                        paths: l.paths.iter().map(|p| table.id(p)).collect(),
                        reason: &l.reason,
                    })
                    .collect(),
                transitions: &set.transitions,
            })
            .collect();
        // Per set: a count, then the position of its group; reset after each row. A row of a large
        // site has thousands of cells over a few hundred sets: grouping through a map cost more than
        // writing the answer.
        let mut slot = vec![0u32; self.sets.len()];
        let accounts = self
            .accounts
            .iter()
            .map(|row| {
                let mut touched: Vec<u32> = Vec::new();
                for &(_, s) in &row.cells {
                    if let Some(count) = slot.get_mut(s as usize) {
                        if *count == 0 {
                            touched.push(s);
                        }
                        *count += 1;
                    }
                }
                touched.sort_unstable();
                let mut access: Vec<CellsOut> = Vec::with_capacity(touched.len());
                for (at, &s) in touched.iter().enumerate() {
                    if let Some(count) = slot.get_mut(s as usize) {
                        access.push(CellsOut { set: s, projects: Vec::with_capacity(*count as usize) });
                        *count = u32::try_from(at).unwrap_or(u32::MAX);
                    }
                }
                // Projects in row order, which is project order.
                for &(p, s) in &row.cells {
                    if let Some(group) = slot.get(s as usize).and_then(|&at| access.get_mut(at as usize)) {
                        group.projects.push(p);
                    }
                }
                for &s in &touched {
                    if let Some(count) = slot.get_mut(s as usize) {
                        *count = 0;
                    }
                }
                AccountOut {
                    account_id: &row.account_id,
                    display_name: &row.display_name,
                    kind: row.kind,
                    active: row.active,
                    global: &row.global,
                    global_coverage: row.global_coverage,
                    access,
                }
            })
            .collect();
        MatrixOut {
            analysis_version: ANALYSIS_VERSION,
            form: "matrix",
            site: &self.site,
            collected_at: &self.collected_at,
            paths: table.paths,
            sets,
            projects: &self.projects,
            accounts,
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
