// The project page's resolvers over a stored scan of the demo company, through the bundled
// handlers on the local platform, each call played as a person of the simulator (the platform's
// asUser() calls go to Jira as them): Ada (Jira admin), Pat (admin of PAY and HR only), Vic
// (neither). What is proved: the page is the engine's answer for the project, read from the
// project's stored row; nobody reaches another project's data; every write is refused to those
// without the right; a role change goes through Jira as the caller, is recorded and undone
// exactly; a request lands in the registry and as a Jira issue, and an admin approves it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlatform } from '../../host/platform.mjs';
import { openSqlite } from '../../host/sqlite.mjs';
import { createStore } from '../../src/forge/storage.js';
import { startSimulator } from '../../sim/server.mjs';
import { demoRegistry } from '../../sim/registry.mjs';
import { findingsByProject, findingsOfProject } from '../../src/forge/scans/projects.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const steward = await import(join(root, 'pkg/steward.js'));
steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

const READS = ['projectBots', 'projectOffers', 'projectRolePreview'];
const WRITES = ['projectRoleApply', 'projectRoleUndo', 'projectRequestBot'];
const SERVICE_ROLE = '10100';

let demo;
before(async () => {
  const sim = await startSimulator();
  const storage = await openSqlite(null);
  const store = createStore(storage.client);
  const person = (name) => sim.world.users.find((u) => u.email?.startsWith(`${name}@`));
  const users = { ada: person('ada'), pat: person('pat'), vic: person('vic') };
  for (const entry of demoRegistry(sim.world).accounts) {
    await store.put('registry', entry.accountId, entry, { expectedVersion: 0, by: 'test', at: new Date().toISOString(), action: 'register' });
  }
  const platform = createPlatform({
    jira: { url: sim.url, email: users.ada.email, token: users.ada.token }, allowWrites: true,
    bundlePath: join(root, 'host/.build/index.cjs'), storage, env: { STEWARD_SCAN_RPS: '1000' },
  });
  const project = (key) => sim.world.projects.find((p) => p.key === key);
  // `who` calls `functionKey` on the page of project `key` (or on the admin page without one).
  const call = (who, key) => (functionKey, payload = {}) => platform.invoke({
    functionKey, payload, accountId: users[who].accountId, user: users[who],
    context: key
      ? { extension: { type: 'jira:projectSettingsPage', project: { key, id: project(key).id, type: 'software' } } }
      : { extension: { type: 'jira:adminPage' } },
  });
  const started = await call('ada')('startScan');
  assert.equal(started.type, 'success', JSON.stringify(started));
  await platform.queue.idle();
  const state = (await store.get('scan', 'state')).value;
  assert.ok(state.snapshots[0]?.pages, `the scan stored project pages: ${JSON.stringify(state.snapshots[0])}`);
  demo = { sim, storage, store, platform, users, call, project, state };
});
after(async () => {
  demo?.platform.close();
  await demo?.platform.queue.idle();
  await demo?.sim.close();
  demo?.storage.close();
});

// The engine's answer for one project, from the stored snapshot: every non-human account with
// access there and what it holds, unconditionally or not.
async function engineAnswer(key) {
  const blobText = await (await import('../../src/forge/blobs.js')).createBlobStore(demo.storage.client).get(demo.state.snapshots[0].blob);
  const reader = new steward.SnapshotReader();
  reader.push(blobText);
  const loaded = reader.finish(key, false);
  const analysis = JSON.parse(loaded.analyze(JSON.stringify({ project: key })));
  // The demo's people's accounts used as integrations (sim/world.mjs): the page lists them too.
  for (const shadow of demo.sim.world.users.filter((u) => u.risk && u.accountType === 'atlassian')) {
    analysis.accounts.push(...JSON.parse(loaded.analyze(JSON.stringify({ project: key, accountId: shadow.accountId }))).accounts);
  }
  loaded.free();
  const out = new Map();
  for (const account of analysis.accounts) {
    const cell = account.projects.find((p) => p.key === key);
    if (cell) out.set(account.accountId, Object.fromEntries(Object.entries(cell.permissions).map(([k, paths]) => [k, paths.map((p) => p.path).sort()])));
  }
  return out;
}

