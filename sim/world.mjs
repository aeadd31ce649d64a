// The simulator's world: a deterministic demo company (people, bots, groups, roles, schemes,
// projects, issue security, workflows) and the permission rules Jira applies to it, written
// independently of the Rust engine so the two can check each other.
//
// generateWorld({ scale }) is deterministic: the same scale gives the same world, byte for byte.

const PROJECT_PERMISSIONS = [
  'ADMINISTER_PROJECTS', 'BROWSE_PROJECTS', 'VIEW_DEV_TOOLS', 'VIEW_READONLY_WORKFLOW', 'CREATE_ISSUES', 'EDIT_ISSUES',
  'TRANSITION_ISSUES', 'SCHEDULE_ISSUES', 'MOVE_ISSUES', 'ASSIGN_ISSUES', 'ASSIGNABLE_USER', 'RESOLVE_ISSUES',
  'CLOSE_ISSUES', 'MODIFY_REPORTER', 'DELETE_ISSUES', 'LINK_ISSUES', 'SET_ISSUE_SECURITY', 'VIEW_VOTERS_AND_WATCHERS',
  'MANAGE_WATCHERS', 'ADD_COMMENTS', 'EDIT_ALL_COMMENTS', 'EDIT_OWN_COMMENTS', 'DELETE_ALL_COMMENTS', 'DELETE_OWN_COMMENTS',
  'CREATE_ATTACHMENTS', 'DELETE_ALL_ATTACHMENTS', 'DELETE_OWN_ATTACHMENTS', 'WORK_ON_ISSUES', 'EDIT_OWN_WORKLOGS',
  'EDIT_ALL_WORKLOGS', 'DELETE_OWN_WORKLOGS', 'DELETE_ALL_WORKLOGS', 'MANAGE_SPRINTS_PERMISSION', 'EDIT_WORKFLOW',
  'EDIT_ISSUE_LAYOUT',
];
const GLOBAL_PERMISSIONS = ['ADMINISTER', 'SYSTEM_ADMIN', 'USER_PICKER', 'CREATE_SHARED_OBJECTS', 'MANAGE_GROUP_FILTER_SUBSCRIPTIONS', 'BULK_CHANGE', 'CREATE_PROJECT'];

