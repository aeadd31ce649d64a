use crate::analysis::path::{RoleActorVia, Via};
use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;
use crate::model::AccountKind;

use super::{cap, working_bots};

pub const RULE: Rule = Rule {
    id: "broad-access",
    title: "A bot has access through anyone or a broad group",
    severity: Severity::Medium,
    reason: "A grant to anyone, to every user with product access, or to a group that holds most of \
             the staff gives the bot access nobody decided to give it, and a project administrator \
             cannot remove it by emptying the service-account role. Atlassian's support article \
             \"Manage permission schemes\" describes these kinds of grant.",
    fix: "Take the bot out of the broad group, or replace the broad grant in the scheme with the \
          roles that need it; give the bot what it needs through the service-account role.",
    check,
};

fn is_broad(scope: &Scope<'_>, name: &str, id: &str) -> bool {
    let settings = scope.settings;
    if settings.broad_groups.iter().any(|g| g == name || g == id) {
        return true;
    }
    let people = scope.site.accounts.values().filter(|a| a.active && a.kind() == AccountKind::Human).count();
    let members = scope.site.group_members.get(id).map_or(0, |m| {
        m.iter()
            .filter(|a| scope.site.accounts.get(*a).is_some_and(|a| a.active && a.kind() == AccountKind::Human))
            .count()
    });
    people > 0 && members as f64 >= settings.broad_group_share * people as f64
}

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for account in working_bots(scope) {
        let Some(access) = scope.access(&account.account_id) else { continue };
        let mut membership = false;
        let mut lines = Vec::new();
        for project in &access.projects {
            for (permission, entries) in project.permissions.iter() {
                for entry in entries {
                    let broad = match &entry.typed.via {
                        Via::Anyone | Via::AnyLoggedIn | Via::ApplicationRole { .. } => true,
                        Via::Group { name, id } | Via::Role { actor: RoleActorVia::Group { name, id }, .. } => {
                            let broad = is_broad(scope, name, id);
                            membership |= broad;
                            broad
                        }
                        _ => false,
                    };
                    if broad {
                        lines.push(format!("{} {permission} ← {}", project.key, entry.path));
                    }
                }
            }
        }
        if lines.is_empty() {
            continue;
        }
        let count = lines.len();
        // A public or every-user grant is the scheme's problem more than the bot's: it is listed,
        // but the bot's own membership of a broad group is what makes this worth acting on.
        let (what, severity) = if membership {
            ("a broad group it is a member of", Severity::Medium)
        } else {
            ("anyone or every logged-in user", Severity::Low)
        };
        hits.push(
            Hit::about(&account.account_id, format!("holds {count} permissions through {what}"))
                .severity(severity)
                .evidence(cap(lines)),
        );
    }
    hits
}
