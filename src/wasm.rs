//! The WebAssembly boundary: the only file that names `wasm_bindgen` or `js_sys`.
//!
//! It converts JS values to the core's types and back, and nothing else. Every answer is the JSON
//! envelope of [`crate::api`], parsed into a JS object. The one way from a snapshot to answers is
//! `SnapshotReader` (its chunks pushed in order) then the `LoadedSnapshot` it finishes; `analyze`
//! is the convenience for a small snapshot given whole.

use std::collections::BTreeMap;

use js_sys::{Function, JsString, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::api;
use crate::host::{Host, HostError, HttpRequest, HttpResponse};
use crate::snapshot::Scope;

#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "console_error_panic_hook")]
    console_error_panic_hook::set_once();
}

/// The core's version, so a page can tell which build answered.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The Jira endpoints the core may call: `[{method, path}]`, paths as the OpenAPI spec names them.
#[wasm_bindgen]
pub fn endpoints() -> Result<JsValue, JsValue> {
    to_js(&serde_json::to_string(&api::endpoints()).map_err(|e| JsValue::from_str(&e.to_string()))?)
}

/// The findings catalogue: `[{id, title, severity, reason, fix}]`.
#[wasm_bindgen]
pub fn catalogue() -> Result<JsValue, JsValue> {
    to_js(&serde_json::to_string(&api::catalogue()).map_err(|e| JsValue::from_str(&e.to_string()))?)
}

/// The site's permission schemes and the projects using each. `host` is `{request(method, path, body)}`.
#[wasm_bindgen(js_name = adminOverview)]
pub async fn admin_overview(host: JsValue) -> Result<JsValue, JsValue> {
    let host = JsHost::new(host)?;
    to_js(&api::admin_overview(&host).await.to_json())
}

/// The permission scheme of `project_key`.
#[wasm_bindgen(js_name = projectOverview)]
pub async fn project_overview(host: JsValue, project_key: String) -> Result<JsValue, JsValue> {
    let host = JsHost::new(host)?;
    to_js(&api::project_overview(&host, &project_key).await.to_json())
}

/// Whether `host`'s principal holds `permission`, globally or in `project_key`.
#[wasm_bindgen(js_name = checkPermission)]
pub async fn check_permission(
    host: JsValue,
    permission: String,
    project_key: Option<String>,
) -> Result<JsValue, JsValue> {
    let host = JsHost::new(host)?;
    to_js(&api::check_permission(&host, &permission, project_key.as_deref()).await.to_json())
}

/// Scans Jira through `host` with the lean plan; resolves to the JSON text of the envelope of
/// `{snapshot, ledger, complete, checkpoint?}`. Text, not an object: the snapshot is stored as
/// text in chunks, and a large site's would cost a parse and a stringify of hundreds of MB.
#[wasm_bindgen(js_name = collectSnapshot)]
pub async fn collect_snapshot(host: JsValue, options: String) -> Result<String, JsValue> {
    let host = JsHost::new(host)?;
    Ok(api::collect_json(&host, &options).await)
}

/// The same scan as `collectSnapshot`, answered as `[header, body]`: the envelope with the snapshot
/// cut to its `meta` (parsed, small), and the checkpoint's or the snapshot's JSON text (stored as
/// it is, never parsed by the host; absent on failure). What the scan jobs use on large sites.
#[wasm_bindgen(js_name = collectSnapshotParts)]
pub async fn collect_snapshot_parts(host: JsValue, options: String) -> Result<js_sys::Array, JsValue> {
    let host = JsHost::new(host)?;
    let parts = api::collect_parts(&host, options).await;
    let header = to_js(&parts.header)?;
    let body = parts.body.map_or(JsValue::UNDEFINED, |body| JsValue::from_str(&body));
    Ok(js_sys::Array::of2(&header, &body))
}

/// `analyze` of a small snapshot given whole (a large one goes through `SnapshotReader`). Options
/// that are not a string read as none; a snapshot that is not one is a failure envelope.
#[wasm_bindgen]
pub fn analyze(snapshot: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    let options = options.as_string().unwrap_or_default();
    to_js(&api::analyze_json(&snapshot.as_string().unwrap_or_default(), &options))
}

/// What changed between two stored access summaries (the console's `summary`).
#[wasm_bindgen(js_name = compareScans)]
pub fn compare_scans(previous: &str, current: &str) -> Result<JsValue, JsValue> {
    to_js(&api::compare_json(previous, current))
}

