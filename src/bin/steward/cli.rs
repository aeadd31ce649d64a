//! The commands, their options and their help (clap), and what each one prints.
//!
//! Exit status: 0 done; 1 a `--fail-on` gate failed; 2 an error (usage, a file, a snapshot);
//! `audit` adds 3 (see `audit.rs`).

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand, ValueEnum};
use steward::api::{self, AnalyzeOptions};
use steward::date::Date;
use steward::findings::{self, Severity};

use crate::audit::{self, AuditArgs};

/// Service-account governance for Jira Cloud: what each bot can do, and how it got it.
#[derive(Parser)]
#[command(name = "steward", version, arg_required_else_help = true)]
#[command(after_help = "--now defaults to today (UTC); --fail-on exits with status 1 when a finding is at or \
                        above it; errors exit with status 2")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Files(FileCommand),
    /// Scan a Jira site (or the bundled simulator), analyse it and report, for a pipeline.
    Audit(AuditArgs),
}

/// The commands that read files.
#[derive(Subcommand)]
enum FileCommand {
    /// Every permission each bot (or every account) holds, with each path that grants it.
    Analyze {
        #[arg(value_name = "SNAPSHOT.json")]
        snapshot: String,
        /// Only this account.
        #[arg(long, value_name = "ID")]
        account: Option<String>,
        /// Only this project.
        #[arg(long, value_name = "KEY")]
        project: Option<String>,
        /// People too, not only bots.
        #[arg(long)]
        all_accounts: bool,
        /// Skip the workflow transitions' conditions.
        #[arg(long)]
        no_transitions: bool,
        #[arg(long, value_enum, default_value_t = AnalyzeFormat::Json)]
        format: AnalyzeFormat,
    },
    /// Why an account lacks a permission in a project, and which grants would give it.
    WhyNot {
        #[arg(value_name = "SNAPSHOT.json")]
        snapshot: String,
        #[arg(long, value_name = "ID")]
        account: String,
        #[arg(long, value_name = "KEY")]
        project: String,
        #[arg(long, value_name = "KEY")]
        permission: String,
    },
    /// The access a change set would take away or give.
    WhatIf {
        #[arg(value_name = "SNAPSHOT.json")]
        snapshot: String,
        #[arg(value_name = "CHANGES.json")]
        changes: String,
    },
    /// The findings of every rule against the registry, most severe first.
    Findings {
        #[arg(value_name = "SNAPSHOT.json")]
        snapshot: String,
        #[command(flatten)]
        governance: Governance,
        /// Exit with status 1 when a finding is at or above this severity.
        #[arg(long, value_name = "info|low|medium|high|critical")]
        fail_on: Option<Severity>,
        #[arg(long, value_enum, default_value_t = FindingsFormat::Json)]
        format: FindingsFormat,
    },
    /// Access reviews: which are due, and recording a decision.
    #[command(subcommand)]
    Review(Review),
    /// What to do with the bots of an owner who left.
    Leaver {
        #[arg(value_name = "ACCOUNT")]
        account: String,
        #[arg(value_name = "SNAPSHOT.json")]
        snapshot: String,
        #[command(flatten)]
        governance: Governance,
    },
    /// The changes that would leave a bot only the access its registry entry needs.
    LeastPrivilege {
        #[arg(value_name = "ACCOUNT")]
        account: String,
        #[arg(value_name = "SNAPSHOT.json")]
        snapshot: String,
        #[command(flatten)]
        governance: Governance,
    },
    /// The rules findings come from.
    Catalogue,
}

#[derive(Subcommand)]
enum Review {
    /// The reviews due, overdue or past their grace period, with their reviewers.
    Due {
        #[arg(value_name = "SNAPSHOT.json")]
        snapshot: String,
        #[command(flatten)]
        governance: Governance,
    },
    /// The registry entry after a review decision.
    Decide {
        #[arg(value_name = "SNAPSHOT.json")]
        snapshot: String,
        #[command(flatten)]
        governance: Governance,
        #[arg(long, value_name = "DECISION.json")]
        decision: String,
    },
}

