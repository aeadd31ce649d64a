// The project settings page's resolvers ("Bot access"): every one reachable only by the project's
// admins and Jira admins (forProjectAdmins), the project taken from the Forge context alone. A
// payload that names a project is refused before anything is read, so a project admin cannot ask
// about another project.
//
// - projectBots: the project's stored page (src/forge/scans/projects.js: one row), with the
//   registry's word on each bot, the role's recent changes and the project's open requests;
// - projectOffers: the registered, active bots the admin may add to the service-account role;
// - projectRolePreview / projectRoleApply / projectRoleUndo: add or remove a bot in that role. The
//   what-if diff comes from the stored page (what the role gives here, what the bot holds and by
//   which path), the write goes through Jira as the caller (writes.js, api.asUser()), and each
//   change is kept in the `project-role-changes` history (who, when, what, why), undoable;
// - projectRequestBot: a request for a new bot, kept in the registry as `requested` and, when the
//   settings name a request project, filed there as a Jira issue by the requester.
import api from '@forge/api';
import { sql } from '@forge/sql';
import { randomUUID } from 'node:crypto';
import { NEED_TEMPLATES } from '../../../shared/needs.js';
import { core } from '../core.js';
import { answer, failure, noSnapshot, success } from '../envelope.js';
import { jiraHost } from '../jira-host.js';
import { ACCOUNT_ID } from '../registry.js';
import { findingsOfProject } from '../scans/projects.js';
import { createStore } from '../storage.js';
import { applyMemberships } from '../writes.js';
import { forProjectAdmins } from './auth.js';

export const ROLE_CHANGES = 'project-role-changes';
const CHANGES_SHOWN = 20;
const TEXT_MAX = 500;
const PROJECT_FIELDS = ['project', 'projectKey', 'projectId', 'projectIdOrKey', 'key'];

let defaultStore = null;
const storeOf = () => (defaultStore ??= createStore(sql));

// Refuses a payload that is not an object, names a project or has a field not in `allowed`.
function checkPayload(payload, allowed) {
  if (payload === undefined || payload === null) return null;
  if (typeof payload !== 'object' || Array.isArray(payload)) return failure('bad-input', 'the payload must be an object');
  const naming = Object.keys(payload).find((k) => PROJECT_FIELDS.includes(k));
  if (naming) return failure('wrong-project', `this page answers for the project it was opened from; \`${naming}\` cannot name another one`);
  const extra = Object.keys(payload).filter((k) => !allowed.includes(k));
  if (extra.length) return failure('bad-input', `the payload has unknown field \`${String(extra[0]).slice(0, 40)}\`; allowed: ${allowed.join(', ') || 'none'}`);
  return null;
}

const text = (value, field, { required = true, max = TEXT_MAX } = {}) => {
  if (value === undefined || value === null || value === '') {
    return required ? { error: failure('bad-input', `\`${field}\` is required`) } : { value: null };
  }
  if (typeof value !== 'string' || value.length > max || /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value)) {
    return { error: failure('bad-input', `\`${field}\` must be text of at most ${max} characters`) };
  }
  return { value: value.trim() };
};

const accountIdOf = (value, field = 'accountId') => (typeof value === 'string' && ACCOUNT_ID.test(value)
  ? { value }
  : { error: failure('bad-input', `\`${field}\` must be an account id (1 to 128 letters, digits or : . _ -)`) });

// ---- the stored page -----------------------------------------------------------------------------

async function settingsOf(store) {
  return (await store.get('settings', 'app'))?.value ?? {};
}

async function registryOf(store) {
  return new Map((await store.list('registry')).map((r) => [r.id, r.value]));
}

