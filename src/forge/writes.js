// Changes to Jira's memberships (project role actors, group members), the only writes the app
// makes. A change is the core's `Membership` (src/governance/changes.rs): `{op: 'addRoleActor' |
// 'removeRoleActor', project, roleId, accountId}` or `{op: 'addGroupMember' | 'removeGroupMember',
// groupId, accountId}`. Who writes decides who Jira checks: `api.asUser()` for a change a person
// makes from a page (Jira enforces their rights), `api.asApp()` for the leaver flow. Every write,
// refused or not, is recorded per account in the `jira-writes` collection (who, when, what, why,
// Jira's answer), so the history shows what was tried as well as what took effect.
import { jiraHost } from './jira-host.js';
import { StorageError } from './storage.js';

export const WRITES = 'jira-writes';
const ID = /^[A-Za-z0-9:._-]{1,128}$/;
const PROJECT = /^[A-Za-z0-9_]{1,255}$/;
const NUMBER = /^\d{1,18}$/;
// Jira answers a write in a few seconds; a resolver has 25 s for all of its writes.
const TIMEOUT_MS = 10_000;

const bad = (message) => new StorageError('bad-input', message);

// The REST call that makes a change (Jira Cloud platform REST v3, as in spec/jira-openapi):
// POST/DELETE /project/{key}/role/{id} (`ActorsMap.user`), POST/DELETE /group/user (`groupId`).
export function membershipRequest(change) {
  if (!change || typeof change !== 'object') throw bad('a change must be an object');
  const { op, accountId } = change;
  if (typeof accountId !== 'string' || !ID.test(accountId)) throw bad('`accountId` of a change must be an account id');
  const account = encodeURIComponent(accountId);
  if (op === 'addRoleActor' || op === 'removeRoleActor') {
    if (typeof change.project !== 'string' || !PROJECT.test(change.project)) throw bad('`project` of a change must be a project key or id');
    if (typeof change.roleId !== 'string' || !NUMBER.test(change.roleId)) throw bad('`roleId` of a change must be a role id');
    const path = `/rest/api/3/project/${encodeURIComponent(change.project)}/role/${change.roleId}`;
    return op === 'addRoleActor'
      ? { method: 'POST', path, body: JSON.stringify({ user: [accountId] }) }
      : { method: 'DELETE', path: `${path}?user=${account}`, body: null };
  }
  if (op === 'addGroupMember' || op === 'removeGroupMember') {
    if (typeof change.groupId !== 'string' || !ID.test(change.groupId)) throw bad('`groupId` of a change must be a group id');
    const group = encodeURIComponent(change.groupId);
    return op === 'addGroupMember'
      ? { method: 'POST', path: `/rest/api/3/group/user?groupId=${group}`, body: JSON.stringify({ accountId }) }
      : { method: 'DELETE', path: `/rest/api/3/group/user?groupId=${group}&accountId=${account}`, body: null };
  }
  throw bad(`unknown change \`${String(op).slice(0, 40)}\`; known: addRoleActor, removeRoleActor, addGroupMember, removeGroupMember`);
}

// Jira's answer as one line a page can show.
function jiraMessage(status, text) {
  try {
    const body = JSON.parse(text);
    const messages = [...(body.errorMessages ?? []), ...Object.values(body.errors ?? {})].filter((m) => typeof m === 'string');
    if (messages.length) return messages.join('; ').slice(0, 500);
  } catch {
    // not JSON: the status says enough
  }
  return `jira answered ${status}`;
}

// Appends one write to the account's record of writes, retrying when another writer got there first.
async function record(store, accountId, value, meta) {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const expectedVersion = (await store.get(WRITES, accountId))?.version ?? 0;
    try {
      return await store.put(WRITES, accountId, value, { ...meta, expectedVersion });
    } catch (error) {
      if (error.code !== 'conflict') throw error;
    }
  }
  throw new StorageError('conflict', `the record of writes of \`${accountId}\` kept changing`);
}

// Applies `changes` in order through `requester` (`api.asUser()` or `api.asApp()`), stopping at the
// first one Jira refuses. Answers `{applied, failed}`: `applied` the changes that took effect (each
// with Jira's status), `failed` null or `{change, status, message}`. `as` ('user' or 'app'),
// `by` (account id or job name) and `why` are recorded with each write.
export async function applyMemberships({ requester, store, changes, as, by, why = null, now = () => new Date().toISOString() }) {
  const requests = changes.map(membershipRequest);
  const host = jiraHost(requester);
  const applied = [];
  for (const [i, change] of changes.entries()) {
    const { method, path, body } = requests[i];
    let status = 0;
    let message = null;
    try {
      const answer = await host.request(method, path, body, TIMEOUT_MS);
      status = answer.status;
      if (status < 200 || status >= 300) message = jiraMessage(status, answer.body);
    } catch (error) {
      message = `jira could not be reached: ${error.message ?? error}`;
    }
    const ok = message === null;
    await record(store, change.accountId, { change, as, status, ok, message }, { by, at: now(), action: `jira:${change.op}`, why });
    if (!ok) return { applied, failed: { change, status, message } };
    applied.push({ change, status });
  }
  return { applied, failed: null };
}

// The writes recorded for one account, oldest first.
export async function writesOf(store, accountId) {
  if (typeof accountId !== 'string' || !ID.test(accountId)) throw bad('`accountId` must be an account id');
  return store.history(WRITES, accountId);
}
