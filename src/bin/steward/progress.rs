//! The audit's progress line: one line on standard error, redrawn in place, only on a terminal
//! (indicatif). Pipelines see nothing, so standard output stays the report alone.

use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};
use steward::collect::endpoint_of;
use steward::host::Method;

/// `scanning ▸ permission checks · 142 calls · 1,310 points · 12.4 s`: the step is the prefix,
/// calls the position, points the message.
const TEMPLATE: &str = "scanning ▸ {prefix:<18} · {human_pos} calls · {msg} points · {seconds}";

pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A progress line on standard error when it is a terminal; otherwise one that draws nothing.
    pub fn on_stderr() -> Progress {
        Progress::to(ProgressDrawTarget::stderr())
    }

    fn to(target: ProgressDrawTarget) -> Progress {
        let bar = ProgressBar::with_draw_target(None, target);
        // The template is a constant: a mistake in it shows in the tests, and the line is only a help.
        if let Ok(style) = ProgressStyle::with_template(TEMPLATE) {
            let seconds = |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.1} s", state.elapsed().as_secs_f64());
            };
            bar.set_style(style.with_key("seconds", seconds));
        }
        Progress { bar }
    }

    pub fn enabled(&self) -> bool {
        !self.bar.is_hidden()
    }

    pub fn draw(&self, calls: u64, points: u64, latest_path: &str) {
        self.bar.set_prefix(step_of(latest_path));
        self.bar.set_message(HumanCount(points).to_string());
        self.bar.set_position(calls);
    }

    /// Erases the line, so what follows on standard error starts clean.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
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
        let term = indicatif::InMemoryTerm::new(1, 100);
        let progress = Progress::to(ProgressDrawTarget::term_like(Box::new(term.clone())));
        assert!(progress.enabled());
        progress.draw(1_234, 1_234_567, "/rest/api/3/users/search");
        progress.bar.tick();
        let line = term.contents();
        assert!(line.starts_with("scanning ▸ users              · 1,234 calls · 1,234,567 points · "), "{line}");
        assert!(line.ends_with(" s") && line.contains('.'), "seconds to a tenth: {line}");
        progress.clear();
        assert_eq!(term.contents(), "");
    }
}
