// Starting a scan (the startScan resolver): records it as the current scan and queues its first
// job, unless a scan runs; of two admins pressing Rescan, one starts the scan and both get its status.
import { randomUUID } from 'node:crypto';
import { ScanError, scanSettings } from './settings.js';
import { ACTIVE, iso, stalled, statusOf } from './state.js';

const newScanId = (now) => `${iso(now).replace(/[-:.]/g, '')}-${randomUUID().slice(0, 8)}`; // sorts by start time

export function createStart({ state, chain, env }) {
  // Starts a scan unless one is running; answers the running (or new) scan's status.
  return async function start(accountId) {
    const settings = scanSettings(env);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const at = await state.read();
      const now = Date.now();
      const current = at.state.current;
      if (current && ACTIVE.has(current.status) && !stalled(current, now)) {
        return { started: false, ...statusOf(at.state, now) };
      }
      const previous = at.state.snapshots[0];
      const scan = {
        scanId: newScanId(now), status: 'queued', trigger: accountId, startedAt: iso(now), updatedAt: iso(now),
        mode: previous?.complete ? 'refresh' : 'full', jobs: 0, calls: 0, points: 0, next: randomUUID(), attempts: 0,
      };
      const why = current && ACTIVE.has(current.status) ? `scan ${current.scanId} stalled: no progress since ${current.updatedAt}` : null;
      const written = await state.writeUnlessConflict(at, { ...at.state, current: scan }, accountId, 'scan:start', why);
      if (!written) continue; // another start won: answer its scan
      if (why) await state.record({ ...current, status: 'failed', error: { code: 'stalled', message: why } }, accountId, 'scan:fail');
      await state.record(scan, accountId, 'scan:start');
      try {
        await chain.push(scan, 0);
      } catch (error) {
        await chain.fail(written, scan, 'queue', `the first job could not be queued: ${error.message}`);
        throw new ScanError('queue', `the scan could not be queued: ${error.message}`);
      }
      return { started: true, ...statusOf(written.state, now), settings: { share: settings.share, pointsPerHour: settings.pointsPerHour, keep: settings.keep } };
    }
    throw new ScanError('conflict', 'the scan state kept changing while starting a scan; try again');
  };
}
