// Storage that loses nothing: every record is a sequence of immutable versions in one append-only
// table, keyed (collection, record id, version). A write names the version it was based on and
// inserts the next one; the primary key makes two writers based on the same version collide, so a
// stale write is refused with a conflict instead of overwriting. Nothing is ever updated or
// deleted: the versions *are* the history (who, when, what, why).
//
// It speaks the Forge SQL client's interface (`sql.prepare(q).bindParams(...).execute()`,
// `sql.executeDDL(q)`), so the same code runs on Forge (`@forge/sql`) and locally (host/sqlite.mjs,
// SQLite through sql.js). Why Forge SQL rather than KVS transactions or custom entities: a write is
// a single INSERT, atomic on its own (Forge SQL has no multi-statement transactions, and needs
// none here); the conflict comes from a primary key that MySQL and SQLite enforce the same way, so
// the local adapter runs the production statements; history queries are ORDER BY, not scans.

export const TABLE = 'steward_records';

const CREATE = `CREATE TABLE IF NOT EXISTS ${TABLE} (
  collection VARCHAR(64) NOT NULL,
  record_id VARCHAR(255) NOT NULL,
  version INT NOT NULL,
  value_json MEDIUMTEXT NOT NULL,
  changed_at VARCHAR(40) NOT NULL,
  changed_by VARCHAR(255) NOT NULL,
  action VARCHAR(64) NOT NULL,
  reason TEXT,
  PRIMARY KEY (collection, record_id, version)
)`;

const COLUMNS = 'record_id, version, value_json, changed_at, changed_by, action, reason';
// The parameters of one putAll statement: Forge SQL's 1 MiB request, less room for the statement.
const PUT_ALL_BUDGET = 1024 * 1024 - 64 * 1024;

export class StorageError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'StorageError';
    this.code = code;
  }
}

function check(condition, message) {
  if (!condition) throw new StorageError('bad-input', message);
}

function name(value, what, max = 255) {
  check(typeof value === 'string' && value.length > 0 && value.length <= max, `${what} must be a non-empty string of at most ${max} characters`);
  return value;
}

function toVersion(row) {
  return {
    id: row.record_id,
    version: Number(row.version),
    value: JSON.parse(row.value_json),
    at: row.changed_at,
    by: row.changed_by,
    action: row.action,
    why: row.reason ?? null,
  };
}

