// Resolvers: validate, authorize the caller through Jira as that user, call the core, return.
// Only accountId, license and installContext of the context are trustworthy (app-context-security);
// the project comes from the context's extension and is re-checked before any app-identity read.
import api from '@forge/api';
import { core } from './core.js';
import { jiraHost } from './jira-host.js';
import { ACCOUNT_ID, registryStore } from './registry.js';
import { createScans } from './scans.js';
import { narrowToAccount } from '../../static/shared/matrix.js';

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;

export function failure(code, message) {
  return { type: 'failure', errors: [{ code, message }], warnings: [] };
}

// Returns a failure envelope when the caller lacks `permission`, or null when allowed.
async function authorize(context, permission, projectKey) {
  if (!context?.accountId) return failure('unauthenticated', 'the caller has no account');
  const answer = await core().checkPermission(jiraHost(api.asUser()), permission, projectKey);
  if (answer.type !== 'success') return answer;
  if (answer.result.granted) return null;
  // A project's configuration is open to its admins and to Jira admins: Jira documents
  // "Administer Jira global permission or Administer projects project permission", two rights.
  if (projectKey && permission === 'ADMINISTER_PROJECTS') {
    const global = await core().checkPermission(jiraHost(api.asUser()), 'ADMINISTER');
    if (global.type !== 'success') return global;
    if (global.result.granted) return null;
    return failure('forbidden', `the caller holds neither \`ADMINISTER_PROJECTS\` in project \`${projectKey}\` nor \`ADMINISTER\``);
  }
  const where = projectKey ? ` in project \`${projectKey}\`` : '';
  return failure('forbidden', `the caller does not hold \`${permission}\`${where}`);
}

export function projectKeyOf(context) {
  const key = context?.extension?.project?.key;
  return typeof key === 'string' && PROJECT_KEY.test(key) ? key : null;
}

// Runs a storage-backed step and answers the usual envelope; storage and scan errors become failures.
async function answer(run) {
  try {
    return { type: 'success', result: await run(), warnings: [] };
  } catch (error) {
    return failure(error.code ?? 'storage', error.message ?? String(error));
  }
}

const noSnapshot = () => failure('no-snapshot', 'no scan has finished yet: a Jira admin starts one on Apps → Service Accounts');

// The project page's bots: the latest stored snapshot (scans run as queued jobs,
// src/forge/scans.js: a scan does not fit in a resolver's 25 s on a large site) analysed for one
// project — every bot, one project, which stays small on any site. The snapshot is decoded from
// its stored chunks keeping only what this project's answer reads (the permission-check answers
// of other projects are most of a large site's model), and the answer is kept per container.
async function projectInventory(project) {
  const read = await answer(() => scans().latestProject(project));
  if (read.type !== 'success') return read;
  const latest = read.result;
  if (!latest) return noSnapshot();
  const { analysis } = latest;
  if (analysis.type === 'failure') return analysis;
  return {
    type: 'success',
    result: { analysis, scan: latest.data },
    warnings: analysis.warnings,
  };
}

// Accounts per `inventory` answer, and warnings carried with it: the first answer of the admin
// page stays a few tens of KB on any site (the full analysis of a 500-project site is ~25 MB,
// past what a resolver may answer). The page asks for the next accounts with `offset`.
export const INVENTORY_PAGE = 50;
export const INVENTORY_WARNINGS = 50;
const MAX_OFFSET = 1_000_000;

function checkPayload(payload, allowed) {
  if (payload === undefined || payload === null) return null;
  if (typeof payload !== 'object' || Array.isArray(payload)) return failure('bad-input', 'the payload must be an object');
  const extra = Object.keys(payload).filter((k) => !allowed.includes(k));
  if (extra.length) return failure('bad-input', `the payload has unknown field \`${String(extra[0]).slice(0, 40)}\`; allowed: ${allowed.join(', ')}`);
  return null;
}

// The admin page's first view: one line per non-human account (counts, not cells), a page of
// INVENTORY_PAGE from `offset`, from the digest stored with the latest snapshot.
async function inventoryPage(payload) {
  const bad = checkPayload(payload, ['offset']);
  if (bad) return bad;
  const offset = payload?.offset === undefined ? 0 : payload.offset;
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
    return failure('bad-input', `\`offset\` must be a whole number from 0 to ${MAX_OFFSET}`);
  }
  const read = await answer(() => scans().latestDigest());
  if (read.type !== 'success') return read;
  if (!read.result) return noSnapshot();
  const { digest, data } = read.result;
  const inventory = digest.inventory;
  if (inventory.type !== 'success') return inventory;
  const { accounts, ...rest } = inventory.result;
  return {
    type: 'success',
    result: {
      ...rest,
      total: accounts.length,
      offset,
      pageSize: INVENTORY_PAGE,
      accounts: accounts.slice(offset, offset + INVENTORY_PAGE),
      warningCount: inventory.warnings.length,
      scan: data,
    },
    warnings: offset === 0 ? inventory.warnings.slice(0, INVENTORY_WARNINGS) : [],
  };
}

