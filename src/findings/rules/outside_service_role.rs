use crate::analysis::PathEntry;
use crate::analysis::path::Via;
use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

use super::{cap, service_roles, several_projects, working_bots};

pub const RULE: Rule = Rule {
    id: "outside-service-role",
    title: "A bot has access in a project without being in the service-account role",
    severity: Severity::Medium,
    reason: "Bots get their project access through one dedicated role, the service-account role, so \
             a project administrator sees it in one place and can remove all of it by emptying that \
             role (Atlassian's support article \"Manage project roles\"). Access from anywhere else \
             cannot be removed that way.",
    fix: "Add the bot to the project's service-account role, give that role the permissions it needs, \
          and remove the other paths listed.",
    check,
};

// Projects whose path lines are kept as evidence; the rest are counted. One finding per bot, not
// per project: a bot reaching 10,000 projects outside the role is one thing to fix, and a finding
// per project made millions of findings on the largest sites.
const PROJECTS_WITH_EVIDENCE: usize = 12;

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let roles = service_roles(scope);
    let role = &scope.settings.service_account_role;
    let mut hits = Vec::new();
    for account in working_bots(scope) {
        let Some(access) = scope.access(&account.account_id) else { continue };
        let mut outside: Vec<&str> = Vec::new();
        let mut permissions = 0;
        let mut lines = Vec::new();
        for project in access.projects() {
            let unconditional: Vec<(&str, &PathEntry)> = project
                .permissions
                .iter()
                .flat_map(|(k, paths)| paths.iter().filter(|p| !p.conditional).map(move |p| (k.as_ref(), p)))
                .collect();
            if unconditional.is_empty() {
                continue;
            }
            let through_role = unconditional
                .iter()
                .any(|(_, entry)| matches!(&entry.typed.via, Via::Role { id, .. } if roles.contains(id)));
            if through_role {
                continue;
            }
            if outside.len() < PROJECTS_WITH_EVIDENCE {
                lines.extend(unconditional.iter().map(|(k, entry)| format!("{} {k} ← {}", project.key, entry.path)));
            }
            permissions += project.permissions.len();
            outside.push(project.key);
        }
        let Some(first) = outside.first() else { continue };
        let missing = if roles.is_empty() {
            format!("and the site has no \"{role}\" role")
        } else {
            format!("but none through the \"{role}\" role")
        };
        let message = if outside.len() == 1 {
            format!("holds {permissions} permissions in {first} {missing}")
        } else {
            format!("holds permissions in {} {missing}", several_projects(&outside))
        };
        let mut lines = cap(lines);
        if outside.len() > PROJECTS_WITH_EVIDENCE {
            lines.push(format!("(paths shown for the first {PROJECTS_WITH_EVIDENCE} projects)"));
        }
        let mut hit = Hit::about(&account.account_id, message).evidence(lines);
        if outside.len() == 1 {
            hit.project = Some((*first).to_owned());
        }
        hits.push(hit);
    }
    hits
}
