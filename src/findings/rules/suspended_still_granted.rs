use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;
use crate::governance::registry::Status;

use super::cap;

pub const RULE: Rule = Rule {
    id: "suspended-still-granted",
    title: "A suspended or retired bot still has access",
    severity: Severity::High,
    reason: "A bot whose review could not be held, or that is no longer needed, is disabled. A \
             registry that says suspended or retired while Jira still grants the access is a control \
             that did not happen.",
    fix: "Apply the suspension's change set again (role and group removals), and remove the remaining \
          paths listed (direct grants, broad grants) from the schemes; or deactivate the account.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for entry in &scope.registry.accounts {
        if !matches!(entry.status, Status::Suspended | Status::Retired) {
            continue;
        }
        let Some(access) = scope.access(&entry.account_id) else { continue };
        if !access.active {
            continue;
        }
        let mut lines: Vec<String> = access.global.iter().map(|k| format!("global {k}")).collect();
        for project in access.projects() {
            for (permission, paths) in project.permissions.iter() {
                for path in paths.iter().filter(|p| !p.conditional) {
                    lines.push(format!("{} {permission} ← {}", project.key, path.path));
                }
            }
        }
        if lines.is_empty() {
            continue;
        }
        let status = if entry.status == Status::Suspended { "suspended" } else { "retired" };
        hits.push(
            Hit::about(
                &entry.account_id,
                format!("is {status} in the registry but still holds {} grants", lines.len()),
            )
            .evidence(cap(lines)),
        );
    }
    hits
}
