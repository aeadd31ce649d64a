// Governance work that needs the snapshot, run as queued jobs (the `steward-scans` queue's
// consumer, events `{governance: jobId}`), never in a resolver: checking a registry entry or an
// import against the site, a review decision's change set (least privilege, what-if diff), the
// what-if tool, and the governance digest the pages read (the due list, each bot's findings, the
// shadow-bot suspects). A resolver records the request (`gov-jobs/<id>`, version 1, `queued`) and
// queues the event; the job stores its answer as version 2 (`done` or `failed`); the page polls.
// A decision's apply (Jira writes as the admin) is a resolver's (src/forge/governance/apply.js):
// only a resolver acts as the user.
import { createHash, randomUUID } from 'node:crypto';
import { core } from '../core.js';
import { SETTINGS, SETTINGS_ID } from '../settings.js';
import { StorageError } from '../storage.js';

export const JOBS = 'gov-jobs';
export const REGISTRY = 'registry';
export const DIGEST = ['gov-digest', 'latest'];
const WRITER = 'steward-governance-job';
// Rows of each list of a what-if answer the page is sent (a scheme change on a large site can
// change tens of thousands of accesses); the totals are kept.
const WHAT_IF_ROWS = 1000;
// A job's answer larger than this is stored as a blob (a record is one Forge SQL request, ≤ 1 MiB).
const ANSWER_INLINE = 512 * 1024;
// A digest asked for again within this time is not queued twice.
const DIGEST_REQUEST_MS = 120_000;
// The consumer function's limit (manifest `timeoutSeconds: 900`).
const FUNCTION_LIMIT_MS = 900_000;

export const today = (ms = Date.now()) => new Date(ms).toISOString().slice(0, 10);
const iso = (ms = Date.now()) => new Date(ms).toISOString();

