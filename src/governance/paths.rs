//! Reads the grant paths of the analysis contract back into their steps.
//!
//! The path text is part of the `analyze` contract (stable, documented, golden-tested), so rules
//! read it rather than reach into the engine's internals, which may change.

/// How a path reaches the account, as far as governance rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Anyone,
    AnyLoggedIn,
    ApplicationRole,
    Group {
        name: String,
        id: String,
    },
    DirectUser,
    Role {
        id: String,
        name: String,
        actor: Actor,
    },
    ProjectLead,
    JiraCheck,
    /// Reporter, assignee, custom fields, portal: only on some issues.
    Conditional,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User,
    Group { name: String, id: String },
}

/// Reads a `"…"` string with the engine's escapes; returns it and the rest.
fn quoted(text: &str) -> Option<(String, &str)> {
    let mut chars = text.strip_prefix('"')?.char_indices();
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let (_, escaped) = chars.next()?;
                out.push(escaped);
            }
            '"' => return Some((out, text.get(i + 2..)?)),
            c => out.push(c),
        }
    }
    None
}

/// Reads ` [id]` at the start of `text`.
fn bracketed(text: &str) -> Option<(String, &str)> {
    let text = text.strip_prefix(" [")?;
    let end = text.find(']')?;
    Some((text.get(..end)?.to_owned(), text.get(end + 1..)?))
}

/// The step of one path line, `Other` for anything this version does not recognise.
pub fn step(path: &str) -> Step {
    if path.starts_with("Jira's permission check") {
        return Step::JiraCheck;
    }
    let via = if let Some(rest) = path.strip_prefix("scheme ") {
        let Some((_, rest)) = quoted(rest) else { return Step::Other };
        match rest.find(" → ").and_then(|i| rest.get(i + " → ".len()..)) {
            Some(via) => via,
            None => return Step::Other,
        }
    } else {
        return Step::Other;
    };
    via_step(via).unwrap_or(Step::Other)
}

fn via_step(via: &str) -> Option<Step> {
    if via.starts_with("anyone") {
        return Some(Step::Anyone);
    }
    if via.starts_with("applicationRole (any logged-in user)") {
        return Some(Step::AnyLoggedIn);
    }
    if via.starts_with("applicationRole ") {
        return Some(Step::ApplicationRole);
    }
    if via.starts_with("user (this account") {
        return Some(Step::DirectUser);
    }
    if via.starts_with("projectLead") {
        return Some(Step::ProjectLead);
    }
    if let Some(rest) = via.strip_prefix("group ") {
        let (name, rest) = quoted(rest)?;
        let (id, _) = bracketed(rest)?;
        return Some(Step::Group { name, id });
    }
    if let Some(rest) = via.strip_prefix("projectRole ") {
        let (name, rest) = quoted(rest)?;
        let (id, rest) = bracketed(rest)?;
        let actor = if rest.starts_with(" → actor user") {
            Actor::User
        } else {
            let rest = rest.strip_prefix(" → actor group ")?;
            let (group, rest) = quoted(rest)?;
            let (group_id, _) = bracketed(rest)?;
            Actor::Group { name: group, id: group_id }
        };
        return Some(Step::Role { id, name, actor });
    }
    if ["reporter", "assignee", "userCustomField", "groupCustomField", "sd.customer"].iter().any(|p| via.starts_with(p))
    {
        return Some(Step::Conditional);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_path_the_engine_writes() {
        let cases = [
            ("scheme \"S\" [1] grant 2 → anyone (public, including anonymous users)", Step::Anyone),
            ("scheme \"S\" [1] grant 2 → applicationRole (any logged-in user)", Step::AnyLoggedIn),
            ("scheme \"S\" [1] grant 2 → applicationRole jira-software → group \"g\"", Step::ApplicationRole),
            ("scheme \"S\" [1] grant 2 → user (this account, granted directly)", Step::DirectUser),
            (
                "scheme \"A → \\\"B\\\"\" [1] grant 2 → group \"all staff\" [g-1]",
                Step::Group { name: "all staff".into(), id: "g-1".into() },
            ),
            (
                "scheme \"S\" [1] grant 2 → projectRole \"Service accounts\" [10100] → actor user (this account)",
                Step::Role { id: "10100".into(), name: "Service accounts".into(), actor: Actor::User },
            ),
            (
                "scheme \"S\" [1] grant 2 → projectRole \"Devs\" [10001] → actor group \"bots\" [g-5]",
                Step::Role {
                    id: "10001".into(),
                    name: "Devs".into(),
                    actor: Actor::Group { name: "bots".into(), id: "g-5".into() },
                },
            ),
            ("scheme \"S\" [1] grant 2 → reporter (only on issues this account reported)", Step::Conditional),
            ("Jira's permission check says held; no path in the snapshot explains it", Step::JiraCheck),
            ("security scheme \"x\" level \"y\" → group \"g\" [1]", Step::Other),
        ];
        for (path, expected) in cases {
            assert_eq!(step(path), expected, "{path}");
        }
    }
}
