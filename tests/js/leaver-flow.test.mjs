// The leaver flow, the daily reconciliation and review run, and the jobs behind them
// (src/forge/jobs/), run by the bundled handlers on the local platform adapter against the
// simulator: a person is deactivated in the simulator, Jira's user event is fired (or not), the
// scheduled trigger runs, and the queue's consumer does the work. A virtual clock lets a test move
// to the next day, and lets a retry's wait pass at once.
import { test } from 'node:test';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlatform } from '../../host/platform.mjs';
import { openSqlite } from '../../host/sqlite.mjs';
import { createStore } from '../../src/forge/storage.js';
import { demoRegistry } from '../../sim/registry.mjs';
import { startSimulator } from '../../sim/server.mjs';
import { virtualClock } from './fixtures/virtual-clock.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const adminPage = { extension: { type: 'jira:adminPage' } };
const DAY = 86_400_000;

// The demo company's registry, with `adjust(entries, people)` applied; a scan; then the first
// daily run (it suspends the demo's helpdesk-bot, whose owner left before the demo starts), so
// each test starts from a reconciled site.
async function setup({ adjust = () => {}, settings = null, env = {}, scanFirst = true } = {}) {
  const clock = virtualClock('2026-11-23T08:01:00Z');
  const sim = await startSimulator({ clock: () => Date.now() });
  const storage = await openSqlite(null);
  const store = createStore(storage.client);
  const named = (name) => sim.world.users.find((u) => u.displayName === name);
  const people = {
    ada: named('Ada Admin'), pat: named('Pat Projectlead'), vic: named('Vic Viewer'),
    // An active person with no email in the demo company: no one signs in as them.
    sam: sim.world.users.find((u) => u.accountType === 'atlassian' && u.active && !u.email && !/bot|svc|integration/.test(u.displayName)),
  };
  const bots = Object.fromEntries(sim.world.users.filter((u) => u.risk).map((u) => [u.displayName, u.accountId]));
  const entries = demoRegistry(sim.world).accounts;
  adjust(entries, people, bots);
  const meta = { by: 'test', at: '2026-11-23T08:00:00Z', action: 'register' };
  for (const entry of entries) await store.put('registry', entry.accountId, entry, { ...meta, expectedVersion: 0 });
  if (settings) await store.put('settings', 'app', settings, { ...meta, expectedVersion: 0, action: 'settings' });
  const platform = createPlatform({
    jira: { url: sim.url, email: people.ada.email, token: people.ada.token }, allowWrites: true,
    bundlePath: join(root, 'host/.build/index.cjs'), storage, clock, env: { STEWARD_SCAN_RPS: '1000', ...env },
  });
  const as = (user) => (functionKey, payload = {}) => platform.invoke({ functionKey, payload, context: adminPage, accountId: user.accountId });
  const admin = as(people.ada);
  const ctx = {
    sim, platform, store, people, bots, admin, as, clock, storage,
    entry: async (id) => (await store.get('registry', id))?.value,
    // The roles and groups an account holds in the simulator now.
    jiraOf(accountId) {
      const user = sim.world.users.find((u) => u.accountId === accountId);
      const roles = sim.world.projects.flatMap((p) => Object.entries(p.actors).filter(([, actors]) => actors.some((a) => a.user === accountId)).map(([role]) => `${p.key}/${role}`));
      return { roles: roles.sort(), groups: [...user.groups].sort() };
    },
    async daily() {
      await platform.runSchedule('daily-reconcile');
      await platform.queue.idle();
    },
    async event(eventType, user) {
      const answers = await platform.fireTrigger(eventType, { user, atlassianId: people.ada.accountId, timestamp: new Date().toISOString() });
      await platform.queue.idle();
      return answers;
    },
    // Moves the clock `days` days on (to 08:01 UTC of that day).
    async later(days) {
      await new Promise((r) => clock.setTimer(r, days * DAY));
    },
    // What the flow changed, without the job bookkeeping: every registry version, the inbox,
    // the comments on issues, the effective Jira writes, and the simulator's memberships.
    async effects() {
      const registry = [];
      for (const { id } of await store.list('registry')) registry.push(...(await store.history('registry', id)).map((v) => ({ id, version: v.version, action: v.action, value: v.value })));
      const inbox = (await store.list('inbox')).map((n) => ({ id: n.id, kind: n.value.kind, message: n.value.message, version: n.version }));
      const writes = [];
      for (const { id } of await store.list('jira-writes')) writes.push(...(await store.history('jira-writes', id)).filter((w) => w.value.ok).map((w) => ({ id, change: w.value.change })));
      const memberships = sim.world.users.filter((u) => u.risk).map((u) => ({ id: u.accountId, ...ctx.jiraOf(u.accountId) }));
      return { registry, inbox, writes, memberships, comments: (sim.world.comments ?? []).map((c) => ({ issue: c.issueKey, body: c.body })) };
    },
    async close() {
      platform.close();
      await platform.queue.idle();
      await sim.close();
      storage.close();
      clock.restore();
    },
  };
  if (!scanFirst) return ctx;
  const started = await admin('startScan');
  assert.equal(started.type, 'success', JSON.stringify(started));
  await platform.queue.idle();
  await ctx.daily();
  return ctx;
}

