// Both pages in headless Chromium (Debian's package, driven by playwright-core) on the local host,
// with the handlers running through the local platform adapter against the Jira simulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startHost } from '../../host/server.mjs';
import { startSimulator } from '../../sim/server.mjs';
import { holdsProject } from '../../sim/world.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');
let browser;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});
after(() => browser?.close());

async function withHost(options, fn) {
  const host = await startHost({ port: 0, ...options });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await fn(host, page);
    assert.deepEqual(errors, [], 'no script errors on the page');
    const text = await page.frameLocator('#app').locator('body').innerText();
    assert.doesNotMatch(text, /\b(null|undefined|NaN|\[object \w+\])\b/, 'no placeholder leaks into the page');
  } finally {
    await page.close();
    await host.close();
  }
}

test('the admin page lists the permission schemes the core fetched from Jira', () => withHost({}, async (host, page) => {
  await page.goto(host.urls.admin);
  const app = page.frameLocator('#app');
  await app.locator('[data-testid=schemes]').waitFor({ timeout: 15_000 });
  await page.screenshot({ path: join(artifacts, 'admin.png') });

  const world = host.simulator.world;
  assert.equal(await app.locator('[data-testid=summary]').textContent(), `${world.schemes.length} schemes across ${world.projects.length} projects`);
  const defaultScheme = world.schemes.find((x) => x.name === 'Default software scheme');
  const keys = world.projects.filter((p) => p.scheme === defaultScheme.id).map((p) => p.key).sort();
  const row = app.locator('[data-testid=schemes] tr', { hasText: 'Default software scheme' });
  assert.match(await row.textContent(), new RegExp(`${defaultScheme.grants.length}\\s*${keys.join(' ')}`));
  assert.match(await app.locator('[data-testid=schemes] tr', { hasText: 'Unused legacy scheme' }).textContent(), /none known/);
  assert.equal(await page.title(), 'Service Accounts - Jira (local)');
  // A project name with markup is shown as text, not parsed.
  assert.equal(await page.locator('nav a', { hasText: 'Community <Forum> settings' }).count(), 1);
  assert.equal(await page.locator('forum').count(), 0);
}));

// The scan runs as queued jobs on the local platform; at 30 calls a second the demo company's
// scan takes a few seconds, long enough to see its progress on the page.
const SLOW_SCAN = { env: { STEWARD_SCAN_RPS: '30' } };

test('on the first visit the admin page starts a scan, shows its progress, then every bot with the path of each permission', () => withHost(SLOW_SCAN, async (host, page) => {
  await page.goto(host.urls.admin);
  const app = page.frameLocator('#app');
  await app.locator('[data-testid=scan-status].active').waitFor({ timeout: 15_000 });
  assert.match(await app.locator('[data-testid=scan-status]').textContent(), /^Scan(ning: job 1 is running| queued)/);
  assert.match(await app.locator('[data-testid=no-data]').textContent(), /first scan of this site is running/);
  await page.screenshot({ path: join(artifacts, 'admin-scanning.png') });

  await app.locator('[data-testid=accounts]').waitFor({ timeout: 60_000 });
  const world = host.simulator.world;
  const bots = world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType));
  assert.equal(await app.locator('details.account').count(), bots.length);
  assert.match(await app.locator('[data-testid=scan-summary]').textContent(), new RegExp(`^${bots.length} non-human accounts · \\d+ Jira calls`));
  assert.ok(host.platform.queue.delivered.length >= 1, 'the scan ran as a queued job');
  const asOf = await app.locator('[data-testid=data-as-of] time').getAttribute('datetime');
  assert.ok(Math.abs(Date.parse(asOf) - Date.now()) < 120_000, `data as of ${asOf}`);
  assert.match(await app.locator('[data-testid=data-as-of]').textContent(), /^Data as of \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  assert.match(await app.locator('[data-testid=scan-status]').textContent(), /^Last scan finished .* · 1 job · \d+ Jira calls/);

  const deploy = app.locator('details.account', { hasText: 'ci-deploy-bot' });
  const deployUser = world.users.find((u) => u.displayName === 'ci-deploy-bot');
  const held = world.projects.filter((p) => world.permissions.project.some((k) => holdsProject(world, deployUser, p, k)));
  assert.equal(await deploy.locator('[data-testid=project-count]').textContent(), `${held.length} projects`);
  // The scan asks Jira's check about every global permission, so whether a bot administers Jira is known.
  assert.equal(await app.locator('[data-testid=jira-admin-unknown]').count(), 0);
  // The list carries counts only: an account's projects and paths load when it is opened.
  assert.equal(await deploy.locator('[data-project]').count(), 0, 'no project is drawn before the account is opened');
  const opened = page.waitForResponse((r) => r.url().endsWith('/__host/invoke') && r.request().postDataJSON()?.functionKey === 'accountAccess');
  await deploy.locator('summary').click();
  assert.deepEqual((await opened).request().postDataJSON().payload, { accountId: deployUser.accountId });
  await deploy.locator('[data-testid=account-projects]').waitFor({ timeout: 15_000 });
  assert.deepEqual((await deploy.locator('[data-testid=account-projects] > [data-project]').evaluateAll((nodes) => nodes.map((n) => n.dataset.project))).sort(),
    held.map((p) => p.key).sort());
  const edit = deploy.locator('[data-project=APP] tr[data-permission=EDIT_ISSUES]');
  assert.match(await edit.first().textContent(), /projectRole "Service accounts" \[10100\] → actor user \(this account\)/);
  await page.screenshot({ path: join(artifacts, 'admin-bots.png'), fullPage: true });

  const retired = app.locator('details.account', { hasText: 'archiver-bot' });
  assert.equal(await retired.locator('[data-testid=project-count]').textContent(), 'holds nothing');
}));

