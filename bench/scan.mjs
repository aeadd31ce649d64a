// The scan benchmark: calls, points and wall time of a full lean scan on the Jira simulator at
// 100 ms latency, next to the naive plan and the lower bound from page sizes; the 900 s jobs and
// hours a paced scan needs under the default budget; the calls of an incremental refresh after one
// role change.
//
//   node bench/scan.mjs                 (SCAN_SIZES=M,L by default; SCAN_LATENCY_MS=100)
//   import { scanBench } from './scan.mjs'; const markdown = await scanBench({ sizes: ['M'] });
//
// Needs pkg/ (make core). Points are the simulator's count (1 per call, plus 2 per identity object
// and 1 per other object a GET returns; a write costs 1), the model Atlassian publishes.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../sim/server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOUR_MS = 3_600_000;
const QUOTA = 65_000;
const SHARE = 0.5; // the pacing default (src/collect/budget.rs)
const JOB_SECONDS = 900;
const CONCURRENCY = 6; // the scan's default cap, used by the naive plan too
const ADMIN = `Basic ${Buffer.from('ada@steward-demo.example:demo-token').toString('base64')}`;

let steward;
async function core() {
  if (!steward) {
    steward = await import(join(root, 'pkg/steward.js'));
    steward.initSync({ module: readFileSync(join(root, 'pkg/steward_bg.wasm')) });
  }
  return steward;
}

