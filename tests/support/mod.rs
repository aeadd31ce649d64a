#![allow(dead_code, reason = "each test crate uses a different part of the support module")]

//! A host that answers from a table of recorded responses and remembers every request.

use std::cell::RefCell;
use std::collections::BTreeMap;

use steward::host::{Host, HostError, HttpRequest, HttpResponse};

#[derive(Default)]
pub struct RecordedHost {
    answers: BTreeMap<String, (u16, String)>,
    pub requests: RefCell<Vec<HttpRequest>>,
}

impl RecordedHost {
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers `GET path` (path and query exactly) with `status` and `body`.
    pub fn on(mut self, path: &str, status: u16, body: impl Into<String>) -> Self {
        self.answers.insert(path.to_owned(), (status, body.into()));
        self
    }

    pub fn paths(&self) -> Vec<String> {
        self.requests.borrow().iter().map(|r| r.path.clone()).collect()
    }
}

impl Host for RecordedHost {
    async fn request(&self, request: HttpRequest) -> Result<HttpResponse, HostError> {
        self.requests.borrow_mut().push(request.clone());
        match self.answers.get(&request.path) {
            Some((status, body)) => Ok(HttpResponse { status: *status, headers: BTreeMap::new(), body: body.clone() }),
            None => Err(HostError { message: format!("no recording for {}", request.path) }),
        }
    }
}

pub const SCHEMES: &str = "/rest/api/3/permissionscheme?expand=permissions%2Cuser%2Cgroup%2CprojectRole%2Cfield";

pub fn project_scheme_path(key: &str) -> String {
    format!("/rest/api/3/project/{key}/permissionscheme?expand=permissions%2Cuser%2Cgroup%2CprojectRole%2Cfield")
}

pub fn run<F: std::future::Future>(future: F) -> F::Output {
    futures_executor::block_on(future)
}

/// A host with a simulated clock: every call takes `call_ms`, every sleep passes at once and moves
/// the clock on. Pacing can then be tested without waiting.
pub struct Clocked<H> {
    pub inner: H,
    pub now: std::cell::Cell<u64>,
    pub call_ms: u64,
    pub slept: std::cell::Cell<u64>,
}

impl<H> Clocked<H> {
    pub fn new(inner: H, start_ms: u64, call_ms: u64) -> Self {
        Clocked { inner, now: std::cell::Cell::new(start_ms), call_ms, slept: std::cell::Cell::new(0) }
    }
}

impl<H: Host> Host for Clocked<H> {
    async fn request(&self, request: HttpRequest) -> Result<HttpResponse, HostError> {
        self.now.set(self.now.get() + self.call_ms);
        self.inner.request(request).await
    }

    async fn sleep(&self, millis: u64) {
        self.now.set(self.now.get() + millis);
        self.slept.set(self.slept.get() + millis);
    }

    fn now_ms(&self) -> Option<u64> {
        Some(self.now.get())
    }
}
