//! The leaver plan: an integration tied to a person who left fails when their account is
//! deactivated, and a bot nobody is responsible for any more is handed over or disabled.
//!
//! Given a person who left, every bot they own or back up, the access at stake, and the actions
//! the policy prescribes, as data the leaver trigger executes.

use std::collections::BTreeSet;

use serde::Serialize;

use super::Scope;
use super::changes::Membership;
use super::registry::{Entry, Status};
use super::review::{self, Reviewer};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum Action {
    /// Make the backup owner the owner (and clear the backup).
    #[serde(rename_all = "camelCase")]
    HandOver { from: String, to: String },
    /// Open a review due today, with this reviewer.
    #[serde(rename_all = "camelCase")]
    OpenReview { reviewer: Reviewer },
    /// Nobody responsible is left: suspend now, removing these memberships (recorded for restore).
    #[serde(rename_all = "camelCase")]
    Suspend { removes: Vec<Membership> },
    /// The leaver was the backup: the owner must name a new one.
    #[serde(rename_all = "camelCase")]
    FindNewBackup { ask: String },
    /// Tell the admins what happened and what was done.
    NotifyAdmins,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessAtStake {
    pub projects: Vec<String>,
    /// Distinct project permissions held anywhere.
    pub permissions: Vec<String>,
    pub global: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BotImpact {
    pub account_id: String,
    pub display_name: String,
    /// `owner` | `backupOwner`.
    pub leaver_was: &'static str,
    pub status: Status,
    pub access: AccessAtStake,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaverPlan {
    pub account_id: String,
    pub display_name: Option<String>,
    /// `deactivated` | `deleted` (not in the snapshot) | `active` (planning ahead).
    pub state: &'static str,
    pub bots: Vec<BotImpact>,
}

fn access_at_stake(scope: &Scope<'_>, account_id: &str) -> AccessAtStake {
    let Some(access) = scope.access(account_id) else { return AccessAtStake::default() };
    let mut permissions: Vec<String> =
        access.projects().flat_map(|p| p.permissions.keys().map(|k| k.to_string())).collect();
    permissions.sort();
    permissions.dedup();
    AccessAtStake {
        projects: access.projects().filter(|p| !p.permissions.is_empty()).map(|p| p.key.to_owned()).collect(),
        permissions,
        global: access.global.to_vec(),
    }
}

/// `gone`: people Jira answers are inactive or deleted now, which a snapshot taken before they
/// left still shows active.
fn usable(scope: &Scope<'_>, person: Option<&String>, leaver: &str, gone: &BTreeSet<String>) -> Option<String> {
    let person = person?;
    let account = scope.site.accounts.get(person)?;
    (person != leaver && !gone.contains(person) && account.active && account.kind().may_be_person())
        .then(|| person.clone())
}

fn actions(scope: &Scope<'_>, entry: &Entry, leaver: &str, gone: &BTreeSet<String>) -> (&'static str, Vec<Action>) {
    let mut actions = Vec::new();
    if entry.owner.as_deref() == Some(leaver) {
        match usable(scope, entry.backup_owner.as_ref(), leaver, gone) {
            Some(backup) => {
                actions.push(Action::HandOver { from: leaver.to_owned(), to: backup.clone() });
                actions
                    .push(Action::OpenReview { reviewer: Reviewer { via: "backupOwner", account_ids: vec![backup] } });
            }
            None => {
                let mut reviewer = review::reviewer(scope.site, scope.settings, entry);
                if reviewer.via != "admins" || reviewer.account_ids.iter().any(|a| gone.contains(a)) {
                    reviewer = Reviewer { via: "admins", account_ids: scope.settings.review.admins.clone() };
                }
                actions.push(Action::OpenReview { reviewer });
                if entry.status == Status::Active {
                    actions.push(Action::Suspend { removes: review::memberships_of(scope.site, &entry.account_id) });
                }
            }
        }
        actions.push(Action::NotifyAdmins);
        ("owner", actions)
    } else {
        let ask = entry.owner.clone().unwrap_or_default();
        actions.push(Action::FindNewBackup { ask });
        ("backupOwner", actions)
    }
}

/// The plan for `leaver`; empty `bots` when they are responsible for none.
pub fn plan(scope: &Scope<'_>, leaver: &str) -> LeaverPlan {
    plan_knowing(scope, leaver, &BTreeSet::new())
}

/// [`plan`] when Jira answered, after the snapshot was taken, that the people in `gone` (the
/// leaver among them, or not) are inactive or deleted: none of them is handed a bot.
pub fn plan_knowing(scope: &Scope<'_>, leaver: &str, gone: &BTreeSet<String>) -> LeaverPlan {
    let person = scope.site.accounts.get(leaver);
    let state = match person {
        None => "deleted",
        Some(p) if !p.active || gone.contains(leaver) => "deactivated",
        Some(_) => "active",
    };
    let mut bots = Vec::new();
    for entry in scope.registry.in_force() {
        if entry.owner.as_deref() != Some(leaver) && entry.backup_owner.as_deref() != Some(leaver) {
            continue;
        }
        let (leaver_was, actions) = actions(scope, entry, leaver, gone);
        bots.push(BotImpact {
            account_id: entry.account_id.clone(),
            display_name: scope
                .site
                .accounts
                .get(&entry.account_id)
                .map(|a| a.display_name.clone())
                .unwrap_or_default(),
            leaver_was,
            status: entry.status,
            access: access_at_stake(scope, &entry.account_id),
            actions,
        });
    }
    LeaverPlan { account_id: leaver.to_owned(), display_name: person.map(|p| p.display_name.clone()), state, bots }
}
