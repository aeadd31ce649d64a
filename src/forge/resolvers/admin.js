// The admin page's resolvers (Jira admins only): the inventory of non-human accounts a page at a
// time, one account's access, the permission schemes' overview, and the registry. All but the
// overview before the first scan read the latest stored snapshot (src/forge/scans/), never Jira.
import api from '@forge/api';
import { narrowToAccount } from '../../../shared/matrix.js';
import { core } from '../core.js';
import { answer, failure, noSnapshot, success } from '../envelope.js';
import { jiraHost } from '../jira-host.js';
import { ACCOUNT_ID, registryStore } from '../registry.js';
import { forAdmins } from './auth.js';

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
async function inventoryPage(scans, payload) {
  const bad = checkPayload(payload, ['offset']);
  if (bad) return bad;
  const offset = payload?.offset === undefined ? 0 : payload.offset;
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
    return failure('bad-input', `\`offset\` must be a whole number from 0 to ${MAX_OFFSET}`);
  }
  const read = await answer(() => scans.latestDigest());
  if (read.type !== 'success') return read;
  if (!read.result) return noSnapshot();
  const { digest, data } = read.result;
  const inventory = digest.inventory;
  if (inventory.type !== 'success') return inventory;
  const { accounts, ...rest } = inventory.result;
  return success({
    ...rest,
    total: accounts.length,
    offset,
    pageSize: INVENTORY_PAGE,
    accounts: accounts.slice(offset, offset + INVENTORY_PAGE),
    warningCount: inventory.warnings.length,
    scan: data,
  }, offset === 0 ? inventory.warnings.slice(0, INVENTORY_WARNINGS) : []);
}

// One account's projects, permissions and paths: what the admin page loads when an account is
// opened. In the core's `matrix` form (each distinct path and cell once), narrowed to what the
// account refers to; the page expands it (shared/matrix.js). Transitions are left out: no page
// shows them.
async function accountAccess(scans, payload) {
  const bad = checkPayload(payload, ['accountId']);
  if (bad) return bad;
  const accountId = payload?.accountId;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    return failure('bad-input', '`accountId` must be a string of 1 to 128 letters, digits or : . _ -');
  }
  const read = await answer(() => scans.latestMatrix());
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
  return success({ matrix: result, scan: latest.data });
}

// The permission schemes and the projects using each: from the latest stored snapshot when
// there is one (no Jira call), live from Jira (a call per project) only before the first scan.
async function adminOverview(scans) {
  const read = await answer(() => scans.latestDigest());
  if (read.type === 'success' && read.result) {
    const { overview } = read.result.digest;
    if (overview.type !== 'success') return overview;
    return { ...overview, result: { ...overview.result, source: 'snapshot', collectedAt: read.result.data.collectedAt } };
  }
  const live = await core().adminOverview(jiraHost(api.asApp()));
  if (live.type !== 'success') return live;
  return { ...live, result: { ...live.result, source: 'live' } };
}

// The admin page's handlers by name; `scans()` is the container's scan service.
export function adminResolvers(scans) {
  return {
    inventory: forAdmins(({ payload }) => inventoryPage(scans(), payload)),
    accountAccess: forAdmins(({ payload }) => accountAccess(scans(), payload)),
    adminOverview: forAdmins(() => adminOverview(scans())),
    // The registry as stored (latest version of every entry), and one entry's history.
    registry: forAdmins(() => registryStore().list()),
    registryHistory: forAdmins(({ payload }) => registryStore().history(payload?.accountId)),
  };
}
