// Scans as chains of queued jobs (src/forge/scans/), run by the bundled handlers on the local
// platform adapter: the startScan resolver pushes to the queue through @forge/events, the adapter
// delivers each event to the consumer function, storage is SQLite behind Forge SQL's API, Jira is
// the simulator over HTTP. A virtual clock lets a chain that waits for the next quota hour run in
// seconds: the queue's delays skip ahead instead of sleeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlatform } from '../../host/platform.mjs';
import { openSqlite } from '../../host/sqlite.mjs';
import { createBlobStore } from '../../src/forge/blobs.js';
import { createStore } from '../../src/forge/storage.js';
import { startSimulator } from '../../sim/server.mjs';
import { virtualClock } from './fixtures/virtual-clock.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const steward = await import(join(root, 'pkg/steward.js'));
steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

const adminPage = { extension: { type: 'jira:adminPage' } };
const projectPage = (key) => ({ extension: { type: 'jira:projectSettingsPage', project: { id: '1', key, type: 'software' } } });

// The simulator, an empty database and the platform running the bundle, on a virtual clock that
// starts a minute into an hour. `env`: the app's environment variables (scan settings).
// `as`: whose API token the platform uses (locally asUser and asApp both act as that account).
async function setup({ env = {}, start = '2026-11-23T08:01:00Z', as: who = 'ada' } = {}) {
  const clock = virtualClock(start);
  const sim = await startSimulator({ clock: () => Date.now() });
  const storage = await openSqlite(null);
  const users = Object.fromEntries(['ada', 'pat', 'vic'].map((name) => [name, sim.world.users.find((u) => u.email?.startsWith(`${name}@`))]));
  const platform = createPlatform({
    jira: { url: sim.url, email: users[who].email, token: users[who].token },
    bundlePath: join(root, 'host/.build/index.cjs'),
    storage,
    clock,
    env: { STEWARD_SCAN_RPS: '1000', ...env },
  });
  const as = (user, context = adminPage) => (functionKey, payload = {}) => platform.invoke({ functionKey, payload, context, accountId: user.accountId });
  return {
    sim, platform, users, clock,
    admin: as(users[who]),
    as,
    store: createStore(storage.client),
    blobs: createBlobStore(storage.client),
    async state() {
      return (await this.store.get('scan', 'state'))?.value ?? null;
    },
    // Starts a scan as Ada and waits until its chain of jobs is over.
    async scan() {
      const started = await this.admin('startScan');
      assert.equal(started.type, 'success', JSON.stringify(started));
      await platform.queue.idle();
      return (await this.admin('scanStatus')).result;
    },
    async close() {
      platform.close();
      await platform.queue.idle();
      await sim.close();
      storage.close();
      clock.restore();
    },
  };
}

// The blobs a kept snapshot has: the snapshot, and the digest, access matrix and the admin
// console's products (revision 0: its overview, schemes, summary, account shards, exports) the
// pages read.
const CONSOLE = ['console', 'findings', 'findings-groups', 'export-findings-csv', 'export-inventory-csv', 'export-report-md', 'export-access-csv', 'schemes', 'summary'];
// The demo company has between 26 and 50 accounts the console lists: two shards of 25.
const blobsOf = (scanId, shards = 2) => [
  ...[...Array(shards).keys()].map((n) => `${scanId}/c0/account-${n}`),
  ...CONSOLE.map((part) => `${scanId}/c0/${part}`),
  `${scanId}/digest`, `${scanId}/matrix`, `${scanId}/snapshot`,
].sort();

