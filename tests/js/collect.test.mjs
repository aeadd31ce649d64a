// The whole pipeline over real HTTP: the wasm core scans the Jira simulator through a JS host,
// and the engine's answer is compared, for every bot, project and permission, with the
// simulator's own implementation of Jira's rules (sim/world.mjs), written independently.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../../sim/server.mjs';
import { generateWorld, holdsGlobal, holdsProject } from '../../sim/world.mjs';
import { sizedWorld } from '../../sim/sized.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const steward = await import(join(root, 'pkg/steward.js'));
steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

function fetchHost(sim, { email = 'ada@steward-demo.example', token = 'demo-token' } = {}) {
  const authorization = `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
  return {
    sleep: () => Promise.resolve(), // retries without waiting: the simulator's Retry-After is 0 here
    async request(method, path, body) {
      const response = await fetch(sim.url + path, {
        method,
        headers: { authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ?? undefined,
      });
      const headers = Object.fromEntries(response.headers);
      return { status: response.status, headers, body: await response.text() };
    },
  };
}

async function scan(sim, options = {}, host = fetchHost(sim)) {
  const answer = JSON.parse(await steward.collectSnapshot(host, JSON.stringify({ collectedAt: '2026-11-23T08:00:00Z', ...options })));
  assert.equal(answer.type, 'success', JSON.stringify(answer).slice(0, 500));
  return answer.result;
}

let sim;
before(async () => { sim = await startSimulator(); });
after(() => sim.close());

test('the engine agrees with the simulator for every bot, project and permission', async () => {
  const result = await scan(sim);
  assert.equal(result.complete, true);
  assert.deepEqual(result.snapshot.meta.gaps, []);
  const analysis = steward.analyze(JSON.stringify(result.snapshot), '{"skipTransitions": true}');
  const world = sim.world;
  const bots = world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType));
  assert.deepEqual(analysis.accounts.map((a) => a.accountId).sort(), bots.map((b) => b.accountId).sort());
  let compared = 0;
  for (const account of analysis.accounts) {
    const user = world.users.find((u) => u.accountId === account.accountId);
    assert.deepEqual(account.global, world.permissions.global.filter((k) => holdsGlobal(world, user, k)).sort(), account.displayName);
    for (const project of world.projects) {
      const access = account.projects.find((p) => p.key === project.key);
      assert.ok(!access || access.coverage === 'complete', `${account.displayName} ${project.key}: ${access?.coverage} ${JSON.stringify(access?.unresolved)}`);
      for (const permission of world.permissions.project) {
        const engine = (access?.permissions[permission] ?? []).some((p) => !p.conditional);
        assert.equal(engine, holdsProject(world, user, project, permission), `${account.displayName} ${permission} in ${project.key}`);
        compared += 1;
      }
    }
  }
  assert.ok(compared > 20 * 40 * 30, `compared ${compared} triples`);
  assert.deepEqual(analysis.warnings.filter((w) => w.code === 'model-drift'), []);
  // The scheme listing has no levels (as on real sites): their names come from the level listing.
  const levels = analysis.accounts.flatMap((a) => a.projects.flatMap((p) => p.securityLevels ?? []));
  const scheme = world.securitySchemes[0];
  assert.ok(levels.length > 0, 'some bot sees a security level');
  for (const level of levels) {
    const named = scheme.levels.find((l) => String(l.id) === level.id);
    assert.equal(level.name, named.name);
    assert.equal(level.description, named.description);
    assert.equal(level.isDefault ?? false, String(scheme.defaultLevel) === level.id);
  }
});

test('sharing answers between alike bots and projects changes nothing on scanned sites', async () => {
  // The engine evaluates a cell once per profile and class of alike bots (engine/reuse.rs, Alike);
  // `exhaustive` evaluates every (account, project) on its own. Scans of the demo company (lean,
  // every role, with faults that leave groups and roles unread) give the sharing real variety:
  // bots in different groups, user and group role actors, security levels, workflows, Jira's checks.
  const faulty = await startSimulator({ world: generateWorld(), faults: { seed: 5, error5xxRate: 0.05, forbiddenProjects: ['OPS'] } });
  const unchecked = await startSimulator({ world: generateWorld(), faults: { refuse: ['permissions/check'] } });
  try {
    const snapshots = [
      (await scan(sim)).snapshot,
      (await scan(sim, { allRoles: true })).snapshot,
      (await scan(unchecked)).snapshot,
      (await scan(faulty, { maxRetries: 10 })).snapshot,
    ];
    let cells = 0;
    for (const snapshot of snapshots) {
      const text = JSON.stringify(snapshot);
      for (const options of [{ allAccounts: true }, { allAccounts: true, skipTransitions: true, form: 'matrix' }]) {
        const shared = steward.analyze(text, JSON.stringify(options));
        const each = steward.analyze(text, JSON.stringify({ ...options, exhaustive: true }));
        assert.deepEqual(shared, each, JSON.stringify(options));
        if (!options.form) cells += shared.accounts.reduce((n, a) => n + a.projects.length, 0);
      }
    }
    assert.ok(cells > 4 * 1000, `compared ${cells} cells`);
  } finally {
    await faulty.close();
    await unchecked.close();
  }
});

test('the lean plan stays far below one call per project and role', async () => {
  const before = sim.stats.calls;
  const result = await scan(sim, { security: false, workflows: false });
  const calls = sim.stats.calls - before;
  assert.equal(result.ledger.calls, calls, 'the ledger counts what the simulator served');
  const world = sim.world;
  const naiveRoleCalls = world.projects.length * world.roles.length;
  const roleCalls = Object.values(result.snapshot.projectRoles).reduce((n, roles) => n + Object.keys(roles).length, 0);
  assert.ok(roleCalls < naiveRoleCalls / 2, `${roleCalls} role calls against ${naiveRoleCalls} for the naive plan`);
});

test('with 5xx, 429 bursts and forbidden projects the scan completes and marks exactly what it could not read', async () => {
  const faulty = await startSimulator({ world: generateWorld(), faults: { seed: 11, error5xxRate: 0.1, throttleRate: 0.05, retryAfter: 0, forbiddenProjects: ['PAY', 'OPS'] } });
  try {
    const result = await scan(faulty, { maxRetries: 10 });
    assert.equal(result.complete, true);
    const gaps = result.snapshot.meta.gaps.map((g) => `${g.part} ${g.key ?? ''}`).sort();
    assert.deepEqual(gaps, ['projectPermissionSchemes OPS', 'projectPermissionSchemes PAY']);
    assert.ok(result.ledger.retries > 0, 'faults were met and retried');
    const analysis = steward.analyze(JSON.stringify(result.snapshot), '{"skipTransitions": true}');
    for (const account of analysis.accounts) {
      for (const access of account.projects.filter((p) => ['PAY', 'OPS'].includes(p.key))) {
        assert.equal(access.coverage, 'none', `${account.displayName} ${access.key}`);
        // Only Jira's own check (directly, or through the global ADMINISTER it reported) may speak
        // about a project whose scheme could not be read.
        for (const paths of Object.values(access.permissions)) {
          assert.ok(paths.every((p) => /^(Jira's permission check|global permission ADMINISTER)/.test(p.path)), JSON.stringify(paths));
        }
      }
    }
  } finally {
    await faulty.close();
  }
});

test('a quota 429 stops the scan and says it is incomplete', async () => {
  const limited = await startSimulator({ world: generateWorld(), faults: { quotaPoints: 300 } });
  try {
    const result = await scan(limited);
    assert.equal(result.complete, false);
    assert.ok(result.ledger.quotaExhaustedForSeconds > 0);
    assert.ok(result.snapshot.meta.gaps.some((g) => /quota/.test(g.reason)), JSON.stringify(result.snapshot.meta.gaps));
  } finally {
    await limited.close();
  }
});

// The scan prices calls by Atlassian's published rule, but how many objects a permission check
// "involves" is not published: a field report says a few dozen checks exhaust the hour. Here a
// check costs 2 points per permission and project in its answer, far above the scan's estimate,
// and the app's other sites get the half the scan leaves. Jira's quota headers must hold the scan
// before Jira refuses it, and the scan must resume after the reset to a whole snapshot.
test('when checks cost more than the scan estimates, Jira\'s quota headers hold it before a quota 429', async () => {
  let now = Date.UTC(2026, 10, 23, 10, 0, 0);
  const quota = 2_400;
  const sim = await startSimulator({ world: generateWorld(), checkPricing: 'objects', faults: { quotaPoints: quota }, clock: () => now });
  try {
    const host = { ...fetchHost(sim), now: () => now, sleep: (ms) => { now += ms; return Promise.resolve(); } };
    const options = { security: false, workflows: false, concurrency: 1, pacing: { share: 0.5, pointsPerHour: quota, jobSeconds: 900, requestsPerSecond: 50 } };
    const job = (extra = {}) => scan(sim, { ...options, ...extra }, host);
    const first = await job();
    assert.equal(first.complete, false);
    assert.equal(first.checkpoint.stoppedBy, 'budget');
    assert.equal(first.ledger.quotaExhaustedForSeconds, undefined, 'Jira never refused a call');
    assert.ok(sim.stats.points >= quota / 2, `Jira counted ${sim.stats.points} points, past the scan's half`);
    assert.ok(first.ledger.points < quota / 2, `the scan's own estimate (${first.ledger.points}) would not have stopped it`);
    assert.ok(sim.stats.points <= quota, 'the other sites\' half was not spent');

    let result = first;
    let jobs = 1;
    while (!result.complete) {
      now += result.checkpoint.resumeAfterSeconds * 1000;
      sim.resetQuota();
      result = await job({ resume: result.checkpoint });
      jobs += 1;
      assert.ok(jobs < 12, 'the scan makes progress every hour');
    }
    const twin = await startSimulator({ world: generateWorld() });
    try {
      const whole = await scan(twin, { security: false, workflows: false });
      assert.deepEqual(result.snapshot, whole.snapshot, 'the held and resumed scan wrote what an uninterrupted scan writes');
    } finally {
      await twin.close();
    }
  } finally {
    await sim.close();
  }
});

