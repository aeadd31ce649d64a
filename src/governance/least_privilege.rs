//! Least privilege (a bot holds only what its integration uses; it gets more only when a project
//! administrator decides so): what a bot holds beyond its declared need, what it lacks, and the
//! smallest set of role and group memberships that brings one to the other — checked with the
//! engine's what-if so nobody else's access changes unnoticed.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Scope;
use super::changes::{Membership, change_set};
use super::registry::Need;
use crate::analysis::path::{RoleActorVia, Via};
use crate::analysis::view::{AccountView, ProjectView};
use crate::analysis::{AccountAccess, Coverage};
use crate::engine::what_if::{self, AccessChange};
use crate::engine::{AccountSelection, Selection, analyze};
use crate::model::{Actor, Holder, Site};

/// Candidate memberships per project beyond which the search stops being exhaustive.
const EXHAUSTIVE_LIMIT: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectGap {
    pub key: String,
    /// Held (unconditionally) and not needed.
    pub excess: Vec<String>,
    /// Needed and not held: the integration will fail on these.
    pub missing: Vec<String>,
    /// Needed, and the snapshot cannot tell whether they are held (never claimed missing).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    pub account_id: String,
    pub projects: Vec<ProjectGap>,
    pub global_excess: Vec<String>,
    pub global_missing: Vec<String>,
}

impl Assessment {
    pub fn has_excess(&self) -> bool {
        !self.global_excess.is_empty() || self.projects.iter().any(|p| !p.excess.is_empty())
    }
    pub fn has_missing(&self) -> bool {
        !self.global_missing.is_empty() || self.projects.iter().any(|p| !p.missing.is_empty())
    }
}

fn held(project: &ProjectView<'_>) -> BTreeSet<String> {
    project
        .permissions
        .iter()
        .filter(|(_, paths)| paths.iter().any(|p| !p.conditional))
        .map(|(k, _)| k.to_string())
        .collect()
}

fn unresolved(project: &ProjectView<'_>, permission: &str) -> bool {
    project.coverage == Coverage::None
        || project.unresolved.iter().any(|u| u.permission == "*" || u.permission == permission)
}

/// Compares what `access` holds with `need`, project by project.
pub fn compare(site: &Site, access: &AccountView<'_>, need: &Need) -> Assessment {
    let needed: BTreeSet<&String> = need.permissions.iter().collect();
    let by_key: BTreeMap<&str, ProjectView<'_>> = access.projects().map(|p| (p.key, p)).collect();
    let mut keys: BTreeSet<&str> = by_key.keys().copied().collect();
    keys.extend(site.projects.keys().map(String::as_str).filter(|k| need.covers_project(k)));
    let mut projects = Vec::new();
    for key in keys {
        let in_scope = need.covers_project(key);
        let (holds, project) = match by_key.get(key) {
            Some(p) => (held(p), Some(p)),
            None => (BTreeSet::new(), None),
        };
        let mut gap = ProjectGap { key: key.to_owned(), ..ProjectGap::default() };
        for permission in &holds {
            if !(in_scope && needed.contains(permission)) {
                gap.excess.push(permission.clone());
            }
        }
        if in_scope && access.active {
            for permission in &needed {
                if holds.contains(*permission) {
                    continue;
                }
                if project.is_some_and(|p| unresolved(p, permission)) {
                    gap.unknown.push((*permission).clone());
                } else {
                    gap.missing.push((*permission).clone());
                }
            }
        }
        if !(gap.excess.is_empty() && gap.missing.is_empty() && gap.unknown.is_empty()) {
            projects.push(gap);
        }
    }
    let global: BTreeSet<&String> = access.global.iter().collect();
    let global_excess = access.global.iter().filter(|k| !need.global.contains(k)).cloned().collect();
    // Missing only where Jira's check was asked about it and said no.
    let asked = site.checks.get(access.account_id).map(|c| &c.global_asked);
    let global_missing = if access.global_coverage == Coverage::None || !access.active {
        Vec::new()
    } else {
        need.global.iter().filter(|k| !global.contains(k) && asked.is_some_and(|a| a.contains(*k))).cloned().collect()
    };
    Assessment { account_id: access.account_id.to_owned(), projects, global_excess, global_missing }
}

