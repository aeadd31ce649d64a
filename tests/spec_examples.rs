//! Atlassian's own examples (from the repo's copy of the OpenAPI spec) decode without error, and
#![cfg(not(target_arch = "wasm32"))]
//! every endpoint the core calls exists in the spec.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests fail loudly on a bad fixture")]

mod support;

use serde_json::Value;
use steward::collect::{self, ENDPOINTS};
use steward::jira::{MyPermissions, Page, PermissionGrant, PermissionScheme, PermissionSchemes, Project, decode_each};
use support::{RecordedHost, run};

fn spec() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/jira-openapi/swagger-v3.v3.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn example(spec: &Value, path: &str) -> String {
    spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["example"]
        .as_str()
        .unwrap_or_else(|| panic!("the spec has no example for GET {path}"))
        .to_owned()
}

#[test]
fn every_core_endpoint_exists_in_the_spec() {
    let spec = spec();
    for (method, path) in ENDPOINTS {
        let operation = &spec["paths"][*path][method.as_str().to_ascii_lowercase()];
        assert!(operation.is_object(), "{} {path} is not in Atlassian's spec", method.as_str());
    }
}

#[test]
fn spec_example_of_get_permissionscheme_decodes() {
    let body = example(&spec(), "/rest/api/3/permissionscheme");
    let list: PermissionSchemes = serde_json::from_str(&body).unwrap();
    let (schemes, warnings) = decode_each::<PermissionScheme, _>(&list.permission_schemes, "permission scheme");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(schemes[0].id.as_deref(), Some("10000"));
    assert_eq!(schemes[0].name, "Example permission scheme");
}

#[test]
fn spec_example_of_get_permission_scheme_with_grants_decodes() {
    let spec = spec();
    let body = example(&spec, "/rest/api/3/permissionscheme/{schemeId}");
    let scheme: PermissionScheme = serde_json::from_str(&body).unwrap();
    let raw = scheme.permissions.expect("the example lists its grants");
    let (grants, warnings) = decode_each::<PermissionGrant, _>(&raw, "grant");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(grants[0].holder.kind, "group");
    assert_eq!(grants[0].holder.value.as_deref(), Some("ca85fac0-d974-40ca-a615-7af99c48d24f"));
}

#[test]
fn spec_example_of_project_search_decodes_as_a_page_of_projects() {
    let body = example(&spec(), "/rest/api/3/project/search");
    let page: Page = serde_json::from_str(&body).unwrap();
    assert_eq!(page.is_last, Some(false));
    assert!(page.next_page.is_some());
    let (projects, warnings) = decode_each::<Project, _>(&page.values, "project");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(projects.len(), 2);
}

#[test]
fn spec_example_of_project_permissionscheme_decodes() {
    let body = example(&spec(), "/rest/api/3/project/{projectKeyOrId}/permissionscheme");
    let host = RecordedHost::new().on(
        "/rest/api/3/project/EX/permissionscheme?expand=permissions%2Cuser%2Cgroup%2CprojectRole%2Cfield",
        200,
        body,
    );
    let client = steward::collect::client::Client::new(&host, Default::default());
    let scheme = run(collect::project_permission_scheme(&client, "EX")).unwrap();
    assert_eq!(scheme.name, "Example permission scheme");
}

#[test]
fn spec_example_of_mypermissions_decodes() {
    let body = example(&spec(), "/rest/api/3/mypermissions");
    let answer: MyPermissions = serde_json::from_str(&body).unwrap();
    assert!(answer.holds("EDIT_ISSUES"));
    assert!(!answer.holds("ADMINISTER"));
}

/// Every snapshot part, filled with Atlassian's example for the endpoint it records, loads
/// without a single skipped element.
#[test]
fn a_snapshot_made_of_the_specs_examples_loads_without_warnings() {
    let spec = spec();
    let ex = |path: &str| example(&spec, path);
    let check_request = r#"{"accountId":"5b10a2844c20165700ede21g","globalPermissions":["ADMINISTER"],"projectPermissions":[{"issues":[10010],"permissions":["EDIT_ISSUES"],"projects":[10001]}]}"#;
    let check_response = spec["paths"]["/rest/api/3/permissions/check"]["post"]["responses"]["200"]
        ["content"]["application/json"]["example"]
        .as_str()
        .unwrap()
        .to_owned();
    let snapshot = format!(
        r#"{{"snapshotVersion": 1,
            "permissions": {permissions},
            "permissionSchemes": {schemes},
            "projects": [{projects}],
            "projectPermissionSchemes": {{"EX": {project_scheme}}},
            "roles": {roles},
            "projectRoles": {{"EX": {{"10360": {project_role}}}}},
            "users": [{users}],
            "userDetails": {{"5b10a2844c20165700ede21g": {user}}},
            "groups": [{groups}],
            "groupMembers": {{"276f955c-63d7-42c8-9520-92d01dca0625": [{members}]}},
            "applicationRoles": {app_roles},
            "issueSecuritySchemes": {security},
            "issueSecurityProjects": [{security_projects}],
            "issueSecurityMembers": {{"10000": [{security_members}]}},
            "workflows": [{workflows}],
            "workflowSchemeProjects": [{workflow_schemes}],
            "permissionChecks": {{"5b10a2844c20165700ede21g": [{{"request": {check_request}, "response": {check_response}}}]}}
        }}"#,
        permissions = ex("/rest/api/3/permissions"),
        schemes = ex("/rest/api/3/permissionscheme"),
        projects = ex("/rest/api/3/project/search"),
        project_scheme = ex("/rest/api/3/project/{projectKeyOrId}/permissionscheme"),
        roles = ex("/rest/api/3/role"),
        project_role = ex("/rest/api/3/project/{projectIdOrKey}/role/{id}"),
        users = ex("/rest/api/3/users/search"),
        user = ex("/rest/api/3/user"),
        groups = ex("/rest/api/3/group/bulk"),
        members = ex("/rest/api/3/group/member"),
        app_roles = ex("/rest/api/3/applicationrole"),
        security = ex("/rest/api/3/issuesecurityschemes"),
        security_projects = ex("/rest/api/3/issuesecurityschemes/project"),
        security_members = ex("/rest/api/3/issuesecurityschemes/{issueSecuritySchemeId}/members"),
        workflows = ex("/rest/api/3/workflows/search"),
        workflow_schemes = ex("/rest/api/3/workflowscheme/project"),
    );
    let (site, warnings) = steward::snapshot::load(&snapshot).unwrap();
    let skipped: Vec<_> = warnings.iter().filter(|w| w.code == steward::warning::WarningCode::SkippedItem).collect();
    assert!(skipped.is_empty(), "{skipped:#?}");
    assert!(!site.schemes.is_empty() && !site.accounts.is_empty() && !site.workflows.is_empty());
    assert!(!site.security_schemes.is_empty() && !site.app_roles.is_empty() && !site.roles.is_empty());
}
