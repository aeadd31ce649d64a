//! The scenario corpus: `tests/scenarios/<name>/` holds `snapshot.json` (format v1), an optional
//! `options.json` (analyze options), `about.txt` (the Jira construct it proves) and
//! `expected.txt` (the analysis in text form). Regenerate expectations with
//! `STEWARD_UPDATE_GOLDEN=1 cargo test --test scenarios`; never edit them by hand.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing, reason = "tests fail loudly on a bad fixture")]

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
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
    let analysis = api::LoadedSnapshot::from_text(&snapshot, &options.scope()).analysis(&options).unwrap();
    let actual = analysis.to_text();
    let analysis_json = serde_json::to_value(&analysis).unwrap();
    // Sharing answers between alike projects changes nothing.
    let exhaustive = AnalyzeOptions { exhaustive: true, ..options.clone() };
    let every_cell = serde_json::to_value(
        api::LoadedSnapshot::from_text(&snapshot, &exhaustive.scope()).analysis(&exhaustive).unwrap(),
    )
    .unwrap();
    assert_eq!(analysis_json, every_cell, "{name}: sharing answers between projects changed the analysis");
    // The matrix form says the same as the analysis form.
    let matrix =
        serde_json::to_value(api::LoadedSnapshot::from_text(&snapshot, &options.scope()).matrix(&options).unwrap())
            .unwrap();
    assert_eq!(expand(&matrix), analysis_json, "{name}: the matrix form differs from the analysis form");
    // Pushed in pieces of at most 7 bytes (as a stored snapshot's chunks are), the same text.
    let options_json = serde_json::to_string(&serde_json::json!({
        "allAccounts": options.all_accounts, "skipTransitions": options.skip_transitions,
        "accountId": options.account_id, "project": options.project, "form": "matrix",
    }))
    .unwrap();
    let mut reader = api::SnapshotReader::new();
    for piece in snapshot.as_bytes().chunks(7) {
        reader.push(piece);
    }
    let chunked = reader.finish(&options.scope()).analyze(&options_json);
    let whole = api::analyze_json(&snapshot, &options_json);
    assert_eq!(chunked, whole, "{name}: reading in pieces changed the answer");
    let expected_path = dir.join("expected.txt");
    if std::env::var_os("STEWARD_UPDATE_GOLDEN").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|_| panic!("{name}: no expected.txt; run with STEWARD_UPDATE_GOLDEN=1 to create it"));
    assert_eq!(actual, expected, "scenario {name} changed; if intended, regenerate with STEWARD_UPDATE_GOLDEN=1");
}

