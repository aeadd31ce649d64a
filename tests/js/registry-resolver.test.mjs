// The registry resolvers of the bundled Forge handlers, on the local host's platform adapter: the
// handler's `@forge/sql` calls reach the local SQLite through the Forge SQL API the adapter serves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlatform } from '../../host/platform.mjs';
import { openSqlite } from '../../host/sqlite.mjs';
import { createStore } from '../../src/forge/storage.js';
import { startSimulator } from '../../sim/server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let sim;
let storage;
const platformFor = (user) => createPlatform({
  jira: { url: sim.url, email: user.email, token: user.token },
  bundlePath: join(root, 'host/.build/index.cjs'),
  storage,
});

before(async () => {
  sim = await startSimulator();
  storage = await openSqlite(null);
  const store = createStore(storage.client);
  const meta = { by: 'ada', at: '2026-11-23T08:00:00Z', action: 'register' };
  await store.put('registry', 'bot-1', { accountId: 'bot-1', owner: 'ada' }, { ...meta, expectedVersion: 0 });
  await store.put('registry', 'bot-1', { accountId: 'bot-1', owner: 'pat' }, { ...meta, expectedVersion: 1, action: 'change-owner', why: 'ada moves team' });
});

after(() => sim?.close());

const user = (name) => sim.world.users.find((u) => u.email?.startsWith(`${name}@`));
const adminPage = { extension: { type: 'jira:adminPage' } };

test('a Jira admin reads the registry and an entry history through the handlers', async () => {
  const ada = user('ada');
  const platform = platformFor(ada);
  const list = await platform.invoke({ functionKey: 'registry', payload: {}, context: adminPage, accountId: ada.accountId });
  assert.equal(list.type, 'success', JSON.stringify(list));
  assert.deepEqual(list.result.map((r) => [r.accountId, r.version, r.entry.owner]), [['bot-1', 2, 'pat']]);
  const history = await platform.invoke({ functionKey: 'registryHistory', payload: { accountId: 'bot-1' }, context: adminPage, accountId: ada.accountId });
  assert.deepEqual(history.result.map((h) => [h.version, h.action, h.why]), [[1, 'register', null], [2, 'change-owner', 'ada moves team']]);
  const bad = await platform.invoke({ functionKey: 'registryHistory', payload: { accountId: '../x' }, context: adminPage, accountId: ada.accountId });
  assert.equal(bad.errors[0].code, 'bad-input');
});

test('someone who is not a Jira admin is refused before storage is read', async () => {
  const vic = user('vic');
  const answer = await platformFor(vic).invoke({ functionKey: 'registry', payload: {}, context: adminPage, accountId: vic.accountId });
  assert.equal(answer.type, 'failure');
  assert.equal(answer.errors[0].code, 'forbidden');
});
