//! Building the engine's model from the decoded document: accounts, groups, schemes, roles,
//! issue security and workflows, every skip a coded warning.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::Scope;
use super::document::{CheckExchange, Decoded, RoleActor, RoleBody, SnapshotDoc};
use crate::jira::{self, decode_each, decode_one};
use crate::model::{
    Account, AccountKind, Actor, AppRole, ConditionGroup, Grant, Group, Holder, PeopleCounts, PermissionChecks,
    PermissionDef, PermissionKind, Project, Role, Rule, Scheme, SecurityLevel, SecurityScheme, Site, Transition,
    Workflow,
};
use crate::warning::{Warning, WarningCode};

/// A string's first sixteen bytes (zeros past its end) as a number: ordering by it, then by the
/// whole string where it ties, is string order. Sixteen, as many account ids share a prefix of seven
/// (`712020:`, `557058:`); wasm compares strings a byte at a time.
pub(super) fn head(s: &str) -> u128 {
    let mut bytes = [0u8; 16];
    bytes.iter_mut().zip(s.bytes()).for_each(|(to, from)| *to = from);
    u128::from_be_bytes(bytes)
}

/// `items` in the string order of their `id`: sorted as (the id's [`head`], the id, position), then
/// moved once each (an account is a large value to move).
pub(super) fn sorted<T>(items: Vec<T>, id: impl Fn(&T) -> &str) -> Vec<T> {
    let mut order: Vec<(u128, &str, usize)> =
        items.iter().enumerate().map(|(i, item)| (head(id(item)), id(item), i)).collect();
    order.sort_unstable();
    let order: Vec<usize> = order.into_iter().map(|(_, _, i)| i).collect();
    let mut items: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| items.get_mut(i).and_then(Option::take)).collect()
}

#[derive(Default)]
pub(super) struct Builder {
    pub(super) site: Site,
    /// The site's accounts while building: a hash lookup per user and member element instead of a
    /// walk of string compares down a tree; sorted into `site.accounts` once at the end.
    pub(super) accounts: FxHashMap<String, Account>,
    /// With [`Scope::non_human_only`], the accounts some element said are people's and that were
    /// not read: another element of the same account that says nothing must not make it unknown.
    pub(super) people: rustc_hash::FxHashSet<String>,
    /// With [`Scope::non_human_only`], the people seen active (or of unknown activity), counted
    /// into `site.people_counts`.
    pub(super) active_people: rustc_hash::FxHashSet<String>,
    pub(super) warnings: Vec<Warning>,
    pub(super) scope: Scope,
}

impl Builder {
    pub(super) fn warn(&mut self, code: WarningCode, message: impl Into<String>) {
        self.warnings.push(Warning::new(code, message));
    }

    pub(super) fn each<T: serde::de::DeserializeOwned>(&mut self, items: &[Box<RawValue>], what: &str) -> Vec<T> {
        let (decoded, warnings) = decode_each(items, what);
        self.warnings.extend(warnings);
        decoded
    }

    pub(super) fn one<T: serde::de::DeserializeOwned>(&mut self, raw: &RawValue, what: &str) -> Option<T> {
        decode_one(raw, what).map_err(|w| self.warnings.push(w)).ok()
    }

    /// The decoded elements of every page of a paged part (see [`Decoded::page`]).
    pub(super) fn paged<T: DeserializeOwned>(&mut self, pages: &[Box<RawValue>], what: &str, item: &str) -> Vec<T> {
        self.decoded(Decoded::pages(pages, what, item)).0
    }

    /// The elements of a part decoded earlier, its warnings now reported; and whether all were read.
    pub(super) fn decoded<T>(&mut self, part: Decoded<T>) -> (Vec<T>, bool) {
        let whole = part.whole();
        self.warnings.extend(part.warnings);
        (part.items, whole)
    }

