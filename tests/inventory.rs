//! The inventory's first view (one line per account, counted from the matrix) and the admin
//! overview read from a stored snapshot instead of a call per project.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests fail loudly on a bad fixture")]

use serde_json::{Value, json};
use steward::analysis::Coverage;
use steward::api;

/// Two projects share a scheme with a role grant, a direct grant and a reporter grant; a third
/// uses a locked scheme; a fourth has no recorded scheme. `bot-b` is named so that it sorts first.
fn site_json() -> Value {
    json!({
      "snapshotVersion": 1,
      "meta": {"gaps": [{"part": "projectPermissionSchemes", "key": "DDD", "reason": "jira answered 500"}]},
      "permissionSchemes": {"permissionSchemes": [
        {"id": 1, "name": "Shared", "description": "most projects", "permissions": [
          {"id": 11, "permission": "BROWSE_PROJECTS", "holder": {"type": "projectRole", "value": "10"}},
          {"id": 12, "permission": "EDIT_ISSUES", "holder": {"type": "projectRole", "value": "10"}},
          {"id": 13, "permission": "DELETE_ISSUES", "holder": {"type": "user", "value": "bot-a"}},
          {"id": 14, "permission": "ADD_COMMENTS", "holder": {"type": "reporter"}}]},
        {"id": 2, "name": "Locked", "permissions": [
          {"id": 21, "permission": "BROWSE_PROJECTS", "holder": {"type": "group", "parameter": "admins", "value": "g-admins"}}]},
        {"id": 3, "name": "Unused", "permissions": []}]},
      "projects": [{"isLast": true, "values": [
        {"id": "100", "key": "AAA", "name": "A"}, {"id": "101", "key": "BBB", "name": "B"},
        {"id": "102", "key": "CCC", "name": "C"}, {"id": "103", "key": "DDD", "name": "D"}]}],
      "projectPermissionSchemes": {"AAA": {"id": 1}, "BBB": {"id": 1}, "CCC": {"id": 2}},
      "roles": [{"id": 10, "name": "Bots"}],
      "projectRoles": {
        "AAA": {"10": {"id": 10, "actors": [{"type": "atlassian-group-role-actor", "actorGroup": {"name": "bots", "groupId": "g-bots"}}]}},
        "BBB": {"10": {"id": 10, "actors": []}}},
      "users": [[
        {"accountId": "bot-a", "accountType": "app", "appType": "service", "active": true, "displayName": "Bot A"},
        {"accountId": "bot-b", "accountType": "app", "appType": "service", "active": true, "displayName": "alpha"},
        {"accountId": "gone", "accountType": "app", "appType": "service", "active": false, "displayName": "Gone"},
        {"accountId": "hana", "accountType": "atlassian", "active": true, "displayName": "Hana"}]],
      "groups": [{"isLast": true, "values": [{"groupId": "g-bots", "name": "bots"}, {"groupId": "g-admins", "name": "admins"}]}],
      "groupMembers": {
        "g-bots": [{"isLast": true, "values": [{"accountId": "bot-a"}, {"accountId": "bot-b"}]}],
        "g-admins": [{"isLast": true, "values": [{"accountId": "hana"}]}]}
    })
}

fn success(answer: &str) -> Value {
    let value: Value = serde_json::from_str(answer).unwrap();
    assert_eq!(value["type"], "success", "{value}");
    value
}

