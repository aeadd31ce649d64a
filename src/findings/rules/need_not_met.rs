use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;
use crate::governance::least_privilege;

use super::working_bots;

pub const RULE: Rule = Rule {
    id: "need-not-met",
    title: "A bot lacks a permission its declared need says it uses",
    severity: Severity::High,
    reason: "An integration's account needs the project permissions its actions use (for example \
             Browse Projects, Create Issues, Add Comments, Edit Issues, Transition Issues and Create \
             Attachments) in every project it works in. Without them Jira refuses its calls and the \
             integration fails. Atlassian's support article \"Manage permission schemes\" lists what \
             each permission allows.",
    fix: "Add the bot to the service-account role of the project (the least-privilege change set \
          lists the roles that give exactly what is missing), or correct the declared need.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for account in working_bots(scope) {
        let Some(assessment) = least_privilege::assess(scope, &account.account_id) else { continue };
        if !assessment.global_missing.is_empty() {
            hits.push(Hit::about(
                &account.account_id,
                format!("lacks global {}: the integration will fail", assessment.global_missing.join(", ")),
            ));
        }
        for gap in assessment.projects.iter().filter(|g| !g.missing.is_empty()) {
            let mut hit = Hit::about(
                &account.account_id,
                format!("lacks {} in {}: the integration will fail", gap.missing.join(", "), gap.key),
            );
            hit.project = Some(gap.key.clone());
            hits.push(hit);
        }
    }
    hits
}
