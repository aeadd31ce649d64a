//! A grant path: how an account came to hold a permission, rendered as one line.
//!
//! The rendering is both the UI text and the golden-test text, so it is stable and deterministic.

use std::fmt;

use serde::{Serialize, Serializer};

/// Where a path starts: a grant in a permission scheme, or something outside schemes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// Grant `grant` of scheme `scheme_name` [`scheme_id`].
    Grant { scheme_id: String, scheme_name: String, grant: Option<String> },
    /// A security level of an issue security scheme.
    Level { scheme_name: String, level_name: String },
    /// Jira's own `POST /permissions/check` answer, with no derivation in the snapshot.
    JiraCheck,
}

/// The holder step of a path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Via {
    Anyone,
    AnyLoggedIn,
    ApplicationRole {
        key: String,
        group: Option<String>,
    },
    Group {
        name: String,
        id: String,
    },
    User,
    Role {
        id: String,
        name: String,
        actor: RoleActorVia,
    },
    ProjectLead,
    Reporter,
    Assignee,
    UserCustomField(String),
    GroupCustomField(String),
    CustomerPortal,
    /// Nothing beyond the origin (Jira's check).
    Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoleActorVia {
    User,
    Group { name: String, id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Path {
    pub origin: Origin,
    pub via: Via,
}

impl Via {
    /// Holds only for some issues (the account is the reporter, the assignee, in a field).
    pub fn conditional(&self) -> bool {
        matches!(
            self,
            Via::Reporter | Via::Assignee | Via::UserCustomField(_) | Via::GroupCustomField(_) | Via::CustomerPortal
        )
    }
}

impl Path {
    pub fn conditional(&self) -> bool {
        self.via.conditional()
    }
}

fn quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("\"")?;
    // Plain runs are written whole: this runs for every path of every answer.
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c == '"' || c == '\\' || c.is_control()) {
        let (plain, tail) = rest.split_at(at);
        f.write_str(plain)?;
        let mut chars = tail.chars();
        match chars.next() {
            Some('"') => f.write_str("\\\"")?,
            Some('\\') => f.write_str("\\\\")?,
            Some(c) => write!(f, "\\u{{{:x}}}", c as u32)?,
            None => {}
        }
        rest = chars.as_str();
    }
    f.write_str(rest)?;
    f.write_str("\"")
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            Origin::Grant { scheme_id, scheme_name, grant } => {
                f.write_str("scheme ")?;
                quoted(f, scheme_name)?;
                write!(f, " [{scheme_id}]")?;
                if let Some(grant) = grant {
                    write!(f, " grant {grant}")?;
                }
            }
            Origin::Level { scheme_name, level_name } => {
                f.write_str("security scheme ")?;
                quoted(f, scheme_name)?;
                f.write_str(" level ")?;
                quoted(f, level_name)?;
            }
            Origin::JiraCheck => {
                return f.write_str("Jira's permission check says held; no path in the snapshot explains it");
            }
        }
        f.write_str(" → ")?;
        match &self.via {
            Via::Anyone => f.write_str("anyone (public, including anonymous users)"),
            Via::AnyLoggedIn => f.write_str("applicationRole (any logged-in user)"),
            Via::ApplicationRole { key, group: Some(group) } => {
                write!(f, "applicationRole {key} → group ")?;
                quoted(f, group)
            }
            Via::ApplicationRole { key, group: None } => {
                write!(f, "applicationRole {key} (the account has that product access)")
            }
            Via::Group { name, id } => {
                f.write_str("group ")?;
                quoted(f, name)?;
                write!(f, " [{id}]")
            }
            Via::User => f.write_str("user (this account, granted directly)"),
            Via::Role { id, name, actor } => {
                f.write_str("projectRole ")?;
                quoted(f, name)?;
                write!(f, " [{id}] → ")?;
                match actor {
                    RoleActorVia::User => f.write_str("actor user (this account)"),
                    RoleActorVia::Group { name, id } => {
                        f.write_str("actor group ")?;
                        quoted(f, name)?;
                        write!(f, " [{id}]")
                    }
                }
            }
            Via::ProjectLead => f.write_str("projectLead (this account leads the project)"),
            Via::Reporter => f.write_str("reporter (only on issues this account reported)"),
            Via::Assignee => f.write_str("assignee (only on issues assigned to this account)"),
            Via::UserCustomField(field) => {
                write!(f, "userCustomField {field} (only on issues whose field names this account)")
            }
            Via::GroupCustomField(field) => {
                write!(f, "groupCustomField {field} (only on issues whose field names a group of this account)")
            }
            Via::CustomerPortal => {
                f.write_str("sd.customer.portal.only (only as a customer of this service project, on its portal)")
            }
            Via::Origin => Ok(()),
        }
    }
}

impl Serialize for Path {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
