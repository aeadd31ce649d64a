// The admin console's resolvers (docs/admin-console.md): the overview, the accounts table, one
// account, the findings and the exports, each read from the products the scan's jobs stored
// (src/forge/scans/store.js); none analyses a snapshot. Jira admins only, checked through Jira as
// the caller before the payload is read.
import { projectIndices } from '../../../shared/project-sets.js';
import { core } from '../core.js';
import { groupFindings, SEVERITIES } from '../console-findings.js';
import { answer, failure, noSnapshot, success } from '../envelope.js';
import { ACCOUNT_ID, registryStore } from '../registry.js';
import { CONSOLE_LAYOUT } from '../scans/store.js';
import { forAdmins } from './auth.js';

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;
// Characters an export answer carries; a longer text comes in parts. Forge documents no limit for
// an `invoke` answer; 2 Mi characters keeps each answer quick to move and to parse.
// STEWARD_EXPORT_PART sets it (tests).
export const EXPORT_PART = 2 * 1024 * 1024;
const exportPart = () => Number(process.env.STEWARD_EXPORT_PART) || EXPORT_PART;
const KINDS = {
  inventory: ['csv', 'json'],
  access: ['csv', 'json'],
  'access-account': ['csv', 'json'],
  findings: ['csv', 'json'],
  report: ['markdown'],
};
const MIME = { csv: 'text/csv', json: 'application/json', markdown: 'text/markdown' };
const EXTENSION = { csv: 'csv', json: 'json', markdown: 'md' };

function checkPayload(payload, allowed) {
  if (payload === undefined || payload === null) return null;
  if (typeof payload !== 'object' || Array.isArray(payload)) return failure('bad-input', 'the payload must be an object');
  const extra = Object.keys(payload).filter((k) => !allowed.includes(k));
  if (extra.length) return failure('bad-input', `the payload has unknown field \`${String(extra[0]).slice(0, 40)}\`; allowed: ${allowed.length ? allowed.join(', ') : 'none'}`);
  return null;
}

const accountIdProblem = (accountId) => (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)
  ? failure('bad-input', '`accountId` must be a string of 1 to 128 letters, digits or : . _ -')
  : null);

const today = () => new Date().toISOString().slice(0, 10);

// The latest products, or the failure a page shows. Products of an older day, or none for the
// latest snapshot (stored by an older version), get a recompute queued.
async function products(scans) {
  const read = await answer(() => scans.latestConsole());
  if (read.type !== 'success') return { failed: read };
  const latest = read.result;
  if (!latest) return { failed: noSnapshot() };
  const { ref, data, pending } = latest;
  if (!ref || ref.layout !== CONSOLE_LAYOUT) {
    await scans.recompute('the stored products are of an older version').catch(() => {});
    return { failed: failure('not-ready', "the console's products of the latest scan are being computed; try again in a minute") };
  }
  if (ref.error) return { failed: failure('products-failed', `the console's products of the latest scan could not be computed: ${ref.error.message}`) };
  let stillPending = pending;
  if (ref.asOf < today() && !pending) {
    stillPending = (await scans.recompute('a new day').catch(() => null))?.pending ?? null;
  }
  const main = await answer(() => scans.consoleMain(ref));
  if (main.type !== 'success') return { failed: main };
  return {
    ref,
    main: main.result,
    head: {
      scan: data,
      products: { asOf: ref.asOf, revision: ref.rev, reason: ref.reason, computedAt: ref.computedAt, seconds: ref.seconds ?? null, pending: Boolean(stillPending), ...(stillPending ? { pendingReason: stillPending.reason } : {}) },
    },
  };
}

async function overview(scans, payload) {
  const bad = checkPayload(payload, []);
  if (bad) return bad;
  const got = await products(scans);
  if (got.failed) return got.failed;
  const { main, head } = got;
  const { lastScan, ...rest } = main.overview;
  return success({
    ...head,
    ...rest,
    lastScan: { ...lastScan, finishedAt: head.scan.finishedAt, collectedAt: head.scan.collectedAt, calls: head.scan.calls, points: head.scan.points, mode: head.scan.mode, complete: head.scan.complete },
    permissionNames: main.permissionNames,
  });
}

async function accounts(scans, payload) {
  const bad = checkPayload(payload, []);
  if (bad) return bad;
  const got = await products(scans);
  if (got.failed) return got.failed;
  const { main, head } = got;
  return success({
    ...head,
    projects: main.projects,
    projectSets: main.projectSets,
    owners: main.owners,
    rows: main.rows,
    rules: main.rules,
    permissionNames: main.permissionNames,
  });
}

