//! Workflow transitions an account passes, fails, or passes only on some issues.
//!
//! Rule keys and parameters are those of `GET /workflows/search` (see the description of
//! `GET /workflows/capabilities` in Atlassian's spec).

use std::collections::BTreeMap;

use crate::analysis::{Coverage, PathEntry, TransitionAccess};
use crate::model::{Account, AccountKind, ConditionGroup, Project, Rule, Site};
use crate::warning::{Warning, WarningCode};

use super::membership::{Tri, in_group, project_role, tri};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Passes,
    Fails,
    Conditional,
    Unknown,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Passes => "passes",
            Outcome::Fails => "fails",
            Outcome::Conditional => "conditional",
            Outcome::Unknown => "unknown",
        }
    }
}

fn from_tri(t: Tri) -> Outcome {
    match t {
        Tri::Yes => Outcome::Passes,
        Tri::No => Outcome::Fails,
        Tri::Unknown => Outcome::Unknown,
    }
}

/// `ALL`: the weakest wins. `ANY`: the strongest wins.
fn combine(any: bool, outcomes: &[Outcome]) -> Outcome {
    let has = |o| outcomes.contains(&o);
    if any {
        if has(Outcome::Passes) || outcomes.is_empty() {
            Outcome::Passes
        } else if has(Outcome::Conditional) {
            Outcome::Conditional
        } else if has(Outcome::Unknown) {
            Outcome::Unknown
        } else {
            Outcome::Fails
        }
    } else if has(Outcome::Fails) {
        Outcome::Fails
    } else if has(Outcome::Unknown) {
        Outcome::Unknown
    } else if has(Outcome::Conditional) {
        Outcome::Conditional
    } else {
        Outcome::Passes
    }
}

struct Ctx<'a> {
    site: &'a Site,
    account: &'a Account,
    project: &'a Project,
    permissions: &'a BTreeMap<std::rc::Rc<str>, Vec<PathEntry>>,
    coverage: Coverage,
}

fn held(ctx: &Ctx<'_>, key: &str) -> Outcome {
    match ctx.permissions.get(key) {
        Some(paths) if paths.iter().any(|p| !p.conditional) => Outcome::Passes,
        Some(_) => Outcome::Conditional,
        None if ctx.coverage == Coverage::Complete => Outcome::Fails,
        None => Outcome::Unknown,
    }
}

fn list(rule: &Rule, name: &str) -> Vec<String> {
    rule.parameters
        .get(name)
        .map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn rule_outcome(ctx: &Ctx<'_>, rule: &Rule, because: &mut Vec<String>, warnings: &mut Vec<Warning>) -> Outcome {
    match rule.key.as_str() {
        "system:restrict-issue-transition" => {
            let mut outcomes = Vec::new();
            for id in list(rule, "accountIds") {
                match id.as_str() {
                    "allow-assignee" | "allow-reporter" => outcomes.push(Outcome::Conditional),
                    id if id == ctx.account.account_id => outcomes.push(Outcome::Passes),
                    _ => outcomes.push(Outcome::Fails),
                }
            }
            for role in list(rule, "roleIds") {
                outcomes.push(from_tri(tri(&project_role(ctx.site, ctx.account, &ctx.project.key, &role))));
            }
            for group in list(rule, "groupIds") {
                outcomes.push(from_tri(in_group(ctx.site, ctx.account, &group)));
            }
            for key in list(rule, "permissionKeys") {
                outcomes.push(held(ctx, &key));
            }
            for name in ["groupCustomFields", "allowUserCustomFields", "denyUserCustomFields"] {
                if !list(rule, name).is_empty() {
                    outcomes.push(Outcome::Conditional);
                }
            }
            let result = combine(true, &outcomes);
            because.push(format!("restricted to listed users, roles, groups or permissions: {}", result.as_str()));
            result
        }
        "system:restrict-from-all-users" => {
            let mode = rule.parameters.get("restrictMode").map(String::as_str).unwrap_or("users");
            if mode == "usersAndAPI" {
                because.push(format!("restricted from all users (mode {mode})"));
                Outcome::Fails
            } else if ctx.account.kind() == AccountKind::Human {
                // `users` mode leaves REST API calls through, whoever makes them (a person's script too).
                because.push(format!(
                    "restricted from people in the UI (mode {mode}); through the REST API the transition passes"
                ));
                Outcome::Conditional
            } else {
                because.push("restricted from people in the UI only; API callers such as bots pass".to_owned());
                Outcome::Passes
            }
        }
        "system:previous-status-condition"
        | "system:parent-or-child-blocking-condition"
        | "system:check-field-value"
        | "system:separation-of-duties"
        | "system:block-in-progress-approval"
        | "system:jsd-approvals-block-until-approved"
        | "system:jsd-approvals-block-until-rejected" => {
            because.push(format!("{} depends on the issue", rule.key));
            Outcome::Conditional
        }
        key => {
            let app = key.starts_with("forge:") || key.starts_with("connect:");
            because.push(if app {
                format!("{key} is an app condition and cannot be evaluated without the issue")
            } else {
                format!("{key} is a condition this version cannot evaluate")
            });
            warnings.push(Warning::new(
                WarningCode::OpaqueCondition,
                format!(
                    "workflow condition `{key}` cannot be evaluated statically; transitions guarded by it are `unknown`"
                ),
            ));
            Outcome::Unknown
        }
    }
}

fn group_outcome(
    ctx: &Ctx<'_>,
    group: &ConditionGroup,
    because: &mut Vec<String>,
    warnings: &mut Vec<Warning>,
) -> Outcome {
    let mut outcomes: Vec<Outcome> = group.rules.iter().map(|r| rule_outcome(ctx, r, because, warnings)).collect();
    outcomes.extend(group.groups.iter().map(|g| group_outcome(ctx, g, because, warnings)));
    combine(group.any, &outcomes)
}

pub fn evaluate(
    site: &Site,
    account: &Account,
    project: &Project,
    permissions: &BTreeMap<std::rc::Rc<str>, Vec<PathEntry>>,
    coverage: Coverage,
    warnings: &mut Vec<Warning>,
) -> Vec<TransitionAccess> {
    let Some(names) = site.project_workflows.get(&project.key) else {
        return Vec::new();
    };
    let ctx = Ctx { site, account, project, permissions, coverage };
    // Transitioning an issue needs both Browse projects and Transition issues (POST
    // /issue/{key}/transitions in Atlassian's spec), besides the transition's own conditions.
    let transition_permission = held(&ctx, "TRANSITION_ISSUES");
    let browse_permission = held(&ctx, "BROWSE_PROJECTS");
    let mut out = Vec::new();
    for name in names {
        let Some(workflow) = site.workflows.get(name) else {
            continue;
        };
        for transition in &workflow.transitions {
            let mut because = Vec::new();
            let guard = match &transition.conditions {
                Some(group) => group_outcome(&ctx, group, &mut because, warnings),
                None => Outcome::Passes,
            };
            because.push(format!("TRANSITION_ISSUES: {}", transition_permission.as_str()));
            because.push(format!("BROWSE_PROJECTS: {}", browse_permission.as_str()));
            let result = combine(false, &[guard, transition_permission, browse_permission]);
            out.push(TransitionAccess {
                workflow: workflow.name.clone(),
                id: transition.id.clone(),
                name: transition.name.clone(),
                result: result.as_str(),
                because,
            });
        }
    }
    out.sort();
    out
}
