//! What-if, why-not and account selection over a small site: two projects sharing a scheme,
//! a bot role with a group actor, a direct grant, and a conditional reporter grant.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests fail loudly on a bad fixture")]

use serde_json::{Value, json};
use steward::api;
use steward::engine::what_if::{ChangeSet, WhatIfError, what_if};
use steward::engine::why_not::why_not;
use steward::engine::{AccountSelection, Selection, analyze};
use steward::snapshot;

fn site_json() -> Value {
    json!({
      "snapshotVersion": 1,
      "permissionSchemes": {"permissionSchemes": [
        {"id": 1, "name": "Shared", "permissions": [
          {"id": 11, "permission": "BROWSE_PROJECTS", "holder": {"type": "projectRole", "value": "10"}},
          {"id": 12, "permission": "EDIT_ISSUES", "holder": {"type": "projectRole", "value": "10"}},
          {"id": 13, "permission": "DELETE_ISSUES", "holder": {"type": "user", "value": "bot-a"}},
          {"id": 14, "permission": "ADD_COMMENTS", "holder": {"type": "reporter"}}]},
        {"id": 2, "name": "Locked", "permissions": [
          {"id": 21, "permission": "BROWSE_PROJECTS", "holder": {"type": "group", "parameter": "admins", "value": "g-admins"}}]}]},
      "projects": [{"isLast": true, "values": [
        {"id": "100", "key": "AAA", "name": "A"}, {"id": "101", "key": "BBB", "name": "B"}, {"id": "102", "key": "CCC", "name": "C"}]}],
      "projectPermissionSchemes": {"AAA": {"id": 1}, "BBB": {"id": 1}, "CCC": {"id": 2}},
      "roles": [{"id": 10, "name": "Bots"}],
      "projectRoles": {
        "AAA": {"10": {"id": 10, "actors": [{"type": "atlassian-group-role-actor", "actorGroup": {"name": "bots", "groupId": "g-bots"}}]}},
        "BBB": {"10": {"id": 10, "actors": []}}},
      "users": [[
        {"accountId": "bot-a", "accountType": "app", "appType": "service", "active": true, "displayName": "Bot A"},
        {"accountId": "bot-b", "accountType": "app", "appType": "service", "active": true, "displayName": "Bot B"},
        {"accountId": "rovo", "accountType": "app", "appType": "agent", "active": true, "displayName": "Rovo"},
        {"accountId": "hana", "accountType": "atlassian", "active": true, "displayName": "Hana"}]],
      "groups": [{"isLast": true, "values": [{"groupId": "g-bots", "name": "bots"}, {"groupId": "g-admins", "name": "admins"}]}],
      "groupMembers": {
        "g-bots": [{"isLast": true, "values": [{"accountId": "bot-a"}, {"accountId": "bot-b"}]}],
        "g-admins": [{"isLast": true, "values": [{"accountId": "hana"}]}]}
    })
}

fn site() -> steward::model::Site {
    snapshot::load(&site_json().to_string()).unwrap().0
}

fn changes(value: Value) -> ChangeSet {
    serde_json::from_value(value).unwrap()
}

fn summary(diff: &steward::engine::what_if::WhatIf) -> Vec<String> {
    diff.changes.iter().map(|c| format!("{} {} {} {}", c.change, c.account_id, c.project, c.permission)).collect()
}

#[test]
fn removing_a_group_from_a_role_shows_every_member_losing_access_there_only() {
    let diff = what_if(
        &site(),
        &changes(
            json!({"changes": [{"op": "removeRoleActor", "project": "AAA", "roleId": "10", "groupId": "g-bots"}]}),
        ),
    )
    .unwrap();

    assert_eq!(
        summary(&diff),
        [
            "lost bot-a AAA BROWSE_PROJECTS",
            "lost bot-a AAA EDIT_ISSUES",
            "lost bot-b AAA BROWSE_PROJECTS",
            "lost bot-b AAA EDIT_ISSUES"
        ]
    );
    assert_eq!((diff.accounts_affected, diff.projects_affected), (2, 1));
    assert!(diff.changes[0].paths[0].contains("actor group \"bots\""), "{:?}", diff.changes[0].paths);
}

