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
  admin = sim.world.users.find((u) => u.displayName === 'Ada Admin');
  viewer = sim.world.users.find((u) => u.displayName === 'Vic Viewer');
});
after(() => sim.close());

async function get(path, user = admin) {
  const headers = user ? { authorization: `Basic ${Buffer.from(`${user.email}:${user.token}`).toString('base64')}` } : {};
  const response = await fetch(sim.url + path, { headers });
  return { status: response.status, body: await response.json() };
}

const shapes = [
  ['/rest/api/3/permissionscheme', '/rest/api/3/permissionscheme?expand=permissions,user,group,projectRole,field'],
  ['/rest/api/3/project/search', '/rest/api/3/project/search?maxResults=100&expand=lead'],
  ['/rest/api/3/project/{projectKeyOrId}/permissionscheme', '/rest/api/3/project/PAY/permissionscheme?expand=permissions'],
  ['/rest/api/3/project/{projectIdOrKey}', '/rest/api/3/project/PAY'],
  ['/rest/api/3/project/{projectIdOrKey}/role/{id}', '/rest/api/3/project/APP/role/10001'],
  ['/rest/api/3/mypermissions', '/rest/api/3/mypermissions?permissions=ADMINISTER,BROWSE_PROJECTS&projectKey=PAY'],
  ['/rest/api/3/myself', '/rest/api/3/myself'],
  ['/rest/api/3/permissions', '/rest/api/3/permissions'],
  ['/rest/api/3/role', '/rest/api/3/role'],
  ['/rest/api/3/users/search', '/rest/api/3/users/search?maxResults=1000'],
  ['/rest/api/3/user/search', '/rest/api/3/user/search?query=ada'],
  ['/rest/api/3/user/bulk', '/rest/api/3/user/bulk?accountId=5b10a2844c20165700000001&accountId=5b10a2844c20165700000002&maxResults=200'],
  ['/rest/api/3/user', '/rest/api/3/user?accountId=5b10a2844c20165700000001&expand=groups,applicationRoles'],
  ['/rest/api/3/group/bulk', '/rest/api/3/group/bulk'],
  ['/rest/api/3/group/member', '/rest/api/3/group/member?groupId=a1b2c3d4-0000-4000-8000-000000000005&includeInactiveUsers=true'],
  ['/rest/api/3/applicationrole', '/rest/api/3/applicationrole'],
  ['/rest/api/3/issuesecurityschemes', '/rest/api/3/issuesecurityschemes'],
  ['/rest/api/3/issuesecurityschemes/project', '/rest/api/3/issuesecurityschemes/project'],
  ['/rest/api/3/issuesecurityschemes/level', '/rest/api/3/issuesecurityschemes/level?schemeId=10000&maxResults=50'],
  ['/rest/api/3/issuesecurityschemes/{issueSecuritySchemeId}/members', '/rest/api/3/issuesecurityschemes/10000/members?expand=all'],
  ['/rest/api/3/workflowscheme/project', '/rest/api/3/workflowscheme/project?projectId=10010&projectId=10011'],
  ['/rest/api/3/workflows/search', '/rest/api/3/workflows/search?expand=values.transitions'],
  ['/rest/api/3/auditing/record', '/rest/api/3/auditing/record'],
  ['/rest/api/3/user/bulk', '/rest/api/3/user/bulk?accountId=5b10a2844c20165700000001&accountId=5b10a2844c20165700000002'],
  ['/rest/api/3/issue/{issueIdOrKey}/comment', '/rest/api/3/issue/OPS-1/comment'],
];

