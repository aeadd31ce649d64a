//! The WebAssembly boundary: the only file that names `wasm_bindgen` or `js_sys`.
//!
//! It converts JS values to the core's types and back, and nothing else. Every export returns the
//! JSON envelope of [`crate::api`], parsed into a JS object.

use std::collections::BTreeMap;

use js_sys::{Function, JsString, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::api;
use crate::host::{Host, HostError, HttpRequest, HttpResponse};

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
    let json = serde_json::to_string(&api::endpoints()).map_err(|e| JsValue::from_str(&e.to_string()))?;
    to_js(&json)
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

/// Scans Jira through `host` with the lean plan; resolves to the JSON text of
/// `{"type":"success","result":{"snapshot":…,"ledger":…,"complete":…}}`. Text, because the
/// snapshot is usually handed straight to `analyze`.
#[wasm_bindgen(js_name = collectSnapshot)]
pub async fn collect_snapshot(host: JsValue, options: String) -> Result<JsString, JsValue> {
    let host = JsHost::new(host)?;
    Ok(js_text(&api::collect_json(&host, &options).await))
}

/// The `analyze` contract over a snapshot (JSON text); `options` is JSON text or empty.
#[wasm_bindgen]
pub fn analyze(snapshot: &str, options: &str) -> Result<JsValue, JsValue> {
    to_js(&api::analyze_json(snapshot, options))
}

/// The `analyze` contract as JSON text, for callers that pass it on without reading it.
#[wasm_bindgen(js_name = analyzeToString)]
pub fn analyze_to_string(snapshot: &str, options: &str) -> JsString {
    js_text(&api::analyze_json(snapshot, options))
}

/// The `analyze` contract as JSON text, from the snapshot's UTF-8 bytes (a `Uint8Array`, such as
/// a file's `Buffer` or a response's body): copied into wasm memory as they are, where a string
/// must first be encoded.
#[wasm_bindgen(js_name = analyzeBytes)]
pub fn analyze_bytes(snapshot: &[u8], options: &str) -> JsString {
    js_text(&api::analyze_bytes_json(snapshot, options))
}

/// A snapshot's UTF-8 bytes that the host writes straight into wasm memory: `fill(view)` is called
/// once with a `Uint8Array` over them (to `fs.readSync(fd, view)` a file, or set a response body
/// into), so they are never copied across the boundary as `analyzeBytes` copies them, and a snapshot
/// of several hundred MB is held once, not twice. `analyze` may then be asked any number of times;
/// the bytes stay in wasm memory until `free()`.
#[wasm_bindgen]
pub struct SnapshotBytes {
    bytes: Vec<u8>,
}

#[wasm_bindgen]
impl SnapshotBytes {
    /// `length` zeroed bytes, then `fill(view)`. Throws what `fill` throws, or if wasm memory
    /// cannot hold `length` bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(length: usize, fill: &Function) -> Result<SnapshotBytes, JsValue> {
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(length).map_err(|_| {
            JsValue::from(js_sys::RangeError::new(&format!("snapshot of {length} bytes does not fit in wasm memory")))
        })?;
        bytes.resize(length, 0);
        fill.unchecked_ref::<ViewFiller>().call(&JsValue::UNDEFINED, &mut bytes)?;
        Ok(SnapshotBytes { bytes })
    }

    #[wasm_bindgen(getter, js_name = byteLength)]
    pub fn byte_length(&self) -> usize {
        self.bytes.len()
    }

    /// As the `analyzeBytes` export, from the bytes held.
    pub fn analyze(&self, options: &str) -> JsString {
        analyze_bytes(&self.bytes, options)
    }
}

#[wasm_bindgen]
extern "C" {
    /// A JS function called with a view of wasm memory: wasm-bindgen passes a `&mut [u8]` argument
    /// as a `Uint8Array` over those bytes, not a copy.
    #[wasm_bindgen(js_name = Function)]
    type ViewFiller;
    #[wasm_bindgen(method, catch)]
    fn call(this: &ViewFiller, this_arg: &JsValue, view: &mut [u8]) -> Result<JsValue, JsValue>;
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

/// A chunk's UTF-8 bytes in wasm memory: a `Uint8Array`'s as they are, a string's copied by the
/// host's encoder (`as_string` would copy it in JS a character at a time), lone surrogates as
/// U+FFFD; `None` for anything else.
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

/// [`analyze_to_string`] with the snapshot handed over in pieces: `next()` returns the next chunk (a
/// string or a `Uint8Array` of UTF-8), or nothing at the end. The snapshot is decoded as it
/// arrives, so neither its whole text nor a copy of it has to be in memory: how a snapshot stored
/// in chunks is analysed within Forge's memory limit.
#[wasm_bindgen(js_name = analyzeChunks)]
pub fn analyze_chunks(next: &Function, options: &str) -> JsString {
    js_text(&api::analyze_reader_json(JsChunks { next, chunk: Vec::new(), at: 0 }, options))
}

/// The snapshot's chunks as a byte stream, one chunk in wasm memory at a time.
struct JsChunks<'f> {
    next: &'f Function,
    chunk: Vec<u8>,
    at: usize,
}

