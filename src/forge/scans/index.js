// Scans as chains of async-event jobs. A resolver has 25 s; a full scan of a large site takes hours
// of Jira's points quota. So `start` only records a scan and queues its first job (start.js); each
// job is a `consumer` invocation (up to 900 s, jobs.js) that runs the core's scan with pacing and
// either stores the finished snapshot or stores the checkpoint and queues the next job (run.js).
// Pages read the stored snapshot (read.js); they never scan.
//
// One record, `scan/state` (state.js), is the lock and the pointer: two admins pressing Rescan
// start one scan; a job event Forge delivers twice is run once. What a scan stores besides is in
// blobs (store.js), decoded a chunk at a time (decode.js). This module composes them into the
// service the resolvers and the queue's consumer use.
import api from '@forge/api';
import { Queue } from '@forge/events';
import { sql } from '@forge/sql';
import { createBlobStore } from '../blobs.js';
import { createGovernanceJobs } from '../governance/jobs.js';
import { jiraHost } from '../jira-host.js';
import { createStore } from '../storage.js';
import { createChain } from './chain.js';
import { createJobs } from './jobs.js';
import { createProjectPages } from './projects.js';
import { createReads } from './read.js';
import { createRun } from './run.js';
import { createRecompute } from './recompute.js';
import { createStart } from './start.js';
import { createScanState } from './state.js';
import { createSnapshotStore } from './store.js';

export { textSlices } from './decode.js';
export { ScanError, scanSettings } from './settings.js';

export const QUEUE = 'steward-scans';

export function createScans({ store = createStore(sql), blobs = createBlobStore(sql), pagesSql = sql, queue = new Queue({ key: QUEUE }), host = () => jiraHost(api.asApp()), env = process.env, log = console.log } = {}) {
  const state = createScanState({ store, log });
  const projects = createProjectPages({ sql: pagesSql, store, log });
  const snapshots = createSnapshotStore({ blobs, store, log, projects });
  const chain = createChain({ state, snapshots, queue });
  const runJob = createRun({ state, chain, snapshots, blobs, host, env, log });
  const scanJob = createJobs({ state, chain, snapshots, blobs, store, runJob });
  // Governance work that needs the snapshot (src/forge/governance/jobs.js) runs on this queue too.
  // After a registry or settings write, the findings are recomputed without a rescan.
  const governance = createGovernanceJobs({
    store, blobs, state, snapshots, queue, log,
    // The write is done whatever happens here: a failure only delays the recomputed findings.
    afterWrite: async (reason) => {
      try {
        await service.recompute(reason);
        await governance.requestDigest('steward-governance');
      } catch (error) {
        log(`steward: the findings could not be recomputed after "${reason}": ${error.message}`);
      }
    },
  });
  const service = {
    // Starts a scan unless one is running; answers the running (or new) scan's status.
    start: createStart({ state, chain, env }),
    // The scan in progress or the last one, and which data the pages show.
    status: state.status,
    ...createReads({ state, snapshots, blobs, projects, log }),
    // One job: the consumer's work for one event.
    job: (event) => (typeof event?.body?.governance === 'string' ? governance.run(event.body.governance) : scanJob(event)),
    governance,
    // Queues a job recomputing the console's products (findings, rows, details, exports) of the
    // latest snapshot with the current registry and settings, without a rescan; answers whether
    // it queued one. Call it after every registry or settings write.
    recompute: createRecompute({ state, queue, log }),
  };
  return service;
}
