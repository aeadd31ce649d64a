//! On a generated site, where many projects share schemes and bots hold roles through groups, the
//! engine's shortcut (projects alike for an account share one evaluation, `steward::engine::reuse`)
//! gives exactly the answer of evaluating every cell on its own, and the compact matrix form expands
//! to the same analysis. Run by `make test` (`make test-bench`).
#![allow(clippy::unwrap_used, reason = "a test fails loudly")]

use steward::api::{self, AnalyzeOptions};
use steward_bench::synth::{Size, snapshot_string};

#[test]
fn sharing_answers_between_alike_projects_changes_nothing_on_a_generated_site() {
    let snapshot = snapshot_string(Size::S);
    for all_accounts in [false, true] {
        let options = AnalyzeOptions { all_accounts, skip_transitions: true, ..AnalyzeOptions::default() };
        let matrix = api::matrix_snapshot(&snapshot, &options).unwrap();
        let cells: usize = matrix.accounts.iter().map(|a| a.cells.len()).sum();
        // The shortcut is exercised: far fewer distinct answers than cells.
        assert!(matrix.sets.len() * 4 < cells, "{} access sets for {cells} cells", matrix.sets.len());
        let shared = serde_json::to_value(matrix.expand()).unwrap();
        let exhaustive = AnalyzeOptions { exhaustive: true, ..options };
        let every_cell = serde_json::to_value(api::analyze_snapshot(&snapshot, &exhaustive).unwrap()).unwrap();
        assert!(shared == every_cell, "sharing changed the analysis (all accounts: {all_accounts})");
    }
}
