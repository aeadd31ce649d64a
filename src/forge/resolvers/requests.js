// Requests for new bots, as the admin page lists them (Jira admins only): the registry entries a
// project page recorded with status `requested`, to approve (the entry becomes active, its Jira
// issue gets a comment) or decline with a reason (status `declined`, the reason in the history
// and on the issue). The comment goes as the admin (api.asUser()), so Jira checks their rights.
import api from '@forge/api';
import { sql } from '@forge/sql';
import { failure, success } from '../envelope.js';
import { jiraHost } from '../jira-host.js';
import { createStore } from '../storage.js';
import { adf } from './project.js';
import { forAdmins } from './auth.js';

const REQUEST_ID = /^request-[0-9a-f-]{36}$/;
const REASON_MAX = 500;

let defaultStore = null;
const storeOf = () => (defaultStore ??= createStore(sql));

function checkPayload(payload, allowed) {
  if (payload === undefined || payload === null) return null;
  if (typeof payload !== 'object' || Array.isArray(payload)) return failure('bad-input', 'the payload must be an object');
  const extra = Object.keys(payload).filter((k) => !allowed.includes(k));
  if (extra.length) return failure('bad-input', `the payload has unknown field \`${String(extra[0]).slice(0, 40)}\`; allowed: ${allowed.join(', ') || 'none'}`);
  return null;
}

async function list(store, payload) {
  const bad = checkPayload(payload, []);
  if (bad) return bad;
  const records = (await store.list('registry')).filter((r) => r.value.status === 'requested' || r.value.status === 'declined');
  const requests = records.map((r) => ({ id: r.id, version: r.version, at: r.at, by: r.by, why: r.why, entry: r.value }))
    .sort((a, b) => (a.entry.status === b.entry.status ? b.at.localeCompare(a.at) : a.entry.status === 'requested' ? -1 : 1));
  return success({ requests });
}

// Comments on the request's issue as the caller; answers a warning when Jira would not.
async function comment(issueKey, lines) {
  if (!issueKey) return [];
  const answer = await jiraHost(api.asUser()).request('POST', `/rest/api/3/issue/${encodeURIComponent(issueKey)}/comment`, JSON.stringify({ body: adf(lines) }), 10_000)
    .catch((error) => ({ status: 0, body: String(error.message) }));
  return answer.status === 201 ? [] : [{ code: 'comment-failed', message: `the decision is recorded, but Jira did not add the comment to ${issueKey} (answered ${answer.status})` }];
}

async function decide(store, { payload, context }, decision) {
  const bad = checkPayload(payload, decision === 'approve' ? ['id', 'why'] : ['id', 'reason']);
  if (bad) return bad;
  if (typeof payload?.id !== 'string' || !REQUEST_ID.test(payload.id)) return failure('bad-input', '`id` must be the id of a request (request-…)');
  const said = decision === 'approve' ? payload.why : payload.reason;
  if (decision === 'decline' && (typeof said !== 'string' || !said.trim())) return failure('bad-input', '`reason` is required: the requester reads it');
  if (said !== undefined && said !== null && (typeof said !== 'string' || said.length > REASON_MAX)) return failure('bad-input', `\`${decision === 'approve' ? 'why' : 'reason'}\` must be text of at most ${REASON_MAX} characters`);
  const record = await store.get('registry', payload.id);
  if (!record) return failure('unknown-request', `no request \`${payload.id}\``);
  if (record.value.status !== 'requested') return failure('not-open', `request \`${payload.id}\` is ${record.value.status}, not open`);
  const next = decision === 'approve'
    ? { ...record.value, status: 'active', approver: context.accountId }
    : { ...record.value, status: 'declined' };
  await store.put('registry', payload.id, next, {
    expectedVersion: record.version, by: context.accountId, at: new Date().toISOString(), action: `request:${decision}`, why: said?.trim() || null,
  });
  const warnings = await comment(record.value.requestIssue, decision === 'approve'
    ? ['Approved in Steward. The bot is now registered as active; its owner keeps it reviewed.', ...(said ? [`Note: ${said.trim()}`] : [])]
    : [`Declined in Steward: ${said.trim()}`]);
  return success({ request: { id: payload.id, entry: next } }, warnings);
}

// The handlers by name. `scans` is unused: requests live in the registry, not in a scan.
export function requestResolvers(_scans, store = storeOf) {
  return {
    requestsList: forAdmins(({ payload }) => list(store(), payload)),
    requestApprove: forAdmins((request) => decide(store(), request, 'approve')),
    requestDecline: forAdmins((request) => decide(store(), request, 'decline')),
  };
}
