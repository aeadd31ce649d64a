// The storage contract (src/forge/storage.js), run against:
//   - the local adapter: SQLite in a file through sql.js (host/sqlite.mjs), and
//   - Forge's own SQL client (@forge/sql, unmodified) whose requests reach the same SQLite through
//     the Forge SQL HTTP API the local host answers — the production code path minus the network.
// Then the review flow end to end: a decision computed by the wasm core, stored with its version,
// replayed, and raced.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createStore, StorageError } from '../../src/forge/storage.js';
import { openSqlite } from '../../host/sqlite.mjs';
import { loadedSnapshots } from './loaded.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const AT = '2026-11-23T08:00:00.000Z';
const meta = (expectedVersion, extra = {}) => ({ expectedVersion, by: 'human-1', at: AT, action: 'register', ...extra });

async function localAdapter() {
  const dir = mkdtempSync(join(tmpdir(), 'steward-store-'));
  const file = join(dir, 'steward.sqlite');
  const db = await openSqlite(file);
  return { store: createStore(db.client), file, reopen: async () => createStore((await openSqlite(file)).client), done: () => rmSync(dir, { recursive: true, force: true }) };
}

async function forgeSqlOverLocalApi() {
  const db = await openSqlite(null);
  globalThis.__forge_fetch__ = async ({ remote }, path, init) => {
    assert.equal(remote, 'sql', 'only the SQL service is reached');
    return db.answer(path, init);
  };
  const { sql } = require('@forge/sql');
  return { store: createStore(sql), done: () => db.close() };
}

