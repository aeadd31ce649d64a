use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;
use crate::model::AccountKind;

pub const RULE: Rule = Rule {
    id: "unknown-account-type",
    title: "Jira did not say whether an account is a person, an app or a service account",
    severity: Severity::Info,
    reason: "Jira's user bodies carry `accountType` (`atlassian` for people, `app` for apps and service \
             accounts, `customer` for portal customers), but older bodies and some listings leave it out. \
             An account whose type is unknown is not taken for a person: it is analysed and listed with \
             the bots, so no integration is hidden among the people.",
    fix: "Rescan so that the account is read from `GET /rest/api/3/user?accountId=…` or the users \
          listing, which say its type; if it is an integration on a person's licence, register it.",
    check,
};

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    scope
        .site
        .accounts
        .values()
        .filter(|a| a.kind() == AccountKind::Unknown)
        .map(|a| {
            let said = match a.account_type.as_deref() {
                Some(other) => format!("says its type is `{other}`, which Jira does not document"),
                None => "has no `accountType` in any body the snapshot holds".to_owned(),
            };
            Hit::about(&a.account_id, format!("{said}; it is analysed as a possible bot"))
        })
        .collect()
}
