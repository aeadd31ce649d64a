//! What-if: apply a change set to the model and diff everyone's effective access.
//!
//! The change set is the app's own input, so it is strict: unknown fields, projects, schemes or
//! grants are errors that name what was wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Actor, Grant, Holder, Site};

use super::{AccountSelection, Selection, analyze};

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
pub enum Change {
    #[serde(rename_all = "camelCase")]
    AddRoleActor { project: String, role_id: String, account_id: Option<String>, group_id: Option<String> },
    #[serde(rename_all = "camelCase")]
    RemoveRoleActor { project: String, role_id: String, account_id: Option<String>, group_id: Option<String> },
    #[serde(rename_all = "camelCase")]
    AddGrant { scheme_id: String, permission: String, holder: HolderInput },
    #[serde(rename_all = "camelCase")]
    RemoveGrant { scheme_id: String, grant_id: String },
    #[serde(rename_all = "camelCase")]
    AddGroupMember { group_id: String, account_id: String },
    #[serde(rename_all = "camelCase")]
    RemoveGroupMember { group_id: String, account_id: String },
    #[serde(rename_all = "camelCase")]
    SetProjectScheme { project: String, scheme_id: String },
}

/// A holder as Jira's `PermissionHolder` writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolderInput {
    #[serde(rename = "type")]
    pub kind: String,
    pub parameter: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeSet {
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhatIfError {
    UnknownProject { project: String },
    UnknownScheme { scheme: String },
    UnknownGrant { scheme: String, grant: String },
    UnknownAccount { account: String },
    RoleActorNeedsOne { project: String, role: String },
    NotAnActor { project: String, role: String },
    BadHolder { kind: String },
}

impl fmt::Display for WhatIfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WhatIfError::UnknownProject { project } => {
                write!(f, "project `{project}` is not in the snapshot")
            }
            WhatIfError::UnknownScheme { scheme } => {
                write!(f, "permission scheme `{scheme}` is not in the snapshot")
            }
            WhatIfError::UnknownGrant { scheme, grant } => {
                write!(f, "scheme `{scheme}` has no grant `{grant}`")
            }
            WhatIfError::UnknownAccount { account } => {
                write!(f, "account `{account}` is not in the snapshot")
            }
            WhatIfError::RoleActorNeedsOne { project, role } => {
                write!(
                    f,
                    "a role-actor change for role `{role}` in `{project}` needs exactly one of `accountId` and `groupId`"
                )
            }
            WhatIfError::NotAnActor { project, role } => {
                write!(f, "the actor to remove is not an actor of role `{role}` in `{project}`")
            }
            WhatIfError::BadHolder { kind } => {
                write!(f, "holder type `{kind}` needs a parameter or value")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessChange {
    pub account_id: String,
    pub display_name: String,
    pub kind: &'static str,
    pub project: String,
    pub permission: String,
    /// `gained` | `lost`.
    pub change: &'static str,
    pub conditional: bool,
    /// The paths that granted it after (gained) or before (lost) the change.
    pub paths: Vec<String>,
}

/// An issue security level an account comes to see, or no longer sees, in a project.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LevelChange {
    pub account_id: String,
    pub display_name: String,
    pub kind: &'static str,
    pub project: String,
    pub level_id: String,
    pub level_name: String,
    /// `gained` | `lost`.
    pub change: &'static str,
    pub conditional: bool,
    /// The paths that let it see the level after (gained) or before (lost) the change.
    pub paths: Vec<String>,
}

/// A workflow transition an account comes to pass, or no longer passes, in a project: a change to
/// roles, groups or grants moves the conditions that test them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransitionChange {
    pub account_id: String,
    pub display_name: String,
    pub kind: &'static str,
    pub project: String,
    pub workflow: String,
    pub transition_id: String,
    pub transition_name: String,
    /// `gained` | `lost`.
    pub change: &'static str,
    /// It passes only for some issues on the side where it passes.
    pub conditional: bool,
    /// Why it passes after (gained) or before (lost) the change, as `analyze` says.
    pub because: Vec<String>,
}

