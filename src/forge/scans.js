// Scans as chains of async-event jobs. A resolver has 25 s; a full scan of a large site takes hours
// of Jira's points quota. So `startScan` only records a scan and queues its first job; each job is
// a `consumer` invocation (up to 900 s) that runs the core's scan with pacing and either stores the
// finished snapshot or stores the checkpoint and queues the next job — at once when the job's time
// ran out, in the next quota hour when the hour's share of the points (or Jira's own quota) is
// spent. Pages read the stored snapshot; they never scan.
//
// One record, `scan/state` (a versioned record, storage.js), is the lock and the pointer: the scan
// in progress (or the last one) and the last few complete snapshots. Every change to it is a write
// based on the version read, so two writers collide on the version and one loses: two admins
// pressing Rescan start one scan; a job event Forge delivers twice (delivery is at least once) is
// run once. Each event carries the token the state expects next; a stale or repeated event finds a
// different token or a fresh claim and does nothing. `scans/<scanId>` keeps each scan's own record.
import api from '@forge/api';
import { InvocationError, InvocationErrorCode, Queue } from '@forge/events';
import { sql } from '@forge/sql';
import { randomUUID } from 'node:crypto';
import { core } from './core.js';
import { createBlobStore } from './blobs.js';
import { jiraHost } from './jira-host.js';
import { createStore } from './storage.js';

export const QUEUE = 'steward-scans';
const STATE = ['scan', 'state'];
const ACTIVE = new Set(['queued', 'running', 'waiting-for-quota']);
// The consumer function's limit (manifest `timeoutSeconds: 900`): a claim older than this belongs
// to an invocation Forge has already ended.
const FUNCTION_LIMIT_MS = 900_000;
// The core starts no call in the last tenth of `jobSeconds`, so it stops by 702 s; calls in
// flight (each Jira fetch may take up to 180 s in a long-running function) and storing a
// multi-MB checkpoint still fit in the 900 s.
const JOB_SECONDS = 780;
// Forge delays an event by 15 minutes at most: a longer wait is several hops.
const MAX_DELAY_S = 900;
// An active scan that has not changed for this long lost its chain (an event Forge could not
// deliver, a push that failed after the state was written): the next startScan replaces it.
const STALLED_MS = 2 * 3_600_000;
// Without these parts of a snapshot no answer about access holds: a scan that could not read them
// failed, and the previous snapshot stays the one pages show.
const ESSENTIAL = ['permissions', 'permissionSchemes', 'projects', 'users'];
const JOB_WRITER = 'steward-scan-job';
// The shape of the stored digest (loadDigest); a stored digest of another version is recomputed.
const DIGEST_VERSION = 1;
// Project answers a container keeps (a few tens of KB each): the project pages opened lately.
const PROJECT_ANSWERS_KEPT = 16;
// UTF-16 units a slice of an in-memory snapshot hands the core at a time.
const SLICE = 1 << 20;

// A text in slices, none cutting a surrogate pair: how a snapshot already in memory (the scan's
// own) is decoded without a second whole copy of it in wasm memory.
export function* textSlices(text, size = SLICE) {
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + size);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end -= 1;
    yield text.slice(start, end);
    start = end;
  }
}

export class ScanError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// Pacing and retention, from the app's environment variables (`forge variables set NAME value`;
// the local host passes its own). Read at each use, so a change applies to the next job.
export function scanSettings(env = process.env) {
  const number = (name, fallback, valid, what) => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!valid(value)) throw new ScanError('bad-setting', `${name} must be ${what}, not \`${text}\``);
    return value;
  };
  const whole = (low, high) => (v) => Number.isInteger(v) && v >= low && v <= high;
  return {
    // The share of the app's hourly points quota one scan may spend: the quota is shared by every
    // site the app is installed on and by its interactive calls.
    share: number('STEWARD_SCAN_SHARE', 0.5, (v) => v > 0 && v <= 1, 'a number above 0 and at most 1'),
    pointsPerHour: number('STEWARD_SCAN_POINTS_PER_HOUR', 65_000, whole(1, 10_000_000), 'a whole number of points above 0'),
    requestsPerSecond: number('STEWARD_SCAN_RPS', 10, (v) => v > 0 && v <= 1_000, 'a number of calls per second above 0'),
    maxRetries: number('STEWARD_SCAN_MAX_RETRIES', 4, whole(0, 10), 'a whole number from 0 to 10'),
    keep: number('STEWARD_SCAN_KEEP', 3, whole(1, 50), 'a whole number of snapshots from 1 to 50'),
    // Every role's actors (the lean plan reads only those Jira's check says a bot may be in).
    allRoles: number('STEWARD_SCAN_ALL_ROLES', 0, whole(0, 1), '0 or 1') === 1,
    // A job that finishes the scan later than this after it started leaves the digest (the
    // analysis the pages read, minutes on a large site) to a job of its own, so the two never
    // pass the function's 900 s together.
    digestInlineSeconds: number('STEWARD_SCAN_DIGEST_INLINE_SECONDS', 450, whole(0, 900), 'a whole number of seconds from 0 to 900'),
  };
}

