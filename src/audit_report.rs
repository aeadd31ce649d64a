//! The headless audit's report: the `analyze` contract plus one `audit` key, and its CSV and
//! Markdown forms (`schema/audit-v1.schema.json`).
//!
//! Pure like the rest of the core: the command line collects and decides the exit status, a Forge
//! export can render the same forms from the same values. Display names, messages and project keys
//! come from Jira and are hostile input: CSV cells that a spreadsheet would run as a formula are
//! defused, Markdown cells cannot break out of their table.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::analysis::matrix::Matrix;
use crate::analysis::view::AccountView;
use crate::analysis::{Analysis, Coverage, JiraAdmin};
use crate::api::FindingsReport;
use crate::collect::plan::GapOut;
use crate::findings::{Finding, Severity};

pub const AUDIT_VERSION: u32 = 1;

/// How many permissions, and project keys, the Markdown summary names per bot.
const TOP_PERMISSIONS: usize = 5;
const PROJECTS_NAMED: usize = 8;

/// What the audit adds to the analysis: where and when, how the scan went, the findings, the gate.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditSection {
    pub audit_version: u32,
    pub site: String,
    pub collected_at: Option<String>,
    pub scan: ScanSummary,
    pub findings: FindingsReport,
    /// The `--fail-on` threshold, if one was given.
    pub fail_on: Option<Severity>,
    /// Whether a finding is at or above `fail_on`.
    pub gate_failed: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanSummary {
    /// False when the scan stopped before the end (Jira's quota); `gaps` then says what is missing.
    pub complete: bool,
    pub calls: u64,
    /// Estimated Jira points (API-token traffic is outside the points quota; shown for scale).
    pub points: u64,
    /// Parts that could not be read, and why: the analysis reports what they describe as unknown.
    pub gaps: Vec<GapOut>,
}

/// The JSON report: the analysis's own fields, verbatim and in order, then `audit`.
#[derive(Debug, Serialize)]
pub struct AuditReport<'a> {
    #[serde(flatten)]
    pub analysis: &'a Analysis,
    pub audit: &'a AuditSection,
}

/// An audit of some projects (`--project`): the scan read only those, so every other project
/// would show as unknown. Keeps each account's entries for `projects` (for one key, what
/// `steward analyze --project KEY` answers); nothing changes when `projects` is empty.
pub fn narrow_analysis(analysis: &mut Analysis, projects: &[String]) {
    if projects.is_empty() {
        return;
    }
    for account in &mut analysis.accounts {
        account.projects.retain(|p| projects.contains(&p.key));
    }
}

/// [`narrow_analysis`] of the matrix: each account's cells in `projects` only.
pub fn narrow_matrix(matrix: &mut Matrix, projects: &[String]) {
    if projects.is_empty() {
        return;
    }
    let keep: Vec<bool> = matrix.projects.iter().map(|p| projects.contains(&p.key)).collect();
    for row in &mut matrix.accounts {
        row.cells.retain(|&(p, _)| keep.get(p as usize).copied().unwrap_or(false));
    }
}

/// Drops the findings about other projects than `projects` (site-wide findings stay) and counts
/// again; nothing changes when `projects` is empty.
pub fn narrow_findings(report: &mut FindingsReport, projects: &[String]) {
    if projects.is_empty() {
        return;
    }
    report.findings.retain(|f| f.project.as_ref().is_none_or(|p| projects.contains(p)));
    for count in report.counts.values_mut() {
        *count = 0;
    }
    for f in &report.findings {
        *report.counts.entry(f.severity).or_default() += 1;
    }
}

const CSV_HEADER: [&str; 7] = ["severity", "rule", "accountId", "displayName", "project", "message", "fix"];

/// One row per finding, most severe first, with a header row; RFC 4180 (CRLF, quoted when needed).
pub fn to_csv(findings: &[Finding]) -> Result<String, csv::Error> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    out.write_record(CSV_HEADER)?;
    for f in findings {
        let cells = [
            f.severity.as_str(),
            f.rule,
            f.account_id.as_deref().unwrap_or_default(),
            f.display_name.as_deref().unwrap_or_default(),
            f.project.as_deref().unwrap_or_default(),
            &f.message,
            f.fix,
        ];
        for cell in cells {
            out.write_field(defused(cell).as_bytes())?;
        }
        out.write_record(None::<&[u8]>)?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    // Every cell was a `&str`, so the bytes are UTF-8: nothing is replaced.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Any table as CSV, written like [`to_csv`]: a header row, RFC 4180 (CRLF, quoted when needed),
/// every cell defused. The admin page's exports (inventory, access) are written by this.
pub fn table_csv<R: AsRef<str>>(header: &[&str], rows: impl IntoIterator<Item = Vec<R>>) -> Result<String, csv::Error> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).flexible(true).from_writer(Vec::new());
    out.write_record(header.iter().map(|h| defused(h).into_owned()))?;
    for row in rows {
        for cell in &row {
            out.write_field(defused(cell.as_ref()).as_bytes())?;
        }
        out.write_record(None::<&[u8]>)?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return
/// before one) gets a leading `'`, OWASP's advice against CSV injection.
pub fn defused(raw: &str) -> Cow<'_, str> {
    if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) { Cow::Owned(format!("'{raw}")) } else { Cow::Borrowed(raw) }
}

