// Steward's local host: serves both Custom UI pages inside a Jira-like frame on 127.0.0.1 and runs
// the same Forge handlers through the local platform adapter. Jira is the embedded simulator, or a
// real Jira Cloud site when JIRA_SITE, JIRA_EMAIL and JIRA_API_TOKEN are set (read-only unless
// STEWARD_ALLOW_WRITES=1).
//
// Usage: node host/server.mjs [--port 8080] [--bundle host/.build/index.cjs]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlatform } from './platform.mjs';
import { openSqlite } from './sqlite.mjs';
import { createStore } from '../src/forge/storage.js';
import { demoRegistry } from '../sim/registry.mjs';
import { startSimulator } from '../sim/server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODULES = {
  'steward-admin': { app: 'admin', title: 'Service Accounts', type: 'jira:adminPage' },
  'steward-project': { app: 'project', title: 'Bot access', type: 'jira:projectSettingsPage' },
};
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
// JSON inside <script>: `<` escaped so a hostile name cannot close the tag.
const scriptJson = (value) => JSON.stringify(value).replace(/</g, '\\u003c');

export function jiraFromEnv(env = process.env) {
  const { JIRA_SITE, JIRA_EMAIL, JIRA_API_TOKEN } = env;
  if (!JIRA_SITE && !JIRA_EMAIL && !JIRA_API_TOKEN) return null;
  const missing = ['JIRA_SITE', 'JIRA_EMAIL', 'JIRA_API_TOKEN'].filter((name) => !env[name]);
  if (missing.length) throw new Error(`set ${missing.join(', ')} as well to use a real Jira site`);
  const url = /^https?:\/\//.test(JIRA_SITE) ? JIRA_SITE : `https://${JIRA_SITE}`;
  return { url, email: JIRA_EMAIL, token: JIRA_API_TOKEN, real: true };
}

function framePage({ moduleKey, context, user, projects, players = [] }) {
  const module = MODULES[moduleKey];
  const project = context.extension.project;
  const sidebar = module.type === 'jira:adminPage'
    ? `<h3>Apps</h3><a>Manage apps</a><a class="active">${escapeHtml(module.title)}</a><h3>Projects</h3>`
      + projects.map((p) => `<a href="/jira/software/projects/${encodeURIComponent(p.key)}/settings/apps/steward">${escapeHtml(p.name)} settings</a>`).join('')
    : `<h3>${escapeHtml(project.name ?? project.key)}</h3><a>Details</a><a>People</a><a>Permissions</a><h3>Apps</h3><a class="active">${escapeHtml(module.title)}</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(module.title)} - Jira (local)</title>
<style>
  body { margin: 0; font: 14px/1.43 -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #172b4d; display: grid; grid-template: 48px 1fr / 240px 1fr; height: 100vh; }
  header { grid-column: 1 / 3; display: flex; align-items: center; gap: 16px; padding: 0 16px; border-bottom: 1px solid #dcdfe4; }
  header .logo { font-weight: 700; color: #0c66e4; } header .who { color: #626f86; } header button { margin-left: auto; }
  nav { border-right: 1px solid #dcdfe4; padding: 16px 8px; background: #f7f8f9; overflow: auto; }
  nav h3 { font-size: 11px; text-transform: uppercase; color: #626f86; margin: 16px 8px 4px; }
  nav a { display: block; padding: 6px 8px; border-radius: 3px; color: inherit; text-decoration: none; }
  nav a.active { background: #e9f2ff; color: #0c66e4; font-weight: 600; }
  iframe { border: 0; width: 100%; height: 100%; }
  header button { font: inherit; border: 1px solid #dcdfe4; background: none; color: inherit; border-radius: 3px; padding: 4px 8px; cursor: pointer; }
  html[data-color-mode=dark] body { background: #1d2125; color: #b6c2cf; }
  html[data-color-mode=dark] header, html[data-color-mode=dark] nav { border-color: #2c333a; }
  html[data-color-mode=dark] nav { background: #161a1d; }
  html[data-color-mode=dark] nav a.active { background: #1c2b41; color: #579dff; }
</style></head>
<body>
<header><span class="logo">Jira</span><span>${module.type === 'jira:adminPage' ? 'Settings › Apps' : `Projects › ${escapeHtml(project.key)} › Project settings`}</span><button type="button" id="theme" aria-pressed="false">Dark theme</button><span class="who">${players.length > 1
    ? `<label>Viewing as <select id="steward-as">${players.map((p) => `<option value="${escapeHtml(p.accountId)}"${p.accountId === user.accountId ? ' selected' : ''}>${escapeHtml(p.displayName)}${p.role ? ` (${escapeHtml(p.role)})` : ''}</option>`).join('')}</select></label>`
    : escapeHtml(user.displayName)} · local host</span></header>
<nav>${sidebar}</nav>
<main><iframe id="app" title="${escapeHtml(module.title)}" data-src="/ui/${module.app}/index.html"></iframe></main>
<script>window.STEWARD_FRAME = ${scriptJson({ moduleKey, context })};</script>
<script src="/__host/frame.js"></script>
</body></html>`;
}

