// Steward's benchmark: `make bench`, or `node bench/run.mjs` once pkg/ and bench's release binaries
// are built.
//
// For each size (S, M, L, XL; `BENCH_SIZES=S,M` to limit): generate the synthetic snapshot (cached
// under bench/.data/), then
//   1. in one Node process: time JSON.parse of the snapshot text, then the wasm analysis
//      (SnapshotBytes.analyze, options {"skipTransitions":true,"form":"matrix"}) from the file's
//      bytes, written into wasm memory untimed as the native run reads them untimed, to the full answer
//      string; then, for comparison, analyzeBytes(buffer, …) (the bytes copied in) and
//      analyzeToString(text, …) (the text encoded in);
//   2. in a fresh Node process: one wasm analysis, for the peak RSS and the wasm linear memory;
//   3. the native binary (the same call, natively), with a phase breakdown.
// Timed figures are medians. The first runs are a warm-up, discarded unless the runs would not fit
// the time budget (BENCH_BUDGET seconds per measurement, default 120), in which case runs stop when
// the budget is spent. Sizes quick to time get several rounds of 1 and 3 (BENCH_ROUNDS, default 3),
// their samples pooled. Writes BENCHMARKS.md at the repository root (BENCH_OUT to write elsewhere) and
// the raw figures to bench/.data/results.json.
//
// Then the collection benchmark (bench/scan.mjs; SCAN_SIZES, default M,L, empty to skip).
//
// Environment: BENCH_SIZES, BENCH_RUNS (default 5), BENCH_ROUNDS (default 3), BENCH_BUDGET,
// BENCH_TIMEOUT (seconds per child process, default 600), BENCH_NATIVE_MEM_MB (address-space cap of
// the native run, default 10000), BENCH_OUT, BENCH_COMMIT (when there is no git checkout).
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, readSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = dirname(fileURLToPath(import.meta.url));
const root = resolve(bench, '..');
const data = join(bench, '.data');
// The full answer: the matrix form (each distinct cell once; schema/analysis-matrix-v1.schema.json).
const OPTIONS = '{"skipTransitions":true,"form":"matrix"}';
const TARGETS = { wasmOverNative: 1.5, analysisOverParse: 1.0, xlPeakMB: 512 };
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
// a small job still measure that (S: 46 ms on the third call, 12 ms once tiered up). Returns wall and
// main-thread CPU samples in ms, and the first call's wall time.
const WARMUP_RUNS = 100;
const WARMUP_MS = 1500;
function timed(runs, budgetMs, f) {
  const gc = globalThis.gc ?? (() => {});
  const start = performance.now();
  gc();
  let t = performance.now();
  let c = threadCpuMs();
  f();
  const first = performance.now() - t;
  const firstCpu = threadCpuMs() - c;
  const wall = [];
  const cpu = [];
  if (first * (runs + 1) > budgetMs) {
    wall.push(first);
    cpu.push(firstCpu);
  } else {
    for (let warm = 1; warm < WARMUP_RUNS && performance.now() - start < WARMUP_MS && (performance.now() - start + first * (runs + 1)) <= budgetMs; warm++) f();
  }
  while (wall.length < runs && (wall.length === 0 || performance.now() - start + first <= budgetMs)) {
    gc();
    t = performance.now();
    c = threadCpuMs();
    f();
    wall.push(performance.now() - t);
    cpu.push(threadCpuMs() - c);
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

async function childTime(file, runs, budgetMs) {
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  // Not alternated with the wasm runs: after a JSON.parse of a large text the wasm analysis ran
  // slower (L: about 340 ms against 215 ms, main-thread CPU too), which a container that analyses
  // does not see.
  const parse = timed(runs, budgetMs, () => {
    JSON.parse(text);
  });
  const { steward, memory } = await loadWasm();
  let answerChars = 0;
  let head = '';
  let wasm = { wall: [], cpu: [] };
  let fromBuffer = { wall: [], cpu: [] };
  let fromText = { wall: [], cpu: [] };
  let failed = null;
  const started = performance.now();
  try {
    // From the bytes in the core's own memory, as the native run starts from the bytes in its
    // heap (the target's figure): the file's bytes are written into wasm memory untimed, as the
    // native run reads the file untimed. Then, for comparison, from a Buffer (copied into wasm
    // memory in the timing) and from the text (encoded into it as UTF-8 in the timing).
    const held = new steward.SnapshotBytes(bytes.length, (view) => view.set(bytes));
    wasm = timed(runs, budgetMs, () => {
      const answer = held.analyze(OPTIONS);
      answerChars = answer.length;
      head = answer.slice(0, 200);
    });
    held.free();
    if (head.startsWith('{"type":"failure"')) failed = head;
    fromBuffer = timed(runs, budgetMs, () => {
      if (steward.analyzeBytes(bytes, OPTIONS).length !== answerChars) failed ??= 'the answer from a Buffer differs in length from the answer from wasm memory';
    });
    fromText = timed(runs, budgetMs, () => {
      if (steward.analyzeToString(text, OPTIONS).length !== answerChars) failed ??= 'the answer from the text differs in length from the answer from wasm memory';
    });
  } catch (error) {
    failed = failure(error, started, memory);
  }
  return {
    parseSamples: parse.wall,
    parseCpuSamples: parse.cpu,
    wasmSamples: wasm.wall,
    wasmCpuSamples: wasm.cpu,
    wasmFirstMs: wasm.first,
    wasmBufferSamples: fromBuffer.wall,
    wasmBufferCpuSamples: fromBuffer.cpu,
    wasmTextSamples: fromText.wall,
    wasmTextCpuSamples: fromText.cpu,
    answerChars,
    failed,
    wasmMemoryBytes: memory.buffer.byteLength,
  };
}

async function childMemory(file) {
  const bytes = readFileSync(file);
  const rssTextKiB = Math.round(process.memoryUsage().rss / 1024);
  const { steward, memory } = await loadWasm();
  const rssLoadedKiB = Math.round(process.memoryUsage().rss / 1024);
  const started = performance.now();
  let answerBytes = NaN;
  let failed = null;
  try {
    answerBytes = Buffer.byteLength(steward.analyzeBytes(bytes, OPTIONS));
  } catch (error) {
    failed = failure(error, started, memory);
  }
  return {
    answerBytes,
    failed,
    rssTextKiB,
    rssLoadedKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
    wasmMemoryBytes: memory.buffer.byteLength,
  };
}

// One wasm analysis of the snapshot handed over in 1 MiB chunks (`analyzeChunks`, as a snapshot stored
// in chunks is read): the whole text is never in memory, so this is the peak that has to fit Forge.
async function childChunks(file) {
  const { steward, memory } = await loadWasm();
  const rssLoadedKiB = Math.round(process.memoryUsage().rss / 1024);
  const started = performance.now();
  const cpuStarted = threadCpuMs();
  let answerBytes = NaN;
  let failed = null;
  const fd = openSync(file, 'r');
  const chunk = Buffer.alloc(1024 * 1024);
  try {
    const answer = steward.analyzeChunks(() => {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      return n === 0 ? undefined : chunk.subarray(0, n);
    }, OPTIONS);
    if (answer.startsWith('{"type":"failure"')) failed = answer.slice(0, 200);
    answerBytes = Buffer.byteLength(answer);
  } catch (error) {
    failed = failure(error, started, memory);
  } finally {
    closeSync(fd);
  }
  return {
    answerBytes,
    failed,
    ms: performance.now() - started,
    cpuMs: threadCpuMs() - cpuStarted,
    rssLoadedKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
    wasmMemoryBytes: memory.buffer.byteLength,
  };
}

if (process.argv[2] === '--child') {
  const [, , , mode, file, runs, budget] = process.argv;
  const result =
    mode === 'time'
      ? await childTime(file, Number(runs), Number(budget) * 1000)
      : mode === 'chunks'
        ? await childChunks(file)
        : await childMemory(file);
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
const synth = join(bench, 'target/release/steward-synth');
const native = join(bench, 'target/release/steward-bench-native');

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
    log('  JSON.parse and wasm, timed');
    let round = performance.now();
    r.time = nodeChild('time', snap.file, timeFlags);
    let roundMs = performance.now() - round;
    log('  wasm, peak memory');
    r.memory = nodeChild('memory', snap.file, ['--max-old-space-size=16384']);
    log('  wasm from chunks, peak memory');
    r.chunks = nodeChild('chunks', snap.file, []);
    log('  native');
    load.push(loadavg()[0]);
    round = performance.now();
    r.native = nativeRun(snap.file);
    roundMs += performance.now() - round;
    r.rounds = 1;
    while (r.rounds < ROUNDS && roundMs < ROUND_LIMIT_S * 1000 && ok(r.time) && !r.time.failed && ok(r.native)) {
      log(`  round ${r.rounds + 1}: JSON.parse and wasm, then native`);
      const t = nodeChild('time', snap.file, timeFlags);
      const n = nativeRun(snap.file, ['--no-breakdown']);
      if (!ok(t) || t.failed || !ok(n)) break;
      for (const k of ['parseSamples', 'parseCpuSamples', 'wasmSamples', 'wasmCpuSamples', 'wasmBufferSamples', 'wasmBufferCpuSamples', 'wasmTextSamples', 'wasmTextCpuSamples']) r.time[k].push(...t[k]);
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
  const parse = ok(r.time) ? median(r.time.parseSamples) : NaN;
  const parseCpu = ok(r.time) ? median(r.time.parseCpuSamples) : NaN;
  const wasm = ok(r.time) && !r.time.failed ? median(r.time.wasmSamples) : NaN;
  const wasmCpu = ok(r.time) && !r.time.failed ? median(r.time.wasmCpuSamples) : NaN;
  const wasmBuffer = ok(r.time) && !r.time.failed ? median(r.time.wasmBufferSamples) : NaN;
  const wasmBufferCpu = ok(r.time) && !r.time.failed ? median(r.time.wasmBufferCpuSamples) : NaN;
  const wasmText = ok(r.time) && !r.time.failed ? median(r.time.wasmTextSamples) : NaN;
  const wasmTextCpu = ok(r.time) && !r.time.failed ? median(r.time.wasmTextCpuSamples) : NaN;
  const nat = ok(r.native) ? r.native.medianMs : NaN;
  const natCpu = ok(r.native) ? r.native.medianCpuMs : NaN;
  r.figures = {
    parseMs: parse,
    wasmMs: wasm,
    nativeMs: nat,
    parseCpuMs: parseCpu,
    wasmCpuMs: wasmCpu,
    wasmBufferMs: wasmBuffer,
    wasmBufferCpuMs: wasmBufferCpu,
    wasmTextMs: wasmText,
    wasmTextCpuMs: wasmTextCpu,
    nativeCpuMs: natCpu,
    wasmOverNative: wasm / nat,
    wasmOverParse: wasm / parse,
    wasmOverNativeCpu: wasmCpu / natCpu,
    wasmOverParseCpu: wasmCpu / parseCpu,
    nativeOverParse: nat / parse,
    // At failure too: the high-water mark reached before it.
    peakRssMB: ok(r.memory) ? r.memory.maxRssKiB / 1024 : NaN,
    wasmMemoryMB: ok(r.memory) ? r.memory.wasmMemoryBytes / MB : NaN,
    chunksPeakRssMB: ok(r.chunks) ? r.chunks.maxRssKiB / 1024 : NaN,
    chunksWasmMemoryMB: ok(r.chunks) ? r.chunks.wasmMemoryBytes / MB : NaN,
    chunksMs: ok(r.chunks) && !r.chunks.failed ? r.chunks.ms : NaN,
    chunksCpuMs: ok(r.chunks) && !r.chunks.failed ? r.chunks.cpuMs : NaN,
    answerBytes: ok(r.memory) && !r.memory.failed ? r.memory.answerBytes : ok(r.native) ? r.native.answerBytes : NaN,
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
lines.push(`- Analysis: \`new SnapshotBytes(size, fill).analyze('${OPTIONS}')\` (and \`analyzeBytes\` from a Buffer, \`analyzeToString\` from the text): every service account and app account × every project, every permission with its grant paths, as the matrix form (each distinct cell once, every cell readable from it; \`schema/analysis-matrix-v1.schema.json\`). The \`analysis\` form (one entry per account and project) is the same answer expanded: its native cost and size are in "Native phases".`);
lines.push('');
lines.push('## Results', '');
lines.push('Wall-clock medians. In brackets: the main thread\'s on-CPU time, which competing processes do not inflate.', '');
row(['Size', 'Projects', 'Accounts', 'Accounts × projects', 'Snapshot MB', 'Answer MB', 'JSON.parse ms', 'wasm ms', 'native ms', 'wasm / native', 'wasm / JSON.parse', 'wasm from a Buffer; from text ms (/ native, / JSON.parse)', 'Peak RSS MB (wasm)', 'wasm memory MB', 'From chunks: wasm ms, peak RSS MB, wasm memory MB']);
row(Array(15).fill('---'));
const both = (wall, cpu, digits) => (Number.isFinite(wall) ? `${fmt(wall, digits)} (${fmt(cpu, digits)})` : '—');
for (const r of results) {
  const f = r.figures;
  const counts = r.native?.counts;
  const accounts = counts?.accounts ?? r.stats?.analysedAccounts;
  const projects = counts?.projects ?? r.stats?.projects;
  const failed = r.memory?.failed ? ' (failed)' : '';
  row([
    r.size,
    fmt(projects),
    fmt(accounts),
    fmt(accounts * projects),
    r.snapshot.bytes ? mb(r.snapshot.bytes) : '—',
    mb(f.answerBytes),
    both(f.parseMs, f.parseCpuMs, 0),
    both(f.wasmMs, f.wasmCpuMs, 0),
    both(f.nativeMs, f.nativeCpuMs, 0),
    both(f.wasmOverNative, f.wasmOverNativeCpu, 2),
    both(f.wasmOverParse, f.wasmOverParseCpu, 2),
    [[f.wasmBufferMs, f.wasmBufferCpuMs], [f.wasmTextMs, f.wasmTextCpuMs]]
      .map(([wall, cpu]) => (Number.isFinite(wall) ? `${both(wall, cpu, 0)} (${fmt(wall / f.nativeMs, 2)}, ${fmt(wall / f.parseMs, 2)})` : '—'))
      .join('; '),
    `${fmt(f.peakRssMB)}${failed}`,
    `${fmt(f.wasmMemoryMB)}${failed}`,
    `${both(f.chunksMs, f.chunksCpuMs, 0)}, ${fmt(f.chunksPeakRssMB)}, ${fmt(f.chunksWasmMemoryMB)}${r.chunks?.failed ? ' (failed)' : ''}`,
  ]);
}
lines.push('');
lines.push('## Targets', '');
lines.push('Verdicts on wall-clock time; on-CPU ratios in brackets.', '');
row(['Target', ...results.map((r) => r.size)]);
row(['---', ...results.map(() => '---')]);
const judged = (wall, cpu, limit) =>
  Number.isFinite(wall) ? `${fmt(wall, 2)} (${fmt(cpu, 2)}) ${verdict(wall, limit)}` : 'n/a';
row([
  `wasm / native ≤ ${TARGETS.wasmOverNative}`,
  ...results.map((r) => judged(r.figures.wasmOverNative, r.figures.wasmOverNativeCpu, TARGETS.wasmOverNative)),
]);
row([
  `analysis (wasm, bytes → full answer) / JSON.parse of the same bytes ≤ ${TARGETS.analysisOverParse}`,
  ...results.map((r) => judged(r.figures.wasmOverParse, r.figures.wasmOverParseCpu, TARGETS.analysisOverParse)),
]);
row([
  `XL peak memory (wasm process RSS, snapshot read in chunks) ≤ ${TARGETS.xlPeakMB} MB`,
  ...results.map((r) => {
    const peak = r.figures.chunksPeakRssMB;
    if (!Number.isFinite(peak)) return 'n/a';
    const text = r.chunks?.failed ? `≥ ${fmt(peak)} MB (failed)` : `${fmt(peak)} MB`;
    return r.size === 'XL' ? `${text} ${r.chunks?.failed ? 'FAIL' : verdict(peak, TARGETS.xlPeakMB)}` : text;
  }),
]);
row([
  'the same, the snapshot passed as one string (not a target: see Method)',
  ...results.map((r) => (Number.isFinite(r.figures.peakRssMB) ? `${fmt(r.figures.peakRssMB)} MB${r.memory?.failed ? ' (failed)' : ''}` : 'n/a')),
]);
lines.push('');

const failures = results.flatMap((r) =>
  [['generation', r.snapshot], ['JSON.parse + wasm (timed)', r.time], ['wasm (memory)', r.memory], ['wasm from chunks (memory)', r.chunks], ['native', r.native]]
    .filter(([, x]) => x?.error || x?.failed)
    .map(([what, x]) => `- ${r.size}, ${what}: ${x.error ?? x.failed}`),
);
if (failures.length) lines.push('## Failures', '', ...failures, '');

lines.push('## Native phases', '');
lines.push('One native analysis split as `analyze_json` does it: decoding the snapshot into the site model (`snapshot::load`; of which reading the document, which decodes its large parts as it goes), the engine (`engine::matrix`), serialising the answer; then, for comparison, the same answer expanded into the `analysis` form and serialised. RSS is the process\'s resident memory after each phase, everything before it still alive.', '');
row(['Size', 'load ms (reading)', 'engine ms', 'serialise ms', 'RSS: text / +site / +matrix / +answer MB', 'Project entries', 'Distinct access sets', 'Permissions', 'Paths', 'analysis form: expand + serialise ms (MB)', 'Native peak RSS MB']);
row(Array(11).fill('---'));
for (const r of results) {
  const n = r.native;
  if (!ok(n) || !n.breakdown) {
    row([r.size, '—', '—', '—', '—', '—', '—', '—', '—', '—', '—']);
    continue;
  }
  const b = n.breakdown;
  const c = n.counts;
  row([
    r.size,
    `${fmt(b.loadMs, 1)} (${fmt(b.rawParseMs, 1)})`,
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
lines.push(`- JSON.parse and wasm are timed in one Node process (\`--expose-gc\`, a GC before each run): \`JSON.parse(text)\` of the text already decoded (its decoding is not timed), then the wasm analysis from the file's bytes in wasm memory to the answer string, as the native run starts from the file's bytes in its heap: \`new SnapshotBytes(size, fill)\` has the file's bytes written straight into wasm memory (\`fill\` sets them into the view of it it is given, untimed, as the native run's \`std::fs::read\` is), and \`analyze(options)\` is timed; the core reads the bytes as they are, checking as UTF-8 each string it keeps. Then, for comparison and not judged: \`analyzeBytes(buffer, options)\` from a \`Buffer\`, which first copies the bytes into wasm memory (about 2 ms of the M site's analysis), and \`analyzeToString(text, options)\` from the text (a JS string), which \`TextEncoder.encodeInto\` first writes into wasm memory as UTF-8 (about 4 ms at M); native has neither step; pkg/ loaded with \`initSync\`. Median of up to ${RUNS} runs after ${WARMUP_MS / 1000} s of warm-up runs (at least one, at most ${WARMUP_RUNS}; V8 runs wasm on its baseline compiler first and swaps in optimised code in the background; a container answering many calls runs the optimised code); when the runs would not fit ${BUDGET} s, the first run counts and runs stop when the budget is spent. A size whose first timing round (this process, then the native one) takes under ${ROUND_LIMIT_S} s gets ${ROUNDS} rounds, one after the other, and its medians are over the pooled samples (${results.map((r) => `${r.size} ${r.rounds ?? 1}`).join(', ')}): on a shared machine a burst of load then weighs on both sides instead of on whichever ran through it. The first wasm call of a fresh process: ${results.filter((r) => ok(r.time) && Number.isFinite(r.time.wasmFirstMs)).map((r) => `${r.size} ${fmt(r.time.wasmFirstMs)} ms`).join(', ') || 'n/a'}.`);
lines.push('- Peak memory: a fresh Node process that reads the text and runs one wasm analysis; `process.resourceUsage().maxRSS` (Node itself, the text, the copy of it in wasm memory, the site model, the answer). wasm memory is the linear memory\'s size afterwards (it never shrinks). Reading the file as one string alone peaks at about twice its size (the bytes, then the string), so a snapshot of several hundred MB cannot fit 512 MB this way whatever the core does.');
lines.push('- From chunks: a fresh Node process that hands the snapshot file to `analyzeChunks(next, options)` 1 MiB at a time (as the stored snapshot\'s chunks would be): the core decodes as it reads, so neither the text nor a copy of it is ever whole; one run, wall time with on-CPU time in brackets, peak RSS and wasm memory as above. The XL memory target is judged on this figure.');
lines.push(`- Native: \`bench/target/release/steward-bench-native\` calls \`steward::api::analyze_bytes_json\` (what \`analyzeBytes\` calls) on the file's bytes in memory, same options, same sampling (the same warm-up too: the first runs of a process also pay for growing its heap, S about 8 ms a run against 5 ms once settled); built with steward's release settings (opt-level 3, fat LTO, one codegen unit, panic abort)${spawnSync('prlimit', ['--version']).status === 0 ? `, address space capped at ${fmt(NATIVE_MEM_MB)} MB` : ''}.`);
lines.push(`- Targets: wasm / native ≤ ${TARGETS.wasmOverNative}; analysis time from the snapshot's bytes to the full answer ≤ JSON.parse of the same bytes; XL peak memory ≤ ${TARGETS.xlPeakMB} MB.`);
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

const out = env.BENCH_OUT ? resolve(env.BENCH_OUT) : join(root, 'BENCHMARKS.md');
writeFileSync(out, lines.join('\n'));
mkdirSync(data, { recursive: true });
writeFileSync(join(data, 'results.json'), JSON.stringify(results, null, 2));
console.log(lines.join('\n'));
log(`wrote ${out}`);
