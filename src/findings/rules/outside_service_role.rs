use crate::analysis::PathEntry;
use crate::analysis::path::Via;
use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

use super::{cap, service_roles, working_bots};

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

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let roles = service_roles(scope);
    let mut hits = Vec::new();
    for account in working_bots(scope) {
        let Some(access) = scope.access(&account.account_id) else { continue };
        for project in &access.projects {
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
            let lines = unconditional.iter().map(|(k, entry)| format!("{k} ← {}", entry.path)).collect();
            let message = if roles.is_empty() {
                format!(
                    "holds {} permissions in {}, and the site has no \"{}\" role",
                    project.permissions.len(),
                    project.key,
                    scope.settings.service_account_role
                )
            } else {
                format!(
                    "holds {} permissions in {} but none through the \"{}\" role",
                    project.permissions.len(),
                    project.key,
                    scope.settings.service_account_role
                )
            };
            let mut hit = Hit::about(&account.account_id, message).evidence(cap(lines));
            hit.project = Some(project.key.clone());
            hits.push(hit);
        }
    }
    hits
}
