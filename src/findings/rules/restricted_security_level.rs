use crate::findings::{Hit, Rule, Severity};
use crate::governance::Scope;

use super::{several_projects, working_bots};

pub const RULE: Rule = Rule {
    id: "restricted-security-level",
    title: "A bot can see issues in a restricted security level",
    severity: Severity::High,
    reason: "Issue security levels keep issues to a restricted audience: only the users, groups and \
             roles a level names can see its issues (Atlassian's support article \"Configure issue \
             security schemes\"). A bot in the level widens that audience to everyone who can use \
             its credential, for example every job of a CI system that holds its token.",
    fix: "Remove the role, group or user that admits the bot from the level's members, or declare the \
          level in the bot's need (`need.securityLevels`) if it must read those issues.",
    check,
};

// One finding per bot and level, every project in its `projects`, not one per project: a level in a
// scheme many projects share is one thing to fix, and a finding per project made half a million
// findings on the largest sites.
/// One level a bot can see: its id and name, the projects, the worst access, the paths.
struct Seen<'a> {
    id: &'a str,
    name: &'a str,
    projects: Vec<&'a str>,
    severity: Severity,
    evidence: Vec<String>,
}

fn check(scope: &Scope<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for account in working_bots(scope) {
        let Some(access) = scope.access(&account.account_id) else { continue };
        let declared =
            scope.registry.entry(&account.account_id).and_then(|e| e.need.as_ref()).map(|n| &n.security_levels);
        // Per level, in the order first met.
        let mut levels: Vec<Seen<'_>> = Vec::new();
        for project in access.projects() {
            for level in project.security_levels {
                if declared.is_some_and(|d| d.iter().any(|l| *l == level.name || *l == level.id)) {
                    continue;
                }
                let severity = match level.access {
                    "yes" => Severity::High,
                    "conditional" => Severity::Medium,
                    _ => continue,
                };
                let at = match levels.iter().position(|seen| seen.id == level.id.as_str()) {
                    Some(at) => at,
                    None => {
                        let name = level.name.as_str();
                        levels.push(Seen { id: &level.id, name, projects: Vec::new(), severity, evidence: Vec::new() });
                        levels.len() - 1
                    }
                };
                let Some(Seen { projects, severity: worst, evidence, .. }) = levels.get_mut(at) else { continue };
                projects.push(project.key);
                *worst = (*worst).max(severity);
                for path in &level.paths {
                    let line = format!("{} ({}): {}", project.key, level.access, path.path);
                    // The same path in every project of a shared scheme is shown once.
                    let shared = format!(": {}", path.path);
                    if !evidence.iter().any(|e| e.ends_with(&shared)) {
                        evidence.push(line);
                    }
                }
            }
        }
        for Seen { name, projects, severity, evidence, .. } in levels {
            let Some(first) = projects.first() else { continue };
            let message = if projects.len() == 1 {
                format!("can see issues in security level \"{name}\" of {first}")
            } else {
                format!("can see issues in security level \"{name}\" in {}", several_projects(&projects))
            };
            let mut hit = Hit::about(&account.account_id, message).severity(severity).evidence(evidence);
            if projects.len() == 1 {
                hit.project = Some((*first).to_owned());
            } else {
                hit.projects = projects.iter().map(|p| (*p).to_owned()).collect();
            }
            hits.push(hit);
        }
    }
    hits
}
