// Generated worlds of the benchmark sizes S/M/L/XL for the simulator: the proportions of the
// engine benchmark's generator (bench/src/synth.rs) — per project 10 accounts, half a group, a
// tenth of a service account; one permission scheme per 20 projects; a few dozen roles — in the
// shape sim/world.mjs gives the demo company, so the same server and the same rules serve both.
//
// sizedWorld('M') is deterministic: the same size and seed give the same world, byte for byte.
import { rng } from './world.mjs';

export const SIZES = {
  S: { projects: 100, roles: 20, apps: 4 },
  M: { projects: 500, roles: 30, apps: 8 },
  L: { projects: 2000, roles: 40, apps: 15 },
  XL: { projects: 10000, roles: 50, apps: 25 },
};

const PROJECT_PERMISSIONS = [
  ['ADMINISTER_PROJECTS', 'admin'], ['BROWSE_PROJECTS', 'read'], ['VIEW_DEV_TOOLS', 'read'], ['VIEW_READONLY_WORKFLOW', 'read'],
  ['CREATE_ISSUES', 'write'], ['EDIT_ISSUES', 'write'], ['TRANSITION_ISSUES', 'write'], ['SCHEDULE_ISSUES', 'write'],
  ['MOVE_ISSUES', 'write'], ['ASSIGN_ISSUES', 'write'], ['ASSIGNABLE_USER', 'write'], ['RESOLVE_ISSUES', 'write'],
  ['CLOSE_ISSUES', 'write'], ['MODIFY_REPORTER', 'admin'], ['DELETE_ISSUES', 'admin'], ['LINK_ISSUES', 'write'],
  ['SET_ISSUE_SECURITY', 'admin'], ['VIEW_VOTERS_AND_WATCHERS', 'read'], ['MANAGE_WATCHERS', 'admin'], ['ADD_COMMENTS', 'write'],
  ['EDIT_ALL_COMMENTS', 'admin'], ['EDIT_OWN_COMMENTS', 'write'], ['DELETE_ALL_COMMENTS', 'admin'], ['DELETE_OWN_COMMENTS', 'write'],
  ['CREATE_ATTACHMENTS', 'write'], ['DELETE_ALL_ATTACHMENTS', 'admin'], ['DELETE_OWN_ATTACHMENTS', 'write'], ['WORK_ON_ISSUES', 'write'],
  ['EDIT_OWN_WORKLOGS', 'write'], ['EDIT_ALL_WORKLOGS', 'admin'], ['DELETE_OWN_WORKLOGS', 'write'], ['DELETE_ALL_WORKLOGS', 'admin'],
  ['MANAGE_SPRINTS_PERMISSION', 'write'], ['EDIT_WORKFLOW', 'admin'], ['EDIT_ISSUE_LAYOUT', 'admin'],
];
const GLOBAL_PERMISSIONS = ['ADMINISTER', 'SYSTEM_ADMIN', 'USER_PICKER', 'CREATE_SHARED_OBJECTS', 'MANAGE_GROUP_FILTER_SUBSCRIPTIONS', 'BULK_CHANGE', 'CREATE_PROJECT'];
const BOT_PERMISSIONS = ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'EDIT_ISSUES', 'ADD_COMMENTS', 'TRANSITION_ISSUES'];
const WORDS = ['Atlas', 'Beacon', 'Cobalt', 'Delta', 'Ember', 'Falcon', 'Granite', 'Harbor', 'Iris', 'Juniper', 'Kestrel', 'Lumen', 'Meridian', 'Nimbus', 'Orion', 'Pioneer', 'Quartz', 'Raven', 'Summit', 'Tundra', 'Umbra', 'Vertex', 'Willow', 'Zephyr'];
const KINDS = ['Platform', 'Portal', 'Billing', 'Mobile', 'Data', 'Support', 'Ops', 'Search', 'Identity', 'Payments', 'Analytics', 'Infra'];
const DEPARTMENTS = ['engineering', 'sales', 'support', 'finance', 'marketing', 'legal', 'people', 'operations', 'product', 'design'];
const FIRST = ['Ada', 'Ben', 'Chen', 'Dana', 'Eli', 'Fatima', 'Gus', 'Hana', 'Ivan', 'Jo', 'Kemal', 'Lena', 'Mia', 'Nils', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tara'];
const LAST = ['Baker', 'Cruz', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jensen', 'Khan', 'Lopez', 'Moreau', 'Novak', 'Okafor', 'Patel'];

export function sizedWorld(size, { seed = 2026 } = {}) {
  const base = SIZES[String(size).toUpperCase()];
  if (!base) throw new Error(`unknown size \`${size}\`: one of ${Object.keys(SIZES).join(', ')}`);
  const random = rng(seed + base.projects);
  const below = (n) => Math.floor(random() * n);
  const range = (lo, hi) => lo + below(hi - lo + 1);
  const percent = (p) => below(100) < p;
  const pick = (list) => list[below(list.length)];
  const sample = (list, k) => {
    const out = new Set();
    const want = Math.min(k, list.length);
    while (out.size < want) out.add(list[below(list.length)]);
    return [...out];
  };
  const P = base.projects;
  const uuid = (n) => `b0b0${String(n).padStart(4, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const accountId = (n) => `5b10a2844c2016570${String(n).padStart(7, '0')}`;

  // Groups.
  const groups = [];
  const group = (name) => {
    const g = { groupId: uuid(groups.length + 1), name };
    groups.push(g);
    return g.groupId;
  };
  const admins = group('jira-administrators');
  const software = group('jira-software-users');
  const allStaff = group('all-staff');
  const botGroups = Array.from({ length: Math.max(2, Math.floor(P / 10 / 20)) }, (_, i) => group(i === 0 ? 'integrations' : `bots-${i}`));
  const departments = DEPARTMENTS.slice(0, Math.min(DEPARTMENTS.length, Math.max(2, Math.floor(P / 2 / 50)))).map((d) => group(`dept-${d}`));
  const teams = [];
  const groupTarget = Math.max(Math.floor(P / 2), groups.length + 2);
  while (groups.length < groupTarget) teams.push(group(`team-${pick(WORDS).toLowerCase()}-${groups.length}`));

  // Accounts: the demo company's three people (so the same credentials work), people, bots.
  const users = [
    { accountId: accountId(1), displayName: 'Ada Admin', email: 'ada@steward-demo.example', token: 'demo-token', accountType: 'atlassian', active: true, groups: [admins, software, allStaff] },
    { accountId: accountId(2), displayName: 'Pat Projectlead', email: 'pat@steward-demo.example', token: 'pat-token', accountType: 'atlassian', active: true, groups: [software, allStaff] },
    { accountId: accountId(3), displayName: 'Vic Viewer', email: 'vic@steward-demo.example', token: 'vic-token', accountType: 'atlassian', active: true, groups: [software, allStaff] },
  ];
  const serviceCount = Math.floor(P / 10);
  const people = P * 10 - serviceCount - base.apps - users.length;
  const humans = [];
  for (let n = 0; n < people; n += 1) {
    const g = [];
    if (percent(95)) g.push(software);
    if (percent(85)) g.push(allStaff);
    g.push(pick(departments));
    for (let t = range(0, 2); t > 0; t -= 1) g.push(pick(teams));
    const user = {
      accountId: accountId(10 + n), displayName: `${pick(FIRST)} ${pick(LAST)} ${n + 1}`, accountType: 'atlassian',
      active: percent(93), groups: [...new Set(g)],
    };
    users.push(user);
    humans.push(user);
  }
  const services = [];
  for (let n = 0; n < serviceCount; n += 1) {
    const g = [];
    if (percent(55)) g.push(pick(botGroups));
    if (percent(15)) g.push(software);
    if (percent(4)) g.push(pick(teams));
    const bot = { accountId: `712020:${uuid(n)}`, displayName: `svc-${pick(KINDS).toLowerCase()}-${n + 1}`, accountType: 'app', appType: 'service', active: percent(95), groups: g };
    users.push(bot);
    services.push(bot);
  }
  const apps = [];
  for (let n = 0; n < base.apps; n += 1) {
    const app = { accountId: `557058:${uuid(n)}-app`, displayName: `App ${n + 1}`, accountType: 'app', active: true, groups: [] };
    users.push(app);
    apps.push(app);
  }
  // Jira lists accounts in no particular order: scatter the bots over the pages.
  for (let i = users.length - 1; i > 3; i -= 1) {
    const j = 3 + below(i - 2);
    [users[i], users[j]] = [users[j], users[i]];
  }

  // Roles.
  const roles = [
    { id: '10002', name: 'Administrators' }, { id: '10001', name: 'Developers' }, { id: '10000', name: 'Users' },
    { id: '10100', name: 'Service accounts' }, { id: '10003', name: 'atlassian-addons-project-access' },
  ];
  for (let i = roles.length; i < base.roles; i += 1) roles.push({ id: String(10200 + i), name: `${pick(WORDS)} ${pick(['Leads', 'Reviewers', 'Contractors', 'Auditors', 'Partners'])} ${i}` });
  const custom = roles.slice(5).map((r) => r.id);
  const role = (id) => ({ type: 'projectRole', parameter: id, value: id });

  // Permission schemes.
  let grantId = 10000;
  const schemeCount = Math.max(1, Math.floor(P / 20));
  const schemes = [];
  for (let s = 0; s < schemeCount; s += 1) {
    const profile = s === 0 ? 'open' : ['open', 'team', 'team', 'restricted'][below(4)];
    const hasSa = percent(profile === 'restricted' ? 90 : 60);
    const hasAddons = percent(80);
    const mine = sample(custom, range(0, 3));
    const customOr = (fallback) => (mine.length ? pick(mine) : fallback);
    const appRole = () => (percent(70) ? { type: 'applicationRole', parameter: 'jira-software' } : { type: 'applicationRole' });
    const holders = [];
    for (const [permission, cat] of PROJECT_PERMISSIONS) {
      if (!['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS'].includes(permission) && percent(12)) continue;
      let primary;
      if (cat === 'admin') primary = percent(85) ? role('10002') : percent(50) ? { type: 'projectLead' } : { type: 'group', parameter: 'jira-administrators', value: admins };
      else if (cat === 'read') primary = profile === 'open' ? appRole() : percent(60) ? role('10000') : percent(75) ? role('10001') : role(customOr('10000'));
      else primary = profile === 'open' && percent(50) ? appRole() : percent(75) ? role('10001') : percent(60) ? role(customOr('10001')) : { type: 'group', parameter: 'team', value: pick(teams) };
      holders.push([permission, primary]);
      if (percent(permission === 'BROWSE_PROJECTS' ? 60 : 8)) holders.push([permission, [role('10001'), hasSa ? role('10100') : role(customOr('10002')), role(customOr('10002'))][below(3)]]);
      if (hasAddons && percent(15)) holders.push([permission, role('10003')]);
      if (hasSa && cat === 'write' && percent(10)) holders.push([permission, role('10100')]);
    }
    if (percent(40)) holders.push(['EDIT_OWN_COMMENTS', { type: 'reporter' }], ['CLOSE_ISSUES', { type: 'assignee' }]);
    const direct = profile === 'restricted' ? range(1, 3) : percent(5) ? 1 : 0;
    for (let d = 0; d < direct; d += 1) {
      const bot = pick(services);
      if (bot) holders.push([pick(BOT_PERMISSIONS), { type: 'user', parameter: bot.accountId, value: bot.accountId }]);
    }
    const seen = new Set();
    const grants = [];
    for (const [permission, holder] of holders) {
      const id = `${permission} ${JSON.stringify(holder)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      grants.push([grantId++, permission, holder]);
    }
    schemes.push({ id: 10000 + s, name: `${pick(WORDS)} ${profile} scheme ${s + 1}`, description: `Permission scheme ${s + 1} (${profile}).`, grants });
  }

  // Where each service account works: most in a handful of projects, a few in a large share.
  const botsIn = Array.from({ length: P }, () => []);
  const indices = Array.from({ length: P }, (_, i) => i);
  for (const sa of services) {
    const r = below(100);
    const reach = r < 50 ? range(1, 5) : r < 80 ? range(5, 30) : r < 98 ? range(30, Math.max(30, Math.floor(P / 20))) : range(Math.floor(P / 20), Math.floor(P / 5));
    for (const i of sample(indices, reach)) botsIn[i].push(sa.accountId);
  }

  // Projects: a few schemes serve most of them (weight 1/(rank+1)).
  const weights = schemes.map((_, s) => 1 / (s + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const leads = sample(humans.filter((u) => u.active), Math.max(5, Math.floor(humans.length / 20)));
  const projects = [];
  const keys = new Set();
  for (let i = 0; i < P; i += 1) {
    const words = [pick(WORDS), pick(KINDS)];
    const stem = words.map((w) => w[0]).join('').toUpperCase();
    let key = stem;
    for (let n = 2; keys.has(key); n += 1) key = `${stem}${n}`;
    keys.add(key);
    let x = random() * total;
    let scheme = 0;
    while (scheme < schemes.length - 1 && x >= weights[scheme]) { x -= weights[scheme]; scheme += 1; }
    const lead = pick(leads).accountId;
    const referenced = [...new Set(schemes[scheme].grants.filter(([, , h]) => h.type === 'projectRole').map(([, , h]) => h.value))];
    const hasSa = referenced.includes('10100');
    const someHumans = (list, max) => { for (let n = range(0, max); n > 0; n -= 1) list.push({ user: pick(humans).accountId }); };
    const actors = {};
    for (const r of roles) actors[r.id] = [];
    for (const id of referenced) {
      const list = actors[id];
      if (id === '10002') {
        list.push({ user: lead });
        for (let n = range(0, 2); n > 0; n -= 1) list.push({ user: pick(leads).accountId });
        if (percent(25)) list.push({ group: admins });
      } else if (id === '10001') {
        for (let n = range(1, 2); n > 0; n -= 1) list.push({ group: pick(teams) });
        someHumans(list, 4);
        if (percent(12)) list.push({ group: pick(botGroups) });
        if (!hasSa) list.push(...botsIn[i].map((user) => ({ user })));
      } else if (id === '10000') {
        const r = below(100);
        list.push({ group: r < 35 ? allStaff : r < 60 ? pick(departments) : pick(teams) });
        someHumans(list, 2);
      } else if (id === '10100') {
        list.push(...botsIn[i].map((user) => ({ user })));
        if (percent(25)) list.push({ group: pick(botGroups) });
      } else if (id === '10003') {
        list.push(...apps.map((a) => ({ user: a.accountId })));
      } else {
        for (let n = range(0, 2); n > 0; n -= 1) list.push({ group: percent(80) ? pick(teams) : pick(departments) });
        someHumans(list, 3);
        if (percent(4)) list.push({ user: pick(services).accountId });
      }
      const seen = new Set();
      actors[id] = list.filter((a) => { const k = a.user ?? a.group; return !seen.has(k) && seen.add(k); });
    }
    projects.push({ id: String(10000 + i), key, name: `${words.join(' ')} ${i + 1}`, lead, scheme: schemes[scheme].id, style: 'classic', actors });
  }

  const securitySchemes = [{
    id: 10000, name: 'Confidential', defaultLevel: 10020,
    levels: [
      { id: '10020', name: 'Staff only', description: 'Employees.', members: [{ type: 'group', parameter: 'all-staff', value: allStaff }, role('10002')] },
      { id: '10021', name: 'Admins', description: 'Project administrators.', members: [role('10002'), { type: 'reporter' }] },
    ],
  }];
  const securityProjects = projects.filter((_, i) => i % 20 === 0).map((p) => ({ scheme: 10000, project: p.id }));
  return {
    site: 'https://steward-bench.atlassian.net',
    size: String(size).toUpperCase(),
    permissions: { project: PROJECT_PERMISSIONS.map(([k]) => k), global: GLOBAL_PERMISSIONS },
    users, groups, roles, schemes, projects,
    appRoles: [
      { key: 'jira-software', name: 'Jira Software', groups: [software, admins] },
      { key: 'jira-servicedesk', name: 'Jira Service Management', groups: [admins] },
    ],
    globalGrants: {
      ADMINISTER: [admins], SYSTEM_ADMIN: [admins], USER_PICKER: [allStaff, botGroups[0]], CREATE_SHARED_OBJECTS: [allStaff],
      MANAGE_GROUP_FILTER_SUBSCRIPTIONS: [admins], BULK_CHANGE: [allStaff], CREATE_PROJECT: [admins],
    },
    securitySchemes, securityProjects,
    workflows: [{ id: 'b9ff2384-d3b6-4d4e-9509-3ee19f607168', name: 'Software workflow', transitions: [
      { id: '11', name: 'Start progress', type: 'DIRECTED', toStatusReference: '3' },
      { id: '21', name: 'Deploy', type: 'DIRECTED', toStatusReference: '10002', conditions: { operation: 'ALL', conditions: [
        { ruleKey: 'system:restrict-issue-transition', parameters: { roleIds: '10002,10100', groupIds: '' } }], conditionGroups: [] } },
    ] }],
    workflowSchemes: [{ id: 10100, name: 'Software workflow scheme', defaultWorkflow: 'Software workflow', issueTypeMappings: {} }],
    audit: [],
  };
}
