// What a scan stores besides its state, as blobs (blobs.js) named `<scanId>/<part>`: its
// checkpoints, its snapshot, and the snapshot's digest and access matrix that the pages read; and
// the sweep that deletes what no kept snapshot or live checkpoint names.
import { ACTIVE } from './state.js';
import { withLoaded } from './decode.js';

// The shape of the stored digest; a stored digest of another version is recomputed (read.js).
export const DIGEST_VERSION = 1;

const scanOf = (blobId) => blobId.split('/')[0];

// What the admin page shows first, computed once per snapshot (the analysis of a stored snapshot
// never changes): the inventory (one line per account, core `inventory`) and the overview of
// the permission schemes (the loaded snapshot's `overview`), each the core's envelope. A scan stores it
// next to the snapshot; a snapshot stored without one (an older version, a failed write) gets
// it computed when read, once per container.
export function computeDigest(loaded) {
  return { digestVersion: DIGEST_VERSION, inventory: loaded.inventory(), overview: loaded.overview() };
}

export function createSnapshotStore({ blobs, log, projects = null }) {
  // The digest and the access matrix of every non-human account (the core's `matrix` form, without
  // transitions: several MB on a large site, so a blob of its own that only accountAccess reads),
  // stored; answers the references to put in the snapshot's entry.
  // `chunks`: the snapshot's text in pieces, decoded once for the three answers.
  // `snapshot`: the snapshot's blob reference (projects.js reads it again for the findings).
  async function storeDigest(scanId, chunks, snapshot = null) {
    return withLoaded(chunks, { nonHuman: true }, async (loaded) => {
      const digest = await blobs.put(`${scanId}/digest`, JSON.stringify(computeDigest(loaded)));
      const pages = await projects?.storeOrLog(scanId, loaded, { snapshotBlob: snapshot }); // projects.js
      // Text, stored as it is (see the core's LoadedSnapshot.analyze).
      const matrix = loaded.analyze(JSON.stringify({ form: 'matrix', skipTransitions: true }));
      if (matrix.startsWith('{"type":"failure"')) return { digest, pages };
      return { digest, matrix: await blobs.put(`${scanId}/matrix`, matrix), pages };
    });
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

  return {
    storeCheckpoint: (scanId, jobs, checkpoint) => blobs.put(`${scanId}/checkpoint-${jobs}`, JSON.stringify(checkpoint)),
    storeSnapshot: (scanId, text) => blobs.put(`${scanId}/snapshot`, text),
    storeDigest,
    sweep,
    // Answers `use(loaded)` of a kept snapshot's entry, decoded from its stored chunks.
    withSnapshot: (entry, project, use) => withLoaded(blobs.chunks(entry.blob), { project }, use),
  };
}
