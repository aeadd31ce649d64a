//! `steward-bench-native SNAPSHOT [--runs N] [--budget SECONDS] [--no-breakdown] [--answer FILE]`
//!
//! Times the app's path natively: the snapshot's bytes (already in memory) cut into chunks of just
//! under 1 MiB (untimed, as they come from storage), then `steward::api::SnapshotReader::new()`,
//! `push` of every chunk, `finish` keeping the non-human accounts (as the app's digest loads) and `analyze({"skipTransitions":true,
//! "form":"matrix"})` to the full JSON answer string (what the wasm `SnapshotReader` and
//! `LoadedSnapshot.analyze` call); the loaded snapshot and the answer are dropped after the clock
//! stops. Prints JSON figures on stdout: the median of the timed runs, then a breakdown of one
//! analysis into its phases (reading the chunks into the document, building the site model, the
//! engine, serialising the answer) with the process's resident memory after each, and, for
//! comparison, `snapshot::load` of the whole text.
//!
//! Runs: the first run and the warm-up runs after it (for 1.5 s, at most 100 runs, as on the JS
//! side) are discarded, unless the runs would not fit the time budget, in which case the first run
//! is kept as a sample and runs stop when the budget is spent (at least one).

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use steward::api::{AnalyzeOptions, SnapshotReader};
use steward::snapshot::{self, Scope};
use steward_bench::chunks;

/// The full matrix, in its compact form (the `analysis` form repeats each shared cell per project).
const OPTIONS: &str = r#"{"skipTransitions":true,"form":"matrix"}"#;

struct Args {
    file: String,
    runs: usize,
    budget: f64,
    breakdown: bool,
    answer: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args { file: String::new(), runs: 5, budget: 120.0, breakdown: true, answer: None };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => args.runs = number(it.next(), "--runs")?.max(1.0) as usize,
            "--budget" => args.budget = number(it.next(), "--budget")?,
            "--no-breakdown" => args.breakdown = false,
            "--answer" => args.answer = Some(it.next().ok_or("--answer needs a file")?),
            other if !other.starts_with("--") && args.file.is_empty() => args.file = other.into(),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if args.file.is_empty() {
        return Err("which snapshot?".into());
    }
    Ok(args)
}

fn number(value: Option<String>, flag: &str) -> Result<f64, String> {
    value.and_then(|v| v.parse().ok()).ok_or_else(|| format!("{flag} needs a number"))
}

/// `VmHWM` (peak) or `VmRSS` (current) of this process, in KiB.
fn proc_status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// On-CPU time of this thread in ms (`/proc/thread-self/schedstat`): not inflated when other
/// processes compete for the CPUs.
fn thread_cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse::<f64>().ok()))
        .map_or(f64::NAN, |ns| ns / 1e6)
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

