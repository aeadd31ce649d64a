//! Governance over a loaded snapshot: the registry, findings, least privilege, reviews and
//! leavers. Each call reads the registry, the settings and the day (`now`, the edges' clock) as
//! JSON, and needs the whole snapshot loaded (people own bots).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::loaded::LoadedSnapshot;
use super::{Answer, ApiError, failure_json};
use crate::date::Date;
use crate::findings::{self, Finding, Severity};
use crate::governance::least_privilege::{self, PlanError};
use crate::governance::registry::{Entry, Registry, RegistryError, validate_entry};
use crate::governance::review::{self, Decision, DecisionError};
use crate::governance::settings::Settings;
use crate::governance::{Scope, leaver};
use crate::model::Site;
use crate::snapshot::Scope as LoadScope;
use crate::warning::Warning;

impl From<RegistryError> for ApiError {
    fn from(error: RegistryError) -> Self {
        ApiError::new(error.code(), error.to_string())
    }
}

impl From<PlanError> for ApiError {
    fn from(error: PlanError) -> Self {
        let code = match error {
            PlanError::NotRegistered { .. } => "not-registered",
            PlanError::NoNeed { .. } => "no-need",
            PlanError::NotInSnapshot { .. } => "unknown-reference",
            PlanError::WhatIf { .. } => "bad-change",
        };
        ApiError::new(code, error.to_string())
    }
}

impl From<DecisionError> for ApiError {
    fn from(error: DecisionError) -> Self {
        let code = match &error {
            DecisionError::NotRegistered { .. } => "not-registered",
            DecisionError::WrongAccount { .. } => "bad-decision",
            DecisionError::AlreadyApplied { .. } => "already-applied",
            DecisionError::StaleDue { .. } | DecisionError::WrongSuspension { .. } => "stale-decision",
            DecisionError::Retired { .. } => "retired",
            DecisionError::Request { .. } => "not-approved",
            DecisionError::NotSuspended { .. } => "not-suspended",
            DecisionError::Plan(_) => "no-plan",
            DecisionError::Apply { .. } => "bad-change",
        };
        ApiError::new(code, error.to_string())
    }
}

/// Parses `now` (the edges' clock): `YYYY-MM-DD` or an RFC 3339 timestamp.
pub fn parse_now(now: &str) -> Result<Date, ApiError> {
    Date::parse(now).map_err(|e| ApiError::new("bad-now", format!("`now`: {e}")))
}

/// A registry file; empty text is an empty registry.
pub fn parse_registry(text: &str) -> Result<Registry, ApiError> {
    if text.trim().is_empty() {
        return Ok(Registry { registry_version: crate::governance::registry::REGISTRY_VERSION, accounts: Vec::new() });
    }
    Registry::from_json(text).map_err(ApiError::from)
}

/// Governance settings; empty text is the defaults.
pub fn parse_settings(text: &str) -> Result<Settings, ApiError> {
    let settings: Settings = if text.trim().is_empty() {
        Settings::default()
    } else {
        serde_json::from_str(text)
            .map_err(|e| ApiError::new("bad-settings", format!("the settings are not valid: {e}")))?
    };
    settings.check().map_err(|m| ApiError::new("bad-settings", m))?;
    Ok(settings)
}

/// What every governance call reads: the site, the registry, the settings and the day. The
/// native edges' typed form (the headless audit builds one from the snapshot it collected).
pub struct GovernanceInput {
    pub site: Site,
    pub registry: Registry,
    pub settings: Settings,
    pub now: Date,
    pub warnings: Vec<Warning>,
}

impl GovernanceInput {
    pub fn parse(snapshot: &str, registry: &str, settings: &str, now: &str) -> Result<GovernanceInput, ApiError> {
        let (site, warnings) = crate::snapshot::load(snapshot)?;
        Ok(GovernanceInput {
            site,
            registry: parse_registry(registry)?,
            settings: parse_settings(settings)?,
            now: parse_now(now)?,
            warnings,
        })
    }

    pub fn scope(&self) -> Scope<'_> {
        Scope::new(&self.site, &self.registry, &self.settings, self.now)
    }
}

/// The registry, the settings and the day, read from the caller's JSON.
struct Policy {
    registry: Registry,
    settings: Settings,
    now: Date,
}

impl Policy {
    fn parse(registry: &str, settings: &str, now: &str) -> Result<Policy, ApiError> {
        Ok(Policy { registry: parse_registry(registry)?, settings: parse_settings(settings)?, now: parse_now(now)? })
    }
}

