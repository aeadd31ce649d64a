// The admin console's resolvers (docs/admin-console.md) over a stored scan of the demo company,
// through the bundled handlers on the local platform: answers checked against the core's own
// answers on the same snapshot, refusals of a caller without ADMINISTER, bad input, and the
// recompute after a registry change (no rescan).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlatform } from '../../host/platform.mjs';
import { openSqlite } from '../../host/sqlite.mjs';
import { createBlobStore } from '../../src/forge/blobs.js';
import { createStore } from '../../src/forge/storage.js';
import { startSimulator } from '../../sim/server.mjs';
import { demoRegistry } from '../../sim/registry.mjs';
import { hasProject, projectIndices } from '../../shared/project-sets.js';
import { groupFindings } from '../../src/forge/console-findings.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { Queue } = createRequire(import.meta.url)('@forge/events');
const steward = await import(join(root, 'pkg/steward.js'));
steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

const adminPage = { extension: { type: 'jira:adminPage' } };
const contextOf = (sim) => ({ ...adminPage, siteUrl: sim.url });
const RESOLVERS = {
  consoleOverview: {},
  consoleAccounts: {},
  consoleAccount: { accountId: 'x' },
  consoleFindings: {},
  consoleExport: { kind: 'findings', format: 'csv' },
};
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];

let ctx;
before(async () => {
  const sim = await startSimulator();
  const storage = await openSqlite(null);
  const store = createStore(storage.client);
  const users = Object.fromEntries(['ada', 'vic'].map((name) => [name, sim.world.users.find((u) => u.email?.startsWith(`${name}@`))]));
  const registry = demoRegistry(sim.world);
  for (const entry of registry.accounts) {
    await store.put('registry', entry.accountId, entry, { expectedVersion: 0, by: 'test', at: '2026-11-23T00:00:00Z', action: 'register' });
  }
  const platformAs = (user) => createPlatform({
    jira: { url: sim.url, email: user.email, token: user.token },
    bundlePath: join(root, 'host/.build/index.cjs'),
    storage,
    env: { STEWARD_SCAN_RPS: '1000' },
  });
  const platform = platformAs(users.ada);
  const as = (p, user) => (functionKey, payload) => p.invoke({ functionKey, payload, context: contextOf(sim), accountId: user.accountId });
  ctx = {
    sim, storage, store, platform, users, registry,
    blobs: createBlobStore(storage.client),
    admin: as(platform, users.ada),
    async asVic(run) {
      const vic = platformAs(users.vic);
      try {
        await run(as(vic, users.vic));
      } finally {
        vic.close();
      }
    },
    async scan() {
      const started = await this.admin('startScan', {});
      assert.equal(started.type, 'success', JSON.stringify(started));
      await platform.queue.idle();
    },
    async state() {
      return (await store.get('scan', 'state')).value;
    },
    // The core's own answers on the stored snapshot, with the registry as stored now.
    async core() {
      const state = await this.state();
      const reader = new steward.SnapshotReader();
      reader.push(await this.blobs.get(state.snapshots[0].blob));
      const loaded = reader.finish();
      const accounts = (await store.list('registry')).map((r) => r.value).sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
      return { loaded, registry: JSON.stringify({ registryVersion: 1, accounts }), now: new Date().toISOString().slice(0, 10) };
    },
  };
});
after(async () => {
  ctx.platform.close();
  await ctx.platform.queue.idle();
  await ctx.sim.close();
  ctx.storage.close();
});

const ok = (answer) => {
  assert.equal(answer.type, 'success', JSON.stringify(answer.errors));
  return answer.result;
};
const byName = (name) => ctx.sim.world.users.find((u) => u.displayName === name);

test('before the first scan every console resolver says no scan has finished', async () => {
  for (const [key, payload] of Object.entries(RESOLVERS)) {
    const answer = await ctx.admin(key, payload);
    assert.equal(answer.type, 'failure', key);
    assert.equal(answer.errors[0].code, 'no-snapshot', key);
  }
});

