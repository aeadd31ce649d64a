//! The admin console's products (`LoadedSnapshot::console`) on the findings fixtures: rows with
//! their highest finding, detail records whose paths are data, why-not grants, exports written by
//! the core's CSV writer, and the comparison of two summaries.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing, reason = "tests fail loudly on a bad fixture")]

use std::path::{Path, PathBuf};

use serde_json::Value;
use steward::api::LoadedSnapshot;
use steward::snapshot::Scope;

const NOW: &str = "2026-11-23";

fn dir(rule: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/findings").join(rule)
}

/// The products, with `details` added: every account's detail, parsed, in `rows` order.
fn console(rule: &str, options: &str) -> Value {
    let read = |name: &str| std::fs::read_to_string(dir(rule).join(name)).unwrap();
    let loaded = LoadedSnapshot::from_text(&read("snapshot.json"), &Scope::default());
    let console = loaded.console(&read("registry.json"), &read("settings.json"), NOW, options).unwrap();
    let answer: Value = serde_json::from_str(console.products()).unwrap();
    assert_eq!(answer["type"], "success", "{answer}");
    let mut products = answer["result"].clone();
    assert_eq!(products["detailCount"], products["rows"].as_array().unwrap().len());
    assert_eq!(console.count(), products["rows"].as_array().unwrap().len());
    let details: Vec<Value> =
        (0..console.count()).map(|i| serde_json::from_str(&console.detail(i).unwrap().unwrap()).unwrap()).collect();
    assert!(console.detail(console.count()).is_none(), "no detail past the last row");
    products["details"] = Value::Array(details);
    products
}

#[test]
fn rows_carry_the_highest_finding_and_details_the_paths_as_data() {
    let p = console("direct-user-grant", "");
    let rows = p["rows"].as_array().unwrap();
    let findings = p["findings"]["findings"].as_array().unwrap();
    let hit = findings.iter().find(|f| f["rule"] == "direct-user-grant").unwrap();
    let (at, row) = rows.iter().enumerate().find(|(_, r)| r["accountId"] == hit["accountId"]).unwrap();
    assert!(row["rules"].as_array().unwrap().iter().any(|r| r == "direct-user-grant"));
    assert!(row["highest"]["severity"].is_string());
    let detail = &p["details"][at];
    assert_eq!(detail["account"]["accountId"], hit["accountId"]);
    let paths = detail["access"]["paths"].as_array().unwrap();
    assert!(paths.iter().any(|p| p["via"]["kind"] == "user" && p["origin"]["kind"] == "grant"), "{paths:?}");
    assert!(detail["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "direct-user-grant"));
    // Every scheme's grants are there for why-not, holders as data.
    let schemes = p["schemes"].as_object().unwrap();
    assert!(!schemes.is_empty());
    for scheme in schemes.values() {
        for grants in scheme["grants"].as_object().unwrap().values() {
            assert!(grants.as_array().unwrap().iter().all(|g| g["holder"]["kind"].is_string()));
        }
    }
    assert_eq!(p["changes"], Value::Null, "no previous summary, no comparison");
    let csv = p["exports"]["findingsCsv"].as_str().unwrap();
    assert_eq!(csv.split("\r\n").filter(|l| !l.is_empty()).count(), findings.len() + 1);
}

#[test]
fn the_global_admin_is_counted_and_the_report_is_the_audit_markdown() {
    let p = console("global-admin", "");
    assert!(p["rows"].as_array().unwrap().iter().any(|r| r["jiraAdmin"] == "yes"
        && r["highest"]["rule"] == "global-admin"
        && r["highest"]["severity"] == "critical"));
    assert!(p["exports"]["reportMarkdown"].as_str().unwrap().starts_with("# Steward audit of "));
    assert_eq!(p["asOf"], NOW);
}

#[test]
fn a_summary_compared_with_itself_shows_no_change_and_bad_options_are_refused() {
    let first = console("broad-access", "");
    let options = format!("{{\"previous\":{}}}", first["summary"]);
    let again = console("broad-access", &options);
    let changes = &again["changes"];
    for list in ["newBots", "removedBots", "gained", "lost", "ownersInactive"] {
        assert_eq!(changes[list], Value::Array(vec![]), "{list}: {changes}");
    }
    let read = |name: &str| std::fs::read_to_string(dir("broad-access").join(name)).unwrap();
    let loaded = LoadedSnapshot::from_text(&read("snapshot.json"), &Scope::default());
    let Err(bad) = loaded.console("", "", NOW, r#"{"previos":null}"#) else { panic!("unknown options are refused") };
    assert_eq!(bad.code, "bad-options");
    assert!(bad.message.contains("previos"), "{}", bad.message);
}

/// A probe, not a check: `STEWARD_CONSOLE_SNAPSHOT=bench/.data/snapshot-L.json cargo test --release
/// --test console -- --ignored --nocapture` prints what the console's products cost on a large
/// site (the time, and each part's size).
#[test]
#[ignore = "a probe for large snapshots, run by hand"]
fn console_products_on_a_large_snapshot() {
    let Ok(path) = std::env::var("STEWARD_CONSOLE_SNAPSHOT") else { return };
    let text = std::fs::read_to_string(&path).unwrap();
    let started = std::time::Instant::now();
    let loaded = LoadedSnapshot::from_text(&text, &Scope::default());
    drop(text);
    let loaded_at = started.elapsed();
    let console = loaded.console("", "", NOW, "").unwrap();
    let products = console.products().len();
    let mut details = 0;
    let mut largest = 0;
    for i in 0..console.count() {
        let text = console.detail(i).unwrap().unwrap();
        details += text.len();
        largest = largest.max(text.len());
    }
    let total = started.elapsed();
    let value: Value = serde_json::from_str(console.products()).unwrap();
    let p = &value["result"];
    let size = |v: &Value| serde_json::to_string(v).map(|s| s.len()).unwrap_or(0);
    println!(
        "{path}: load {loaded_at:?}, console {:?}; products {} MB; rows {} ({} KB), projectSets {} KB, details {} MB (largest {} KB), findings {} ({} MB), summary {} MB, access CSV {} MB",
        total - loaded_at,
        products >> 20,
        p["rows"].as_array().map_or(0, Vec::len),
        size(&p["rows"]) >> 10,
        size(&p["projectSets"]) >> 10,
        details >> 20,
        largest >> 10,
        p["findings"]["findings"].as_array().map_or(0, Vec::len),
        size(&p["findings"]) >> 20,
        size(&p["summary"]) >> 20,
        p["exports"]["accessCsv"].as_str().map_or(0, str::len) >> 20,
    );
}
