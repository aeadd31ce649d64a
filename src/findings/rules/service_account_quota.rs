use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;
use crate::model::AccountKind;

pub const RULE: Rule = Rule {
    id: "service-account-quota",
    title: "Service accounts are near or over the plan's quota",
    severity: Severity::Medium,
    reason: "Atlassian limits how many service accounts an organization can have: 5 without \
             Atlassian Guard, 250 with Atlassian Guard Standard, 1,000 on Enterprise (Atlassian's \
             support article \"Understand service accounts\" and the Atlassian Guard plans). Past \
             the quota no new integration can get an account of its own, and teams fall back to \
             shared personal API tokens.",
    fix: "Retire unused service accounts (see the review and no-owner findings), or move to a plan with \
          a larger quota; set `plan` in the settings so the limit is right.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let plan = scope.settings.plan;
    let quota = plan.quota();
    let used = scope.site.accounts.values().filter(|a| a.kind() == AccountKind::Service).count();
    let warn_at = (scope.settings.quota_warn_at * quota as f64).ceil() as usize;
    let severity = if used > quota {
        Severity::High
    } else if used >= warn_at {
        Severity::Medium
    } else {
        return Vec::new();
    };
    let state = if used > quota {
        "over"
    } else if used == quota {
        "at"
    } else {
        "near"
    };
    vec![Hit {
        severity: Some(severity),
        message: format!("{used} service accounts on the {} plan, {state} its quota of {quota}", plan.as_str()),
        ..Hit::default()
    }]
}
