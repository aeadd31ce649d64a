//! `steward-synth SIZE [--seed N] > snapshot.json`: a deterministic synthetic Jira site as a snapshot
//! v1 document. SIZE is S, M, L or XL; the same SIZE and seed always give the same bytes.
//! `--stats` prints what the site holds (JSON) instead of the snapshot.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use steward_bench::synth::{DEFAULT_SEED, GENERATOR_VERSION, Instance, Size, write_snapshot};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut size = None;
    let mut seed = DEFAULT_SEED;
    let mut stats = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" => {
                i += 1;
                match args.get(i).and_then(|s| parse_seed(s)) {
                    Some(s) => seed = s,
                    None => return usage("--seed needs a number"),
                }
            }
            "--stats" => stats = true,
            "--version" => {
                println!("steward-synth {GENERATOR_VERSION}");
                return ExitCode::SUCCESS;
            }
            other => match Size::parse(other) {
                Some(s) => size = Some(s),
                None => return usage(&format!("unknown argument `{other}`")),
            },
        }
        i += 1;
    }
    let Some(size) = size else {
        return usage("which size?");
    };
    let inst = Instance::generate(&size.params(), seed);
    if stats {
        let p = &inst.params;
        let s = inst.stats();
        let out = serde_json::json!({
            "size": p.size,
            "seed": format!("{seed:#x}"),
            "generator": GENERATOR_VERSION,
            "projects": p.projects,
            "schemes": p.schemes,
            "grants": s.grants,
            "grantsByHolder": s.grants_by_holder,
            "roles": p.roles,
            "roleBodies": s.role_bodies,
            "roleActors": s.role_actors,
            "users": p.users,
            "serviceAccounts": s.service_accounts,
            "analysedAccounts": s.analysed_accounts,
            "groups": p.groups,
            "referencedGroups": s.referenced_groups,
            "groupMemberEntries": s.group_member_entries,
        });
        // The bytes of each part, by rendering into nothing.
        let mut out = out;
        match write_snapshot(&inst, &mut io::sink()) {
            Ok(parts) => {
                out["snapshotBytes"] = serde_json::json!(parts.iter().map(|(_, n)| n).sum::<u64>());
                out["partBytes"] = parts.iter().map(|(name, n)| ((*name).to_owned(), serde_json::json!(n))).collect();
            }
            Err(e) => eprintln!("steward-synth: {e}"),
        }
        println!("{out}");
        return ExitCode::SUCCESS;
    }
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    match write_snapshot(&inst, &mut out).and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("steward-synth: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_seed(text: &str) -> Option<u64> {
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("steward-synth: {problem}\nusage: steward-synth S|M|L|XL [--seed N] [--stats] > snapshot.json");
    ExitCode::from(2)
}