/// Text safe in a Markdown table cell: `|` cannot end the cell, a newline cannot end the row, and
/// HTML in a display name stays text.
pub fn markdown_cell(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' => out.push_str("\\`"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The Markdown report: title, scan summary, findings by severity, per-bot access, coverage gaps.
/// `accounts`: the bots' access, read in place (from a matrix on the console's side).
pub fn to_markdown(accounts: &[AccountView<'_>], audit: &AuditSection) -> String {
    let mut out = String::new();
    let when = audit.collected_at.as_deref().unwrap_or("unknown time");
    let _ = writeln!(out, "# Steward audit of {}\n", markdown_cell(&audit.site));
    let _ = writeln!(out, "Collected {}; findings as of {}.\n", markdown_cell(when), audit.findings.now);

    let scan = &audit.scan;
    out.push_str("## Scan\n\n| calls | points | complete | gaps |\n|---:|---:|---|---:|\n");
    let complete = if scan.complete { "yes" } else { "no" };
    let _ = writeln!(out, "| {} | {} | {complete} | {} |\n", scan.calls, scan.points, scan.gaps.len());

    findings_section(&mut out, audit);
    bots_section(&mut out, accounts);
    coverage_section(&mut out, accounts, &scan.gaps);
    out
}

fn findings_section(out: &mut String, audit: &AuditSection) {
    let report = &audit.findings;
    out.push_str("## Findings\n\n");
    let counts: Vec<String> =
        Severity::ALL.iter().rev().map(|s| format!("{s} {}", report.counts.get(s).copied().unwrap_or(0))).collect();
    let _ = writeln!(out, "{}.", counts.join(", "));
    if let Some(threshold) = audit.fail_on {
        let verdict = if audit.gate_failed { "fails" } else { "passes" };
        let _ = writeln!(out, "The gate at `{threshold}` {verdict}.");
    }
    out.push('\n');
    for severity in Severity::ALL.iter().rev() {
        let of: Vec<&Finding> = report.findings.iter().filter(|f| f.severity == *severity).collect();
        if of.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {severity} ({})\n", of.len());
        out.push_str("| rule | account | project | message | fix |\n|---|---|---|---|---|\n");
        for f in of {
            let account = match (&f.display_name, &f.account_id) {
                (Some(name), Some(id)) => format!("{} ({})", markdown_cell(name), markdown_cell(id)),
                (None, Some(id)) => markdown_cell(id),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "| {} | {account} | {} | {} | {} |",
                f.rule,
                markdown_cell(f.project.as_deref().unwrap_or_default()),
                markdown_cell(&f.message),
                markdown_cell(f.fix)
            );
        }
        out.push('\n');
    }
}

fn bots_section(out: &mut String, accounts: &[AccountView<'_>]) {
    out.push_str("## Bot access\n\n");
    if accounts.is_empty() {
        out.push_str("No bot accounts.\n\n");
        return;
    }
    out.push_str("| bot | kind | global | projects with access | top permissions |\n|---|---|---|---|---|\n");
    for account in accounts {
        // Reporter, assignee and custom-field grants hold only on some issues: counted apart.
        let mut with_access: Vec<&str> = Vec::new();
        let mut conditional_only = 0usize;
        let mut held: BTreeMap<&str, usize> = BTreeMap::new();
        for project in account.projects() {
            let mut any = false;
            for (permission, paths) in project.permissions.iter() {
                if paths.iter().any(|p| !p.conditional) {
                    *held.entry(permission).or_default() += 1;
                    any = true;
                }
            }
            if any {
                with_access.push(project.key);
            } else if !project.permissions.is_empty() {
                conditional_only += 1;
            }
        }
        let mut named: Vec<String> = with_access.iter().take(PROJECTS_NAMED).map(|k| markdown_cell(k)).collect();
        if with_access.len() > PROJECTS_NAMED {
            named.push(format!("and {} more", with_access.len() - PROJECTS_NAMED));
        }
        let mut projects = if with_access.is_empty() {
            "none".to_owned()
        } else {
            format!("{}: {}", with_access.len(), named.join(", "))
        };
        if conditional_only > 0 {
            let _ = write!(projects, " (only on some issues in {conditional_only} more)");
        }
        let mut top: Vec<(&str, usize)> = held.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> =
            top.iter().take(TOP_PERMISSIONS).map(|(p, n)| format!("{} ({n})", markdown_cell(p))).collect();
        let global = global_cell(account);
        let inactive = if account.active { "" } else { " (inactive)" };
        let _ = writeln!(
            out,
            "| {}{inactive} | {} | {global} | {projects} | {} |",
            markdown_cell(account.display_name),
            account.kind,
            top.join(", ")
        );
    }
    out.push('\n');
}

/// The global permissions as far as Jira's check was asked: "none" only where it was asked about
/// every one, and Jira administration (every project's `ADMINISTER_PROJECTS`) said when unknown.
fn global_cell(account: &AccountView<'_>) -> String {
    let held = account.global.iter().map(|g| markdown_cell(g)).collect::<Vec<_>>().join(", ");
    let mut cell = match (account.global_coverage, account.global.is_empty()) {
        (Coverage::None, _) => return "not checked; Jira administrator: unknown".to_owned(),
        (Coverage::Complete, true) => "none".to_owned(),
        (Coverage::Complete, false) => held,
        (Coverage::Partial, true) => "none of those checked (not all were)".to_owned(),
        (Coverage::Partial, false) => format!("{held} (not all were checked)"),
    };
    if account.jira_admin == JiraAdmin::Unknown {
        cell.push_str("; Jira administrator: unknown");
    }
    cell
}

fn coverage_section(out: &mut String, accounts: &[AccountView<'_>], gaps: &[GapOut]) {
    out.push_str("## Coverage gaps\n\n");
    let (mut partial, mut none) = (0usize, 0usize);
    for project in accounts.iter().flat_map(|a| a.projects()) {
        match project.coverage {
            Coverage::Partial => partial += 1,
            Coverage::None => none += 1,
            Coverage::Complete => {}
        }
    }
    if gaps.is_empty() && partial == 0 && none == 0 {
        out.push_str("None: every part was read and every grant evaluated.\n");
        return;
    }
    let _ = writeln!(
        out,
        "{partial} bot × project answers are partial and {none} unknown; what is listed there is proven, \
         what is missing is not claimed absent.\n"
    );
    if !gaps.is_empty() {
        out.push_str("| part | key | reason |\n|---|---|---|\n");
        for gap in gaps {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                markdown_cell(&gap.part),
                markdown_cell(gap.key.as_deref().unwrap_or_default()),
                markdown_cell(&gap.reason)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::AccountAccess;

    fn finding(display_name: &str, message: &str) -> Finding {
        Finding {
            rule: "global-admin",
            title: "t",
            severity: Severity::Critical,
            account_id: Some("bot-1".to_owned()),
            display_name: Some(display_name.to_owned()),
            project: None,
            projects: Vec::new(),
            message: message.to_owned(),
            evidence: Vec::new(),
            reason: "r",
            fix: "remove it",
        }
    }

    #[test]
    fn csv_defuses_formulas_in_hostile_display_names() {
        assert_eq!(defused("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(defused("+1"), "'+1");
        assert_eq!(defused("-2+3"), "'-2+3");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("\t=1"), "'\t=1");
        assert_eq!(defused("ci-bot"), "ci-bot", "a dash inside a name is harmless");
    }

    #[test]
    fn table_csv_defuses_every_cell_as_the_findings_csv_does() {
        let csv = table_csv(&["name", "count"], vec![vec!["=SUM(A1)", "3"], vec!["@bot", "-1"], vec!["plain", "+2"]])
            .unwrap();
        assert_eq!(csv, "name,count\r\n'=SUM(A1),3\r\n'@bot,'-1\r\nplain,'+2\r\n");
    }

    #[test]
    fn csv_has_a_header_and_one_crlf_row_per_finding() {
        let csv = to_csv(&[finding("=cmd|' /C calc'!A0", "holds ADMINISTER, globally")]).unwrap();
        let rows: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(rows.len(), 3, "{csv:?}");
        assert_eq!(rows[0], "severity,rule,accountId,displayName,project,message,fix");
        assert_eq!(
            rows[1],
            "critical,global-admin,bot-1,'=cmd|' /C calc'!A0,,\"holds ADMINISTER, globally\",remove it"
        );
        assert_eq!(rows[2], "");
    }

    #[test]
    fn csv_quotes_commas_quotes_and_line_breaks_per_rfc_4180() {
        let csv = to_csv(&[finding("=HYPERLINK(\"http://x\")", "say \"hi\"\ntwo lines")]).unwrap();
        let row = csv.split_once("\r\n").unwrap().1;
        assert_eq!(
            row,
            "critical,global-admin,bot-1,\"'=HYPERLINK(\"\"http://x\"\")\",,\"say \"\"hi\"\"\ntwo lines\",remove it\r\n"
        );
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(markdown_cell("a|b"), "a\\|b");
        assert_eq!(markdown_cell("line\nbreak\r\n"), "line break  ");
        assert_eq!(markdown_cell("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(markdown_cell("back\\|slash"), "back\\\\\\|slash", "an escaped pipe stays escaped");
    }

    #[test]
    fn narrowing_to_projects_keeps_site_wide_findings_and_counts_again() {
        let mut pay = finding("bot", "holds EDIT_ISSUES");
        pay.project = Some("PAY".to_owned());
        pay.severity = Severity::Medium;
        let mut web = pay.clone();
        web.project = Some("WEB".to_owned());
        let site_wide = finding("bot", "holds ADMINISTER");
        let counts = Severity::ALL.iter().map(|s| (*s, 0)).collect();
        let mut report =
            FindingsReport { now: crate::date::Date::from_days(0), counts, findings: vec![site_wide, pay, web] };
        narrow_findings(&mut report, &[]);
        assert_eq!(report.findings.len(), 3, "no --project, no narrowing");
        narrow_findings(&mut report, &["PAY".to_owned()]);
        let projects: Vec<Option<&str>> = report.findings.iter().map(|f| f.project.as_deref()).collect();
        assert_eq!(projects, vec![None, Some("PAY")]);
        assert_eq!(report.counts.get(&Severity::Critical), Some(&1));
        assert_eq!(report.counts.get(&Severity::Medium), Some(&1));
        assert_eq!(report.counts.get(&Severity::Info), Some(&0), "every severity stays listed");
    }

    #[test]
    fn the_global_cell_says_none_only_where_jira_was_asked_about_every_global_permission() {
        let account = |global: &[&str], global_coverage, jira_admin| AccountAccess {
            account_id: "bot-1".to_owned(),
            display_name: "Bot".to_owned(),
            kind: "service",
            active: true,
            global: global.iter().map(|g| (*g).to_owned()).collect(),
            global_coverage,
            jira_admin,
            projects: Vec::new(),
        };
        let cell = |global: &[&str], coverage, admin| global_cell(&account(global, coverage, admin).view());
        assert_eq!(cell(&[], Coverage::None, JiraAdmin::Unknown), "not checked; Jira administrator: unknown");
        assert_eq!(cell(&[], Coverage::Complete, JiraAdmin::No), "none");
        assert_eq!(cell(&["ADMINISTER", "BULK_CHANGE"], Coverage::Complete, JiraAdmin::Yes), "ADMINISTER, BULK_CHANGE");
        assert_eq!(
            cell(&[], Coverage::Partial, JiraAdmin::Unknown),
            "none of those checked (not all were); Jira administrator: unknown"
        );
        assert_eq!(cell(&["BULK_CHANGE"], Coverage::Partial, JiraAdmin::No), "BULK_CHANGE (not all were checked)");
        assert_eq!(cell(&["A|B"], Coverage::Complete, JiraAdmin::No), "A\\|B", "cells stay escaped");
    }

    #[test]
    fn markdown_findings_rows_keep_their_column_count() {
        let mut counts = BTreeMap::new();
        counts.insert(Severity::Critical, 1);
        let audit = AuditSection {
            audit_version: AUDIT_VERSION,
            site: "https://x.atlassian.net".to_owned(),
            collected_at: Some("2026-11-23T08:00:00Z".to_owned()),
            scan: ScanSummary { complete: true, calls: 3, points: 9, gaps: Vec::new() },
            findings: FindingsReport {
                now: crate::date::Date::from_days(0),
                counts,
                findings: vec![finding("evil | bot\nrow", "a|b")],
            },
            fail_on: Some(Severity::High),
            gate_failed: true,
        };
        let md = to_markdown(&[], &audit);
        assert!(md.starts_with("# Steward audit of https://x.atlassian.net\n"), "{md}");
        assert!(md.contains("The gate at `high` fails."), "{md}");
        let row = md.lines().find(|l| l.starts_with("| global-admin")).unwrap();
        let unescaped = row.replace("\\|", "");
        assert_eq!(unescaped.matches('|').count(), 6, "five cells: {row}");
        assert!(row.contains("evil \\| bot row (bot-1)"), "{row}");
        assert!(md.contains("| 3 | 9 | yes | 0 |"), "{md}");
        assert!(md.contains("None: every part was read"), "{md}");
    }
}
