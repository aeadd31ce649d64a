//! The admin's governance settings: the plan, the review policy, what counts as broad access.
//!
//! The app's own input, so unknown fields are rejected; every field has a default so `{}` works.

use serde::{Deserialize, Serialize};

/// The organisation's Atlassian plan, which sets the service-account quota (Atlassian's
/// "Understand service accounts").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Plan {
    /// Every organisation: 5 service accounts.
    #[default]
    Free,
    /// Atlassian Guard Standard: 250.
    GuardStandard,
    /// Enterprise: 1,000.
    Enterprise,
}

impl Plan {
    pub fn quota(self) -> usize {
        match self {
            Plan::Free => 5,
            Plan::GuardStandard => 250,
            Plan::Enterprise => 1000,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::GuardStandard => "guardStandard",
            Plan::Enterprise => "enterprise",
        }
    }
}

/// What happens to a bot whose review nobody answers by the end of the grace period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DefaultAction {
    /// Tell the admins and leave the bot as it is.
    #[default]
    Notify,
    /// Disable the account when its review cannot be held.
    Suspend,
    Retire,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ReviewSettings {
    /// Days before the due date on which the reviewer is reminded.
    pub remind_days_before: Vec<u32>,
    /// Days after the due date before `when_nobody_answers` applies.
    pub grace_days: u32,
    pub when_nobody_answers: DefaultAction,
    /// The last reviewers in the chain (owner → backup owner → admins), by account id.
    pub admins: Vec<String>,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        ReviewSettings {
            remind_days_before: vec![14, 3],
            grace_days: 14,
            when_nobody_answers: DefaultAction::Notify,
            admins: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ShadowBotSettings {
    /// Human-licensed accounts an admin confirmed are integrations.
    pub confirmed: Vec<String>,
    /// Accounts the heuristics suspected and an admin said are people.
    pub dismissed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    pub plan: Plan,
    /// Share of the quota at which the quota finding starts (near), 0–1.
    pub quota_warn_at: f64,
    /// The dedicated role bots should hold their access through, by name or id.
    pub service_account_role: String,
    /// Groups that count as broad whatever their size, by name or id.
    pub broad_groups: Vec<String>,
    /// A group holding at least this share of the site's active people is broad, 0–1.
    pub broad_group_share: f64,
    pub review: ReviewSettings,
    pub shadow_bots: ShadowBotSettings,
    /// What one user licence costs a month, to price the shadow-bot saving; omitted when unknown.
    pub licence_cost_per_month: Option<f64>,
    /// The Jira project (key) where a request for a new bot is also filed as an issue; none: the
    /// request is kept in the registry only.
    pub request_project: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            plan: Plan::Free,
            quota_warn_at: 0.8,
            service_account_role: "Service accounts".to_owned(),
            broad_groups: Vec::new(),
            broad_group_share: 0.5,
            review: ReviewSettings::default(),
            shadow_bots: ShadowBotSettings::default(),
            licence_cost_per_month: None,
            request_project: None,
        }
    }
}

impl Settings {
    /// Range checks serde cannot express; the message names the field.
    pub fn check(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.quota_warn_at) {
            return Err(format!("`quotaWarnAt` must be between 0 and 1, not {}", self.quota_warn_at));
        }
        if !(0.0..=1.0).contains(&self.broad_group_share) || self.broad_group_share == 0.0 {
            return Err(format!("`broadGroupShare` must be above 0 and at most 1, not {}", self.broad_group_share));
        }
        if self.service_account_role.trim().is_empty() {
            return Err("`serviceAccountRole` must name a role".to_owned());
        }
        if let Some(key) = &self.request_project
            && !(key.len() <= 255
                && key.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && key.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
        {
            return Err(format!("`requestProject` must be a project key like OPS, not `{key}`"));
        }
        if self.licence_cost_per_month.is_some_and(|c| !c.is_finite() || c < 0.0) {
            return Err("`licenceCostPerMonth` must be a positive amount".to_owned());
        }
        Ok(())
    }
}
