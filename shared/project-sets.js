// The admin console's project sets (docs/admin-console.md, `consoleAccounts`): a row's projects
// are `projectSets[row.projectSet]`, either `{count, list}` (indices into `projects`) or, when the
// list would be long, `{count, bits}` (a bitmap in base64: bit `i % 8` of byte `i / 8` is project
// `i`). Shared by the handlers (exports) and the page (filter by project). No imports.

const decoded = new WeakMap();

function bytesOf(set) {
  let bytes = decoded.get(set);
  if (!bytes) {
    const text = atob(set.bits);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
    decoded.set(set, bytes);
  }
  return bytes;
}

// Whether project index `i` is in `set`.
export function hasProject(set, i) {
  if (set.list) return set.list.includes(i);
  const bytes = bytesOf(set);
  return i >= 0 && i < bytes.length * 8 && (bytes[i >> 3] & (1 << (i & 7))) !== 0;
}

// The indices of `set`, ascending; at most `limit` of them (a table cell shows the first few).
export function projectIndices(set, limit = Infinity) {
  if (set.list) return set.list.slice(0, limit);
  const bytes = bytesOf(set);
  const out = [];
  for (let i = 0; i < bytes.length * 8 && out.length < limit; i += 1) if (bytes[i >> 3] & (1 << (i & 7))) out.push(i);
  return out;
}
