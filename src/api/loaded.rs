//! The one way from a snapshot to answers: a [`SnapshotReader`] fed the snapshot's chunks in order,
//! then the [`LoadedSnapshot`] it finishes, asked any number of questions without decoding again.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::live::{AdminOverview, SchemeSummary, summarize};
use super::{Answer, ApiError, failure_json, options};
use crate::analysis::Analysis;
use crate::analysis::matrix::{Inventory, Matrix};
use crate::engine::what_if::{self, ChangeSet};
use crate::engine::why_not;
use crate::engine::{AccountSelection, Selection, matrix};
use crate::jira::PermissionScheme;
use crate::model::Site;
use crate::snapshot::{self, Scope as LoadScope};
use crate::warning::{Warning, WarningCode};

/// Options of `analyze`: the app's own input, so unknown fields are rejected.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct AnalyzeOptions {
    pub account_id: Option<String>,
    pub project: Option<String>,
    pub all_accounts: bool,
    pub skip_transitions: bool,
    /// `analysis` (the default: one entry per account and project) or `matrix` (each distinct
    /// cell once; `schema/analysis-matrix-v1.schema.json`).
    pub form: AnalysisForm,
    /// Evaluate every cell on its own (see `engine::reuse`); the same answer, slower.
    pub exhaustive: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnalysisForm {
    #[default]
    Analysis,
    Matrix,
}

impl AnalyzeOptions {
    /// What a load for these options must keep (see [`LoadScope`]).
    pub fn scope(&self) -> LoadScope {
        LoadScope { project: self.project.clone(), non_human_only: self.non_human() }
    }

    /// Whether the answer covers the service and app accounts only (no account named, not all).
    fn non_human(&self) -> bool {
        self.account_id.is_none() && !self.all_accounts
    }

    pub fn selection(&self) -> Selection {
        let accounts = match (&self.account_id, self.all_accounts) {
            _ if self.non_human() => AccountSelection::NonHuman,
            (Some(id), _) => AccountSelection::One(id.clone()),
            (None, _) => AccountSelection::All,
        };
        Selection {
            accounts,
            project: self.project.clone(),
            skip_transitions: self.skip_transitions,
            exhaustive: self.exhaustive,
        }
    }
}

/// `analyze` of a small snapshot given whole: JSON options in, the answer's JSON text out. The
/// options are read first, so bad options cost no decoding; a `project` option loads only what
/// that project's answer reads (see [`LoadScope`]).
pub fn analyze_json(snapshot: &str, options_json: &str) -> String {
    match options::<AnalyzeOptions>(options_json) {
        Ok(o) => LoadedSnapshot::from_text(snapshot, &o.scope()).answer_json(&o),
        Err(error) => failure_json(error),
    }
}

/// A snapshot decoded from chunks of its UTF-8 text pushed in order, as a Forge function reads a
/// stored snapshot a few chunks a query: only the element being read is kept, never the whole
/// text (see [`snapshot::SnapshotReader`]). Chunk boundaries may fall anywhere.
#[derive(Debug, Default)]
pub struct SnapshotReader {
    reader: snapshot::SnapshotReader,
}

impl SnapshotReader {
    pub fn new() -> Self {
        SnapshotReader::default()
    }

    pub fn push(&mut self, chunk: &[u8]) {
        self.reader.push(chunk);
    }

    /// The snapshot, its text over, keeping what `scope` needs (see [`LoadScope`]).
    pub fn finish(self, scope: &LoadScope) -> LoadedSnapshot {
        let loaded = self
            .reader
            .finish()
            .and_then(|doc| {
                let schemes = doc.permission_schemes.clone();
                snapshot::build_doc(doc, scope).map(|(site, warnings)| Loaded {
                    site,
                    warnings,
                    permission_schemes: schemes,
                    scope: scope.clone(),
                })
            })
            .map_err(ApiError::from);
        LoadedSnapshot { loaded }
    }
}

/// A snapshot decoded once, for several answers: a stored snapshot's decoding costs more than any
/// one answer. Every answer is the JSON envelope.
pub struct LoadedSnapshot {
    loaded: Result<Loaded, ApiError>,
}

pub(super) struct Loaded {
    pub(super) site: Site,
    pub(super) warnings: Vec<Warning>,
    /// The raw permission schemes, for the overview's descriptions and grant counts.
    permission_schemes: Option<Box<serde_json::value::RawValue>>,
    pub(super) scope: LoadScope,
}

impl LoadedSnapshot {
    /// The snapshot given whole: the reader given one chunk.
    pub fn from_text(text: &str, scope: &LoadScope) -> Self {
        let mut reader = SnapshotReader::new();
        reader.push(text.as_bytes());
        reader.finish(scope)
    }

    pub(super) fn loaded(&self) -> Result<&Loaded, ApiError> {
        self.loaded.as_ref().map_err(Clone::clone)
    }

    /// The model and what its load warned about, for the native edges' typed answers.
    pub fn site(&self) -> Result<(&Site, &[Warning]), ApiError> {
        self.loaded().map(|l| (&l.site, l.warnings.as_slice()))
    }

    /// `analyze`: JSON options in, the answer's JSON text out (the analysis, or the matrix by `form`).
    pub fn analyze(&self, options_json: &str) -> String {
        match options::<AnalyzeOptions>(options_json) {
            Ok(o) => self.answer_json(&o),
            Err(error) => failure_json(error),
        }
    }

