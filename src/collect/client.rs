//! A careful Jira client over the host: retries with `Retry-After` and jittered backoff for 429
//! and 5xx, a per-call timeout, a stop on quota exhaustion, and a ledger of calls and points.
//!
//! Atlassian's guidance (rate-limiting page): honour `Retry-After`; otherwise back off from 2 s,
//! doubling, with jitter ×[0.7, 1.3], about 4 retries; on a `jira-quota-*` 429 pause everything
//! until the hourly reset.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use futures_util::future::{Either, select};
use serde::Serialize;

use super::budget::{Admit, Pacer, StopReason};
use super::{CollectError, endpoint_of};
use crate::host::{Host, HttpRequest, HttpResponse};
use crate::jira::ErrorCollection;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base_delay_ms: u64,
    /// Give up on one call after this long and retry it; `None` waits as long as the host does.
    pub timeout_ms: Option<u64>,
    /// Seed of the jitter, so a scan is reproducible in tests.
    pub seed: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 4, base_delay_ms: 2_000, timeout_ms: Some(30_000), seed: 0x5eed }
    }
}

/// Calls and estimated points per endpoint, for the budget and the benchmark.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointStats {
    pub calls: u64,
    pub points: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ledger {
    pub calls: u64,
    pub retries: u64,
    /// Estimated points: 1 per call, plus 2 per identity object (users, groups, roles,
    /// permissions) or 1 per other object returned, following Atlassian's published costs.
    pub points: u64,
    pub by_endpoint: BTreeMap<String, EndpointStats>,
    /// Set when Jira answered 429 with a `jira-quota-*` reason: seconds until the reset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota_exhausted_for_seconds: Option<u64>,
}

pub struct Client<'h, H: Host> {
    host: &'h H,
    policy: RetryPolicy,
    ledger: RefCell<Ledger>,
    rng: Cell<u64>,
    pacer: Option<Pacer>,
    /// Set once the scan must stop: why, and seconds until it may resume.
    stop: Cell<Option<(StopReason, u64)>>,
}

/// Endpoints whose objects are identity and access objects (2 points each).
fn identity_endpoint(template: &str) -> bool {
    ["/user", "/group", "/role", "/permission", "/mypermissions", "/applicationrole", "/members"]
        .iter()
        .any(|needle| template.contains(needle))
}

/// How many objects a response carries: a page's `values`, an array's elements, or one object.
fn objects(body: &str) -> u64 {
    #[derive(serde::Deserialize)]
    struct Values {
        #[serde(default)]
        values: Vec<serde::de::IgnoredAny>,
    }
    if body.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<serde::de::IgnoredAny>>(body).map_or(1, |v| v.len() as u64)
    } else {
        match serde_json::from_str::<Values>(body) {
            Ok(page) if !page.values.is_empty() => page.values.len() as u64,
            _ => 1,
        }
    }
}

impl<'h, H: Host> Client<'h, H> {
    pub fn new(host: &'h H, policy: RetryPolicy) -> Self {
        Client {
            host,
            policy,
            ledger: RefCell::new(Ledger::default()),
            rng: Cell::new(policy.seed | 1),
            pacer: None,
            stop: Cell::new(None),
        }
    }

    /// A client that asks `pacer` before every call (points budget, burst rate, job time).
    pub fn paced(host: &'h H, policy: RetryPolicy, pacer: Pacer) -> Self {
        Client { pacer: Some(pacer), ..Client::new(host, policy) }
    }

    pub fn pacer(&self) -> Option<&Pacer> {
        self.pacer.as_ref()
    }

    /// Why the scan must stop, and in how many seconds it may resume; `None` while it may go on.
    pub fn stopped(&self) -> Option<(StopReason, u64)> {
        self.stop.get()
    }

    fn stop_error(&self, path: &str) -> Option<CollectError> {
        let (reason, seconds) = self.stop.get()?;
        Some(match reason {
            StopReason::Quota => CollectError::QuotaExhausted { path: path.to_owned(), retry_after_seconds: seconds },
            _ => CollectError::Stopped {
                path: path.to_owned(),
                reason: reason.describe().to_owned(),
                resume_after_seconds: seconds,
            },
        })
    }

    /// Waits until the pacer lets a call start, or records why the scan stops.
    async fn admit(&self, path: &str) -> Result<(), CollectError> {
        let Some(pacer) = &self.pacer else { return Ok(()) };
        loop {
            if let Some(error) = self.stop_error(path) {
                return Err(error);
            }
            let Some(now) = self.host.now_ms() else { return Ok(()) };
            match pacer.admit(now) {
                Admit::Go => return Ok(()),
                Admit::Wait(millis) => self.host.sleep(millis).await,
                Admit::Stop { reason, resume_after_seconds } => {
                    self.stop.set(Some((reason, resume_after_seconds)));
                }
            }
        }
    }

