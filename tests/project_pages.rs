//! Each project's page (`LoadedSnapshot::project_pages`): the accounts with access there as the
//! analysis says, the broad-only ones apart, and what the service-account role gives there or why
//! it gives nothing.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests fail loudly on a bad fixture")]

use serde_json::{Value, json};
use steward::api;

/// AAA: the role "Service accounts" is granted browse and edit, `bot-a` is its actor; a public
/// browse grant reaches every bot. BBB: the same scheme, no actors read. CCC: a scheme that grants
/// the role nothing. TMP: team-managed.
fn site_json() -> Value {
    json!({
      "snapshotVersion": 1,
      "meta": {"gaps": []},
      "permissionSchemes": {"permissionSchemes": [
        {"id": 1, "name": "Shared", "permissions": [
          {"id": 11, "permission": "BROWSE_PROJECTS", "holder": {"type": "projectRole", "value": "10"}},
          {"id": 12, "permission": "EDIT_ISSUES", "holder": {"type": "projectRole", "value": "10"}},
          {"id": 13, "permission": "BROWSE_PROJECTS", "holder": {"type": "anyone"}}]},
        {"id": 2, "name": "Locked", "permissions": [
          {"id": 21, "permission": "BROWSE_PROJECTS", "holder": {"type": "group", "parameter": "everyone", "value": "g-all"}}]}]},
      "projects": [{"isLast": true, "values": [
        {"id": "100", "key": "AAA", "name": "A"}, {"id": "101", "key": "BBB", "name": "B"},
        {"id": "102", "key": "CCC", "name": "C"}, {"id": "103", "key": "TMP", "name": "T", "style": "next-gen"}]}],
      "projectPermissionSchemes": {"AAA": {"id": 1}, "BBB": {"id": 1}, "CCC": {"id": 2}, "TMP": {"id": 1}},
      "roles": [{"id": 10, "name": "Service accounts"}],
      "projectRoles": {
        "AAA": {"10": {"id": 10, "actors": [{"type": "atlassian-user-role-actor", "actorUser": {"accountId": "bot-a"}}]}}},
      "users": [[
        {"accountId": "bot-a", "accountType": "app", "appType": "service", "active": true, "displayName": "Bot A"},
        {"accountId": "bot-b", "accountType": "app", "appType": "service", "active": true, "displayName": "Bot B"},
        {"accountId": "bot-c", "accountType": "app", "appType": "service", "active": true, "displayName": "Bot C"},
        {"accountId": "p1", "accountType": "atlassian", "active": true, "displayName": "Pia"},
        {"accountId": "p2", "accountType": "atlassian", "active": true, "displayName": "Per"},
        {"accountId": "p3", "accountType": "atlassian", "active": true, "displayName": "Pol"}]],
      "groups": [{"isLast": true, "values": [{"groupId": "g-all", "name": "everyone"}]}],
      "groupMembers": {"g-all": [{"isLast": true, "values": [
        {"accountId": "bot-c", "accountType": "app", "active": true}, {"accountId": "p1", "accountType": "atlassian", "active": true}]}]}
    })
}

fn pages(settings: &str) -> Vec<Value> {
    pages_of(settings, false)
}

/// The pages from a load of the whole snapshot, or of its non-human accounts only (as the scan's
/// digest job loads it).
fn pages_of(settings: &str, non_human_only: bool) -> Vec<Value> {
    let scope = steward::snapshot::Scope { project: None, non_human_only };
    let loaded = api::LoadedSnapshot::from_text(&site_json().to_string(), &scope);
    let pages = loaded.project_pages(settings).unwrap();
    let directory: Value = serde_json::from_str(&pages.directory()).unwrap();
    // Each page's `[account, set]` pairs with the directory's account spliced in, as the store's
    // reader hands them to the page.
    (0..pages.count())
        .map(|i| {
            let mut page: Value = serde_json::from_str(&pages.page(i).unwrap()).unwrap();
            let accounts: Vec<Value> = page["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| {
                    let mut account = directory["accounts"][pair[0].as_u64().unwrap() as usize].clone();
                    let set = pair[1].as_u64().unwrap();
                    account["set"] = json!(set);
                    account["broadOnly"] = page["sets"][set as usize]["broadOnly"].clone();
                    account
                })
                .collect();
            page["accounts"] = json!(accounts);
            page
        })
        .collect()
}

fn page<'a>(pages: &'a [Value], key: &str) -> &'a Value {
    pages.iter().find(|p| p["project"]["key"] == key).unwrap()
}

