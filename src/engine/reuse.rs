//! When one (account, project) cell may reuse the answer of another.
//!
//! A cell's answer depends on the project only through its schemes (permission and issue security),
//! its role actors, its lead, its workflows and Jira's check answers for it. So:
//! - an account that is no actor of any role in the project (directly or through a group it is, or
//!   might be, in), does not lead it and has no check answers for it gets what any other such
//!   project with the same schemes (the same *profile*) gives it: [`Reuse::Profile`];
//! - an account that is an actor there, through groups known to hold it, gets what any project of the
//!   same profile gives it where it is the same actors of the same roles: [`Reuse::Actors`];
//! - anything else (a role's actors or the lead unknown, an unknown scheme, workflows to evaluate,
//!   membership unknown, Jira's check to agree with) is evaluated on its own: [`Reuse::Never`].
//!
//! Marking too many cells [`Reuse::Never`] is only slower; sharing too much would be wrong, so the
//! scenario tests force `exhaustive` evaluation and compare.

use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::model::{Account, Actor, Holder, Project, Site};

use super::membership::group_id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reuse {
    Profile,
    Actors,
    Never,
}

/// Which roles of a project an account is an actor of, and as what: (role number, actor key), where
/// the account itself is [`SELF`] (a user actor's path does not name the account), so alike accounts
/// that are user actors of the same roles share the signature. Numbers, not role ids: a signature is
/// hashed for every cell where its account is an actor, until it is numbered.
pub type Signature = Vec<(u32, u32)>;

/// The actor key of the account itself in a [`Signature`].
pub const SELF: u32 = u32::MAX;

pub struct Index<'s> {
    pub projects: Vec<&'s Project>,
    /// Per project: its profile (permission scheme, issue security scheme), as a small number.
    pub profile: Vec<usize>,
    pub profiles: usize,
    /// Per project: evaluated on its own for every account.
    always: Vec<bool>,
    /// Account ids and group ids (as membership checks resolve them) that are role actors and that
    /// the accounts given may be, numbered.
    keys: FxHashMap<String, u32>,
    /// Per actor key: (project, role number) for every role it is an actor of, in project order.
    actor_roles: Vec<Vec<(u32, u32)>>,
    /// Role ids by number.
    role_ids: Vec<&'s str>,
    /// Account id → groups it is listed in, for the accounts given that have no group list.
    groups_of: FxHashMap<&'s str, Vec<&'s str>>,
    /// Actor groups whose members are unknown to an account that has no group list of its own.
    unknown_groups: Vec<u32>,
    /// Account id → projects it leads.
    led: FxHashMap<&'s str, Vec<u32>>,
    position: FxHashMap<&'s str, u32>,
}

/// The actor keys an account is (`yes`) or might be (`unknown`).
pub struct Membership {
    yes: FxHashSet<u32>,
    unknown: FxHashSet<u32>,
    /// The account's own actor key, when it is a user actor anywhere.
    own: Option<u32>,
}

