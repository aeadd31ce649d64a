// The local platform's async-events queue (host/platform.mjs), driven by @forge/events itself:
// `Queue.push` reaches the adapter through `__forge_fetch__` as it reaches Forge's proxy, and the
// consumer named in the manifest gets Forge's AsyncEvent, within its timeoutSeconds, with Forge's
// retries. A small stand-in bundle records what its consumer is given.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlatform, readManifest } from '../../host/platform.mjs';
import { virtualClock } from './fixtures/virtual-clock.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { Queue } = require('@forge/events');
let dir;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'steward-queue-'));
  writeFileSync(join(dir, 'bundle.cjs'), `
const { InvocationError, InvocationErrorCode } = require(${JSON.stringify(require.resolve('@forge/events'))});
exports.seen = [];
exports.handler = async () => ({});
exports.consume = async (event, context) => {
  exports.seen.push({ event, context, at: Date.now() });
  const first = !event.retryContext;
  if (event.body.mode === 'hang' && first) return new Promise(() => {});
  if (event.body.mode === 'throw' && first) throw new Error('boom');
  if (event.body.mode === 'retry' && first) return new InvocationError({ retryAfter: 120, retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED, retryData: { page: 2 } });
  return 'done';
};`);
  writeFileSync(join(dir, 'manifest.yml'), `modules:
  consumer:
    - key: test-consumer
      queue: test-queue
      function: consume-fn
  function:
    - key: resolver
      handler: forge/index.handler
    - key: consume-fn
      handler: forge/index.consume
      timeoutSeconds: 1
`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function platform() {
  const clock = virtualClock('2026-11-23T08:00:00Z');
  const p = createPlatform({ jira: { url: 'http://127.0.0.1:9', email: 'x', token: 'y' }, bundlePath: join(dir, 'bundle.cjs'), manifestPath: join(dir, 'manifest.yml'), clock });
  const bundle = require(join(dir, 'bundle.cjs'));
  return { p, clock, seen: bundle.seen, close: () => { p.close(); clock.restore(); } };
}

test('the manifest decides which export consumes a queue and its time limit', () => {
  const { consumers } = readManifest(join(root, 'manifest.yml'));
  assert.deepEqual(consumers.get('steward-scans'), { key: 'scan-consumer', exportName: 'scanJob', timeoutSeconds: 900 });
  assert.deepEqual(readManifest(join(dir, 'manifest.yml')).consumers.get('test-queue').timeoutSeconds, 1);
});

test('a pushed event reaches the consumer after its delay, shaped as Forge\'s AsyncEvent', async () => {
  const { p, seen, close } = platform();
  try {
    const pushedAt = Date.now();
    const { jobId } = await new Queue({ key: 'test-queue' }).push([{ body: { mode: 'ok', n: 1 }, delayInSeconds: 600 }, { body: { mode: 'ok', n: 2 } }]);
    await p.queue.idle();
    assert.deepEqual(seen.map((s) => s.event.body.n), [2, 1], 'the undelayed event first');
    const [second, first] = seen;
    assert.deepEqual(Object.keys(first.event).sort(), ['body', 'delayInSeconds', 'eventId', 'jobId', 'queueName']);
    assert.deepEqual(Object.keys(second.event).sort(), ['body', 'eventId', 'jobId', 'queueName']);
    assert.equal(first.event.jobId, jobId);
    assert.equal(first.event.queueName, 'test-queue');
    assert.notEqual(first.event.eventId, second.event.eventId);
    assert.equal(first.context.installContext, 'ari:cloud:jira::site/local');
    assert.ok(first.at - pushedAt >= 600_000, `delivered ${first.at - pushedAt} ms after the push`);
    assert.deepEqual(await new Queue({ key: 'test-queue' }).getStats(jobId), { success: 2, inProgress: 0, failed: 0 });
  } finally {
    close();
  }
});

test('a consumer that throws, runs past its limit or returns an InvocationError is retried with a retry context', async () => {
  const { p, seen, close } = platform();
  try {
    await new Queue({ key: 'test-queue' }).push([{ body: { mode: 'throw' } }, { body: { mode: 'hang' } }, { body: { mode: 'retry' } }]);
    await p.queue.idle();
    const retries = Object.fromEntries(seen.filter((s) => s.event.retryContext).map((s) => [s.event.body.mode, s.event.retryContext]));
    assert.deepEqual(Object.keys(retries).sort(), ['hang', 'retry', 'throw']);
    assert.equal(retries.throw.retryCount, 1);
    assert.equal(retries.throw.retryReason, 'FUNCTION_ERROR');
    assert.equal(retries.retry.retryReason, 'FUNCTION_UPSTREAM_RATE_LIMITED');
    assert.deepEqual(retries.retry.retryData, { page: 2 });
    assert.ok(retries.retry.retentionWindow.remainingTimeMs < 24 * 3_600_000);
    const outcomes = p.queue.delivered.map((d) => `${d.body.mode} ${d.outcome}`).sort();
    assert.ok(outcomes.includes('hang failed: consumer `test-consumer` ran past its 1 s limit'), outcomes.join('\n'));
    assert.ok(outcomes.includes('retry retry requested in 120 s'), outcomes.join('\n'));
    const first = seen.find((s) => s.event.body.mode === 'retry' && !s.event.retryContext).at;
    const again = seen.find((s) => s.event.body.mode === 'retry' && s.event.retryContext).at;
    assert.ok(again - first >= 120_000, 'retried after the retryAfter it asked for');
  } finally {
    close();
  }
});

test('a push to a queue no consumer reads is refused; a cancelled job is not delivered', async () => {
  const { p, seen, close } = platform();
  try {
    await assert.rejects(new Queue({ key: 'nobody-reads' }).push({ body: {} }), /400.*no consumer in manifest\.yml reads queue `nobody-reads`/);
    const queue = new Queue({ key: 'test-queue' });
    p.queue.pause();
    const { jobId } = await queue.push({ body: { mode: 'ok' }, delayInSeconds: 60 });
    await queue.cancel(jobId);
    p.queue.resume();
    await p.queue.idle();
    assert.deepEqual(seen, []);
  } finally {
    close();
  }
});

test('events waiting when the local host stops are delivered by the next one on the same database', async () => {
  const { openSqlite } = await import('../../host/sqlite.mjs');
  const storage = await openSqlite(null);
  const make = () => {
    const clock = virtualClock('2026-11-23T08:00:00Z');
    const p = createPlatform({ jira: { url: 'http://127.0.0.1:9', email: 'x', token: 'y' }, bundlePath: join(dir, 'bundle.cjs'), manifestPath: join(dir, 'manifest.yml'), clock, storage });
    return { p, clock, seen: require(join(dir, 'bundle.cjs')).seen };
  };
  const first = make();
  await first.p.restored;
  first.p.queue.pause();
  await new Queue({ key: 'test-queue' }).push({ body: { mode: 'ok', n: 'left behind' }, delayInSeconds: 300 });
  first.p.close();
  first.clock.restore();
  assert.deepEqual(first.seen, []);

  const second = make();
  try {
    await second.p.restored;
    await second.p.queue.idle();
    assert.deepEqual(second.seen.map((s) => s.event.body.n), ['left behind']);
    const left = await storage.client.prepare('SELECT COUNT(*) AS n FROM local_forge_queue').execute();
    assert.equal(left.rows[0].n, 0, 'a delivered event is no longer kept');
  } finally {
    second.p.close();
    second.clock.restore();
    storage.close();
  }
});

test('the manifest\'s triggers and schedules are known to the platform, and a long consumer takes at most 100 KB an event', async () => {
  const { triggers, schedules, consumers } = readManifest(join(root, 'manifest.yml'));
  assert.deepEqual(triggers.get('avi:jira:updated:user').map((t) => t.exportName), ['userEvent']);
  assert.deepEqual(triggers.get('avi:jira:deleted:user').map((t) => t.exportName), ['userEvent']);
  assert.deepEqual([...schedules].map(([key, s]) => [key, s.interval, s.exportName]), [['daily-reconcile', 'day', 'dailyRun'], ['hourly-refresh', 'hour', 'hourlyRun']]);
  assert.equal(consumers.get('steward-work').timeoutSeconds, 900);

  // Forge's cap for a consumer running longer than 55 s, answered as Forge's proxy does (413).
  const long = join(dir, 'long.yml');
  writeFileSync(long, `modules:
  consumer:
    - key: test-consumer
      queue: test-queue
      function: consume-fn
  function:
    - key: resolver
      handler: forge/index.handler
    - key: consume-fn
      handler: forge/index.consume
      timeoutSeconds: 900
`);
  const clock = virtualClock('2026-11-23T08:00:00Z');
  const p = createPlatform({ jira: { url: 'http://127.0.0.1:9', email: 'x', token: 'y' }, bundlePath: join(dir, 'bundle.cjs'), manifestPath: long, clock });
  try {
    const queue = new Queue({ key: 'test-queue' });
    await assert.rejects(queue.push({ body: { pad: 'x'.repeat(101 * 1024) } }), (error) => error.constructor.name === 'PayloadTooBigError' || /100 KB/.test(error.message));
    p.queue.setDuplicates(true);
    await queue.push({ body: { n: 1 } });
    await p.queue.idle();
    assert.equal(p.queue.delivered.filter((d) => d.body.n === 1).length, 2, 'a duplicate delivery, as Forge may make');
  } finally {
    p.close();
    clock.restore();
  }
});
