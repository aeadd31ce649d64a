use crate::findings::{Hit, Rule, Severity};
use crate::governance::{Scope, shadow_signals};
use crate::model::AccountKind;

pub const RULE: Rule = Rule {
    id: "shadow-bot",
    title: "A human-licensed account is used as an integration",
    severity: Severity::Medium,
    reason: "An integration that runs on a person's licensed account is tied to that person and pays \
             for a user licence. Atlassian service accounts are made for integrations and do not \
             count toward the user tier (Atlassian's support article \"Understand service \
             accounts\").",
    fix: "Confirm it (settings `shadowBots.confirmed`, or register it), create an Atlassian service \
          account for the integration, move its roles and credential there, then deactivate this one \
          to free its licence. Dismiss it (`shadowBots.dismissed`) if it is a person.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let saving = scope
        .settings
        .licence_cost_per_month
        .map(|c| format!("; migrating it saves one user licence ({c:.2} a month)"))
        .unwrap_or_else(|| "; migrating it saves one user licence".to_owned());
    let mut hits = Vec::new();
    // Found in one pass: asking every person's account reads every role's actors each time.
    let suspects = crate::governance::shadow_suspects(scope.site, scope.settings);
    for account in scope.site.accounts.values() {
        if account.kind() != AccountKind::Human || !account.active {
            continue;
        }
        let confirmed = scope.confirmed_shadow(&account.account_id);
        if !confirmed && !suspects.contains(&account.account_id) {
            continue;
        }
        let signals = shadow_signals(scope.site, scope.settings, account);
        if confirmed {
            hits.push(
                Hit::about(
                    &account.account_id,
                    format!("is a person's licence used by an integration (confirmed){saving}"),
                )
                .evidence(signals),
            );
        } else if !signals.is_empty() {
            hits.push(
                Hit::about(
                    &account.account_id,
                    "looks like an integration on a person's licence (suspected: confirm or dismiss)",
                )
                .severity(Severity::Low)
                .evidence(signals),
            );
        }
    }
    hits
}
