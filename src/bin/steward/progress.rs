//! The audit's progress line: one line on standard error, redrawn in place, only on a terminal.
//! Pipelines see nothing, so standard output stays the report alone.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use steward::collect::endpoint_of;
use steward::host::Method;

pub struct Progress {
    started: Instant,
    enabled: bool,
}

impl Progress {
    /// A progress line on standard error when it is a terminal; otherwise one that draws nothing.
    pub fn on_stderr() -> Progress {
        Progress { started: Instant::now(), enabled: std::io::stderr().is_terminal() }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    pub fn draw(&self, calls: u64, points: u64, latest_path: &str) {
        if self.enabled {
            let text = line(calls, points, self.started.elapsed(), step_of(latest_path));
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{text}");
            let _ = err.flush();
        }
    }

    /// Erases the line, so what follows on standard error starts clean.
    pub fn clear(&self) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// `scanning ▸ permission checks · 142 calls · 1,310 points · 12.4 s`.
pub fn line(calls: u64, points: u64, elapsed: Duration, step: &str) -> String {
    format!(
        "scanning ▸ {step:<18} · {} calls · {} points · {:.1} s",
        thousands(calls),
        thousands(points),
        elapsed.as_secs_f64()
    )
}

/// The step of the scan plan a request belongs to, from its path.
pub fn step_of(path: &str) -> &'static str {
    let Some(template) = endpoint_of(Method::Get, path).or_else(|| endpoint_of(Method::Post, path)) else {
        return if path.is_empty() { "starting" } else { "reading" };
    };
    match template {
        "/rest/api/3/permissions" => "permission keys",
        "/rest/api/3/permissionscheme" => "permission schemes",
        "/rest/api/3/project/search" => "projects",
        "/rest/api/3/users/search" => "users",
        "/rest/api/3/role" => "roles",
        "/rest/api/3/applicationrole" => "product access",
        "/rest/api/3/group/bulk" | "/rest/api/3/group/member" => "groups",
        "/rest/api/3/project/{projectKeyOrId}/permissionscheme" => "project schemes",
        "/rest/api/3/user" => "bot details",
        "/rest/api/3/permissions/check" => "permission checks",
        "/rest/api/3/project/{projectIdOrKey}/role/{id}" => "role actors",
        "/rest/api/3/mypermissions" => "credentials",
        "/rest/api/3/auditing/record" => "audit log",
        "/rest/api/3/workflowscheme/project" | "/rest/api/3/workflows/search" => "workflows",
        _ if template.starts_with("/rest/api/3/issuesecurityschemes") => "issue security",
        _ => "reading",
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_comes_from_the_request_path() {
        assert_eq!(step_of("/rest/api/3/permissions/check"), "permission checks");
        assert_eq!(step_of("/rest/api/3/project/ABC/role/10002"), "role actors");
        assert_eq!(step_of("/rest/api/3/project/ABC/permissionscheme?expand=permissions"), "project schemes");
        assert_eq!(step_of("/rest/api/3/issuesecurityschemes/10000/members?startAt=0"), "issue security");
        assert_eq!(step_of("/rest/api/3/users/search?maxResults=1000"), "users");
        assert_eq!(step_of(""), "starting");
    }

    #[test]
    fn the_line_shows_step_calls_points_and_time() {
        let text = line(1_234, 1_234_567, Duration::from_millis(12_345), "users");
        assert_eq!(text, "scanning ▸ users              · 1,234 calls · 1,234,567 points · 12.3 s");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
    }
}