/// `{header, rows}` as CSV text, every cell defused as `steward audit --format csv` does.
#[wasm_bindgen(js_name = toCsv)]
pub fn to_csv(table: &str) -> Result<JsValue, JsValue> {
    to_js(&api::csv_json(table))
}

/// Reminders, due dates and grace expiries in `(since, now]`; needs no snapshot.
#[wasm_bindgen(js_name = reviewEvents)]
pub fn review_events(registry: &str, settings: &str, since: &str, now: &str) -> Result<JsValue, JsValue> {
    to_js(&api::review_events_json(registry, settings, since, now))
}

/// A snapshot decoded from chunks pushed in order (`push(chunk)`: a string, or a `Uint8Array` of
/// UTF-8), as a stored snapshot is read from Forge SQL a few chunks a query. Only the element
/// being read is kept, never the whole text. `finish(project)` answers the decoded snapshot.
#[wasm_bindgen(js_name = SnapshotReader)]
pub struct JsSnapshotReader {
    reader: Option<api::SnapshotReader>,
}

#[wasm_bindgen(js_class = SnapshotReader)]
impl JsSnapshotReader {
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsSnapshotReader {
        JsSnapshotReader { reader: Some(api::SnapshotReader::new()) }
    }

    /// Reads the next chunk. A chunk of another type throws; a malformed text is reported by the
    /// loaded snapshot's answers.
    pub fn push(&mut self, chunk: &JsValue) -> Result<(), JsValue> {
        let reader = self.reader.as_mut().ok_or_else(|| JsValue::from_str("the reader is finished"))?;
        let bytes = chunk_bytes(chunk)
            .ok_or_else(|| JsValue::from(js_sys::TypeError::new("a chunk must be a string or a Uint8Array")))?;
        reader.push(&bytes);
        Ok(())
    }

    /// The snapshot, its text over. With `project`, only what that project's analysis reads is
    /// kept, and only that project can be asked about; with `nonHumanOnly`, only the service and
    /// app accounts (and those of unknown type) are kept, and only they can be asked about (see
    /// `snapshot::Scope`: people are most of a large site's model).
    pub fn finish(&mut self, project: Option<String>, non_human_only: Option<bool>) -> Result<LoadedSnapshot, JsValue> {
        let reader = self.reader.take().ok_or_else(|| JsValue::from_str("the reader is finished"))?;
        let scope = Scope { project, non_human_only: non_human_only.unwrap_or(false) };
        Ok(LoadedSnapshot { loaded: reader.finish(&scope) })
    }
}

impl Default for JsSnapshotReader {
    fn default() -> Self {
        JsSnapshotReader::new()
    }
}

/// A decoded snapshot, asked several questions without decoding it again. Its model lives in wasm
/// memory until `free()`.
#[wasm_bindgen]
pub struct LoadedSnapshot {
    loaded: api::LoadedSnapshot,
}

#[wasm_bindgen]
impl LoadedSnapshot {
    /// The `analyze` contract (or its matrix form, by `form`) as JSON text, the one answer that is
    /// not an object: a large site's is tens of MB, which the scan stores as it is, and whose JS
    /// objects would take several times that (the XL site's 45 MB matrix tipped a container over
    /// 512 MB).
    pub fn analyze(&self, options: &str) -> String {
        self.loaded.analyze(options)
    }

