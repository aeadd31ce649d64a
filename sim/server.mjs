// Jira Cloud simulator: a real HTTP server answering the REST v3 endpoints Steward reads and
// writes, in the shapes of Atlassian's OpenAPI spec, over a generated world (sim/world.mjs).
// Basic auth with email and API token is required; the caller's Jira permissions are enforced;
// pages are capped; latency, 429 with Retry-After, 5xx and 403 faults can be injected; calls and
// points are counted (GET /__sim/stats).
//
// Usage: node sim/server.mjs [--port 0] [--scale 1 | --size S|M|L|XL] [--latency 0] [--page-cap 100]
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { generateWorld, holdsGlobal, holdsProject, inGroup, rng } from './world.mjs';
import { sizedWorld } from './sized.mjs';

// Lookups by id, cached on the arrays they index (the world's arrays are replaced, never resized
// in place, except users and projects, whose identity never changes).
const indexCache = new WeakMap();
function indexed(list, key) {
  let byKey = indexCache.get(list)?.[key];
  if (!byKey) {
    byKey = new Map();
    for (const item of list) if (item[key] !== undefined) byKey.set(item[key], item);
    indexCache.set(list, { ...indexCache.get(list), [key]: byKey });
  }
  return byKey;
}

// Jira writes audit times as `2014-03-19T18:45:42.967+0000`.
const jiraTime = (ms) => new Date(ms).toISOString().replace('Z', '+0000');
// `from`/`to` as Jira takes them: ISO 8601 with `Z`, `+0000` or `+00:00`, or epoch milliseconds.
function parseTime(text) {
  if (text == null || text === '') return null;
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : ms;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}
const errors = (res, status, ...messages) => send(res, status, { errorMessages: messages, errors: {} });

const IDENTITY = /\/(user|users|group|role|permission|permissions|mypermissions|applicationrole|members)\b/;

/**
 * @param {object} options
 * @param {number} [options.port] 0 for any free port
 * @param {object} [options.world] a world from generateWorld or sizedWorld (default: the demo company)
 * @param {string} [options.size] S, M, L or XL: serve sizedWorld(size) instead of the demo company
 * @param {() => number} [options.clock] milliseconds since the epoch, for audit records (default Date.now)
 * @param {number} [options.pageCap] the most items any page returns (Jira's caps are lower for some endpoints)
 * @param {number} [options.latencyMs] added to every answer
 * @param {string} [options.checkPricing] what `POST /permissions/check` costs: 'flat' (1 point, the
 *   default: a POST's base cost) or 'objects' (1 + 2 per permission and per project in the answer,
 *   one reading of "2 points per identity and access object" Atlassian has not confirmed)
 * @param {object} [options.faults] {seed, failWritesAfter (writes that pass before one write fails with 503), error5xxRate, errorStatus (of those errors: 503 unless given),
 *   throttleRate, retryAfter, forbiddenProjects: [keys],
 *   quotaPoints (points until a `jira-quota-global-based` 429; resetQuota() starts a new hour; every
 *   answer then carries Jira's quota headers: `RateLimit-Policy`, `RateLimit` once under half is
 *   left, `X-RateLimit-NearLimit` under a fifth),
 *   refuse: ['permissions/check', 'auditing/record'] (answer 403 there)}
 */
// The names Jira Cloud shows admins for its permissions (`GET /permissions`): most are the key in
// words; these are the ones that are not.
const PERMISSION_NAMES = {
  ADMINISTER: 'Administer Jira', SYSTEM_ADMIN: 'Jira System Administrators', USER_PICKER: 'Browse users and groups',
  CREATE_SHARED_OBJECTS: 'Share dashboards and filters', MANAGE_GROUP_FILTER_SUBSCRIPTIONS: 'Manage group filter subscriptions',
  BULK_CHANGE: 'Make bulk changes', CREATE_PROJECT: 'Create team-managed projects', VIEW_DEV_TOOLS: 'View Development Tools',
  VIEW_READONLY_WORKFLOW: 'View Read-Only Workflow', MANAGE_SPRINTS_PERMISSION: 'Manage sprints',
};
export const permissionName = (key) => PERMISSION_NAMES[key]
  ?? key.toLowerCase().split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');