// The page's answer in the same shape.
function pageAnswer(page) {
  const out = new Map();
  for (const account of page.accounts) {
    const set = page.sets[account.set];
    out.set(account.accountId, Object.fromEntries(Object.entries(set.permissions).map(([k, ids]) => [k, ids.map((i) => page.paths[i].text).sort()])));
  }
  return out;
}

const actorsOf = (key) => demo.project(key).actors[SERVICE_ROLE].map((a) => a.user ?? `group:${a.group}`).sort();

test('the project page is the engine\'s answer for the project, read from its stored row', async () => {
  for (const key of ['PAY', 'APP', 'COM']) {
    const bots = await demo.call('ada', key)('projectBots');
    assert.equal(bots.type, 'success', JSON.stringify(bots.errors));
    const page = bots.result;
    assert.equal(page.project.key, key);
    const expected = await engineAnswer(key);
    assert.deepEqual(pageAnswer(page), expected, `project ${key}`);
    assert.equal(page.broad.count, page.accounts.filter((a) => a.broadOnly).length, 'every broad-only account is listed on the demo');
  }
  // svc-jenkins, a person's account used by Jenkins, is on the page as a shadow-bot suspect.
  const app = (await demo.call('ada', 'APP')('projectBots')).result;
  assert.equal(app.accounts.find((a) => a.displayName === 'svc-jenkins')?.kind, 'shadow');
});

test('accounts reaching a project only through broad grants are apart, with the grants named', async () => {
  const page = (await demo.call('ada', 'COM')('projectBots')).result;
  const metrics = page.accounts.find((a) => a.displayName === 'metrics-bot');
  assert.ok(metrics?.broadOnly, 'metrics-bot reads COM through the anyone grant only');
  assert.ok(page.sets[metrics.set].permissions.BROWSE_PROJECTS.some((i) => /anyone/.test(page.paths[i].text)));
  const payments = (await demo.call('ada', 'PAY')('projectBots')).result.accounts.find((a) => a.displayName === 'payments-sync-bot');
  assert.equal(payments.broadOnly, false);
  assert.equal(payments.registry.owner, demo.users.pat.accountId);
  // The findings about the project, with their fixes, stored with its page.
  const pay = (await demo.call('ada', 'PAY')('projectBots')).result;
  assert.equal(pay.findingsKnown, true);
  const direct = pay.findings.find((f) => f.rule === 'access-beyond-need' && f.accountId === payments.accountId);
  assert.ok(direct, JSON.stringify(pay.findings.map((f) => [f.rule, f.displayName])));
  assert.equal(direct.project, 'PAY');
  assert.ok(direct.fix.length > 0);
  assert.ok(pay.findings.every((f) => f.project === 'PAY'));
});

test('the role section says what the service-account role gives, or why it gives nothing', async () => {
  const pay = (await demo.call('ada', 'PAY')('projectBots')).result;
  assert.equal(pay.role.id, SERVICE_ROLE);
  assert.deepEqual(pay.role.grants.map((g) => g.permission).sort(), ['ADD_COMMENTS', 'BROWSE_PROJECTS']);
  assert.equal(pay.roleProblem, null);
  const com = (await demo.call('ada', 'COM')('projectBots')).result;
  assert.equal(com.role.problem, 'no-grants');
  assert.equal(com.roleProblem.code, 'role-grants-nothing');
  assert.match(com.roleProblem.message, /Permission schemes → Open community scheme/);
  const refused = await demo.call('ada', 'COM')('projectRolePreview', { op: 'add', accountId: demo.sim.world.users.find((u) => u.displayName === 'ci-deploy-bot').accountId });
  assert.equal(refused.errors[0].code, 'role-grants-nothing');
  const game = await demo.call('ada', 'GAME')('projectRolePreview', { op: 'add', accountId: demo.sim.world.users.find((u) => u.displayName === 'ci-deploy-bot').accountId });
  assert.equal(game.errors[0].code, 'role-missing');
  assert.match(game.errors[0].message, /team-managed/);
});