// Without the version and time fields a rerun would rewrite even when it changes nothing.
const workRuns = (ctx) => ctx.platform.queue.delivered.filter((d) => d.queueName === 'steward-work');

test('the first daily run catches the owner who left before it, without any event: the bot with no backup is suspended and reviewed', async () => {
  const ctx = await setup();
  try {
    const helpdesk = ctx.bots['helpdesk-bot'];
    const entry = await ctx.entry(helpdesk);
    assert.equal(entry.status, 'suspended');
    assert.equal(entry.nextDue, '2026-11-23');
    assert.deepEqual(entry.suspension.removed.map((m) => m.project ? `${m.project}/${m.roleId}` : m.groupId).sort(), ['HR/10100', 'IT/10100', 'SUP/10100', 'a1b2c3d4-0000-4000-8000-000000000005']);
    assert.deepEqual(ctx.jiraOf(helpdesk), { roles: [], groups: [] });
    const inbox = await ctx.admin('inbox');
    assert.equal(inbox.type, 'success');
    const kinds = inbox.result.notices.filter((n) => n.botId === helpdesk).map((n) => n.kind).sort();
    assert.deepEqual(kinds, ['reviewOpened', 'suspended']);
    // The note on the bot's request issue says what happened and why.
    const notes = ctx.sim.world.comments.filter((c) => c.issueKey === 'IT-12');
    assert.equal(notes.length, 1);
    assert.match(JSON.stringify(notes[0].body), /suspended: removed from 4 role\(s\) and group\(s\)/);
    const counts = await ctx.admin('inboxCounts');
    assert.equal(counts.result.open, inbox.result.notices.length);
    assert.equal(counts.result.byKind.suspended, 1);
  } finally {
    await ctx.close();
  }
});

