// The admin console's pages in Chromium on the local host: `make bench` (bench/run.mjs, PAGES_SIZE,
// default XL, empty to skip), or `node bench/pages.mjs [--size S] [--write]` on its own (--write puts
// its section into BENCHMARKS.md in place of the previous one).
//
// The host serves a generated site of the simulator (sim/sized.mjs) with its storage in a SQLite
// file under bench/.cache/, so the site is scanned once, through the host's own queue (startScan,
// the scan's jobs, the digest job), and later runs reuse the stored scan. Then, in headless
// Chromium (playwright-core, /usr/bin/chromium), each measure is the time from the navigation's
// start to the view's `data-ready` element (docs/admin-console.md; the views render it once their
// data is in and they are interactive):
//   - Overview: the admin page, to `[data-ready="overview"]`;
//   - Accounts: `#/accounts`, to `[data-ready="accounts"]`;
//   - filtering: typing into the textbox labelled "Search accounts", measured in the page from the
//     input event until `[data-testid="row-count"]` shows another text;
//   - an account: `#/accounts/<id>` of the account with the most projects, to `[data-ready="account"]`;
//   - a project: the project settings page, to `[data-ready="project"]`.
// Each is the median of RUNS navigations after one that is not counted (a cold container). A view
// that never renders its element is reported "not measured", with the reason, not as a failure.
import { writeSection } from './sections.mjs';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = dirname(fileURLToPath(import.meta.url));
const root = resolve(bench, '..');
const cache = join(bench, '.cache');
export const TARGETS_MS = { overview: 1500, accounts: 1500, filter: 100, account: 1000, project: 1500 };
const RUNS = Number(process.env.PAGES_RUNS ?? 3);
// How long a view may take before it is reported "not measured".
const VIEW_TIMEOUT_MS = Number(process.env.PAGES_TIMEOUT_MS ?? 20_000);
const SCAN_TIMEOUT_MS = Number(process.env.PAGES_SCAN_TIMEOUT_MS ?? 3 * 3_600_000);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x).toLocaleString('en-US')} ms`;

// The stored scan of the host's site: scanned through the host's queue when the database has none
// (or only products of an older version, which the digest job recomputes). Answers what it took.
async function ensureScan(host, log) {
  const admin = (functionKey, payload = {}) => host.platform.invoke({ functionKey, payload, context: { extension: { type: 'jira:adminPage' }, siteUrl: host.jira.url }, accountId: host.me.accountId });
  const started = performance.now();
  let scanned = false;
  for (;;) {
    const overview = await admin('consoleOverview');
    if (overview.type === 'success') return { scanned, seconds: (performance.now() - started) / 1000, overview: overview.result, admin };
    const code = overview.errors?.[0]?.code;
    if (performance.now() - started > SCAN_TIMEOUT_MS) throw new Error(`the scan did not finish in ${SCAN_TIMEOUT_MS / 1000} s: ${JSON.stringify(overview.errors)}`);
    if (code === 'no-snapshot') {
      const status = await admin('scanStatus');
      if (!status.result?.scan || !['queued', 'running', 'waiting-for-quota'].includes(status.result.scan.status)) {
        log('pages: no stored scan; scanning the site through the host\'s queue (once; reused by later runs)');
        const start = await admin('startScan');
        if (start.type !== 'success') throw new Error(`startScan: ${JSON.stringify(start.errors)}`);
        scanned = true;
      }
    } else if (code !== 'not-ready') {
      throw new Error(`consoleOverview: ${JSON.stringify(overview.errors)}`);
    }
    await host.platform.queue.idle();
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// Milliseconds from the start of `navigate()` until `selector` is visible in the page's app frame,
// or the reason it is not measured.
async function timeTo(page, navigate, selector) {
  // A new document each time: going from one hash of the page to another would only re-route.
  await page.goto('about:blank');
  const start = performance.now();
  try {
    await navigate();
    // Attached: a view may mark itself ready with an element that takes no space.
    await page.frameLocator('#app').locator(selector).first().waitFor({ state: 'attached', timeout: VIEW_TIMEOUT_MS });
    return { ms: performance.now() - start };
  } catch (error) {
    return { why: /Timeout/.test(error.message) ? `\`${selector}\` did not appear within ${VIEW_TIMEOUT_MS / 1000} s (the view is not built, or failed)` : error.message.split('\n')[0] };
  }
}

