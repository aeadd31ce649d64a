#!/usr/bin/env node
// Offline manifest validation, the checks `forge lint` runs, without login or network:
//  1. @forge/manifest's FULL validator (schema, module keys, handler files, CSP, known scopes) and its
//     PRODUCT_TRIGGER check (trigger events need their scopes);
//  2. @forge/lint's permission linter against the repo's copy of Atlassian's OpenAPI spec, fed every
//     endpoint the core can call (the core builds its paths at run time, so they are written out
//     as `route` literals for the linter to read) plus the handlers' own sources.
// Usage: node tools/validate-manifest.mjs [manifest.yml]   exit 1 on any problem.
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const YAML = require('yaml');

export async function coreEndpoints() {
  const steward = await import(join(root, 'pkg/steward.js'));
  steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });
  return steward.endpoints();
}

function endpointsAsRoutes(endpoints) {
  const lines = ["import api, { route } from '@forge/api';", ''];
  for (const { method, path } of endpoints) {
    const literal = path.replace(/\{[^}]+\}/g, '${id}');
    lines.push(`api.asApp().requestJira(route\`${literal}\`, { method: '${method}' });`);
  }
  return lines.join('\n').replace(/^/, "const id = 'X';\n");
}

// Returns a list of problems, one line each; empty when the manifest is valid.
export async function validateManifest(manifestPath) {
  const problems = [];
  const { ProcessorBuilder, ValidationTypes } = require('@forge/manifest');
  for (const type of [ValidationTypes.FULL, ValidationTypes.PRODUCT_TRIGGER]) {
    // The validator resolves handler files against the working directory's src/.
    const previous = process.cwd();
    process.chdir(root);
    try {
      const result = await ProcessorBuilder.instance().withValidation(type).build().process(resolve(previous, manifestPath));
      for (const e of result.errors ?? []) problems.push(`manifest: line ${e.line ?? '?'}: ${e.message}`);
      if (!result.success && !(result.errors ?? []).length) problems.push('manifest: invalid');
    } finally {
      process.chdir(previous);
    }
  }
  if (problems.length) return problems;

  const scratch = mkdtempSync(join(tmpdir(), 'steward-lint-'));
  const empty = join(scratch, 'empty.json');
  writeFileSync(empty, '{"paths":{}}');
  Object.assign(process.env, {
    USE_LOCAL_SWAGGER: '1', LOCAL_JIRA_SWAGGER: join(root, 'spec/jira-openapi/swagger-v3.v3.json'),
    LOCAL_JSM_SWAGGER: empty, LOCAL_JSW_SWAGGER: empty, LOCAL_CONF_SWAGGER: empty,
    LOCAL_CONF_V2_SWAGGER: empty, LOCAL_BB_SWAGGER: empty,
  });
  const coreCalls = join(scratch, 'core-endpoints.js');
  // The jobs' and the writes' endpoints, whose paths are built at run time too.
  const { JOB_ENDPOINTS } = await import(join(root, 'src/forge/jobs/endpoints.js'));
  writeFileSync(coreCalls, endpointsAsRoutes([...(await coreEndpoints()), ...JOB_ENDPOINTS]));
  const handlerFiles = readdirSync(join(root, 'src/forge'), { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => join(root, 'src/forge', f));
  const { lint } = require('@forge/lint');
  const manifest = YAML.parse(readFileSync(manifestPath, 'utf8'));
  const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {} };
  const results = await lint([coreCalls, ...handlerFiles], manifest, 'production', quiet,
    { getDeprecatedRuntimes: async () => [] }, { linter: { mode: 'client-side' } });
  for (const result of results) {
    for (const e of result.errors) problems.push(`lint: ${e.message}`);
    for (const e of result.approvals ?? []) problems.push(`lint (needs approval): ${e.message}`);
  }
  rmSync(scratch, { recursive: true, force: true });
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const manifestPath = process.argv[2] ?? 'manifest.yml';
  const problems = await validateManifest(manifestPath);
  if (problems.length) {
    console.error(`${manifestPath}: ${problems.length} problem(s)`);
    for (const p of problems) console.error(`  ${p}`);
    process.exit(1);
  }
  console.log(`${manifestPath}: valid (schema, keys, handlers, scopes of ${(await coreEndpoints()).length} core endpoints)`);
}
