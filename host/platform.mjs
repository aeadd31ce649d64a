// The local Forge platform adapter: runs the bundled Forge handlers (the same file `forge deploy`
// would ship, built by tools/forge-bundle.cjs) with what Forge's runtime gives them:
// `__forge_fetch__` for @forge/api's requestJira (here: fetch to a Jira site with an API token),
// for @forge/sql (the local SQLite) and for @forge/events (the queue below), `__forge_runtime__`,
// the invocation shape @forge/resolver expects, and the app's environment variables.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const YAML = require('yaml');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESOLVER_LIMIT_MS = 25_000; // Forge's resolver limit ("Platform quotas and limits")
// A function's limit without `timeoutSeconds` is 55 s; consumers may ask for up to 900 s.
const DEFAULT_FUNCTION_SECONDS = 55;
const MAX_FUNCTION_SECONDS = 900;
// Async events: at most 15 minutes of delay; an event is retried for 24 hours (its retention
// window), with backoff growing to about 15 minutes (async-events-api "Retries").
const MAX_DELAY_SECONDS = 900;
const RETENTION_MS = 24 * 3_600_000;
const QUEUE_PATH = /^\/webhook\/queue\/(publish|stats|cancel)\/\{contextAri\}\/\{environmentId\}\/\{appId\}\/\{appVersion\}$/;

// The host's own clock. Tests pass a virtual one whose timers skip ahead when no consumer runs
// (`attach` tells it when one does), so a chain of jobs waiting for the next quota hour runs in
// a test in seconds.
export const realClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

// What the manifest says about functions and consumers: the queue → the bundle export that
// consumes it and its time limit. The bundle is src/forge/index.js, so handlers must name it.
export function readManifest(manifestPath = join(root, 'manifest.yml')) {
  const manifest = YAML.parse(readFileSync(manifestPath, 'utf8'));
  const functions = new Map();
  for (const fn of manifest.modules?.function ?? []) {
    const [file, name] = fn.handler.split(/\.(?=[^.]+$)/);
    if (file !== 'forge/index') throw new Error(`function \`${fn.key}\`: the local host runs the handlers of src/forge/index.js, not \`${fn.handler}\``);
    functions.set(fn.key, { exportName: name, timeoutSeconds: Math.min(fn.timeoutSeconds ?? DEFAULT_FUNCTION_SECONDS, MAX_FUNCTION_SECONDS) });
  }
  const consumers = new Map();
  for (const consumer of manifest.modules?.consumer ?? []) {
    const fn = functions.get(consumer.function);
    if (!fn) throw new Error(`consumer \`${consumer.key}\` names no function module \`${consumer.function}\``);
    consumers.set(consumer.queue, { key: consumer.key, ...fn });
  }
  // Product-event triggers (event type → the functions it invokes) and scheduled triggers.
  const triggers = new Map();
  for (const trigger of manifest.modules?.trigger ?? []) {
    const fn = functions.get(trigger.function);
    if (!fn) throw new Error(`trigger \`${trigger.key}\` names no function module \`${trigger.function}\``);
    for (const event of trigger.events ?? []) {
      const type = typeof event === 'string' ? event : event.eventType;
      triggers.set(type, [...(triggers.get(type) ?? []), { key: trigger.key, ...fn }]);
    }
  }
  const schedules = new Map();
  for (const scheduled of manifest.modules?.scheduledTrigger ?? []) {
    const fn = functions.get(scheduled.function);
    if (!fn) throw new Error(`scheduledTrigger \`${scheduled.key}\` names no function module \`${scheduled.function}\``);
    schedules.set(scheduled.key, { interval: scheduled.interval, ...fn });
  }
  return { functions, consumers, triggers, schedules };
}

// The Authorization of the person an invocation plays, for its asUser() calls.
const caller = new AsyncLocalStorage();
// A scheduled trigger's interval (manifest `interval`).
export const INTERVAL_MS = { fiveMinute: 300_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };
// Forge's cap on one event's body for a consumer whose function runs longer than 55 s
// (limits-async-events: "100 KB per event for functions with timeout > 55 s").
const LONG_CONSUMER_EVENT_BYTES = 100 * 1024;

