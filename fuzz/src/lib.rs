//! One fuzz input through snapshot decoding and every analysis entry point.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/analyze.rs`, as the `steward_fuzz` crate) and
//! the corpus replay test (`tests/fuzz_corpus.rs`, as a `#[path]` module), so `cargo test` runs
//! exactly what the fuzzer ran.
//!
//! An input is up to six parts separated by [`SEPARATOR`]:
//! `snapshot RS options RS changes RS accountId RS project RS permission`.
//! A plain snapshot file is a valid input. A missing part is derived from the decoded snapshot
//! (the first account, project, grant…) so that every input reaches deep into the engine.

use serde_json::{Value, json};
use steward::model::Site;
use steward::{api, snapshot};

/// ASCII RS, the record separator of JSON text sequences (RFC 7464): never unescaped in JSON.
pub const SEPARATOR: char = '\u{1e}';

/// Runs one input. Panics (and so fails the fuzzer or the test) only if the core panics or an
/// answer is not a JSON object.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split(SEPARATOR);
    let doc = parts.next().unwrap_or_default();
    let options = parts.next();
    let changes = parts.next();
    let account = parts.next();
    let project = parts.next();
    let permission = parts.next();

    let site = snapshot::load(doc).ok().map(|(site, _)| site);
    let site = site.unwrap_or_default();

    let options = options.unwrap_or(r#"{"allAccounts":true}"#);
    let answer = api::analyze_json(doc, options);
    expect_object("analyze_json", &answer);
    // From the raw bytes pushed to the reader in pieces, which need not be UTF-8: an answer, and
    // where the bytes are the text, the same answer.
    let raw = data.split(|&b| b == SEPARATOR as u8).next().unwrap_or_default();
    let mut reader = api::SnapshotReader::new();
    for piece in raw.chunks(13) {
        reader.push(piece);
    }
    let scope = serde_json::from_str::<api::AnalyzeOptions>(options).map(|o| o.scope()).unwrap_or_default();
    let from_bytes = reader.finish(&scope).analyze(options);
    expect_object("SnapshotReader", &from_bytes);
    if raw == doc.as_bytes() {
        assert_eq!(from_bytes, answer, "the reader fed the bytes and analyze_json differ on the same text");
    }
    // The text report too, for options `analyze_json` accepted (it reads blank options as none).
    let parsed = match options.trim() {
        "" => Ok(api::AnalyzeOptions::default()),
        text => serde_json::from_str::<api::AnalyzeOptions>(text),
    };
    if let Ok(options) = parsed
        && let Ok(analysis) = api::LoadedSnapshot::from_text(doc, &options.scope()).analysis(&options)
    {
        let _text = analysis.to_text();
    }

    let changes = changes.map_or_else(|| derived_changes(&site).to_string(), str::to_owned);
    let loaded = api::LoadedSnapshot::from_text(doc, &Default::default());
    expect_object("what_if", &loaded.what_if(&changes));

    let first_account = site.accounts.keys().next().cloned().unwrap_or_default();
    let first_project = site.projects.keys().next().cloned().unwrap_or_default();
    let first_permission = first_grant(&site).map_or("BROWSE_PROJECTS", |(_, p, _)| p);
    expect_object(
        "why_not",
        &loaded.why_not(
            account.unwrap_or(&first_account),
            project.unwrap_or(&first_project),
            permission.unwrap_or(first_permission),
        ),
    );
}

fn expect_object(what: &str, answer: &str) {
    let parsed = serde_json::from_str::<Value>(answer);
    assert!(
        parsed.as_ref().is_ok_and(Value::is_object),
        "{what} answered with something other than a JSON object: {answer:?}"
    );
}

/// (scheme id, permission, grant id) of the first grant of the first scheme that has one.
fn first_grant(site: &Site) -> Option<(&str, &str, Option<&str>)> {
    site.schemes
        .values()
        .find_map(|s| s.grants.first().map(|g| (s.id.as_str(), g.permission.as_str(), g.id.as_deref())))
}

/// A change set that names what the snapshot holds, so `what_if` applies it instead of failing on
/// the first unknown reference. Every change is undone or harmless if applied in order.
fn derived_changes(site: &Site) -> Value {
    let mut changes = Vec::new();
    let account = site.accounts.keys().next();
    let project = site.projects.keys().next();
    let scheme = site.schemes.keys().next();
    let group = site.groups.keys().next().map_or("fuzz-group", String::as_str);
    let role = site.roles.keys().next().map_or("10002", String::as_str);
    if let (Some(project), Some(scheme)) = (project, scheme) {
        changes.push(json!({"op": "setProjectScheme", "project": project, "schemeId": scheme}));
    }
    if let Some(scheme) = scheme {
        changes.push(json!({"op": "addGrant", "schemeId": scheme, "permission": "BROWSE_PROJECTS",
            "holder": {"type": "group", "value": group}}));
    }
    if let Some((scheme, _, Some(grant))) = first_grant(site) {
        changes.push(json!({"op": "removeGrant", "schemeId": scheme, "grantId": grant}));
    }
    if let Some(account) = account {
        changes.push(json!({"op": "addGroupMember", "groupId": group, "accountId": account}));
        if let Some(project) = project {
            let actor = json!({"op": "addRoleActor", "project": project, "roleId": role,
                "accountId": account});
            changes.push(actor);
        }
    }
    json!({ "changes": changes })
}
