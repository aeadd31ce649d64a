use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

pub const RULE: Rule = Rule {
    id: "no-backup-owner",
    title: "A bot has no backup owner",
    severity: Severity::Low,
    reason: "With a single owner, one departure leaves the bot with nobody responsible, and a bot \
             nobody is responsible for is disabled, which stops its integration. A backup owner \
             keeps it in hand.",
    fix: "Name a backup owner (another active person) in the registry.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    scope
        .registry
        .in_force()
        .filter(|e| e.owner.is_some() && e.backup_owner.is_none())
        .map(|e| Hit::about(&e.account_id, "has an owner but no backup owner"))
        .collect()
}
