//! What changed between two scans: new and removed bots, permissions gained and lost per bot and
//! project, owners who became inactive. Compared from each scan's [`AccessSummary`], which the
//! scan's job stores next to its snapshot, so no older snapshot is decoded again.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::analysis::view::AccountView;

pub const SUMMARY_VERSION: u32 = 1;

/// Entries each list of [`Changes`] keeps; the rest is counted in `truncated`.
pub const CHANGES_KEPT: usize = 500;

/// What one scan's bots held, compactly: each distinct set of permissions once, and per bot the
/// projects holding each set. Only unconditional holdings (on every issue) are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessSummary {
    pub summary_version: u32,
    #[serde(default)]
    pub collected_at: Option<String>,
    pub permission_sets: Vec<Vec<String>>,
    /// Sorted by account id.
    pub bots: Vec<BotSummary>,
    /// The registry's owners and backup owners at the time, by account id.
    pub people: BTreeMap<String, PersonSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BotSummary {
    pub account_id: String,
    pub display_name: String,
    pub kind: String,
    /// (index into `permission_sets`, project keys holding exactly that set).
    pub held: Vec<(u32, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonSummary {
    pub display_name: String,
    pub active: bool,
    /// The bots this person owns or backs up.
    pub bots: Vec<String>,
}

/// Builds a summary from the bots' access (`kind` as the console names it) and the people.
pub fn summarize<'a>(
    collected_at: Option<String>,
    bots: impl IntoIterator<Item = (AccountView<'a>, &'a str)>,
    people: BTreeMap<String, PersonSummary>,
) -> AccessSummary {
    let mut sets: Vec<Vec<String>> = Vec::new();
    let mut index: BTreeMap<Vec<String>, u32> = BTreeMap::new();
    let mut out: Vec<BotSummary> = Vec::new();
    for (access, kind) in bots {
        let mut by_set: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for project in access.projects() {
            let held: Vec<String> = project
                .permissions
                .iter()
                .filter(|(_, paths)| paths.iter().any(|p| !p.conditional))
                .map(|(key, _)| key.to_string())
                .collect();
            if held.is_empty() {
                continue;
            }
            let at = *index.entry(held.clone()).or_insert_with(|| {
                sets.push(held);
                u32::try_from(sets.len() - 1).unwrap_or(u32::MAX)
            });
            by_set.entry(at).or_default().push(project.key.to_owned());
        }
        out.push(BotSummary {
            account_id: access.account_id.to_owned(),
            display_name: access.display_name.to_owned(),
            kind: kind.to_owned(),
            held: by_set.into_iter().collect(),
        });
    }
    out.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    out.dedup_by(|a, b| a.account_id == b.account_id);
    AccessSummary { summary_version: SUMMARY_VERSION, collected_at, permission_sets: sets, bots: out, people }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BotChange {
    pub account_id: String,
    pub display_name: String,
    pub kind: String,
    /// Projects where it holds something on every issue.
    pub projects: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessChange {
    pub account_id: String,
    pub display_name: String,
    pub project: String,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerChange {
    pub account_id: String,
    pub display_name: String,
    pub bots: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Changes {
    pub previous_collected_at: Option<String>,
    pub new_bots: Vec<BotChange>,
    pub removed_bots: Vec<BotChange>,
    /// Permissions a bot of both scans holds now and did not before, per project.
    pub gained: Vec<AccessChange>,
    pub lost: Vec<AccessChange>,
    pub owners_inactive: Vec<OwnerChange>,
    /// Entries left out of the lists above, past [`CHANGES_KEPT`] each.
    pub truncated: usize,
}

/// A bot's holdings: project → its permission set (borrowed: a bot of a large site holds sets in
/// thousands of projects).
fn holdings<'a>(summary: &'a AccessSummary, bot: &'a BotSummary) -> BTreeMap<&'a str, &'a [String]> {
    let mut out = BTreeMap::new();
    for (set, projects) in &bot.held {
        let permissions = summary.permission_sets.get(*set as usize).map_or(&[][..], Vec::as_slice);
        for project in projects {
            out.insert(project.as_str(), permissions);
        }
    }
    out
}

fn bot_change(bot: &BotSummary) -> BotChange {
    BotChange {
        account_id: bot.account_id.clone(),
        display_name: bot.display_name.clone(),
        kind: bot.kind.clone(),
        projects: bot.held.iter().map(|(_, p)| p.len()).sum(),
    }
}

fn keep<T>(list: &mut Vec<T>, truncated: &mut usize) {
    if list.len() > CHANGES_KEPT {
        *truncated += list.len() - CHANGES_KEPT;
        list.truncate(CHANGES_KEPT);
    }
}

/// What changed from `previous` to `current`; every list sorted.
pub fn compare(previous: &AccessSummary, current: &AccessSummary) -> Changes {
    let before: BTreeMap<&str, &BotSummary> = previous.bots.iter().map(|b| (b.account_id.as_str(), b)).collect();
    let now: BTreeMap<&str, &BotSummary> = current.bots.iter().map(|b| (b.account_id.as_str(), b)).collect();
    let mut changes = Changes { previous_collected_at: previous.collected_at.clone(), ..Changes::default() };
    for (id, bot) in &now {
        let Some(old) = before.get(id) else {
            changes.new_bots.push(bot_change(bot));
            continue;
        };
        let (was, is) = (holdings(previous, old), holdings(current, bot));
        let projects: BTreeSet<&str> = was.keys().chain(is.keys()).copied().collect();
        for project in projects {
            let (w, i) = (was.get(project).copied().unwrap_or_default(), is.get(project).copied().unwrap_or_default());
            if w == i {
                continue;
            }
            let (w, i): (BTreeSet<&str>, BTreeSet<&str>) =
                (w.iter().map(String::as_str).collect(), i.iter().map(String::as_str).collect());
            let change = |list: Vec<&&str>| AccessChange {
                account_id: bot.account_id.clone(),
                display_name: bot.display_name.clone(),
                project: project.to_owned(),
                permissions: list.into_iter().map(|s| (*s).to_owned()).collect(),
            };
            let gained: Vec<&&str> = i.difference(&w).collect();
            if !gained.is_empty() {
                changes.gained.push(change(gained));
            }
            let lost: Vec<&&str> = w.difference(&i).collect();
            if !lost.is_empty() {
                changes.lost.push(change(lost));
            }
        }
    }
    changes.removed_bots = before.iter().filter(|(id, _)| !now.contains_key(*id)).map(|(_, b)| bot_change(b)).collect();
    for (id, person) in &current.people {
        if !person.active && previous.people.get(id).is_some_and(|p| p.active) {
            changes.owners_inactive.push(OwnerChange {
                account_id: id.clone(),
                display_name: person.display_name.clone(),
                bots: person.bots.clone(),
            });
        }
    }
    let mut truncated = 0;
    keep(&mut changes.new_bots, &mut truncated);
    keep(&mut changes.removed_bots, &mut truncated);
    keep(&mut changes.gained, &mut truncated);
    keep(&mut changes.lost, &mut truncated);
    keep(&mut changes.owners_inactive, &mut truncated);
    changes.truncated = truncated;
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bot(id: &str, held: Vec<(u32, Vec<&str>)>) -> BotSummary {
        BotSummary {
            account_id: id.to_owned(),
            display_name: format!("{id}-name"),
            kind: "service".to_owned(),
            held: held.into_iter().map(|(s, p)| (s, p.into_iter().map(str::to_owned).collect())).collect(),
        }
    }

    fn summary(sets: Vec<Vec<&str>>, bots: Vec<BotSummary>, people: Vec<(&str, bool)>) -> AccessSummary {
        AccessSummary {
            summary_version: SUMMARY_VERSION,
            collected_at: Some("2026-11-22T00:00:00Z".to_owned()),
            permission_sets: sets.into_iter().map(|s| s.into_iter().map(str::to_owned).collect()).collect(),
            bots,
            people: people
                .into_iter()
                .map(|(id, active)| {
                    (
                        id.to_owned(),
                        PersonSummary { display_name: id.to_uppercase(), active, bots: vec!["b1".to_owned()] },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn new_and_removed_bots_are_listed_with_their_project_counts() {
        let before = summary(vec![vec!["BROWSE_PROJECTS"]], vec![bot("gone", vec![(0, vec!["A", "B"])])], vec![]);
        let after = summary(vec![vec!["BROWSE_PROJECTS"]], vec![bot("fresh", vec![(0, vec!["A"])])], vec![]);
        let changes = compare(&before, &after);
        assert_eq!(changes.new_bots.iter().map(|b| (&*b.account_id, b.projects)).collect::<Vec<_>>(), [("fresh", 1)]);
        assert_eq!(
            changes.removed_bots.iter().map(|b| (&*b.account_id, b.projects)).collect::<Vec<_>>(),
            [("gone", 2)]
        );
        assert!(changes.gained.is_empty() && changes.lost.is_empty());
    }

    #[test]
    fn permissions_gained_and_lost_per_project_even_when_set_numbers_differ() {
        // The same set has another index in each scan: compared by keys, not by index.
        let before = summary(
            vec![vec!["BROWSE_PROJECTS"], vec!["BROWSE_PROJECTS", "DELETE_ISSUES"]],
            vec![bot("b1", vec![(1, vec!["A"]), (0, vec!["B"])])],
            vec![],
        );
        let after = summary(
            vec![vec!["BROWSE_PROJECTS", "EDIT_ISSUES"], vec!["BROWSE_PROJECTS"]],
            vec![bot("b1", vec![(1, vec!["A"]), (0, vec!["C"])])],
            vec![],
        );
        let changes = compare(&before, &after);
        let gained: Vec<(&str, Vec<&str>)> =
            changes.gained.iter().map(|c| (&*c.project, c.permissions.iter().map(String::as_str).collect())).collect();
        let lost: Vec<(&str, Vec<&str>)> =
            changes.lost.iter().map(|c| (&*c.project, c.permissions.iter().map(String::as_str).collect())).collect();
        assert_eq!(gained, [("C", vec!["BROWSE_PROJECTS", "EDIT_ISSUES"])]);
        assert_eq!(lost, [("A", vec!["DELETE_ISSUES"]), ("B", vec!["BROWSE_PROJECTS"])]);
        assert_eq!(changes.previous_collected_at.as_deref(), Some("2026-11-22T00:00:00Z"));
    }

    #[test]
    fn owners_who_became_inactive_are_listed_with_their_bots() {
        let before = summary(vec![], vec![], vec![("ann", true), ("bob", true), ("cy", false)]);
        let after = summary(vec![], vec![], vec![("ann", false), ("bob", true), ("cy", false), ("dee", false)]);
        let changes = compare(&before, &after);
        assert_eq!(changes.owners_inactive.iter().map(|o| &*o.account_id).collect::<Vec<_>>(), ["ann"]);
        assert_eq!(changes.owners_inactive[0].bots, ["b1"]);
    }

    #[test]
    fn identical_scans_have_no_changes() {
        let one = summary(vec![vec!["X"]], vec![bot("b1", vec![(0, vec!["A"])])], vec![("ann", true)]);
        assert_eq!(
            compare(&one, &one.clone()),
            Changes { previous_collected_at: one.collected_at.clone(), ..Changes::default() }
        );
    }

    #[test]
    fn long_lists_are_cut_and_counted() {
        let bots: Vec<BotSummary> = (0..CHANGES_KEPT + 7).map(|n| bot(&format!("b{n:04}"), vec![])).collect();
        let changes = compare(&summary(vec![], vec![], vec![]), &summary(vec![], bots, vec![]));
        assert_eq!(changes.new_bots.len(), CHANGES_KEPT);
        assert_eq!(changes.truncated, 7);
    }

    #[test]
    fn summaries_keep_only_unconditional_holdings() {
        use crate::analysis::path::{Origin, Path, Via};
        use crate::analysis::{AccountAccess, Coverage, JiraAdmin, PathEntry, ProjectAccess};
        use std::rc::Rc;
        let path = |via| {
            PathEntry::new(Path {
                origin: Origin::Grant { scheme_id: "1".into(), scheme_name: "S".into(), grant: None },
                via,
            })
        };
        let permissions: BTreeMap<Rc<str>, Vec<PathEntry>> = [
            (Rc::from("BROWSE_PROJECTS"), vec![path(Via::User)]),
            (Rc::from("EDIT_OWN_COMMENTS"), vec![path(Via::Reporter)]),
        ]
        .into_iter()
        .collect();
        let project = |key: &str| ProjectAccess {
            key: key.to_owned(),
            name: key.to_owned(),
            team_managed: false,
            coverage: Coverage::Complete,
            permissions: Rc::new(permissions.clone()),
            unresolved: vec![],
            security_levels: vec![],
            transitions: vec![],
        };
        let access = AccountAccess {
            account_id: "b1".into(),
            display_name: "B".into(),
            kind: "service",
            active: true,
            global: vec![],
            global_coverage: Coverage::None,
            jira_admin: JiraAdmin::No,
            projects: vec![project("A"), project("B")],
        };
        let summary = summarize(None, [(access.view(), "service")], BTreeMap::new());
        assert_eq!(summary.permission_sets, vec![vec!["BROWSE_PROJECTS".to_owned()]]);
        assert_eq!(summary.bots[0].held, vec![(0, vec!["A".to_owned(), "B".to_owned()])]);
    }
}