for (const [label, open] of [['local SQLite adapter', localAdapter], ['@forge/sql over the Forge SQL API', forgeSqlOverLocalApi]]) {
  describe(`storage contract: ${label}`, () => {
    test('a record is created, read, changed and listed with its version', async () => {
      const { store, done } = await open();
      assert.equal(await store.get('registry', 'bot-1'), null);
      assert.deepEqual(await store.put('registry', 'bot-1', { owner: 'human-1' }, meta(0)), { id: 'bot-1', version: 1 });
      await store.put('registry', 'bot-0', { owner: 'human-2' }, meta(0));
      await store.put('registry', 'bot-1', { owner: 'human-2' }, meta(1, { action: 'change-owner', why: 'hand-over' }));
      const latest = await store.get('registry', 'bot-1');
      assert.equal(latest.version, 2);
      assert.deepEqual(latest.value, { owner: 'human-2' });
      assert.deepEqual((await store.list('registry')).map((r) => [r.id, r.version]), [['bot-0', 1], ['bot-1', 2]]);
      assert.deepEqual(await store.list('settings'), []);
      done();
    });

    test('a write based on a stale version is refused and changes nothing', async () => {
      const { store, done } = await open();
      await store.put('registry', 'bot-1', { v: 1 }, meta(0));
      await store.put('registry', 'bot-1', { v: 2 }, meta(1));
      await assert.rejects(store.put('registry', 'bot-1', { v: 'stale' }, meta(1)), (error) => {
        assert.ok(error instanceof StorageError);
        assert.equal(error.code, 'conflict');
        assert.match(error.message, /registry record `bot-1` is at version 2, not 1/);
        return true;
      });
      await assert.rejects(store.put('registry', 'bot-1', { v: 'again' }, meta(0)), { code: 'conflict' }, 'creating an existing record');
      await assert.rejects(store.put('registry', 'bot-1', { v: 'ahead' }, meta(7)), { code: 'conflict' }, 'a version from the future');
      assert.deepEqual((await store.get('registry', 'bot-1')).value, { v: 2 });
      assert.equal((await store.history('registry', 'bot-1')).length, 2);
      done();
    });

    test('two writers racing from the same version: exactly one wins, the other gets a conflict', async () => {
      const { store, done } = await open();
      await store.put('registry', 'bot-1', { v: 1 }, meta(0));
      const results = await Promise.allSettled([
        store.put('registry', 'bot-1', { v: 'a' }, meta(1, { by: 'human-1' })),
        store.put('registry', 'bot-1', { v: 'b' }, meta(1, { by: 'human-2' })),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      assert.equal(results.find((r) => r.status === 'rejected').reason.code, 'conflict');
      const history = await store.history('registry', 'bot-1');
      assert.equal(history.length, 2, 'nothing was overwritten');
      assert.deepEqual(history.at(-1).value, { v: results[0].status === 'fulfilled' ? 'a' : 'b' });
      done();
    });

    test('the history keeps who, when, what and why of every change, oldest first', async () => {
      const { store, done } = await open();
      await store.put('registry', 'bot-1', { status: 'active' }, meta(0, { why: 'OPS-1 approved' }));
      await store.put('registry', 'bot-1', { status: 'suspended' }, { expectedVersion: 1, by: 'steward', at: '2026-12-01T00:00:00Z', action: 'review:suspend', why: 'nobody answered' });
      const history = await store.history('registry', 'bot-1');
      assert.deepEqual(history.map(({ version, by, at, action, why }) => ({ version, by, at, action, why })), [
        { version: 1, by: 'human-1', at: AT, action: 'register', why: 'OPS-1 approved' },
        { version: 2, by: 'steward', at: '2026-12-01T00:00:00Z', action: 'review:suspend', why: 'nobody answered' },
      ]);
      assert.deepEqual(history[0].value, { status: 'active' });
      assert.equal(typeof store.update, 'undefined');
      assert.equal(typeof store.delete, 'undefined');
      done();
    });

    test('several records written in one statement: all of them, or none when one moved on', async () => {
      const { store, done } = await open();
      await store.put('registry', 'bot-2', { v: 1 }, meta(0));
      const rows = (n) => Array.from({ length: n }, (_, i) => ({ id: `bulk-${String(i).padStart(4, '0')}`, value: { i }, expectedVersion: 0, action: 'import:register' }));
      // 1,000 rows (an import's most) in one statement: 8,000 parameters.
      const written = await store.putAll('registry', [...rows(999), { id: 'bot-2', value: { v: 2 }, expectedVersion: 1, action: 'import:update' }], { by: 'human-1', at: AT, why: 'the spreadsheet' });
      assert.equal(written.length, 1000);
      assert.deepEqual((await store.get('registry', 'bot-2')).value, { v: 2 });
      assert.deepEqual((await store.get('registry', 'bulk-0998')), { id: 'bulk-0998', version: 1, value: { i: 998 }, at: AT, by: 'human-1', action: 'import:register', why: 'the spreadsheet' });
      // bot-2 is at version 2 now: a batch expecting 1 writes nothing at all.
      await assert.rejects(store.putAll('registry', [{ id: 'fresh', value: {}, expectedVersion: 0, action: 'import:register' }, { id: 'bot-2', value: { v: 'stale' }, expectedVersion: 1, action: 'import:update' }], { by: 'human-1', at: AT }), { code: 'conflict' });
      assert.equal(await store.get('registry', 'fresh'), null);
      await assert.rejects(store.putAll('registry', [{ id: 'a', value: 1, expectedVersion: 0, action: 'x' }, { id: 'a', value: 2, expectedVersion: 0, action: 'x' }], { by: 'h', at: AT }), { code: 'bad-input', message: /written twice/ });
      // More than one Forge SQL request takes is refused before anything is written.
      const big = Array.from({ length: 3 }, (_, i) => ({ id: `big-${i}`, value: { purpose: 'x'.repeat(400_000) }, expectedVersion: 0, action: 'import:register' }));
      await assert.rejects(store.putAll('registry', big, { by: 'h', at: AT }), { code: 'too-large' });
      assert.equal(await store.get('registry', 'big-0'), null);
      done();
    });

    test('bad input is refused with a message naming it', async () => {
      const { store, done } = await open();
      await assert.rejects(store.put('registry', '', {}, meta(0)), { code: 'bad-input', message: /^id must be/ });
      await assert.rejects(store.put('registry', 'x', {}, { ...meta(0), expectedVersion: -1 }), { message: /^expectedVersion/ });
      await assert.rejects(store.put('registry', 'x', {}, { ...meta(0), at: 'yesterday' }), { message: /^at must be/ });
      await assert.rejects(store.put('registry', 'x', {}, { ...meta(0), by: undefined }), { message: /^by/ });
      await assert.rejects(store.put('registry', 'x', undefined, meta(0)), { message: /^value must be JSON/ });
      assert.equal(await store.get('registry', 'x'), null);
      done();
    });
  });
}

test('the local adapter writes its file only when a statement changed something', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'steward-store-'));
  const file = join(dir, 'steward.sqlite');
  try {
    const db = await openSqlite(file);
    const sql = (query, ...params) => db.client.prepare(query).bindParams(...params).execute();
    // Each write replaces the file (a temporary file renamed over it): a new inode.
    const written = () => statSync(file).ino;
    await db.client.executeDDL('CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT)');
    const created = written();
    await db.client.executeDDL('CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT)');
    await sql('DELETE FROM t WHERE k = ?', 'nobody');
    await sql('UPDATE t SET v = ? WHERE k = ?', 'x', 'nobody');
    assert.equal(written(), created, 'statements that changed nothing leave the file alone');
    await sql('INSERT INTO t (k, v) VALUES (?, ?)', 'a', '1');
    const inserted = written();
    assert.notEqual(inserted, created, 'an insert is written');
    await db.client.executeDDL('CREATE INDEX IF NOT EXISTS t_v ON t (v)');
    assert.notEqual(written(), inserted, 'a schema change is written');
    // Rows written in a transaction are in the file once it commits.
    const indexed = written();
    await sql('BEGIN');
    await sql('INSERT INTO t (k, v) VALUES (?, ?)', 'b', '2');
    await sql('COMMIT');
    assert.notEqual(written(), indexed, 'a commit is written');
    const again = await openSqlite(file);
    assert.deepEqual((await again.client.prepare('SELECT k, v FROM t ORDER BY k').execute()).rows, [{ k: 'a', v: '1' }, { k: 'b', v: '2' }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the local adapter keeps everything in its file across a restart', async () => {
  const { store, reopen, file, done } = await localAdapter();
  await store.put('registry', 'bot-1', { owner: 'human-1' }, meta(0));
  await store.put('registry', 'bot-1', { owner: 'human-2' }, meta(1));
  const again = await reopen();
  assert.equal((await again.get('registry', 'bot-1')).version, 2);
  assert.equal((await again.history('registry', 'bot-1')).length, 2);
  assert.equal(readFileSync(file).subarray(0, 15).toString(), 'SQLite format 3', 'a real SQLite file');
  done();
});

test('a review decision from the core is stored once: replays and stale writes are refused', async () => {
  const steward = await import(join(root, 'pkg/steward.js'));
  steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

const loadedOf = loadedSnapshots(steward);
  const fixture = (f) => readFileSync(join(root, 'tests/findings/access-beyond-need', f), 'utf8');
  const snapshot = fixture('snapshot.json');
  const { store, done } = await localAdapter();
  const [entry] = JSON.parse(fixture('registry.json')).accounts;
  await store.put('registry', entry.accountId, entry, meta(0));

  const registryText = async () => JSON.stringify({ registryVersion: 1, accounts: (await store.list('registry')).map((r) => r.value) });
  const decision = JSON.stringify({ id: 'd-1', accountId: 'bot-1', decision: 'suspend', by: 'human-1', answersDue: '2027-01-01' });
  const read = await store.get('registry', 'bot-1');
  const outcome = loadedOf(snapshot).reviewDecide(await registryText(), '', decision, '2026-11-23');
  assert.equal(outcome.type, 'success', JSON.stringify(outcome));
  assert.deepEqual(outcome.result.jiraChanges.map((c) => c.op), ['removeRoleActor', 'removeRoleActor']);
  await store.put('registry', 'bot-1', outcome.result.entry, meta(read.version, { action: 'review:suspend', why: outcome.result.summary }));

  // The same decision again: the core refuses it, whatever storage would do.
  const replay = loadedOf(snapshot).reviewDecide(await registryText(), '', decision, '2026-11-23');
  assert.equal(replay.type, 'failure');
  assert.equal(replay.errors[0].code, 'already-applied');
  // A second reviewer who read the entry before the suspension: storage refuses the stale write.
  await assert.rejects(store.put('registry', 'bot-1', { ...entry, status: 'active' }, meta(read.version)), { code: 'conflict' });
  const stored = await store.get('registry', 'bot-1');
  assert.equal(stored.value.status, 'suspended');
  assert.deepEqual(stored.value.suspension.removed, outcome.result.jiraChanges);
  done();
});
