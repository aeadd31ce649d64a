// What the pages read of the latest stored snapshot: the project page's analysis of one project,
// the admin page's digest, and its access matrix. Small answers derived from a snapshot are kept
// per container by blob id (blobs never change, so they stay valid); the snapshot itself is not
// kept: at XL its text alone is 416 MB.
import { dataShown } from './state.js';
import { DIGEST_VERSION, computeDigest } from './store.js';

// Project answers a container keeps (a few tens of KB each): the project pages opened lately.
const PROJECT_ANSWERS_KEPT = 16;

// The project page's analysis of one project (every bot, transitions included) from a snapshot
// entry, kept for the last few projects asked about.
function createProjectAnswers({ snapshots }) {
  const kept = new Map();
  return async function projectAnalysis(entry, project) {
    const key = `${entry.blob.id} ${project}`;
    if (!kept.has(key)) {
      const analysis = await snapshots.withSnapshot(entry, project, (loaded) => JSON.parse(loaded.analyze(JSON.stringify({ skipTransitions: false, project }))));
      kept.set(key, analysis);
      while (kept.size > PROJECT_ANSWERS_KEPT) kept.delete(kept.keys().next().value);
    }
    return kept.get(key);
  };
}

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

export function createReads({ state, snapshots, blobs, log }) {
  const projectAnalysis = createProjectAnswers({ snapshots });
  const loadDigest = createDigests({ snapshots, blobs, log });
  const loadMatrix = createMatrices({ blobs, log });
  return {
    ...createConsoleReads({ state, blobs }),
    // The latest stored snapshot analysed for one project (core `analyze` with `project`,
    // transitions included) with what the pages show about it, or null.
    async latestProject(project) {
      const entry = await state.latest();
      if (!entry) return null;
      return { analysis: await projectAnalysis(entry, project), data: dataShown(entry) };
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
