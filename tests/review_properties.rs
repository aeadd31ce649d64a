//! Property tests of the review schedule, with a small deterministic generator (no dependency):
//! thousands of random registries, settings, run times and decisions, the same every run.
//!
//! - However the scheduler's runs are spaced, every reminder, due date and grace expiry is
//!   reported exactly once (no due date skipped, none reported twice).
//! - A due date that has passed is reported before anything answers it.
//! - A decision is applied at most once, however often it is replayed.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use steward::api::GovernanceInput;
use steward::date::Date;
use steward::governance::registry::{Cadence, Entry, Registry, Status};
use steward::governance::review::{self, Decision, DecisionKind, EventKind};
use steward::governance::settings::Settings;

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn start() -> Date {
    Date::parse("2026-01-01").unwrap()
}

fn random_cadence(rng: &mut Rng) -> Cadence {
    match rng.below(4) {
        0 => Cadence::Monthly,
        1 => Cadence::Quarterly,
        2 => Cadence::Yearly,
        _ => Cadence::Days(1 + rng.below(60) as i64),
    }
}

fn random_registry(rng: &mut Rng) -> Registry {
    let accounts = (0..1 + rng.below(6))
        .map(|n| Entry {
            account_id: format!("bot-{n}"),
            owner: Some("human-1".into()),
            cadence: random_cadence(rng),
            last_review: rng.chance(80).then(|| start().add_days(-(rng.below(400) as i64))),
            next_due: rng.chance(20).then(|| start().add_days(rng.below(90) as i64)),
            ..Entry::default()
        })
        .collect();
    Registry { registry_version: 1, accounts }
}

fn random_settings(rng: &mut Rng) -> Settings {
    let mut settings = Settings::default();
    settings.review.remind_days_before = (0..rng.below(4)).map(|_| rng.below(30) as u32).collect();
    settings.review.grace_days = rng.below(20) as u32;
    settings
}

/// Run times from `start()`: gaps of 1 to `max_gap` days.
fn run_days(rng: &mut Rng, span: i64, max_gap: u64) -> Vec<Date> {
    let mut days = vec![start()];
    let mut day = start();
    while start().days_until(day) < span {
        day = day.add_days(1 + rng.below(max_gap) as i64);
        days.push(day);
    }
    days
}

#[test]
fn every_event_is_reported_exactly_once_however_runs_are_spaced() {
    let mut rng = Rng(0x5eed_0001);
    for case in 0..400 {
        let registry = random_registry(&mut rng);
        let settings = random_settings(&mut rng);
        let gap = 1 + rng.below(45);
        let runs = run_days(&mut rng, 500, gap);
        let end = *runs.last().unwrap();
        let mut seen = Vec::new();
        for pair in runs.windows(2) {
            seen.extend(review::events(&registry, &settings, pair[0], pair[1]));
        }
        let mut daily = Vec::new();
        let mut day = start();
        while day < end {
            daily.extend(review::events(&registry, &settings, day, day.add_days(1)));
            day = day.add_days(1);
        }
        seen.sort();
        daily.sort();
        assert_eq!(seen, daily, "case {case}: the events depend on how runs are spaced");
        let unique: BTreeSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "case {case}: an event was reported twice");
        for entry in &registry.accounts {
            if let Some(due) = entry.due().filter(|d| start() < *d && *d <= end) {
                assert!(
                    seen.iter().any(|e| e.account_id == entry.account_id && e.kind == EventKind::Due && e.on == due),
                    "case {case}: the due date {due} of {} was skipped",
                    entry.account_id
                );
            }
        }
    }
}

fn base_input() -> GovernanceInput {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/findings/no-owner/clean");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    GovernanceInput::parse(&read("snapshot.json"), "", &read("settings.json"), "2026-01-01").unwrap()
}

#[test]
fn no_due_date_is_skipped_and_no_decision_applies_twice_while_reviews_go_on() {
    let mut rng = Rng(0x5eed_0002);
    let mut input = base_input();
    for case in 0..150 {
        input.registry = random_registry(&mut rng);
        input.settings = random_settings(&mut rng);
        let gap = 1 + rng.below(30);
        let runs = run_days(&mut rng, 400, gap);
        let mut reported: BTreeSet<(String, Date)> = BTreeSet::new();
        let mut made: Vec<Decision> = Vec::new();
        let mut applied: BTreeMap<String, usize> = BTreeMap::new();
        for pair in runs.windows(2) {
            let (since, now) = (pair[0], pair[1]);
            for event in review::events(&input.registry, &input.settings, since, now) {
                if event.kind == EventKind::Due {
                    assert!(
                        reported.insert((event.account_id.clone(), event.due)),
                        "case {case}: due {} of {} reported twice",
                        event.due,
                        event.account_id
                    );
                }
            }
            // Every due date already passed has been reported before anyone answers it.
            for entry in &input.registry.accounts {
                if let Some(due) = entry.due().filter(|d| start() < *d && *d <= now) {
                    assert!(
                        reported.contains(&(entry.account_id.clone(), due)),
                        "case {case}: due {due} of {} passed unreported",
                        entry.account_id
                    );
                }
            }
            input.now = now;
            // Some reviewers decide; some old decisions are replayed (a retry, a double click).
            let mut attempts: Vec<Decision> = Vec::new();
            for entry in &input.registry.accounts {
                if entry.status == Status::Retired || !rng.chance(30) {
                    continue;
                }
                let kind = match (entry.status, rng.below(10)) {
                    (Status::Suspended, 0..=4) => DecisionKind::Restore,
                    (_, 0) => DecisionKind::Suspend,
                    _ => DecisionKind::Keep,
                };
                let restores = entry.suspension.as_ref().map(|s| s.decision_id.clone());
                attempts.push(Decision {
                    id: format!("c{case}-d{}", made.len() + attempts.len()),
                    account_id: entry.account_id.clone(),
                    decision: kind,
                    by: "human-1".into(),
                    answers_due: entry.due(),
                    restores: if kind == DecisionKind::Restore { restores } else { None },
                });
            }
            for _ in 0..rng.below(3) {
                if !made.is_empty() {
                    attempts.push(made[rng.below(made.len() as u64) as usize].clone());
                }
            }
            for decision in attempts {
                let Some(index) = input.registry.accounts.iter().position(|e| e.account_id == decision.account_id)
                else {
                    continue;
                };
                if let Ok(outcome) = review::decide(&input.scope(), &decision) {
                    let due = outcome.entry.due();
                    // A review moves the due date one cadence ahead; a restore leaves it alone.
                    if decision.decision != DecisionKind::Restore {
                        assert!(due.is_none_or(|d| d > now), "case {case}: a review set a due date in the past");
                    }
                    input.registry.accounts[index] = outcome.entry;
                    *applied.entry(decision.id.clone()).or_default() += 1;
                    if !made.iter().any(|d| d.id == decision.id) {
                        made.push(decision);
                    }
                }
            }
        }
        for (id, count) in &applied {
            assert_eq!(*count, 1, "case {case}: decision {id} was applied {count} times");
        }
        assert!(!made.is_empty() || input.registry.accounts.is_empty(), "case {case}: the generator made no decision");
    }
}