    /// The matrix form of `analyze`, with the load's warnings merged in.
    pub fn matrix(&self, o: &AnalyzeOptions) -> Result<Matrix, ApiError> {
        let loaded = self.loaded()?;
        if loaded.scope.project.is_some() && loaded.scope.project != o.project {
            let only = loaded.scope.project.as_deref().unwrap_or_default();
            return Err(ApiError::new(
                "bad-options",
                format!("the snapshot was loaded for project `{only}` only; ask about that project"),
            ));
        }
        if loaded.scope.non_human_only && !o.non_human() {
            return Err(ApiError::new(
                "bad-options",
                "the snapshot was loaded for its service and app accounts only; ask about those",
            ));
        }
        let mut matrix = matrix(&loaded.site, &o.selection());
        matrix.warnings.extend(loaded.warnings.iter().cloned());
        matrix.warnings.sort();
        matrix.warnings.dedup();
        Ok(matrix)
    }

    /// The `analyze` contract, typed.
    pub fn analysis(&self, o: &AnalyzeOptions) -> Result<Analysis, ApiError> {
        self.matrix(o).map(Matrix::expand)
    }

    fn answer_json(&self, o: &AnalyzeOptions) -> String {
        let text = match (self.matrix(o), o.form) {
            (Err(error), _) => return failure_json(error),
            (Ok(matrix), AnalysisForm::Analysis) => serde_json::to_string(&matrix.expand()),
            (Ok(matrix), AnalysisForm::Matrix) => serde_json::to_string(&matrix),
        };
        text.unwrap_or_else(|_| failure_json(ApiError::new("encode", "the answer could not be encoded")))
    }

    /// The inventory's first view: one line per non-human account (see [`Matrix::summarize`]),
    /// the analysis warnings in the envelope. Transitions are skipped: no count depends on them.
    pub fn inventory(&self) -> String {
        let options = AnalyzeOptions { skip_transitions: true, ..AnalyzeOptions::default() };
        let answer: Answer<Inventory> = match self.loaded() {
            Ok(loaded) if loaded.scope.project.is_some() => Answer::from_result(
                Err(ApiError::new("bad-options", "the snapshot was loaded for one project")),
                Vec::new(),
            ),
            Ok(_) => match self.matrix(&options) {
                Ok(matrix) => {
                    let summary = matrix.summarize();
                    Answer::from_result(Ok::<_, ApiError>(summary), matrix.warnings)
                }
                Err(error) => Answer::from_result(Err(error), Vec::new()),
            },
            Err(error) => Answer::from_result(Err(error), Vec::new()),
        };
        answer.to_json()
    }

    /// The live admin overview's answer from the snapshot: the same schemes, grant counts and
    /// project mapping, without a call per project. A project whose scheme the snapshot lacks is
    /// unmapped, with the scan's reason when it recorded one.
    pub fn overview(&self) -> String {
        let mut warnings = Vec::new();
        let result = self.loaded().and_then(|loaded| overview_of(loaded, &mut warnings));
        Answer::from_result(result, warnings).to_json()
    }

    /// Why `account_id` lacks `permission` in `project`: the grants that would give it.
    pub fn why_not(&self, account_id: &str, project: &str, permission: &str) -> String {
        let result = self.loaded().and_then(|loaded| {
            why_not::why_not(&loaded.site, account_id, project, permission).ok_or_else(|| {
                ApiError::new(
                    "unknown-reference",
                    format!("account `{account_id}` or project `{project}` is not in the snapshot"),
                )
            })
        });
        Answer::from_result(result, Vec::new()).to_json()
    }

    /// The diff of effective access if `changes` (a change set) were applied.
    pub fn what_if(&self, changes: &str) -> String {
        let result = self.loaded().and_then(|loaded| {
            let changes: ChangeSet = serde_json::from_str(changes)
                .map_err(|e| ApiError::new("bad-change-set", format!("the change set is not valid: {e}")))?;
            what_if::what_if(&loaded.site, &changes)
                .map(|diff| (diff, loaded.warnings.clone()))
                .map_err(|e| ApiError::new("bad-change", e.to_string()))
        });
        match result {
            Ok((diff, warnings)) => Answer::Success { result: diff, warnings }.to_json(),
            Err(error) => failure_json(error),
        }
    }
}

fn overview_of(loaded: &Loaded, warnings: &mut Vec<Warning>) -> Result<AdminOverview, ApiError> {
    let site = &loaded.site;
    let list = loaded
        .permission_schemes
        .as_ref()
        .map(|raw| serde_json::from_str::<crate::jira::PermissionSchemes>(raw.get()))
        .transpose()
        .map_err(|e| ApiError::new("bad-snapshot", format!("the snapshot's permission schemes are not readable: {e}")))?
        .unwrap_or_default();
    let (schemes, skipped) =
        crate::jira::decode_each::<PermissionScheme, _>(&list.permission_schemes, "permission scheme");
    warnings.extend(skipped);

    let mut users: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut unmapped = Vec::new();
    for project in site.projects.values() {
        match &project.scheme_id {
            Some(id) => users.entry(id).or_default().push(project.key.clone()),
            None => {
                let why = site
                    .gaps
                    .get(&("projectPermissionSchemes".to_owned(), project.key.clone()))
                    .map_or("the snapshot does not hold it", String::as_str);
                warnings.push(Warning::new(
                    WarningCode::ProjectSchemeUnreadable,
                    format!("the permission scheme of project `{}` could not be read: {why}", project.key),
                ));
                unmapped.push(project.key.clone());
            }
        }
    }
    let mut summaries: Vec<SchemeSummary> = schemes
        .into_iter()
        .map(|scheme| {
            let keys = scheme.id.as_deref().and_then(|id| users.get(id)).cloned().unwrap_or_default();
            summarize(scheme, keys)
        })
        .collect();
    summaries.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    Ok(AdminOverview { schemes: summaries, project_count: site.projects.len(), unmapped_projects: unmapped })
}