/// What the governance commands read besides the snapshot.
#[derive(Args)]
struct Governance {
    /// The service-account registry: owners, needs, reviews.
    #[arg(long, value_name = "REGISTRY.json")]
    registry: String,
    #[arg(long, value_name = "SETTINGS.json")]
    settings: Option<String>,
    /// The day the answers are for [default: today, UTC].
    #[arg(long, value_name = "DATE")]
    now: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum AnalyzeFormat {
    Json,
    Text,
    Matrix,
}

#[derive(Clone, Copy, ValueEnum)]
enum FindingsFormat {
    Json,
    Text,
}

pub fn main() -> ExitCode {
    let command = match Cli::try_parse() {
        Ok(cli) => cli.command,
        // Help and the version are answers (status 0); help instead of a command is not.
        Err(error) if error.exit_code() == 0 || error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
        Err(error) => return fail(&usage_error(&error)),
    };
    let command = match command {
        Command::Audit(args) => return audit::main(args),
        Command::Files(command) => command,
    };
    match run(command).and_then(|(output, gate_failed)| emit(&output).map(|()| gate_failed)) {
        Ok(true) => ExitCode::from(1),
        Ok(false) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

/// A usage error in this command line's words, naming the offending option or value, then the
/// command's usage line.
fn usage_error(error: &clap::Error) -> String {
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(s)) => s.join(", "),
        _ => String::new(),
    };
    // `--registry <REGISTRY.json>` names `--registry`; a positional `<SNAPSHOT.json>` its value.
    let arg = text(ContextKind::InvalidArg);
    let name = arg.split_whitespace().next().unwrap_or_default().trim_matches(['<', '>']).to_owned();
    let message = match error.kind() {
        ErrorKind::UnknownArgument if name.starts_with('-') => format!("unknown option `{name}`"),
        ErrorKind::UnknownArgument => format!("unexpected argument `{name}`"),
        ErrorKind::InvalidSubcommand => format!("unknown command `{}`", text(ContextKind::InvalidSubcommand)),
        ErrorKind::MissingRequiredArgument => format!("`{name}` is required"),
        ErrorKind::ArgumentConflict if text(ContextKind::PriorArg) == arg => {
            format!("`{name}` is given twice; give it once")
        }
        ErrorKind::InvalidValue => {
            let valid = match error.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(values)) => values.clone(),
                _ => Vec::new(),
            };
            let list = match valid.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            let what = arg.rsplit(['<', ' ']).next().unwrap_or_default().trim_end_matches('>').to_lowercase();
            format!("unknown {what} `{}`; use {list}", text(ContextKind::InvalidValue))
        }
        // A value parser's own message (a severity, a rate, a simulator size).
        ErrorKind::ValueValidation => match std::error::Error::source(error) {
            Some(source) => source.to_string(),
            None => error.kind().to_string(),
        },
        kind => kind.to_string(),
    };
    let usage = match error.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(usage)) => format!("\n{usage}"),
        _ => String::new(),
    };
    format!("{message}{usage}\n(`steward help` lists the commands; `steward COMMAND --help` its options)")
}

/// A command that reads files: `Ok((output, gate_failed))`.
fn run(command: FileCommand) -> Result<(String, bool), String> {
    let output = match command {
        FileCommand::Analyze { snapshot, account, project, all_accounts, no_transitions, format } => {
            let options = AnalyzeOptions {
                account_id: account,
                project,
                all_accounts,
                skip_transitions: no_transitions,
                ..AnalyzeOptions::default()
            };
            let matrix = whole(&read(&snapshot)?, &options.scope()).matrix(&options).map_err(|e| e.message)?;
            match format {
                AnalyzeFormat::Matrix => serde_json::to_string(&matrix).map_err(|e| e.to_string())?,
                AnalyzeFormat::Text => matrix.expand().to_text().trim_end().to_owned(),
                AnalyzeFormat::Json => serde_json::to_string_pretty(&matrix.expand()).map_err(|e| e.to_string())?,
            }
        }
        FileCommand::WhyNot { snapshot, account, project, permission } => {
            pretty(&whole(&read(&snapshot)?, &Default::default()).why_not(&account, &project, &permission))?
        }
        FileCommand::WhatIf { snapshot, changes } => {
            pretty(&whole(&read(&snapshot)?, &Default::default()).what_if(&read(&changes)?))?
        }
        FileCommand::Findings { snapshot, governance, fail_on, format } => {
            let (snapshot, registry, settings, now) = governance.files(&snapshot)?;
            let input = api::GovernanceInput::parse(&snapshot, &registry, &settings, &now).map_err(|e| e.message)?;
            let (report, _) = api::findings_report(&input);
            let gate_failed = fail_on.is_some_and(|t| findings::fails(&report.findings, t));
            let output = match format {
                FindingsFormat::Json => serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
                FindingsFormat::Text => findings::to_text(&report.findings).trim_end().to_owned(),
            };
            return Ok((output, gate_failed));
        }
        FileCommand::Review(Review::Due { snapshot, governance }) => {
            let (snapshot, registry, settings, now) = governance.files(&snapshot)?;
            pretty(&whole(&snapshot, &Default::default()).review_due(&registry, &settings, &now))?
        }
        FileCommand::Review(Review::Decide { snapshot, governance, decision }) => {
            let (snapshot, registry, settings, now) = governance.files(&snapshot)?;
            pretty(&whole(&snapshot, &Default::default()).review_decide(&registry, &settings, &read(&decision)?, &now))?
        }
        FileCommand::Leaver { account, snapshot, governance } => {
            let (snapshot, registry, settings, now) = governance.files(&snapshot)?;
            pretty(&whole(&snapshot, &Default::default()).leaver(&registry, &settings, &account, &now, ""))?
        }
        FileCommand::LeastPrivilege { account, snapshot, governance } => {
            let (snapshot, registry, settings, now) = governance.files(&snapshot)?;
            pretty(&whole(&snapshot, &Default::default()).least_privilege(&registry, &settings, &account, &now))?
        }
        FileCommand::Catalogue => serde_json::to_string_pretty(&api::catalogue()).map_err(|e| e.to_string())?,
    };
    Ok((output, false))
}

impl Governance {
    /// The texts of the snapshot, registry and settings (empty when not given), and `now`.
    fn files(&self, snapshot: &str) -> Result<(String, String, String, String), String> {
        let registry = read(&self.registry)?;
        let settings = self.settings.as_deref().map(read).transpose()?.unwrap_or_default();
        let now = self.now.clone().unwrap_or_else(today);
        Ok((read(snapshot)?, registry, settings, now))
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

pub fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))
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
pub fn today() -> String {
    Date::from_days(jiff::Timestamp::now().as_second().div_euclid(86_400)).to_string()
}

/// A snapshot file's text, loaded through the reader as the app loads a stored one.
fn whole(text: &str, scope: &steward::snapshot::Scope) -> api::LoadedSnapshot {
    api::LoadedSnapshot::from_text(text, scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