test('the overview counts what the core finds on the stored snapshot', async () => {
  await ctx.scan();
  const overview = ok(await ctx.admin('consoleOverview', {}));
  const { loaded, registry, now } = await ctx.core();
  const report = loaded.findings(registry, '', now);
  loaded.free();
  assert.equal(overview.findings.total, report.result.findings.length);
  assert.deepEqual(overview.findings.bySeverity, report.result.counts);
  const active = ctx.sim.world.users.filter((u) => u.accountType === 'app' && u.appType === 'service' && u.active);
  assert.deepEqual({ plan: overview.quota.plan, limit: overview.quota.limit, used: overview.quota.used }, { plan: 'free', limit: 5, used: active.length });
  assert.equal(overview.quota.over, true);
  assert.deepEqual(overview.jiraAdmins.map((a) => a.displayName), ['jira-admin-bot']);
  const shadows = overview.shadow.accounts.map((a) => a.displayName);
  for (const name of ['svc-jenkins', 'integration.user', 'svc-reporting']) assert.ok(shadows.includes(name), `${name} in ${shadows}`);
  assert.equal(overview.shadow.licenceSaving, overview.shadow.accounts.length);
  assert.equal(overview.changes, null, 'nothing to compare the first scan with');
  assert.equal(overview.lastScan.coverage.projects, ctx.sim.world.projects.length);
  assert.equal(overview.products.revision, 0);
  assert.equal(overview.products.asOf, now);
  assert.ok(overview.reviews.overdue + overview.reviews.graceExpired + overview.reviews.never >= 2, JSON.stringify(overview.reviews));
  assert.equal(overview.permissionNames.BROWSE_PROJECTS.type, 'PROJECT');
  assert.match(overview.permissionNames.BROWSE_PROJECTS.name, /browse projects/i);
});

test('the accounts table has every non-human account and the shadow suspects, with their highest finding', async () => {
  const table = ok(await ctx.admin('consoleAccounts', {}));
  const bots = ctx.sim.world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType));
  for (const bot of bots) assert.ok(table.rows.some((r) => r.accountId === bot.accountId), bot.displayName);
  const jenkins = table.rows.find((r) => r.displayName === 'svc-jenkins');
  assert.equal(jenkins.kind, 'shadow');
  assert.equal(jenkins.shadow, 'confirmed', 'registered, so confirmed');
  const admin = table.rows.find((r) => r.displayName === 'jira-admin-bot');
  assert.deepEqual(admin.highest, { rule: 'global-admin', severity: 'critical' });
  assert.equal(admin.jiraAdmin, 'yes');
  const deploy = table.rows.find((r) => r.displayName === 'ci-deploy-bot');
  assert.equal(deploy.status, 'active');
  assert.equal(table.owners[deploy.owner], 'Ada Admin');
  assert.equal(table.rows.find((r) => r.displayName === 'old-migration-bot').status, 'inactive');
  assert.equal(table.rows.find((r) => r.displayName === 'sandbox-bot').status, 'unregistered');
  // Each row's projects are the ones the core's analysis gives it some permission in.
  const analysis = steward.analyze(await ctx.blobs.get((await ctx.state()).snapshots[0].blob), JSON.stringify({ skipTransitions: true }));
  for (const entry of analysis.accounts) {
    const row = table.rows.find((r) => r.accountId === entry.accountId);
    const set = table.projectSets[row.projectSet];
    const keys = projectIndices(set).map((p) => table.projects[p]);
    assert.deepEqual(keys, entry.projects.filter((p) => Object.keys(p.permissions).length).map((p) => p.key), entry.displayName);
    assert.equal(row.projectCount, keys.length);
    assert.equal(set.count, keys.length);
    table.projects.forEach((key, i) => assert.equal(hasProject(set, i), keys.includes(key), `${entry.displayName} ${key}`));
  }
  // Bots reaching most projects carry a bitmap, not a list.
  assert.ok(table.projectSets.some((s) => s.bits), 'some bot reaches enough projects for a bitmap');
  const severities = table.rows.filter((r) => r.highest).map((r) => r.highest.severity);
  assert.ok(severities.every((s) => SEVERITIES.includes(s)));
});

