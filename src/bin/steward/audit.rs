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

use futures_util::future::{Either, select};
use steward::api::{self, AnalyzeOptions, GovernanceInput};
use steward::audit::{
    AUDIT_VERSION, AuditReport, AuditSection, ScanSummary, narrow_analysis, narrow_findings, to_csv, to_markdown,
};
use steward::collect::budget::{Pacer, Pacing, Traffic};
use steward::collect::client::{Client, RetryPolicy};
use steward::collect::scan::{Scan, ScanOptions};
use steward::collect::{self, CollectError};
use steward::date::Date;
use steward::findings::{self, Severity};
use steward::host::Host;

use crate::http::HttpHost;
use crate::progress::Progress;
use crate::{Flags, USAGE, read, today};

/// Requests on the wire at once: the scan's own concurrency (6) plus room for the credential check.
const WORKERS: usize = 8;
/// Calls started per second against a real site: the lowest burst figure Atlassian publishes.
const SITE_RATE: f64 = 10.0;
const SIMULATOR_ADMIN: (&str, &str) = ("ada@steward-demo.example", "demo-token");
/// How long the simulator may take to print its address (the L site starts in about a second).
const SIMULATOR_START: Duration = Duration::from_secs(60);
const TICK_MS: u64 = 200;

const VALUES: [&str; 11] = [
    "--site",
    "--simulator-size",
    "--format",
    "--output",
    "--fail-on",
    "--registry",
    "--settings",
    "--now",
    "--project",
    "--snapshot-out",
    "--rate",
];
const SWITCHES: [&str; 3] = ["--simulator", "--fail-on-gaps", "--all-roles"];

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
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

pub fn main(args: &[String]) -> ExitCode {
    match audit(args) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("steward: {error}");
            ExitCode::from(2)
        }
    }
}

fn usage(message: impl fmt::Display) -> AuditError {
    AuditError::Usage(format!("{message}\n{USAGE}"))
}

fn parse(args: &[String]) -> Result<Options, AuditError> {
    let flags = Flags::parse_repeatable(args, &VALUES, &SWITCHES, &["--project"]).map_err(AuditError::Usage)?;
    if let Some(extra) = flags.positional.first() {
        return Err(usage(format!("audit takes no positional argument, not `{extra}`")));
    }
    let target = match (flags.value("--site"), flags.switch("--simulator")) {
        (Some(site), false) => {
            if flags.value("--simulator-size").is_some() {
                return Err(usage("`--simulator-size` goes with `--simulator`"));
            }
            Target::Site(site_origin(site)?)
        }
        (None, true) => {
            let size = flags.value("--simulator-size").map(str::to_ascii_uppercase);
            if let Some(size) = size.as_deref().filter(|s| !["S", "M", "L", "XL"].contains(s)) {
                return Err(usage(format!("unknown simulator size `{size}`; use s, m, l or xl")));
            }
            Target::Simulator { size }
        }
        (Some(_), true) => return Err(usage("give `--site URL` or `--simulator`, not both")),
        (None, false) => return Err(usage("audit needs `--site URL` or `--simulator`")),
    };
    let format = match flags.value("--format").unwrap_or("json") {
        "json" => Format::Json,
        "csv" => Format::Csv,
        "markdown" | "md" => Format::Markdown,
        other => return Err(AuditError::Usage(format!("unknown format `{other}`; use json, csv or markdown"))),
    };
    let fail_on = flags.value("--fail-on").map(str::parse::<Severity>).transpose().map_err(AuditError::Usage)?;
    // Read and checked before any call: a bad file fails in a second, not after the scan.
    let in_file = |name: &str, e: api::ApiError| AuditError::Usage(format!("`{name}`: {}", e.message));
    let registry_path = flags.value("--registry");
    let registry = registry_path.map(read).transpose().map_err(AuditError::Usage)?.unwrap_or_default();
    let registry = api::parse_registry(&registry).map_err(|e| in_file(registry_path.unwrap_or_default(), e))?;
    let settings_path = flags.value("--settings");
    let settings = settings_path.map(read).transpose().map_err(AuditError::Usage)?.unwrap_or_default();
    let settings = api::parse_settings(&settings).map_err(|e| in_file(settings_path.unwrap_or_default(), e))?;
    let now = flags.value("--now").map_or_else(today, str::to_owned);
    let now = api::parse_now(&now).map_err(|e| AuditError::Usage(e.message))?;
    let mut projects: Vec<String> = flags
        .all("--project")
        .flat_map(|list| list.split(','))
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(str::to_owned)
        .collect();
    projects.sort();
    projects.dedup();
    let rate = match flags.value("--rate") {
        None if matches!(target, Target::Site(_)) => Some(SITE_RATE),
        None => None,
        Some(text) => match text.parse::<f64>() {
            Ok(0.0) => None,
            Ok(rate) if rate > 0.0 && rate.is_finite() => Some(rate),
            _ => return Err(usage(format!("`--rate` takes calls per second (0 for no limit), not `{text}`"))),
        },
    };
    for path in [flags.value("--output"), flags.value("--snapshot-out")].into_iter().flatten() {
        writable_folder(path)?;
    }
    Ok(Options {
        target,
        format,
        output: flags.value("--output").map(str::to_owned),
        fail_on,
        fail_on_gaps: flags.switch("--fail-on-gaps"),
        all_roles: flags.switch("--all-roles"),
        registry,
        settings,
        now,
        projects,
        snapshot_out: flags.value("--snapshot-out").map(str::to_owned),
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
        return Err(usage(format!("`--site` takes a site such as https://example.atlassian.net, not `{raw}`")));
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

fn audit(args: &[String]) -> Result<u8, AuditError> {
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
    let analysis = match options.format {
        Format::Csv => None,
        Format::Json | Format::Markdown => {
            let every_bot = AnalyzeOptions::default();
            let mut analysis =
                api::LoadedSnapshot::from_text(&snapshot, &every_bot.scope()).analysis(&every_bot).map_err(failed)?;
            narrow_analysis(&mut analysis, &options.projects);
            Some(analysis)
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
    let text = match (&analysis, options.format) {
        (Some(analysis), Format::Json) => {
            let report = AuditReport { analysis, audit: &section };
            serde_json::to_string_pretty(&report).map_err(|e| AuditError::Report(e.to_string()))? + "\n"
        }
        (Some(analysis), Format::Markdown) => to_markdown(analysis, &section),
        _ => to_csv(&section.findings.findings).map_err(|e| AuditError::Report(e.to_string()))?,
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
    let seconds = ms / 1_000;
    let day = Date::from_days(i64::try_from(seconds / 86_400).unwrap_or_default());
    let rest = seconds % 86_400;
    format!("{day}T{:02}:{:02}:{:02}Z", rest / 3_600, rest % 3_600 / 60, rest % 60)
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
