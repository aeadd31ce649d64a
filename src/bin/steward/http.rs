//! The command line's host: real HTTP to a Jira site with an API token.
//!
//! The core keeps several calls in flight (buffered futures on one thread). A blocking call inside
//! a future would run them one after another, so each request runs on a small pool of worker
//! threads and completes its future through a one-shot slot; sleeps are served by one timer
//! thread the same way. `futures_executor::block_on` drives it all on the main thread.

use base64::Engine as _;
use std::collections::{BTreeMap, BinaryHeap};
use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use steward::host::{Host, HostError, HttpRequest, HttpResponse, Method};

/// Jira's largest answers (a workflows page with transitions, 1,000 users) stay far below this;
/// ureq's own default (10 MB) is too tight for a large site.
const BODY_LIMIT: u64 = 256 * 1024 * 1024;

type Job = Box<dyn FnOnce() + Send>;

/// A Jira site reached over HTTP(S) with basic auth.
pub struct HttpHost {
    base: String,
    authorization: String,
    agent: ureq::Agent,
    jobs: mpsc::Sender<Job>,
    timer: mpsc::Sender<Due>,
    activity: Arc<Activity>,
}

/// What the progress line shows: the path of the latest call answered.
#[derive(Default)]
pub struct Activity {
    latest: Mutex<String>,
}

impl Activity {
    pub fn latest_path(&self) -> String {
        self.latest.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl HttpHost {
    /// `base` is the site's origin (`https://example.atlassian.net`), without a trailing slash.
    /// `workers` is how many requests may be on the wire at once.
    pub fn new(base: &str, email: &str, token: &str, workers: usize) -> HttpHost {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(concat!("steward/", env!("CARGO_PKG_VERSION")))
            .build();
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..workers.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || {
                loop {
                    let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => break,
                    }
                }
            });
        }
        let (timer, dues) = mpsc::channel::<Due>();
        std::thread::spawn(move || run_timer(&dues));
        HttpHost {
            base: base.trim_end_matches('/').to_owned(),
            authorization: format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{email}:{token}"))
            ),
            agent: config.new_agent(),
            jobs,
            timer,
            activity: Arc::new(Activity::default()),
        }
    }

    pub fn activity(&self) -> Arc<Activity> {
        Arc::clone(&self.activity)
    }
}

impl Host for HttpHost {
    fn request(&self, request: HttpRequest) -> impl Future<Output = Result<HttpResponse, HostError>> {
        let (tx, rx) = oneshot();
        let agent = self.agent.clone();
        let url = format!("{}{}", self.base, request.path);
        let authorization = self.authorization.clone();
        let activity = Arc::clone(&self.activity);
        let path = request.path.clone();
        let queued = self
            .jobs
            .send(Box::new(move || {
                let answer = perform(&agent, &url, &authorization, &request);
                *activity.latest.lock().unwrap_or_else(PoisonError::into_inner) = path;
                tx.send(answer);
            }))
            .is_ok();
        async move {
            if !queued {
                return Err(HostError { message: "the request workers have stopped".to_owned() });
            }
            rx.await.unwrap_or_else(|| Err(HostError { message: "a request worker stopped".to_owned() }))
        }
    }

    fn sleep(&self, millis: u64) -> impl Future<Output = ()> {
        let (tx, rx) = oneshot();
        let due = Due { at: Instant::now() + Duration::from_millis(millis), tx };
        let scheduled = millis > 0 && self.timer.send(due).is_ok();
        async move {
            if scheduled {
                // The timer thread answers at the deadline; if it is gone, the slot closes at once.
                let _ = rx.await;
            }
        }
    }

    // `has_timers` stays false: ureq enforces `timeout_ms` on the worker itself, which also frees
    // the worker; racing a sleep would leave the abandoned call holding it until then.

    fn now_ms(&self) -> Option<u64> {
        SystemTime::now().duration_since(UNIX_EPOCH).ok().and_then(|d| u64::try_from(d.as_millis()).ok())
    }
}

