use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

use super::working_bots;

pub const RULE: Rule = Rule {
    id: "restricted-security-level",
    title: "A bot can see issues in a restricted security level",
    severity: Severity::High,
    reason: "Issue security levels keep issues to a restricted audience: only the users, groups and \
             roles a level names can see its issues (Atlassian's support article \"Configure issue \
             security schemes\"). A bot in the level widens that audience to everyone who can use \
             its credential, for example every job of a CI system that holds its token.",
    fix: "Remove the role, group or user that admits the bot from the level's members, or declare the \
          level in the bot's need (`need.securityLevels`) if it must read those issues.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for account in working_bots(scope) {
        let Some(access) = scope.access(&account.account_id) else { continue };
        let declared =
            scope.registry.entry(&account.account_id).and_then(|e| e.need.as_ref()).map(|n| &n.security_levels);
        for project in &access.projects {
            for level in &project.security_levels {
                if declared.is_some_and(|d| d.iter().any(|l| *l == level.name || *l == level.id)) {
                    continue;
                }
                let severity = match level.access {
                    "yes" => Severity::High,
                    "conditional" => Severity::Medium,
                    _ => continue,
                };
                let mut hit = Hit::about(
                    &account.account_id,
                    format!(
                        "can see issues in security level \"{}\" of {} ({})",
                        level.name, project.key, level.access
                    ),
                )
                .severity(severity)
                .evidence(level.paths.iter().map(|p| p.path.to_string()).collect());
                hit.project = Some(project.key.clone());
                hits.push(hit);
            }
        }
    }
    hits
}