// The latest scan's page of `key`; a failure envelope when there is none to show.
async function pageOf(scans, key) {
  const read = await answer(() => scans.latestProject(key));
  if (read.type !== 'success') return { error: read };
  if (!read.result) return { error: noSnapshot() };
  const { page, stored, data, console: products } = read.result;
  if (page && products?.rev > 0 && products.findings && !products.error) {
    // The registry or settings changed since the scan and the console's findings were recomputed
    // (revision > 0): theirs are newer than those stored with the page.
    try {
      page.findings = findingsOfProject(await scans.consoleFindings(products), key);
      page.findingsKnown = true;
    } catch {
      // the page's own findings stand
    }
  }
  if (!page) {
    return {
      error: failure('no-project-page', stored
        ? `the last scan (${data.collectedAt}) did not see project \`${key}\`: it was created or renamed since; a Jira admin rescans on Apps → Service Accounts`
        : 'the last scan stored no project pages (it ran on an older version of Steward); a Jira admin rescans on Apps → Service Accounts'),
    };
  }
  return { page, data };
}

// The next review: the recorded date, else one cadence after the last review (as the core's
// `Entry::due`); null when never reviewed (due now).
function nextReview(entry) {
  if (entry.nextDue) return entry.nextDue;
  if (!entry.lastReview || !/^\d{4}-\d\d-\d\d$/.test(entry.lastReview)) return null;
  const date = new Date(`${entry.lastReview}T00:00:00Z`);
  const cadence = entry.cadence ?? 'quarterly';
  if (typeof cadence === 'object' && Number.isInteger(cadence.days)) date.setUTCDate(date.getUTCDate() + Math.max(1, cadence.days));
  else {
    const months = { monthly: 1, quarterly: 3, yearly: 12 }[cadence] ?? 3;
    const day = date.getUTCDate();
    date.setUTCDate(1);
    date.setUTCMonth(date.getUTCMonth() + months);
    const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(day, last));
  }
  return date.toISOString().slice(0, 10);
}

// The registry's word on an account, as the page shows it.
function registryLine(entry, key) {
  if (!entry) return { registered: false };
  const projects = entry.need?.projects ?? [];
  return {
    registered: true,
    status: entry.status ?? 'active',
    owner: entry.owner ?? null,
    backupOwner: entry.backupOwner ?? null,
    purpose: entry.purpose ?? null,
    tool: entry.tool ?? null,
    nextDue: nextReview(entry),
    lastReview: entry.lastReview ?? null,
    cadence: entry.cadence ?? 'quarterly',
    // What it needs, without the other projects of its declared scope: this page's admin may not
    // see them.
    needPermissions: entry.need?.permissions ?? [],
    inScope: projects.includes('*') || projects.includes(key),
  };
}

// The names of the people the page shows (owners, backup owners, requesters), read from Jira as
// the app in one call (`GET /user/bulk`, up to 200 accounts): the scan keeps bots, not people.
async function peopleNamed(ids) {
  const wanted = [...new Set(ids.filter((id) => typeof id === 'string' && ACCOUNT_ID.test(id)))].sort().slice(0, 200);
  if (!wanted.length) return { people: {} };
  const query = wanted.map((id) => `accountId=${encodeURIComponent(id)}`).join('&');
  try {
    const answer = await jiraHost(api.asApp()).request('GET', `/rest/api/3/user/bulk?maxResults=200&${query}`, null, 8_000);
    if (answer.status !== 200) return { people: {}, warning: { code: 'people-unread', message: `the names of owners could not be read (Jira answered ${answer.status}); their account ids are shown` } };
    const people = {};
    for (const u of JSON.parse(answer.body).values ?? []) {
      if (typeof u.accountId === 'string') people[u.accountId] = { displayName: String(u.displayName ?? u.accountId), active: u.active !== false };
    }
    return { people };
  } catch (error) {
    return { people: {}, warning: { code: 'people-unread', message: `the names of owners could not be read: ${error.message}` } };
  }
}

// ---- what the role gives, from the stored page --------------------------------------------------

