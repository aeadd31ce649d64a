//! One account's access as rules read it, borrowed from the `analyze` contract or from the
//! compact matrix alike. Read from the matrix, a cell is its project and its shared access set:
//! nothing is copied per project, so looking at every bot of a 10,000-project site costs what the
//! matrix costs, not accounts × projects expanded.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::matrix::{AccessSet, AccountRow, Matrix, ProjectRef};
use super::{AccountAccess, Coverage, JiraAdmin, LevelAccess, PathEntry, ProjectAccess, TransitionAccess, Unresolved};

/// An account's facts and its projects, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct AccountView<'a> {
    pub account_id: &'a str,
    pub display_name: &'a str,
    pub kind: &'static str,
    pub active: bool,
    pub global: &'a [String],
    pub global_coverage: Coverage,
    pub jira_admin: JiraAdmin,
    expanded: &'a [ProjectAccess],
    cells: Cells<'a>,
}

/// A matrix row's cells with what they index into.
#[derive(Debug, Clone, Copy)]
struct Cells<'a> {
    cells: &'a [(u32, u32)],
    projects: &'a [ProjectRef],
    sets: &'a [Rc<AccessSet>],
}

/// What an account can do in one project, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct ProjectView<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub team_managed: bool,
    pub coverage: Coverage,
    /// Permission key → every path that grants it, sorted.
    pub permissions: &'a BTreeMap<Rc<str>, Vec<PathEntry>>,
    pub unresolved: &'a [Unresolved],
    pub security_levels: &'a [LevelAccess],
    pub transitions: &'a [TransitionAccess],
}

impl<'a> AccountView<'a> {
    /// The projects where the account can do something, in project order.
    pub fn projects(&self) -> impl Iterator<Item = ProjectView<'a>> + 'a {
        let Cells { cells, projects, sets } = self.cells;
        let matrix = cells.iter().filter_map(move |&(p, s)| {
            let project = projects.get(p as usize)?;
            let set = sets.get(s as usize)?;
            Some(ProjectView {
                key: &project.key,
                name: &project.name,
                team_managed: project.team_managed,
                coverage: set.coverage,
                permissions: &set.permissions,
                unresolved: &set.unresolved,
                security_levels: &set.security_levels,
                transitions: &set.transitions,
            })
        });
        self.expanded.iter().map(ProjectAccess::view).chain(matrix)
    }
}

impl ProjectAccess {
    pub fn view(&self) -> ProjectView<'_> {
        ProjectView {
            key: &self.key,
            name: &self.name,
            team_managed: self.team_managed,
            coverage: self.coverage,
            permissions: &self.permissions,
            unresolved: &self.unresolved,
            security_levels: &self.security_levels,
            transitions: &self.transitions,
        }
    }
}

impl AccountAccess {
    pub fn view(&self) -> AccountView<'_> {
        AccountView {
            account_id: &self.account_id,
            display_name: &self.display_name,
            kind: self.kind,
            active: self.active,
            global: &self.global,
            global_coverage: self.global_coverage,
            jira_admin: self.jira_admin,
            expanded: &self.projects,
            cells: Cells { cells: &[], projects: &[], sets: &[] },
        }
    }
}

impl Matrix {
    /// `row` (one of this matrix's) read in place.
    pub fn view<'a>(&'a self, row: &'a AccountRow) -> AccountView<'a> {
        AccountView {
            account_id: &row.account_id,
            display_name: &row.display_name,
            kind: row.kind,
            active: row.active,
            global: &row.global,
            global_coverage: row.global_coverage,
            jira_admin: row.jira_admin,
            expanded: &[],
            cells: Cells { cells: &row.cells, projects: &self.projects, sets: &self.sets },
        }
    }

    /// Every row read in place, in row order.
    pub fn views(&self) -> impl Iterator<Item = AccountView<'_>> {
        self.accounts.iter().map(|row| self.view(row))
    }
}