// mulberry32: a small seeded PRNG, so worlds and faults are reproducible.
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ada', 'Ben', 'Chen', 'Dana', 'Eli', 'Fatima', 'Gus', 'Hana', 'Ivan', 'Jo', 'Kemal', 'Lena', 'Mia', 'Nils', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tara', 'Uma', 'Vic', 'Wei', 'Xena', 'Yusuf', 'Zoe'];
const LAST = ['Admin', 'Baker', 'Cruz', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jensen', 'Khan', 'Lopez', 'Moreau', 'Novak', 'Okafor', 'Patel'];
const TEAMS = [
  ['APP', 'Mobile App'], ['WEB', 'Web Platform'], ['OPS', 'Operations'], ['PAY', 'Payments'], ['HR', 'People & Payroll'],
  ['COM', 'Community <Forum>'], ['DATA', 'Data Platform'], ['SEC', 'Security'], ['MKT', 'Marketing'], ['SUP', 'Support Desk'],
  ['INF', 'Infrastructure'], ['API', 'Public API'], ['AND', 'Android'], ['IOS', 'iOS'], ['QA', 'Quality'], ['DOC', 'Documentation'],
  ['LEG', 'Legal'], ['FIN', 'Finance'], ['BI', 'Business Intelligence'], ['ML', 'Machine Learning'], ['SRE', 'Reliability'],
  ['CRM', 'CRM Integration'], ['ERP', 'ERP Migration'], ['UX', 'Design System'], ['SALES', 'Sales Ops'], ['PART', 'Partners'],
  ['EDU', 'Academy'], ['EVT', 'Events'], ['IT', 'IT Helpdesk'], ['PROC', 'Procurement'], ['RISK', 'Risk'], ['AUD', 'Audit'],
  ['LAB', 'Research Lab'], ['GAME', 'Gamification'], ['SRCH', 'Search'], ['NOTE', 'Notifications'], ['BILL', 'Billing'],
  ['ID', 'Identity'], ['MAP', 'Maps'], ['CHAT', 'Chat'],
];

const ROLES = [
  { id: '10002', name: 'Administrators' }, { id: '10001', name: 'Developers' }, { id: '10000', name: 'Users' },
  { id: '10100', name: 'Service accounts' }, { id: '10101', name: 'Viewers' },
];

// The bots of the demo company, each with the risk it demonstrates (the findings catalogue's kinds).
const BOTS = [
  ['ci-deploy-bot', 'service', 'clean: Service accounts role in the projects it deploys to'],
  ['release-notes-bot', 'service', 'clean: read-only through the Viewers role'],
  ['jira-admin-bot', 'service', 'global admin: member of jira-administrators'],
  ['payments-sync-bot', 'service', 'direct user grant in the finance scheme instead of the role'],
  ['backup-exporter', 'service', 'broad access: in the all-staff group that browses everything'],
  ['old-migration-bot', 'service', 'deactivated but still an actor of roles'],
  ['triage-ai', 'agent', 'Rovo agent with Developers access'],
  ['slack-connector', 'app', 'Connect app account'],
  ['github-integration', 'app', 'Connect app account with dev tools access'],
  ['helpdesk-bot', 'service', 'in the HR security level meant for people only'],
  ['metrics-bot', 'service', 'reads through the anyone grant of the community scheme'],
  ['sla-timer-bot', 'service', 'admin of the support project'],
  ['sandbox-bot', 'service', 'no access anywhere (unused)'],
  ['importer-bot', 'service', 'edits through a contractor group'],
  ['svc-jenkins', 'shadow', 'a human-licensed account used by Jenkins'],
  ['integration.user', 'shadow', 'a human-licensed account shared by scripts'],
  ['svc-reporting', 'shadow', 'a human-licensed account used for reports'],
  ['statuspage-bot', 'service', 'transitions issues in operations'],
  ['legal-hold-bot', 'service', 'deletes issues in legal through the Administrators role'],
  ['translation-bot', 'service', 'comments in documentation'],
  ['forecast-agent', 'agent', 'Rovo agent in finance'],
  ['security-scanner', 'service', 'browses every project through a direct grant in every scheme'],
  ['crm-sync', 'app', 'OAuth app account'],
  ['okr-bot', 'service', 'in the Service accounts role of a team-managed project'],
  ['archiver-bot', 'service', 'deactivated, holds nothing'],
  ['legacy-sync', 'unknown', 'listed without accountType, as older user bodies are: not taken for a person'],
];

export function generateWorld({ scale = 1, seed = 2026 } = {}) {
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const id = (n) => `5b10a2844c2016570${String(n).padStart(7, '0')}`;
  const groups = [
    { groupId: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'jira-administrators' },
    { groupId: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'jira-software-users' },
    { groupId: 'a1b2c3d4-0000-4000-8000-000000000003', name: 'all-staff' },
    { groupId: 'a1b2c3d4-0000-4000-8000-000000000004', name: 'contractors' },
    { groupId: 'a1b2c3d4-0000-4000-8000-000000000005', name: 'bots' },
    { groupId: 'a1b2c3d4-0000-4000-8000-000000000006', name: 'finance-team' },
    { groupId: 'a1b2c3d4-0000-4000-8000-000000000007', name: 'hr-team' },
  ];
  const G = Object.fromEntries(groups.map((g) => [g.name, g.groupId]));
  const users = [
    { accountId: id(1), displayName: 'Ada Admin', email: 'ada@steward-demo.example', token: 'demo-token', accountType: 'atlassian', active: true, groups: [G['jira-administrators'], G['jira-software-users'], G['all-staff']] },
    { accountId: id(2), displayName: 'Pat Projectlead', email: 'pat@steward-demo.example', token: 'pat-token', accountType: 'atlassian', active: true, groups: [G['jira-software-users'], G['all-staff'], G['finance-team']] },
    { accountId: id(3), displayName: 'Vic Viewer', email: 'vic@steward-demo.example', token: 'vic-token', accountType: 'atlassian', active: true, groups: [G['jira-software-users'], G['all-staff']] },
  ];
  const people = 57 * scale;
  for (let n = 0; n < people; n += 1) {
    const name = `${FIRST[n % FIRST.length]} ${LAST[(n * 7 + 3) % LAST.length]}${n >= FIRST.length ? ` ${Math.floor(n / FIRST.length) + 1}` : ''}`;
    const active = random() > 0.08;
    const g = [G['jira-software-users'], G['all-staff']];
    if (random() < 0.15) g.push(G.contractors);
    users.push({ accountId: id(10 + n), displayName: name, accountType: 'atlassian', active, groups: g });
  }
  const bots = BOTS.map(([name, kind, risk], n) => {
    const base = { displayName: name, risk, groups: [], active: !['old-migration-bot', 'archiver-bot'].includes(name) };
    if (kind === 'shadow') return { ...base, accountId: id(900 + n), accountType: 'atlassian', groups: [G['jira-software-users'], G['all-staff']] };
    // No accountType at all: Jira's older bodies and some listings leave it out.
    if (kind === 'unknown') return { ...base, accountId: id(900 + n) };
    if (kind === 'app') return { ...base, accountId: `557058:${String(n).padStart(4, '0')}-connect-${name}`, accountType: 'app' };
    return { ...base, accountId: `712020:${String(n).padStart(4, '0')}-${name}`, accountType: 'app', appType: kind };
  });
  const bot = Object.fromEntries(bots.map((b) => [b.displayName, b]));
  bot['jira-admin-bot'].groups.push(G['jira-administrators']);
  bot['backup-exporter'].groups.push(G['all-staff']);
  bot['importer-bot'].groups.push(G.contractors);
  for (const b of bots) if (b.accountType === 'app') b.groups.push(G.bots);
  users.push(...bots);

  const roleGrant = (role) => ({ type: 'projectRole', parameter: role, value: role });
  let grantId = 10100;
  const grants = (list) => list.map(([permission, holder]) => [grantId++, permission, holder]);
  const standard = (extra = []) => grants([
    ['ADMINISTER_PROJECTS', roleGrant('10002')],
    ['BROWSE_PROJECTS', { type: 'applicationRole', parameter: 'jira-software' }],
    ['BROWSE_PROJECTS', roleGrant('10100')],
    ['BROWSE_PROJECTS', { type: 'user', parameter: bot['security-scanner'].accountId, value: bot['security-scanner'].accountId }],
    ...['CREATE_ISSUES', 'EDIT_ISSUES', 'TRANSITION_ISSUES', 'ADD_COMMENTS', 'ASSIGNABLE_USER', 'RESOLVE_ISSUES', 'LINK_ISSUES', 'CREATE_ATTACHMENTS'].flatMap((p) => [[p, roleGrant('10001')], [p, roleGrant('10100')]]),
    ['DELETE_ISSUES', roleGrant('10002')],
    ['VIEW_DEV_TOOLS', roleGrant('10001')],
    ['EDIT_OWN_COMMENTS', { type: 'reporter' }],
    ['CLOSE_ISSUES', { type: 'assignee' }],
    ...extra,
  ]);
  const schemes = [
    { id: 10000, name: 'Default software scheme', description: 'Applied to every software project unless a team asks otherwise.', grants: standard() },
    { id: 10001, name: 'Finance restricted scheme', description: 'Payments and payroll: named roles only.', grants: grants([
      ['ADMINISTER_PROJECTS', roleGrant('10002')], ['BROWSE_PROJECTS', roleGrant('10001')], ['BROWSE_PROJECTS', roleGrant('10100')],
      ['BROWSE_PROJECTS', { type: 'group', parameter: 'finance-team', value: G['finance-team'] }],
      ['EDIT_ISSUES', { type: 'user', parameter: bot['payments-sync-bot'].accountId, value: bot['payments-sync-bot'].accountId }],
      ['BROWSE_PROJECTS', { type: 'user', parameter: bot['payments-sync-bot'].accountId, value: bot['payments-sync-bot'].accountId }],
      ['CREATE_ISSUES', roleGrant('10001')], ['EDIT_ISSUES', roleGrant('10001')], ['ADD_COMMENTS', roleGrant('10100')],
      ['BROWSE_PROJECTS', { type: 'user', parameter: bot['security-scanner'].accountId, value: bot['security-scanner'].accountId }],
    ]) },
    { id: 10002, name: 'Open community scheme', description: '', grants: grants([
      ['BROWSE_PROJECTS', { type: 'anyone' }], ['ADD_COMMENTS', { type: 'group', parameter: 'all-staff', value: G['all-staff'] }],
      ['ADMINISTER_PROJECTS', roleGrant('10002')], ['EDIT_ISSUES', roleGrant('10001')],
    ]) },
    { id: 10003, name: 'Contractor scheme', description: 'Projects with external contractors.', grants: standard([
      ['EDIT_ISSUES', { type: 'group', parameter: 'contractors', value: G.contractors }],
      ['BROWSE_PROJECTS', { type: 'group', parameter: 'all-staff', value: G['all-staff'] }],
    ]) },
    { id: 10004, name: 'Service desk scheme', description: 'Support and IT helpdesk.', grants: standard([
      ['BROWSE_PROJECTS', { type: 'sd.customer.portal.only' }], ['SERVICEDESK_AGENT', roleGrant('10001')],
    ]) },
    { id: 10005, name: 'Unused legacy scheme', description: 'Kept for the archive.', grants: [] },
  ];

  const projectCount = Math.min(TEAMS.length * scale, 40 * scale);
  const projects = [];
  const staff = users.filter((u) => u.accountType === 'atlassian' && u.active && !u.email);
  for (let n = 0; n < projectCount; n += 1) {
    const [teamKey, teamName] = TEAMS[n % TEAMS.length];
    const key = n < TEAMS.length ? teamKey : `${teamKey}${Math.floor(n / TEAMS.length) + 1}`;
    const name = n < TEAMS.length ? teamName : `${teamName} ${Math.floor(n / TEAMS.length) + 1}`;
    let scheme = 10000;
    if (['PAY', 'HR', 'FIN'].includes(teamKey)) scheme = 10001;
    else if (teamKey === 'COM') scheme = 10002;
    else if (['ERP', 'CRM', 'PART'].includes(teamKey)) scheme = 10003;
    else if (['SUP', 'IT'].includes(teamKey)) scheme = 10004;
    const lead = key === 'PAY' || key === 'HR' ? users[1].accountId : n % 3 === 0 ? users[0].accountId : pick(staff).accountId;
    const actors = {
      10002: [{ user: lead }],
      10001: [{ group: G['jira-software-users'] }, ...Array.from({ length: 3 }, () => ({ user: pick(staff).accountId }))],
      10000: [{ group: G['all-staff'] }],
      10100: [],
      10101: [],
    };
    projects.push({ id: String(10010 + n), key, name, lead, scheme, style: teamKey === 'GAME' ? 'next-gen' : 'classic', actors });
  }
  const P = Object.fromEntries(projects.map((p) => [p.key, p]));
  const addActor = (keys, role, actor) => keys.forEach((k) => P[k]?.actors[role].push(actor));
  addActor(['APP', 'WEB', 'OPS', 'API', 'INF'], '10100', { user: bot['ci-deploy-bot'].accountId });
  addActor(['DOC', 'WEB'], '10101', { user: bot['release-notes-bot'].accountId });
  addActor(['PAY'], '10100', { user: bot['payments-sync-bot'].accountId });
  addActor(['OPS', 'SRE', 'INF'], '10100', { user: bot['old-migration-bot'].accountId });
  addActor(['ERP', 'ML'], '10100', { user: bot['archiver-bot'].accountId });
  addActor(['APP', 'WEB'], '10001', { user: bot['triage-ai'].accountId });
  addActor(['API', 'WEB'], '10001', { user: bot['github-integration'].accountId });
  addActor(['HR', 'SUP', 'IT'], '10100', { user: bot['helpdesk-bot'].accountId });
  addActor(['SUP'], '10002', { user: bot['sla-timer-bot'].accountId });
  addActor(['OPS'], '10100', { user: bot['statuspage-bot'].accountId });
  addActor(['LEG'], '10002', { user: bot['legal-hold-bot'].accountId });
  addActor(['DOC'], '10100', { user: bot['translation-bot'].accountId });
  addActor(['FIN'], '10100', { user: bot['forecast-agent'].accountId });
  addActor(['GAME'], '10100', { user: bot['okr-bot'].accountId });
  addActor(['CRM', 'SALES'], '10100', { user: bot['crm-sync'].accountId });
  addActor(['APP', 'WEB', 'OPS', 'DATA'], '10100', { user: bot['svc-jenkins'].accountId });
  addActor(['BI', 'DATA'], '10101', { user: bot['svc-reporting'].accountId });
  addActor(['CRM', 'ERP'], '10001', { user: bot['integration.user'].accountId });
  addActor(['SEC'], '10100', { group: G.bots });

  const appRoles = [
    { key: 'jira-software', name: 'Jira Software', groups: [G['jira-software-users']] },
    { key: 'jira-servicedesk', name: 'Jira Service Management', groups: [G['jira-administrators']] },
  ];
  const globalGrants = {
    ADMINISTER: [G['jira-administrators']], SYSTEM_ADMIN: [G['jira-administrators']], USER_PICKER: [G['all-staff'], G.bots],
    CREATE_SHARED_OBJECTS: [G['all-staff']], MANAGE_GROUP_FILTER_SUBSCRIPTIONS: [G['jira-administrators']],
    BULK_CHANGE: [G['all-staff']], CREATE_PROJECT: [G['jira-administrators']],
  };
  const securitySchemes = [{
    id: 10000, name: 'People data', defaultLevel: 10020,
    levels: [
      { id: '10020', name: 'HR only', description: 'Only the HR team may see these issues.', members: [
        { type: 'group', parameter: 'hr-team', value: G['hr-team'] }, { type: 'reporter' }, roleGrant('10100')] },
      { id: '10021', name: 'Managers', description: 'Managers and administrators.', members: [roleGrant('10002')] },
    ],
  }];
  const securityProjects = [{ scheme: 10000, project: P.HR?.id }].filter((m) => m.project);
  const workflows = [{
    id: 'b9ff2384-d3b6-4d4e-9509-3ee19f607168', name: 'Software workflow',
    transitions: [
      { id: '11', name: 'Start progress', type: 'DIRECTED', toStatusReference: '3' },
      { id: '21', name: 'Deploy to production', type: 'DIRECTED', toStatusReference: '10002', conditions: { operation: 'ALL', conditions: [
        { ruleKey: 'system:restrict-issue-transition', parameters: { roleIds: '10002,10100', groupIds: '' } }], conditionGroups: [] } },
      { id: '31', name: 'Close', type: 'DIRECTED', toStatusReference: '6', conditions: { operation: 'ALL', conditions: [
        { ruleKey: 'system:restrict-from-all-users', parameters: { restrictMode: 'users' } }], conditionGroups: [] } },
    ],
  }];
  const workflowSchemes = [{ id: 10100, name: 'Software workflow scheme', defaultWorkflow: 'Software workflow', issueTypeMappings: {} }];

  return {
    site: 'https://steward-demo.atlassian.net',
    permissions: { project: PROJECT_PERMISSIONS, global: GLOBAL_PERMISSIONS },
    users, groups, roles: ROLES, schemes, projects, appRoles, globalGrants, securitySchemes, securityProjects,
    workflows, workflowSchemes, audit: [],
  };
}

// ---- Jira's rules, independently of the engine ----------------------------------------------

export function inGroup(user, groupId) {
  return (user.groups ?? []).includes(groupId);
}

function hasProduct(world, user, key) {
  const role = world.appRoles.find((r) => r.key === key);
  return Boolean(role && role.groups.some((g) => inGroup(user, g)));
}

export function holdsGlobal(world, user, key) {
  return Boolean(user?.active) && (world.globalGrants[key] ?? []).some((g) => inGroup(user, g));
}

// Lookups the rules make millions of times on a large world, cached on the arrays they index
// (writes replace `scheme.grants` rather than editing it, so a cache never goes stale).
const schemeIndex = new WeakMap();
const grantIndex = new WeakMap();
function schemeOf(world, id) {
  let byId = schemeIndex.get(world.schemes);
  if (!byId) schemeIndex.set(world.schemes, (byId = new Map(world.schemes.map((s) => [s.id, s]))));
  return byId.get(id);
}
function grantsFor(scheme, permission) {
  let byPermission = grantIndex.get(scheme.grants);
  if (!byPermission) {
    byPermission = new Map();
    for (const [, granted, holder] of scheme.grants) {
      if (!byPermission.has(granted)) byPermission.set(granted, []);
      byPermission.get(granted).push(holder);
    }
    grantIndex.set(scheme.grants, byPermission);
  }
  return byPermission.get(permission) ?? [];
}

// Whether `user` holds `permission` in `project` without depending on an issue. Global ADMINISTER
// is not a path to ADMINISTER_PROJECTS: Jira's REST docs name the two rights apart ("Administer Jira
// global permission or Administer projects project permission"), and its permission check answers so.
export function holdsProject(world, user, project, permission) {
  if (!user?.active || !project) return false;
  const scheme = schemeOf(world, project.scheme);
  if (!scheme) return false;
  for (const holder of grantsFor(scheme, permission)) {
    switch (holder.type) {
      case 'anyone': return true;
      case 'applicationRole':
        if (!holder.parameter || hasProduct(world, user, holder.parameter)) return true;
        break;
      case 'group': if (inGroup(user, holder.value)) return true; break;
      case 'user': if (holder.value === user.accountId) return true; break;
      case 'projectLead': if (project.lead === user.accountId) return true; break;
      case 'projectRole':
        if ((project.actors[holder.value] ?? []).some((a) => a.user === user.accountId || (a.group && inGroup(user, a.group)))) return true;
        break;
      default: break; // reporter, assignee, custom fields, portal: depend on the issue
    }
  }
  return false;
}
