// The consumer's work for one event of the `steward-scans` queue. Forge delivers an event at least
// once, so a job first checks the event is the one the state waits for (its token) and claims it
// with a versioned write: a repeated or stale event does nothing. A wait for the next quota hour
// is several hops of at most 15 minutes. A scan's digest, left to a job of its own when the last
// job ran long (settings.js `digestInlineSeconds`), comes as an event of its own too.
import { randomUUID } from 'node:crypto';
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { JOB_WRITER, MAX_DELAY_S } from './chain.js';
import { ACTIVE, iso } from './state.js';
import { CONSOLE_LAYOUT, currentPolicy } from './store.js';

// The consumer function's limit (manifest `timeoutSeconds: 900`): a claim older than this belongs
// to an invocation Forge has already ended.
const FUNCTION_LIMIT_MS = 900_000;

// The digest of a finished scan. Delivered twice, or after the snapshot was replaced, it does nothing.
function createDigestJob({ state, snapshots, blobs }) {
  return async function digestJob(scanId) {
    const entryOf = (current) => current.snapshots.find((s) => s.scanId === scanId);
    const first = entryOf((await state.read()).state);
    if (!first) return { ignored: 'the snapshot is no longer kept' };
    if (first.digest) return { ignored: 'the digest is stored already' };
    const kept = (await state.read()).state.snapshots;
    const previous = kept[kept.findIndex((s) => s.scanId === scanId) + 1] ?? null;
    const refs = await snapshots.storeDigest(scanId, blobs.chunks(first.blob), { previous, scan: first });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const at = await state.read();
      const entry = entryOf(at.state);
      if (!entry) return { ignored: 'the snapshot is no longer kept' };
      if (entry.digest) return { ignored: 'the digest is stored already' };
      const kept = at.state.snapshots.map((s) => (s === entry ? { ...s, ...refs } : s));
      if (await state.writeUnlessConflict(at, { ...at.state, snapshots: kept }, JOB_WRITER, 'scan:digest')) return { digest: refs.digest.id };
    }
    return { ignored: 'the scan state kept changing; pages compute the digest' };
  };
}

// The console's products of the latest snapshot recomputed with the current registry and settings
// (no rescan), queued by `recompute` (index.js). Idempotent: products already computed from the
// same registry, settings and day are left as they are.
function createRecomputeJob({ state, snapshots, store }) {
  return async function recomputeJob(reason) {
    const started = new Date().toISOString();
    const first = await state.read();
    const entry = first.state.snapshots[0];
    const clear = async (at) => {
      // A request made after this job read the registry stays pending; its own event follows.
      if (!at.state.recompute || at.state.recompute.requestedAt > started) return;
      const { recompute: _done, ...rest } = at.state;
      await state.writeUnlessConflict(at, rest, JOB_WRITER, 'console:recomputed', reason);
    };
    if (!entry) return { ignored: 'no snapshot is kept' };
    const policy = await currentPolicy(store);
    if (entry.console && !entry.console.error && entry.console.layout === CONSOLE_LAYOUT && entry.console.fingerprint === policy.fingerprint) {
      await clear(first);
      return { ignored: 'the products are current' };
    }
    const rev = (entry.console?.rev ?? -1) + 1;
    const ref = await snapshots.recomputeConsole(entry, { rev, reason, previous: first.state.snapshots[1] ?? null, policy });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const at = await state.read();
      const now = at.state.snapshots.find((s) => s.scanId === entry.scanId);
      if (!now) return { ignored: 'the snapshot is no longer kept' };
      if ((now.console?.rev ?? -1) >= rev) return { ignored: 'another job recomputed the products' };
      let next = { ...at.state, snapshots: at.state.snapshots.map((s) => (s === now ? { ...s, console: ref } : s)) };
      if (next.recompute && next.recompute.requestedAt <= started) {
        const { recompute: _done, ...rest } = next;
        next = rest;
      }
      const written = await state.writeUnlessConflict(at, next, JOB_WRITER, 'console:recomputed', reason);
      if (written) {
        await snapshots.sweep(written.state, entry.scanId);
        return { recomputed: { scanId: entry.scanId, rev, reason } };
      }
    }
    return { ignored: 'the scan state kept changing' };
  };
}

// `runJob(at, scan)` runs a claimed job (run.js).
export function createJobs({ state, chain, snapshots, blobs, store, runJob }) {
  const digestJob = createDigestJob({ state, snapshots, blobs });
  const recomputeJob = createRecomputeJob({ state, snapshots, store });

  // One hop of a wait longer than Forge's 15-minute delay: a new token, the next event.
  async function hop(at, scan, now) {
    const next = { ...scan, next: randomUUID() };
    const written = await state.writeUnlessConflict(at, { ...at.state, current: next }, JOB_WRITER, 'scan:wait');
    if (!written) return { ignored: 'another invocation handled the event' };
    try {
      await chain.push(next, (Date.parse(scan.resumeAt) - now) / 1000);
    } catch (error) {
      // Give this event's token back, then fail the invocation: Forge retries the event.
      await state.write(written, at.state, JOB_WRITER, 'scan:wait', `the next hop could not be queued: ${error.message}`);
      throw error;
    }
    return { waiting: scan.resumeAt };
  }

  return async function job(event) {
    if (typeof event?.body?.digest === 'string') return digestJob(event.body.digest);
    if (typeof event?.body?.recompute === 'string') return recomputeJob(event.body.recompute);
    const { scanId, token } = event?.body ?? {};
    const at = await state.read();
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
    if (scan.status === 'waiting-for-quota' && now < Date.parse(scan.resumeAt)) return hop(at, scan, now);
    const claimed = { ...scan, status: 'running', claimedAt: iso(now), updatedAt: iso(now), attempts: (scan.attempts ?? 0) + 1 };
    const written = await state.writeUnlessConflict(at, { ...at.state, current: claimed }, JOB_WRITER, 'scan:claim', `job ${scan.jobs + 1}, attempt ${claimed.attempts}`);
    if (!written) return { ignored: 'another invocation claimed the job' };
    await state.record(claimed, JOB_WRITER, 'scan:run');
    try {
      return await runJob(written, claimed);
    } catch (error) {
      await chain.fail(written, claimed, error.code ?? 'job', error.message ?? String(error));
      return { failed: error.message };
    }
  };
}
