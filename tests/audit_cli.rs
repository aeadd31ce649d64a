//! `steward audit` end to end: the built binary against the Jira simulator (`node sim/server.mjs`)
//! over real HTTP, in every format, gating both ways, with good, wrong and missing credentials.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing, reason = "tests fail loudly on a bad fixture")]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const ADMIN: [(&str, &str); 2] = [("JIRA_EMAIL", "ada@steward-demo.example"), ("JIRA_API_TOKEN", "demo-token")];

/// Runs `steward` with `env` added and JIRA_* removed unless given: (exit code, stdout, stderr).
fn steward(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_steward"));
    command.args(args).env_remove("JIRA_EMAIL").env_remove("JIRA_API_TOKEN").env_remove("STEWARD_SIMULATOR");
    command.envs(env.iter().copied());
    let out = command.output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("steward-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A simulator this test starts itself (for `--site`), stopped when dropped.
struct Sim {
    child: Child,
    url: String,
}

impl Sim {
    fn start(script: &str) -> Sim {
        let mut child = Command::new("node").arg(script).args(["--port", "0"]).stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_owned();
        Sim { child, url }
    }

    fn demo() -> Sim {
        Sim::start(&format!("{ROOT}/sim/server.mjs"))
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:.300}"))
}

#[test]
fn the_json_report_is_the_analyze_contract_plus_one_audit_key() {
    let (report, snapshot) = (temp("contract.json"), temp("contract-snapshot.json"));
    let (report, snapshot) = (report.to_str().unwrap(), snapshot.to_str().unwrap());
    let (code, out, err) = steward(&["audit", "--simulator", "--output", report, "--snapshot-out", snapshot], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "", "with --output, standard output stays empty");
    assert!(err.contains("steward: audit of http://127.0.0.1:"), "a one-line summary on stderr: {err}");
    assert!(!err.contains('\r'), "no progress line when standard error is not a terminal: {err:?}");
    let audit_text = std::fs::read_to_string(report).unwrap();

    // One script reads both: `steward analyze` of the saved snapshot is the report without `audit`.
    let (code, analyze_text, err) = steward(&["analyze", snapshot], &[]);
    assert_eq!(code, 0, "{err}");
    let mut audit = json(&audit_text);
    let section = audit.as_object_mut().unwrap().remove("audit").unwrap();
    assert_eq!(audit, json(&analyze_text), "the report's analysis differs from `steward analyze`");
    // Byte for byte too: the analysis text, then `audit` as the last key.
    let open = analyze_text.trim_end().strip_suffix('}').unwrap().trim_end();
    assert!(audit_text.starts_with(open), "the report does not begin with `steward analyze`'s text");
    assert!(audit_text[open.len()..].starts_with(",\n  \"audit\": {"), "{:.80}", &audit_text[open.len()..]);

    assert_eq!(section["auditVersion"], 1);
    assert_eq!(section["site"], audit["site"]);
    assert!(section["site"].as_str().unwrap().starts_with("http://127.0.0.1:"));
    assert_eq!(section["collectedAt"], audit["collectedAt"]);
    assert_eq!(section["scan"]["complete"], true);
    assert_eq!(section["scan"]["gaps"], Value::Array(Vec::new()), "the demo admin reads everything");
    assert!(section["scan"]["calls"].as_u64().unwrap() > 100, "{}", section["scan"]);
    assert!(section["scan"]["points"].as_u64().unwrap() > section["scan"]["calls"].as_u64().unwrap());
    assert_eq!(section["findings"]["counts"]["critical"], 1, "the demo company's jira-admin-bot");
    assert_eq!(section["findings"]["findings"][0]["rule"], "global-admin");
    assert_eq!((&section["failOn"], &section["gateFailed"]), (&Value::Null, &Value::Bool(false)));
}

#[test]
fn fail_on_gates_the_pipeline_both_ways() {
    // Without a registry every finding stands: the demo company's global admin bot is critical.
    let (code, out, err) = steward(&["audit", "--simulator", "--fail-on", "critical"], &[]);
    assert_eq!(code, 1, "{err}");
    let report = json(&out);
    assert_eq!((&report["audit"]["failOn"], &report["audit"]["gateFailed"]), (&"critical".into(), &true.into()));
    assert!(err.contains("gate at critical fails"), "{err}");

    // Declaring the bot's global need lowers that finding to high: the critical gate passes.
    let admin_bot = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["displayName"] == "jira-admin-bot")
        .unwrap()["accountId"]
        .clone();
    let registry = temp("declared-admin.json");
    let entry = serde_json::json!({"registryVersion": 1, "accounts": [{"accountId": admin_bot,
        "need": {"projects": [], "permissions": [], "global": ["ADMINISTER", "SYSTEM_ADMIN"], "securityLevels": []}}]});
    std::fs::write(&registry, entry.to_string()).unwrap();
    let registry = registry.to_str().unwrap();
    let (code, out, err) = steward(&["audit", "--simulator", "--registry", registry, "--fail-on", "critical"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["audit"]["gateFailed"], false);
    let (code, _, _) =
        steward(&["audit", "--simulator", "--registry", registry, "--fail-on", "high", "--format", "csv"], &[]);
    assert_eq!(code, 1, "the same finding, now high, fails a high gate");
}

#[test]
fn csv_lists_one_row_per_finding_and_markdown_summarises() {
    let (code, csv, err) = steward(&["audit", "--simulator", "--format", "csv", "--now", "2026-11-23"], &[]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = csv.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(rows[0], "severity,rule,accountId,displayName,project,message,fix");
    assert!(rows[1].starts_with("critical,global-admin,"), "{}", rows[1]);
    let (_, out, _) = steward(&["audit", "--simulator", "--now", "2026-11-23"], &[]);
    let findings = json(&out)["audit"]["findings"]["findings"].as_array().unwrap().len();
    assert_eq!(rows.len(), findings + 1, "a header and one row per finding");

    let markdown = temp("report.md");
    let (code, out, err) =
        steward(&["audit", "--simulator", "--format", "markdown", "--output", markdown.to_str().unwrap()], &[]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let md = std::fs::read_to_string(markdown).unwrap();
    assert!(md.starts_with("# Steward audit of http://127.0.0.1:"), "{md:.200}");
    for heading in ["## Scan", "## Findings", "### critical (1)", "## Bot access", "## Coverage gaps"] {
        assert!(md.contains(&format!("\n{heading}")), "no `{heading}` in\n{md}");
    }
    assert!(md.contains("| jira-admin-bot | service | ADMINISTER, "), "the bot table names the admin bot");
}

#[test]
fn site_reads_the_credentials_from_the_environment() {
    let sim = Sim::demo();
    let (code, out, err) = steward(&["audit", "--site", &format!("{}/", sim.url), "--rate", "0"], &ADMIN);
    assert_eq!(code, 0, "{err}");
    let report = json(&out);
    assert_eq!(report["audit"]["site"], sim.url.as_str(), "the trailing slash is dropped");
    assert_eq!(report["audit"]["scan"]["complete"], true);

    let wrong = [ADMIN[0], ("JIRA_API_TOKEN", "not-the-token")];
    let (code, out, err) = steward(&["audit", "--site", &sim.url], &wrong);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains(&format!("jira refused the credentials for {}", sim.url)), "{err}");

    let (code, _, err) = steward(&["audit", "--site", &sim.url], &ADMIN[..1]);
    assert_eq!(code, 2);
    assert!(err.contains("`JIRA_API_TOKEN` is not set"), "{err}");
    let (code, _, err) = steward(&["audit", "--site", &sim.url], &[("JIRA_EMAIL", " "), ADMIN[1]]);
    assert_eq!(code, 2);
    assert!(err.contains("`JIRA_EMAIL` is not set"), "an empty variable is a missing one: {err}");
}

#[test]
fn a_person_without_admin_rights_gets_a_report_with_gaps_and_fail_on_gaps_says_so() {
    let sim = Sim::demo();
    let vic = [("JIRA_EMAIL", "vic@steward-demo.example"), ("JIRA_API_TOKEN", "vic-token")];
    let (code, out, err) = steward(&["audit", "--site", &sim.url, "--rate", "0"], &vic);
    assert_eq!(code, 0, "gaps alone do not fail the audit: {err}");
    assert!(err.contains("not a jira administrator"), "{err}");
    let gaps = json(&out)["audit"]["scan"]["gaps"].as_array().unwrap().len();
    assert!(gaps > 0);
    let (code, _, err) = steward(&["audit", "--site", &sim.url, "--rate", "0", "--fail-on-gaps"], &vic);
    assert_eq!(code, 3, "{err}");
}

#[test]
fn the_site_is_paced_at_the_given_rate() {
    let sim = Sim::demo();
    let started = Instant::now();
    let (code, out, err) = steward(&["audit", "--site", &sim.url, "--project", "PAY", "--rate", "40"], &ADMIN);
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(code, 0, "{err}");
    let calls = json(&out)["audit"]["scan"]["calls"].as_u64().unwrap();
    // The pacer spaces the scan's calls 25 ms apart (the credential check before it is not paced).
    let least = (calls - 2) as f64 / 40.0;
    assert!(elapsed >= least, "{calls} calls at 40 a second took {elapsed:.2} s, less than {least:.2} s");
}

#[test]
fn project_narrows_the_report_to_what_steward_analyze_project_says() {
    let snapshot = temp("pay-snapshot.json");
    let snapshot = snapshot.to_str().unwrap();
    let (code, out, err) =
        steward(&["audit", "--simulator", "--project", "PAY", "--snapshot-out", snapshot, "--now", "2026-11-23"], &[]);
    assert_eq!(code, 0, "{err}");
    let mut report = json(&out);
    let section = report.as_object_mut().unwrap().remove("audit").unwrap();
    let (_, analyze, _) = steward(&["analyze", snapshot, "--project", "PAY"], &[]);
    assert_eq!(report, json(&analyze));
    for finding in section["findings"]["findings"].as_array().unwrap() {
        assert!(finding.get("project").is_none_or(|p| p == "PAY"), "{finding}");
    }
    let (_, full, _) = steward(&["audit", "--simulator", "--format", "csv"], &[]);
    let calls = section["scan"]["calls"].as_u64().unwrap();
    assert!(full.lines().count() > section["findings"]["findings"].as_array().unwrap().len() + 1);
    assert!(calls < 150, "one project costs fewer calls than forty: {calls}");
}

#[test]
fn burst_429s_are_waited_out_through_retry_after_not_turned_into_gaps() {
    let script = temp("throttled-sim.mjs");
    std::fs::write(
        &script,
        format!(
            "import {{ startSimulator }} from '{ROOT}/sim/server.mjs';\n\
             const sim = await startSimulator({{ faults: {{ seed: 11, throttleRate: 0.1, retryAfter: 1 }} }});\n\
             console.log(`jira simulator on ${{sim.url}} (throttled)`);\n"
        ),
    )
    .unwrap();
    let env = [("STEWARD_SIMULATOR", script.to_str().unwrap())];
    let started = Instant::now();
    let (code, out, err) = steward(&["audit", "--simulator", "--project", "PAY,APP"], &env);
    let elapsed = started.elapsed();
    assert_eq!(code, 0, "{err}");
    assert!(elapsed.as_secs_f64() >= 1.0, "each 429 says `Retry-After: 1`, yet the audit took {elapsed:?}");
    let throttled = json(&out);
    let (_, clean, _) = steward(&["audit", "--simulator", "--project", "PAY,APP"], &[]);
    let clean = json(&clean);
    assert_eq!(throttled["audit"]["scan"]["gaps"], Value::Array(Vec::new()), "every 429 was retried");
    let (t, c) =
        (throttled["audit"]["scan"]["calls"].as_u64().unwrap(), clean["audit"]["scan"]["calls"].as_u64().unwrap());
    assert!(t > c, "the 429s were answered and retried: {t} calls against {c}");
    assert_eq!(throttled["accounts"], clean["accounts"], "the same access once the retries are done");
}

#[test]
fn all_roles_finds_the_roles_a_deactivated_bot_is_still_in() {
    let inactive_finding = |args: &[&str]| {
        let (code, out, err) = steward(args, &[]);
        assert_eq!(code, 0, "{err}");
        let report = json(&out);
        let findings = report["audit"]["findings"]["findings"].as_array().unwrap().clone();
        let calls = report["audit"]["scan"]["calls"].as_u64().unwrap();
        let archiver =
            findings.into_iter().find(|f| f["rule"] == "inactive-still-granted" && f["displayName"] == "archiver-bot");
        (archiver, calls)
    };
    let (lean, lean_calls) = inactive_finding(&["audit", "--simulator", "--format", "json"]);
    let (all, all_calls) = inactive_finding(&["audit", "--simulator", "--format", "json", "--all-roles"]);
    // Jira's check shows nothing for a deactivated account, so the lean plan cannot place it:
    // it says so (at info, not a gate) rather than giving a clean bill.
    let lean = lean.expect("the lean plan says which roles it did not read");
    assert_eq!(lean["severity"], "info");
    assert!(lean["message"].as_str().unwrap().contains("roles the scan did not read may still name it"), "{lean}");
    let all = all.expect("--all-roles reads the Service accounts roles archiver-bot is in");
    assert_eq!(
        all["evidence"],
        serde_json::json!(["role \"Service accounts\" [10100] in ERP", "role \"Service accounts\" [10100] in ML"])
    );
    assert!(all_calls > lean_calls, "{all_calls} calls with --all-roles, {lean_calls} without");
}

#[test]
fn usage_errors_exit_2_before_any_call() {
    let bad_registry = temp("bad-registry.json");
    std::fs::write(&bad_registry, r#"{"registryVersion": 1, "accounts": [{"accountId": "x", "colour": "red"}]}"#)
        .unwrap();
    let bad_registry = bad_registry.to_str().unwrap();
    let cases: [(&[&str], &str); 10] = [
        (&["audit"], "audit needs `--site URL` or `--simulator`"),
        (&["audit", "--site", "x.atlassian.net", "--simulator"], "not both"),
        (&["audit", "--simulator", "--format", "xml"], "unknown format `xml`"),
        (&["audit", "--simulator", "--fail-on", "severe"], "`severe` is not a severity"),
        (&["audit", "--simulator", "--registry", "/nonexistent.json"], "cannot read `/nonexistent.json`"),
        (&["audit", "--simulator", "--simulator-size", "xxl"], "unknown simulator size `XXL`"),
        (&["audit", "--simulator", "--rate", "-1"], "`--rate` takes calls per second"),
        (&["audit", "--site", "https://x.atlassian.net/jira"], "`--site` takes a site"),
        (&["audit", "--simulator", "--output", "/nonexistent/report.json"], "no folder `/nonexistent`"),
        (&["audit", "--simulator", "--registry", bad_registry], "bad-registry.json`: "),
    ];
    for (args, message) in cases {
        let (code, out, err) = steward(args, &ADMIN);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

#[test]
fn an_unreachable_site_exits_2_naming_it() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let site = format!("http://127.0.0.1:{port}");
    let (code, out, err) = steward(&["audit", "--site", &site], &ADMIN);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains(&format!("cannot reach {site}")), "{err}");
}

#[test]
fn a_simulator_that_will_not_start_is_a_clear_error() {
    let (code, _, err) = steward(&["audit", "--simulator"], &[("STEWARD_SIMULATOR", "/nonexistent/server.mjs")]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot start the simulator"), "{err}");
}