test('an owner deactivated with a user event: one run hands the bot to the backup owner and opens a review; running again, and the next days\' runs, change nothing', async () => {
  const ctx = await setup();
  try {
    const { pat, ada } = ctx.people;
    const bot = ctx.bots['payments-sync-bot'];
    const jiraBefore = ctx.jiraOf(bot);
    ctx.sim.setActive(pat.accountId, false);
    const answers = await ctx.event('avi:jira:updated:user', { accountId: pat.accountId, active: false });
    assert.match(answers[0].queued, /^event:/);
    const entry = await ctx.entry(bot);
    assert.equal(entry.owner, ada.accountId);
    assert.equal(entry.backupOwner, undefined);
    assert.equal(entry.nextDue, '2026-11-23');
    assert.equal(entry.status, 'active');
    assert.deepEqual(ctx.jiraOf(bot), jiraBefore, 'a hand-over changes nothing in Jira');
    const history = await ctx.store.history('registry', bot);
    assert.equal(history.at(-1).action, 'leaver:hand-over');
    assert.match(history.at(-1).why, /Pat Projectlead left \(deactivated in Jira\)/);
    const notices = (await ctx.admin('inbox')).result.notices;
    assert.deepEqual(notices.filter((n) => n.botId === bot).map((n) => n.kind).sort(), ['handOver', 'reviewOpened']);
    // Pat was the backup of the demo's other bots: their owners are asked for a new one.
    assert.ok(notices.some((n) => n.kind === 'findNewBackup' && n.botId === ctx.bots['ci-deploy-bot']));
    assert.equal(ctx.sim.world.comments.filter((c) => c.issueKey === 'PAY-7').length, 1);

    const once = await ctx.effects();
    // The same event again, today's run again, and the runs of the next two days.
    await ctx.event('avi:jira:updated:user', { accountId: pat.accountId, active: false });
    await ctx.daily();
    await ctx.later(1);
    await ctx.daily();
    await ctx.event('avi:jira:deleted:user', { accountId: pat.accountId });
    await ctx.later(1);
    await ctx.daily();
    assert.deepEqual(await ctx.effects(), once);
  } finally {
    await ctx.close();
  }
});

test('the same event delivered twice, and two overlapping daily runs, change nothing twice', async () => {
  const ctx = await setup();
  try {
    const { pat } = ctx.people;
    ctx.platform.queue.setDuplicates(true);
    ctx.sim.setActive(pat.accountId, false);
    const payload = { user: { accountId: pat.accountId, active: false }, timestamp: '2026-11-23T08:05:00.000Z' };
    // Forge may deliver a product event more than once, and a scheduled trigger too.
    await Promise.all([ctx.platform.fireTrigger('avi:jira:updated:user', payload), ctx.platform.fireTrigger('avi:jira:updated:user', payload)]);
    await ctx.platform.queue.idle();
    await ctx.later(1);
    await Promise.all([ctx.platform.runSchedule('daily-reconcile'), ctx.platform.runSchedule('daily-reconcile')]);
    await ctx.platform.queue.idle();
    const bot = ctx.bots['payments-sync-bot'];
    const history = await ctx.store.history('registry', bot);
    assert.deepEqual(history.map((v) => v.action), ['register', 'leaver:hand-over']);
    assert.equal(ctx.sim.world.comments.filter((c) => c.issueKey === 'PAY-7').length, 1);
    const inbox = (await ctx.admin('inbox')).result.notices.filter((n) => n.botId === bot);
    assert.deepEqual(inbox.map((n) => n.kind).sort(), ['handOver', 'reviewOpened']);
    // Each key ran once: every other delivery found it done or running.
    const runs = workRuns(ctx).filter((d) => d.outcome === 'success');
    const keys = runs.map((d) => d.body.key);
    assert.ok(keys.filter((k) => k.startsWith('event:')).length >= 2, 'the event was delivered more than once');
    const claims = await ctx.store.history('job-runs', keys.find((k) => k.startsWith('event:')));
    assert.equal(claims.filter((v) => v.action === 'run:claim').length, 1);
    const daily = await ctx.store.history('job-runs', 'daily:2026-11-24');
    assert.equal(daily.filter((v) => v.action === 'run:claim').length, 1);
  } finally {
    await ctx.close();
  }
});

