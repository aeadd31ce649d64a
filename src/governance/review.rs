//! Reviews (recertification): on a due date (monthly, quarterly, yearly or every N days) the
//! person responsible confirms that a bot is still needed; when the review cannot be held, the
//! configured default applies (notify, suspend or retire).
//!
//! A due date only moves when a decision answers it, so an unanswered review stays due; the
//! scheduler's events are a function of the window `(since, now]`, so runs at any times report
//! every reminder, due date and grace expiry exactly once. A decision names the state it answers
//! (the due date, or the suspension it restores), so a replay finds that state gone: a decision
//! is applied at most once.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::Scope;
use super::changes::{Membership, change_set};
use super::least_privilege::{self, PlanError, Remaining};
use super::registry::{AppliedDecision, Entry, Registry, Status, Suspension};
use super::settings::{DefaultAction, Settings};
use crate::date::Date;
use crate::engine::what_if;
use crate::engine::{AccountSelection, Selection, analyze};
use crate::model::{Actor, Site};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reviewer {
    /// `owner` | `backupOwner` | `admins`.
    pub via: &'static str,
    pub account_ids: Vec<String>,
}

fn active_person(site: &Site, id: &str) -> bool {
    site.accounts.get(id).is_some_and(|a| a.active && a.kind().may_be_person())
}

