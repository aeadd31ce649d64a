// The demo company's bot registry and governance settings: with the world's bots (sim/world.mjs),
// they make every rule of the findings catalogue fire at least once. The local host stores them
// as the first version of each registry record when it starts against the simulator.
export const DEMO_NOW = '2026-11-23';

export function demoSettings() {
  // The free plan (5 service accounts) is what every organisation starts with: the demo is over it.
  return { plan: 'free', review: { remindDaysBefore: [14, 3], graceDays: 14, whenNobodyAnswers: 'suspend', admins: [] } };
}

export function demoRegistry(world) {
  const byName = (name) => world.users.find((u) => u.displayName === name);
  const ada = byName('Ada Admin').accountId;
  const pat = byName('Pat Projectlead').accountId;
  const leaver = world.users.find((u) => u.accountType === 'atlassian' && !u.active && !u.email).accountId;
  const bot = (name) => byName(name).accountId;
  const entry = (name, fields) => ({
    accountId: bot(name), owner: ada, backupOwner: pat, requester: pat, approver: ada, cadence: 'quarterly',
    lastReview: '2026-10-01', status: 'active', ...fields,
  });
  const accounts = [
    entry('ci-deploy-bot', {
      purpose: 'deploys releases and comments build links', tool: 'GitHub Actions', credentialLocation: 'vault:ci/jira-deploy',
      requestIssue: 'OPS-101',
      need: { projects: ['APP', 'WEB', 'OPS', 'API', 'INF'], permissions: ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'EDIT_ISSUES', 'TRANSITION_ISSUES', 'ADD_COMMENTS', 'LINK_ISSUES', 'CREATE_ATTACHMENTS', 'RESOLVE_ISSUES', 'ASSIGNABLE_USER'] },
    }),
    entry('payments-sync-bot', {
      owner: pat, backupOwner: ada, purpose: 'syncs payment disputes from the PSP', tool: 'psp-sync', requestIssue: 'PAY-7',
      need: { projects: ['PAY'], permissions: ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'EDIT_ISSUES'] },
    }),
    entry('helpdesk-bot', { owner: leaver, backupOwner: undefined, purpose: 'answers HR and IT tickets', tool: 'helpdesk+', requestIssue: 'IT-12' }),
    entry('release-notes-bot', { backupOwner: undefined, lastReview: '2026-01-15', purpose: 'writes release notes', tool: 'notes-gen' }),
    entry('statuspage-bot', { lastReview: undefined, purpose: 'mirrors incidents to the status page', tool: 'Statuspage' }),
    entry('legal-hold-bot', { status: 'suspended', purpose: 'legal hold exports', tool: 'eDiscovery' }),
    entry('svc-jenkins', { purpose: 'Jenkins builds (on a person\'s licence until migrated)', tool: 'Jenkins' }),
    { accountId: '712020:9999-retired-jenkins', owner: ada, backupOwner: pat, lastReview: '2026-10-01', purpose: 'old Jenkins account' },
  ];
  // JSON drops the `undefined` fields, as the registry's strict reader expects.
  return JSON.parse(JSON.stringify({ registryVersion: 1, accounts }));
}
