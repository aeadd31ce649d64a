// "Bot access" (Project settings) in headless Chromium on the local host and the demo company,
// played as the people of the simulator (`?as=`): Pat administers PAY, Vic administers nothing,
// Ada is the Jira admin. By roles and labels as a person would use the page; Jira's side is read
// from the simulator, the app's records from its storage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBlobStore } from '../../src/forge/blobs.js';
import { createStore } from '../../src/forge/storage.js';
import { assertAccessible, launch, shot, withHost } from './support.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const steward = await import(join(root, 'pkg/steward.js'));
steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });

const SERVICE_ROLE = '10100';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

const ready = (app, view = 'project', timeout = 60_000) => app.locator(`[data-ready="${view}"]`).waitFor({ state: 'attached', timeout });
const user = (host, name) => host.simulator.world.users.find((u) => u.displayName === name);
const projectUrl = (host, key, as, theme) => `${host.urls.projects.find((p) => p.key === key).url}?as=${as}${theme ? `&theme=${theme}` : ''}`;
const actors = (host, key) => host.simulator.world.projects.find((p) => p.key === key).actors[SERVICE_ROLE].map((a) => a.user ?? `group:${a.group}`).sort();

// The first scan, as the Jira admin starts it on the admin page.
async function scan(host) {
  const answer = await host.platform.invoke({ functionKey: 'startScan', payload: {}, context: { extension: { type: 'jira:adminPage' } }, accountId: user(host, 'Ada Admin').accountId });
  assert.equal(answer.type, 'success', JSON.stringify(answer));
  await host.platform.queue.idle();
}

// The engine's answer for a project from the stored snapshot: the non-human accounts (and the
// demo's shadow bots) with a cell there.
async function engineAccounts(host, key) {
  const state = (await createStore(host.storage.client).get('scan', 'state')).value;
  const text = await createBlobStore(host.storage.client).get(state.snapshots[0].blob);
  const reader = new steward.SnapshotReader();
  reader.push(text);
  const loaded = reader.finish(key, false);
  const analysis = JSON.parse(loaded.analyze(JSON.stringify({ project: key })));
  // The demo's people's accounts used as integrations (sim/world.mjs) are on the page too.
  for (const shadow of host.simulator.world.users.filter((u) => u.risk && u.accountType === 'atlassian')) {
    analysis.accounts.push(...JSON.parse(loaded.analyze(JSON.stringify({ project: key, accountId: shadow.accountId }))).accounts);
  }
  loaded.free();
  // Every account with a cell in the project: what it holds, or what could not be told (partial).
  return analysis.accounts.filter((a) => a.projects.some((p) => p.key === key)).map((a) => a.displayName).sort();
}

// The accounts the page shows: a card each for the direct ones, a name each for the broad-only ones
// (every one, once the list is opened).
async function shownAccounts(app) {
  const cards = await app.getByTestId('bots').getByRole('article').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  const broad = app.getByTestId('broad');
  let names = [];
  if (await broad.count()) {
    const more = broad.getByRole('button', { name: /more accounts$|^\+\d+ accounts$/ });
    if (await more.count()) await more.click();
    names = await broad.locator('[data-broad-account]').evaluateAll((els) => els.map((e) => e.getAttribute('data-broad-account')));
  }
  return [...cards, ...names].sort();
}

test('before the first scan the page says so, offers no scan, and starts none', { timeout: 120_000 }, () => withHost(browser, {}, async (host, page) => {
  await page.goto(projectUrl(host, 'PAY', 'pat'));
  const app = page.frameLocator('#app');
  await ready(app);
  assert.match(await app.getByTestId('project-refused').innerText(), /No scan yet/);
  assert.equal(await app.getByTestId('rescan').count(), 0, 'project admins cannot start scans');
  assert.equal(host.platform.queue.delivered.length, 0, 'opening the project page starts no scan');
}));

