//! `steward audit`: scan a site (or the bundled simulator), analyse it, list the findings, write
//! the report and gate a pipeline on it.
//!
//! Exit status: 0 the audit ran and the gate passed; 1 a finding is at or above `--fail-on`;
//! 2 usage errors, an unreachable site, refused credentials, a report that cannot be written;
//! 3 the scan has gaps and `--fail-on-gaps` was given (checked after the gate).

use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use futures_util::future::{Either, select};
use steward::analysis::Analysis;
use steward::analysis::matrix::Matrix;
use steward::api::{self, AnalyzeOptions, GovernanceInput};
use steward::audit_report::{
    AUDIT_VERSION, AuditReport, AuditSection, ScanSummary, narrow_analysis, narrow_findings, narrow_matrix, to_csv,
    to_markdown,
};
use steward::collect::budget::{Pacer, Pacing, Traffic};
use steward::collect::client::{Client, RetryPolicy};
use steward::collect::plan::{Scan, ScanOptions};
use steward::collect::{self, CollectError};
use steward::date::Date;
use steward::findings::{self, Severity};
use steward::host::Host;

use crate::cli::{read, today};
use crate::http::HttpHost;
use crate::progress::Progress;

/// Requests on the wire at once: the scan's own concurrency (6) plus room for the credential check.
const WORKERS: usize = 8;
/// Calls started per second against a real site: the lowest burst figure Atlassian publishes.
const SITE_RATE: f64 = 10.0;
const SIMULATOR_ADMIN: (&str, &str) = ("ada@steward-demo.example", "demo-token");
/// How long the simulator may take to print its address (the L site starts in about a second).
const SIMULATOR_START: Duration = Duration::from_secs(60);
const TICK_MS: u64 = 200;

/// Why an audit could not produce a report (exit status 2).
#[derive(Debug)]
pub enum AuditError {
    Usage(String),
    MissingCredential(&'static str),
    Simulator(String),
    Unreachable {
        site: String,
        message: String,
    },
    Refused {
        site: String,
        status: u16,
    },
    NotJira {
        site: String,
        message: String,
    },
    /// The collected snapshot could not be analysed or the report encoded (a bug, not the site).
    Report(String),
    Write {
        path: String,
        message: String,
    },
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditError::Usage(message) => f.write_str(message),
            AuditError::MissingCredential(name) => {
                write!(f, "`{name}` is not set; `--site` reads the credentials from JIRA_EMAIL and JIRA_API_TOKEN")
            }
            AuditError::Simulator(message) => write!(f, "cannot start the simulator: {message}"),
            AuditError::Unreachable { site, message } => write!(f, "cannot reach {site}: {message}"),
            AuditError::Refused { site, status } => {
                write!(f, "jira refused the credentials for {site} ({status}); check JIRA_EMAIL and JIRA_API_TOKEN")
            }
            AuditError::NotJira { site, message } => write!(f, "{site} does not answer like jira: {message}"),
            AuditError::Report(message) => write!(f, "cannot make the report: {message}"),
            AuditError::Write { path, message } => write!(f, "cannot write `{path}`: {message}"),
        }
    }
}

/// The options of `steward audit`, as given.
#[derive(Args)]
#[command(after_help = "--site reads JIRA_EMAIL and JIRA_API_TOKEN; --simulator runs `node sim/server.mjs` as its \
                        demo admin. Exit status: 0 passed, 1 the gate failed, 2 error (usage, unreachable site, \
                        refused credentials), 3 gaps with --fail-on-gaps")]