impl std::io::Read for JsChunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // serde_json reads a reader byte by byte: keep that call short.
        if let ([slot], Some(&byte)) = (&mut *buf, self.chunk.get(self.at)) {
            *slot = byte;
            self.at += 1;
            return Ok(1);
        }
        while self.at >= self.chunk.len() {
            let value = self
                .next
                .call0(&JsValue::NULL)
                .map_err(|e| std::io::Error::other(format!("reading the next chunk failed: {e:?}")))?;
            if value.is_undefined() || value.is_null() {
                return Ok(0);
            }
            self.chunk =
                chunk_bytes(&value).ok_or_else(|| std::io::Error::other("a chunk must be a string or a Uint8Array"))?;
            self.at = 0;
        }
        let rest = self.chunk.get(self.at..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), rest.get(..n)) {
            to.copy_from_slice(from);
        }
        self.at += n;
        Ok(n)
    }
}

/// A snapshot decoded from chunks *pushed* in order (`push(chunk)`, a string or a `Uint8Array` of
/// UTF-8), for callers that read the chunks asynchronously (a stored snapshot read from Forge SQL)
/// and so cannot answer `analyzeChunks`' synchronous `next()`. Only the element being read is
/// kept, never the whole text. `finish(project)` answers the decoded snapshot.
#[wasm_bindgen(js_name = SnapshotReader)]
pub struct JsSnapshotReader {
    reader: Option<crate::snapshot::SnapshotReader>,
}

#[wasm_bindgen(js_class = SnapshotReader)]
impl JsSnapshotReader {
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsSnapshotReader {
        JsSnapshotReader { reader: Some(crate::snapshot::SnapshotReader::new()) }
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
    /// kept (see `snapshot::Scope`), and only that project can be asked about.
    pub fn finish(&mut self, project: Option<String>) -> Result<LoadedSnapshot, JsValue> {
        let reader = self.reader.take().ok_or_else(|| JsValue::from_str("the reader is finished"))?;
        let scope = crate::snapshot::Scope { project, non_human_only: false };
        Ok(LoadedSnapshot { loaded: api::LoadedSnapshot::from_reader(reader, &scope) })
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
    /// As the `analyze` export.
    pub fn analyze(&self, options: &str) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.analyze_json(options))
    }

    /// As the `analyzeToString` export.
    #[wasm_bindgen(js_name = analyzeToString)]
    pub fn analyze_to_string(&self, options: &str) -> JsString {
        js_text(&self.loaded.analyze_json(options))
    }

    /// As the `inventory` export.
    pub fn inventory(&self) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.inventory().to_json())
    }

    /// As the `snapshotOverview` export.
    pub fn overview(&self) -> Result<JsValue, JsValue> {
        to_js(&self.loaded.overview().to_json())
    }
}

/// The inventory's first view of a snapshot: one line per non-human account, counts only.
#[wasm_bindgen]
pub fn inventory(snapshot: &str) -> Result<JsValue, JsValue> {
    to_js(&api::inventory(snapshot).to_json())
}

/// The admin overview (schemes, grant counts, projects using each) from a stored snapshot.
#[wasm_bindgen(js_name = snapshotOverview)]
pub fn snapshot_overview(snapshot: &str) -> Result<JsValue, JsValue> {
    to_js(&api::snapshot_overview(snapshot).to_json())
}

/// Why an account lacks a permission in a project.
#[wasm_bindgen(js_name = whyNot)]
pub fn why_not(snapshot: &str, account_id: &str, project: &str, permission: &str) -> Result<JsValue, JsValue> {
    to_js(&api::why_not_json(snapshot, account_id, project, permission))
}

/// The diff of effective access if a change set were applied.
#[wasm_bindgen(js_name = whatIf)]
pub fn what_if(snapshot: &str, changes: &str) -> Result<JsValue, JsValue> {
    to_js(&api::what_if_json(snapshot, changes))
}

/// Findings over a snapshot, the registry and the settings (JSON texts; empty settings are the
/// defaults) on day `now`: `{now, counts, findings}`.
#[wasm_bindgen]
pub fn findings(snapshot: &str, registry: &str, settings: &str, now: &str) -> Result<JsValue, JsValue> {
    to_js(&api::findings_json(snapshot, registry, settings, now))
}

