//! Coded warnings: problems in Jira's data that the core works around and reports.

use serde::Serialize;

/// A stable, machine-readable code. Codes are never reused for a different meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningCode {
    /// One element of a list in a Jira response could not be read; the rest were kept.
    SkippedItem,
    /// Paging stopped early (a loop, or the page cap), so a list may be incomplete.
    PagingStopped,
    /// A project's permission scheme could not be read; nothing is claimed about that project.
    ProjectSchemeUnreadable,
    /// A snapshot part this version does not define was ignored.
    UnknownSnapshotPart,
    /// A part the analysis depends on is absent.
    MissingPart,
    /// A permission whose type is neither GLOBAL nor PROJECT.
    UnknownPermissionType,
    /// A body refers to something (a project, a scheme) that the snapshot does not list.
    UnknownReference,
    /// A role actor that names neither a user nor a group.
    UnknownActor,
    /// A grant's holder type is not one Jira documents; the grant is reported, never matched.
    UnknownHolderType,
    /// A grant names a permission key that `GET /permissions` does not list.
    UnknownPermissionKey,
    /// A grant names a group the snapshot does not know by id or name.
    UnknownGroup,
    /// Jira's own permission check disagrees with the engine's derivation.
    ModelDrift,
    /// Jira's permission check counts a grant the engine holds only conditionally (reporter, assignee…).
    CheckCountsConditional,
    /// Jira's permission check grants something the snapshot cannot explain (a part was not collected).
    CheckUnexplained,
    /// A workflow condition the engine cannot evaluate (app conditions, unknown rules).
    OpaqueCondition,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
    /// The account, project and permission the warning is about, where it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// What the warning rests on, e.g. the grant paths Jira's check contradicts, one line each.
    /// Boxed: a warning travels in every decoder's `Result`, which must stay small.
    #[serde(skip_serializing_if = "no_evidence")]
    pub evidence: Box<[String]>,
}

impl Warning {
    pub fn new(code: WarningCode, message: impl Into<String>) -> Self {
        Warning {
            code,
            message: message.into(),
            account_id: None,
            project: None,
            permission: None,
            evidence: Box::default(),
        }
    }

    /// Names the account, project and permission the warning is about.
    pub fn about(mut self, account_id: &str, project: &str, permission: &str) -> Self {
        self.account_id = Some(account_id.to_owned());
        self.project = Some(project.to_owned());
        self.permission = Some(permission.to_owned());
        self
    }

    /// Adds the lines the warning rests on.
    pub fn evidence(mut self, evidence: Vec<String>) -> Self {
        self.evidence = evidence.into_boxed_slice();
        self
    }
}

fn no_evidence(evidence: &[String]) -> bool {
    evidence.is_empty()
}