    /// Each part is read by a method kept out of this one (`#[inline(never)]`): as one large
    /// function, the build ran about 2 % slower in wasm on the L and XL benchmark sites (as
    /// `engine::account_row`).
    pub(super) fn build(&mut self, doc: SnapshotDoc) {
        self.site.site = doc.meta.site.clone();
        self.site.collected_at = doc.meta.collected_at.clone();
        for gap in &doc.meta.gaps {
            self.site.gaps.insert((gap.part.clone(), gap.key.clone().unwrap_or_default()), gap.reason.clone());
            if gap.key.is_none() {
                self.warn(
                    WarningCode::MissingPart,
                    format!("part `{}` was not read whole ({}): what it lists may be missing", gap.part, gap.reason),
                );
            }
        }
        for (part, present, what) in [
            ("projects", doc.projects.present, "no project is analysed"),
            ("users", doc.users.present, "only accounts that other parts name are analysed"),
        ] {
            if !present && self.site.gap(part, "").is_none() {
                self.warn(WarningCode::MissingPart, format!("the snapshot has no `{part}` part: {what}"));
            }
        }
        for name in &doc.unknown {
            self.warn(
                WarningCode::UnknownSnapshotPart,
                format!("ignored part `{name}`, which format v1 does not define"),
            );
        }
        self.permissions(doc.permissions.as_deref());
        self.schemes(doc.permission_schemes.as_deref());
        self.groups(&doc.groups);
        self.users(doc.users, doc.user_details);
        self.group_members(doc.group_members);
        self.projects(doc.projects, &doc.project_permission_schemes);
        self.roles(doc.roles.as_deref(), doc.project_roles);
        self.app_roles(doc.application_roles.as_deref());
        self.security(
            doc.issue_security_schemes.as_deref(),
            doc.issue_security_projects.as_deref(),
            &doc.issue_security_levels,
            &doc.issue_security_members,
        );
        self.workflows(&doc.workflows, &doc.workflow_scheme_projects);
        self.checks(&doc.permission_checks);
        let accounts: Vec<(String, Account)> = std::mem::take(&mut self.accounts).into_iter().collect();
        self.site.accounts = sorted(accounts, |(id, _)| id.as_str()).into_iter().collect();
    }

    #[inline(never)]
    pub(super) fn permissions(&mut self, raw: Option<&RawValue>) {
        let Some(list) = raw.and_then(|r| self.one::<jira::Permissions>(r, "permissions")) else {
            return;
        };
        for (key, p) in list.permissions {
            let kind = match p.kind.as_deref() {
                Some("GLOBAL") => PermissionKind::Global,
                Some("PROJECT") => PermissionKind::Project,
                other => {
                    self.warn(
                        WarningCode::UnknownPermissionType,
                        format!(
                            "permission `{key}` has type `{}`; treated as a project permission",
                            other.unwrap_or("")
                        ),
                    );
                    PermissionKind::Project
                }
            };
            self.site.permission_defs.insert(key.clone(), PermissionDef { key, name: p.name, kind });
        }
    }

    #[inline(never)]
    pub(super) fn schemes(&mut self, raw: Option<&RawValue>) {
        let Some(raw) = raw else {
            self.warn(
                WarningCode::MissingPart,
                "the snapshot has no permission schemes; no project access can be derived",
            );
            return;
        };
        // Fast path: every scheme and grant well-formed, decoded in one pass.
        type Typed = jira::PermissionSchemes<jira::PermissionScheme<jira::PermissionGrant>>;
        if let Ok(list) = serde_json::from_str::<Typed>(raw.get()) {
            for scheme in list.permission_schemes {
                self.add_scheme(scheme);
            }
            return;
        }
        let Some(list) = self.one::<jira::PermissionSchemes>(raw, "permission schemes") else {
            return;
        };
        let schemes: Vec<jira::PermissionScheme> = self.each(&list.permission_schemes, "permission scheme");
        for scheme in schemes {
            let what = format!("grant of permission scheme {}", scheme.id.as_deref().unwrap_or("?"));
            let raw = scheme.permissions.as_deref().unwrap_or_default();
            let grants: Vec<jira::PermissionGrant> = self.each(raw, &what);
            if let (Some(id), true) = (&scheme.id, grants.len() < raw.len()) {
                let lost = raw.len() - grants.len();
                self.site.incomplete_schemes.insert(
                    id.clone(),
                    format!(
                        "{lost} grant(s) of scheme \"{}\" could not be read, so any permission may be missing",
                        scheme.name
                    ),
                );
            }
            self.add_scheme(jira::PermissionScheme {
                id: scheme.id,
                name: scheme.name,
                description: scheme.description,
                permissions: scheme.permissions.map(|_| grants),
                scope: scheme.scope,
            });
        }
    }

