// The console's products stored from the core's `Console` (src/forge/scans/store.js storeConsole):
// a core that fails while it writes the accounts' details leaves the products' error, which the
// resolvers answer, and the details already stored referenced (swept with the scan) — not a job
// that throws at each retry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBlobStore } from '../../src/forge/blobs.js';
import { createStore } from '../../src/forge/storage.js';
import { createSnapshotStore, SHARD } from '../../src/forge/scans/store.js';
import { openSqlite } from '../../host/sqlite.mjs';

const policy = { registry: '{"accounts":[]}', settings: '{}', now: '2026-12-07', fingerprint: 'f' };
const products = JSON.stringify({
  type: 'success',
  warnings: [],
  result: { detailCount: SHARD + 5, findings: { findings: [], counts: {} }, schemes: {}, summary: {}, exports: { findingsCsv: '', inventoryCsv: '', reportMarkdown: '', accessCsv: null } },
});

async function stores() {
  const db = await openSqlite(null);
  const logs = [];
  const blobs = createBlobStore(db.client);
  return { blobs, logs, snapshots: createSnapshotStore({ blobs, store: createStore(db.client), log: (line) => logs.push(line) }) };
}

// A loaded snapshot whose console answers its products and then `detail(i)` as `detail` says.
function loadedWith(detail) {
  const freed = [];
  const run = { products: () => products, detail, free: () => freed.push('console') };
  return { loaded: { console: () => run }, freed };
}

test('a core that traps while writing the details leaves the products\' error and frees the console', async () => {
  const { snapshots, blobs, logs } = await stores();
  const { loaded, freed } = loadedWith((i) => {
    if (i === SHARD + 2) throw new WebAssembly.RuntimeError('unreachable');
    return JSON.stringify({ accountId: `bot-${i}` });
  });
  const ref = await snapshots.storeConsole('scan-1', loaded, { rev: 0, reason: 'scan', scan: {}, policy });
  assert.equal(ref.error.code, 'console-failed');
  assert.match(ref.error.message, /unreachable/);
  assert.deepEqual(freed, ['console']);
  // The first shard was stored before the trap: it stays referenced, so the sweep deletes it.
  assert.equal(ref.shards.length, 1);
  assert.equal(JSON.parse(await blobs.get(ref.shards[0])).length, SHARD);
  assert.ok(logs.some((line) => /could not be computed/.test(line)), logs.join('\n'));
});

test('a detail the core does not have is an error too, not a TypeError that escapes', async () => {
  const { snapshots } = await stores();
  const { loaded } = loadedWith((i) => (i < 3 ? '{}' : undefined));
  const ref = await snapshots.storeConsole('scan-1', loaded, { rev: 1, reason: 'registry', scan: {}, policy });
  assert.equal(ref.error.code, 'console-failed');
  assert.match(ref.error.message, /no detail 3 of 30/);
});

test('the core\'s failure envelope is kept as it is', async () => {
  const { snapshots } = await stores();
  const envelope = JSON.stringify({ type: 'failure', errors: [{ code: 'bad-input', message: 'registry: expected an object' }] });
  const { loaded } = loadedWith(() => {
    throw envelope;
  });
  const ref = await snapshots.storeConsole('scan-1', loaded, { rev: 0, reason: 'scan', scan: {}, policy });
  assert.deepEqual(ref.error, { code: 'bad-input', message: 'registry: expected an object' });
});
