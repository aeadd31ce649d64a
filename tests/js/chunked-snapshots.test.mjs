// Stored snapshots read chunk by chunk (blobs.chunks → the core's SnapshotReader) give the answers
// the snapshot read as one string gives; a damaged chunk is refused before anything is made of it.
// (The project page no longer analyses the snapshot: it reads the page the scan stored, tested in
// tests/project_pages.rs, tests/js/project-resolvers.test.mjs and tests/browser/project-page.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqlite } from '../../host/sqlite.mjs';
import { createBlobStore } from '../../src/forge/blobs.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const steward = await import(join(root, 'pkg/steward.js'));
steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

async function loadChunks(chunks, project) {
  const reader = new steward.SnapshotReader();
  for await (const chunk of chunks) reader.push(chunk);
  return reader.finish(project);
}

test('every scenario read from stored chunks answers as from one string', async () => {
  const db = await openSqlite(null);
  // Small chunks, so each scenario is stored in many and cuts fall inside names and numbers.
  const blobs = createBlobStore(db.client, { budget: 512 });
  try {
    for (const name of readdirSync(join(root, 'tests/scenarios'))) {
      const text = readFileSync(join(root, 'tests/scenarios', name, 'snapshot.json'), 'utf8');
      const ref = await blobs.put(`s-${name.replace(/[^A-Za-z0-9_-]/g, '-')}/snapshot`, text);
      assert.ok(ref.chunks > 1, name);
      const loaded = await loadChunks(blobs.chunks(ref));
      try {
        const one = await loadChunks([text]);
        for (const options of ['{"allAccounts":true,"form":"matrix"}', '{"skipTransitions":false}']) {
          assert.deepEqual(JSON.parse(loaded.analyze(options)), steward.analyze(text, options), `${name} ${options}`);
        }
        assert.deepEqual(loaded.inventory(), one.inventory(), name);
        assert.deepEqual(loaded.overview(), one.overview(), name);
        one.free();
      } finally {
        loaded.free();
      }
    }
  } finally {
    db.close();
  }
});

test('a damaged or missing chunk is refused after the last chunk, before the result is used', async () => {
  const db = await openSqlite(null);
  const blobs = createBlobStore(db.client, { budget: 512 });
  try {
    const text = readFileSync(join(root, 'tests/scenarios', readdirSync(join(root, 'tests/scenarios'))[0], 'snapshot.json'), 'utf8');
    const ref = await blobs.put('scan-9/snapshot', text);
    // One character changed, the length kept: still valid JSON, so only the hash can tell.
    const [{ chunk }] = (await db.client.prepare('SELECT chunk FROM steward_blobs WHERE blob_id = ? AND seq = 1').bindParams(ref.id).execute()).rows;
    const changed = chunk.replace(/[a-z]/, (c) => (c === 'a' ? 'b' : 'a'));
    assert.notEqual(changed, chunk);
    await db.client.prepare('UPDATE steward_blobs SET chunk = ? WHERE blob_id = ? AND seq = 1').bindParams(changed, ref.id).execute();
    let used = false;
    await assert.rejects(async () => {
      const loaded = await loadChunks(blobs.chunks(ref));
      used = true;
      loaded.free();
    }, { code: 'corrupt-blob', message: /blob `scan-9\/snapshot` is missing or damaged/ });
    assert.equal(used, false, 'nothing was made of the damaged chunks');
    await assert.rejects(blobs.get(ref), { code: 'corrupt-blob' });

    await db.client.prepare('DELETE FROM steward_blobs WHERE blob_id = ? AND seq = 2').bindParams(ref.id).execute();
    await assert.rejects(async () => { for await (const _ of blobs.chunks(ref)); }, { code: 'corrupt-blob', message: /2 of \d+ chunks/ });
  } finally {
    db.close();
  }
});