/// The assessment of a registered bot with a declared need; `None` without one.
pub fn assess(scope: &Scope<'_>, account_id: &str) -> Option<Assessment> {
    let need = scope.registry.entry(account_id)?.need.as_ref()?;
    let access = scope.access(account_id)?;
    Some(compare(scope.site, &access, need))
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Remaining {
    pub project: String,
    pub permission: String,
    /// The paths that still give it: not role or group memberships of the bot (a direct grant,
    /// `anyone`, a broad group in a scheme…), so fixing them means changing a scheme.
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub account_id: String,
    pub display_name: String,
    pub before: Assessment,
    /// The smallest membership change set found; the same JSON `what-if` takes.
    pub changes: Vec<Membership>,
    pub after: Assessment,
    /// Excess the change set cannot remove, with the paths that keep it.
    pub remaining: Vec<Remaining>,
    /// Everyone else whose access the change set would change (empty when it touches only the bot).
    pub others_affected: Vec<AccessChange>,
    /// Whether what-if confirmed the bot ends exactly at `after`.
    pub verified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    NotRegistered { account: String },
    NoNeed { account: String },
    NotInSnapshot { account: String },
    WhatIf { message: String },
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::NotRegistered { account } => write!(f, "account `{account}` is not in the registry"),
            PlanError::NoNeed { account } => {
                write!(f, "the registry entry of `{account}` declares no `need`, so there is nothing to compare")
            }
            PlanError::NotInSnapshot { account } => write!(f, "account `{account}` is not in the snapshot"),
            PlanError::WhatIf { message } => write!(f, "the change set could not be checked: {message}"),
        }
    }
}

fn analyse_one(site: &Site, account_id: &str, project: Option<&str>) -> Option<AccountAccess> {
    let selection = Selection {
        accounts: AccountSelection::One(account_id.to_owned()),
        project: project.map(str::to_owned),
        skip_transitions: true,
        exhaustive: false,
    };
    analyze(site, &selection).accounts.into_iter().next()
}

/// (missing, excess) counts: what the search minimises, missing first (a broken integration is
/// worse than an excess), then the number of changes.
fn score(site: &Site, access: &AccountAccess, need: &Need, project: Option<&str>) -> (usize, usize) {
    let access = &access.view();
    let assessment = compare(site, access, need);
    assessment
        .projects
        .iter()
        .filter(|p| project.is_none_or(|k| p.key == k))
        .fold((0, 0), |(m, e), p| (m + p.missing.len(), e + p.excess.len()))
}

fn try_changes(site: &Site, changes: &[Membership]) -> Option<Site> {
    what_if::apply(site, &change_set(changes)).ok()
}

/// Roles whose grants in `project`'s scheme give any of `permissions`.
fn roles_granting(site: &Site, project: &str, permissions: &[String]) -> BTreeSet<String> {
    let scheme = site.projects.get(project).and_then(|p| p.scheme_id.as_ref()).and_then(|id| site.schemes.get(id));
    scheme
        .into_iter()
        .flat_map(|s| s.grants.iter())
        .filter(|g| permissions.contains(&g.permission))
        .filter_map(|g| match &g.holder {
            Holder::ProjectRole(role) => Some(role.clone()),
            _ => None,
        })
        .collect()
}

fn direct_roles(site: &Site, project: &str, account_id: &str) -> BTreeSet<String> {
    site.role_actors
        .get(project)
        .into_iter()
        .flat_map(|roles| roles.iter())
        .filter(|(_, actors)| actors.iter().any(|a| matches!(a, Actor::User(u) if u == account_id)))
        .map(|(role, _)| role.clone())
        .collect()
}

/// The best subset of `candidates` for one project, searched exhaustively when small.
fn best_for_project(
    site: &Site,
    account_id: &str,
    need: &Need,
    project: &str,
    candidates: &[Membership],
) -> Vec<Membership> {
    let evaluate = |chosen: &[Membership]| -> Option<(usize, usize, usize)> {
        let next = try_changes(site, chosen)?;
        let access = analyse_one(&next, account_id, Some(project))?;
        let (missing, excess) = score(&next, &access, need, Some(project));
        Some((missing, excess, chosen.len()))
    };
    let mut best: Vec<Membership> = Vec::new();
    let Some(mut best_score) = evaluate(&best) else { return best };
    if candidates.len() <= EXHAUSTIVE_LIMIT {
        for mask in 1u32..(1u32 << candidates.len()) {
            let chosen: Vec<Membership> =
                candidates.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, c)| c.clone()).collect();
            if let Some(s) = evaluate(&chosen)
                && s < best_score
            {
                best_score = s;
                best = chosen;
            }
        }
    } else {
        // Greedy: keep each single change that improves the score.
        for candidate in candidates {
            let mut chosen = best.clone();
            chosen.push(candidate.clone());
            if let Some(s) = evaluate(&chosen)
                && s < best_score
            {
                best_score = s;
                best = chosen;
            }
        }
    }
    best
}

