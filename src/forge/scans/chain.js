// A scan's chain of queued events: the next job's event, carrying the token the state expects next
// (a stale or repeated event finds another token and does nothing); the digest's own job; and
// failing a scan, which ends its chain.
import { iso } from './state.js';

// Forge delays an event by 15 minutes at most: a longer wait is several hops.
export const MAX_DELAY_S = 900;
// Who the jobs' writes to the state are recorded as.
export const JOB_WRITER = 'steward-scan-job';

export function createChain({ state, snapshots, queue }) {
  async function push(scan, delaySeconds) {
    await queue.push({ body: { scanId: scan.scanId, token: scan.next }, delayInSeconds: Math.max(0, Math.min(MAX_DELAY_S, Math.ceil(delaySeconds))) });
  }

  const pushDigest = (scanId) => queue.push({ body: { digest: scanId } });

  // Fails `scan`, as the state `at` holds it, and deletes what it leaves behind.
  async function fail(at, scan, code, message) {
    const now = Date.now();
    const failed = { ...scan, status: 'failed', error: { code, message }, finishedAt: iso(now), updatedAt: iso(now), next: null, claimedAt: null, checkpoint: null };
    // On a conflict someone else moved the scan on; any other error (storage is down) makes Forge
    // retry the event.
    const written = await state.writeUnlessConflict(at, { ...at.state, current: failed }, JOB_WRITER, 'scan:fail', message);
    if (!written) return;
    await state.record(failed, JOB_WRITER, 'scan:fail');
    await snapshots.sweep(written.state, scan.scanId);
  }

  return { push, pushDigest, fail };
}
