//! Effective access: for an account and a project, every permission it holds and every path that
//! grants it (Jira's model: scheme grant → holder → role actor), plus security levels, transitions, global
//! permissions and the agreement with Jira's own permission check.
//!
//! Pure: a [`Site`] in, an [`Analysis`] out. Nothing here reads a clock or does I/O.

pub mod membership;
pub mod reuse;
mod security;
mod transitions;
pub mod what_if;
pub mod why_not;

use std::borrow::Cow;

use std::rc::Rc;

use crate::analysis::matrix::{AccessSet, AccountRow, Matrix, ProjectRef, SetInterner};
use crate::analysis::{Analysis, Coverage, JiraAdmin, PathEntry, Unresolved};
use crate::model::{
    Account, AccountKind, Grant, Holder, PermissionKind, Project, Scheme, SecurityLevel, SecurityScheme, Site,
};
use crate::warning::{Warning, WarningCode};

use crate::analysis::path::{Origin, Path, Via};
use membership::{depends_on_project, match_holder};

/// Which accounts and projects to analyse.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub accounts: AccountSelection,
    /// Only this project (by key); every project when `None`.
    pub project: Option<String>,
    /// Skip workflow transitions (they dominate output size on large sites).
    pub skip_transitions: bool,
    /// Evaluate every cell on its own instead of sharing answers between alike projects (see
    /// [`reuse`]): slower, the same answer; tests use it to prove the sharing exact.
    pub exhaustive: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AccountSelection {
    /// Service accounts and other app accounts: the default.
    #[default]
    NonHuman,
    All,
    One(String),
    /// These accounts, where the snapshot has them (what-if's transitions: only the accounts a
    /// change can move).
    Some(std::collections::BTreeSet<String>),
}

/// Analyses the selected accounts across the selected projects: the `analyze` contract.
pub fn analyze(site: &Site, selection: &Selection) -> Analysis {
    matrix(site, selection).expand()
}

/// The full matrix of the selected accounts × projects, each distinct cell once.
pub fn matrix(site: &Site, selection: &Selection) -> Matrix {
    let mut warnings = lint_schemes(site);
    let projects: Vec<&Project> = match &selection.project {
        Some(key) => {
            let found: Vec<&Project> = site.projects.get(key).into_iter().collect();
            if found.is_empty() {
                warnings.push(Warning::new(
                    WarningCode::UnknownReference,
                    format!("project `{key}` is not in the snapshot"),
                ));
            }
            found
        }
        None => site.projects.values().collect(),
    };
    let accounts: Vec<&Account> = match &selection.accounts {
        AccountSelection::NonHuman => site.accounts.values().filter(|a| a.kind() != AccountKind::Human).collect(),
        AccountSelection::All => site.accounts.values().collect(),
        AccountSelection::Some(ids) => ids.iter().filter_map(|id| site.accounts.get(id)).collect(),
        AccountSelection::One(id) => {
            let found: Vec<&Account> = site.accounts.get(id).into_iter().collect();
            if found.is_empty() {
                warnings.push(Warning::new(
                    WarningCode::UnknownReference,
                    format!("account `{id}` is not in the snapshot"),
                ));
            }
            found
        }
    };
    let index = reuse::Index::new(site, projects, &accounts, selection.skip_transitions);
    let alike = Alike::new(site, &index);
    let mut memo = Memo { sets: SetInterner::default(), paths: PathCache::default(), alike, cells: Vec::new() };
    let mut rows = Vec::with_capacity(accounts.len());
    for account in accounts {
        rows.push(account_row(site, account, &index, selection, &mut memo, &mut warnings));
    }
    let sets = memo.sets;
    warnings.sort();
    warnings.dedup();
    Matrix {
        site: site.site.clone(),
        collected_at: site.collected_at.clone(),
        projects: index
            .projects
            .iter()
            .map(|p| ProjectRef { key: p.key.clone(), name: p.name.clone(), team_managed: p.team_managed })
            .collect(),
        sets: sets.into_sets(),
        accounts: rows,
        warnings,
    }
}

/// What the accounts' evaluations share: access sets, rendered paths, classes of alike accounts.
struct Memo<'s> {
    sets: SetInterner,
    paths: PathCache,
    alike: Alike<'s>,
    /// A row's cells while it is evaluated.
    cells: Vec<(u32, u32)>,
}

