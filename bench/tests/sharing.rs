//! On a generated site, where many projects share schemes and bots hold roles through groups, the
//! engine's shortcut (projects alike for an account share one evaluation, `steward::engine::reuse`)
//! gives exactly the answer of evaluating every cell on its own, and the compact matrix form expands
//! to the same analysis. Run by `make test` (`make test-bench`).
#![allow(clippy::unwrap_used, reason = "a test fails loudly")]

use steward::api::{self, AnalyzeOptions, LoadedSnapshot};
use steward::snapshot::{self, Scope};
use steward_bench::synth::{Size, snapshot_string};

#[test]
fn sharing_answers_between_alike_projects_changes_nothing_on_a_generated_site() {
    let snapshot = snapshot_string(Size::S);
    for all_accounts in [false, true] {
        let options = AnalyzeOptions { all_accounts, skip_transitions: true, ..AnalyzeOptions::default() };
        let loaded = LoadedSnapshot::from_text(&snapshot, &options.scope());
        let matrix = loaded.matrix(&options).unwrap();
        let cells: usize = matrix.accounts.iter().map(|a| a.cells.len()).sum();
        // The shortcut is exercised: far fewer distinct answers than cells.
        assert!(matrix.sets.len() * 4 < cells, "{} access sets for {cells} cells", matrix.sets.len());
        let shared = serde_json::to_value(matrix.expand()).unwrap();
        let exhaustive = AnalyzeOptions { exhaustive: true, ..options };
        let every_cell = serde_json::to_value(loaded.analysis(&exhaustive).unwrap()).unwrap();
        assert!(shared == every_cell, "sharing changed the analysis (all accounts: {all_accounts})");
    }
}

/// The benchmark's load: the site's people (most of its accounts, member entries and role actors)
/// dropped, the service and app accounts' answer the whole model's.
#[test]
fn a_load_of_non_human_accounts_answers_as_the_whole_model_on_a_generated_site() {
    let snapshot = snapshot_string(Size::S);
    let (whole_site, _) = snapshot::load(&snapshot).unwrap();
    let (site, _) = snapshot::load_scoped(&snapshot, &Scope { non_human_only: true, ..Scope::default() }).unwrap();
    assert!(site.accounts.len() * 20 < whole_site.accounts.len(), "{} accounts kept", site.accounts.len());
    let members = |s: &steward::model::Site| s.group_members.values().map(|m| m.len()).sum::<usize>();
    assert!(members(&site) * 10 < members(&whole_site), "{} member entries kept", members(&site));
    let whole = LoadedSnapshot::from_text(&snapshot, &Scope::default());
    for options in [r#"{"skipTransitions":true,"form":"matrix"}"#, r#"{"skipTransitions":true}"#] {
        assert!(api::analyze_json(&snapshot, options) == whole.analyze(options), "{options}");
    }
}