test('the page lists the bots the engine finds in the project, direct ones with their paths and broad ones apart, light and dark', { timeout: 240_000 }, () => withHost(browser, {}, async (host, page) => {
  await scan(host);
  for (const theme of ['light', 'dark']) {
    await page.goto(projectUrl(host, 'PAY', 'pat', theme));
    const app = page.frameLocator('#app');
    await ready(app);
    const shown = await shownAccounts(app);
    assert.deepEqual(shown, await engineAccounts(host, 'PAY'), 'the page lists exactly the accounts the engine finds');
    const sync = app.getByRole('article', { name: 'payments-sync-bot' });
    assert.match(await sync.innerText(), /this account, granted to it directly/);
    assert.match(await sync.innerText(), /Owner:\s*Pat Projectlead/);
    assert.match(await sync.innerText(), /Fix:/);
    await assertAccessible(page, `project page (${theme})`);
    await shot(page, `project-${theme}`);
  }
  // A project with a public scheme: metrics-bot reaches it only through the anyone grant.
  await page.goto(projectUrl(host, 'COM', 'ada'));
  const app = page.frameLocator('#app');
  await ready(app);
  assert.deepEqual(await shownAccounts(app), await engineAccounts(host, 'COM'), 'direct and broad-only together are the engine\'s list');
  const broad = app.getByTestId('broad');
  assert.match(await broad.innerText(), /metrics-bot/);
  assert.match(await broad.innerText(), /anyone, even without logging in/);
  assert.match(await broad.innerText(), /replaces it with a grant to a project role/);
  assert.match(await app.getByTestId('role-problem').innerText(), /grants the role “Service accounts” nothing/);
  await assertAccessible(page, 'project page with broad grants');
  await shot(page, 'project-broad');
}));

test('a project admin adds a bot to the role after reading the diff, removes it, and undoes both: the role ends exactly as it was', { timeout: 240_000 }, () => withHost(browser, {}, async (host, page) => {
  await scan(host);
  const ci = user(host, 'ci-deploy-bot').accountId;
  const pat = user(host, 'Pat Projectlead').accountId;
  const before = actors(host, 'PAY');
  await page.goto(projectUrl(host, 'PAY', 'pat'));
  const app = page.frameLocator('#app');
  await ready(app);

  await app.getByRole('button', { name: 'Add a bot' }).click();
  const dialog = app.getByRole('dialog');
  await dialog.getByRole('combobox', { name: 'Registered, active bot' }).click();
  await dialog.getByRole('option', { name: /ci-deploy-bot/ }).click();
  const diff = dialog.getByTestId('diff');
  await diff.waitFor();
  assert.match(await diff.innerText(), /ci-deploy-bot gains/);
  assert.match(await diff.innerText(), /Browse projects/);
  assert.match(await diff.innerText(), /Outside its registered projects/);
  const add = dialog.getByRole('button', { name: 'Add to the role' });
  await dialog.getByRole('textbox', { name: 'Why' }).fill('deploys payment releases now');
  assert.equal(await add.isDisabled(), true, 'outside its scope, adding waits for a confirmation');
  await dialog.getByText('Add it here anyway').click();
  await assertAccessible(page, 'add dialog');
  await shot(page, 'project-add-dialog');
  await add.click();
  await app.getByTestId('flag').getByText('ci-deploy-bot added to “Service accounts”').waitFor();
  assert.deepEqual(actors(host, 'PAY'), [...before, ci].sort());
  await ready(app);

  await app.getByRole('button', { name: 'Remove ci-deploy-bot from the role' }).click();
  const removal = app.getByRole('dialog');
  await removal.getByTestId('diff').waitFor();
  assert.match(await removal.getByTestId('diff').innerText(), /ci-deploy-bot loses/);
  await removal.getByRole('textbox', { name: 'Why' }).fill('not needed after all');
  await removal.getByRole('button', { name: 'Remove from the role' }).click();
  await app.getByTestId('flag').getByText('ci-deploy-bot removed from “Service accounts”').waitFor();
  assert.deepEqual(actors(host, 'PAY'), before);

  const store = createStore(host.storage.client);
  const history = (await store.history('project-role-changes', 'PAY')).map((v) => [v.value.op, v.by, v.why, v.value.ok]);
  assert.deepEqual(history, [['addRoleActor', pat, 'deploys payment releases now', true], ['removeRoleActor', pat, 'not needed after all', true]]);
  assert.deepEqual(host.simulator.writes.filter((w) => w.path.includes('/role/')).map((w) => [w.method, w.by]), [['POST', pat], ['DELETE', pat]]);

  // Undo the removal, then the add: the role is exactly what it was before.
  await ready(app);
  await app.getByRole('button', { name: 'Undo: remove ci-deploy-bot', exact: true }).click();
  await app.getByTestId('flag').getByText('Change undone').waitFor();
  assert.deepEqual(actors(host, 'PAY'), [...before, ci].sort());
  await ready(app);
  await app.getByRole('button', { name: 'Undo: add ci-deploy-bot', exact: true }).click();
  await app.getByRole('button', { name: 'Undo: add ci-deploy-bot', exact: true }).waitFor({ state: 'detached' });
  assert.deepEqual(actors(host, 'PAY'), before);
  assert.equal((await store.history('project-role-changes', 'PAY')).length, 4);
  await assertAccessible(page, 'history');
  await shot(page, 'project-history');
}));

