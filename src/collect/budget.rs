//! Pacing a scan: a share of the hour's points quota, a burst rate, and a time budget per job.
//!
//! Apps share 65,000 points an hour across every customer site (Atlassian's Tier 1 pool), reset at
//! the top of each UTC hour; API-token traffic is outside that quota and only meets burst limits.
//! The core reads no clock: every reading comes from the host (`Host::now_ms`). When the hour's
//! share is spent, the scan waits for the next hour if the job has time for it, and otherwise
//! stops with a checkpoint that says when to resume.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

const HOUR_MS: u64 = 3_600_000;

/// Whose traffic the scan is: it decides whether the points quota applies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Traffic {
    /// Forge, Connect or OAuth: counted against the app's hourly points quota.
    #[default]
    App,
    /// Basic auth with an API token (local host, headless audit): burst limits only.
    ApiToken,
}

/// How a scan paces itself. Absent from the options, a scan does not pace (and needs no clock).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Pacing {
    pub traffic: Traffic,
    /// The app's hourly quota (Tier 1 default; Tier 2 sites get more).
    pub points_per_hour: u64,
    /// The share of `points_per_hour` this scan may spend in one clock hour: the pool is shared
    /// with every other site the app is installed on and with the app's interactive calls.
    pub share: f64,
    /// Calls started per second at most (burst limits are per endpoint; 10/s is the lowest
    /// figure Atlassian publishes). `None` does not limit.
    pub requests_per_second: Option<f64>,
    /// Wall time one job may run (a Forge async-events consumer gets 900 s). The scan starts no
    /// call in its last tenth (at most 60 s), so the caller has time to store the checkpoint.
    pub job_seconds: Option<u64>,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            traffic: Traffic::App,
            points_per_hour: 65_000,
            share: 0.5,
            requests_per_second: Some(10.0),
            job_seconds: None,
        }
    }
}

/// Why pacing options cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum PacingError {
    Share(f64),
    Rate(f64),
}

impl std::fmt::Display for PacingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PacingError::Share(share) => write!(f, "pacing.share must be above 0 and at most 1, not {share}"),
            PacingError::Rate(rate) => write!(f, "pacing.requestsPerSecond must be above 0, not {rate}"),
        }
    }
}

impl Pacing {
    pub fn validate(&self) -> Result<(), PacingError> {
        if !(self.share > 0.0 && self.share <= 1.0) {
            return Err(PacingError::Share(self.share));
        }
        if let Some(rate) = self.requests_per_second.filter(|r| !(*r > 0.0 && r.is_finite())) {
            return Err(PacingError::Rate(rate));
        }
        Ok(())
    }

    /// Points this scan may spend in one clock hour; `None` for API-token traffic.
    pub fn hourly_budget(&self) -> Option<u64> {
        (self.traffic == Traffic::App).then_some((self.points_per_hour as f64 * self.share) as u64)
    }
}

/// Why a scan stopped before the end; the checkpoint carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StopReason {
    /// Jira answered 429 with a `jira-quota-*` reason.
    Quota,
    /// This hour's share of the quota is spent and the job has no time to wait for the next hour.
    Budget,
    /// The job's time is up.
    Time,
}

impl StopReason {
    pub fn describe(self) -> &'static str {
        match self {
            StopReason::Quota => "the app's jira points quota is used up",
            StopReason::Budget => "this hour's share of the points quota is spent",
            StopReason::Time => "the job's time is up",
        }
    }
}

/// Points spent in one clock hour, carried from job to job in the checkpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HourSpend {
    /// Hours since the Unix epoch (UTC), which is when Jira's quota window resets.
    pub hour: u64,
    pub points: u64,
}

#[derive(Debug, Default)]
struct State {
    spend: HourSpend,
    next_slot_ms: u64,
    in_flight: u64,
    largest_call: u64,
    /// Jira said this hour's quota is down to what the scan leaves for others: no call before.
    held_until_ms: Option<u64>,
}

/// What to do before a call.
#[derive(Debug, PartialEq, Eq)]
pub enum Admit {
    Go,
    Wait(u64),
    Stop { reason: StopReason, resume_after_seconds: u64 },
}

/// The pacing state of one job.
#[derive(Debug)]
pub struct Pacer {
    pacing: Pacing,
    started_ms: u64,
    state: RefCell<State>,
}

impl Pacer {
    /// `now_ms` is the host's clock at the start of the job; `spent` what earlier jobs spent.
    pub fn new(pacing: Pacing, now_ms: u64, spent: Option<HourSpend>) -> Self {
        let spend =
            spent.filter(|s| s.hour == now_ms / HOUR_MS).unwrap_or(HourSpend { hour: now_ms / HOUR_MS, points: 0 });
        Pacer { pacing, started_ms: now_ms, state: RefCell::new(State { spend, ..State::default() }) }
    }

