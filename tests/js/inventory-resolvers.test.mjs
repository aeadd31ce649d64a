// The admin page's resolvers over a stored scan: `inventory` (one line per account, a page at a
// time), `accountAccess` (one account's projects and paths) and `adminOverview` (from the stored
// snapshot, live only before the first scan), through the bundled handlers on the local platform.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlatform } from '../../host/platform.mjs';
import { openSqlite } from '../../host/sqlite.mjs';
import { createBlobStore } from '../../src/forge/blobs.js';
import { createStore } from '../../src/forge/storage.js';
import { startSimulator } from '../../sim/server.mjs';
import { expandAccount } from '../../shared/matrix.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { Queue } = createRequire(import.meta.url)('@forge/events');
const steward = await import(join(root, 'pkg/steward.js'));
steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

const adminPage = { extension: { type: 'jira:adminPage' } };
// The bound the first answer of the admin page stays under on the size M site (500 projects, 58
// bots): Forge answers a resolver with at most a few MB, and the page should load at once.
const FIRST_ANSWER_BOUND = 256 * 1024;

// The simulator (the demo company, or a sized site), an empty database and the platform running
// the bundle as `who`. The points quota is raised so a sized scan never waits for the next hour.
// Locally asUser and asApp both act as the account whose token the platform holds, so Vic gets a
// platform of his own over the same storage. Sized sites are served with Jira's own page cap
// of 1,000 users a page (the scan asks `/users/search` for 1,000 a page and reads until an empty one).
async function setup({ size, env = {} } = {}) {
  const sim = await startSimulator(size ? { size, pageCap: 1000 } : {});
  const storage = await openSqlite(null);
  const users = Object.fromEntries(['ada', 'vic'].map((name) => [name, sim.world.users.find((u) => u.email?.startsWith(`${name}@`))]));
  const platformAs = (user) => createPlatform({
    jira: { url: sim.url, email: user.email, token: user.token },
    bundlePath: join(root, 'host/.build/index.cjs'),
    storage,
    env: { STEWARD_SCAN_RPS: '1000', STEWARD_SCAN_POINTS_PER_HOUR: '10000000', STEWARD_SCAN_SHARE: '1', ...env },
  });
  const platform = platformAs(users.ada);
  const as = (p, user) => (functionKey, payload) => p.invoke({ functionKey, payload, context: adminPage, accountId: user.accountId });
  return {
    sim, platform, users,
    admin: as(platform, users.ada),
    // The platform's globals (Forge's runtime hooks) are the last platform's: Vic's replaces
    // Ada's, so this is the last thing a setup does.
    async asVic(run) {
      const vicPlatform = platformAs(users.vic);
      try {
        await run(as(vicPlatform, users.vic));
      } finally {
        vicPlatform.close();
      }
    },
    blobs: createBlobStore(storage.client),
    store: createStore(storage.client),
    async scan() {
      const started = await this.admin('startScan', {});
      assert.equal(started.type, 'success', JSON.stringify(started));
      await platform.queue.idle();
      const status = await this.admin('scanStatus', {});
      assert.equal(status.result.scan.status, 'done', JSON.stringify(status.result.scan));
    },
    async snapshot() {
      const state = (await this.store.get('scan', 'state')).value;
      return this.blobs.get(state.snapshots[0].blob);
    },
    async close() {
      platform.close();
      await platform.queue.idle();
      await sim.close();
      storage.close();
    },
  };
}

let demo;
before(async () => {
  demo = await setup();
});
after(() => demo?.close());

test('before the first scan the inventory says so and the overview is read live from Jira', async () => {
  const inventory = await demo.admin('inventory', {});
  assert.equal(inventory.type, 'failure');
  assert.equal(inventory.errors[0].code, 'no-snapshot');
  const access = await demo.admin('accountAccess', { accountId: demo.users.ada.accountId });
  assert.equal(access.errors[0].code, 'no-snapshot');
  const overview = await demo.admin('adminOverview', {});
  assert.equal(overview.type, 'success', JSON.stringify(overview));
  assert.equal(overview.result.source, 'live');
  assert.equal(overview.result.projectCount, demo.sim.world.projects.length);
});

test('after a scan the overview comes from the stored snapshot, equal to the live one, with no Jira call', async () => {
  const live = await demo.admin('adminOverview', {});
  await demo.scan();
  const calls = demo.sim.stats.calls;
  const stored = await demo.admin('adminOverview', {});
  assert.equal(stored.result.source, 'snapshot');
  // Only the caller's permission check reaches Jira, not a call per project.
  assert.ok(demo.sim.stats.calls - calls <= 1, `${demo.sim.stats.calls - calls} calls`);
  const { source: _l, ...liveResult } = live.result;
  const { source: _s, collectedAt, ...storedResult } = stored.result;
  assert.deepEqual(storedResult, liveResult);
  assert.match(collectedAt, /^\d{4}-\d\d-\d\dT/);
});

