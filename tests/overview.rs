//! The walking-skeleton slice: permission schemes and their projects, read through the host bridge.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests fail loudly on a bad fixture")]

mod support;

use serde_json::{Value, json};
use steward::api;
use steward::collect::endpoint_of;
use steward::host::Method;
use support::{RecordedHost, SCHEMES, project_scheme_path, run};

fn answer(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap()
}

fn two_schemes() -> String {
    json!({"permissionSchemes": [
        {"id": 2, "name": "Beta", "permissions": [{"id": 1, "permission": "BROWSE_PROJECTS", "holder": {"type": "anyone"}}]},
        {"id": 1, "name": "Alpha", "description": "", "permissions": [
            {"id": 2, "permission": "EDIT_ISSUES", "holder": {"type": "group", "parameter": "devs", "value": "g-1",
              "expand": "group", "group": {"name": "devs", "groupId": "g-1"}}},
            {"id": 3, "permission": "ADD_COMMENTS", "holder": {"type": "projectRole", "parameter": "10002", "value": "10002"}}]}
    ]})
    .to_string()
}

fn scheme(id: u64, name: &str) -> String {
    json!({"id": id, "name": name, "permissions": []}).to_string()
}

#[test]
fn admin_overview_follows_next_page_links_and_maps_projects_to_schemes() {
    let host = RecordedHost::new()
        .on(SCHEMES, 200, two_schemes())
        .on(
            "/rest/api/3/project/search?maxResults=100",
            200,
            json!({"startAt": 0, "maxResults": 2, "total": 3, "isLast": false,
                   "nextPage": "https://x.atlassian.net/rest/api/3/project/search?startAt=2&maxResults=2",
                   "values": [{"id": "10", "key": "ZED", "name": "Zed"}, {"id": "11", "key": "ABC", "name": "Abc"}]})
            .to_string(),
        )
        .on(
            "/rest/api/3/project/search?startAt=2&maxResults=2",
            200,
            json!({"startAt": 2, "maxResults": 2, "total": 3, "isLast": true, "values": [{"id": "12", "key": "MID", "name": "Mid"}]})
                .to_string(),
        )
        .on(&project_scheme_path("ZED"), 200, scheme(1, "Alpha"))
        .on(&project_scheme_path("ABC"), 200, scheme(1, "Alpha"))
        .on(&project_scheme_path("MID"), 200, scheme(2, "Beta"));

    let overview = answer(&run(api::admin_overview(&host)));

    assert_eq!(overview["type"], "success", "{overview}");
    let schemes = overview["result"]["schemes"].as_array().unwrap();
    assert_eq!(schemes[0]["name"], "Alpha");
    assert_eq!(schemes[0]["grantCount"], 2);
    assert_eq!(schemes[0]["projects"], json!(["ABC", "ZED"]));
    assert_eq!(schemes[0]["description"], Value::Null, "an empty description is no description");
    assert_eq!(schemes[1]["projects"], json!(["MID"]));
    assert_eq!(overview["result"]["projectCount"], 3);
    assert_eq!(overview["warnings"], json!([]));
}