/// One HTTP exchange on a worker thread. Every status comes back as a response: the core decides
/// what 401, 404, 429 and 5xx mean.
fn perform(
    agent: &ureq::Agent,
    url: &str,
    authorization: &str,
    request: &HttpRequest,
) -> Result<HttpResponse, HostError> {
    let timeout = request.timeout_ms.map(Duration::from_millis);
    let failed = |e: ureq::Error| HostError { message: e.to_string() };
    let answer = match request.method {
        Method::Get | Method::Delete => {
            let builder = if request.method == Method::Get { agent.get(url) } else { agent.delete(url) };
            builder
                .header("authorization", authorization)
                .header("accept", "application/json")
                .config()
                .timeout_global(timeout)
                .build()
                .call()
        }
        Method::Post | Method::Put => {
            let builder = if request.method == Method::Post { agent.post(url) } else { agent.put(url) };
            builder
                .header("authorization", authorization)
                .header("accept", "application/json")
                .header("content-type", "application/json")
                .config()
                .timeout_global(timeout)
                .build()
                .send(request.body.as_deref().unwrap_or_default())
        }
    };
    let mut response = answer.map_err(failed)?;
    let status = response.status().as_u16();
    let headers: BTreeMap<String, String> = response
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.as_str().to_ascii_lowercase(), value.to_str().ok()?.to_owned())))
        .collect();
    let body = response.body_mut().with_config().limit(BODY_LIMIT).read_to_string().map_err(failed)?;
    Ok(HttpResponse { status, headers, body })
}

// ---- a one-shot slot: a value from another thread wakes the future waiting for it ------------

struct Slot<T> {
    value: Option<T>,
    waker: Option<Waker>,
    closed: bool,
}

struct Sender<T>(Arc<Mutex<Slot<T>>>);
struct Receiver<T>(Arc<Mutex<Slot<T>>>);

fn oneshot<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Mutex::new(Slot { value: None, waker: None, closed: false }));
    (Sender(Arc::clone(&slot)), Receiver(slot))
}

impl<T> Sender<T> {
    fn send(self, value: T) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).value = Some(value);
        // Drop closes the slot and wakes the receiver.
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            slot.closed = true;
            slot.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Future for Receiver<T> {
    /// `None` when the sender went away without a value (a worker that died).
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(value) = slot.value.take() {
            return Poll::Ready(Some(value));
        }
        if slot.closed {
            return Poll::Ready(None);
        }
        slot.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

// ---- the timer thread ----------------------------------------------------------------------------

struct Due {
    at: Instant,
    tx: Sender<()>,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    /// Reversed: the earliest deadline is the greatest, so `BinaryHeap` pops it first.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.at.cmp(&self.at)
    }
}