/// Accounts alike in a profile where they hold no role and lead nothing ([`reuse::Reuse::Profile`]
/// cells): there a cell depends on the account only through how the holders of that profile's
/// schemes that need no project match it (groups, product access, the account itself). Such cells are evaluated once per profile and *local class* (the profile's
/// holders the account matches, and how) instead of once per account: on a large site most cells are
/// of this kind, and most bots match a given scheme's few group holders the same way even where
/// their groups elsewhere differ.
struct Alike<'s> {
    /// Every distinct holder of a scheme grant or security level member that needs no project, sorted.
    holders: Vec<&'s Holder>,
    /// Per holder (as numbered in `holders`): the profiles whose schemes name it.
    holder_profiles: Vec<Vec<u32>>,
    /// Which holders an account needs to be matched against, by what they depend on: an account
    /// is in a few of a large site's groups, and is one user.
    route: HolderRoute<'s>,
    /// Per holder that matches every account alike: its match number, or `None` for no match;
    /// filled by the first account.
    constant: Vec<Option<Option<u32>>>,
    profiles: usize,
    /// Each distinct way a holder matches, numbered.
    matches: rustc_hash::FxHashMap<membership::Match, u32>,
    /// (profile, the profile's matched holders) → local class.
    classes: rustc_hash::FxHashMap<(usize, MatchedHolders), u32>,
    /// Local class → the cell's access set.
    cells: rustc_hash::FxHashMap<u32, Option<u32>>,
    /// Each distinct signature, numbered: a cell looks its signature up without copying it.
    signatures: rustc_hash::FxHashMap<reuse::Signature, u32>,
    /// (local class, signature number) → the access set of a cell where the account is a role
    /// actor ([`reuse::Reuse::Actors`]): bots that are actors of the same roles the same way share it.
    actor_cells: rustc_hash::FxHashMap<(u32, u32), Option<u32>>,
}

/// The holders of a profile an account matches, as (holder, match) numbers, in holder order.
type MatchedHolders = Vec<(u32, u32)>;

/// The holders of [`Alike`] (numbered as there) by what their match depends on.
#[derive(Default)]
struct HolderRoute<'s> {
    /// Holders whose match is the same for every account (anyone, reporter, a group grant that
    /// names no group, ...).
    constant: Vec<u32>,
    /// Group holders by the group id they resolve to: an account with a group list of its own is
    /// matched only against the holders of its groups, as no other group holder can match it.
    groups: rustc_hash::FxHashMap<std::borrow::Cow<'s, str>, Vec<u32>>,
    /// User holders by account id.
    users: rustc_hash::FxHashMap<&'s str, Vec<u32>>,
    /// The rest (product access), matched against every account.
    other: Vec<u32>,
}

impl<'s> HolderRoute<'s> {
    fn new(site: &'s Site, holders: &[&'s Holder]) -> Self {
        let mut route = HolderRoute::default();
        for (h, holder) in holders.iter().enumerate() {
            let h = u32::try_from(h).unwrap_or(u32::MAX);
            match holder {
                Holder::Group { id, name } => match membership::group_id(site, id.as_ref(), name.as_ref()) {
                    Some(gid) => route.groups.entry(gid).or_default().push(h),
                    None => route.constant.push(h),
                },
                Holder::User(id) => route.users.entry(id.as_str()).or_default().push(h),
                Holder::ApplicationRole(Some(_)) | Holder::ProjectRole(_) | Holder::ProjectLead => route.other.push(h),
                Holder::Anyone
                | Holder::ApplicationRole(None)
                | Holder::Reporter
                | Holder::Assignee
                | Holder::UserCustomField(_)
                | Holder::GroupCustomField(_)
                | Holder::CustomerPortalOnly
                | Holder::Unknown { .. } => route.constant.push(h),
            }
        }
        route
    }

    /// The holders `account` may match, sorted: every holder but the group holders of groups a
    /// listed account is not in and the user holders of other accounts.
    fn candidates(&self, account: &Account) -> Vec<u32> {
        let mut out: Vec<u32> = self.other.clone();
        match &account.groups {
            Some(groups) => {
                for group in groups {
                    out.extend(self.groups.get(group.as_str()).into_iter().flatten());
                }
            }
            #[allow(clippy::iter_over_hash_type, reason = "sorted below")]
            None => {
                for holders in self.groups.values() {
                    out.extend(holders);
                }
            }
        }
        out.extend(self.users.get(account.account_id.as_str()).into_iter().flatten());
        out.sort_unstable();
        out
    }
}