test('a request creates the registry entry and the Jira issue; approval on the admin page makes it active', { timeout: 240_000 }, () => withHost(browser, {}, async (host, page) => {
  await scan(host);
  const store = createStore(host.storage.client);
  await store.put('settings', 'app', { requestProject: 'OPS' }, { expectedVersion: 0, by: 'test', at: new Date().toISOString(), action: 'settings' });
  await page.goto(projectUrl(host, 'PAY', 'pat'));
  const app = page.frameLocator('#app');
  await ready(app);
  const form = app.getByRole('form', { name: 'Request a new bot' });
  await form.getByLabel('Purpose').fill('posts payout reports to the payments team');
  await form.getByLabel('Tool or integration').fill('payout-reporter');
  await form.getByRole('combobox', { name: 'What it needs here' }).click();
  await app.getByRole('option', { name: /Comment on issues/ }).click();
  await form.getByLabel('Backup owner (account id)').fill(user(host, 'Ada Admin').accountId);
  await form.getByRole('button', { name: 'Send the request' }).click();
  await app.getByTestId('flag').getByText('Request recorded').waitFor();
  const requests = (await store.list('registry')).filter((r) => r.value.status === 'requested');
  assert.equal(requests.length, 1);
  const entry = requests[0].value;
  assert.equal(entry.requester, user(host, 'Pat Projectlead').accountId);
  assert.equal(entry.tool, 'payout-reporter');
  assert.match(entry.requestIssue, /^OPS-\d+$/);
  const issue = host.simulator.world.issues.find((i) => i.key === entry.requestIssue);
  assert.equal(issue.fields.reporter, entry.requester);
  await ready(app);
  assert.match(await app.getByTestId('open-requests').innerText(), /payout-reporter/);

  await page.goto(`${host.urls.admin}?as=ada#/requests`);
  const admin = page.frameLocator('#app');
  await ready(admin, 'requests');
  const card = admin.getByRole('article', { name: 'Request: payout-reporter' });
  await assertAccessible(page, 'admin requests');
  await shot(page, 'admin-requests');
  await card.getByRole('button', { name: 'Approve' }).click();
  await admin.getByTestId('decision').getByText('Request approved').waitFor();
  assert.equal((await store.get('registry', entry.accountId)).value.status, 'active');
  assert.equal(host.simulator.world.comments.filter((c) => c.issueKey === entry.requestIssue).length, 1);
}));

test('refusals render a clear message: another project, no right at all, and Jira refusing the write', { timeout: 240_000 }, async () => {
  await withHost(browser, {}, async (host, page) => {
    await scan(host);
    for (const [key, as] of [['APP', 'pat'], ['PAY', 'vic']]) {
      await page.goto(projectUrl(host, key, as));
      const app = page.frameLocator('#app');
      await ready(app);
      const refused = app.getByTestId('project-refused');
      assert.match(await refused.innerText(), /You cannot manage bot access in this project/);
      assert.match(await refused.innerText(), /ADMINISTER_PROJECTS/);
      assert.doesNotMatch(await refused.innerText(), /ci-deploy-bot|payments-sync-bot/);
      await assertAccessible(page, `refusal (${as} on ${key})`);
    }
    await shot(page, 'project-refused');
    // The frame's "Viewing as" switches the person the host plays: Pat sees PAY, then Vic does not.
    await page.goto(projectUrl(host, 'PAY', 'pat'));
    await ready(page.frameLocator('#app'));
    assert.match(await page.frameLocator('#app').getByTestId('summary').innerText(), /can act here/);
    await Promise.all([page.waitForNavigation(), page.getByLabel('Viewing as').selectOption({ label: 'Vic Viewer (neither right)' })]);
    await ready(page.frameLocator('#app'));
    assert.match(await page.frameLocator('#app').getByTestId('project-refused').innerText(), /You cannot manage bot access in this project/);
  });
  // A host that may not write to Jira: the page says Jira refused, and why.
  await withHost(browser, { allowWrites: false }, async (host, page) => {
    await scan(host);
    await page.goto(projectUrl(host, 'PAY', 'pat'));
    const app = page.frameLocator('#app');
    await ready(app);
    await app.getByRole('button', { name: 'Remove payments-sync-bot from the role' }).click();
    const dialog = app.getByRole('dialog');
    await dialog.getByTestId('diff').waitFor();
    await dialog.getByRole('textbox', { name: 'Why' }).fill('try');
    await dialog.getByRole('button', { name: 'Remove from the role' }).click();
    await dialog.getByText('Jira did not make the change').waitFor();
    assert.match(await dialog.innerText(), /read-only/);
    assert.ok(actors(host, 'PAY').includes(user(host, 'payments-sync-bot').accountId));
  });
});
