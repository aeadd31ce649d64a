//! `steward findings`, `steward review due|decide`, `steward leaver`, `steward least-privilege`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests fail loudly on a bad fixture")]

use std::process::Command;

use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/findings/");

fn steward(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_steward")).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn files(fixture: &str) -> (String, String, String) {
    let dir = format!("{DIR}{fixture}/");
    (format!("{dir}snapshot.json"), format!("{dir}registry.json"), format!("{dir}settings.json"))
}

#[test]
fn findings_prints_counts_and_findings_and_gates_on_severity() {
    let (snapshot, registry, settings) = files("global-admin");
    let args = ["findings", &snapshot, "--registry", &registry, "--settings", &settings, "--now", "2026-11-23"];
    let (code, out, _) = steward(&args);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["now"], "2026-11-23");
    assert_eq!(json["counts"]["critical"], 1);
    assert_eq!(json["findings"][0]["rule"], "global-admin");
    assert_eq!(json["findings"][0]["severity"], "critical");
    assert!(json["findings"][0]["reason"].as_str().unwrap().contains("\"Manage global permissions\""));

    let gate = |level: &str| steward(&[&args[..], &["--fail-on", level, "--format", "text"]].concat());
    let (code, out, _) = gate("critical");
    assert_eq!(code, 1, "a critical finding fails a critical gate");
    assert!(out.starts_with("critical global-admin bot-1 (ci-bot): holds ADMINISTER globally"), "{out}");
    let (snapshot, registry, settings) = files("global-admin/clean");
    let (code, _, _) = steward(&[
        "findings",
        &snapshot,
        "--registry",
        &registry,
        "--settings",
        &settings,
        "--now",
        "2026-11-23",
        "--fail-on",
        "info",
    ]);
    assert_eq!(code, 0, "the clean base has no finding at all");
    let (code, _, err) = gate("severe");
    assert_eq!(code, 2);
    assert!(err.contains("`severe` is not a severity"), "{err}");
}

#[test]
fn review_due_lists_the_overdue_review_with_its_reviewer() {
    let (snapshot, registry, _) = files("review-overdue");
    let (code, out, _) = steward(&["review", "due", &snapshot, "--registry", &registry, "--now", "2026-11-23"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    let item = &json["result"][0];
    assert_eq!(item["accountId"], "bot-1");
    assert_eq!(item["state"], "graceExpired");
    assert_eq!(item["due"], "2026-04-01");
    assert_eq!(item["reviewer"]["via"], "owner");
    assert_eq!(item["defaultAction"], "notify");
}

#[test]
fn review_decide_applies_a_decision_file() {
    let (snapshot, registry, _) = files("review-overdue");
    let decision = std::env::temp_dir().join(format!("steward-decision-{}.json", std::process::id()));
    std::fs::write(
        &decision,
        r#"{"id":"d-1","accountId":"bot-1","decision":"keep","by":"human-1","answersDue":"2026-04-01"}"#,
    )
    .unwrap();
    let decision = decision.to_str().unwrap();
    let (code, out, _) = steward(&[
        "review",
        "decide",
        &snapshot,
        "--registry",
        &registry,
        "--decision",
        decision,
        "--now",
        "2026-11-23",
    ]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["result"]["entry"]["lastReview"], "2026-11-23");
    assert_eq!(json["result"]["entry"]["nextDue"], "2027-02-23");
    assert_eq!(json["result"]["entry"]["lastDecision"]["id"], "d-1");
}

#[test]
fn leaver_prints_the_plan_for_a_departed_owner() {
    let (snapshot, registry, _) = files("owner-inactive");
    let (code, out, _) = steward(&["leaver", "human-1", &snapshot, "--registry", &registry, "--now", "2026-11-23"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["result"]["state"], "deactivated");
    let actions: Vec<&str> = json["result"]["bots"][0]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["openReview", "suspend", "notifyAdmins"]);
}

#[test]
fn least_privilege_prints_the_change_set_in_the_what_if_shape() {
    let (snapshot, registry, _) = files("access-beyond-need");
    let (code, out, _) = steward(&["least-privilege", "bot-1", &snapshot, "--registry", &registry]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    let changes = serde_json::json!({ "changes": json["result"]["changes"] });
    assert_eq!(changes["changes"][0]["op"], "removeRoleActor");
    let file = std::env::temp_dir().join(format!("steward-changes-{}.json", std::process::id()));
    std::fs::write(&file, changes.to_string()).unwrap();
    let (code, out, err) = steward(&["what-if", &snapshot, file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let diff: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(diff["result"]["accountsAffected"], 1);
}

#[test]
fn governance_commands_name_what_is_wrong() {
    let (snapshot, _, _) = files("global-admin");
    let (code, _, err) = steward(&["findings", &snapshot]);
    assert_eq!(code, 2);
    assert!(err.contains("`--registry` is required"), "{err}");
    let (code, _, err) = steward(&["findings", &snapshot, "--registry", &snapshot, "--now", "2026-11-23"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown field"), "{err}");
    let (_, registry, _) = files("global-admin");
    let (code, _, err) = steward(&["findings", &snapshot, "--registry", &registry, "--now", "yesterday"]);
    assert_eq!(code, 2);
    assert!(err.contains("`yesterday` is not a date"), "{err}");
}
