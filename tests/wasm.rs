//! The wasm exports called with JS values, under Node (wasm-bindgen-test's default runner).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests fail loudly on a bad fixture")]

use js_sys::{Function, JSON, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// A JS host object whose `request` answers from `table` (`{path: [status, bodyObject]}`) and
/// records the paths it was asked for in `host.seen`.
fn js_host(table: &str) -> JsValue {
    let make = Function::new_with_args(
        "table",
        "const host = { seen: [], async request(method, path, body) {
             host.seen.push(method + ' ' + path);
             const hit = table[path];
             if (!hit) return { status: 404, headers: {}, body: JSON.stringify({ errorMessages: ['none'] }) };
             return { status: hit[0], headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(hit[1]) };
           } };
         return host;",
    );
    make.call1(&JsValue::NULL, &JSON::parse(table).unwrap()).unwrap()
}

fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| match key.parse::<u32>() {
        Ok(i) => Reflect::get_u32(&v, i).unwrap(),
        Err(_) => Reflect::get(&v, &JsValue::from_str(key)).unwrap(),
    })
}

/// A snapshot decoded through the reader, as the Forge handlers decode a stored one.
fn loaded(text: &str) -> steward::wasm::LoadedSnapshot {
    let mut reader = steward::wasm::JsSnapshotReader::new();
    reader.push(&JsValue::from_str(text)).unwrap();
    reader.finish(None, None).unwrap()
}

const EXPAND: &str = "expand=permissions%2Cuser%2Cgroup%2CprojectRole%2Cfield";

#[wasm_bindgen_test]
async fn admin_overview_through_a_js_host_returns_a_js_object() {
    let table = format!(
        r#"{{
        "/rest/api/3/permissionscheme?{EXPAND}": [200, {{"permissionSchemes": [{{"id": 10000, "name": "Default", "permissions": [{{"id": 1, "permission": "BROWSE_PROJECTS", "holder": {{"type": "anyone"}}}}]}}]}}],
        "/rest/api/3/project/search?maxResults=100": [200, {{"isLast": true, "values": [{{"id": "1", "key": "ABC", "name": "Abc"}}]}}],
        "/rest/api/3/project/ABC/permissionscheme?{EXPAND}": [200, {{"id": 10000, "name": "Default"}}]
    }}"#
    );
    let host = js_host(&table);

    let answer = steward::wasm::admin_overview(host.clone()).await.unwrap();

    assert_eq!(get(&answer, "type").as_string().as_deref(), Some("success"));
    assert_eq!(get(&answer, "result.schemes.0.name").as_string().as_deref(), Some("Default"));
    assert_eq!(get(&answer, "result.schemes.0.grantCount").as_f64(), Some(1.0));
    assert_eq!(get(&answer, "result.schemes.0.projects.0").as_string().as_deref(), Some("ABC"));
    assert_eq!(js_sys::Array::from(&get(&host, "seen")).length(), 3);
}

#[wasm_bindgen_test]
async fn project_overview_through_a_js_host_names_the_project() {
    let table =
        format!(r#"{{"/rest/api/3/project/PAY/permissionscheme?{EXPAND}": [200, {{"id": 7, "name": "Finance"}}]}}"#);

    let answer = steward::wasm::project_overview(js_host(&table), "PAY".to_owned()).await.unwrap();

    assert_eq!(get(&answer, "result.projectKey").as_string().as_deref(), Some("PAY"));
    assert_eq!(get(&answer, "result.permissionScheme.name").as_string().as_deref(), Some("Finance"));
}

#[wasm_bindgen_test]
async fn a_host_that_rejects_becomes_a_transport_failure_not_an_exception() {
    let host = Function::new_no_args("return { request: async () => { throw new Error('socket hang up'); } };")
        .call0(&JsValue::NULL)
        .unwrap();

    let answer = steward::wasm::check_permission(host, "ADMINISTER".to_owned(), None).await.unwrap();

    assert_eq!(get(&answer, "type").as_string().as_deref(), Some("failure"));
    assert_eq!(get(&answer, "errors.0.code").as_string().as_deref(), Some("transport"));
    let message = get(&answer, "errors.0.message").as_string().unwrap();
    assert!(message.contains("socket hang up") && message.contains("/rest/api/3/mypermissions"), "{message}");
}

#[wasm_bindgen_test]
async fn a_host_answer_without_a_status_is_a_transport_failure() {
    let host =
        Function::new_no_args("return { request: async () => ({ body: '{}' }) };").call0(&JsValue::NULL).unwrap();

    let answer = steward::wasm::check_permission(host, "ADMINISTER".to_owned(), None).await.unwrap();

    assert_eq!(get(&answer, "errors.0.code").as_string().as_deref(), Some("transport"));
}

#[wasm_bindgen_test]
async fn a_host_without_request_is_rejected_with_a_type_error() {
    let error = steward::wasm::admin_overview(JSON::parse("{}").unwrap()).await.unwrap_err();

    assert!(error.is_instance_of::<js_sys::TypeError>());
}

#[wasm_bindgen_test]
fn endpoints_lists_method_and_spec_path() {
    let list = steward::wasm::endpoints().unwrap();
    let first = get(&list, "0");
    assert_eq!(get(&first, "method").as_string().as_deref(), Some("GET"));
    assert!(get(&first, "path").as_string().unwrap().starts_with("/rest/api/3/"));
}

const SNAPSHOT: &str = r#"{"snapshotVersion": 1,
  "permissionSchemes": {"permissionSchemes": [{"id": 1, "name": "S", "permissions": [
    {"id": 7, "permission": "EDIT_ISSUES", "holder": {"type": "projectRole", "value": "10"}}]}]},
  "projects": [[{"id": "100", "key": "ABC", "name": "Abc"}]],
  "projectPermissionSchemes": {"ABC": {"id": 1}},
  "roles": [{"id": 10, "name": "Bots"}],
  "projectRoles": {"ABC": {"10": {"id": 10, "actors": [{"type": "atlassian-user-role-actor", "actorUser": {"accountId": "bot"}}]}}},
  "users": [[{"accountId": "bot", "accountType": "app", "appType": "service", "active": true, "displayName": "Bot"}]]}"#;

