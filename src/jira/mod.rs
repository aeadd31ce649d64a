//! Tolerant decoders of Jira REST v3 response bodies (shapes from Atlassian's OpenAPI spec).
//!
//! Jira adds fields without notice, so every type ignores unknown fields and defaults missing ones.
//! A list element that cannot be read is skipped with a coded warning, never silently.

mod audit;
mod error_collection;
mod issue_security;
mod lenient;
mod page;
mod permission_scheme;
mod permissions;
mod project;
mod user;
mod workflow;

pub use audit::{AuditItem, AuditRecord, AuditRecords};
pub use error_collection::ErrorCollection;
pub use issue_security::{SecurityLevel, SecurityLevelMember, SecurityScheme, SecuritySchemeProject, SecuritySchemes};
pub use lenient::{LenientId, decode_each, decode_each_from, decode_one};
pub use page::{
    Counts, Ending, Page, page_items, page_items_ended, page_values, page_values_ended, says_more, says_more_of,
};
pub use permission_scheme::{PermissionGrant, PermissionHolder, PermissionScheme, PermissionSchemes};
pub use permissions::{BulkPermissionGrants, BulkPermissionsRequest, Permissions};
pub use project::{Project, ProjectRef};
pub use user::{ApplicationRole, GroupName, ListWrapper, ProjectRole, RoleActor, User};
pub use workflow::{ConditionGroup, Rule, Workflow, WorkflowSchemeAssociations};

/// Kept for callers of the walking skeleton: `mypermissions` has the `Permissions` shape.
pub type MyPermissions = Permissions;
