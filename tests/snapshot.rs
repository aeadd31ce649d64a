//! Loading snapshots: well-formed pages take the one-pass path, a bad element costs only itself,
//! and the format's version and unknown parts are handled as documented.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests fail loudly on a bad fixture")]

use steward::snapshot::{SnapshotError, load};
use steward::warning::WarningCode;

/// The warnings other than `missing-part`, which these small snapshots (no projects or users part)
/// rightly also carry.
fn besides_missing(warnings: &[steward::warning::Warning]) -> Vec<&steward::warning::Warning> {
    warnings.iter().filter(|w| w.code != WarningCode::MissingPart).collect()
}

/// The warnings about skipped data (a snapshot without schemes also warns `missing-part`).
fn skipped(warnings: &[steward::warning::Warning]) -> Vec<&steward::warning::Warning> {
    warnings.iter().filter(|w| w.code == WarningCode::SkippedItem).collect()
}

#[test]
fn a_bad_element_is_skipped_and_named_by_its_position_across_pages() {
    let (site, warnings) = load(
        r#"{"snapshotVersion": 1, "users": [
            [{"accountId": "a"}, {"accountId": "b"}],
            [{"accountId": "c"}, {"displayName": "no id"}, {"accountId": "e"}]]}"#,
    )
    .unwrap();

    let ids: Vec<&String> = site.accounts.keys().collect();
    assert_eq!(ids, ["a", "b", "c", "e"]);
    let skipped = skipped(&warnings);
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].message.starts_with("skipped user at position 3:"), "{}", skipped[0].message);
}

#[test]
fn a_bad_grant_costs_only_that_grant() {
    let (site, warnings) = load(
        r#"{"snapshotVersion": 1, "permissionSchemes": {"permissionSchemes": [
            {"id": 1, "name": "One", "permissions": [
                {"id": 10, "permission": "BROWSE_PROJECTS", "holder": {"type": "anyone"}},
                {"id": 11, "permission": "EDIT_ISSUES"},
                {"id": 12, "permission": "ADD_COMMENTS", "holder": {"type": "reporter"}}]},
            {"id": 2, "name": "Two", "permissions": []}]}}"#,
    )
    .unwrap();

    assert_eq!(site.schemes.len(), 2);
    let grants: Vec<&str> = site.schemes["1"].grants.iter().map(|g| g.permission.as_str()).collect();
    assert_eq!(grants, ["BROWSE_PROJECTS", "ADD_COMMENTS"]);
    let other = besides_missing(&warnings);
    assert_eq!(other.len(), 1, "{warnings:?}");
    assert_eq!(other[0].code, WarningCode::SkippedItem);
    assert!(other[0].message.contains("grant of permission scheme 1 at position 1"), "{}", other[0].message);
}

#[test]
fn a_page_that_is_neither_an_object_nor_an_array_is_reported() {
    let (site, warnings) = load(r#"{"snapshotVersion": 1, "projects": ["oops", [{"key": "A"}]]}"#).unwrap();
    assert!(site.projects.contains_key("A"));
    assert!(skipped(&warnings)[0].message.contains("page 0 of projects"), "{warnings:?}");
}

#[test]
fn ids_come_as_numbers_or_strings_and_end_up_the_same() {
    let (site, warnings) = load(
        r#"{"snapshotVersion": 1, "permissionSchemes": {"permissionSchemes": [{"id": "7", "name": "S", "permissions": [
            {"id": 1, "permission": "X", "holder": {"type": "projectRole", "parameter": 10002, "value": 10002}}]}]}}"#,
    )
    .unwrap();
    assert!(besides_missing(&warnings).is_empty(), "{warnings:?}");
    assert_eq!(site.schemes["7"].grants[0].holder, steward::model::Holder::ProjectRole("10002".into()));
}

