// The admin page's governance resolvers (Jira admins only): registering and editing bots, import
// and export of the registry, reviews and their decisions, the what-if tool, the settings and the
// shadow-bot verdicts. Anything that needs the snapshot runs as a queued job (../governance/jobs.js)
// and the page polls `governanceJob`; a resolver only checks the payload's shape, reads stored
// records, and makes the writes that must be the caller's own (Jira as the admin, `api.asUser()`).
import api from '@forge/api';
import { COLUMNS, MAX_ROWS, csvToEntries, registryToCsv } from '../../../shared/registry-csv.js';
import { success } from '../envelope.js';
import { jiraHost } from '../jira-host.js';
import { applyDecision } from '../governance/apply.js';
import { REGISTRY } from '../governance/jobs.js';
import { ACCOUNT_ID } from '../registry.js';
import { DEFAULT_SETTINGS, GovernanceError, settingsService } from '../settings.js';
import { createStore } from '../storage.js';
import { sql } from '@forge/sql';
import { forAdmins } from './auth.js';

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DECISIONS = ['keep', 'reduce', 'suspend', 'retire', 'restore'];
const WHAT_IF_OPS = ['addRoleActor', 'removeRoleActor', 'addGroupMember', 'removeGroupMember', 'addGrant', 'removeGrant', 'setProjectScheme'];
const MAX_TEXT = 2000;
const MAX_ENTRY_BYTES = 32 * 1024;
// An import is written in one statement (all or nothing) within Forge SQL's 1 MiB request.
const MAX_IMPORT_BYTES = 768 * 1024;
const MAX_CHANGES = 50;

// A failure envelope from a thrown error; a GovernanceError's details go into the error object.
function failed(error) {
  return { type: 'failure', errors: [{ code: error.code ?? 'storage', message: error.message ?? String(error), ...(error.details ?? {}) }], warnings: [] };
}
const run = async (step) => {
  try {
    return success(await step());
  } catch (error) {
    return failed(error);
  }
};

function payloadOf(payload, allowed, required = []) {
  if (payload === undefined || payload === null) payload = {};
  if (typeof payload !== 'object' || Array.isArray(payload)) throw new GovernanceError('bad-input', 'the payload must be an object');
  const extra = Object.keys(payload).filter((k) => !allowed.includes(k));
  if (extra.length) throw new GovernanceError('bad-input', `the payload has unknown field \`${String(extra[0]).slice(0, 40)}\`; allowed: ${allowed.join(', ')}`, { field: String(extra[0]).slice(0, 40) });
  for (const field of required) if (payload[field] === undefined) throw new GovernanceError('bad-input', `\`${field}\` is required`, { field });
  return payload;
}

const accountIdOf = (value, field = 'accountId') => {
  if (typeof value !== 'string' || !ACCOUNT_ID.test(value)) throw new GovernanceError('bad-input', `\`${field}\` must be an account id (1 to 128 letters, digits or : . _ -)`, { field });
  return value;
};
const textOf = (value, field, { required = false, max = MAX_TEXT } = {}) => {
  if (value === undefined || value === null || value === '') {
    if (required) throw new GovernanceError('bad-input', `\`${field}\` is required`, { field });
    return null;
  }
  if (typeof value !== 'string' || value.length > max) throw new GovernanceError('bad-input', `\`${field}\` must be text of at most ${max} characters`, { field });
  return value;
};
const versionOf = (value, field = 'expectedVersion') => {
  if (!Number.isInteger(value) || value < 0 || value > 1_000_000) throw new GovernanceError('bad-input', `\`${field}\` must be a whole number ≥ 0 (0 registers a new entry)`, { field });
  return value;
};
const jobIdOf = (value) => {
  if (typeof value !== 'string' || !JOB_ID.test(value)) throw new GovernanceError('bad-input', '`jobId` must be a job id the page was given', { field: 'jobId' });
  return value;
};

// Whether writes to Jira can happen here. The local host against a real site is read-only unless
// STEWARD_ALLOW_WRITES=1 (it sets STEWARD_LOCAL_READ_ONLY for the handlers); on Forge, always.
export function writeMode(env = process.env) {
  if (env.STEWARD_LOCAL_READ_ONLY === '1') {
    return { allowed: false, reason: 'This local host is connected to a real Jira site and is read-only: changes to Jira are refused. Restart it with STEWARD_ALLOW_WRITES=1 to let Steward change Jira.' };
  }
  return { allowed: true, reason: null };
}

