// The app's work with nobody present: the leaver flow, the daily reconciliation and review run, and
// the hourly refresh. Forge's user events and scheduled triggers only enqueue (a trigger has 25 s,
// and Forge retries neither a trigger nor a schedule); the `work-job` consumer (900 s) does the
// work, one job per event of the `steward-work` queue:
//
//   user-event  the accounts an `avi:jira:updated:user` / `deleted:user` names: their `active` flag
//               read live; each one gone who owns or backs up a bot gets a leaver job.
//   daily       every owner's and backup owner's `active` flag read in bulk (Forge sends no event
//               when a person is deactivated, so this is what catches a leaver); leaver jobs for
//               the gone; then the review engine over the days since the last run.
//   leaver      the core's leaver plan for one person, executed (leaver.js).
//   hourly      the stored scan refreshed from the audit log (the scan service's refresh, paced to
//               its share of the points quota), which stores again what the pages read.
//
// Each job has a key (runs.js) — the event's hash, the run day, the hour, the leaver and day — so
// a duplicate delivery or two overlapping runs change nothing twice; each step is itself safe to
// repeat, so a job that died halfway and is retried ends as an uninterrupted one would.
import { createHash } from 'node:crypto';
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { core } from '../core.js';
import { withLoaded } from '../scans/decode.js';
import { createEffects, JobError, today } from './effects.js';
import { createInbox } from './inbox.js';
import { createJira } from './jira.js';
import { createLeaver } from './leaver.js';
import { createRuns } from './runs.js';

export const WORK_QUEUE = 'steward-work';
// Tries of a job before it becomes a dead letter; the waits between them double from a minute.
export const MAX_ATTEMPTS = 4;
// A leaver job waits this long, at most this often, for the first scan to finish.
const SNAPSHOT_WAIT_S = 900;
const SNAPSHOT_WAITS = 16;
const LEAVER = 'steward-leaver-flow';
const CURSOR = ['job-state', 'review-cursor'];
const DUE = ['job-state', 'reviews-due'];
const ACCOUNT = /^[A-Za-z0-9:._-]{1,128}$/;
const USER_EVENTS = new Set(['avi:jira:updated:user', 'avi:jira:deleted:user']);

const dayBefore = (day) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const hash = (value) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);