test('the inventory lists every bot once, sorted by name, with counts that match its access', async () => {
  const inventory = await demo.admin('inventory', {});
  assert.equal(inventory.type, 'success', JSON.stringify(inventory.errors));
  const { accounts, total, offset, pageSize } = inventory.result;
  const bots = demo.sim.world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType));
  assert.equal(total, bots.length);
  assert.equal(offset, 0);
  assert.equal(accounts.length, Math.min(total, pageSize));
  const names = accounts.map((a) => [a.displayName.toLowerCase(), a.accountId]);
  assert.deepEqual(names, [...names].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : 1)));

  // Each line agrees with that account's part of the full analysis of the same snapshot.
  const full = steward.analyze(await demo.snapshot(), JSON.stringify({ skipTransitions: true }));
  for (const line of accounts) {
    const entry = full.accounts.find((a) => a.accountId === line.accountId);
    const paths = (p) => Object.values(p.permissions).flat();
    assert.equal(line.unconditionalProjects, entry.projects.filter((p) => paths(p).some((x) => !x.conditional)).length, line.displayName);
    assert.equal(line.conditionalProjects, entry.projects.filter((p) => paths(p).length && paths(p).every((x) => x.conditional)).length, line.displayName);
    assert.deepEqual(line.global, entry.global);
  }
});

test("one account's access equals its part of the full analysis", async () => {
  const text = await demo.snapshot();
  const full = steward.analyze(text, JSON.stringify({ skipTransitions: true }));
  const withAccess = full.accounts.filter((a) => a.projects.length).slice(0, 5);
  assert.ok(withAccess.length >= 3, 'the demo company has bots with access');
  for (const expected of withAccess) {
    const answer = await demo.admin('accountAccess', { accountId: expected.accountId });
    assert.equal(answer.type, 'success', JSON.stringify(answer.errors));
    assert.equal(answer.result.matrix.form, 'matrix');
    assert.equal(answer.result.matrix.projects.length, expected.projects.length, 'only the projects it has cells in');
    assert.deepEqual(expandAccount(answer.result.matrix), expected);
    assert.ok(answer.result.scan.collectedAt);
  }
  // A person is not in the inventory, but an admin may still ask about them.
  const ada = await demo.admin('accountAccess', { accountId: demo.users.ada.accountId });
  assert.equal(ada.result.matrix.accounts[0].kind, 'human');
});

test('an account the scan does not know is a clear failure', async () => {
  const answer = await demo.admin('accountAccess', { accountId: '557058:no-such-account' });
  assert.equal(answer.type, 'failure');
  assert.deepEqual(answer.errors[0], { code: 'unknown-account', message: 'account `557058:no-such-account` is not in the latest scan' });
});