// Reads that Jira answers with POST. Everything else that is not a GET is a write.
const READS_BY_POST = [/^\/rest\/api\/3\/permissions\/check$/];

export function isWrite(method, path) {
  if (method === 'GET' || method === 'HEAD') return false;
  const pathname = path.split('?')[0];
  return !(method === 'POST' && READS_BY_POST.some((re) => re.test(pathname)));
}

const noopMetrics = {
  counter: () => ({ incr() {}, decr() {} }),
  timing: () => ({ measure: () => ({ stop() {} }) }),
  gauge: () => ({ set() {} }),
};

// The async-events queue: @forge/events' `Queue.push` posts to the Forge proxy (remote
// `stargate`, path `/webhook/queue/publish/{contextAri}/{environmentId}/{appId}/{appVersion}`,
// body `{queueName, jobId, type, schema, payload: [PushEvent], time}`, answered 201). Here each
// event waits for its delay, then the consumer's function of the bundle is called in this process
// with an AsyncEvent `{body, delayInSeconds?, concurrency?, queueName, jobId, eventId,
// retryContext?}` and the invocation context, within its manifest `timeoutSeconds` (900 s at
// most). Like Forge: a thrown error or a timeout is retried with backoff for 24 hours (so a
// consumer must tolerate a repeat); a returned InvocationError (`{_retry: true, retryOptions}`)
// is retried after its `retryAfter`. Unlike Forge, a timed-out call cannot be killed: the adapter
// stops waiting for it and retries, while its code may still finish. Like Forge, events outlive
// the process: with a database, each waiting event is kept in it (`events`) until delivered, and
// a platform started on the same database delivers what the last one left.
function createQueue({ consumers, exportsOf, clock, log, events: kept = null }) {
  const jobs = new Map(); // jobId → {success, inProgress, failed, cancelled}
  const timers = new Set();
  const held = [];
  const delivered = []; // every delivery, for tests and logs: {queueName, jobId, eventId, body, at, outcome}
  let active = 0;
  let running = 0; // consumers being called now
  let paused = false;
  clock.attach?.(() => running > 0);
  let waiters = [];
  // Forge delivers an event at least once: with `duplicates` on, every event is delivered twice
  // (same eventId), as a redelivery would.
  let duplicates = false;

  const settle = () => {
    if (active === 0) {
      const ready = waiters;
      waiters = [];
      for (const resolveIdle of ready) resolveIdle();
    }
  };

  const known = new Set(); // event ids this platform has scheduled

  function schedule(event, delayMs) {
    known.add(event.eventId);
    kept?.save(event, clock.now() + delayMs).catch((error) => log(`queue: could not keep event ${event.eventId}: ${error.message}`));
    if (paused) {
      held.push([event, delayMs]);
      return;
    }
    active += 1;
    const timer = {};
    timer.cancel = clock.setTimer(() => {
      timers.delete(timer);
      deliver(event).finally(() => {
        active -= 1;
        settle();
      });
    }, delayMs);
    timers.add(timer);
  }

  const forget = (event) => kept?.remove(event.eventId).catch((error) => log(`queue: could not drop event ${event.eventId}: ${error.message}`));

  async function deliver(event) {
    const job = jobs.get(event.jobId);
    if (job.cancelled) return forget(event);
    const consumer = consumers.get(event.queueName);
    const handler = exportsOf()[consumer.exportName];
    const { enqueuedAt, ...asyncEvent } = event;
    let timer;
    const limit = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`consumer \`${consumer.key}\` ran past its ${consumer.timeoutSeconds} s limit`)), consumer.timeoutSeconds * 1000);
    });
    let outcome;
    let retry = null;
    running += 1;
    try {
      const answer = await Promise.race([
        Promise.resolve().then(() => handler(asyncEvent, { installContext: 'ari:cloud:jira::site/local', license: { isActive: true } })),
        limit,
      ]);
      if (answer?._retry === true) {
        const options = answer.retryOptions ?? {};
        retry = { after: Math.min(MAX_DELAY_SECONDS, Math.max(1, options.retryAfter ?? 1)), reason: options.retryReason ?? 'FUNCTION_RETRY_REQUEST', data: options.retryData };
        outcome = `retry requested in ${retry.after} s`;
      } else {
        outcome = 'success';
      }
    } catch (error) {
      const count = (event.retryContext?.retryCount ?? 0) + 1;
      retry = { after: Math.min(MAX_DELAY_SECONDS, 15 * 2 ** count), reason: 'FUNCTION_ERROR', data: undefined, error };
      outcome = `failed: ${error.message ?? error}`;
      log(`consumer ${consumer.key} failed on event ${event.eventId}: ${error.stack ?? error}`);
    } finally {
      clearTimeout(timer);
      running -= 1;
    }
    delivered.push({ queueName: event.queueName, jobId: event.jobId, eventId: event.eventId, body: event.body, retryCount: event.retryContext?.retryCount ?? 0, at: clock.now(), outcome });
    if (!retry) {
      job.success += 1;
      job.inProgress -= 1;
      return forget(event);
    }
    const remaining = RETENTION_MS - (clock.now() - event.enqueuedAt);
    if (remaining <= retry.after * 1000) {
      job.failed += 1;
      job.inProgress -= 1;
      forget(event);
      log(`event ${event.eventId} of queue ${event.queueName} dropped: its 24-hour retention window is over`);
      return;
    }
    const retryContext = {
      retryCount: (event.retryContext?.retryCount ?? 0) + 1,
      retryReason: retry.reason,
      retryData: retry.data,
      retentionWindow: { startTime: new Date(event.enqueuedAt).toISOString(), remainingTimeMs: remaining },
    };
    schedule({ ...event, retryContext }, retry.after * 1000);
  }

  const json = (status, body) => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  // Answers @forge/events' calls to the Forge proxy.
  function answer(path, init = {}) {
    const match = path.match(QUEUE_PATH);
    if (!match || (init.method ?? 'GET').toUpperCase() !== 'POST') return json(404, { message: `no queue endpoint ${path}` });
    let request;
    try {
      request = JSON.parse(init.body ?? '');
    } catch {
      return json(400, { message: 'the request body is not JSON' });
    }
    if (!consumers.has(request.queueName)) {
      return json(400, { message: `no consumer in manifest.yml reads queue \`${request.queueName}\`` });
    }
    if (match[1] === 'stats' || match[1] === 'cancel') {
      const job = jobs.get(request.jobId);
      if (!job) return json(404, { message: `no job ${request.jobId}` });
      if (match[1] === 'cancel') {
        job.cancelled = true;
        return json(204);
      }
      return json(200, { success: job.success, inProgress: job.inProgress, failed: job.failed });
    }
    const events = request.payload ?? [];
    if (!Array.isArray(events) || events.length === 0 || events.length > 50) return json(400, { message: 'a push holds 1 to 50 events' });
    const consumer = consumers.get(request.queueName);
    if (consumer.timeoutSeconds > 55) {
      const big = events.findIndex((e) => Buffer.byteLength(JSON.stringify(e.body ?? null), 'utf8') > LONG_CONSUMER_EVENT_BYTES);
      if (big >= 0) return json(413, { errorMessage: `event ${big} is over ${LONG_CONSUMER_EVENT_BYTES / 1024} KB, the most a consumer running longer than 55 s takes` });
    }
    const now = clock.now();
    jobs.set(request.jobId, { success: 0, inProgress: events.length * (duplicates ? 2 : 1), failed: 0, cancelled: false });
    for (const pushed of events) {
      const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, pushed.delayInSeconds ?? 0));
      const event = {
        body: pushed.body, ...(pushed.delayInSeconds !== undefined ? { delayInSeconds: pushed.delayInSeconds } : {}),
        ...(pushed.concurrency ? { concurrency: pushed.concurrency } : {}),
        queueName: request.queueName, jobId: request.jobId, eventId: randomUUID(), enqueuedAt: now,
      };
      schedule(event, delay * 1000);
      if (duplicates) schedule(event, delay * 1000 + 1);
    }
    return json(201, {});
  }

  // Delivers what a platform before this one left in the database.
  async function restore() {
    for (const { event, dueAt } of await kept?.load() ?? []) {
      if (known.has(event.eventId) || !consumers.has(event.queueName)) continue;
      if (!jobs.has(event.jobId)) jobs.set(event.jobId, { success: 0, inProgress: 0, failed: 0, cancelled: false });
      jobs.get(event.jobId).inProgress += 1;
      schedule(event, Math.max(0, dueAt - clock.now()));
    }
  }

  return {
    answer,
    delivered,
    restore,
    // Every event delivered twice from now on (true) or once (false).
    setDuplicates(on) {
      duplicates = Boolean(on);
    },
    // Holds events (their delays start when resumed); for tests that must act between a push and
    // its delivery.
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const [event, delayMs] of held.splice(0)) schedule(event, delayMs);
    },
    // Resolves when no event is waiting or being consumed (held events do not count).
    idle() {
      return active === 0 ? Promise.resolve() : new Promise((resolveIdle) => waiters.push(resolveIdle));
    },
    close() {
      for (const timer of timers) {
        timer.cancel();
        active -= 1;
      }
      timers.clear();
      held.length = 0;
      settle();
    },
  };
}