    pub fn spend(&self) -> HourSpend {
        self.state.borrow().spend
    }

    fn job_deadline_ms(&self) -> Option<u64> {
        self.pacing.job_seconds.map(|seconds| {
            let total = seconds.saturating_mul(1_000);
            self.started_ms.saturating_add(total - (total / 10).min(60_000))
        })
    }

    /// Decides whether a call may start at `now_ms`. On `Go` the call is counted as in flight
    /// until `finished`; on `Wait` the caller sleeps and asks again.
    pub fn admit(&self, now_ms: u64) -> Admit {
        let deadline = self.job_deadline_ms();
        if deadline.is_some_and(|d| now_ms >= d) {
            return Admit::Stop { reason: StopReason::Time, resume_after_seconds: 0 };
        }
        let mut state = self.state.borrow_mut();
        let hour = now_ms / HOUR_MS;
        if hour != state.spend.hour {
            state.spend = HourSpend { hour, points: 0 };
        }
        // Jira's own reading holds the scan first; failing that, the scan's estimate of its share.
        let held = state.held_until_ms.filter(|until| *until > now_ms);
        let spent = || {
            // Calls in flight have not been priced yet: reserve the largest seen for each.
            let reserve = (state.in_flight + 1) * state.largest_call.max(1);
            let over = self.pacing.hourly_budget().is_some_and(|budget| state.spend.points + reserve > budget);
            over.then_some((hour + 1) * HOUR_MS)
        };
        if let Some(until) = held.or_else(spent) {
            if state.in_flight > 0 {
                // Their cost decides; wait a moment rather than stop on a guess.
                return Admit::Wait(1_000.min(until - now_ms));
            }
            return match deadline {
                Some(d) if until >= d => {
                    Admit::Stop { reason: StopReason::Budget, resume_after_seconds: (until - now_ms).div_ceil(1_000) }
                }
                _ => Admit::Wait(until - now_ms),
            };
        }
        if let Some(rate) = self.pacing.requests_per_second {
            let interval = (1_000.0 / rate) as u64;
            let slot = state.next_slot_ms.max(now_ms);
            if slot > now_ms {
                return Admit::Wait(slot - now_ms);
            }
            state.next_slot_ms = slot + interval;
        }
        state.in_flight += 1;
        Admit::Go
    }

    /// A call admitted earlier finished, costing `points`.
    pub fn finished(&self, points: u64) {
        let mut state = self.state.borrow_mut();
        state.in_flight = state.in_flight.saturating_sub(1);
        state.spend.points += points;
        state.largest_call = state.largest_call.max(points);
    }

    /// Takes Jira's own reading of the hourly quota from a response's headers at `now_ms`. The
    /// scan's price list is an estimate (Atlassian does not publish every endpoint's object
    /// count; the permission check may cost far more than it guesses), and the pool is shared
    /// with the app's other sites, so when Jira says no more than the part left for others
    /// remains, the scan holds its calls until the window resets.
    pub fn observe(&self, now_ms: u64, headers: &BTreeMap<String, String>) {
        if self.pacing.traffic != Traffic::App {
            return;
        }
        let mut state = self.state.borrow_mut();
        for reading in quota_readings(headers) {
            let quota = reading.quota.unwrap_or(self.pacing.points_per_hour);
            // "r" is left out while usage is far below the quota; "near limit" says under 20 %.
            let Some(remaining) = reading.remaining.or(reading.near_limit.then_some(quota / 5)) else { continue };
            let kept_for_others = (quota as f64 * (1.0 - self.pacing.share)) as u64;
            if remaining > kept_for_others.saturating_add(state.largest_call) {
                continue;
            }
            let reset = match reading.reset_seconds {
                Some(seconds) => now_ms.saturating_add(seconds.saturating_mul(1_000)),
                None => (now_ms / HOUR_MS + 1) * HOUR_MS,
            };
            state.held_until_ms = Some(state.held_until_ms.map_or(reset, |held| held.max(reset)));
        }
    }
}

/// One hourly quota as Jira reports it on a response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuotaReading {
    /// `global-app-quota` (Tier 1, shared by every site) or `tenant-app-quota` (Tier 2).
    pub policy: String,
    /// Points an hour (`RateLimit-Policy: "…";q=65000;w=3600`).
    pub quota: Option<u64>,
    /// Points left (`RateLimit: "…";r=11000;t=600`).
    pub remaining: Option<u64>,
    /// Seconds until the window resets (`t`).
    pub reset_seconds: Option<u64>,
    /// `X-RateLimit-NearLimit: true`: under 20 % of the quota is left.
    pub near_limit: bool,
}

