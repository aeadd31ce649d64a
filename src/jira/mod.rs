//! Tolerant decoders of Jira REST v3 response bodies (shapes from Atlassian's OpenAPI spec).
//!
//! Jira adds fields without notice, so every type ignores unknown fields and defaults missing ones.
//! A list element that cannot be read is skipped with a coded warning, never silently.

mod error_collection;
mod lenient;
mod my_permissions;
mod page;
mod permission_scheme;
mod project;

pub use error_collection::ErrorCollection;
pub use lenient::decode_each;
pub use my_permissions::MyPermissions;
pub use page::Page;
pub use permission_scheme::{
    PermissionGrant, PermissionHolder, PermissionScheme, PermissionSchemes,
};
pub use project::{Project, ProjectRef};
