// Asking for the console's products to be recomputed after a registry or settings change (no
// rescan): a mark in the scan state and one queued event. While a request is pending (younger
// than a job's longest run) more requests queue nothing; the job (jobs.js) clears the mark, and
// does nothing when the products are current, so a repeated event is harmless.
import { ScanError } from './settings.js';
import { iso } from './state.js';

const PENDING_MS = 15 * 60_000;
const REASON = /^[^\u0000-\u001f]{1,200}$/;

export function createRecompute({ state, queue, log }) {
  return async function recompute(reason) {
    if (typeof reason !== 'string' || !REASON.test(reason)) throw new ScanError('bad-input', '`reason` must be a line of 1 to 200 characters');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const at = await state.read();
      if (!at.state.snapshots.length) return { queued: false, why: 'no scan has finished yet' };
      const now = Date.now();
      const pending = at.state.recompute;
      if (pending && now - Date.parse(pending.requestedAt) < PENDING_MS) return { queued: false, pending };
      const mark = { reason, requestedAt: iso(now) };
      const written = await state.writeUnlessConflict(at, { ...at.state, recompute: mark }, 'steward-console', 'console:recompute', reason);
      if (!written) continue;
      try {
        await queue.push({ body: { recompute: reason } });
      } catch (error) {
        log(`steward: could not queue the recompute: ${error.message}`);
        await state.writeUnlessConflict(written, { ...written.state, recompute: undefined }, 'steward-console', 'console:recompute', 'the job could not be queued');
        throw new ScanError('queue', `the recompute could not be queued: ${error.message}`);
      }
      return { queued: true, pending: mark };
    }
    throw new ScanError('conflict', 'the scan state kept changing; try again');
  };
}
