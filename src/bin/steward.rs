//! `steward`: the command line over the same core the Forge app runs.
//!
//!     steward analyze SNAPSHOT.json [--account ID] [--project KEY] [--all-accounts]
//!                     [--no-transitions] [--format json|text|matrix]
//!     steward why-not SNAPSHOT.json --account ID --project KEY --permission KEY
//!     steward what-if SNAPSHOT.json CHANGES.json

use std::process::ExitCode;

use steward::api::{self, AnalyzeOptions};

const USAGE: &str = "usage:
  steward analyze SNAPSHOT.json [--account ID] [--project KEY] [--all-accounts] [--no-transitions] [--format json|text|matrix]
  steward why-not SNAPSHOT.json --account ID --project KEY --permission KEY
  steward what-if SNAPSHOT.json CHANGES.json";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("steward: {message}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))
}

struct Flags {
    positional: Vec<String>,
    values: Vec<(String, String)>,
    switches: Vec<String>,
}

impl Flags {
    fn parse(args: &[String], with_value: &[&str], switches: &[&str]) -> Result<Self, String> {
        let mut flags = Flags { positional: Vec::new(), values: Vec::new(), switches: Vec::new() };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            if with_value.contains(&arg.as_str()) {
                let value = iter.next().ok_or_else(|| format!("`{arg}` needs a value\n{USAGE}"))?;
                flags.values.push((arg.clone(), value.clone()));
            } else if switches.contains(&arg.as_str()) {
                flags.switches.push(arg.clone());
            } else if arg.starts_with("--") {
                return Err(format!("unknown option `{arg}`\n{USAGE}"));
            } else {
                flags.positional.push(arg.clone());
            }
        }
        Ok(flags)
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.values.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn required(&self, name: &str) -> Result<&str, String> {
        self.value(name).ok_or_else(|| format!("`{name}` is required\n{USAGE}"))
    }

    fn switch(&self, name: &str) -> bool {
        self.switches.iter().any(|s| s == name)
    }
}

fn run(args: &[String]) -> Result<String, String> {
    let (command, rest) = args.split_first().ok_or_else(|| USAGE.to_owned())?;
    match command.as_str() {
        "analyze" => {
            let flags =
                Flags::parse(rest, &["--account", "--project", "--format"], &["--all-accounts", "--no-transitions"])?;
            let [path] = flags.positional.as_slice() else {
                return Err(format!("analyze takes one snapshot\n{USAGE}"));
            };
            let options = AnalyzeOptions {
                account_id: flags.value("--account").map(str::to_owned),
                project: flags.value("--project").map(str::to_owned),
                all_accounts: flags.switch("--all-accounts"),
                skip_transitions: flags.switch("--no-transitions"),
                ..AnalyzeOptions::default()
            };
            let format = flags.value("--format").unwrap_or("json");
            if !["json", "text", "matrix"].contains(&format) {
                return Err(format!("unknown format `{format}`; use json, text or matrix"));
            }
            let matrix = api::matrix_snapshot(&read(path)?, &options).map_err(|e| e.message)?;
            match format {
                "matrix" => serde_json::to_string(&matrix).map_err(|e| e.to_string()),
                "text" => Ok(matrix.expand().to_text().trim_end().to_owned()),
                _ => serde_json::to_string_pretty(&matrix.expand()).map_err(|e| e.to_string()),
            }
        }
        "why-not" => {
            let flags = Flags::parse(rest, &["--account", "--project", "--permission"], &[])?;
            let [path] = flags.positional.as_slice() else {
                return Err(format!("why-not takes one snapshot\n{USAGE}"));
            };
            let answer = api::why_not_json(
                &read(path)?,
                flags.required("--account")?,
                flags.required("--project")?,
                flags.required("--permission")?,
            );
            pretty(&answer)
        }
        "what-if" => {
            let flags = Flags::parse(rest, &[], &[])?;
            let [snapshot, changes] = flags.positional.as_slice() else {
                return Err(format!("what-if takes a snapshot and a change set\n{USAGE}"));
            };
            pretty(&api::what_if_json(&read(snapshot)?, &read(changes)?))
        }
        "--help" | "-h" | "help" => Ok(USAGE.to_owned()),
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

/// Pretty-prints an envelope; a failure envelope becomes an error (exit status 2).
fn pretty(json: &str) -> Result<String, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    if value.get("type").and_then(|t| t.as_str()) == Some("failure") {
        let messages: Vec<String> = value
            .get("errors")
            .and_then(|e| e.as_array())
            .into_iter()
            .flatten()
            .filter_map(|e| e.get("message").and_then(|m| m.as_str()).map(str::to_owned))
            .collect();
        return Err(messages.join("; "));
    }
    serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
}
