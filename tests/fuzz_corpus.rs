//! Replays the fuzz corpus (`fuzz/corpus/analyze`, and `fuzz/artifacts/analyze` when a run left
//! crash reproducers there) through the fuzz target's own code, so `cargo test` guards every
//! input the fuzzer was seeded with or found. See `fuzz/README.md`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on a bad corpus file")]

#[path = "../fuzz/src/lib.rs"]
mod fuzz_input;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// An input slower than this is reported as pathological, like a hang in the fuzzer.
const SLOW: Duration = Duration::from_secs(5);

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

fn replay(files: &[PathBuf]) {
    let mut failures = Vec::new();
    for file in files {
        let data = std::fs::read(file).unwrap();
        let started = Instant::now();
        if catch_unwind(AssertUnwindSafe(|| fuzz_input::run(&data))).is_err() {
            failures.push(format!("{}: panicked", file.display()));
        } else if started.elapsed() > SLOW {
            failures.push(format!("{}: took {:?}", file.display(), started.elapsed()));
        }
    }
    assert!(failures.is_empty(), "failing inputs:\n{}", failures.join("\n"));
}

#[test]
fn seed_corpus_runs_clean() {
    let corpus = files("fuzz/corpus/analyze");
    assert!(corpus.len() > 10, "fuzz/corpus/analyze holds {} files; is the seed corpus missing?", corpus.len());
    replay(&corpus);
}

#[test]
fn crash_artifacts_run_clean() {
    replay(&files("fuzz/artifacts/analyze"));
}

/// Scenario snapshots are seeds too (copied as `scenario-<name>.json`); replaying them from
/// `tests/scenarios` keeps scenarios added since the last copy guarded as well.
#[test]
fn scenario_snapshots_run_clean() {
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut snapshots: Vec<PathBuf> = std::fs::read_dir(scenarios)
        .unwrap()
        .map(|d| d.unwrap().path().join("snapshot.json"))
        .filter(|p| p.is_file())
        .collect();
    snapshots.sort();
    replay(&snapshots);
}
