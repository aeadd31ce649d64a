use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;
use crate::model::{Actor, Holder};

use super::cap;

pub const RULE: Rule = Rule {
    id: "inactive-still-granted",
    title: "A deactivated bot is still in roles, groups or schemes",
    severity: Severity::Medium,
    reason: "Seed 000: \"if a Project Administrator under no circumstance wants to accept Service \
             Account access the role can be emptied\" — a deactivated account left in roles and schemes \
             regains all of it the day someone reactivates it, and clutters every access review.",
    fix: "Remove the account from the roles, groups and scheme grants listed (or retire it in the \
          registry, which plans exactly that).",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let site = scope.site;
    let mut hits = Vec::new();
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
            hits.push(
                Hit::about(id, format!("is deactivated and still named in {count} roles, groups or grants"))
                    .evidence(cap(lines)),
            );
        }
    }
    hits
}
