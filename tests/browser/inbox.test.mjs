// The admin page's inbox in headless Chromium on the local host: a person leaves (the simulator
// deactivates them and the host fires Jira's user event, as host/fire.mjs does), the queued jobs
// run, and an admin reads what happened, what to decide, and restores a suspended bot — light and
// dark, by roles and labels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, launch, shot, withHost } from './support.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

const ready = (app, view, timeout = 60_000) => app.locator(`[data-ready="${view}"]`).waitFor({ state: 'attached', timeout });

async function fire(host, body) {
  const response = await fetch(`${host.origin}/__host/fire`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(response.status, 200, await response.clone().text());
  await host.platform.queue.idle();
  return response.json();
}

test('after a person leaves, the inbox says what happened to their bots and what to decide, and a suspended bot is restored from it', { timeout: 240_000 }, () => withHost(browser, { allowWrites: true }, async (host, page) => {
  await page.goto(host.urls.admin);
  const app = page.frameLocator('#app');
  await ready(app, 'overview'); // the first visit scans the site
  await host.platform.queue.idle();
  const world = host.simulator.world;
  const pat = world.users.find((u) => u.displayName === 'Pat Projectlead');
  await fire(host, { what: 'user-deactivated', accountId: pat.accountId });
  await fire(host, { schedule: 'daily' }); // the demo's own leaver (helpdesk-bot's owner) without an event

  await app.getByTestId('inbox-summary').getByText(/open notices?, \d+ to decide/).waitFor({ timeout: 15_000 });
  await app.getByRole('button', { name: 'Inbox', exact: true }).click();
  await ready(app, 'inbox');
  await page.mouse.move(0, 0); // a hovered, selected navigation button is not what is checked
  const notices = app.getByTestId('notice');
  const handOver = notices.filter({ hasText: 'payments-sync-bot was handed from Pat Projectlead to Ada Admin' });
  assert.equal(await handOver.count(), 1);
  const suspended = notices.filter({ hasText: 'helpdesk-bot was suspended' });
  assert.equal(await suspended.count(), 1);
  assert.match(await suspended.innerText(), /To decide: Name a new owner for helpdesk-bot and restore it, or retire it\./);
  await assertAccessible(page, 'inbox');
  await app.getByTestId('notices').scrollIntoViewIfNeeded();
  await shot(page, 'admin-inbox');

  // Restore puts back exactly what the suspension removed.
  const helpdesk = world.users.find((u) => u.displayName === 'helpdesk-bot');
  assert.deepEqual(helpdesk.groups, []);
  await suspended.getByRole('button', { name: 'Restore the bot' }).click();
  await app.getByTestId('notice').filter({ hasText: 'helpdesk-bot was restored' }).waitFor({ timeout: 15_000 });
  assert.equal(helpdesk.groups.length, 1);
  assert.deepEqual(world.projects.filter((p) => p.actors['10100'].some((a) => a.user === helpdesk.accountId)).map((p) => p.key).sort(), ['HR', 'IT', 'SUP']);

  // Marking a notice handled keeps it, below the open ones.
  const open = Number(await app.getByTestId('inbox-open').locator('strong').innerText());
  await handOver.getByRole('button', { name: 'Mark handled' }).click();
  await app.getByTestId('inbox-open').getByText(String(open - 1), { exact: true }).waitFor({ timeout: 15_000 });
}));

test('the inbox follows the dark theme', { timeout: 180_000 }, () => withHost(browser, { allowWrites: true }, async (host, page) => {
  await page.goto(host.urls.admin);
  const app = page.frameLocator('#app');
  await ready(app, 'overview');
  await host.platform.queue.idle();
  await fire(host, { schedule: 'daily' });
  await page.goto(`${host.urls.admin}?theme=dark#/inbox`);
  await ready(app, 'inbox');
  assert.equal(await page.frame({ url: /\/ui\// }).evaluate(() => document.documentElement.dataset.colorMode), 'dark');
  await app.getByTestId('notice').first().waitFor();
  await assertAccessible(page, 'inbox dark');
  await shot(page, 'admin-inbox-dark');
}));
