// Large immutable texts (snapshots and scan checkpoints, several MB on a large site) in Forge SQL,
// cut into chunks.
//
// Why chunks, and why a table of their own:
// - Forge SQL takes at most 1 MiB a request and answers at most 4 MiB ("Platform quotas and limits"), and
//   KVS values stop at 240 KiB, so no store takes a multi-MB value whole. Each chunk is sized so its
//   INSERT request — the text JSON-encoded, as @forge/sql sends it — stays under REQUEST_BUDGET, and
//   a read fetches a few chunks a query, so every answer stays under RESPONSE_BUDGET.
// - steward_records (storage.js) is append-only history: nothing in it is ever deleted. Snapshots
//   must be deleted (only the last few are kept), so they live in steward_blobs, where deleting is
//   allowed, and the records only point at them. A blob is written first and referenced second,
//   so a reader never sees a half-written one; a blob nobody references (a job that died while
//   writing) is swept later.
// - A blob is checked on read against the length and SHA-256 its reference recorded.
//
// Same client interface as storage.js, so the same statements run on Forge SQL (MySQL) and on the
// local SQLite adapter.
import { createHash } from 'node:crypto';
import { StorageError } from './storage.js';

export const BLOB_TABLE = 'steward_blobs';

// Bytes of a chunk's INSERT request body: 1 MiB minus room for the statement and the JSON around it.
export const REQUEST_BUDGET = 1024 * 1024 - 16 * 1024;
// Chunks fetched per SELECT: 3 chunks of under 1 MiB each keep an answer under Forge SQL's 4 MiB.
const CHUNKS_PER_READ = 3;

const CREATE = `CREATE TABLE IF NOT EXISTS ${BLOB_TABLE} (
  blob_id VARCHAR(191) NOT NULL,
  seq INT NOT NULL,
  chunk MEDIUMTEXT NOT NULL,
  PRIMARY KEY (blob_id, seq)
)`;

// `<scan id>/<part>`: segments of letters, digits and : . _ - that do not start with a dot.
const BLOB_ID = /^(?=.{1,191}$)[A-Za-z0-9:_-][A-Za-z0-9:._-]*(\/[A-Za-z0-9:_-][A-Za-z0-9:._-]*)*$/;

function checkId(id) {
  if (typeof id !== 'string' || !BLOB_ID.test(id)) {
    throw new StorageError('bad-input', `blob id \`${id}\` must be up to 191 characters: segments of letters, digits or : . _ - joined by /, none starting with a dot`);
  }
  return id;
}

// Bytes the chunk adds to a request: @forge/sql sends the parameters JSON-encoded.
export const encodedBytes = (text) => Buffer.byteLength(JSON.stringify(text), 'utf8');

// Cuts `text` into pieces whose JSON encoding fits `budget` bytes, never inside a surrogate pair.
export function cutIntoChunks(text, budget = REQUEST_BUDGET - 4096) {
  const chunks = [];
  let start = 0;
  while (start < text.length) {
    let length = Math.min(text.length - start, budget);
    for (;;) {
      let end = start + length;
      const code = text.charCodeAt(end - 1);
      if (end < text.length && code >= 0xd800 && code <= 0xdbff) end -= 1; // keep the pair whole
      const piece = text.slice(start, end);
      const bytes = encodedBytes(piece);
      if (bytes <= budget) {
        chunks.push(piece);
        start = end;
        break;
      }
      length = Math.max(1, Math.floor(length * (budget / bytes) * 0.97));
    }
  }
  return chunks.length ? chunks : [''];
}

export function createBlobStore(sql, { budget = REQUEST_BUDGET - 4096 } = {}) {
  const query = async (statement, ...params) => (await sql.prepare(statement).bindParams(...params).execute()).rows;
  let migrated = null;

  const blobs = {
    migrate() {
      migrated ??= sql.executeDDL(CREATE).catch((error) => {
        migrated = null;
        throw error;
      });
      return migrated;
    },

    // Writes `text` under `id`, replacing a blob of that id (a retried job writes the same id
    // again). Answers the reference to store: {id, chunks, length, sha256}.
    async put(id, text) {
      checkId(id);
      if (typeof text !== 'string') throw new StorageError('bad-input', `blob \`${id}\` must be text`);
      await blobs.migrate();
      const chunks = cutIntoChunks(text, budget);
      await query(`DELETE FROM ${BLOB_TABLE} WHERE blob_id = ?`, id);
      for (const [seq, chunk] of chunks.entries()) {
        await query(`INSERT INTO ${BLOB_TABLE} (blob_id, seq, chunk) VALUES (?, ?, ?)`, id, seq, chunk);
      }
      return { id, chunks: chunks.length, length: text.length, sha256: createHash('sha256').update(text).digest('hex') };
    },

    // The chunks of the blob a reference names, in order, a few chunks a query (an async
    // iterator): a multi-MB snapshot is never one string. The length and SHA-256 are checked as the
    // chunks pass; a blob that is not the one written throws after its last chunk, so whoever
    // consumes the chunks must not use what it made of them until the iteration has ended.
    async* chunks(ref) {
      checkId(ref?.id);
      await blobs.migrate();
      const hash = createHash('sha256');
      let count = 0;
      let length = 0;
      for (let from = 0; from < ref.chunks; from += CHUNKS_PER_READ) {
        const rows = await query(
          `SELECT seq, chunk FROM ${BLOB_TABLE} WHERE blob_id = ? AND seq >= ? AND seq < ? ORDER BY seq`,
          ref.id, from, Math.min(from + CHUNKS_PER_READ, ref.chunks),
        );
        for (const row of rows) {
          if (Number(row.seq) !== count) break;
          count += 1;
          length += row.chunk.length;
          hash.update(row.chunk);
          yield row.chunk;
        }
        if (count !== Math.min(from + CHUNKS_PER_READ, ref.chunks)) break;
      }
      if (count !== ref.chunks || length !== ref.length || hash.digest('hex') !== ref.sha256) {
        throw new StorageError('corrupt-blob', `blob \`${ref.id}\` is missing or damaged: ${count} of ${ref.chunks} chunks, ${length} of ${ref.length} characters`);
      }
    },

    // Reads the blob a reference names whole and checks it is the one that was written.
    async get(ref) {
      const parts = [];
      for await (const chunk of blobs.chunks(ref)) parts.push(chunk);
      return parts.join('');
    },

    async delete(id) {
      checkId(id);
      await blobs.migrate();
      await query(`DELETE FROM ${BLOB_TABLE} WHERE blob_id = ?`, id);
    },

    // Every blob id, sorted.
    async ids() {
      await blobs.migrate();
      const rows = await query(`SELECT DISTINCT blob_id FROM ${BLOB_TABLE} ORDER BY blob_id`);
      return rows.map((row) => row.blob_id);
    },
  };
  return blobs;
}