pub struct AuditArgs {
    /// The site to scan, e.g. https://example.atlassian.net.
    #[arg(long, value_name = "URL")]
    site: Option<String>,
    /// Scan the bundled Jira simulator instead.
    #[arg(long)]
    simulator: bool,
    /// The simulator's size.
    #[arg(long, value_name = "s|m|l|xl", value_parser = simulator_size)]
    simulator_size: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Write the report here instead of to standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<String>,
    /// Exit with status 1 when a finding is at or above this severity.
    #[arg(long, value_name = "info|low|medium|high|critical")]
    fail_on: Option<Severity>,
    /// Exit with status 3 when the scan has gaps (and the gate passed).
    #[arg(long)]
    fail_on_gaps: bool,
    #[arg(long, value_name = "REGISTRY.json")]
    registry: Option<String>,
    #[arg(long, value_name = "SETTINGS.json")]
    settings: Option<String>,
    /// The day the findings are for [default: today, UTC].
    #[arg(long, value_name = "DATE")]
    now: Option<String>,
    /// Only these projects; may be given more than once.
    #[arg(long, value_name = "KEY[,KEY...]")]
    project: Vec<String>,
    /// Also save the collected snapshot here.
    #[arg(long, value_name = "FILE")]
    snapshot_out: Option<String>,
    /// Calls started per second, 0 for no limit [default: 10 for --site, none for --simulator].
    #[arg(long, value_name = "CALLS_PER_SECOND", allow_hyphen_values = true, value_parser = rate)]
    rate: Option<f64>,
    /// Read every role's actors, which also finds the roles deactivated bots are still in.
    #[arg(long)]
    all_roles: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Csv,
    #[value(alias = "md")]
    Markdown,
}

enum Target {
    Site(String),
    Simulator { size: Option<String> },
}

struct Options {
    target: Target,
    format: Format,
    output: Option<String>,
    fail_on: Option<Severity>,
    fail_on_gaps: bool,
    all_roles: bool,
    registry: steward::governance::registry::Registry,
    settings: steward::governance::settings::Settings,
    now: Date,
    projects: Vec<String>,
    snapshot_out: Option<String>,
    rate: Option<f64>,
}

pub fn main(args: AuditArgs) -> ExitCode {
    match audit(args) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("steward: {error}");
            ExitCode::from(2)
        }
    }
}

fn simulator_size(text: &str) -> Result<String, String> {
    let size = text.to_ascii_uppercase();
    if ["S", "M", "L", "XL"].contains(&size.as_str()) {
        Ok(size)
    } else {
        Err(format!("unknown simulator size `{size}`; use s, m, l or xl"))
    }
}

fn rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate >= 0.0 && rate.is_finite() => Ok(rate),
        _ => Err(format!("`--rate` takes calls per second (0 for no limit), not `{text}`")),
    }
}

/// Checks what clap cannot: one target, and files that must be read or written.
fn parse(args: AuditArgs) -> Result<Options, AuditError> {
    let target = match (args.site, args.simulator) {
        (Some(site), false) => {
            if args.simulator_size.is_some() {
                return Err(AuditError::Usage("`--simulator-size` goes with `--simulator`".to_owned()));
            }
            Target::Site(site_origin(&site)?)
        }
        (None, true) => Target::Simulator { size: args.simulator_size },
        (Some(_), true) => return Err(AuditError::Usage("give `--site URL` or `--simulator`, not both".to_owned())),
        (None, false) => return Err(AuditError::Usage("audit needs `--site URL` or `--simulator`".to_owned())),
    };
    // Read and checked before any call: a bad file fails in a second, not after the scan.
    let in_file = |name: &str, e: api::ApiError| AuditError::Usage(format!("`{name}`: {}", e.message));
    let registry = args.registry.as_deref().map(read).transpose().map_err(AuditError::Usage)?.unwrap_or_default();
    let registry =
        api::parse_registry(&registry).map_err(|e| in_file(args.registry.as_deref().unwrap_or_default(), e))?;
    let settings = args.settings.as_deref().map(read).transpose().map_err(AuditError::Usage)?.unwrap_or_default();
    let settings =
        api::parse_settings(&settings).map_err(|e| in_file(args.settings.as_deref().unwrap_or_default(), e))?;
    let now = args.now.unwrap_or_else(today);
    let now = api::parse_now(&now).map_err(|e| AuditError::Usage(e.message))?;
    let mut projects: Vec<String> = args
        .project
        .iter()
        .flat_map(|list| list.split(','))
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(str::to_owned)
        .collect();
    projects.sort();
    projects.dedup();
    let rate = match args.rate {
        None if matches!(target, Target::Site(_)) => Some(SITE_RATE),
        Some(0.0) | None => None,
        rate => rate,
    };
    for path in [&args.output, &args.snapshot_out].into_iter().flatten() {
        writable_folder(path)?;
    }
    Ok(Options {
        target,
        format: args.format,
        output: args.output,
        fail_on: args.fail_on,
        fail_on_gaps: args.fail_on_gaps,
        all_roles: args.all_roles,
        registry,
        settings,
        now,
        projects,
        snapshot_out: args.snapshot_out,
        rate,
    })
}