// The registry entry a page sends: an object of the registry's shape (the core checks the rest).
function entryOf(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new GovernanceError('bad-input', '`entry` must be a registry entry (an object)', { field: 'entry' });
  if (JSON.stringify(value).length > MAX_ENTRY_BYTES) throw new GovernanceError('bad-input', `\`entry\` is larger than ${MAX_ENTRY_BYTES} bytes`, { field: 'entry' });
  accountIdOf(value.accountId);
  return value;
}

function importRows(format, text) {
  if (format === 'csv') {
    const { entries, problems } = csvToEntries(text);
    return { rows: entries.map(({ line, entry }) => ({ line, entry })), problems };
  }
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { rows: [], problems: [{ line: null, entry: null, field: null, message: `the file is not JSON: ${error.message}` }] };
  }
  if (!parsed || typeof parsed !== 'object' || parsed.registryVersion !== 1 || !Array.isArray(parsed.accounts)) {
    return { rows: [], problems: [{ line: null, entry: null, field: 'registryVersion', message: 'a registry file is `{"registryVersion": 1, "accounts": [entry, …]}` (schema/registry-v1.schema.json)' }] };
  }
  const extra = Object.keys(parsed).filter((k) => !['registryVersion', 'accounts'].includes(k));
  if (extra.length) return { rows: [], problems: [{ line: null, entry: null, field: extra[0].slice(0, 40), message: `unknown field \`${extra[0].slice(0, 40)}\` in the registry file` }] };
  if (parsed.accounts.length > MAX_ROWS) return { rows: [], problems: [{ line: null, entry: null, field: null, message: `at most ${MAX_ROWS} entries can be imported at once, not ${parsed.accounts.length}` }] };
  const rows = [];
  const problems = [];
  parsed.accounts.forEach((entry, i) => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) problems.push({ line: null, entry: i + 1, field: null, message: `entry ${i + 1} is not an object` });
    else if (typeof entry.accountId !== 'string' || !ACCOUNT_ID.test(entry.accountId)) problems.push({ line: null, entry: i + 1, field: 'accountId', message: `entry ${i + 1}: \`accountId\` must be an account id` });
    else rows.push({ index: i + 1, entry });
  });
  return { rows, problems };
}

// People whose name matches, searched through Jira as the caller (so only whom they may see).
async function searchPeople(query) {
  const host = jiraHost(api.asUser());
  const response = await host.request('GET', `/rest/api/3/user/search?query=${encodeURIComponent(query)}&maxResults=20`, null, 10_000);
  if (response.status !== 200) throw new GovernanceError('jira', `Jira answered ${response.status} to the people search`);
  const users = JSON.parse(response.body);
  if (!Array.isArray(users)) throw new GovernanceError('jira', 'Jira answered the people search with something other than a list');
  return users
    .filter((u) => u && typeof u.accountId === 'string' && (u.accountType === 'atlassian' || u.accountType === undefined))
    .map((u) => ({ accountId: u.accountId, displayName: String(u.displayName ?? u.accountId), active: u.active !== false, email: typeof u.emailAddress === 'string' ? u.emailAddress : null }));
}

// The caller's own name, as Jira shows it to them (the pages name people by it).
async function callerOf(accountId) {
  try {
    const response = await jiraHost(api.asUser()).request('GET', '/rest/api/3/myself', null, 10_000);
    const me = response.status === 200 ? JSON.parse(response.body) : null;
    return { accountId, displayName: typeof me?.displayName === 'string' ? me.displayName : accountId };
  } catch {
    return { accountId, displayName: accountId };
  }
}