test('a project admin who names another project in a payload is refused and learns nothing about it', async () => {
  const pat = demo.call('pat', 'PAY');
  const app = demo.project('APP');
  for (const functionKey of [...READS, ...WRITES]) {
    for (const payload of [{ projectKey: 'APP' }, { project: app.id }, { projectId: app.id }, { key: 'APP' }]) {
      const answer = await pat(functionKey, payload);
      assert.equal(answer.type, 'failure', `${functionKey} ${JSON.stringify(payload)}`);
      assert.equal(answer.errors[0].code, 'wrong-project');
      const text = JSON.stringify(answer);
      assert.ok(!text.includes('Mobile App') && !text.includes('ci-deploy-bot'), `${functionKey} told something about APP: ${text}`);
    }
  }
});

test('a project admin of one project is refused on another project\'s page, reads and writes alike', async () => {
  const pat = demo.call('pat', 'APP');
  const before = actorsOf('APP');
  for (const functionKey of [...READS, ...WRITES]) {
    const answer = await pat(functionKey, { op: 'remove', accountId: demo.sim.world.users.find((u) => u.displayName === 'ci-deploy-bot').accountId });
    assert.equal(answer.type, 'failure', functionKey);
    assert.equal(answer.errors[0].code, 'forbidden', `${functionKey}: ${JSON.stringify(answer)}`);
    assert.ok(!JSON.stringify(answer).includes('ci-deploy-bot'));
  }
  assert.deepEqual(actorsOf('APP'), before, 'nothing changed in Jira');
  // On his own project Pat is served.
  assert.equal((await demo.call('pat', 'PAY')('projectBots')).type, 'success');
});

test('a person who administers no project is refused everything, on the project and admin pages', async () => {
  const ci = demo.sim.world.users.find((u) => u.displayName === 'ci-deploy-bot').accountId;
  for (const key of ['PAY', 'APP']) {
    for (const functionKey of [...READS, ...WRITES]) {
      const answer = await demo.call('vic', key)(functionKey, { op: 'add', accountId: ci, why: 'test', purpose: 'x', tool: 'y', needTemplate: 'read-only' });
      assert.equal(answer.errors?.[0]?.code, 'forbidden', `${key} ${functionKey}: ${JSON.stringify(answer)}`);
    }
  }
  for (const who of ['vic', 'pat']) {
    for (const functionKey of ['requestsList', 'requestApprove', 'requestDecline']) {
      const answer = await demo.call(who)(functionKey, { id: 'request-00000000-0000-4000-8000-000000000000', reason: 'x' });
      assert.equal(answer.errors?.[0]?.code, 'forbidden', `${who} ${functionKey}`);
    }
  }
  assert.equal((await demo.store.list('project-role-changes')).length, 0, 'no change was recorded');
});

test('bad payloads get a clear error naming the field, and change nothing', async () => {
  const pat = demo.call('pat', 'PAY');
  const ci = demo.sim.world.users.find((u) => u.displayName === 'ci-deploy-bot').accountId;
  const before = actorsOf('PAY');
  const cases = [
    ['projectBots', [1, 2], /payload must be an object/],
    ['projectBots', { extra: 1 }, /unknown field `extra`/],
    ['projectRolePreview', { op: 'delete', accountId: ci }, /`op` must be `add` or `remove`/],
    ['projectRolePreview', { op: 'add', accountId: '../../rest/api/3/myself' }, /`accountId` must be an account id/],
    ['projectRoleApply', { op: 'add', accountId: ci, why: 'x'.repeat(501), confirmOutsideScope: true }, /`why` must be text of at most 500/],
    ['projectRoleApply', { op: 'add', accountId: ci, confirmOutsideScope: true }, /`why` is required/],
    ['projectRoleUndo', { changeId: "'; DROP TABLE steward_records; --" }, /`changeId` must be the id/],
    ['projectRequestBot', { purpose: 'a\u0000b', tool: 't', needTemplate: 'read-only' }, /`purpose` must be text/],
    ['projectRequestBot', { purpose: 'p', tool: 't', needTemplate: 'read-only', owner: 'not an id!' }, /`owner` must be an account id/],
  ];
  for (const [functionKey, payload, message] of cases) {
    const answer = await pat(functionKey, payload);
    assert.equal(answer.type, 'failure', `${functionKey} ${JSON.stringify(payload).slice(0, 60)}`);
    assert.equal(answer.errors[0].code, 'bad-input');
    assert.match(answer.errors[0].message, message);
  }
  assert.deepEqual(actorsOf('PAY'), before);
});