// The core's scan in one call, without pacing: what the chain of jobs must end with.
async function oneShot(sim, collectedAt) {
  const authorization = `Basic ${Buffer.from('ada@steward-demo.example:demo-token').toString('base64')}`;
  const host = {
    sleep: () => Promise.resolve(),
    async request(method, path, body) {
      const response = await fetch(sim.url + path, { method, headers: { authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ?? undefined });
      return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
    },
  };
  const answer = JSON.parse(await steward.collectSnapshot(host, JSON.stringify({ collectedAt })));
  assert.equal(answer.type, 'success');
  return answer.result;
}

// What the engine says each bot holds where, one line per path, to compare snapshots by meaning.
function access(snapshotText) {
  const analysis = steward.analyze(snapshotText, '{"skipTransitions": true}');
  return analysis.accounts.flatMap((a) => [
    `${a.displayName} global ${a.global.join(',')}`,
    ...a.projects.flatMap((p) => Object.entries(p.permissions).flatMap(([k, paths]) => paths.map((x) => `${a.displayName} ${p.key} ${k} ${x.path}`))),
  ]).sort();
}

test('a scan paced to a small share of the quota runs as several jobs across quota hours and stores the snapshot a one-shot scan writes', async (t) => {
  const share = 0.004; // 260 of 65,000 points an hour; the demo company's scan costs about 800
  const ctx = await setup({ env: { STEWARD_SCAN_SHARE: String(share) } });
  try {
    const wall = performance.now();
    const status = await ctx.scan();
    const elapsed = Math.round(performance.now() - wall);
    const { scan } = status;
    assert.equal(scan.status, 'done', JSON.stringify(scan));
    assert.ok(scan.jobs >= 3, `${scan.jobs} jobs`);
    assert.equal(scan.complete, true);
    assert.equal(scan.gaps, 0);
    assert.deepEqual(status.data.scanId, scan.scanId);

    // Each job spent at most the hour's share; the next job waited for the next hour, in hops of
    // at most Forge's 15-minute delay.
    const history = await ctx.store.history('scans', scan.scanId);
    const checkpoints = history.filter((v) => v.action === 'scan:checkpoint').map((v) => v.value);
    assert.equal(checkpoints.length, scan.jobs - 1);
    assert.ok(checkpoints.every((c) => c.status === 'waiting-for-quota' && c.stoppedBy === 'budget'), JSON.stringify(checkpoints));
    const perJob = [...checkpoints.map((c) => c.points), scan.points].map((p, i, all) => p - (all[i - 1] ?? 0));
    assert.ok(perJob.every((p) => p > 0 && p <= share * 65_000), `points per job ${perJob}`);
    const hours = (Date.parse(scan.finishedAt) - Date.parse(scan.startedAt)) / 3_600_000;
    assert.ok(hours >= scan.jobs - 1 - 0.05 && hours < scan.jobs, `${hours} hours for ${scan.jobs} jobs`);
    const delivered = ctx.platform.queue.delivered;
    const gaps = delivered.slice(1).map((d, i) => d.at - delivered[i].at);
    assert.ok(gaps.every((ms) => ms <= 900_000 + 60_000), `delays between deliveries ${gaps}`);
    assert.deepEqual(history.map((v) => v.value.status).filter((s, i, all) => s !== all[i - 1]).slice(0, 4), ['queued', 'running', 'waiting-for-quota', 'running']);

    // The stored snapshot is the one an uninterrupted scan writes; the checkpoints are gone.
    const state = await ctx.state();
    const stored = await ctx.blobs.get(state.snapshots[0].blob);
    const whole = await oneShot(ctx.sim, JSON.parse(stored).meta.collectedAt);
    assert.deepEqual(JSON.parse(stored), whole.snapshot);
    assert.ok(scan.calls >= whole.ledger.calls && scan.calls <= whole.ledger.calls + 10, `${scan.calls} calls in jobs, ${whole.ledger.calls} in one`);
    assert.deepEqual([...await ctx.blobs.ids()].sort(), blobsOf(scan.scanId));
    t.diagnostic(`demo company at ${share * 65_000} points an hour: ${scan.jobs} jobs, ${delivered.length} deliveries, ${scan.calls} calls, ${scan.points} points, `
      + `${hours.toFixed(2)} virtual hours, ${elapsed} ms wall; stored snapshot ${state.snapshots[0].blob.length} characters in ${state.snapshots[0].blob.chunks} chunk(s)`);
  } finally {
    await ctx.close();
  }
});

test('two admins starting a scan at once start one; a repeated job event runs the job once', async () => {
  const ctx = await setup();
  try {
    ctx.platform.queue.pause();
    const answers = await Promise.all([ctx.admin('startScan'), ctx.admin('startScan')]);
    assert.ok(answers.every((a) => a.type === 'success'), JSON.stringify(answers));
    assert.deepEqual(answers.map((a) => a.result.started).sort(), [false, true]);
    assert.equal(answers[0].result.scan.scanId, answers[1].result.scan.scanId);
    assert.ok(answers.every((a) => a.result.scan.status === 'queued'));
    const starts = (await ctx.store.history('scan', 'state')).filter((v) => v.action === 'scan:start');
    assert.equal(starts.length, 1, 'one scan was recorded');

    // Forge delivers at least once: the same event twice.
    const { current } = await ctx.state();
    const { Queue } = require('@forge/events');
    await new Queue({ key: 'steward-scans' }).push({ body: { scanId: current.scanId, token: current.next } });
    ctx.platform.queue.resume();
    await ctx.platform.queue.idle();

    const { scan } = (await ctx.admin('scanStatus')).result;
    assert.equal(scan.status, 'done');
    assert.equal(scan.jobs, 1);
    const claims = (await ctx.store.history('scan', 'state')).filter((v) => v.action === 'scan:claim');
    assert.equal(claims.length, 1, 'the job ran once');
    // The repeat found the job claimed and asked Forge to deliver it again once the claim runs out
    // (an InvocationError), or lost the race for the claim; either way it ran nothing.
    const outcomes = ctx.platform.queue.delivered.map((d) => d.outcome);
    assert.ok(outcomes.length >= 2 && outcomes.every((o) => o === 'success' || o === 'retry requested in 900 s'), outcomes.join(', '));

    // With that scan over, the next start is a new scan.
    const again = await ctx.admin('startScan');
    assert.equal(again.result.started, true);
    assert.notEqual(again.result.scan.scanId, scan.scanId);
    assert.equal(again.result.scan.mode, 'refresh');
  } finally {
    await ctx.close();
  }
});

test('rescans refresh from the audit log; the last 3 complete snapshots are kept and older ones deleted', async () => {
  const ctx = await setup();
  try {
    const first = await ctx.scan();
    assert.equal(first.scan.mode, 'full');

    // An admin adds a bot to a role; the next scan reads only what the audit record touches.
    const bot = ctx.sim.world.users.find((u) => u.displayName === 'statuspage-bot');
    const authorization = `Basic ${Buffer.from(`${ctx.users.ada.email}:${ctx.users.ada.token}`).toString('base64')}`;
    const write = await fetch(`${ctx.sim.url}/rest/api/3/project/MKT/role/10100`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ user: [bot.accountId] }) });
    assert.equal(write.status, 200);
    const second = await ctx.scan();
    assert.equal(second.scan.mode, 'refresh');
    assert.equal(second.scan.refresh.mode, 'incremental', JSON.stringify(second.scan.refresh));
    assert.equal(second.scan.refresh.records, 1);
    assert.ok(second.scan.calls <= 10, `${second.scan.calls} calls`);
    const state = await ctx.state();
    const refreshed = await ctx.blobs.get(state.snapshots[0].blob);
    const fresh = await oneShot(ctx.sim, new Date().toISOString());
    assert.deepEqual(access(refreshed), access(JSON.stringify(fresh.snapshot)));
    assert.ok(access(refreshed).some((line) => line.startsWith('statuspage-bot MKT BROWSE_PROJECTS')));

    const ids = [first.scan.scanId, second.scan.scanId];
    for (let i = 0; i < 3; i += 1) ids.push((await ctx.scan()).scan.scanId);
    const kept = (await ctx.state()).snapshots;
    assert.deepEqual(kept.map((s) => s.scanId), ids.slice(2).reverse(), 'newest first, 3 kept');
    assert.deepEqual([...await ctx.blobs.ids()].sort(), ids.slice(2).flatMap((id) => blobsOf(id)).sort(), 'older snapshots (with their digests) and every checkpoint deleted');
    // The records stay append-only: every scan's record and every state change are still there.
    assert.deepEqual((await ctx.store.list('scans')).map((r) => [r.id, r.value.status]), ids.map((id) => [id, 'done']));
    const states = await ctx.store.history('scan', 'state');
    assert.deepEqual(states.map((v) => v.version), states.map((_, i) => i + 1));
    assert.equal(states[0].value.current.scanId, ids[0]);
  } finally {
    await ctx.close();
  }
});