test("one account: registry facts, findings, the access grid with paths as data, and why not from the stored grants", async () => {
  const bot = byName('payments-sync-bot');
  const answer = ok(await ctx.admin('consoleAccount', { accountId: bot.accountId }));
  assert.equal(answer.account.displayName, 'payments-sync-bot');
  assert.equal(answer.registry.entry.requestIssue, 'PAY-7');
  assert.match(answer.registry.requestIssueUrl, /\/browse\/PAY-7$/);
  assert.equal(answer.registry.people[answer.registry.entry.owner].displayName, 'Pat Projectlead');
  assert.ok(answer.findings.some((f) => f.rule === 'direct-user-grant'), JSON.stringify(answer.findings.map((f) => f.rule)));
  // Each rule's text once, not per finding.
  for (const f of answer.findings) assert.ok(answer.rules[f.rule].reason && answer.rules[f.rule].fix && answer.rules[f.rule].title, f.rule);
  assert.equal(answer.findings[0].reason, undefined);
  assert.deepEqual(answer.history.map((v) => v.version), [1]);

  const { access } = answer;
  const pay = access.projects.findIndex((p) => p.key === 'PAY');
  assert.ok(pay >= 0);
  const cell = access.cells.find((c) => c.projects.includes(pay));
  const set = access.sets[cell.set];
  const browse = set.permissions.BROWSE_PROJECTS.map((i) => access.paths[i]);
  assert.ok(browse.some((p) => p.via.kind === 'user' && p.origin.kind === 'grant' && p.origin.schemeName === 'Finance restricted scheme'), JSON.stringify(browse));

  // An empty cell: the grants of the project's scheme that would give it, the same ones the
  // core's why-not names.
  const { loaded } = await ctx.core();
  const scheme = answer.whyNot.schemes[access.projects[pay].schemeId];
  const missing = Object.keys(scheme.grants).find((k) => !set.permissions[k]);
  assert.ok(missing, 'the finance scheme grants something this bot lacks');
  const why = loaded.whyNot(bot.accountId, 'PAY', missing);
  loaded.free();
  const stored = scheme.grants[missing];
  assert.ok(stored.length > 0);
  assert.deepEqual(stored.map((g) => g.grant).sort(), why.result.options.map((o) => o.grant).sort());
  assert.ok(stored.every((g) => g.holder.kind), JSON.stringify(stored));
  const role = stored.find((g) => g.holder.kind === 'role');
  if (role) assert.ok(role.holder.name && role.holder.id);
});

test('an account with security levels and transitions carries them in its cells', async () => {
  const answer = ok(await ctx.admin('consoleAccount', { accountId: byName('helpdesk-bot').accountId }));
  const levels = answer.access.sets.flatMap((s) => s.securityLevels ?? []);
  assert.ok(levels.some((l) => l.name === 'HR only'), JSON.stringify(levels));
  const statuspage = ok(await ctx.admin('consoleAccount', { accountId: byName('statuspage-bot').accountId }));
  const transitions = statuspage.access.sets.flatMap((s) => s.transitions ?? []);
  assert.ok(transitions.length > 0);
  assert.ok(transitions.every((t) => ['passes', 'fails', 'conditional', 'unknown'].includes(t.result)));
});

test('findings are grouped by rule and filtered by severity and project', async () => {
  const all = ok(await ctx.admin('consoleFindings', {}));
  assert.equal(all.groups.reduce((n, g) => n + g.count, 0), all.total);
  assert.ok(all.groups.every((g) => g.reason && g.fix && g.title));
  const order = all.groups.map((g) => SEVERITIES.indexOf(g.severity));
  assert.deepEqual(order, [...order].sort((a, b) => b - a), 'most severe first');
  const high = ok(await ctx.admin('consoleFindings', { severity: 'high' }));
  assert.ok(high.total < all.total);
  assert.ok(high.groups.every((g) => g.items.every((i) => SEVERITIES.indexOf(i.severity) >= 3)));
  // The unfiltered answer (grouped by the job) is the grouping of the whole report.
  const report = JSON.parse(ok(await ctx.admin('consoleExport', { kind: 'findings', format: 'json' })).text);
  assert.deepEqual(all.groups, groupFindings(report.findings).groups);
  const pay = ok(await ctx.admin('consoleFindings', { project: 'PAY' }));
  assert.ok(pay.total > 0);
  assert.ok(pay.groups.every((g) => g.projects.every((p) => p === 'PAY')));
});