#[wasm_bindgen_test]
fn analyze_returns_the_contract_as_a_js_object() {
    let answer = steward::wasm::analyze(&JsValue::from_str(SNAPSHOT), &JsValue::from_str("")).unwrap();

    assert_eq!(get(&answer, "accounts.0.accountId").as_string().as_deref(), Some("bot"));
    assert_eq!(get(&answer, "accounts.0.kind").as_string().as_deref(), Some("service"));
    assert_eq!(get(&answer, "accounts.0.projects.0.coverage").as_string().as_deref(), Some("complete"));
    let path = get(&answer, "accounts.0.projects.0.permissions.EDIT_ISSUES.0.path").as_string().unwrap();
    assert!(path.contains("projectRole \"Bots\""), "{path}");
}

#[wasm_bindgen_test]
fn inventory_returns_one_line_per_bot_as_a_js_object() {
    let answer = loaded(SNAPSHOT).inventory().unwrap();

    assert_eq!(get(&answer, "type").as_string().as_deref(), Some("success"));
    assert_eq!(get(&answer, "result.accounts.0.accountId").as_string().as_deref(), Some("bot"));
    assert_eq!(get(&answer, "result.accounts.0.unconditionalProjects").as_f64(), Some(1.0));
    assert_eq!(get(&answer, "result.projectCount").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
fn snapshot_overview_maps_the_project_to_its_scheme_without_a_host() {
    let answer = loaded(SNAPSHOT).overview().unwrap();

    assert_eq!(get(&answer, "result.schemes.0.name").as_string().as_deref(), Some("S"));
    assert_eq!(get(&answer, "result.schemes.0.grantCount").as_f64(), Some(1.0));
    assert_eq!(get(&answer, "result.schemes.0.projects.0").as_string().as_deref(), Some("ABC"));
    let bad = loaded("[]").overview().unwrap();
    assert_eq!(get(&bad, "type").as_string().as_deref(), Some("failure"));
}

#[wasm_bindgen_test]
fn analyze_with_bad_options_is_a_failure_envelope() {
    let answer =
        steward::wasm::analyze(&JsValue::from_str(SNAPSHOT), &JsValue::from_str(r#"{"acount": "typo"}"#)).unwrap();

    assert_eq!(get(&answer, "type").as_string().as_deref(), Some("failure"));
    assert_eq!(get(&answer, "errors.0.code").as_string().as_deref(), Some("bad-options"));
}

#[wasm_bindgen_test]
fn analyze_of_malformed_json_is_a_failure_envelope_not_an_exception() {
    let answer =
        steward::wasm::analyze(&JsValue::from_str("{\"snapshotVersion\": 1, "), &JsValue::from_str("")).unwrap();

    assert_eq!(get(&answer, "errors.0.code").as_string().as_deref(), Some("bad-snapshot"));
}

#[wasm_bindgen_test]
fn what_if_removing_the_role_actor_loses_edit_issues() {
    let changes = r#"{"changes": [{"op": "removeRoleActor", "project": "ABC", "roleId": "10", "accountId": "bot"}]}"#;

    let answer = loaded(SNAPSHOT).what_if(changes).unwrap();

    assert_eq!(get(&answer, "result.changes.0.change").as_string().as_deref(), Some("lost"));
    assert_eq!(get(&answer, "result.changes.0.permission").as_string().as_deref(), Some("EDIT_ISSUES"));
}

#[wasm_bindgen_test]
fn why_not_names_the_role_to_join() {
    let answer = loaded(SNAPSHOT).why_not("bot", "ABC", "BROWSE_PROJECTS").unwrap();

    assert_eq!(get(&answer, "result.held").as_bool(), Some(false));
    assert!(get(&answer, "result.note").as_string().unwrap().contains("no grant"));
}