/// Rebuilds the `analyze` contract from the `matrix` form, as a script reading it would.
fn expand(matrix: &Value) -> Value {
    assert_eq!(matrix["form"], "matrix");
    let paths = matrix["paths"].as_array().unwrap();
    let sets = matrix["sets"].as_array().unwrap();
    let projects = matrix["projects"].as_array().unwrap();
    let path = |i: &Value| paths[i.as_u64().unwrap() as usize].clone();
    let accounts: Vec<Value> = matrix["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let mut cells: Vec<(u64, Value)> = Vec::new();
            for group in row["access"].as_array().unwrap() {
                let set = &sets[group["set"].as_u64().unwrap() as usize];
                for p in group["projects"].as_array().unwrap() {
                    let project = &projects[p.as_u64().unwrap() as usize];
                    let mut cell = project.as_object().unwrap().clone();
                    cell.insert("coverage".into(), set["coverage"].clone());
                    let permissions: Map<String, Value> = set["permissions"]
                        .as_object()
                        .unwrap()
                        .iter()
                        .map(|(k, ids)| (k.clone(), ids.as_array().unwrap().iter().map(path).collect()))
                        .collect();
                    cell.insert("permissions".into(), Value::Object(permissions));
                    for key in ["unresolved", "transitions"] {
                        if let Some(v) = set.get(key) {
                            cell.insert(key.into(), v.clone());
                        }
                    }
                    if let Some(levels) = set.get("securityLevels") {
                        let levels: Vec<Value> = levels
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|l| {
                                let mut l = l.clone();
                                l["paths"] = l["paths"].as_array().unwrap().iter().map(path).collect();
                                l
                            })
                            .collect();
                        cell.insert("securityLevels".into(), Value::Array(levels));
                    }
                    cells.push((p.as_u64().unwrap(), Value::Object(cell)));
                }
            }
            cells.sort_by_key(|(p, _)| *p);
            let mut account = row.as_object().unwrap().clone();
            account.remove("access");
            account.insert("projects".into(), cells.into_iter().map(|(_, c)| c).collect());
            Value::Object(account)
        })
        .collect();
    json!({
        "analysisVersion": matrix["analysisVersion"],
        "site": matrix["site"],
        "collectedAt": matrix["collectedAt"],
        "accounts": accounts,
        "warnings": matrix["warnings"],
    })
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
    account_id_forms,
    account_kinds,
    alike_bots_share_answers,
    alike_bots_with_group_lists,
    alike_projects_share_answers,
    anyone,
    application_role_any_logged_in,
    application_role_via_groups,
    application_role_via_user_details,
    check_counts_conditional,
    check_explains_partial_coverage,
    check_response_unreadable,
    conditional_assignee,
    conditional_reporter,
    customer_portal_only,
    default_permission_scheme_id_zero,
    display_name_with_line_break,
    duplicate_grants,
    empty_scheme,
    global_admin_from_permission_check,
    group_by_name_only,
    group_custom_field,
    group_list_partly_read,
    group_members_gap_recorded,
    group_members_page_not_last,
    group_members_total_beyond_values,
    group_membership_not_collected,
    group_name_unknown,
    group_renamed,
    holder_with_parameter_and_expand_but_no_value,
    inactive_member,
    jira_admin_outside_project_admin_role_check_says_no,
    jira_admin_outside_project_admin_role_no_check,
    jira_admin_where_scheme_unreadable,
    jira_check_says_no_to_a_granted_path,
    malformed_elements_skipped,
    member_page_without_values,
    model_drift,
    non_human_accounts_by_default,
    one_account_one_project,
    own_group_list_cut_short,
    paging_across_pages,
    permission_keys_outside_the_spec,
    product_access_group_unnamed,
    project_lead,
    project_scheme_unreadable,
    project_search_extra_fields,
    role_actor_group,
    role_actor_group_unnamed,
    role_actor_group_without_group_id,
    role_actors_not_collected,
    role_unread_ruled_out_by_check,
    scheme_listed_without_grants,
    security_level_via_reporter,
    security_level_via_role,
    security_levels_absent_from_scheme_listing,
    security_levels_listing_cut_short,
    security_levels_named_by_level_listing,
    security_levels_unlisted_members_partly_read,
    security_levels_unlisted_members_unreadable,
    security_mapping_not_read_whole,
    security_member_without_level,
    security_members_not_collected,
    security_members_partly_read,
    security_scheme_of_project_not_listed,
    security_schemes_partly_read_mapping_unread,
    security_schemes_unreadable,
    selection_names_unknown,
    several_paths_at_once,
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
    user_groups_without_group_id,
}

/// `why-not` never contradicts `analyze`: for every account, project and permission a scenario's
/// analysis names, it says held exactly where `analyze` has an unconditional path, and otherwise
/// lists an option or says why none exists.
#[test]
fn why_not_agrees_with_analyze_in_every_scenario() {
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")).unwrap() {
        let dir = entry.unwrap().path();
        let snapshot = std::fs::read_to_string(dir.join("snapshot.json")).unwrap();
        let (site, _) = steward::snapshot::load(&snapshot).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let options = AnalyzeOptions { all_accounts: true, skip_transitions: true, ..AnalyzeOptions::default() };
        let analysis = api::LoadedSnapshot::from_text(&snapshot, &options.scope()).analysis(&options).unwrap();
        for account in &analysis.accounts {
            for project in &account.projects {
                let keys = project.permissions.keys().map(|k| k.to_string());
                for permission in keys.chain(project.unresolved.iter().map(|u| u.permission.clone())) {
                    let Some(answer) =
                        steward::engine::why_not::why_not(&site, &account.account_id, &project.key, &permission)
                    else {
                        continue;
                    };
                    let held =
                        project.permissions.get(permission.as_str()).is_some_and(|p| p.iter().any(|e| !e.conditional));
                    let at = format!("{}: {} {} {permission}", dir.display(), account.account_id, project.key);
                    assert_eq!(answer.held, held, "{at}");
                    assert!(answer.held || !answer.options.is_empty() || answer.note.is_some(), "{at}");
                }
            }
        }
    }
}
