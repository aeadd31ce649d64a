// Jira Cloud simulator: a real HTTP server answering the REST v3 endpoints Steward reads and
// writes, in the shapes of Atlassian's OpenAPI spec, over a generated world (sim/world.mjs).
// Basic auth with email and API token is required; the caller's Jira permissions are enforced;
// pages are capped; latency, 429 with Retry-After, 5xx and 403 faults can be injected; calls and
// points are counted (GET /__sim/stats).
//
// Usage: node sim/server.mjs [--port 0] [--scale 1] [--latency 0] [--page-cap 100]
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { generateWorld, holdsGlobal, holdsProject, inGroup, rng } from './world.mjs';

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}
const errors = (res, status, ...messages) => send(res, status, { errorMessages: messages, errors: {} });

const IDENTITY = /\/(user|users|group|role|permission|permissions|mypermissions|applicationrole|members)\b/;

/**
 * @param {object} options
 * @param {number} [options.port] 0 for any free port
 * @param {object} [options.world] a world from generateWorld (default: scale 1)
 * @param {number} [options.pageCap] the most items any page returns (Jira's caps are lower for some endpoints)
 * @param {number} [options.latencyMs] added to every answer
 * @param {object} [options.faults] {seed, error5xxRate, throttleRate, retryAfter, forbiddenProjects: [keys], quotaPoints}
 */