// How the role would explain a path: `projectRole "<name>" [<id>] → actor user (this account)`.
const viaRoleUser = (path, roleId) => path.includes('→ projectRole ') && path.endsWith(`[${roleId}] → actor user (this account)`);

// Why the role cannot be used here, with how a Jira admin sets it up; null when it can.
function roleProblem(role, project) {
  const name = role.name ?? role.wanted;
  switch (role.problem) {
    case 'no-role':
      return failure('role-missing', `the site has no project role named “${role.wanted}”. A Jira admin creates it (Settings → System → Project roles), then grants it what bots need in this project's permission scheme (Settings → Issues → Permission schemes); the role's name is set on Apps → Service Accounts → Settings`);
    case 'team-managed':
      return failure('role-missing', `${project.name} is a team-managed project: it keeps roles of its own, and the site's “${name}” role does not apply. A project admin adds a role for bots in Project settings → Access, or a Jira admin moves the project to a company-managed scheme`);
    case 'scheme-unread':
      return failure('role-unknown', `the last scan could not read this project's permission scheme, so what “${name}” gives here is unknown; a Jira admin rescans on Apps → Service Accounts`);
    case 'no-grants':
      return failure('role-grants-nothing', `the permission scheme “${role.schemeName}” grants the role “${name}” nothing, so a bot in it could do nothing here. A Jira admin adds grants to “${name}” in Settings → Issues → Permission schemes → ${role.schemeName} (Browse projects, and what your bots need)`);
    default:
      return null;
  }
}

// What the account holds in the page now: permission → {unconditional, paths}, levels seen.
function heldIn(page, accountId) {
  const account = page.accounts.find((a) => a.accountId === accountId);
  const held = new Map();
  const levels = new Map();
  if (!account) return { account: null, held, levels };
  const set = page.sets[account.set];
  for (const [permission, ids] of Object.entries(set.permissions)) {
    const paths = ids.map((i) => page.paths[i]);
    held.set(permission, { unconditional: paths.some((p) => !p.conditional), paths: paths.map((p) => p.text) });
  }
  for (const level of set.securityLevels ?? []) {
    levels.set(level.id, { name: level.name, access: level.access, paths: level.paths.map((i) => page.paths[i].text) });
  }
  return { account, held, levels, transitions: set.transitions ?? [] };
}

// The what-if of adding or removing `accountId` as a user actor of the role, from the page.
export function roleDiff(page, op, accountId) {
  const { role } = page;
  const { account, held, levels } = heldIn(page, accountId);
  const gains = [];
  const losses = [];
  const unchanged = [];
  if (op === 'add') {
    for (const grant of role.grants) {
      const now = held.get(grant.permission);
      if (now?.unconditional) unchanged.push({ permission: grant.permission, paths: now.paths.filter((p) => !viaRoleUser(p, role.id)) });
      else gains.push({ permission: grant.permission, paths: [grant.path.text] });
    }
    for (const level of role.levels) {
      if (levels.get(level.id)?.access !== 'yes') gains.push({ level: level.id, levelName: level.name });
    }
  } else {
    for (const [permission, { paths }] of held) {
      const unconditionalPaths = paths.filter((p) => !page.paths.find((q) => q.text === p)?.conditional);
      const viaRole = unconditionalPaths.filter((p) => viaRoleUser(p, role.id));
      if (!viaRole.length) continue;
      const others = unconditionalPaths.filter((p) => !viaRoleUser(p, role.id));
      if (others.length) unchanged.push({ permission, paths: others });
      else losses.push({ permission, paths: viaRole });
    }
    for (const [id, level] of levels) {
      if (level.paths.length && level.paths.every((p) => viaRoleUser(p, role.id))) losses.push({ level: id, levelName: level.name });
    }
  }
  // Duplicates of a permission (two grants of it) count once.
  const once = (list) => list.filter((x, i) => list.findIndex((y) => (y.permission ?? y.level) === (x.permission ?? x.level)) === i);
  return {
    gains: once(gains),
    losses: once(losses),
    unchanged: once(unchanged),
    hadAccess: Boolean(account),
    // A user actor reaches that account alone: nobody else's access moves.
    othersAffected: [],
    transitions: 'workflow transitions follow these permissions and are re-evaluated by the next scan',
  };
}

