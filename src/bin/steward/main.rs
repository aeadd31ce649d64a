//! `steward`: the command line over the same core the Forge app runs.
//!
//!     steward analyze SNAPSHOT.json [--account ID] [--project KEY] [--all-accounts]
//!                     [--no-transitions] [--format json|text|matrix]
//!     steward why-not SNAPSHOT.json --account ID --project KEY --permission KEY
//!     steward what-if SNAPSHOT.json CHANGES.json
//!     steward findings SNAPSHOT.json --registry REGISTRY.json [--settings S.json] [--now DATE]
//!                      [--fail-on SEVERITY] [--format json|text]
//!     steward review due SNAPSHOT.json --registry REGISTRY.json [--settings S.json] [--now DATE]
//!     steward review decide SNAPSHOT.json --registry REGISTRY.json --decision D.json [--now DATE]
//!     steward leaver ACCOUNT SNAPSHOT.json --registry REGISTRY.json [--settings S.json] [--now DATE]
//!     steward least-privilege ACCOUNT SNAPSHOT.json --registry REGISTRY.json
//!     steward catalogue
//!     steward audit (--site URL | --simulator [--simulator-size s|m|l]) [--format json|csv|markdown]
//!                   [--output FILE] [--fail-on SEVERITY] [--fail-on-gaps] [--registry R.json]
//!                   [--settings S.json] [--now DATE] [--project KEY[,KEY…]] [--snapshot-out FILE]
//!                   [--rate CALLS_PER_SECOND] [--all-roles]
//!
//! Everything but `audit` reads files; `audit` is the one command that talks to Jira (`http.rs`),
//! so it is native only: a wasm build of this binary has no HTTP client.

#[cfg(not(target_arch = "wasm32"))]
mod audit;
#[cfg(not(target_arch = "wasm32"))]
mod http;
#[cfg(not(target_arch = "wasm32"))]
mod progress;

use std::process::ExitCode;

use steward::api::{self, AnalyzeOptions};
use steward::date::Date;
use steward::findings::{self, Severity};

const USAGE: &str = "usage:
  steward analyze SNAPSHOT.json [--account ID] [--project KEY] [--all-accounts] [--no-transitions] [--format json|text|matrix]
  steward why-not SNAPSHOT.json --account ID --project KEY --permission KEY
  steward what-if SNAPSHOT.json CHANGES.json
  steward findings SNAPSHOT.json --registry REGISTRY.json [--settings SETTINGS.json] [--now DATE] [--fail-on info|low|medium|high|critical] [--format json|text]
  steward review due SNAPSHOT.json --registry REGISTRY.json [--settings SETTINGS.json] [--now DATE]
  steward review decide SNAPSHOT.json --registry REGISTRY.json --decision DECISION.json [--settings SETTINGS.json] [--now DATE]
  steward leaver ACCOUNT SNAPSHOT.json --registry REGISTRY.json [--settings SETTINGS.json] [--now DATE]
  steward least-privilege ACCOUNT SNAPSHOT.json --registry REGISTRY.json [--settings SETTINGS.json]
  steward catalogue
  steward audit (--site URL | --simulator [--simulator-size s|m|l]) [--format json|csv|markdown] [--output FILE]
                [--fail-on info|low|medium|high|critical] [--fail-on-gaps] [--registry REGISTRY.json] [--settings SETTINGS.json]
                [--now DATE] [--project KEY[,KEY...]] [--snapshot-out FILE] [--rate CALLS_PER_SECOND] [--all-roles]