test('the pages analyse the stored snapshot without scanning; the project page narrows it to its project', async () => {
  const ctx = await setup();
  try {
    const pay = ctx.as(ctx.users.ada, projectPage('PAY'));
    for (const [call, fn] of [[ctx.admin, 'inventory'], [pay, 'projectBots']]) {
      const answer = await call(fn);
      assert.equal(answer.type, 'failure');
      assert.equal(answer.errors[0].code, 'no-snapshot');
      assert.match(answer.errors[0].message, /no scan has finished yet: a Jira admin starts one/);
    }
    assert.equal(ctx.platform.queue.delivered.length, 0, 'opening a page starts no scan');
    const { data } = await ctx.scan();

    const before = ctx.sim.stats.calls;
    const inventory = await ctx.admin('inventory');
    assert.equal(inventory.type, 'success', JSON.stringify(inventory).slice(0, 300));
    assert.equal(ctx.sim.stats.calls - before, 1, 'only the caller\'s permission is asked of Jira');
    assert.deepEqual(inventory.result.scan, data);
    assert.equal(inventory.result.total, ctx.sim.world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType)).length);
    assert.equal(inventory.result.collectedAt, data.collectedAt);

    // The project page reads its project's row stored by the scan (src/forge/scans/projects.js).
    const bots = await pay('projectBots');
    assert.equal(bots.type, 'success');
    assert.equal(bots.result.project.key, 'PAY');
    const sync = bots.result.accounts.find((a) => a.displayName === 'payments-sync-bot');
    assert.ok(bots.result.sets[sync.set].permissions.EDIT_ISSUES.some((i) => /granted directly/.test(bots.result.paths[i].text)));

    // The project page sees the scan's progress, without who started it.
    const status = await pay('scanStatus');
    assert.equal(status.type, 'success');
    assert.equal(status.result.scan.status, 'done');
    assert.equal('trigger' in status.result.scan, false);
    assert.equal((await ctx.admin('scanStatus')).result.scan.trigger, ctx.users.ada.accountId);
    assert.equal((await ctx.as(ctx.users.ada, projectPage('../x'))('scanStatus')).errors[0].code, 'bad-context');
  } finally {
    await ctx.close();
  }
});