// The host bridge over fetch. Sleeps longer than `realSleepMs` pass in simulated time: `now()` is
// the wall clock plus every sleep skipped, so job time and the quota hour are kept as in production
// while the benchmark does not wait an hour for real.
function host(sim, { realSleepMs = Infinity } = {}) {
  const clock = { skipped: 0 };
  return {
    clock,
    now: () => Date.now() + clock.skipped,
    sleep(ms) {
      if (ms > realSleepMs) {
        clock.skipped += ms;
        return Promise.resolve();
      }
      return new Promise((r) => setTimeout(r, ms));
    },
    async request(method, path, body) {
      const response = await fetchOnce(sim.url + path, {
        method,
        headers: { authorization: ADMIN, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ?? undefined,
      });
      return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
    },
  };
}

async function collect(bridge, options) {
  const answer = JSON.parse(await (await core()).collectSnapshot(bridge, JSON.stringify(options)));
  if (answer.type !== 'success') throw new Error(`scan failed: ${JSON.stringify(answer.errors)}`);
  return answer.result;
}

function counted(sim, since) {
  return { calls: sim.stats.calls - since.calls, points: sim.stats.points - since.points };
}
const snap = (sim) => ({ calls: sim.stats.calls, points: sim.stats.points });

// The naive plan, run for real: site lists, then per project its scheme and every role's actors,
// per group every page of its members, per bot its groups and its permission check.
async function naive(sim) {
  const get = async (path) => {
    const response = await fetchOnce(sim.url + path, { headers: { authorization: ADMIN } });
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    return response.json();
  };
  const pages = async (first) => {
    const out = [];
    let path = first;
    for (;;) {
      const page = await get(path);
      out.push(...page.values);
      if (page.isLast || !page.nextPage) return out;
      const next = new URL(page.nextPage);
      path = next.pathname + next.search;
    }
  };
  const pool = async (items, f) => {
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await f(items[next++]);
    }));
  };
  const permissions = Object.values((await get('/rest/api/3/permissions')).permissions);
  await get('/rest/api/3/permissionscheme?expand=permissions,user,group,projectRole,field');
  const roles = await get('/rest/api/3/role');
  await get('/rest/api/3/applicationrole');
  const projects = await pages('/rest/api/3/project/search?expand=lead&maxResults=100');
  const users = [];
  for (let start = 0; ; start += 1000) {
    const page = await get(`/rest/api/3/users/search?maxResults=1000&startAt=${start}`);
    users.push(...page);
    if (page.length < 1000) break;
  }
  const groups = await pages('/rest/api/3/group/bulk?maxResults=50');
  await pool(projects, async (p) => {
    await get(`/rest/api/3/project/${p.key}/permissionscheme`);
    for (const role of roles) await get(`/rest/api/3/project/${p.key}/role/${role.id}`);
  });
  await pool(groups, (g) => pages(`/rest/api/3/group/member?groupId=${g.groupId}&includeInactiveUsers=true&maxResults=50`));
  const bots = users.filter((u) => u.accountType === 'app');
  const ids = projects.map((p) => Number(p.id));
  const project = permissions.filter((p) => p.type === 'PROJECT').map((p) => p.key);
  const global = permissions.filter((p) => p.type === 'GLOBAL').map((p) => p.key);
  await pool(bots, async (b) => {
    await get(`/rest/api/3/user?accountId=${encodeURIComponent(b.accountId)}&expand=groups,applicationRoles`);
    for (let i = 0; i < ids.length; i += 1000) {
      const body = { accountId: b.accountId, globalPermissions: i ? [] : global, projectPermissions: [{ permissions: project, projects: ids.slice(i, i + 1000) }] };
      const response = await fetchOnce(`${sim.url}/rest/api/3/permissions/check`, { method: 'POST', headers: { authorization: ADMIN, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await response.text();
    }
  });
  return { projects: projects.length, roles: roles.length, groups: groups.length, bots: bots.length };
}

// The fewest calls any plan needs to read what the lean snapshot holds, every listing at its
// largest page and no role actors at all, priced as the simulator prices them. Issue security and
// workflows are taken as the lean scan read them (a few calls).
function lowerBound(world, byEndpoint) {
  const P = world.projects.length;
  const U = world.users.length;
  const G = world.groups.length;
  const R = world.roles.length;
  const A = world.users.filter((u) => u.accountType === 'app').length;
  const checks = A * Math.ceil(P / 1000);
  const parts = [
    [1, 1 + 2], // GET /permissions: one object, identity
    [1, 1 + 1], // GET /permissionscheme?expand=…: one object
    [1, 1 + 2 * R], // GET /role
    [1, 1 + 2 * world.appRoles.length], // GET /applicationrole
    [Math.ceil(P / 100), Math.ceil(P / 100) + P], // project pages
    [Math.ceil(U / 1000) + 1, Math.ceil(U / 1000) + 1 + 2 * U], // user pages, and the empty one that ends them
    [Math.ceil(G / 50), Math.ceil(G / 50) + 2 * G], // group pages
    [P, 2 * P], // each project's scheme
    [A, 3 * A], // each bot's groups and product access
    [checks, checks], // permission checks (POST: 1 point)
  ];
  for (const [endpoint, row] of Object.entries(byEndpoint)) {
    if (/issuesecurityschemes|workflow/.test(endpoint)) parts.push([row.calls, row.points]);
  }
  return parts.reduce((acc, [calls, points]) => ({ calls: acc.calls + calls, points: acc.points + points }), { calls: 0, points: 0 });
}

// "project key/role id" of every role that holds an active bot (an app account) directly or
// through a group the bot is in. (A deactivated account holds nothing: no path to explain.)
function rolesHoldingABot(world) {
  const bots = world.users.filter((u) => u.accountType === 'app' && u.active);
  const ids = new Set(bots.map((b) => b.accountId));
  const groups = new Set(bots.flatMap((b) => b.groups ?? []));
  const out = new Set();
  for (const project of world.projects) {
    for (const [role, actors] of Object.entries(project.actors ?? {})) {
      if (actors.some((a) => (a.user && ids.has(a.user)) || (a.group && groups.has(a.group)))) out.add(`${project.key}/${role}`);
    }
  }
  return out;
}

function endpointDiff(before, after) {
  const out = {};
  for (const [key, row] of Object.entries(after)) {
    const was = before[key] ?? { calls: 0, points: 0 };
    if (row.calls > was.calls) out[key] = { calls: row.calls - was.calls, points: row.points - was.points };
  }
  return out;
}

// fetch, once more when the connection was reset: a keep-alive socket the simulator closed while
// idle between phases is not an answer (the L naive plan met one after the paced scan).
async function fetchOnce(url, init) {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (error?.cause?.code !== 'ECONNRESET' && error?.cause?.code !== 'UND_ERR_SOCKET') throw error;
    return fetch(url, init);
  }
}

const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const pct = (a, b) => `${((100 * a) / b).toFixed(1)} %`;
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function measure(size, { latencyMs, log }) {
  const sim = await startSimulator({ size, latencyMs, pageCap: 1000 });
  const world = sim.world;
  const figures = { size, projects: world.projects.length, users: world.users.length, groups: world.groups.length, roles: world.roles.length,
    bots: world.users.filter((u) => u.accountType === 'app').length };
  try {
    // 1. The full lean scan, unpaced, at the latency given.
    log(`scan ${size}: full lean scan at ${latencyMs} ms latency…`);
    let since = snap(sim);
    const endpointsBefore = structuredClone(sim.stats.byEndpoint);
    let t = performance.now();
    const collectedAt = new Date().toISOString();
    const lean = await collect(host(sim), { collectedAt, concurrency: CONCURRENCY });
    figures.lean = { ...counted(sim, since), wallMs: performance.now() - t, estimate: lean.ledger.points, complete: lean.complete,
      roleCalls: lean.ledger.byEndpoint['GET /rest/api/3/project/{projectIdOrKey}/role/{id}']?.calls ?? 0 };
    figures.lower = lowerBound(world, endpointDiff(endpointsBefore, sim.stats.byEndpoint));
    // The role reads any plan that explains every bot's access needs: the (project, role) pairs
    // that hold a bot, directly or through a group it is in. Priced as the lean scan's role reads.
    const holding = rolesHoldingABot(world);
    const roleRow = lean.ledger.byEndpoint['GET /rest/api/3/project/{projectIdOrKey}/role/{id}'];
    const perRead = roleRow && roleRow.calls ? roleRow.points / roleRow.calls : 3;
    const readHolding = Object.entries(lean.snapshot.projectRoles ?? {})
      .reduce((n, [key, roles]) => n + Object.keys(roles).filter((r) => holding.has(`${key}/${r}`)).length, 0);
    figures.holding = { pairs: holding.size, read: readHolding };
    figures.explained = { calls: figures.lower.calls + holding.size, points: figures.lower.points + Math.round(holding.size * perRead) };

    // 2. The same scan paced as a Forge consumer would run it: 900 s jobs, half the hourly quota.
    log(`scan ${size}: paced scan in ${JOB_SECONDS} s jobs…`);
    const bridge = host(sim, { realSleepMs: 0 });
    const options = { collectedAt, concurrency: CONCURRENCY, pacing: { share: SHARE, jobSeconds: JOB_SECONDS } };
    since = snap(sim);
    t = performance.now();
    const start = bridge.now();
    let result = await collect(bridge, options);
    let jobs = 1;
    let jobPoints = [result.ledger.points];
    while (!result.complete && jobs < 100) {
      bridge.clock.skipped += result.checkpoint.resumeAfterSeconds * 1000; // the next job starts then
      result = await collect(bridge, { ...options, resume: result.checkpoint });
      jobs += 1;
      jobPoints.push(result.ledger.points);
    }
    const end = bridge.now();
    figures.paced = {
      ...counted(sim, since), jobs, complete: result.complete, wallMs: performance.now() - t,
      hours: Math.floor(end / HOUR_MS) - Math.floor(start / HOUR_MS) + 1, simulatedMs: end - start,
      maxJobPoints: Math.max(...jobPoints), same: JSON.stringify(result.snapshot.permissionChecks) === JSON.stringify(lean.snapshot.permissionChecks),
    };

    // 3. An incremental refresh after one role change: a bot added to a role of a project.
    const bot = world.users.find((u) => u.appType === 'service' && u.active);
    const project = world.projects.find((p) => (p.actors['10100'] ?? []).length === 0 && world.schemes.find((s) => s.id === p.scheme).grants.some(([, , h]) => h.value === '10100'))
      ?? world.projects[0];
    await fetchOnce(`${sim.url}/rest/api/3/project/${project.key}/role/10100`, { method: 'POST', headers: { authorization: ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ user: [bot.accountId] }) });
    since = snap(sim);
    const refreshed = await collect(host(sim), { collectedAt: new Date().toISOString(), concurrency: CONCURRENCY, refresh: { previous: lean.snapshot } });
    figures.incremental = { ...counted(sim, since), mode: refreshed.refresh.mode, records: refreshed.refresh.records, change: `${bot.displayName} added to Service accounts in ${project.key}` };

    // 4. The naive plan, run for real without latency (its calls and points do not depend on it).
    log(`scan ${size}: naive plan (run at 0 ms latency)…`);
    sim.setLatency(0);
    since = snap(sim);
    t = performance.now();
    await naive(sim);
    figures.naive = { ...counted(sim, since), wallMs: performance.now() - t };
    figures.naive.estimatedWallMs = (figures.naive.calls * latencyMs) / CONCURRENCY;
  } finally {
    await sim.close();
  }
  return figures;
}

