// Checks a generated snapshot: the document against schema/snapshot-v1.schema.json, and every body
// against the response schema Atlassian's OpenAPI spec gives for the operation it came from.
// Usage: node bench/check-snapshot.mjs bench/.data/snapshot-S.json
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = JSON.parse(readFileSync(join(root, 'spec/jira-openapi/swagger-v3.v3.json'), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ components: spec.components }, 'spec');

const rewrite = (schema) =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"spec#/components/'));
const validators = new Map();
function validator(path) {
  if (!validators.has(path)) {
    const schema = spec.paths[path]?.get?.responses?.['200']?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`the spec has no 200 JSON response for GET ${path}`);
    validators.set(path, ajv.compile(rewrite(schema)));
  }
  return validators.get(path);
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/check-snapshot.mjs SNAPSHOT');
  process.exit(2);
}
const doc = JSON.parse(readFileSync(file, 'utf8'));
let problems = 0;
let bodies = 0;
function check(path, body, where) {
  bodies += 1;
  const validate = validator(path);
  if (!validate(body)) {
    problems += 1;
    if (problems <= 20) console.error(`${where}: ${ajv.errorsText(validate.errors.slice(0, 3))}`);
  }
}

const snapshotSchema = ajv.compile(JSON.parse(readFileSync(join(root, 'schema/snapshot-v1.schema.json'), 'utf8')));
if (!snapshotSchema(doc)) {
  problems += 1;
  console.error(`snapshot schema: ${ajv.errorsText(snapshotSchema.errors)}`);
}

check('/rest/api/3/permissions', doc.permissions, 'permissions');
check('/rest/api/3/permissionscheme', doc.permissionSchemes, 'permissionSchemes');
doc.projects.forEach((p, i) => check('/rest/api/3/project/search', p, `projects[${i}]`));
for (const [key, body] of Object.entries(doc.projectPermissionSchemes)) {
  check('/rest/api/3/project/{projectKeyOrId}/permissionscheme', body, `projectPermissionSchemes.${key}`);
}
check('/rest/api/3/role', doc.roles, 'roles');
for (const [key, roles] of Object.entries(doc.projectRoles)) {
  for (const [id, body] of Object.entries(roles)) {
    check('/rest/api/3/project/{projectIdOrKey}/role/{id}', body, `projectRoles.${key}.${id}`);
  }
}
doc.users.forEach((p, i) => check('/rest/api/3/users/search', p, `users[${i}]`));
for (const [id, body] of Object.entries(doc.userDetails)) check('/rest/api/3/user', body, `userDetails.${id}`);
doc.groups.forEach((p, i) => check('/rest/api/3/group/bulk', p, `groups[${i}]`));
for (const [id, pages] of Object.entries(doc.groupMembers)) {
  pages.forEach((p, i) => check('/rest/api/3/group/member', p, `groupMembers.${id}[${i}]`));
}
check('/rest/api/3/applicationrole', doc.applicationRoles, 'applicationRoles');

console.log(`${file}: ${bodies} bodies checked, ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