impl<'s> Alike<'s> {
    fn new(site: &'s Site, index: &reuse::Index<'s>) -> Self {
        let named = |scheme: Option<&'s Scheme>, security: Option<&'s crate::model::SecurityScheme>| {
            let grants = scheme.into_iter().flat_map(|s| s.grants.iter().map(|g| &g.holder));
            let members = security.into_iter().flat_map(|s| s.levels.iter().flat_map(|l| l.members.iter()));
            grants.chain(members).filter(|h| !depends_on_project(h))
        };
        let grants = site.schemes.values().flat_map(|s| s.grants.iter().map(|g| &g.holder));
        let members = site.security_schemes.values().flat_map(|s| s.levels.iter().flat_map(|l| l.members.iter()));
        let holders: std::collections::BTreeSet<&Holder> =
            grants.chain(members).filter(|h| !depends_on_project(h)).collect();
        let holders: Vec<&Holder> = holders.into_iter().collect();
        let mut holder_profiles: Vec<Vec<u32>> = vec![Vec::new(); holders.len()];
        let mut seen = vec![false; index.profiles];
        for (i, project) in index.projects.iter().enumerate() {
            let Some(&profile) = index.profile.get(i) else { continue };
            match seen.get_mut(profile) {
                Some(done) if !*done => *done = true,
                _ => continue,
            }
            let scheme = project.scheme_id.as_deref().and_then(|id| site.schemes.get(id));
            let security = site.project_security_scheme.get(&project.key).and_then(|id| site.security_schemes.get(id));
            for holder in named(scheme, security) {
                if let Ok(h) = holders.binary_search(&holder)
                    && let Some(list) = holder_profiles.get_mut(h)
                {
                    list.push(u32::try_from(profile).unwrap_or(u32::MAX));
                }
            }
        }
        for list in &mut holder_profiles {
            list.sort_unstable();
            list.dedup();
        }
        let route = HolderRoute::new(site, &holders);
        Alike {
            constant: vec![None; holders.len()],
            route,
            holders,
            holder_profiles,
            profiles: index.profiles,
            matches: Default::default(),
            classes: Default::default(),
            cells: Default::default(),
            signatures: Default::default(),
            actor_cells: Default::default(),
        }
    }

    /// Per profile, the local class of an active account: alike accounts get the same number.
    fn classes(&mut self, site: &Site, account: &Account) -> Vec<u32> {
        let mut matched: Vec<(u32, u32)> = Vec::new();
        let number = |matches: &mut rustc_hash::FxHashMap<membership::Match, u32>, found: membership::Match| {
            if found.vias.is_empty() && found.unknown.is_none() {
                return None;
            }
            let next = u32::try_from(matches.len()).unwrap_or(u32::MAX);
            Some(*matches.entry(found).or_insert(next))
        };
        for &h in &self.route.constant {
            let Some(slot) = self.constant.get_mut(h as usize) else { continue };
            let id = match *slot {
                Some(id) => id,
                None => {
                    let Some(holder) = self.holders.get(h as usize) else { continue };
                    *slot.insert(number(&mut self.matches, match_holder(site, account, holder, None)))
                }
            };
            matched.extend(id.map(|id| (h, id)));
        }
        for h in self.route.candidates(account) {
            let Some(holder) = self.holders.get(h as usize) else { continue };
            matched.extend(number(&mut self.matches, match_holder(site, account, holder, None)).map(|id| (h, id)));
        }
        // In holder order, as every account's keys must be.
        matched.sort_unstable();
        let mut keys: Vec<MatchedHolders> = vec![Vec::new(); self.profiles];
        for (h32, id) in matched {
            for &p in self.holder_profiles.get(h32 as usize).into_iter().flatten() {
                if let Some(key) = keys.get_mut(p as usize) {
                    key.push((h32, id));
                }
            }
        }
        keys.into_iter()
            .enumerate()
            .map(|(profile, key)| {
                let next = u32::try_from(self.classes.len()).unwrap_or(u32::MAX);
                *self.classes.entry((profile, key)).or_insert(next)
            })
            .collect()
    }
}

