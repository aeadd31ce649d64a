//! Issue security levels an account can see in a project, with paths.

use crate::model::{Account, Project, Site};
use crate::report::{LevelAccess, PathEntry};

use super::membership::match_holder;
use super::path::{Origin, Path};

pub fn levels(site: &Site, account: &Account, project: &Project) -> Vec<LevelAccess> {
    let Some(scheme) = site.project_security_scheme.get(&project.key).and_then(|id| site.security_schemes.get(id))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for level in &scheme.levels {
        if !scheme.members_known {
            out.push(LevelAccess {
                id: level.id.clone(),
                name: level.name.clone(),
                access: "unknown",
                paths: Vec::new(),
                reason: Some(match site.gaps.get(&("issueSecurityMembers".to_owned(), scheme.id.clone())) {
                    Some(reason) => {
                        format!("the members of security scheme \"{}\" could not be read: {reason}", scheme.name)
                    }
                    None => format!("the members of security scheme \"{}\" were not collected", scheme.name),
                }),
            });
            continue;
        }
        let mut paths = Vec::new();
        let mut unknown = None;
        for holder in &level.members {
            let found = match_holder(site, account, holder, Some(&project.key));
            for via in found.vias {
                let origin = Origin::Level { scheme_name: scheme.name.clone(), level_name: level.name.clone() };
                paths.push(PathEntry::new(&Path { origin, via }));
            }
            if found.unknown.is_some() {
                unknown = found.unknown;
            }
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
        out.push(LevelAccess { id: level.id.clone(), name: level.name.clone(), access, paths, reason });
    }
    out
}
