//! Membership changes the app proposes (least privilege, suspend, restore): role actors and group
//! members, written in the what-if change-set shape so the same JSON can be previewed and applied.

use serde::{Deserialize, Serialize};

use crate::engine::what_if::{Change, ChangeSet};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
pub enum Membership {
    #[serde(rename_all = "camelCase")]
    RemoveRoleActor { project: String, role_id: String, account_id: String },
    #[serde(rename_all = "camelCase")]
    AddRoleActor { project: String, role_id: String, account_id: String },
    #[serde(rename_all = "camelCase")]
    RemoveGroupMember { group_id: String, account_id: String },
    #[serde(rename_all = "camelCase")]
    AddGroupMember { group_id: String, account_id: String },
}

impl Membership {
    /// The change that undoes this one: what `restore` applies for each recorded removal.
    pub fn inverse(&self) -> Membership {
        match self.clone() {
            Membership::RemoveRoleActor { project, role_id, account_id } => {
                Membership::AddRoleActor { project, role_id, account_id }
            }
            Membership::AddRoleActor { project, role_id, account_id } => {
                Membership::RemoveRoleActor { project, role_id, account_id }
            }
            Membership::RemoveGroupMember { group_id, account_id } => {
                Membership::AddGroupMember { group_id, account_id }
            }
            Membership::AddGroupMember { group_id, account_id } => {
                Membership::RemoveGroupMember { group_id, account_id }
            }
        }
    }

    fn to_change(&self) -> Change {
        match self.clone() {
            Membership::RemoveRoleActor { project, role_id, account_id } => {
                Change::RemoveRoleActor { project, role_id, account_id: Some(account_id), group_id: None }
            }
            Membership::AddRoleActor { project, role_id, account_id } => {
                Change::AddRoleActor { project, role_id, account_id: Some(account_id), group_id: None }
            }
            Membership::RemoveGroupMember { group_id, account_id } => {
                Change::RemoveGroupMember { group_id, account_id }
            }
            Membership::AddGroupMember { group_id, account_id } => Change::AddGroupMember { group_id, account_id },
        }
    }
}

/// The engine's change set for a list of memberships, to verify them with what-if.
pub fn change_set(memberships: &[Membership]) -> ChangeSet {
    ChangeSet { changes: memberships.iter().map(Membership::to_change).collect() }
}