    pub(super) fn add_scheme(&mut self, scheme: jira::PermissionScheme<jira::PermissionGrant>) {
        let Some(id) = scheme.id else {
            self.warn(WarningCode::SkippedItem, format!("skipped permission scheme `{}` without an id", scheme.name));
            return;
        };
        if scheme.permissions.is_none() {
            self.site.incomplete_schemes.insert(
                id.clone(),
                format!(
                    "the grants of scheme \"{}\" are not in the snapshot (it was listed without expand=permissions), so any permission may be missing",
                    scheme.name
                ),
            );
        }
        let grants = scheme
            .permissions
            .into_iter()
            .flatten()
            .map(|g| Grant { id: g.id, permission: g.permission, holder: self.holder(&g.holder) })
            .collect();
        self.site.schemes.insert(id.clone(), Scheme { id, name: scheme.name, grants });
    }

    pub(super) fn holder(&mut self, h: &jira::PermissionHolder) -> Holder {
        let param = h.value.clone().or_else(|| h.parameter.clone());
        match h.kind.as_str() {
            "anyone" => Holder::Anyone,
            "applicationRole" => {
                Holder::ApplicationRole(h.parameter.clone().or_else(|| h.value.clone()).filter(|p| !p.is_empty()))
            }
            "group" => {
                let id = h.value.clone().or_else(|| h.group.as_ref().and_then(|g| g.group_id.clone()));
                let name = h.parameter.clone().or_else(|| h.group.as_ref().and_then(|g| g.name.clone()));
                Holder::Group { id, name }
            }
            "user" => match param.or_else(|| h.user.as_ref().and_then(|u| u.account_id.clone())) {
                Some(account) => Holder::User(account),
                None => Holder::Unknown { kind: "user".into(), parameter: None },
            },
            "projectRole" | "projectrole" => {
                match param.or_else(|| h.project_role.as_ref().and_then(|r| r.id.clone())) {
                    Some(role) => Holder::ProjectRole(role),
                    None => Holder::Unknown { kind: h.kind.clone(), parameter: None },
                }
            }
            "projectLead" => Holder::ProjectLead,
            "reporter" => Holder::Reporter,
            "assignee" => Holder::Assignee,
            "userCustomField" => Holder::UserCustomField(param.unwrap_or_default()),
            "groupCustomField" => Holder::GroupCustomField(param.unwrap_or_default()),
            "sd.customer.portal.only" => Holder::CustomerPortalOnly,
            other => Holder::Unknown { kind: other.to_owned(), parameter: h.parameter.clone() },
        }
    }

    #[inline(never)]
    pub(super) fn groups(&mut self, pages: &[Box<RawValue>]) {
        let (groups, complete): (Vec<jira::GroupName>, bool) = self.decoded(Decoded::pages(pages, "groups", "group"));
        self.site.groups_listed = !pages.is_empty() && complete && self.site.gap("groups", "").is_none();
        for g in groups {
            self.add_group(g.group_id, g.name);
        }
    }

    /// Records a group and returns its id; a group known only by name gets `name:<name>` as id.
    pub(super) fn add_group(&mut self, id: Option<String>, name: Option<String>) -> Option<String> {
        let id = id
            .or_else(|| name.as_ref().and_then(|n| self.site.group_id_by_name.get(n).cloned()))
            .or_else(|| name.as_ref().map(|n| format!("name:{n}")))?;
        // Looked up before anything is copied: most calls name a group already recorded.
        match self.site.groups.get_mut(&id) {
            Some(group) => {
                if let (Some(name), true) = (&name, group.name.is_empty()) {
                    group.name = name.clone();
                }
            }
            None => {
                let group = Group { id: id.clone(), name: name.clone().unwrap_or_default() };
                self.site.groups.insert(id.clone(), group);
            }
        }
        if let Some(name) = name
            && !self.site.group_id_by_name.contains_key(&name)
        {
            self.site.group_id_by_name.insert(name, id.clone());
        }
        Some(id)
    }

