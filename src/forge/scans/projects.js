// Each project's stored answer, the project settings page's one read. The digest job (store.js)
// hands over the snapshot it has decoded; the core cuts every project's page from one engine run
// (`LoadedSnapshot.projectPages`: the non-human accounts with access there, with paths, levels and
// transitions; the accounts that reach it only through broad grants apart; what membership of the
// service-account role gives there), and each page is stored as one row, keyed (scan, project).
//
// Why a table of its own rather than records or blobs: records (storage.js) are append-only, and
// 10,000 projects a scan would grow them for ever; blobs are one per id and the sweep knows only
// the snapshot's parts. Rows here are deleted with the scan they belong to, and a page is one
// SELECT by primary key. A page larger than one row's share of a request is cut into chunks.
import { REQUEST_BUDGET, cutIntoChunks, encodedBytes } from '../blobs.js';
import { projectsOf } from '../console-findings.js';
import { release } from './decode.js';

export const PAGES_TABLE = 'steward_project_pages';
export const PAGE_VERSION = 2;
// The row of a scan that holds its directory of accounts (the pages name them by place): not a
// Jira project key, so it cannot collide with one.
const DIRECTORY = '*accounts';
// Bytes of the rows one INSERT carries: several small pages a statement, under Forge SQL's 1 MiB
// (a chunk of a large page, up to a request's budget, goes alone).
const BATCH_BYTES = 512 * 1024;
const ROWS_PER_INSERT = 100;

const CREATE = `CREATE TABLE IF NOT EXISTS ${PAGES_TABLE} (
  scan_id VARCHAR(64) NOT NULL,
  project_key VARCHAR(128) NOT NULL,
  seq INT NOT NULL,
  chunk MEDIUMTEXT NOT NULL,
  PRIMARY KEY (scan_id, project_key, seq)
)`;

// The findings that concern a project, by project key (`projectsOf` decides, as for the findings
// view's project filter), each cut to what the page shows: one finding can list 500 projects, and
// on the XL site each page repeated about 50 such lists (2 GB over 10,000 pages). A project's
// admin may not see the other projects: a finding whose message names one of them is shown with
// a message of its own and the evidence lines about this project only.
const PROJECT_KEY = /\b[A-Z][A-Z0-9_]{0,254}\b/g;
const LINES_SHOWN = 12;

export function findingsByProject(report) {
  const by = new Map();
  for (const finding of report?.findings ?? []) {
    const keys = projectsOf(finding);
    const named = namedIn(finding, keys);
    for (const key of keys) {
      if (!by.has(key)) by.set(key, []);
      by.get(key).push(shownOn(finding, key, keys, named));
    }
  }
  return by;
}

// The findings that concern project `key` alone, as findingsByProject answers them for it (a
// page's open after a recompute: one project, not 10,000).
export function findingsOfProject(report, key) {
  const shown = [];
  for (const finding of report?.findings ?? []) {
    const keys = projectsOf(finding);
    if (keys.includes(key)) shown.push(shownOn(finding, key, keys, namedIn(finding, keys)));
  }
  return shown;
}

// The projects among `keys` that the finding's message names.
function namedIn(finding, keys) {
  const concerned = new Set(keys);
  return new Set(((finding.message ?? '').match(PROJECT_KEY) ?? []).filter((word) => concerned.has(word)));
}

function shownOn(finding, key, keys, named) {
  const { rule, title, severity, accountId, displayName, project, message, fix } = finding;
  if (![...named].some((k) => k !== key)) return { rule, title, severity, accountId, displayName, project, message, fix };
  return {
    rule, title, severity, accountId, displayName, project: key, fix,
    message: `concerns this project and ${keys.length - 1} other ${keys.length === 2 ? 'project' : 'projects'}`,
    lines: (finding.evidence ?? []).filter((line) => line.startsWith(`${key} `)).slice(0, LINES_SHOWN),
  };
}