/// A permission, level or transition whose state is unknown on one side of the change and
/// different on the other: neither a gain nor a loss can be claimed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnsureChange {
    pub account_id: String,
    pub display_name: String,
    pub kind: &'static str,
    pub project: String,
    /// `permission` | `level` | `transition`.
    pub subject: &'static str,
    /// The permission key, level id or transition id; `*` for every one in the project.
    pub key: String,
    /// The transition's workflow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow: Option<String>,
    /// `yes` | `conditional` | `unknown` | `none`.
    pub before: &'static str,
    pub after: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    pub changes: Vec<AccessChange>,
    /// Issue security levels seen or no longer seen. A level whose visibility is unknown on either
    /// side is not counted as a change.
    pub levels: Vec<LevelChange>,
    /// Workflow transitions passed or no longer passed, as for levels.
    pub transitions: Vec<TransitionChange>,
    /// Permissions, levels and transitions unknown on one side: not counted in the blast radius.
    pub unsure: Vec<UnsureChange>,
    /// Accounts whose access changes, and in how many projects: the blast radius.
    pub accounts_affected: usize,
    pub projects_affected: usize,
}

fn holder_from(input: &HolderInput) -> Result<Holder, WhatIfError> {
    let param = input.value.clone().or_else(|| input.parameter.clone());
    let need = || WhatIfError::BadHolder { kind: input.kind.clone() };
    Ok(match input.kind.as_str() {
        "anyone" => Holder::Anyone,
        "applicationRole" => Holder::ApplicationRole(input.parameter.clone()),
        "group" => Holder::Group { id: input.value.clone(), name: input.parameter.clone() },
        "user" => Holder::User(param.ok_or_else(need)?),
        "projectRole" => Holder::ProjectRole(param.ok_or_else(need)?),
        "projectLead" => Holder::ProjectLead,
        "reporter" => Holder::Reporter,
        "assignee" => Holder::Assignee,
        "userCustomField" => Holder::UserCustomField(param.ok_or_else(need)?),
        "groupCustomField" => Holder::GroupCustomField(param.ok_or_else(need)?),
        "sd.customer.portal.only" => Holder::CustomerPortalOnly,
        other => Holder::Unknown { kind: other.to_owned(), parameter: input.parameter.clone() },
    })
}

fn actor(project: &str, role: &str, account: &Option<String>, group: &Option<String>) -> Result<Actor, WhatIfError> {
    match (account, group) {
        (Some(a), None) => Ok(Actor::User(a.clone())),
        (None, Some(g)) => Ok(Actor::Group { id: Some(g.clone()), name: None }),
        _ => Err(WhatIfError::RoleActorNeedsOne { project: project.to_owned(), role: role.to_owned() }),
    }
}

/// Which (account, project) cells a change can alter: Jira's check answers for them were given
/// before the change, so they say nothing about after it. `None` is every account or project.
struct Stale {
    account: Option<String>,
    projects: Option<BTreeSet<String>>,
}

impl Stale {
    fn of(change: &Change, site: &Site) -> Stale {
        let one = |p: &str| Some(BTreeSet::from([p.to_owned()]));
        match change {
            Change::AddRoleActor { project, account_id, .. } | Change::RemoveRoleActor { project, account_id, .. } => {
                // A group actor reaches whoever is, or might be, in the group.
                Stale { account: account_id.clone(), projects: one(project) }
            }
            Change::AddGrant { scheme_id, .. } | Change::RemoveGrant { scheme_id, .. } => {
                let using = site.projects.values().filter(|p| p.scheme_id.as_ref() == Some(scheme_id));
                Stale { account: None, projects: Some(using.map(|p| p.key.clone()).collect()) }
            }
            Change::AddGroupMember { account_id, .. } | Change::RemoveGroupMember { account_id, .. } => {
                Stale { account: Some(account_id.clone()), projects: None }
            }
            Change::SetProjectScheme { project, .. } => Stale { account: None, projects: one(project) },
        }
    }
}

