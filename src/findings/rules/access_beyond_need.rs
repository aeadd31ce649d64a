use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;
use crate::governance::least_privilege;

use super::working_bots;

pub const RULE: Rule = Rule {
    id: "access-beyond-need",
    title: "A bot holds more than its declared need",
    severity: Severity::Medium,
    reason: "A bot holds only the permissions its integration uses; it gets more only when a project \
             administrator decides so. Everything beyond the need recorded in the registry is access \
             nobody asked for.",
    fix: "Apply the least-privilege change set (`steward least-privilege`, or the review decision \
          \"reduce\"), or declare the need if the access is in fact required.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for account in working_bots(scope) {
        let Some(assessment) = least_privilege::assess(scope, &account.account_id) else { continue };
        if !assessment.global_excess.is_empty() {
            hits.push(Hit::about(
                &account.account_id,
                format!("holds global {} beyond its need", assessment.global_excess.join(", ")),
            ));
        }
        for gap in assessment.projects.iter().filter(|g| !g.excess.is_empty()) {
            let mut hit = Hit::about(
                &account.account_id,
                format!("holds {} in {} beyond its need", gap.excess.join(", "), gap.key),
            );
            hit.project = Some(gap.key.clone());
            hits.push(hit);
        }
    }
    hits
}