const QUOTA_POLICIES: [&str; 2] = ["global-app-quota", "tenant-app-quota"];

/// The hourly quotas a response reports, from the structured `RateLimit` and `RateLimit-Policy`
/// headers (also with the `Beta-` prefix they carried before enforcement). Burst policies are
/// not quotas and are left out; a near-limit flag with no structured header is read as the
/// global quota.
pub fn quota_readings(headers: &BTreeMap<String, String>) -> Vec<QuotaReading> {
    let header = |name: &str| headers.get(name).or_else(|| headers.get(&format!("beta-{name}")));
    let near_limit = ["x-ratelimit-nearlimit", "x-beta-ratelimit-nearlimit"]
        .iter()
        .filter_map(|name| headers.get(*name))
        .any(|value| value.trim().eq_ignore_ascii_case("true"));
    let mut readings: BTreeMap<String, QuotaReading> = BTreeMap::new();
    for (name, params) in header("ratelimit-policy").map(|v| structured_items(v)).unwrap_or_default() {
        if QUOTA_POLICIES.contains(&name.as_str()) {
            let entry =
                readings.entry(name.clone()).or_insert_with(|| QuotaReading { policy: name, ..Default::default() });
            entry.quota = params.get("q").copied();
        }
    }
    for (name, params) in header("ratelimit").map(|v| structured_items(v)).unwrap_or_default() {
        if QUOTA_POLICIES.contains(&name.as_str()) {
            let entry =
                readings.entry(name.clone()).or_insert_with(|| QuotaReading { policy: name, ..Default::default() });
            entry.remaining = params.get("r").copied();
            entry.reset_seconds = params.get("t").copied();
        }
    }
    if near_limit && readings.is_empty() {
        readings.insert(
            QUOTA_POLICIES[0].to_owned(),
            QuotaReading { policy: QUOTA_POLICIES[0].to_owned(), ..Default::default() },
        );
    }
    readings.into_values().map(|reading| QuotaReading { near_limit, ..reading }).collect()
}

