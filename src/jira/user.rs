use serde::Deserialize;

use super::lenient;

/// `User` (`GET /users/search`, `GET /user?expand=groups,applicationRoles`) and `UserDetails`
/// (`GET /group/member`). `accountId` is required: an account without one cannot be named.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub account_id: String,
    #[serde(default)]
    pub account_type: Option<lenient::Known>,
    #[serde(default)]
    pub app_type: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub groups: Option<ListWrapper<GroupName>>,
    #[serde(default)]
    pub application_roles: Option<ListWrapper<ApplicationRoleRef>>,
}

impl User {
    /// Whether the body says the account is a person's (`atlassian`, `customer`). One that says
    /// nothing is not taken for a person: the scan reads it as it reads a bot.
    pub fn says_person(&self) -> bool {
        matches!(self.account_type.as_deref(), Some("atlassian" | "customer"))
    }
}

/// `SimpleListWrapper*`: `{size, items}`. `items` is the full list for `expand=groups`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ListWrapper<T> {
    pub size: Option<u64>,
    pub items: Vec<T>,
}

impl<T> ListWrapper<T> {
    /// Whether `items` is the whole list: `size`, where given, counts no more than it holds.
    pub fn is_whole(&self) -> bool {
        self.size.is_none_or(|size| usize::try_from(size).is_ok_and(|size| size <= self.items.len()))
    }
}

impl<T> Default for ListWrapper<T> {
    fn default() -> Self {
        ListWrapper { size: None, items: Vec::new() }
    }
}

/// `GroupName` and `GroupDetails`: a group's id (stable) and name (can change).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GroupName {
    pub group_id: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ApplicationRoleRef {
    pub key: Option<String>,
    pub name: Option<String>,
}

/// `ApplicationRole` (`GET /applicationrole`): product access and the groups that give it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationRole {
    pub key: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub group_details: Vec<GroupName>,
}

/// `ProjectRole` (`GET /role`, `GET /project/{p}/role/{id}`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectRole {
    #[serde(deserialize_with = "lenient::id")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// Absent in `GET /role` and in some recorded bodies: then the members are unknown, not none.
    #[serde(default)]
    pub actors: Option<Vec<RoleActor>>,
}

/// `RoleActor`: a user (`atlassian-user-role-actor`) or a group (`atlassian-group-role-actor`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RoleActor {
    #[serde(rename = "type")]
    pub kind: Option<lenient::Known>,
    pub actor_user: Option<ActorUser>,
    pub actor_group: Option<GroupName>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ActorUser {
    pub account_id: Option<String>,
}