function indexPage(urls, jiraLabel) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Steward (local)</title></head>
<body style="font: 14px -apple-system, Roboto, Arial, sans-serif; padding: 32px; color: #172b4d">
<h1>Steward, running locally</h1><p>Jira: ${escapeHtml(jiraLabel)}</p>
<ul><li><a href="${urls.admin}">Apps → Service Accounts</a></li>${urls.projects.map((u) => `<li><a href="${u.url}">Project settings → Bot access (${escapeHtml(u.key)})</a></li>`).join('')}</ul>
</body></html>`;
}

async function readJson(req, limit = 1_000_000) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

// The people the local host can play: the simulator's users that have an API token, so that its
// asUser() calls go to Jira as them; on a real site, only the account of JIRA_EMAIL.
const ROLES_IN_DEMO = { 'Ada Admin': 'Jira admin', 'Pat Projectlead': 'admin of projects PAY and HR', 'Vic Viewer': 'neither right' };
function playersOf(simulator, me, jira) {
  if (!simulator) return [{ accountId: me.accountId, displayName: me.displayName, user: null }];
  return simulator.world.users.filter((u) => u.token && u.active).map((u) => ({
    accountId: u.accountId, displayName: u.displayName, role: ROLES_IN_DEMO[u.displayName] ?? null, user: { email: u.email, token: u.token },
  })).sort((a, b) => (a.accountId === me.accountId ? -1 : b.accountId === me.accountId ? 1 : 0));
}

// The player a request names: `?as=` (account id or first name), else the `steward_as` cookie.
function playerOf(req, url, players) {
  const cookie = /(?:^|;\s*)steward_as=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
  const wanted = url.searchParams.get('as') ?? (cookie ? decodeURIComponent(cookie) : null);
  const found = wanted && players.find((p) => p.accountId === wanted || p.displayName.split(' ')[0].toLowerCase() === wanted.toLowerCase());
  return found ?? players[0];
}

// `database`: the SQLite file behind the app's storage (in memory when null). `env`: the app's
// environment variables (scan pacing, see docs/forge-app.md); `clock`: the platform's clock (tests).
// `size`: serve one of the simulator's generated sites (S, M, L, XL; sim/sized.mjs) instead of the
// demo company. `schedule`: run the manifest's scheduled triggers on their intervals (the CLI
// does; tests fire them). `allowWrites`: let writes reach Jira; by default the simulator takes them
// and a real site does not.
export async function startHost({ port = 8080, jira = null, size = null, allowWrites = null, bundlePath = join(root, 'host/.build/index.cjs'), log = () => {}, database = null, env = {}, clock, schedule = false } = {}) {
  let simulator = null;
  // The embedded simulator has no burst limit to respect, so the demo's scan need not space its
  // calls at Jira Cloud's 10 a second; a real site keeps the default. A generated site's scan
  // (thousands of calls) may spend a simulated quota without waiting for the next hour.
  const sized = !jira && size ? { STEWARD_SCAN_RPS: '1000', STEWARD_SCAN_POINTS_PER_HOUR: '10000000', STEWARD_SCAN_SHARE: '1' } : {};
  const appEnv = { ...(jira || process.env.STEWARD_SCAN_RPS ? {} : { STEWARD_SCAN_RPS: '100' }), ...sized, ...env };
  if (!jira) {
    // Jira's own page cap for the sized sites, as the tests and the benchmark serve them.
    simulator = await startSimulator(size ? { size, pageCap: 1000 } : {});
    const admin = simulator.world.users.find((u) => u.displayName === 'Ada Admin');
    jira = { url: simulator.url, email: admin.email, token: admin.token, real: false };
  }
  // A generated site's scan writes hundreds of MB: its database file is written every few seconds.
  const storage = await openSqlite(database, { persistDelayMs: size ? 5000 : 0 });
  if (simulator && !size) {
    // The demo company's registry, stored once as the first version of each record.
    const store = createStore(storage.client);
    if ((await store.list('registry')).length === 0) {
      for (const entry of demoRegistry(simulator.world).accounts) {
        await store.put('registry', entry.accountId, entry, { expectedVersion: 0, by: 'steward-demo', at: new Date().toISOString(), action: 'register', why: 'demo company' });
      }
    }
  }
  // Writes reach the embedded simulator; a real site only with STEWARD_ALLOW_WRITES=1, and the
  // handlers are told so they can say why (STEWARD_LOCAL_READ_ONLY).
  const writes = allowWrites ?? !jira.real;
  const platform = createPlatform({ jira, allowWrites: writes, bundlePath, log, storage, env: { ...appEnv, ...(writes ? {} : { STEWARD_LOCAL_READ_ONLY: '1' }) }, ...(clock ? { clock } : {}) });
  if (schedule) platform.startScheduler();
  const jiraGet = async (path) => {
    const response = await globalThis.__forge_fetch__({ remote: 'jira', provider: 'user' }, path, {});
    if (!response.ok) throw new Error(`jira answered ${response.status} for ${path}`);
    return response.json();
  };
  const me = await jiraGet('/rest/api/3/myself');
  const players = playersOf(simulator, me, jira);
  const withPlayer = (res, player) => res.setHeader('set-cookie', `steward_as=${encodeURIComponent(player.accountId)}; Path=/; SameSite=Strict`);

  async function listProjects() {
    const page = await jiraGet('/rest/api/3/project/search?maxResults=50');
    return page.values.map((p) => ({ key: p.key, name: p.name }));
  }

  async function serveStatic(res, app, rest) {
    const dir = join(root, 'static', app, 'build');
    const file = normalize(join(dir, rest || 'index.html'));
    if (!file.startsWith(dir)) return notFound(res);
    try {
      if (!(await stat(file)).isFile()) return notFound(res);
    } catch {
      return notFound(res);
    }
    let body = await readFile(file);
    if (file.endsWith('index.html')) {
      body = body.toString('utf8').replace('<head>', '<head><script src="/__host/bridge-shim.js"></script>');
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  }

  function notFound(res, what = 'not found') {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(what);
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://local.invalid');
    const path = url.pathname;
    try {
      if (req.method === 'GET' && path === '/') {
        const projects = await listProjects();
        res.writeHead(200, { 'content-type': TYPES['.html'] });
        return res.end(indexPage(pageUrls(projects), jira.real ? jira.url : 'embedded simulator'));
      }
      if (req.method === 'GET' && path === '/jira/settings/apps/steward') {
        const player = playerOf(req, url, players);
        const context = { accountId: player.accountId, moduleKey: 'steward-admin', extension: { type: 'jira:adminPage' }, siteUrl: jira.url, locale: 'en_US', environmentType: 'DEVELOPMENT' };
        withPlayer(res, player);
        res.writeHead(200, { 'content-type': TYPES['.html'] });
        return res.end(framePage({ moduleKey: 'steward-admin', context, user: player, projects: await listProjects(), players }));
      }
      const projectPage = path.match(/^\/jira\/software\/projects\/([^/]+)\/settings\/apps\/steward$/);
      if (req.method === 'GET' && projectPage) {
        let project;
        try {
          project = await jiraGet(`/rest/api/3/project/${encodeURIComponent(decodeURIComponent(projectPage[1]))}`);
        } catch {
          return notFound(res, 'no such project');
        }
        const player = playerOf(req, url, players);
        const context = {
          accountId: player.accountId, moduleKey: 'steward-project', siteUrl: jira.url, locale: 'en_US', environmentType: 'DEVELOPMENT',
          extension: { type: 'jira:projectSettingsPage', project: { id: project.id, key: project.key, type: project.projectTypeKey, name: project.name } },
        };
        withPlayer(res, player);
        res.writeHead(200, { 'content-type': TYPES['.html'] });
        return res.end(framePage({ moduleKey: 'steward-project', context, user: player, projects: [], players }));
      }
      const ui = path.match(/^\/ui\/(admin|project)\/(.*)$/);
      if (req.method === 'GET' && ui) return serveStatic(res, ui[1], ui[2]);
      if (req.method === 'GET' && (path === '/__host/bridge-shim.js' || path === '/__host/frame.js')) {
        res.writeHead(200, { 'content-type': TYPES['.js'] });
        return res.end(await readFile(join(root, 'host', path.slice('/__host/'.length))));
      }
      // host/fire.mjs: a person leaves (the simulator deactivates them — a deleted account stays
      // as an inactive one, as Jira's "Former user" — and Jira's user event is sent unless
      // `event: false`), or a scheduled trigger runs now.
      if (req.method === 'POST' && path === '/__host/fire') {
        const call = await readJson(req);
        const json = (status, body) => {
          res.writeHead(status, { 'content-type': TYPES['.json'] });
          res.end(JSON.stringify(body));
        };
        if (call.schedule) {
          const key = { daily: 'daily-reconcile', hourly: 'hourly-refresh' }[call.schedule] ?? call.schedule;
          return json(200, { schedule: key, answer: await platform.runSchedule(key) });
        }
        const eventType = { 'user-deactivated': 'avi:jira:updated:user', 'user-deleted': 'avi:jira:deleted:user', 'user-updated': 'avi:jira:updated:user' }[call.what];
        if (!eventType || typeof call.accountId !== 'string') return json(400, { error: 'give `what` (user-deactivated, user-deleted, user-updated) and `accountId`, or `schedule`' });
        let user = { accountId: call.accountId };
        if (call.what !== 'user-updated') {
          if (!simulator) return json(400, { error: 'only the embedded simulator can deactivate a person; on a real site do it in Atlassian administration' });
          try {
            user = simulator.setActive(call.accountId, false);
          } catch (error) {
            return json(404, { error: error.message });
          }
        }
        if (call.event === false) return json(200, { deactivated: call.accountId, event: null });
        const answer = await platform.fireTrigger(eventType, { user: { accountId: user.accountId, ...(call.what === 'user-deleted' ? {} : { active: user.active }) } });
        return json(200, { eventType, accountId: call.accountId, answer });
      }
      if (req.method === 'POST' && path === '/__host/invoke') {
        const call = await readJson(req);
        const module = MODULES[call.moduleKey];
        if (!module || typeof call.functionKey !== 'string') return notFound(res, 'unknown module or function');
        const context = { moduleKey: call.moduleKey, extension: { ...call.extension, type: module.type }, siteUrl: jira.url };
        let answer;
        try {
          const player = playerOf(req, url, players);
          answer = { ok: true, value: await platform.invoke({ functionKey: call.functionKey, payload: call.payload ?? {}, context, accountId: player.accountId, user: player.user }) };
        } catch (error) {
          log(`resolver ${call.functionKey} failed: ${error.stack ?? error}`);
          answer = { ok: false, error: String(error.message ?? error) };
        }
        res.writeHead(200, { 'content-type': TYPES['.json'] });
        return res.end(JSON.stringify(answer));
      }
      notFound(res);
    } catch (error) {
      log(`error serving ${req.method} ${path}: ${error.stack ?? error}`);
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error.message ?? error));
    }
  });

  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolveListen);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  function pageUrls(projects) {
    return {
      admin: `${origin}/jira/settings/apps/steward`,
      projects: projects.map((p) => ({ key: p.key, url: `${origin}/jira/software/projects/${encodeURIComponent(p.key)}/settings/apps/steward` })),
    };
  }
  return {
    origin,
    jira,
    simulator,
    platform,
    // The app's storage (tests read what the handlers stored).
    storage,
    urls: pageUrls(await listProjects()),
    close: async () => {
      await new Promise((r) => server.close(r));
      // Queued jobs are dropped; a job running now finishes against a Jira that is still there.
      platform.close();
      await platform.queue.idle();
      storage.flush();
      if (simulator) await simulator.close();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  try {
    // SIZE=XL make demo: a generated site, in a database of its own so the demo company's stays.
    const size = (arg('size', process.env.SIZE) || '').toUpperCase() || null;
    const host = await startHost({
      port: Number(arg('port', process.env.PORT ?? 8080)),
      jira: jiraFromEnv(),
      size,
      allowWrites: process.env.STEWARD_ALLOW_WRITES === '1' ? true : null,
      bundlePath: resolve(arg('bundle', join(root, 'host/.build/index.cjs'))),
      log: process.env.STEWARD_VERBOSE ? (line) => console.log(`  ${line}`) : () => {},
      database: resolve(process.env.STEWARD_DB ?? join(root, size ? `.steward/steward-${size}.sqlite` : '.steward/steward.sqlite')),
      schedule: true,
    });
    console.log(`Steward is running on ${host.origin} against ${host.jira.real ? host.jira.url : `the embedded Jira simulator (${host.jira.url}${size ? `, size ${size}` : ''})`}${host.jira.real && process.env.STEWARD_ALLOW_WRITES !== '1' ? ', read-only' : ''}`);
    console.log(`  Apps → Service Accounts:       ${host.urls.admin}`);
    const first = host.urls.projects[0];
    if (first) console.log(`  Project settings → Bot access: ${first.url}  (any project key works)`);
    if (!host.jira.real) {
      console.log('  Play another person with "Viewing as" in the frame\'s header, or add ?as=NAME to a page address:');
      console.log('    ?as=ada  the demo Jira admin · ?as=pat  a project admin (PAY, HR) · ?as=vic  a person with neither right');
    }
    console.log('Press Ctrl+C to stop.');
  } catch (error) {
    console.error(`steward: ${error.message}`);
    process.exit(1);
  }
}
