//! The `steward` command line: the documented `analyze` contract, text output, errors.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests fail loudly on a bad fixture")]

use std::process::Command;

use serde_json::Value;

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/several_paths_at_once/snapshot.json");

fn steward(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_steward")).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn analyze_prints_the_json_contract() {
    let (code, out, _) = steward(&["analyze", SNAPSHOT]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    let account = &json["accounts"][0];
    assert_eq!(account["accountId"], "bot-1");
    assert_eq!(account["kind"], "service");
    assert!(account["global"].is_array());
    let project = &account["projects"][0];
    assert_eq!(project["key"], "ABC");
    assert_eq!(project["coverage"], "complete");
    let browse = project["permissions"]["BROWSE_PROJECTS"].as_array().unwrap();
    assert_eq!(browse.len(), 4);
    assert_eq!(browse[0]["conditional"], false);
    assert!(json["warnings"].is_array());
}

#[test]
fn analyze_text_prints_one_line_per_path() {
    let (code, out, _) = steward(&["analyze", SNAPSHOT, "--format", "text", "--project", "ABC"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().filter(|l| l.contains(" BROWSE_PROJECTS ← ")).count(), 4);
}

#[test]
fn analyze_all_accounts_includes_people() {
    let (_, out, _) = steward(&["analyze", SNAPSHOT, "--all-accounts"]);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["accounts"].as_array().unwrap().len(), 2);
}

#[test]
fn errors_go_to_stderr_with_exit_status_2() {
    let (code, out, err) = steward(&["analyze", "/nonexistent.json"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("cannot read `/nonexistent.json`"), "{err}");

    let (code, _, err) = steward(&["analyze", SNAPSHOT, "--format", "yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown format `yaml`"));

    let (code, _, err) = steward(&["analyze", SNAPSHOT, "--acount", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown option `--acount`"));
}

#[test]
fn why_not_and_what_if_subcommands_answer() {
    let (code, out, _) =
        steward(&["why-not", SNAPSHOT, "--account", "human-1", "--project", "ABC", "--permission", "EDIT_ISSUES"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["result"]["options"][0]["status"], "missing");

    let changes = std::env::temp_dir().join(format!("steward-cli-{}.json", std::process::id()));
    std::fs::write(&changes, r#"{"changes": [{"op": "removeGrant", "schemeId": "10000", "grantId": "4"}]}"#).unwrap();
    let (code, out, _) = steward(&["what-if", SNAPSHOT, changes.to_str().unwrap()]);
    std::fs::remove_file(&changes).unwrap();
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["result"]["changes"][0]["change"], "lost");
    assert_eq!(json["result"]["changes"][0]["permission"], "EDIT_ISSUES");
}

#[test]
fn a_reader_that_stops_early_is_no_failure() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_steward"))
        .args(["analyze", SNAPSHOT, "--format", "text"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Closed before the analysis is written, as `| head -0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn an_option_given_twice_is_refused_not_half_used() {
    let (code, out, err) = steward(&["analyze", SNAPSHOT, "--account", "bot-1", "--account", "human-1"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("`--account` is given twice"), "{err}");
}

#[test]
fn every_command_has_its_own_help() {
    let commands: [&[&str]; 11] = [
        &["analyze"],
        &["why-not"],
        &["what-if"],
        &["findings"],
        &["review"],
        &["review", "due"],
        &["review", "decide"],
        &["leaver"],
        &["least-privilege"],
        &["catalogue"],
        &["audit"],
    ];
    for command in commands {
        let (code, out, err) = steward(&[command, &["--help"]].concat());
        assert_eq!(code, 0, "{command:?}: {err}");
        assert!(out.contains(&format!("Usage: steward {}", command.join(" "))), "{command:?}: {out}");
    }
    let (code, out, _) = steward(&["help"]);
    assert_eq!(code, 0);
    assert!(out.contains("least-privilege"), "{out}");
}

#[test]
fn an_unknown_command_is_named() {
    let (code, out, err) = steward(&["analyse", SNAPSHOT]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("unknown command `analyse`"), "{err}");
}