/// Problems in the schemes themselves, reported once each rather than per account.
fn lint_schemes(site: &Site) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for scheme in site.schemes.values() {
        for grant in &scheme.grants {
            let grant_id = grant.id.as_deref().unwrap_or("?");
            match &grant.holder {
                Holder::Unknown { kind, .. } if membership::DOCUMENTED_NEEDING_A_VALUE.contains(&kind.as_str()) => {
                    warnings.push(Warning::new(
                        WarningCode::UnknownHolderType,
                        format!("grant {grant_id} of scheme \"{}\" is a `{kind}` grant that names no {kind}; it is reported as unresolved, never matched", scheme.name),
                    ))
                }
                Holder::Unknown { kind, .. } => warnings.push(Warning::new(
                    WarningCode::UnknownHolderType,
                    format!("grant {grant_id} of scheme \"{}\" has holder type `{kind}`, which Jira does not document; it is reported as unresolved, never matched", scheme.name),
                )),
                Holder::Group { id: None, name: Some(name) } if !site.group_id_by_name.contains_key(name) && !site.groups.is_empty() => {
                    let which = if site.groups_listed {
                        "no group has that name"
                    } else {
                        "no group the snapshot holds has that name (its group list was not read whole)"
                    };
                    warnings.push(Warning::new(
                        WarningCode::UnknownGroup,
                        format!("grant {grant_id} of scheme \"{}\" names group \"{name}\" by name only, and {which}", scheme.name),
                    ));
                }
                _ => {}
            }
            if !site.permission_defs.is_empty() && !site.permission_defs.contains_key(&grant.permission) {
                warnings.push(Warning::new(
                    WarningCode::UnknownPermissionKey,
                    format!(
                        "grant {grant_id} of scheme \"{}\" gives `{}`, which GET /permissions does not list",
                        scheme.name, grant.permission
                    ),
                ));
            }
        }
    }
    warnings
}

pub use crate::analysis::Permissions;

/// A scheme evaluated for one account, before the project-dependent grants (roles, lead), which
/// `Cell::evaluate` takes from the scheme itself: this runs for every account and scheme.
#[derive(Default)]
struct SchemeEval {
    permissions: Permissions,
    unresolved: Vec<Unresolved>,
}

/// Adds a path, keeping each permission's paths sorted and free of duplicates.
fn add_path(permissions: &mut Permissions, permission: &str, entry: PathEntry, cache: &mut PathCache) {
    if permissions.get(permission).is_some_and(|paths| paths.binary_search(&entry).is_ok()) {
        return;
    }
    let map = Rc::make_mut(permissions);
    match map.get_mut(permission) {
        Some(paths) => {
            if let Err(at) = paths.binary_search(&entry) {
                paths.insert(at, entry);
            }
        }
        None => {
            map.insert(cache.key(permission), vec![entry]);
        }
    }
}

fn origin(scheme: &Scheme, grant: &Grant) -> Origin {
    Origin::Grant { scheme_id: scheme.id.clone(), scheme_name: scheme.name.clone(), grant: grant.id.clone() }
}

/// Every grant and security-level path rendered once per analysis: the same few lines recur in
/// thousands of cells. Keyed by the address of the grant or level member (stable while the site
/// is borrowed) and the holder step.
#[derive(Default)]
pub struct PathCache {
    /// Keyed by address, then holder step: looked up by reference, so a hit copies nothing.
    rendered: rustc_hash::FxHashMap<usize, rustc_hash::FxHashMap<Via, PathEntry>>,
    /// Paths of holders that match in one way only: keyed by the address only, so the hot lookup
    /// (every account × scheme) hashes and compares no strings.
    by_holder: rustc_hash::FxHashMap<usize, PathEntry>,
    /// Permission keys, one copy each for every cell's map.
    keys: rustc_hash::FxHashSet<Rc<str>>,
    /// The paths that name no grant ([`Origin::JiraCheck`]).
    fixed: Vec<(Origin, PathEntry)>,
}