impl LoadedSnapshot {
    /// Runs `run` over the governance scope of the whole snapshot; the envelope carries the load's
    /// warnings. A load kept for one project or for bots only cannot answer: owners are people.
    pub(super) fn governed<T: Serialize>(
        &self,
        registry: &str,
        settings: &str,
        now: &str,
        run: impl FnOnce(&Scope<'_>, &[Warning]) -> Result<(T, Vec<Warning>), ApiError>,
    ) -> String {
        match self.scoped(registry, settings, now, false, |scope, warnings| run(&scope, warnings)) {
            Ok((result, warnings)) => Answer::from_result(Ok::<_, ApiError>(result), warnings).to_json(),
            Err(error) => failure_json(error),
        }
    }

    /// What [`Self::governed`] wraps: `run`'s answer itself. The scope holds each cell's workflow
    /// transitions when `transitions`.
    pub(super) fn scoped<R>(
        &self,
        registry: &str,
        settings: &str,
        now: &str,
        transitions: bool,
        run: impl FnOnce(Scope<'_>, &[Warning]) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let loaded = self.loaded()?;
        if loaded.scope != LoadScope::default() {
            return Err(ApiError::new("bad-options", "governance needs the whole snapshot loaded"));
        }
        let policy = Policy::parse(registry, settings, now)?;
        let scope = if transitions {
            Scope::with_transitions(&loaded.site, &policy.registry, &policy.settings, policy.now)
        } else {
            Scope::new(&loaded.site, &policy.registry, &policy.settings, policy.now)
        };
        run(scope, &loaded.warnings)
    }

    /// `findings`: `{now, counts, findings}`, most severe first.
    pub fn findings(&self, registry: &str, settings: &str, now: &str) -> String {
        self.governed(registry, settings, now, |scope, warnings| Ok(report_of(scope, warnings)))
    }

    /// Reviews due, overdue or coming up on `now`.
    pub fn review_due(&self, registry: &str, settings: &str, now: &str) -> String {
        self.governed(registry, settings, now, |scope, warnings| {
            Ok((review::due_list(scope.site, scope.registry, scope.settings, scope.now), warnings.to_vec()))
        })
    }

    /// Applies a review decision: the new registry entry, the Jira changes, what remains.
    pub fn review_decide(&self, registry: &str, settings: &str, decision: &str, now: &str) -> String {
        self.governed(registry, settings, now, |scope, warnings| {
            let decision: Decision = serde_json::from_str(decision)
                .map_err(|e| ApiError::new("bad-decision", format!("the decision is not valid: {e}")))?;
            Ok((review::decide(scope, &decision)?, warnings.to_vec()))
        })
    }

    /// The least-privilege plan of one registered bot.
    pub fn least_privilege(&self, registry: &str, settings: &str, account_id: &str, now: &str) -> String {
        self.governed(registry, settings, now, |scope, warnings| {
            Ok((least_privilege::plan(scope, account_id)?, warnings.to_vec()))
        })
    }

    /// The leaver plan for `account_id`. `gone`: a JSON array of the account ids Jira answers are
    /// inactive or deleted now (empty text: none), so no bot is handed to one of them.
    pub fn leaver(&self, registry: &str, settings: &str, account_id: &str, now: &str, gone: &str) -> String {
        self.governed(registry, settings, now, |scope, warnings| {
            let gone: BTreeSet<String> = if gone.trim().is_empty() {
                BTreeSet::new()
            } else {
                serde_json::from_str(gone).map_err(|e| {
                    ApiError::new("bad-input", format!("`gone` must be a JSON array of account ids: {e}"))
                })?
            };
            Ok((leaver::plan_knowing(scope, account_id, &gone), warnings.to_vec()))
        })
    }

    /// Checks one registry entry against the snapshot before it is written: every error at once.
    pub fn validate_entry(&self, entry: &str) -> String {
        let result = self.loaded().map_err(|e| vec![e]).and_then(|loaded| {
            let entry: Entry = serde_json::from_str(entry)
                .map_err(|e| vec![ApiError::new("bad-registry", format!("the registry entry is not valid: {e}"))])?;
            validate_entry(&entry, &loaded.site)
                .map_err(|errors| errors.into_iter().map(ApiError::from).collect::<Vec<_>>())?;
            Ok(entry)
        });
        match result {
            Ok(entry) => Answer::Success { result: entry, warnings: Vec::new() }.to_json(),
            Err(errors) => Answer::<()>::Failure { errors, warnings: Vec::new() }.to_json(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingsReport {
    pub now: Date,
    /// Findings per severity, every severity listed.
    pub counts: BTreeMap<Severity, usize>,
    pub findings: Vec<Finding>,
}

/// Every finding, most severe first, with the analysis warnings.
pub fn findings_report(input: &GovernanceInput) -> (FindingsReport, Vec<Warning>) {
    report_of(&input.scope(), &input.warnings)
}

fn report_of(scope: &Scope<'_>, load_warnings: &[Warning]) -> (FindingsReport, Vec<Warning>) {
    let found = findings::findings_in(scope);
    let mut counts: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|s| (*s, 0)).collect();
    for f in &found {
        *counts.entry(f.severity).or_default() += 1;
    }
    let mut warnings = scope.warnings();
    warnings.extend(load_warnings.iter().cloned());
    (FindingsReport { now: scope.now, counts, findings: found }, warnings)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSummary {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub reason: &'static str,
    pub fix: &'static str,
}

/// The findings catalogue itself.
pub fn catalogue() -> Vec<RuleSummary> {
    findings::rules::CATALOGUE
        .iter()
        .map(|r| RuleSummary { id: r.id, title: r.title, severity: r.severity, reason: r.reason, fix: r.fix })
        .collect()
}

/// Reminders, due dates and grace expiries in `(since, now]`: what a scheduled run acts on.
/// Needs no snapshot.
pub fn review_events_json(registry: &str, settings: &str, since: &str, now: &str) -> String {
    let result = (|| -> Result<Vec<review::Event>, ApiError> {
        let registry = parse_registry(registry)?;
        let settings = parse_settings(settings)?;
        let since = Date::parse(since).map_err(|e| ApiError::new("bad-now", format!("`since`: {e}")))?;
        Ok(review::events(&registry, &settings, since, parse_now(now)?))
    })();
    Answer::from_result(result, Vec::new()).to_json()
}