impl<'s> Index<'s> {
    /// `accounts` are those whose membership will be asked ([`Index::membership`]).
    pub fn new(
        site: &'s Site,
        projects: Vec<&'s Project>,
        accounts: &[&'s Account],
        skip_transitions: bool,
    ) -> Index<'s> {
        let mut profiles: FxHashMap<(Option<&str>, Option<&str>), usize> = FxHashMap::default();
        let mut profile = Vec::with_capacity(projects.len());
        let mut named_roles: Vec<Vec<&str>> = Vec::new();
        let mut always = Vec::with_capacity(projects.len());
        let mut keys: FxHashMap<String, u32> = FxHashMap::default();
        let mut actor_roles: Vec<Vec<(u32, u32)>> = Vec::new();
        let mut role_numbers: FxHashMap<&str, u32> = FxHashMap::default();
        let mut role_ids: Vec<&str> = Vec::new();
        let mut led: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
        let mut position = FxHashMap::with_capacity_and_hasher(projects.len(), Default::default());
        // The accounts without a group list of their own: only they read the member lists (a site's
        // member entries are mostly people) and can be in a group whose members are unknown.
        let listless: FxHashSet<&str> =
            accounts.iter().filter(|a| a.groups.is_none()).map(|a| a.account_id.as_str()).collect();
        // Only actors the given accounts can be are numbered: themselves, and the groups they are
        // in (every group, if one of them has no group list of its own). Most actors of a large
        // site are people, whose keys no membership asks for.
        let wanted: FxHashSet<&str> = accounts
            .iter()
            .flat_map(|a| std::iter::once(a.account_id.as_str()).chain(a.groups.iter().flatten().map(String::as_str)))
            .collect();
        for (i, project) in projects.iter().enumerate() {
            let at = u32::try_from(i).unwrap_or(u32::MAX);
            position.insert(project.key.as_str(), at);
            let scheme = project.scheme_id.as_deref().and_then(|id| site.schemes.get(id));
            let security = site.project_security_scheme.get(&project.key).map(String::as_str);
            let next = profiles.len();
            let this = *profiles.entry((scheme.map(|s| s.id.as_str()), security)).or_insert(next);
            profile.push(this);
            if this == next {
                // Roles the profile's schemes name, whose actors must be known for any sharing:
                // listed once per profile, not per project (a scheme names a role in many grants).
                let named = scheme.into_iter().flat_map(|s| s.grants.iter().map(|g| &g.holder)).chain(
                    security
                        .and_then(|id| site.security_schemes.get(id))
                        .into_iter()
                        .flat_map(|s| s.levels.iter().flat_map(|l| l.members.iter())),
                );
                let mut roles: Vec<&str> = named
                    .filter_map(|holder| match holder {
                        Holder::ProjectRole(role) => Some(role.as_str()),
                        _ => None,
                    })
                    .collect();
                roles.sort_unstable();
                roles.dedup();
                named_roles.push(roles);
            }
            if let Some(lead) = &project.lead {
                led.entry(lead.as_str()).or_default().push(at);
            }
            let actors = site.role_actors.get(&project.key);
            let mut own = scheme.is_none()
                || project.lead.is_none()
                || project.team_managed
                || (!skip_transitions && site.project_workflows.contains_key(&project.key));
            for &role in named_roles.get(this).into_iter().flatten() {
                let known = actors.is_some_and(|a| a.contains_key(role))
                    && (site.incomplete_roles.is_empty()
                        || !site.incomplete_roles.contains(&(project.key.clone(), role.to_owned())));
                own |= !known;
            }
            always.push(own);
            for (role, list) in actors.into_iter().flatten() {
                let role = *role_numbers.entry(role.as_str()).or_insert_with(|| {
                    role_ids.push(role.as_str());
                    u32::try_from(role_ids.len() - 1).unwrap_or(u32::MAX)
                });
                for actor in list {
                    let key = match actor {
                        Actor::User(id) if wanted.contains(id.as_str()) => Cow::Borrowed(id.as_str()),
                        Actor::User(_) => continue,
                        Actor::Group { id, name } => match group_id(site, id.as_ref(), name.as_ref()) {
                            Some(gid) if !listless.is_empty() || wanted.contains(gid.as_ref()) => gid,
                            _ => continue,
                        },
                    };
                    // Looked up before it is copied: most actors recur in many projects.
                    let key = match keys.get(key.as_ref()) {
                        Some(&known) => known,
                        None => {
                            let next = u32::try_from(keys.len()).unwrap_or(u32::MAX);
                            keys.insert(key.into_owned(), next);
                            actor_roles.push(Vec::new());
                            next
                        }
                    };
                    if let Some(roles) = actor_roles.get_mut(key as usize) {
                        roles.push((at, role));
                    }
                }
            }
        }
        let mut unknown_groups: Vec<u32> = Vec::new();
        let mut groups_of: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
        if !listless.is_empty() {
            unknown_groups = keys
                .iter()
                .filter(|(key, _)| {
                    let listed = site.group_members.contains_key(key.as_str());
                    let unlisted_name = site.groups_listed && key.starts_with("name:");
                    (!listed && !unlisted_name && !site.accounts.contains_key(key.as_str()))
                        || site.incomplete_groups.contains(key.as_str())
                })
                .map(|(_, &id)| id)
                .collect();
            unknown_groups.sort_unstable();
            for (group, members) in &site.group_members {
                for member in members {
                    if let Some(&member) = listless.get(member.as_str()) {
                        groups_of.entry(member).or_default().push(group.as_str());
                    }
                }
            }
        }
        Index {
            projects,
            profile,
            profiles: profiles.len(),
            always,
            keys,
            actor_roles,
            role_ids,
            groups_of,
            unknown_groups,
            led,
            position,
        }
    }

