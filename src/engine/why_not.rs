//! "Why not": for a permission an account lacks in a project, the grants that would give it and
//! what the account would need (join a role, a group, get product access…).

use serde::Serialize;

use crate::analysis::PathEntry;
use crate::model::{Account, Holder, Site};

use super::membership::{Tri, group_id, group_name, match_holder, tri};
use super::{AccountSelection, Selection, analyze};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhyNot {
    pub grant: Option<String>,
    /// What the account would need for this grant to apply, in one line.
    pub need: String,
    /// `missing` (the account does not meet it), `conditional` (it does, on some issues),
    /// `unknown` (the snapshot cannot tell), `met` (the account holds it this way).
    pub status: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhyNotAnswer {
    pub account_id: String,
    pub project: String,
    pub permission: String,
    /// As `analyze` says: an unconditional path gives the permission.
    pub held: bool,
    /// The paths `analyze` gives for the permission here (conditional ones included).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub held_by: Vec<PathEntry>,
    pub scheme: Option<String>,
    pub options: Vec<WhyNot>,
    /// Set when no option can exist, with the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn need(site: &Site, account: &Account, project: &str, holder: &Holder) -> String {
    match holder {
        Holder::Anyone => "nothing: the grant is public".to_owned(),
        Holder::ApplicationRole(None) => "to be a logged-in user".to_owned(),
        Holder::ApplicationRole(Some(key)) => format!("product access to `{key}`"),
        Holder::Group { id, name } => {
            let gid = group_id(site, id.as_ref(), name.as_ref()).unwrap_or_default();
            format!("membership of group \"{}\" [{gid}]", group_name(site, &gid, name.as_ref()))
        }
        Holder::User(other) if *other == account.account_id => "nothing: the grant names this account".to_owned(),
        Holder::User(other) => format!("a grant naming this account (this one names `{other}`)"),
        Holder::ProjectRole(role) => {
            let name = site.roles.get(role).map(|r| r.name.clone()).unwrap_or_else(|| role.clone());
            format!("to be in role \"{name}\" [{role}] in {project}, directly or through a group")
        }
        Holder::ProjectLead => format!("to lead {project}"),
        Holder::Reporter => "to be the issue's reporter".to_owned(),
        Holder::Assignee => "to be the issue's assignee".to_owned(),
        Holder::UserCustomField(f) => format!("to be named in field {f} of the issue"),
        Holder::GroupCustomField(f) => format!("to be in a group named in field {f} of the issue"),
        Holder::CustomerPortalOnly => "to be a service-management customer (portal only)".to_owned(),
        Holder::Unknown { kind, .. } => {
            format!("to match holder type `{kind}`, which Jira does not document")
        }
    }
}

pub fn why_not(site: &Site, account_id: &str, project_key: &str, permission: &str) -> Option<WhyNotAnswer> {
    let account = site.accounts.get(account_id)?;
    let project = site.projects.get(project_key)?;
    let mut answer = WhyNotAnswer {
        account_id: account_id.to_owned(),
        project: project_key.to_owned(),
        permission: permission.to_owned(),
        held: false,
        held_by: Vec::new(),
        scheme: None,
        options: Vec::new(),
        note: None,
    };
    if !account.active {
        answer.note = Some("the account is inactive; inactive accounts hold nothing".to_owned());
        return Some(answer);
    }
    // What `analyze` says of this cell, which also counts Jira's own check and
    // grants that could not be read: the answer must not contradict it, even without the scheme.
    let selection = Selection {
        accounts: AccountSelection::One(account_id.to_owned()),
        project: Some(project_key.to_owned()),
        skip_transitions: true,
        exhaustive: false,
    };
    let analysed = analyze(site, &selection).accounts.into_iter().find(|a| a.account_id == account_id);
    let cell = analysed.into_iter().flat_map(|a| a.projects).find(|p| p.key == project_key);
    if let Some(cell) = &cell {
        answer.held_by = cell.permissions.get(permission).cloned().unwrap_or_default();
        answer.held = answer.held_by.iter().any(|p| !p.conditional);
    }
    let Some(scheme) = project.scheme_id.as_ref().and_then(|id| site.schemes.get(id)) else {
        answer.options.sort();
        answer.note = Some(format!(
            "the permission scheme of {project_key} is not in the snapshot, so the grants that would give {permission} cannot be listed"
        ));
        return Some(answer);
    };
    answer.scheme = Some(scheme.name.clone());
    for grant in scheme.grants.iter().filter(|g| g.permission == permission) {
        let found = match_holder(site, account, &grant.holder, Some(&project.key));
        let status = match tri(&found) {
            Tri::Yes if found.vias.iter().all(|v| v.conditional()) => "conditional",
            Tri::Yes => "met",
            Tri::No => "missing",
            Tri::Unknown => "unknown",
        };
        answer.options.push(WhyNot {
            grant: grant.id.clone(),
            need: need(site, account, project_key, &grant.holder),
            status,
        });
    }
    // Grants `analyze` could not evaluate for this permission (or for any: `*`, a grant lost).
    for unresolved in cell.iter().flat_map(|c| &c.unresolved) {
        let lost = unresolved.permission == "*";
        if (lost || unresolved.permission == permission)
            && !answer.options.iter().any(|o| o.grant.is_some() && o.grant == unresolved.grant)
        {
            answer.options.push(WhyNot {
                grant: unresolved.grant.clone(),
                need: unresolved.reason.clone(),
                status: "unknown",
            });
        }
    }
    answer.options.sort();
    let jira_denies = site.checks.get(account_id).and_then(|c| c.answer(project_key, permission)) == Some(false);
    if jira_denies && answer.options.iter().any(|o| o.status == "met") {
        answer.note = Some(format!(
            "Jira's permission check says {permission} is not held here, though a grant above names this account; \
             Jira's answer is reported (see the model-drift warning)"
        ));
    } else if answer.options.is_empty() && !answer.held {
        answer.note = Some(format!(
            "no grant in scheme \"{}\" gives {permission}; a grant would have to be added to the scheme",
            scheme.name
        ));
    }
    Some(answer)
}
