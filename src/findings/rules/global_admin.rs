use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

pub const RULE: Rule = Rule {
    id: "global-admin",
    title: "A bot is a Jira administrator",
    severity: Severity::Critical,
    reason: "A Jira administrator (the global permissions Administer Jira, ADMINISTER, and Jira \
             System Administrator, SYSTEM_ADMIN) can change every scheme, role and group on the \
             site, so a leaked bot credential becomes control of the whole site. A bot should hold \
             only what its integration uses, granted in projects. Atlassian's support article \
             \"Manage global permissions\" describes what these permissions allow.",
    fix: "Remove the bot from the groups that hold ADMINISTER / SYSTEM_ADMIN (global permissions are \
          granted to groups only) and grant what it needs in projects through the service-account role.",
    check,
};

const ADMIN: [&str; 2] = ["ADMINISTER", "SYSTEM_ADMIN"];

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (account, _) in scope.bots() {
        let Some(access) = scope.access(&account.account_id) else { continue };
        let held: Vec<&String> = access.global.iter().filter(|k| ADMIN.contains(&k.as_str())).collect();
        if held.is_empty() || !account.active {
            continue;
        }
        let declared = scope
            .registry
            .entry(&account.account_id)
            .and_then(|e| e.need.as_ref())
            .is_some_and(|n| held.iter().all(|k| n.global.contains(k)));
        let list: Vec<&str> = held.iter().map(|k| k.as_str()).collect();
        let mut hit = Hit::about(&account.account_id, format!("holds {} globally", list.join(" and ")));
        if declared {
            hit.message.push_str(" (declared in its need)");
            hit = hit.severity(Severity::High);
        }
        hits.push(hit);
    }
    hits
}
