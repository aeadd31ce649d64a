// What the pages read of the latest stored snapshot: the project page's stored answer (projects.js),
// the admin page's digest, and its access matrix. Small answers derived from a snapshot are kept
// per container by blob id (blobs never change, so they stay valid); the snapshot itself is not
// kept: at XL its text alone is 416 MB.
import { dataShown } from './state.js';
import { DIGEST_VERSION, computeDigest } from './store.js';
import { PAGE_VERSION } from './projects.js';

// The digest of a snapshot entry (store.js): the stored one, or computed from the snapshot when
// there is none of this version or it is unreadable. Kept for the last snapshot asked about.
function createDigests({ snapshots, blobs, log }) {
  let cached = null;
  return async function loadDigest(entry) {
    if (cached?.id === entry.blob.id) return cached.digest;
    let digest = null;
    if (entry.digest) {
      try {
        digest = JSON.parse(await blobs.get(entry.digest));
        if (digest?.digestVersion !== DIGEST_VERSION) digest = null;
      } catch (error) {
        log(`steward: stored digest of scan ${entry.scanId} unreadable, computing it: ${error.message}`);
      }
    }
    digest ??= await snapshots.withSnapshot(entry, null, computeDigest);
    cached = { id: entry.blob.id, digest };
    return digest;
  };
}

// The parsed access matrix stored with a snapshot entry, or null when it has none or it is
// unreadable (callers then analyse the snapshot). Kept for the last matrix asked about.
function createMatrices({ blobs, log }) {
  let cached = null;
  return async function loadMatrix(entry) {
    if (!entry.matrix) return null;
    if (cached?.id !== entry.matrix.id) {
      try {
        cached = { id: entry.matrix.id, matrix: JSON.parse(await blobs.get(entry.matrix)) };
      } catch (error) {
        log(`steward: stored access matrix of scan ${entry.scanId} unreadable, analysing instead: ${error.message}`);
        return null;
      }
    }
    return cached.matrix;
  };
}

// The console's stored products (store.js): the main blob, the schemes and a few detail shards,
// each parsed once per container and kept by blob id (blobs never change).
function createConsoleReads({ state, blobs }) {
  const SHARDS_KEPT = 8;
  const parsed = new Map();
  async function read(ref, keep) {
    if (!parsed.has(ref.id)) {
      parsed.set(ref.id, JSON.parse(await blobs.get(ref)));
      // The main blob and the schemes of the latest products stay; shards come and go.
      const shards = [...parsed.keys()].filter((id) => /\/account-\d+$/.test(id));
      while (shards.length > keep) parsed.delete(shards.shift());
      const others = [...parsed.keys()].filter((id) => !/\/account-\d+$/.test(id));
      while (others.length > 4) parsed.delete(others.shift());
    }
    return parsed.get(ref.id);
  }
  return {
    // The latest snapshot's entry, what the pages show of it, and a pending recompute, or null.
    async latestConsole() {
      const at = await state.read();
      const entry = at.state.snapshots[0];
      if (!entry) return null;
      return { entry, ref: entry.console ?? null, data: dataShown(entry), pending: at.state.recompute ?? null };
    },
    consoleMain: (ref) => read(ref.main, SHARDS_KEPT),
    consoleSchemes: (ref) => read(ref.schemes, SHARDS_KEPT),
    consoleFindings: (ref) => read(ref.findings, SHARDS_KEPT),
    consoleStored: (blobRef) => read(blobRef, SHARDS_KEPT),
    consoleShard: (ref, n) => read(ref.shards[n], SHARDS_KEPT),
    consoleText: (blobRef) => blobs.get(blobRef),
  };
}

export function createReads({ state, snapshots, blobs, projects, log }) {
  const loadDigest = createDigests({ snapshots, blobs, log });
  const loadMatrix = createMatrices({ blobs, log });
  return {
    ...createConsoleReads({ state, blobs }),
    // The project page's stored answer for `project` in the latest snapshot (projects.js: one
    // row read, never the snapshot) with what the pages show about it; null before the first
    // scan. `page` is null when that scan stored no page for the project: an older version, a
    // failed write, or a project created since. `console`: the console's products' reference
    // (their findings are newer than the page's after a recompute).
    async latestProject(project) {
      const entry = await state.latest();
      if (!entry) return null;
      // Pages of another shape (an older version stored them) count as none.
      const stored = entry.pages?.version === PAGE_VERSION;
      const page = stored ? await projects.read(entry.scanId, project) : null;
      return { page, stored, data: dataShown(entry), console: entry.console ?? null };
    },

    // The digest of the latest stored snapshot with what the pages show about it, or null when no
    // scan has finished.
    async latestDigest() {
      const entry = await state.latest();
      if (!entry) return null;
      return { digest: await loadDigest(entry), data: dataShown(entry) };
    },

    // The stored access matrix of the latest snapshot (null when it has none: an older version,
    // a failed write) and an analysis of the snapshot itself (core `analyze` with `options`, JSON
    // text) for what the matrix does not hold.
    async latestMatrix() {
      const entry = await state.latest();
      if (!entry) return null;
      return { matrix: await loadMatrix(entry), data: dataShown(entry), analyze: (options) => snapshots.withSnapshot(entry, null, (loaded) => JSON.parse(loaded.analyze(options))) };
    },
  };
}