#[test]
fn inventory_lists_non_human_accounts_sorted_by_name_case_insensitively() {
    let answer = success(&api::LoadedSnapshot::from_text(&site_json().to_string(), &Default::default()).inventory());
    let ids: Vec<&str> =
        answer["result"]["accounts"].as_array().unwrap().iter().map(|a| a["accountId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["bot-b", "bot-a", "gone"], "alpha < Bot A < Gone, humans left out");
    assert_eq!(answer["result"]["projectCount"], 4);
    assert_eq!(answer["result"]["inventoryVersion"], 1);
}

#[test]
fn inventory_counts_unconditional_conditional_and_unknown_projects() {
    let answer = success(&api::LoadedSnapshot::from_text(&site_json().to_string(), &Default::default()).inventory());
    let account = |id: &str| {
        answer["result"]["accounts"].as_array().unwrap().iter().find(|a| a["accountId"] == id).unwrap().clone()
    };
    let a = account("bot-a");
    // AAA: role and direct grants; BBB: the direct grant; CCC: nothing; DDD: no scheme known.
    assert_eq!((a["unconditionalProjects"].as_u64(), a["conditionalProjects"].as_u64()), (Some(2), Some(0)));
    assert_eq!(a["unknownProjects"], 1, "{a}");
    let b = account("bot-b");
    // AAA through the role; BBB only as the reporter of an issue.
    assert_eq!((b["unconditionalProjects"].as_u64(), b["conditionalProjects"].as_u64()), (Some(1), Some(1)));
    let gone = account("gone");
    assert_eq!((gone["active"].as_bool(), gone["unconditionalProjects"].as_u64()), (Some(false), Some(0)));
}

/// The counts are what the full analysis shows, project by project, for every account.
#[test]
fn inventory_counts_agree_with_the_full_analysis() {
    let text = site_json().to_string();
    let inventory = success(&api::LoadedSnapshot::from_text(&text, &Default::default()).inventory());
    let full = api::LoadedSnapshot::from_text(&text, &api::AnalyzeOptions::default().scope())
        .analysis(&api::AnalyzeOptions::default())
        .unwrap();
    assert_eq!(inventory["result"]["accounts"].as_array().unwrap().len(), full.accounts.len());
    for account in &full.accounts {
        let line = inventory["result"]["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["accountId"] == account.account_id.as_str())
            .unwrap();
        let paths =
            |p: &steward::analysis::ProjectAccess| p.permissions.values().flatten().cloned().collect::<Vec<_>>();
        let unconditional = account.projects.iter().filter(|p| paths(p).iter().any(|x| !x.conditional)).count();
        let conditional =
            account.projects.iter().filter(|p| !paths(p).is_empty() && paths(p).iter().all(|x| x.conditional)).count();
        let partial = account.projects.iter().filter(|p| p.coverage == Coverage::Partial).count();
        let unknown = account.projects.iter().filter(|p| p.coverage == Coverage::None).count();
        let unresolved: usize = account.projects.iter().map(|p| p.unresolved.len()).sum();
        assert_eq!(line["unconditionalProjects"], unconditional, "{}", account.account_id);
        assert_eq!(line["conditionalProjects"], conditional, "{}", account.account_id);
        assert_eq!(line["partialProjects"], partial, "{}", account.account_id);
        assert_eq!(line["unknownProjects"], unknown, "{}", account.account_id);
        assert_eq!(line["unresolved"], unresolved, "{}", account.account_id);
        assert_eq!(line["global"], json!(account.global), "{}", account.account_id);
    }
}

#[test]
fn inventory_of_a_bad_snapshot_is_a_failure_naming_it() {
    let value: Value = serde_json::from_str(
        &api::LoadedSnapshot::from_text("{\"snapshotVersion\": 9}", &Default::default()).inventory(),
    )
    .unwrap();
    assert_eq!(value["type"], "failure");
    assert_eq!(value["errors"][0]["code"], "unsupported-snapshot-version");
}

#[test]
fn snapshot_overview_maps_projects_to_schemes_with_grant_counts() {
    let answer = success(&api::LoadedSnapshot::from_text(&site_json().to_string(), &Default::default()).overview());
    let result = &answer["result"];
    assert_eq!(result["projectCount"], 4);
    let rows: Vec<(String, u64, Vec<String>)> = result["schemes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let keys = s["projects"].as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_owned()).collect();
            (s["name"].as_str().unwrap().to_owned(), s["grantCount"].as_u64().unwrap(), keys)
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Locked".to_owned(), 1, vec!["CCC".to_owned()]),
            ("Shared".to_owned(), 4, vec!["AAA".to_owned(), "BBB".to_owned()]),
            ("Unused".to_owned(), 0, vec![]),
        ]
    );
    assert_eq!(result["schemes"][1]["description"], "most projects");
    assert_eq!(result["unmappedProjects"], json!(["DDD"]));
    let warning =
        answer["warnings"].as_array().unwrap().iter().find(|w| w["code"] == "project-scheme-unreadable").unwrap();
    assert_eq!(warning["message"], "the permission scheme of project `DDD` could not be read: jira answered 500");
}

#[test]
fn snapshot_overview_of_malformed_json_is_a_failure() {
    let value =
        serde_json::from_str::<Value>(&api::LoadedSnapshot::from_text("not json", &Default::default()).overview())
            .unwrap();
    assert_eq!(value["type"], "failure");
    assert_eq!(value["errors"][0]["code"], "bad-snapshot");
}