function markdown(results, { latencyMs }) {
  const budget = QUOTA * SHARE;
  const lines = [];
  lines.push('## Scan: calls, points, time (Jira simulator)', '');
  lines.push(`Measured by \`node bench/scan.mjs\` on the simulator's sized worlds (\`sim/sized.mjs\`), ${latencyMs} ms added to every answer, `
    + `the scan's concurrency cap of ${CONCURRENCY}, page caps at each endpoint's documented maximum. Points are the simulator's count `
    + '(1 per call, plus 2 per identity object and 1 per other object a GET returns, 1 per write; a role body counts as one object — Atlassian has '
    + 'not published per-endpoint object accounting). The naive plan (per project its scheme and every role\'s actors, per group every page of '
    + 'its members, per bot its groups and permission check) was **run** against the same world without latency; its wall time at '
    + `${latencyMs} ms is estimated as calls × ${latencyMs} ms ÷ ${CONCURRENCY}. The lower bound is the calls any plan needs at the largest page `
    + 'sizes to read the site lists, every project\'s scheme (no bulk endpoint) and each bot\'s details and permission check, with no role actors at all.', '');
  lines.push('| Size | Projects · accounts · groups · roles · bots | Plan | Calls | Points | Wall time |', '|---|---|---|---:|---:|---:|');
  for (const r of results) {
    const shape = `${fmt(r.projects)} · ${fmt(r.users)} · ${fmt(r.groups)} · ${r.roles} · ${r.bots}`;
    lines.push(`| ${r.size} | ${shape} | lean scan (run) | ${fmt(r.lean.calls)} | ${fmt(r.lean.points)} | ${secs(r.lean.wallMs)} |`);
    lines.push(`| ${r.size} | | naive plan (run, 0 ms) | ${fmt(r.naive.calls)} | ${fmt(r.naive.points)} | ≈ ${secs(r.naive.estimatedWallMs)} |`);
    lines.push(`| ${r.size} | | lower bound (page sizes) | ${fmt(r.lower.calls)} | ${fmt(r.lower.points)} | |`);
    lines.push(`| ${r.size} | | lower bound + the ${fmt(r.holding.pairs)} roles that hold an active bot | ${fmt(r.explained.calls)} | ${fmt(r.explained.points)} | |`);
    lines.push(`| ${r.size} | | **lean ÷ naive** | **${pct(r.lean.calls, r.naive.calls)}** | **${pct(r.lean.points, r.naive.points)}** | |`);
  }
  lines.push('', `Role-actor reads of the lean scan: ${results.map((r) => `${r.size} ${fmt(r.lean.roleCalls)} (of ${fmt(r.projects * r.roles)} project × role pairs; `
    + `${fmt(r.holding.read)} of the ${fmt(r.holding.pairs)} that hold an active bot)`).join(', ')}. `
    + 'A plan that explains every path of every bot must read each role that holds one (second lower bound: the page-size bound plus those reads at '
    + 'the simulator\'s price of a role read); the lean scan reads each of them and, beyond them, only roles it cannot rule out from Jira\'s check '
    + '(docs/scan-plan.md).', '');
  lines.push(`### Under the default budget (${fmt(budget)} points an hour: ${SHARE * 100} % of the ${fmt(QUOTA)}-point app quota; ${JOB_SECONDS} s jobs; 10 calls a second)`, '');
  lines.push('Paced scans ran job after job from their checkpoints; the host passed every sleep (burst pacing, the wait for the next hour) and the wait between jobs in simulated time '
    + '(the clock the core reads moves on; the benchmark does not wait an hour), so the hours are simulated and the wall time is real.', '');
  lines.push('| Size | Points (scan) | Budget hours needed | 900 s jobs | Clock hours spanned | Most points in one job | Wall time | Same checks as unpaced |', '|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of results) {
    lines.push(`| ${r.size} | ${fmt(r.paced.points)} | ${(r.paced.points / budget).toFixed(2)} | ${r.paced.jobs} | ${r.paced.hours} | ${fmt(r.paced.maxJobPoints)} (estimate) | ${secs(r.paced.wallMs)} | ${r.paced.same && r.paced.complete ? 'yes' : 'NO'} |`);
  }
  lines.push('', '### Incremental refresh after one role change', '');
  lines.push('| Size | Change | Mode | Audit records | Calls | Points |', '|---|---|---|---:|---:|---:|');
  for (const r of results) lines.push(`| ${r.size} | ${r.incremental.change} | ${r.incremental.mode} | ${r.incremental.records} | ${r.incremental.calls} | ${fmt(r.incremental.points)} |`);
  lines.push('', '### Targets', '');
  for (const r of results) {
    const calls = r.lean.calls / r.naive.calls;
    const points = r.lean.points / r.naive.points;
    lines.push(`- ${r.size}: lean ≤ 15 % of naive — calls ${pct(r.lean.calls, r.naive.calls)}, points ${pct(r.lean.points, r.naive.points)}: ${calls <= 0.15 && points <= 0.15 ? 'met' : '**not met**'}`
      + ` (reading only the roles that hold an active bot would be calls ${pct(r.explained.calls, r.naive.calls)}, points ${pct(r.explained.points, r.naive.points)}).`);
    if (r.size === 'M') lines.push(`- M within one hour's default budget: ${fmt(r.lean.points)} points against ${fmt(budget)} (${fmt(QUOTA)} for the whole quota): ${r.lean.points <= budget ? 'met' : '**not met**'}.`);
    if (r.size === 'L') lines.push(`- L in ${JOB_SECONDS} s jobs spread over hours by checkpoints: ${r.paced.jobs} jobs over ${r.paced.hours} clock hours, every job within its time and the hour's budget, final checks identical to the unpaced scan's: ${r.paced.complete && r.paced.same ? 'met' : '**not met**'}.`);
    lines.push(`- ${r.size}: incremental refresh after one role change ≤ 10 calls — ${r.incremental.calls} calls (${r.incremental.mode}): ${r.incremental.calls <= 10 && r.incremental.mode === 'incremental' ? 'met' : '**not met**'}.`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the scan benchmark and returns its Markdown section. */
export async function scanBench({ sizes = ['M', 'L'], latencyMs = 100, log = (m) => console.error(m) } = {}) {
  const results = [];
  for (const size of sizes) results.push(await measure(size, { latencyMs, log }));
  return markdown(results, { latencyMs });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = (process.env.SCAN_SIZES ?? 'M,L').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const latencyMs = Number(process.env.SCAN_LATENCY_MS ?? 100);
  process.stdout.write(await scanBench({ sizes, latencyMs }));
}