/// Owner, then backup owner, then the admins: the first that can still answer.
pub fn reviewer(site: &Site, settings: &Settings, entry: &Entry) -> Reviewer {
    if let Some(owner) = entry.owner.as_ref().filter(|o| active_person(site, o)) {
        return Reviewer { via: "owner", account_ids: vec![owner.clone()] };
    }
    if let Some(backup) = entry.backup_owner.as_ref().filter(|b| active_person(site, b)) {
        return Reviewer { via: "backupOwner", account_ids: vec![backup.clone()] };
    }
    let mut admins = settings.review.admins.clone();
    admins.sort();
    admins.dedup();
    Reviewer { via: "admins", account_ids: admins }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DueState {
    /// No review recorded and no due date: due now.
    NeverReviewed,
    /// Within the reminder window.
    Upcoming,
    /// Due today.
    Due,
    /// Past due, within the grace period.
    Overdue,
    /// Past the grace period: the default action applies.
    GraceExpired,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueItem {
    pub account_id: String,
    pub display_name: String,
    pub status: Status,
    pub state: DueState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// Days past due (negative: days left).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_overdue: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grace_ends: Option<Date>,
    pub reviewer: Reviewer,
    /// What happens when nobody answers (set once the grace period is over).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_action: Option<DefaultAction>,
}

fn reminder_window(settings: &Settings) -> i64 {
    settings.review.remind_days_before.iter().copied().max().map_or(0, i64::from)
}

/// Reviews due, overdue or within the reminder window on `now`, most urgent first.
pub fn due_list(site: &Site, registry: &Registry, settings: &Settings, now: Date) -> Vec<DueItem> {
    let grace = i64::from(settings.review.grace_days);
    let mut items = Vec::new();
    for entry in registry.in_force() {
        let display_name = site.accounts.get(&entry.account_id).map(|a| a.display_name.clone()).unwrap_or_default();
        let reviewer = reviewer(site, settings, entry);
        let base = |state, due: Option<Date>| DueItem {
            account_id: entry.account_id.clone(),
            display_name: display_name.clone(),
            status: entry.status,
            state,
            due,
            days_overdue: due.map(|d| d.days_until(now)),
            grace_ends: due.map(|d| d.add_days(grace)),
            reviewer: reviewer.clone(),
            default_action: None,
        };
        let Some(due) = entry.due() else {
            items.push(base(DueState::NeverReviewed, None));
            continue;
        };
        let late = due.days_until(now);
        let state = if late > grace {
            DueState::GraceExpired
        } else if late > 0 {
            DueState::Overdue
        } else if late == 0 {
            DueState::Due
        } else if -late <= reminder_window(settings) {
            DueState::Upcoming
        } else {
            continue;
        };
        let mut item = base(state, Some(due));
        if state == DueState::GraceExpired {
            item.default_action = Some(settings.review.when_nobody_answers);
        }
        items.push(item);
    }
    items.sort_by(|a, b| {
        b.days_overdue
            .unwrap_or(i64::MAX)
            .cmp(&a.days_overdue.unwrap_or(i64::MAX))
            .then(a.account_id.cmp(&b.account_id))
    });
    items
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum EventKind {
    #[serde(rename_all = "camelCase")]
    Reminder {
        days_before: u32,
    },
    Due,
    #[serde(rename_all = "camelCase")]
    GraceExpired {
        action: DefaultAction,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub on: Date,
    pub account_id: String,
    pub due: Date,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The reminders, due dates and grace expiries that fall in `(since, now]`, in date order.
/// Runs over adjacent windows report each event exactly once, however the windows are cut.
pub fn events(registry: &Registry, settings: &Settings, since: Date, now: Date) -> Vec<Event> {
    let in_window = |day: Date| since < day && day <= now;
    let mut out = Vec::new();
    let reminders: BTreeSet<u32> = settings.review.remind_days_before.iter().copied().filter(|d| *d > 0).collect();
    for entry in registry.in_force() {
        let Some(due) = entry.due() else { continue };
        let account_id = entry.account_id.clone();
        for &days_before in &reminders {
            let on = due.add_days(-i64::from(days_before));
            if in_window(on) {
                out.push(Event { on, account_id: account_id.clone(), due, kind: EventKind::Reminder { days_before } });
            }
        }
        if in_window(due) {
            out.push(Event { on: due, account_id: account_id.clone(), due, kind: EventKind::Due });
        }
        let expiry = due.add_days(i64::from(settings.review.grace_days) + 1);
        if in_window(expiry) {
            out.push(Event {
                on: expiry,
                account_id,
                due,
                kind: EventKind::GraceExpired { action: settings.review.when_nobody_answers },
            });
        }
    }
    out.sort();
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DecisionKind {
    Keep,
    /// Reduce to the declared need (the least-privilege change set).
    Reduce,
    Suspend,
    Retire,
    /// Put back exactly what a suspension removed.
    Restore,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Keep => "keep",
            DecisionKind::Reduce => "reduce",
            DecisionKind::Suspend => "suspend",
            DecisionKind::Retire => "retire",
            DecisionKind::Restore => "restore",
        }
    }
}

/// A reviewer's decision. The app's own input: strict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Decision {
    /// Unique per decision; a default action's id is derived from the account and due date.
    pub id: String,
    pub account_id: String,
    pub decision: DecisionKind,
    pub by: String,
    /// The due date this decision answers (keep, reduce, suspend, retire); `null` only for a bot
    /// never reviewed. Naming it is what makes a replayed decision fail instead of applying twice.
    #[serde(default)]
    pub answers_due: Option<Date>,
    /// For `restore`: the id of the suspension decision it undoes (required).
    #[serde(default)]
    pub restores: Option<String>,
}

/// The decision the policy takes when nobody answered before the grace period ended.
pub fn default_decision(settings: &Settings, entry: &Entry) -> Option<Decision> {
    let decision = match settings.review.when_nobody_answers {
        DefaultAction::Notify => return None,
        DefaultAction::Suspend => DecisionKind::Suspend,
        DefaultAction::Retire => DecisionKind::Retire,
    };
    let due = entry.due()?;
    Some(Decision {
        id: format!("default:{}:{due}", entry.account_id),
        account_id: entry.account_id.clone(),
        decision,
        by: "steward (nobody answered the review)".to_owned(),
        answers_due: Some(due),
        restores: None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionError {
    NotRegistered {
        account: String,
    },
    WrongAccount {
        decision: String,
        account: String,
    },
    AlreadyApplied {
        decision: String,
    },
    StaleDue {
        decision: String,
        answered: Option<Date>,
        current: Option<Date>,
    },
    Retired {
        account: String,
    },
    /// The entry is a request (open or declined): an admin approves it before it is reviewed.
    Request {
        account: String,
    },
    NotSuspended {
        account: String,
    },
    WrongSuspension {
        decision: String,
        expected: String,
        found: String,
    },
    Plan(PlanError),
    Apply {
        message: String,
    },
}

impl fmt::Display for DecisionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecisionError::NotRegistered { account } => write!(f, "account `{account}` is not in the registry"),
            DecisionError::WrongAccount { decision, account } => {
                write!(f, "decision `{decision}` is about another account than `{account}`")
            }
            DecisionError::AlreadyApplied { decision } => write!(f, "decision `{decision}` was already applied"),
            DecisionError::StaleDue { decision, answered, current } => {
                let show = |d: &Option<Date>| d.map_or("never".to_owned(), |d| d.to_string());
                write!(
                    f,
                    "decision `{decision}` answers the review due {}, but the review now due is {}; reload and decide again",
                    show(answered),
                    show(current)
                )
            }
            DecisionError::Retired { account } => {
                write!(f, "account `{account}` is retired; decisions no longer apply")
            }
            DecisionError::Request { account } => {
                write!(f, "`{account}` is a request an admin has not approved; it is not reviewed")
            }
            DecisionError::NotSuspended { account } => {
                write!(f, "account `{account}` is not suspended, so there is nothing to restore")
            }
            DecisionError::WrongSuspension { decision, expected, found } => write!(
                f,
                "decision `{decision}` restores suspension `{found}`, but the current suspension is `{expected}`"
            ),
            DecisionError::Plan(error) => write!(f, "{error}"),
            DecisionError::Apply { message } => write!(f, "the membership changes do not apply: {message}"),
        }
    }
}

impl std::error::Error for DecisionError {}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// The registry entry after the decision, to be written with the version it was read at.
    pub entry: Entry,
    /// Memberships to change in Jira, in the what-if change-set shape.
    pub jira_changes: Vec<Membership>,
    /// Access the bot keeps after the changes, and why (not memberships: schemes must change).
    pub remaining: Vec<Remaining>,
    /// One line for the history: what happened.
    pub summary: String,
}

/// Every role and group membership the account holds directly: what suspend removes.
pub fn memberships_of(site: &Site, account_id: &str) -> Vec<Membership> {
    let mut out = Vec::new();
    for (project, roles) in &site.role_actors {
        for (role, actors) in roles {
            if actors.iter().any(|a| matches!(a, Actor::User(u) if u == account_id)) {
                out.push(Membership::RemoveRoleActor {
                    project: project.clone(),
                    role_id: role.clone(),
                    account_id: account_id.to_owned(),
                });
            }
        }
    }
    let mut groups: BTreeSet<&String> =
        site.group_members.iter().filter(|(_, m)| m.contains(account_id)).map(|(g, _)| g).collect();
    if let Some(own) = site.accounts.get(account_id).and_then(|a| a.groups.as_ref()) {
        groups.extend(own.iter());
    }
    for group in groups {
        out.push(Membership::RemoveGroupMember { group_id: group.clone(), account_id: account_id.to_owned() });
    }
    out.sort();
    out
}

fn remaining_after(site: &Site, account_id: &str, changes: &[Membership]) -> Result<Vec<Remaining>, DecisionError> {
    let next =
        what_if::apply(site, &change_set(changes)).map_err(|e| DecisionError::Apply { message: e.to_string() })?;
    let selection = Selection {
        accounts: AccountSelection::One(account_id.to_owned()),
        project: None,
        skip_transitions: true,
        exhaustive: false,
    };
    let mut out = Vec::new();
    for account in analyze(&next, &selection).accounts {
        for project in account.projects {
            for (permission, paths) in project.permissions.iter() {
                out.push(Remaining {
                    project: project.key.clone(),
                    permission: permission.to_string(),
                    paths: paths.iter().map(|p| p.path.to_string()).collect(),
                });
            }
        }
    }
    Ok(out)
}

/// Applies a decision to a registry entry: the new entry, the Jira changes, what remains.
pub fn decide(scope: &Scope<'_>, decision: &Decision) -> Result<Outcome, DecisionError> {
    let entry = scope
        .registry
        .entry(&decision.account_id)
        .ok_or_else(|| DecisionError::NotRegistered { account: decision.account_id.clone() })?;
    apply(scope, entry, decision)
}

/// [`decide`] on an explicit entry (the version the caller read from storage).
pub fn apply(scope: &Scope<'_>, entry: &Entry, decision: &Decision) -> Result<Outcome, DecisionError> {
    let site = scope.site;
    let now = scope.now;
    if decision.account_id != entry.account_id {
        return Err(DecisionError::WrongAccount { decision: decision.id.clone(), account: entry.account_id.clone() });
    }
    if entry.last_decision.as_ref().is_some_and(|d| d.id == decision.id)
        || entry.suspension.as_ref().is_some_and(|s| s.decision_id == decision.id)
    {
        return Err(DecisionError::AlreadyApplied { decision: decision.id.clone() });
    }
    if entry.status == Status::Retired {
        return Err(DecisionError::Retired { account: entry.account_id.clone() });
    }
    if entry.status.is_request() {
        return Err(DecisionError::Request { account: entry.account_id.clone() });
    }
    let mut next = entry.clone();
    let mut jira_changes = Vec::new();
    let answered = match decision.decision {
        DecisionKind::Restore => None,
        _ => {
            let current = entry.due();
            if decision.answers_due != current {
                return Err(DecisionError::StaleDue {
                    decision: decision.id.clone(),
                    answered: decision.answers_due,
                    current,
                });
            }
            current
        }
    };
    let summary = match decision.decision {
        DecisionKind::Keep => "kept as it is".to_owned(),
        DecisionKind::Reduce => {
            let plan = least_privilege::plan(scope, &entry.account_id).map_err(DecisionError::Plan)?;
            jira_changes = plan.changes;
            format!("reduced to its declared need ({} membership changes)", jira_changes.len())
        }
        DecisionKind::Suspend | DecisionKind::Retire => {
            jira_changes = memberships_of(site, &entry.account_id);
            // A second suspension keeps the first record's removals: restore must put all back.
            let mut removed = entry.suspension.as_ref().map(|s| s.removed.clone()).unwrap_or_default();
            removed.extend(jira_changes.iter().cloned());
            removed.sort();
            removed.dedup();
            next.suspension =
                Some(Suspension { at: now, by: decision.by.clone(), decision_id: decision.id.clone(), removed });
            next.status = if decision.decision == DecisionKind::Suspend { Status::Suspended } else { Status::Retired };
            format!("{} ({} memberships removed)", decision.decision.as_str(), jira_changes.len())
        }
        DecisionKind::Restore => {
            let suspension = match (&entry.status, &entry.suspension) {
                (Status::Suspended, Some(s)) => s,
                _ => return Err(DecisionError::NotSuspended { account: entry.account_id.clone() }),
            };
            if decision.restores.as_ref() != Some(&suspension.decision_id) {
                return Err(DecisionError::WrongSuspension {
                    decision: decision.id.clone(),
                    expected: suspension.decision_id.clone(),
                    found: decision.restores.clone().unwrap_or_default(),
                });
            }
            jira_changes = suspension.removed.iter().map(Membership::inverse).collect();
            next.suspension = None;
            next.status = Status::Active;
            format!("restored ({} memberships put back)", jira_changes.len())
        }
    };
    if decision.decision != DecisionKind::Restore {
        next.last_review = Some(now);
        next.next_due = if next.status == Status::Retired { None } else { Some(entry.cadence.after(now)) };
    }
    next.last_decision = Some(AppliedDecision {
        id: decision.id.clone(),
        decision: decision.decision.as_str().to_owned(),
        at: now,
        by: decision.by.clone(),
        answered_due: answered,
    });
    let remaining = match decision.decision {
        DecisionKind::Suspend | DecisionKind::Retire => remaining_after(site, &entry.account_id, &jira_changes)?,
        _ => Vec::new(),
    };
    Ok(Outcome { entry: next, jira_changes, remaining, summary })
}