// The size M site (500 projects, 58 bots): the first answer is a page of account lines, a few KB
// where the whole analysis was ~25 MB; the rest of the list and each account's access come on request.
test('on a large site the admin page loads a page of accounts, shows the rest on request and loads an account when opened', { timeout: 300_000 }, async () => {
  const sim = await startSimulator({ size: 'M', pageCap: 1000 });
  const ada = sim.world.users.find((u) => u.email?.startsWith('ada@'));
  try {
    await withHost({ jira: { url: sim.url, email: ada.email, token: ada.token }, env: { STEWARD_SCAN_RPS: '1000', STEWARD_SCAN_POINTS_PER_HOUR: '10000000', STEWARD_SCAN_SHARE: '1' } }, async (host, page) => {
      const answers = [];
      page.on('response', async (r) => {
        if (!r.url().endsWith('/__host/invoke')) return;
        const key = r.request().postDataJSON()?.functionKey;
        answers.push({ key, bytes: (await r.body()).length });
      });
      await page.goto(host.urls.admin);
      const app = page.frameLocator('#app');
      await app.locator('[data-testid=accounts]').waitFor({ timeout: 240_000 });
      const bots = sim.world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType));
      assert.equal(await app.locator('details.account').count(), 50);
      const more = app.locator('[data-testid=more-accounts]');
      assert.equal(await more.textContent(), `Show ${bots.length - 50} more (${bots.length - 50} not shown)`);
      const inventory = answers.filter((a) => a.key === 'inventory').at(-1);
      assert.ok(inventory.bytes < 64 * 1024, `the first inventory answer is ${inventory.bytes} bytes`);
      assert.equal(answers.filter((a) => a.key === 'accountAccess').length, 0, 'no account is loaded before it is opened');

      await more.click();
      await app.locator('details.account').nth(bots.length - 1).waitFor({ timeout: 15_000 });
      assert.equal(await app.locator('details.account').count(), bots.length);
      assert.equal(await more.isHidden(), true);
      const ids = await app.locator('details.account').evaluateAll((nodes) => nodes.map((n) => n.dataset.account));
      assert.deepEqual([...ids].sort(), bots.map((b) => b.accountId).sort());

      const first = app.locator('details.account').first();
      const count = Number((await first.locator('[data-testid=project-count]').textContent()).split(' ')[0]);
      await first.locator('summary').click();
      await first.locator('[data-testid=account-projects]').waitFor({ timeout: 20_000 });
      const drawn = await first.locator('[data-testid=account-projects] > [data-project]').count();
      assert.equal(drawn, Math.min(count, 100));
      if (count > 100) {
        await first.locator('[data-testid=more-projects]').click();
        assert.equal(await first.locator('[data-testid=account-projects] > [data-project]').count(), count);
      }
      await page.screenshot({ path: join(artifacts, 'admin-size-m.png') });
    });
  } finally {
    await sim.close();
  }
});

