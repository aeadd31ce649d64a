//! `SnapshotReader` (chunks pushed one at a time, the one way in) against the one-text decoding of
//! `snapshot::load`, and the project-scoped load against the whole model: the same answers, and the
//! same inputs refused.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing, reason = "tests fail loudly")]

use std::path::{Path, PathBuf};

use serde_json::Value;
use steward::api::{self, AnalyzeOptions, LoadedSnapshot, SnapshotReader};
use steward::model::AccountKind;
use steward::snapshot::{self, Scope};

fn dir(path: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

fn scenarios() -> Vec<(String, String)> {
    dir("tests/scenarios")
        .into_iter()
        .map(|d| (d.display().to_string(), std::fs::read_to_string(d.join("snapshot.json")).unwrap()))
        .collect()
}

/// The answer from the one-text decoding (`snapshot::load_scoped`), serialised as `analyze` does.
fn whole_json(text: &str, options: &str) -> String {
    let o: AnalyzeOptions = serde_json::from_str(options).unwrap();
    match snapshot::load_scoped(text, &o.scope()) {
        Ok((site, warnings)) => {
            let mut matrix = steward::engine::matrix(&site, &o.selection());
            matrix.warnings.extend(warnings);
            matrix.warnings.sort();
            matrix.warnings.dedup();
            match o.form {
                api::AnalysisForm::Matrix => serde_json::to_string(&matrix).unwrap(),
                api::AnalysisForm::Analysis => serde_json::to_string(&matrix.expand()).unwrap(),
            }
        }
        Err(error) => api::Answer::<()>::Failure { errors: vec![error.into()], warnings: Vec::new() }.to_json(),
    }
}

fn pushed(bytes: &[u8], size: usize) -> SnapshotReader {
    let mut reader = SnapshotReader::new();
    for chunk in bytes.chunks(size.max(1)) {
        reader.push(chunk);
    }
    reader
}

const OPTIONS: &str = r#"{"allAccounts":true,"form":"matrix"}"#;

#[test]
fn every_scenario_reads_the_same_from_pushed_chunks_of_any_size() {
    for (name, text) in scenarios() {
        let whole = whole_json(&text, OPTIONS);
        assert!(whole.starts_with(r#"{"analysisVersion""#) || whole.contains(r#""form":"matrix""#), "{name}");
        for size in [1, 2, 7, 97, 4096, text.len()] {
            let loaded = pushed(text.as_bytes(), size).finish(&Scope::default());
            assert_eq!(loaded.analyze(OPTIONS), whole, "{name}, chunks of {size} bytes");
            let from_text = LoadedSnapshot::from_text(&text, &Scope::default());
            assert_eq!(loaded.inventory(), from_text.inventory(), "{name}");
            assert_eq!(
                loaded.overview(),
                api::LoadedSnapshot::from_text(&text, &Default::default()).overview(),
                "{name}"
            );
        }
    }
}

/// Whitespace anywhere JSON allows it, escapes in names, and unknown parts.
#[test]
fn odd_but_valid_layouts_read_the_same() {
    let (_, text) = scenarios().into_iter().next().unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let pretty = serde_json::to_string_pretty(&doc).unwrap();
    let body = text.trim().strip_prefix('{').unwrap();
    let repeated = format!(r#"{{ "unkn\u006fwn" : [ ] , "zoë 🤖": [1, {{"a": "]}}"}}], {body}"#);
    for variant in [pretty, repeated, format!(" \n{text}\n ")] {
        let whole = whole_json(&variant, OPTIONS);
        for size in [1, 3, 64] {
            let loaded = pushed(variant.as_bytes(), size).finish(&Scope::default());
            assert_eq!(loaded.analyze(OPTIONS), whole, "chunks of {size}: {}", &variant[..80]);
        }
    }
}

/// A part, or an entry of a map-shaped part, given twice would replace what the first said: the
/// snapshot is refused, read whole or in chunks.
#[test]
fn a_part_or_entry_given_twice_is_refused_either_way() {
    let (_, text) = scenarios().into_iter().next().unwrap();
    let body = text.trim().strip_prefix('{').unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let part = doc.as_object().unwrap().keys().find(|k| *k != "snapshotVersion").unwrap().clone();
    let mut without = doc.clone();
    let parts = without.as_object_mut().unwrap();
    parts.remove("groupMembers");
    parts.remove("projectRoles");
    let rest = serde_json::to_string(&without).unwrap();
    let rest = rest.strip_prefix('{').unwrap();
    let variants = [
        format!(r#"{{"{part}": {}, {body}"#, doc[&part]),
        format!(r#"{{"groupMembers": {{"g-1": [], "g-1": []}}, {rest}"#),
        format!(r#"{{"projectRoles": {{"ABC": {{"10002": {{"id": 10002}}, "10002": {{"id": 10002}}}}}}, {rest}"#),
    ];
    for variant in variants {
        let whole = whole_json(&variant, OPTIONS);
        assert_eq!(code(&whole).as_deref(), Some("bad-snapshot"), "{}", &variant[..80]);
        assert!(whole.contains("appears twice"), "{whole}");
        for size in [1, 64] {
            let loaded = pushed(variant.as_bytes(), size).finish(&Scope::default());
            let chunked = loaded.analyze(OPTIONS);
            assert_eq!(code(&chunked).as_deref(), Some("bad-snapshot"), "chunks of {size}: {chunked}");
            assert!(chunked.contains("appears twice"), "{chunked}");
        }
    }
}

fn code(answer: &str) -> Option<String> {
    let value: Value = serde_json::from_str(answer).unwrap();
    (value["type"] == "failure").then(|| value["errors"][0]["code"].as_str().unwrap().to_owned())
}

/// Every input the fuzzer was seeded with: refused by both readings or by neither, and when read,
/// read alike.
#[test]
fn the_fuzz_corpus_is_refused_or_read_alike() {
    for file in dir("fuzz/corpus/analyze") {
        let data = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&data);
        let doc = text.split('\u{1e}').next().unwrap_or_default();
        let whole = whole_json(doc, OPTIONS);
        let loaded = pushed(doc.as_bytes(), 5).finish(&Scope::default());
        let chunked = loaded.analyze(OPTIONS);
        match (code(&whole), code(&chunked)) {
            (None, None) => assert_eq!(chunked, whole, "{}", file.display()),
            (Some(a), Some(b)) => assert_eq!(a, b, "{}", file.display()),
            (a, b) => panic!("{}: one text {a:?}, chunks {b:?}", file.display()),
        }
    }
}

#[test]
fn malformed_texts_are_refused() {
    let bad = [
        "",
        "[]",
        r#"{"snapshotVersion":1"#,
        r#"{"snapshotVersion":1} x"#,
        r#"{"snapshotVersion":1,}"#,
        r#"{,"snapshotVersion":1}"#,
        r#"{"snapshotVersion":1,"users":[1,]}"#,
        r#"{"snapshotVersion":1,"users":[,1]}"#,
        r#"{"snapshotVersion":1,"users":[[]}"#,
        r#"{"snapshotVersion":1,"userDetails":{"a":}}"#,
        r#"{"snapshotVersion":1,"userDetails":{"a" {}}}"#,
        r#"{"snapshotVersion":1,"users":null}"#,
        r#"{"snapshotVersion":1,"projects":[{"a":1]]}"#,
        r#"{"snapshotVersion":1,"meta":{"site":"a\"}}"#,
        r#"{"meta":{}}"#,
        r#"{"snapshotVersion":2}"#,
    ];
    for text in bad {
        assert!(code(&whole_json(text, OPTIONS)).is_some(), "one text accepts {text}");
        let loaded = pushed(text.as_bytes(), 2).finish(&Scope::default());
        let answer = loaded.analyze(OPTIONS);
        assert!(code(&answer).is_some(), "chunks accept {text}: {answer}");
    }
}

/// A load for one project keeps only that project's permission-check answers; the project's answer
/// (transitions included) is the one the whole model gives.
#[test]
fn a_project_scoped_load_answers_as_the_whole_model() {
    let mut compared = 0;
    for (name, text) in scenarios() {
        let Ok((site, _)) = snapshot::load(&text) else { continue };
        let whole = LoadedSnapshot::from_text(&text, &Scope::default());
        for key in site.projects.keys() {
            for accounts in [r#""allAccounts":true"#, r#""allAccounts":false"#] {
                let options = format!(r#"{{{accounts},"project":"{key}","skipTransitions":false}}"#);
                let expected = whole.analyze(&options);
                assert_eq!(whole_json(&text, &options), expected, "{name} {options}");
                let scope = Scope { project: Some(key.clone()), ..Scope::default() };
                let chunked = pushed(text.as_bytes(), 50).finish(&scope);
                assert_eq!(chunked.analyze(&options), expected, "{name} {options}");
                compared += 1;
            }
        }
        if let Some(check) = site.checks.values().next() {
            let (scoped, _) = snapshot::load_scoped(
                &text,
                &Scope { project: site.projects.keys().next().cloned(), ..Scope::default() },
            )
            .unwrap();
            let kept = &scoped.checks[site.checks.keys().next().unwrap()];
            assert!(kept.projects().count() <= check.projects().count());
            assert!(kept.projects().all(|p| Some(p) == site.projects.keys().next()), "{name}");
        }
    }
    assert!(compared > 50, "{compared} project answers compared");
}

/// A load for the service and app accounts drops people's accounts, member entries and role
/// actors; every answer about the accounts it keeps is the whole model's, transitions included.
#[test]
fn a_load_of_non_human_accounts_answers_as_the_whole_model() {
    let non_human = Scope { non_human_only: true, ..Scope::default() };
    let (mut compared, mut dropped) = (0, 0);
    for (name, text) in scenarios() {
        let Ok((site, _)) = snapshot::load(&text) else { continue };
        let (scoped, _) = snapshot::load_scoped(&text, &non_human).unwrap();
        assert!(scoped.accounts.values().all(|a| a.kind() != AccountKind::Human), "{name}");
        let bots = site.accounts.values().filter(|a| a.kind() != AccountKind::Human).count();
        assert_eq!(scoped.accounts.len(), bots, "{name}: every non-human account is kept");
        dropped += site.accounts.len() - scoped.accounts.len();
        let whole = LoadedSnapshot::from_text(&text, &Scope::default());
        let chunked = pushed(text.as_bytes(), 61).finish(&non_human);
        let project = site.projects.keys().next().map(|k| format!(r#","project":"{k}""#)).unwrap_or_default();
        for options in [
            r#"{}"#.to_owned(),
            r#"{"form":"matrix"}"#.to_owned(),
            r#"{"skipTransitions":true,"form":"matrix"}"#.to_owned(),
            format!(r#"{{"skipTransitions":false{project}}}"#),
        ] {
            let expected = whole.analyze(&options);
            assert_eq!(whole_json(&text, &options), expected, "{name} {options}");
            assert_eq!(chunked.analyze(&options), expected, "{name} {options}");
            compared += 1;
        }
        assert_eq!(chunked.inventory(), whole.inventory(), "{name}");
    }
    assert!(compared > 200, "{compared} answers compared");
    assert!(dropped > 30, "{dropped} people's accounts dropped: the scope was exercised");
}

#[test]
fn a_load_of_non_human_accounts_refuses_questions_about_people() {
    let (_, text) = scenarios().into_iter().next().unwrap();
    let loaded = LoadedSnapshot::from_text(&text, &Scope { non_human_only: true, ..Scope::default() });
    assert!(!loaded.analyze("{}").contains(r#""error""#));
    for options in [r#"{"allAccounts":true}"#, r#"{"accountId":"anyone"}"#] {
        assert_eq!(code(&loaded.analyze(options)).as_deref(), Some("bad-options"), "{options}");
    }
}

#[test]
fn a_project_scoped_snapshot_refuses_other_questions() {
    let (_, text) = scenarios().into_iter().next().unwrap();
    let loaded = LoadedSnapshot::from_text(&text, &Scope { project: Some("NOPE".into()), ..Scope::default() });
    assert_eq!(code(&loaded.analyze("{}")).as_deref(), Some("bad-options"));
    assert_eq!(code(&loaded.analyze(r#"{"project":"OTHER"}"#)).as_deref(), Some("bad-options"));
    assert_eq!(code(&loaded.inventory()).as_deref(), Some("bad-options"));
}

/// A page giving `isLast` twice is refused by every decoder alike, so a group's completeness does
/// not hang on whether something unrelated elsewhere in the snapshot failed to decode.
#[test]
fn a_page_giving_a_paging_field_twice_reads_the_same_on_every_path() {
    let text = |users: &str| {
        format!(
            r#"{{"snapshotVersion": 1,
                "permissionSchemes": {{"permissionSchemes": [{{"id": 1, "name": "S", "permissions": [
                  {{"id": 2, "permission": "BROWSE_PROJECTS", "holder": {{"type": "group", "value": "g"}}}}]}}]}},
                "projects": [{{"isLast": true, "values": [{{"id": "10", "key": "ABC", "name": "A"}}]}}],
                "projectPermissionSchemes": {{"ABC": {{"id": 1}}}},
                "groups": [[{{"groupId": "g", "name": "g"}}]],
                "users": [[{{"accountId": "a", "accountType": "app", "active": true}}, {users}]],
                "groupMembers": {{"g": [{{"values": [{{"accountId": "a"}}], "isLast": false, "isLast": true}}]}}}}"#
        )
    };
    let clean = text(r#"{"accountId": "b", "accountType": "app", "active": true}"#);
    let with_bad_user = text(r#"{"accountId": 5, "accountType": "app", "active": true}"#);
    for t in [&clean, &with_bad_user] {
        let (site, _) = snapshot::load(t).unwrap();
        assert!(site.incomplete_groups.contains("g") || !site.group_members.contains_key("g"), "{t}");
    }
    let whole = whole_json(&clean, OPTIONS);
    let loaded = pushed(clean.as_bytes(), 7).finish(&Scope::default());
    assert_eq!(loaded.analyze(OPTIONS), whole);
}

/// A `projects` or `users` part that is there but lists nothing is not a missing part: only an
/// absent one warns `missing-part`, read whole (one pass or careful) or in chunks.
#[test]
fn an_empty_part_is_not_a_missing_one() {
    let missing = |text: &str| -> Vec<String> {
        let mut out = Vec::new();
        let (_, warnings) = snapshot::load(text).unwrap();
        for w in warnings.iter().filter(|w| w.code == steward::warning::WarningCode::MissingPart) {
            for part in ["`projects`", "`users`"] {
                if w.message.contains(part) {
                    out.push(part.to_owned());
                }
            }
        }
        let whole = whole_json(text, OPTIONS);
        for size in [1, 5, 64] {
            let loaded = pushed(text.as_bytes(), size).finish(&Scope::default());
            assert_eq!(loaded.analyze(OPTIONS), whole, "chunks of {size}: {text}");
        }
        out
    };
    assert_eq!(missing(r#"{"snapshotVersion": 1, "projects": [], "users": []}"#), Vec::<String>::new());
    assert_eq!(missing(r#"{"snapshotVersion": 1, "projects": [[]], "users": [{"values": []}]}"#), Vec::<String>::new());
    // A bad element sends the part down the careful path; it is still there.
    assert_eq!(
        missing(r#"{"snapshotVersion": 1, "projects": [["oops"]], "users": [[{"accountId": 5}]]}"#),
        Vec::<String>::new()
    );
    assert_eq!(missing(r#"{"snapshotVersion": 1, "users": []}"#), ["`projects`"]);
    assert_eq!(missing(r#"{"snapshotVersion": 1, "projects": []}"#), ["`users`"]);
    assert_eq!(missing(r#"{"snapshotVersion": 1}"#), ["`projects`", "`users`"]);
}
