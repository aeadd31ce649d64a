// Jira Cloud simulator: a real HTTP server answering the REST v3 endpoints Steward uses, in the
// shapes of Atlassian's OpenAPI spec, from a data set (sim/data/*.json). Basic auth with email and
// API token is required, pages are capped, and the caller's Jira permissions are enforced.
//
// Usage: node sim/server.mjs [--port 0] [--data sim/data/demo.json] [--page-cap 100]
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_DATA = join(here, 'data/demo.json');
const PROJECT_PERMISSIONS = [
  'ADMINISTER_PROJECTS', 'BROWSE_PROJECTS', 'CREATE_ISSUES', 'EDIT_ISSUES', 'ADD_COMMENTS', 'TRANSITION_ISSUES',
];

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

function errors(res, status, ...messages) {
  json(res, status, { errorMessages: messages, errors: {} });
}

export function loadData(path = DEFAULT_DATA) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function startSimulator({ port = 0, data = loadData(), pageCap = 100 } = {}) {
  const base = data.site;
  const schemeById = new Map(data.permissionSchemes.map((s) => [s.id, s]));
  const projectByKey = new Map(data.projects.flatMap((p) => [[p.key, p], [p.id, p]]));
  const calls = { total: 0, byPath: {} };

  const userOf = (req) => {
    const [kind, encoded] = (req.headers.authorization ?? '').split(' ');
    if (kind !== 'Basic' || !encoded) return null;
    const [email, token] = Buffer.from(encoded, 'base64').toString('utf8').split(/:(.*)/s);
    return data.users.find((u) => u.email === email && u.token === token && u.active) ?? null;
  };
  const isAdmin = (user) => Boolean(user.siteAdmin);
  const administers = (user, project) => isAdmin(user) || (user.adminOf ?? []).includes(project.key);

  const schemeBody = (scheme, expand) => {
    const body = {
      expand: 'permissions,user,group,projectRole,field,all',
      id: scheme.id,
      self: `${base}/rest/api/3/permissionscheme/${scheme.id}`,
      name: scheme.name,
      description: scheme.description,
    };
    if (expand) {
      body.permissions = scheme.grants.map(([id, permission, holder]) => ({
        id, self: `${base}/rest/api/3/permissionscheme/permission/${id}`, holder, permission,
      }));
    }
    return body;
  };
  const projectBody = (p) => ({
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self: `${base}/rest/api/3/project/${p.id}`, id: p.id, key: p.key, name: p.name,
    projectTypeKey: 'software', simplified: false, style: 'classic', isPrivate: false,
    avatarUrls: {}, properties: {},
  });

  const routes = [
    ['GET', /^\/rest\/api\/3\/myself$/, (req, res, user) => json(res, 200, {
      self: `${base}/rest/api/3/user?accountId=${user.accountId}`, accountId: user.accountId,
      accountType: user.accountType, emailAddress: user.email, displayName: user.displayName,
      active: true, timeZone: 'UTC', locale: 'en_US',
    })],
    ['GET', /^\/rest\/api\/3\/mypermissions$/, (req, res, user, _m, query) => {
      const keys = (query.get('permissions') ?? '').split(',').filter(Boolean);
      if (!keys.length) return errors(res, 400, 'The permissions parameter is required.');
      const projectKey = query.get('projectKey');
      const project = projectKey ? projectByKey.get(projectKey) : null;
      if (projectKey && !project) return errors(res, 404, `No project could be found with key '${projectKey}'.`);
      const permissions = {};
      for (const key of keys) {
        const global = key === 'ADMINISTER';
        const have = global ? isAdmin(user) : project ? administers(user, project) : isAdmin(user);
        permissions[key] = { id: key, key, name: key, type: global ? 'GLOBAL' : 'PROJECT', description: '', havePermission: have };
      }
      json(res, 200, { permissions });
    }],
    ['GET', /^\/rest\/api\/3\/permissionscheme$/, (req, res, user, _m, query) => json(res, 200, {
      permissionSchemes: data.permissionSchemes.map((s) => schemeBody(s, Boolean(query.get('expand')))),
    })],
    ['GET', /^\/rest\/api\/3\/project\/search$/, (req, res, user, _m, query) => {
      const visible = data.projects.filter((p) => isAdmin(user) || administers(user, p));
      const startAt = Math.max(0, Number.parseInt(query.get('startAt') ?? '0', 10) || 0);
      const maxResults = Math.min(pageCap, Math.max(1, Number.parseInt(query.get('maxResults') ?? '50', 10) || 50));
      const values = visible.slice(startAt, startAt + maxResults).map(projectBody);
      const isLast = startAt + values.length >= visible.length;
      const page = {
        self: `${base}/rest/api/3/project/search?startAt=${startAt}&maxResults=${maxResults}`,
        maxResults, startAt, total: visible.length, isLast, values,
      };
      if (!isLast) page.nextPage = `${base}/rest/api/3/project/search?startAt=${startAt + values.length}&maxResults=${maxResults}`;
      json(res, 200, page);
    }],
    ['GET', /^\/rest\/api\/3\/project\/([^/]+)\/permissionscheme$/, (req, res, user, match, query) => {
      const project = projectByKey.get(decodeURIComponent(match[1]));
      if (!project) return errors(res, 404, 'No project could be found.');
      if (!administers(user, project)) return errors(res, 403, "You don't have permission to view the project's configuration.");
      json(res, 200, schemeBody(schemeById.get(project.scheme), Boolean(query.get('expand'))));
    }],
    ['GET', /^\/rest\/api\/3\/project\/([^/]+)$/, (req, res, user, match) => {
      const project = projectByKey.get(decodeURIComponent(match[1]));
      if (!project) return errors(res, 404, 'No project could be found.');
      json(res, 200, projectBody(project));
    }],
  ];

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://sim.invalid');
    calls.total += 1;
    calls.byPath[`${req.method} ${url.pathname}`] = (calls.byPath[`${req.method} ${url.pathname}`] ?? 0) + 1;
    const user = userOf(req);
    if (!user) return errors(res, 401, 'Client must be authenticated to access this resource.');
    for (const [method, pattern, handle] of routes) {
      const match = url.pathname.match(pattern);
      if (match && method === req.method) return handle(req, res, user, match, url.searchParams);
    }
    errors(res, 404, `No route for ${req.method} ${url.pathname}`);
  });

  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      resolve({ url: `http://127.0.0.1:${bound}`, calls, data, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const sim = await startSimulator({
    port: Number(arg('port', 0)), data: loadData(arg('data', DEFAULT_DATA)), pageCap: Number(arg('page-cap', 100)),
  });
  console.log(`jira simulator on ${sim.url}`);
}
