//! Snapshot format v1: verbatim Jira REST v3 response bodies grouped by what they describe, plus
//! metadata. The contract between collection and analysis; documented in
//! `schema/snapshot-v1.schema.json`.
//!
//! Each part holds bodies exactly as Jira returned them. Paged listings hold their pages in order;
//! per-project or per-entity bodies are keyed by the project key or id they were fetched for.
//! A part that is absent was not collected, and the engine treats what it describes as unknown.
//!
//! - [`reader`]: the boundaries of the parts and their elements in chunks of text pushed in order;
//! - [`document`]: each part decoded as it passes, the large ones page by page;
//! - [`build`]: the engine's model built from the document, every skip a coded warning.

use std::fmt;

use crate::model::Site;
use crate::warning::Warning;

mod build;
mod document;
mod reader;

pub use document::{CheckExchange, Decoded, Gap, Meta, RoleActor, RoleBody, SnapshotDoc, decode_str};
pub use reader::SnapshotReader;

use build::Builder;

pub const SNAPSHOT_VERSION: u32 = 1;

/// Why a snapshot could not be read at all. Problems inside parts are warnings instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    Malformed { message: String },
    UnsupportedVersion { found: u32 },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::Malformed { message } => {
                write!(f, "the snapshot is not valid json of format v1: {message}")
            }
            SnapshotError::UnsupportedVersion { found } => {
                write!(f, "snapshot version `{found}` is not supported; this build reads version {SNAPSHOT_VERSION}")
            }
        }
    }
}

/// Parses a snapshot and builds the engine's model, reporting everything it had to skip.
pub fn load(text: &str) -> Result<(Site, Vec<Warning>), SnapshotError> {
    build(decode_str(text), &Scope::default())
}

/// [`load`] keeping only what `scope` needs (see [`Scope`]).
pub fn load_scoped(text: &str, scope: &Scope) -> Result<(Site, Vec<Warning>), SnapshotError> {
    build(decode_str(text), scope)
}

/// What a load keeps of the parts that grow with accounts × projects. Jira's permission check
/// answers every (account, project, permission) the scan asked: 17 million pairs on a 2,000-project
/// site, seconds to build and most of the model's memory. An analysis of one project reads only
/// that project's pairs, so a load for it keeps only those; every answer about that project is the
/// same as from the whole model (tested).
///
/// People are most of a site's accounts, group members and role actors (five in six of the
/// benchmark site's bytes), and an analysis of its service and app accounts reads none of them: a
/// load for it drops people's accounts, their places in member lists and the role actors naming
/// them, once every part that can say what an account is has been read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Keep the permission-check answers of this project only; all of them when `None`.
    pub project: Option<String>,
    /// Keep the accounts that are not people's only (`kind` service or app): for an analysis of
    /// `AccountSelection::NonHuman`, whose every answer is the same as from the whole model (tested).
    pub non_human_only: bool,
}

/// Builds the model from a decoded document (see [`SnapshotReader`]).
pub fn build_doc(doc: SnapshotDoc, scope: &Scope) -> Result<(Site, Vec<Warning>), SnapshotError> {
    build(Ok(doc), scope)
}

fn build(doc: Result<SnapshotDoc, serde_json::Error>, scope: &Scope) -> Result<(Site, Vec<Warning>), SnapshotError> {
    let doc = doc.map_err(|e| SnapshotError::Malformed { message: e.to_string() })?;
    if doc.snapshot_version != SNAPSHOT_VERSION {
        return Err(SnapshotError::UnsupportedVersion { found: doc.snapshot_version });
    }
    let mut builder = Builder { scope: scope.clone(), ..Builder::default() };
    builder.build(doc);
    Ok((builder.site, builder.warnings))
}

#[cfg(test)]
mod tests {
    use super::build::{head, sorted};

    #[test]
    fn ordering_by_head_then_string_is_string_order() {
        let words = [
            "",
            "a",
            "a\0",
            "a\0b",
            "ab",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "abcdefgg",
            "abcdefgz",
            "b",
            "712020:bf6002ea",
            "712020:bf6002eb",
            "712020:bf6002ea-d546-4aa3",
            "712020:bf6002ea-d546-4aa4",
            "0123456789abcdef",
            "0123456789abcdef0",
            "0123456789abcdee\u{ff}",
            "57e52fee6eb6b9ef",
            "é",
            "z\u{10ffff}",
            "\u{7f}",
        ];
        for a in words {
            for b in words {
                assert_eq!(head(a).cmp(&head(b)).then_with(|| a.cmp(b)), a.cmp(b), "{a:?} vs {b:?}");
            }
        }
        let mut expected: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        let got = sorted(expected.iter().rev().cloned().collect(), String::as_str);
        expected.sort();
        assert_eq!(got, expected);
    }
}