// The field a core error is about: its messages start with the field in backticks ("`owner` of
// `bot` …"), an unknown account names the account itself.
export function fieldOf(error) {
  const named = error.message.match(/^`([A-Za-z.]+)` of `/);
  if (named) return named[1];
  if (error.code === 'unknown-account') return 'accountId';
  const unknownField = error.message.match(/unknown field `([A-Za-z]+)`/);
  if (unknownField) return unknownField[1];
  return null;
}

// The registry as the core reads it, from the stored records.
export async function readRegistry(store) {
  const records = await store.list(REGISTRY);
  return {
    records,
    text: JSON.stringify({ registryVersion: 1, accounts: records.map((r) => r.value) }),
    stamp: createHash('sha256').update(records.map((r) => `${r.id}:${r.version}`).join('\n')).digest('hex').slice(0, 16),
  };
}

async function readSettings(store) {
  const record = await store.get(SETTINGS, SETTINGS_ID);
  return { version: record?.version ?? 0, text: JSON.stringify(record?.value ?? {}) };
}

// When each entry's review is due, from the core's review events (no snapshot needed): the `due`
// event of every in-force entry with a due date falls in a window wide enough.
export function dueDates(registryText, settingsText) {
  const answer = core().reviewEvents(registryText, settingsText, '1900-01-01', '2999-12-31');
  if (answer.type !== 'success') return new Map();
  return new Map(answer.result.filter((e) => e.kind === 'due').map((e) => [e.accountId, e.due]));
}

// A what-if answer with each list cut to WHAT_IF_ROWS, saying how many there were.
export function boundWhatIf(whatIf) {
  const truncated = {};
  const bounded = { ...whatIf };
  for (const list of ['changes', 'levels', 'transitions', 'unsure']) {
    if ((whatIf[list]?.length ?? 0) > WHAT_IF_ROWS) {
      truncated[list] = whatIf[list].length;
      bounded[list] = whatIf[list].slice(0, WHAT_IF_ROWS);
    }
  }
  return Object.keys(truncated).length ? { ...bounded, truncated } : bounded;
}

// What the pages show of a finding (its evidence, reason and fix stay in the console's findings).
const findingLine = ({ rule, severity, accountId, displayName, project, message }) => ({ rule, severity, accountId, displayName, project: project ?? null, message });

const unwrap = (answer) => {
  if (answer.type !== 'success') throw new StorageError(answer.errors[0].code, answer.errors[0].message);
  return answer.result;
};

export function createGovernanceJobs({ store, blobs, state, snapshots, queue, log = console.log, afterWrite = async () => {} }) {
  // The stored digest, parsed, kept for the last blob read (blobs never change).
  let digestCache = null;
  const loadBlob = async (ref) => JSON.parse(await blobs.get(ref));

  // Records a request and queues its job; answers the job id.
  async function request(kind, input, by) {
    const id = randomUUID();
    await store.put(JOBS, id, { kind, input, by, status: 'queued', createdAt: iso() }, { expectedVersion: 0, by, at: iso(), action: `job:${kind}` });
    await queue.push({ body: { governance: id } });
    return id;
  }

  // A job's state as the page polls it: `queued`, or `done` with the answer, or `failed`.
  async function read(id) {
    const record = await store.get(JOBS, id);
    if (!record) return null;
    const { kind, status, error, by, createdAt, startedAt, finishedAt, applied } = record.value;
    const answer = record.value.answer?.blob ? await loadBlob(record.value.answer.blob) : record.value.answer;
    // `running` is still waiting, as far as the page is concerned.
    return { id, kind, status: status === 'running' ? 'queued' : status, running: status === 'running', answer, error, by, createdAt, startedAt, finishedAt, applied, version: record.version };
  }

  const withLatest = async (use) => {
    const entry = await state.latest();
    if (!entry) throw new StorageError('no-snapshot', 'no scan has finished yet: start one on the Overview tab');
    return snapshots.withSnapshot(entry, null, (loaded) => use(loaded, entry));
  };

  // ---- the kinds -------------------------------------------------------------------------------

  // One entry checked against the site, then written as the version after `expectedVersion`.
  // An edit keeps the decisions' fields (status, suspension, last decision) of the version it is
  // based on, and a registration has none: only a review decision changes them.
  async function entryJob({ entry, expectedVersion, why }, by) {
    const stored = await store.get(REGISTRY, entry.accountId);
    let next = entry;
    if (expectedVersion === 0) {
      // A new entry has had no decision: a suspension's `removed` is what a restore would add.
      next = { ...entry };
      delete next.suspension;
      delete next.lastDecision;
    } else if (stored && stored.version === expectedVersion) {
      const { status, suspension, lastDecision } = stored.value;
      next = { ...entry, status: status ?? 'active' };
      delete next.suspension;
      delete next.lastDecision;
      if (suspension) next.suspension = suspension;
      if (lastDecision) next.lastDecision = lastDecision;
    }
    const verdict = await withLatest(async (loaded) => loaded.validateRegistryEntry(JSON.stringify(next)));
    if (verdict.type !== 'success') {
      return { saved: false, problems: verdict.errors.map((e) => ({ field: fieldOf(e), code: e.code, message: e.message })) };
    }
    try {
      const written = await store.put(REGISTRY, next.accountId, verdict.result, {
        expectedVersion, by, at: iso(), action: expectedVersion === 0 ? 'register' : 'edit', why: why ?? null,
      });
      await afterWrite(`registry: ${expectedVersion === 0 ? 'registered' : 'edited'} ${next.accountId}`);
      return { saved: true, version: written.version, entry: verdict.result };
    } catch (error) {
      if (error.code !== 'conflict') throw error;
      const now = await store.get(REGISTRY, next.accountId);
      return {
        saved: false,
        conflict: {
          yours: { basedOn: expectedVersion, entry: next },
          stored: { version: now.version, entry: now.value, at: now.at, by: now.by, why: now.why },
        },
      };
    }
  }

  // Every row checked first (shape in the resolver, the site here); with any problem nothing is
  // written. Then one multi-row INSERT (storage.putAll): all rows or none, and a row someone else
  // changed meanwhile fails the whole statement.
  async function importJob({ rows, why }, by) {
    const problems = [];
    const seen = new Map();
    for (const row of rows) {
      const where = { line: row.line ?? null, entry: row.index ?? null, accountId: row.entry.accountId };
      if (seen.has(row.entry.accountId)) problems.push({ ...where, field: 'accountId', code: 'duplicate-entry', message: `account \`${row.entry.accountId}\` is also on ${row.line ? `line ${seen.get(row.entry.accountId).line}` : `entry ${seen.get(row.entry.accountId).index}`}` });
      seen.set(row.entry.accountId, row);
    }
    const existing = new Map((await store.list(REGISTRY)).map((r) => [r.id, r]));
    const checked = await withLatest(async (loaded) => rows.map((row) => loaded.validateRegistryEntry(JSON.stringify(row.entry))));
    checked.forEach((verdict, i) => {
      const row = rows[i];
      if (verdict.type === 'success') return;
      for (const e of verdict.errors) problems.push({ line: row.line ?? null, entry: row.index ?? null, accountId: row.entry.accountId, field: fieldOf(e), code: e.code, message: e.message });
    });
    if (problems.length) return { imported: 0, problems };
    const at = iso();
    const writes = checked.map((verdict) => {
      const entry = verdict.result;
      const before = existing.get(entry.accountId);
      return { id: entry.accountId, value: entry, expectedVersion: before?.version ?? 0, action: before ? 'import:update' : 'import:register' };
    });
    try {
      await store.putAll(REGISTRY, writes, { by, at, why: why ?? null });
    } catch (error) {
      if (error.code !== 'conflict' && error.code !== 'too-large') throw error;
      return { imported: 0, problems: [{ line: null, entry: null, field: null, code: error.code, message: `${error.message}; nothing was imported` }] };
    }
    await afterWrite(`registry: imported ${writes.length} entries`);
    return {
      imported: writes.length,
      created: writes.filter((w) => w.expectedVersion === 0).length,
      updated: writes.filter((w) => w.expectedVersion > 0).length,
      problems: [],
    };
  }

  // A review decision as the core decides it, with everything the admin sees before applying:
  // the Jira changes, the least-privilege plan (reduce), the what-if diff of the changes.
  async function decisionJob({ accountId, decision, comment }, by, jobId) {
    const registry = await readRegistry(store);
    const settings = await readSettings(store);
    const record = registry.records.find((r) => r.id === accountId);
    if (!record) throw new StorageError('not-registered', `account \`${accountId}\` is not in the registry: register it first`);
    const answersDue = dueDates(registry.text, settings.text).get(accountId) ?? null;
    const made = {
      id: `review:${jobId}`, accountId, decision, by,
      answersDue: decision === 'restore' ? null : answersDue,
      ...(decision === 'restore' ? { restores: record.value.suspension?.decisionId ?? '' } : {}),
    };
    const now = today();
    return withLatest(async (loaded) => {
      const outcome = unwrap(loaded.reviewDecide(registry.text, settings.text, JSON.stringify(made), now));
      const plan = decision === 'reduce' ? unwrap(loaded.leastPrivilege(registry.text, settings.text, accountId, now)) : null;
      // Reduce shows its what-if diff (levels and transitions too). Suspend, retire and restore
      // show the memberships themselves: a what-if of every membership of a bot is minutes of
      // analysis on a large site and adds nothing the list does not say.
      const whatIf = decision === 'reduce' && outcome.jiraChanges.length ? boundWhatIf(unwrap(loaded.whatIf(JSON.stringify({ changes: outcome.jiraChanges })))) : null;
      return {
        proposal: {
          decision: made, comment: comment ?? null, entryVersion: record.version, before: record.value, after: outcome.entry,
          jiraChanges: outcome.jiraChanges, remaining: outcome.remaining, summary: outcome.summary, plan, whatIf,
        },
      };
    });
  }

  const whatIfJob = ({ changes }) => withLatest(async (loaded) => ({ whatIf: boundWhatIf(unwrap(loaded.whatIf(JSON.stringify({ changes })))) }));

  // The governance digest: what the reviews and shadow-bot views read, for one stamp (snapshot,
  // registry versions, settings version, day).
  async function digestJob() {
    const registry = await readRegistry(store);
    const settings = await readSettings(store);
    const latest = await state.latest();
    if (!latest) throw new StorageError('no-snapshot', 'no scan has finished yet');
    const now = today();
    const stamp = digestStamp(latest, registry, settings, now);
    const digest = await withLatest(async (loaded) => {
      const due = unwrap(loaded.reviewDue(registry.text, settings.text, now));
      const report = unwrap(loaded.findings(registry.text, settings.text, now));
      return {
        stamp, computedAt: iso(), now, scanId: latest.scanId, due,
        counts: report.counts,
        findings: report.findings.map(findingLine),
        shadow: report.findings.filter((f) => f.rule === 'shadow-bot').map(findingLine),
      };
    });
    // Several MB on a large site: a blob, which the record names (written first, so a reader
    // never finds a record naming a blob not there yet). Named `governance/…`: the scans' sweep
    // only deletes blobs named after a scan (`<scanId>/…`).
    const ref = await blobs.put(`governance/digest-${randomUUID().slice(0, 8)}`, JSON.stringify(digest));
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const current = await store.get(...DIGEST);
      try {
        await store.put(...DIGEST, { stamp, computedAt: digest.computedAt, blob: ref }, { expectedVersion: current?.version ?? 0, by: WRITER, at: iso(), action: 'digest' });
        if (current?.value.blob?.id) await blobs.delete(current.value.blob.id).catch(() => {});
        return { stamp };
      } catch (error) {
        if (error.code !== 'conflict') throw error;
      }
    }
    await blobs.delete(ref.id).catch(() => {});
    return { stamp, stored: false };
  }

  const KINDS = { entry: entryJob, import: importJob, decision: decisionJob, whatif: whatIfJob, digest: digestJob };

  // The consumer's work for one `{governance: id}` event. Delivered twice, it does nothing. A job
  // is marked `running` first: when Forge delivers it again after the function's 900 s ran out
  // (it died, or the site is too large for it), it fails instead of running for ever.
  async function run(id) {
    let record = typeof id === 'string' ? await store.get(JOBS, id) : null;
    if (!record) return { ignored: 'no such governance job' };
    const { status, startedAt } = record.value;
    if (status === 'running' && Date.now() - Date.parse(startedAt) < FUNCTION_LIMIT_MS) return { ignored: 'another invocation runs the job' };
    if (status !== 'queued' && status !== 'running') return { ignored: 'the job has run already' };
    if (status === 'running') {
      const error = { code: 'too-slow', message: `the job did not finish within one run of ${FUNCTION_LIMIT_MS / 1000} s (started ${startedAt}); on a site this large, try a smaller change` };
      await store.put(JOBS, id, { ...record.value, status: 'failed', error, finishedAt: iso() }, { expectedVersion: record.version, by: WRITER, at: iso(), action: 'job:failed' }).catch(() => {});
      return { failed: record.value.kind };
    }
    try {
      await store.put(JOBS, id, { ...record.value, status: 'running', startedAt: iso() }, { expectedVersion: record.version, by: WRITER, at: iso(), action: 'job:running' });
    } catch (error) {
      if (error.code === 'conflict') return { ignored: 'another invocation claimed the job' };
      throw error;
    }
    record = await store.get(JOBS, id);
    const { kind, input, by } = record.value;
    let next;
    try {
      let answer = await KINDS[kind](input, by, id);
      if (JSON.stringify(answer).length > ANSWER_INLINE) answer = { blob: await blobs.put(`governance/job-${id}`, JSON.stringify(answer)) };
      next = { ...record.value, status: 'done', answer, finishedAt: iso() };
    } catch (error) {
      if (!(error instanceof StorageError) && !error.code) log(`steward: governance job ${id} (${kind}) failed: ${error.stack ?? error}`);
      next = { ...record.value, status: 'failed', error: { code: error.code ?? 'job', message: error.message ?? String(error) }, finishedAt: iso() };
    }
    try {
      await store.put(JOBS, id, next, { expectedVersion: record.version, by: WRITER, at: iso(), action: `job:${next.status}` });
    } catch (error) {
      if (error.code === 'conflict') return { ignored: 'another invocation finished the job' };
      throw error;
    }
    return { [next.status]: kind };
  }

  // The stored digest, and whether it is the one for the current stamp; queues a new one when not
  // (once per stamp within DIGEST_REQUEST_MS).
  async function digest(by) {
    const registry = await readRegistry(store);
    const settings = await readSettings(store);
    const latest = await state.latest();
    if (!latest) return null;
    const stamp = digestStamp(latest, registry, settings, today());
    const pointer = (await store.get(...DIGEST))?.value ?? null;
    let stored = null;
    if (pointer?.blob) {
      if (digestCache?.id !== pointer.blob.id) {
        try {
          digestCache = { id: pointer.blob.id, digest: await loadBlob(pointer.blob) };
        } catch (error) {
          log(`steward: the governance digest is unreadable, computing it again: ${error.message}`);
          digestCache = null;
        }
      }
      stored = digestCache?.digest ?? null;
    }
    const fresh = stored !== null && pointer.stamp === stamp;
    if (!fresh) await requestDigest(stamp, by);
    return { digest: stored, fresh, registry: registry.records };
  }

  async function requestDigest(stamp, by) {
    const asked = await store.get('gov-digest', 'request');
    if (asked?.value.stamp === stamp && Date.now() - Date.parse(asked.at) < DIGEST_REQUEST_MS) return;
    try {
      await store.put('gov-digest', 'request', { stamp }, { expectedVersion: asked?.version ?? 0, by, at: iso(), action: 'digest:request' });
    } catch (error) {
      if (error.code === 'conflict') return; // another caller asked for it
      throw error;
    }
    await request('digest', {}, by);
  }

  return { request, read, run, digest, requestDigest: (by) => digest(by), readBlob: loadBlob };
}

export function digestStamp(latest, registry, settings, day) {
  return `${latest.blob.id}|${registry.stamp}|${settings.version}|${day}`;
}