/// Forgets Jira's check answers for the cells `stale` names. Elsewhere they still hold, and still
/// tell which unread roles an account is no actor of.
fn forget_checks(site: &mut Site, stale: &[Stale]) {
    for (account, checks) in &mut site.checks {
        for s in stale.iter().filter(|s| s.account.as_ref().is_none_or(|a| a == account)) {
            match &s.projects {
                Some(projects) => checks.forget_projects(|project| projects.contains(project)),
                None => checks.forget_projects(|_| true),
            }
        }
    }
}

/// Applies `changes` to a copy of the site; the original is untouched. Jira's check answers for
/// the cells a change can alter are dropped: they describe the site before the change.
pub fn apply(site: &Site, changes: &ChangeSet) -> Result<Site, WhatIfError> {
    let (mut next, stale) = apply_changes(site, changes)?;
    forget_checks(&mut next, &stale);
    Ok(next)
}

fn apply_changes(site: &Site, changes: &ChangeSet) -> Result<(Site, Vec<Stale>), WhatIfError> {
    let mut next = site.clone();
    let mut stale = Vec::new();
    for change in &changes.changes {
        stale.push(Stale::of(change, &next));
        match change {
            Change::AddRoleActor { project, role_id, account_id, group_id }
            | Change::RemoveRoleActor { project, role_id, account_id, group_id } => {
                if !next.projects.contains_key(project) {
                    return Err(WhatIfError::UnknownProject { project: project.clone() });
                }
                let wanted = actor(project, role_id, account_id, group_id)?;
                // A role never collected stays unknown but for the actor the change names.
                if !next.role_actors.get(project).is_some_and(|roles| roles.contains_key(role_id)) {
                    next.incomplete_roles.insert((project.clone(), role_id.clone()));
                }
                let actors = next.role_actors.entry(project.clone()).or_default().entry(role_id.clone()).or_default();
                let same = |a: &Actor| match (a, &wanted) {
                    (Actor::Group { id, .. }, Actor::Group { id: w, .. }) => id == w,
                    _ => *a == wanted,
                };
                if matches!(change, Change::AddRoleActor { .. }) {
                    if !actors.iter().any(same) {
                        actors.push(wanted);
                        actors.sort();
                    }
                } else {
                    let before = actors.len();
                    actors.retain(|a| !same(a));
                    if actors.len() == before {
                        return Err(WhatIfError::NotAnActor { project: project.clone(), role: role_id.clone() });
                    }
                }
            }
            Change::AddGrant { scheme_id, permission, holder } => {
                let holder = holder_from(holder)?;
                let scheme = next
                    .schemes
                    .get_mut(scheme_id)
                    .ok_or_else(|| WhatIfError::UnknownScheme { scheme: scheme_id.clone() })?;
                scheme.grants.push(Grant { id: Some("what-if".to_owned()), permission: permission.clone(), holder });
            }
            Change::RemoveGrant { scheme_id, grant_id } => {
                let scheme = next
                    .schemes
                    .get_mut(scheme_id)
                    .ok_or_else(|| WhatIfError::UnknownScheme { scheme: scheme_id.clone() })?;
                let before = scheme.grants.len();
                scheme.grants.retain(|g| g.id.as_deref() != Some(grant_id.as_str()));
                if scheme.grants.len() == before {
                    return Err(WhatIfError::UnknownGrant { scheme: scheme_id.clone(), grant: grant_id.clone() });
                }
            }
            Change::AddGroupMember { group_id, account_id } | Change::RemoveGroupMember { group_id, account_id } => {
                let account = next
                    .accounts
                    .get_mut(account_id)
                    .ok_or_else(|| WhatIfError::UnknownAccount { account: account_id.clone() })?;
                let add = matches!(change, Change::AddGroupMember { .. });
                if let Some(groups) = account.groups.as_mut() {
                    if add {
                        groups.insert(group_id.clone());
                    } else {
                        groups.remove(group_id);
                    }
                }
                // A group never collected stays unknown but for the member the change names.
                if !next.group_members.contains_key(group_id) {
                    next.incomplete_groups.insert(group_id.clone());
                }
                let members = next.group_members.entry(group_id.clone()).or_default();
                if add {
                    members.insert(account_id.clone());
                } else {
                    members.remove(account_id);
                }
            }
            Change::SetProjectScheme { project, scheme_id } => {
                if !next.schemes.contains_key(scheme_id) {
                    return Err(WhatIfError::UnknownScheme { scheme: scheme_id.clone() });
                }
                let p = next
                    .projects
                    .get_mut(project)
                    .ok_or_else(|| WhatIfError::UnknownProject { project: project.clone() })?;
                p.scheme_id = Some(scheme_id.clone());
            }
        }
    }
    Ok((next, stale))
}

