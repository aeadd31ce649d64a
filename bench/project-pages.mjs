// The project pages a scan's digest job stores (src/forge/scans/projects.js), measured on the
// benchmark's synthetic sites: the time to cut every project's page from the loaded snapshot, the
// pages' sizes, peak memory, and (with --store) the time to store them and read one back through
// the local Forge SQL adapter.
//
// Usage: node bench/project-pages.mjs [--store] [--whole] SIZE...   (S, M, L, XL; default M L)
// --whole: load people too, as the digest job does since it computes the console's products.
// Each size runs in a fresh process. The snapshot comes from `steward-synth` (BENCH_SYNTH, default
// bench/target/release/steward-synth), cached in BENCH_DATA (default bench/.cache/data).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const synth = process.env.BENCH_SYNTH ?? join(root, 'bench/target/release/steward-synth');
const data = process.env.BENCH_DATA ?? join(root, 'bench/.cache/data');
const CHUNK = 1024 * 1024 - 32 * 1024;
const MB = 1024 * 1024;

function snapshotFile(size) {
  mkdirSync(data, { recursive: true });
  const file = join(data, `snapshot-${size}.json`);
  if (existsSync(file)) return file;
  const fd = openSync(file, 'w');
  const r = spawnSync(synth, [size], { stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  if (r.status !== 0) throw new Error(`steward-synth ${size} failed`);
  return file;
}

// One size, in this process: load as the digest job does, cut every page, optionally store.
async function measure(size, withStore, whole) {
  const steward = await import(join(root, 'pkg/steward.js'));
  const { readFileSync } = await import('node:fs');
  steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });
  const file = snapshotFile(size);
  const started = performance.now();
  const reader = new steward.SnapshotReader();
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(CHUNK);
  for (;;) {
    const n = readSync(fd, buffer, 0, CHUNK, null);
    if (!n) break;
    reader.push(new Uint8Array(buffer.buffer, buffer.byteOffset, n));
  }
  closeSync(fd);
  const loaded = reader.finish(undefined, !whole);
  const loadedAt = performance.now();
  const pages = loaded.projectPages('');
  const builtAt = performance.now();
  const sizes = [];
  const directory = pages.directory();
  const texts = withStore ? [['*accounts', directory]] : null;
  let broadOnly = 0;
  let listed = 0;
  for (let i = 0; i < pages.count(); i += 1) {
    const text = pages.page(i);
    sizes.push(text.length);
    if (texts) texts.push([pages.key(i), text]);
    if (i < 50) {
      const page = JSON.parse(text);
      broadOnly += page.broad.count;
      listed += page.accounts.length;
    }
  }
  const cutAt = performance.now();
  pages.free();
  loaded.free();
  reader.free();
  sizes.sort((a, b) => a - b);
  const total = sizes.reduce((a, b) => a + b, 0);
  const result = {
    size, projects: sizes.length, snapshotMB: +(statSync(file).size / MB).toFixed(1),
    loadS: +((loadedAt - started) / 1000).toFixed(2), engineS: +((builtAt - loadedAt) / 1000).toFixed(2), cutS: +((cutAt - builtAt) / 1000).toFixed(2),
    directoryKB: +(directory.length / 1024).toFixed(1), totalMB: +((total + directory.length) / MB).toFixed(1), meanKB: +(total / sizes.length / 1024).toFixed(1),
    p95KB: +(sizes[Math.floor(sizes.length * 0.95)] / 1024).toFixed(1), maxKB: +(sizes.at(-1) / 1024).toFixed(1),
    first50: { accountsListed: listed, broadOnly },
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  if (withStore) {
    const { openSqlite } = await import('../host/sqlite.mjs');
    const { cutIntoChunks } = await import('../src/forge/blobs.js');
    const storage = await openSqlite(null);
    const sql = storage.client;
    await sql.executeDDL('CREATE TABLE IF NOT EXISTS steward_project_pages (scan_id VARCHAR(64) NOT NULL, project_key VARCHAR(128) NOT NULL, seq INT NOT NULL, chunk MEDIUMTEXT NOT NULL, PRIMARY KEY (scan_id, project_key, seq))');
    const storeStarted = performance.now();
    let batch = [];
    let bytes = 0;
    let statements = 0;
    const flush = async () => {
      if (!batch.length) return;
      await sql.prepare(`INSERT INTO steward_project_pages (scan_id, project_key, seq, chunk) VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`).bindParams(...batch.flat()).execute();
      statements += 1;
      batch = [];
      bytes = 0;
    };
    for (const [key, text] of texts) {
      for (const [seq, chunk] of cutIntoChunks(text).entries()) {
        batch.push(['scan', key, seq, chunk]);
        bytes += chunk.length;
        if (bytes >= 512 * 1024 || batch.length >= 100) await flush();
      }
    }
    await flush();
    const storedAt = performance.now();
    const largest = texts.reduce((a, b) => (b[1].length > a[1].length ? b : a));
    const reads = [];
    for (let i = 0; i < 20; i += 1) {
      const t = performance.now();
      const rows = (await sql.prepare('SELECT seq, chunk FROM steward_project_pages WHERE scan_id = ? AND project_key = ? ORDER BY seq').bindParams('scan', largest[0]).execute()).rows;
      JSON.parse(rows.map((r) => r.chunk).join(''));
      reads.push(performance.now() - t);
    }
    reads.sort((a, b) => a - b);
    Object.assign(result, { storeS: +((storedAt - storeStarted) / 1000).toFixed(2), statements, readLargestMs: +reads[10].toFixed(1) });
    storage.close();
  }
  return result;
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  console.log(JSON.stringify(await measure(args[1], args[2] === 'store', args[3] === 'whole')));
} else {
  const withStore = args.includes('--store');
  const whole = args.includes('--whole');
  const sizes = args.filter((a) => !a.startsWith('--'));
  const rows = [];
  for (const size of sizes.length ? sizes : ['M', 'L']) {
    snapshotFile(size);
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', size, withStore ? 'store' : '', whole ? 'whole' : ''], { encoding: 'utf8', maxBuffer: 16 * MB });
    if (r.status !== 0) {
      console.error(`${size}: failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
      continue;
    }
    rows.push(JSON.parse(r.stdout));
    console.error(r.stdout.trim());
  }
  console.log('| Size | Projects | Snapshot MB | Load s | Engine s | Cut pages s | Stored MB | Page mean KB | p95 KB | Max KB | Directory KB | Peak RSS MB |' + (withStore ? ' Store s (statements) | Read largest ms |' : ''));
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|' + (withStore ? '---:|---:|' : ''));
  for (const r of rows) {
    console.log(`| ${r.size} | ${r.projects.toLocaleString('en')} | ${r.snapshotMB} | ${r.loadS} | ${r.engineS} | ${r.cutS} | ${r.totalMB} | ${r.meanKB} | ${r.p95KB} | ${r.maxKB} | ${r.directoryKB} | ${r.peakRssMB} |${withStore ? ` ${r.storeS} (${r.statements}) | ${r.readLargestMs} |` : ''}`);
  }
}