export function startSimulator({ port = 0, size, world = size ? sizedWorld(size) : generateWorld(), pageCap = 100, latencyMs = 0, faults = {}, clock = Date.now, checkPricing = 'flat' } = {}) {
  const base = world.site;
  const stats = { calls: 0, points: 0, byEndpoint: {} };
  const writes = [];
  let chance = rng(faults.seed ?? 7);
  let quotaBase = 0;
  const state = { faults, latencyMs };
  const projectBy = (keyOrId) => indexed(world.projects, 'key').get(keyOrId) ?? indexed(world.projects, 'id').get(keyOrId);
  const userBy = (accountId) => indexed(world.users, 'accountId').get(accountId);
  const groupBy = (id) => indexed(world.groups, 'groupId').get(id);
  const schemeBy = (id) => indexed(world.schemes, 'id').get(id);
  const roleBy = (id) => indexed(world.roles, 'id').get(id);
  // An audit record as the spec's AuditRecordBean has it; `created` from the simulator's clock.
  // (The spec's example carries `authorAccountId`, its schema does not allow it: the schema wins.)
  const audit = (author, summary, category, objectItem, associatedItems = [], changedValues = []) =>
    world.audit.push({ id: world.audit.length + 1, summary, category, created: clock(), eventSource: 'Jira', remoteAddress: '127.0.0.1', objectItem, associatedItems, changedValues });
  const projectItem = (p) => ({ id: p.id, name: p.name, typeName: 'PROJECT' });
  const roleItem = (r) => ({ id: r.id, name: r.name, typeName: 'PROJECT_ROLE' });
  const userItem = (u) => ({ id: u.accountId, name: u.accountId, typeName: 'USER', parentId: '10000', parentName: 'com.atlassian.crowd.directory.IdentityPlatformRemoteDirectory' });
  const groupItem = (g) => ({ id: g.groupId, name: g.name, typeName: 'GROUP', parentId: '10000', parentName: 'com.atlassian.crowd.directory.IdentityPlatformRemoteDirectory' });
  const schemeItem = (s) => ({ id: String(s.id), name: s.name, typeName: 'SCHEME' });
  const describeActors = (list) => list.map((a) => a.user ?? groupBy(a.group)?.name ?? a.group).join(', ');
  const isAdmin = (user) => holdsGlobal(world, user, 'ADMINISTER');
  // Project configuration endpoints: "Administer Jira global permission or Administer projects project permission".
  const administers = (user, project) => isAdmin(user) || holdsProject(world, user, project, 'ADMINISTER_PROJECTS');

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
  const projectAdmin = (handler) => (req, res, user, match, url, body) => {
    const project = projectBy(decodeURIComponent(match[1]));
    if (!project) return errors(res, 404, `No project could be found with key '${decodeURIComponent(match[1])}'.`);
    if ((state.faults.forbiddenProjects ?? []).includes(project.key)) return errors(res, 403, "You don't have permission to view the project's configuration.");
    if (!administers(user, project)) return errors(res, 403, "You don't have permission to view the project's configuration.");
    return handler(req, res, user, match, url, project, body);
  };
  const visible = (user) => world.projects.filter((p) => isAdmin(user) || holdsProject(world, user, p, 'BROWSE_PROJECTS') || administers(user, p));

  function setActive(accountId, active) {
    const user = userBy(accountId);
    if (!user) throw new Error(`no account ${accountId} in the simulator`);
    user.active = active;
    audit(world.users[0], active ? 'User activated' : 'User deactivated', 'user management', userItem(user), [],
      [{ fieldName: 'active', changedFrom: String(!active), changedTo: String(active) }]);
    return userBody(user);
  }

  const routes = [
    ['GET', /^\/rest\/api\/3\/myself$/, (req, res, user) => send(res, 200, { ...userBody(user), locale: 'en_US' })],
    ['GET', /^\/rest\/api\/3\/permissions$/, (req, res) => {
      const permissions = {};
      for (const key of world.permissions.global) permissions[key] = { key, name: permissionName(key), type: 'GLOBAL', description: '' };
      for (const key of world.permissions.project) permissions[key] = { key, name: permissionName(key), type: 'PROJECT', description: '' };
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
        permissions[key] = { id: key, key, name: permissionName(key), type: global ? 'GLOBAL' : 'PROJECT', description: '', havePermission: have };
      }
      send(res, 200, { permissions });
    }],
    ['POST', /^\/rest\/api\/3\/permissions\/check$/, admin((req, res, user, _m, _u, body) => {
      if ((state.faults.refuse ?? []).includes('permissions/check')) return errors(res, 403, 'You are not allowed to check permissions of other users.');
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
      send(res, 200, schemeBody(schemeBy(project.scheme), Boolean(url.searchParams.get('expand')))))],
    // Writes an admin (or Steward's remediation) can make; each leaves an audit record as Jira does.
    ['PUT', /^\/rest\/api\/3\/project\/([^/]+)\/permissionscheme$/, admin((req, res, user, match, url, body) => {
      const project = projectBy(decodeURIComponent(match[1]));
      if (!project) return errors(res, 404, 'No project could be found.');
      const scheme = schemeBy(Number(body?.id));
      if (!scheme) return errors(res, 404, `The permission scheme ${body?.id} does not exist.`);
      const before = schemeBy(project.scheme);
      project.scheme = scheme.id;
      audit(user, 'Permission scheme associated with project', 'permissions', schemeItem(scheme), [projectItem(project)],
        [{ fieldName: 'Permission scheme', changedFrom: before?.name ?? '', changedTo: scheme.name }]);
      send(res, 200, schemeBody(scheme, Boolean(url.searchParams.get('expand'))));
    })],
    ['POST', /^\/rest\/api\/3\/permissionscheme\/(\d+)\/permission$/, admin((req, res, user, match, _u, body) => {
      const scheme = schemeBy(Number(match[1]));
      if (!scheme) return errors(res, 404, 'The permission scheme does not exist.');
      if (!body?.permission || !body?.holder?.type) return errors(res, 400, 'A permission and a holder are required.');
      const id = 1 + Math.max(0, ...world.schemes.flatMap((s) => s.grants.map(([g]) => g)));
      scheme.grants = [...scheme.grants, [id, body.permission, body.holder]];
      audit(user, 'Permission scheme updated', 'permissions', schemeItem(scheme), [],
        [{ fieldName: body.permission, changedFrom: '', changedTo: `${body.holder.type} ${body.holder.value ?? body.holder.parameter ?? ''}`.trim() }]);
      send(res, 201, { id, self: `${base}/rest/api/3/permissionscheme/permission/${id}`, holder: body.holder, permission: body.permission });
    })],
    ['DELETE', /^\/rest\/api\/3\/permissionscheme\/(\d+)\/permission\/(\d+)$/, admin((req, res, user, match) => {
      const scheme = schemeBy(Number(match[1]));
      const grant = scheme?.grants.find(([g]) => g === Number(match[2]));
      if (!grant) return errors(res, 404, 'The permission grant does not exist.');
      scheme.grants = scheme.grants.filter((g) => g !== grant);
      audit(user, 'Permission scheme updated', 'permissions', schemeItem(scheme), [],
        [{ fieldName: grant[1], changedFrom: `${grant[2].type} ${grant[2].value ?? grant[2].parameter ?? ''}`.trim(), changedTo: '' }]);
      send(res, 204);
    })],
    ['POST', /^\/rest\/api\/3\/group\/user$/, admin((req, res, user, _m, url, body) => {
      const group = groupBy(url.searchParams.get('groupId'));
      const member = userBy(body?.accountId);
      if (!group || !member) return errors(res, 404, 'The group or the user does not exist.');
      if (!member.groups.includes(group.groupId)) member.groups = [...member.groups, group.groupId];
      audit(user, 'User added to group', 'group management', groupItem(group), [userItem(member)]);
      send(res, 201, { ...groupName(group), users: { size: 1, items: [userBody(member)], 'max-results': 50, 'start-index': 0, 'end-index': 0 } });
    })],
    ['DELETE', /^\/rest\/api\/3\/group\/user$/, admin((req, res, user, _m, url) => {
      const group = groupBy(url.searchParams.get('groupId'));
      const member = userBy(url.searchParams.get('accountId'));
      if (!group || !member || !member.groups.includes(group.groupId)) return errors(res, 404, 'The user is not in the group.');
      member.groups = member.groups.filter((g) => g !== group.groupId);
      audit(user, 'User removed from group', 'group management', groupItem(group), [userItem(member)]);
      send(res, 200);
    })],
    // Users by account id (PageBeanUser), as Jira answers: ids it does not know are left out.
    ['GET', /^\/rest\/api\/3\/user\/bulk$/, (req, res, user, _m, url) => {
      const ids = url.searchParams.getAll('accountId');
      if (!ids.length) return errors(res, 400, 'The accountId parameter is required.');
      if (ids.length > 200) return errors(res, 400, 'A maximum of 200 accountId values can be requested.');
      send(res, 200, page(url, ids.map(userBy).filter(Boolean).map(userBody), { max: 200, fallback: 10 }));
    }],
    // Comments on an issue of a project the caller can browse and comment in. The simulator keeps
    // no issues, only the comments written: any key of a known project is an issue here.
    ['POST', /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]*)-(\d+)\/comment$/, (req, res, user, match, _u, body) => {
      const project = projectBy(match[1]);
      if (!project) return errors(res, 404, 'Issue does not exist or you do not have permission to see it.');
      if (!holdsProject(world, user, project, 'BROWSE_PROJECTS') && !isAdmin(user)) return errors(res, 404, 'Issue does not exist or you do not have permission to see it.');
      if (body?.body?.type !== 'doc' || body.body.version !== 1 || !Array.isArray(body.body.content)) {
        return send(res, 400, { errorMessages: [], errors: { comment: 'Comment body is not valid Atlassian Document Format.' } });
      }
      world.comments ??= [];
      const id = String(10000 + world.comments.length);
      const key = `${match[1]}-${match[2]}`;
      const now = jiraTime(clock());
      const comment = { id, issueKey: key, self: `${base}/rest/api/3/issue/${key}/comment/${id}`, author: userBody(user), body: body.body, created: now, updated: now, jsdPublic: true };
      world.comments.push(comment);
      const { issueKey, ...shown } = comment;
      send(res, 201, shown);
    }],
    ['GET', /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]*-\d+)\/comment$/, (req, res, user, match, url) => {
      const comments = (world.comments ?? []).filter((c) => c.issueKey === match[1]).map(({ issueKey, ...c }) => c);
      const body = page(url, comments, { max: 5000, fallback: 5000 });
      send(res, 200, { startAt: body.startAt, maxResults: body.maxResults, total: body.total, comments: body.values });
    }],
    ['GET', /^\/rest\/api\/3\/project\/([^/]+)\/role\/(\d+)$/, projectAdmin((req, res, user, match, _u, project) => {
      const role = roleBy(match[2]);
      return role ? send(res, 200, roleBody(project, role)) : errors(res, 404, `Can not retrieve a role actor for a null project role.`);
    })],
    ['POST', /^\/rest\/api\/3\/project\/([^/]+)\/role\/(\d+)$/, projectAdmin((req, res, user, match, _u, project, body) => {
      const role = roleBy(match[2]);
      if (!role) return errors(res, 404, 'No such role.');
      const before = describeActors(project.actors[role.id]);
      for (const accountId of body?.user ?? []) {
        if (!userBy(accountId)?.active) return errors(res, 404, `The user ${accountId} does not exist or is not active.`);
        if (!project.actors[role.id].some((a) => a.user === accountId)) project.actors[role.id].push({ user: accountId });
      }
      for (const groupId of body?.groupId ?? []) {
        if (!groupBy(groupId)) return errors(res, 404, `The group ${groupId} does not exist.`);
        if (!project.actors[role.id].some((a) => a.group === groupId)) project.actors[role.id].push({ group: groupId });
      }
      audit(user, 'Project roles changed', 'projects', roleItem(role), [projectItem(project)],
        [{ fieldName: 'Users/Groups in role', changedFrom: before, changedTo: describeActors(project.actors[role.id]) }]);
      send(res, 200, roleBody(project, role));
    })],
    ['DELETE', /^\/rest\/api\/3\/project\/([^/]+)\/role\/(\d+)$/, projectAdmin((req, res, user, match, url, project) => {
      const actors = project.actors[match[2]];
      const role = roleBy(match[2]);
      if (!actors || !role) return errors(res, 404, 'No such role.');
      const accountId = url.searchParams.get('user');
      const groupId = url.searchParams.get('groupId');
      const before = actors.length;
      project.actors[match[2]] = actors.filter((a) => !(accountId && a.user === accountId) && !(groupId && a.group === groupId));
      if (project.actors[match[2]].length === before) return errors(res, 404, 'The actor is not in the role.');
      audit(user, 'Project roles changed', 'projects', roleItem(role), [projectItem(project)],
        [{ fieldName: 'Users/Groups in role', changedFrom: describeActors(actors), changedTo: describeActors(project.actors[match[2]]) }]);
      send(res, 204);
    })],
    // Issues: only what a bot request files (POST /rest/api/3/issue, `IssueUpdateDetails` →
    // `CreatedIssue`), read back by tests; comments on them are the comments above.
    ['POST', /^\/rest\/api\/3\/issue$/, (req, res, user, _m, _u, body) => {
      const fields = body?.fields ?? {};
      const project = fields.project?.key ? projectBy(fields.project.key) : fields.project?.id ? projectBy(String(fields.project.id)) : null;
      if (!project) return send(res, 400, { errorMessages: [], errors: { project: 'Specify a valid project ID or key' } });
      if (!holdsProject(world, user, project, 'CREATE_ISSUES')) return send(res, 400, { errorMessages: [], errors: { project: 'You do not have permission to create issues in this project.' } });
      if (typeof fields.summary !== 'string' || !fields.summary.trim()) return send(res, 400, { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } });
      if (!fields.issuetype?.name && !fields.issuetype?.id) return send(res, 400, { errorMessages: [], errors: { issuetype: 'Specify an issue type' } });
      world.issues ??= [];
      const number = world.issues.filter((i) => i.project === project.key).length + 1;
      const issue = { id: String(20000 + world.issues.length), key: `${project.key}-${number}`, project: project.key, fields: { summary: fields.summary, description: fields.description ?? null, issuetype: fields.issuetype, reporter: user.accountId } };
      world.issues.push(issue);
      send(res, 201, { id: issue.id, key: issue.key, self: `${base}/rest/api/3/issue/${issue.id}` });
    }],
    ['GET', /^\/rest\/api\/3\/issue\/([^/]+)$/, (req, res, user, match) => {
      const issue = (world.issues ?? []).find((i) => i.key === decodeURIComponent(match[1]) || i.id === match[1]);
      const project = issue && projectBy(issue.project);
      if (!issue || !holdsProject(world, user, project, 'BROWSE_PROJECTS') && !isAdmin(user)) return errors(res, 404, 'Issue does not exist or you do not have permission to see it.');
      const comments = (world.comments ?? []).filter((c) => c.issueKey === issue.key).map(({ issueKey, ...c }) => c);
      send(res, 200, { id: issue.id, key: issue.key, self: `${base}/rest/api/3/issue/${issue.id}`, fields: { ...issue.fields, project: { key: project.key, id: project.id }, comment: { comments, total: comments.length, maxResults: 5000, startAt: 0 } } });
    }],
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
    // bulkGetUsers: the users named by `accountId` (repeated), a PageBeanUser; unknown ids are left out.
    ['GET', /^\/rest\/api\/3\/user\/bulk$/, (req, res, user, _m, url) => {
      const ids = url.searchParams.getAll('accountId');
      if (!ids.length) return errors(res, 400, 'The accountId parameter is required.');
      send(res, 200, page(url, ids.map(userBy).filter(Boolean).map(userBody), { max: 200, fallback: 10 }));
    }],
    // findUsers: people and apps whose display name or email starts with the query (a word of it), active first.
    ['GET', /^\/rest\/api\/3\/user\/search$/, (req, res, user, _m, url) => {
      const query = (url.searchParams.get('query') ?? '').trim().toLowerCase();
      if (!query) return errors(res, 400, 'The query parameter is required.');
      const startAt = Math.max(0, Number.parseInt(url.searchParams.get('startAt') ?? '0', 10) || 0);
      const max = Math.max(1, Math.min(Number.parseInt(url.searchParams.get('maxResults') ?? '50', 10) || 50, 1000, pageCap));
      const words = (u) => [...u.displayName.toLowerCase().split(/\s+/), u.displayName.toLowerCase(), (u.email ?? '').toLowerCase()];
      const found = world.users.filter((u) => words(u).some((w) => w.startsWith(query))).sort((a, b) => Number(b.active) - Number(a.active));
      send(res, 200, found.slice(startAt, startAt + max).map(userBody));
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
    // As real sites answer: the schemes without their levels, which the level listing below has.
    ['GET', /^\/rest\/api\/3\/issuesecurityschemes$/, admin((req, res) => send(res, 200, { issueSecuritySchemes: world.securitySchemes.map((s) => ({
      self: `${base}/rest/api/3/issuesecurityschemes/${s.id}`, id: s.id, name: s.name, description: '', defaultSecurityLevelId: s.defaultLevel,
    })) }))],
    ['GET', /^\/rest\/api\/3\/issuesecurityschemes\/level$/, admin((req, res, user, _m, url) => {
      const schemeIds = url.searchParams.getAll('schemeId');
      const ids = url.searchParams.getAll('id');
      const onlyDefault = url.searchParams.get('onlyDefault') === 'true';
      const rows = world.securitySchemes
        .filter((s) => !schemeIds.length || schemeIds.includes(String(s.id)))
        .flatMap((s) => s.levels.map((l) => ({
          self: `${base}/rest/api/3/issuesecurityscheme/level?id=${l.id}`, id: String(l.id), name: l.name,
          description: l.description ?? '', isDefault: String(s.defaultLevel) === String(l.id), issueSecuritySchemeId: String(s.id),
        })))
        .filter((l) => (!ids.length || ids.includes(l.id)) && (!onlyDefault || l.isDefault));
      send(res, 200, page(url, rows));
    })],
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
    // AuditRecords, newest first, as the spec describes: offset/limit paging, `filter` (every
    // word must match one of the listed fields), `from`/`to` (inclusive).
    ['GET', /^\/rest\/api\/3\/auditing\/record$/, admin((req, res, user, _m, url) => {
      if ((state.faults.refuse ?? []).includes('auditing/record')) return errors(res, 403, 'The audit log is not available on this plan.');
      const offset = Math.max(0, Number.parseInt(url.searchParams.get('offset') ?? '0', 10) || 0);
      const limit = Math.max(1, Math.min(Number.parseInt(url.searchParams.get('limit') ?? '1000', 10) || 1000, 1000));
      const from = parseTime(url.searchParams.get('from'));
      const to = parseTime(url.searchParams.get('to'));
      if (from === undefined || to === undefined) return errors(res, 400, 'The from or to date is not valid.');
      const words = (url.searchParams.get('filter') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const fields = (r) => [r.summary, r.category, r.eventSource, r.objectItem?.name, r.objectItem?.parentName, r.objectItem?.typeName,
        ...r.changedValues.flatMap((c) => [c.changedFrom, c.changedTo]), r.remoteAddress].filter(Boolean).map((f) => String(f).toLowerCase());
      const matching = world.audit
        .filter((r) => (from == null || r.created >= from) && (to == null || r.created <= to))
        .filter((r) => words.every((w) => fields(r).some((f) => f.includes(w))))
        .reverse()
        .map((r) => ({ ...r, created: jiraTime(r.created) }));
      send(res, 200, { offset, limit, total: matching.length, records: matching.slice(offset, offset + limit) });
    })],
  ];

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://sim.invalid');
    if (url.pathname === '/__sim/stats') return send(res, 200, stats);
    const deactivate = url.pathname.match(/^\/__sim\/users\/([^/]+)\/(deactivate|activate)$/);
    if (deactivate && req.method === 'POST') {
      const user = userBy(decodeURIComponent(deactivate[1]));
      if (!user) return errors(res, 404, 'The user does not exist.');
      return send(res, 200, setActive(user.accountId, deactivate[2] === 'activate'));
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    if (state.latencyMs) await new Promise((r) => setTimeout(r, state.latencyMs));
    const route = routes.find(([method, pattern]) => method === req.method && pattern.test(url.pathname));
    const endpoint = `${req.method} ${route ? route[1].source : url.pathname}`;
    stats.calls += 1;
    const answer = res.end.bind(res);
    // The head is written with the body, once the answer's cost (and so the quota left) is known.
    const writeHead = res.writeHead.bind(res);
    let head = null;
    res.writeHead = (status, headers) => {
      head = [status, headers];
      res.statusCode = status;
      return res;
    };
    res.end = (body) => {
      let objects = 0;
      let parsed = null;
      if (res.statusCode < 300 && body) {
        try {
          parsed = JSON.parse(body);
          objects = Array.isArray(parsed) ? parsed.length : Array.isArray(parsed.values) ? parsed.values.length : 1;
        } catch { objects = 0; }
      }
      let cost = req.method === 'GET' ? 1 + objects * (IDENTITY.test(url.pathname) ? 2 : 1) : 1;
      if (checkPricing === 'objects' && url.pathname === '/rest/api/3/permissions/check' && parsed) {
        const pairs = (parsed.projectPermissions ?? []).reduce((n, p) => n + 1 + (p.projects?.length ?? 0), 0);
        cost = 1 + 2 * ((parsed.globalPermissions?.length ?? 0) + pairs);
      }
      stats.points += cost;
      const row = (stats.byEndpoint[endpoint] ??= { calls: 0, points: 0 });
      row.calls += 1;
      row.points += cost;
      if (head) writeHead(head[0], { ...head[1], ...quotaHeaders() });
      return answer(body);
    };
    const [kind, encoded] = (req.headers.authorization ?? '').split(' ');
    const [email, token] = kind === 'Basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8').split(/:(.*)/s) : [];
    const candidate = email ? indexed(world.users, 'email').get(email) : undefined;
    const user = candidate && candidate.token === token && candidate.active ? candidate : undefined;
    if (!user) return errors(res, 401, 'Client must be authenticated to access this resource.');
    const f = state.faults;
    if (f.quotaPoints && stats.points - quotaBase > f.quotaPoints) {
      return send(res, 429, { errorMessages: ['Rate limit exceeded.'] }, { 'retry-after': '1800', 'ratelimit-reason': 'jira-quota-global-based' });
    }
    if (f.throttleRate && chance() < f.throttleRate) {
      return send(res, 429, { errorMessages: ['Rate limit exceeded.'] }, { 'retry-after': String(f.retryAfter ?? 1), 'ratelimit-reason': 'jira-burst-based' });
    }
    if (f.error5xxRate && chance() < f.error5xxRate) {
      const status = f.errorStatus ?? 503;
      return errors(res, status, status === 503 ? 'Service unavailable.' : 'Internal server error.');
    }
    if (f.failWritesAfter !== undefined && req.method !== 'GET' && url.pathname !== '/rest/api/3/permissions/check') {
      // A job that dies midway: the first `failWritesAfter` writes pass, the next one fails, then
      // Jira is well again.
      if (f.failWritesAfter <= 0) {
        delete f.failWritesAfter;
        return errors(res, 503, 'Service unavailable.');
      }
      f.failWritesAfter -= 1;
    }
    if (!route) return errors(res, 404, `No route for ${req.method} ${url.pathname}`);
    let body = null;
    if (chunks.length) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return errors(res, 400, 'The request body is not valid JSON.');
      }
    }
    // Who asked for each change (tests check a page's write went as the person, not the app).
    if (!['GET', 'HEAD'].includes(req.method) && !/\/permissions\/check$/.test(url.pathname)) writes.push({ method: req.method, path: url.pathname + url.search, by: user.accountId });
    return route[2](req, res, user, url.pathname.match(route[1]), url, body);
  });

  // Jira's reading of the hourly quota (Jira Cloud's "Rate limiting" guide): the policy always, the points left once
  // usage is no longer far below the quota, the near-limit flag under a fifth.
  function quotaHeaders() {
    const q = state.faults.quotaPoints;
    if (!q) return {};
    const left = Math.max(0, q - (stats.points - quotaBase));
    const reset = 3600 - (Math.floor(clock() / 1000) % 3600);
    return {
      'ratelimit-policy': `"global-app-quota";q=${q};w=3600`,
      ...(left < q / 2 ? { ratelimit: `"global-app-quota";r=${left};t=${reset}` } : {}),
      ...(left < q / 5 ? { 'x-ratelimit-nearlimit': 'true' } : {}),
    };
  }

  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        world,
        data: world,
        stats,
        writes,
        setFaults(next) {
          state.faults = next;
          chance = rng(next.seed ?? 7);
        },
        setLatency(ms) {
          state.latencyMs = ms;
        },
        // A person leaves: the account is deactivated (or deleted), as Atlassian administration
        // does, with Jira's audit record. Jira sends no event for it to the app; the local host
        // sends `avi:jira:updated:user` itself when asked to (host/fire.mjs).
        setActive,
        // A new quota hour: the points counted so far no longer count against `faults.quotaPoints`.
        resetQuota() {
          quotaBase = stats.points;
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
  const size = arg('size', undefined);
  const sim = await startSimulator({
    port: Number(arg('port', 0)), world: size ? sizedWorld(size) : generateWorld({ scale: Number(arg('scale', 1)) }),
    pageCap: Number(arg('page-cap', 100)), latencyMs: Number(arg('latency', 0)),
  });
  console.log(`jira simulator on ${sim.url}${size ? ` serving size ${size.toUpperCase()} (${sim.world.projects.length} projects, ${sim.world.users.length} accounts)` : ''} (admin: ada@steward-demo.example / demo-token)`);
}