#[test]
fn a_check_taken_before_the_change_does_not_keep_the_access_the_change_removes() {
    // Jira's check says bot-a holds what role 10 (through group g-bots) and its direct grant give
    // in AAA. After the group leaves the role, that answer is stale: what-if must show the loss.
    let mut json = site_json();
    json["permissionChecks"] = json!({"bot-a": [{
        "request": {"accountId": "bot-a", "projectPermissions": [
            {"permissions": ["BROWSE_PROJECTS", "EDIT_ISSUES", "DELETE_ISSUES"], "projects": [100, 101]}]},
        "response": {"globalPermissions": [], "projectPermissions": [
            {"permission": "BROWSE_PROJECTS", "projects": [100]},
            {"permission": "EDIT_ISSUES", "projects": [100]},
            {"permission": "DELETE_ISSUES", "projects": [100, 101]}]}}]});
    let site = snapshot::load(&json.to_string()).unwrap().0;
    let remove =
        changes(json!({"changes": [{"op": "removeRoleActor", "project": "AAA", "roleId": "10", "groupId": "g-bots"}]}));

    let diff = what_if(&site, &remove).unwrap();
    assert_eq!(
        summary(&diff),
        [
            "lost bot-a AAA BROWSE_PROJECTS",
            "lost bot-a AAA EDIT_ISSUES",
            "lost bot-b AAA BROWSE_PROJECTS",
            "lost bot-b AAA EDIT_ISSUES"
        ]
    );
    let after = steward::engine::what_if::apply(&site, &remove).unwrap();
    let bot_a = &analyze(&after, &Selection::default()).accounts.into_iter().find(|a| a.account_id == "bot-a").unwrap();
    let aaa = bot_a.projects.iter().find(|p| p.key == "AAA").unwrap();
    let held: Vec<&str> =
        aaa.permissions.iter().filter(|(_, paths)| paths.iter().any(|p| !p.conditional)).map(|(k, _)| &**k).collect();
    assert_eq!(held, ["DELETE_ISSUES"], "no stale check path survives");
}

#[test]
fn adding_a_grant_reaches_every_project_that_uses_the_scheme() {
    let diff = what_if(
        &site(),
        &changes(json!({"changes": [{"op": "addGrant", "schemeId": "1", "permission": "DELETE_ALL_COMMENTS",
                                     "holder": {"type": "user", "value": "bot-b"}}]})),
    )
    .unwrap();

    assert_eq!(summary(&diff), ["gained bot-b AAA DELETE_ALL_COMMENTS", "gained bot-b BBB DELETE_ALL_COMMENTS"]);
}

/// Whether bot-b administers Jira is unknown (no check), but that is the global permission, not
/// a project one: a grant of ADMINISTER_PROJECTS is a gain like any other.
#[test]
fn a_grant_of_administer_projects_is_a_gain_whatever_jira_administration_is() {
    let diff = what_if(
        &site(),
        &changes(json!({"changes": [{"op": "addGrant", "schemeId": "1", "permission": "ADMINISTER_PROJECTS",
                                     "holder": {"type": "user", "value": "bot-b"}}]})),
    )
    .unwrap();
    assert_eq!(summary(&diff), ["gained bot-b AAA ADMINISTER_PROJECTS", "gained bot-b BBB ADMINISTER_PROJECTS"]);
    assert!(diff.unsure.is_empty(), "{:?}", diff.unsure);
}

