use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

pub const RULE: Rule = Rule {
    id: "registry-unknown-account",
    title: "The registry lists an account the site does not have",
    severity: Severity::Low,
    reason: "The registry records who requested each account and why. An entry whose account was \
             deleted is a record nobody updated, and it hides whether the integration moved to \
             another account.",
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
