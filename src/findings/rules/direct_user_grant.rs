use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;
use crate::model::Holder;

use super::cap;

pub const RULE: Rule = Rule {
    id: "direct-user-grant",
    title: "A scheme grants a bot directly instead of through the service-account role",
    severity: Severity::High,
    reason: "Seed 000: \"a separate role for Service Accounts that is put into … Jira project works \
             best\"; seed 003: project roles \"decouple permissions from user accounts\". A grant to the \
             bot's user applies in every project using the scheme, and no project administrator can \
             take it away.",
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
