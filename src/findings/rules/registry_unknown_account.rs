use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

pub const RULE: Rule = Rule {
    id: "registry-unknown-account",
    title: "The registry lists an account the site does not have",
    severity: Severity::Low,
    reason: "Seed 000: \"record (using a Jira issue) who requested an account for what reason\"; an \
             entry whose account was deleted is a record nobody updated, and hides whether the \
             integration moved to another account.",
    fix: "Retire the entry (its history is kept), or correct its account id.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    scope
        .registry
        .in_force()
        .filter(|e| !scope.site.accounts.contains_key(&e.account_id))
        .map(|e| Hit::about(&e.account_id, "is registered but not on the site (deleted, or a wrong id)"))
        .collect()
}