// Types into "Search accounts" and times, in the page, from the input until the row count changes.
async function timeFilter(page, query) {
  const app = page.frameLocator('#app');
  const box = app.getByRole('textbox', { name: 'Search accounts' });
  try {
    await box.waitFor({ state: 'visible', timeout: 5_000 });
    await app.locator('[data-testid="row-count"]').waitFor({ state: 'visible', timeout: 5_000 });
  } catch {
    return { why: 'no textbox labelled "Search accounts" with a `[data-testid="row-count"]` on the Accounts view' };
  }
  const handle = await box.elementHandle();
  const result = await handle.evaluate((input, text) => new Promise((resolveTime) => {
    const doc = input.ownerDocument;
    const count = doc.querySelector('[data-testid="row-count"]');
    const before = count.textContent;
    const start = performance.now();
    const done = () => resolveTime({ ms: performance.now() - start, before, after: count.textContent });
    const observer = new MutationObserver(() => {
      if (count.textContent !== before) {
        observer.disconnect();
        done();
      }
    });
    observer.observe(count, { childList: true, subtree: true, characterData: true });
    setTimeout(() => {
      observer.disconnect();
      resolveTime({ why: `the row count stayed "${before}" for 10 s after typing "${text}"` });
    }, 10_000);
    // As typing does: the value set through the element's own setter (React reads it), then input.
    const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), 'value').set;
    setter.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }), query);
  // Cleared again for the next run.
  await box.fill('');
  return result;
}

async function measure(label, runs, once) {
  const samples = [];
  let why = null;
  let extra = null;
  for (let i = 0; i <= runs; i += 1) {
    const r = await once(i);
    if (r.why) {
      why = r.why;
      break;
    }
    extra ??= r;
    if (i > 0 || runs === 0) samples.push(r.ms);
  }
  return { label, samples, median: samples.length ? median(samples) : null, why, extra };
}

