//! The findings catalogue against its fixtures: `tests/findings/<rule-id>/` holds a snapshot, a
//! registry and settings on which the rule fires, `expected.txt` (every finding there, in text
//! form) and `clean/`, a variant on which it stays quiet. Regenerate the expectations with
//! `STEWARD_UPDATE_GOLDEN=1 cargo test --test findings`; never edit them by hand.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on a bad fixture")]

use std::path::{Path, PathBuf};

use steward::api::GovernanceInput;
use steward::findings::{self, Finding, Severity, rules::CATALOGUE};

const NOW: &str = "2026-11-23";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/findings")
}

fn run(dir: &Path) -> Vec<Finding> {
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()))
    };
    let input = GovernanceInput::parse(&read("snapshot.json"), &read("registry.json"), &read("settings.json"), NOW)
        .unwrap_or_else(|e| panic!("{}: {}", dir.display(), e.message));
    findings::findings_in(&input.scope())
}

#[test]
fn every_rule_fires_on_its_fixture_and_stays_quiet_on_the_clean_variant() {
    let mut failures = Vec::new();
    for rule in CATALOGUE {
        let dir = root().join(rule.id);
        assert!(dir.join("about.txt").exists(), "rule {} has no fixture in tests/findings/{}", rule.id, rule.id);
        let fired = run(&dir);
        if !fired.iter().any(|f| f.rule == rule.id) {
            failures.push(format!("{} does not fire on its fixture", rule.id));
        }
        let quiet = run(&dir.join("clean"));
        if let Some(f) = quiet.iter().find(|f| f.rule == rule.id) {
            failures.push(format!("{} fires on its clean variant: {}", rule.id, f.message));
        }
        let text = findings::to_text(&fired);
        let expected = dir.join("expected.txt");
        if std::env::var_os("STEWARD_UPDATE_GOLDEN").is_some() {
            std::fs::write(&expected, &text).unwrap();
        } else {
            match std::fs::read_to_string(&expected) {
                Ok(golden) if golden == text => {}
                Ok(golden) => {
                    failures.push(format!("{}: findings changed\n--- expected\n{golden}--- actual\n{text}", rule.id))
                }
                Err(_) => failures.push(format!("{}: no expected.txt; run with STEWARD_UPDATE_GOLDEN=1", rule.id)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_directory_is_a_rule_and_every_rule_has_its_own_file() {
    let ids: Vec<&str> = CATALOGUE.iter().map(|r| r.id).collect();
    for entry in std::fs::read_dir(root()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(ids.contains(&name.as_str()), "tests/findings/{name} names no rule");
    }
    for id in &ids {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/findings/rules")
            .join(format!("{}.rs", id.replace('-', "_")));
        assert!(file.exists(), "rule {id} has no file {}", file.display());
    }
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "rule ids are unique");
    assert!(ids.len() >= 14);
}

#[test]
fn rules_state_their_policy_name_public_sources_only_and_say_how_to_fix() {
    for rule in CATALOGUE {
        let text = format!("{} {} {}", rule.title, rule.reason, rule.fix).to_lowercase();
        for private in ["seed", "research", ".md"] {
            assert!(!text.contains(private), "{}: its text refers to `{private}`; name public sources only", rule.id);
        }
        // A quoted name is the title of the Atlassian article the policy comes from.
        if rule.reason.contains('"') {
            assert!(rule.reason.contains("Atlassian's support article"), "{}: the quoted source is not named", rule.id);
        }
        assert!(rule.reason.ends_with('.'), "{}: the reason is whole sentences", rule.id);
        assert!(!rule.fix.is_empty() && !rule.title.is_empty(), "{}", rule.id);
        assert!(rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}: ids are kebab-case", rule.id);
    }
}

#[test]
fn the_clean_base_has_no_finding_at_all() {
    // `no-owner/clean` is the untouched base fixture: a registered bot in its role, reviewed.
    let found = run(&root().join("no-owner/clean"));
    assert!(found.is_empty(), "{}", findings::to_text(&found));
}

#[test]
fn severities_order_for_the_fail_on_gate() {
    assert!(Severity::Info < Severity::Low && Severity::Low < Severity::Medium);
    assert!(Severity::Medium < Severity::High && Severity::High < Severity::Critical);
    let found = run(&root().join("global-admin"));
    assert!(findings::fails(&found, Severity::Critical));
    let quiet = run(&root().join("global-admin/clean"));
    assert!(!findings::fails(&quiet, Severity::Low));
    assert_eq!("high".parse::<Severity>(), Ok(Severity::High));
    assert!("severe".parse::<Severity>().unwrap_err().contains("info, low, medium, high, critical"));
}

/// A display name or evidence line with a line break cannot forge a finding line of its own.
#[test]
fn text_form_escapes_control_characters() {
    let finding = Finding {
        rule: "no-owner",
        title: "t",
        severity: Severity::High,
        account_id: Some("bot-1".to_owned()),
        display_name: Some("ci\nhigh no-owner bot-2: forged".to_owned()),
        project: None,
        projects: Vec::new(),
        message: "has no owner".to_owned(),
        evidence: vec!["path\r\nhigh forged".to_owned()],
        reason: "r",
        fix: "f",
    };
    let text = findings::to_text(&[finding]);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("ci\\u{a}high"), "{text}");
}

// A bot outside the service-account role in many projects is one finding naming the projects, with
// the paths of the first ones: a finding per project made millions on the largest sites.
#[test]
fn outside_service_role_is_one_finding_per_bot_however_many_projects() {
    let dir = root().join("outside-service-role");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let mut snapshot: serde_json::Value = serde_json::from_str(&read("snapshot.json")).unwrap();
    let keys: Vec<String> = (0..30).map(|i| format!("P{i:02}")).collect();
    for (i, key) in keys.iter().enumerate() {
        let mut project = snapshot["projects"][0]["values"][0].clone();
        project["id"] = serde_json::json!(format!("{}", 20000 + i));
        project["key"] = serde_json::json!(key);
        snapshot["projects"][0]["values"].as_array_mut().unwrap().push(project);
        let scheme = snapshot["projectPermissionSchemes"]["ABC"].clone();
        snapshot["projectPermissionSchemes"][key] = scheme;
        let roles = snapshot["projectRoles"]["ABC"].clone();
        snapshot["projectRoles"][key] = roles;
    }
    let total = keys.len() + 1;
    snapshot["projects"][0]["total"] = serde_json::json!(total);
    let input =
        GovernanceInput::parse(&snapshot.to_string(), &read("registry.json"), &read("settings.json"), NOW).unwrap();
    let found: Vec<Finding> =
        findings::findings_in(&input.scope()).into_iter().filter(|f| f.rule == "outside-service-role").collect();
    assert_eq!(found.len(), 1, "{found:?}");
    let finding = &found[0];
    assert_eq!(finding.project, None);
    assert_eq!(
        finding.message,
        format!(
            "holds permissions in {total} projects (ABC, P00, P01, P02, P03 and {} more) but none through the \"Service accounts\" role",
            total - 5
        )
    );
    assert_eq!(finding.evidence.last().map(String::as_str), Some("(paths shown for the first 12 projects)"));
}

// A level in a scheme many projects share is one finding per bot and level, listing every project
// (the project page shows it on each), with a path shared by them shown once.
#[test]
fn restricted_security_level_is_one_finding_per_bot_and_level_listing_every_project() {
    let dir = root().join("restricted-security-level");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let input =
        GovernanceInput::parse(&read("snapshot.json"), &read("registry.json"), &read("settings.json"), NOW).unwrap();
    let found: Vec<Finding> =
        findings::findings_in(&input.scope()).into_iter().filter(|f| f.rule == "restricted-security-level").collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].project, None);
    assert_eq!(found[0].projects, ["ABC", "XYZ"]);
    assert_eq!(found[0].severity, Severity::High);
    assert_eq!(found[0].evidence.len(), 1, "the scheme's one path, once: {:?}", found[0].evidence);
    let json = serde_json::to_value(&found[0]).unwrap();
    assert_eq!(json["projects"], serde_json::json!(["ABC", "XYZ"]));
}

// A group the scan did not list is named by each grant's own holder name: two grants naming one
// group id differently are judged each by its own name (the settings name one of them broad), not
// by whichever the rule met first.
#[test]
fn broad_access_judges_an_unlisted_group_by_each_grants_name() {
    let dir = root().join("broad-access");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let mut snapshot: serde_json::Value = serde_json::from_str(&read("snapshot.json")).unwrap();
    snapshot["groups"][0]["values"] = serde_json::json!([]);
    snapshot["groups"][0]["total"] = serde_json::json!(0);
    let grants = snapshot["permissionSchemes"]["permissionSchemes"][0]["permissions"].as_array_mut().unwrap();
    let mut second = grants.last().unwrap().clone();
    second["id"] = serde_json::json!(10105);
    second["permission"] = serde_json::json!("CREATE_ISSUES");
    second["holder"]["parameter"] = serde_json::json!("ops-robots");
    grants.push(second);
    // Broad by name only: no group holds every person of the site.
    let settings = r#"{"plan":"enterprise","broadGroups":["ops-robots"],"broadGroupShare":1.0}"#;
    snapshot["users"][0].as_array_mut().unwrap().push(serde_json::json!({
        "accountId": "human-9", "accountType": "atlassian", "active": true, "displayName": "Nina Nobody"
    }));
    let input = GovernanceInput::parse(&snapshot.to_string(), &read("registry.json"), settings, NOW).unwrap();
    let found: Vec<Finding> =
        findings::findings_in(&input.scope()).into_iter().filter(|f| f.rule == "broad-access").collect();
    assert_eq!(found.len(), 1, "{found:?}");
    let lines: Vec<&str> = found[0].evidence.iter().map(String::as_str).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("ABC CREATE_ISSUES ← "), "{lines:?}");
    assert!(lines[0].contains("ops-robots"), "{lines:?}");
}