(--now defaults to today, UTC; --fail-on exits with status 1 when a finding is at or above it)
(audit: --site reads JIRA_EMAIL and JIRA_API_TOKEN; --simulator runs `node sim/server.mjs` as its demo admin;
 --rate defaults to 10 calls a second for --site, none for --simulator; --all-roles reads every role's actors,
 which also finds the roles deactivated bots are still in; exit status 0 passed, 1 the gate failed,
 2 error (usage, unreachable site, refused credentials), 3 gaps with --fail-on-gaps)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(("audit", rest)) = args.split_first().map(|(c, r)| (c.as_str(), r)) {
        return audit::main(rest);
    }
    match governance(&args) {
        Some(Ok((output, gate_failed))) => {
            return match emit(&output) {
                Ok(()) if gate_failed => ExitCode::from(1),
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => fail(&message),
            };
        }
        Some(Err(message)) => return fail(&message),
        None => {}
    }
    match run(&args).and_then(|output| emit(&output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

/// Writes an answer to standard output. A reader that stops early (`steward analyze … | head`)
/// is no failure; `println!` panicked there.
fn emit(output: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{output}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write to standard output: {e}")),
        _ => Ok(()),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("steward: {message}");
    ExitCode::from(2)
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
        Flags::parse_repeatable(args, with_value, switches, &[])
    }

    /// As [`Flags::parse`], where the options in `repeatable` may be given more than once; any
    /// other given twice is an error, not a silent choice of one of the values.
    fn parse_repeatable(
        args: &[String],
        with_value: &[&str],
        switches: &[&str],
        repeatable: &[&str],
    ) -> Result<Self, String> {
        let mut flags = Flags { positional: Vec::new(), values: Vec::new(), switches: Vec::new() };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            if with_value.contains(&arg.as_str()) {
                let value = iter.next().ok_or_else(|| format!("`{arg}` needs a value\n{USAGE}"))?;
                if !repeatable.contains(&arg.as_str()) && flags.values.iter().any(|(name, _)| name == arg) {
                    return Err(format!("`{arg}` is given twice; give it once\n{USAGE}"));
                }
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

    /// Every value a repeatable option was given, in order.
    #[cfg(not(target_arch = "wasm32"))]
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.values.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
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
            let matrix = api::LoadedSnapshot::from_text(&read(path)?, &options.scope())
                .matrix(&options)
                .map_err(|e| e.message)?;
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
            let answer = whole(&read(path)?).why_not(
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
            pretty(&whole(&read(snapshot)?).what_if(&read(changes)?))
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

/// Today (UTC) from the system clock: the only clock read, here at the edge.
fn today() -> String {
    let seconds =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    Date::from_days(i64::try_from(seconds / 86_400).unwrap_or_default()).to_string()
}

const GOVERNANCE_VALUES: [&str; 6] = ["--registry", "--settings", "--now", "--fail-on", "--format", "--decision"];

/// The governance commands; `None` for any other command. `Ok((output, gate_failed))`.
fn governance(args: &[String]) -> Option<Result<(String, bool), String>> {
    let (command, rest) = args.split_first()?;
    let result = match command.as_str() {
        "findings" => Flags::parse(rest, &GOVERNANCE_VALUES, &[]).and_then(|flags| {
            let [snapshot] = flags.positional.as_slice() else {
                return Err(format!("findings takes one snapshot\n{USAGE}"));
            };
            let input = governance_input(&flags, snapshot)?;
            let threshold = flags.value("--fail-on").map(str::parse::<Severity>).transpose()?;
            let (report, _) = api::findings_report(&input);
            let gate_failed = threshold.is_some_and(|t| findings::fails(&report.findings, t));
            let output = match flags.value("--format").unwrap_or("json") {
                "json" => serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
                "text" => findings::to_text(&report.findings).trim_end().to_owned(),
                other => return Err(format!("unknown format `{other}`; use json or text")),
            };
            Ok((output, gate_failed))
        }),
        "review" => match rest.split_first() {
            Some((sub, rest)) if sub == "due" || sub == "decide" => Flags::parse(rest, &GOVERNANCE_VALUES, &[])
                .and_then(|flags| {
                    let [snapshot] = flags.positional.as_slice() else {
                        return Err(format!("review {sub} takes one snapshot\n{USAGE}"));
                    };
                    let (snapshot, registry, settings, now) = governance_files(&flags, snapshot)?;
                    let answer = if sub == "due" {
                        whole(&snapshot).review_due(&registry, &settings, &now)
                    } else {
                        let decision = read(flags.required("--decision")?)?;
                        whole(&snapshot).review_decide(&registry, &settings, &decision, &now)
                    };
                    pretty(&answer).map(|o| (o, false))
                }),
            _ => Err(format!("review takes `due` or `decide`\n{USAGE}")),
        },
        "leaver" | "least-privilege" => Flags::parse(rest, &GOVERNANCE_VALUES, &[]).and_then(|flags| {
            let [account, snapshot] = flags.positional.as_slice() else {
                return Err(format!("{command} takes an account id and a snapshot\n{USAGE}"));
            };
            let (snapshot, registry, settings, now) = governance_files(&flags, snapshot)?;
            let answer = if command == "leaver" {
                whole(&snapshot).leaver(&registry, &settings, account, &now)
            } else {
                whole(&snapshot).least_privilege(&registry, &settings, account, &now)
            };
            pretty(&answer).map(|o| (o, false))
        }),
        "catalogue" => serde_json::to_string_pretty(&api::catalogue()).map(|o| (o, false)).map_err(|e| e.to_string()),
        _ => return None,
    };
    Some(result)
}

/// A snapshot file's text, loaded whole for every question.
fn whole(text: &str) -> api::LoadedSnapshot {
    api::LoadedSnapshot::from_text(text, &Default::default())
}

/// The texts of the snapshot, registry (required), settings (optional) and `now`.
fn governance_files(flags: &Flags, snapshot: &str) -> Result<(String, String, String, String), String> {
    let registry = read(flags.required("--registry")?)?;
    let settings = flags.value("--settings").map(read).transpose()?.unwrap_or_default();
    let now = flags.value("--now").map_or_else(today, str::to_owned);
    Ok((read(snapshot)?, registry, settings, now))
}

fn governance_input(flags: &Flags, snapshot: &str) -> Result<api::GovernanceInput, String> {
    let (snapshot, registry, settings, now) = governance_files(flags, snapshot)?;
    api::GovernanceInput::parse(&snapshot, &registry, &settings, &now).map_err(|e| e.message)
}