test('hostile or malformed payloads are refused, naming the bad input', async () => {
  const refused = async (functionKey, payload, pattern) => {
    const answer = await demo.admin(functionKey, payload);
    assert.equal(answer.type, 'failure', `${functionKey} ${JSON.stringify(payload)}`);
    assert.equal(answer.errors[0].code, 'bad-input', JSON.stringify(answer.errors));
    assert.match(answer.errors[0].message, pattern);
    assert.match(answer.errors[0].message, /^[a-z`]/, 'messages start lowercase');
  };
  for (const accountId of [undefined, 42, '', 'a'.repeat(129), 'x'.repeat(100_000), '<script>alert(1)</script>', 'a b', "x' OR 1=1", ['5b10'], { $ne: null }]) {
    await refused('accountAccess', { accountId }, /^`accountId` must be a string of 1 to 128/);
  }
  await refused('accountAccess', 'bot', /the payload must be an object/);
  await refused('accountAccess', [], /the payload must be an object/);
  await refused('accountAccess', { accountId: 'bot', project: 'PAY' }, /unknown field `project`/);
  for (const offset of [-1, 1.5, '10', 2_000_000, null]) {
    await refused('inventory', { offset }, /^`offset` must be a whole number/);
  }
  await refused('inventory', { limit: 1000 }, /unknown field `limit`/);
});

test('the scan stores the digest next to the snapshot, and the page reads it instead of analysing again', async () => {
  const state = (await demo.store.get('scan', 'state')).value;
  const entry = state.snapshots[0];
  assert.match(entry.digest.id, /\/digest$/);
  // The access matrix of every bot, for accountAccess: each account's answer is a slice of it.
  assert.match(entry.matrix.id, /\/matrix$/);
  const matrix = JSON.parse(await demo.blobs.get(entry.matrix));
  assert.equal(matrix.form, 'matrix');
  assert.equal(matrix.accounts.length, demo.sim.world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType)).length);
  const digest = JSON.parse(await demo.blobs.get(entry.digest));
  assert.equal(digest.inventory.type, 'success');
  const page = await demo.admin('inventory', {});
  assert.deepEqual(page.result.accounts, digest.inventory.result.accounts.slice(0, page.result.pageSize));
});

test('a scan that finishes late in its job leaves the digest to a job of its own, which stores it once', async () => {
  const late = await setup({ env: { STEWARD_SCAN_DIGEST_INLINE_SECONDS: '0' } });
  try {
    await late.scan();
    const outcomes = late.platform.queue.delivered.map((d) => d.body);
    assert.ok(outcomes.some((b) => typeof b.digest === 'string'), JSON.stringify(outcomes));
    const entry = (await late.store.get('scan', 'state')).value.snapshots[0];
    assert.equal(entry.digest.id, `${entry.scanId}/digest`);
    const page = await late.admin('inventory', {});
    assert.equal(page.result.total, late.sim.world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType)).length);
    // Delivered again (delivery is at least once): the state is not written again.
    const before = await late.store.get('scan', 'state');
    const delivered = late.platform.queue.delivered.length;
    await new Queue({ key: 'steward-scans' }).push({ body: { digest: entry.scanId } });
    await late.platform.queue.idle();
    assert.equal(late.platform.queue.delivered.length, delivered + 1);
    assert.equal(late.platform.queue.delivered.at(-1).outcome, 'success');
    assert.equal((await late.store.get('scan', 'state')).version, before.version);
  } finally {
    await late.close();
  }
});

test('someone who is not a Jira admin is refused the inventory and any account', async () => {
  await demo.asVic(async (vic) => {
    for (const [key, payload] of [['inventory', {}], ['accountAccess', { accountId: demo.users.ada.accountId }], ['accountAccess', { accountId: '<bad>' }], ['adminOverview', {}]]) {
      const answer = await vic(key, payload);
      assert.equal(answer.type, 'failure', key);
      assert.equal(answer.errors[0].code, 'forbidden', key);
      assert.match(answer.errors[0].message, /does not hold `ADMINISTER`/);
    }
  });
});

test('on the size M site the first answer stays small and the rest comes a page at a time', { timeout: 600_000 }, async () => {
  const m = await setup({ size: 'M' });
  try {
    await m.scan();
    let started = performance.now();
    const first = await m.admin('inventory', {});
    const firstMs = performance.now() - started;
    assert.equal(first.type, 'success', JSON.stringify(first.errors));
    const bytes = Buffer.byteLength(JSON.stringify(first));
    assert.ok(bytes < FIRST_ANSWER_BOUND, `the first answer is ${bytes} bytes`);
    const bots = m.sim.world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType));
    assert.equal(first.result.total, bots.length);
    assert.ok(first.result.total > first.result.pageSize, 'size M has more bots than one page');

    // Paging through the rest lists every bot exactly once.
    const seen = [...first.result.accounts];
    while (seen.length < first.result.total) {
      const next = await m.admin('inventory', { offset: seen.length });
      assert.ok(next.result.accounts.length > 0);
      seen.push(...next.result.accounts);
    }
    assert.deepEqual(new Set(seen.map((a) => a.accountId)), new Set(bots.map((b) => b.accountId)));
    const beyond = await m.admin('inventory', { offset: first.result.total });
    assert.deepEqual(beyond.result.accounts, []);

    // The account with the most projects, opened: its answer is its own, not the site's.
    const widest = seen.reduce((a, b) => (b.unconditionalProjects + b.conditionalProjects > a.unconditionalProjects + a.conditionalProjects ? b : a));
    started = performance.now();
    const access = await m.admin('accountAccess', { accountId: widest.accountId });
    const accessMs = performance.now() - started;
    assert.equal(access.type, 'success', JSON.stringify(access.errors));
    const account = expandAccount(access.result.matrix);
    assert.equal(account.projects.filter((p) => Object.values(p.permissions).flat().some((x) => !x.conditional)).length, widest.unconditionalProjects);
    assert.deepEqual(account, steward.analyze(await m.snapshot(), JSON.stringify({ accountId: widest.accountId, skipTransitions: true })).accounts[0]);
    const accessBytes = Buffer.byteLength(JSON.stringify(access));
    console.log(`size M: first inventory answer ${bytes} bytes in ${firstMs.toFixed(0)} ms; widest account (${widest.unconditionalProjects} projects) ${accessBytes} bytes in ${accessMs.toFixed(0)} ms`);
  } finally {
    await m.close();
  }
});
