use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

pub const RULE: Rule = Rule {
    id: "review-overdue",
    title: "A bot's review is overdue",
    severity: Severity::Medium,
    reason: "Each bot is reviewed on a due date (monthly, quarterly or yearly): the person \
             responsible confirms that it is still needed and that its access still fits. When the \
             review cannot be held, the account is disabled.",
    fix: "Have the reviewer (owner, then backup owner, then admins) decide keep, reduce, suspend or \
          retire; past the grace period the configured default applies.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let grace = i64::from(scope.settings.review.grace_days);
    let mut hits = Vec::new();
    for entry in scope.registry.in_force() {
        let Some(due) = entry.due() else { continue };
        let late = due.days_until(scope.now);
        if late <= 0 {
            continue;
        }
        let hit = Hit::about(&entry.account_id, format!("review was due {due}, {late} days ago"));
        hits.push(if late > grace {
            let mut hit = hit.severity(Severity::High);
            hit.message.push_str(&format!(
                "; the {grace}-day grace period is over (default: {})",
                serde_json::to_value(scope.settings.review.when_nobody_answers)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ));
            hit
        } else {
            hit
        });
    }
    hits
}