/// Whether a holder matches in one way only, whoever the account: one path per grant or member.
fn one_way(holder: &Holder) -> bool {
    matches!(
        holder,
        Holder::Anyone
            | Holder::ApplicationRole(None)
            | Holder::Group { .. }
            | Holder::User(_)
            | Holder::ProjectLead
            | Holder::Reporter
            | Holder::Assignee
            | Holder::UserCustomField(_)
            | Holder::GroupCustomField(_)
            | Holder::CustomerPortalOnly
    )
}

impl PathCache {
    fn key(&mut self, permission: &str) -> Rc<str> {
        match self.keys.get(permission) {
            Some(key) => Rc::clone(key),
            None => {
                let key: Rc<str> = Rc::from(permission);
                self.keys.insert(Rc::clone(&key));
                key
            }
        }
    }

    /// The path of an origin that needs no holder step.
    fn origin_path(&mut self, origin: Origin) -> PathEntry {
        if let Some((_, entry)) = self.fixed.iter().find(|(o, _)| *o == origin) {
            return entry.clone();
        }
        let entry = PathEntry::new(Path { origin: origin.clone(), via: Via::Origin });
        self.fixed.push((origin, entry.clone()));
        entry
    }

    fn grant_path(&mut self, scheme: &Scheme, grant: &Grant, via: &Via) -> PathEntry {
        self.holder_path(std::ptr::from_ref(grant) as usize, &grant.holder, via, || origin(scheme, grant))
    }

    fn level_path(&mut self, scheme: &SecurityScheme, level: &SecurityLevel, member: &Holder, via: &Via) -> PathEntry {
        self.holder_path(std::ptr::from_ref(member) as usize, member, via, || Origin::Level {
            scheme_name: scheme.name.clone(),
            level_name: level.name.clone(),
        })
    }

    /// The path through `holder` at `address`, rendered on its first use. The address is a grant's
    /// or a level member's: either decides the origin, and the two live in different vectors, so
    /// their addresses never meet.
    fn holder_path(
        &mut self,
        address: usize,
        holder: &Holder,
        via: &Via,
        origin: impl FnOnce() -> Origin,
    ) -> PathEntry {
        if one_way(holder) {
            return self
                .by_holder
                .entry(address)
                .or_insert_with(|| PathEntry::new(Path { origin: origin(), via: via.clone() }))
                .clone();
        }
        let by_via = self.rendered.entry(address).or_default();
        if let Some(entry) = by_via.get(via) {
            return entry.clone();
        }
        let entry = PathEntry::new(Path { origin: origin(), via: via.clone() });
        by_via.insert(via.clone(), entry.clone());
        entry
    }
}

fn add_match(
    permissions: &mut Permissions,
    unresolved: &mut Vec<Unresolved>,
    paths: &mut PathCache,
    scheme: &Scheme,
    grant: &Grant,
    found: &membership::Match,
) {
    for via in &found.vias {
        let entry = paths.grant_path(scheme, grant, via);
        add_path(permissions, &grant.permission, entry, paths);
    }
    if let Some(reason) = &found.unknown {
        unresolved.push(Unresolved {
            permission: grant.permission.clone(),
            grant: grant.id.clone(),
            reason: reason.clone(),
        });
    }
}

fn evaluate_scheme(site: &Site, account: &Account, scheme: &Scheme, paths: &mut PathCache) -> SchemeEval {
    let mut eval = SchemeEval::default();
    for grant in &scheme.grants {
        if depends_on_project(&grant.holder) {
            continue;
        }
        let found = match_holder(site, account, &grant.holder, None);
        add_match(&mut eval.permissions, &mut eval.unresolved, paths, scheme, grant, &found);
    }
    eval
}