/// What one side of the comparison says of a key. A key absent from [`Held`] is not held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Yes,
    Conditional,
    /// Not held unconditionally, and a grant or level that could decide it was not read.
    Unknown,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Yes => "yes",
            State::Conditional => "conditional",
            State::Unknown => "unknown",
        }
    }
}

/// Marks the key that stands for every key of an (account, project): the scheme's grants or the
/// project's security levels could not all be read.
const EVERY: &str = "*";

type Held = BTreeMap<(String, String, String), (State, Vec<String>)>;

/// A key of [`Held`] gained or lost, whether only conditionally, and the paths.
type Changed<'a> = (&'a (String, String, String), &'static str, bool, Vec<String>);

/// A key whose state is unknown on one side and different on the other: (key, before, after).
type Unsure<'a> = (&'a (String, String, String), &'static str, &'static str);

/// Joins a transition's workflow and id into one key of [`Held`]; split at the last, as Jira's
/// transition ids are numbers.
const WORKFLOW_END: char = '\0';

/// Which accounts and projects a change set can move: `None` is every one. A membership change
/// moves its account (or the members of the group it names); a role change moves one project; a
/// grant change the projects using the scheme; a scheme change one project. The union of several
/// changes is a superset (every account of every project the changes touch), never less.
struct Reach {
    accounts: Option<BTreeSet<String>>,
    projects: Option<BTreeSet<String>>,
}

impl Reach {
    fn of(site: &Site, after: &Site, changes: &ChangeSet) -> Reach {
        let mut accounts = Some(BTreeSet::new());
        let mut projects = Some(BTreeSet::new());
        let add = |set: &mut Option<BTreeSet<String>>, items: Option<Vec<String>>| match (set.as_mut(), items) {
            (Some(set), Some(items)) => set.extend(items),
            _ => *set = None,
        };
        // A group whose members were not read could hold anyone: every account then.
        let members = |group: &str| {
            if !site.group_members.contains_key(group) && !after.group_members.contains_key(group) {
                return None;
            }
            let mut out = Vec::new();
            for side in [site, after] {
                out.extend(side.group_members.get(group).into_iter().flatten().cloned());
                let own = side.accounts.values().filter(|a| a.groups.as_ref().is_some_and(|g| g.contains(group)));
                out.extend(own.map(|a| a.account_id.clone()));
            }
            Some(out)
        };
        let using = |scheme: &str| {
            let mut out = Vec::new();
            for side in [site, after] {
                out.extend(
                    side.projects
                        .iter()
                        .filter(|(_, p)| p.scheme_id.as_deref() == Some(scheme))
                        .map(|(k, _)| k.clone()),
                );
            }
            out
        };
        for change in &changes.changes {
            match change {
                Change::AddGroupMember { account_id, .. } | Change::RemoveGroupMember { account_id, .. } => {
                    add(&mut accounts, Some(vec![account_id.clone()]));
                    add(&mut projects, None);
                }
                Change::AddRoleActor { project, account_id, group_id, .. }
                | Change::RemoveRoleActor { project, account_id, group_id, .. } => {
                    let mut who: Option<Vec<String>> = Some(account_id.iter().cloned().collect());
                    if let Some(group) = group_id {
                        who = who.zip(members(group)).map(|(mut a, b)| {
                            a.extend(b);
                            a
                        });
                    }
                    add(&mut accounts, who);
                    add(&mut projects, Some(vec![project.clone()]));
                }
                Change::AddGrant { scheme_id, .. } | Change::RemoveGrant { scheme_id, .. } => {
                    add(&mut accounts, None);
                    add(&mut projects, Some(using(scheme_id)));
                }
                Change::SetProjectScheme { project, .. } => {
                    add(&mut accounts, None);
                    add(&mut projects, Some(vec![project.clone()]));
                }
            }
        }
        Reach { accounts, projects }
    }
}

