// The project page in headless Chromium (Debian's package, driven by playwright-core) on the local host,
// with the handlers running through the local platform adapter against the Jira simulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startHost } from '../../host/server.mjs';

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
  await page.frameLocator('#app').locator('[data-ready="overview"]').waitFor({ state: 'attached', timeout: 60_000 });

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
