// Steward's benchmark: `make bench`, or `node bench/run.mjs` once pkg/ and bench's release binaries
// are built.
//
// For each size (S, M, L, XL; `BENCH_SIZES=S,M` to limit): generate the synthetic snapshot (cached
// under bench/.data/), then
//   1. in one Node process: time JSON.parse of the snapshot text, then the analysis along the app's
//      path (src/forge/scans/store.js): the text cut into the chunks of just under 1 MiB it is stored as
//      (src/forge/blobs.js `cutIntoChunks`, untimed, as the chunks come from storage), then, timed,
//      `new SnapshotReader()`, `push` of every chunk, `finish(undefined, true)` (the service and app accounts only, as `storeDigest` loads it) and
//      `loaded.analyze('{"skipTransitions":true,"form":"matrix"}')` until the answer text is in
//      hand (the loaded snapshot is freed after the clock stops);
//   2. in a fresh Node process: the same path once, the file read a chunk at a time (the whole text
//      is never in memory), for the peak RSS and the wasm linear memory;
//   3. the native binary (the same path natively, for information), with a phase breakdown.
// Timed figures are medians. The first runs are a warm-up, discarded unless the runs would not fit
// the time budget (BENCH_BUDGET seconds per measurement, default 120), in which case runs stop when
// the budget is spent. Sizes quick to time get several rounds of 1 and 3 (BENCH_ROUNDS, default 3),
// their samples pooled. Writes BENCHMARKS.md at the repository root (BENCH_OUT to write elsewhere) and
// the raw figures to bench/.data/results.json.
//
// Then the collection benchmark (bench/scan.mjs; SCAN_SIZES, default M,L, empty to skip), and the
// admin console's pages in Chromium (bench/pages.mjs; PAGES_SIZE, default XL, empty to skip).
//
// Environment: BENCH_SIZES, BENCH_RUNS (default 5), BENCH_ROUNDS (default 3), BENCH_BUDGET,
// BENCH_TIMEOUT (seconds per child process, default 600), BENCH_NATIVE_MEM_MB (address-space cap of
// the native run, default 10000), BENCH_OUT, BENCH_COMMIT (when there is no git checkout), and
// CARGO_TARGET_DIR, where the bench crate's binaries were built (default bench/target; a relative
// one is taken from bench/, where `make bench` builds them).
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, readSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = dirname(fileURLToPath(import.meta.url));
const root = resolve(bench, '..');
const data = join(bench, '.data');
// The full answer: the matrix form (each distinct cell once; schema/analysis-matrix-v1.schema.json).
const OPTIONS = '{"skipTransitions":true,"form":"matrix"}';
// analysis / JSON.parse is judged at these sizes; S is reported, not judged.
const TARGETS = { analysisOverParse: 1.0, judgedSizes: ['M', 'L', 'XL'], xlPeakMB: 512 };
const MB = 1024 * 1024;

// ---- shared -----------------------------------------------------------------------------------

