//! Is an account in a group, a role, a product? Yes, no, or *unknown* — never a guess.

use std::borrow::Cow;

use crate::model::{Account, Actor, Holder, ProjectKey, Site};

use crate::analysis::path::{RoleActorVia, Via};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

impl Tri {
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
            _ => Tri::No,
        }
    }
}

/// The id a group holder or actor refers to: by id, else by name (ids never change, names can).
/// Borrowed where it can be: this runs for every actor of every role of every project.
pub fn group_id<'a>(site: &'a Site, id: Option<&'a String>, name: Option<&'a String>) -> Option<Cow<'a, str>> {
    if let Some(id) = id {
        return Some(Cow::Borrowed(id.as_str()));
    }
    let name = name?;
    Some(match site.group_id_by_name.get(name) {
        Some(id) => Cow::Borrowed(id.as_str()),
        None => Cow::Owned(format!("name:{name}")),
    })
}

pub fn group_name(site: &Site, id: &str, fallback: Option<&String>) -> String {
    site.groups
        .get(id)
        .map(|g| g.name.clone())
        .filter(|n| !n.is_empty())
        .or_else(|| fallback.cloned())
        .unwrap_or_else(|| id.to_owned())
}

pub fn in_group(site: &Site, account: &Account, group: &str) -> Tri {
    if let Some(groups) = &account.groups {
        return if groups.contains(group) { Tri::Yes } else { Tri::No };
    }
    match site.group_members.get(group) {
        Some(members) if members.contains(&account.account_id) => Tri::Yes,
        // A member that could not be read might be this account.
        Some(_) if site.incomplete_groups.contains(group) => Tri::Unknown,
        Some(_) => Tri::No,
        // A group named only by a name that the complete group list does not have: no one is in it.
        None if site.groups_listed && group.starts_with("name:") => Tri::No,
        None => Tri::Unknown,
    }
}

/// Why the membership of `group` is unknown, with the collector's reason where it recorded one.
fn group_unknown(site: &Site, group: &str, display: &str) -> String {
    let gap = site.gap("groupMembers", group);
    match (site.incomplete_groups.contains(group), gap) {
        (true, Some(reason)) => format!("some members of group \"{display}\" could not be read: {reason}"),
        (true, None) => format!("some members of group \"{display}\" could not be read"),
        (false, Some(reason)) => format!("the members of group \"{display}\" could not be read: {reason}"),
        (false, None) => format!("membership of group \"{display}\" was not collected"),
    }
}

/// The result of matching one holder: the ways it matches, and whether some way is unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Match {
    pub vias: Vec<Via>,
    pub unknown: Option<String>,
}

impl Match {
    fn via(via: Via) -> Self {
        Match { vias: vec![via], unknown: None }
    }
    fn unknown(reason: String) -> Self {
        Match { vias: Vec::new(), unknown: Some(reason) }
    }
    fn none() -> Self {
        Match::default()
    }
}

/// Documented holder types that are meaningless without a parameter (they become `Unknown` then).
pub const DOCUMENTED_NEEDING_A_VALUE: [&str; 3] = ["user", "projectRole", "projectrole"];

/// Whether the holder depends on the project (role actors, lead) rather than only the account.
pub fn depends_on_project(holder: &Holder) -> bool {
    matches!(holder, Holder::ProjectRole(_) | Holder::ProjectLead)
}

/// Matches `holder` for an active `account`. `project` is needed for roles and the lead.
pub fn match_holder(site: &Site, account: &Account, holder: &Holder, project: Option<&ProjectKey>) -> Match {
    match holder {
        Holder::Anyone => Match::via(Via::Anyone),
        Holder::ApplicationRole(None) => Match::via(Via::AnyLoggedIn),
        Holder::ApplicationRole(Some(key)) => app_role(site, account, key),
        Holder::Group { id, name } => {
            let Some(gid) = group_id(site, id.as_ref(), name.as_ref()) else {
                return Match::unknown("a group grant names no group".to_owned());
            };
            // Named only by a name nothing in the snapshot has (renamed since? deleted?): whose
            // group it is cannot be told, so it is no one's for certain (`unknown-group` warns).
            if let (None, Some(name)) = (id, name)
                && !site.group_id_by_name.contains_key(name)
            {
                return Match::unknown(format!(
                    "the grant names group \"{name}\" by name only, and no group of the snapshot has that name"
                ));
            }
            match in_group(site, account, &gid) {
                Tri::Yes => {
                    Match::via(Via::Group { name: group_name(site, &gid, name.as_ref()), id: gid.into_owned() })
                }
                Tri::No => Match::none(),
                Tri::Unknown => Match::unknown(group_unknown(site, &gid, &group_name(site, &gid, name.as_ref()))),
            }
        }
        Holder::User(id) if *id == account.account_id => Match::via(Via::User),
        Holder::User(_) => Match::none(),
        Holder::ProjectRole(role) => match project {
            Some(project) => project_role(site, account, project, role),
            None => Match::unknown("a role grant needs a project".to_owned()),
        },
        Holder::ProjectLead => match project.and_then(|p| site.projects.get(p)) {
            Some(p) => match &p.lead {
                Some(lead) if *lead == account.account_id => Match::via(Via::ProjectLead),
                Some(_) => Match::none(),
                None => Match::unknown(format!("the lead of project {} was not collected", p.key)),
            },
            None => Match::unknown("a project-lead grant needs a project".to_owned()),
        },
        Holder::Reporter => Match::via(Via::Reporter),
        Holder::Assignee => Match::via(Via::Assignee),
        Holder::UserCustomField(field) => Match::via(Via::UserCustomField(field.clone())),
        Holder::GroupCustomField(field) => Match::via(Via::GroupCustomField(field.clone())),
        // Customers of this service project, on its portal; licensed users can be customers too.
        Holder::CustomerPortalOnly => Match::via(Via::CustomerPortal),
        Holder::Unknown { kind, .. } if DOCUMENTED_NEEDING_A_VALUE.contains(&kind.as_str()) => {
            Match::unknown(format!("a `{kind}` grant names no {kind}"))
        }
        Holder::Unknown { kind, .. } => Match::unknown(format!("holder type `{kind}` is not one Jira documents")),
    }
}