// ---- checkpoints, the refused permission check, incremental refresh -------------------------

const ADA = { email: 'ada@steward-demo.example', token: 'demo-token' };

// The lean plan skips a role where no bot's check shows everything the role grants. Reading
// every role instead (what a refused check makes the scan do) must not add or change a single
// path, coverage or permission of any bot: the skipped roles hold no bot.
for (const [name, world] of [['the demo company', () => generateWorld()], ['the sized S site', () => sizedWorld('S')]]) {
  test(`on ${name}, reading every role adds no path to what the lean scan explains`, async () => {
    const lean = await startSimulator({ world: world() });
    const every = await startSimulator({ world: world(), faults: { refuse: ['permissions/check'] } });
    try {
      const leanScan = await scan(lean, { security: false, workflows: false });
      const everyScan = await scan(every, { security: false, workflows: false });
      const count = (s) => Object.values(s.projectRoles).reduce((n, roles) => n + Object.keys(roles).length, 0);
      assert.ok(count(leanScan.snapshot) < count(everyScan.snapshot) / 2, `${count(leanScan.snapshot)} of ${count(everyScan.snapshot)} roles read`);
      const merged = structuredClone(leanScan.snapshot);
      merged.projectRoles = everyScan.snapshot.projectRoles;
      const lines = access(leanScan.snapshot);
      assert.ok(lines.length > 100, `${lines.length} lines compared`);
      assert.deepEqual(access(merged), lines);
    } finally {
      await lean.close();
      await every.close();
    }
  });
}

