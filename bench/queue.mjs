// A full scan of a simulator site through the local queue, the way Forge runs it: the startScan
// resolver queues the first job, each `steward-scans` event is one consumer invocation (at most
// 900 s) that runs the core's scan within the hour's share of the points quota, stores its
// checkpoint and queues the next one, waiting for the next quota hour when the share is spent; the
// digest of the finished scan may be a job of its own. `make bench` (bench/run.mjs, QUEUE_SIZE,
// default XL, empty to skip), or alone: `node bench/queue.mjs [--size S] [--write]`.
//
// Reported: the jobs (each with its calls, points, wall time and the process's peak RSS while it
// ran), the scan's calls and points (the simulator's count), the hours it spans on the queue's
// clock (a virtual clock: waits for the next quota hour pass at once, so the hours are simulated
// and the wall time is real), and the peak memory. The simulator runs in a child process so its
// world is not counted; the local SQLite (sql.js, in this process, as Forge SQL is remote) holds
// the stored chunks and is counted, and its size is reported beside.
import { writeSection } from './sections.mjs';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = dirname(fileURLToPath(import.meta.url));
const root = resolve(bench, '..');
const SECTION = '## Scan through the queue (local Forge platform)';
const SAMPLE_MS = 100;
const mb = (bytes) => Math.round(bytes / 1048576).toLocaleString('en-US');
const n = (x) => Math.round(x).toLocaleString('en-US');

// The simulator of `size` in a child process; answers its URL, its stats and how to stop it.
async function simulator(size) {
  const child = spawn(process.execPath, [join(root, 'sim/server.mjs'), '--size', size, '--port', '0', '--page-cap', '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolveUrl, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/jira simulator on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) resolveUrl(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before it listened`)));
  });
  return {
    url,
    stats: async () => (await fetch(`${url}/__sim/stats`)).json(),
    close: () => new Promise((r) => { child.once('exit', r); child.kill(); }),
  };
}