test('an owner with no backup deactivated without any event is caught by the daily run: the bot is suspended and reviewed; restore leaves Jira exactly as before', async () => {
  const ctx = await setup({
    adjust(entries, people, bots) {
      const statuspage = entries.find((e) => e.accountId === bots['statuspage-bot']);
      statuspage.owner = people.sam.accountId;
      delete statuspage.backupOwner;
      statuspage.requestIssue = 'OPS-55';
    },
  });
  try {
    const bot = ctx.bots['statuspage-bot'];
    const before = ctx.jiraOf(bot);
    assert.ok(before.roles.length > 0 && before.groups.length > 0, JSON.stringify(before));
    ctx.sim.setActive(ctx.people.sam.accountId, false);
    // No event: Jira sends none when a person is deactivated.
    await ctx.later(1);
    await ctx.daily();
    const entry = await ctx.entry(bot);
    assert.equal(entry.status, 'suspended');
    assert.equal(entry.nextDue, '2026-11-24');
    assert.deepEqual(ctx.jiraOf(bot), { roles: [], groups: [] });
    const removed = entry.suspension.removed.map((m) => (m.project ? `${m.project}/${m.roleId}` : m.groupId)).sort();
    assert.deepEqual(removed, [...before.roles, ...before.groups].sort());
    const notices = (await ctx.admin('inbox')).result.notices.filter((n) => n.botId === bot);
    assert.deepEqual(notices.map((n) => n.kind).sort(), ['reviewOpened', 'suspended']);
    assert.match(notices.find((n) => n.kind === 'suspended').decide, /restore it, or retire it/);
    assert.match(JSON.stringify(ctx.sim.world.comments.find((c) => c.issueKey === 'OPS-55').body), /nobody responsible is left|no active backup owner|suspended/);

    const suspended = await ctx.effects();
    await ctx.later(1);
    await ctx.daily();
    assert.deepEqual(await ctx.effects(), suspended, 'the next day\'s run changes nothing');

    const restored = await ctx.admin('restoreBot', { accountId: bot });
    assert.equal(restored.type, 'success', JSON.stringify(restored));
    assert.deepEqual(ctx.jiraOf(bot), before);
    const after = await ctx.entry(bot);
    assert.equal(after.status, 'active');
    assert.equal(after.suspension, undefined);
    const again = await ctx.admin('restoreBot', { accountId: bot });
    assert.equal(again.errors[0].code, 'not-suspended');
  } finally {
    await ctx.close();
  }
});

test('a job that dies midway is retried and ends exactly as an uninterrupted run', async () => {
  const leave = {
    adjust(entries, people, bots) {
      const statuspage = entries.find((e) => e.accountId === bots['statuspage-bot']);
      statuspage.owner = people.sam.accountId;
      delete statuspage.backupOwner;
    },
  };
  const run = async (fault) => {
    const ctx = await setup(leave);
    try {
      ctx.sim.setActive(ctx.people.sam.accountId, false);
      // The first write passes, the second fails: the job stops between two removals.
      if (fault) ctx.sim.setFaults({ failWritesAfter: 1 });
      await ctx.later(1);
      await ctx.daily();
      const leaverRuns = workRuns(ctx).filter((d) => d.body.kind === 'leaver' && d.body.person === ctx.people.sam.accountId);
      const effects = await ctx.effects();
      // Times differ between the two runs; what was done must not.
      for (const v of effects.registry) delete v.value.suspension?.at;
      return { effects, outcomes: leaverRuns.map((d) => d.outcome) };
    } finally {
      await ctx.close();
    }
  };
  const uninterrupted = await run(false);
  const interrupted = await run(true);
  assert.deepEqual(uninterrupted.outcomes, ['success']);
  assert.match(interrupted.outcomes[0], /^retry requested/);
  assert.equal(interrupted.outcomes.at(-1), 'success');
  assert.deepEqual(interrupted.effects, uninterrupted.effects);
});