// Checks a proposed change; answers {change, diff, warnings, account} or {error}.
async function plan(scans, store, key, context, payload, { forApply = false } = {}) {
  const allowed = forApply ? ['op', 'accountId', 'why', 'confirmOutsideScope'] : ['op', 'accountId'];
  const bad = checkPayload(payload, allowed);
  if (bad) return { error: bad };
  if (payload?.op !== 'add' && payload?.op !== 'remove') return { error: failure('bad-input', '`op` must be `add` or `remove`') };
  const id = accountIdOf(payload.accountId);
  if (id.error) return id;
  const { page, data, error } = await pageOf(scans, key);
  if (error) return { error };
  const problem = roleProblem(page.role, page.project);
  if (problem) return { error: problem };
  const registry = await registryOf(store);
  const entry = registry.get(id.value);
  const { role } = page;
  const name = page.accounts.find((a) => a.accountId === id.value)?.displayName ?? (await accountNames(scans)).get(id.value)?.displayName ?? id.value;
  // The scan saw the role as it was; the changes made here since then are in the history.
  const since = lastChangeSince(await changesOf(store, key), id.value, data);
  const inRole = since ? since.op === 'addRoleActor' : role.actorsKnown ? role.users.includes(id.value) : null;
  const warnings = [];
  if (payload.op === 'add') {
    if (!entry || (entry.status ?? 'active') !== 'active') {
      return { error: failure('not-registered', `${name} is not a registered, active bot: only those may be added. A Jira admin registers it on Apps → Service Accounts (or approves its request)`) };
    }
    if (inRole === true) return { error: failure('already-in-role', `${name} is already in the role “${role.name}” here`) };
    const line = registryLine(entry, key);
    if (!line.inScope) {
      warnings.push({ code: 'outside-scope', message: `${name} is not registered for ${key}: adding it here gives it access beyond what it was approved for` });
    }
  } else if (inRole === false) {
    return { error: failure('not-in-role', `${name} is not in the role “${role.name}” here`) };
  }
  if (inRole === null) {
    warnings.push({ code: 'actors-unknown', message: `the last scan did not read who is in “${role.name}” here; Jira has the final word on the change` });
  }
  // A change since the scan moved the bot: its diff turned around is what this one does.
  const diff = since
    ? { ...roleDiff(page, payload.op, id.value), gains: since.op === 'removeRoleActor' ? since.losses ?? [] : [], losses: since.op === 'addRoleActor' ? since.gains ?? [] : [], unchanged: [] }
    : roleDiff(page, payload.op, id.value);
  const change = { op: payload.op === 'add' ? 'addRoleActor' : 'removeRoleActor', project: key, roleId: role.id, accountId: id.value };
  return { change, diff, warnings, account: { accountId: id.value, displayName: name }, role, data, entry };
}

// Appends one value to the project's history of role changes; retried on a concurrent writer.
async function record(store, key, value, meta) {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const expectedVersion = (await store.get(ROLE_CHANGES, key))?.version ?? 0;
    try {
      return await store.put(ROLE_CHANGES, key, value, { ...meta, expectedVersion });
    } catch (error) {
      if (error.code !== 'conflict') throw error;
    }
  }
  throw Object.assign(new Error(`the history of \`${key}\` kept changing`), { code: 'conflict' });
}

// The last change that took effect in Jira for `accountId` after the scan `data` read the site.
function lastChangeSince(changes, accountId, data) {
  const after = data.finishedAt ?? data.collectedAt;
  return changes.filter((c) => c.ok && c.accountId === accountId && c.at > after).at(-1) ?? null;
}