export function governanceResolvers(scans, { store: storeOf = () => createStore(sql), requester = () => api.asUser() } = {}) {
  const gov = () => scans().governance;
  const settingsOf = () => settingsService(storeOf());
  // After a registry or settings write: the findings recomputed (no rescan), the digest renewed.
  // The write is done whatever happens here: a failure only delays the recomputed findings.
  const afterWrite = async (reason) => {
    try {
      await scans().recompute(reason);
      await gov().requestDigest('steward-governance');
    } catch (error) {
      console.log(`steward: the findings could not be recomputed after "${reason}": ${error.message}`);
    }
  };
  // After Jira changed: a refresh scan (a handful of calls) brings the snapshot up to date.
  const afterJira = async (caller) => {
    try {
      await scans().start(caller);
    } catch {
      // the next scan will see the change
    }
  };

  const admin = (handler) => forAdmins(async (request) => run(() => handler(request.payload, request.context.accountId, request)));

  return {
    // What the governance views need to know up front: whether Jira writes can happen here.
    governanceInfo: admin(async (_payload, caller) => ({ writes: writeMode(), csvColumns: COLUMNS, maxImportRows: MAX_ROWS, caller: await callerOf(caller) })),

    // One entry as stored, with its version and history.
    registryEntry: admin(async (payload) => {
      const { accountId } = payloadOf(payload, ['accountId'], ['accountId']);
      accountIdOf(accountId);
      const store = storeOf();
      const history = await store.history(REGISTRY, accountId);
      const latest = history.at(-1) ?? null;
      return { accountId, version: latest?.version ?? 0, entry: latest?.value ?? null, history };
    }),

    // Register (expectedVersion 0) or edit an entry: checked by the core against the site, then
    // written; a stale version answers both versions. A job: the page polls governanceJob.
    saveEntry: admin(async (payload, caller) => {
      const { entry, expectedVersion, why } = payloadOf(payload, ['entry', 'expectedVersion', 'why'], ['entry', 'expectedVersion']);
      const input = { entry: entryOf(entry), expectedVersion: versionOf(expectedVersion), why: textOf(why, 'why') };
      return { jobId: await gov().request('entry', input, caller) };
    }),

    // An import (CSV or the registry's JSON): every row checked first; one bad row and nothing is
    // imported, the row named by its line (CSV) or entry number (JSON) and field.
    importRegistry: admin(async (payload, caller) => {
      const { format, text, why } = payloadOf(payload, ['format', 'text', 'why'], ['format', 'text']);
      if (!['csv', 'json'].includes(format)) throw new GovernanceError('bad-input', '`format` must be csv or json', { field: 'format' });
      if (typeof text !== 'string' || text.length > MAX_IMPORT_BYTES) throw new GovernanceError('bad-input', `\`text\` must be the file's text, at most ${MAX_IMPORT_BYTES} characters`, { field: 'text' });
      const { rows, problems } = importRows(format, text);
      if (problems.length) throw new GovernanceError('bad-import', `${problems.length} problem(s) in the file; nothing was imported`, { problems, imported: 0 });
      if (!rows.length) throw new GovernanceError('bad-import', 'the file holds no entries; nothing was imported', { problems: [], imported: 0 });
      return { jobId: await gov().request('import', { rows, why: textOf(why, 'why') }, caller), rows: rows.length };
    }),

    // The registry as a file: the registry's JSON (schema/registry-v1.schema.json) or CSV.
    exportRegistry: admin(async (payload) => {
      const { format = 'json' } = payloadOf(payload, ['format']);
      if (!['csv', 'json'].includes(format)) throw new GovernanceError('bad-input', '`format` must be csv or json', { field: 'format' });
      const entries = (await storeOf().list(REGISTRY)).map((r) => r.value);
      const text = format === 'csv' ? registryToCsv(entries) : `${JSON.stringify({ registryVersion: 1, accounts: entries }, null, 2)}\n`;
      return { format, text, filename: `steward-registry.${format}`, count: entries.length };
    }),

    // A job's state: `queued`, `done` with its answer, or `failed`.
    governanceJob: admin(async (payload) => {
      const { jobId } = payloadOf(payload, ['jobId'], ['jobId']);
      const job = await gov().read(jobIdOf(jobId));
      if (!job) throw new GovernanceError('unknown-job', `no job \`${jobId}\``);
      return job;
    }),

    // The reviews view: the due list (most overdue first; `mine` when the caller reviews), each bot's
    // findings, the access summary from the scan's digest. Queues a fresh digest when stale.
    // `findingsOf`: an account whose findings to include besides those of the due list (the
    // answer stays small on a large site: every other account only has its count).
    reviews: admin(async (payload, caller) => {
      const { findingsOf } = payloadOf(payload, ['findingsOf']);
      if (findingsOf !== undefined) accountIdOf(findingsOf, 'findingsOf');
      const read = await gov().digest(caller);
      if (!read) throw new GovernanceError('no-snapshot', 'no scan has finished yet: a Jira admin starts one on the Overview tab');
      const scanDigest = await scans().latestDigest().catch(() => null);
      const inventory = scanDigest?.digest?.inventory?.type === 'success' ? scanDigest.digest.inventory.result.accounts : [];
      const access = Object.fromEntries(inventory.map((a) => [a.accountId, {
        displayName: a.displayName, kind: a.kind, jiraAdmin: a.jiraAdmin, unconditionalProjects: a.unconditionalProjects, conditionalProjects: a.conditionalProjects,
      }]));
      const { digest, fresh, registry } = read;
      const due = digest?.due ?? [];
      const shown = new Set([...due.map((d) => d.accountId), ...(findingsOf ? [findingsOf] : [])]);
      const findingCounts = {};
      for (const f of digest?.findings ?? []) findingCounts[f.accountId] = (findingCounts[f.accountId] ?? 0) + 1;
      return {
        fresh, caller, computedAt: digest?.computedAt ?? null, now: digest?.now ?? null,
        due: due.map((item) => ({ ...item, mine: item.reviewer.accountIds.includes(caller) })),
        findings: (digest?.findings ?? []).filter((f) => shown.has(f.accountId)), findingCounts, counts: digest?.counts ?? null, shadow: digest?.shadow ?? [],
        registry: registry.map((r) => ({ accountId: r.id, version: r.version, entry: r.value, at: r.at, by: r.by })),
        access,
      };
    }),

    // Prepares a decision (a job): the Jira changes, the plan and its what-if diff, for the admin to see.
    proposeDecision: admin(async (payload, caller) => {
      const { accountId, decision, comment } = payloadOf(payload, ['accountId', 'decision', 'comment'], ['accountId', 'decision']);
      if (!DECISIONS.includes(decision)) throw new GovernanceError('bad-input', `\`decision\` must be one of ${DECISIONS.join(', ')}`, { field: 'decision' });
      const input = { accountId: accountIdOf(accountId), decision, comment: textOf(comment, 'comment') };
      return { jobId: await gov().request('decision', input, caller) };
    }),

    // Applies a prepared decision: Jira first (as the caller), the registry only when Jira took it all.
    applyDecision: admin(async (payload, caller) => {
      const { jobId } = payloadOf(payload, ['jobId'], ['jobId']);
      const mode = writeMode();
      if (!mode.allowed) throw new GovernanceError('writes-refused', mode.reason);
      return applyDecision({ store: storeOf(), requester: requester(), caller, jobId: jobIdOf(jobId), readAnswer: gov().readBlob, afterWrite, afterJira: () => afterJira(caller) });
    }),

    // The what-if tool: who would gain or lose what, where. Nothing is applied. A job.
    whatIf: admin(async (payload, caller) => {
      const { changes } = payloadOf(payload, ['changes'], ['changes']);
      if (!Array.isArray(changes) || !changes.length || changes.length > MAX_CHANGES) throw new GovernanceError('bad-input', `\`changes\` must list 1 to ${MAX_CHANGES} changes`, { field: 'changes' });
      changes.forEach((change, i) => {
        if (!change || typeof change !== 'object' || !WHAT_IF_OPS.includes(change.op)) {
          throw new GovernanceError('bad-input', `change ${i + 1}: \`op\` must be one of ${WHAT_IF_OPS.join(', ')}`, { field: `changes.${i}.op` });
        }
      });
      if (JSON.stringify(changes).length > MAX_ENTRY_BYTES) throw new GovernanceError('bad-input', '`changes` is too large', { field: 'changes' });
      return { jobId: await gov().request('whatif', { changes }, caller) };
    }),

    // The settings as stored (or the defaults), with their history.
    settings: admin(async () => {
      const service = settingsOf();
      const [current, history] = await Promise.all([service.read(), service.history()]);
      return { ...current, defaults: DEFAULT_SETTINGS, history };
    }),

    saveSettings: admin(async (payload, caller) => {
      const { settings, expectedVersion, why } = payloadOf(payload, ['settings', 'expectedVersion', 'why'], ['settings', 'expectedVersion']);
      const written = await settingsOf().save({ settings, expectedVersion: versionOf(expectedVersion), by: caller, why: textOf(why, 'why') });
      await afterWrite('settings changed');
      return written;
    }),

    // A shadow-bot suspect confirmed (an integration on a person's licence) or dismissed (a
    // person), with the reason; stored in the settings, so the findings and the licence saving follow.
    shadowVerdict: admin(async (payload, caller) => {
      const { accountId, verdict, reason, expectedVersion } = payloadOf(payload, ['accountId', 'verdict', 'reason', 'expectedVersion'], ['accountId', 'verdict', 'reason', 'expectedVersion']);
      accountIdOf(accountId);
      if (!['confirm', 'dismiss', 'undo'].includes(verdict)) throw new GovernanceError('bad-input', '`verdict` must be confirm, dismiss or undo', { field: 'verdict' });
      const why = textOf(reason, 'reason', { required: true });
      const service = settingsOf();
      const current = await service.read();
      if (current.version !== versionOf(expectedVersion)) {
        throw new GovernanceError('conflict', `the settings changed since you opened them (now version ${current.version}, you saw ${expectedVersion}): reload and decide again`, {
          yours: { basedOn: expectedVersion, verdict, accountId }, stored: { version: current.version, settings: current.settings, at: current.at, by: current.by, why: current.why },
        });
      }
      const shadow = current.settings.shadowBots ?? {};
      const without = (list) => (list ?? []).filter((id) => id !== accountId);
      const shadowBots = {
        confirmed: [...without(shadow.confirmed), ...(verdict === 'confirm' ? [accountId] : [])].sort(),
        dismissed: [...without(shadow.dismissed), ...(verdict === 'dismiss' ? [accountId] : [])].sort(),
      };
      const written = await service.save({ settings: { ...current.settings, shadowBots }, expectedVersion, by: caller, why, action: `shadow:${verdict}` });
      await afterWrite(`shadow bot ${verdict}: ${accountId}`);
      return written;
    }),

    // People by name, for the owner fields: Jira's user search as the caller.
    searchPeople: admin(async (payload) => {
      const { query } = payloadOf(payload, ['query'], ['query']);
      if (typeof query !== 'string' || query.trim().length < 1 || query.length > 100) throw new GovernanceError('bad-input', '`query` must be 1 to 100 characters', { field: 'query' });
      return { people: await searchPeople(query.trim()) };
    }),

    // Display names of up to 200 accounts (owners, reviewers, who made a change), read through
    // Jira as the caller: the pages name people, not ids.
    peopleNames: admin(async (payload) => {
      const { accountIds } = payloadOf(payload, ['accountIds'], ['accountIds']);
      if (!Array.isArray(accountIds) || accountIds.length > 200) throw new GovernanceError('bad-input', '`accountIds` must list at most 200 account ids', { field: 'accountIds' });
      const ids = [...new Set(accountIds.map((id) => accountIdOf(id, 'accountIds')))];
      if (!ids.length) return { people: [] };
      const query = ids.map((id) => `accountId=${encodeURIComponent(id)}`).join('&');
      const response = await jiraHost(api.asUser()).request('GET', `/rest/api/3/user/bulk?${query}&maxResults=200`, null, 10_000);
      if (response.status !== 200) throw new GovernanceError('jira', `Jira answered ${response.status} to the names of ${ids.length} account(s)`);
      const values = JSON.parse(response.body)?.values;
      if (!Array.isArray(values)) throw new GovernanceError('jira', 'Jira answered the names without a list of users');
      return { people: values.filter((u) => typeof u?.accountId === 'string').map((u) => ({ accountId: u.accountId, displayName: String(u.displayName ?? u.accountId), active: u.active !== false })) };
    }),

    // The Jira writes recorded for one account (who, when, what, why, Jira's answer).
    writeHistory: admin(async (payload) => {
      const { accountId } = payloadOf(payload, ['accountId'], ['accountId']);
      return { writes: await storeOf().history('jira-writes', accountIdOf(accountId)) };
    }),
  };
}
