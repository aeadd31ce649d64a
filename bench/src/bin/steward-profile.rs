//! `steward-profile SNAPSHOT [--matrix] [--answer-stats]`: one native analysis (the matrix form with
//! `--matrix`), phase by phase, under a counting allocator: the snapshot's text decoded whole
//! (`snapshot::load`, for comparison, then dropped), then along the app's path: its chunks of just
//! under 1 MiB read by `snapshot::SnapshotReader` into the document, the site model built from it
//! (`snapshot::build_doc`), the engine, the answer.
//!
//! For finding where time and memory go (alone, or under `valgrind --tool=callgrind` or `perf`), not
//! for timing figures: the counting allocator costs a little on every allocation. Prints JSON: per
//! phase, the wall time, the allocations made, the bytes live after the phase and the peak during it;
//! then, with `--answer-stats`, what the answer is made of (rendering every path again: leave it off
//! under a profiler).

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::time::Instant;

use steward::api::AnalyzeOptions;
use steward::snapshot::{self, Scope, SnapshotDoc};
use steward_bench::chunks;

const MIB: f64 = 1024.0 * 1024.0;

/// Times phases and counts their allocations (allocation-counter, which replaces the global
/// allocator in this binary alone: no other binary calls it, so none links it).
#[derive(Default)]
struct Meter {
    /// Bytes the phases so far left allocated: the counter's figures are relative to a phase's start.
    live: i64,
}

impl Meter {
    fn phase(&mut self, run: impl FnOnce()) -> serde_json::Value {
        let start = Instant::now();
        let info = allocation_counter::measure(run);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let peak = self.live + i64::try_from(info.bytes_max).unwrap_or(i64::MAX);
        self.live += info.bytes_current;
        serde_json::json!({
            "ms": ms,
            "allocations": info.count_total,
            "liveAfterMiB": self.live as f64 / MIB,
            "peakDuringMiB": peak as f64 / MIB,
        })
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let answer_stats = args.iter().any(|a| a == "--answer-stats");
    let matrix_form = args.iter().any(|a| a == "--matrix");
    let Some(file) = args.iter().find(|a| !a.starts_with("--")).cloned() else {
        eprintln!("usage: steward-profile SNAPSHOT [--answer-stats]");
        return ExitCode::from(2);
    };
    let mut meter = Meter::default();
    let mut text = None;
    let read = meter.phase(|| text = std::fs::read_to_string(&file).ok());
    let Some(text) = text else {
        eprintln!("steward-profile: cannot read {file}");
        return ExitCode::FAILURE;
    };

    let whole_load = meter.phase(|| drop(snapshot::load(&text)));

    let mut doc: Option<SnapshotDoc> = None;
    let reader = meter.phase(|| {
        let mut reader = snapshot::SnapshotReader::new();
        for chunk in chunks(text.as_bytes()) {
            reader.push(chunk);
        }
        doc = reader.finish().ok();
    });
    let Some(doc) = doc else {
        eprintln!("steward-profile: the snapshot could not be read");
        return ExitCode::FAILURE;
    };
    let mut loaded = None;
    let build = meter.phase(|| loaded = snapshot::build_doc(doc, &Scope::default()).ok());
    let Some((site, load_warnings)) = loaded else {
        eprintln!("steward-profile: the snapshot could not be loaded");
        return ExitCode::FAILURE;
    };

    let options: AnalyzeOptions = serde_json::from_str(r#"{"skipTransitions":true}"#).unwrap_or_default();
    let mut matrix = None;
    let engine = meter.phase(|| {
        let mut built = steward::engine::matrix(&site, &options.selection());
        built.warnings.extend(load_warnings);
        built.warnings.sort();
        built.warnings.dedup();
        matrix = Some(built);
    });
    let Some(matrix) = matrix else {
        return ExitCode::FAILURE;
    };
    let sets = matrix.sets.len();

    let (mut answer, mut analysis) = (String::new(), None);
    let (expand, serialize) = if matrix_form {
        let serialize = meter.phase(|| answer = serde_json::to_string(&matrix).unwrap_or_default());
        analysis = Some(matrix.expand());
        (serde_json::Value::Null, serialize)
    } else {
        let expand = meter.phase(|| analysis = Some(matrix.expand()));
        let serialize =
            meter.phase(|| answer = analysis.as_ref().and_then(|a| serde_json::to_string(a).ok()).unwrap_or_default());
        (expand, serialize)
    };
    let Some(analysis) = analysis else {
        return ExitCode::FAILURE;
    };

    let entries: usize = analysis.accounts.iter().map(|a| a.projects.len()).sum();
    let mut out = serde_json::json!({
        "file": file,
        "snapshotMiB": text.len() as f64 / MIB,
        "phases": {
            "read": read,
            "wholeLoad": whole_load,
            "reader": reader,
            "build": build,
            "engine": engine,
            "expand": expand,
            "serialize": serialize,
        },
        "form": if matrix_form { "matrix" } else { "analysis" },
        "accessSets": sets,
        "answer": {
            "MiB": answer.len() as f64 / MIB,
            "projectEntries": entries,
        },
        "site": {
            "projects": site.projects.len(),
            "accounts": site.accounts.len(),
            "groups": site.groups.len(),
            "groupMembers": site.group_members.values().map(|m| m.len()).sum::<usize>(),
            "roleActors": site.role_actors.values().flat_map(|r| r.values()).map(|a| a.len()).sum::<usize>(),
        },
    });
    if !answer_stats {
        println!("{out}");
        return ExitCode::SUCCESS;
    }

    // What the answer is made of.
    let mut path_bytes = 0usize;
    let mut paths = 0usize;
    let mut distinct = BTreeSet::new();
    let mut distinct_permission_sets = BTreeSet::new();
    let mut conditional_only_entries = 0usize;
    for a in &analysis.accounts {
        for pa in &a.projects {
            let mut set = Vec::new();
            let mut all_conditional = true;
            for (permission, entries) in pa.permissions.iter() {
                let mut rendered = Vec::new();
                for e in entries {
                    let s = e.path.to_string();
                    path_bytes += s.len();
                    paths += 1;
                    all_conditional &= e.conditional;
                    rendered.push(s.clone());
                    distinct.insert(s);
                }
                set.push((permission.clone(), rendered));
            }
            if all_conditional && !pa.permissions.is_empty() {
                conditional_only_entries += 1;
            }
            distinct_permission_sets.insert(set);
        }
    }
    out["answer"] = serde_json::json!({
        "MiB": answer.len() as f64 / MIB,
        "projectEntries": entries,
        "paths": paths,
        "pathTextMiB": path_bytes as f64 / MIB,
        "distinctPaths": distinct.len(),
        "distinctPermissionSets": distinct_permission_sets.len(),
        "entriesWithOnlyConditionalPaths": conditional_only_entries,
    });
    println!("{out}");
    ExitCode::SUCCESS
}
