use std::collections::BTreeMap;

use serde::Deserialize;

use super::lenient;

/// `GET /rest/api/3/permissions` and `GET /mypermissions` (`Permissions`), keyed by permission.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Permissions {
    pub permissions: BTreeMap<String, UserPermission>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserPermission {
    pub key: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub have_permission: Option<bool>,
}

impl Permissions {
    /// Whether Jira says the caller holds `key`. Absent means no: Jira lists every key it was asked.
    pub fn holds(&self, key: &str) -> bool {
        self.permissions.get(key).and_then(|p| p.have_permission).unwrap_or(false)
    }
}

/// `BulkPermissionsRequestBean`: what was asked of `POST /permissions/check`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BulkPermissionsRequest {
    pub account_id: Option<String>,
    pub global_permissions: Vec<String>,
    pub project_permissions: Vec<BulkProjectPermissions>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BulkProjectPermissions {
    pub permissions: Vec<String>,
    #[serde(deserialize_with = "lenient::ids")]
    pub projects: Vec<String>,
}

/// `BulkPermissionGrants`: what Jira answered. Both lists are required (the spec says so): a body
/// without them (an error body, `{}`) is no answer, and must not read as "nothing is held".
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkPermissionGrants {
    pub global_permissions: Vec<String>,
    pub project_permissions: Vec<BulkProjectPermissionGrants>,
}

/// Strict where the request is lenient: a project id Jira's answer lists but that cannot be read
/// would otherwise read as "not held" there.
#[derive(Debug, Deserialize)]
pub struct BulkProjectPermissionGrants {
    pub permission: String,
    #[serde(deserialize_with = "lenient::strict_ids")]
    pub projects: Vec<String>,
}