    /// One line per non-human account, counts only.
    pub fn inventory(&self) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.inventory())
    }

    /// The permission schemes and the projects using each.
    pub fn overview(&self) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.overview())
    }

    /// Why `account_id` lacks `permission` in `project`: the grants that would give it.
    #[wasm_bindgen(js_name = whyNot)]
    pub fn why_not(&self, account_id: &str, project: &str, permission: &str) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.why_not(account_id, project, permission))
    }

    /// What a change set would change: who gains or loses what, where.
    #[wasm_bindgen(js_name = whatIf)]
    pub fn what_if(&self, changes: &str) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.what_if(changes))
    }

    /// The admin console's stored products (docs/admin-console.md), each account's detail written
    /// when asked. Throws the failure envelope's text when the input is not valid.
    pub fn console(&self, registry: &str, settings: &str, now: &str, options: &str) -> Result<Console, JsValue> {
        self.loaded
            .console(registry, settings, now, options)
            .map(|console| Console { console })
            .map_err(|error| JsValue::from_str(&api::failure_text(error)))
    }

    /// Every finding: `{now, counts, findings}`.
    pub fn findings(&self, registry: &str, settings: &str, now: &str) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.findings(registry, settings, now))
    }

    /// Checks one registry entry before a write; every error at once.
    #[wasm_bindgen(js_name = validateRegistryEntry)]
    pub fn validate_registry_entry(&self, entry: &str) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.validate_entry(entry))
    }

    /// Reviews due, overdue or coming up on `now`.
    #[wasm_bindgen(js_name = reviewDue)]
    pub fn review_due(&self, registry: &str, settings: &str, now: &str) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.review_due(registry, settings, now))
    }

    /// Applies a review decision: `{entry, jiraChanges, remaining, summary}`.
    #[wasm_bindgen(js_name = reviewDecide)]
    pub fn review_decide(&self, registry: &str, settings: &str, decision: &str, now: &str) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.review_decide(registry, settings, decision, now))
    }

    /// The least-privilege plan of a registered bot.
    #[wasm_bindgen(js_name = leastPrivilege)]
    pub fn least_privilege(
        &self,
        registry: &str,
        settings: &str,
        account_id: &str,
        now: &str,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.least_privilege(registry, settings, account_id, now))
    }

    /// Every project's page (see `api::pages`), cut one project at a time from one engine run.
    /// Throws the failure envelope's text when the settings are not valid.
    #[wasm_bindgen(js_name = projectPages)]
    pub fn project_pages(&self, settings: &str) -> Result<ProjectPages, JsValue> {
        self.loaded
            .project_pages(settings)
            .map(|pages| ProjectPages { pages })
            .map_err(|error| JsValue::from_str(&api::failure_text(error)))
    }

    /// The leaver plan for an account that was deactivated or deleted; `gone` (optional) the JSON
    /// array of account ids Jira answers are inactive or deleted now.
    pub fn leaver(
        &self,
        registry: &str,
        settings: &str,
        account_id: &str,
        now: &str,
        gone: Option<String>,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.leaver(registry, settings, account_id, now, gone.as_deref().unwrap_or("")))
    }
}

/// The pages of every project of a loaded snapshot; `page(i)` is project `i`'s as JSON text.
#[wasm_bindgen]
pub struct ProjectPages {
    pages: api::ProjectPages,
}

#[wasm_bindgen]
impl ProjectPages {
    pub fn count(&self) -> usize {
        self.pages.count()
    }

    /// The key of project `index` (sorted by key).
    pub fn key(&self, index: usize) -> Option<String> {
        self.pages.key(index).map(str::to_owned)
    }

    /// Every account the pages refer to by place, once, as JSON text.
    pub fn directory(&self) -> String {
        self.pages.directory()
    }

    /// Project `index`'s page as JSON text; `undefined` past the last.
    pub fn page(&self, index: usize) -> Option<String> {
        self.pages.page(index)
    }
}

/// The admin console's products of a loaded snapshot: `products()` the envelope's JSON text
/// (its `detailCount` says how many details there are), `detail(i)` row `i`'s detail as JSON text.
#[wasm_bindgen]
pub struct Console {
    console: api::Console,
}

#[wasm_bindgen]
impl Console {
    pub fn products(&self) -> String {
        self.console.products().to_owned()
    }

    /// Row `index`'s detail as JSON text; `undefined` past the last. Throws the failure
    /// envelope's text when it cannot be written.
    pub fn detail(&self, index: usize) -> Result<Option<String>, JsValue> {
        self.console.detail(index).transpose().map_err(|error| JsValue::from_str(&api::failure_text(error)))
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_json(text: &str) -> Result<JsValue, JsValue>;
}

fn to_js(json: &str) -> Result<JsValue, JsValue> {
    parse_json(json)
}

#[wasm_bindgen]
extern "C" {
    /// The host's UTF-8 encoder (a global in Node and browsers).
    type TextEncoder;
    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<TextEncoder, JsValue>;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, source: &JsString, destination: &mut [u8]) -> EncodeIntoResult;
    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodeIntoResult) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;
}

/// A chunk's UTF-8 bytes in wasm memory: a `Uint8Array`'s as they are, a string's written by the
/// host's encoder (the glue's own conversion walks ASCII a character at a time in JS), lone
/// surrogates as U+FFFD; `None` for anything else.
fn chunk_bytes(chunk: &JsValue) -> Option<Vec<u8>> {
    if let Some(bytes) = chunk.dyn_ref::<Uint8Array>() {
        return Some(bytes.to_vec());
    }
    let text = chunk.dyn_ref::<JsString>()?;
    Some(encoded(text).unwrap_or_else(|| text.as_string().unwrap_or_default().into_bytes()))
}

