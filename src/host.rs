//! The host bridge: the one way the core reaches Jira.
//!
//! A host answers `request(method, path, body)` with `{status, headers, body}`. Forge implements it
//! with `requestJira`, the local host with `fetch`, tests with recorded responses.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;

/// HTTP methods the core uses against Jira.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// A request to Jira. `path` is absolute on the site (`/rest/api/3/...`), already percent-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub path: String,
    pub body: Option<String>,
    /// How long the host should wait for an answer; a host that can, enforces it.
    pub timeout_ms: Option<u64>,
}

impl HttpRequest {
    pub fn get(path: impl Into<String>) -> Self {
        HttpRequest { method: Method::Get, path: path.into(), body: None, timeout_ms: None }
    }

    pub fn post(path: impl Into<String>, body: String) -> Self {
        HttpRequest { method: Method::Post, path: path.into(), body: Some(body), timeout_ms: None }
    }
}

/// Jira's answer as the host saw it. Header names are lower-case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

/// The host could not deliver a response at all (network down, host threw).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostError {
    pub message: String,
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the core needs from its environment to talk to Jira.
///
/// Futures need not be `Send`: in wasm they wrap JS promises.
pub trait Host {
    fn request(&self, request: HttpRequest) -> impl Future<Output = Result<HttpResponse, HostError>>;

    /// Waits `millis` milliseconds: backoff and per-call timeouts need time, and the core reads no
    /// clock. A host that cannot wait (a recording) returns at once.
    fn sleep(&self, millis: u64) -> impl Future<Output = ()> {
        let _ = millis;
        std::future::ready(())
    }

    /// Milliseconds since the Unix epoch, from the host's clock: pacing needs it and the core reads
    /// no clock of its own. A host without one (a recording) answers `None`.
    fn now_ms(&self) -> Option<u64> {
        None
    }

    /// Whether the core may race a call against `sleep` to time it out: only for hosts whose
    /// sleeps stop when dropped. Others (JS timers outlive a dropped future) get the timeout in
    /// `HttpRequest::timeout_ms` and enforce it themselves.
    fn has_timers(&self) -> bool {
        false
    }
}

/// Percent-encodes one path segment or query value (RFC 3986 unreserved characters pass through).
pub fn encode_component(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_component_escapes_path_manipulation() {
        assert_eq!(encode_component("ABC"), "ABC");
        assert_eq!(encode_component("../admin?x=1"), "..%2Fadmin%3Fx%3D1");
        assert_eq!(encode_component("a b&c"), "a%20b%26c");
        assert_eq!(encode_component("é"), "%C3%A9");
    }
}