/// Kept out of [`matrix`]: inlined there, the row loop runs about 4-6 % slower in wasm on the XL
/// benchmark site (V8 optimises the one large function less well); natively it makes no difference.
#[inline(never)]
fn account_row<'s>(
    site: &'s Site,
    account: &Account,
    index: &reuse::Index<'s>,
    selection: &Selection,
    memo: &mut Memo<'s>,
    warnings: &mut Vec<Warning>,
) -> AccountRow {
    let Memo { sets, paths, alike, cells: scratch } = memo;
    let checks = site.checks.get(&account.account_id);
    let (global, global_coverage) = match checks {
        Some(c) if !c.global_asked.is_empty() => {
            let listed: Vec<&String> =
                site.permission_defs.values().filter(|d| d.kind == PermissionKind::Global).map(|d| &d.key).collect();
            let complete = !listed.is_empty() && listed.iter().all(|k| c.global_asked.contains(*k));
            let granted: Vec<String> =
                c.global_granted.iter().filter(|k| c.global_asked.contains(*k)).cloned().collect();
            (granted, if complete { Coverage::Complete } else { Coverage::Partial })
        }
        _ => (Vec::new(), Coverage::None),
    };
    let mut row = AccountRow {
        account_id: account.account_id.clone(),
        display_name: account.display_name.clone(),
        kind: account.kind().as_str(),
        active: account.active,
        global,
        global_coverage,
        jira_admin: JiraAdmin::No,
        cells: Vec::new(),
    };
    if !account.active {
        return row;
    }
    row.jira_admin = if row.global.iter().any(|k| k == "ADMINISTER") {
        JiraAdmin::Yes
    } else if checks.is_some_and(|c| c.global_asked.contains("ADMINISTER")) {
        JiraAdmin::No
    } else {
        JiraAdmin::Unknown
    };
    let classes = (!selection.exhaustive).then(|| alike.classes(site, account));
    let mut ctx = Cell { site, account, checks, selection, schemes: rustc_hash::FxHashMap::default(), paths };
    let member = index.membership(account);
    let reuse = if selection.exhaustive {
        vec![reuse::Reuse::Never; index.projects.len()]
    } else {
        index.reuse(site, account, &member)
    };
    // The answers that projects alike for this account share (see [`reuse`]).
    let mut by_profile: Vec<Option<Option<u32>>> = vec![None; index.profiles];
    let signatures = index.signatures(&member);
    let mut signatures = signatures.as_slice();
    let mut signature: reuse::Signature = Vec::new();
    // Cells go to a buffer the size of the row and are kept where there is an answer, with no
    // branch per cell that depends on it: most cells of a large site take their profile's shared
    // answer, and a row has thousands.
    scratch.clear();
    scratch.resize(index.projects.len(), (0, 0));
    let mut kept = 0usize;
    let cells = index.projects.iter().zip(&index.profile).zip(&reuse).enumerate();
    for (i, ((project, &profile), &how)) in cells {
        let at = u32::try_from(i).unwrap_or(u32::MAX);
        let shared = match how {
            reuse::Reuse::Profile => by_profile.get(profile).copied().flatten(),
            _ => None,
        };
        let set = match shared {
            Some(set) => set,
            None => {
                let class = classes.as_ref().and_then(|c| c.get(profile).copied());
                match (how, class) {
                    // No role or lead grant can match here: only the roles in the signature need a look.
                    (reuse::Reuse::Profile, _) => match by_profile.get_mut(profile) {
                        Some(slot) => {
                            let shared = class.and_then(|c| alike.cells.get(&c).copied());
                            let set = match shared {
                                Some(set) => set,
                                None => {
                                    let set = ctx.evaluate(project, Some(&[]), warnings).map(|s| sets.intern(s));
                                    if let Some(c) = class {
                                        alike.cells.insert(c, set);
                                    }
                                    set
                                }
                            };
                            *slot.insert(set)
                        }
                        None => ctx.evaluate(project, None, warnings).map(|s| sets.intern(s)),
                    },
                    (reuse::Reuse::Actors, Some(class)) => {
                        // Looked at only here: most cells are of the kind above.
                        let from = signatures.iter().take_while(|&&(p, _, _)| p < at).count();
                        let rest = signatures.get(from..).unwrap_or_default();
                        let here = rest.iter().take_while(|&&(p, _, _)| p == at).count();
                        let (run, after) = rest.split_at_checked(here).unwrap_or((rest, &[]));
                        signature.clear();
                        signature.extend(run.iter().map(|&(_, role, key)| (role, key)));
                        signatures = after;
                        let next = u32::try_from(alike.signatures.len()).unwrap_or(u32::MAX);
                        let number = match alike.signatures.get(signature.as_slice()) {
                            Some(&number) => number,
                            None => *alike.signatures.entry(signature.clone()).or_insert(next),
                        };
                        match alike.actor_cells.entry((class, number)) {
                            std::collections::hash_map::Entry::Occupied(entry) => *entry.get(),
                            std::collections::hash_map::Entry::Vacant(entry) => {
                                let roles: Vec<&str> =
                                    signature.iter().filter_map(|&(role, _)| index.role_id(role)).collect();
                                *entry.insert(ctx.evaluate(project, Some(&roles), warnings).map(|s| sets.intern(s)))
                            }
                        }
                    }
                    _ => ctx.evaluate(project, None, warnings).map(|s| sets.intern(s)),
                }
            }
        };
        let (set, keep) = match set {
            Some(set) => (set, 1),
            None => (0, 0),
        };
        if let Some(cell) = scratch.get_mut(kept) {
            *cell = (at, set);
        }
        kept += keep;
    }
    row.cells = scratch.get(..kept).unwrap_or_default().to_vec();
    row
}

