// The Forge handlers, bundled with @forge/bundler's own webpack config, called from another
// working directory against the Jira simulator over real HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../../sim/server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let outDir;
let sim;
const users = {};

before(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'steward-bundle-'));
  execFileSync('node', [join(root, 'tools/forge-bundle.cjs'), outDir], { cwd: root, stdio: 'pipe' });
  sim = await startSimulator();
  for (const u of sim.world.users.filter((x) => x.email)) users[u.displayName.split(' ')[0].toLowerCase()] = u;
});

after(async () => {
  await sim?.close();
  rmSync(outDir, { recursive: true, force: true });
});

// Asynchronous on purpose: the simulator answers from this same process.
const run = promisify(execFile);

async function invoke(user, functionKey, context, payload = {}) {
  const elsewhere = mkdtempSync(join(tmpdir(), 'steward-cwd-'));
  try {
    const { stdout: out } = await run('node', [
      join(root, 'tests/js/fixtures/invoke-bundle.cjs'), join(outDir, 'index.cjs'), sim.url, user.email, user.token,
      functionKey, JSON.stringify({ accountId: user.accountId, ...context }), JSON.stringify(payload),
    ], { cwd: elsewhere, encoding: 'utf8', timeout: 30_000 });
    const result = JSON.parse(out);
    assert.equal(result.cwd, elsewhere);
    return result;
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
}

const adminPage = { extension: { type: 'jira:adminPage' } };
const projectPage = (key) => ({ extension: { type: 'jira:projectSettingsPage', project: { id: '1', key, type: 'software' } } });

test('the bundle is one self-contained file: the wasm is inlined, not emitted beside it', () => {
  assert.deepEqual(readdirSync(outDir).sort(), ['index.cjs']);
});

test('adminOverview lists every permission scheme with its projects for a Jira admin', async () => {
  const { answer, seen } = await invoke(users.ada, 'adminOverview', adminPage);
  assert.equal(answer.type, 'success', JSON.stringify(answer));
  const byName = Object.fromEntries(answer.result.schemes.map((s) => [s.name, s]));
  for (const scheme of sim.world.schemes) {
    const expected = sim.world.projects.filter((p) => p.scheme === scheme.id).map((p) => p.key).sort();
    assert.deepEqual(byName[scheme.name].projects, expected, scheme.name);
    assert.equal(byName[scheme.name].grantCount, scheme.grants.length, scheme.name);
  }
  assert.equal(answer.result.projectCount, sim.world.projects.length);
  assert.equal(seen[0], 'user GET /rest/api/3/mypermissions?permissions=ADMINISTER', 'the caller is authorized first, as the user');
  assert.ok(seen.slice(1).every((line) => line.startsWith('app ')), 'the data is read as the app');
});

test('adminOverview refuses a caller without ADMINISTER before reading anything as the app', async () => {
  const { answer, seen } = await invoke(users.vic, 'adminOverview', adminPage);
  assert.equal(answer.type, 'failure');
  assert.equal(answer.errors[0].code, 'forbidden');
  assert.deepEqual(seen, ['user GET /rest/api/3/mypermissions?permissions=ADMINISTER']);
});

test('projectOverview takes the project from the context and ignores one in the payload', async () => {
  const { answer, seen } = await invoke(users.pat, 'projectOverview', projectPage('PAY'), { projectKey: 'APP' });
  assert.equal(answer.type, 'success', JSON.stringify(answer));
  assert.equal(answer.result.projectKey, 'PAY');
  assert.equal(answer.result.permissionScheme.name, 'Finance restricted scheme');
  assert.equal(seen[0], 'user GET /rest/api/3/mypermissions?permissions=ADMINISTER_PROJECTS&projectKey=PAY');
});

test('projectOverview refuses a caller who does not administer the context project', async () => {
  const { answer } = await invoke(users.pat, 'projectOverview', projectPage('APP'));
  assert.equal(answer.type, 'failure');
  assert.equal(answer.errors[0].code, 'forbidden');
  assert.match(answer.errors[0].message, /ADMINISTER_PROJECTS.*APP/);
});

test('projectOverview rejects a context project key that is not a Jira key', async () => {
  for (const key of ['../admin', 'pay', '', 'A/B']) {
    const { answer, seen } = await invoke(users.ada, 'projectOverview', projectPage(key));
    assert.equal(answer.errors?.[0]?.code, 'bad-context', key);
    assert.deepEqual(seen, [], 'nothing is read for a bad context');
  }
});