export function startSimulator({ port = 0, world = generateWorld(), pageCap = 100, latencyMs = 0, faults = {} } = {}) {
  const base = world.site;
  const stats = { calls: 0, points: 0, byEndpoint: {} };
  let chance = rng(faults.seed ?? 7);
  const state = { faults, latencyMs };
  const projectBy = (keyOrId) => world.projects.find((p) => p.key === keyOrId || p.id === keyOrId);
  const userBy = (accountId) => world.users.find((u) => u.accountId === accountId);
  const groupBy = (id) => world.groups.find((g) => g.groupId === id);
  const isAdmin = (user) => holdsGlobal(world, user, 'ADMINISTER');
  const administers = (user, project) => holdsProject(world, user, project, 'ADMINISTER_PROJECTS');

  const userBody = (u) => {
    const body = {
      self: `${base}/rest/api/3/user?accountId=${u.accountId}`, accountId: u.accountId, accountType: u.accountType,
      displayName: u.displayName, active: u.active, avatarUrls: {}, timeZone: 'UTC',
    };
    if (u.appType) body.appType = u.appType;
    if (u.email) body.emailAddress = u.email;
    return body;
  };
  const groupName = (g) => ({ groupId: g.groupId, name: g.name, self: `${base}/rest/api/3/group?groupId=${g.groupId}` });
  const schemeBody = (s, expand) => {
    const body = { expand: 'permissions,user,group,projectRole,field,all', id: s.id, self: `${base}/rest/api/3/permissionscheme/${s.id}`, name: s.name, description: s.description };
    if (expand) {
      body.permissions = s.grants.map(([id, permission, holder]) => ({ id, self: `${base}/rest/api/3/permissionscheme/permission/${id}`, holder, permission }));
    }
    return body;
  };
  const projectBody = (p, expandLead) => {
    const body = {
      expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight', self: `${base}/rest/api/3/project/${p.id}`,
      id: p.id, key: p.key, name: p.name, projectTypeKey: 'software', simplified: p.style === 'next-gen', style: p.style,
      isPrivate: false, avatarUrls: {}, properties: {},
    };
    if (expandLead) body.lead = userBody(userBy(p.lead));
    return body;
  };
  const roleBody = (project, role) => ({
    self: `${base}/rest/api/3/project/${project.key}/role/${role.id}`, name: role.name, id: Number(role.id),
    description: `The ${role.name} of a project`,
    actors: (project.actors[role.id] ?? []).map((a, n) => {
      if (a.user) {
        const u = userBy(a.user);
        return { id: 20000 + n, displayName: u?.displayName ?? a.user, type: 'atlassian-user-role-actor', actorUser: { accountId: a.user } };
      }
      const g = groupBy(a.group);
      return { id: 20000 + n, displayName: g.name, name: g.name, type: 'atlassian-group-role-actor', actorGroup: { name: g.name, displayName: g.name, groupId: g.groupId } };
    }),
  });
  // A PageBean over `items`, capped at the endpoint's maximum and the simulator's cap.
  const page = (url, items, { max = 50, fallback = 50 } = {}) => {
    const startAt = Math.max(0, Number.parseInt(url.searchParams.get('startAt') ?? '0', 10) || 0);
    const asked = Number.parseInt(url.searchParams.get('maxResults') ?? String(fallback), 10) || fallback;
    const maxResults = Math.max(1, Math.min(asked, max, pageCap));
    const values = items.slice(startAt, startAt + maxResults);
    const isLast = startAt + values.length >= items.length;
    const self = new URL(url.pathname + url.search, base);
    const body = { self: self.href, maxResults, startAt, total: items.length, isLast, values };
    if (!isLast) {
      const next = new URL(self.href);
      next.searchParams.set('startAt', String(startAt + values.length));
      next.searchParams.set('maxResults', String(maxResults));
      body.nextPage = next.href;
    }
    return body;
  };

  const admin = (handler) => (req, res, user, ...rest) =>
    isAdmin(user) ? handler(req, res, user, ...rest) : errors(res, 403, 'You are not authorized to perform this action. Administrator privileges are required.');
  const projectAdmin = (handler) => (req, res, user, match, url) => {
    const project = projectBy(decodeURIComponent(match[1]));
    if (!project) return errors(res, 404, `No project could be found with key '${decodeURIComponent(match[1])}'.`);
    if ((state.faults.forbiddenProjects ?? []).includes(project.key)) return errors(res, 403, "You don't have permission to view the project's configuration.");
    if (!administers(user, project)) return errors(res, 403, "You don't have permission to view the project's configuration.");
    return handler(req, res, user, match, url, project);
  };
  const visible = (user) => world.projects.filter((p) => isAdmin(user) || holdsProject(world, user, p, 'BROWSE_PROJECTS') || administers(user, p));

  const routes = [
    ['GET', /^\/rest\/api\/3\/myself$/, (req, res, user) => send(res, 200, { ...userBody(user), locale: 'en_US' })],
    ['GET', /^\/rest\/api\/3\/permissions$/, (req, res) => {
      const permissions = {};
      for (const key of world.permissions.global) permissions[key] = { key, name: key, type: 'GLOBAL', description: '' };
      for (const key of world.permissions.project) permissions[key] = { key, name: key, type: 'PROJECT', description: '' };
      send(res, 200, { permissions });
    }],
    ['GET', /^\/rest\/api\/3\/mypermissions$/, (req, res, user, _m, url) => {
      const keys = (url.searchParams.get('permissions') ?? '').split(',').filter(Boolean);
      if (!keys.length) return errors(res, 400, 'The permissions parameter is required.');
      const projectKey = url.searchParams.get('projectKey');
      const project = projectKey ? projectBy(projectKey) : null;
      if (projectKey && !project) return errors(res, 404, `No project could be found with key '${projectKey}'.`);
      const permissions = {};
      for (const key of keys) {
        const global = world.permissions.global.includes(key);
        const have = global ? holdsGlobal(world, user, key)
          : project ? holdsProject(world, user, project, key)
          : world.projects.some((p) => holdsProject(world, user, p, key));
        permissions[key] = { id: key, key, name: key, type: global ? 'GLOBAL' : 'PROJECT', description: '', havePermission: have };
      }
      send(res, 200, { permissions });
    }],
    ['POST', /^\/rest\/api\/3\/permissions\/check$/, admin((req, res, user, _m, _u, body) => {
      const subject = body.accountId ? userBy(body.accountId) : user;
      if (!subject) return send(res, 400, { errorMessages: [], errors: { accountId: 'Unrecognized account id' } });
      const ids = (body.projectPermissions ?? []).flatMap((p) => p.projects ?? []);
      if (ids.length > 1000) return errors(res, 400, 'A maximum of 1000 projects can be checked.');
      const globalPermissions = (body.globalPermissions ?? []).filter((k) => holdsGlobal(world, subject, k));
      const projectPermissions = [];
      for (const ask of body.projectPermissions ?? []) {
        for (const permission of ask.permissions ?? []) {
          const projects = (ask.projects ?? []).map(String).map(projectBy).filter((p) => p && holdsProject(world, subject, p, permission)).map((p) => Number(p.id));
          if (projects.length) projectPermissions.push({ permission, projects, issues: [] });
        }
      }
      send(res, 200, { globalPermissions, projectPermissions });
    })],
    ['GET', /^\/rest\/api\/3\/permissionscheme$/, (req, res, user, _m, url) =>
      send(res, 200, { permissionSchemes: world.schemes.map((s) => schemeBody(s, Boolean(url.searchParams.get('expand')))) })],
    ['GET', /^\/rest\/api\/3\/project\/search$/, (req, res, user, _m, url) => {
      const expandLead = (url.searchParams.get('expand') ?? '').includes('lead');
      send(res, 200, page(url, visible(user).map((p) => projectBody(p, expandLead)), { max: 100, fallback: 50 }));
    }],
    ['GET', /^\/rest\/api\/3\/project\/([^/]+)\/permissionscheme$/, projectAdmin((req, res, user, _m, url, project) =>
      send(res, 200, schemeBody(world.schemes.find((s) => s.id === project.scheme), Boolean(url.searchParams.get('expand')))))],
    ['GET', /^\/rest\/api\/3\/project\/([^/]+)\/role\/(\d+)$/, projectAdmin((req, res, user, match, _u, project) => {
      const role = world.roles.find((r) => r.id === match[2]);
      return role ? send(res, 200, roleBody(project, role)) : errors(res, 404, `Can not retrieve a role actor for a null project role.`);
    })],
    ['POST', /^\/rest\/api\/3\/project\/([^/]+)\/role\/(\d+)$/, projectAdmin((req, res, user, match, _u, project, body) => {
      const role = world.roles.find((r) => r.id === match[2]);
      if (!role) return errors(res, 404, 'No such role.');
      for (const accountId of body?.user ?? []) {
        if (!userBy(accountId)?.active) return errors(res, 404, `The user ${accountId} does not exist or is not active.`);
        if (!project.actors[role.id].some((a) => a.user === accountId)) project.actors[role.id].push({ user: accountId });
      }
      for (const groupId of body?.groupId ?? []) {
        if (!groupBy(groupId)) return errors(res, 404, `The group ${groupId} does not exist.`);
        if (!project.actors[role.id].some((a) => a.group === groupId)) project.actors[role.id].push({ group: groupId });
      }
      world.audit.push({ summary: 'Project role actors added', category: 'projects', objectItem: { id: project.id, name: project.key, typeName: 'PROJECT' }, author: user.accountId });
      send(res, 200, roleBody(project, role));
    })],
    ['DELETE', /^\/rest\/api\/3\/project\/([^/]+)\/role\/(\d+)$/, projectAdmin((req, res, user, match, url, project) => {
      const actors = project.actors[match[2]];
      if (!actors) return errors(res, 404, 'No such role.');
      const accountId = url.searchParams.get('user');
      const groupId = url.searchParams.get('groupId');
      const before = actors.length;
      project.actors[match[2]] = actors.filter((a) => !(accountId && a.user === accountId) && !(groupId && a.group === groupId));
      if (project.actors[match[2]].length === before) return errors(res, 404, 'The actor is not in the role.');
      world.audit.push({ summary: 'Project role actors removed', category: 'projects', objectItem: { id: project.id, name: project.key, typeName: 'PROJECT' }, author: user.accountId });
      send(res, 204);
    })],
    ['GET', /^\/rest\/api\/3\/project\/([^/]+)$/, (req, res, user, match) => {
      const project = projectBy(decodeURIComponent(match[1]));
      if (!project || !visible(user).includes(project)) return errors(res, 404, 'No project could be found.');
      send(res, 200, projectBody(project, true));
    }],
    ['GET', /^\/rest\/api\/3\/role$/, admin((req, res) => send(res, 200, world.roles.map((r) => ({
      self: `${base}/rest/api/3/role/${r.id}`, name: r.name, id: Number(r.id), description: `The ${r.name} of a project`, actors: [],
    }))))],
    ['GET', /^\/rest\/api\/3\/users\/search$/, (req, res, user, _m, url) => {
      const startAt = Math.max(0, Number.parseInt(url.searchParams.get('startAt') ?? '0', 10) || 0);
      const max = Math.max(1, Math.min(Number.parseInt(url.searchParams.get('maxResults') ?? '50', 10) || 50, 1000, pageCap));
      send(res, 200, world.users.slice(startAt, startAt + max).map(userBody));
    }],
    ['GET', /^\/rest\/api\/3\/user$/, (req, res, user, _m, url) => {
      const subject = userBy(url.searchParams.get('accountId'));
      if (!subject) return errors(res, 404, 'The user does not exist.');
      const expand = url.searchParams.get('expand') ?? '';
      const body = userBody(subject);
      if (expand.includes('groups')) {
        const items = subject.groups.map(groupBy).filter(Boolean).map(groupName);
        body.groups = { size: items.length, items };
      }
      if (expand.includes('applicationRoles')) {
        const items = world.appRoles.filter((r) => r.groups.some((g) => inGroup(subject, g))).map((r) => ({ key: r.key, name: r.name }));
        body.applicationRoles = { size: items.length, items };
      }
      send(res, 200, body);
    }],
    // GroupDetails: id and name only.
    ['GET', /^\/rest\/api\/3\/group\/bulk$/, (req, res, user, _m, url) =>
      send(res, 200, page(url, world.groups.map(({ groupId, name }) => ({ groupId, name }))))],
    ['GET', /^\/rest\/api\/3\/group\/member$/, admin((req, res, user, _m, url) => {
      const group = groupBy(url.searchParams.get('groupId'));
      if (!group) return errors(res, 404, 'Specified group does not exist.');
      const inactive = url.searchParams.get('includeInactiveUsers') === 'true';
      // UserDetails, as Jira sends it: no appType (a bot is known here only by accountType).
      const members = world.users
        .filter((u) => inGroup(u, group.groupId) && (inactive || u.active))
        .map(({ appType, ...u }) => userBody(u));
      send(res, 200, page(url, members, { max: 50 }));
    })],
    ['GET', /^\/rest\/api\/3\/applicationrole$/, admin((req, res) => send(res, 200, world.appRoles.map((r) => ({
      key: r.key, name: r.name, groups: r.groups.map((g) => groupBy(g).name), groupDetails: r.groups.map((g) => groupName(groupBy(g))),
      defaultGroups: [], defaultGroupsDetails: [], selectedByDefault: false, defined: false, numberOfSeats: 100, remainingSeats: 10,
      userCount: 90, userCountDescription: 'users', hasUnlimitedSeats: false, platform: false,
    }))))],
    ['GET', /^\/rest\/api\/3\/issuesecurityschemes$/, admin((req, res) => send(res, 200, { issueSecuritySchemes: world.securitySchemes.map((s) => ({
      self: `${base}/rest/api/3/issuesecurityschemes/${s.id}`, id: s.id, name: s.name, description: '', defaultSecurityLevelId: s.defaultLevel,
      levels: s.levels.map((l) => ({ self: `${base}/rest/api/3/securitylevel/${l.id}`, id: l.id, name: l.name, description: l.description })),
    })) }))],
    ['GET', /^\/rest\/api\/3\/issuesecurityschemes\/project$/, admin((req, res, user, _m, url) =>
      send(res, 200, page(url, world.securityProjects.map((m) => ({ issueSecuritySchemeId: String(m.scheme), projectId: m.project })))))],
    ['GET', /^\/rest\/api\/3\/issuesecurityschemes\/(\d+)\/members$/, admin((req, res, user, match, url) => {
      const scheme = world.securitySchemes.find((s) => String(s.id) === match[1]);
      if (!scheme) return errors(res, 404, 'The issue security scheme does not exist.');
      let n = 10000;
      const rows = scheme.levels.flatMap((l) => l.members.map((holder) => ({ id: n++, issueSecurityLevelId: Number(l.id), holder })));
      send(res, 200, page(url, rows));
    })],
    ['GET', /^\/rest\/api\/3\/workflowscheme\/project$/, admin((req, res, user, _m, url) => {
      const ids = url.searchParams.getAll('projectId').filter((id) => projectBy(id)?.style === 'classic');
      const scheme = world.workflowSchemes[0];
      send(res, 200, { values: ids.length ? [{ projectIds: ids, workflowScheme: { ...scheme, self: `${base}/rest/api/3/workflowscheme/${scheme.id}`, description: '' } }] : [] });
    })],
    ['GET', /^\/rest\/api\/3\/workflows\/search$/, admin((req, res, user, _m, url) => {
      const body = page(url, world.workflows.map((w) => ({
        id: w.id, name: w.name, description: '', scope: { type: 'GLOBAL' }, isEditable: true, statuses: [],
        transitions: w.transitions.map((t) => ({ actions: [], validators: [], triggers: [], properties: {}, links: [], description: '', ...t })),
        version: { id: 'f010ac1b-3dd3-43a3-aa66-0ee8a447f76e', versionNumber: 0 },
      })));
      send(res, 200, { ...body, statuses: [] });
    })],
    ['GET', /^\/rest\/api\/3\/auditing\/record$/, admin((req, res, user, _m, url) => {
      const offset = Number.parseInt(url.searchParams.get('offset') ?? '0', 10) || 0;
      const limit = Number.parseInt(url.searchParams.get('limit') ?? '1000', 10) || 1000;
      const records = world.audit.map((r, n) => ({ id: n + 1, created: `2026-11-23T00:00:${String(n % 60).padStart(2, '0')}.000+0000`, authorAccountId: r.author, summary: r.summary, category: r.category, eventSource: 'Jira', objectItem: r.objectItem, changedValues: [], associatedItems: [] }));
      send(res, 200, { offset, limit, total: records.length, records: records.slice(offset, offset + limit) });
    })],
  ];

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://sim.invalid');
    if (url.pathname === '/__sim/stats') return send(res, 200, stats);
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    if (state.latencyMs) await new Promise((r) => setTimeout(r, state.latencyMs));
    const route = routes.find(([method, pattern]) => method === req.method && pattern.test(url.pathname));
    const endpoint = `${req.method} ${route ? route[1].source : url.pathname}`;
    stats.calls += 1;
    const answer = res.end.bind(res);
    res.end = (body) => {
      let objects = 0;
      if (res.statusCode < 300 && body) {
        try {
          const parsed = JSON.parse(body);
          objects = Array.isArray(parsed) ? parsed.length : Array.isArray(parsed.values) ? parsed.values.length : 1;
        } catch { objects = 0; }
      }
      const cost = req.method === 'GET' ? 1 + objects * (IDENTITY.test(url.pathname) ? 2 : 1) : 1;
      stats.points += cost;
      const row = (stats.byEndpoint[endpoint] ??= { calls: 0, points: 0 });
      row.calls += 1;
      row.points += cost;
      return answer(body);
    };
    const [kind, encoded] = (req.headers.authorization ?? '').split(' ');
    const [email, token] = kind === 'Basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8').split(/:(.*)/s) : [];
    const user = world.users.find((u) => u.email && u.email === email && u.token === token && u.active);
    if (!user) return errors(res, 401, 'Client must be authenticated to access this resource.');
    const f = state.faults;
    if (f.quotaPoints && stats.points > f.quotaPoints) {
      return send(res, 429, { errorMessages: ['Rate limit exceeded.'] }, { 'retry-after': '1800', 'ratelimit-reason': 'jira-quota-global-based' });
    }
    if (f.throttleRate && chance() < f.throttleRate) {
      return send(res, 429, { errorMessages: ['Rate limit exceeded.'] }, { 'retry-after': String(f.retryAfter ?? 1), 'ratelimit-reason': 'jira-burst-based' });
    }
    if (f.error5xxRate && chance() < f.error5xxRate) return errors(res, 503, 'Service unavailable.');
    if (!route) return errors(res, 404, `No route for ${req.method} ${url.pathname}`);
    let body = null;
    if (chunks.length) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return errors(res, 400, 'The request body is not valid JSON.');
      }
    }
    return route[2](req, res, user, url.pathname.match(route[1]), url, body);
  });

  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        world,
        data: world,
        stats,
        setFaults(next) {
          state.faults = next;
          chance = rng(next.seed ?? 7);
        },
        setLatency(ms) {
          state.latencyMs = ms;
        },
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
      });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const sim = await startSimulator({
    port: Number(arg('port', 0)), world: generateWorld({ scale: Number(arg('scale', 1)) }),
    pageCap: Number(arg('page-cap', 100)), latencyMs: Number(arg('latency', 0)),
  });
  console.log(`jira simulator on ${sim.url} (admin: ada@steward-demo.example / demo-token)`);
}