// The queue's waiting events in the local database, in a table of the platform's own (SQLite
// statements: it is never on Forge).
function keptEvents(client) {
  const run = async (query, ...params) => (await client.prepare(query).bindParams(...params).execute()).rows;
  const ready = client.executeDDL('CREATE TABLE IF NOT EXISTS local_forge_queue (event_id TEXT PRIMARY KEY, due_at INTEGER NOT NULL, event_json TEXT NOT NULL)');
  return {
    save: async (event, dueAt) => { await ready; await run('INSERT OR REPLACE INTO local_forge_queue (event_id, due_at, event_json) VALUES (?, ?, ?)', event.eventId, dueAt, JSON.stringify(event)); },
    remove: async (eventId) => { await ready; await run('DELETE FROM local_forge_queue WHERE event_id = ?', eventId); },
    load: async () => {
      await ready;
      return (await run('SELECT due_at, event_json FROM local_forge_queue ORDER BY due_at, event_id')).map((row) => ({ dueAt: Number(row.due_at), event: JSON.parse(row.event_json) }));
    },
  };
}

// `storage` (host/sqlite.mjs) answers Forge SQL's API, so `@forge/sql` in the handlers works as on Forge.
// `env`: the app's environment variables (Forge: `forge variables set`), set while the platform runs.
export function createPlatform({ jira, allowWrites = false, bundlePath, log = () => {}, storage = null, manifestPath, clock = realClock, env = {} }) {
  const basic = ({ email, token }) => `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
  const authorization = basic(jira);
  const base = jira.url.replace(/\/+$/, '');

  globalThis.__forge_runtime__ = {
    metrics: noopMetrics,
    appContext: { appId: 'steward-local', environmentId: 'local', environmentType: 'DEVELOPMENT', installationId: 'local' },
    lambdaContext: { getRemainingTimeInMillis: () => RESOLVER_LIMIT_MS },
  };
  const previousEnv = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  const { consumers, triggers, schedules } = readManifest(manifestPath);
  let bundle = null;
  const queue = createQueue({ consumers, exportsOf: () => bundle, clock, log, events: storage ? keptEvents(storage.client) : null });

  globalThis.__forge_fetch__ = async ({ remote, provider }, path, init = {}) => {
    if (remote === 'sql' && storage) return storage.answer(path, init);
    if (remote === 'stargate' && path.startsWith('/webhook/queue/')) return queue.answer(path, init);
    if (remote !== 'jira') {
      return new Response(JSON.stringify({ errorMessages: [`the local host only reaches Jira, not \`${remote}\``] }), { status: 501 });
    }
    const method = (init.method ?? 'GET').toUpperCase();
    if (!allowWrites && isWrite(method, path)) {
      log(`refused ${method} ${path} (read-only)`);
      return new Response(JSON.stringify({
        errorMessages: ['the local host is read-only; set STEWARD_ALLOW_WRITES=1 to let Steward change Jira'],
        errors: {},
      }), { status: 403, headers: { 'content-type': 'application/json' } });
    }
    const headers = new Headers(init.headers);
    // asUser() calls go as the person the invocation plays (invoke's `user`), as on Forge.
    headers.set('authorization', provider === 'user' ? (caller.getStore() ?? authorization) : authorization);
    headers.set('accept', 'application/json');
    const started = Date.now();
    const response = await fetch(`${base}${path}`, { ...init, method, headers });
    log(`${provider} ${method} ${path} → ${response.status} (${Date.now() - started} ms)`);
    return response;
  };

  // A fresh copy of the bundle for each platform, like a new Forge container: module-level state
  // (the loaded core, a table created once per container) must not leak from one platform's
  // database to another's when tests start several in one process.
  delete require.cache[require.resolve(bundlePath)];
  bundle = require(bundlePath);
  const { handler } = bundle;
  const restored = queue.restore().catch((error) => log(`queue: could not restore events: ${error.message}`));

  // Product events and scheduled triggers: Forge calls the function with the event and a context
  // without a user. A trigger's function has 25 s, a scheduled one its `timeoutSeconds`.
  const context = { installContext: 'ari:cloud:jira::site/local', license: { isActive: true } };
  async function callFunction(fn, event, limitMs) {
    let timer;
    const limit = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`function \`${fn.exportName}\` ran past its ${limitMs / 1000} s limit`)), limitMs);
    });
    try {
      return await Promise.race([Promise.resolve().then(() => bundle[fn.exportName](event, context)), limit]);
    } finally {
      clearTimeout(timer);
    }
  }
  const scheduleTimers = [];

  return {
    queue,
    // Settles once the events a previous platform left are scheduled again.
    restored,
    // Sends a product event (e.g. `avi:jira:updated:user` with `{user: {accountId}}`) to the
    // functions whose trigger lists it, as Jira would; answers what each returned.
    async fireTrigger(eventType, payload = {}) {
      const targets = triggers.get(eventType) ?? [];
      if (!targets.length) throw new Error(`no trigger in manifest.yml listens to \`${eventType}\``);
      const event = { ...payload, eventType, timestamp: payload.timestamp ?? new Date(clock.now()).toISOString() };
      const answers = [];
      for (const fn of targets) answers.push(await callFunction(fn, event, RESOLVER_LIMIT_MS));
      return answers;
    },
    // Runs a scheduled trigger now (its manifest key).
    async runSchedule(key) {
      const fn = schedules.get(key);
      if (!fn) throw new Error(`no scheduledTrigger \`${key}\` in manifest.yml; known: ${[...schedules.keys()].join(', ')}`);
      return callFunction(fn, { context: { cloudId: 'local', moduleKey: key }, contextToken: 'local' }, fn.timeoutSeconds * 1000);
    },
    schedules: () => [...schedules.entries()].map(([key, { interval }]) => ({ key, interval })),
    // Runs every scheduled trigger on its interval on the platform's clock, first one interval from now.
    startScheduler() {
      for (const [key, { interval }] of schedules) {
        const every = INTERVAL_MS[interval];
        const arm = () => scheduleTimers.push(clock.setTimer(() => {
          this.runSchedule(key).catch((error) => log(`scheduled trigger ${key} failed: ${error.stack ?? error}`));
          arm();
        }, every));
        arm();
      }
    },
    close() {
      for (const cancel of scheduleTimers.splice(0)) cancel();
      queue.close();
      for (const [name, value] of Object.entries(previousEnv)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
    // Calls a resolver function the way Forge does; rejects like a failed invocation would.
    // `user` ({email, token}): whom its asUser() calls act as (default: the host's Jira account).
    async invoke({ functionKey, payload, context, accountId, user = null }) {
      if (user) return caller.run(basic(user), () => this.invoke({ functionKey, payload, context, accountId }));
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`resolver \`${functionKey}\` ran past Forge's 25 s limit`)), RESOLVER_LIMIT_MS);
      });
      try {
        return await Promise.race([
          handler({ call: { functionKey, payload }, context }, {
            principal: { accountId },
            installContext: 'ari:cloud:jira::site/local',
            license: { isActive: true },
          }),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
