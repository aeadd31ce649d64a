// The Forge host bridge: core paths become Forge routes with every segment and value checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toRoute, jiraHost } from '../../src/forge/jira-host.js';

test('toRoute keeps a core path byte for byte', () => {
  const path = '/rest/api/3/project/PAY/permissionscheme?expand=permissions%2Cuser%2Cgroup';
  assert.equal(toRoute(path).value, path);
  assert.equal(toRoute('/rest/api/3/permissionscheme').value, '/rest/api/3/permissionscheme');
});

test('toRoute refuses paths outside the REST API and path manipulation', () => {
  assert.throws(() => toRoute('/secure/admin'), /outside Jira's REST API/);
  assert.throws(() => toRoute('https://evil.example/rest/api/3/x'), /outside Jira's REST API/);
  assert.throws(() => toRoute('/rest/api/3/project/../../admin'), /path manipulation/);
  assert.throws(() => toRoute('/rest/api/3/x?a b=1'), /refusing query parameter/);
});

test('jiraHost turns a requestJira Response into the core\'s {status, headers, body}', async () => {
  const calls = [];
  const requester = {
    async requestJira(route, init) {
      calls.push([route.value, init]);
      return new Response('{"ok":true}', { status: 201, headers: { 'X-RateLimit-Remaining': '9' } });
    },
  };
  const answer = await jiraHost(requester).request('POST', '/rest/api/3/permissions/check', '{"a":1}');
  assert.deepEqual(answer, { status: 201, headers: { 'content-type': 'text/plain;charset=UTF-8', 'x-ratelimit-remaining': '9' }, body: '{"ok":true}' });
  assert.equal(calls[0][1].method, 'POST');
  assert.equal(calls[0][1].headers['Content-Type'], 'application/json');
  assert.equal(calls[0][1].body, '{"a":1}');
});

test('jiraHost times a call out after timeoutMs, and clears the timer when Jira answers first', async () => {
  const never = { requestJira: () => new Promise(() => {}) };
  await assert.rejects(jiraHost(never).request('GET', '/rest/api/3/role', null, 20), /no answer within 20 ms/);

  const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const quick = { requestJira: async () => new Response('[]', { status: 200 }) };
  const answer = await jiraHost(quick).request('GET', '/rest/api/3/role', null, 60_000);
  assert.equal(answer.status, 200);
  const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  assert.equal(timersAfter, timersBefore, 'no timer is left running to keep the function alive');
});
