// Validates a JSON body against the response schema Atlassian's OpenAPI spec (the repo's copy)
// gives for an operation, with Ajv.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const spec = JSON.parse(readFileSync(join(root, 'spec/jira-openapi/swagger-v3.v3.json'), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ components: spec.components }, 'spec');

// The response schema of an operation, with its references pointed into the loaded spec.
function responseSchema(method, path, status) {
  const schema = spec.paths[path]?.[method.toLowerCase()]?.responses?.[status]?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`the spec has no ${status} JSON response for ${method} ${path}`);
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"spec#/components/'));
}

const compiled = new Map();

// Returns Ajv's errors, or [] when `body` fits the spec's schema for the operation.
export function shapeErrors(method, path, body, status = '200') {
  const key = `${method} ${path} ${status}`;
  if (!compiled.has(key)) compiled.set(key, ajv.compile(responseSchema(method, path, status)));
  const validate = compiled.get(key);
  return validate(body) ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
