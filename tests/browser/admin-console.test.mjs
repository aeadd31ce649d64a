// The admin console (Apps → Service Accounts) in headless Chromium on the local host and the
// demo company: every view with the data the resolvers answer, light and dark, by roles and labels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startSimulator } from '../../sim/server.mjs';
import { assertAccessible, launch, shot, withHost } from './support.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

const bots = (world) => world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType));
const ready = (app, view, timeout = 60_000) => app.locator(`[data-ready="${view}"]`).waitFor({ state: 'attached', timeout });

async function answerOf(host, functionKey, payload = {}) {
  const answer = await host.platform.invoke({ functionKey, payload, context: { moduleKey: 'steward-admin', extension: { type: 'jira:adminPage' } }, accountId: host.simulator.world.users.find((u) => u.displayName === 'Ada Admin').accountId });
  assert.equal(answer.type, 'success', JSON.stringify(answer.errors));
  return answer.result;
}

test('a first visit scans the site, then the overview, accounts, an account, findings and exports show it', { timeout: 240_000 }, () => withHost(browser, {}, async (host, page) => {
  await page.goto(host.urls.admin);
  const app = page.frameLocator('#app');
  // Nothing stored yet: the page starts the first scan itself and shows its progress.
  await app.getByText(/No scan yet/).waitFor({ timeout: 15_000 });
  await ready(app, 'overview');
  const world = host.simulator.world;
  await assertAccessible(page, 'overview');
  await shot(page, 'admin-overview');

  const overview = await answerOf(host, 'consoleOverview');
  assert.match(await app.getByTestId('quota').innerText(), new RegExp(`${overview.quota.used} of ${overview.quota.limit} service accounts`));
  assert.match(await app.getByTestId('findings-chart').innerText(), new RegExp(`Findings \\(${overview.findings.total}\\)`));
  // The chart's "high" bar (its button twin) opens the findings at that severity.
  await app.getByTestId('findings-chart').getByRole('button', { name: `${overview.findings.bySeverity.high} high` }).click();
  await ready(app, 'findings');
  assert.match(page.url(), /#\/findings\/severity\/high$/);

  // Accounts: every non-human account, filtered and searched in the page.
  await app.getByRole('button', { name: 'Accounts', exact: true }).click();
  await ready(app, 'accounts');
  const accounts = await answerOf(host, 'consoleAccounts');
  for (const bot of bots(world)) assert.ok(accounts.rows.some((r) => r.accountId === bot.accountId), `${bot.displayName} is a row`);
  assert.equal(await app.getByTestId('row-count').innerText(), `${accounts.rows.length} accounts`);
  await app.getByRole('textbox', { name: 'Search accounts' }).fill('ci-deploy');
  await app.getByTestId('row-count').getByText(`1 of ${accounts.rows.length} accounts`).waitFor();
  assert.equal(await app.getByRole('row').filter({ hasText: 'ci-deploy-bot' }).count(), 1);
  await app.getByRole('textbox', { name: 'Search accounts' }).fill('');
  await app.getByRole('combobox', { name: 'Kind' }).click();
  await app.getByRole('option', { name: 'App', exact: true }).click();
  const apps = accounts.rows.filter((r) => r.kind === 'app').length;
  await app.getByTestId('row-count').getByText(`${apps} of ${accounts.rows.length} accounts`).waitFor();
  await assertAccessible(page, 'accounts');
  await shot(page, 'admin-accounts');

  // The riskiest bot first: sorted by highest finding, the first row is the most severe.
  await app.getByRole('combobox', { name: 'Kind' }).press('Backspace');
  await app.getByTestId('row-count').getByText(`${accounts.rows.length} accounts`, { exact: true }).waitFor();
  const first = app.getByRole('row').nth(1);
  const riskiest = accounts.rows.filter((r) => r.highest).sort((a, b) => ['info', 'low', 'medium', 'high', 'critical'].indexOf(b.highest.severity) - ['info', 'low', 'medium', 'high', 'critical'].indexOf(a.highest.severity))[0];
  assert.match(await first.innerText(), new RegExp(riskiest.highest.severity));

  // One account: payments-sync-bot's direct grant in PAY reads as a sentence, its ids one click away.
  const sync = world.users.find((u) => u.displayName === 'payments-sync-bot');
  await page.goto(`${host.urls.admin}#/accounts/${encodeURIComponent(sync.accountId)}`);
  await ready(app, 'account');
  const detail = await answerOf(host, 'consoleAccount', { accountId: sync.accountId });
  assert.match(await app.getByTestId('registry').innerText(), /syncs payment disputes from the PSP/);
  assert.equal(await app.getByTestId('account-findings').locator('strong', { hasText: 'Fix:' }).count(), detail.findings.length);
  const edit = app.getByRole('button', { name: /^Edit Issues in PAY: held on every issue$/i });
  await edit.click();
  const dialog = app.getByRole('dialog');
  await dialog.getByText(/this account, granted to it directly/).waitFor();
  await dialog.getByRole('button', { name: 'Ids' }).first().click();
  await dialog.getByText(/scheme "Finance restricted scheme" \[\d+\]/).first().waitFor();
  await assertAccessible(page, 'account cell');
  await shot(page, 'admin-account-paths');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // An empty cell answers why not: the grants of the project's scheme that would give it.
  const empty = app.locator('button[data-state="empty"]').first();
  await empty.click();
  await dialog.getByTestId('why-not').waitFor();
  assert.match(await dialog.getByTestId('why-not').innerText(), /Why not|No grant/);
  await shot(page, 'admin-account-why-not');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await assertAccessible(page, 'account');

  // Findings grouped by rule, each with its reason and fix.
  await app.getByRole('button', { name: 'Findings', exact: true }).click();
  await ready(app, 'findings');
  const findings = await answerOf(host, 'consoleFindings');
  for (const group of findings.groups) assert.match(await app.getByTestId(`rule-${group.rule}`).innerText(), new RegExp(`Fix:`));
  await app.getByTestId(`rule-${findings.groups[0].rule}`).getByRole('button', { name: /^Show / }).click();
  await assertAccessible(page, 'findings');
  await shot(page, 'admin-findings');

  // Exports: the findings as CSV, one row per finding.
  await app.getByRole('button', { name: 'Exports', exact: true }).click();
  await ready(app, 'exports');
  const download = page.waitForEvent('download');
  await app.getByRole('button', { name: 'Download Findings as CSV' }).click();
  const file = await download;
  const csv = await readFile(await file.path(), 'utf8');
  const lines = csv.split('\r\n').filter(Boolean);
  const total = Object.values(findings.counts).reduce((a, b) => a + b, 0);
  assert.equal(lines.length - 1, total, 'a row per finding under the header');
  assert.match(file.suggestedFilename(), /\.csv$/);
  await app.getByRole('status').getByText(/^Downloaded /).waitFor();
  await assertAccessible(page, 'exports');
}));

test('Rescan refreshes the stored data from the audit log and the overview shows the newer scan', { timeout: 180_000 }, () => withHost(browser, {}, async (host, page) => {
  await page.goto(host.urls.admin);
  const app = page.frameLocator('#app');
  await ready(app, 'overview');
  const asOf = () => app.getByTestId('data-as-of').locator('time').getAttribute('datetime');
  const first = await asOf();
  await app.getByRole('button', { name: 'Rescan' }).click();
  await app.getByTestId('scan-status').getByText(/incremental, from the audit log/).waitFor({ timeout: 60_000 });
  await app.locator(`[data-testid="data-as-of"] time:not([datetime="${first}"])`).waitFor({ timeout: 30_000 });
  assert.ok(Date.parse(await asOf()) > Date.parse(first), 'the overview shows the newer scan');
  assert.equal(await app.getByRole('button', { name: 'Rescan' }).isDisabled(), false);
}));

test('the console follows the dark theme', { timeout: 180_000 }, () => withHost(browser, {}, async (host, page) => {
  await page.goto(`${host.urls.admin}?theme=dark`);
  const app = page.frameLocator('#app');
  await ready(app, 'overview');
  const background = await page.frame({ url: /\/ui\// }).evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(background, 'rgb(255, 255, 255)', 'the dark theme paints the page');
  assert.equal(await page.frame({ url: /\/ui\// }).evaluate(() => document.documentElement.dataset.colorMode), 'dark');
  await assertAccessible(page, 'dark overview');
  await shot(page, 'admin-overview-dark');
  await page.goto(`${host.urls.admin}?theme=dark#/accounts`);
  await ready(app, 'accounts');
  await shot(page, 'admin-accounts-dark');
  // The frame's switch turns it back to light without a reload.
  await page.getByRole('button', { name: 'Light theme' }).click();
  await page.frame({ url: /\/ui\// }).waitForFunction(() => document.documentElement.dataset.colorMode === 'light');
}));

test('a person who is not a Jira admin is refused with a clear message', async () => {
  const sim = await startSimulator();
  const vic = sim.world.users.find((u) => u.displayName === 'Vic Viewer');
  try {
    await withHost(browser, { jira: { url: sim.url, email: vic.email, token: vic.token } }, async (host, page) => {
      await page.goto(host.urls.admin);
      const alert = page.frameLocator('#app').getByRole('alert');
      await alert.waitFor({ timeout: 15_000 });
      assert.match(await alert.innerText(), /You do not have the Jira permission this page needs[\s\S]*does not hold `ADMINISTER`/);
      await assertAccessible(page, 'refusal');
    });
  } finally {
    await sim.close();
  }
});
