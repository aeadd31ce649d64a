// One job of a scan, once claimed (jobs.js): runs the core's scan with pacing from the checkpoint
// (or from the start, or refreshing the previous snapshot), then either stores the checkpoint and
// queues the next job — at once when the job's time ran out, in the next quota hour when the
// hour's share of the points (or Jira's own quota) is spent — or stores the finished snapshot
// with its digest and makes it the one pages show.
import { randomUUID } from 'node:crypto';
import { core } from '../core.js';
import { JOB_WRITER } from './chain.js';
import { textSlices } from './decode.js';
import { scanSettings } from './settings.js';
import { iso } from './state.js';

// The core starts no call in the last tenth of `jobSeconds`, so it stops by 702 s; calls in
// flight (each Jira fetch may take up to 180 s in a long-running function) and storing a
// multi-MB checkpoint still fit in the 900 s.
const JOB_SECONDS = 780;
// Without these parts of a snapshot no answer about access holds: a scan that could not read them
// failed, and the previous snapshot stays the one pages show.
const ESSENTIAL = ['permissions', 'permissionSchemes', 'projects', 'users'];

export function createRun({ state, chain, snapshots, blobs, host, env, log }) {
  // The options of one job, as JSON text. The checkpoint or previous snapshot (MBs) is spliced
  // in as stored, not parsed and written again.
  async function jobOptions(scan, current, settings) {
    const options = JSON.stringify({
      collectedAt: scan.startedAt,
      maxRetries: settings.maxRetries,
      allRoles: settings.allRoles,
      pacing: { traffic: 'app', pointsPerHour: settings.pointsPerHour, share: settings.share, requestsPerSecond: settings.requestsPerSecond, jobSeconds: JOB_SECONDS },
    });
    if (scan.checkpoint) return `${options.slice(0, -1)},"resume":${await blobs.get(scan.checkpoint)}}`;
    const previous = current.snapshots[0];
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

  // The job stopped before the scan's end: its checkpoint stored, the next job queued.
  async function checkpointed(at, scan, { jobs, calls, points, refreshed }, checkpoint, text) {
    const now = Date.now();
    const ref = await snapshots.storeCheckpoint(scan.scanId, jobs, text);
    const waits = checkpoint.stoppedBy !== 'time';
    const next = {
      ...scan, status: waits ? 'waiting-for-quota' : 'queued', jobs, calls, points, checkpoint: ref, stoppedBy: checkpoint.stoppedBy,
      resumeAt: iso(now + checkpoint.resumeAfterSeconds * 1000), updatedAt: iso(now), next: randomUUID(), claimedAt: null, attempts: 0, refresh: refreshed,
    };
    const written = await state.writeUnlessConflict(at, { ...at.state, current: next }, JOB_WRITER, 'scan:checkpoint', `stopped by ${checkpoint.stoppedBy}; next job in ${checkpoint.resumeAfterSeconds} s`);
    if (!written) return { ignored: 'the scan moved on while this job ran' };
    await state.record(next, JOB_WRITER, 'scan:checkpoint');
    try {
      await chain.push(next, checkpoint.resumeAfterSeconds);
    } catch (error) {
      await chain.fail(written, next, 'queue', `the next job could not be queued: ${error.message}`);
      return { failed: error.message };
    }
    if (scan.checkpoint) await blobs.delete(scan.checkpoint.id).catch(() => {});
    return { checkpoint: { jobs, stoppedBy: checkpoint.stoppedBy, resumeAfterSeconds: checkpoint.resumeAfterSeconds } };
  }

  // The scan's end: the snapshot stored (with its digest when there is time left, else by a job of
  // its own) and made the first of the kept ones.
  async function finished(at, scan, { jobs, calls, points, refreshed }, { meta, complete, refresh }, text, settings) {
    const now = Date.now();
    const ref = await snapshots.storeSnapshot(scan.scanId, text);
    const inline = Date.now() - Date.parse(scan.claimedAt) < settings.digestInlineSeconds * 1000;
    let digest = {};
    if (inline) {
      try {
        digest = await snapshots.storeDigest(scan.scanId, textSlices(text), { previous: at.state.snapshots[0] ?? null, scan: { calls, points, complete } });
      } catch (error) {
        log(`steward: could not store the digest of scan ${scan.scanId}; pages compute it: ${error.message}`);
      }
    }
    const entry = {
      scanId: scan.scanId, collectedAt: meta.collectedAt ?? scan.startedAt, finishedAt: iso(now), blob: ref, ...digest,
      calls, points, jobs, gaps: meta.gaps.length, complete, mode: refresh?.mode ?? 'full', trigger: scan.trigger,
    };
    const done = {
      ...scan, status: 'done', jobs, calls, points, complete, gaps: entry.gaps, finishedAt: entry.finishedAt, updatedAt: entry.finishedAt,
      next: null, claimedAt: null, checkpoint: null, stoppedBy: null, resumeAt: null, refresh: refreshed,
    };
    const kept = { current: done, snapshots: [entry, ...at.state.snapshots].slice(0, settings.keep) };
    const written = await state.writeUnlessConflict(at, kept, JOB_WRITER, 'scan:done', `${jobs} job(s), ${calls} calls, about ${points} points`);
    if (!written) return { ignored: 'the scan moved on while this job ran' };
    await state.record(done, JOB_WRITER, 'scan:done');
    await snapshots.sweep(kept, scan.scanId);
    if (!inline) {
      try {
        await chain.pushDigest(scan.scanId);
      } catch (error) {
        log(`steward: could not queue the digest of scan ${scan.scanId}; pages compute it: ${error.message}`);
      }
    }
    return { done: { jobs, calls, points }, ...(inline ? {} : { digest: 'queued' }) };
  }

  // Runs the claimed job `scan`; `at` is the state with the claim written.
  return async function runJob(at, scan) {
    const settings = scanSettings(env); // a bad value set mid-scan fails the scan, naming it
    // The checkpoint or snapshot comes as text and is stored as it is: at XL it is hundreds of MB,
    // and parsing it into objects would take several times that.
    const [answer, body] = await core().collectSnapshotParts(host(), await jobOptions(scan, at.state, settings));
    if (answer.type !== 'success') {
      const [first] = answer.errors ?? [];
      await chain.fail(at, scan, first?.code ?? 'scan', first?.message ?? 'the scan failed');
      return { failed: first?.message };
    }
    const { meta, ledger, checkpoint, refresh } = answer.result;
    const jobs = scan.jobs + 1;
    const calls = scan.calls + ledger.calls;
    const points = scan.points + ledger.points;
    const unreadable = meta.gaps.filter((g) => ESSENTIAL.includes(g.part) && !g.key && !/^not read yet/.test(g.reason));
    if (unreadable.length) {
      const message = `the scan could not read what every answer needs: ${unreadable.map((g) => `${g.part} (${g.reason})`).join('; ')}`;
      await chain.fail(at, { ...scan, jobs, calls, points }, 'jira-unreadable', message);
      return { failed: message };
    }
    const refreshed = refresh ? { mode: refresh.mode, records: refresh.records, stale: refresh.stale.length, ...(refresh.fallback ? { fallback: refresh.fallback } : {}) } : (scan.refresh ?? null);
    const progress = { jobs, calls, points, refreshed };
    if (checkpoint) return checkpointed(at, scan, progress, checkpoint, body);
    return finished(at, scan, progress, answer.result, body, settings);
  };
}