// The role's user actors now: the scan's, with the changes made here since (null: unknown).
function actorsNow(page, changes, data) {
  const after = data.finishedAt ?? data.collectedAt;
  const users = new Set(page.role.users);
  const since = changes.filter((c) => c.ok && c.at > after);
  for (const c of since) {
    if (c.op === 'addRoleActor') users.add(c.accountId);
    else users.delete(c.accountId);
  }
  return { users: page.role.actorsKnown || since.length ? [...users].sort() : null, changedSinceScan: since.length };
}

async function changesOf(store, key) {
  return (await store.history(ROLE_CHANGES, key)).map((v) => ({ ...v.value, at: v.at, by: v.by, why: v.why }));
}

// Applies one role change as the caller and records it; answers the envelope.
async function applyChange({ store, key, context, change, diff, account, role, why, undoes = null }) {
  const result = await applyMemberships({ requester: api.asUser(), store, changes: [change], as: 'user', by: context.accountId, why });
  const ok = !result.failed;
  const value = {
    changeId: randomUUID(), op: change.op, accountId: change.accountId, displayName: account.displayName, roleId: role.id, roleName: role.name,
    gains: diff.gains, losses: diff.losses, ok, ...(ok ? {} : { status: result.failed.status, message: result.failed.message }), ...(undoes ? { undoes } : {}),
  };
  await record(store, key, value, { by: context.accountId, at: new Date().toISOString(), action: `role:${change.op}${undoes ? ':undo' : ''}`, why });
  if (!ok) {
    return failure('jira-refused', `Jira refused the change: ${result.failed.message}${result.failed.status === 403 ? ' (Jira checks the change as you: you need to administer this project)' : ''}`);
  }
  return success({ change: value });
}

// ---- handlers -----------------------------------------------------------------------------------

async function projectBots(scans, store, key, payload) {
  const bad = checkPayload(payload, []);
  if (bad) return bad;
  const { page, data, error } = await pageOf(scans, key);
  if (error) return error;
  const registry = await registryOf(store);
  const accounts = page.accounts.map((a) => ({ ...a, registry: registryLine(registry.get(a.accountId), key) }));
  const history = await changesOf(store, key);
  const now = actorsNow(page, history, data);
  const changes = history.slice().reverse().slice(0, CHANGES_SHOWN);
  const undone = new Set(changes.filter((c) => c.undoes).map((c) => c.undoes));
  const requests = [...registry.values()].filter((e) => e.status === 'requested' && (e.need?.projects ?? []).includes(key));
  const settings = await settingsOf(store);
  const named = await peopleNamed([
    ...accounts.flatMap((a) => [a.registry.owner, a.registry.backupOwner]),
    ...requests.flatMap((e) => [e.requester, e.owner]),
    ...changes.map((c) => c.by),
  ]);
  return success({
    people: named.people,
    ...page,
    role: { ...page.role, usersNow: now.users, changedSinceScan: now.changedSinceScan },
    accounts,
    roleProblem: roleProblem(page.role, page.project)?.errors[0] ?? null,
    changes: changes.map((c) => ({ ...c, undone: undone.has(c.changeId) })),
    requests: requests.map((e) => ({ id: e.accountId, purpose: e.purpose, tool: e.tool, requester: e.requester, requestIssue: e.requestIssue ?? null })),
    requestProject: settings.requestProject ?? null,
    needTemplates: Object.entries(NEED_TEMPLATES).map(([id, t]) => ({ id, label: t.label, permissions: t.permissions })),
    scan: data,
  }, [...(page.warnings ?? []), ...(named.warning ? [named.warning] : [])]);
}

// Every non-human account of the latest scan by id (the digest's inventory, kept per container).
async function accountNames(scans) {
  const digest = await answer(() => scans.latestDigest());
  return new Map((digest.type === 'success' ? digest.result?.digest?.inventory?.result?.accounts ?? [] : []).map((a) => [a.accountId, a]));
}