/// (account, project, permission) → (state, paths) for every account and project the changes can
/// reach; and the same for the security levels each sees, keyed by level id, with the level's name
/// first in the paths. An (account, project) with grants or levels not read has an [`EVERY`] key
/// that is unknown. Only what the changes reach: the whole site's answers for every person made
/// a what-if of one role change on a 500-project site run for many minutes.
fn held(site: &Site, reach: &Reach) -> (Held, Held) {
    let accounts = match &reach.accounts {
        Some(set) => AccountSelection::Some(set.clone()),
        None => AccountSelection::All,
    };
    let one_project = reach.projects.as_ref().filter(|p| p.len() == 1).and_then(|p| p.first().cloned());
    let selection = Selection { accounts, project: one_project, skip_transitions: true, ..Selection::default() };
    let mut out = Held::new();
    let mut levels = Held::new();
    if reach.accounts.as_ref().is_some_and(BTreeSet::is_empty)
        || reach.projects.as_ref().is_some_and(BTreeSet::is_empty)
    {
        return (out, levels);
    }
    for account in analyze(site, &selection).accounts {
        for project in account.projects {
            if reach.projects.as_ref().is_some_and(|p| !p.contains(&project.key)) {
                continue;
            }
            let key = |what: &str| (account.account_id.clone(), project.key.clone(), what.to_owned());
            for level in &project.security_levels {
                let state = match level.access {
                    "yes" => State::Yes,
                    "conditional" => State::Conditional,
                    _ => State::Unknown,
                };
                let text = std::iter::once(level.name.clone()).chain(level.paths.iter().map(|p| p.path.to_string()));
                levels.insert(key(&level.id), (state, text.collect()));
            }
            let unresolved = |permission: &str| project.unresolved.iter().any(|u| u.permission == permission);
            if unresolved(EVERY) {
                out.insert(key(EVERY), (State::Unknown, Vec::new()));
            }
            for (permission, paths) in project.permissions.iter() {
                let state = if paths.iter().any(|p| !p.conditional) {
                    State::Yes
                } else if unresolved(EVERY) || unresolved(permission) {
                    State::Unknown
                } else {
                    State::Conditional
                };
                let text = paths.iter().map(|p| p.path.to_string()).collect();
                out.insert(key(permission), (state, text));
            }
            for u in &project.unresolved {
                out.entry(key(&u.permission)).or_insert((State::Unknown, Vec::new()));
            }
        }
    }
    (out, levels)
}

/// The transitions `accounts` pass, keyed by workflow and id, with the transition's name first.
/// Evaluating them turns off the sharing of answers between projects (`reuse`), so only the
/// accounts a change can move are asked about.
fn transitions_held(site: &Site, accounts: &BTreeSet<String>) -> Held {
    let mut out = Held::new();
    if accounts.is_empty() || site.project_workflows.is_empty() {
        return out;
    }
    let selection = Selection { accounts: AccountSelection::Some(accounts.clone()), ..Selection::default() };
    for account in analyze(site, &selection).accounts {
        for project in account.projects {
            for t in &project.transitions {
                let state = match t.result {
                    "passes" => State::Yes,
                    "conditional" => State::Conditional,
                    "unknown" => State::Unknown,
                    _ => continue,
                };
                let key =
                    (account.account_id.clone(), project.key.clone(), format!("{}{WORKFLOW_END}{}", t.workflow, t.id));
                let text = std::iter::once(t.name.clone()).chain(t.because.iter().cloned());
                out.insert(key, (state, text.collect()));
            }
        }
    }
    out
}