export async function queueBench({ size = 'XL', log = console.error } = {}) {
  const { createPlatform } = await import('../host/platform.mjs');
  const { openSqlite } = await import('../host/sqlite.mjs');
  const { createStore } = await import('../src/forge/storage.js');
  const { virtualClock } = await import('../tests/js/fixtures/virtual-clock.mjs');
  const sim = await simulator(size);
  const clock = virtualClock('2026-11-23T08:01:00Z');
  // The core's own waits inside a job (the host bridge's `sleep`, src/forge/jira-host.js: for the
  // next quota hour when it comes before the job's end, and between bursts) pass in simulated
  // time too, as bench/scan.mjs passes them: found by the caller's frame, every other timer
  // (the platform's limits, Jira calls' timeouts) keeps real time.
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = function setTimeout(fn, ms, ...rest) {
    if (ms >= 10 && /\bat (?:Object\.)?sleep \(.*index\.cjs/.test(new Error().stack ?? '')) {
      clock.advance(ms);
      return realSetTimeout(fn, 0, ...rest);
    }
    return realSetTimeout(fn, ms, ...rest);
  };
  // The core's wasm memory, apart from the local SQLite's (sql.js, also wasm, in this process): the
  // bundle instantiates the core synchronously (initSync), sql.js asynchronously.
  const cores = [];
  const RealInstance = WebAssembly.Instance;
  WebAssembly.Instance = function Instance(module, imports) {
    const instance = new RealInstance(module, imports);
    if (instance.exports.memory instanceof WebAssembly.Memory) cores.push(instance.exports.memory);
    return instance;
  };
  const storage = await openSqlite(null);
  const store = createStore(storage.client);
  // Burst pacing against the simulator is not what is measured: the hour's share of the quota is.
  const platform = createPlatform({
    jira: { url: sim.url, email: 'ada@steward-demo.example', token: 'demo-token' },
    bundlePath: join(root, 'host/.build/index.cjs'), storage, clock, env: { STEWARD_SCAN_RPS: '1000' },
  });
  const deliveries = platform.queue.delivered;
  // Samples of the RSS, attributed to the delivery that ends next.
  const peaks = [];
  const starts = [];
  const wasmPeaks = [];
  const heapPeaks = [];
  let seen = 0;
  let started = performance.now();
  const walls = [];
  const record = (at) => {
    const { rss, heapUsed } = process.memoryUsage();
    peaks[at] = Math.max(peaks[at] ?? 0, rss);
    starts[at] ??= rss;
    wasmPeaks[at] = Math.max(wasmPeaks[at] ?? 0, ...cores.map((m) => m.buffer.byteLength));
    heapPeaks[at] = Math.max(heapPeaks[at] ?? 0, heapUsed);
  };
  const sampler = setInterval(() => {
    while (seen < deliveries.length) {
      walls[seen] = performance.now() - started;
      started = performance.now();
      seen += 1;
    }
    record(seen);
  }, SAMPLE_MS);
  // A job's work in wasm holds the event loop, so the interval may not fire before the delivery
  // ends: a sample is also taken as each delivery is recorded, for it.
  const deliveredPush = deliveries.push.bind(deliveries);
  deliveries.push = (...items) => {
    record(deliveries.length);
    return deliveredPush(...items);
  };
  const wall = performance.now();
  let status;
  // A trap in the core (out of wasm memory) can surface outside the consumer's promise and end
  // the process: the run is then reported as far as it went, with the error.
  let crashed = null;
  let onCrash;
  const crash = new Promise((resolveCrash) => {
    onCrash = (error) => {
      crashed = error;
      resolveCrash();
    };
  });
  process.on('uncaughtException', onCrash);
  let logged = 0;
  const progress = setInterval(() => {
    for (; logged < deliveries.length; logged += 1) {
      const d = deliveries[logged];
      log(`queue: delivery ${logged + 1} (${d.body.digest ? 'digest' : 'scan'}) ${d.outcome}, RSS peak ${mb(peaks[logged + 1] ?? peaks[logged] ?? 0)} MB`);
    }
  }, 1000);
  try {
    const admin = await fetch(`${sim.url}/rest/api/3/myself`, { headers: { authorization: `Basic ${Buffer.from('ada@steward-demo.example:demo-token').toString('base64')}` } }).then((r) => r.json());
    log(`queue: scanning the size ${size} site through the local queue`);
    const start = await platform.invoke({ functionKey: 'startScan', payload: {}, context: { extension: { type: 'jira:adminPage' } }, accountId: admin.accountId });
    if (start.type !== 'success') throw new Error(`startScan: ${JSON.stringify(start.errors)}`);
    await Promise.race([platform.queue.idle(), crash]);
    status = crashed ? null : (await platform.invoke({ functionKey: 'scanStatus', payload: {}, context: { extension: { type: 'jira:adminPage' } }, accountId: admin.accountId })).result;
  } finally {
    clearInterval(sampler);
    clearInterval(progress);
    process.off('uncaughtException', onCrash);
  }
  const seconds = (performance.now() - wall) / 1000;
  while (seen < deliveries.length) {
    walls[seen] = performance.now() - started;
    seen += 1;
  }
  const stats = await sim.stats();
  const scan = status?.scan ?? (await store.get('scan', 'state'))?.value?.current;
  // Each job's calls and points: the differences of the scan's own record's versions.
  const versions = (await store.history('scans', scan.scanId)).filter((v) => ['scan:checkpoint', 'scan:done'].includes(v.action)).map((v) => v.value);
  const stored = (await storage.client.prepare('SELECT SUM(LENGTH(chunk)) AS n FROM steward_blobs').bindParams().execute()).rows[0].n;
  platform.close();
  if (!crashed) await platform.queue.idle();
  storage.close();
  clock.restore();
  globalThis.setTimeout = realSetTimeout;
  WebAssembly.Instance = RealInstance;
  await sim.close();

  // Samples taken while delivery i ran carry index i (the count of deliveries ended before it).
  const jobs = deliveries.map((d, i) => ({
    kind: d.body.digest ? 'digest' : 'wait', outcome: d.outcome, at: d.at, wallS: (walls[i] ?? 0) / 1000,
    startMB: Number(mb(starts[i] ?? 0).replace(/,/g, '')), peakMB: Number(mb(peaks[i] ?? 0).replace(/,/g, '')),
    wasmMB: Number(mb(wasmPeaks[i] ?? 0).replace(/,/g, '')), heapMB: Number(mb(heapPeaks[i] ?? 0).replace(/,/g, '')),
  }));
  // A delivery that wrote a checkpoint or the finished scan ran a job; the others were hops of
  // a wait for the next quota hour (or repeats). Matched by time: the first delivery to end
  // after the version was written.
  let previous = { calls: 0, points: 0 };
  for (const v of versions) {
    const job = jobs.find((j) => j.kind === 'wait' && j.at >= Date.parse(v.updatedAt ?? v.finishedAt ?? 0));
    if (!job) continue;
    Object.assign(job, { kind: 'scan job', calls: v.calls - previous.calls, points: v.points - previous.points });
    previous = v;
  }
  if (crashed) jobs.push({ kind: 'scan job', startMB: Number(mb(starts[deliveries.length] ?? 0).replace(/,/g, '')), outcome: `crashed: ${String(crashed.message ?? crashed).split('\n')[0]}`, wallS: (performance.now() - started) / 1000, peakMB: Number(mb(peaks[deliveries.length] ?? 0).replace(/,/g, '')) });
  const hours = ((crashed ? Date.now() : Date.parse(scan.finishedAt)) - Date.parse(scan.startedAt)) / 3_600_000;
  const lines = [SECTION, ''];
  lines.push(`Measured by \`bench/queue.mjs\`: a full scan of the simulator's size ${size} site through the local platform's queue (host/platform.mjs: Forge's async events, each job a consumer invocation of at most 900 s, a wait for the next quota hour as delayed events of at most 15 minutes), at the scan's default share of the quota (50 % of 65,000 points an hour). The queue's clock is virtual (waits pass at once): hours are simulated, wall time is real. The simulator ran in a child process; the local SQLite (sql.js, in the measured process) held ${mb(stored)} MB of stored chunks at the end, included in the RSS.`, '');
  lines.push('| Size | Jobs (scan + digest) | Calls | Points | Simulated hours | Wall time | Peak RSS |', '|---|---:|---:|---:|---:|---:|---:|');
  lines.push(`| ${size} | ${jobs.filter((j) => j.kind === 'scan job').length} + ${jobs.filter((j) => j.kind === 'digest').length} (${deliveries.length} deliveries) | ${n(stats.calls)} | ${n(stats.points)} | ${hours.toFixed(1)} | ${n(seconds)} s | ${n(Math.max(...jobs.map((j) => j.peakMB)))} MB |`, '');
  lines.push('Per delivery of a queue event: calls and points of each scan job from the scan\'s own ledger (the core\'s count and price estimate; the totals above are the simulator\'s count, which also has the resolver calls around the scan).', '');
  lines.push('| Delivery | Kind | Outcome | Calls | Points | Wall time (since the previous delivery ended) | RSS at its start | Peak RSS while it ran | Core wasm memory | Peak JS heap |', '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|');
  // A delivery shorter than the sampling interval has no sample: "—".
  const rss = (x) => (x ? `${n(x)} MB` : '—');
  jobs.forEach((j, i) => lines.push(`| ${i + 1} | ${j.kind === 'wait' ? 'hop (waiting for the next quota hour)' : j.kind} | ${j.outcome} | ${j.calls === undefined ? '' : n(j.calls)} | ${j.points === undefined ? '' : n(j.points)} | ${j.wallS.toFixed(1)} s | ${rss(j.startMB)} | ${rss(j.peakMB)} | ${rss(j.wasmMB)} | ${rss(j.heapMB)} |`));
  lines.push('', 'One process runs every job, as a warm Forge container would: the core\'s wasm memory grows to what the largest job needed and does not shrink, so a job\'s RSS at its start carries what the jobs before it left. The RSS also holds the local SQLite (sql.js keeps the whole database in its own wasm memory, which does not shrink either), where Forge\'s storage is a remote service: the core\'s wasm memory (its size at the delivery\'s end; it only grows) and the JS heap are what a Forge function itself would hold.');
  lines.push('', crashed
    ? `The scan did not finish: the process ended in job ${jobs.length} with \`${String(crashed.message ?? crashed).split('\n')[0]}\`${/unreachable/.test(crashed.message) && /rust_oom/.test(crashed.stack ?? '') ? ' (the core ran out of wasm memory: `alloc::rust_oom`)' : ''}; the figures above are up to that point.`
    : `The scan ${scan.status === 'done' ? 'finished' : `ended ${scan.status}`}: complete ${scan.complete}, ${scan.gaps ?? 0} gap(s).`, '');
  return { section: lines.join('\n'), jobs, stats, hours, seconds };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--size');
  const size = (at > 0 ? process.argv[at + 1] : process.env.QUEUE_SIZE || 'XL').toUpperCase();
  const { section } = await queueBench({ size });
  console.log(section);
  if (process.argv.includes('--write')) {
    writeSection(SECTION, section);
    console.error('queue: wrote its section into BENCHMARKS.md');
  }
}