// The registered, active bots, each with whether it may be added here and why not.
async function projectOffers(scans, store, key, payload) {
  const bad = checkPayload(payload, []);
  if (bad) return bad;
  const { page, data, error } = await pageOf(scans, key);
  if (error) return error;
  const inRole = new Set(actorsNow(page, await changesOf(store, key), data).users ?? []);
  const names = await accountNames(scans);
  const registry = await registryOf(store);
  const offers = [...registry.values()]
    .filter((e) => (e.status ?? 'active') === 'active' && names.has(e.accountId))
    .filter((e) => !inRole.has(e.accountId))
    .map((e) => ({ accountId: e.accountId, displayName: names.get(e.accountId).displayName, kind: names.get(e.accountId).kind, active: names.get(e.accountId).active !== false, inScope: registryLine(e, key).inScope }))
    .filter((o) => o.active)
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.accountId.localeCompare(b.accountId));
  return success({ offers, role: { id: page.role.id, name: page.role.name ?? page.role.wanted } });
}

async function projectRolePreview(scans, store, key, { payload, context }) {
  const planned = await plan(scans, store, key, context, payload);
  if (planned.error) return planned.error;
  const { change, diff, warnings, account, role } = planned;
  return success({ change, diff, account, role: { id: role.id, name: role.name }, needsConfirmation: warnings.some((w) => w.code === 'outside-scope') }, warnings);
}

async function projectRoleApply(scans, store, key, { payload, context }) {
  const planned = await plan(scans, store, key, context, payload, { forApply: true });
  if (planned.error) return planned.error;
  const why = text(payload.why, 'why');
  if (why.error) return why.error;
  if (planned.warnings.some((w) => w.code === 'outside-scope') && payload.confirmOutsideScope !== true) {
    return failure('confirm-outside-scope', planned.warnings.find((w) => w.code === 'outside-scope').message + '; confirm to add it anyway');
  }
  return applyChange({ store, key, context, ...planned, why: why.value });
}

async function projectRoleUndo(scans, store, key, { payload, context }) {
  const bad = checkPayload(payload, ['changeId', 'why']);
  if (bad) return bad;
  if (typeof payload?.changeId !== 'string' || !/^[0-9a-f-]{36}$/.test(payload.changeId)) return failure('bad-input', '`changeId` must be the id of a change in this project\'s history');
  const why = text(payload.why ?? 'undo', 'why');
  if (why.error) return why.error;
  const changes = await changesOf(store, key);
  const original = changes.find((c) => c.changeId === payload.changeId);
  if (!original) return failure('unknown-change', 'no change of that id in this project\'s history');
  if (!original.ok) return failure('nothing-to-undo', 'Jira refused that change, so there is nothing to undo');
  if (changes.some((c) => c.undoes === original.changeId && c.ok)) return failure('already-undone', 'that change has been undone already');
  const { page, error } = await pageOf(scans, key);
  if (error) return error;
  const inverse = { op: original.op === 'addRoleActor' ? 'removeRoleActor' : 'addRoleActor', project: key, roleId: original.roleId, accountId: original.accountId };
  // The inverse's diff is the original's turned around.
  const diff = { gains: original.losses ?? [], losses: original.gains ?? [] };
  return applyChange({
    store, key, context, change: inverse, diff, account: { accountId: original.accountId, displayName: original.displayName },
    role: { id: original.roleId, name: original.roleName ?? page.role.name }, why: why.value, undoes: original.changeId,
  });
}

// Jira's Atlassian Document Format: one paragraph per line of `lines`.
export const adf = (lines) => ({ type: 'doc', version: 1, content: lines.map((line) => ({ type: 'paragraph', content: [{ type: 'text', text: line }] })) });

