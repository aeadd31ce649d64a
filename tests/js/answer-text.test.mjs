// The JSON text the core hands to JS: a large answer comes back as ASCII (non-ASCII characters
// escaped `\uXXXX`, which Node reads at memory speed as latin1), a small one as it is; either way
// JSON.parse gives every name and path line exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const steward = await import(join(root, 'pkg/steward.js'));
steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

const BOT = 'Bøt → 🤖 ボット';
const SCHEME = 'Öffentlich “open”';

function snapshot(projects) {
  const values = Array.from({ length: projects }, (_, i) => ({
    id: String(10000 + i), key: `P${i}`, name: `Projekt ${i} – Ärger`, style: 'classic', lead: { accountId: 'human-1' },
  }));
  return JSON.stringify({
    snapshotVersion: 1,
    meta: { site: 'https://scenario.atlassian.net', collectedAt: '2026-11-01T00:00:00Z', gaps: [] },
    permissions: { permissions: { BROWSE_PROJECTS: { key: 'BROWSE_PROJECTS', name: 'Browse Projects', type: 'PROJECT' } } },
    permissionSchemes: { permissionSchemes: [
      { id: 10002, name: SCHEME, permissions: [{ id: 10300, permission: 'BROWSE_PROJECTS', holder: { type: 'anyone' } }] },
    ] },
    projects: [{ isLast: true, startAt: 0, maxResults: 50, total: projects, values }],
    projectPermissionSchemes: Object.fromEntries(values.map((p) => [p.key, { id: 10002, name: SCHEME }])),
    users: [[
      { accountId: 'bot-1', accountType: 'app', appType: 'service', active: true, displayName: BOT },
      { accountId: 'human-1', accountType: 'atlassian', active: true, displayName: 'Hana Human' },
    ]],
  });
}

function check(answer, projects) {
  const parsed = JSON.parse(answer);
  const bot = parsed.accounts.find((a) => a.accountId === 'bot-1');
  assert.equal(bot.displayName, BOT);
  assert.equal(bot.projects.length, projects);
  assert.equal(bot.projects.find((p) => p.key === 'P1').name, 'Projekt 1 – Ärger');
  const [path] = bot.projects[0].permissions.BROWSE_PROJECTS;
  assert.equal(path.path, `scheme "${SCHEME}" [10002] grant 10300 → anyone (public, including anonymous users)`);
  return parsed;
}

test('a large answer is ASCII JSON with the same names and path lines', () => {
  const text = snapshot(300);
  const answer = steward.analyzeToString(text, '{}');
  assert.ok(answer.length > 16 * 1024, `answer of ${answer.length} characters`);
  assert.match(answer, /^[\x00-\x7f]*$/);
  assert.ok(answer.includes('\\u2192'), 'arrows escaped');
  const parsed = check(answer, 300);
  // The same answer through the other exports that hand JSON over.
  assert.deepEqual(steward.analyze(text, '{}'), parsed);
  const loaded = new steward.SnapshotReader();
  loaded.push(text);
  assert.equal(loaded.finish().analyzeToString('{}'), answer);
});

test('a small answer is handed over as it is', () => {
  const answer = steward.analyzeToString(snapshot(2), '{}');
  assert.ok(answer.length < 16 * 1024);
  assert.ok(answer.includes(BOT));
  check(answer, 2);
});

// Argument strings are copied into wasm memory by the glue wasm-bindgen generates; chunks pushed
// as strings by the reader's own `encodeInto`, whose first pass stops where the room runs out.
test('argument strings reach the core exactly, wherever their non-ASCII characters are', () => {
  const named = (name) => snapshot(3).replace(JSON.stringify(BOT), JSON.stringify(name));
  const names = ['ascii only', 'é at the start', 'at the end é', '🤖', '🤖🤖🤖 ボット', 'a'.repeat(5000) + 'ü' + 'b'.repeat(5000)];
  for (const name of names) {
    const text = named(name);
    const bot = JSON.parse(steward.analyzeToString(text, '{}')).accounts.find((a) => a.accountId === 'bot-1');
    assert.equal(bot.displayName, name);
    // The same text pushed as a chunk takes the other copy.
    const reader = new steward.SnapshotReader();
    reader.push(text);
    assert.equal(reader.finish().analyzeToString('{}'), steward.analyzeToString(text, '{}'));
  }
  // Long runs of 2-, 3- and 4-byte characters: the first pass stops where the room runs out, never
  // inside a surrogate pair.
  for (const name of ['é' + 'x'.repeat(200000), 'ボ'.repeat(100000), '🤖a'.repeat(50000), 'é' + '🤖'.repeat(70000)]) {
    const bot = JSON.parse(steward.analyzeToString(named(name), '{}')).accounts.find((a) => a.accountId === 'bot-1');
    assert.ok(bot.displayName === name, `a name of ${name.length} units starting ${name.slice(0, 3)}`);
  }
  // A lone surrogate is not UTF-8: it arrives as U+FFFD, as TextEncoder writes it.
  const raw = snapshot(3).replace(JSON.stringify(BOT), `"x${String.fromCharCode(0xd800)}y"`);
  const replaced = JSON.parse(steward.analyzeToString(raw, '{}'));
  assert.equal(replaced.accounts.find((a) => a.accountId === 'bot-1').displayName, 'x\ufffdy');
});

