use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;
use crate::model::{Actor, Holder};

use super::cap;

pub const RULE: Rule = Rule {
    id: "inactive-still-granted",
    title: "A deactivated bot is still in roles, groups or schemes",
    severity: Severity::Medium,
    reason: "Access is removed by taking the account out of roles, groups and scheme grants. A \
             deactivated account left in them gets all of that access back the day someone \
             reactivates it, and it clutters every access review.",
    fix: "Remove the account from the roles, groups and scheme grants listed (or retire it in the \
          registry, which plans exactly that).",
    check,
};

/// (project, role) pairs a project's scheme grants something to that the snapshot holds no
/// actors for: the lean scan reads a role only where a bot's permission check needs it, and Jira's
/// check shows nothing for a deactivated account, so a deactivated bot may sit in any of them.
fn unread_roles(site: &crate::model::Site) -> usize {
    let mut unread = std::collections::BTreeSet::new();
    for (key, project) in &site.projects {
        let Some(scheme) = project.scheme_id.as_ref().and_then(|id| site.schemes.get(id)) else { continue };
        for grant in &scheme.grants {
            if let Holder::ProjectRole(role) = &grant.holder {
                if !site.role_actors.get(key).is_some_and(|roles| roles.contains_key(role)) {
                    unread.insert((key, role));
                }
            }
        }
    }
    unread.len()
}

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let site = scope.site;
    let mut hits = Vec::new();
    let unread = unread_roles(site);
    let unread_line = format!(
        "{unread} (project, role) pairs the scan did not read may name it too (scan with allRoles to read every role)"
    );
    for account in site.accounts.values() {
        if account.active || (scope.bot_kind(account).is_none()) {
            continue;
        }
        let id = &account.account_id;
        let mut lines = Vec::new();
        for (project, roles) in &site.role_actors {
            for (role, actors) in roles {
                if actors.iter().any(|a| matches!(a, Actor::User(u) if u == id)) {
                    let name = site.roles.get(role).map_or(role.as_str(), |r| r.name.as_str());
                    lines.push(format!("role \"{name}\" [{role}] in {project}"));
                }
            }
        }
        for scheme in site.schemes.values() {
            for grant in &scheme.grants {
                if matches!(&grant.holder, Holder::User(u) if u == id) {
                    lines.push(format!(
                        "scheme \"{}\" [{}] grant {} ({})",
                        scheme.name,
                        scheme.id,
                        grant.id.as_deref().unwrap_or("?"),
                        grant.permission
                    ));
                }
            }
        }
        for (group, members) in &site.group_members {
            if members.contains(id) {
                let name = site.groups.get(group).map_or(group.as_str(), |g| g.name.as_str());
                lines.push(format!("group \"{name}\" [{group}]"));
            }
        }
        if !lines.is_empty() {
            let count = lines.len();
            let mut evidence = cap(lines);
            if unread > 0 {
                evidence.push(unread_line.clone());
            }
            hits.push(
                Hit::about(id, format!("is deactivated and still named in {count} roles, groups or grants"))
                    .evidence(evidence),
            );
        } else if unread > 0 {
            // Not a clean bill: the roles that could name it were not read.
            let mut hit =
                Hit::about(id, format!("is deactivated; {unread} roles the scan did not read may still name it"))
                    .evidence(vec![unread_line.clone()]);
            hit.severity = Some(Severity::Info);
            hits.push(hit);
        }
    }
    hits
}