/// Groups the bot is in that give it excess through a scheme or a role.
fn excess_groups(access: &AccountAccess, assessment: &Assessment) -> BTreeSet<String> {
    let mut groups = BTreeSet::new();
    for gap in &assessment.projects {
        let Some(project) = access.projects.iter().find(|p| p.key == gap.key) else { continue };
        for permission in &gap.excess {
            for entry in project.permissions.get(permission.as_str()).into_iter().flatten() {
                match &entry.typed.via {
                    Via::Group { id, .. } | Via::Role { actor: RoleActorVia::Group { id, .. }, .. } => {
                        groups.insert(id.clone());
                    }
                    _ => {}
                }
            }
        }
    }
    groups
}

/// The least-privilege plan of a registered bot.
pub fn plan(scope: &Scope<'_>, account_id: &str) -> Result<Plan, PlanError> {
    let entry =
        scope.registry.entry(account_id).ok_or_else(|| PlanError::NotRegistered { account: account_id.to_owned() })?;
    let need = entry.need.as_ref().ok_or_else(|| PlanError::NoNeed { account: account_id.to_owned() })?;
    let account = scope
        .site
        .accounts
        .get(account_id)
        .ok_or_else(|| PlanError::NotInSnapshot { account: account_id.to_owned() })?;
    let site = scope.site;
    let access = analyse_one(site, account_id, None)
        .ok_or_else(|| PlanError::NotInSnapshot { account: account_id.to_owned() })?;
    let before = compare(site, &access.view(), need);

    let mut changes = Vec::new();
    for gap in &before.projects {
        let direct = direct_roles(site, &gap.key, account_id);
        let mut candidates: Vec<Membership> = direct
            .iter()
            .map(|role| Membership::RemoveRoleActor {
                project: gap.key.clone(),
                role_id: role.clone(),
                account_id: account_id.to_owned(),
            })
            .collect();
        if !gap.missing.is_empty() {
            for role in roles_granting(site, &gap.key, &gap.missing) {
                if !direct.contains(&role) {
                    candidates.push(Membership::AddRoleActor {
                        project: gap.key.clone(),
                        role_id: role,
                        account_id: account_id.to_owned(),
                    });
                }
            }
        }
        changes.extend(best_for_project(site, account_id, need, &gap.key, &candidates));
    }

    // Group memberships reach every project at once: drop one only if that loses nothing needed.
    if let Some(mut current) = try_changes(site, &changes).and_then(|s| analyse_one(&s, account_id, None)) {
        let current_assessment = compare(site, &current.view(), need);
        let mut current_score = score(site, &current, need, None);
        for group in excess_groups(&current, &current_assessment) {
            let mut trial = changes.clone();
            trial.push(Membership::RemoveGroupMember { group_id: group, account_id: account_id.to_owned() });
            let Some(next) = try_changes(site, &trial) else { continue };
            let Some(access) = analyse_one(&next, account_id, None) else { continue };
            let s = score(&next, &access, need, None);
            if s.0 <= current_score.0 && s.1 < current_score.1 {
                changes = trial;
                current_score = s;
                current = access;
            }
        }
        let _ = current;
    }
    changes.sort();
    changes.dedup();

    let applied = try_changes(site, &changes).ok_or_else(|| PlanError::WhatIf {
        message: "a proposed membership change does not apply to the snapshot".to_owned(),
    })?;
    let after_access = analyse_one(&applied, account_id, None)
        .ok_or_else(|| PlanError::NotInSnapshot { account: account_id.to_owned() })?;
    let after = compare(&applied, &after_access.view(), need);
    let diff =
        what_if::what_if(site, &change_set(&changes)).map_err(|e| PlanError::WhatIf { message: e.to_string() })?;
    // What-if and the plan must agree on the bot: everything it loses was excess, everything it
    // gains was missing.
    let own: Vec<&AccessChange> = diff.changes.iter().filter(|c| c.account_id == account_id).collect();
    let verified = own.iter().all(|c| {
        let gap_before = before.projects.iter().find(|p| p.key == c.project);
        match c.change {
            "lost" => gap_before.is_some_and(|g| g.excess.contains(&c.permission)),
            _ => gap_before.is_some_and(|g| g.missing.contains(&c.permission)),
        }
    });
    let others_affected = diff.changes.into_iter().filter(|c| c.account_id != account_id).collect();
    let remaining = after
        .projects
        .iter()
        .flat_map(|gap| {
            let project = after_access.projects.iter().find(|p| p.key == gap.key);
            gap.excess.iter().map(move |permission| Remaining {
                project: gap.key.clone(),
                permission: permission.clone(),
                paths: project
                    .and_then(|p| p.permissions.get(permission.as_str()))
                    .into_iter()
                    .flatten()
                    .map(|e| e.path.to_string())
                    .collect(),
            })
        })
        .collect();
    Ok(Plan {
        account_id: account_id.to_owned(),
        display_name: account.display_name.clone(),
        before,
        changes,
        after,
        remaining,
        others_affected,
        verified,
    })
}
