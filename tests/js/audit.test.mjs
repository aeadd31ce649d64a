// The headless audit's JSON report against its schema (schema/audit-v1.schema.json): the native
// `steward audit` binary (built by cargo) scans the demo company over HTTP with the demo registry,
// so every rule of the catalogue appears in a real report. The analysis part is checked through
// the schema's $refs into schema/analysis-v1.schema.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSimulator } from '../../sim/server.mjs';
import { DEMO_NOW, demoRegistry, demoSettings } from '../../sim/registry.mjs';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema(JSON.parse(readFileSync(join(root, 'schema/analysis-v1.schema.json'), 'utf8')));
const auditSchema = ajv.compile(JSON.parse(readFileSync(join(root, 'schema/audit-v1.schema.json'), 'utf8')));

let sim;
let report;
before(async () => {
  sim = await startSimulator();
  const dir = mkdtempSync(join(tmpdir(), 'steward-audit-'));
  writeFileSync(join(dir, 'registry.json'), JSON.stringify(demoRegistry(sim.world)));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(demoSettings()));
  // Asynchronous: the simulator answers from this process while the binary runs.
  const args = ['run', '--quiet', '--bin', 'steward', '--', 'audit', '--site', sim.url, '--rate', '0',
    '--registry', join(dir, 'registry.json'), '--settings', join(dir, 'settings.json'), '--now', DEMO_NOW, '--fail-on', 'critical'];
  const env = { ...process.env, JIRA_EMAIL: 'ada@steward-demo.example', JIRA_API_TOKEN: 'demo-token' };
  const run = await promisify(execFile)('cargo', args, { cwd: root, env, maxBuffer: 256 * 1024 * 1024 }).catch((e) => e);
  assert.equal(run.code ?? 0, 1, `the demo company fails a critical gate: ${run.stderr}`);
  report = JSON.parse(run.stdout);
});
after(() => sim?.close());

test('a real audit report fits schema/audit-v1.schema.json', () => {
  assert.ok(auditSchema(report), JSON.stringify(auditSchema.errors?.slice(0, 5)));
  assert.equal(report.audit.gateFailed, true);
  assert.equal(report.audit.site, sim.url);
});

test('the report shows every rule of the catalogue with the demo registry', () => {
  const rules = new Set(report.audit.findings.findings.map((f) => f.rule));
  const catalogue = readFileSync(join(root, 'src/findings/rules/mod.rs'), 'utf8');
  const ids = [...catalogue.matchAll(/^\s{4}([a-z_]+)::RULE,$/gm)].map((m) => m[1].replaceAll('_', '-'));
  assert.ok(ids.length >= 18, `the catalogue lists ${ids.length} rules`);
  assert.deepEqual(ids.filter((id) => !rules.has(id)), []);
});

test('the schema checks the analysis part through its $refs and allows nothing else', () => {
  const bad = structuredClone(report);
  delete bad.accounts[0].kind;
  assert.equal(auditSchema(bad), false, 'an account without `kind` is refused through the analysis schema');
  const extra = { ...structuredClone(report), extra: true };
  assert.equal(auditSchema(extra), false);
  const badSeverity = structuredClone(report);
  badSeverity.audit.findings.findings[0].severity = 'severe';
  assert.equal(auditSchema(badSeverity), false);
});
