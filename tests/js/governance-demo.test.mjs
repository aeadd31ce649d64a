// The demo company exhibits every finding: the wasm core scans the simulator, then runs the
// catalogue over the snapshot with the demo registry and settings (sim/registry.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../../sim/server.mjs';
import { DEMO_NOW, demoRegistry, demoSettings } from '../../sim/registry.mjs';
import { loadedSnapshots } from './loaded.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const steward = await import(join(root, 'pkg/steward.js'));
steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

const loadedOf = loadedSnapshots(steward);

let sim;
let snapshot;
before(async () => {
  sim = await startSimulator();
  const authorization = `Basic ${Buffer.from('ada@steward-demo.example:demo-token').toString('base64')}`;
  const host = {
    async request(method, path, body) {
      const r = await fetch(sim.url + path, { method, headers: { authorization, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ?? undefined });
      return { status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() };
    },
  };
  const answer = JSON.parse(await steward.collectSnapshot(host, JSON.stringify({ collectedAt: `${DEMO_NOW}T08:00:00Z` })));
  assert.equal(answer.type, 'success');
  snapshot = JSON.stringify(answer.result.snapshot);
});
after(() => sim?.close());

test('every rule of the catalogue fires on the demo company', () => {
  const registry = JSON.stringify(demoRegistry(sim.world));
  const answer = loadedOf(snapshot).findings(registry, JSON.stringify(demoSettings()), DEMO_NOW);
  assert.equal(answer.type, 'success', JSON.stringify(answer.errors));
  const fired = new Set(answer.result.findings.map((f) => f.rule));
  const missing = steward.catalogue().map((r) => r.id).filter((id) => !fired.has(id));
  assert.deepEqual(missing, [], `rules with no example in the demo company: ${missing.join(', ')}`);
  assert.ok(answer.result.counts.critical >= 2, 'a global admin bot and an orphaned bot');
});

test('the demo registry is valid where it should be, and the core says why where it is not', () => {
  const registry = demoRegistry(sim.world);
  const verdicts = registry.accounts.map((entry) => loadedOf(snapshot).validateRegistryEntry(JSON.stringify(entry)));
  const failures = verdicts.flatMap((v, i) => (v.type === 'failure' ? v.errors.map((e) => [registry.accounts[i].accountId, e.code]) : []));
  // The orphaned bot's owner has left and one entry names a deleted bot: exactly those are refused.
  assert.deepEqual(failures.map(([, code]) => code).sort(), ['inactive-person', 'unknown-account']);
});

test('the leaver plan of the departed owner suspends the bot it leaves without anyone', () => {
  const registry = demoRegistry(sim.world);
  const helpdesk = registry.accounts.find((e) => e.purpose?.startsWith('answers HR'));
  const plan = loadedOf(snapshot).leaver(JSON.stringify(registry), JSON.stringify(demoSettings()), helpdesk.owner, DEMO_NOW);
  assert.equal(plan.type, 'success');
  assert.equal(plan.result.state, 'deactivated');
  const [impact] = plan.result.bots;
  assert.equal(impact.displayName, 'helpdesk-bot');
  for (const key of ['HR', 'IT', 'SUP']) assert.ok(impact.access.projects.includes(key), key);
  const suspend = impact.actions.find((a) => a.action === 'suspend');
  assert.deepEqual(suspend.removes.filter((r) => r.op === 'removeRoleActor').map((r) => r.project).sort(), ['HR', 'IT', 'SUP']);
  assert.ok(suspend.removes.some((r) => r.op === 'removeGroupMember'), 'and its groups');
});

test('least privilege for the deploy bot drops only what it does not need, and what-if agrees', () => {
  const registry = JSON.stringify(demoRegistry(sim.world));
  const bot = sim.world.users.find((u) => u.displayName === 'ci-deploy-bot').accountId;
  const plan = loadedOf(snapshot).leastPrivilege(registry, '', bot, DEMO_NOW);
  assert.equal(plan.type, 'success', JSON.stringify(plan.errors));
  assert.equal(plan.result.verified, true);
  assert.deepEqual(plan.result.othersAffected, []);
  assert.ok(plan.result.after.projects.every((p) => p.missing.length === 0));
});
