// What a scan stores besides its state, as blobs (blobs.js) named `<scanId>/<part>`: its
// checkpoints, its snapshot, and the snapshot's digest, access matrix and the admin console's
// products (docs/admin-console.md) that the pages read; and the sweep that deletes what no kept
// snapshot or live checkpoint names.
import { createHash } from 'node:crypto';
import { ACTIVE } from './state.js';
import { release, withLoaded } from './decode.js';
import { groupFindings } from '../console-findings.js';

// The shape of the stored digest; a stored digest of another version is recomputed (read.js).
// Version 2 adds the console's products (`entry.console`).
export const DIGEST_VERSION = 2;
// The layout of the console's stored products: products of another layout are recomputed (the
// fingerprint includes it, so the recompute job does not take them for current).
export const CONSOLE_LAYOUT = 4;
// Account detail records per stored shard: a detail answer reads one shard.
export const SHARD = 25;
const SHARD_CHARS = 900 * 1024;
// Review items and gaps the overview carries; the rest are counted.
const OVERVIEW_ITEMS = 50;
const OVERVIEW_GAPS = 20;
export const PLANS = { free: 5, guardStandard: 250, enterprise: 1000 };

const scanOf = (blobId) => blobId.split('/')[0];

// What the admin page shows first, computed once per snapshot (the analysis of a stored snapshot
// never changes): the inventory (one line per account, core `inventory`) and the overview of
// the permission schemes (the loaded snapshot's `overview`), each the core's envelope. A scan stores it
// next to the snapshot; a snapshot stored without one (an older version, a failed write) gets
// it computed when read, once per container.
export function computeDigest(loaded) {
  return { digestVersion: DIGEST_VERSION, inventory: loaded.inventory(), overview: loaded.overview() };
}

// The registry, the settings and the day the findings are computed with: the registry's records
// as the core's registry file, the settings record (absent: the core's defaults), today (UTC).
export async function currentPolicy(store, now = Date.now()) {
  const accounts = (await store.list('registry')).map((r) => r.value).sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  const settings = (await store.get('settings', 'app'))?.value ?? null;
  const policy = {
    registry: JSON.stringify({ registryVersion: 1, accounts }),
    settings: settings ? JSON.stringify(settings) : '',
    now: new Date(now).toISOString().slice(0, 10),
  };
  // What the stored findings were computed from: the same fingerprint means nothing to recompute.
  policy.fingerprint = createHash('sha256').update(`${CONSOLE_LAYOUT}\n${policy.registry}\n${policy.settings}\n${policy.now}`).digest('hex');
  return policy;
}

// The overview, aggregated once from the core's products.
function overviewOf(p, scan) {
  const rows = p.rows;
  const count = (kind) => rows.filter((r) => r.kind === kind).length;
  const byRule = new Map();
  for (const f of p.findings.findings) {
    const seen = byRule.get(f.rule) ?? { rule: f.rule, title: f.title, severity: f.severity, count: 0 };
    seen.count += 1;
    byRule.set(f.rule, seen);
  }
  const reviews = { due: 0, overdue: 0, upcoming: 0, never: 0, graceExpired: 0 };
  const stateKey = { due: 'due', overdue: 'overdue', upcoming: 'upcoming', neverReviewed: 'never', graceExpired: 'graceExpired' };
  for (const item of p.reviews) reviews[stateKey[item.state] ?? item.state] = (reviews[stateKey[item.state] ?? item.state] ?? 0) + 1;
  const activeShadow = p.shadow.filter((s) => rows.find((r) => r.accountId === s.accountId)?.active !== false);
  return {
    quota: { ...p.quota, plans: PLANS, over: p.quota.used > p.quota.limit },
    appAccounts: { total: count('agent') + count('app') + count('unknown'), agent: count('agent'), app: count('app'), unknown: count('unknown') },
    shadow: {
      suspects: p.shadow.filter((s) => !s.confirmed).length,
      confirmed: p.shadow.filter((s) => s.confirmed).length,
      // A licence each: every shadow bot moved to a service account frees a person's licence.
      licenceSaving: activeShadow.length,
      accounts: p.shadow,
    },
    jiraAdmins: rows.filter((r) => r.jiraAdmin === 'yes').map(({ accountId, displayName, kind }) => ({ accountId, displayName, kind })),
    findings: {
      total: p.findings.findings.length,
      bySeverity: p.findings.counts,
      byRule: [...byRule.values()],
    },
    reviews: { ...reviews, items: p.reviews.slice(0, OVERVIEW_ITEMS) },
    lastScan: {
      collectedAt: p.collectedAt,
      coverage: { projects: p.projects.length, complete: scan.complete ?? null },
      gapCount: p.gaps.length,
      gaps: p.gaps.slice(0, OVERVIEW_GAPS),
    },
    changes: p.changes ? {
      previous: { collectedAt: p.changes.previousCollectedAt },
      newBots: p.changes.newBots,
      removedBots: p.changes.removedBots,
      gained: p.changes.gained,
      lost: p.changes.lost,
      ownersInactive: p.changes.ownersInactive,
      truncated: p.changes.truncated,
    } : null,
  };
}