#[test]
fn switching_to_a_scheme_whose_role_actors_were_not_read_is_unsure_not_lost() {
    // CCC's role actors are not in the snapshot: after the switch, whether hana browses CCC
    // through role 10 cannot be known, so it is neither kept nor lost.
    let diff =
        what_if(&site(), &changes(json!({"changes": [{"op": "setProjectScheme", "project": "CCC", "schemeId": "1"}]})))
            .unwrap();

    let lines = summary(&diff);
    assert!(!lines.iter().any(|l| l.starts_with("lost hana CCC")), "{lines:?}");
    let browse = diff.unsure.iter().find(|u| u.account_id == "hana" && u.key == "BROWSE_PROJECTS").unwrap();
    assert_eq!(
        (browse.subject, browse.project.as_str(), browse.before, browse.after),
        ("permission", "CCC", "yes", "unknown")
    );
    assert!(lines.contains(&"gained bot-a CCC DELETE_ISSUES".to_owned()), "{lines:?}");
}

#[test]
fn switching_a_projects_scheme_diffs_both_ways() {
    let mut json = site_json();
    json["projectRoles"]["CCC"] = json!({"10": {"id": 10, "actors": []}});
    let site = snapshot::load(&json.to_string()).unwrap().0;
    let diff =
        what_if(&site, &changes(json!({"changes": [{"op": "setProjectScheme", "project": "CCC", "schemeId": "1"}]})))
            .unwrap();

    let lines = summary(&diff);
    assert!(lines.contains(&"lost hana CCC BROWSE_PROJECTS".to_owned()), "{lines:?}");
    assert!(lines.contains(&"gained bot-a CCC DELETE_ISSUES".to_owned()), "{lines:?}");
    let comment = diff.changes.iter().find(|c| c.account_id == "hana" && c.permission == "ADD_COMMENTS").unwrap();
    assert!(comment.conditional, "a reporter grant is gained only conditionally");
}

#[test]
fn adding_a_group_member_gains_what_the_group_gives() {
    let diff = what_if(
        &site(),
        &changes(json!({"changes": [{"op": "addGroupMember", "groupId": "g-admins", "accountId": "bot-b"}]})),
    )
    .unwrap();

    assert_eq!(summary(&diff), ["gained bot-b CCC BROWSE_PROJECTS"]);
}

#[test]
fn what_if_leaves_the_site_it_was_given_unchanged() {
    let site = site();
    let set = changes(json!({"changes": [{"op": "removeGrant", "schemeId": "1", "grantId": "13"}]}));
    let first = what_if(&site, &set).unwrap();
    let second = what_if(&site, &set).unwrap();
    assert_eq!(summary(&first), ["lost bot-a AAA DELETE_ISSUES", "lost bot-a BBB DELETE_ISSUES"]);
    assert_eq!(summary(&first), summary(&second));
}

#[test]
fn what_if_errors_name_what_was_wrong() {
    let site = site();
    let err = |v: Value| what_if(&site, &changes(v)).unwrap_err();
    assert_eq!(
        err(json!({"changes": [{"op": "removeGrant", "schemeId": "1", "grantId": "999"}]})),
        WhatIfError::UnknownGrant { scheme: "1".into(), grant: "999".into() }
    );
    assert_eq!(
        err(json!({"changes": [{"op": "setProjectScheme", "project": "NOPE", "schemeId": "1"}]})).to_string(),
        "project `NOPE` is not in the snapshot"
    );
    assert!(matches!(
        err(json!({"changes": [{"op": "addRoleActor", "project": "AAA", "roleId": "10"}]})),
        WhatIfError::RoleActorNeedsOne { .. }
    ));
    assert!(matches!(
        err(json!({"changes": [{"op": "removeRoleActor", "project": "BBB", "roleId": "10", "accountId": "bot-a"}]})),
        WhatIfError::NotAnActor { .. }
    ));
}

#[test]
fn a_change_set_with_an_unknown_field_is_rejected_as_input() {
    let answer: Value =
        serde_json::from_str(&api::LoadedSnapshot::from_text(&site_json().to_string(), &Default::default()).what_if(
            r#"{"changes": [{"op": "setProjectScheme", "project": "CCC", "schemeId": "1", "sheme": "typo"}]}"#,
        ))
        .unwrap();
    assert_eq!(answer["type"], "failure");
    assert_eq!(answer["errors"][0]["code"], "bad-change-set");
    assert!(answer["errors"][0]["message"].as_str().unwrap().contains("sheme"));
}