test('exports: findings CSV rows match the findings, the report is the audit Markdown, one account access as CSV', async () => {
  const findings = ok(await ctx.admin('consoleFindings', {}));
  const csv = ok(await ctx.admin('consoleExport', { kind: 'findings', format: 'csv' }));
  assert.equal(csv.mimeType, 'text/csv');
  assert.match(csv.fileName, /^steward-findings-\d{8}\.csv$/);
  const lines = csv.text.split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'severity,rule,accountId,displayName,project,message,fix');
  assert.equal(lines.length - 1, findings.total);
  const json = JSON.parse(ok(await ctx.admin('consoleExport', { kind: 'findings', format: 'json' })).text);
  assert.equal(json.findings.length, findings.total);
  for (const [i, f] of json.findings.entries()) assert.ok(lines[i + 1].startsWith(`${f.severity},${f.rule},`), lines[i + 1]);

  const report = ok(await ctx.admin('consoleExport', { kind: 'report', format: 'markdown' }));
  assert.equal(report.mimeType, 'text/markdown');
  assert.match(report.text, /^# Steward audit of /);
  assert.match(report.text, /## Findings/);

  const inventory = ok(await ctx.admin('consoleExport', { kind: 'inventory', format: 'csv' }));
  assert.match(inventory.text, /^accountId,displayName,kind,status,owner,/);
  const table = ok(await ctx.admin('consoleAccounts', {}));
  assert.equal(inventory.text.split('\r\n').filter(Boolean).length - 1, table.rows.length);

  const bot = byName('ci-deploy-bot');
  const detail = ok(await ctx.admin('consoleAccount', { accountId: bot.accountId }));
  const one = ok(await ctx.admin('consoleExport', { kind: 'access-account', format: 'csv', accountId: bot.accountId }));
  const cells = detail.access.cells.reduce((n, c) => n + c.projects.length * Object.keys(detail.access.sets[c.set].permissions).length, 0);
  assert.equal(one.text.split('\r\n').filter(Boolean).length - 1, cells);
  const whole = ok(await ctx.admin('consoleExport', { kind: 'access', format: 'csv' }));
  assert.ok(whole.text.includes(one.text.split('\r\n')[1]), 'the whole access export holds each account row');
});

test('CSV exports defuse cells a spreadsheet would run, through the core as the CLI does', () => {
  const written = steward.toCsv(JSON.stringify({ header: ['name'], rows: [['=HYPERLINK("x")'], ['+1'], ['-2'], ['@SUM(A1)'], ['plain']] }));
  assert.equal(written.result, "name\r\n\"'=HYPERLINK(\"\"x\"\")\"\r\n'+1\r\n'-2\r\n'@SUM(A1)\r\nplain\r\n");
});

test('every console resolver refuses bad input, naming the field', async () => {
  const refused = async (key, payload, pattern) => {
    const answer = await ctx.admin(key, payload);
    assert.equal(answer.type, 'failure', `${key} ${JSON.stringify(payload)}`);
    assert.equal(answer.errors[0].code, 'bad-input', `${key}: ${JSON.stringify(answer.errors)}`);
    assert.match(answer.errors[0].message, pattern);
  };
  for (const key of ['consoleOverview', 'consoleAccounts']) {
    await refused(key, { offset: 1 }, /unknown field `offset`/);
    await refused(key, 'x', /the payload must be an object/);
  }
  for (const accountId of [undefined, 7, '', 'a'.repeat(129), '<script>', "x' OR 1=1", ['a']]) {
    await refused('consoleAccount', { accountId }, /^`accountId` must be/);
  }
  await refused('consoleAccount', { accountId: 'a', project: 'PAY' }, /unknown field `project`/);
  for (const severity of ['HIGH', 'severe', 3, '']) await refused('consoleFindings', { severity }, /^`severity` must be one of/);
  for (const project of ['pay', 'PAY-1', 7, 'A'.repeat(300)]) await refused('consoleFindings', { project }, /^`project` must be/);
  await refused('consoleExport', { kind: 'secrets', format: 'csv' }, /^`kind` must be one of/);
  await refused('consoleExport', { kind: 'report', format: 'csv' }, /^`format` of a report export must be markdown/);
  await refused('consoleExport', { kind: 'findings', format: 'xlsx' }, /^`format` of a findings export/);
  await refused('consoleExport', { kind: 'access-account', format: 'csv' }, /^`accountId` must be/);
  await refused('consoleExport', { kind: 'findings', format: 'csv', accountId: 'a' }, /^`accountId` is only for/);
  await refused('consoleExport', { kind: 'findings', format: 'csv', part: -1 }, /^`part` must be/);
  await refused('consoleExport', { kind: 'findings', format: 'csv', part: 1 }, /^`part` is past the end/);
  const unknown = await ctx.admin('consoleAccount', { accountId: '557058:no-such-account' });
  assert.equal(unknown.errors[0].code, 'unknown-account');
});

test('a registry change recomputes the findings without a rescan, once', async () => {
  const { createScans } = await import('../../src/forge/scans/index.js');
  const scans = createScans({ store: ctx.store, blobs: ctx.blobs, queue: new Queue({ key: 'steward-scans' }), host: () => { throw new Error('no Jira call'); } });
  const bot = byName('ci-deploy-bot');
  const record = await ctx.store.get('registry', bot.accountId);
  await ctx.store.put('registry', bot.accountId, { ...record.value, status: 'suspended' }, { expectedVersion: record.version, by: 'test', at: '2026-11-24T00:00:00Z', action: 'suspend' });
  const calls = ctx.sim.stats.calls;
  const first = await scans.recompute('the registry changed');
  assert.equal(first.queued, true);
  const second = await scans.recompute('the registry changed again');
  assert.equal(second.queued, false, 'one pending recompute is enough');
  assert.equal(second.pending.reason, 'the registry changed');
  await ctx.platform.queue.idle();
  const row = ok(await ctx.admin('consoleAccounts', {})).rows.find((r) => r.accountId === bot.accountId);
  assert.equal(row.status, 'suspended');
  const overview = ok(await ctx.admin('consoleOverview', {}));
  assert.equal(overview.products.revision, 1);
  assert.equal(overview.products.reason, 'the registry changed');
  assert.equal(overview.products.pending, false);
  // Only the callers' permission checks reached Jira: nothing was scanned.
  assert.ok(ctx.sim.stats.calls - calls <= 6, `${ctx.sim.stats.calls - calls} calls`);
  // The same event delivered again changes nothing.
  const before = await ctx.store.get('scan', 'state');
  await new Queue({ key: 'steward-scans' }).push({ body: { recompute: 'the registry changed' } });
  await ctx.platform.queue.idle();
  assert.equal(ctx.platform.queue.delivered.at(-1).outcome, 'success');
  assert.equal((await ctx.store.get('scan', 'state')).version, before.version);
  // The older revision's blobs are gone; the new ones are named by the entry.
  const entry = (await ctx.state()).snapshots[0];
  const ids = await ctx.blobs.ids();
  assert.ok(!ids.some((id) => id.startsWith(`${entry.scanId}/c0/`)), ids.join(' '));
  assert.ok(ids.includes(entry.console.main.id));
  await assert.rejects(() => scans.recompute(''), /`reason` must be/);
});

test('a second scan compares with the first: a bot added to a role gained its permissions there', async () => {
  const bot = byName('statuspage-bot');
  const authorization = `Basic ${Buffer.from(`${ctx.users.ada.email}:${ctx.users.ada.token}`).toString('base64')}`;
  const write = await fetch(`${ctx.sim.url}/rest/api/3/project/MKT/role/10100`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ user: [bot.accountId] }) });
  assert.equal(write.status, 200);
  await ctx.scan();
  const overview = ok(await ctx.admin('consoleOverview', {}));
  assert.ok(overview.changes, 'the second scan has a previous one');
  const gained = overview.changes.gained.filter((g) => g.accountId === bot.accountId);
  assert.deepEqual(gained.map((g) => g.project), ['MKT']);
  assert.ok(gained[0].permissions.includes('BROWSE_PROJECTS'));
  assert.deepEqual(overview.changes.newBots, []);
  assert.deepEqual(overview.changes.lost, []);
});