test('a run whose invocation was killed (its claim older than the function\'s 900 s) is taken over; one still running is delivered again later, not run twice', async () => {
  const ctx = await setup();
  try {
    const meta = (expectedVersion) => ({ expectedVersion, by: 'steward-jobs', at: new Date().toISOString(), action: 'run:claim' });
    // Tomorrow's run was claimed by an invocation that died 20 minutes ago.
    await ctx.store.put('job-runs', 'daily:2026-11-24', { key: 'daily:2026-11-24', kind: 'daily', status: 'running', claimedAt: '2026-11-24T07:41:00.000Z', attempts: 1 }, meta(0));
    await ctx.later(1);
    // Forge delivers the event again after its invocation ended; the trigger pushes nothing new.
    assert.match((await ctx.platform.runSchedule('daily-reconcile')).ignored, /was queued already/);
    const bundle = createRequire(import.meta.url)(join(root, 'host/.build/index.cjs'));
    const redelivered = await bundle.workJob({ body: { kind: 'daily', key: 'daily:2026-11-24' }, queueName: 'steward-work', jobId: 'j', eventId: 'e', retryContext: { retryCount: 1, retryReason: 'FUNCTION_TIME_OUT' } });
    assert.equal(redelivered.checked, 3, JSON.stringify(redelivered));
    await ctx.platform.queue.idle();
    const history = await ctx.store.history('job-runs', 'daily:2026-11-24');
    assert.deepEqual(history.map((v) => v.action), ['run:claim', 'run:claim', 'run:done']);
    assert.match(history[1].why, /never finished/);
    // The day after, a claim made a minute ago: the delivery asks Forge to come back later.
    await ctx.later(1);
    await ctx.store.put('job-runs', 'daily:2026-11-25', { key: 'daily:2026-11-25', kind: 'daily', status: 'running', claimedAt: new Date(Date.now() - 60_000).toISOString(), attempts: 1 }, meta(0));
    assert.match((await ctx.platform.runSchedule('daily-reconcile')).ignored, /daily:2026-11-25 was queued already/);
    // A delivery of its event (Forge may deliver one twice) asks to come back when that
    // invocation's 900 s are over.
    const answer = await bundle.workJob({ body: { kind: 'daily', key: 'daily:2026-11-25' }, queueName: 'steward-work', jobId: 'j', eventId: 'e' });
    assert.equal(answer._retry, true);
    assert.ok(answer.retryOptions.retryAfter > 780 && answer.retryOptions.retryAfter <= 840, JSON.stringify(answer));
    assert.deepEqual((await ctx.store.history('job-runs', 'daily:2026-11-25')).map((v) => v.action), ['run:claim']);
  } finally {
    await ctx.close();
  }
});

test('a job that fails on every try becomes a dead letter the admin page shows, and its retry runs it', async () => {
  const ctx = await setup({
    adjust(entries, people, bots) {
      const statuspage = entries.find((e) => e.accountId === bots['statuspage-bot']);
      statuspage.owner = people.sam.accountId;
      delete statuspage.backupOwner;
    },
  });
  try {
    ctx.sim.setActive(ctx.people.sam.accountId, false);
    ctx.sim.setFaults({ forbiddenProjects: ['OPS'] });
    await ctx.later(1);
    await ctx.daily();
    const dead = await ctx.admin('deadLetters');
    assert.equal(dead.type, 'success');
    assert.equal(dead.result.length, 1);
    const [letter] = dead.result;
    assert.equal(letter.kind, 'leaver');
    assert.equal(letter.attempts, 4);
    assert.match(letter.error.message, /jira answered 403/);
    assert.equal((await ctx.admin('inboxCounts')).result.deadLetters, 1);
    ctx.sim.setFaults({});
    const retried = await ctx.admin('retryJob', { key: letter.key });
    assert.equal(retried.type, 'success', JSON.stringify(retried));
    await ctx.platform.queue.idle();
    assert.equal((await ctx.entry(ctx.bots['statuspage-bot'])).status, 'suspended');
    assert.deepEqual((await ctx.admin('deadLetters')).result, []);
    assert.equal((await ctx.admin('retryJob', { key: letter.key })).errors[0].code, 'unknown-job');
  } finally {
    await ctx.close();
  }
});

