use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;
use crate::model::Holder;

use super::cap;

pub const RULE: Rule = Rule {
    id: "direct-user-grant",
    title: "A scheme grants a bot directly instead of through the service-account role",
    severity: Severity::High,
    reason: "Project roles keep permissions apart from accounts: a permission scheme grants a role, \
             and each project decides who is in that role (Atlassian's support articles \"Manage \
             permission schemes\" and \"Manage project roles\"). A grant to the bot's own user \
             applies in every project that uses the scheme, and no project administrator can take it \
             away.",
    fix: "Replace the user grant with a grant to the service-account role and add the bot to that \
          role in the projects that need it.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (account, _) in scope.bots() {
        for scheme in scope.site.schemes.values() {
            let grants: Vec<String> = scheme
                .grants
                .iter()
                .filter(|g| matches!(&g.holder, Holder::User(id) if *id == account.account_id))
                .map(|g| format!("grant {} gives {}", g.id.as_deref().unwrap_or("?"), g.permission))
                .collect();
            if grants.is_empty() {
                continue;
            }
            let projects: Vec<&str> = scope
                .site
                .projects
                .values()
                .filter(|p| p.scheme_id.as_deref() == Some(scheme.id.as_str()))
                .map(|p| p.key.as_str())
                .collect();
            let used = if projects.is_empty() { "no project".to_owned() } else { projects.join(", ") };
            hits.push(
                Hit::about(
                    &account.account_id,
                    format!(
                        "scheme \"{}\" [{}] names it directly {} times (used by {used})",
                        scheme.name,
                        scheme.id,
                        grants.len()
                    ),
                )
                .evidence(cap(grants)),
            );
        }
    }
    hits
}