#[test]
fn a_page_lists_the_accounts_with_access_and_sets_apart_those_reaching_only_through_broad_grants() {
    let pages = pages("");
    let aaa = page(&pages, "AAA");
    let accounts = aaa["accounts"].as_array().unwrap();
    let by_id = |id: &str| accounts.iter().find(|a| a["accountId"] == id).unwrap();
    assert_eq!(accounts.len(), 3, "every bot can browse AAA: {aaa}");
    assert_eq!(by_id("bot-a")["broadOnly"], false, "bot-a holds its access through the role");
    assert_eq!(by_id("bot-b")["broadOnly"], true, "bot-b reaches AAA through the anyone grant only");
    assert_eq!(aaa["broad"]["count"], 2);
    assert_eq!(aaa["broad"]["kinds"]["service"], 2);
    let set = &aaa["sets"][by_id("bot-a")["set"].as_u64().unwrap() as usize];
    let edit: Vec<&str> = set["permissions"]["EDIT_ISSUES"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| aaa["paths"][i.as_u64().unwrap() as usize]["text"].as_str().unwrap_or_else(|| panic!("{aaa}")))
        .collect();
    assert_eq!(
        edit,
        ["scheme \"Shared\" [1] grant 12 → projectRole \"Service accounts\" [10] → actor user (this account)"]
    );
}

#[test]
fn a_group_the_settings_call_broad_counts_as_a_broad_grant() {
    let plain = pages("");
    assert_eq!(page(&plain, "CCC")["broad"]["count"], 0, "a group of one person in three is not broad by itself");
    let broad = pages(r#"{"broadGroups": ["everyone"]}"#);
    assert_eq!(page(&broad, "CCC")["broad"]["count"], 1);
}

#[test]
fn a_group_listing_the_broad_share_of_people_is_broad_even_when_the_load_dropped_people() {
    for non_human_only in [false, true] {
        let narrow = pages_of(r#"{"broadGroupShare": 0.5}"#, non_human_only);
        assert_eq!(page(&narrow, "CCC")["broad"]["count"], 0, "1 of 3 people (non-human only: {non_human_only})");
        let wide = pages_of(r#"{"broadGroupShare": 0.3}"#, non_human_only);
        assert_eq!(page(&wide, "CCC")["broad"]["count"], 1, "1 of 3 people ≥ 0.3 (non-human only: {non_human_only})");
    }
}

#[test]
fn the_role_part_says_what_membership_gives_or_why_it_gives_nothing() {
    let pages = pages("");
    let aaa = &page(&pages, "AAA")["role"];
    assert_eq!(aaa["id"], "10");
    assert!(aaa.get("problem").is_none(), "{aaa}");
    let granted: Vec<&str> =
        aaa["grants"].as_array().unwrap().iter().map(|g| g["permission"].as_str().unwrap()).collect();
    assert_eq!(granted, ["BROWSE_PROJECTS", "EDIT_ISSUES"]);
    assert_eq!(aaa["actorsKnown"], true);
    assert_eq!(aaa["users"], json!(["bot-a"]));
    assert_eq!(page(&pages, "BBB")["role"]["actorsKnown"], false, "the scan did not read BBB's actors");
    assert_eq!(page(&pages, "CCC")["role"]["problem"], "no-grants");
    assert_eq!(page(&pages, "TMP")["role"]["problem"], "team-managed");
    let renamed = self::pages(r#"{"serviceAccountRole": "Robots"}"#);
    assert_eq!(page(&renamed, "AAA")["role"]["problem"], "no-role");
    assert_eq!(page(&renamed, "AAA")["role"]["wanted"], "Robots");
}

#[test]
fn bad_settings_are_refused_naming_the_field() {
    let loaded = api::LoadedSnapshot::from_text(&site_json().to_string(), &Default::default());
    let Err(error) = loaded.project_pages(r#"{"requestProject": "not a key"}"#) else { panic!("accepted") };
    assert_eq!(error.code, "bad-settings");
    assert!(error.message.contains("requestProject"), "{}", error.message);
}

#[test]
fn a_persons_account_confirmed_as_a_shadow_bot_is_on_the_pages_of_its_projects() {
    let plain = pages("");
    assert!(
        page(&plain, "CCC")["accounts"].as_array().unwrap().iter().all(|a| a["accountId"] != "p1"),
        "people are not bots"
    );
    let confirmed = pages(r#"{"shadowBots": {"confirmed": ["p1"]}}"#);
    let ccc = page(&confirmed, "CCC");
    let p1 =
        ccc["accounts"].as_array().unwrap().iter().find(|a| a["accountId"] == "p1").unwrap_or_else(|| panic!("{ccc}"));
    assert_eq!(p1["kind"], "shadow");
    // Without people in the load there is nobody to suspect.
    let bots_only = pages_of(r#"{"shadowBots": {"confirmed": ["p1"]}}"#, true);
    assert!(page(&bots_only, "CCC")["accounts"].as_array().unwrap().iter().all(|a| a["accountId"] != "p1"));
}
