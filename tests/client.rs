//! The careful client: what it retries, how long it waits, when it stops, what it counts.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests fail loudly on a bad fixture")]

mod support;

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};

use steward::collect::CollectError;
use steward::collect::client::{Client, RetryPolicy};
use steward::host::{Host, HostError, HttpRequest, HttpResponse};
use support::run;

/// Answers each path from a queue of scripted responses and records every wait.
#[derive(Default)]
struct Scripted {
    answers: RefCell<BTreeMap<String, VecDeque<Option<HttpResponse>>>>,
    calls: RefCell<Vec<String>>,
    sleeps: RefCell<Vec<u64>>,
    timers: bool,
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Option<HttpResponse> {
    Some(HttpResponse {
        status,
        headers: headers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        body: body.to_owned(),
    })
}

impl Scripted {
    fn on(self, path: &str, answers: Vec<Option<HttpResponse>>) -> Self {
        self.answers.borrow_mut().insert(path.to_owned(), answers.into());
        self
    }
}

impl Host for Scripted {
    async fn request(&self, request: HttpRequest) -> Result<HttpResponse, HostError> {
        self.calls.borrow_mut().push(request.path.clone());
        let next = self.answers.borrow_mut().get_mut(&request.path).and_then(VecDeque::pop_front);
        match next {
            Some(Some(answer)) => Ok(answer),
            // `None` in the script: a call that never answers.
            Some(None) => std::future::pending().await,
            None => Err(HostError { message: "no script".into() }),
        }
    }

    async fn sleep(&self, millis: u64) {
        self.sleeps.borrow_mut().push(millis);
    }

    fn has_timers(&self) -> bool {
        self.timers
    }
}

const PATH: &str = "/rest/api/3/users/search?maxResults=1000";

#[test]
fn a_429_waits_exactly_retry_after_then_succeeds() {
    let host = Scripted::default().on(
        PATH,
        vec![
            response(429, &[("retry-after", "3"), ("ratelimit-reason", "jira-burst-based")], ""),
            response(200, &[], "[]"),
        ],
    );
    let client = Client::new(&host, RetryPolicy::default());

    let answer = run(client.send(HttpRequest::get(PATH))).unwrap();

    assert_eq!(answer.status, 200);
    assert_eq!(*host.sleeps.borrow(), [3_000]);
    assert_eq!(client.ledger().retries, 1);
    assert_eq!(client.ledger().calls, 2);
}

#[test]
fn a_5xx_backs_off_from_two_seconds_doubling_with_jitter() {
    let host = Scripted::default().on(
        PATH,
        vec![response(503, &[], ""), response(502, &[], ""), response(500, &[], ""), response(200, &[], "[]")],
    );
    let client = Client::new(&host, RetryPolicy::default());

    run(client.send(HttpRequest::get(PATH))).unwrap();

    let sleeps = host.sleeps.borrow();
    assert_eq!(sleeps.len(), 3);
    for (attempt, wait) in sleeps.iter().enumerate() {
        let base = 2_000u64 << attempt;
        assert!((base * 7 / 10..=base * 13 / 10).contains(wait), "attempt {attempt} waited {wait} ms");
    }
}

#[test]
fn jitter_is_reproducible_from_the_seed() {
    let script =
        || Scripted::default().on(PATH, vec![response(503, &[], ""), response(503, &[], ""), response(200, &[], "[]")]);
    let (a, b) = (script(), script());
    run(Client::new(&a, RetryPolicy::default()).send(HttpRequest::get(PATH))).unwrap();
    run(Client::new(&b, RetryPolicy::default()).send(HttpRequest::get(PATH))).unwrap();
    assert_eq!(*a.sleeps.borrow(), *b.sleeps.borrow());
}

#[test]
fn retries_stop_after_the_policy_limit_with_the_last_error() {
    let host = Scripted::default().on(PATH, vec![response(503, &[], r#"{"errorMessages":["down"]}"#); 10]);
    let client = Client::new(&host, RetryPolicy { max_retries: 2, ..RetryPolicy::default() });

    let error = run(client.send(HttpRequest::get(PATH))).unwrap_err();

    assert_eq!(error.status(), Some(503));
    assert_eq!(host.calls.borrow().len(), 3);
    assert!(error.to_string().contains("down"));
}

#[test]
fn a_quota_429_stops_this_call_and_every_later_one() {
    let host = Scripted::default()
        .on(PATH, vec![response(429, &[("retry-after", "1847"), ("ratelimit-reason", "jira-quota-global-based")], "")]);
    let client = Client::new(&host, RetryPolicy::default());

    let first = run(client.send(HttpRequest::get(PATH))).unwrap_err();
    let second = run(client.send(HttpRequest::get("/rest/api/3/role"))).unwrap_err();

    assert_eq!(first, CollectError::QuotaExhausted { path: PATH.into(), retry_after_seconds: 1847 });
    assert!(matches!(second, CollectError::QuotaExhausted { .. }));
    assert_eq!(host.calls.borrow().len(), 1, "nothing is sent once the quota is used up");
    assert!(host.sleeps.borrow().is_empty(), "the scan does not sleep an hour; it stops and checkpoints");
}

#[test]
fn a_403_or_404_is_not_retried() {
    let host = Scripted::default().on(PATH, vec![response(403, &[], r#"{"errorMessages":["no"]}"#)]);
    let client = Client::new(&host, RetryPolicy::default());
    assert_eq!(run(client.send(HttpRequest::get(PATH))).unwrap_err().status(), Some(403));
    assert_eq!(host.calls.borrow().len(), 1);
}

#[test]
fn a_call_that_never_answers_times_out_and_is_retried() {
    let host = Scripted { timers: true, ..Scripted::default() }.on(PATH, vec![None, response(200, &[], "[]")]);
    let client = Client::new(&host, RetryPolicy { timeout_ms: Some(5_000), ..RetryPolicy::default() });

    run(client.send(HttpRequest::get(PATH))).unwrap();

    assert_eq!(host.sleeps.borrow()[0], 5_000, "the timeout is a sleep raced against the call");
    assert_eq!(client.ledger().retries, 1);
}

#[test]
fn without_timers_no_timeout_is_applied() {
    let host = Scripted::default().on(PATH, vec![response(200, &[], "[]")]);
    let client = Client::new(&host, RetryPolicy { timeout_ms: Some(1), ..RetryPolicy::default() });
    assert!(run(client.send(HttpRequest::get(PATH))).is_ok());
}

#[test]
fn points_count_two_per_identity_object_and_one_per_call() {
    let users = r#"[{"accountId":"a"},{"accountId":"b"},{"accountId":"c"}]"#;
    let projects = r#"{"isLast":true,"values":[{"key":"A"},{"key":"B"}]}"#;
    let host = Scripted::default()
        .on(PATH, vec![response(200, &[], users)])
        .on("/rest/api/3/project/search?maxResults=100", vec![response(200, &[], projects)]);
    let client = Client::new(&host, RetryPolicy::default());

    run(client.send(HttpRequest::get(PATH))).unwrap();
    run(client.send(HttpRequest::get("/rest/api/3/project/search?maxResults=100"))).unwrap();

    let ledger = client.ledger();
    assert_eq!(ledger.points, (1 + 3 * 2) + (1 + 2));
    assert_eq!(ledger.by_endpoint["GET /rest/api/3/project/search"].points, 3);
}
