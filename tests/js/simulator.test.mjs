// The Jira simulator answers in the shapes of Atlassian's OpenAPI spec, requires basic auth,
// caps pages and enforces the caller's permissions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../sim/server.mjs';
import { shapeErrors } from './openapi.mjs';

let sim;
let admin;
let viewer;
before(async () => {
  sim = await startSimulator({ pageCap: 4 });
  admin = sim.data.users.find((u) => u.siteAdmin);
  viewer = sim.data.users.find((u) => u.displayName === 'Vic Viewer');
});
after(() => sim.close());

async function get(path, user = admin) {
  const headers = user ? { authorization: `Basic ${Buffer.from(`${user.email}:${user.token}`).toString('base64')}` } : {};
  const response = await fetch(sim.url + path, { headers });
  return { status: response.status, body: await response.json() };
}

const shapes = [
  ['/rest/api/3/permissionscheme', '/rest/api/3/permissionscheme?expand=permissions,user,group,projectRole,field'],
  ['/rest/api/3/project/search', '/rest/api/3/project/search?maxResults=100'],
  ['/rest/api/3/project/{projectKeyOrId}/permissionscheme', '/rest/api/3/project/PAY/permissionscheme?expand=permissions'],
  ['/rest/api/3/project/{projectIdOrKey}', '/rest/api/3/project/PAY'],
  ['/rest/api/3/mypermissions', '/rest/api/3/mypermissions?permissions=ADMINISTER,BROWSE_PROJECTS&projectKey=PAY'],
  ['/rest/api/3/myself', '/rest/api/3/myself'],
];

for (const [specPath, path] of shapes) {
  test(`GET ${specPath} fits the spec's response schema`, async () => {
    const { status, body } = await get(path);
    assert.equal(status, 200);
    assert.deepEqual(shapeErrors('GET', specPath, body), []);
  });
}

test('the shape check itself rejects a body that does not fit', () => {
  assert.notDeepEqual(shapeErrors('GET', '/rest/api/3/project/search', { values: 'not a list' }), []);
});

test('requests without valid basic auth are refused with 401', async () => {
  assert.equal((await get('/rest/api/3/myself', null)).status, 401);
  assert.equal((await get('/rest/api/3/myself', { ...admin, token: 'wrong' })).status, 401);
});

test('project search is capped per page and links the next page', async () => {
  const first = await get('/rest/api/3/project/search?maxResults=100');
  assert.equal(first.body.maxResults, 4);
  assert.equal(first.body.values.length, 4);
  assert.equal(first.body.isLast, false);
  const next = new URL(first.body.nextPage);
  const second = await get(next.pathname + next.search);
  assert.equal(second.body.isLast, true);
  assert.equal(first.body.values.length + second.body.values.length, first.body.total);
});

test('a project\'s configuration is forbidden to a user who does not administer it', async () => {
  const { status, body } = await get('/rest/api/3/project/PAY/permissionscheme', viewer);
  assert.equal(status, 403);
  assert.ok(body.errorMessages[0].includes("permission to view"));
});