test('POST /rest/api/3/permissions/check fits the spec and answers from the world', async () => {
  const bot = sim.world.users.find((u) => u.displayName === 'ci-deploy-bot');
  const response = await fetch(`${sim.url}/rest/api/3/permissions/check`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${admin.email}:${admin.token}`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ accountId: bot.accountId, globalPermissions: ['ADMINISTER'], projectPermissions: [{ permissions: ['EDIT_ISSUES'], projects: [10010, 10013] }] }),
  });
  const body = await response.json();
  assert.deepEqual(shapeErrors('POST', '/rest/api/3/permissions/check', body), []);
  assert.deepEqual(body, { globalPermissions: [], projectPermissions: [{ permission: 'EDIT_ISSUES', projects: [10010], issues: [] }] });
});

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

test('project search is capped per page and links every next page', async () => {
  let page = await get('/rest/api/3/project/search?maxResults=100');
  assert.equal(page.body.maxResults, 4);
  const keys = [];
  for (;;) {
    keys.push(...page.body.values.map((p) => p.key));
    if (page.body.isLast) break;
    const next = new URL(page.body.nextPage);
    page = await get(next.pathname + next.search);
  }
  assert.equal(keys.length, sim.world.projects.length);
  assert.equal(new Set(keys).size, keys.length, 'no project twice');
});

test('a project\'s configuration is forbidden to a user who does not administer it', async () => {
  const { status, body } = await get('/rest/api/3/project/PAY/permissionscheme', viewer);
  assert.equal(status, 403);
  assert.ok(body.errorMessages[0].includes("permission to view"));
});

async function send(method, path, body) {
  const headers = { authorization: `Basic ${Buffer.from(`${admin.email}:${admin.token}`).toString('base64')}`, 'content-type': 'application/json' };
  const response = await fetch(sim.url + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: response.status, body: response.status === 204 ? null : await response.json().catch(() => null) };
}

test('every write leaves an audit record that fits the spec, served newest first with from, to, filter and paging', async () => {
  const started = new Date(Date.now() - 1).toISOString();
  const bot = sim.world.users.find((u) => u.displayName === 'sandbox-bot');
  const bots = sim.world.groups.find((g) => g.name === 'bots');
  const writes = [
    ['POST', '/rest/api/3/project/APP/role/10101', { user: [bot.accountId] }, 200],
    ['DELETE', `/rest/api/3/project/APP/role/10101?user=${bot.accountId}`, null, 204],
    ['POST', `/rest/api/3/group/user?groupId=${bots.groupId}`, { accountId: sim.world.users[2].accountId }, 201],
    ['DELETE', `/rest/api/3/group/user?groupId=${bots.groupId}&accountId=${sim.world.users[2].accountId}`, null, 200],
    ['POST', '/rest/api/3/permissionscheme/10005/permission', { permission: 'BROWSE_PROJECTS', holder: { type: 'anyone' } }, 201],
    ['PUT', '/rest/api/3/project/LAB/permissionscheme', { id: 10003 }, 200],
  ];
  for (const [method, path, body, status] of writes) assert.equal((await send(method, path, body)).status, status, `${method} ${path}`);
  const grant = (await get('/rest/api/3/permissionscheme?expand=permissions')).body.permissionSchemes.find((s) => s.id === 10005).permissions[0];
  assert.equal((await send('DELETE', `/rest/api/3/permissionscheme/10005/permission/${grant.id}`)).status, 204);

  const { status, body } = await get(`/rest/api/3/auditing/record?from=${encodeURIComponent(started)}`);
  assert.equal(status, 200);
  assert.deepEqual(shapeErrors('GET', '/rest/api/3/auditing/record', body), []);
  assert.equal(body.total, 7);
  assert.deepEqual(body.records.map((r) => r.summary), [
    'Permission scheme updated', 'Permission scheme associated with project', 'Permission scheme updated',
    'User removed from group', 'User added to group', 'Project roles changed', 'Project roles changed']);
  const role = body.records.at(-1);
  assert.equal(role.objectItem.typeName, 'PROJECT_ROLE');
  assert.deepEqual(role.associatedItems.map((i) => [i.typeName, i.name]), [['PROJECT', 'Mobile App']]);
  assert.match(role.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

  const paged = await get(`/rest/api/3/auditing/record?from=${encodeURIComponent(started)}&offset=5&limit=5`);
  assert.deepEqual([paged.body.offset, paged.body.limit, paged.body.total, paged.body.records.length], [5, 5, 7, 2]);
  const filtered = await get(`/rest/api/3/auditing/record?from=${encodeURIComponent(started)}&filter=${encodeURIComponent('group manage')}`);
  assert.deepEqual(filtered.body.records.map((r) => r.summary), ['User removed from group', 'User added to group']);
  const future = await get(`/rest/api/3/auditing/record?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
  assert.equal(future.body.total, 0);
  const before = await get(`/rest/api/3/auditing/record?to=${encodeURIComponent(started)}`);
  assert.ok(before.body.records.every((r) => Date.parse(r.created.replace('+0000', 'Z')) <= Date.parse(started)));
});

test('the sized worlds are deterministic, keep the benchmark proportions, and S starts quickly', async () => {
  const { sizedWorld, SIZES } = await import('../../sim/sized.mjs');
  const started = Date.now();
  const small = await startSimulator({ size: 'S' });
  try {
    assert.ok(Date.now() - started < 5_000, 'S is quick to start');
    const w = small.world;
    assert.equal(w.projects.length, SIZES.S.projects);
    assert.equal(w.users.length, SIZES.S.projects * 10);
    assert.equal(w.groups.length, SIZES.S.projects / 2);
    assert.equal(w.roles.length, SIZES.S.roles);
    assert.equal(w.schemes.length, SIZES.S.projects / 20);
    assert.equal(w.users.filter((u) => u.appType === 'service').length, SIZES.S.projects / 10);
    assert.equal(w.users.filter((u) => u.accountType === 'app' && !u.appType).length, SIZES.S.apps);
    assert.equal(JSON.stringify(sizedWorld('S')), JSON.stringify(sizedWorld('s')), 'same size, same world');
    assert.notEqual(JSON.stringify(sizedWorld('S', { seed: 1 })), JSON.stringify(w));
    const page = await fetch(`${small.url}/rest/api/3/users/search?maxResults=1000`, { headers: { authorization: `Basic ${Buffer.from('ada@steward-demo.example:demo-token').toString('base64')}` } });
    assert.equal((await page.json()).length, 100, "the simulator's page cap applies");
    assert.throws(() => sizedWorld('XXL'), /unknown size `XXL`/);
  } finally {
    await small.close();
  }
});

// What a bot request files and its approval adds: the project page's only writes besides roles.
test('issues: POST /issue and POST /issue/{key}/comment fit the spec, as the caller, within their rights', async () => {
  const post = async (path, body, user = admin) => {
    const response = await fetch(sim.url + path, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${user.email}:${user.token}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const doc = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a bot for reports' }] }] };
  const created = await post('/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'Bot request', description: doc } });
  assert.equal(created.status, 201);
  assert.deepEqual(shapeErrors('POST', '/rest/api/3/issue', created.body, '201'), []);
  assert.match(created.body.key, /^OPS-\d+$/);
  const issue = sim.world.issues.find((i) => i.key === created.body.key);
  assert.equal(issue.fields.reporter, admin.accountId);
  const missing = await post('/rest/api/3/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' } } });
  assert.equal(missing.status, 400);
  assert.ok(missing.body.errors.summary);
  const comment = await post(`/rest/api/3/issue/${created.body.key}/comment`, { body: doc });
  assert.equal(comment.status, 201);
  assert.deepEqual(shapeErrors('POST', '/rest/api/3/issue/{issueIdOrKey}/comment', comment.body, '201'), []);
  assert.equal(sim.world.comments.filter((c) => c.issueKey === created.body.key).length, 1);
  // Nobody may create issues in COM (its scheme grants CREATE_ISSUES to no one): Jira says so in the field's error.
  const refused = await post('/rest/api/3/issue', { fields: { project: { key: 'COM' }, issuetype: { name: 'Task' }, summary: 'x' } }, viewer);
  assert.equal(refused.status, 400);
  assert.match(refused.body.errors.project, /permission/);
  assert.deepEqual(sim.writes.at(-1), { method: 'POST', path: '/rest/api/3/issue', by: viewer.accountId });
});

test('a comment in Atlassian Document Format fits the spec, and a deactivated person shows in the bulk user read', async () => {
  const auth = { authorization: `Basic ${Buffer.from(`${admin.email}:${admin.token}`).toString('base64')}`, 'content-type': 'application/json' };
  const doc = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'handed over' }] }] };
  const response = await fetch(`${sim.url}/rest/api/3/issue/OPS-1/comment`, { method: 'POST', headers: auth, body: JSON.stringify({ body: doc }) });
  assert.equal(response.status, 201);
  assert.deepEqual(shapeErrors('POST', '/rest/api/3/issue/{issueIdOrKey}/comment', await response.json(), '201'), []);
  const bad = await fetch(`${sim.url}/rest/api/3/issue/OPS-1/comment`, { method: 'POST', headers: auth, body: JSON.stringify({ body: 'plain text' }) });
  assert.equal(bad.status, 400);
  const person = sim.world.users.find((u) => u.displayName === 'Pat Projectlead');
  sim.setActive(person.accountId, false);
  const { body } = await get(`/rest/api/3/user/bulk?accountId=${person.accountId}&accountId=unknown-id`);
  assert.deepEqual(body.values.map((u) => [u.accountId, u.active]), [[person.accountId, false]]);
  sim.setActive(person.accountId, true);
});