    pub fn host(&self) -> &'h H {
        self.host
    }

    pub fn ledger(&self) -> Ledger {
        self.ledger.borrow().clone()
    }

    pub fn quota_exhausted(&self) -> bool {
        self.ledger.borrow().quota_exhausted_for_seconds.is_some()
    }

    /// xorshift64*: deterministic jitter without a clock or an OS random source.
    fn jitter(&self) -> f64 {
        let mut x = self.rng.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng.set(x);
        let unit = (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64;
        0.7 + 0.6 * unit
    }

    fn backoff_ms(&self, attempt: u32) -> u64 {
        let base = self.policy.base_delay_ms.saturating_mul(1u64 << attempt.min(16));
        (base as f64 * self.jitter()) as u64
    }

    fn record(&self, request: &HttpRequest, response: Option<&HttpResponse>) {
        let points = self.price(request, response);
        if let Some(pacer) = &self.pacer {
            pacer.finished(points);
        }
    }

    fn price(&self, request: &HttpRequest, response: Option<&HttpResponse>) -> u64 {
        let template = endpoint_of(request.method, &request.path)
            .map_or_else(|| request.path.split('?').next().unwrap_or_default().to_owned(), str::to_owned);
        let key = format!("{} {template}", request.method.as_str());
        let objects = response.filter(|r| (200..300).contains(&r.status)).map_or(0, |r| objects(&r.body));
        let per_object = if identity_endpoint(&template) { 2 } else { 1 };
        let points = 1 + objects * per_object;
        let mut ledger = self.ledger.borrow_mut();
        ledger.calls += 1;
        ledger.points += points;
        let stats = ledger.by_endpoint.entry(key).or_default();
        stats.calls += 1;
        stats.points += points;
        points
    }

    /// Sends `request`, retrying what Jira says is transient. Non-success answers that are not
    /// transient (400, 401, 403, 404…) come back as `CollectError::Status` at once.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, CollectError> {
        let path = request.path.clone();
        let mut attempt = 0;
        loop {
            if let Some(error) = self.stop_error(&path) {
                return Err(error);
            }
            self.admit(&path).await?;
            let mut sent = request.clone();
            sent.timeout_ms = self.policy.timeout_ms;
            let call = self.host.request(sent);
            let outcome = match self.policy.timeout_ms.filter(|_| self.host.has_timers()) {
                Some(limit) => match select(Box::pin(call), Box::pin(self.host.sleep(limit))).await {
                    Either::Left((result, _)) => Some(result),
                    Either::Right(((), _)) => None,
                },
                None => Some(call.await),
            };
            let (error, delay) = match outcome {
                None => {
                    self.record(&request, None);
                    let limit = self.policy.timeout_ms.unwrap_or_default();
                    (CollectError::Timeout { path: path.clone(), after_ms: limit }, None)
                }
                Some(Err(error)) => {
                    self.record(&request, None);
                    (CollectError::Transport { path: path.clone(), message: error.message }, None)
                }
                Some(Ok(response)) => {
                    self.record(&request, Some(&response));
                    if let (Some(pacer), Some(now)) = (&self.pacer, self.host.now_ms()) {
                        pacer.observe(now, &response.headers);
                    }
                    let retry_after = response.headers.get("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
                    match response.status {
                        200..=299 => return Ok(response),
                        429 => {
                            let reason = response.headers.get("ratelimit-reason").cloned().unwrap_or_default();
                            if reason.starts_with("jira-quota") {
                                let seconds = retry_after.unwrap_or(3_600);
                                self.ledger.borrow_mut().quota_exhausted_for_seconds = Some(seconds);
                                self.stop.set(Some((StopReason::Quota, seconds)));
                                return Err(CollectError::QuotaExhausted { path, retry_after_seconds: seconds });
                            }
                            (status_error(&path, &response), retry_after.map(|s| s * 1_000))
                        }
                        500 | 502 | 503 | 504 => (status_error(&path, &response), retry_after.map(|s| s * 1_000)),
                        _ => return Err(status_error(&path, &response)),
                    }
                }
            };
            if attempt >= self.policy.max_retries {
                return Err(error);
            }
            let wait = delay.unwrap_or_else(|| self.backoff_ms(attempt));
            self.ledger.borrow_mut().retries += 1;
            attempt += 1;
            self.host.sleep(wait).await;
        }
    }
}

fn status_error(path: &str, response: &HttpResponse) -> CollectError {
    CollectError::Status {
        path: path.to_owned(),
        status: response.status,
        message: ErrorCollection::summary(&response.body),
    }
}