/// `https://example.atlassian.net` from what the user typed: a bare host gets `https://`, a
/// trailing slash goes.
fn site_origin(site: &str) -> Result<String, AuditError> {
    let raw = site.trim();
    let (scheme, rest) = match (raw.strip_prefix("https://"), raw.strip_prefix("http://")) {
        (Some(rest), _) => ("https", rest),
        (None, Some(rest)) => ("http", rest),
        (None, None) if !raw.contains("://") => ("https", raw),
        (None, None) => ("", ""),
    };
    let host = rest.trim_end_matches('/');
    if host.is_empty() || host.starts_with(':') || host.contains(['/', '?', '#', ' ', '@']) {
        return Err(AuditError::Usage(format!(
            "`--site` takes a site such as https://example.atlassian.net, not `{raw}`"
        )));
    }
    Ok(format!("{scheme}://{host}"))
}

/// Fails before the scan, not after it, when a file cannot be written for want of its folder.
fn writable_folder(path: &str) -> Result<(), AuditError> {
    let folder = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if folder.is_dir() {
        Ok(())
    } else {
        Err(AuditError::Write { path: path.to_owned(), message: format!("no folder `{}`", folder.display()) })
    }
}

fn credential(name: &'static str) -> Result<String, AuditError> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value),
        _ => Err(AuditError::MissingCredential(name)),
    }
}

fn audit(args: AuditArgs) -> Result<u8, AuditError> {
    let options = parse(args)?;
    // Held to the end: dropping it stops the simulator on every way out of this function.
    let mut simulator = None;
    let (site, email, token) = match &options.target {
        Target::Site(site) => (site.clone(), credential("JIRA_EMAIL")?, credential("JIRA_API_TOKEN")?),
        Target::Simulator { size } => {
            let started = Simulator::start(size.as_deref())?;
            let url = started.url.clone();
            simulator = Some(started);
            (url, SIMULATOR_ADMIN.0.to_owned(), SIMULATOR_ADMIN.1.to_owned())
        }
    };
    let host = HttpHost::new(&site, &email, &token, WORKERS);
    let (check_calls, check_points) = check_credentials(&host, &site)?;
    let scan = scan(&host, &site, &options);
    drop(simulator);

    let snapshot = serde_json::to_string(&scan.snapshot).map_err(|e| AuditError::Report(e.to_string()))?;
    if let Some(path) = &options.snapshot_out {
        write_file(path, &format!("{snapshot}\n"))?;
    }
    let failed =
        |e: api::ApiError| AuditError::Report(format!("the collected snapshot cannot be analysed: {}", e.message));
    // The JSON report is the `analyze` contract (every account × project); the Markdown one reads
    // the compact matrix, which does not grow with accounts × projects.
    let every_bot = AnalyzeOptions::default();
    let access = match options.format {
        Format::Csv => Access::None,
        Format::Json => {
            let mut analysis =
                api::LoadedSnapshot::from_text(&snapshot, &every_bot.scope()).analysis(&every_bot).map_err(failed)?;
            narrow_analysis(&mut analysis, &options.projects);
            Access::Analysis(analysis)
        }
        Format::Markdown => {
            let mut matrix =
                api::LoadedSnapshot::from_text(&snapshot, &every_bot.scope()).matrix(&every_bot).map_err(failed)?;
            narrow_matrix(&mut matrix, &options.projects);
            Access::Matrix(matrix)
        }
    };
    let (site_model, warnings) = steward::snapshot::load(&snapshot).map_err(|e| failed(e.into()))?;
    let input = GovernanceInput {
        site: site_model,
        registry: options.registry.clone(),
        settings: options.settings.clone(),
        now: options.now,
        warnings,
    };
    let (mut findings, _) = api::findings_report(&input);
    narrow_findings(&mut findings, &options.projects);
    let gate_failed = options.fail_on.is_some_and(|t| findings::fails(&findings.findings, t));
    let section = AuditSection {
        audit_version: AUDIT_VERSION,
        site: site.clone(),
        collected_at: scan.snapshot.meta.collected_at.clone(),
        scan: ScanSummary {
            complete: scan.complete,
            calls: scan.ledger.calls + check_calls,
            points: scan.ledger.points + check_points,
            gaps: scan.snapshot.meta.gaps.clone(),
        },
        findings,
        fail_on: options.fail_on,
        gate_failed,
    };
    let text = match &access {
        Access::Analysis(analysis) => {
            let report = AuditReport { analysis, audit: &section };
            serde_json::to_string_pretty(&report).map_err(|e| AuditError::Report(e.to_string()))? + "\n"
        }
        Access::Matrix(matrix) => to_markdown(&matrix.views().collect::<Vec<_>>(), &section),
        Access::None => to_csv(&section.findings.findings).map_err(|e| AuditError::Report(e.to_string()))?,
    };
    match &options.output {
        Some(path) => write_file(path, &text)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| AuditError::Write { path: "standard output".to_owned(), message: e.to_string() })?;
        }
    }

    let gaps = section.scan.gaps.len();
    let mut summary = format!(
        "audit of {site}: {} calls, {gaps} gaps{}, {} findings",
        section.scan.calls,
        if section.scan.complete { "" } else { ", stopped before the end" },
        section.findings.findings.len()
    );
    if let Some(threshold) = options.fail_on {
        summary.push_str(&format!("; gate at {threshold} {}", if gate_failed { "fails" } else { "passes" }));
    }
    eprintln!("steward: {summary}");
    Ok(if gate_failed {
        1
    } else if options.fail_on_gaps && (gaps > 0 || !section.scan.complete) {
        eprintln!("steward: the scan has gaps and --fail-on-gaps was given");
        3
    } else {
        0
    })
}

