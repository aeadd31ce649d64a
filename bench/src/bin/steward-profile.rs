//! `steward-profile SNAPSHOT [--matrix] [--answer-stats]`: one native analysis (the matrix form with
//! `--matrix`), phase by phase, under a counting allocator.
//!
//! For finding where time and memory go (alone, or under `valgrind --tool=callgrind` or `perf`), not
//! for timing figures: the counting allocator costs a little on every allocation. Prints JSON: per
//! phase, the wall time, the allocations made, the bytes live after the phase and the peak during it;
//! then, with `--answer-stats`, what the answer is made of (rendering every path again: leave it off
//! under a profiler).

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use steward::api::{self, AnalyzeOptions};
use steward::snapshot::SnapshotDoc;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        COUNT.fetch_add(1, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            let live = LIVE.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
            PEAK.fetch_max(live, Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        COUNT.fetch_add(1, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;

struct Phase {
    start: Instant,
    count: usize,
}

fn begin() -> Phase {
    PEAK.store(LIVE.load(Relaxed), Relaxed);
    Phase { start: Instant::now(), count: COUNT.load(Relaxed) }
}

fn end(p: Phase) -> serde_json::Value {
    serde_json::json!({
        "ms": p.start.elapsed().as_secs_f64() * 1000.0,
        "allocations": COUNT.load(Relaxed) - p.count,
        "liveAfterMiB": LIVE.load(Relaxed) as f64 / MIB,
        "peakDuringMiB": PEAK.load(Relaxed) as f64 / MIB,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let answer_stats = args.iter().any(|a| a == "--answer-stats");
    let matrix_form = args.iter().any(|a| a == "--matrix");
    let Some(file) = args.iter().find(|a| !a.starts_with("--")).cloned() else {
        eprintln!("usage: steward-profile SNAPSHOT [--answer-stats]");
        return ExitCode::from(2);
    };
    let p = begin();
    let Ok(text) = std::fs::read_to_string(&file) else {
        eprintln!("steward-profile: cannot read {file}");
        return ExitCode::FAILURE;
    };
    let read = end(p);

    let p = begin();
    let doc: Result<SnapshotDoc, _> = serde_json::from_str(&text);
    drop(doc);
    let first_pass = end(p);

    let p = begin();
    let Ok((site, load_warnings)) = api::load(&text) else {
        eprintln!("steward-profile: the snapshot could not be loaded");
        return ExitCode::FAILURE;
    };
    let load = end(p);

    let options: AnalyzeOptions = serde_json::from_str(r#"{"skipTransitions":true}"#).unwrap_or_default();
    let p = begin();
    let mut matrix = steward::engine::matrix(&site, &options.selection());
    matrix.warnings.extend(load_warnings);
    matrix.warnings.sort();
    matrix.warnings.dedup();
    let engine = end(p);
    let sets = matrix.sets.len();

    let (answer, expand, serialize, analysis) = if matrix_form {
        let p = begin();
        let text = serde_json::to_string(&matrix).unwrap_or_default();
        (text, serde_json::Value::Null, end(p), matrix.expand())
    } else {
        let p = begin();
        let analysis = matrix.expand();
        let expanded = end(p);
        let p = begin();
        let text = serde_json::to_string(&analysis).unwrap_or_default();
        (text, expanded, end(p), analysis)
    };

    let entries: usize = analysis.accounts.iter().map(|a| a.projects.len()).sum();
    let mut out = serde_json::json!({
        "file": file,
        "snapshotMiB": text.len() as f64 / MIB,
        "phases": {
            "read": read,
            "firstPass": first_pass,
            "load": load,
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
