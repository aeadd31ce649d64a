// Resolvers: validate, authorize the caller through Jira as that user, call the core, return.
// Only accountId, license and installContext of the context are trustworthy (app-context-security);
// the project comes from the context's extension and is re-checked before any app-identity read.
import api from '@forge/api';
import { core } from './core.js';
import { jiraHost } from './jira-host.js';
import { registryStore } from './registry.js';

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;

export function failure(code, message) {
  return { type: 'failure', errors: [{ code, message }], warnings: [] };
}

// Returns a failure envelope when the caller lacks `permission`, or null when allowed.
async function authorize(context, permission, projectKey) {
  if (!context?.accountId) return failure('unauthenticated', 'the caller has no account');
  const answer = await core().checkPermission(jiraHost(api.asUser()), permission, projectKey);
  if (answer.type !== 'success') return answer;
  if (!answer.result.granted) {
    const where = projectKey ? ` in project \`${projectKey}\`` : '';
    return failure('forbidden', `the caller does not hold \`${permission}\`${where}`);
  }
  return null;
}

export function projectKeyOf(context) {
  const key = context?.extension?.project?.key;
  return typeof key === 'string' && PROJECT_KEY.test(key) ? key : null;
}

// Scans Jira as the app and analyses the result. `project` narrows both to one project.
async function inventory(project) {
  const options = { collectedAt: new Date().toISOString(), ...(project ? { projects: [project] } : {}) };
  const scan = JSON.parse(await core().collectSnapshot(jiraHost(api.asApp()), JSON.stringify(options)));
  if (scan.type !== 'success') return scan;
  const { snapshot, ledger, complete } = scan.result;
  const analysis = core().analyze(JSON.stringify(snapshot), JSON.stringify({ skipTransitions: false, ...(project ? { project } : {}) }));
  if (analysis.type === 'failure') return analysis;
  return {
    type: 'success',
    result: { analysis, scan: { complete, calls: ledger.calls, points: ledger.points, gaps: snapshot.meta.gaps, collectedAt: snapshot.meta.collectedAt } },
    warnings: analysis.warnings,
  };
}

export function defineResolvers(resolver) {
  resolver.define('inventory', async ({ context }) => {
    const denied = await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return inventory(null);
  });

  resolver.define('projectBots', async ({ context }) => {
    const key = projectKeyOf(context);
    if (!key) return failure('bad-context', 'this page was not opened from a project');
    const denied = await authorize(context, 'ADMINISTER_PROJECTS', key);
    if (denied) return denied;
    return inventory(key);
  });

  // The registry as stored (latest version of every entry), and one entry's history.
  resolver.define('registry', async ({ context }) => {
    const denied = await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return registryStore().list();
  });

  resolver.define('registryHistory', async ({ payload, context }) => {
    const denied = await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return registryStore().history(payload?.accountId);
  });

  resolver.define('adminOverview', async ({ context }) => {
    const denied = await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return core().adminOverview(jiraHost(api.asApp()));
  });

  resolver.define('projectOverview', async ({ context }) => {
    const key = projectKeyOf(context);
    if (!key) return failure('bad-context', 'this page was not opened from a project');
    const denied = await authorize(context, 'ADMINISTER_PROJECTS', key);
    if (denied) return denied;
    return core().projectOverview(jiraHost(api.asApp()), key);
  });
}