    pub(super) fn account_from(&mut self, user: jira::User) {
        // `size` above the items listed: a list cut short (`GET /user` without expand), which cannot
        // say the account is in no other group.
        let groups = match user.groups.filter(jira::ListWrapper::is_whole) {
            Some(wrapper) => {
                let mut ids = BTreeSet::new();
                // An item named neither by id nor by the name of a group already listed with its
                // id cannot be matched to what roles and grants name by id: the list then no
                // longer proves absence.
                let mut whole = true;
                for g in wrapper.items {
                    let id = self.add_group(g.group_id, g.name);
                    whole &= id.as_ref().is_some_and(|id| !id.starts_with("name:"));
                    ids.extend(id);
                }
                whole.then_some(ids)
            }
            None => None,
        };
        // An application role without a key is one the account has but cannot be named.
        let app_roles = user
            .application_roles
            .filter(jira::ListWrapper::is_whole)
            .and_then(|w| w.items.into_iter().map(|r| r.key).collect::<Option<BTreeSet<_>>>());
        // Most accounts are new: one copy of the id, for the map's key.
        let account = match self.accounts.entry(user.account_id) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                let account_id = entry.key().clone();
                entry.insert(Account {
                    account_id,
                    display_name: String::new(),
                    account_type: None,
                    app_type: None,
                    active: true,
                    groups: None,
                    app_roles: None,
                })
            }
        };
        if let Some(name) = user.display_name {
            account.display_name = name;
        }
        if let Some(kind) = user.account_type {
            account.account_type = Some(kind.0);
        }
        if user.app_type.is_some() {
            account.app_type = user.app_type;
        }
        if let Some(active) = user.active {
            account.active = active;
        }
        if groups.is_some() {
            account.groups = groups;
        }
        if app_roles.is_some() {
            account.app_roles = app_roles;
        }
    }

    #[inline(never)]
    pub(super) fn users(&mut self, users: Decoded<jira::User>, details: BTreeMap<String, Result<jira::User, Warning>>) {
        let (users, _) = self.decoded(users);
        self.accounts.reserve(users.len() + details.len());
        for user in users {
            if self.keeps(&user) {
                self.account_from(user);
            }
        }
        for user in details.into_values() {
            match user {
                Ok(user) if self.keeps(&user) => self.account_from(user),
                Ok(_) => {}
                Err(warning) => self.warnings.push(warning),
            }
        }
    }

    /// The last part that says what an account is: with [`Scope::non_human_only`], people's
    /// accounts are dropped here, and with them their places in the member lists.
    #[inline(never)]
    pub(super) fn group_members(&mut self, members: BTreeMap<String, Decoded<jira::User>>) {
        let mut lists = Vec::with_capacity(members.len());
        for (group_id, part) in members {
            let (users, complete) = self.decoded(part);
            let id = self.add_group(Some(group_id.clone()), None).unwrap_or_else(|| group_id.clone());
            if !complete || self.site.gap("groupMembers", &group_id).is_some() {
                self.site.incomplete_groups.insert(id.clone());
            }
            let mut listed = Vec::with_capacity(users.len());
            let mut people = 0usize;
            for user in users {
                if self.scope.non_human_only
                    && (user.says_person() || self.people.contains(&user.account_id))
                    && user.active != Some(false)
                {
                    people += 1;
                }
                if self.accounts.contains_key(&user.account_id) {
                    listed.push(user.account_id);
                } else if self.keeps(&user) {
                    listed.push(user.account_id.clone());
                    self.account_from(user);
                }
            }
            lists.push((id, listed, people));
        }
        if self.scope.non_human_only {
            let by_group = lists.iter().map(|(id, _, people)| (id.clone(), *people)).collect();
            self.site.people_counts = Some(PeopleCounts { active: self.active_people.len(), by_group });
            let people = std::mem::take(&mut self.people);
            self.accounts.retain(|id, account| match account.kind() {
                AccountKind::Human => false,
                AccountKind::Unknown => !people.contains(id),
                AccountKind::Service | AccountKind::App => true,
            });
        }
        for (id, mut listed, _) in lists {
            if self.scope.non_human_only {
                listed.retain(|member| self.accounts.contains_key(member));
            }
            // Built in one go: a sorted bulk build, not an insert per member; sorted by [`head`]
            // first, so the build's own sort finds one run.
            let set: BTreeSet<String> = sorted(listed, String::as_str).into_iter().collect();
            self.site.group_members.insert(id, set);
        }
    }

    /// Whether a user element is read at all: with [`Scope::non_human_only`], one that says it is a
    /// person's account is not (and is remembered). One that does not say is read, and dropped in
    /// [`Self::group_members`] if another element said it is a person's.
    pub(super) fn keeps(&mut self, user: &jira::User) -> bool {
        let person = user.says_person();
        if self.scope.non_human_only && person {
            self.people.insert(user.account_id.clone());
            if user.active != Some(false) {
                self.active_people.insert(user.account_id.clone());
            }
        }
        !self.scope.non_human_only || !person
    }

    #[inline(never)]
    pub(super) fn projects(&mut self, projects: Decoded<jira::Project>, schemes: &BTreeMap<String, Box<RawValue>>) {
        let (projects, _) = self.decoded(projects);
        for p in projects {
            if let Some(id) = &p.id {
                self.site.project_key_by_id.insert(id.clone(), p.key.clone());
            }
            let lead = p.lead.as_ref().and_then(|l| l.account_id.clone());
            let team_managed = p.team_managed();
            self.site.projects.insert(
                p.key.clone(),
                Project { id: p.id, key: p.key, name: p.name, lead, team_managed, scheme_id: None },
            );
        }
        for (key, raw) in schemes {
            let Some(scheme) =
                self.one::<jira::PermissionScheme>(raw, &format!("permission scheme of project `{key}`"))
            else {
                continue;
            };
            match self.site.projects.get_mut(key) {
                Some(project) => project.scheme_id = scheme.id,
                None => self.warn(
                    WarningCode::UnknownReference,
                    format!("a permission scheme is recorded for project `{key}`, which is not in the project list"),
                ),
            }
        }
    }

    #[inline(never)]
    pub(super) fn roles(
        &mut self,
        raw: Option<&RawValue>,
        per_project: BTreeMap<String, BTreeMap<String, Result<RoleBody, Warning>>>,
    ) {
        if let Some(roles) = raw.and_then(|r| self.one::<Vec<Box<RawValue>>>(r, "roles")) {
            let roles: Vec<jira::ProjectRole> = self.each(&roles, "role");
            for role in roles {
                if let Some(id) = role.id {
                    self.site.roles.insert(id.clone(), Role { id, name: role.name.unwrap_or_default() });
                }
            }
        }
        for (project, roles) in per_project {
            let mut listed = BTreeMap::new();
            for (role_id, role) in roles {
                let role = match role {
                    Ok(role) => role,
                    Err(warning) => {
                        self.warnings.push(warning);
                        continue;
                    }
                };
                if let (Some(name), false) = (&role.name, self.site.roles.contains_key(&role_id)) {
                    self.site.roles.insert(role_id.clone(), Role { id: role_id.clone(), name: name.clone() });
                }
                if !role.actors_listed {
                    // Nothing said of its members is not "no members": whoever it holds is unknown.
                    self.site.incomplete_roles.insert((project.clone(), role_id.clone()));
                    self.warn(
                        WarningCode::MissingPart,
                        format!("the body of role `{role_id}` in project `{project}` has no `actors` list: its members are unknown"),
                    );
                }
                let mut actors = Vec::with_capacity(role.actors.len());
                for actor in role.actors {
                    match actor {
                        // An account the load dropped is analysed nowhere (Scope::non_human_only).
                        RoleActor::User(user) if self.scope.non_human_only && !self.accounts.contains_key(&user) => {}
                        RoleActor::User(user) => actors.push(Actor::User(user)),
                        RoleActor::Group { id, name } if id.is_some() || name.is_some() => {
                            let id = self.add_group(id, name.clone());
                            actors.push(Actor::Group { id, name });
                        }
                        RoleActor::Group { .. } => {
                            self.site.incomplete_roles.insert((project.clone(), role_id.clone()));
                            self.warn(
                                WarningCode::UnknownActor,
                                format!(
                                    "actors of role `{role_id}` in project `{project}`: a group actor names neither an id nor a name"
                                ),
                            );
                        }
                        RoleActor::Neither(kind) => {
                            self.site.incomplete_roles.insert((project.clone(), role_id.clone()));
                            self.warn(
                                WarningCode::UnknownActor,
                                format!(
                                    "actors of role `{role_id}` in project `{project}`: an actor of type `{}` names no user or group",
                                    kind.unwrap_or_default()
                                ),
                            );
                        }
                    }
                }
                actors.sort();
                listed.insert(role_id, actors);
            }
            if !listed.is_empty() {
                self.site.role_actors.entry(project).or_default().extend(listed);
            }
        }
    }

    #[inline(never)]
    pub(super) fn app_roles(&mut self, raw: Option<&RawValue>) {
        let Some(list) = raw.and_then(|r| self.one::<Vec<Box<RawValue>>>(r, "application roles")) else {
            return;
        };
        let roles: Vec<jira::ApplicationRole> = self.each(&list, "application role");
        for role in roles {
            let mut group_ids = BTreeSet::new();
            let mut groups_incomplete = false;
            for g in role.group_details {
                match self.add_group(g.group_id, g.name) {
                    Some(id) => {
                        group_ids.insert(id);
                    }
                    None => groups_incomplete = true,
                }
            }
            if groups_incomplete {
                self.warn(
                    WarningCode::SkippedItem,
                    format!("a group of product access `{}` names neither an id nor a name", role.key),
                );
            }
            for name in role.groups {
                if let Some(id) = self.add_group(None, Some(name)) {
                    group_ids.insert(id);
                }
            }
            let role = AppRole { key: role.key.clone(), name: role.name, group_ids, groups_incomplete };
            self.site.app_roles.insert(role.key.clone(), role);
        }
    }

    #[inline(never)]
    pub(super) fn security(
        &mut self,
        schemes: Option<&RawValue>,
        projects: Option<&[Box<RawValue>]>,
        levels: &BTreeMap<String, Vec<Box<RawValue>>>,
        members: &BTreeMap<String, Vec<Box<RawValue>>>,
    ) {
        let gaps =
            self.site.gap("issueSecuritySchemes", "").is_some() || self.site.gap("issueSecurityProjects", "").is_some();
        self.site.security_collected = schemes.is_some() || projects.is_some() || gaps;
        if schemes.is_none() && projects.is_none() {
            if !gaps {
                self.warn(
                    WarningCode::MissingPart,
                    "the snapshot has no issue security parts (`issueSecuritySchemes`, `issueSecurityProjects`): \
                     which issue security levels accounts can see is unknown",
                );
            }
            return;
        }
        if let Some(list) = schemes.and_then(|r| self.one::<jira::SecuritySchemes>(r, "issue security schemes")) {
            self.site.security_schemes_listed = self.site.gap("issueSecuritySchemes", "").is_none();
            for scheme in list.issue_security_schemes {
                let Some(id) = scheme.id else { continue };
                // A listed level without an id cannot be matched to its members: the list is not whole.
                let levels_listed = scheme.levels.as_ref().is_some_and(|l| l.iter().all(|l| l.id.is_some()));
                let levels = scheme
                    .levels
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|l| {
                        let id = l.id?;
                        Some(SecurityLevel {
                            name: l.name.unwrap_or_else(|| unnamed_level(&id)),
                            id,
                            description: l.description,
                            is_default: l.is_default.unwrap_or(false),
                            members: Vec::new(),
                        })
                    })
                    .collect();
                let name = scheme.name.unwrap_or_default();
                let scheme = SecurityScheme {
                    id: id.clone(),
                    name,
                    levels,
                    levels_listed,
                    members_known: false,
                    members_missing: None,
                };
                self.site.security_schemes.insert(id, scheme);
            }
        }
        for (scheme_id, pages) in levels {
            self.security_levels(scheme_id, pages);
        }
        if let Some(pages) = projects {
            let (rows, complete): (Vec<jira::SecuritySchemeProject>, bool) =
                self.decoded(Decoded::pages(pages, "issue security scheme projects", "issue security scheme project"));
            self.site.security_mapping_known = complete && self.site.gap("issueSecurityProjects", "").is_none();
            for row in rows {
                let (Some(scheme), Some(project)) = (row.issue_security_scheme_id, row.project_id) else {
                    // The row may be any project's: no project is proven to have no scheme.
                    self.site.security_mapping_known = false;
                    self.warn(
                        WarningCode::SkippedItem,
                        "an issue security scheme project row names no scheme or no project; it is ignored",
                    );
                    continue;
                };
                if schemes.is_some() && !self.site.security_schemes.contains_key(&scheme) {
                    self.warn(
                        WarningCode::UnknownReference,
                        format!("project id `{project}` is mapped to issue security scheme `{scheme}`, which is not in the scheme list; its levels are unknown"),
                    );
                }
                match self.site.project_key_by_id.get(&project) {
                    Some(key) => {
                        self.site.project_security_scheme.insert(key.clone(), scheme);
                    }
                    None => self.warn(
                        WarningCode::UnknownReference,
                        format!("issue security scheme `{scheme}` is mapped to project id `{project}`, which is not in the project list"),
                    ),
                }
            }
        }
        for (scheme_id, pages) in members {
            let (rows, complete): (Vec<jira::SecurityLevelMember>, bool) = self.decoded(Decoded::pages(
                pages,
                &format!("members of issue security scheme `{scheme_id}`"),
                &format!("member of issue security scheme `{scheme_id}`"),
            ));
            let missing = match self.site.gap("issueSecurityMembers", scheme_id) {
                Some(reason) => Some(format!(": {reason}")),
                None => (!complete).then(String::new),
            };
            let holders: Vec<(Option<String>, Holder)> =
                rows.iter().map(|m| (m.issue_security_level_id.clone(), self.holder(&m.holder))).collect();
            let without_level = holders.iter().filter(|(level, _)| level.is_none()).count();
            if without_level > 0 {
                self.warn(
                    WarningCode::SkippedItem,
                    format!("{without_level} member(s) of issue security scheme `{scheme_id}` name no level; any level of the scheme may be theirs, so none is ruled out"),
                );
            }
            let Some(scheme) = self.site.security_schemes.get_mut(scheme_id) else {
                self.warn(
                    WarningCode::UnknownReference,
                    format!(
                        "members are recorded for issue security scheme `{scheme_id}`, which is not in the scheme list"
                    ),
                );
                continue;
            };
            scheme.members_known = true;
            // A member row that names no level may be a member of any level.
            scheme.members_missing =
                missing.or_else(|| (without_level > 0).then(|| format!(": {without_level} member(s) name no level")));
            for (level_id, holder) in holders {
                let Some(level_id) = level_id else { continue };
                // GET /issuesecurityschemes lists schemes without their levels; a level first
                // seen here is kept, named by its id, rather than dropping its members.
                match scheme.levels.iter_mut().find(|l| l.id == level_id) {
                    Some(level) => level.members.push(holder),
                    None => scheme.levels.push(SecurityLevel {
                        name: unnamed_level(&level_id),
                        id: level_id,
                        description: None,
                        is_default: false,
                        members: vec![holder],
                    }),
                }
            }
        }
    }

    /// One scheme's pages of `GET /issuesecurityschemes/level?schemeId=…`: each level's name,
    /// description and default flag. Read whole, they are every level of the scheme.
    pub(super) fn security_levels(&mut self, scheme_id: &str, pages: &[Box<RawValue>]) {
        let (rows, complete): (Vec<jira::SecurityLevel>, bool) = self.decoded(Decoded::pages(
            pages,
            &format!("levels of issue security scheme `{scheme_id}`"),
            &format!("level of issue security scheme `{scheme_id}`"),
        ));
        let whole = complete
            && self.site.gap("issueSecurityLevels", scheme_id).is_none()
            && rows.iter().all(|l| l.id.is_some() && l.name.is_some());
        let Some(scheme) = self.site.security_schemes.get_mut(scheme_id) else {
            self.warn(
                WarningCode::UnknownReference,
                format!("levels are recorded for issue security scheme `{scheme_id}`, which is not in the scheme list"),
            );
            return;
        };
        let mut foreign = 0usize;
        for row in rows {
            let Some(id) = row.id else { continue };
            // The listing filters by scheme; a row of another scheme is not this one's level.
            if row.issue_security_scheme_id.as_deref().is_some_and(|s| s != scheme_id) {
                foreign += 1;
                continue;
            }
            let at = match scheme.levels.iter().position(|l| l.id == id) {
                Some(at) => at,
                None => {
                    scheme.levels.push(SecurityLevel {
                        name: unnamed_level(&id),
                        id,
                        description: None,
                        is_default: false,
                        members: Vec::new(),
                    });
                    scheme.levels.len() - 1
                }
            };
            if let Some(level) = scheme.levels.get_mut(at) {
                if let Some(name) = row.name {
                    level.name = name;
                }
                level.description = row.description.or(level.description.take());
                level.is_default |= row.is_default.unwrap_or(false);
            }
        }
        if whole {
            scheme.levels_listed = true;
        }
        if foreign > 0 {
            self.warn(
                WarningCode::SkippedItem,
                format!("{foreign} level(s) listed for issue security scheme `{scheme_id}` belong to another scheme; they are ignored"),
            );
        }
    }

    #[inline(never)]
    pub(super) fn workflows(&mut self, pages: &[Box<RawValue>], scheme_projects: &[Box<RawValue>]) {
        let workflows: Vec<jira::Workflow> = self.paged(pages, "workflows", "workflow");
        for wf in workflows {
            let transitions = wf
                .transitions
                .into_iter()
                .map(|t| Transition {
                    id: t.id.unwrap_or_default(),
                    name: t.name,
                    conditions: t.conditions.map(condition_group),
                })
                .collect();
            self.site.workflows.insert(wf.name.clone(), Workflow { name: wf.name, transitions });
        }
        for (index, raw) in scheme_projects.iter().enumerate() {
            let what = format!("workflow scheme projects body {index}");
            let Some(body) = self.one::<jira::WorkflowSchemeAssociations>(raw, &what) else {
                continue;
            };
            for assoc in body.values {
                let mut names: BTreeSet<String> = assoc.workflow_scheme.issue_type_mappings.into_values().collect();
                // Jira's default workflow scheme names no default; its workflow is `jira`.
                names.insert(assoc.workflow_scheme.default_workflow.unwrap_or_else(|| "jira".to_owned()));
                for project_id in assoc.project_ids {
                    if let Some(key) = self.site.project_key_by_id.get(&project_id).cloned() {
                        self.site.project_workflows.entry(key).or_default().extend(names.iter().cloned());
                    }
                }
            }
        }
    }

    #[inline(never)]
    pub(super) fn checks(&mut self, checks: &BTreeMap<String, Vec<CheckExchange>>) {
        for (account, exchanges) in checks {
            let mut result = PermissionChecks::default();
            for (index, exchange) in exchanges.iter().enumerate() {
                let what = format!("permission check {index} of `{account}`");
                let Some(request) =
                    self.one::<jira::BulkPermissionsRequest>(&exchange.request, &format!("{what} (request)"))
                else {
                    continue;
                };
                let Some(response) =
                    self.one::<jira::BulkPermissionGrants>(&exchange.response, &format!("{what} (response)"))
                else {
                    continue;
                };
                result.global_asked.extend(request.global_permissions);
                result.global_granted.extend(response.global_permissions);
                // Permission → the project ids Jira granted it in.
                let mut granted: HashMap<&str, HashSet<&str>> = HashMap::new();
                for grant in &response.project_permissions {
                    granted
                        .entry(grant.permission.as_str())
                        .or_default()
                        .extend(grant.projects.iter().map(String::as_str));
                }
                for asked in &request.project_permissions {
                    let mut permissions = asked.permissions.clone();
                    permissions.sort_unstable();
                    permissions.dedup();
                    let permissions: Arc<[String]> = permissions.into();
                    for project_id in &asked.projects {
                        let Some(key) = self.site.project_key_by_id.get(project_id) else {
                            continue;
                        };
                        if self.scope.project.as_ref().is_some_and(|only| only != key) {
                            continue;
                        }
                        result.record(key, &permissions, |permission| {
                            granted.get(permission).is_some_and(|projects| projects.contains(project_id.as_str()))
                        });
                    }
                }
            }
            self.site.checks.insert(account.clone(), result);
        }
    }
}

pub(super) fn condition_group(group: jira::ConditionGroup) -> ConditionGroup {
    ConditionGroup {
        any: group.operation.as_deref().is_some_and(|op| op.eq_ignore_ascii_case("ANY")),
        rules: group
            .conditions
            .into_iter()
            .map(|r| Rule {
                key: r.rule_key,
                parameters: r
                    .parameters
                    .into_iter()
                    .map(|(k, v)| {
                        let text = match v {
                            serde_json::Value::String(s) => s,
                            other => other.to_string(),
                        };
                        (k, text)
                    })
                    .collect(),
            })
            .collect(),
        groups: group.condition_groups.into_iter().map(condition_group).collect(),
    }
}

/// The name of a level no listing named: its id, and that its name is not known.
pub(super) fn unnamed_level(id: &str) -> String {
    format!("level {id} (name not read)")
}