/// One account's evaluation context, with its schemes evaluated once each.
struct Cell<'a> {
    site: &'a Site,
    account: &'a Account,
    checks: Option<&'a crate::model::PermissionChecks>,
    selection: &'a Selection,
    /// Keyed by the scheme's address: looked up for every cell evaluated.
    schemes: rustc_hash::FxHashMap<usize, SchemeEval>,
    paths: &'a mut PathCache,
}

impl<'a> Cell<'a> {
    /// What the account can do in `project`, or `None` when there is nothing to say. With `only`,
    /// the caller knows that no lead grant and no grant of another role can match (see [`reuse`]).
    fn evaluate(&mut self, project: &Project, only: Option<&[&str]>, warnings: &mut Vec<Warning>) -> Option<AccessSet> {
        let (site, account, checks) = (self.site, self.account, self.checks);
        let scheme = project.scheme_id.as_deref().and_then(|id| site.schemes.get(id));
        let mut paths = Permissions::default();
        let mut unresolved = Vec::new();
        let coverage_none = scheme.is_none();
        match scheme {
            Some(scheme) => {
                let cache = &mut *self.paths;
                let eval = self
                    .schemes
                    .entry(std::ptr::from_ref(scheme) as usize)
                    .or_insert_with(|| evaluate_scheme(site, account, scheme, cache));
                paths = Rc::clone(&eval.permissions);
                unresolved.extend(eval.unresolved.iter().cloned());
                // Several grants usually name the same role: check its actors once per project.
                let mut roles: Vec<(&str, membership::Match)> = Vec::new();
                for grant in scheme.grants.iter().filter(|g| depends_on_project(&g.holder)) {
                    let may_match = match (&grant.holder, only) {
                        (_, None) => true,
                        (Holder::ProjectRole(role), Some(only)) => only.contains(&role.as_str()),
                        (_, Some(_)) => false,
                    };
                    if !may_match {
                        continue;
                    }
                    let found = match &grant.holder {
                        Holder::ProjectRole(role) => {
                            let at = match roles.iter().position(|(r, _)| *r == role.as_str()) {
                                Some(at) => at,
                                None => {
                                    roles.push((
                                        role.as_str(),
                                        membership::project_role(site, account, &project.key, role),
                                    ));
                                    roles.len() - 1
                                }
                            };
                            match roles.get(at) {
                                Some((_, found)) => Cow::Borrowed(found),
                                None => continue,
                            }
                        }
                        holder => Cow::Owned(match_holder(site, account, holder, Some(&project.key))),
                    };
                    add_match(&mut paths, &mut unresolved, self.paths, scheme, grant, &found);
                }
                if let Some(reason) = site.incomplete_schemes.get(&scheme.id) {
                    unresolved.push(Unresolved { permission: "*".to_owned(), grant: None, reason: reason.clone() });
                }
            }
            None => unresolved.push(Unresolved {
                permission: "*".to_owned(),
                grant: None,
                reason: scheme_gap(site, project),
            }),
        }
        if let Some(checks) = checks {
            // Jira's check is the ground truth: where it says a permission is not held, the
            // grants of it that could not be evaluated cannot give it either.
            unresolved.retain(|u| checks.answer(&project.key, &u.permission) != Some(false));
        }
        let coverage = if coverage_none {
            Coverage::None
        } else if unresolved.is_empty() {
            Coverage::Complete
        } else {
            Coverage::Partial
        };
        if let Some(checks) = checks {
            agree_with_jira(account, project, checks, coverage, &mut paths, self.paths, warnings);
        }
        let permissions = paths;
        let security_levels = security::levels(site, account, project, self.paths);
        let transitions = if self.selection.skip_transitions {
            Vec::new()
        } else {
            transitions::evaluate(site, account, project, &permissions, coverage, warnings)
        };
        unresolved.sort();
        unresolved.dedup();
        let interesting = !permissions.is_empty()
            || !unresolved.is_empty()
            || !security_levels.is_empty()
            || transitions.iter().any(|t| t.result != "fails");
        interesting.then_some(AccessSet { coverage, permissions, unresolved, security_levels, transitions })
    }
}

