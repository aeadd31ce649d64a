//! Issue security levels an account can see in a project, with paths.

use crate::analysis::LevelAccess;
use crate::model::{Account, Project, SecurityLevel, Site};

use super::PathCache;
use super::membership::match_holder;

/// The id of the entry that stands for levels the snapshot cannot name: a level seen by no member
/// row of a listing not read whole, or every level of a scheme that is not in the snapshot.
pub const UNNAMED_LEVELS: &str = "*";

pub fn levels(site: &Site, account: &Account, project: &Project, cache: &mut PathCache) -> Vec<LevelAccess> {
    let Some(scheme_id) = site.project_security_scheme.get(&project.key) else {
        return unmapped(site, project);
    };
    let Some(scheme) = site.security_schemes.get(scheme_id) else {
        let reason = match site.gap("issueSecuritySchemes", "") {
            Some(reason) => format!("the issue security schemes could not be read: {reason}"),
            None => format!("issue security scheme {scheme_id} of project {} is not in the snapshot", project.key),
        };
        return vec![unnamed(format!("any level of issue security scheme {scheme_id}"), reason)];
    };
    let mut out = Vec::new();
    if !scheme.members_known {
        let reason = match site.gap("issueSecurityMembers", &scheme.id) {
            Some(reason) => format!("the members of security scheme \"{}\" could not be read: {reason}", scheme.name),
            None => format!("the members of security scheme \"{}\" were not collected", scheme.name),
        };
        out.extend(scheme.levels.iter().map(|level| LevelAccess { reason: Some(reason.clone()), ..described(level) }));
        if !scheme.levels_whole() {
            out.push(unnamed(format!("any level of security scheme {}", scheme.name), reason));
        }
        return out;
    }
    for level in &scheme.levels {
        let mut paths = Vec::new();
        let mut unknown = None;
        for holder in &level.members {
            let found = match_holder(site, account, holder, Some(&project.key));
            for via in &found.vias {
                paths.push(cache.level_path(scheme, level, holder, via));
            }
            if found.unknown.is_some() {
                unknown = found.unknown;
            }
        }
        // A member that was not read may be the one that lets the account see the level.
        if let (None, Some(missing)) = (&unknown, &scheme.members_missing) {
            unknown = Some(format!("some members of security scheme \"{}\" could not be read{missing}", scheme.name));
        }
        paths.sort();
        paths.dedup();
        let access = if paths.iter().any(|p| !p.conditional) {
            "yes"
        } else if unknown.is_some() {
            "unknown"
        } else if !paths.is_empty() {
            "conditional"
        } else {
            continue;
        };
        let reason = if access == "unknown" { unknown } else { None };
        out.push(LevelAccess { access, paths, reason, ..described(level) });
    }
    // Levels whose member rows were all on pages not read are named nowhere in the snapshot.
    if !scheme.levels_whole() {
        let missing = scheme.members_missing.as_deref().unwrap_or_default();
        out.push(unnamed(
            format!("other levels of security scheme {}", scheme.name),
            format!("some members of security scheme \"{}\" could not be read{missing}", scheme.name),
        ));
    }
    out
}

fn unnamed(name: String, reason: String) -> LevelAccess {
    LevelAccess {
        id: UNNAMED_LEVELS.to_owned(),
        name,
        description: None,
        is_default: false,
        access: "unknown",
        paths: Vec::new(),
        reason: Some(reason),
    }
}

/// A level as Jira describes it, seen by no one until the caller says otherwise.
fn described(level: &SecurityLevel) -> LevelAccess {
    LevelAccess {
        id: level.id.clone(),
        name: level.name.clone(),
        description: level.description.clone(),
        is_default: level.is_default,
        access: "unknown",
        paths: Vec::new(),
        reason: None,
    }
}

/// A project the mapping does not list: it has no issue security scheme, unless the mapping was
/// not read whole; then any collected scheme may be its own, and each level is unknown. A snapshot
/// with no issue security part at all says so once, in a `missing-part` warning.
fn unmapped(site: &Site, project: &Project) -> Vec<LevelAccess> {
    if site.security_mapping_known || (site.security_schemes_listed && site.security_schemes.is_empty()) {
        return Vec::new();
    }
    let reason = match (site.gap("issueSecurityProjects", ""), site.gap("issueSecuritySchemes", "")) {
        (Some(reason), _) => {
            format!("the issue security scheme of project {} could not be read: {reason}", project.key)
        }
        (None, Some(reason)) if site.security_schemes.is_empty() => {
            format!("the issue security schemes could not be read: {reason}")
        }
        _ => format!("the snapshot does not hold the issue security scheme of project {}", project.key),
    };
    if site.security_schemes.is_empty() {
        // Neither listed nor mapped: whether the project has a scheme, and which, is unknown.
        return if site.security_collected {
            vec![unnamed("any issue security level".to_owned(), reason)]
        } else {
            Vec::new()
        };
    }
    let mut out: Vec<LevelAccess> = site
        .security_schemes
        .values()
        .flat_map(|scheme| &scheme.levels)
        .map(|level| LevelAccess { reason: Some(reason.clone()), ..described(level) })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    // A project may use a scheme the snapshot does not list, or a level its scheme's listing left out.
    if !site.security_schemes_listed || site.security_schemes.values().any(|scheme| !scheme.levels_whole()) {
        out.push(unnamed("any level not named in the snapshot".to_owned(), reason));
    }
    out
}