test('Rescan refreshes the stored data from the audit log and the page shows the newer data', () => withHost({}, async (host, page) => {
  await page.goto(host.urls.admin);
  const app = page.frameLocator('#app');
  await app.locator('[data-testid=accounts]').waitFor({ timeout: 30_000 });
  const first = await app.locator('[data-testid=data-as-of] time').getAttribute('datetime');
  await app.locator('[data-testid=rescan]').click();
  await app.locator('[data-testid=scan-status]', { hasText: 'incremental, from the audit log' }).waitFor({ timeout: 30_000 });
  const second = await app.locator('[data-testid=data-as-of] time').getAttribute('datetime');
  assert.ok(Date.parse(second) > Date.parse(first), `${second} after ${first}`);
  assert.equal(await app.locator('[data-testid=rescan]').isDisabled(), false);
  assert.equal(await app.locator('details.account').count(), host.simulator.world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType)).length);
}));

test('the project page says no scan has run yet, then shows the bots of its project from the stored scan', () => withHost({}, async (host, page) => {
  const pay = host.urls.projects.find((p) => p.key === 'PAY');
  await page.goto(pay.url);
  const app = page.frameLocator('#app');
  await app.locator('[data-testid=no-data]').waitFor({ timeout: 15_000 });
  assert.match(await app.locator('[data-testid=no-data]').textContent(), /No scan yet — ask a Jira admin/);
  assert.equal(await app.locator('[data-testid=project-key]').textContent(), 'PAY');
  assert.equal(await app.locator('[data-testid=rescan]').count(), 0, 'project admins cannot start scans');
  assert.equal(host.platform.queue.delivered.length, 0, 'opening the project page starts no scan');

  await page.goto(host.urls.admin); // an admin opens Apps → Service Accounts: the first scan runs
  await page.frameLocator('#app').locator('[data-testid=accounts]').waitFor({ timeout: 30_000 });

  await page.goto(pay.url);
  await app.locator('[data-testid=project-facts]').waitFor({ timeout: 15_000 });
  assert.equal(await app.locator('[data-testid=scheme-name]').textContent(), 'Finance restricted scheme');
  const finance = host.simulator.world.schemes.find((x) => x.name === 'Finance restricted scheme');
  assert.equal(await app.locator('[data-testid=grant-count]').textContent(), String(finance.grants.length));
  await app.locator('[data-testid=bots]').waitFor({ timeout: 20_000 });
  assert.match(await app.locator('[data-testid=data-as-of]').textContent(), /^Data as of /);
  const sync = app.locator('section.bot', { hasText: 'payments-sync-bot' });
  assert.match(await sync.locator('tr[data-permission=EDIT_ISSUES]').first().textContent(), /user \(this account, granted directly\)/);
  const names = await app.locator('section.bot h3').allTextContents();
  assert.ok(!names.some((n) => n.includes('ci-deploy-bot')), 'a bot without access in PAY is not listed');
  await page.screenshot({ path: join(artifacts, 'project.png'), fullPage: true });
}));

test('a user who is not a Jira admin sees why the admin page is refused', async () => {
  const sim = await startSimulator();
  const vic = sim.world.users.find((u) => u.displayName === 'Vic Viewer');
  try {
    await withHost({ jira: { url: sim.url, email: vic.email, token: vic.token } }, async (host, page) => {
      await page.goto(host.urls.admin);
      const alert = page.frameLocator('#app').locator('[role=alert]');
      await alert.waitFor({ timeout: 15_000 });
      assert.match(await alert.textContent(), /forbidden.*does not hold `ADMINISTER`/);
    });
  } finally {
    await sim.close();
  }
});