#[test]
fn why_not_names_the_role_and_whether_the_account_meets_it() {
    let site = site();
    let answer = why_not(&site, "rovo", "AAA", "EDIT_ISSUES").unwrap();
    assert!(!answer.held);
    assert_eq!(answer.options.len(), 1);
    assert_eq!(answer.options[0].status, "missing");
    assert_eq!(answer.options[0].need, "to be in role \"Bots\" [10] in AAA, directly or through a group");

    let held = why_not(&site, "bot-a", "AAA", "EDIT_ISSUES").unwrap();
    assert!(held.held);

    let conditional = why_not(&site, "rovo", "AAA", "ADD_COMMENTS").unwrap();
    assert_eq!(conditional.options[0].status, "conditional");

    let nothing = why_not(&site, "rovo", "CCC", "EDIT_ISSUES").unwrap();
    assert!(nothing.options.is_empty());
    assert!(nothing.note.unwrap().contains("no grant in scheme \"Locked\""));
}

#[test]
fn why_not_says_unknown_where_the_role_actors_were_not_collected() {
    let mut json = site_json();
    json["projectRoles"].as_object_mut().unwrap().remove("BBB");
    let site = snapshot::load(&json.to_string()).unwrap().0;
    let answer = why_not(&site, "rovo", "BBB", "EDIT_ISSUES").unwrap();
    assert_eq!(answer.options[0].status, "unknown");
}

#[test]
fn default_selection_is_every_non_human_account() {
    let analysis = analyze(&site(), &Selection::default());
    let ids: Vec<&str> = analysis.accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(ids, ["bot-a", "bot-b", "rovo"]);
    let kinds: Vec<&str> = analysis.accounts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, ["service", "service", "app"]);
}

#[test]
fn selecting_one_account_and_one_project_narrows_the_answer() {
    let selection = Selection {
        accounts: AccountSelection::One("hana".into()),
        project: Some("CCC".into()),
        ..Selection::default()
    };
    let analysis = analyze(&site(), &selection);
    assert_eq!(analysis.accounts.len(), 1);
    let projects: Vec<&str> = analysis.accounts[0].projects.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(projects, ["CCC"]);

    let missing =
        analyze(&site(), &Selection { accounts: AccountSelection::One("ghost".into()), ..Selection::default() });
    assert!(missing.accounts.is_empty());
    assert_eq!(serde_json::to_value(missing.warnings[0].code).unwrap(), "unknown-reference");
}

#[test]
fn analysis_output_is_deterministic() {
    let text = site_json().to_string();
    let options = api::AnalyzeOptions { all_accounts: true, ..Default::default() };
    let a = serde_json::to_string(&api::LoadedSnapshot::from_text(&text, &options.scope()).analysis(&options).unwrap())
        .unwrap();
    let b = serde_json::to_string(&api::LoadedSnapshot::from_text(&text, &options.scope()).analysis(&options).unwrap())
        .unwrap();
    assert_eq!(a, b);
}

/// Removing the role actor that lets a bot see a restricted issue security level is a loss, even
/// where no permission changes.
#[test]
fn what_if_reports_a_security_level_lost() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/security_level_via_role/snapshot.json");
    let snapshot = std::fs::read_to_string(dir).unwrap();
    let changes = r#"{"changes":[{"op":"removeRoleActor","project":"ABC","roleId":"10002","accountId":"bot-1"}]}"#;
    let answer: Value =
        serde_json::from_str(&api::LoadedSnapshot::from_text(&snapshot, &Default::default()).what_if(changes)).unwrap();
    let levels = answer["result"]["levels"].as_array().unwrap();
    let lost: Vec<(&str, &str, &str)> = levels
        .iter()
        .map(|l| (l["accountId"].as_str().unwrap(), l["levelName"].as_str().unwrap(), l["change"].as_str().unwrap()))
        .collect();
    assert_eq!(lost, [("bot-1", "Developers only", "lost")]);
    assert_eq!(answer["result"]["accountsAffected"], 1);
}