export function createSnapshotStore({ blobs, store, log, projects = null }) {
  // The console's products of a loaded (whole) snapshot, stored as blobs of revision `rev`;
  // answers the reference to keep in the snapshot's entry. A failure of the core is kept as the
  // reference's `error`, which the resolvers answer.
  async function storeConsole(scanId, loaded, { rev, reason, previous, scan, policy, findingsOut }) {
    let previousSummary = null;
    if (previous?.console?.summary) {
      try {
        previousSummary = await blobs.get(previous.console.summary);
      } catch (error) {
        log(`steward: the previous scan's summary is unreadable; no comparison: ${error.message}`);
      }
    }
    const options = `{"scan":${JSON.stringify({ calls: scan.calls ?? 0, points: scan.points ?? 0, complete: scan.complete ?? false })}${previousSummary ? `,"previous":${previousSummary}` : ''}}`;
    const began = Date.now();
    const base = { rev, layout: CONSOLE_LAYOUT, reason, asOf: policy.now, fingerprint: policy.fingerprint, computedAt: new Date().toISOString() };
    // Bad input throws the core's failure envelope; running out of memory or time on a large
    // site throws too. Either is kept as the products' error, which the resolvers answer, rather
    // than a job that fails again at each retry. `stored`: what was stored already (swept with
    // the scan).
    const failed = (error, stored = {}) => {
      const failure = typeof error === 'string' && error.startsWith('{"type":"failure"') ? JSON.parse(error).errors[0] : null;
      const message = failure?.message ?? `the core could not compute them: ${error?.message ?? error}`;
      log(`steward: the console's products of scan ${scanId} could not be computed: ${message}`);
      return { ...base, ...stored, error: failure ?? { code: 'console-failed', message } };
    };
    let run;
    let answer;
    try {
      run = loaded.console(policy.registry, policy.settings, policy.now, options);
      answer = JSON.parse(run.products());
    } catch (error) {
      release(run);
      return failed(error);
    }
    const { schemes, summary, exports, detailCount, ...products } = answer.result;
    findingsOut?.(products.findings); // the project pages' findings (projects.js)
    const at = (part) => `${scanId}/c${rev}/${part}`;
    // Shards of at most SHARD accounts and about SHARD_CHARS characters (one stored chunk), so an
    // account's page reads one small blob however wide the site's bots are. Each detail is
    // written by the core when asked and stored with its shard: together they can be gigabytes.
    const shards = [];
    const shardStarts = [];
    try {
      let pending = [];
      let size = 0;
      const flush = async () => {
        shards.push(await blobs.put(at(`account-${shards.length}`), `[${pending.join(',')}]`));
        pending = [];
        size = 0;
      };
      for (let i = 0; i < detailCount; i++) {
        let detail;
        try {
          detail = run.detail(i);
          if (typeof detail !== 'string') throw new Error(`the core has no detail ${i} of ${detailCount}`);
        } catch (error) {
          return failed(error, { shards });
        }
        if (pending.length > 0 && (pending.length >= SHARD || size + detail.length > SHARD_CHARS)) await flush();
        if (pending.length === 0) shardStarts.push(i);
        pending.push(detail);
        size += detail.length;
      }
      if (pending.length > 0) await flush();
    } finally {
      release(run);
    }
    // The findings (with reason and fix each: MBs on a large site) in a blob of their own, which
    // only the findings view and its export read; the rest keeps the rule of each.
    const { findings, ...rest } = products;
    const rules = {};
    for (const f of findings.findings) rules[f.rule] ??= { title: f.title, severity: f.severity };
    const main = {
      ...rest,
      counts: findings.counts,
      rules,
      warnings: answer.warnings,
      shardStarts,
      overview: overviewOf(products, scan),
      exportsAvailable: { access: exports.accessCsv !== null },
    };
    const put = (part, value) => blobs.put(at(part), value);
    const stored = {
      main: await put('console', JSON.stringify(main)),
      findings: await put('findings', JSON.stringify(findings)),
      // The Findings view unfiltered, grouped once: its first answer reads a few hundred KB, not
      // every finding.
      findingsGroups: await put('findings-groups', JSON.stringify(groupFindings(findings.findings))),
      schemes: await put('schemes', JSON.stringify(schemes)),
      summary: await put('summary', JSON.stringify(summary)),
      shards,
      exports: {
        findingsCsv: await put('export-findings-csv', exports.findingsCsv),
        inventoryCsv: await put('export-inventory-csv', exports.inventoryCsv),
        reportMarkdown: await put('export-report-md', exports.reportMarkdown),
        ...(exports.accessCsv !== null ? { accessCsv: await put('export-access-csv', exports.accessCsv) } : {}),
      },
    };
    // How long the core and the writes took (the snapshot's decoding not included).
    return { ...base, ...stored, seconds: Math.round((Date.now() - began) / 100) / 10 };
  }

  // The digest, the access matrix of every non-human account (the core's `matrix` form, without
  // transitions: several MB on a large site, so a blob of its own that only accountAccess reads)
  // and the console's products, stored; answers the references to put in the snapshot's entry.
  // `chunks`: the snapshot's text in pieces, decoded once for every answer. `context`: what the
  // console needs besides ({previous, scan}); without it the console is left to a recompute.
  async function storeDigest(scanId, chunks, context = null) {
    // The console's findings read people (owners), so the whole snapshot is loaded when it is computed.
    return withLoaded(chunks, { nonHuman: !context }, async (loaded) => {
      const digest = await blobs.put(`${scanId}/digest`, JSON.stringify(computeDigest(loaded)));
      // Text, stored as it is (see the core's LoadedSnapshot.analyze).
      const matrixText = loaded.analyze(JSON.stringify({ form: 'matrix', skipTransitions: true }));
      const refs = { digest };
      if (!matrixText.startsWith('{"type":"failure"')) refs.matrix = await blobs.put(`${scanId}/matrix`, matrixText);
      let findings = null;
      if (context) {
        try {
          refs.console = await storeConsole(scanId, loaded, { rev: 0, reason: 'scan', ...context, policy: context.policy ?? await currentPolicy(store), findingsOut: (f) => { findings = f; } });
        } catch (error) {
          log(`steward: could not store the console's products of scan ${scanId}: ${error.message}`);
        }
      }
      refs.pages = await projects?.storeOrLog(scanId, loaded, { findings }); // each project's page: projects.js
      return refs;
    });
  }

  // The console's products of a kept snapshot recomputed with the current registry and settings.
  async function recomputeConsole(entry, { rev, reason, previous, policy }) {
    return withLoaded(blobs.chunks(entry.blob), {}, (loaded) => storeConsole(entry.scanId, loaded, { rev, reason, previous, scan: entry, policy }));
  }

  // Every blob id a kept snapshot's entry names.
  const namedBy = (s) => [
    s.blob.id, s.digest?.id, s.matrix?.id,
    ...(s.console ? [s.console.main?.id, s.console.findings?.id, s.console.findingsGroups?.id, s.console.schemes?.id, s.console.summary?.id, ...(s.console.shards ?? []).map((r) => r.id), ...Object.values(s.console.exports ?? {}).map((r) => r.id)] : []),
  ].filter(Boolean);

  // Deletes the blobs of this scan and older ones that no kept snapshot and no live checkpoint
  // names. Newer scans' blobs are never touched, so a sweep racing a new scan cannot hurt it.
  async function sweep(state, upTo) {
    try {
      const keep = new Set(state.snapshots.flatMap(namedBy));
      // A recompute's blobs are written before the state names them: a revision newer than the
      // one a kept entry names is left alone.
      const newer = new Map(state.snapshots.map((s) => [s.scanId, s.console?.rev ?? -1]));
      const pending = (id) => {
        const rev = /^c(\d+)$/.exec(id.split('/')[1] ?? '')?.[1];
        return rev !== undefined && newer.has(scanOf(id)) && Number(rev) > newer.get(scanOf(id));
      };
      if (state.current?.checkpoint && ACTIVE.has(state.current.status)) keep.add(state.current.checkpoint.id);
      for (const id of await blobs.ids()) {
        if (!keep.has(id) && !pending(id) && scanOf(id) <= upTo) await blobs.delete(id);
      }
    } catch (error) {
      log(`steward: could not delete old scan data: ${error.message}`);
    }
  }

  return {
    storeCheckpoint: (scanId, jobs, text) => blobs.put(`${scanId}/checkpoint-${jobs}`, text),
    storeSnapshot: (scanId, text) => blobs.put(`${scanId}/snapshot`, text),
    storeDigest,
    storeConsole,
    recomputeConsole,
    sweep,
    // Answers `use(loaded)` of a kept snapshot's entry, decoded from its stored chunks.
    withSnapshot: (entry, project, use) => withLoaded(blobs.chunks(entry.blob), { project }, use),
  };
}