/// One cheap call before the scan: refused credentials and a wrong address fail here, clearly,
/// instead of as a snapshot made of gaps. Answers the call's (calls, points).
fn check_credentials(host: &HttpHost, site: &str) -> Result<(u64, u64), AuditError> {
    let policy = RetryPolicy { max_retries: 2, base_delay_ms: 500, ..RetryPolicy::default() };
    let client = Client::new(host, policy);
    let answer = futures_executor::block_on(collect::holds_permission(&client, "ADMINISTER", None));
    let ledger = client.ledger();
    match answer {
        Ok(true) => {}
        Ok(false) => eprintln!(
            "steward: note: this account is not a jira administrator; what it cannot read becomes gaps in the report"
        ),
        Err(CollectError::Status { status: status @ (401 | 403), .. }) => {
            return Err(AuditError::Refused { site: site.to_owned(), status });
        }
        Err(CollectError::Transport { message, .. }) => {
            return Err(AuditError::Unreachable { site: site.to_owned(), message });
        }
        Err(CollectError::Timeout { after_ms, .. }) => {
            let message = format!("no answer within {after_ms} ms");
            return Err(AuditError::Unreachable { site: site.to_owned(), message });
        }
        Err(error) => return Err(AuditError::NotJira { site: site.to_owned(), message: error.to_string() }),
    }
    Ok((ledger.calls, ledger.points))
}