test('the review run reports each reminder, due date and grace expiry once however runs are spaced, and applies the default when nobody answered', async () => {
  const ctx = await setup({
    settings: { plan: 'free', review: { remindDaysBefore: [14, 3], graceDays: 14, whenNobodyAnswers: 'suspend', admins: [] } },
    // release-notes-bot sits in Viewers roles that no scheme grant uses, so no scan reads them:
    // the suspension reads every role of every project live (a small site's way, docs/triggers.md).
    adjust(entries, people, bots) {
      entries.find((e) => e.accountId === bots['release-notes-bot']).nextDue = '2026-11-10'; // grace ends 2026-11-24, default on 11-25
      entries.find((e) => e.accountId === bots['ci-deploy-bot']).nextDue = '2026-11-27'; // reminder 11-24, due 11-27
    },
  });
  try {
    const release = ctx.bots['release-notes-bot'];
    const ci = ctx.bots['ci-deploy-bot'];
    const before = ctx.jiraOf(release);
    await ctx.later(3); // 11-26: the 3-day reminder of 11-24 and the grace expiry of 11-25
    await ctx.daily();
    await ctx.later(2); // 11-28: the due date of 11-27
    await ctx.daily();
    await ctx.later(1);
    await ctx.daily();
    const notices = (await ctx.admin('inbox')).result.notices;
    const of = (bot) => notices.filter((n) => n.botId === bot).map((n) => n.id).sort();
    assert.deepEqual(of(ci), [`review:${ci}:2026-11-27:due`, `review:${ci}:2026-11-27:reminder:3`]);
    assert.deepEqual(of(release), [`review:${release}:2026-11-10:defaultApplied`, `review:${release}:2026-11-10:graceExpired`]);
    const entry = await ctx.entry(release);
    assert.equal(entry.status, 'suspended');
    assert.equal(entry.suspension.decisionId, `default:${release}:2026-11-10`);
    assert.deepEqual(ctx.jiraOf(release), { roles: [], groups: [] });
    const removed = entry.suspension.removed.map((m) => (m.project ? `${m.project}/${m.roleId}` : m.groupId)).sort();
    assert.deepEqual(removed, [...before.roles, ...before.groups].sort());
    // The reviewer sees their due reviews when they open the admin page.
    const mine = await ctx.admin('myReviews');
    assert.equal(mine.type, 'success');
    assert.ok(mine.result.items.some((i) => i.accountId === ci), JSON.stringify(mine.result));
    assert.ok(mine.result.items.every((i) => i.reviewer.accountIds.includes(ctx.people.ada.accountId)));
  } finally {
    await ctx.close();
  }
});

test('before the first scan, the leaver job starts one and waits for it, and the review window stays open', async () => {
  const ctx = await setup({ scanFirst: false });
  try {
    await ctx.daily();
    const daily = (await ctx.store.get('job-runs', 'daily:2026-11-23')).value;
    assert.equal(daily.result.reviews.skipped, 'no scan has finished yet');
    assert.equal(await ctx.store.get('job-state', 'review-cursor'), null);
    const leaver = workRuns(ctx).filter((d) => d.body.kind === 'leaver').map((d) => d.body.waits ?? 0);
    assert.deepEqual(leaver, [0, 1], 'the leaver job waited once for the scan it started');
    assert.equal((await ctx.admin('scanStatus')).result.scan.trigger, 'steward-leaver-flow');
    assert.equal((await ctx.entry(ctx.bots['helpdesk-bot'])).status, 'suspended');
  } finally {
    await ctx.close();
  }
});