#[test]
fn paging_without_next_page_counts_start_at_from_what_was_returned() {
    // Jira lowered maxResults to 1 silently; the next request must start at 1, not at 100.
    let host = RecordedHost::new()
        .on(SCHEMES, 200, r#"{"permissionSchemes": []}"#)
        .on(
            "/rest/api/3/project/search?maxResults=100",
            200,
            r#"{"startAt": 0, "maxResults": 1, "isLast": false, "values": [{"key": "A"}]}"#,
        )
        .on(
            "/rest/api/3/project/search?maxResults=100&startAt=1",
            200,
            r#"{"startAt": 1, "maxResults": 1, "isLast": true, "values": [{"key": "B"}]}"#,
        )
        .on(&project_scheme_path("A"), 200, scheme(1, "S"))
        .on(&project_scheme_path("B"), 200, scheme(1, "S"));

    let overview = answer(&run(api::admin_overview(&host)));

    assert_eq!(overview["result"]["projectCount"], 2, "{overview}");
}

#[test]
fn paging_that_repeats_stops_with_a_warning_instead_of_looping() {
    let host = RecordedHost::new()
        .on(SCHEMES, 200, r#"{"permissionSchemes": []}"#)
        .on(
            "/rest/api/3/project/search?maxResults=100",
            200,
            r#"{"isLast": false, "nextPage": "https://x/rest/api/3/project/search?maxResults=100", "values": [{"key": "A"}]}"#,
        )
        .on(&project_scheme_path("A"), 200, scheme(1, "S"));

    let overview = answer(&run(api::admin_overview(&host)));

    assert_eq!(overview["type"], "success");
    assert_eq!(overview["warnings"][0]["code"], "paging-stopped", "{overview}");
}

#[test]
fn a_project_whose_scheme_is_forbidden_is_unmapped_not_schemeless() {
    let host = RecordedHost::new()
        .on(SCHEMES, 200, two_schemes())
        .on(
            "/rest/api/3/project/search?maxResults=100",
            200,
            r#"{"isLast": true, "values": [{"key": "OK"}, {"key": "SECRET"}]}"#,
        )
        .on(&project_scheme_path("OK"), 200, scheme(2, "Beta"))
        .on(
            &project_scheme_path("SECRET"),
            403,
            r#"{"errorMessages": ["You don't have permission to view the project's configuration."], "errors": {}}"#,
        );

    let overview = answer(&run(api::admin_overview(&host)));

    assert_eq!(overview["result"]["unmappedProjects"], json!(["SECRET"]));
    let warning = &overview["warnings"][0];
    assert_eq!(warning["code"], "project-scheme-unreadable");
    let message = warning["message"].as_str().unwrap();
    assert!(
        message.contains("`SECRET`") && message.contains("403") && message.contains("permission to view"),
        "{message}"
    );
}

#[test]
fn a_malformed_scheme_is_skipped_with_a_warning_and_the_rest_kept() {
    let host = RecordedHost::new()
        .on(
            SCHEMES,
            200,
            r#"{"permissionSchemes": [{"id": 1, "name": "Good"}, {"id": 2, "name": 42}, "not an object"]}"#,
        )
        .on("/rest/api/3/project/search?maxResults=100", 200, r#"{"isLast": true, "values": []}"#);

    let overview = answer(&run(api::admin_overview(&host)));

    assert_eq!(overview["result"]["schemes"].as_array().unwrap().len(), 1);
    let codes: Vec<&str> =
        overview["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["skipped-item", "skipped-item"]);
}

#[test]
fn a_body_that_is_not_json_fails_with_an_error_naming_the_path() {
    let host = RecordedHost::new().on(SCHEMES, 200, "<html>proxy error</html>");

    let overview = answer(&run(api::admin_overview(&host)));

    assert_eq!(overview["type"], "failure");
    assert_eq!(overview["errors"][0]["code"], "decode");
    assert!(overview["errors"][0]["path"].as_str().unwrap().starts_with("/rest/api/3/permissionscheme"));
}

#[test]
fn project_overview_reads_only_the_given_projects_scheme() {
    let host = RecordedHost::new().on(&project_scheme_path("PAY"), 200, two_schemes_first());

    let overview = answer(&run(api::project_overview(&host, "PAY")));

    assert_eq!(overview["result"]["projectKey"], "PAY");
    assert_eq!(overview["result"]["permissionScheme"]["name"], "Finance");
    assert_eq!(host.paths().len(), 1);
}

fn two_schemes_first() -> String {
    json!({"id": 7, "name": "Finance", "permissions": [{"id": 1, "permission": "BROWSE_PROJECTS", "holder": {"type": "anyone"}}]})
        .to_string()
}

#[test]
fn a_hostile_project_key_is_encoded_into_one_path_segment() {
    let host = RecordedHost::new();

    let _ = run(api::project_overview(&host, "../../admin?x=1"));

    // The unanswered call is retried; every attempt asks for the same single, encoded segment.
    let mut paths = host.paths();
    paths.dedup();
    assert_eq!(
        paths,
        [
            "/rest/api/3/project/..%2F..%2Fadmin%3Fx%3D1/permissionscheme?expand=permissions%2Cuser%2Cgroup%2CprojectRole%2Cfield"
        ]
    );
}

#[test]
fn check_permission_reads_have_permission_and_treats_absence_as_no() {
    let yes = RecordedHost::new().on(
        "/rest/api/3/mypermissions?permissions=ADMINISTER_PROJECTS&projectKey=PAY",
        200,
        r#"{"permissions": {"ADMINISTER_PROJECTS": {"key": "ADMINISTER_PROJECTS", "havePermission": true, "type": "PROJECT"}}}"#,
    );
    let absent =
        RecordedHost::new().on("/rest/api/3/mypermissions?permissions=ADMINISTER", 200, r#"{"permissions": {}}"#);

    assert_eq!(
        answer(&run(api::check_permission(&yes, "ADMINISTER_PROJECTS", Some("PAY"))))["result"]["granted"],
        true
    );
    assert_eq!(answer(&run(api::check_permission(&absent, "ADMINISTER", None)))["result"]["granted"], false);
}

#[test]
fn every_request_the_core_makes_is_a_declared_endpoint() {
    let host = RecordedHost::new()
        .on(SCHEMES, 200, two_schemes())
        .on("/rest/api/3/project/search?maxResults=100", 200, r#"{"isLast": true, "values": [{"key": "A"}]}"#)
        .on(&project_scheme_path("A"), 200, scheme(1, "S"))
        .on("/rest/api/3/mypermissions?permissions=ADMINISTER", 200, r#"{"permissions": {}}"#);
    run(api::admin_overview(&host));
    run(api::check_permission(&host, "ADMINISTER", None));
    run(api::project_overview(&host, "A"));

    for request in host.requests.borrow().iter() {
        assert!(
            endpoint_of(request.method, &request.path).is_some(),
            "{} {} is not in collect::ENDPOINTS, so its scope is not checked",
            request.method.as_str(),
            request.path
        );
    }
    assert_eq!(endpoint_of(Method::Get, "/rest/api/3/project//permissionscheme"), None);
    assert_eq!(endpoint_of(Method::Delete, "/rest/api/3/permissionscheme"), None);
}