fn median(samples: &[f64]) -> f64 {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// The warm-up of `bench/run.mjs`: runs for this long, at most this many.
const WARMUP_MS: f64 = 1500.0;
const WARMUP_RUNS: usize = 100;

/// Runs `f` by the warm-up/budget policy above; returns wall and on-CPU samples in milliseconds.
/// What `f` answers is dropped after the clock stops.
fn timed<T>(runs: usize, budget_s: f64, mut f: impl FnMut() -> T) -> (Vec<f64>, Vec<f64>) {
    let budget_ms = budget_s * 1000.0;
    let start = Instant::now();
    let t = Instant::now();
    let c = thread_cpu_ms();
    let kept = f();
    let first = ms(t);
    let first_cpu = thread_cpu_ms() - c;
    drop(kept);
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    if first * (runs as f64 + 1.0) > budget_ms {
        wall.push(first);
        cpu.push(first_cpu);
    } else {
        // As long as the JS side warms up: the first runs of a process also pay for its heap
        // (the allocator maps, faults in and hands back its large blocks until it settles).
        let mut warm = 1;
        while warm < WARMUP_RUNS && ms(start) < WARMUP_MS && ms(start) + first * (runs as f64 + 1.0) <= budget_ms {
            drop(f());
            warm += 1;
        }
    }
    while wall.len() < runs && (wall.is_empty() || ms(start) + first <= budget_ms) {
        let t = Instant::now();
        let c = thread_cpu_ms();
        let kept = f();
        wall.push(ms(t));
        cpu.push(thread_cpu_ms() - c);
        drop(kept);
    }
    (wall, cpu)
}

/// A writer that only counts the bytes written to it.
struct ByteCount(usize);

impl std::io::Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "steward-bench-native: {e}\nusage: steward-bench-native SNAPSHOT [--runs N] [--budget SECONDS] [--no-breakdown] [--answer FILE]"
            );
            return ExitCode::from(2);
        }
    };
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("steward-bench-native: {}: {e}", args.file);
            return ExitCode::FAILURE;
        }
    };
    let rss_text = proc_status_kib("VmRSS:");
    let pieces = chunks(&bytes);

    let mut answer_bytes = 0usize;
    let (samples, cpu_samples) = timed(args.runs, args.budget, || {
        let mut reader = SnapshotReader::new();
        for chunk in &pieces {
            reader.push(black_box(chunk));
        }
        let loaded = reader.finish(&Scope { project: None, non_human_only: true });
        let answer = loaded.analyze(OPTIONS);
        answer_bytes = answer.len();
        black_box((loaded, answer))
    });
    let peak_after_runs = proc_status_kib("VmHWM:");

    let mut out = serde_json::json!({
        "file": args.file,
        "snapshotBytes": bytes.len(),
        "chunks": pieces.len(),
        "options": OPTIONS,
        "samplesMs": samples,
        "medianMs": median(&samples),
        "minMs": samples.iter().copied().fold(f64::INFINITY, f64::min),
        "cpuSamplesMs": cpu_samples,
        "medianCpuMs": median(&cpu_samples),
        "answerBytes": answer_bytes,
        "rssTextKiB": rss_text,
        "peakRssKiB": peak_after_runs,
    });

    if args.breakdown {
        // One analysis, phase by phase, as the timed runs do it: the chunks read into the document
        // (`snapshot::SnapshotReader`), the site model built from it, the engine, the answer.
        let options: AnalyzeOptions = serde_json::from_str(OPTIONS).unwrap_or_default();
        let t = Instant::now();
        let mut reader = snapshot::SnapshotReader::new();
        for chunk in &pieces {
            reader.push(chunk);
        }
        let doc = reader.finish();
        let read_ms = ms(t);
        let t = Instant::now();
        let loaded = doc.and_then(|doc| snapshot::build_doc(doc, &Scope::default()));
        let build_ms = ms(t);
        let rss_site = proc_status_kib("VmRSS:");
        let Ok((site, load_warnings)) = loaded else {
            eprintln!("steward-bench-native: the snapshot could not be loaded");
            return ExitCode::FAILURE;
        };
        let t = Instant::now();
        let mut matrix = steward::engine::matrix(&site, &options.selection());
        matrix.warnings.extend(load_warnings);
        matrix.warnings.sort();
        matrix.warnings.dedup();
        let analyze_ms = ms(t);
        let rss_analysis = proc_status_kib("VmRSS:");
        let t = Instant::now();
        let answer = serde_json::to_string(&matrix).unwrap_or_default();
        let serialize_ms = ms(t);
        let rss_answer = proc_status_kib("VmRSS:");
        let access_sets = matrix.sets.len();
        // The same answer in the `analysis` form: one entry per account and project.
        let t = Instant::now();
        let analysis = matrix.expand();
        // Counted, not kept: at XL the expanded text is several GB (an 8 GiB buffer once
        // aborted the whole native run, losing its timed figures).
        let mut counted = ByteCount(0);
        let expanded_bytes = match serde_json::to_writer(&mut counted, &analysis) {
            Ok(()) => counted.0,
            Err(_) => 0,
        };
        let expanded_ms = ms(t);

        let accounts = analysis.accounts.len();
        let active = analysis.accounts.iter().filter(|a| a.active).count();
        let entries: usize = analysis.accounts.iter().map(|a| a.projects.len()).sum();
        let paths: usize =
            analysis.accounts.iter().flat_map(|a| &a.projects).flat_map(|p| p.permissions.values()).map(Vec::len).sum();
        let permissions: usize = analysis.accounts.iter().flat_map(|a| &a.projects).map(|p| p.permissions.len()).sum();
        let mut codes = std::collections::BTreeMap::<String, usize>::new();
        for w in &analysis.warnings {
            let code =
                serde_json::to_value(w.code).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            *codes.entry(code).or_default() += 1;
        }
        out["breakdown"] = serde_json::json!({
            "readMs": read_ms,
            "buildMs": build_ms,
            "loadMs": read_ms + build_ms,
            "analyzeMs": analyze_ms,
            "serializeMs": serialize_ms,
            "accessSets": access_sets,
            "expandedMs": expanded_ms,
            "expandedBytes": expanded_bytes,
            "rssSiteKiB": rss_site,
            "rssAnalysisKiB": rss_analysis,
            "rssAnswerKiB": rss_answer,
        });
        out["counts"] = serde_json::json!({
            "projects": site.projects.len(),
            "accounts": accounts,
            "activeAccounts": active,
            "pairs": accounts * site.projects.len(),
            "projectEntries": entries,
            "permissions": permissions,
            "paths": paths,
            "warnings": codes,
        });
        out["peakRssKiB"] = serde_json::json!(proc_status_kib("VmHWM:"));
        if let Some(file) = &args.answer {
            if let Err(e) = std::fs::write(file, &answer) {
                eprintln!("steward-bench-native: {file}: {e}");
            }
        }
        // For comparison, after the peak above and with the rest dropped: the whole text decoded at
        // once (`snapshot::load`, one pass of serde_json over it) rather than read chunk by chunk.
        drop((analysis, site, answer));
        let whole_load_ms = match std::str::from_utf8(&bytes) {
            Ok(text) => {
                let t = Instant::now();
                let whole = snapshot::load(text);
                let whole_ms = ms(t);
                drop(whole);
                whole_ms
            }
            Err(_) => f64::NAN,
        };
        out["breakdown"]["wholeLoadMs"] = serde_json::json!(whole_load_ms);
    }
    println!("{out}");
    ExitCode::SUCCESS
}
