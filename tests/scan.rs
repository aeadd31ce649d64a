//! The lean scan against a recorded site: what it asks, what it writes, how gaps appear.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests fail loudly on a bad fixture")]

mod support;

use serde_json::{Value, json};
use steward::api::{self, AnalyzeOptions};
use support::{RecordedHost, run};

const EXPAND: &str = "expand=permissions%2Cuser%2Cgroup%2CprojectRole%2Cfield";

/// Two projects, one role granting EDIT_ISSUES and one granting ADMINISTER_PROJECTS, one bot
/// that Jira's check says edits issues in ABC only.
fn site() -> RecordedHost {
    let scheme = json!({"id": 1, "name": "S", "permissions": [
        {"id": 11, "permission": "EDIT_ISSUES", "holder": {"type": "projectRole", "value": "10"}},
        {"id": 12, "permission": "ADMINISTER_PROJECTS", "holder": {"type": "projectRole", "value": "20"}}]});
    RecordedHost::new()
        .on(
            "/rest/api/3/permissions",
            200,
            json!({"permissions": {
            "EDIT_ISSUES": {"key": "EDIT_ISSUES", "type": "PROJECT"},
            "ADMINISTER_PROJECTS": {"key": "ADMINISTER_PROJECTS", "type": "PROJECT"},
            "ADMINISTER": {"key": "ADMINISTER", "type": "GLOBAL"}}})
            .to_string(),
        )
        .on(&format!("/rest/api/3/permissionscheme?{EXPAND}"), 200, json!({"permissionSchemes": [scheme]}).to_string())
        .on(
            "/rest/api/3/project/search?expand=lead&maxResults=100",
            200,
            json!({"isLast": true, "values": [
            {"id": "100", "key": "ABC", "name": "A"}, {"id": "101", "key": "XYZ", "name": "X"}]})
            .to_string(),
        )
        .on(
            "/rest/api/3/users/search?maxResults=1000",
            200,
            json!([
            {"accountId": "bot", "accountType": "app", "appType": "service", "active": true, "displayName": "Bot"},
            {"accountId": "hana", "accountType": "atlassian", "active": true, "displayName": "Hana"}])
            .to_string(),
        )
        .on("/rest/api/3/role", 200, json!([{"id": 10, "name": "Bots"}, {"id": 20, "name": "Admins"}]).to_string())
        .on("/rest/api/3/applicationrole", 200, "[]")
        .on("/rest/api/3/group/bulk?maxResults=50", 200, json!({"isLast": true, "values": []}).to_string())
        .on("/rest/api/3/project/ABC/permissionscheme", 200, json!({"id": 1, "name": "S"}).to_string())
        .on("/rest/api/3/project/XYZ/permissionscheme", 200, json!({"id": 1, "name": "S"}).to_string())
        .on(
            "/rest/api/3/user?accountId=bot&expand=groups%2CapplicationRoles",
            200,
            json!({"accountId": "bot", "accountType": "app", "appType": "service", "active": true,
                   "groups": {"size": 0, "items": []}, "applicationRoles": {"size": 0, "items": []}})
            .to_string(),
        )
        .on(
            "/rest/api/3/permissions/check",
            200,
            json!({"globalPermissions": [], "projectPermissions": [{"permission": "EDIT_ISSUES", "projects": [100]}]})
                .to_string(),
        )
        .on(
            "/rest/api/3/project/ABC/role/10",
            200,
            json!({"id": 10, "name": "Bots", "actors": [
            {"type": "atlassian-user-role-actor", "actorUser": {"accountId": "bot"}}]})
            .to_string(),
        )
}

fn collect(host: &RecordedHost, options: &str) -> Value {
    let answer: Value = serde_json::from_str(&run(api::collect_json(host, options))).unwrap();
    assert_eq!(answer["type"], "success", "{answer}");
    answer["result"].clone()
}

const LEAN: &str = r#"{"security": false, "workflows": false, "collectedAt": "2026-11-23T08:00:00Z"}"#;

#[test]
fn the_scan_fetches_only_the_role_that_explains_what_jira_says_the_bot_holds() {
    let host = site();
    let result = collect(&host, LEAN);

    let roles: Vec<String> = host.paths().into_iter().filter(|p| p.contains("/role/")).collect();
    assert_eq!(roles, ["/rest/api/3/project/ABC/role/10"], "no call for XYZ, none for role 20");
    assert_eq!(result["complete"], true);
    assert_eq!(result["snapshot"]["meta"]["gaps"], json!([]));
    assert_eq!(result["ledger"]["calls"], 12);
}

#[test]
fn what_the_scan_writes_is_a_snapshot_the_engine_analyses_completely() {
    let host = site();
    let snapshot = collect(&host, LEAN)["snapshot"].to_string();

    let analysis = api::analyze_snapshot(&snapshot, &AnalyzeOptions::default()).unwrap();

    let bot = &analysis.accounts[0];
    assert_eq!(bot.account_id, "bot");
    let abc = bot.projects.iter().find(|p| p.key == "ABC").unwrap();
    assert_eq!(serde_json::to_value(abc.coverage).unwrap(), "complete");
    assert!(abc.permissions["EDIT_ISSUES"][0].path.to_string().contains("projectRole \"Bots\" [10] → actor user"));
    assert!(!abc.permissions.contains_key("ADMINISTER_PROJECTS"), "Jira's check settles what was not fetched");
    assert!(bot.projects.iter().all(|p| p.key != "XYZ"), "nothing held in XYZ, and Jira's check says so");
    assert!(analysis.warnings.is_empty(), "{:?}", analysis.warnings);
}

#[test]
fn a_forbidden_project_becomes_a_gap_and_unknown_access_never_no_access() {
    let host = site().on("/rest/api/3/project/XYZ/permissionscheme", 403, r#"{"errorMessages":["Forbidden"]}"#);
    let result = collect(&host, LEAN);

    let gaps = result["snapshot"]["meta"]["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0]["part"], "projectPermissionSchemes");
    assert_eq!(gaps[0]["key"], "XYZ");
    assert!(gaps[0]["reason"].as_str().unwrap().starts_with("the app cannot read this part"));

    let analysis = api::analyze_snapshot(&result["snapshot"].to_string(), &AnalyzeOptions::default()).unwrap();
    let xyz = analysis.accounts[0].projects.iter().find(|p| p.key == "XYZ").unwrap();
    assert_eq!(serde_json::to_value(xyz.coverage).unwrap(), "none");
    assert!(xyz.unresolved[0].reason.contains("could not be read"));
}

#[test]
fn bad_scan_options_are_rejected_by_name() {
    let answer: Value =
        serde_json::from_str(&run(api::collect_json(&site(), r#"{"concurrency": 2, "sekurity": false}"#))).unwrap();
    assert_eq!(answer["errors"][0]["code"], "bad-options");
    assert!(answer["errors"][0]["message"].as_str().unwrap().contains("sekurity"));
}