test('allRoles reads every role the schemes name, and so finds the roles a deactivated bot is still in', async () => {
  const lean = await scan(sim, { security: false, workflows: false });
  const all = await scan(sim, { security: false, workflows: false, allRoles: true });
  const snapshot = all.snapshot;
  const named = new Set();
  for (const [key, { id }] of Object.entries(snapshot.projectPermissionSchemes)) {
    const scheme = snapshot.permissionSchemes.permissionSchemes.find((s) => s.id === id);
    for (const grant of scheme.permissions) if (grant.holder.type === 'projectRole') named.add(`${key}/${grant.holder.value}`);
  }
  const read = (s) => new Set(Object.entries(s.projectRoles).flatMap(([key, roles]) => Object.keys(roles).map((r) => `${key}/${r}`)));
  assert.deepEqual([...read(snapshot)].sort(), [...named].sort());
  const inactive = sim.world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType) && !u.active).map((u) => u.accountId);
  assert.ok(inactive.length > 0, 'the demo company has deactivated bots');
  const rolesOf = (s, id) => [...read(s)].filter((pair) => {
    const [key, role] = pair.split('/');
    return s.projectRoles[key][role].actors.some((a) => a.actorUser?.accountId === id);
  });
  const leanFinds = inactive.flatMap((id) => rolesOf(lean.snapshot, id));
  const allFinds = inactive.flatMap((id) => rolesOf(snapshot, id));
  const truth = inactive.flatMap((id) => sim.world.projects.flatMap((p) => Object.entries(p.actors ?? {})
    .filter(([role, actors]) => named.has(`${p.key}/${role}`) && actors.some((a) => a.user === id)).map(([role]) => `${p.key}/${role}`)));
  assert.deepEqual(allFinds.sort(), truth.sort());
  assert.ok(leanFinds.length < allFinds.length, `lean ${leanFinds.length}, all ${allFinds.length}`);
});

