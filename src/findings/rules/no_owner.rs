use crate::findings::{Hit, Rule, Severity};
use crate::governance::{BotKind, Scope};

pub const RULE: Rule = Rule {
    id: "no-owner",
    title: "A bot has no responsible person",
    severity: Severity::High,
    reason: "Every bot has a person responsible for it, and the request that created it is on \
             record: who asked for it and why. A bot nobody owns is never reviewed, and nobody \
             notices when it is misused.",
    fix: "Register the bot with an owner (an active person), a backup owner, its purpose and the issue \
          that records the request; retire it if nobody claims it.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (account, kind) in scope.bots() {
        if !account.active {
            continue;
        }
        let hit = match scope.registry.entry(&account.account_id) {
            None => Hit::about(&account.account_id, "is not in the registry: nobody is responsible for it"),
            Some(entry) if entry.owner.is_none() => Hit::about(&account.account_id, "is registered without an owner"),
            Some(_) => continue,
        };
        // App accounts belong to an installed app whose administrator is known to Atlassian.
        hits.push(if kind == BotKind::App { hit.severity(Severity::Medium) } else { hit });
    }
    hits
}