/// The accounts whose transitions a change set can move: a transition's conditions test the
/// account's permissions (moved where the permission diff says), groups and roles (moved for the
/// accounts the changes name, and the members of a group added to or removed from a role).
fn movable(site: &Site, after: &Site, changes: &ChangeSet, moved: impl Iterator<Item = String>) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = moved.collect();
    for change in &changes.changes {
        match change {
            Change::AddGroupMember { account_id, .. } | Change::RemoveGroupMember { account_id, .. } => {
                out.insert(account_id.clone());
            }
            Change::AddRoleActor { account_id, group_id, .. }
            | Change::RemoveRoleActor { account_id, group_id, .. } => {
                out.extend(account_id.iter().cloned());
                if let Some(group) = group_id {
                    for side in [site, after] {
                        out.extend(side.group_members.get(group).into_iter().flatten().cloned());
                        let own =
                            side.accounts.values().filter(|a| a.groups.as_ref().is_some_and(|g| g.contains(group)));
                        out.extend(own.map(|a| a.account_id.clone()));
                    }
                }
            }
            Change::AddGrant { .. } | Change::RemoveGrant { .. } | Change::SetProjectScheme { .. } => {}
        }
    }
    out
}

/// The state of `key` on one side: its own, else unknown where every key of its (account,
/// project) is, else not held.
fn state_of(side: &Held, key: &(String, String, String)) -> Option<State> {
    match side.get(key) {
        Some((state, _)) => Some(*state),
        None => side.contains_key(&(key.0.clone(), key.1.clone(), EVERY.to_owned())).then_some(State::Unknown),
    }
}

/// Gained or lost between `before` and `after` (see [`held`]): the key, the change, whether the
/// side that has it has it only conditionally, and its paths. A key unknown on either side is no
/// gain or loss; it is listed apart, as unsure.
fn diff<'a>(before: &'a Held, after: &'a Held) -> (Vec<Changed<'a>>, Vec<Unsure<'a>>) {
    let keys: BTreeSet<&(String, String, String)> = before.keys().chain(after.keys()).collect();
    let mut changed = Vec::new();
    let mut unsure = Vec::new();
    let paths = |side: &Held, key| side.get(key).map(|(_, paths)| paths.clone()).unwrap_or_default();
    for key in keys {
        let (b, a) = (state_of(before, key), state_of(after, key));
        let entry = match (b, a) {
            _ if b == a => continue,
            (Some(State::Unknown), _) | (_, Some(State::Unknown)) => {
                let name = |s: Option<State>| s.map_or("none", State::as_str);
                unsure.push((key, name(b), name(a)));
                continue;
            }
            (None, Some(state)) => ("gained", state == State::Conditional, paths(after, key)),
            (Some(state), None) => ("lost", state == State::Conditional, paths(before, key)),
            // Held both times, but only conditionally on one side: the unconditional side changed.
            (Some(State::Conditional), Some(State::Yes)) => ("gained", false, paths(after, key)),
            (Some(State::Yes), Some(State::Conditional)) => ("lost", false, paths(before, key)),
            _ => continue,
        };
        changed.push((key, entry.0, entry.1, entry.2));
    }
    (changed, unsure)
}

