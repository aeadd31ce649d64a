use crate::analysis::ADMINISTER_PROJECTS;
use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

use super::{cap, working_bots};

pub const RULE: Rule = Rule {
    id: "project-admin",
    title: "A bot administers projects",
    severity: Severity::High,
    reason: "A bot should not decide its own access. The Administer Projects permission lets its \
             holder change who is in the project's roles (Atlassian's support article \"Manage \
             project roles\"), so a bot holding it can give itself, or anyone, more access in the \
             project.",
    fix: "Remove the bot from the project's Administrators role (or whatever grants ADMINISTER_PROJECTS) \
          unless its declared need includes it.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for account in working_bots(scope) {
        let Some(access) = scope.access(&account.account_id) else { continue };
        let need = scope.registry.entry(&account.account_id).and_then(|e| e.need.as_ref());
        let mut lines = Vec::new();
        for project in access.projects() {
            if need.is_some_and(|n| {
                n.covers_project(project.key) && n.permissions.iter().any(|p| p == ADMINISTER_PROJECTS)
            }) {
                continue;
            }
            for entry in project.permissions.get(ADMINISTER_PROJECTS).into_iter().flatten() {
                if entry.conditional {
                    continue;
                }
                lines.push(format!("{} ADMINISTER_PROJECTS ← {}", project.key, entry.path));
            }
        }
        if !lines.is_empty() {
            let projects: std::collections::BTreeSet<&str> = lines.iter().filter_map(|l| l.split(' ').next()).collect();
            let list: Vec<&str> = projects.into_iter().collect();
            hits.push(Hit::about(&account.account_id, format!("administers {}", list.join(", "))).evidence(cap(lines)));
        }
    }
    hits
}
