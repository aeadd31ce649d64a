use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

pub const RULE: Rule = Rule {
    id: "no-backup-owner",
    title: "A bot has no backup owner",
    severity: Severity::Low,
    reason: "Seed 000: the account \"will be disabled if the responsible contact is not available \
             anymore\"; with a single owner, one departure orphans the bot and stops the integration.",
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