fn scheme_gap(site: &Site, project: &Project) -> String {
    let recorded = site.gap("projectPermissionSchemes", &project.key);
    match (&project.scheme_id, recorded) {
        (_, Some(reason)) => format!("the permission scheme of {} could not be read: {reason}", project.key),
        (Some(id), None) => {
            format!("project {} uses permission scheme {id}, which is not in the snapshot", project.key)
        }
        (None, None) => format!("the permission scheme of {} was not collected", project.key),
    }
}

/// Compares the derivation with Jira's `POST /permissions/check` answers for this project.
/// Jira is the ground truth: what it grants is never reported as "no access".
fn agree_with_jira(
    account: &Account,
    project: &Project,
    checks: &crate::model::PermissionChecks,
    coverage: Coverage,
    paths: &mut Permissions,
    cache: &mut PathCache,
    warnings: &mut Vec<Warning>,
) {
    for (permission, jira_says) in checks.answers(&project.key) {
        let derived = paths.get(permission);
        let unconditional = derived.is_some_and(|set| set.iter().any(|e| !e.conditional));
        let conditional = derived.is_some_and(|set| set.iter().any(|e| e.conditional));
        let about = |w: Warning| w.about(&account.account_id, &project.key, permission);
        match (jira_says, unconditional, conditional) {
            (true, true, _) | (false, false, _) => {}
            (true, false, true) => warnings.push(about(Warning::new(
                WarningCode::CheckCountsConditional,
                format!(
                    "Jira's check grants {permission} to {} in {}, which the snapshot grants only on some issues",
                    account.account_id, project.key
                ),
            ))),
            (true, false, false) => {
                let entry = cache.origin_path(Origin::JiraCheck);
                add_path(paths, permission, entry, cache);
                let (code, why) = if coverage == Coverage::Complete {
                    (WarningCode::ModelDrift, "but no grant in the snapshot gives it")
                } else {
                    (WarningCode::CheckUnexplained, "and the snapshot is missing the part that would explain it")
                };
                warnings.push(about(Warning::new(
                    code,
                    format!("Jira's check grants {permission} to {} in {}, {why}", account.account_id, project.key),
                )));
            }
            (false, true, _) => {
                // Jira's answer is reported; the paths it contradicts are kept as the warning's
                // evidence. Conditional paths stay: they speak of single issues, the check of none.
                let mut evidence = Vec::new();
                let map = Rc::make_mut(paths);
                if let Some(set) = map.get_mut(permission) {
                    evidence.extend(set.iter().filter(|e| !e.conditional).map(|e| e.path.to_string()));
                    set.retain(|e| e.conditional);
                    if set.is_empty() {
                        map.remove(permission);
                    }
                }
                warnings.push(about(
                    Warning::new(
                        WarningCode::ModelDrift,
                        format!(
                            "the snapshot grants {permission} to {} in {}, but Jira's check says it is not held; \
                             Jira's answer is reported",
                            account.account_id, project.key
                        ),
                    )
                    .evidence(evidence),
                ))
            }
        }
    }
}