#[test]
fn an_unknown_part_is_a_warning_and_another_version_an_error() {
    let (_, warnings) = load(r#"{"snapshotVersion": 1, "dashboards": []}"#).unwrap();
    let unknown: Vec<_> = warnings.iter().filter(|w| w.code == WarningCode::UnknownSnapshotPart).collect();
    assert_eq!(unknown.len(), 1, "{warnings:?}");
    assert!(unknown[0].message.contains("`dashboards`"));
    assert_eq!(besides_missing(&warnings).len(), 1, "{warnings:?}");
    for part in ["permission schemes", "`projects`", "`users`"] {
        assert!(
            warnings.iter().any(|w| w.code == WarningCode::MissingPart && w.message.contains(part)),
            "{part}: {warnings:?}"
        );
    }
    assert!(
        matches!(load(r#"{"users": []}"#).unwrap_err(), SnapshotError::Malformed { .. }),
        "the version is required"
    );

    assert_eq!(load(r#"{"snapshotVersion": 2}"#).unwrap_err(), SnapshotError::UnsupportedVersion { found: 2 });
    assert!(matches!(load("[]").unwrap_err(), SnapshotError::Malformed { .. }));
    assert!(matches!(load("").unwrap_err(), SnapshotError::Malformed { .. }));
}

#[test]
fn a_group_known_only_by_name_still_joins_up_with_its_id_later() {
    let (site, _) = load(
        r#"{"snapshotVersion": 1,
            "groups": [[{"groupId": "g-1", "name": "devs"}]],
            "users": [[{"accountId": "bot", "groups": {"size": 1, "items": [{"name": "devs"}]}}]]}"#,
    )
    .unwrap();
    let groups = site.accounts["bot"].groups.as_ref().unwrap();
    assert!(groups.contains("g-1"), "{groups:?}");
}

/// An own group or application role the snapshot cannot name makes the list unknown: it can no
/// longer say the account is in no other group or role.
#[test]
fn an_own_list_with_an_item_it_cannot_name_proves_no_absence() {
    let (site, _) = load(
        r#"{"snapshotVersion": 1,
            "users": [[
              {"accountId": "unnamed", "groups": {"size": 2, "items": [{"groupId": "g-1", "name": "a"}, {}]},
               "applicationRoles": {"size": 1, "items": [{"key": "jira-software"}]}},
              {"accountId": "by-name", "groups": {"size": 1, "items": [{"name": "devs"}]}},
              {"accountId": "role-without-key", "groups": {"size": 0, "items": []},
               "applicationRoles": {"size": 2, "items": [{"key": "jira-software"}, {"name": "Jira"}]}},
              {"accountId": "whole", "groups": {"size": 1, "items": [{"groupId": "g-1", "name": "a"}]},
               "applicationRoles": {"size": 1, "items": [{"key": "jira-software"}]}}]]}"#,
    )
    .unwrap();
    let groups = |id: &str| site.accounts[id].groups.clone();
    let roles = |id: &str| site.accounts[id].app_roles.clone();
    assert_eq!(groups("unnamed"), None, "an item without id or name");
    assert!(roles("unnamed").is_some());
    assert_eq!(groups("by-name"), None, "a name no groups part ties to an id");
    assert!(groups("role-without-key").is_some());
    assert_eq!(roles("role-without-key"), None, "an application role without a key");
    assert_eq!(groups("whole").map(|g| g.len()), Some(1));
    assert_eq!(roles("whole").map(|r| r.len()), Some(1));
}

/// A mapping row without ids may be any project's: the mapping stops proving "no scheme".
#[test]
fn a_security_mapping_row_without_ids_leaves_the_mapping_unknown() {
    let text = |row: &str| {
        format!(
            r#"{{"snapshotVersion": 1,
                "issueSecuritySchemes": {{"issueSecuritySchemes": [{{"id": 1, "name": "S"}}]}},
                "issueSecurityProjects": [{{"isLast": true, "values": [{row}]}}]}}"#
        )
    };
    let (whole, _) = load(&text(r#"{"issueSecuritySchemeId": "1", "projectId": "9"}"#)).unwrap();
    assert!(whole.security_mapping_known);
    let (site, warnings) = load(&text(r#"{"issueSecuritySchemeId": null, "projectId": "9"}"#)).unwrap();
    assert!(!site.security_mapping_known);
    assert!(warnings.iter().any(|w| w.code == WarningCode::SkippedItem && w.message.contains("names no scheme")));
}

/// A page with neither `isLast` nor `nextPage` is the last one read; its `total` says whether
/// the listing goes on past it (as a number or as text).
#[test]
fn a_page_without_paging_flags_is_whole_only_when_its_total_is_reached() {
    let incomplete = |page: &str| {
        let text = format!(
            r#"{{"snapshotVersion": 1, "groups": [[{{"groupId": "g", "name": "g"}}]],
                "groupMembers": {{"g": [{page}]}}}}"#
        );
        load(&text).unwrap().0.incomplete_groups.contains("g")
    };
    assert!(incomplete(r#"{"startAt": 0, "total": 3, "values": [{"accountId": "a"}]}"#));
    assert!(incomplete(r#"{"startAt": "1", "total": "3", "values": [{"accountId": "a"}]}"#));
    assert!(!incomplete(r#"{"startAt": 2, "total": 3, "values": [{"accountId": "a"}]}"#));
    assert!(!incomplete(r#"{"total": 1, "values": [{"accountId": "a"}]}"#));
    assert!(!incomplete(r#"{"isLast": true, "total": 9, "values": [{"accountId": "a"}]}"#), "isLast decides");
}