const iso = (ms) => new Date(ms).toISOString();
const newScanId = (now) => `${iso(now).replace(/[-:.]/g, '')}-${randomUUID().slice(0, 8)}`; // sorts by start time
const scanOf = (blobId) => blobId.split('/')[0];

// What callers see of a scan: no tokens, no claims.
function publicScan(scan, { withTrigger = true } = {}) {
  if (!scan) return null;
  const { next, claimedAt, attempts, checkpoint, trigger, ...shown } = scan;
  return withTrigger ? { ...shown, trigger } : shown;
}

function dataShown(entry) {
  if (!entry) return null;
  const { scanId, collectedAt, finishedAt, calls, points, jobs, gaps, complete, mode } = entry;
  return { scanId, collectedAt, finishedAt, calls, points, jobs, gaps, complete, mode };
}

export function createScans({ store = createStore(sql), blobs = createBlobStore(sql), queue = new Queue({ key: QUEUE }), host = () => jiraHost(api.asApp()), env = process.env, log = console.log } = {}) {
  // Small answers derived from the latest snapshots, by blob id and project (blobs never change,
  // so they stay valid). The snapshot itself is not kept: at XL its text alone is 416 MB.
  const projectAnswers = new Map();
  let cachedDigest = null; // the digest of the last snapshot asked about, by its blob id
  let cachedMatrix = null; // the parsed access matrix of the last snapshot asked about, by blob id

  async function read() {
    const record = await store.get(...STATE);
    return { version: record?.version ?? 0, state: record?.value ?? { current: null, snapshots: [] } };
  }

  async function write(from, state, by, action, why = null) {
    await store.put(...STATE, state, { expectedVersion: from.version, by, at: iso(Date.now()), action, why });
    return { version: from.version + 1, state };
  }

  // The scan's own record; its versions are the scan's states. The state record decides, so a
  // failure here is only logged.
  async function record(scan, by, action) {
    try {
      const latest = await store.get('scans', scan.scanId);
      await store.put('scans', scan.scanId, publicScan(scan), { expectedVersion: latest?.version ?? 0, by, at: iso(Date.now()), action });
    } catch (error) {
      log(`steward: could not record scan ${scan.scanId}: ${error.message}`);
    }
  }

  // Waiting for the quota is progress until the time it waits for.
  const stalled = (scan, now) => ACTIVE.has(scan.status)
    && now - Math.max(Date.parse(scan.updatedAt), Date.parse(scan.resumeAt ?? '') || 0) > STALLED_MS;

  function status(state, now, options) {
    const current = state.current;
    return {
      scan: publicScan(current, options),
      stalled: current ? stalled(current, now) : false,
      data: dataShown(state.snapshots[0]),
      kept: state.snapshots.length,
    };
  }

  async function push(scan, delaySeconds) {
    await queue.push({ body: { scanId: scan.scanId, token: scan.next }, delayInSeconds: Math.max(0, Math.min(MAX_DELAY_S, Math.ceil(delaySeconds))) });
  }

  // Deletes the blobs of this scan and older ones that no kept snapshot and no live checkpoint
  // names. Newer scans' blobs are never touched, so a sweep racing a new scan cannot hurt it.
  async function sweep(state, upTo) {
    try {
      const keep = new Set(state.snapshots.flatMap((s) => [s.blob.id, s.digest?.id, s.matrix?.id].filter(Boolean)));
      if (state.current?.checkpoint && ACTIVE.has(state.current.status)) keep.add(state.current.checkpoint.id);
      for (const id of await blobs.ids()) {
        if (!keep.has(id) && scanOf(id) <= upTo) await blobs.delete(id);
      }
    } catch (error) {
      log(`steward: could not delete old scan data: ${error.message}`);
    }
  }

  async function fail(at, scan, code, message) {
    const now = Date.now();
    const failed = { ...scan, status: 'failed', error: { code, message }, finishedAt: iso(now), updatedAt: iso(now), next: null, claimedAt: null, checkpoint: null };
    try {
      const written = await write(at, { ...at.state, current: failed }, JOB_WRITER, 'scan:fail', message);
      await record(failed, JOB_WRITER, 'scan:fail');
      await sweep(written.state, scan.scanId);
    } catch (error) {
      if (error.code === 'conflict') return; // someone else moved the scan on
      throw error; // storage is down: let Forge retry the event
    }
  }

  // The options of one job, as JSON text. The checkpoint or previous snapshot (MBs) is spliced
  // in as stored, not parsed and written again.
  async function jobOptions(scan, state, settings) {
    const options = JSON.stringify({
      collectedAt: scan.startedAt,
      maxRetries: settings.maxRetries,
      allRoles: settings.allRoles,
      pacing: { traffic: 'app', pointsPerHour: settings.pointsPerHour, share: settings.share, requestsPerSecond: settings.requestsPerSecond, jobSeconds: JOB_SECONDS },
    });
    if (scan.checkpoint) return `${options.slice(0, -1)},"resume":${await blobs.get(scan.checkpoint)}}`;
    const previous = state.snapshots[0];
    if (scan.mode === 'refresh' && previous) {
      try {
        // Spliced in whole: the core's scan takes the previous snapshot inside its options.
        return `${options.slice(0, -1)},"refresh":{"previous":${await blobs.get(previous.blob)}}}`;
      } catch (error) {
        log(`steward: previous snapshot unreadable, scanning everything: ${error.message}`);
      }
    }
    return options;
  }

  // Decodes a snapshot from its chunks (an iterable or async iterable of texts) with the core's
  // SnapshotReader, one chunk in memory at a time, and answers `use(loaded)`. `use` runs only once
  // the chunks are over, so a stored blob whose length or hash is wrong (blobs.chunks throws after
  // its last chunk) is never used. With `project`, only what that project's analysis reads is kept.
  // The decoded model lives in wasm memory and is freed afterwards.
  async function withLoaded(chunks, project, use) {
    const reader = new (core().SnapshotReader)();
    let loaded = null;
    try {
      for await (const chunk of chunks) reader.push(chunk);
      loaded = reader.finish(project ?? undefined);
      return await use(loaded);
    } finally {
      loaded?.free();
      reader.free();
    }
  }

  const withSnapshot = (entry, project, use) => withLoaded(blobs.chunks(entry.blob), project, use);

  // The project page's analysis of one project (every bot, transitions included) from a snapshot
  // entry, kept for the last few projects asked about.
  async function projectAnalysis(entry, project) {
    const key = `${entry.blob.id} ${project}`;
    if (!projectAnswers.has(key)) {
      const analysis = await withSnapshot(entry, project, (loaded) => loaded.analyze(JSON.stringify({ skipTransitions: false, project })));
      projectAnswers.set(key, analysis);
      while (projectAnswers.size > PROJECT_ANSWERS_KEPT) projectAnswers.delete(projectAnswers.keys().next().value);
    }
    return projectAnswers.get(key);
  }

  // What the admin page shows first, computed once per snapshot (the analysis of a stored snapshot
  // never changes): the inventory (one line per account, core `inventory`) and the overview of
  // the permission schemes (the loaded snapshot's `overview`), each the core's envelope. A scan stores it
  // next to the snapshot; a snapshot stored without one (an older version, a failed write) gets
  // it computed here, once per container.
  function computeDigest(loaded) {
    return { digestVersion: DIGEST_VERSION, inventory: loaded.inventory(), overview: loaded.overview() };
  }

  // The digest and the access matrix of every non-human account (the core's `matrix` form, without
  // transitions: several MB on a large site, so a blob of its own that only accountAccess reads),
  // stored; answers the references to put in the snapshot's entry.
  // `chunks`: the snapshot's text in pieces, decoded once for the three answers.
  async function storeDigest(scanId, chunks) {
    return withLoaded(chunks, null, async (loaded) => {
      const digest = await blobs.put(`${scanId}/digest`, JSON.stringify(computeDigest(loaded)));
      const matrix = loaded.analyze(JSON.stringify({ form: 'matrix', skipTransitions: true }));
      if (matrix.type === 'failure') return { digest };
      return { digest, matrix: await blobs.put(`${scanId}/matrix`, JSON.stringify(matrix)) };
    });
  }

  async function loadMatrix(entry) {
    if (!entry.matrix) return null;
    if (cachedMatrix?.id !== entry.matrix.id) {
      try {
        cachedMatrix = { id: entry.matrix.id, matrix: JSON.parse(await blobs.get(entry.matrix)) };
      } catch (error) {
        log(`steward: stored access matrix of scan ${entry.scanId} unreadable, analysing instead: ${error.message}`);
        return null;
      }
    }
    return cachedMatrix.matrix;
  }

  async function loadDigest(entry) {
    if (cachedDigest?.id === entry.blob.id) return cachedDigest.digest;
    let digest = null;
    if (entry.digest) {
      try {
        digest = JSON.parse(await blobs.get(entry.digest));
        if (digest?.digestVersion !== DIGEST_VERSION) digest = null;
      } catch (error) {
        log(`steward: stored digest of scan ${entry.scanId} unreadable, computing it: ${error.message}`);
      }
    }
    digest ??= await withSnapshot(entry, null, computeDigest);
    cachedDigest = { id: entry.blob.id, digest };
    return digest;
  }

  const scans = {
    // Starts a scan unless one is running; answers the running (or new) scan's status.
    async start(accountId) {
      const settings = scanSettings(env);
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const at = await read();
        const now = Date.now();
        const current = at.state.current;
        if (current && ACTIVE.has(current.status) && !stalled(current, now)) {
          return { started: false, ...status(at.state, now) };
        }
        const previous = at.state.snapshots[0];
        const scan = {
          scanId: newScanId(now), status: 'queued', trigger: accountId, startedAt: iso(now), updatedAt: iso(now),
          mode: previous?.complete ? 'refresh' : 'full', jobs: 0, calls: 0, points: 0, next: randomUUID(), attempts: 0,
        };
        const why = current && ACTIVE.has(current.status) ? `scan ${current.scanId} stalled: no progress since ${current.updatedAt}` : null;
        let written;
        try {
          written = await write(at, { ...at.state, current: scan }, accountId, 'scan:start', why);
        } catch (error) {
          if (error.code === 'conflict') continue; // another start won: answer its scan
          throw error;
        }
        if (why) await record({ ...current, status: 'failed', error: { code: 'stalled', message: why } }, accountId, 'scan:fail');
        await record(scan, accountId, 'scan:start');
        try {
          await push(scan, 0);
        } catch (error) {
          await fail(written, scan, 'queue', `the first job could not be queued: ${error.message}`);
          throw new ScanError('queue', `the scan could not be queued: ${error.message}`);
        }
        return { started: true, ...status(written.state, now), settings: { share: settings.share, pointsPerHour: settings.pointsPerHour, keep: settings.keep } };
      }
      throw new ScanError('conflict', 'the scan state kept changing while starting a scan; try again');
    },

    async status(options) {
      return status((await read()).state, Date.now(), options);
    },

    // The latest stored snapshot analysed for one project (core `analyze` with `project`,
    // transitions included) with what the pages show about it, or null.
    async latestProject(project) {
      const { state } = await read();
      const entry = state.snapshots[0];
      if (!entry) return null;
      return { analysis: await projectAnalysis(entry, project), data: dataShown(entry) };
    },

    // The digest of the latest stored snapshot (see loadDigest) with what the pages show about it,
    // or null when no scan has finished.
    async latestDigest() {
      const { state } = await read();
      const entry = state.snapshots[0];
      if (!entry) return null;
      return { digest: await loadDigest(entry), data: dataShown(entry) };
    },

    // The stored access matrix of the latest snapshot (null when it has none: an older version,
    // a failed write) and an analysis of the snapshot itself (core `analyze` with `options`, JSON
    // text) for what the matrix does not hold.
    async latestMatrix() {
      const { state } = await read();
      const entry = state.snapshots[0];
      if (!entry) return null;
      return { matrix: await loadMatrix(entry), data: dataShown(entry), analyze: (options) => withSnapshot(entry, null, (loaded) => loaded.analyze(options)) };
    },

    // One job: the consumer's work for one event.
    async job(event) {
      if (typeof event?.body?.digest === 'string') return digestJob(event.body.digest);
      const { scanId, token } = event?.body ?? {};
      let at = await read();
      const scan = at.state.current;
      if (!scan || scan.scanId !== scanId || scan.next !== token || !ACTIVE.has(scan.status)) {
        return { ignored: 'the event is not the one the scan waits for (a repeat, or a scan that moved on)' };
      }
      const now = Date.now();
      if (scan.status === 'running' && now - Date.parse(scan.claimedAt) < FUNCTION_LIMIT_MS) {
        // Delivered twice: another invocation runs this job. Ask Forge to deliver it again when that
        // invocation's time is over; by then the token has moved on, or the job died and is rerun.
        return new InvocationError({
          retryAfter: Math.min(MAX_DELAY_S, Math.ceil((FUNCTION_LIMIT_MS - (now - Date.parse(scan.claimedAt))) / 1000)),
          retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
        });
      }
      if (scan.status === 'waiting-for-quota' && now < Date.parse(scan.resumeAt)) {
        // One hop of a wait longer than Forge's 15-minute delay.
        const hop = { ...scan, next: randomUUID() };
        let written;
        try {
          written = await write(at, { ...at.state, current: hop }, JOB_WRITER, 'scan:wait');
        } catch (error) {
          if (error.code === 'conflict') return { ignored: 'another invocation handled the event' };
          throw error;
        }
        try {
          await push(hop, (Date.parse(scan.resumeAt) - now) / 1000);
        } catch (error) {
          // Give this event's token back, then fail the invocation: Forge retries the event.
          await write(written, at.state, JOB_WRITER, 'scan:wait', `the next hop could not be queued: ${error.message}`);
          throw error;
        }
        return { waiting: scan.resumeAt };
      }
      const claimed = { ...scan, status: 'running', claimedAt: iso(now), updatedAt: iso(now), attempts: (scan.attempts ?? 0) + 1 };
      try {
        at = await write(at, { ...at.state, current: claimed }, JOB_WRITER, 'scan:claim', `job ${scan.jobs + 1}, attempt ${claimed.attempts}`);
      } catch (error) {
        if (error.code === 'conflict') return { ignored: 'another invocation claimed the job' };
        throw error;
      }
      await record(claimed, JOB_WRITER, 'scan:run');
      try {
        return await runJob(at, claimed);
      } catch (error) {
        await fail(at, claimed, error.code ?? 'job', error.message ?? String(error));
        return { failed: error.message };
      }
    },
  };

  async function runJob(at, scan) {
    const settings = scanSettings(env); // a bad value set mid-scan fails the scan, naming it
    const answer = JSON.parse(await core().collectSnapshot(host(), await jobOptions(scan, at.state, settings)));
    if (answer.type !== 'success') {
      const [first] = answer.errors ?? [];
      await fail(at, scan, first?.code ?? 'scan', first?.message ?? 'the scan failed');
      return { failed: first?.message };
    }
    const { snapshot, ledger, complete, checkpoint, refresh } = answer.result;
    const jobs = scan.jobs + 1;
    const calls = scan.calls + ledger.calls;
    const points = scan.points + ledger.points;
    const unreadable = snapshot.meta.gaps.filter((g) => ESSENTIAL.includes(g.part) && !g.key && !/^not read yet/.test(g.reason));
    if (unreadable.length) {
      const message = `the scan could not read what every answer needs: ${unreadable.map((g) => `${g.part} (${g.reason})`).join('; ')}`;
      await fail(at, { ...scan, jobs, calls, points }, 'jira-unreadable', message);
      return { failed: message };
    }
    const refreshed = refresh ? { mode: refresh.mode, records: refresh.records, stale: refresh.stale.length, ...(refresh.fallback ? { fallback: refresh.fallback } : {}) } : (scan.refresh ?? null);
    const now = Date.now();
    if (checkpoint) {
      const ref = await blobs.put(`${scan.scanId}/checkpoint-${jobs}`, JSON.stringify(checkpoint));
      const waits = checkpoint.stoppedBy !== 'time';
      const next = {
        ...scan, status: waits ? 'waiting-for-quota' : 'queued', jobs, calls, points, checkpoint: ref, stoppedBy: checkpoint.stoppedBy,
        resumeAt: iso(now + checkpoint.resumeAfterSeconds * 1000), updatedAt: iso(now), next: randomUUID(), claimedAt: null, attempts: 0, refresh: refreshed,
      };
      let written;
      try {
        written = await write(at, { ...at.state, current: next }, JOB_WRITER, 'scan:checkpoint', `stopped by ${checkpoint.stoppedBy}; next job in ${checkpoint.resumeAfterSeconds} s`);
      } catch (error) {
        if (error.code === 'conflict') return { ignored: 'the scan moved on while this job ran' };
        throw error;
      }
      await record(next, JOB_WRITER, 'scan:checkpoint');
      try {
        await push(next, checkpoint.resumeAfterSeconds);
      } catch (error) {
        await fail(written, next, 'queue', `the next job could not be queued: ${error.message}`);
        return { failed: error.message };
      }
      if (scan.checkpoint) await blobs.delete(scan.checkpoint.id).catch(() => {});
      return { checkpoint: { jobs, stoppedBy: checkpoint.stoppedBy, resumeAfterSeconds: checkpoint.resumeAfterSeconds } };
    }
    const text = JSON.stringify(snapshot);
    const ref = await blobs.put(`${scan.scanId}/snapshot`, text);
    const inline = Date.now() - Date.parse(scan.claimedAt) < settings.digestInlineSeconds * 1000;
    let digest = {};
    if (inline) {
      try {
        digest = await storeDigest(scan.scanId, textSlices(text));
      } catch (error) {
        log(`steward: could not store the digest of scan ${scan.scanId}; pages compute it: ${error.message}`);
      }
    }
    const entry = {
      scanId: scan.scanId, collectedAt: snapshot.meta.collectedAt ?? scan.startedAt, finishedAt: iso(now), blob: ref, ...digest,
      calls, points, jobs, gaps: snapshot.meta.gaps.length, complete, mode: refresh?.mode ?? 'full', trigger: scan.trigger,
    };
    const done = {
      ...scan, status: 'done', jobs, calls, points, complete, gaps: entry.gaps, finishedAt: entry.finishedAt, updatedAt: entry.finishedAt,
      next: null, claimedAt: null, checkpoint: null, stoppedBy: null, resumeAt: null, refresh: refreshed,
    };
    const state = { current: done, snapshots: [entry, ...at.state.snapshots].slice(0, settings.keep) };
    try {
      await write(at, state, JOB_WRITER, 'scan:done', `${jobs} job(s), ${calls} calls, about ${points} points`);
    } catch (error) {
      if (error.code === 'conflict') return { ignored: 'the scan moved on while this job ran' };
      throw error;
    }
    await record(done, JOB_WRITER, 'scan:done');
    await sweep(state, scan.scanId);
    if (!inline) {
      try {
        await queue.push({ body: { digest: scan.scanId } });
      } catch (error) {
        log(`steward: could not queue the digest of scan ${scan.scanId}; pages compute it: ${error.message}`);
      }
    }
    return { done: { jobs, calls, points }, ...(inline ? {} : { digest: 'queued' }) };
  }

  // The digest of a finished scan, as a job of its own (see `digestInlineSeconds`). Delivered
  // twice, or after the snapshot was replaced, it does nothing.
  async function digestJob(scanId) {
    const entryOf = (state) => state.snapshots.find((s) => s.scanId === scanId);
    const first = entryOf((await read()).state);
    if (!first) return { ignored: 'the snapshot is no longer kept' };
    if (first.digest) return { ignored: 'the digest is stored already' };
    const refs = await storeDigest(scanId, blobs.chunks(first.blob));
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const at = await read();
      const entry = entryOf(at.state);
      if (!entry) return { ignored: 'the snapshot is no longer kept' };
      if (entry.digest) return { ignored: 'the digest is stored already' };
      const snapshots = at.state.snapshots.map((s) => (s === entry ? { ...s, ...refs } : s));
      try {
        await write(at, { ...at.state, snapshots }, JOB_WRITER, 'scan:digest');
        return { digest: refs.digest.id };
      } catch (error) {
        if (error.code !== 'conflict') throw error;
      }
    }
    return { ignored: 'the scan state kept changing; pages compute the digest' };
  }

  return scans;
}
