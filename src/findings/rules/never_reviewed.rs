use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

pub const RULE: Rule = Rule {
    id: "never-reviewed",
    title: "A bot has never been reviewed",
    severity: Severity::Medium,
    reason: "Reviews on a due date are how the person responsible confirms that a bot is still \
             needed. A bot with no review on record has never been confirmed.",
    fix: "Review it now (the decision records the review and sets the next due date from its cadence).",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    scope
        .registry
        .in_force()
        .filter(|e| e.last_review.is_none() && e.next_due.is_none())
        .map(|e| Hit::about(&e.account_id, "has no review on record"))
        .collect()
}
