// The record of every job run, by its key (collection `job-runs`): a key per user event (a hash
// of the event), per run day (`daily:2026-11-23`), per hour (`hourly:2026-11-23T08`) and per
// leaver and day. Forge delivers an event at least once and may run a schedule twice; two
// deliveries of one key meet on the record's version, so one runs and the other does nothing.
// After the last try a run is a dead letter (collection `dead-letters`) the admin page lists
// with its error and a "retry" action.

export const RUNS = 'job-runs';
export const DEAD = 'dead-letters';
// The work function's limit (manifest `timeoutSeconds: 900`): a claim older than this belongs to
// an invocation Forge has ended (killed, or timed out), so another may take the run over.
export const FUNCTION_LIMIT_MS = 900_000;
const WRITER = 'steward-jobs';

const iso = (ms) => new Date(ms).toISOString();

export function createRuns({ store }) {
  const meta = (expectedVersion, action, why = null) => ({ expectedVersion, by: WRITER, at: iso(Date.now()), action, why });

  // Claims the run of `key`: `{claimed: {version, attempts}}`, or `{ignored}` when it is done, or
  // `{busyMs}` when another invocation runs it now.
  async function claim(key, kind) {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const record = await store.get(RUNS, key);
      const now = Date.now();
      const value = record?.value;
      if (value?.status === 'done') return { ignored: `run ${key} is done already` };
      if (value?.status === 'running' && now - Date.parse(value.claimedAt) < FUNCTION_LIMIT_MS) {
        return { busyMs: FUNCTION_LIMIT_MS - (now - Date.parse(value.claimedAt)) };
      }
      const attempts = (value?.attempts ?? 0) + 1;
      const why = value?.status === 'running' ? `the run claimed at ${value.claimedAt} never finished` : null;
      try {
        await store.put(RUNS, key, { key, kind, status: 'running', claimedAt: iso(now), attempts }, meta(record?.version ?? 0, 'run:claim', why));
        return { claimed: { version: (record?.version ?? 0) + 1, attempts } };
      } catch (error) {
        if (error.code !== 'conflict') throw error;
      }
    }
    return { busyMs: 60_000 };
  }

  // Ends a claimed run: `done` with its result, `failed` (Forge retries it) or `dead`.
  async function end(key, claimed, status, details) {
    const record = await store.get(RUNS, key);
    const value = { ...record.value, status, endedAt: iso(Date.now()), ...details };
    try {
      await store.put(RUNS, key, value, meta(claimed.version, `run:${status}`, details.error?.message ?? null));
    } catch (error) {
      // Someone took the run over (ours ran past the limit): their record stands.
      if (error.code !== 'conflict') throw error;
    }
  }

  return {
    claim,
    done: (key, claimed, result) => end(key, claimed, 'done', { result }),
    failed: (key, claimed, error) => end(key, claimed, 'failed', { error }),
    async dead(key, claimed, { kind, body, error, attempts }) {
      await end(key, claimed, 'dead', { error });
      const record = await store.get(DEAD, key);
      const letter = { key, kind, body, error, attempts, at: iso(Date.now()), state: 'open' };
      await store.put(DEAD, key, letter, meta(record?.version ?? 0, 'dead-letter', error.message));
      return letter;
    },
    get: async (key) => (await store.get(RUNS, key))?.value ?? null,
    // Dead letters not retried yet, newest first.
    async deadLetters() {
      const letters = (await store.list(DEAD)).map((r) => r.value).filter((l) => l.state === 'open');
      return letters.sort((a, b) => b.at.localeCompare(a.at) || a.key.localeCompare(b.key));
    },
    // Marks a dead letter retried; answers it, or null when there is no open one of that key.
    async retried(key, by) {
      const record = await store.get(DEAD, key);
      if (!record || record.value.state !== 'open') return null;
      await store.put(DEAD, key, { ...record.value, state: 'retried', retriedBy: by, retriedAt: iso(Date.now()) }, { ...meta(record.version, 'dead-letter:retry'), by });
      return record.value;
    },
  };
}
