//! The `analyze` output contract (documented in `schema/analysis-v1.schema.json`) and its text form.
//!
//! Scripts read this JSON, so fields are only ever added, never renamed or removed.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::rc::Rc;

use serde::Serialize;

pub mod matrix;
pub mod path;
pub mod view;

use crate::warning::Warning;
use path::Path;

pub const ANALYSIS_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    pub analysis_version: u32,
    pub site: Option<String>,
    pub collected_at: Option<String>,
    pub accounts: Vec<AccountAccess>,
    pub warnings: Vec<Warning>,
}

/// Permission key → its paths, sorted. Shared between the projects of a scheme and copied only
/// when a project adds something of its own (a role the account is in, the lead).
pub type Permissions = Rc<BTreeMap<Rc<str>, Vec<PathEntry>>>;

/// Whether an account is a Jira administrator (holds the global permission `ADMINISTER`). A fact
/// of its own: Jira documents it apart from the project permission `ADMINISTER_PROJECTS`
/// ("Administer Jira global permission or Administer projects project permission"), so it is never
/// a path to a project permission. Only Jira's permission check tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JiraAdmin {
    /// Jira's check says the account holds `ADMINISTER`.
    Yes,
    /// The check was asked about `ADMINISTER` and said no, or the account is inactive.
    No,
    /// The check was not asked about `ADMINISTER`.
    Unknown,
}

/// The project permission to administer a project (its roles, components, versions, settings).
pub const ADMINISTER_PROJECTS: &str = "ADMINISTER_PROJECTS";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    /// Every grant that could apply was evaluated.
    Complete,
    /// Some grants could not be evaluated (see `unresolved`); what is listed is proven.
    Partial,
    /// Nothing could be evaluated (the project's scheme, or the check, was not collected).
    None,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountAccess {
    pub account_id: String,
    pub display_name: String,
    /// `service` | `app` | `human`.
    pub kind: &'static str,
    pub active: bool,
    /// Global permissions Jira's permission check granted.
    pub global: Vec<String>,
    /// `complete` when every global permission Jira lists was asked; `none` without a check.
    pub global_coverage: Coverage,
    pub jira_admin: JiraAdmin,
    pub projects: Vec<ProjectAccess>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectAccess {
    pub key: String,
    pub name: String,
    pub team_managed: bool,
    pub coverage: Coverage,
    /// Permission key → every path that grants it, sorted.
    pub permissions: Permissions,
    /// Grants that could not be evaluated, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unresolved: Vec<Unresolved>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_levels: Vec<LevelAccess>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<TransitionAccess>,
}

/// One path, rendered once and shared: the same line appears for many accounts and projects.
///
/// Rules read `typed`; `path`, its rendering, is what people and the JSON see. Equality, order and
/// hash look at the text and `conditional` only, as the derives did before `typed` was kept, so
/// the engine sorts and deduplicates exactly as before.
#[derive(Debug, Clone, Serialize)]
pub struct PathEntry {
    pub path: Rc<str>,
    pub conditional: bool,
    #[serde(skip)]
    pub typed: Rc<Path>,
}

impl PathEntry {
    pub fn new(path: Path) -> Self {
        let mut text = String::with_capacity(160);
        let _ = write!(text, "{path}");
        PathEntry { path: Rc::from(text), conditional: path.conditional(), typed: Rc::new(path) }
    }

    /// What the derives compared before `typed` was kept.
    fn key(&self) -> (&Rc<str>, bool) {
        (&self.path, self.conditional)
    }
}

impl PartialEq for PathEntry {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for PathEntry {}

impl PartialOrd for PathEntry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PathEntry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl std::hash::Hash for PathEntry {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unresolved {
    pub permission: String,
    pub grant: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LevelAccess {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The scheme's default level, set on new issues.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_default: bool,
    /// `yes` | `conditional` | `unknown`.
    pub access: &'static str,
    pub paths: Vec<PathEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransitionAccess {
    pub workflow: String,
    pub id: String,
    pub name: String,
    /// `passes` | `fails` | `conditional` | `unknown`.
    pub result: &'static str,
    pub because: Vec<String>,
}

/// Writes one line of the text form. Names are anyone's input: a control character in one (a line
/// break) is written escaped, so it cannot start a line of its own that reads as a fact.
pub(crate) fn line(out: &mut String, text: fmt::Arguments<'_>) {
    let text = text.to_string();
    for c in text.chars() {
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out.push('\n');
}

impl Analysis {
    /// One line per fact, sorted: the text format of `steward analyze` and of the golden files.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for account in &self.accounts {
            let who = format!("{} ({}, {})", account.account_id, account.display_name, account.kind);
            if !account.active {
                line(&mut out, format_args!("{who}: inactive, holds nothing"));
            }
            if account.global_coverage != Coverage::None {
                let global = if account.global.is_empty() { "none".to_owned() } else { account.global.join(", ") };
                line(&mut out, format_args!("{who} global: {global}"));
            }
            match account.jira_admin {
                JiraAdmin::Yes => {
                    line(&mut out, format_args!("{who}: Jira administrator (global permission ADMINISTER)"))
                }
                JiraAdmin::Unknown => line(
                    &mut out,
                    format_args!("{who}: Jira administrator unknown (Jira's check was not asked about ADMINISTER)"),
                ),
                JiraAdmin::No => {}
            }
            for project in &account.projects {
                let p = format!("{who} {}", project.key);
                if project.team_managed {
                    line(&mut out, format_args!("{p}: team-managed project"));
                }
                if project.coverage != Coverage::Complete {
                    line(&mut out, format_args!("{p}: coverage {:?}", project.coverage));
                }
                for (permission, paths) in project.permissions.iter() {
                    for entry in paths {
                        let tag = if entry.conditional { " [conditional]" } else { "" };
                        line(&mut out, format_args!("{p} {permission}{tag} ← {}", entry.path));
                    }
                }
                for u in &project.unresolved {
                    let grant = u.grant.as_deref().unwrap_or("?");
                    line(&mut out, format_args!("{p} {} unresolved (grant {grant}): {}", u.permission, u.reason));
                }
                for level in &project.security_levels {
                    let reason = level.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
                    line(&mut out, format_args!("{p} security level \"{}\": {}{reason}", level.name, level.access));
                    for entry in &level.paths {
                        line(&mut out, format_args!("{p} security level \"{}\" ← {}", level.name, entry.path));
                    }
                }
                for t in &project.transitions {
                    line(
                        &mut out,
                        format_args!(
                            "{p} transition \"{}\" ({}): {} — {}",
                            t.name,
                            t.workflow,
                            t.result,
                            t.because.join("; ")
                        ),
                    );
                }
            }
        }
        for w in &self.warnings {
            let code =
                serde_json::to_value(w.code).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            line(&mut out, format_args!("warning {code}: {}", w.message));
            for evidence in &w.evidence {
                line(&mut out, format_args!("warning {code} evidence: {evidence}"));
            }
        }
        out
    }
}
