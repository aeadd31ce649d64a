// Chunked blobs (src/forge/blobs.js) on the local SQLite adapter and through @forge/sql over the
// Forge SQL API, with Forge SQL's limits enforced by the adapter: a request of at most 1 MiB, an
// answer of at most 4 MiB. A multi-MB snapshot only fits in chunks.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createBlobStore, cutIntoChunks } from '../../src/forge/blobs.js';
import { createStore } from '../../src/forge/storage.js';
import { openSqlite, REQUEST_LIMIT, RESPONSE_LIMIT } from '../../host/sqlite.mjs';

const require = createRequire(import.meta.url);

// About 6 MB of snapshot-like JSON: quotes to escape, non-ASCII letters, emoji (surrogate pairs)
// and control characters, so JSON encoding makes chunks grow and cuts can fall inside a pair.
function bigText(bytes = 6 * 1024 * 1024) {
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i += 1) {
    const part = JSON.stringify({ accountId: `5b10:${i}`, displayName: `bot «${i}» 🤖 Zoë\t"quoted"`, groups: ['jira-software-users', `team-${i % 97}`] });
    parts.push(part);
    size += Buffer.byteLength(part);
  }
  return `[${parts.join(',')}]`;
}

// Every Forge SQL request and answer the adapter serves, with their sizes.
async function measuredForgeSql() {
  const db = await openSqlite(null);
  const seen = [];
  globalThis.__forge_fetch__ = async ({ remote }, path, init) => {
    assert.equal(remote, 'sql');
    const response = await db.answer(path, init);
    const body = await response.text();
    seen.push({ request: Buffer.byteLength(init.body), response: Buffer.byteLength(body), status: response.status });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  const { sql } = require('@forge/sql');
  return { sql, seen, close: () => db.close() };
}

describe('chunked blobs', () => {
  for (const [label, open] of [
    ['local SQLite adapter', async () => { const db = await openSqlite(null); return { sql: db.client, seen: null, close: () => db.close() }; }],
    ['@forge/sql over the Forge SQL API', measuredForgeSql],
  ]) {
    test(`a 6 MB text round-trips in chunks within Forge SQL's limits: ${label}`, async () => {
      const { sql, seen, close } = await open();
      const blobs = createBlobStore(sql);
      const text = bigText();
      const ref = await blobs.put('scan-1/snapshot', text);
      assert.ok(ref.chunks >= 6, `${ref.chunks} chunks`);
      assert.equal(ref.length, text.length);
      assert.equal(await blobs.get(ref), text);
      assert.deepEqual(await blobs.ids(), ['scan-1/snapshot']);
      if (seen) {
        assert.ok(seen.every((s) => s.status === 200), JSON.stringify(seen.filter((s) => s.status !== 200)));
        assert.ok(seen.every((s) => s.request <= REQUEST_LIMIT), `largest request ${Math.max(...seen.map((s) => s.request))}`);
        assert.ok(seen.every((s) => s.response <= RESPONSE_LIMIT), `largest answer ${Math.max(...seen.map((s) => s.response))}`);
        assert.ok(Math.max(...seen.map((s) => s.request)) > REQUEST_LIMIT / 2, 'chunks are not needlessly small');
      }
      // Written again under the same id (a retried job): replaced, not doubled.
      const again = await blobs.put('scan-1/snapshot', 'short');
      assert.equal(again.chunks, 1);
      assert.equal(await blobs.get(again), 'short');
      await blobs.delete('scan-1/snapshot');
      assert.deepEqual(await blobs.ids(), []);
      close();
    });
  }
});

test('without chunks the same value is refused: the adapter enforces the 1 MiB request limit', async () => {
  const db = await openSqlite(null);
  const store = createStore(db.client);
  await assert.rejects(
    store.put('registry', 'big', { text: bigText(2 * 1024 * 1024) }, { expectedVersion: 0, by: 'test', at: '2026-11-23T08:00:00Z', action: 'register' }),
    /the query request is \d+ bytes; Forge SQL takes at most 1048576 bytes a request/,
  );
  db.close();
});

test('a blob with a missing chunk is reported as damaged, not returned short', async () => {
  const db = await openSqlite(null);
  const blobs = createBlobStore(db.client);
  const ref = await blobs.put('scan-2/snapshot', bigText(3 * 1024 * 1024));
  await db.client.prepare('DELETE FROM steward_blobs WHERE blob_id = ? AND seq = ?').bindParams('scan-2/snapshot', 1).execute();
  await assert.rejects(blobs.get(ref), { code: 'corrupt-blob', message: /blob `scan-2\/snapshot` is missing or damaged: \d+ of \d+ chunks/ });
  await assert.rejects(blobs.put('../x', 'a'), { code: 'bad-input', message: /blob id `\.\.\/x`/ });
  db.close();
});

test('cuts respect the budget and never split a surrogate pair', () => {
  const text = '🤖"a'.repeat(5000);
  const chunks = cutIntoChunks(text, 1000);
  assert.equal(chunks.join(''), text);
  for (const chunk of chunks) {
    assert.ok(Buffer.byteLength(JSON.stringify(chunk)) <= 1000);
    assert.ok(!/[\ud800-\udbff]$/.test(chunk) && !/^[\udc00-\udfff]/.test(chunk), 'a pair was cut');
  }
  assert.deepEqual(cutIntoChunks(''), ['']);
});