// On-CPU time of this process's main thread (where JSON.parse and wasm run), in ms: unlike wall
// time, not inflated when other processes compete for the CPUs, and without GC helper threads.
const schedstat = `/proc/${process.pid}/task/${process.pid}/schedstat`;
function threadCpuMs() {
  try {
    return Number(readFileSync(schedstat, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

// The warm-up/budget policy of the native binary, so both sides are sampled alike, except that a
// JS-side warm-up lasts until V8 has had the time to tier the code up (WARMUP_MS, at most
// WARMUP_RUNS runs): V8 first runs wasm on its baseline compiler and compiles optimised code in
// background threads, which on 2 CPUs also compete with the measured thread; a few warm-up runs of
// a small job still measure that (S: 46 ms on the third call, 12 ms once tiered up). What `f`
// returns, if a function, is called after the clock stops (freeing what the run made). Returns wall
// and main-thread CPU samples in ms, and the first call's wall time.
const WARMUP_RUNS = 100;
const WARMUP_MS = 1500;
function timed(runs, budgetMs, f) {
  const gc = globalThis.gc ?? (() => {});
  const after = (done) => (typeof done === 'function' ? done() : undefined);
  const start = performance.now();
  gc();
  let t = performance.now();
  let c = threadCpuMs();
  let done = f();
  const first = performance.now() - t;
  const firstCpu = threadCpuMs() - c;
  after(done);
  const wall = [];
  const cpu = [];
  if (first * (runs + 1) > budgetMs) {
    wall.push(first);
    cpu.push(firstCpu);
  } else {
    for (let warm = 1; warm < WARMUP_RUNS && performance.now() - start < WARMUP_MS && (performance.now() - start + first * (runs + 1)) <= budgetMs; warm++) after(f());
  }
  while (wall.length < runs && (wall.length === 0 || performance.now() - start + first <= budgetMs)) {
    gc();
    t = performance.now();
    c = threadCpuMs();
    done = f();
    wall.push(performance.now() - t);
    cpu.push(threadCpuMs() - c);
    after(done);
  }
  return { wall, cpu, first };
}

// A wasm trap (e.g. out of memory: the allocator aborts, which traps as `unreachable`) as a short reason.
function failure(error, startedMs, memory) {
  const seconds = ((performance.now() - startedMs) / 1000).toFixed(0);
  const mib = memory ? ` with ${(memory.buffer.byteLength / MB).toFixed(0)} MiB of wasm memory` : '';
  return `${String(error?.message ?? error).split('\n')[0]} after ${seconds} s${mib}`;
}

async function loadWasm() {
  const steward = await import(join(root, 'pkg/steward.js'));
  const exports = steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });
  return { steward, memory: exports.memory };
}

// ---- child processes --------------------------------------------------------------------------

// The app's path (src/forge/scans/store.js `withLoaded` and `storeDigest`): a reader pushed every chunk,
// finished, the loaded snapshot asked for the matrix. Answers the answer object and a function that
// frees what the run made, to call once the clock has stopped.
function appPath(steward, chunks) {
  const reader = new steward.SnapshotReader();
  let loaded = null;
  try {
    for (const chunk of chunks) reader.push(chunk);
    loaded = reader.finish(undefined, true);
    const answer = loaded.analyze(OPTIONS);
    const held = loaded;
    loaded = null;
    return {
      answer,
      free: () => {
        held.free();
        reader.free();
      },
    };
  } catch (error) {
    loaded?.free();
    reader.free();
    throw error;
  }
}

// An answer of the failure envelope, as a short reason.
const failureOf = (answer) => (answer.startsWith('{"type":"failure"') ? answer.slice(0, 200) : null);

async function childTime(file, runs, budgetMs) {
  const text = readFileSync(file, 'utf8');
  // The chunks the app stores the text as, and reads back as strings (untimed: they come from storage).
  const { cutIntoChunks } = await import(join(root, 'src/forge/blobs.js'));
  const chunks = cutIntoChunks(text);
  // Not alternated with the wasm runs: after a JSON.parse of a large text the wasm analysis ran
  // slower (L: about 340 ms against 215 ms, main-thread CPU too), which a container that analyses
  // does not see.
  const parse = timed(runs, budgetMs, () => {
    JSON.parse(text);
  });
  const { steward, memory } = await loadWasm();
  let answerBytes = NaN;
  let wasm = { wall: [], cpu: [] };
  let failed = null;
  const started = performance.now();
  try {
    wasm = timed(runs, budgetMs, () => {
      const { answer, free } = appPath(steward, chunks);
      return () => {
        free();
        failed ??= failureOf(answer);
        // Its size once, untimed: the text the app stores (the answer text).
        if (!Number.isFinite(answerBytes)) answerBytes = Buffer.byteLength(answer);
      };
    });
  } catch (error) {
    failed = failure(error, started, memory);
  }
  return {
    chunks: chunks.length,
    parseSamples: parse.wall,
    parseCpuSamples: parse.cpu,
    wasmSamples: wasm.wall,
    wasmCpuSamples: wasm.cpu,
    wasmFirstMs: wasm.first,
    answerBytes,
    failed,
    wasmMemoryBytes: memory.buffer.byteLength,
  };
}

// One analysis along the app's path in a fresh process, the file read a chunk at a time as the app
// reads a stored snapshot (a few chunks of just under 1 MiB a query, each a string): the whole
// text is never in memory, so this is the peak that has to fit Forge.
async function childMemory(file) {
  const { REQUEST_BUDGET } = await import(join(root, 'src/forge/blobs.js'));
  const { steward, memory } = await loadWasm();
  const rssLoadedKiB = Math.round(process.memoryUsage().rss / 1024);
  const started = performance.now();
  const cpuStarted = threadCpuMs();
  let failed = null;
  let chunkCount = 0;
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(REQUEST_BUDGET - 4096);
  const decoder = new StringDecoder('utf8');
  function* chunks() {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      chunkCount += 1;
      yield decoder.write(buffer.subarray(0, n));
    }
    const rest = decoder.end();
    if (rest) yield rest;
  }
  let ms = NaN;
  let cpuMs = NaN;
  try {
    const { answer, free } = appPath(steward, chunks());
    ms = performance.now() - started;
    cpuMs = threadCpuMs() - cpuStarted;
    failed = failureOf(answer);
    free();
  } catch (error) {
    failed = failure(error, started, memory);
  } finally {
    closeSync(fd);
  }
  return {
    failed,
    chunks: chunkCount,
    ms,
    cpuMs,
    rssLoadedKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
    wasmMemoryBytes: memory.buffer.byteLength,
  };
}

if (process.argv[2] === '--child') {
  const [, , , mode, file, runs, budget] = process.argv;
  const result = mode === 'time' ? await childTime(file, Number(runs), Number(budget) * 1000) : await childMemory(file);
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

// ---- the driver -------------------------------------------------------------------------------

const env = process.env;
const SIZES = (env.BENCH_SIZES ?? 'S,M,L,XL').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
const RUNS = Number(env.BENCH_RUNS ?? 5);
const BUDGET = Number(env.BENCH_BUDGET ?? 120);
const TIMEOUT = Number(env.BENCH_TIMEOUT ?? 600);
// Timing rounds (the JS pair, then the native binary), their samples pooled: a size whose first
// round takes under ROUND_LIMIT_S seconds gets BENCH_ROUNDS of them, so that a burst of load on a
// shared machine weighs on both sides rather than on whichever ran through it.
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const ROUND_LIMIT_S = 30;
const NATIVE_MEM_MB = Number(env.BENCH_NATIVE_MEM_MB ?? 10000);
const targetDir = env.CARGO_TARGET_DIR ? resolve(bench, env.CARGO_TARGET_DIR) : join(bench, 'target');
const synth = join(targetDir, 'release/steward-synth');
const native = join(targetDir, 'release/steward-bench-native');

for (const [what, path] of [['the generator', synth], ['the native benchmark', native], ['the wasm core', join(root, 'pkg/steward_bg.wasm')]]) {
  if (!existsSync(path)) {
    console.error(`${what} is not built (${relative(root, path)}); run \`make bench\``);
    process.exit(2);
  }
}

function log(...args) {
  console.error(...args);
}

function tail(text, n = 400) {
  const t = String(text ?? '').trim();
  return t.length > n ? `…${t.slice(-n)}` : t;
}

function run(cmd, args, { timeout = TIMEOUT, stdout } = {}) {
  const started = performance.now();
  const r = spawnSync(cmd, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: timeout * 1000,
    maxBuffer: 64 * MB,
    stdio: ['ignore', stdout ?? 'pipe', 'pipe'],
  });
  if (r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM') return { error: `stopped after ${timeout} s` };
  if (r.error) return { error: r.error.message };
  if (r.status !== 0) {
    const why = r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    const first = String(r.stderr ?? '').trim().split('\n')[0];
    return { error: `${why} after ${seconds} s: ${first}`, stderr: tail(r.stderr, 2000) };
  }
  return { stdout: r.stdout };
}

function runJson(cmd, args, options) {
  const r = run(cmd, args, options);
  if (r.error) return r;
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { error: `unreadable output: ${tail(r.stdout)}` };
  }
}

function snapshotFor(size) {
  mkdirSync(data, { recursive: true });
  const file = join(data, `snapshot-${size}.json`);
  if (existsSync(file) && statSync(file).mtimeMs >= statSync(synth).mtimeMs) return { file };
  log(`  generating ${relative(root, file)}`);
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  const r = run(synth, [size], { stdout: fd });
  closeSync(fd);
  if (r.error) {
    unlinkSync(tmp);
    return { error: `generation failed: ${r.error}` };
  }
  execFileSync('mv', [tmp, file]);
  return { file };
}

function nodeChild(mode, file, flags) {
  return runJson(process.execPath, [...flags, fileURLToPath(import.meta.url), '--child', mode, file, String(RUNS), String(BUDGET)]);
}

function nativeRun(file, extra = []) {
  const args = [file, '--runs', String(RUNS), '--budget', String(BUDGET), ...extra];
  const limit = spawnSync('prlimit', ['--version']).status === 0;
  return limit
    ? runJson('prlimit', [`--as=${NATIVE_MEM_MB * MB}`, '--', native, ...args])
    : runJson(native, args);
}

const ok = (x) => x && !x.error;

const results = [];
for (const size of SIZES) {
  log(`size ${size}`);
  const started = performance.now();
  const stats = runJson(synth, [size, '--stats']);
  const snap = snapshotFor(size);
  const r = { size, stats, snapshot: snap.error ? { error: snap.error } : { bytes: statSync(snap.file).size } };
  const load = [loadavg()[0]];
  if (!snap.error) {
    const timeFlags = ['--expose-gc', '--max-old-space-size=16384'];
    log('  JSON.parse and the analysis (wasm, the app\'s path), timed');
    let round = performance.now();
    r.time = nodeChild('time', snap.file, timeFlags);
    let roundMs = performance.now() - round;
    log('  the analysis read in chunks, peak memory');
    r.memory = nodeChild('memory', snap.file, []);
    log('  native');
    load.push(loadavg()[0]);
    round = performance.now();
    r.native = nativeRun(snap.file);
    roundMs += performance.now() - round;
    r.rounds = 1;
    while (r.rounds < ROUNDS && roundMs < ROUND_LIMIT_S * 1000 && ok(r.time) && !r.time.failed && ok(r.native)) {
      log(`  round ${r.rounds + 1}: JSON.parse and the analysis, then native`);
      const t = nodeChild('time', snap.file, timeFlags);
      const n = nativeRun(snap.file, ['--no-breakdown']);
      if (!ok(t) || t.failed || !ok(n)) break;
      for (const k of ['parseSamples', 'parseCpuSamples', 'wasmSamples', 'wasmCpuSamples']) r.time[k].push(...t[k]);
      r.native.samplesMs.push(...n.samplesMs);
      r.native.cpuSamplesMs.push(...n.cpuSamplesMs);
      r.native.medianMs = median(r.native.samplesMs);
      r.native.minMs = Math.min(...r.native.samplesMs);
      r.native.medianCpuMs = median(r.native.cpuSamplesMs);
      r.rounds += 1;
    }
  }
  load.push(loadavg()[0]);
  r.loadAverage = load;
  r.seconds = (performance.now() - started) / 1000;
  results.push(r);
  log(`  done in ${r.seconds.toFixed(0)} s`);
}

// ---- the report -------------------------------------------------------------------------------

function fmt(x, digits = 0) {
  return Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—';
}
const mb = (bytes) => fmt(bytes / MB, 1);
const verdict = (value, limit) => (Number.isFinite(value) ? (value <= limit ? 'pass' : 'FAIL') : 'n/a');

for (const r of results) {
  const timedOk = ok(r.time) && !r.time.failed;
  const parse = ok(r.time) ? median(r.time.parseSamples) : NaN;
  const parseCpu = ok(r.time) ? median(r.time.parseCpuSamples) : NaN;
  const wasm = timedOk ? median(r.time.wasmSamples) : NaN;
  const wasmCpu = timedOk ? median(r.time.wasmCpuSamples) : NaN;
  const nat = ok(r.native) ? r.native.medianMs : NaN;
  const natCpu = ok(r.native) ? r.native.medianCpuMs : NaN;
  r.figures = {
    parseMs: parse,
    wasmMs: wasm,
    nativeMs: nat,
    parseCpuMs: parseCpu,
    wasmCpuMs: wasmCpu,
    nativeCpuMs: natCpu,
    wasmOverNative: wasm / nat,
    wasmOverParse: wasm / parse,
    wasmOverNativeCpu: wasmCpu / natCpu,
    wasmOverParseCpu: wasmCpu / parseCpu,
    nativeOverParse: nat / parse,
    chunks: ok(r.time) ? r.time.chunks : NaN,
    // At failure too: the high-water mark reached before it.
    peakRssMB: ok(r.memory) ? r.memory.maxRssKiB / 1024 : NaN,
    wasmMemoryMB: ok(r.memory) ? r.memory.wasmMemoryBytes / MB : NaN,
    freshMs: ok(r.memory) && !r.memory.failed ? r.memory.ms : NaN,
    freshCpuMs: ok(r.memory) && !r.memory.failed ? r.memory.cpuMs : NaN,
    // The answer's JSON text: natively as the core writes it, else `JSON.stringify` of the wasm answer.
    answerBytes: ok(r.native) ? r.native.answerBytes : timedOk ? r.time.answerBytes : NaN,
  };
}

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
const commit = sh('git', ['rev-parse', '--short', 'HEAD']) ?? env.BENCH_COMMIT ?? 'unknown';
const dirty = sh('git', ['status', '--porcelain', '--', 'src', 'Cargo.toml', 'Cargo.lock']);
const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? 'unknown';
const machine = `${availableParallelism()} CPUs (nproc), ${cpu}, ${fmt(totalmem() / 1024 ** 3)} GiB RAM`;
const tools = [`node ${process.version}`, sh('rustc', ['--version']), sh('wasm-bindgen', ['--version'])].filter(Boolean).join(', ');

const lines = [];
const row = (cells) => lines.push(`| ${cells.join(' | ')} |`);
lines.push('# Benchmarks', '');
lines.push('Written by `make bench` (`bench/run.mjs`); do not edit by hand.', '');
lines.push(`- Date: ${new Date().toISOString()}`);
lines.push(`- Commit: \`${commit}\`${dirty ? ' (with uncommitted changes to the core)' : ''}`);
lines.push(`- Machine: ${machine}`);
lines.push(`- Tools: ${tools}`);
const loads = results.flatMap((r) => r.loadAverage ?? []);
lines.push(`- Load average (1 min) during the runs: ${fmt(Math.min(...loads), 1)} to ${fmt(Math.max(...loads), 1)} on ${availableParallelism()} CPUs${Math.max(...loads) > availableParallelism() * 0.75 ? ' (the machine was busy: absolute times are inflated; ratios measured moments apart are noisier)' : ''}`);
lines.push(`- Analysis: the app's path (\`src/forge/scans/store.js\` \`storeDigest\`): the snapshot's text in its stored chunks of just under 1 MiB, \`new SnapshotReader()\`, \`push\` of every chunk, \`finish(undefined, true)\` (the non-human accounts only, as \`storeDigest\` loads it), then \`loaded.analyze('${OPTIONS}')\`: every service account and app account × every project, every permission with its grant paths, as the matrix form (each distinct cell once, every cell readable from it; \`schema/analysis-matrix-v1.schema.json\`), answered as JSON text (stored as it is). The \`analysis\` form (one entry per account and project) is the same answer expanded: its native cost and size are in "Native phases".`);
lines.push('');
lines.push('## Results', '');
lines.push('Wall-clock medians. In brackets: the main thread\'s on-CPU time, which competing processes do not inflate. Native is for information, not a target.', '');
row(['Size', 'Projects', 'Accounts', 'Accounts × projects', 'Snapshot MB', 'Chunks', 'Answer MB', 'JSON.parse ms', 'analysis ms (wasm)', 'analysis / JSON.parse', 'native ms', 'wasm / native', 'Fresh process: analysis ms, peak RSS MB, wasm memory MB']);
row(Array(13).fill('---'));
const both = (wall, cpu, digits) => (Number.isFinite(wall) ? `${fmt(wall, digits)} (${fmt(cpu, digits)})` : '—');
for (const r of results) {
  const f = r.figures;
  const counts = r.native?.counts;
  const accounts = counts?.accounts ?? r.stats?.analysedAccounts;
  const projects = counts?.projects ?? r.stats?.projects;
  row([
    r.size,
    fmt(projects),
    fmt(accounts),
    fmt(accounts * projects),
    r.snapshot.bytes ? mb(r.snapshot.bytes) : '—',
    fmt(f.chunks),
    mb(f.answerBytes),
    both(f.parseMs, f.parseCpuMs, 0),
    both(f.wasmMs, f.wasmCpuMs, 0),
    both(f.wasmOverParse, f.wasmOverParseCpu, 2),
    both(f.nativeMs, f.nativeCpuMs, 0),
    both(f.wasmOverNative, f.wasmOverNativeCpu, 2),
    `${both(f.freshMs, f.freshCpuMs, 0)}, ${fmt(f.peakRssMB)}, ${fmt(f.wasmMemoryMB)}${r.memory?.failed ? ' (failed)' : ''}`,
  ]);
}
lines.push('');
lines.push('## Targets', '');
lines.push(`Verdicts on wall-clock time; on-CPU ratios in brackets. analysis / JSON.parse is judged at ${TARGETS.judgedSizes.join(', ')}; at other sizes it is reported, not judged.`, '');
row(['Target', ...results.map((r) => r.size)]);
row(['---', ...results.map(() => '---')]);
const judged = (wall, cpu, limit, judge) =>
  Number.isFinite(wall) ? `${fmt(wall, 2)} (${fmt(cpu, 2)})${judge ? ` ${verdict(wall, limit)}` : ' (not a target)'}` : 'n/a';
row([
  `analysis (wasm, the app's path: chunks → answer text) / JSON.parse of the same text ≤ ${TARGETS.analysisOverParse} at ${TARGETS.judgedSizes.join(', ')}`,
  ...results.map((r) => judged(r.figures.wasmOverParse, r.figures.wasmOverParseCpu, TARGETS.analysisOverParse, TARGETS.judgedSizes.includes(r.size))),
]);
row([
  `XL peak memory (fresh process RSS, the snapshot read in chunks through the SnapshotReader) ≤ ${TARGETS.xlPeakMB} MB`,
  ...results.map((r) => {
    const peak = r.figures.peakRssMB;
    if (!Number.isFinite(peak)) return 'n/a';
    const text = r.memory?.failed ? `≥ ${fmt(peak)} MB (failed)` : `${fmt(peak)} MB`;
    return r.size === 'XL' ? `${text} ${r.memory?.failed ? 'FAIL' : verdict(peak, TARGETS.xlPeakMB)}` : text;
  }),
]);
lines.push('');

const failures = results.flatMap((r) =>
  [['generation', r.snapshot], ['JSON.parse + analysis (timed)', r.time], ['analysis in a fresh process (memory)', r.memory], ['native', r.native]]
    .filter(([, x]) => x?.error || x?.failed)
    .map(([what, x]) => `- ${r.size}, ${what}: ${x.error ?? x.failed}`),
);
if (failures.length) lines.push('## Failures', '', ...failures, '');

lines.push('## Native phases', '');
lines.push('One native analysis along the same path, phase by phase: reading the chunks into the document (`snapshot::SnapshotReader`, which decodes the large parts element by element as it goes), building the site model (`snapshot::build_doc`), the engine (`engine::matrix`), serialising the answer; then, for comparison, the same answer expanded into the `analysis` form and serialised, and the whole text decoded at once (`snapshot::load`: one serde_json pass over the text, then the same build). RSS is the process\'s resident memory after each phase, everything before it still alive.', '');
row(['Size', 'load ms (read chunks + build)', 'whole text: snapshot::load ms', 'engine ms', 'serialise ms', 'RSS: text / +site / +matrix / +answer MB', 'Project entries', 'Distinct access sets', 'Permissions', 'Paths', 'analysis form: expand + serialise ms (MB)', 'Native peak RSS MB']);
row(Array(12).fill('---'));
for (const r of results) {
  const n = r.native;
  if (!ok(n) || !n.breakdown) {
    row([r.size, ...Array(11).fill('—')]);
    continue;
  }
  const b = n.breakdown;
  const c = n.counts;
  row([
    r.size,
    `${fmt(b.loadMs, 1)} (${fmt(b.readMs, 1)} + ${fmt(b.buildMs, 1)})`,
    fmt(b.wholeLoadMs, 1),
    fmt(b.analyzeMs, 1),
    fmt(b.serializeMs, 1),
    [n.rssTextKiB, b.rssSiteKiB, b.rssAnalysisKiB, b.rssAnswerKiB].map((k) => fmt(k / 1024)).join(' / '),
    fmt(c.projectEntries),
    fmt(b.accessSets),
    fmt(c.permissions),
    fmt(c.paths),
    `${fmt(b.expandedMs, 1)} (${mb(b.expandedBytes)})`,
    fmt(n.peakRssKiB / 1024),
  ]);
}
lines.push('');

lines.push('## The synthetic sites', '');
lines.push('`bench/target/release/steward-synth SIZE > snapshot.json` (`bench/src/synth.rs`): seeded, deterministic (the same size gives the same bytes), no floating point. Verbatim REST v3 bodies with the `self` links and `avatarUrls` Jira sends; only what a lean collector fetches: the actors of the roles each project\'s scheme references, the members of the groups grants and role actors name, and `GET /user?expand=groups,applicationRoles` for the analysed accounts. No issue security, workflows or permission checks. S, M and L keep XL\'s proportions (per project: 10 users, 0.5 groups, 0.1 service accounts; a scheme per 20 projects).', '');
row(['Size', 'Projects', 'Schemes', 'Grants', 'Roles', 'Role bodies (actors)', 'Users', 'Service accounts', 'App accounts', 'Groups (with members)', 'Member entries', 'Grants by holder', 'Largest parts of the snapshot']);
row(Array(13).fill('---'));
for (const r of results) {
  const s = r.stats;
  if (!ok(s)) continue;
  row([
    r.size,
    fmt(s.projects),
    fmt(s.schemes),
    fmt(s.grants),
    fmt(s.roles),
    `${fmt(s.roleBodies)} (${fmt(s.roleActors)})`,
    fmt(s.users),
    fmt(s.serviceAccounts),
    fmt(s.analysedAccounts - s.serviceAccounts),
    `${fmt(s.groups)} (${fmt(s.referencedGroups)})`,
    fmt(s.groupMemberEntries),
    Object.entries(s.grantsByHolder).map(([k, v]) => `${k} ${v}`).join(', '),
    Object.entries(s.partBytes ?? {})
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([k, v]) => `${k} ${fmt((100 * v) / s.snapshotBytes)}%`)
      .join(', '),
  ]);
}
lines.push('');
lines.push('## Method', '');
lines.push(`- Timed, in one Node process (\`--expose-gc\`, a GC before each run; pkg/ loaded with \`initSync\`): first \`JSON.parse(text)\` of the snapshot's text, already read and decoded (untimed); then the analysis along the app's path. The text is cut untimed into the chunks the app stores it as (\`cutIntoChunks\` of \`src/forge/blobs.js\`: strings of just under 1 MiB; ${results.filter((r) => Number.isFinite(r.figures.chunks)).map((r) => `${r.size} ${fmt(r.figures.chunks)}`).join(', ') || 'n/a'} chunks), as they come from storage; the clock then runs from \`new SnapshotReader()\` through \`push(chunk)\` of every chunk (each string written into wasm memory as UTF-8 and read as it comes), \`finish(undefined, true)\` (the site model of the non-human accounts built, as \`storeDigest\` builds it) and \`loaded.analyze(options)\` (the engine, the answer serialised in wasm and handed over as a JS string) until the answer is in hand; \`loaded.free()\` and \`reader.free()\` follow with the clock stopped. Median of up to ${RUNS} runs after ${WARMUP_MS / 1000} s of warm-up runs (at least one, at most ${WARMUP_RUNS}; V8 runs wasm on its baseline compiler first and swaps in optimised code in the background; a container answering many calls runs the optimised code); when the runs would not fit ${BUDGET} s, the first run counts and runs stop when the budget is spent. A size whose first timing round (this process, then the native one) takes under ${ROUND_LIMIT_S} s gets ${ROUNDS} rounds, one after the other, and its medians are over the pooled samples (${results.map((r) => `${r.size} ${r.rounds ?? 1}`).join(', ')}): on a shared machine a burst of load then weighs on both sides instead of on whichever ran through it. The first analysis of a fresh process: ${results.filter((r) => ok(r.time) && Number.isFinite(r.time.wasmFirstMs)).map((r) => `${r.size} ${fmt(r.time.wasmFirstMs)} ms`).join(', ') || 'n/a'}.`);
lines.push('- Peak memory: a fresh Node process runs the same path once, reading the snapshot file a chunk at a time (just under 1 MiB, decoded into a string, pushed, dropped), as the app reads a stored snapshot a few chunks a query: neither the text nor a copy of it is ever whole. `process.resourceUsage().maxRSS` (Node itself, the chunk, the reader\'s element in hand, the decoded document and site model, the answer in wasm and as a JS object); wasm memory is the linear memory\'s size afterwards (it never shrinks). Its single run\'s time (a cold process, first call) is in the Results table. The XL memory target is judged on this figure.');
lines.push(`- Native, for information: \`steward-bench-native\` (\`bench/src/bin/steward-bench-native.rs\`) times the same path natively: the file's bytes cut untimed into chunks of the same size, then \`api::SnapshotReader::new()\`, \`push\` of every chunk, \`finish\` keeping the non-human accounts, \`analyze(options)\` to the answer's JSON text; same options, same sampling (the same warm-up too: the first runs of a process also pay for growing its heap); built with steward's release settings (opt-level 3, fat LTO, one codegen unit, panic abort)${spawnSync('prlimit', ['--version']).status === 0 ? `, address space capped at ${fmt(NATIVE_MEM_MB)} MB` : ''}.`);
lines.push(`- Targets: the analysis along the app's path, from its chunks to the answer object, ≤ ${TARGETS.analysisOverParse} × JSON.parse of the same text at ${TARGETS.judgedSizes.join(', ')} (S reported, not a target); XL peak memory ≤ ${TARGETS.xlPeakMB} MB.`);
lines.push('');