test('adding a registered bot outside its declared scope warns first and needs a confirmation', async () => {
  const ci = demo.sim.world.users.find((u) => u.displayName === 'ci-deploy-bot').accountId;
  const pat = demo.call('pat', 'PAY');
  const preview = await pat('projectRolePreview', { op: 'add', accountId: ci });
  assert.equal(preview.type, 'success', JSON.stringify(preview));
  assert.equal(preview.result.needsConfirmation, true);
  assert.equal(preview.warnings[0].code, 'outside-scope');
  assert.deepEqual(preview.result.diff.gains.map((g) => g.permission).sort(), ['ADD_COMMENTS', 'BROWSE_PROJECTS']);
  assert.deepEqual(preview.result.diff.othersAffected, []);
  const unconfirmed = await pat('projectRoleApply', { op: 'add', accountId: ci, why: 'deploys to PAY now' });
  assert.equal(unconfirmed.errors[0].code, 'confirm-outside-scope');
  assert.ok(!actorsOf('PAY').includes(ci));
  // An unregistered bot is not offered and cannot be added.
  const triage = demo.sim.world.users.find((u) => u.displayName === 'triage-ai').accountId;
  assert.equal((await pat('projectRolePreview', { op: 'add', accountId: triage })).errors[0].code, 'not-registered');
  const offers = (await pat('projectOffers')).result.offers.map((o) => o.displayName);
  assert.ok(offers.includes('ci-deploy-bot') && !offers.includes('triage-ai') && !offers.includes('payments-sync-bot'), offers.join(', '));
});

test('adding then removing a bot changes the role in Jira, as the project admin, and both are recorded; undo restores the role exactly', async () => {
  const ci = demo.sim.world.users.find((u) => u.displayName === 'ci-deploy-bot').accountId;
  const pat = demo.call('pat', 'PAY');
  const before = actorsOf('PAY');
  const added = await pat('projectRoleApply', { op: 'add', accountId: ci, why: 'deploys to PAY now', confirmOutsideScope: true });
  assert.equal(added.type, 'success', JSON.stringify(added));
  assert.deepEqual(actorsOf('PAY'), [...before, ci].sort());
  // Jira was asked by Pat himself: the write went as him, so Jira checked his rights.
  assert.deepEqual(demo.sim.writes.at(-1), { method: 'POST', path: `/rest/api/3/project/PAY/role/${SERVICE_ROLE}`, by: demo.users.pat.accountId });
  const removed = await pat('projectRoleApply', { op: 'remove', accountId: ci, why: 'not needed after all' });
  assert.equal(removed.type, 'success', JSON.stringify(removed));
  assert.deepEqual(actorsOf('PAY'), before);
  const history = await demo.store.history('project-role-changes', 'PAY');
  assert.deepEqual(history.map((v) => [v.value.op, v.by, v.why]), [
    ['addRoleActor', demo.users.pat.accountId, 'deploys to PAY now'],
    ['removeRoleActor', demo.users.pat.accountId, 'not needed after all'],
  ]);
  const writes = await demo.store.history('jira-writes', ci);
  assert.deepEqual(writes.slice(-2).map((w) => [w.value.change.op, w.value.as, w.value.ok]), [['addRoleActor', 'user', true], ['removeRoleActor', 'user', true]]);
  // Undo the removal: the role is back to what it was after the add.
  const undone = await pat('projectRoleUndo', { changeId: removed.result.change.changeId, why: 'undo' });
  assert.equal(undone.type, 'success', JSON.stringify(undone));
  assert.deepEqual(actorsOf('PAY'), [...before, ci].sort());
  assert.equal((await pat('projectRoleUndo', { changeId: removed.result.change.changeId })).errors[0].code, 'already-undone');
  // Undo the add: exactly the role before any of it.
  const undoAdd = await pat('projectRoleUndo', { changeId: added.result.change.changeId });
  assert.equal(undoAdd.type, 'success', JSON.stringify(undoAdd));
  assert.deepEqual(actorsOf('PAY'), before);
  const page = (await pat('projectBots')).result;
  // Newest first: the two undos, then the two changes they undid.
  assert.deepEqual(page.changes.map((c) => [c.op, c.undone, Boolean(c.undoes)]), [
    ['removeRoleActor', false, true], ['addRoleActor', false, true], ['removeRoleActor', true, false], ['addRoleActor', true, false],
  ]);
  assert.deepEqual(page.role.usersNow, before);
});