/// The items of a structured-field list (`"name";k=1;j=2, "other";k=3`) with their whole-number
/// parameters; anything else in it is skipped.
fn structured_items(value: &str) -> Vec<(String, BTreeMap<String, u64>)> {
    value
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let name = parts.next()?.trim().trim_matches('"').to_owned();
            if name.is_empty() {
                return None;
            }
            let params = parts
                .filter_map(|param| {
                    let (key, value) = param.split_once('=')?;
                    Some((key.trim().to_ascii_lowercase(), value.trim().parse::<u64>().ok()?))
                })
                .collect();
            Some((name, params))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = HOUR_MS;

    fn app(share: f64, job_seconds: Option<u64>) -> Pacing {
        Pacing { share, job_seconds, requests_per_second: None, points_per_hour: 1_000, ..Pacing::default() }
    }

    #[test]
    fn the_hour_share_is_kept_then_the_scan_waits_for_the_next_hour() {
        let pacer = Pacer::new(app(0.5, None), 10 * HOUR, None);
        assert_eq!(pacer.admit(10 * HOUR), Admit::Go);
        pacer.finished(400);
        assert_eq!(pacer.admit(10 * HOUR + 5), Admit::Wait(HOUR - 5), "400 + 400 reserved > 500");
        assert_eq!(pacer.admit(11 * HOUR), Admit::Go, "a new hour starts from zero");
    }

    #[test]
    fn a_job_without_time_for_the_wait_stops_with_when_to_resume() {
        let pacer = Pacer::new(app(0.5, Some(900)), 10 * HOUR, None);
        assert_eq!(pacer.admit(10 * HOUR), Admit::Go);
        pacer.finished(490);
        assert_eq!(
            pacer.admit(10 * HOUR + 1_000),
            Admit::Stop { reason: StopReason::Budget, resume_after_seconds: 3_599 }
        );
    }

    #[test]
    fn the_job_stops_before_its_time_runs_out() {
        let pacer = Pacer::new(app(1.0, Some(900)), 0, None);
        assert_eq!(pacer.admit(839_999), Admit::Go, "the last 60 s are left for storing the checkpoint");
        pacer.finished(1);
        assert_eq!(pacer.admit(840_000), Admit::Stop { reason: StopReason::Time, resume_after_seconds: 0 });
    }

    #[test]
    fn what_earlier_jobs_spent_this_hour_counts_and_last_hour_does_not() {
        let spent = Some(HourSpend { hour: 10, points: 500 });
        let pacer = Pacer::new(app(0.5, Some(900)), 10 * HOUR + 60_000, spent);
        assert!(matches!(pacer.admit(10 * HOUR + 60_000), Admit::Stop { reason: StopReason::Budget, .. }));
        let pacer = Pacer::new(app(0.5, Some(900)), 11 * HOUR, spent);
        assert_eq!(pacer.admit(11 * HOUR), Admit::Go);
    }

    #[test]
    fn api_token_traffic_ignores_points_but_keeps_the_burst_rate() {
        let pacing = Pacing {
            traffic: Traffic::ApiToken,
            requests_per_second: Some(10.0),
            points_per_hour: 1,
            ..Pacing::default()
        };
        let pacer = Pacer::new(pacing, 0, None);
        assert_eq!(pacer.admit(0), Admit::Go);
        pacer.finished(50_000);
        assert_eq!(pacer.admit(0), Admit::Wait(100));
        assert_eq!(pacer.admit(100), Admit::Go);
    }

    fn headers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn jira_s_structured_quota_headers_are_read_per_policy() {
        let readings = quota_readings(&headers(&[
            ("ratelimit-policy", r#""global-app-quota";q=65000;w=3600, "jira-burst-based";q=100;w=1"#),
            ("ratelimit", r#""global-app-quota";r=11000;t=600"#),
        ]));
        assert_eq!(
            readings,
            [QuotaReading {
                policy: "global-app-quota".into(),
                quota: Some(65_000),
                remaining: Some(11_000),
                reset_seconds: Some(600),
                near_limit: false
            }]
        );
        let beta = quota_readings(&headers(&[("beta-ratelimit", r#""tenant-app-quota";r=5;t=60"#)]));
        assert_eq!(beta[0].policy, "tenant-app-quota");
        assert_eq!(beta[0].remaining, Some(5));
        assert!(quota_readings(&headers(&[("ratelimit", "garbage;;=,\"\";r=x")])).is_empty());
        assert!(quota_readings(&headers(&[("x-ratelimit-nearlimit", "true")]))[0].near_limit);
    }

    #[test]
    fn when_jira_says_only_the_others_share_is_left_the_scan_holds_until_the_reset() {
        // Share 0.5 of 1,000: the scan leaves 500 for the app's other sites. Its own count says
        // it spent 10, but Jira counts 520 spent (a dearer call, or another site's traffic).
        let pacer = Pacer::new(app(0.5, None), 10 * HOUR, None);
        assert_eq!(pacer.admit(10 * HOUR), Admit::Go);
        pacer.finished(10);
        pacer.observe(10 * HOUR, &headers(&[("ratelimit", r#""global-app-quota";r=600;t=1200"#)]));
        assert_eq!(pacer.admit(10 * HOUR), Admit::Go, "600 left is more than the 500 kept for others");
        pacer.finished(10);
        pacer.observe(10 * HOUR + 1_000, &headers(&[("ratelimit", r#""global-app-quota";r=480;t=1199"#)]));
        assert_eq!(pacer.admit(10 * HOUR + 1_000), Admit::Wait(1_199_000));
        assert_eq!(pacer.admit(10 * HOUR + 1_200_000), Admit::Go, "the window reset");
    }

    #[test]
    fn a_job_held_past_its_end_stops_with_when_to_resume_and_token_traffic_is_not_held() {
        let pacer = Pacer::new(app(0.5, Some(900)), 10 * HOUR, None);
        pacer.observe(10 * HOUR, &headers(&[("x-ratelimit-nearlimit", "true")]));
        assert_eq!(pacer.admit(10 * HOUR), Admit::Stop { reason: StopReason::Budget, resume_after_seconds: 3_600 });

        let pacing = Pacing { traffic: Traffic::ApiToken, requests_per_second: None, ..Pacing::default() };
        let pacer = Pacer::new(pacing, 0, None);
        pacer.observe(0, &headers(&[("ratelimit", r#""global-app-quota";r=0;t=60"#)]));
        assert_eq!(pacer.admit(0), Admit::Go);
    }

    #[test]
    fn bad_shares_and_rates_are_refused_by_name() {
        let share = Pacing { share: 1.5, ..Pacing::default() }.validate().unwrap_err();
        assert!(share.to_string().contains("pacing.share"));
        let rate = Pacing { requests_per_second: Some(0.0), ..Pacing::default() }.validate().unwrap_err();
        assert!(rate.to_string().contains("pacing.requestsPerSecond"));
    }
}