// `analyzeBytes` takes the snapshot's UTF-8 bytes (a file's Buffer, a response body) as they are:
// the core checks each string it keeps as UTF-8, so the answer is the text's, or a failure.
test('the bytes of a snapshot give the same answer as its text, non-ASCII names and all', () => {
  const names = ['ascii only', 'é at the start', '🤖🤖🤖 ボット', 'a'.repeat(5000) + 'ü' + 'b'.repeat(5000), BOT];
  for (const name of names) {
    const text = snapshot(3).replace(JSON.stringify(BOT), JSON.stringify(name));
    const answer = steward.analyzeBytes(Buffer.from(text, 'utf8'), '{}');
    assert.equal(answer, steward.analyzeToString(text, '{}'));
    assert.equal(steward.analyzeBytes(new TextEncoder().encode(text), '{}'), answer, 'a plain Uint8Array too');
    assert.equal(JSON.parse(answer).accounts.find((a) => a.accountId === 'bot-1').displayName, name);
  }
  assert.equal(steward.analyzeBytes(Buffer.from(snapshot(300)), '{}'), steward.analyzeToString(snapshot(300), '{}'));
});

test('bytes that are not UTF-8 in a name the answer keeps are a malformed snapshot, not a wrong name', () => {
  const text = snapshot(3).replace(JSON.stringify(BOT), '"Bot-XX"');
  const bytes = Buffer.from(text, 'utf8');
  const at = bytes.indexOf('Bot-XX');
  bytes[at + 4] = 0xff; // a byte no UTF-8 text holds
  bytes[at + 5] = 0xfe;
  const answer = JSON.parse(steward.analyzeBytes(bytes, '{}'));
  assert.equal(answer.type, 'failure');
  assert.equal(answer.errors[0].code, 'bad-snapshot');
  assert.match(answer.errors[0].message, /invalid unicode code point/);
  // Bad options are reported before the snapshot is read, as for the text.
  assert.equal(JSON.parse(steward.analyzeBytes(Buffer.from(text), '{"acount": 1}')).errors[0].code, 'bad-options');
});

// `SnapshotBytes`: the host writes the bytes straight into wasm memory (a file read into the view it
// is given), and may ask about them again; the answer is the one from a Buffer.
test('bytes written into wasm memory by the host give the answer of the same bytes from a Buffer', () => {
  const text = snapshot(40).replace(JSON.stringify(BOT), JSON.stringify('🤖 written in place'));
  const bytes = Buffer.from(text, 'utf8');
  const views = [];
  const held = new steward.SnapshotBytes(bytes.length, (view) => {
    views.push(view);
    assert.ok(view instanceof Uint8Array);
    assert.equal(view.length, bytes.length);
    assert.ok(view.every((b) => b === 0), 'zeroed before the host writes');
    view.set(bytes);
  });
  assert.equal(views.length, 1, 'fill is called once');
  assert.equal(held.byteLength, bytes.length);
  const answer = steward.analyzeBytes(bytes, '{}');
  assert.equal(held.analyze('{}'), answer);
  assert.equal(held.analyze('{}'), answer, 'asked again, the same bytes');
  assert.equal(JSON.parse(held.analyze('{"accountId": "bot-1"}')).accounts[0].displayName, '🤖 written in place');
  held.free();
});

test('bytes the host leaves unwritten, or writes badly, are a malformed snapshot; a failing fill throws', () => {
  const unwritten = new steward.SnapshotBytes(64, () => {});
  assert.equal(JSON.parse(unwritten.analyze('{}')).errors[0].code, 'bad-snapshot', 'zeros are not a snapshot');
  unwritten.free();
  const bytes = Buffer.from(snapshot(3).replace(JSON.stringify(BOT), '"Bot-XX"'), 'utf8');
  bytes[bytes.indexOf('Bot-XX') + 4] = 0xff;
  const bad = new steward.SnapshotBytes(bytes.length, (view) => view.set(bytes));
  assert.match(JSON.parse(bad.analyze('{}')).errors[0].message, /invalid unicode code point/);
  bad.free();
  assert.throws(() => new steward.SnapshotBytes(10, () => { throw new Error('disk gone'); }), /disk gone/);
  assert.throws(() => new steward.SnapshotBytes(0xffff_fff0, () => {}), (e) => e instanceof RangeError && /4294967280 bytes does not fit/.test(e.message));
  // The module still answers after both.
  assert.ok(JSON.parse(steward.analyzeBytes(Buffer.from(snapshot(3)), '{}')).accounts.some((a) => a.accountId === 'bot-1'));
});
