//! The registry: for every bot, who is responsible, why it exists, what it needs, where
//! its credential is kept and when it is reviewed.
//!
//! The registry is the app's own input, so its JSON is strict: an unknown field is an error, not
//! something silently dropped. Loading checks shape only; [`validate_entry`] checks an entry
//! against the site before a write (an owner must be an active person, keys must exist).

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::changes::Membership;
use crate::date::Date;
use crate::model::Site;

pub const REGISTRY_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Registry {
    pub registry_version: u32,
    #[serde(default)]
    pub accounts: Vec<Entry>,
}

/// How often a bot is reviewed. JSON: `"monthly"`, `"quarterly"`, `"yearly"` or `{"days": N}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cadence {
    Monthly,
    #[default]
    Quarterly,
    Yearly,
    /// Kept signed so a zero or negative count reaches validation and gets a clear message.
    Days(i64),
}

impl Cadence {
    /// The due date one cadence after `from`.
    pub fn after(self, from: Date) -> Date {
        match self {
            Cadence::Monthly => from.add_months(1),
            Cadence::Quarterly => from.add_months(3),
            Cadence::Yearly => from.add_months(12),
            Cadence::Days(days) => from.add_days(days.max(1)),
        }
    }
}

impl Serialize for Cadence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Days {
            days: i64,
        }
        match self {
            Cadence::Monthly => serializer.serialize_str("monthly"),
            Cadence::Quarterly => serializer.serialize_str("quarterly"),
            Cadence::Yearly => serializer.serialize_str("yearly"),
            Cadence::Days(days) => Days { days: *days }.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Cadence {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Name(String),
            Days(DaysRaw),
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct DaysRaw {
            days: i64,
        }
        let bad = || {
            serde::de::Error::custom(
                "cadence must be \"monthly\", \"quarterly\", \"yearly\" or {\"days\": N} with N a positive whole number",
            )
        };
        match Raw::deserialize(deserializer).map_err(|_| bad())? {
            Raw::Name(name) => match name.as_str() {
                "monthly" => Ok(Cadence::Monthly),
                "quarterly" => Ok(Cadence::Quarterly),
                "yearly" => Ok(Cadence::Yearly),
                _ => Err(bad()),
            },
            Raw::Days(DaysRaw { days }) => Ok(Cadence::Days(days)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Active,
    Suspended,
    Retired,
    /// Asked for (from a project's page) and not yet approved: not governed yet.
    Requested,
    /// A request an admin turned down; kept for the record.
    Declined,
}

impl Status {
    /// A request, open or turned down, rather than a bot the registry governs.
    pub fn is_request(self) -> bool {
        matches!(self, Status::Requested | Status::Declined)
    }
}

/// What the bot is declared to need (an integration's usual list: browse, create, comment, edit,
/// transition, attach).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Need {
    /// Project keys; `"*"` means every project.
    pub projects: Vec<String>,
    /// Project permission keys it needs in each of those projects.
    pub permissions: Vec<String>,
    /// Global permission keys it needs.
    pub global: Vec<String>,
    /// Issue security levels (name or id) it is meant to see.
    pub security_levels: Vec<String>,
}

impl Need {
    pub fn covers_project(&self, key: &str) -> bool {
        self.projects.iter().any(|p| p == "*" || p == key)
    }
}

/// What a suspension removed, so that restore puts exactly that back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Suspension {
    pub at: Date,
    pub by: String,
    pub decision_id: String,
    pub removed: Vec<Membership>,
}

/// The last review decision applied, so a replay of it is recognised and refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppliedDecision {
    pub id: String,
    pub decision: String,
    pub at: Date,
    pub by: String,
    /// The due date the decision answered.
    pub answered_due: Option<Date>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Entry {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// The tool or integration that uses the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need: Option<Need>,
    /// Where the credential is kept (a vault path, a CI secret name), never the credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_location: Option<String>,
    #[serde(default)]
    pub cadence: Cadence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_review: Option<Date>,
    /// Set by decisions; derived from the cadence and the last review when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_due: Option<Date>,
    #[serde(default)]
    pub status: Status,
    /// The Jira issue that records the request, e.g. `OPS-123`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_issue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspension: Option<Suspension>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_decision: Option<AppliedDecision>,
}

impl Entry {
    /// When the next review is due: the recorded date, else one cadence after the last review.
    /// `None` for a bot never reviewed (it is due at once) and for a retired one (never again).
    pub fn due(&self) -> Option<Date> {
        if self.status == Status::Retired || self.status.is_request() {
            return None;
        }
        self.next_due.or_else(|| self.last_review.map(|d| self.cadence.after(d)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryError {
    Malformed { message: String },
    UnsupportedVersion { version: u32 },
    Duplicate { account: String },
    UnknownAccount { account: String },
    MissingOwner { account: String },
    PersonNotFound { account: String, field: &'static str, person: String },
    PersonInactive { account: String, field: &'static str, person: String },
    PersonNotHuman { account: String, field: &'static str, person: String },
    OwnsItself { account: String, field: &'static str },
    BackupIsOwner { account: String },
    BadCadence { account: String, days: i64 },
    UnknownPermission { account: String, key: String, valid: Vec<String> },
    UnknownGlobalPermission { account: String, key: String, valid: Vec<String> },
    UnknownProject { account: String, key: String },
    BadIssueKey { account: String, key: String },
    DueBeforeReview { account: String },
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::Malformed { message } => write!(f, "the registry is not valid: {message}"),
            RegistryError::UnsupportedVersion { version } => {
                write!(f, "registry version {version} is not supported; this build reads version {REGISTRY_VERSION}")
            }
            RegistryError::Duplicate { account } => write!(f, "account `{account}` is registered twice"),
            RegistryError::UnknownAccount { account } => write!(f, "account `{account}` is not in the snapshot"),
            RegistryError::MissingOwner { account } => {
                write!(f, "`owner` of `{account}` is required: every bot has a responsible person")
            }
            RegistryError::PersonNotFound { account, field, person } => {
                write!(f, "`{field}` of `{account}` names `{person}`, who is not in the snapshot")
            }
            RegistryError::PersonInactive { account, field, person } => {
                write!(f, "`{field}` of `{account}` must be an active account, and `{person}` is deactivated")
            }
            RegistryError::PersonNotHuman { account, field, person } => {
                write!(f, "`{field}` of `{account}` must be a person, and `{person}` is an app or service account")
            }
            RegistryError::OwnsItself { account, field } => write!(f, "`{field}` of `{account}` is the account itself"),
            RegistryError::BackupIsOwner { account } => {
                write!(f, "`backupOwner` of `{account}` is the owner; name someone else or leave it out")
            }
            RegistryError::BadCadence { account, days } => {
                write!(f, "`cadence` of `{account}` must be a positive number of days, not {days}")
            }
            RegistryError::UnknownPermission { account, key, valid } => write!(
                f,
                "`need.permissions` of `{account}` names `{key}`, which is not a project permission; valid keys: {}",
                valid.join(", ")
            ),
            RegistryError::UnknownGlobalPermission { account, key, valid } => write!(
                f,
                "`need.global` of `{account}` names `{key}`, which is not a global permission; valid keys: {}",
                valid.join(", ")
            ),
            RegistryError::UnknownProject { account, key } => {
                write!(f, "`need.projects` of `{account}` names project `{key}`, which is not in the snapshot")
            }
            RegistryError::BadIssueKey { account, key } => {
                write!(f, "`requestIssue` of `{account}` must be an issue key like OPS-123, not `{key}`")
            }
            RegistryError::DueBeforeReview { account } => {
                write!(f, "`nextDue` of `{account}` is before its `lastReview`")
            }
        }
    }
}

impl std::error::Error for RegistryError {}

impl RegistryError {
    pub fn code(&self) -> &'static str {
        match self {
            RegistryError::Malformed { .. } => "bad-registry",
            RegistryError::UnsupportedVersion { .. } => "unsupported-registry-version",
            RegistryError::Duplicate { .. } => "duplicate-entry",
            RegistryError::UnknownAccount { .. } => "unknown-account",
            RegistryError::MissingOwner { .. } => "missing-owner",
            RegistryError::PersonNotFound { .. } => "unknown-person",
            RegistryError::PersonInactive { .. } => "inactive-person",
            RegistryError::PersonNotHuman { .. } => "not-a-person",
            RegistryError::OwnsItself { .. } | RegistryError::BackupIsOwner { .. } => "bad-owner",
            RegistryError::BadCadence { .. } => "bad-cadence",
            RegistryError::UnknownPermission { .. } | RegistryError::UnknownGlobalPermission { .. } => {
                "unknown-permission"
            }
            RegistryError::UnknownProject { .. } => "unknown-project",
            RegistryError::BadIssueKey { .. } => "bad-issue-key",
            RegistryError::DueBeforeReview { .. } => "bad-due-date",
        }
    }
}

impl Registry {
    /// The entries still governed: active and suspended bots (a suspended bot is still reviewed);
    /// not the retired ones, nor requests (open or declined), which govern no account yet.
    pub fn in_force(&self) -> impl Iterator<Item = &Entry> {
        self.accounts.iter().filter(|e| matches!(e.status, Status::Active | Status::Suspended))
    }

    /// Parses a registry file: strict shape, a supported version, one entry per account, sorted.
    pub fn from_json(text: &str) -> Result<Registry, RegistryError> {
        let mut registry: Registry =
            serde_json::from_str(text).map_err(|e| RegistryError::Malformed { message: e.to_string() })?;
        if registry.registry_version != REGISTRY_VERSION {
            return Err(RegistryError::UnsupportedVersion { version: registry.registry_version });
        }
        registry.accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        let mut seen = BTreeSet::new();
        for entry in &registry.accounts {
            if !seen.insert(entry.account_id.as_str()) {
                return Err(RegistryError::Duplicate { account: entry.account_id.clone() });
            }
        }
        Ok(registry)
    }

    pub fn entry(&self, account_id: &str) -> Option<&Entry> {
        self.accounts
            .binary_search_by(|e| e.account_id.as_str().cmp(account_id))
            .ok()
            .and_then(|i| self.accounts.get(i))
    }
}

fn is_issue_key(key: &str) -> bool {
    let Some((project, number)) = key.rsplit_once('-') else { return false };
    let mut chars = project.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

fn check_person(site: &Site, entry: &Entry, field: &'static str, person: &str, errors: &mut Vec<RegistryError>) {
    let account = entry.account_id.clone();
    if person == entry.account_id {
        errors.push(RegistryError::OwnsItself { account, field });
        return;
    }
    match site.accounts.get(person) {
        None => errors.push(RegistryError::PersonNotFound { account, field, person: person.to_owned() }),
        Some(p) if !p.kind().may_be_person() || p.is_customer() => {
            errors.push(RegistryError::PersonNotHuman { account, field, person: person.to_owned() })
        }
        Some(p) if !p.active => {
            errors.push(RegistryError::PersonInactive { account, field, person: person.to_owned() })
        }
        Some(_) => {}
    }
}

/// Checks an entry before it is written: every problem, not just the first.
pub fn validate_entry(entry: &Entry, site: &Site) -> Result<(), Vec<RegistryError>> {
    let mut errors = Vec::new();
    let account = || entry.account_id.clone();
    if !site.accounts.contains_key(&entry.account_id) {
        errors.push(RegistryError::UnknownAccount { account: account() });
    }
    match &entry.owner {
        None => errors.push(RegistryError::MissingOwner { account: account() }),
        Some(owner) => check_person(site, entry, "owner", owner, &mut errors),
    }
    if let Some(backup) = &entry.backup_owner {
        if entry.owner.as_ref() == Some(backup) {
            errors.push(RegistryError::BackupIsOwner { account: account() });
        } else {
            check_person(site, entry, "backupOwner", backup, &mut errors);
        }
    }
    for (field, person) in [("requester", &entry.requester), ("approver", &entry.approver)] {
        if let Some(person) = person
            && !site.accounts.contains_key(person)
        {
            errors.push(RegistryError::PersonNotFound { account: account(), field, person: person.clone() });
        }
    }
    if let Cadence::Days(days) = entry.cadence
        && days <= 0
    {
        errors.push(RegistryError::BadCadence { account: account(), days });
    }
    if let Some(need) = &entry.need {
        check_need(site, entry, need, &mut errors);
    }
    if let Some(key) = &entry.request_issue
        && !is_issue_key(key)
    {
        errors.push(RegistryError::BadIssueKey { account: account(), key: key.clone() });
    }
    if let (Some(last), Some(next)) = (entry.last_review, entry.next_due)
        && next < last
    {
        errors.push(RegistryError::DueBeforeReview { account: account() });
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

fn check_need(site: &Site, entry: &Entry, need: &Need, errors: &mut Vec<RegistryError>) {
    use crate::model::PermissionKind;
    let keys = |kind: PermissionKind| -> Vec<String> {
        site.permission_defs.values().filter(|d| d.kind == kind).map(|d| d.key.clone()).collect()
    };
    // Without Jira's permission list nothing can be checked; never reject on a guess.
    if !site.permission_defs.is_empty() {
        let project_keys = keys(PermissionKind::Project);
        for key in &need.permissions {
            if !project_keys.contains(key) {
                errors.push(RegistryError::UnknownPermission {
                    account: entry.account_id.clone(),
                    key: key.clone(),
                    valid: project_keys.clone(),
                });
            }
        }
        let global_keys = keys(PermissionKind::Global);
        for key in &need.global {
            if !global_keys.contains(key) {
                errors.push(RegistryError::UnknownGlobalPermission {
                    account: entry.account_id.clone(),
                    key: key.clone(),
                    valid: global_keys.clone(),
                });
            }
        }
    }
    for key in &need.projects {
        if key != "*" && !site.projects.contains_key(key) {
            errors.push(RegistryError::UnknownProject { account: entry.account_id.clone(), key: key.clone() });
        }
    }
}
