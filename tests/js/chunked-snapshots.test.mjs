// Stored snapshots read chunk by chunk (blobs.chunks → the core's SnapshotReader) give the answers
// the snapshot read as one string gives; a damaged chunk is refused before anything is made of it; and the
// project page's answer (decoded for its project only) is the project's part of the full analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlatform } from '../../host/platform.mjs';
import { openSqlite } from '../../host/sqlite.mjs';
import { createBlobStore } from '../../src/forge/blobs.js';
import { createStore } from '../../src/forge/storage.js';
import { startSimulator } from '../../sim/server.mjs';

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

// The simulator (the demo company or a sized site), a database, and the bundle on the platform.
async function scanned(size) {
  const sim = await startSimulator(size ? { size, pageCap: 1000 } : {});
  const storage = await openSqlite(null);
  const ada = sim.world.users.find((u) => u.email?.startsWith('ada@'));
  const platform = createPlatform({
    jira: { url: sim.url, email: ada.email, token: ada.token },
    bundlePath: join(root, 'host/.build/index.cjs'),
    storage,
    env: { STEWARD_SCAN_RPS: '1000', STEWARD_SCAN_POINTS_PER_HOUR: '10000000', STEWARD_SCAN_SHARE: '1' },
  });
  const call = (functionKey, context) => platform.invoke({ functionKey, payload: {}, context, accountId: ada.accountId });
  const admin = (fn) => call(fn, { extension: { type: 'jira:adminPage' } });
  assert.equal((await admin('startScan')).type, 'success');
  await platform.queue.idle();
  const store = createStore(storage.client);
  const blobs = createBlobStore(storage.client);
  const entry = () => store.get('scan', 'state').then((r) => r.value.snapshots[0]);
  return {
    sim, storage, blobs, entry,
    projectBots: (key) => call('projectBots', { extension: { type: 'jira:projectSettingsPage', project: { id: '1', key, type: 'software' } } }),
    async close() {
      platform.close();
      await platform.queue.idle();
      await sim.close();
      storage.close();
    },
  };
}

// The project's part of the full analysis (every project, transitions included): what the page
// answered before it decoded for one project only.
function projectPart(full, key) {
  const { accounts, warnings, ...rest } = full;
  return { rest, accounts: accounts.map((a) => ({ ...a, projects: a.projects.filter((p) => p.key === key) })), warnings };
}

async function assertProjectAnswers(site, keys) {
  const text = await site.blobs.get((await site.entry()).blob);
  const full = steward.analyze(text, JSON.stringify({ skipTransitions: false }));
  for (const key of keys) {
    const answer = await site.projectBots(key);
    assert.equal(answer.type, 'success', JSON.stringify(answer.errors));
    const { analysis } = answer.result;
    const { accounts, warnings, ...rest } = analysis;
    const expected = projectPart(full, key);
    assert.deepEqual(rest, expected.rest, key);
    assert.deepEqual(accounts, expected.accounts, key);
    // Its warnings are the full analysis's, and every one of them about this project is there.
    const seen = new Set(expected.warnings.map((w) => JSON.stringify(w)));
    assert.ok(warnings.every((w) => seen.has(JSON.stringify(w))), key);
    const mine = new Set(warnings.map((w) => JSON.stringify(w)));
    assert.ok(expected.warnings.filter((w) => w.project === key).every((w) => mine.has(JSON.stringify(w))), key);
    // The same as the one-string export with the project option, and the same again when cached.
    assert.deepEqual(analysis, steward.analyze(text, JSON.stringify({ skipTransitions: false, project: key })), key);
    assert.deepEqual((await site.projectBots(key)).result.analysis, analysis, key);
  }
}

test('projectBots on the demo company is each project\'s part of the full analysis', { timeout: 300_000 }, async () => {
  const demo = await scanned();
  try {
    const keys = demo.sim.world.projects.map((p) => p.key);
    const analysis = (await demo.projectBots('PAY')).result.analysis;
    assert.ok(analysis.accounts.some((a) => a.projects.length && a.projects[0].transitions?.length), 'transitions are answered');
    await assertProjectAnswers(demo, keys);

    // A damaged stored snapshot is refused, not analysed.
    const ref = (await demo.entry()).blob;
    await demo.storage.client.prepare("UPDATE steward_blobs SET chunk = REPLACE(chunk, 'BROWSE_PROJECTS', 'BROWSE_PROJECTZ') WHERE blob_id = ? AND seq = 0").bindParams(ref.id).execute();
    const refused = await demo.projectBots('WEB');
    assert.equal(refused.type, 'failure');
    assert.equal(refused.errors[0].code, 'corrupt-blob');
  } finally {
    await demo.close();
  }
});

test('projectBots on the size S site is each project\'s part of the full analysis', { timeout: 600_000 }, async () => {
  const s = await scanned('S');
  try {
    const keys = s.sim.world.projects.map((p) => p.key);
    await assertProjectAnswers(s, [keys[0], keys[1], keys[Math.floor(keys.length / 2)], keys.at(-1)]);
  } finally {
    await s.close();
  }
});