/// Who gains or loses what, where, if `changes` were made.
pub fn what_if(site: &Site, changes: &ChangeSet) -> Result<WhatIf, WhatIfError> {
    let (mut after_site, stale) = apply_changes(site, changes)?;
    forget_checks(&mut after_site, &stale);
    // Both sides without the answers the change makes stale, so a cell is compared derivation
    // against derivation, never against a check taken before the change.
    let mut before_site = site.clone();
    forget_checks(&mut before_site, &stale);
    let reach = Reach::of(site, &after_site, changes);
    let (before, before_levels) = held(&before_site, &reach);
    let (after, after_levels) = held(&after_site, &reach);
    let who = |account_id: &str| {
        let account = site.accounts.get(account_id);
        (account.map(|a| a.display_name.clone()).unwrap_or_default(), account.map_or("human", |a| a.kind().as_str()))
    };
    let (changed, unsure_permissions) = diff(&before, &after);
    let (changed_levels, unsure_levels) = diff(&before_levels, &after_levels);
    let accounts = movable(
        site,
        &after_site,
        changes,
        changed.iter().map(|(k, ..)| k.0.clone()).chain(unsure_permissions.iter().map(|(k, ..)| k.0.clone())),
    );
    let before_transitions = transitions_held(&before_site, &accounts);
    let after_transitions = transitions_held(&after_site, &accounts);
    let (changed_transitions, unsure_transitions) = diff(&before_transitions, &after_transitions);
    let unsure_of = |subject: &'static str| {
        move |((account_id, project, key), before, after): Unsure<'_>| {
            let (display_name, kind) = who(account_id);
            let (workflow, key) = match key.rsplit_once(WORKFLOW_END) {
                Some((workflow, id)) => (Some(workflow.to_owned()), id.to_owned()),
                None => (None, key.clone()),
            };
            UnsureChange {
                account_id: account_id.clone(),
                display_name,
                kind,
                project: project.clone(),
                subject,
                key,
                workflow,
                before,
                after,
            }
        }
    };
    let unsure = unsure_permissions
        .into_iter()
        .map(unsure_of("permission"))
        .chain(unsure_levels.into_iter().map(unsure_of("level")))
        .chain(unsure_transitions.into_iter().map(unsure_of("transition")))
        .collect();
    let mut result = Vec::new();
    for ((account_id, project, permission), change, conditional, paths) in changed {
        let (display_name, kind) = who(account_id);
        result.push(AccessChange {
            account_id: account_id.clone(),
            display_name,
            kind,
            project: project.clone(),
            permission: permission.clone(),
            change,
            conditional,
            paths,
        });
    }
    let mut levels = Vec::new();
    for ((account_id, project, level_id), change, conditional, mut paths) in changed_levels {
        let (display_name, kind) = who(account_id);
        let level_name = if paths.is_empty() { String::new() } else { paths.remove(0) };
        levels.push(LevelChange {
            account_id: account_id.clone(),
            display_name,
            kind,
            project: project.clone(),
            level_id: level_id.clone(),
            level_name,
            change,
            conditional,
            paths,
        });
    }
    let mut transitions = Vec::new();
    for ((account_id, project, key), change, conditional, mut because) in changed_transitions {
        let (display_name, kind) = who(account_id);
        let (workflow, id) = key.rsplit_once(WORKFLOW_END).unwrap_or(("", key));
        let transition_name = if because.is_empty() { String::new() } else { because.remove(0) };
        transitions.push(TransitionChange {
            account_id: account_id.clone(),
            display_name,
            kind,
            project: project.clone(),
            workflow: workflow.to_owned(),
            transition_id: id.to_owned(),
            transition_name,
            change,
            conditional,
            because,
        });
    }
    let accounts: BTreeSet<&String> = result
        .iter()
        .map(|c| &c.account_id)
        .chain(levels.iter().map(|c| &c.account_id))
        .chain(transitions.iter().map(|c| &c.account_id))
        .collect();
    let projects: BTreeSet<&String> = result
        .iter()
        .map(|c| &c.project)
        .chain(levels.iter().map(|c| &c.project))
        .chain(transitions.iter().map(|c| &c.project))
        .collect();
    Ok(WhatIf {
        accounts_affected: accounts.len(),
        projects_affected: projects.len(),
        changes: result,
        levels,
        transitions,
        unsure,
    })
}