// Collection: calls and points of a scan on the simulator (bench/scan.mjs), next to the naive plan
// and the lower bound. SCAN_SIZES (default M,L; empty to skip) and SCAN_LATENCY_MS (default 100).
const scanSizes = (env.SCAN_SIZES ?? 'M,L').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
if (scanSizes.length) {
  log(`collection: scans of ${scanSizes.join(', ')} on the simulator`);
  const { scanBench } = await import('./scan.mjs');
  const section = await scanBench({ sizes: scanSizes, latencyMs: Number(env.SCAN_LATENCY_MS ?? 100), log });
  lines.push(section, '');
}

// The admin console's pages in Chromium on the local host (bench/pages.mjs): PAGES_SIZE (default
// XL; empty to skip). The site's scan is stored once under bench/.cache/ and reused.
const pagesSize = (env.PAGES_SIZE ?? 'XL').trim().toUpperCase();
if (pagesSize) {
  log(`pages: the admin console on the size ${pagesSize} site in Chromium`);
  const { pagesBench } = await import('./pages.mjs');
  try {
    const { section } = await pagesBench({ size: pagesSize, log });
    lines.push(section, '');
  } catch (error) {
    lines.push('## Pages (Chromium on the local host)', '', `Not measured: ${error.message}`, '');
  }
}

// A full scan through the local queue (bench/queue.mjs): QUEUE_SIZE (default XL; empty to skip).
const queueSize = (env.QUEUE_SIZE ?? 'XL').trim().toUpperCase();
if (queueSize) {
  log(`queue: a full scan of the size ${queueSize} site through the local queue`);
  const { queueBench } = await import('./queue.mjs');
  try {
    const { section } = await queueBench({ size: queueSize, log });
    lines.push(section, '');
  } catch (error) {
    lines.push('## Scan through the queue (local Forge platform)', '', `Not measured: ${error.message}`, '');
  }
}

const out = env.BENCH_OUT ? resolve(env.BENCH_OUT) : join(root, 'BENCHMARKS.md');
writeFileSync(out, lines.join('\n'));
mkdirSync(data, { recursive: true });
writeFileSync(join(data, 'results.json'), JSON.stringify(results, null, 2));
console.log(lines.join('\n'));
log(`wrote ${out}`);