test('a project admin sees the scan status of their project but cannot start scans; others are refused', async () => {
  for (const [who, refusals, allowed] of [['pat', [['startScan', adminPage], ['startScan', projectPage('PAY')], ['scanStatus', adminPage]], [['scanStatus', projectPage('PAY')]]], ['vic', [['startScan', adminPage], ['scanStatus', projectPage('PAY')]], []]]) {
    const ctx = await setup({ as: who });
    try {
      for (const [fn, context] of refusals) {
        const answer = await ctx.as(ctx.users[who], context)(fn);
        assert.equal(answer.errors?.[0]?.code, 'forbidden', `${who} ${fn}: ${JSON.stringify(answer)}`);
      }
      for (const [fn, context] of allowed) {
        const answer = await ctx.as(ctx.users[who], context)(fn);
        assert.deepEqual(answer.result, { scan: null, stalled: false, data: null, kept: 0 }, `${who} ${fn}`);
      }
      assert.equal(await ctx.state(), null, 'nothing was written');
    } finally {
      await ctx.close();
    }
  }
});

test('when Jira answers 500 everywhere the scan fails with the reason and the pages keep showing the previous data', async () => {
  const ctx = await setup({ env: { STEWARD_SCAN_MAX_RETRIES: '0' } });
  try {
    const good = await ctx.scan();
    assert.equal(good.scan.status, 'done');

    ctx.platform.queue.pause();
    const started = await ctx.admin('startScan');
    assert.equal(started.result.started, true);
    ctx.sim.setFaults({ error5xxRate: 1, errorStatus: 500 });
    ctx.platform.queue.resume();
    await ctx.platform.queue.idle();
    ctx.sim.setFaults({});

    const status = (await ctx.admin('scanStatus')).result;
    assert.equal(status.scan.scanId, started.result.scan.scanId);
    assert.equal(status.scan.status, 'failed');
    assert.equal(status.scan.error.code, 'jira-unreadable');
    assert.match(status.scan.error.message, /^the scan could not read what every answer needs: .*; permissions \(jira answered 500 for `\/rest\/api\/3\/permissions`/);
    assert.equal(status.data.scanId, good.scan.scanId, 'the data shown is still the last good scan');
    const inventory = await ctx.admin('inventory');
    assert.equal(inventory.type, 'success');
    assert.equal(inventory.result.scan.scanId, good.scan.scanId);
    assert.deepEqual([...await ctx.blobs.ids()].sort(), blobsOf(good.scan.scanId));
    assert.equal((await ctx.store.get('scans', status.scan.scanId)).value.status, 'failed');

    // A failed scan holds no lock.
    const next = await ctx.scan();
    assert.equal(next.scan.status, 'done');
    assert.notEqual(next.scan.scanId, status.scan.scanId);
  } finally {
    await ctx.close();
  }
});

test('a scan whose chain was lost is replaced by the next start; bad settings are refused by name', async () => {
  const ctx = await setup({ env: { STEWARD_SCAN_SHARE: '2' } });
  try {
    const refused = await ctx.admin('startScan');
    assert.equal(refused.type, 'failure');
    assert.deepEqual(refused.errors[0], { code: 'bad-setting', message: 'STEWARD_SCAN_SHARE must be a number above 0 and at most 1, not `2`' });
    process.env.STEWARD_SCAN_SHARE = '0.5';

    const lost = { scanId: '20261123T040000000Z-00000000', status: 'waiting-for-quota', trigger: ctx.users.ada.accountId, startedAt: '2026-11-23T04:00:00.000Z', updatedAt: '2026-11-23T04:30:00.000Z', resumeAt: '2026-11-23T05:00:00.000Z', mode: 'full', jobs: 2, calls: 90, points: 300, next: 'gone', attempts: 0 };
    await ctx.store.put('scan', 'state', { current: lost, snapshots: [] }, { expectedVersion: 0, by: 'test', at: '2026-11-23T05:00:00Z', action: 'scan:checkpoint' });
    assert.equal((await ctx.admin('scanStatus')).result.stalled, true);
    const status = await ctx.scan();
    assert.equal(status.scan.status, 'done');
    assert.notEqual(status.scan.scanId, lost.scanId);
    const start = (await ctx.store.history('scan', 'state')).find((v) => v.action === 'scan:start');
    assert.match(start.why, /^scan 20261123T040000000Z-00000000 stalled: no progress since 2026-11-23T04:30:00.000Z/);
    assert.equal((await ctx.store.get('scans', lost.scanId)).value.error.code, 'stalled');
  } finally {
    await ctx.close();
  }
});

test('STEWARD_SCAN_ALL_ROLES=1 reads every role, so the stored snapshot shows the roles a deactivated bot is in', async () => {
  const bad = await setup({ env: { STEWARD_SCAN_ALL_ROLES: 'yes' } });
  try {
    const refused = await bad.admin('startScan');
    assert.deepEqual(refused.errors[0], { code: 'bad-setting', message: 'STEWARD_SCAN_ALL_ROLES must be 0 or 1, not `yes`' });
  } finally {
    await bad.close();
  }
  const rolesOf = async (env) => {
    const ctx = await setup({ env });
    try {
      assert.equal((await ctx.scan()).scan.status, 'done');
      const snapshot = JSON.parse(await ctx.blobs.get((await ctx.state()).snapshots[0].blob));
      const archiver = ctx.sim.world.users.find((u) => u.displayName === 'archiver-bot');
      assert.equal(archiver.active, false);
      return Object.entries(snapshot.projectRoles).flatMap(([key, roles]) => Object.entries(roles)
        .filter(([, body]) => body.actors.some((a) => a.actorUser?.accountId === archiver.accountId)).map(([role]) => `${key}/${role}`)).sort();
    } finally {
      await ctx.close();
    }
  };
  assert.deepEqual(await rolesOf({ STEWARD_SCAN_ALL_ROLES: '1' }), ['ERP/10100', 'ML/10100']);
  assert.deepEqual(await rolesOf({}), [], 'the lean plan cannot see them: Jira\'s check shows nothing for a deactivated account');
});