// `requester`: `api.asApp()`; `scans()`: the scan service (for the hourly refresh).
export function createWork({ store, blobs, queue, requester, scans, log = console.log }) {
  const runs = createRuns({ store });
  const inbox = createInbox({ store });

  async function registryText() {
    const records = await store.list('registry');
    return { records, text: JSON.stringify({ registryVersion: 1, accounts: records.map((r) => r.value) }) };
  }
  const settingsText = async () => {
    const record = await store.get('settings', 'app');
    return record ? JSON.stringify(record.value) : '';
  };
  // The latest stored snapshot decoded whole (governance reads people too), or null before the first scan.
  async function withSnapshot(use) {
    const entry = (await store.get('scan', 'state'))?.value?.snapshots?.[0];
    if (!entry) return null;
    return withLoaded(blobs.chunks(entry.blob), {}, use);
  }
  // The pages' stored products follow the registry (scans/recompute.js); a failure there is not
  // the job's: the next registry change or scan recomputes them.
  async function recompute(reason) {
    try {
      await scans().recompute(reason.replace(/[\u0000-\u001f]/g, ' ').slice(0, 200));
    } catch (error) {
      log(`steward: could not queue the recompute of the pages' products: ${error.message}`);
    }
  }
  const push = (body, delayInSeconds = 0) => queue.push({ body, ...(delayInSeconds ? { delayInSeconds } : {}) });

  // People responsible for a bot in force, and who of them Jira says are gone now.
  async function reconcile(onlyThese) {
    const { records } = await registryText();
    const inForce = records.map((r) => r.value).filter((e) => e.status !== 'retired');
    const responsible = new Set(inForce.flatMap((e) => [e.owner, e.backupOwner]).filter((id) => typeof id === 'string' && ACCOUNT.test(id)));
    const asked = onlyThese ? onlyThese.filter((id) => responsible.has(id)) : [...responsible];
    const jira = createJira(requester);
    const active = asked.length ? await jira.activity(asked) : new Map();
    const gone = asked.filter((id) => active.get(id) !== true).sort();
    return { gone, checked: asked.length, calls: jira.calls.count };
  }

  async function queueLeavers(gone, day) {
    for (const person of gone) await push({ kind: 'leaver', key: `leaver:${person}:${day}`, person, gone });
  }

  async function leaverJob(body) {
    const { text: registry } = await registryText();
    const settings = await settingsText();
    const plan = await withSnapshot((loaded) => loaded.leaver(registry, settings, body.person, today(), JSON.stringify(body.gone ?? [])));
    if (plan === null) {
      const waits = (body.waits ?? 0) + 1;
      if (waits > SNAPSHOT_WAITS) throw new JobError('no-snapshot', 'no scan has finished, so the bots at stake are unknown: start a scan on the admin page');
      await scans().start(LEAVER).catch((error) => log(`steward: could not start a scan for the leaver flow: ${error.message}`));
      // A key of its own: this run ends done (waiting), the next one runs.
      await push({ ...body, key: `${body.key.replace(/:wait\d+$/, '')}:wait${waits}`, waits }, SNAPSHOT_WAIT_S);
      return { waiting: 'for the first scan' };
    }
    if (plan.type !== 'success') throw new JobError(plan.errors?.[0]?.code ?? 'core', plan.errors?.[0]?.message ?? 'the leaver plan failed');
    const jira = createJira(requester);
    const people = new Set([body.person]);
    for (const bot of plan.result.bots) {
      for (const a of bot.actions) {
        if (a.to) people.add(a.to);
        if (a.ask) people.add(a.ask);
        for (const id of a.reviewer?.accountIds ?? []) people.add(id);
      }
    }
    const names = await jira.names([...people]);
    const nameOf = (id) => names.get(id) ?? (id === plan.result.accountId ? plan.result.displayName : null) ?? id ?? '';
    const effects = createEffects({ store, jira, requester, as: 'app', by: LEAVER });
    const execute = createLeaver({ effects, inbox, jira, store, log });
    const did = await execute(plan.result, nameOf);
    if (did.some((d) => d.did.length)) await recompute(`leaver flow: ${nameOf(body.person)} left`);
    return { person: body.person, bots: did.length, calls: jira.calls.count };
  }

  // The review engine over (last run's day, today]: reminders, due dates, grace expiries, each
  // reported once; the configured default applied where nobody answered.
  async function reviewRun() {
    const day = today();
    const cursor = await store.get(...CURSOR);
    const since = cursor?.value?.day ?? dayBefore(day);
    const { text: registry } = await registryText();
    const settings = await settingsText();
    const events = since < day ? core().reviewEvents(registry, settings, since, day) : { type: 'success', result: [] };
    if (events.type !== 'success') throw new JobError(events.errors?.[0]?.code ?? 'core', events.errors?.[0]?.message ?? 'the review events failed');
    const jira = createJira(requester);
    const effects = createEffects({ store, jira, requester, as: 'app', by: 'steward-review-run' });
    const counts = { reminders: 0, due: 0, graceExpired: 0, applied: 0 };
    // Reviewers and defaults need the site (who is active, what a bot holds): before the first
    // scan the window stays open, and the first run after it reports what fell in it.
    const ran = await withSnapshot(async (loaded) => {
      const dueList = loaded.reviewDue(registry, settings, day);
      if (dueList.type === 'success') {
        const at = await store.get(...DUE);
        await store.put(...DUE, { day, items: dueList.result }, { expectedVersion: at?.version ?? 0, by: 'steward-review-run', at: new Date().toISOString(), action: 'reviews:due' });
      }
      const who = new Map((dueList.result ?? []).map((d) => [d.accountId, d]));
      for (const event of events.result) {
        const item = who.get(event.accountId);
        const botName = item?.displayName || event.accountId;
        const base = `review:${event.accountId}:${event.due}`;
        const reviewers = item?.reviewer?.accountIds ?? [];
        if (event.kind === 'reminder') {
          counts.reminders += 1;
          await inbox.notify({ id: `${base}:reminder:${event.daysBefore}`, kind: 'reminder', botId: event.accountId, botName, reviewers, message: `The review of ${botName} is due on ${event.due}, in ${event.daysBefore} day(s).`, decide: null });
        } else if (event.kind === 'due') {
          counts.due += 1;
          await inbox.notify({ id: `${base}:due`, kind: 'due', botId: event.accountId, botName, reviewers, message: `The review of ${botName} is due today (${event.due}).`, decide: `Keep, reduce, suspend or retire ${botName}.` });
        } else if (event.kind === 'graceExpired') {
          counts.graceExpired += 1;
          await inbox.notify({ id: `${base}:graceExpired`, kind: 'graceExpired', botId: event.accountId, botName, reviewers, message: `Nobody answered the review of ${botName} due on ${event.due} within the grace period; the configured default is "${event.action}".`, decide: event.action === 'notify' ? `Review ${botName} now.` : null });
          if (event.action !== 'notify') {
            const decision = { id: `default:${event.accountId}:${event.due}`, accountId: event.accountId, decision: event.action, by: 'steward (nobody answered the review)', answersDue: event.due };
            const outcome = loaded.reviewDecide(registry, settings, JSON.stringify(decision), day);
            if (outcome.type !== 'success') {
              // Answered in time (stale), or applied by an earlier run: nothing to do.
              log(`steward: default for ${event.accountId} not applied: ${outcome.errors?.[0]?.message}`);
              continue;
            }
            const removed = await effects.suspend({
              accountId: event.accountId, decisionId: decision.id, removes: outcome.result.jiraChanges, why: `nobody answered the review due ${event.due}`,
              entryAfter: (_current, list) => ({ ...outcome.result.entry, suspension: { ...outcome.result.entry.suspension, removed: list } }),
            });
            counts.applied += 1;
            await inbox.notify({ id: `${base}:defaultApplied`, kind: 'defaultApplied', botId: event.accountId, botName, removed, message: `${botName} was ${event.action === 'retire' ? 'retired' : 'suspended'} because nobody answered its review due on ${event.due}: removed from ${removed.length} role(s) and group(s), recorded for restore.`, decide: `Restore ${botName} if it is still needed.` });
          }
        }
      }
      return true;
    });
    if (!ran) return { since, day, skipped: 'no scan has finished yet' };
    if (counts.applied) await recompute(`review run: ${counts.applied} default(s) applied`);
    if (since < day) {
      await store.put(...CURSOR, { day }, { expectedVersion: cursor?.version ?? 0, by: 'steward-review-run', at: new Date().toISOString(), action: 'reviews:cursor', why: `events of (${since}, ${day}]` });
    }
    return { since, day, ...counts, calls: jira.calls.count };
  }

  const work = {
    async 'user-event'(body) {
      const { gone, checked, calls } = await reconcile(body.accountIds);
      await queueLeavers(gone, today());
      return { checked, gone, calls };
    },
    async daily() {
      const { gone, checked, calls } = await reconcile(null);
      await queueLeavers(gone, today());
      return { checked, gone, calls, reviews: await reviewRun() };
    },
    leaver: leaverJob,
    async hourly() {
      const status = await scans().start('steward-hourly-refresh');
      return { started: status.started, scanId: status.scan?.scanId ?? null, mode: status.scan?.mode ?? null };
    },
  };

  // The consumer: claims the job's key, runs it, and answers Forge — a retry request while another
  // invocation holds the key or after a failure, nothing more after the last try (a dead letter).
  async function consume(event) {
    const body = event?.body ?? {};
    const run = work[body.kind];
    if (!run || typeof body.key !== 'string') return { ignored: `unknown job \`${String(body.kind).slice(0, 40)}\`` };
    const claim = await runs.claim(body.key, body.kind);
    if (claim.ignored) return claim;
    if (claim.busyMs) return new InvocationError({ retryAfter: Math.min(900, Math.ceil(claim.busyMs / 1000)), retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
    try {
      const result = await run(body);
      await runs.done(body.key, claim.claimed, result);
      return result;
    } catch (error) {
      const failure = { code: error.code ?? 'job', message: String(error.message ?? error).slice(0, 1000) };
      const tries = (event.retryContext?.retryCount ?? 0) + 1;
      log(`steward: job ${body.key} failed (try ${tries} of ${MAX_ATTEMPTS}): ${failure.message}`);
      if (tries >= MAX_ATTEMPTS) {
        await runs.dead(body.key, claim.claimed, { kind: body.kind, body, error: failure, attempts: tries });
        await inbox.notify({ id: `dead:${hash(body.key)}:${claim.claimed.attempts}`, kind: 'deadLetter', botId: null, botName: null, jobKey: body.key, message: `The ${body.kind} job ${body.key} failed ${tries} times: ${failure.message}`, decide: 'Fix the cause and press Retry on the failed job.' });
        return { dead: failure };
      }
      await runs.failed(body.key, claim.claimed, failure);
      return new InvocationError({ retryAfter: Math.min(900, 60 * 2 ** (tries - 1)), retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
    }
  }

  // The trigger on user events: enqueues a reconciliation of the accounts the event names.
  async function userEvent(event) {
    if (!USER_EVENTS.has(event?.eventType)) return { ignored: `not a user event: \`${String(event?.eventType).slice(0, 60)}\`` };
    const accountId = event.user?.accountId;
    if (typeof accountId !== 'string' || !ACCOUNT.test(accountId)) return { ignored: 'the event names no account id' };
    // The same delivery twice has the same hash; a later change of the same person another.
    const key = `event:${hash([event.eventType, accountId, event.timestamp ?? null, event.user?.active ?? null])}`;
    if (await runs.get(key)) return { ignored: `event ${key} was handled already` };
    await push({ kind: 'user-event', key, eventType: event.eventType, accountIds: [accountId] });
    return { queued: key };
  }

  // A scheduled trigger: one key per run day (daily) or hour (hourly).
  async function schedule(kind) {
    const now = new Date().toISOString();
    const key = kind === 'daily' ? `daily:${now.slice(0, 10)}` : `hourly:${now.slice(0, 13)}`;
    if (await runs.get(key)) return { ignored: `run ${key} was queued already` };
    await push({ kind, key });
    return { queued: key };
  }

  return {
    consume,
    userEvent,
    schedule,
    inbox,
    runs,
    // Pushes a dead letter's job again, as a new try of the same key.
    async retry(key, by) {
      const letter = await runs.retried(key, by);
      if (!letter) return null;
      await push(letter.body);
      return { key, queued: true };
    },
    // The reviews stored by the last daily run whose reviewer is `accountId`.
    async reviewsOf(accountId) {
      const due = (await store.get(...DUE))?.value;
      if (!due) return { day: null, items: [] };
      return { day: due.day, items: due.items.filter((item) => item.reviewer.accountIds.includes(accountId)) };
    },
    // Puts back what a suspension removed, through Jira as `requester` (the admin who asks).
    async restore(accountId, userRequester, by) {
      const jira = createJira(userRequester);
      const effects = createEffects({ store, jira, requester: userRequester, as: 'user', by });
      const restored = await effects.restore(accountId, 'an admin restored the bot');
      const name = (await jira.names([accountId])).get(accountId) ?? accountId;
      await inbox.notify({ id: `restored:${restored.decisionId}`, kind: 'restored', botId: accountId, botName: name, message: `${name} was restored: ${restored.restored.length} membership(s) put back.`, decide: null });
      return restored;
    },
  };
}
