use serde::Deserialize;

use super::lenient;
use super::permission_scheme::PermissionHolder;

/// `GET /issuesecurityschemes` (`SecuritySchemes`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecuritySchemes {
    pub issue_security_schemes: Vec<SecurityScheme>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecurityScheme {
    #[serde(deserialize_with = "lenient::id")]
    pub id: Option<String>,
    pub name: Option<String>,
    /// Absent in `GET /issuesecurityschemes`, which lists schemes without their levels.
    pub levels: Option<Vec<SecurityLevel>>,
}

/// `SecurityLevel`: in a scheme's `levels`, or an item of `GET /issuesecurityschemes/level`
/// (`PageBeanSecurityLevel`), which also names its scheme and whether it is the default.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecurityLevel {
    #[serde(deserialize_with = "lenient::id")]
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub is_default: Option<bool>,
    #[serde(deserialize_with = "lenient::id")]
    pub issue_security_scheme_id: Option<String>,
}

/// `IssueSecuritySchemeToProjectMapping` (`GET /issuesecurityschemes/project`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecuritySchemeProject {
    #[serde(deserialize_with = "lenient::id")]
    pub issue_security_scheme_id: Option<String>,
    #[serde(deserialize_with = "lenient::id")]
    pub project_id: Option<String>,
}

/// `IssueSecurityLevelMember` / `SecurityLevelMember`: one holder of one level.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityLevelMember {
    #[serde(default, deserialize_with = "lenient::id")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient::id")]
    pub issue_security_level_id: Option<String>,
    pub holder: PermissionHolder,
}