/// The same removal where role 10002 also holds a group whose members were not collected: after
/// it, whether bot-1 sees the level is unknown, so it is listed as unsure, not lost.
#[test]
fn what_if_does_not_call_a_level_lost_when_it_becomes_unknown() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/security_level_via_role/snapshot.json");
    let mut snapshot: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    snapshot["projectRoles"]["ABC"]["10002"]["actors"].as_array_mut().unwrap().push(json!(
        {"id": 20011, "type": "atlassian-group-role-actor", "actorGroup": {"name": "x", "groupId": "g-x"}}));
    snapshot["groups"][0]["values"].as_array_mut().unwrap().push(json!({"groupId": "g-x", "name": "x"}));
    let changes = r#"{"changes":[{"op":"removeRoleActor","project":"ABC","roleId":"10002","accountId":"bot-1"}]}"#;
    let answer: Value = serde_json::from_str(
        &api::LoadedSnapshot::from_text(&snapshot.to_string(), &Default::default()).what_if(changes),
    )
    .unwrap();

    assert_eq!(answer["result"]["levels"], json!([]), "{answer}");
    assert_eq!(answer["result"]["accountsAffected"], 0);
    let unsure: Vec<(&str, &str, &str, &str, &str)> = answer["result"]["unsure"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["accountId"] == "bot-1")
        .map(|u| {
            let s = |k: &str| u[k].as_str().unwrap();
            (s("subject"), s("project"), s("key"), s("before"), s("after"))
        })
        .collect();
    assert!(unsure.contains(&("level", "ABC", "10020", "yes", "unknown")), "{unsure:?}");
}

/// Adding an actor to a role the snapshot never collected (CCC's role 10) gives that actor the
/// role; everyone else stays unknown there, never a definite "no".
#[test]
fn adding_an_actor_to_a_role_never_collected_leaves_the_rest_unknown() {
    let change = changes(json!({"changes": [
        {"op": "setProjectScheme", "project": "CCC", "schemeId": "1"},
        {"op": "addRoleActor", "project": "CCC", "roleId": "10", "accountId": "bot-b"}]}));
    let after = steward::engine::what_if::apply(&site(), &change).unwrap();
    let selection = Selection { accounts: AccountSelection::All, ..Selection::default() };
    let analysis = analyze(&after, &selection);
    let ccc = |id: &str| {
        analysis.accounts.iter().find(|a| a.account_id == id).unwrap().projects.iter().find(|p| p.key == "CCC")
    };
    let bot_b = ccc("bot-b").unwrap();
    assert!(
        bot_b.permissions.iter().any(|(k, paths)| &**k == "BROWSE_PROJECTS" && paths.iter().any(|p| !p.conditional))
    );
    let hana = ccc("hana").unwrap();
    assert!(hana.unresolved.iter().any(|u| u.permission == "BROWSE_PROJECTS"), "{:?}", hana.unresolved);
}