    /// The actor keys `account` is, or might be.
    pub fn membership(&self, account: &Account) -> Membership {
        let mut yes = FxHashSet::default();
        let mut unknown = FxHashSet::default();
        let mut add = |name: &str| {
            if let Some(&key) = self.keys.get(name) {
                yes.insert(key);
            }
        };
        add(&account.account_id);
        let own = self.keys.get(account.account_id.as_str()).copied();
        match &account.groups {
            Some(groups) => groups.iter().for_each(|g| add(g)),
            None => {
                self.groups_of.get(account.account_id.as_str()).into_iter().flatten().for_each(|g| add(g));
                unknown.extend(self.unknown_groups.iter().filter(|k| !yes.contains(*k)));
            }
        }
        Membership { yes, unknown, own }
    }

    /// Per project: how this account's cell there may be shared.
    pub fn reuse(&self, site: &Site, account: &Account, member: &Membership) -> Vec<Reuse> {
        let mut reuse: Vec<Reuse> =
            self.always.iter().map(|&own| if own { Reuse::Never } else { Reuse::Profile }).collect();
        let mut mark = |projects: &mut dyn Iterator<Item = u32>, how: Reuse| {
            for p in projects {
                if let Some(cell) = reuse.get_mut(p as usize) {
                    *cell = (*cell).max(how);
                }
            }
        };
        let roles_of = |k: u32| self.actor_roles.get(k as usize).into_iter().flatten().map(|&(p, _)| p);
        // Iterated in key order, so the result does not depend on hashing.
        let mut yes: Vec<u32> = member.yes.iter().copied().collect();
        yes.sort_unstable();
        let mut unknown: Vec<u32> = member.unknown.iter().copied().collect();
        unknown.sort_unstable();
        yes.iter().for_each(|&k| mark(&mut roles_of(k), Reuse::Actors));
        unknown.iter().for_each(|&k| mark(&mut roles_of(k), Reuse::Never));
        mark(&mut self.led.get(account.account_id.as_str()).into_iter().flatten().copied(), Reuse::Never);
        if let Some(checks) = site.checks.get(&account.account_id) {
            for key in checks.projects() {
                if let Some(&p) = self.position.get(key.as_str())
                    && let Some(cell) = reuse.get_mut(p as usize)
                {
                    *cell = Reuse::Never;
                }
            }
        }
        reuse
    }

    /// Where the account is a role actor: (project, role number, actor key), sorted, so each
    /// project's run of it (in project order) is that cell's [`Signature`]. Cells of one profile
    /// (and local class) with the same signature have the same answer.
    pub fn signatures(&self, member: &Membership) -> Vec<(u32, u32, u32)> {
        let mut all: Vec<(u32, u32, u32)> = Vec::new();
        #[allow(clippy::iter_over_hash_type, reason = "sorted below")]
        for &key in &member.yes {
            let normalized = if Some(key) == member.own { SELF } else { key };
            for &(p, role) in self.actor_roles.get(key as usize).into_iter().flatten() {
                all.push((p, role, normalized));
            }
        }
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The id of a role as numbered in signatures.
    pub fn role_id(&self, number: u32) -> Option<&'s str> {
        self.role_ids.get(number as usize).copied()
    }
}
