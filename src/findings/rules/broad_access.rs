use std::collections::BTreeMap;

use crate::analysis::path::{RoleActorVia, Via};
use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;
use crate::model::AccountKind;

use super::{Evidence, working_bots};

pub const RULE: Rule = Rule {
    id: "broad-access",
    title: "A bot has access through anyone or a broad group",
    severity: Severity::Medium,
    reason: "A grant to anyone, to every user with product access, or to a group that holds most of \
             the staff gives the bot access nobody decided to give it, and a project administrator \
             cannot remove it by emptying the service-account role. Atlassian's support article \
             \"Manage permission schemes\" describes these kinds of grant.",
    fix: "Take the bot out of the broad group, or replace the broad grant in the scheme with the \
          roles that need it; give the bot what it needs through the service-account role.",
    check,
};

/// Whether a group is broad: named in the settings, or holding at least the settings' share of
/// the active people. Answered once per group: a bot meets the same group in every project.
struct Broad<'s> {
    scope: &'s Scope<'s>,
    people: usize,
    known: BTreeMap<String, bool>,
}

impl<'s> Broad<'s> {
    fn new(scope: &'s Scope<'s>) -> Self {
        let people = scope.site.accounts.values().filter(|a| a.active && a.kind() == AccountKind::Human).count();
        Broad { scope, people, known: BTreeMap::new() }
    }

    fn is_broad(&mut self, name: &str, id: &str) -> bool {
        // The name is a grant's own where the group was not read: checked each time, not cached.
        self.scope.settings.broad_groups.iter().any(|g| g == name || g == id) || self.has_most_people(id)
    }

    /// Whether the group's active people reach the settings' share of the site's: counted once a group.
    fn has_most_people(&mut self, id: &str) -> bool {
        if let Some(&broad) = self.known.get(id) {
            return broad;
        }
        let (site, settings) = (self.scope.site, self.scope.settings);
        let members = site.group_members.get(id).map_or(0, |m| {
            m.iter()
                .filter(|a| site.accounts.get(*a).is_some_and(|a| a.active && a.kind() == AccountKind::Human))
                .count()
        });
        let broad = self.people > 0 && members as f64 >= settings.broad_group_share * self.people as f64;
        self.known.insert(id.to_owned(), broad);
        broad
    }
}

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut groups = Broad::new(scope);
    for account in working_bots(scope) {
        let Some(access) = scope.access(&account.account_id) else { continue };
        let mut membership = false;
        // Projects come in key order, permissions and paths sorted: lines are met in the order
        // `cap` sorts them, so only the ones it keeps are written (a bot can reach 10,000
        // projects through anyone).
        let mut lines = Evidence::default();
        for project in access.projects() {
            for (permission, entries) in project.permissions.iter() {
                for entry in entries {
                    let broad = match &entry.typed.via {
                        Via::Anyone | Via::AnyLoggedIn | Via::ApplicationRole { .. } => true,
                        Via::Group { name, id } | Via::Role { actor: RoleActorVia::Group { name, id }, .. } => {
                            let broad = groups.is_broad(name, id);
                            membership |= broad;
                            broad
                        }
                        _ => false,
                    };
                    if broad {
                        lines.push_with(|| format!("{} {permission} ← {}", project.key, entry.path));
                    }
                }
            }
        }
        if lines.total() == 0 {
            continue;
        }
        let count = lines.total();
        // A public or every-user grant is the scheme's problem more than the bot's: it is listed,
        // but the bot's own membership of a broad group is what makes this worth acting on.
        let (what, severity) = if membership {
            ("a broad group it is a member of", Severity::Medium)
        } else {
            ("anyone or every logged-in user", Severity::Low)
        };
        hits.push(
            Hit::about(&account.account_id, format!("holds {count} permissions through {what}"))
                .severity(severity)
                .evidence(lines.into_lines()),
        );
    }
    hits
}