// Runs the page benchmark on `size`; answers the Markdown section and the figures.
export async function pagesBench({ size = 'XL', log = console.error } = {}) {
  const { chromium } = await import('playwright-core');
  const { startHost } = await import('../host/server.mjs');
  mkdirSync(cache, { recursive: true });
  const database = join(cache, `pages-${size}.sqlite`);
  const cached = existsSync(database);
  const host = await startHost({ port: 0, size, database, log: () => {} });
  const results = [];
  const resolvers = [];
  let scan;
  let browser;
  try {
    host.me = host.simulator.world.users.find((u) => u.displayName === 'Ada Admin');
    try {
      scan = await ensureScan(host, log);
    } catch (error) {
      // No stored products to measure against: every view is "not measured", with the reason.
      const world = host.simulator.world;
      const why = `the site's stored scan is not usable: ${error.message.slice(0, 300)}`;
      const section = ['## Pages (Chromium on the local host)', '', `Measured by \`bench/pages.mjs\` on the simulator's size ${size} site (${world.projects.length.toLocaleString('en-US')} projects, ${world.users.length.toLocaleString('en-US')} accounts).`, '',
        '| View | Median | Target | |', '|---|---:|---:|---|',
        ...['Overview', 'Accounts', 'Filtering', 'An account', 'A project'].map((label, i) => `| ${label} | not measured | ≤ ${ms(Object.values(TARGETS_MS)[i])} | ${why.replaceAll('|', '\\|')} |`), ''].join('\n');
      return { section, results: [], resolvers: [], size };
    }
    log(`pages: ${size} scan ${scan.scanned ? `done in ${scan.seconds.toFixed(0)} s` : 'reused from bench/.cache'}; the console's products took ${scan.overview.products.seconds ?? '?'} s (revision ${scan.overview.products.revision})`);
    const table = await scan.admin('consoleAccounts');
    const rows = table.result.rows;
    const widest = rows.reduce((a, b) => (b.projectCount > a.projectCount ? b : a), rows[0]);
    // A query that keeps some rows and drops others: the start of the most common first word.
    const query = (rows.find((r) => r.projectCount > 0) ?? rows[0]).displayName.slice(0, 3);
    const project = host.urls.projects[0];

    // The resolvers behind the views, through the host's platform without a browser: what each
    // answer costs the page (the first call parses the stored products; the median is warm).
    for (const [name, payload] of [['consoleOverview', {}], ['consoleAccounts', {}], ['consoleAccount', { accountId: widest.accountId }], ['consoleFindings', {}]]) {
      const times = [];
      let bytes = 0;
      for (let i = 0; i <= RUNS; i += 1) {
        const t = performance.now();
        const answer = await scan.admin(name, payload);
        times.push(performance.now() - t);
        bytes = Buffer.byteLength(JSON.stringify(answer));
        if (answer.type !== 'success') throw new Error(`${name}: ${JSON.stringify(answer.errors)}`);
      }
      resolvers.push({ name, first: times[0], median: median(times.slice(1)), bytes });
    }

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const admin = host.urls.admin;
    const go = (url) => () => page.goto(url, { waitUntil: 'commit' });
    results.push(await measure('Overview', RUNS, () => timeTo(page, go(`${admin}#/`), '[data-ready="overview"]')));
    results.push(await measure('Accounts', RUNS, () => timeTo(page, go(`${admin}#/accounts`), '[data-ready="accounts"]')));
    results.push(await measure(`Filtering ${rows.length.toLocaleString('en-US')} rows ("${query}")`, RUNS, async () => {
      const ready = await timeTo(page, go(`${admin}#/accounts`), '[data-ready="accounts"]');
      return ready.why ? ready : timeFilter(page, query);
    }));
    results.push(await measure(`An account (${widest.displayName}, ${widest.projectCount.toLocaleString('en-US')} projects)`, RUNS, () => timeTo(page, go(`${admin}#/accounts/${encodeURIComponent(widest.accountId)}`), '[data-ready="account"]')));
    results.push(await measure(`A project (${project.key})`, RUNS, () => timeTo(page, go(project.url), '[data-ready="project"][data-view="bots"]')));
  } finally {
    await browser?.close();
    await host.close();
  }
  const keys = ['overview', 'accounts', 'filter', 'account', 'project'];
  const world = host.simulator.world;
  const bots = world.users.filter((u) => !['atlassian', 'customer'].includes(u.accountType)).length;
  const lines = ['## Pages (Chromium on the local host)', ''];
  lines.push(`Measured by \`bench/pages.mjs\` on the simulator's size ${size} site (${world.projects.length.toLocaleString('en-US')} projects, ${world.users.length.toLocaleString('en-US')} accounts, ${bots.toLocaleString('en-US')} of them non-human), its scan stored (${scan.scanned ? `scanned through the host's queue in ${scan.seconds.toFixed(0)} s for this run` : `reused from \`bench/.cache/pages-${size}.sqlite\``}${cached ? '' : ''}). Headless Chromium; each figure the median of ${RUNS} navigations after a first one not counted; from the navigation's start to the view's \`data-ready\` element; filtering timed in the page from the input event until the row count changes.`, '');
  const p = scan.overview.products;
  lines.push(`The console's stored products (revision ${p.revision}, ${p.reason}) took ${p.seconds ?? '?'} s to compute and store in the host's job, the snapshot's decoding not included.`, '');
  lines.push('| View | Median | Runs | Target | |', '|---|---:|---|---:|---|');
  results.forEach((r, i) => {
    const target = TARGETS_MS[keys[i]];
    if (r.why) {
      lines.push(`| ${r.label} | not measured | | ≤ ${ms(target)} | ${r.why} |`);
    } else {
      lines.push(`| ${r.label} | ${ms(r.median)} | ${r.samples.map((x) => Math.round(x)).join(', ')} | ≤ ${ms(target)} | ${r.median <= target ? 'met' : '**not met**'} |`);
    }
  });
  lines.push('', 'The resolvers behind them, called through the host\'s platform without a browser (the caller\'s ADMINISTER check against the simulator included):', '');
  lines.push('| Resolver | First call | Median after | Answer |', '|---|---:|---:|---:|');
  for (const r of resolvers) lines.push(`| \`${r.name}\` | ${ms(r.first)} | ${ms(r.median)} | ${(r.bytes / 1024).toFixed(0)} KB |`);
  lines.push('');
  return { section: lines.join('\n'), results, resolvers, size };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--size');
  const size = (at > 0 ? process.argv[at + 1] : process.env.PAGES_SIZE || 'XL').toUpperCase();
  const { section } = await pagesBench({ size });
  console.log(section);
  if (process.argv.includes('--write')) {
    writeSection('## Pages (Chromium on the local host)', section);
    console.error('pages: wrote its section into BENCHMARKS.md');
  }
}