/// The findings catalogue: `[{id, title, severity, reason, fix}]`.
#[wasm_bindgen]
pub fn catalogue() -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(&api::catalogue()).map_err(|e| JsValue::from_str(&e.to_string()))?;
    to_js(&json)
}

/// Checks one registry entry against the snapshot before a write; every error at once.
#[wasm_bindgen(js_name = validateRegistryEntry)]
pub fn validate_registry_entry(snapshot: &str, entry: &str) -> Result<JsValue, JsValue> {
    to_js(&api::validate_entry_json(snapshot, entry))
}

/// Reviews due, overdue or coming up on `now`.
#[wasm_bindgen(js_name = reviewDue)]
pub fn review_due(snapshot: &str, registry: &str, settings: &str, now: &str) -> Result<JsValue, JsValue> {
    to_js(&api::review_due_json(snapshot, registry, settings, now))
}

/// Reminders, due dates and grace expiries in `(since, now]`.
#[wasm_bindgen(js_name = reviewEvents)]
pub fn review_events(registry: &str, settings: &str, since: &str, now: &str) -> Result<JsValue, JsValue> {
    to_js(&api::review_events_json(registry, settings, since, now))
}

/// Applies a review decision: `{entry, jiraChanges, remaining, summary}`.
#[wasm_bindgen(js_name = reviewDecide)]
pub fn review_decide(
    snapshot: &str,
    registry: &str,
    settings: &str,
    decision: &str,
    now: &str,
) -> Result<JsValue, JsValue> {
    to_js(&api::review_decide_json(snapshot, registry, settings, decision, now))
}

/// The least-privilege plan of a registered bot.
#[wasm_bindgen(js_name = leastPrivilege)]
pub fn least_privilege(
    snapshot: &str,
    registry: &str,
    settings: &str,
    account_id: &str,
    now: &str,
) -> Result<JsValue, JsValue> {
    to_js(&api::least_privilege_json(snapshot, registry, settings, account_id, now))
}

/// The leaver plan for an account that was deactivated or deleted.
#[wasm_bindgen]
pub fn leaver(snapshot: &str, registry: &str, settings: &str, account_id: &str, now: &str) -> Result<JsValue, JsValue> {
    to_js(&api::leaver_json(snapshot, registry, settings, account_id, now))
}

fn to_js(json: &str) -> Result<JsValue, JsValue> {
    parse_json(&js_text(json))
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_json(text: &JsString) -> Result<JsValue, JsValue>;
}

/// Below this many bytes the generated glue's decoding is as fast as the calls [`latin1`] makes.
const LATIN1_FROM: usize = 16 * 1024;

/// JSON text as a JS string. The generated glue decodes UTF-8 with `TextDecoder`, about 0.4 GB/s in
/// Node 20 even for ASCII (a twentieth of a large analysis). Outside its strings JSON is ASCII, and
/// inside them `\uXXXX` is the same character: escaped, large answers are ASCII, which is the same
/// string read as latin1, and Node's `Buffer` reads that at memory speed. The string is then also
/// one byte a character in V8 instead of two.
fn js_text(json: &str) -> JsString {
    if json.len() < LATIN1_FROM {
        return JsString::from(json);
    }
    let escaped = if json.is_ascii() { None } else { Some(api::ascii_json(json)) };
    latin1(escaped.as_deref().unwrap_or(json).as_bytes()).unwrap_or_else(|| JsString::from(json))
}

/// `Buffer.from(memory, at, length).toString("latin1")` over the bytes where they lie in wasm
/// memory; `None` where there is no `Buffer` (a browser).
fn latin1(bytes: &[u8]) -> Option<JsString> {
    let key = |name: &str| JsValue::from_str(name);
    let buffer = Reflect::get(&js_sys::global(), &key("Buffer")).ok()?.dyn_into::<Function>().ok()?;
    let from = Reflect::get(&buffer, &key("from")).ok()?.dyn_into::<Function>().ok()?;
    let memory = wasm_bindgen::memory().dyn_into::<js_sys::WebAssembly::Memory>().ok()?;
    let at = u32::try_from(bytes.as_ptr().addr()).ok()?;
    let length = u32::try_from(bytes.len()).ok()?;
    let view = from.call3(&buffer, &memory.buffer(), &at.into(), &length.into()).ok()?;
    let to_string = Reflect::get(&view, &key("toString")).ok()?.dyn_into::<Function>().ok()?;
    let text = to_string.call1(&view, &key("latin1")).ok()?.dyn_into::<JsString>().ok()?;
    // A JS string's length is in UTF-16 units: one per ASCII byte.
    (text.length() == length).then_some(text)
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