// One account's projects, permissions and paths: what the admin page loads when an account is
// opened. In the core's `matrix` form (each distinct path and cell once), narrowed to what the
// account refers to; the page expands it (static/shared/matrix.js). Transitions are left out: no
// page shows them.
async function accountAccess(payload) {
  const bad = checkPayload(payload, ['accountId']);
  if (bad) return bad;
  const accountId = payload?.accountId;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    return failure('bad-input', '`accountId` must be a string of 1 to 128 letters, digits or : . _ -');
  }
  const read = await answer(() => scans().latestMatrix());
  if (read.type !== 'success') return read;
  const latest = read.result;
  if (!latest) return noSnapshot();
  // The matrix stored with the snapshot holds every non-human account; anyone else (a person)
  // is analysed from the snapshot.
  let narrowed = latest.matrix ? narrowToAccount(latest.matrix, accountId) : null;
  if (!narrowed) {
    const read = await answer(() => latest.analyze(JSON.stringify({ accountId, skipTransitions: true, form: 'matrix' })));
    if (read.type !== 'success') return read;
    const matrix = read.result;
    if (matrix.type === 'failure') return matrix;
    narrowed = narrowToAccount(matrix, accountId);
  }
  if (!narrowed) return failure('unknown-account', `account \`${accountId}\` is not in the latest scan`);
  const { warnings: _siteWide, ...result } = narrowed;
  return { type: 'success', result: { matrix: result, scan: latest.data }, warnings: [] };
}

// The permission schemes and the projects using each: from the latest stored snapshot when
// there is one (no Jira call), live from Jira (a call per project) only before the first scan.
async function adminOverview() {
  const read = await answer(() => scans().latestDigest());
  if (read.type === 'success' && read.result) {
    const { overview } = read.result.digest;
    if (overview.type !== 'success') return overview;
    return { ...overview, result: { ...overview.result, source: 'snapshot', collectedAt: read.result.data.collectedAt } };
  }
  const live = await core().adminOverview(jiraHost(api.asApp()));
  if (live.type !== 'success') return live;
  return { ...live, result: { ...live.result, source: 'live' } };
}

let scanService = null;
const scans = () => (scanService ??= createScans());

export function defineResolvers(resolver) {
  resolver.define('inventory', async ({ payload, context }) => {
    const denied = await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return inventoryPage(payload);
  });

  resolver.define('accountAccess', async ({ payload, context }) => {
    const denied = await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return accountAccess(payload);
  });

  resolver.define('projectBots', async ({ context }) => {
    const key = projectKeyOf(context);
    if (!key) return failure('bad-context', 'this page was not opened from a project');
    const denied = await authorize(context, 'ADMINISTER_PROJECTS', key);
    if (denied) return denied;
    return projectInventory(key);
  });

  // Starts a scan (queued jobs, see scans.js) unless one runs; either way answers its status.
  resolver.define('startScan', async ({ context }) => {
    const denied = await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return answer(() => scans().start(context.accountId));
  });

  // The scan in progress or the last one, and which data the pages show. Project admins see it
  // for their project's page (without who started it); the admin page needs ADMINISTER.
  resolver.define('scanStatus', async ({ context }) => {
    const key = projectKeyOf(context);
    if (context?.extension?.project !== undefined && !key) return failure('bad-context', 'the context project is not a jira project key');
    const denied = key ? await authorize(context, 'ADMINISTER_PROJECTS', key) : await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return answer(() => scans().status({ withTrigger: !key }));
  });

  // The registry as stored (latest version of every entry), and one entry's history.
  resolver.define('registry', async ({ context }) => {
    const denied = await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return registryStore().list();
  });

  resolver.define('registryHistory', async ({ payload, context }) => {
    const denied = await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return registryStore().history(payload?.accountId);
  });

  resolver.define('adminOverview', async ({ context }) => {
    const denied = await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return adminOverview();
  });

  resolver.define('projectOverview', async ({ context }) => {
    const key = projectKeyOf(context);
    if (!key) return failure('bad-context', 'this page was not opened from a project');
    const denied = await authorize(context, 'ADMINISTER_PROJECTS', key);
    if (denied) return denied;
    return core().projectOverview(jiraHost(api.asApp()), key);
  });
}