test('products of an older layout are answered "not ready" and recomputed by a queued job', async () => {
  const record = await ctx.store.get('scan', 'state');
  const [entry, ...rest] = record.value.snapshots;
  const { layout: _layout, ...older } = entry.console;
  await ctx.store.put('scan', 'state', { ...record.value, snapshots: [{ ...entry, console: older }, ...rest] }, { expectedVersion: record.version, by: 'test', at: new Date().toISOString(), action: 'test' });
  const answer = await ctx.admin('consoleAccounts', {});
  assert.equal(answer.errors[0].code, 'not-ready');
  await ctx.platform.queue.idle();
  const after = ok(await ctx.admin('consoleAccounts', {}));
  assert.equal(after.products.revision, entry.console.rev + 1);
  assert.equal(after.products.reason, 'the stored products are of an older version');
});

test('an export longer than one answer comes in parts that join into the whole text', async () => {
  const whole = ok(await ctx.admin('consoleExport', { kind: 'report', format: 'markdown' })).text;
  const small = createPlatform({
    jira: { url: ctx.sim.url, email: ctx.users.ada.email, token: ctx.users.ada.token },
    bundlePath: join(root, 'host/.build/index.cjs'),
    storage: ctx.storage,
    env: { STEWARD_EXPORT_PART: '1000' },
  });
  try {
    const ask = (payload) => small.invoke({ functionKey: 'consoleExport', payload, context: contextOf(ctx.sim), accountId: ctx.users.ada.accountId });
    const first = ok(await ask({ kind: 'report', format: 'markdown' }));
    assert.equal(first.parts, Math.ceil(whole.length / 1000));
    assert.ok(first.parts > 1);
    const texts = [first.text];
    for (let part = 1; part < first.parts; part += 1) texts.push(ok(await ask({ kind: 'report', format: 'markdown', part })).text);
    assert.equal(texts.join(''), whole);
    const past = await ask({ kind: 'report', format: 'markdown', part: first.parts });
    assert.match(past.errors[0].message, /^`part` is past the end: this export has \d+ parts/);
  } finally {
    small.close();
  }
});

