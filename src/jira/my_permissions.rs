use std::collections::BTreeMap;

use serde::Deserialize;

/// `GET /rest/api/3/mypermissions` (`Permissions`): the caller's permissions, keyed by permission.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MyPermissions {
    pub permissions: BTreeMap<String, UserPermission>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserPermission {
    pub have_permission: Option<bool>,
}

impl MyPermissions {
    /// Whether Jira says the caller holds `key`. Absent means no: Jira lists every key it was asked.
    pub fn holds(&self, key: &str) -> bool {
        self.permissions
            .get(key)
            .and_then(|p| p.have_permission)
            .unwrap_or(false)
    }
}
