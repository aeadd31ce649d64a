//! The scenario corpus: `tests/scenarios/<name>/` holds `snapshot.json` (format v1), an optional
//! `options.json` (analyze options), `about.txt` (the Jira construct it proves) and
//! `expected.txt` (the analysis in text form). Regenerate expectations with
//! `STEWARD_UPDATE_GOLDEN=1 cargo test --test scenarios`; never edit them by hand.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on a bad fixture")]

use std::path::{Path, PathBuf};

use steward::api::{self, AnalyzeOptions};

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios").join(name)
}

fn run_scenario(name: &str) {
    let dir = dir(name);
    let snapshot = std::fs::read_to_string(dir.join("snapshot.json")).unwrap();
    let options: AnalyzeOptions = match std::fs::read_to_string(dir.join("options.json")) {
        Ok(text) => serde_json::from_str(&text).unwrap(),
        Err(_) => AnalyzeOptions { all_accounts: true, ..AnalyzeOptions::default() },
    };
    assert!(dir.join("about.txt").exists(), "scenario {name} has no about.txt");
    let actual = api::analyze_snapshot(&snapshot, &options).unwrap().to_text();
    let expected_path = dir.join("expected.txt");
    if std::env::var_os("STEWARD_UPDATE_GOLDEN").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|_| panic!("{name}: no expected.txt; run with STEWARD_UPDATE_GOLDEN=1 to create it"));
    assert_eq!(actual, expected, "scenario {name} changed; if intended, regenerate with STEWARD_UPDATE_GOLDEN=1");
}

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { run_scenario(stringify!($name)); })*

        #[test]
        fn every_scenario_directory_is_listed() {
            let listed = [$(stringify!($name)),*];
            for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                assert!(listed.contains(&name.as_str()), "tests/scenarios/{name} is not listed in tests/scenarios.rs");
            }
        }
    };
}

scenarios! {
    several_paths_at_once,
    account_kinds,
    anyone,
    application_role_any_logged_in,
    application_role_via_groups,
    application_role_via_user_details,
    check_counts_conditional,
    check_explains_partial_coverage,
    conditional_assignee,
    conditional_reporter,
    customer_portal_only,
    duplicate_grants,
    empty_scheme,
    global_admin_from_permission_check,
    group_by_name_only,
    group_custom_field,
    group_membership_not_collected,
    group_name_unknown,
    group_renamed,
    inactive_member,
    malformed_elements_skipped,
    model_drift,
    non_human_accounts_by_default,
    one_account_one_project,
    paging_across_pages,
    project_lead,
    project_scheme_unreadable,
    role_actor_group,
    role_actors_not_collected,
    security_level_via_reporter,
    security_level_via_role,
    security_levels_absent_from_scheme_listing,
    security_members_not_collected,
    selection_names_unknown,
    skip_transitions_option,
    team_managed_project,
    transition_any_of_nested_conditions,
    transition_app_condition,
    transition_guarded_by_group,
    transition_needs_browse_projects,
    transition_restricted_from_all_users,
    transition_restricted_from_users_and_api,
    transition_without_transition_issues,
    unknown_holder_type,
    unknown_permission_key,
    unknown_snapshot_part,
    user_custom_field,
}
