//! The scenario corpus: `tests/scenarios/<name>/` holds `snapshot.json` (format v1), an optional
//! `options.json` (analyze options), `about.txt` (the Jira construct it proves) and
//! `expected.txt` (the analysis in text form). Regenerate expectations with
//! `STEWARD_UPDATE_GOLDEN=1 cargo test --test scenarios`; never edit them by hand.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly on a bad fixture"
)]

use std::path::{Path, PathBuf};

use steward::api::{self, AnalyzeOptions};

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name)
}

fn run_scenario(name: &str) {
    let dir = dir(name);
    let snapshot = std::fs::read_to_string(dir.join("snapshot.json")).unwrap();
    let options: AnalyzeOptions = match std::fs::read_to_string(dir.join("options.json")) {
        Ok(text) => serde_json::from_str(&text).unwrap(),
        Err(_) => AnalyzeOptions {
            all_accounts: true,
            ..AnalyzeOptions::default()
        },
    };
    assert!(
        dir.join("about.txt").exists(),
        "scenario {name} has no about.txt"
    );
    let actual = api::analyze_snapshot(&snapshot, &options)
        .unwrap()
        .to_text();
    let expected_path = dir.join("expected.txt");
    if std::env::var_os("STEWARD_UPDATE_GOLDEN").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
        panic!("{name}: no expected.txt; run with STEWARD_UPDATE_GOLDEN=1 to create it")
    });
    assert_eq!(
        actual, expected,
        "scenario {name} changed; if intended, regenerate with STEWARD_UPDATE_GOLDEN=1"
    );
}

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { run_scenario(stringify!($name)); })*

        #[test]
        fn every_scenario_directory_is_listed() {
            let listed = [$(stringify!($name)),*];
            for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                assert!(listed.contains(&name.as_str()), "tests/scenarios/{name} is not listed in tests/scenarios.rs");
            }
        }
    };
}

scenarios! {
    several_paths_at_once,
}
