// The documented contracts: every scenario snapshot fits schema/snapshot-v1.schema.json, and
// the analysis the wasm core produces for it fits schema/analysis-v1.schema.json (and its matrix form
// schema/analysis-matrix-v1.schema.json). The warning
// codes in the schema are exactly the codes the core can emit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ajv = new Ajv({ allErrors: true, strict: false });
const snapshotSchema = ajv.compile(JSON.parse(readFileSync(join(root, 'schema/snapshot-v1.schema.json'), 'utf8')));
const analysisJson = JSON.parse(readFileSync(join(root, 'schema/analysis-v1.schema.json'), 'utf8'));
const analysisSchema = ajv.compile(analysisJson);
const matrixSchema = ajv.compile(JSON.parse(readFileSync(join(root, 'schema/analysis-matrix-v1.schema.json'), 'utf8')));

const steward = await import(join(root, 'pkg/steward.js'));
steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

const scenarios = readdirSync(join(root, 'tests/scenarios')).filter((d) => existsSync(join(root, 'tests/scenarios', d, 'snapshot.json')));

test('there are scenarios to check', () => assert.ok(scenarios.length > 0));

for (const name of scenarios) {
  test(`scenario ${name}: snapshot and analysis fit their schemas`, () => {
    const text = readFileSync(join(root, 'tests/scenarios', name, 'snapshot.json'), 'utf8');
    assert.ok(snapshotSchema(JSON.parse(text)), JSON.stringify(snapshotSchema.errors));
    const analysis = steward.analyze(text, '{"allAccounts": true}');
    assert.ok(analysisSchema(analysis), JSON.stringify(analysisSchema.errors));
    const matrix = steward.analyze(text, '{"allAccounts": true, "form": "matrix"}');
    assert.ok(matrixSchema(matrix), JSON.stringify(matrixSchema.errors));
  });
}

test('the schema rejects an analysis with an undocumented field', () => {
  const bad = { analysisVersion: 1, accounts: [], warnings: [], extra: true };
  assert.equal(analysisSchema(bad), false);
});

test('the matrix schema rejects a path given as text instead of a number', () => {
  const matrix = { analysisVersion: 1, form: 'matrix', paths: [], projects: [], accounts: [], warnings: [],
    sets: [{ coverage: 'complete', permissions: { BROWSE_PROJECTS: ['scheme "S" [1] grant 1 → anyone'] } }] };
  assert.equal(matrixSchema(matrix), false);
  matrix.sets[0].permissions.BROWSE_PROJECTS = [0];
  assert.equal(matrixSchema(matrix), true, JSON.stringify(matrixSchema.errors));
});

test('the schema lists exactly the warning codes the core defines', () => {
  const source = readFileSync(join(root, 'src/warning.rs'), 'utf8');
  const body = source.slice(source.indexOf('pub enum WarningCode'), source.indexOf('}', source.indexOf('pub enum WarningCode')));
  const variants = [...body.matchAll(/^\s{4}([A-Z][A-Za-z]+),$/gm)].map((m) => m[1].replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase()));
  assert.deepEqual([...analysisJson.definitions.warning.properties.code.enum].sort(), variants.sort());
});

// The registry's schema and the core's reader agree: the demo registry and a request fit both; a
// status the core does not know is refused by both.
test('the registry schema and the core read the same registry, requests included', async () => {
  const registrySchema = ajv.compile(JSON.parse(readFileSync(join(root, 'schema/registry-v1.schema.json'), 'utf8')));
  const { demoRegistry } = await import('../../sim/registry.mjs');
  const { generateWorld } = await import('../../sim/world.mjs');
  const registry = demoRegistry(generateWorld());
  registry.accounts.push({
    accountId: 'request-0b6f2f8e-3c1e-4a8e-9d47-2f1b8a1c9e11', owner: registry.accounts[0].owner, requester: registry.accounts[0].owner,
    purpose: 'posts payout reports', tool: 'payout-reporter', need: { projects: ['PAY'], permissions: ['BROWSE_PROJECTS', 'ADD_COMMENTS'] },
    cadence: 'quarterly', status: 'requested', requestIssue: 'OPS-1',
  });
  const core = (r) => steward.reviewEvents(JSON.stringify(r), '{}', '2026-11-01', '2026-11-23');
  assert.ok(registrySchema(registry), JSON.stringify(registrySchema.errors));
  assert.equal(core(registry).type, 'success', JSON.stringify(core(registry).errors));
  const bogus = structuredClone(registry);
  bogus.accounts.at(-1).status = 'pending';
  assert.equal(registrySchema(bogus), false);
  assert.equal(core(bogus).type, 'failure');
  const extra = structuredClone(registry);
  extra.accounts[0].nickname = 'x';
  assert.equal(registrySchema(extra), false);
  assert.equal(core(extra).type, 'failure');
});