async function write(sim, method, path, body) {
  const authorization = `Basic ${Buffer.from(`${ADA.email}:${ADA.token}`).toString('base64')}`;
  const response = await fetch(sim.url + path, { method, headers: { authorization, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${await response.text()}`);
}

// What the engine says each bot holds where, as comparable text: one line per path.
function access(snapshot) {
  const analysis = steward.analyze(JSON.stringify(snapshot), '{"skipTransitions": true}');
  return analysis.accounts.flatMap((a) => [
    `${a.displayName} global ${a.globalCoverage} ${a.global.join(',')}`,
    ...a.projects.flatMap((p) => [`${a.displayName} ${p.key} ${p.coverage}`, ...Object.entries(p.permissions).flatMap(([k, paths]) => paths.map((x) => `${a.displayName} ${p.key} ${k} ${x.path}`))]),
  ]).sort();
}

// Jira lowers `maxResults` of `GET /users/search` to a cap of its own without saying so, and the
// cap may change. A page shorter than asked therefore does not end the listing; only an empty page
// does. (Ending at the first short page read 100 of the sized M site's 5,000 accounts.)
for (const [name, world, pageCap] of [['the demo company', () => generateWorld(), 7], ['the sized S site', () => sizedWorld('S'), 100]]) {
  test(`on ${name} served ${pageCap} users a page, the scan still reads every account`, async () => {
    const capped = await startSimulator({ world: world(), pageCap });
    try {
      const result = await scan(capped, { security: false, workflows: false });
      assert.equal(result.complete, true);
      const ids = result.snapshot.users.flat().map((u) => u.accountId);
      assert.ok(ids.length > 3 * pageCap, `${ids.length} accounts, more than one page`);
      assert.deepEqual([...new Set(ids)].sort(), capped.world.users.map((u) => u.accountId).sort());
      const bots = capped.world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType)).map((u) => u.accountId).sort();
      assert.deepEqual(steward.analyze(JSON.stringify(result.snapshot), '{"skipTransitions": true}').accounts.map((a) => a.accountId).sort(), bots);
    } finally {
      await capped.close();
    }
  });
}

test('a quota stop mid-scan under faults resumes from its checkpoint to the snapshot of an uninterrupted scan', async () => {
  const faults = { seed: 5, error5xxRate: 0.1, throttleRate: 0.05, retryAfter: 0, forbiddenProjects: ['PAY', 'OPS'] };
  const whole = await startSimulator({ world: generateWorld(), faults });
  const limited = await startSimulator({ world: generateWorld(), faults: { ...faults, quotaPoints: 400 } });
  try {
    const expected = await scan(whole, { maxRetries: 10 });
    assert.equal(expected.complete, true);

    let result = await scan(limited, { maxRetries: 10 });
    assert.equal(result.complete, false);
    assert.equal(result.checkpoint.stoppedBy, 'quota');
    assert.equal(result.checkpoint.resumeAfterSeconds, 1800, "Jira's Retry-After");
    const firstCalls = result.ledger.calls;
    let jobs = 1;
    const served = () => limited.stats.byEndpoint;
    while (!result.complete) {
      limited.resetQuota(); // the next hour
      result = await scan(limited, { maxRetries: 10, resume: result.checkpoint });
      jobs += 1;
      assert.ok(jobs < 10, 'each job makes progress');
    }
    assert.ok(jobs >= 2 && firstCalls > 10, `${jobs} jobs, ${firstCalls} calls in the first`);
    assert.deepEqual(result.snapshot, expected.snapshot);
    // Nothing read twice: the same calls per endpoint, but for retries and the refused ones.
    const reads = (stats) => Object.entries(stats).filter(([k]) => !k.startsWith('POST')).map(([k, v]) => [k, v.calls]);
    assert.ok(reads(served()).every(([k, calls]) => calls <= (whole.stats.byEndpoint[k]?.calls ?? 0) + 20), JSON.stringify(reads(served())));
  } finally {
    await whole.close();
    await limited.close();
  }
});

test('when Jira refuses the permission check, role actors are read instead and the engine still agrees with Jira', async () => {
  const refused = await startSimulator({ world: generateWorld(), faults: { refuse: ['permissions/check'] } });
  try {
    const result = await scan(refused, { security: false, workflows: false });
    assert.equal(result.complete, true);
    assert.deepEqual(result.snapshot.meta.gaps.map((g) => g.part), ['permissionChecks']);
    assert.match(result.snapshot.meta.gaps[0].reason, /refused the permission check/);
    assert.equal(refused.stats.byEndpoint['POST ^\\/rest\\/api\\/3\\/permissions\\/check$'].calls, 1);
    const analysis = steward.analyze(JSON.stringify(result.snapshot), '{"skipTransitions": true}');
    const world = refused.world;
    for (const account of analysis.accounts) {
      assert.equal(account.globalCoverage, 'none', 'global permissions are unknown without the check');
      assert.equal(account.jiraAdmin, account.active ? 'unknown' : 'no', 'so is whether it administers Jira');
      const user = world.users.find((u) => u.accountId === account.accountId);
      for (const project of world.projects) {
        const found = account.projects.find((p) => p.key === project.key);
        for (const permission of world.permissions.project) {
          const engine = (found?.permissions[permission] ?? []).some((p) => !p.conditional);
          // ADMINISTER_PROJECTS through the global ADMINISTER is the one thing only the check knows.
          if (permission === 'ADMINISTER_PROJECTS' && holdsGlobal(world, user, 'ADMINISTER') && account.jiraAdmin === 'unknown') continue;
          assert.equal(engine, holdsProject(world, user, project, permission), `${account.displayName} ${permission} in ${project.key}`);
        }
      }
    }
  } finally {
    await refused.close();
  }
});

async function refreshAfter(change, options = {}) {
  const sim = await startSimulator({ world: generateWorld() });
  try {
    const previous = await scan(sim, { collectedAt: new Date().toISOString() });
    await change(sim, previous);
    const before = sim.stats.calls;
    const refreshed = await scan(sim, { collectedAt: new Date().toISOString(), refresh: { previous: previous.snapshot, ...options } });
    const calls = sim.stats.calls - before;
    const fresh = await scan(sim, { collectedAt: new Date().toISOString() });
    return { previous, refreshed, calls, fresh, sim };
  } finally {
    await sim.close();
  }
}

const bot = (world, name) => world.users.find((u) => u.displayName === name);

test('an incremental refresh after one role change reads at most 10 calls and gives the access a full scan gives', async () => {
  const { previous, refreshed, calls, fresh } = await refreshAfter((sim) =>
    write(sim, 'POST', '/rest/api/3/project/MKT/role/10100', { user: [bot(sim.world, 'statuspage-bot').accountId] }));
  assert.equal(refreshed.refresh.mode, 'incremental', JSON.stringify(refreshed.refresh));
  assert.equal(refreshed.refresh.records, 1);
  assert.ok(calls <= 10, `${calls} calls: ${JSON.stringify(refreshed.ledger.byEndpoint)}`);
  assert.equal(refreshed.ledger.calls, calls);
  assert.deepEqual(refreshed.refresh.stale.filter((s) => s.startsWith('projectRoles')), ['projectRoles/MKT/10100']);
  assert.notDeepEqual(access(previous.snapshot), access(fresh.snapshot), 'the change changed access');
  assert.deepEqual(access(refreshed.snapshot), access(fresh.snapshot));
  assert.ok(access(refreshed.snapshot).some((line) => line.startsWith('statuspage-bot MKT BROWSE_PROJECTS scheme')));
});

test('a bot added to a role no scan had read costs one check, not every bot\'s', async () => {
  let pair;
  const { refreshed, calls, fresh } = await refreshAfter(async (sim, previous) => {
    const world = sim.world;
    const read = previous.snapshot.projectRoles;
    const project = world.projects.find((p) => !read[p.key]?.['10001'] && world.schemes.find((s) => s.id === p.scheme).grants.some(([, , h]) => h.value === '10001'));
    pair = `${project.key}/10001`;
    await write(sim, 'POST', `/rest/api/3/project/${project.key}/role/10001`, { user: [bot(world, 'sandbox-bot').accountId] });
  });
  assert.ok(pair, 'the demo company has a role no scan reads');
  assert.equal(refreshed.refresh.mode, 'incremental');
  assert.deepEqual(refreshed.refresh.stale.filter((s) => s.startsWith('permissionChecks')), [`permissionChecks/${bot(generateWorld(), 'sandbox-bot').accountId}`]);
  assert.ok(calls <= 10, `${calls} calls`);
  assert.deepEqual(access(refreshed.snapshot), access(fresh.snapshot));
});

test('an incremental refresh follows group membership and scheme grant changes too', async () => {
  const { refreshed, fresh } = await refreshAfter(async (sim) => {
    const world = sim.world;
    const contractors = world.groups.find((g) => g.name === 'contractors').groupId;
    await write(sim, 'POST', `/rest/api/3/group/user?groupId=${contractors}`, { accountId: bot(world, 'sandbox-bot').accountId });
    await write(sim, 'POST', '/rest/api/3/permissionscheme/10002/permission', { permission: 'DELETE_ISSUES', holder: { type: 'group', parameter: 'bots', value: world.groups.find((g) => g.name === 'bots').groupId } });
  });
  assert.equal(refreshed.refresh.mode, 'incremental');
  assert.equal(refreshed.refresh.records, 2);
  assert.ok(refreshed.refresh.stale.includes('permissionSchemes'), JSON.stringify(refreshed.refresh.stale));
  assert.deepEqual(access(refreshed.snapshot), access(fresh.snapshot));
});

test('a refresh falls back to a full scan when the audit log cannot be read or the snapshot is too old', async () => {
  const sim = await startSimulator({ world: generateWorld() });
  try {
    const previous = await scan(sim, { collectedAt: '2026-11-23T08:00:00Z' });
    const old = await scan(sim, { collectedAt: '2027-01-23T08:00:00Z', refresh: { previous: previous.snapshot, maxAgeHours: 24 } });
    assert.equal(old.refresh.mode, 'full');
    assert.match(old.refresh.fallback, /older than 24 hours/);
    assert.equal(old.complete, true);
    sim.setFaults({ refuse: ['auditing/record'] });
    const refused = await scan(sim, { collectedAt: '2026-11-23T09:00:00Z', refresh: { previous: previous.snapshot } });
    assert.equal(refused.refresh.mode, 'full');
    assert.match(refused.refresh.fallback, /audit log cannot be read.*403/);
    assert.deepEqual(access(refused.snapshot), access(previous.snapshot));
  } finally {
    await sim.close();
  }
});
