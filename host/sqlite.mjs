// The local storage adapter: a real SQLite database (sql.js — SQLite compiled to wasm, so no native
// build and nothing downloaded at install) in a file, offered two ways:
//   - `client`: the Forge SQL client interface (prepare/bindParams/execute, executeDDL), and
//   - `answer(path, init)`: Forge SQL's HTTP API (`POST /api/v1/execute[/ddl]` with
//     `{query, params, method}`), so the local platform adapter can serve `@forge/sql` itself and
//     handlers make the same storage calls as on Forge.
// Every change is written to the file before the call returns (a temporary file renamed over it).
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let SQL = null;

async function engine() {
  SQL ??= await require('sql.js')();
  return SQL;
}

const READS = /^\s*(SELECT|WITH|SHOW|EXPLAIN)\b/i;
// A statement that changes the file's header without moving total_changes() or the schema's version.
const SETS_PRAGMA = /^\s*PRAGMA\s+[\w.]+\s*=/i;
// Forge SQL's per-query limits (Forge's "Platform quotas and limits"), enforced here too so that code which
// would fail on Forge fails locally: a request of at most 1 MiB, an answer of at most 4 MiB.
export const REQUEST_LIMIT = 1024 * 1024;
export const RESPONSE_LIMIT = 4 * 1024 * 1024;

// The database file, read and written a piece at a time: Node's readFileSync and one writeSync
// stop at 2 GiB, and an XL site's scan stores more than that.
const PIECE = 256 << 20;

function readWhole(file) {
  const bytes = Buffer.allocUnsafe(statSync(file).size);
  const fd = openSync(file, 'r');
  try {
    for (let at = 0; at < bytes.length;) {
      const read = readSync(fd, bytes, at, Math.min(PIECE, bytes.length - at), at);
      if (read === 0) throw new Error(`${file} ended after ${at} of ${bytes.length} bytes`);
      at += read;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function writeWhole(file, bytes) {
  const fd = openSync(file, 'w');
  try {
    for (let at = 0; at < bytes.length;) {
      const written = writeSync(fd, bytes, at, Math.min(PIECE, bytes.length - at));
      if (written === 0) throw new Error(`${file}: nothing written after ${at} of ${bytes.length} bytes`);
      at += written;
    }
  } finally {
    closeSync(fd);
  }
}

// `persistDelayMs`: write the file at most that often (and on `flush`/`close`) instead of after
// every write: a large site's snapshot is hundreds of writes of 1 MiB, each of which would write
// the whole database file again.
export async function openSqlite(file = null, { persistDelayMs = 0 } = {}) {
  const sqlite = await engine();
  const db = file && existsSync(file) ? new sqlite.Database(readWhole(file)) : new sqlite.Database();
  let timer = null;
  // A change not yet in the file.
  let dirty = false;

  function persist() {
    if (!file) return;
    if (persistDelayMs > 0) {
      timer ??= setTimeout(() => {
        timer = null;
        persistNow();
      }, persistDelayMs);
      return;
    }
    persistNow();
  }

  function persistNow() {
    if (!file) return;
    if (timer) clearTimeout(timer);
    timer = null;
    let bytes;
    try {
      bytes = db.export();
    } catch (error) {
      // Inside a transaction: written when it ends (the statement that ends it sees `dirty`).
      if (/busy or locked/.test(error.message)) return;
      throw error;
    }
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeWhole(temporary, bytes);
    renameSync(temporary, file);
    dirty = false;
  }

  // Changes since the database was opened and the schema's version: equal before and after a
  // statement that changed nothing.
  function mark() {
    const [[changes]] = db.exec('SELECT total_changes()')[0].values;
    const [[schema]] = db.exec('PRAGMA schema_version')[0].values;
    return `${changes}/${schema}`;
  }

  function run(query, params = []) {
    const requestBytes = Buffer.byteLength(JSON.stringify({ query, params }), 'utf8');
    if (requestBytes > REQUEST_LIMIT) {
      throw new Error(`the query request is ${requestBytes} bytes; Forge SQL takes at most ${REQUEST_LIMIT} bytes a request`);
    }
    if (READS.test(query)) {
      const statement = db.prepare(query);
      try {
        statement.bind(params.map((p) => (p === undefined ? null : p)));
        const rows = [];
        while (statement.step()) rows.push(statement.getAsObject());
        const responseBytes = Buffer.byteLength(JSON.stringify({ rows }), 'utf8');
        if (responseBytes > RESPONSE_LIMIT) {
          throw new Error(`the answer is ${responseBytes} bytes; Forge SQL answers at most ${RESPONSE_LIMIT} bytes a query`);
        }
        return { rows };
      } finally {
        statement.free();
      }
    }
    const before = mark();
    db.run(query, params.map((p) => (p === undefined ? null : p)));
    const affectedRows = db.getRowsModified();
    // Only a statement that changed rows or the schema is written out: every container runs its
    // CREATE TABLE IF NOT EXISTS, and writing an XL site's 1.7 GB file for it stalled the host
    // (and the pages it serves) for 8 s.
    if (mark() !== before || SETS_PRAGMA.test(query)) dirty = true;
    if (dirty) persist();
    return { rows: { affectedRows, fieldCount: 0, info: '', insertId: 0, serverStatus: 0, warningStatus: 0 } };
  }

  const client = {
    prepare(query) {
      let params = [];
      return {
        query,
        bindParams(...args) {
          params = args;
          return this;
        },
        async execute() {
          return run(query, params);
        },
      };
    },
    async executeDDL(query) {
      return run(query);
    },
  };

  // Answers a Forge SQL API request the way Forge's SQL service does (errors as {code, message}).
  async function answer(path, init = {}) {
    const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (!['/api/v1/execute', '/api/v1/execute/ddl'].includes(path)) return json(404, { code: 'NOT_FOUND', message: `no SQL endpoint ${path}` });
    let body;
    try {
      body = JSON.parse(init.body ?? '{}');
    } catch {
      return json(400, { code: 'INVALID_SQL_QUERY', message: 'the request body is not JSON' });
    }
    try {
      return json(200, run(body.query, body.params ?? []));
    } catch (error) {
      return json(400, { code: 'SQL_EXECUTION_ERROR', message: String(error.message ?? error) });
    }
  }

  return {
    client,
    answer,
    flush: () => (timer ? persistNow() : undefined),
    close: () => {
      if (timer) persistNow();
      db.close();
    },
  };
}
