//! The lean scan against a recorded site: what it asks, what it writes, how gaps appear.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests fail loudly on a bad fixture")]

mod support;

use serde_json::{Value, json};
use steward::api::{self, AnalyzeOptions};
use support::{Clocked, RecordedHost, run};

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
        // Jira may answer fewer than asked, so only an empty page ends the listing.
        .on("/rest/api/3/users/search?maxResults=1000&startAt=2", 200, "[]")
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

fn collect(host: &impl steward::host::Host, options: &str) -> Value {
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
    assert_eq!(result["ledger"]["calls"], 13);
}

#[test]
fn what_the_scan_writes_is_a_snapshot_the_engine_analyses_completely() {
    let host = site();
    let snapshot = collect(&host, LEAN)["snapshot"].to_string();

    let analysis = api::LoadedSnapshot::from_text(&snapshot, &AnalyzeOptions::default().scope())
        .analysis(&AnalyzeOptions::default())
        .unwrap();

    let bot = &analysis.accounts[0];
    assert_eq!(bot.account_id, "bot");
    let abc = bot.projects.iter().find(|p| p.key == "ABC").unwrap();
    assert_eq!(serde_json::to_value(abc.coverage).unwrap(), "complete");
    assert!(abc.permissions["EDIT_ISSUES"][0].path.to_string().contains("projectRole \"Bots\" [10] → actor user"));
    assert!(!abc.permissions.contains_key("ADMINISTER_PROJECTS"), "Jira's check settles what was not fetched");
    assert!(bot.projects.iter().all(|p| p.key != "XYZ"), "nothing held in XYZ, and Jira's check says so");
    // The lean scan was told not to read issue security: that, and only that, is said.
    let codes: Vec<_> =
        analysis.warnings.iter().map(|w| (w.code, w.message.contains("no issue security parts"))).collect();
    assert_eq!(codes, [(steward::warning::WarningCode::MissingPart, true)], "{:?}", analysis.warnings);
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

    let analysis = api::LoadedSnapshot::from_text(&result["snapshot"].to_string(), &AnalyzeOptions::default().scope())
        .analysis(&AnalyzeOptions::default())
        .unwrap();
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

/// The site with the role calls a scan makes when it cannot use Jira's permission check.
fn site_with_all_roles() -> RecordedHost {
    let role = |id: u32, name: &str| json!({"id": id, "name": name, "actors": []}).to_string();
    site()
        .on("/rest/api/3/project/ABC/role/20", 200, role(20, "Admins"))
        .on("/rest/api/3/project/XYZ/role/10", 200, role(10, "Bots"))
        .on("/rest/api/3/project/XYZ/role/20", 200, role(20, "Admins"))
}

#[test]
fn when_jira_refuses_the_permission_check_every_role_the_schemes_name_is_read_instead() {
    let host = site_with_all_roles().on("/rest/api/3/permissions/check", 403, r#"{"errorMessages":["Forbidden"]}"#);
    let result = collect(&host, LEAN);

    let roles: Vec<String> = host.paths().into_iter().filter(|p| p.contains("/role/")).collect();
    assert_eq!(
        roles,
        [
            "/rest/api/3/project/ABC/role/10",
            "/rest/api/3/project/ABC/role/20",
            "/rest/api/3/project/XYZ/role/10",
            "/rest/api/3/project/XYZ/role/20"
        ]
    );
    let checks = host.paths().iter().filter(|p| p.ends_with("/permissions/check")).count();
    assert_eq!(checks, 1, "one refusal is enough to stop asking");
    let gaps = result["snapshot"]["meta"]["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0]["part"], "permissionChecks");
    assert!(gaps[0]["reason"].as_str().unwrap().contains("refused the permission check"), "{}", gaps[0]);

    let analysis = api::LoadedSnapshot::from_text(&result["snapshot"].to_string(), &AnalyzeOptions::default().scope())
        .analysis(&AnalyzeOptions::default())
        .unwrap();
    let bot = &analysis.accounts[0];
    assert_eq!(serde_json::to_value(bot.global_coverage).unwrap(), "none", "global permissions are unknown");
    let abc = bot.projects.iter().find(|p| p.key == "ABC").unwrap();
    assert_eq!(serde_json::to_value(abc.coverage).unwrap(), "complete", "every role it could hold was read");
    assert!(abc.permissions.contains_key("EDIT_ISSUES"));
    assert!(bot.projects.iter().all(|p| p.key != "XYZ" || p.permissions.is_empty()));
}

/// Options that pace the scan with a points budget: `share` of 1,000 points an hour.
fn paced(share: f64, job_seconds: Option<u64>) -> Value {
    json!({"security": false, "workflows": false, "collectedAt": "2026-11-23T08:00:00Z", "concurrency": 1,
           "pacing": {"pointsPerHour": 1000, "share": share, "requestsPerSecond": 10, "jobSeconds": job_seconds}})
}

const HOUR_MS: u64 = 3_600_000;

#[test]
fn a_scan_over_its_hourly_budget_stops_with_a_checkpoint_and_resumes_to_the_same_snapshot() {
    let whole = collect(&site(), LEAN);

    // 10 points an hour (the whole scan costs about 35): the scan stops within the first hour.
    let host = Clocked::new(site(), 480_000 * HOUR_MS, 100);
    let mut options = paced(0.01, Some(900));
    let first = collect(&host, &options.to_string());
    assert_eq!(first["complete"], false);
    let checkpoint = first["checkpoint"].clone();
    assert_eq!(checkpoint["stoppedBy"], "budget");
    let wait = checkpoint["resumeAfterSeconds"].as_u64().unwrap();
    assert!(wait > 3_000 && wait <= 3_600, "resumes at the next hour, in {wait} s");
    assert!(first["ledger"]["points"].as_u64().unwrap() <= 10, "{}", first["ledger"]);
    assert!(
        first["snapshot"]["meta"]["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["reason"].as_str().unwrap().starts_with("not read yet")),
        "the partial snapshot says what it lacks"
    );

    // Job after job, each an hour later, until the scan completes.
    let mut result = first;
    let mut jobs = 1;
    while result["complete"] == false {
        host.now.set(host.now.get() + result["checkpoint"]["resumeAfterSeconds"].as_u64().unwrap() * 1_000);
        options["resume"] = result["checkpoint"].clone();
        result = collect(&host, &options.to_string());
        jobs += 1;
        assert!(jobs < 20, "the scan makes progress");
    }
    assert!(jobs > 2, "{jobs} jobs");
    assert_eq!(result["snapshot"], whole["snapshot"], "the resumed scan wrote what one uninterrupted scan writes");
    let calls = host.inner.requests.borrow().len();
    assert_eq!(calls, whole["ledger"]["calls"].as_u64().unwrap() as usize, "nothing was read twice");
}

#[test]
fn a_job_whose_time_is_up_stops_and_the_next_job_goes_on() {
    let whole = collect(&site(), LEAN);
    // Each call takes 20 s: a 90 s job (81 s before its reserve) makes about 4 calls.
    let host = Clocked::new(site(), 480_000 * HOUR_MS, 20_000);
    let mut options = paced(1.0, Some(90));
    let first = collect(&host, &options.to_string());
    assert_eq!(first["checkpoint"]["stoppedBy"], "time");
    assert_eq!(first["checkpoint"]["resumeAfterSeconds"], 0);
    assert_eq!(first["ledger"]["calls"], 5);
    options["resume"] = first["checkpoint"].clone();
    let mut result = collect(&host, &options.to_string());
    while result["complete"] == false {
        options["resume"] = result["checkpoint"].clone();
        result = collect(&host, &options.to_string());
    }
    assert_eq!(result["snapshot"], whole["snapshot"]);
}

/// `collect_parts`, as the scan jobs run it: a small header to read, and one text to store as it
/// is — the checkpoint while the scan goes on, the snapshot at its end.
fn parts(host: &impl steward::host::Host, options: &str) -> (Value, Value) {
    let parts = run(api::collect_parts(host, options.to_owned()));
    let header: Value = serde_json::from_str(&parts.header).unwrap();
    assert_eq!(header["type"], "success", "{header}");
    (header["result"].clone(), serde_json::from_str(&parts.body.unwrap()).unwrap())
}

#[test]
fn the_two_part_answer_carries_the_checkpoint_or_the_snapshot_once_and_a_header_without_them() {
    let whole = collect(&site(), LEAN);
    let host = Clocked::new(site(), 480_000 * HOUR_MS, 20_000);
    let mut options = paced(1.0, Some(90));
    let (header, body) = parts(&host, &options.to_string());
    assert_eq!(header["complete"], false);
    assert_eq!(header["checkpoint"]["stoppedBy"], "time");
    assert_eq!(header["checkpoint"]["jobs"], 1);
    assert!(header.get("snapshot").is_none() && header["checkpoint"].get("snapshot").is_none(), "{header}");
    assert!(
        header["meta"]["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["reason"].as_str().unwrap().starts_with("not read yet")),
        "the header's meta says what is not read yet: {header}"
    );
    assert_eq!(body["stoppedBy"], "time", "the body is the checkpoint itself");
    let mut body = body;
    let mut header = header;
    let mut jobs = 1;
    while header["complete"] == false {
        options["resume"] = body;
        (header, body) = parts(&host, &options.to_string());
        jobs += 1;
        assert!(jobs < 20, "the scan makes progress");
    }
    assert!(header.get("checkpoint").is_none());
    assert_eq!(header["meta"], whole["snapshot"]["meta"]);
    assert_eq!(body, whole["snapshot"], "the body at the end is the snapshot one uninterrupted scan writes");

    let failed = run(api::collect_parts(&site(), r#"{"sekurity": false}"#.to_owned()));
    assert!(failed.header.contains(r#""type":"failure""#) && failed.header.contains("sekurity"), "{}", failed.header);
    assert!(failed.body.is_none());
}

#[test]
fn with_time_left_in_the_job_the_scan_waits_for_the_next_hour_instead_of_stopping() {
    let whole = collect(&site(), LEAN);
    // 59 minutes into the hour, no job limit: the scan sleeps to the reset and finishes.
    let host = Clocked::new(site(), 480_000 * HOUR_MS + 59 * 60_000, 100);
    let result = collect(&host, &paced(0.02, None).to_string());
    assert_eq!(result["complete"], true);
    assert!(host.slept.get() >= 59_000, "slept {} ms", host.slept.get());
    assert_eq!(result["snapshot"], whole["snapshot"]);
}

#[test]
fn api_token_traffic_is_not_held_to_the_points_budget_but_keeps_the_burst_rate() {
    let host = Clocked::new(site(), 0, 0);
    let options = json!({"security": false, "workflows": false, "concurrency": 1,
        "pacing": {"traffic": "apiToken", "pointsPerHour": 1, "requestsPerSecond": 4}});
    let result = collect(&host, &options.to_string());
    assert_eq!(result["complete"], true);
    let calls = result["ledger"]["calls"].as_u64().unwrap();
    assert_eq!(host.slept.get(), (calls - 1) * 250, "one call every 250 ms");
}

#[test]
fn pacing_without_a_host_clock_is_refused_by_name() {
    let answer: Value =
        serde_json::from_str(&run(api::collect_json(&site(), r#"{"pacing": {"share": 0.5}}"#))).unwrap();
    assert_eq!(answer["errors"][0]["code"], "no-clock");
    let answer: Value =
        serde_json::from_str(&run(api::collect_json(&Clocked::new(site(), 0, 0), r#"{"pacing": {"share": 2}}"#)))
            .unwrap();
    assert_eq!(answer["errors"][0]["code"], "bad-options");
    assert!(answer["errors"][0]["message"].as_str().unwrap().contains("pacing.share"));
}

/// A listing whose pages repeat is cut short: what was read is kept, and the snapshot records the
/// gap, so the analysis does not take the list for whole.
#[test]
fn paging_that_repeats_leaves_a_gap_in_the_snapshot() {
    let looping = json!({"isLast": false, "nextPage": "/rest/api/3/group/bulk?maxResults=50",
                         "values": [{"groupId": "g-1", "name": "devs"}]});
    let host = site().on("/rest/api/3/group/bulk?maxResults=50", 200, looping.to_string());
    let result = collect(&host, LEAN);
    let gaps = result["snapshot"]["meta"]["gaps"].as_array().unwrap();
    assert!(gaps.iter().any(|g| g["part"] == "groups" && g["reason"].as_str().unwrap().contains("repeat")), "{gaps:?}");
    let analysis = api::analyze_json(&result["snapshot"].to_string(), "");
    assert!(analysis.contains("part `groups` was not read whole"), "{analysis}");
}
