// The scan state record, `scan/state` (a versioned record, storage.js): the lock and the pointer.
// It holds the scan in progress (or the last one) and the last few complete snapshots. Every change
// to it is a write based on the version read, so two writers collide on the version and one loses.
// `scans/<scanId>` keeps each scan's own record, whose versions are the scan's states.

const STATE = ['scan', 'state'];
export const ACTIVE = new Set(['queued', 'running', 'waiting-for-quota']);
// An active scan that has not changed for this long lost its chain (an event Forge could not
// deliver, a push that failed after the state was written): the next startScan replaces it.
const STALLED_MS = 2 * 3_600_000;

export const iso = (ms) => new Date(ms).toISOString();

// What callers see of a scan: no tokens, no claims.
function publicScan(scan, { withTrigger = true } = {}) {
  if (!scan) return null;
  const { next, claimedAt, attempts, checkpoint, trigger, ...shown } = scan;
  return withTrigger ? { ...shown, trigger } : shown;
}

// What the pages show of a stored snapshot's entry.
export function dataShown(entry) {
  if (!entry) return null;
  const { scanId, collectedAt, finishedAt, calls, points, jobs, gaps, complete, mode } = entry;
  return { scanId, collectedAt, finishedAt, calls, points, jobs, gaps, complete, mode };
}

// Waiting for the quota is progress until the time it waits for.
export const stalled = (scan, now) => ACTIVE.has(scan.status)
  && now - Math.max(Date.parse(scan.updatedAt), Date.parse(scan.resumeAt ?? '') || 0) > STALLED_MS;

// The status answer of `state` at `now`.
export function statusOf(state, now, options) {
  const current = state.current;
  return {
    scan: publicScan(current, options),
    stalled: current ? stalled(current, now) : false,
    data: dataShown(state.snapshots[0]),
    kept: state.snapshots.length,
  };
}

export function createScanState({ store, log }) {
  async function read() {
    const record = await store.get(...STATE);
    return { version: record?.version ?? 0, state: record?.value ?? { current: null, snapshots: [] } };
  }

  // `from` is what read (or a previous write) answered; answers the same for the state written.
  async function write(from, state, by, action, why = null) {
    await store.put(...STATE, state, { expectedVersion: from.version, by, at: iso(Date.now()), action, why });
    return { version: from.version + 1, state };
  }

  // The write, or null when another writer changed the state first: most steps then leave the
  // scan to it.
  async function writeUnlessConflict(from, state, by, action, why) {
    try {
      return await write(from, state, by, action, why);
    } catch (error) {
      if (error.code === 'conflict') return null;
      throw error;
    }
  }

  // The scan's own record. The state record decides, so a failure here is only logged.
  async function record(scan, by, action) {
    try {
      const latest = await store.get('scans', scan.scanId);
      await store.put('scans', scan.scanId, publicScan(scan), { expectedVersion: latest?.version ?? 0, by, at: iso(Date.now()), action });
    } catch (error) {
      log(`steward: could not record scan ${scan.scanId}: ${error.message}`);
    }
  }

  return {
    read,
    write,
    writeUnlessConflict,
    record,
    // The entry of the latest complete snapshot, or null before the first one.
    latest: async () => (await read()).state.snapshots[0] ?? null,
    status: async (options) => statusOf((await read()).state, Date.now(), options),
  };
}
