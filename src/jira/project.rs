use serde::Deserialize;

use super::lenient;

/// `Project` as `GET /rest/api/3/project/search` returns it (only the fields the core reads).
/// `key` is required: a project without one cannot be named, so it is skipped with a warning.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    #[serde(default, deserialize_with = "lenient::id")]
    pub id: Option<String>,
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub project_type_key: Option<String>,
    #[serde(default)]
    pub simplified: Option<bool>,
    #[serde(default)]
    pub style: Option<String>,
    #[serde(default)]
    pub lead: Option<ProjectLead>,
    #[serde(default)]
    pub archived: Option<bool>,
}

impl Project {
    /// Team-managed ("next-gen") projects: `style: next-gen` or `simplified: true`.
    pub fn team_managed(&self) -> bool {
        self.style.as_deref() == Some("next-gen") || self.simplified == Some(true)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ProjectLead {
    pub account_id: Option<String>,
    pub display_name: Option<String>,
}

/// A project named inside another object (a scheme's scope, a context).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ProjectRef {
    #[serde(deserialize_with = "lenient::id")]
    pub id: Option<String>,
    pub key: Option<String>,
    pub name: Option<String>,
}