test('a request is recorded in the registry and filed as a Jira issue by the requester; an admin approves it', async () => {
  await demo.store.put('settings', 'app', { requestProject: 'OPS' }, { expectedVersion: 0, by: 'test', at: new Date().toISOString(), action: 'settings' });
  const pat = demo.call('pat', 'PAY');
  const bad = await pat('projectRequestBot', { purpose: 'x', tool: 'y', needTemplate: 'everything' });
  assert.equal(bad.errors[0].code, 'bad-input');
  assert.match(bad.errors[0].message, /needTemplate/);
  const requested = await pat('projectRequestBot', { purpose: 'posts payout reports', tool: 'payout-reporter', needTemplate: 'commenter', backupOwner: demo.users.ada.accountId });
  assert.equal(requested.type, 'success', JSON.stringify(requested));
  const { id, requestIssue } = requested.result.request;
  const entry = (await demo.store.get('registry', id)).value;
  assert.equal(entry.status, 'requested');
  assert.equal(entry.requester, demo.users.pat.accountId);
  assert.deepEqual(entry.need, { projects: ['PAY'], permissions: ['BROWSE_PROJECTS', 'ADD_COMMENTS'] });
  assert.match(requestIssue ?? '', /^OPS-\d+$/, JSON.stringify(requested));
  const issue = demo.sim.world.issues.find((i) => i.key === requestIssue);
  assert.equal(issue.fields.reporter, demo.users.pat.accountId, 'filed as the requester');
  assert.equal(entry.requestIssue, requestIssue);
  assert.deepEqual((await pat('projectBots')).result.requests.map((r) => r.id), [id]);

  const listed = await demo.call('ada')('requestsList');
  assert.ok(listed.result.requests.some((r) => r.id === id && r.entry.status === 'requested'));
  const approved = await demo.call('ada')('requestApprove', { id, why: 'fine' });
  assert.equal(approved.type, 'success', JSON.stringify(approved));
  assert.deepEqual(approved.warnings, []);
  const now = (await demo.store.get('registry', id)).value;
  assert.equal(now.status, 'active');
  assert.equal(now.approver, demo.users.ada.accountId);
  const comments = demo.sim.world.comments.filter((c) => c.issueKey === requestIssue);
  assert.equal(comments.length, 1);
  assert.equal(comments[0].author.accountId, demo.users.ada.accountId);
  assert.equal((await demo.call('ada')('requestApprove', { id })).errors[0].code, 'not-open');
  // Declining needs a reason.
  const second = (await pat('projectRequestBot', { purpose: 'p', tool: 't', needTemplate: 'read-only' })).result.request.id;
  assert.equal((await demo.call('ada')('requestDecline', { id: second })).errors[0].code, 'bad-input');
  const declined = await demo.call('ada')('requestDecline', { id: second, reason: 'use payout-reporter' });
  assert.equal(declined.type, 'success');
  const history = await demo.store.history('registry', second);
  assert.equal(history.at(-1).why, 'use payout-reporter');
  assert.equal(history.at(-1).value.status, 'declined');
});

// Last: a platform replaces the process's Forge globals, and this one is read-only.
test('Jira\'s refusal reaches the page as a clear message, and is recorded', async () => {
  const platform = createPlatform({
    jira: { url: demo.sim.url, email: demo.users.ada.email, token: demo.users.ada.token }, allowWrites: false,
    bundlePath: join(root, 'host/.build/index.cjs'), storage: demo.storage, env: { STEWARD_SCAN_RPS: '1000' },
  });
  try {
    const ci = demo.sim.world.users.find((u) => u.displayName === 'ci-deploy-bot').accountId;
    const answer = await platform.invoke({
      functionKey: 'projectRoleApply', payload: { op: 'add', accountId: ci, why: 'x', confirmOutsideScope: true }, accountId: demo.users.pat.accountId, user: demo.users.pat,
      context: { extension: { type: 'jira:projectSettingsPage', project: { key: 'PAY', id: demo.project('PAY').id } } },
    });
    assert.equal(answer.errors[0].code, 'jira-refused');
    assert.match(answer.errors[0].message, /read-only/);
    const last = (await demo.store.history('project-role-changes', 'PAY')).at(-1).value;
    assert.equal(last.ok, false);
  } finally {
    platform.close();
  }
});