// Last: the platform's globals become Vic's (see the inventory tests' setup).
test('someone who is not a Jira admin is refused by every console resolver, whatever the payload', async () => {
  await ctx.asVic(async (vic) => {
    for (const [key, payload] of Object.entries(RESOLVERS)) {
      for (const p of [payload, { bad: '<field>' }]) {
        const answer = await vic(key, p);
        assert.equal(answer.type, 'failure', key);
        assert.equal(answer.errors[0].code, 'forbidden', key);
        assert.match(answer.errors[0].message, /does not hold `ADMINISTER`/);
      }
    }
  });
});

test('the findings of a project include those that list it among several', () => {
  const finding = (rule, extra) => ({ rule, title: rule, severity: 'high', reason: 'r', fix: 'f', message: 'm', accountId: 'bot', ...extra });
  const listed = finding('restricted-security-level', { projects: ['OPS', 'PAY'] });
  const named = finding('direct-user-grant', { project: 'WEB' });
  const pay = groupFindings([listed, named], { project: 'PAY' });
  assert.deepEqual(pay.groups.map((g) => g.rule), ['restricted-security-level']);
  assert.deepEqual(pay.groups[0].projects, ['OPS', 'PAY'], 'the group names every project its findings concern');
  assert.deepEqual(groupFindings([listed, named], { project: 'WEB' }).groups.map((g) => g.rule), ['direct-user-grant']);
  // One finding about a bot across projects: the projects its evidence lines start with, as on
  // each project's page (findingsByProject).
  const across = finding('outside-service-role', { evidence: ['APP BROWSE_PROJECTS ← anyone', 'WEB EDIT_ISSUES ← y', '(paths shown for the first 12 projects)'] });
  const app = groupFindings([listed, named, across], { project: 'APP' });
  assert.deepEqual(app.groups.map((g) => g.rule), ['outside-service-role']);
  assert.deepEqual(app.groups[0].projects, ['APP', 'WEB']);
  assert.deepEqual(groupFindings([listed, named, across], { project: 'WEB' }).groups.map((g) => g.rule).sort(), ['direct-user-grant', 'outside-service-role']);
});