async function projectRequestBot(store, key, { payload, context }) {
  const bad = checkPayload(payload, ['purpose', 'tool', 'needTemplate', 'owner', 'backupOwner']);
  if (bad) return bad;
  const purpose = text(payload?.purpose, 'purpose');
  if (purpose.error) return purpose.error;
  const tool = text(payload.tool, 'tool', { max: 200 });
  if (tool.error) return tool.error;
  const template = NEED_TEMPLATES[payload.needTemplate];
  if (!template) return failure('bad-input', `\`needTemplate\` must be one of ${Object.keys(NEED_TEMPLATES).join(', ')}`);
  const owner = accountIdOf(payload.owner ?? context.accountId, 'owner');
  if (owner.error) return owner.error;
  let backupOwner = { value: null };
  if (payload.backupOwner) {
    backupOwner = accountIdOf(payload.backupOwner, 'backupOwner');
    if (backupOwner.error) return backupOwner.error;
    if (backupOwner.value === owner.value) return failure('bad-input', '`backupOwner` must be someone other than the owner');
  }
  const id = `request-${randomUUID()}`;
  const entry = {
    accountId: id, owner: owner.value, ...(backupOwner.value ? { backupOwner: backupOwner.value } : {}), requester: context.accountId,
    purpose: purpose.value, tool: tool.value, need: { projects: [key], permissions: template.permissions }, cadence: 'quarterly', status: 'requested',
  };
  const at = new Date().toISOString();
  let stored = entry;
  const written = await store.put('registry', id, entry, { expectedVersion: 0, by: context.accountId, at, action: 'request', why: `requested from project ${key}` });
  const warnings = [];
  const requestProject = (await settingsOf(store)).requestProject;
  if (requestProject) {
    const body = {
      fields: {
        project: { key: requestProject },
        issuetype: { name: 'Task' },
        summary: `Bot request for ${key}: ${tool.value}`.slice(0, 250),
        description: adf([`Purpose: ${purpose.value}`, `Tool: ${tool.value}`, `Project: ${key}`, `Needs: ${template.permissions.join(', ')}`, `Steward registry entry: ${id}`]),
      },
    };
    const created = await jiraHost(api.asUser()).request('POST', '/rest/api/3/issue', JSON.stringify(body), 10_000).catch((e) => ({ status: 0, body: String(e.message) }));
    let issueKey = null;
    try {
      issueKey = created.status === 201 ? JSON.parse(created.body).key : null;
    } catch {
      issueKey = null;
    }
    if (issueKey && /^[A-Z][A-Z0-9_]*-\d+$/.test(issueKey)) {
      stored = { ...entry, requestIssue: issueKey };
      await store.put('registry', id, stored, { expectedVersion: written.version, by: context.accountId, at: new Date().toISOString(), action: 'request:issue', why: `filed as ${issueKey}` });
    } else {
      warnings.push({ code: 'request-issue-failed', message: `the request is recorded, but Jira did not create its issue in ${requestProject} (answered ${created.status}); a Jira admin sees it on Apps → Service Accounts all the same` });
    }
  }
  return success({ request: { id, ...stored } }, warnings);
}

// The project page's handlers by name; `scans()` is the container's scan service.
export function projectResolvers(scans, store = storeOf) {
  return {
    projectBots: forProjectAdmins((key, { payload }) => projectBots(scans(), store(), key, payload)),
    projectOffers: forProjectAdmins((key, { payload }) => projectOffers(scans(), store(), key, payload)),
    projectRolePreview: forProjectAdmins((key, request) => projectRolePreview(scans(), store(), key, request)),
    projectRoleApply: forProjectAdmins((key, request) => projectRoleApply(scans(), store(), key, request)),
    projectRoleUndo: forProjectAdmins((key, request) => projectRoleUndo(scans(), store(), key, request)),
    projectRequestBot: forProjectAdmins((key, request) => projectRequestBot(store(), key, request)),
    // The project's permission scheme read live from Jira (as the app).
    projectOverview: forProjectAdmins((key) => core().projectOverview(jiraHost(api.asApp()), key)),
  };
}