/// The full scan, paced for burst limits (API-token traffic is outside the points quota), with
/// the progress line redrawn while it runs.
fn scan(host: &HttpHost, site: &str, options: &Options) -> Scan {
    let now = host.now_ms().unwrap_or_default();
    let scan_options = ScanOptions {
        projects: options.projects.clone(),
        collected_at: Some(timestamp(now)),
        site: Some(site.to_owned()),
        all_roles: options.all_roles,
        ..ScanOptions::default()
    };
    let policy = RetryPolicy { max_retries: scan_options.max_retries, ..RetryPolicy::default() };
    let client = match options.rate {
        Some(rate) => {
            let pacing = Pacing { traffic: Traffic::ApiToken, requests_per_second: Some(rate), ..Pacing::default() };
            Client::paced(host, policy, Pacer::new(pacing, now, None))
        }
        None => Client::new(host, policy),
    };
    let progress = Progress::on_stderr();
    let scanning = collect::scan::scan(&client, scan_options);
    let scan = if progress.enabled() {
        let activity = host.activity();
        let ticker = async {
            loop {
                host.sleep(TICK_MS).await;
                let ledger = client.ledger();
                progress.draw(ledger.calls, ledger.points, &activity.latest_path());
            }
        };
        futures_executor::block_on(async {
            match select(Box::pin(scanning), Box::pin(ticker)).await {
                Either::Left((scan, _)) => scan,
                Either::Right(((), scanning)) => scanning.await,
            }
        })
    } else {
        futures_executor::block_on(scanning)
    };
    progress.clear();
    scan
}

fn write_file(path: &str, text: &str) -> Result<(), AuditError> {
    std::fs::write(path, text).map_err(|e| AuditError::Write { path: path.to_owned(), message: e.to_string() })
}

/// RFC 3339 UTC to the second, from milliseconds since the epoch.
fn timestamp(ms: u64) -> String {
    let second = i64::try_from(ms / 1_000).ok().and_then(|s| jiff::Timestamp::from_second(s).ok());
    second.unwrap_or(jiff::Timestamp::UNIX_EPOCH).to_string()
}

/// The bundled Jira simulator as a child process, stopped when this value is dropped.
struct Simulator {
    child: Child,
    url: String,
}

impl Simulator {
    /// Runs `node sim/server.mjs --port 0` (`STEWARD_SIMULATOR` names another script) and reads
    /// its address from the first line it prints.
    fn start(size: Option<&str>) -> Result<Simulator, AuditError> {
        let script = std::env::var_os("STEWARD_SIMULATOR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("sim/server.mjs"));
        let mut command = Command::new("node");
        command.arg(&script).args(["--port", "0"]).stdin(Stdio::null()).stdout(Stdio::piped());
        if let Some(size) = size {
            command.args(["--size", size]);
        }
        let mut child = command
            .spawn()
            .map_err(|e| AuditError::Simulator(format!("`node {}` did not start: {e}", script.display())))?;
        let stdout = child.stdout.take();
        let mut simulator = Simulator { child, url: String::new() };
        let Some(stdout) = stdout else {
            return Err(AuditError::Simulator("its output cannot be read".to_owned()));
        };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            // Keep reading so the simulator never blocks on a full pipe.
            for _ in lines {}
        });
        let first = match rx.recv_timeout(SIMULATOR_START) {
            Ok(Some(Ok(line))) => line,
            Ok(_) => {
                return Err(AuditError::Simulator(format!("`node {}` exited without an address", script.display())));
            }
            Err(_) => return Err(AuditError::Simulator(format!("no address after {} s", SIMULATOR_START.as_secs()))),
        };
        let url = first.split_whitespace().find(|word| word.starts_with("http://") || word.starts_with("https://"));
        match url {
            Some(url) => {
                simulator.url = url.to_owned();
                Ok(simulator)
            }
            None => Err(AuditError::Simulator(format!("its first line names no address: `{first}`"))),
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The access a report shows, in the form its format reads.
enum Access {
    None,
    Analysis(Analysis),
    Matrix(Matrix),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_site_name_gets_https_and_loses_its_trailing_slash() {
        assert_eq!(site_origin("example.atlassian.net").unwrap(), "https://example.atlassian.net");
        assert_eq!(site_origin("https://example.atlassian.net/").unwrap(), "https://example.atlassian.net");
        assert_eq!(site_origin("http://127.0.0.1:9000").unwrap(), "http://127.0.0.1:9000");
        for bad in ["", "https://", "ftp://x", "https://x/jira", "user@x.atlassian.net"] {
            let error = site_origin(bad).unwrap_err().to_string();
            assert!(error.starts_with("`--site` takes a site"), "{bad}: {error}");
        }
    }

    #[test]
    fn timestamps_are_rfc_3339_utc() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(1_795_424_645_123), "2026-11-23T09:04:05Z");
    }
}
