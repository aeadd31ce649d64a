use serde::Deserialize;
use serde_json::value::RawValue;

use super::lenient;
use super::project::ProjectRef;

/// `GET /rest/api/3/permissionscheme` (`PermissionSchemes`). Elements stay raw so that one bad
/// scheme is skipped with a warning rather than failing the list.
/// `S` is the element type: raw (decoded one by one) or typed (the one-pass fast path).
#[derive(Debug, Deserialize)]
#[serde(default, rename_all = "camelCase", bound = "S: serde::de::DeserializeOwned")]
pub struct PermissionSchemes<S = Box<RawValue>> {
    pub permission_schemes: Vec<S>,
}

impl<S> Default for PermissionSchemes<S> {
    fn default() -> Self {
        PermissionSchemes { permission_schemes: Vec::new() }
    }
}

/// `PermissionScheme`: a named set of grants, shared by the projects that use it.
/// `G` is the grant type: raw (decoded one by one) or typed (the one-pass fast path).
#[derive(Debug, Deserialize)]
#[serde(default, rename_all = "camelCase", bound = "G: serde::de::DeserializeOwned")]
pub struct PermissionScheme<G = Box<RawValue>> {
    #[serde(deserialize_with = "lenient::id")]
    pub id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    /// Absent where the scheme was listed without `expand=permissions`: its grants are unknown,
    /// not none.
    pub permissions: Option<Vec<G>>,
    pub scope: Option<Scope>,
}

impl<G> Default for PermissionScheme<G> {
    fn default() -> Self {
        PermissionScheme { id: None, name: String::new(), description: None, permissions: None, scope: None }
    }
}

/// A scheme's scope: set for team-managed projects, whose schemes belong to one project.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Scope {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub project: Option<ProjectRef>,
}

/// `PermissionGrant`: one permission given to one holder. A grant without a permission or a holder
/// says nothing and is skipped with a warning.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionGrant {
    #[serde(default, deserialize_with = "lenient::id")]
    pub id: Option<String>,
    pub permission: String,
    pub holder: PermissionHolder,
}

/// `PermissionHolder`: `type` plus a type-dependent `parameter` and `value`. With `expand`, Jira
/// adds sub-objects (`user`, `group`, `projectRole`, `field`) that the spec does not list.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionHolder {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient::id")]
    pub parameter: Option<String>,
    #[serde(default, deserialize_with = "lenient::id")]
    pub value: Option<String>,
    /// Present with `expand=user`: the user the grant names.
    #[serde(default)]
    pub user: Option<HolderUser>,
    /// Present with `expand=group`: the group the grant names.
    #[serde(default)]
    pub group: Option<HolderGroup>,
    /// Present with `expand=projectRole`: the role the grant names.
    #[serde(default)]
    pub project_role: Option<HolderRole>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HolderUser {
    pub account_id: Option<String>,
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HolderGroup {
    pub name: Option<String>,
    pub group_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HolderRole {
    #[serde(deserialize_with = "lenient::id")]
    pub id: Option<String>,
    pub name: Option<String>,
}
