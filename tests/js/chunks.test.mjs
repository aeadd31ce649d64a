// analyzeChunks: the snapshot handed over in pieces gives the same answer text as analyzeToString,
// whatever the pieces are (strings or UTF-8 bytes, boundaries anywhere, inside characters too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const steward = await import(join(root, 'pkg/steward.js'));
steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

const OPTIONS = '{"allAccounts":true,"form":"matrix"}';
const scenarios = join(root, 'tests/scenarios');

function pieces(items) {
  let i = 0;
  return () => (i < items.length ? items[i++] : undefined);
}

test('every scenario gives the same answer from chunks as from one string', () => {
  for (const name of readdirSync(scenarios)) {
    const text = readFileSync(join(scenarios, name, 'snapshot.json'), 'utf8');
    const whole = steward.analyzeToString(text, OPTIONS);
    const bytes = Buffer.from(text, 'utf8');
    const byteChunks = [];
    for (let at = 0; at < bytes.length; at += 97) byteChunks.push(bytes.subarray(at, at + 97));
    assert.equal(steward.analyzeChunks(pieces(byteChunks), OPTIONS), whole, `${name}: bytes`);
    const textChunks = [];
    for (let at = 0; at < text.length; at += 1000) textChunks.push(text.slice(at, at + 1000));
    assert.equal(steward.analyzeChunks(pieces(textChunks), OPTIONS), whole, `${name}: strings`);
  }
});

test('a malformed or cut-off snapshot is a failure envelope, and so is a bad chunk', () => {
  const cut = JSON.parse(steward.analyzeChunks(pieces(['{"snapshotVersion":1,"users":[']), OPTIONS));
  assert.equal(cut.type, 'failure');
  const bad = JSON.parse(steward.analyzeChunks(pieces([42]), OPTIONS));
  assert.equal(bad.type, 'failure');
  assert.match(bad.errors[0].message, /chunk must be a string or a Uint8Array/);
});

test('a snapshot with text beyond ASCII reads the same from one string as from its UTF-8 bytes', () => {
  const name = readdirSync(scenarios).sort()[0];
  const text = readFileSync(join(scenarios, name, 'snapshot.json'), 'utf8');
  // An unknown part whose name is read back in a warning: accents, a character outside the BMP,
  // and a lone surrogate (which becomes U+FFFD on the way into wasm, as before).
  for (const odd of ['Zoë Ångström', 'bot 🤖 ✓', 'half \ud83e pair']) {
    const doc = `{"${odd}": 1, ${text.trim().slice(1)}`;
    const fromString = steward.analyzeToString(doc, OPTIONS);
    assert.match(fromString, /ignored part/);
    const bytes = Buffer.from(doc, 'utf8');
    assert.equal(steward.analyzeChunks(pieces([bytes.subarray(0, 5), bytes.subarray(5)]), OPTIONS), fromString, odd);
  }
});