// A stored detail record with its projects as the page reads them (the record keeps indices into
// the products' project table).
const expandDetail = (main, detail) => ({ ...detail, access: { ...detail.access, projects: detail.access.projects.map((p) => main.projectTable[p]) } });

// One account's stored detail record, or null.
async function detailOf(scans, got, accountId) {
  const at = got.main.rows.findIndex((r) => r.accountId === accountId);
  if (at < 0) return null;
  // The last shard starting at or before the row.
  const starts = got.main.shardStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  const shard = await scans.consoleShard(got.ref, lo);
  const detail = shard[at - starts[lo]];
  return detail ? expandDetail(got.main, detail) : null;
}

async function account(scans, payload, context) {
  const bad = checkPayload(payload, ['accountId']);
  if (bad) return bad;
  const problem = accountIdProblem(payload?.accountId);
  if (problem) return problem;
  const { accountId } = payload;
  const got = await products(scans);
  if (got.failed) return got.failed;
  const read = await answer(async () => {
    const detail = await detailOf(scans, got, accountId);
    if (!detail) return null;
    const schemes = await scans.consoleSchemes(got.ref);
    const used = {};
    for (const p of detail.access.projects) if (p.schemeId && schemes[p.schemeId]) used[p.schemeId] = schemes[p.schemeId];
    return { detail, whyNot: { schemes: used } };
  });
  if (read.type !== 'success') return read;
  if (!read.result) return failure('unknown-account', `account \`${accountId}\` is not in the latest scan's console`);
  const history = await registryStore().history(accountId);
  const { detail } = read.result;
  // The snapshot may not know the site's address; the page's context does (a link, not a right).
  const site = typeof context?.siteUrl === 'string' && /^https?:\/\/[^\s/?#]+$/.test(context.siteUrl.replace(/\/$/, '')) ? context.siteUrl.replace(/\/$/, '') : null;
  if (detail.registry?.entry.requestIssue && !detail.registry.requestIssueUrl && site) {
    detail.registry = { ...detail.registry, requestIssueUrl: `${site}/browse/${encodeURIComponent(detail.registry.entry.requestIssue)}` };
  }
  return success({
    ...got.head,
    ...detail,
    whyNot: read.result.whyNot,
    history: history.type === 'success' ? [...history.result].reverse() : [],
    permissionNames: got.main.permissionNames,
  }, history.type === 'success' ? [] : [{ code: 'history-unreadable', message: history.errors[0].message }]);
}

async function findings(scans, payload) {
  const bad = checkPayload(payload, ['severity', 'project']);
  if (bad) return bad;
  const severity = payload?.severity ?? null;
  const project = payload?.project ?? null;
  if (severity !== null && !SEVERITIES.includes(severity)) return failure('bad-input', `\`severity\` must be one of ${SEVERITIES.join(', ')}`);
  if (project !== null && (typeof project !== 'string' || !PROJECT_KEY.test(project))) return failure('bad-input', '`project` must be a Jira project key (capital letters, digits, _)');
  const got = await products(scans);
  if (got.failed) return got.failed;
  const { head, ref } = got;
  // Unfiltered, the answer the job stored (small); filtered, grouped from the whole report.
  const read = await answer(async () => (!severity && !project && ref.findingsGroups
    ? scans.consoleStored(ref.findingsGroups)
    : groupFindings((await scans.consoleFindings(ref)).findings, { severity, project })));
  if (read.type !== 'success') return read;
  return success({ ...head, ...read.result });
}

// The rows of one account's access export: one per project and permission it holds.
function accessRows(detail) {
  const { access, account: who } = detail;
  const rows = [];
  for (const cell of access.cells) {
    const set = access.sets[cell.set];
    for (const p of cell.projects) {
      for (const [permission, ids] of Object.entries(set.permissions)) {
        const paths = ids.map((i) => access.paths[i]);
        rows.push([who.accountId, who.displayName, access.projects[p].key, permission, paths.some((x) => !x.conditional) ? 'yes' : 'some-issues', paths.map((x) => x.text).join(' | ')]);
      }
    }
  }
  return rows.sort((a, b) => (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : a[3] < b[3] ? -1 : 1));
}
const ACCESS_HEADER = ['accountId', 'displayName', 'project', 'permission', 'held', 'paths'];

// CSV through the core's writer: the cells defused exactly as `steward audit --format csv` does.
function csvText(header, rows) {
  const written = core().toCsv(JSON.stringify({ header, rows }));
  if (written.type !== 'success') throw Object.assign(new Error(written.errors[0].message), { code: written.errors[0].code });
  return written.result;
}

async function exportText(scans, got, { kind, format, accountId }) {
  const { ref, main } = got;
  const stored = (name) => scans.consoleText(ref.exports[name]);
  switch (`${kind} ${format}`) {
    case 'inventory csv': return stored('inventoryCsv');
    case 'inventory json': return JSON.stringify({
      collectedAt: main.collectedAt,
      accounts: main.rows.map(({ projectSet, ...row }) => ({ ...row, ownerName: row.owner ? main.owners[row.owner] ?? null : null, projects: projectIndices(main.projectSets[projectSet]).map((p) => main.projects[p]) })),
    }, null, 2);
    case 'findings csv': return stored('findingsCsv');
    case 'findings json': return JSON.stringify(await scans.consoleFindings(ref), null, 2);
    case 'report markdown': return stored('reportMarkdown');
    case 'access csv': {
      if (!ref.exports.accessCsv) throw Object.assign(new Error('the whole access export is too large for this site; export accounts one at a time (`access-account`)'), { code: 'too-large' });
      return stored('accessCsv');
    }
    case 'access json': {
      const accountsOut = [];
      for (let n = 0; n < ref.shards.length; n += 1) {
        for (const stored of await scans.consoleShard(ref, n)) {
          const detail = expandDetail(main, stored);
          accountsOut.push({ ...detail.account, access: detail.access });
        }
      }
      return JSON.stringify({ collectedAt: main.collectedAt, accounts: accountsOut });
    }
    case 'access-account csv':
    case 'access-account json': {
      const detail = await detailOf(scans, got, accountId);
      if (!detail) throw Object.assign(new Error(`account \`${accountId}\` is not in the latest scan's console`), { code: 'unknown-account' });
      return format === 'csv' ? csvText(ACCESS_HEADER, accessRows(detail)) : JSON.stringify({ collectedAt: main.collectedAt, ...detail.account, access: detail.access }, null, 2);
    }
    default: throw Object.assign(new Error(`no ${format} export of ${kind}`), { code: 'bad-input' });
  }
}

async function exportFile(scans, payload) {
  const bad = checkPayload(payload, ['kind', 'format', 'accountId', 'part']);
  if (bad) return bad;
  const { kind, format, accountId, part = 0 } = payload ?? {};
  if (!Object.hasOwn(KINDS, kind ?? '')) return failure('bad-input', `\`kind\` must be one of ${Object.keys(KINDS).join(', ')}`);
  if (!KINDS[kind].includes(format)) return failure('bad-input', `\`format\` of a ${kind} export must be ${KINDS[kind].join(' or ')}`);
  if (kind === 'access-account') {
    const problem = accountIdProblem(accountId);
    if (problem) return problem;
  } else if (accountId !== undefined) {
    return failure('bad-input', '`accountId` is only for an `access-account` export');
  }
  if (!Number.isInteger(part) || part < 0 || part > 100_000) return failure('bad-input', '`part` must be a whole number from 0');
  const got = await products(scans);
  if (got.failed) return got.failed;
  const read = await answer(() => exportText(scans, got, { kind, format, accountId }));
  if (read.type !== 'success') return read;
  const text = read.result;
  const day = (got.main.collectedAt ?? got.head.scan.collectedAt ?? '').slice(0, 10).replaceAll('-', '');
  const who = kind === 'access-account' ? `-${accountId.replace(/[^A-Za-z0-9_-]/g, '_')}` : '';
  const file = { fileName: `steward-${kind}${who}-${day}.${EXTENSION[format]}`, mimeType: MIME[format] };
  const size = exportPart();
  if (text.length <= size) {
    if (part !== 0) return failure('bad-input', '`part` is past the end: this export has one part');
    return success({ ...file, text });
  }
  const parts = Math.ceil(text.length / size);
  if (part >= parts) return failure('bad-input', `\`part\` is past the end: this export has ${parts} parts`);
  // Cut between UTF-16 units of one character never: a part ends before a lone high surrogate.
  let start = part * size;
  let end = Math.min(text.length, start + size);
  const high = (i) => i > 0 && i < text.length && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff;
  if (high(start)) start -= 1;
  if (high(end)) end -= 1;
  return success({ ...file, parts, part, text: text.slice(start, end) });
}

// The console's handlers by name; `scans()` is the container's scan service.
export function consoleResolvers(scans) {
  return {
    consoleOverview: forAdmins(({ payload }) => overview(scans(), payload)),
    consoleAccounts: forAdmins(({ payload }) => accounts(scans(), payload)),
    consoleAccount: forAdmins(({ payload, context }) => account(scans(), payload, context)),
    consoleFindings: forAdmins(({ payload }) => findings(scans(), payload)),
    consoleExport: forAdmins(({ payload }) => exportFile(scans(), payload)),
  };
}
