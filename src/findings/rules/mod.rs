//! One file per rule, named after its id; `tests/findings/<id>/` holds its fixture.

use crate::governance::Scope;
use crate::governance::registry::Status;
use crate::model::Account;

use super::Rule;

mod access_beyond_need;
mod broad_access;
mod direct_user_grant;
mod global_admin;
mod inactive_still_granted;
mod need_not_met;
mod never_reviewed;
mod no_backup_owner;
mod no_owner;
mod outside_service_role;
mod owner_inactive;
mod project_admin;
mod registry_unknown_account;
mod restricted_security_level;
mod review_overdue;
mod service_account_quota;
mod shadow_bot;
mod suspended_still_granted;
mod unknown_account_type;

/// The catalogue, in the order rules are documented.
pub const CATALOGUE: &[Rule] = &[
    global_admin::RULE,
    project_admin::RULE,
    direct_user_grant::RULE,
    outside_service_role::RULE,
    access_beyond_need::RULE,
    need_not_met::RULE,
    broad_access::RULE,
    restricted_security_level::RULE,
    no_owner::RULE,
    owner_inactive::RULE,
    no_backup_owner::RULE,
    review_overdue::RULE,
    never_reviewed::RULE,
    shadow_bot::RULE,
    inactive_still_granted::RULE,
    suspended_still_granted::RULE,
    service_account_quota::RULE,
    registry_unknown_account::RULE,
    unknown_account_type::RULE,
];

/// Active bots the registry does not say are suspended or retired: the ones that should only
/// hold what they need.
fn working_bots<'a>(scope: &Scope<'a>) -> Vec<&'a Account> {
    scope
        .bots()
        .into_iter()
        .map(|(a, _)| a)
        .filter(|a| a.active)
        .filter(|a| scope.registry.entry(&a.account_id).is_none_or(|e| e.status == Status::Active))
        .collect()
}

/// The ids of the roles named by `settings.serviceAccountRole` (by name or id).
fn service_roles(scope: &Scope<'_>) -> Vec<String> {
    let wanted = &scope.settings.service_account_role;
    scope.site.roles.values().filter(|r| r.name == *wanted || r.id == *wanted).map(|r| r.id.clone()).collect()
}

/// At most this many evidence lines per finding; the rest are counted.
const EVIDENCE_LINES: usize = 12;

fn cap(mut lines: Vec<String>) -> Vec<String> {
    lines.sort();
    lines.dedup();
    if lines.len() > EVIDENCE_LINES {
        let more = lines.len() - EVIDENCE_LINES;
        lines.truncate(EVIDENCE_LINES);
        lines.push(more_line(more));
    }
    lines
}

/// The line that counts the evidence lines left out.
fn more_line(more: usize) -> String {
    format!("… and {more} more")
}

/// Evidence lines met already sorted and distinct: the ones [`cap`] keeps are written, the rest
/// only counted, which is what `cap` answers for the same lines.
#[derive(Default)]
struct Evidence {
    lines: Vec<String>,
    total: usize,
}

impl Evidence {
    fn push_with(&mut self, line: impl FnOnce() -> String) {
        self.total += 1;
        if self.lines.len() < EVIDENCE_LINES {
            self.lines.push(line());
        }
    }

    fn total(&self) -> usize {
        self.total
    }

    fn into_lines(self) -> Vec<String> {
        let mut lines = cap(self.lines);
        if self.total > EVIDENCE_LINES {
            lines.push(more_line(self.total - EVIDENCE_LINES));
        }
        lines
    }
}

/// How many projects a finding for several names in its message; the rest are counted.
const PROJECTS_NAMED: usize = 5;

/// "N projects (A, B, C, D, E and K more)": several projects in one finding's message.
fn several_projects(keys: &[&str]) -> String {
    let named = keys.iter().take(PROJECTS_NAMED).copied().collect::<Vec<_>>().join(", ");
    let rest = keys.len().saturating_sub(PROJECTS_NAMED);
    let more = if rest > 0 { format!(" and {rest} more") } else { String::new() };
    format!("{} projects ({named}{more})", keys.len())
}

#[cfg(test)]
mod tests {
    use super::{EVIDENCE_LINES, Evidence, cap};

    #[test]
    fn evidence_met_sorted_is_what_cap_answers_for_the_same_lines() {
        for n in [0, 1, EVIDENCE_LINES, EVIDENCE_LINES + 1, 40] {
            let lines: Vec<String> = (0..n).map(|i| format!("P{i:03} BROWSE_PROJECTS ← anyone")).collect();
            let mut evidence = Evidence::default();
            for line in &lines {
                evidence.push_with(|| line.clone());
            }
            assert_eq!(evidence.total(), n);
            assert_eq!(evidence.into_lines(), cap(lines), "{n} lines");
        }
    }
}
