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

async function scan(sim, options = {}) {
  const answer = JSON.parse(await steward.collectSnapshot(fetchHost(sim), JSON.stringify({ collectedAt: '2026-11-23T08:00:00Z', ...options })));
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
  const bots = world.users.filter((u) => u.accountType === 'app');
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