test('a finding concerns the project it names, the projects it lists, or the projects its evidence lines start with', () => {
  const named = { rule: 'direct-user-grant', project: 'PAY', evidence: ['APP EDIT_ISSUES ← x'] };
  const listed = { rule: 'restricted-security-level', projects: ['OPS', 'WEB'], evidence: ['OPS (yes): security scheme "C" level "Secret" → anyone'] };
  const across = { rule: 'outside-service-role', evidence: ['APP BROWSE_PROJECTS ← scheme "S" [1] grant 2 → anyone', 'WEB EDIT_ISSUES ← y', 'APP EDIT_ISSUES ← z', '(paths shown for the first 10 projects)'] };
  const site = { rule: 'service-account-quota', evidence: ['6 of 5 service accounts'] };
  const by = findingsByProject({ findings: [named, listed, across, site] });
  assert.deepEqual([...by.keys()].sort(), ['APP', 'OPS', 'PAY', 'WEB']);
  const rules = (key) => by.get(key).map((f) => f.rule);
  assert.deepEqual(rules('PAY'), ['direct-user-grant']);
  assert.deepEqual(rules('APP'), ['outside-service-role'], 'once, however many lines name it');
  assert.deepEqual(rules('OPS'), ['restricted-security-level']);
  assert.deepEqual(rules('WEB'), ['restricted-security-level', 'outside-service-role']);
  // What the page shows, without the lists of projects and lines it does not.
  assert.deepEqual(Object.keys(by.get('PAY')[0]).sort(), ['accountId', 'displayName', 'fix', 'message', 'project', 'rule', 'severity', 'title']);
  assert.equal(by.get('OPS')[0].projects, undefined);
  assert.equal(findingsByProject(null).size, 0);
});

test('a project\'s page never names the other projects a finding concerns', () => {
  const levels = { rule: 'restricted-security-level', message: 'can see issues in security level "Secret" in 3 projects (OPS, WEB, HR)', projects: ['HR', 'OPS', 'WEB'], evidence: ['OPS (yes): security scheme "C" level "Secret" → anyone'] };
  const admin = { rule: 'project-admin', message: 'administers APP, PAY', evidence: ['APP ADMINISTER_PROJECTS ← x', 'PAY ADMINISTER_PROJECTS ← y'] };
  const broad = { rule: 'broad-access', message: 'holds 2 permissions through a broad group it is a member of', evidence: ['APP BROWSE_PROJECTS ← g', 'WEB BROWSE_PROJECTS ← g'] };
  const by = findingsByProject({ findings: [levels, admin, broad] });
  for (const [key, shown] of by) {
    for (const f of shown) {
      const others = ['APP', 'HR', 'OPS', 'PAY', 'WEB'].filter((k) => k !== key);
      const text = JSON.stringify(f);
      assert.ok(others.every((k) => !new RegExp(`\\b${k}\\b`).test(text)), `${key} shows ${text}`);
    }
  }
  const ops = by.get('OPS')[0];
  assert.equal(ops.message, 'concerns this project and 2 other projects');
  assert.deepEqual(ops.lines, ['OPS (yes): security scheme "C" level "Secret" → anyone'], 'its own evidence lines');
  assert.equal(ops.project, 'OPS');
  assert.equal(by.get('HR')[0].lines.length, 0);
  assert.equal(by.get('PAY')[0].message, 'concerns this project and 1 other project');
  // A message that names no project is kept as the core wrote it.
  assert.equal(by.get('WEB').find((f) => f.rule === 'broad-access').message, broad.message);
  // One project's findings alone (a page's open after a recompute) are the same.
  for (const key of ['APP', 'HR', 'OPS', 'PAY', 'WEB', 'ZZZ']) {
    assert.deepEqual(findingsOfProject({ findings: [levels, admin, broad] }, key), by.get(key) ?? [], key);
  }
});
