// The offline manifest check (tools/validate-manifest.mjs) passes on manifest.yml and fails on the
// mistakes it exists to catch: a removed scope, a misspelled module key, a wrong handler.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateManifest } from '../../tools/validate-manifest.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const original = readFileSync(join(root, 'manifest.yml'), 'utf8');
let scratch;

// The manifest resolves `resources` against its own folder: give each variant the app beside it.
function variant(name, text) {
  writeFileSync(join(scratch, `${name}.yml`), text);
  return join(scratch, `${name}.yml`);
}

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'steward-manifest-'));
  symlinkSync(join(root, 'static'), join(scratch, 'static'));
  symlinkSync(join(root, 'src'), join(scratch, 'src'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

test('manifest.yml passes the full validator and the permission lint', async () => {
  assert.deepEqual(await validateManifest(join(root, 'manifest.yml')), []);
});

test('removing a scope the core needs fails the permission lint', async () => {
  const problems = await validateManifest(variant('no-scope', original.replace('    - read:jira-work\n', '')));
  assert.ok(problems.some((p) => /GET \/rest\/api\/3\/permissionscheme requires "read:jira-work"/.test(p)), problems.join('\n'));
});

test('a misspelled module key fails the schema', async () => {
  const problems = await validateManifest(variant('typo', original.replace('jira:adminPage:', 'jira:adminPagez:')));
  assert.ok(problems.some((p) => /invalid value 'jira:adminPagez' in modules/.test(p)), problems.join('\n'));
});

test('a handler that points at no file fails', async () => {
  const problems = await validateManifest(variant('handler', original.replace('handler: forge/index.handler', 'handler: forge/missing.handler')));
  assert.ok(problems.some((p) => /cannot find associated file/.test(p)), problems.join('\n'));
});

test('an unknown scope fails', async () => {
  const problems = await validateManifest(variant('unknown-scope', original.replace('    - read:jira-work\n', '    - read:jira-work\n    - read:jira-everything\n')));
  assert.ok(problems.length > 0);
});

test('the scan consumer\'s function may not run longer than Forge\'s 900 s', async () => {
  const problems = await validateManifest(variant('timeout', original.replace('timeoutSeconds: 900', 'timeoutSeconds: 901')));
  assert.ok(problems.some((p) => /timeoutSeconds must be <= 900/.test(p)), problems.join('\n'));
});

test('the scan consumer must name a function module', async () => {
  const problems = await validateManifest(variant('consumer', original.replace('function: scan-job', 'function: scan-jobz')));
  assert.ok(problems.some((p) => /consumer references undefined function module with key 'scan-jobz'/.test(p)), problems.join('\n'));
});

test('the long-running scan function may not also serve a page', async () => {
  const problems = await validateManifest(variant('shared', original.replace(/resolver:\n {8}function: resolver/, 'resolver:\n        function: scan-job')));
  assert.ok(problems.some((p) => /Function "scan-job" is used by a consumer and jira:adminPage/.test(p)), problems.join('\n'));
});

test('the leaver flow\'s note on a request issue needs write:jira-work', async () => {
  const problems = await validateManifest(variant('no-write-work', original.replace('    - write:jira-work\n', '')));
  assert.ok(problems.some((p) => /POST \/rest\/api\/3\/issue\/\{issueIdOrKey\}\/comment requires "write:jira-work"/.test(p)), problems.join('\n'));
});

test('suspending a bot needs manage:jira-project (role actors) and manage:jira-configuration (groups)', async () => {
  const noProject = await validateManifest(variant('no-manage-project', original.replace('    - manage:jira-project\n', '')));
  assert.ok(noProject.some((p) => /DELETE \/rest\/api\/3\/project\/\{projectIdOrKey\}\/role\/\{id\} requires "manage:jira-project"/.test(p)), noProject.join('\n'));
  const noConfiguration = await validateManifest(variant('no-manage-configuration', original.replace('    - manage:jira-configuration\n', '')));
  assert.ok(noConfiguration.some((p) => /DELETE \/rest\/api\/3\/group\/user requires "manage:jira-configuration"/.test(p)), noConfiguration.join('\n'));
});

test('the trigger on user events needs read:jira-user', async () => {
  const problems = await validateManifest(variant('no-read-user', original.replace('    - read:jira-user\n', '')));
  assert.ok(problems.some((p) => /'avi:jira:updated:user' requires 'read:jira-user'/.test(p)), problems.join('\n'));
});

test('a scheduled trigger\'s interval is one Forge knows', async () => {
  const problems = await validateManifest(variant('interval', original.replace('interval: hour', 'interval: minute')));
  assert.ok(problems.some((p) => /interval/.test(p)), problems.join('\n'));
});