export function createStore(sql) {
  const query = async (statement, ...params) => (await sql.prepare(statement).bindParams(...params).execute()).rows;
  let migrated = null;

  const store = {
    // Creates the table once per container; safe to call again.
    migrate() {
      migrated ??= sql.executeDDL(CREATE).catch((error) => {
        migrated = null;
        throw error;
      });
      return migrated;
    },

    // The latest version of a record, or null.
    async get(collection, id) {
      await store.migrate();
      const rows = await query(
        `SELECT ${COLUMNS} FROM ${TABLE} WHERE collection = ? AND record_id = ? ORDER BY version DESC LIMIT 1`,
        name(collection, 'collection', 64), name(id, 'id'),
      );
      return rows.length ? toVersion(rows[0]) : null;
    },

    // The latest version of every record of a collection, sorted by id.
    async list(collection) {
      await store.migrate();
      const rows = await query(
        `SELECT r.record_id, r.version, r.value_json, r.changed_at, r.changed_by, r.action, r.reason FROM ${TABLE} r
         JOIN (SELECT record_id, MAX(version) AS version FROM ${TABLE} WHERE collection = ? GROUP BY record_id) m
           ON r.record_id = m.record_id AND r.version = m.version
         WHERE r.collection = ? ORDER BY r.record_id`,
        name(collection, 'collection', 64), collection,
      );
      return rows.map(toVersion);
    },

    // Every version of a record, oldest first: the history, which no call can change.
    async history(collection, id) {
      await store.migrate();
      const rows = await query(
        `SELECT ${COLUMNS} FROM ${TABLE} WHERE collection = ? AND record_id = ? ORDER BY version ASC`,
        name(collection, 'collection', 64), name(id, 'id'),
      );
      return rows.map(toVersion);
    },

    // Writes the version after `expectedVersion` (0 creates the record). Refuses with a
    // `conflict` StorageError when the record moved on since that version.
    async put(collection, id, value, { expectedVersion, by, at, action, why = null } = {}) {
      name(collection, 'collection', 64);
      name(id, 'id');
      check(Number.isInteger(expectedVersion) && expectedVersion >= 0, 'expectedVersion must be a whole number ≥ 0 (0 creates the record)');
      name(by, 'by (who makes the change)');
      check(typeof at === 'string' && !Number.isNaN(Date.parse(at)), 'at must be an ISO 8601 timestamp');
      name(action, 'action (what the change is)', 64);
      check(why === null || typeof why === 'string', 'why must be a string when given');
      const json = JSON.stringify(value);
      check(json !== undefined, 'value must be JSON');
      const current = (await store.get(collection, id))?.version ?? 0;
      const conflict = (now) => new StorageError('conflict',
        `${collection} record \`${id}\` is at version ${now}, not ${expectedVersion}: it changed since it was read; reload it and apply the change again`);
      if (current !== expectedVersion) throw conflict(current);
      const version = expectedVersion + 1;
      try {
        await query(
          `INSERT INTO ${TABLE} (collection, record_id, version, value_json, changed_at, changed_by, action, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          collection, id, version, json, at, by, action, why,
        );
      } catch (error) {
        // Another writer inserted the same version first (the primary key refused ours).
        const now = (await store.get(collection, id))?.version ?? 0;
        if (now >= version) throw conflict(now);
        throw error;
      }
      return { id, version };
    },

    // Writes several records at once — each `{id, value, expectedVersion, action}` — in ONE
    // multi-row INSERT: one statement is atomic on MySQL and SQLite alike, so all rows are written
    // or none, and a record that moved on since its expected version makes the primary key refuse
    // the whole statement (a `conflict`). The caller keeps the statement within Forge SQL's 1 MiB.
    async putAll(collection, writes, { by, at, why = null } = {}) {
      name(collection, 'collection', 64);
      name(by, 'by (who makes the change)');
      check(typeof at === 'string' && !Number.isNaN(Date.parse(at)), 'at must be an ISO 8601 timestamp');
      check(why === null || typeof why === 'string', 'why must be a string when given');
      check(Array.isArray(writes) && writes.length > 0, 'writes must be a non-empty list');
      const ids = new Set();
      const rows = writes.map(({ id, value, expectedVersion, action }) => {
        name(id, 'id');
        check(!ids.has(id), `record \`${id}\` is written twice`);
        ids.add(id);
        check(Number.isInteger(expectedVersion) && expectedVersion >= 0, 'expectedVersion must be a whole number ≥ 0 (0 creates the record)');
        name(action, 'action (what the change is)', 64);
        const json = JSON.stringify(value);
        check(json !== undefined, 'value must be JSON');
        return [collection, id, expectedVersion + 1, json, at, by, action, why];
      });
      // Forge SQL takes at most 1 MiB a request; the parameters travel JSON-encoded.
      const bytes = Buffer.byteLength(JSON.stringify(rows.flat()), 'utf8');
      if (bytes > PUT_ALL_BUDGET) throw new StorageError('too-large', `${writes.length} records are ${bytes} bytes, more than one request to Forge SQL takes (${PUT_ALL_BUDGET}); nothing was written: write fewer at once`);
      await store.migrate();
      const stale = async () => {
        for (const { id, expectedVersion } of writes) {
          const now = (await store.get(collection, id))?.version ?? 0;
          if (now !== expectedVersion) return new StorageError('conflict', `${collection} record \`${id}\` is at version ${now}, not ${expectedVersion}: it changed since it was read; nothing was written`);
        }
        return null;
      };
      const before = await stale();
      if (before) throw before;
      try {
        await query(
          `INSERT INTO ${TABLE} (collection, record_id, version, value_json, changed_at, changed_by, action, reason) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          ...rows.flat(),
        );
      } catch (error) {
        const after = await stale();
        if (after) throw after;
        throw error;
      }
      return writes.map(({ id, expectedVersion }) => ({ id, version: expectedVersion + 1 }));
    },
  };
  return store;
}