fn app_role(site: &Site, account: &Account, key: &str) -> Match {
    if let Some(keys) = &account.app_roles {
        return if keys.contains(key) {
            Match::via(Via::ApplicationRole { key: key.to_owned(), group: None })
        } else {
            Match::none()
        };
    }
    let Some(role) = site.app_roles.get(key) else {
        return Match::unknown(format!("product access `{key}` was not collected"));
    };
    let mut result = Match::none();
    for gid in &role.group_ids {
        match in_group(site, account, gid) {
            Tri::Yes => {
                result.vias.push(Via::ApplicationRole { key: key.to_owned(), group: Some(group_name(site, gid, None)) })
            }
            Tri::No => {}
            Tri::Unknown => {
                let why = group_unknown(site, gid, &group_name(site, gid, None));
                result.unknown = Some(format!("{why} (the group gives product access `{key}`)"));
            }
        }
    }
    if role.groups_incomplete && result.unknown.is_none() {
        result.unknown = Some(format!("a group that gives product access `{key}` could not be read"));
    }
    if !result.vias.is_empty() {
        result.unknown = None;
    }
    result
}

pub fn project_role(site: &Site, account: &Account, project: &ProjectKey, role: &str) -> Match {
    let role_name = || site.roles.get(role).map_or_else(|| role.to_owned(), |r| r.name.clone());
    let Some(actors) = site.role_actors.get(project).and_then(|roles| roles.get(role)) else {
        if ruled_out_by_check(site, account, project, role) {
            return Match::none();
        }
        return Match::unknown(match site.gap("projectRoles", &format!("{project}/{role}")) {
            Some(reason) => format!("actors of role \"{}\" in {project} could not be read: {reason}", role_name()),
            None => format!("actors of role \"{}\" in {project} were not collected", role_name()),
        });
    };
    let mut result = Match::none();
    for actor in actors {
        match actor {
            Actor::User(id) if *id == account.account_id => {
                result.vias.push(Via::Role { id: role.to_owned(), name: role_name(), actor: RoleActorVia::User });
            }
            Actor::User(_) => {}
            Actor::Group { id, name } => {
                let Some(gid) = group_id(site, id.as_ref(), name.as_ref()) else { continue };
                match in_group(site, account, &gid) {
                    Tri::Yes => result.vias.push(Via::Role {
                        id: role.to_owned(),
                        name: role_name(),
                        actor: RoleActorVia::Group {
                            name: group_name(site, &gid, name.as_ref()),
                            id: gid.into_owned(),
                        },
                    }),
                    Tri::No => {}
                    Tri::Unknown => {
                        let why = group_unknown(site, &gid, &group_name(site, &gid, name.as_ref()));
                        result.unknown =
                            Some(format!("{why} (the group is an actor of role \"{}\" in {project})", role_name()));
                    }
                }
            }
        }
    }
    if result.vias.is_empty()
        && !site.incomplete_roles.is_empty()
        && site.incomplete_roles.contains(&(project.clone(), role.to_owned()))
    {
        result.unknown = Some(format!("an actor of role \"{}\" in {project} could not be read", role_name()));
    }
    if !result.vias.is_empty() || (result.unknown.is_some() && ruled_out_by_check(site, account, project, role)) {
        result.unknown = None;
    }
    result
}

/// Whether Jira's permission check proves `account` is no actor of `role` in `project`, whose
/// actors are not (fully) known: an actor would hold every permission the project's scheme grants
/// the role, and Jira says it lacks one. The lean scan leaves such roles unread.
fn ruled_out_by_check(site: &Site, account: &Account, project: &ProjectKey, role: &str) -> bool {
    let Some(checks) = site.checks.get(&account.account_id) else { return false };
    let scheme = site.projects.get(project).and_then(|p| p.scheme_id.as_ref()).and_then(|id| site.schemes.get(id));
    scheme.is_some_and(|scheme| {
        scheme.grants.iter().any(|grant| {
            matches!(&grant.holder, Holder::ProjectRole(r) if r == role)
                && crate::model::tells_role_membership(&grant.permission)
                && checks.answer(project, &grant.permission) == Some(false)
        })
    })
}

/// Tri-state view of a match, for conditions that only need yes/no/unknown.
pub fn tri(m: &Match) -> Tri {
    if !m.vias.is_empty() {
        Tri::Yes
    } else if m.unknown.is_some() {
        Tri::Unknown
    } else {
        Tri::No
    }
}
