// Decoding a snapshot from its text in pieces with the core's SnapshotReader, one piece in memory
// at a time: a large site's snapshot (416 MB of text at XL) is never whole in wasm memory twice.
import { core } from '../core.js';

// UTF-16 units a slice of an in-memory snapshot hands the core at a time.
const SLICE = 1 << 20;

// A text in slices, none cutting a surrogate pair: how a snapshot already in memory (the scan's
// own) is decoded without a second whole copy of it in wasm memory.
export function* textSlices(text, size = SLICE) {
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + size);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end -= 1;
    yield text.slice(start, end);
    start = end;
  }
}

// Decodes a snapshot from its chunks (an iterable or async iterable of texts) and answers
// `use(loaded)`. `use` runs only once the chunks are over, so a stored blob whose length or hash is
// wrong (blobs.chunks throws after its last chunk) is never used. With `project`, only what that
// project's analysis reads is kept; with `nonHuman`, only the accounts that are not people's (what
// the digest and the matrix read: people are most of a large site's model). The decoded model lives
// in wasm memory and is freed afterwards.
export async function withLoaded(chunks, { project, nonHuman } = {}, use) {
  const reader = new (core().SnapshotReader)();
  let loaded = null;
  try {
    for await (const chunk of chunks) reader.push(chunk);
    loaded = reader.finish(project ?? undefined, nonHuman ?? false);
    return await use(loaded);
  } finally {
    release(loaded);
    release(reader);
  }
}

// Frees a core object if it can be: after a trap in the core (out of memory) it cannot, and the
// error that matters is the trap's, not the free's.
export function release(object) {
  try {
    object?.free();
  } catch {
    // the core's own error is the one thrown
  }
}