export function createProjectPages({ sql, store, log = () => {} }) {
  const query = async (statement, ...params) => (await sql.prepare(statement).bindParams(...params).execute()).rows;
  const row = async (scanId, key) => {
    const rows = await query(`SELECT seq, chunk FROM ${PAGES_TABLE} WHERE scan_id = ? AND project_key = ? ORDER BY seq`, scanId, key);
    return rows.length ? JSON.parse(rows.map((r) => r.chunk).join('')) : null;
  };
  let directory = null;
  let migrated = null;
  const migrate = () => {
    migrated ??= sql.executeDDL(CREATE).catch((error) => {
      migrated = null;
      throw error;
    });
    return migrated;
  };

  async function insert(rows) {
    if (!rows.length) return;
    const values = rows.map(() => '(?, ?, ?, ?)').join(', ');
    await query(`INSERT INTO ${PAGES_TABLE} (scan_id, project_key, seq, chunk) VALUES ${values}`, ...rows.flat());
  }

  // The settings record as the core reads it (absent: the core's defaults).
  async function settingsText() {
    const record = await store.get('settings', 'app');
    return record ? JSON.stringify(record.value) : '';
  }

  async function registryText() {
    const entries = (await store.list('registry')).map((r) => r.value);
    return JSON.stringify({ registryVersion: 1, accounts: entries });
  }

  // The findings from the loaded snapshot itself when the caller has none (a whole load answers
  // them; a load without people cannot: owners are people), else null. A core that cannot compute
  // them (out of memory on a very large site) leaves the pages saying their findings are unknown
  // rather than leaving every project without its page.
  function ownFindings(loaded, settings, registry) {
    try {
      const answer = loaded.findings(registry, settings || '{}', new Date().toISOString().slice(0, 10));
      return answer.type === 'success' ? answer.result : null;
    } catch (error) {
      log(`steward: the project pages' findings could not be computed: ${error.message}`);
      return null;
    }
  }

  return {
    migrate,

    // Stores every project's page of scan `scanId` from `loaded` (as the digest job decoded it).
    // `findings`: the scan's findings report (the console's products compute it); else the
    // loaded snapshot is asked. Answers what the snapshot's entry records: {version, projects,
    // bytes, largest, findings}.
    async store(scanId, loaded, { findings = null } = {}) {
      await migrate();
      const settings = await settingsText();
      const pages = loaded.projectPages(settings);
      try {
        const report = findings ?? ownFindings(loaded, settings, await registryText());
        const byProject = findingsByProject(report);
        await query(`DELETE FROM ${PAGES_TABLE} WHERE scan_id = ?`, scanId); // a retried job starts over
        let batch = [];
        let batchBytes = 0;
        let bytes = 0;
        let largest = { key: null, bytes: 0 };
        const count = pages.count();
        for (let i = -1; i < count; i += 1) {
          const key = i < 0 ? DIRECTORY : pages.key(i);
          const core = i < 0 ? pages.directory() : pages.page(i);
          // The core's page with the scan's findings about the project spliced in as text: no
          // parse of the page, which is the bulk.
          const text = i < 0 ? core : `${core.slice(0, -1)},"findings":${JSON.stringify(byProject.get(key) ?? [])},"findingsKnown":${report !== null}}`;
          bytes += text.length;
          if (i >= 0 && text.length > largest.bytes) largest = { key, bytes: text.length };
          for (const [seq, chunk] of cutIntoChunks(text, REQUEST_BUDGET - 8192).entries()) {
            // Flushed before a chunk would take the statement past a request: a batch of small
            // pages plus one large page's chunk made 1.3 MB statements on the L site.
            const size = encodedBytes(chunk) + 256;
            if (batch.length && (batchBytes + size > BATCH_BYTES || batch.length >= ROWS_PER_INSERT)) {
              await insert(batch);
              batch = [];
              batchBytes = 0;
            }
            batch.push([scanId, key, seq, chunk]);
            batchBytes += size;
          }
        }
        await insert(batch);
        return { version: PAGE_VERSION, projects: count, bytes, largest, findings: report !== null };
      } finally {
        release(pages);
      }
    },

    // `store`, then the pages of scans no longer kept deleted; a failure is logged and answers
    // undefined (the page then says its answer is not stored), so the digest is stored anyway.
    async storeOrLog(scanId, loaded, options) {
      try {
        const stored = await this.store(scanId, loaded, options);
        const kept = (await store.get('scan', 'state'))?.value?.snapshots?.map((s) => s.scanId) ?? [];
        await this.sweep([scanId, ...kept]);
        return stored;
      } catch (error) {
        log(`steward: could not store the project pages of scan ${scanId}: ${error.message}`);
        return undefined;
      }
    },

    // The stored page of `key` in scan `scanId`, parsed, its accounts named from the scan's
    // directory (kept per container: it never changes), or null.
    async read(scanId, key) {
      await migrate();
      const page = await row(scanId, key);
      if (!page) return null;
      if (directory?.scanId !== scanId) {
        const stored = await row(scanId, DIRECTORY);
        if (!stored) return null;
        directory = { scanId, accounts: stored.accounts };
      }
      page.accounts = page.accounts.map(([at, set]) => ({ ...directory.accounts[at], set, broadOnly: Boolean(page.sets[set]?.broadOnly) }));
      return page;
    },

    // Deletes the pages of every scan but `keep` (scan ids).
    async sweep(keep) {
      try {
        await migrate();
        const ids = (await query(`SELECT DISTINCT scan_id FROM ${PAGES_TABLE}`)).map((r) => r.scan_id);
        for (const id of ids) {
          if (!keep.includes(id)) await query(`DELETE FROM ${PAGES_TABLE} WHERE scan_id = ?`, id);
        }
      } catch (error) {
        log(`steward: could not delete old project pages: ${error.message}`);
      }
    },
  };
}