/// Jira administrators administer every project whatever its scheme; only Jira's check, asked
/// about `ADMINISTER`, says who they are. Without it, "not administering" is never claimed.
/// Jira administration (global ADMINISTER) is a fact of the account, yes, no or unknown; it is
/// never a path to the project permission ADMINISTER_PROJECTS, which Jira documents apart.
#[test]
fn jira_administration_is_a_fact_of_its_own_not_a_project_permission() {
    let check = |granted: &[&str]| {
        json!({"bot-a": [{"request": {"accountId": "bot-a", "globalPermissions": ["ADMINISTER"]},
                          "response": {"globalPermissions": granted, "projectPermissions": []}}]})
    };
    let mut cases = Vec::new();
    for (checks, expected) in [(None, "unknown"), (Some(check(&[])), "no"), (Some(check(&["ADMINISTER"])), "yes")] {
        let mut json = site_json();
        json["permissions"] = json!({"permissions": {
            "ADMINISTER": {"key": "ADMINISTER", "type": "GLOBAL"},
            "ADMINISTER_PROJECTS": {"key": "ADMINISTER_PROJECTS", "type": "PROJECT"}}});
        if let Some(checks) = checks {
            json["permissionChecks"] = checks;
        }
        let text = json.to_string();
        let answer: Value =
            serde_json::from_str(&api::analyze_json(&text, r#"{"accountId":"bot-a","skipTransitions":true}"#)).unwrap();
        assert_eq!(answer["accounts"][0]["jiraAdmin"], expected, "{answer}");
        let administers: Vec<&Value> = answer["accounts"][0]["projects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["permissions"].get("ADMINISTER_PROJECTS").is_some())
            .collect();
        let site = snapshot::load(&text).unwrap().0;
        let why = why_not(&site, "bot-a", "CCC", "ADMINISTER_PROJECTS").unwrap();
        let via_global = why.options.iter().any(|o| o.need.contains("global permission ADMINISTER"));
        cases.push((expected, administers.len(), why.held, via_global));
    }
    assert_eq!(cases, [("unknown", 0, false, false), ("no", 0, false, false), ("yes", 0, false, false)]);
}

/// A change to a group moves the transitions whose conditions test it: what-if lists them as it
/// lists permissions, with the workflow and why the transition passed.
#[test]
fn what_if_compares_transitions_as_it_compares_permissions() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/transition_guarded_by_group/snapshot.json");
    let site = snapshot::load(&std::fs::read_to_string(path).unwrap()).unwrap().0;
    let group = "6a7b8c9d-0000-4000-8000-0000000e1ea5";
    let changes: ChangeSet = serde_json::from_value(json!({"changes": [
        {"op": "removeGroupMember", "groupId": group, "accountId": "bot-1"},
        {"op": "addGroupMember", "groupId": group, "accountId": "human-1"}]}))
    .unwrap();
    let answer = what_if(&site, &changes).unwrap();
    let moved: Vec<(&str, &str, &str, &str, &str)> = answer
        .transitions
        .iter()
        .map(|t| {
            (t.account_id.as_str(), t.change, t.workflow.as_str(), t.transition_id.as_str(), t.transition_name.as_str())
        })
        .collect();
    assert_eq!(
        moved,
        [
            ("bot-1", "lost", "Release workflow", "31", "Release"),
            ("human-1", "gained", "Release workflow", "31", "Release")
        ]
    );
    assert!(answer.transitions.iter().all(|t| !t.conditional && t.because.iter().any(|b| b.contains("passes"))));
    assert!(answer.changes.is_empty(), "no permission moves: {:?}", answer.changes);
    assert_eq!((answer.accounts_affected, answer.projects_affected), (2, 1));
}

/// The level listing gives each level its name, description and default flag, in both forms.
#[test]
fn a_level_read_from_the_level_listing_has_its_name_description_and_default_flag() {
    let path =
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/security_levels_named_by_level_listing/snapshot.json");
    let text = std::fs::read_to_string(path).unwrap();
    let answer: Value = serde_json::from_str(&api::analyze_json(&text, r#"{"skipTransitions":true}"#)).unwrap();
    let level = &answer["accounts"][0]["projects"][0]["securityLevels"][0];
    assert_eq!(level["name"], "Integrations", "{answer}");
    assert_eq!(level["description"], "Issues the integration bots work on.");
    assert_eq!(level["isDefault"], true);
    let matrix: Value =
        serde_json::from_str(&api::analyze_json(&text, r#"{"skipTransitions":true,"form":"matrix"}"#)).unwrap();
    let levels = matrix["sets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["securityLevels"].as_array().cloned().unwrap_or_default());
    assert!(levels.into_iter().any(|l| l["name"] == "Integrations" && l["isDefault"] == true), "{matrix}");
}