test('the hourly schedule refreshes the stored scan from the audit log; the same hour twice starts one refresh', async () => {
  const ctx = await setup();
  try {
    const first = (await ctx.admin('scanStatus')).result.data.scanId;
    await ctx.later(1 / 24);
    await Promise.all([ctx.platform.runSchedule('hourly-refresh'), ctx.platform.runSchedule('hourly-refresh')]);
    await ctx.platform.queue.idle();
    const status = (await ctx.admin('scanStatus')).result;
    assert.notEqual(status.data.scanId, first);
    assert.equal(status.data.mode, 'incremental');
    assert.equal(status.scan.trigger, 'steward-hourly-refresh');
    const [hour] = workRuns(ctx).filter((d) => d.body.kind === 'hourly').map((d) => d.body.key);
    const claims = await ctx.store.history('job-runs', hour);
    assert.equal(claims.filter((v) => v.action === 'run:claim').length, 1);
  } finally {
    await ctx.close();
  }
});

test('a user event for someone responsible for no bot, or not a user event, queues no leaver job', async () => {
  const ctx = await setup();
  try {
    const vic = ctx.people.vic;
    ctx.sim.setActive(vic.accountId, false);
    const before = await ctx.effects();
    const delivered = workRuns(ctx).length;
    await ctx.event('avi:jira:updated:user', { accountId: vic.accountId, active: false });
    assert.deepEqual(workRuns(ctx).slice(delivered).map((d) => d.body.kind), ['user-event']);
    assert.deepEqual(await ctx.effects(), before);
    const bundle = createRequire(import.meta.url)(join(root, 'host/.build/index.cjs'));
    assert.match((await bundle.userEvent({ eventType: 'avi:jira:created:issue' })).ignored, /not a user event/);
    assert.match((await bundle.userEvent({ eventType: 'avi:jira:updated:user', user: { accountId: '../x' } })).ignored, /no account id/);
  } finally {
    await ctx.close();
  }
});

test('the jobs\' resolvers refuse a caller who is not a Jira admin, and name a bad field', async () => {
  const ctx = await setup();
  try {
    const [notice] = (await ctx.admin('inbox')).result.notices;
    // Locally asUser acts as the platform's account: a platform with Vic's token is Vic.
    const asVic = createPlatform({
      jira: { url: ctx.sim.url, email: ctx.people.vic.email, token: ctx.people.vic.token },
      bundlePath: join(root, 'host/.build/index.cjs'), storage: ctx.storage, clock: ctx.clock,
    });
    const vic = (functionKey, payload) => asVic.invoke({ functionKey, payload, context: adminPage, accountId: ctx.people.vic.accountId });
    for (const name of ['inbox', 'inboxCounts', 'inboxHandle', 'myReviews', 'deadLetters', 'retryJob', 'runSchedule', 'restoreBot']) {
      const answer = await vic(name, {});
      assert.equal(answer.errors?.[0]?.code, 'forbidden', `${name}: ${JSON.stringify(answer)}`);
    }
    asVic.close();
    // Ada's platform again (a platform installs the process's Forge globals).
    ctx.platform = createPlatform({
      jira: { url: ctx.sim.url, email: ctx.people.ada.email, token: ctx.people.ada.token }, allowWrites: true,
      bundlePath: join(root, 'host/.build/index.cjs'), storage: ctx.storage, clock: ctx.clock,
    });
    const admin = (functionKey, payload = {}) => ctx.platform.invoke({ functionKey, payload, context: adminPage, accountId: ctx.people.ada.accountId });
    ctx.admin = admin;
    assert.match((await ctx.admin('runSchedule', { schedule: 'weekly' })).errors[0].message, /`schedule` must be "daily" or "hourly"/);
    assert.match((await ctx.admin('restoreBot', { accountId: '../../x' })).errors[0].message, /`accountId`/);
    assert.match((await ctx.admin('inbox', { extra: 1 })).errors[0].message, /unknown field `extra`/);
    const handled = await ctx.admin('inboxHandle', { id: notice.id, version: notice.version });
    assert.equal(handled.type, 'success', JSON.stringify(handled));
    assert.equal((await ctx.admin('inboxHandle', { id: notice.id, version: notice.version })).errors[0].code, 'conflict');
  } finally {
    await ctx.close();
  }
});