/// `text` as UTF-8, which `encodeInto` always writes; `None` where there is no encoder.
fn encoded(text: &JsString) -> Option<Vec<u8>> {
    let encoder = TextEncoder::new().ok()?;
    let units = text.length();
    // One byte per UTF-16 unit fits ASCII exactly; what does not fit is encoded again with room
    // for the rest (at most 3 bytes a unit).
    let mut bytes = vec![0u8; units as usize];
    let (mut read, mut written) = (0u32, 0usize);
    loop {
        let rest = if read == 0 { text.clone() } else { text.slice(read, units) };
        let result = encoder.encode_into(&rest, bytes.get_mut(written..)?);
        read += result.read();
        written += result.written() as usize;
        if read >= units {
            break;
        }
        bytes.resize(written + (units - read) as usize * 3, 0);
    }
    bytes.truncate(written);
    Some(bytes)
}

/// A JS object with `request(method, path, body, timeoutMs) → Promise<{status, headers, body}>`,
/// and optionally `sleep(ms) → Promise` and `now() → milliseconds since the epoch` (for pacing).
/// The host enforces `timeoutMs` itself (a JS timer cannot be cancelled by dropping a Rust
/// future), rejecting when it passes.
struct JsHost {
    target: JsValue,
    request: Function,
}

impl JsHost {
    fn new(target: JsValue) -> Result<Self, JsValue> {
        let request = Reflect::get(&target, &JsValue::from_str("request"))?
            .dyn_into::<Function>()
            .map_err(|_| JsValue::from(js_sys::TypeError::new("host.request must be a function")))?;
        Ok(JsHost { target, request })
    }

    async fn call(&self, request: HttpRequest) -> Result<HttpResponse, JsValue> {
        let body = request.body.map_or(JsValue::NULL, |b| JsValue::from_str(&b));
        let timeout = request.timeout_ms.map_or(JsValue::UNDEFINED, |ms| JsValue::from_f64(ms as f64));
        let args = js_sys::Array::of4(
            &JsValue::from_str(request.method.as_str()),
            &JsValue::from_str(&request.path),
            &body,
            &timeout,
        );
        let returned = self.request.apply(&self.target, &args)?;
        let value = JsFuture::from(Promise::resolve(&returned)).await?;
        let status = Reflect::get(&value, &JsValue::from_str("status"))?
            .as_f64()
            .filter(|s| (100.0..=599.0).contains(s))
            .ok_or_else(|| JsValue::from_str("host response has no valid `status`"))?;
        let body = Reflect::get(&value, &JsValue::from_str("body"))?.as_string().unwrap_or_default();
        let mut headers = BTreeMap::new();
        let raw_headers = Reflect::get(&value, &JsValue::from_str("headers"))?;
        if raw_headers.is_object() {
            for entry in Object::entries(&Object::from(raw_headers)).iter() {
                let pair = js_sys::Array::from(&entry);
                if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                    headers.insert(name.to_ascii_lowercase(), value);
                }
            }
        }
        Ok(HttpResponse { status: status as u16, headers, body })
    }
}

impl Host for JsHost {
    /// Calls `host.sleep(ms)` when the host has one; otherwise does not wait.
    async fn sleep(&self, millis: u64) {
        let Ok(sleep) = Reflect::get(&self.target, &JsValue::from_str("sleep")) else { return };
        let Some(sleep) = sleep.dyn_ref::<Function>() else { return };
        if let Ok(returned) = sleep.call1(&self.target, &JsValue::from_f64(millis as f64)) {
            let _ = JsFuture::from(Promise::resolve(&returned)).await;
        }
    }

    async fn request(&self, request: HttpRequest) -> Result<HttpResponse, HostError> {
        self.call(request).await.map_err(|error| HostError { message: describe(&error) })
    }

    /// Calls `host.now()` (milliseconds since the epoch) when the host has one.
    fn now_ms(&self) -> Option<u64> {
        let now = Reflect::get(&self.target, &JsValue::from_str("now")).ok()?;
        let value = now.dyn_ref::<Function>()?.call0(&self.target).ok()?.as_f64()?;
        (value.is_finite() && value >= 0.0).then_some(value as u64)
    }
}

fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| Reflect::get(error, &JsValue::from_str("message")).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| "the host's request failed".to_owned())
}