fn run_timer(dues: &mpsc::Receiver<Due>) {
    let mut heap: BinaryHeap<Due> = BinaryHeap::new();
    loop {
        let now = Instant::now();
        while heap.peek().is_some_and(|due| due.at <= now) {
            if let Some(due) = heap.pop() {
                due.tx.send(());
            }
        }
        let next = match heap.peek() {
            Some(due) => dues.recv_timeout(due.at.saturating_duration_since(now)),
            None => dues.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        match next {
            Ok(due) => heap.push(due),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // The host is gone: nobody waits for what is left.
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    use futures_util::future::join_all;

    use super::*;

    /// A server that answers every request after `delay`, each on its own thread, and records the
    /// request lines and authorization headers it saw. Each request is held until all `requests`
    /// are in flight at once (10 s at most): the body says `"together":true` when they were.
    fn slow_server(delay: Duration, requests: usize) -> (String, mpsc::Receiver<(String, String)>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (seen, heard) = mpsc::channel();
        let arrived = std::sync::Arc::new((std::sync::Mutex::new(0usize), std::sync::Condvar::new()));
        std::thread::spawn(move || {
            for stream in listener.incoming().take(requests) {
                let mut stream = stream.unwrap();
                let seen = seen.clone();
                let arrived = arrived.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let mut auth = String::new();
                    loop {
                        let mut header = String::new();
                        reader.read_line(&mut header).unwrap();
                        if header.trim().is_empty() {
                            break;
                        }
                        if header.to_ascii_lowercase().starts_with("authorization:") {
                            auth = header["authorization:".len()..].trim().to_owned();
                        }
                    }
                    let (count, all_in) = &*arrived;
                    let mut count = count.lock().unwrap();
                    *count += 1;
                    all_in.notify_all();
                    let (count, _) =
                        all_in.wait_timeout_while(count, Duration::from_secs(10), |n| *n < requests).unwrap();
                    let body = if *count >= requests { r#"{"together":true}"# } else { r#"{"together":false}"# };
                    drop(count);
                    std::thread::sleep(delay);
                    let answer = format!(
                        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nX-Mixed-Case: Yes\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    // Recorded before answering: once the client has every answer, every request
                    // is in `heard` (sent after, a busy machine let the test read five of six).
                    seen.send((line.trim().to_owned(), auth)).unwrap();
                    stream.write_all(answer.as_bytes()).unwrap();
                });
            }
        });
        (base, heard)
    }

    #[test]
    fn requests_in_flight_run_at_once_not_one_after_another() {
        let delay = Duration::from_millis(400);
        let (base, heard) = slow_server(delay, 6);
        let host = HttpHost::new(&base, "ada@steward-demo.example", "demo-token", 6);
        let answers = futures_executor::block_on(join_all(
            (0..6).map(|n| host.request(HttpRequest::get(format!("/rest/api/3/project/P{n}/permissionscheme")))),
        ));
        assert_eq!(answers.len(), 6);
        for answer in answers {
            let answer = answer.unwrap();
            assert_eq!(answer.status, 429, "a non-2xx status is an answer, not a host error");
            assert_eq!(answer.headers.get("retry-after").map(String::as_str), Some("7"));
            assert_eq!(answer.headers.get("x-mixed-case").map(String::as_str), Some("Yes"), "names lower-cased");
            // One after another, the first call would wait for the other five and time out.
            assert_eq!(answer.body, r#"{"together":true}"#, "all six calls were in flight at once");
        }
        let seen: Vec<(String, String)> = heard.try_iter().collect();
        assert_eq!(seen.len(), 6);
        assert!(seen.iter().all(|(line, _)| line.starts_with("GET /rest/api/3/project/P")), "{seen:?}");
        let basic = "Basic YWRhQHN0ZXdhcmQtZGVtby5leGFtcGxlOmRlbW8tdG9rZW4=";
        assert!(seen.iter().all(|(_, auth)| auth == basic), "{seen:?}");
    }

    #[test]
    fn a_sleep_does_not_hold_up_a_request_in_flight() {
        let delay = Duration::from_millis(800);
        // Kept while the server answers: it records each request before answering it.
        let (base, _heard) = slow_server(delay, 1);
        let host = HttpHost::new(&base, "a", "b", 2);
        let started = Instant::now();
        let (answer, ()) = futures_executor::block_on(futures_util::future::join(
            host.request(HttpRequest::get("/rest/api/3/role")),
            host.sleep(800),
        ));
        assert!(answer.is_ok());
        let elapsed = started.elapsed();
        // One after the other would take 1.6 s.
        assert!(elapsed >= Duration::from_millis(800), "the sleep waited: {elapsed:?}");
        assert!(elapsed < Duration::from_millis(1_400), "the sleep and the call overlapped: {elapsed:?}");
    }

    #[test]
    fn sleeps_end_in_deadline_order() {
        let host = HttpHost::new("http://127.0.0.1:9", "a", "b", 1);
        let order = Mutex::new(Vec::new());
        let sleeper = |ms: u64| {
            let order = &order;
            let sleep = host.sleep(ms);
            async move {
                sleep.await;
                order.lock().unwrap().push(ms);
            }
        };
        futures_executor::block_on(futures_util::future::join3(sleeper(120), sleeper(20), sleeper(60)));
        assert_eq!(*order.lock().unwrap(), vec![20, 60, 120]);
    }

    #[test]
    fn an_unreachable_site_is_a_host_error_naming_the_problem() {
        // Bind then drop: the port is closed, so the connection is refused.
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let host = HttpHost::new(&format!("http://127.0.0.1:{port}"), "a", "b", 1);
        let error = futures_executor::block_on(host.request(HttpRequest::get("/rest/api/3/role"))).unwrap_err();
        assert!(!error.message.is_empty());
    }
}
