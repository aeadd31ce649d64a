//! Atlassian's own examples (from the repo's copy of the OpenAPI spec) decode without error, and
#![cfg(not(target_arch = "wasm32"))]
//! every endpoint the core calls exists in the spec.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail loudly on a bad fixture"
)]

mod support;

use serde_json::Value;
use steward::collect::{self, ENDPOINTS};
use steward::jira::{
    MyPermissions, Page, PermissionGrant, PermissionScheme, PermissionSchemes, Project, decode_each,
};
use support::{RecordedHost, run};

fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/spec/jira-openapi/swagger-v3.v3.json"
    ))
    .unwrap();
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
        assert!(
            operation.is_object(),
            "{} {path} is not in Atlassian's spec",
            method.as_str()
        );
    }
}

#[test]
fn spec_example_of_get_permissionscheme_decodes() {
    let body = example(&spec(), "/rest/api/3/permissionscheme");
    let list: PermissionSchemes = serde_json::from_str(&body).unwrap();
    let (schemes, warnings) =
        decode_each::<PermissionScheme>(list.permission_schemes, "permission scheme");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(schemes[0].id.as_deref(), Some("10000"));
    assert_eq!(schemes[0].name, "Example permission scheme");
}

#[test]
fn spec_example_of_get_permission_scheme_with_grants_decodes() {
    let spec = spec();
    let body = example(&spec, "/rest/api/3/permissionscheme/{schemeId}");
    let scheme: PermissionScheme = serde_json::from_str(&body).unwrap();
    let (grants, warnings) = decode_each::<PermissionGrant>(scheme.permissions, "grant");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(grants[0].holder.kind, "group");
    assert_eq!(
        grants[0].holder.value.as_deref(),
        Some("ca85fac0-d974-40ca-a615-7af99c48d24f")
    );
}

#[test]
fn spec_example_of_project_search_decodes_as_a_page_of_projects() {
    let body = example(&spec(), "/rest/api/3/project/search");
    let page: Page = serde_json::from_str(&body).unwrap();
    assert_eq!(page.is_last, Some(false));
    assert!(page.next_page.is_some());
    let (projects, warnings) = decode_each::<Project>(page.values, "project");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(projects.len(), 2);
}

#[test]
fn spec_example_of_project_permissionscheme_decodes() {
    let body = example(
        &spec(),
        "/rest/api/3/project/{projectKeyOrId}/permissionscheme",
    );
    let host = RecordedHost::new().on(
        "/rest/api/3/project/EX/permissionscheme?expand=permissions%2Cuser%2Cgroup%2CprojectRole%2Cfield",
        200,
        body,
    );
    let scheme = run(collect::project_permission_scheme(&host, "EX")).unwrap();
    assert_eq!(scheme.name, "Example permission scheme");
}

#[test]
fn spec_example_of_mypermissions_decodes() {
    let body = example(&spec(), "/rest/api/3/mypermissions");
    let answer: MyPermissions = serde_json::from_str(&body).unwrap();
    assert!(answer.holds("EDIT_ISSUES"));
    assert!(!answer.holds("ADMINISTER"));
}
