//! The findings catalogue: rules over a site, the registry and the settings, each with a stable
//! id, a severity, the reason (quoting the policy it comes from) and the fix.
//!
//! [`findings`] is the one entry point: pure, `now` is an argument, output sorted most severe
//! first. A headless audit gates on [`Severity`] (`info < low < medium < high < critical`).

pub mod rules;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::analysis::line;
use crate::date::Date;
use crate::governance::Scope;
use crate::governance::registry::Registry;
use crate::governance::settings::Settings;
use crate::model::Site;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] =
        [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| format!("`{text}` is not a severity; use one of info, low, medium, high, critical"))
    }
}

/// One rule of the catalogue. `severity` is the rule's usual severity; a finding may raise or
/// lower it (a quota over the limit is worse than near it).
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    /// Why it matters: the policy in plain words, naming the public source (an Atlassian support
    /// article) where there is one.
    pub reason: &'static str,
    pub fix: &'static str,
    pub check: fn(&Scope<'_>) -> Vec<Hit>,
}

/// What a rule found, before the catalogue's text is attached.
#[derive(Debug, Clone, Default)]
pub struct Hit {
    pub severity: Option<Severity>,
    pub account_id: Option<String>,
    pub project: Option<String>,
    /// Every project the finding concerns, when it is one finding for several.
    pub projects: Vec<String>,
    pub message: String,
    pub evidence: Vec<String>,
}

impl Hit {
    pub fn about(account_id: &str, message: impl Into<String>) -> Hit {
        Hit { account_id: Some(account_id.to_owned()), message: message.into(), ..Hit::default() }
    }

    pub fn severity(mut self, severity: Severity) -> Hit {
        self.severity = Some(severity);
        self
    }

    pub fn evidence(mut self, evidence: Vec<String>) -> Hit {
        self.evidence = evidence;
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub rule: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Every project the finding concerns, when it is one finding for several (its message names a few).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    pub reason: &'static str,
    pub fix: &'static str,
}

/// Every finding on the site, most severe first, then by rule, account and project.
pub fn findings(site: &Site, registry: &Registry, settings: &Settings, now: Date) -> Vec<Finding> {
    findings_in(&Scope::new(site, registry, settings, now))
}

/// [`findings`] over a scope already built (it holds the analysis, the expensive part).
pub fn findings_in(scope: &Scope<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in rules::CATALOGUE {
        for hit in (rule.check)(scope) {
            let display_name =
                hit.account_id.as_ref().and_then(|id| scope.site.accounts.get(id)).map(|a| a.display_name.clone());
            out.push(Finding {
                rule: rule.id,
                title: rule.title,
                severity: hit.severity.unwrap_or(rule.severity),
                account_id: hit.account_id,
                display_name,
                project: hit.project,
                projects: hit.projects,
                message: hit.message,
                evidence: hit.evidence,
                reason: rule.reason,
                fix: rule.fix,
            });
        }
    }
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.rule.cmp(b.rule))
            .then(a.account_id.cmp(&b.account_id))
            .then(a.project.cmp(&b.project))
            .then(a.message.cmp(&b.message))
    });
    out
}

/// Whether any finding is at or above `threshold`: the `--fail-on` gate.
pub fn fails(findings: &[Finding], threshold: Severity) -> bool {
    findings.iter().any(|f| f.severity >= threshold)
}

/// One line per finding: the text format of `steward findings` and of the fixture goldens.
pub fn to_text(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let who = match (&f.account_id, &f.display_name) {
            (Some(id), Some(name)) => format!(" {id} ({name})"),
            (Some(id), None) => format!(" {id}"),
            _ => String::new(),
        };
        let project = f.project.as_ref().map(|p| format!(" [{p}]")).unwrap_or_default();
        line(&mut out, format_args!("{} {}{who}{project}: {}", f.severity, f.rule, f.message));
        for evidence in &f.evidence {
            line(&mut out, format_args!("    {evidence}"));
        }
    }
    out
}
