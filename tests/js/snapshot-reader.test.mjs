// The one way from a snapshot to answers: SnapshotReader takes the snapshot's chunks (strings or
// UTF-8 bytes, cut anywhere, inside characters too), and the LoadedSnapshot it finishes answers as
// `analyze` of the whole text does. Bad input is a failure envelope or a TypeError, never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const steward = await import(join(root, 'pkg/steward.js'));
steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

const OPTIONS = '{"allAccounts":true,"form":"matrix"}';
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

// The loaded snapshot, its `analyze` (JSON text, the one answer that is not an object) parsed.
function load(chunks, project) {
  const reader = new steward.SnapshotReader();
  for (const chunk of chunks) reader.push(chunk);
  const loaded = reader.finish(project);
  const text = loaded.analyze.bind(loaded);
  loaded.analyze = (options) => JSON.parse(text(options));
  return loaded;
}

function cut(items, size) {
  const out = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

test('every scenario gives the same answer from chunks of text or bytes as from one string', () => {
  for (const name of readdirSync(join(root, 'tests/scenarios'))) {
    const text = readFileSync(join(root, 'tests/scenarios', name, 'snapshot.json'), 'utf8');
    const whole = steward.analyze(text, OPTIONS);
    for (const chunks of [cut(text, 97), cut(Buffer.from(text, 'utf8'), 89)]) {
      const loaded = load(chunks);
      try {
        assert.deepEqual(loaded.analyze(OPTIONS), whole, name);
      } finally {
        loaded.free();
      }
    }
  }
});

test('names beyond ASCII come back exactly, wherever a chunk cuts their characters', () => {
  const text = snapshot(3);
  const bytes = Buffer.from(text, 'utf8');
  const expected = steward.analyze(text, '{}');
  const bot = expected.accounts.find((a) => a.accountId === 'bot-1');
  assert.equal(bot.displayName, BOT);
  assert.equal(bot.projects.find((p) => p.key === 'P1').name, 'Projekt 1 – Ärger');
  assert.equal(bot.projects[0].permissions.BROWSE_PROJECTS[0].path, `scheme "${SCHEME}" [10002] grant 10300 → anyone (public, including anonymous users)`);
  const at = bytes.indexOf(Buffer.from('🤖'));
  for (let split = at - 1; split <= at + 4; split += 1) {
    const loaded = load([bytes.subarray(0, split), bytes.subarray(split)]);
    assert.deepEqual(loaded.analyze('{}'), expected, `cut at byte ${split}`);
    loaded.free();
  }
  // Strings cut between the halves of a surrogate pair: each half is a lone surrogate (U+FFFD).
  const pair = text.indexOf('🤖') + 1;
  const halves = load([text.slice(0, pair), text.slice(pair)]).analyze('{}');
  assert.equal(halves.accounts.find((a) => a.accountId === 'bot-1').displayName, 'Bøt → \ufffd\ufffd ボット');
});

test('a large answer parses whole, with the same names and path lines', () => {
  const text = snapshot(3000);
  const loaded = load(cut(text, 1 << 20));
  const answer = loaded.analyze('{}');
  loaded.free();
  const bot = answer.accounts.find((a) => a.accountId === 'bot-1');
  assert.equal(bot.projects.length, 3000);
  assert.equal(bot.displayName, BOT);
});

test('bytes that are not UTF-8, a cut-off text and bad options are failure envelopes; a bad chunk throws', () => {
  const bytes = Buffer.from(snapshot(2), 'utf8');
  const bad = Buffer.from(bytes);
  bad[bad.indexOf(Buffer.from('Hana'))] = 0xff;
  assert.equal(load([bad]).analyze('{"allAccounts":true}').errors[0].code, 'bad-snapshot');
  assert.equal(load(['{"snapshotVersion":1,"users":[']).analyze('{}').errors[0].code, 'bad-snapshot');
  assert.equal(load([bytes]).analyze('{"acount": 1}').errors[0].code, 'bad-options');
  const reader = new steward.SnapshotReader();
  assert.throws(() => reader.push(42), (e) => e instanceof TypeError && /string or a Uint8Array/.test(e.message));
  reader.finish();
  assert.throws(() => reader.push('{}'), /finished/);
});

test('a loaded snapshot answers every question without decoding again; a project load only its project', () => {
  const text = snapshot(3);
  const loaded = load([text]);
  assert.equal(loaded.inventory().type, 'success');
  assert.equal(loaded.overview().result.schemes[0].name, SCHEME);
  assert.equal(loaded.whyNot('bot-1', 'P1', 'BROWSE_PROJECTS').result.held, true);
  assert.equal(loaded.whatIf('{"changes":[]}').type, 'success');
  assert.equal(loaded.findings('', '', '2026-11-23').type, 'success');
  assert.equal(loaded.leaver('', '', 'human-1', '2026-11-23').type, 'success');
  assert.equal(loaded.reviewDue('', '', '2026-11-23').type, 'success');
  assert.equal(loaded.findings('', '', 'yesterday').errors[0].code, 'bad-now');
  loaded.free();
  const project = load([text], 'P1');
  assert.equal(project.analyze('{"project":"P1"}').accounts[0].projects.length, 1);
  assert.equal(project.analyze('{"project":"P2"}').errors[0].code, 'bad-options');
  assert.equal(project.findings('', '', '2026-11-23').errors[0].code, 'bad-options');
  project.free();
});

test('options that are not a string read as empty, and a snapshot that is not one is a failure', () => {
  const text = snapshot(2);
  assert.deepEqual(steward.analyze(text, undefined), steward.analyze(text, ''));
  for (const value of [undefined, null, 42]) {
    assert.equal(steward.analyze(value, '{}').type, 'failure', String(value));
  }
});

test('withLoaded answers the error of its use, not a free that fails after it', async () => {
  const { withLoaded } = await import(join(root, 'src/forge/scans/decode.js'));
  const text = readFileSync(join(root, 'tests/findings/no-owner/snapshot.json'), 'utf8');
  await assert.rejects(
    withLoaded([text], {}, (loaded) => {
      // As after a trap in the core: the object is left borrowed and cannot be freed.
      loaded.free = () => {
        throw new Error('attempted to take ownership of Rust value while it was borrowed');
      };
      throw new Error('unreachable');
    }),
    /^Error: unreachable$/,
  );
});
