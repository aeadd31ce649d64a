use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

pub const RULE: Rule = Rule {
    id: "owner-inactive",
    title: "A bot's owner has left (orphaned bot)",
    severity: Severity::Critical,
    reason: "A bot whose owner has left has nobody to answer for it or to review it, and an \
             integration tied to one person's identity fails when that person's account is \
             deactivated. A bot nobody is responsible for is handed over or disabled.",
    fix: "Run the leaver plan (`steward leaver OWNER`): hand the bot over to its backup owner and review \
          it now, or suspend it when no backup is left.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let present = |id: &str| scope.site.accounts.get(id).is_some_and(|a| a.active && a.kind().may_be_person());
    let mut hits = Vec::new();
    for entry in scope.registry.in_force() {
        let Some(owner) = &entry.owner else { continue };
        if present(owner) {
            continue;
        }
        let gone = match scope.site.accounts.get(owner) {
            None => "is not on the site any more (deleted)",
            Some(a) if !a.active => "is deactivated",
            Some(_) => "is not a person's account",
        };
        let hit = match entry.backup_owner.as_ref().filter(|b| present(b)) {
            Some(backup) => {
                Hit::about(&entry.account_id, format!("owner `{owner}` {gone}; backup owner `{backup}` can take over"))
                    .severity(Severity::High)
            }
            None => Hit::about(&entry.account_id, format!("owner `{owner}` {gone} and no active backup owner is left")),
        };
        hits.push(hit);
    }
    hits
}
