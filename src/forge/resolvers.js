// Resolvers: validate, authorize the caller through Jira as that user, call the core, return.
// Only accountId, license and installContext of the context are trustworthy (app-context-security);
// the project comes from the context's extension and is re-checked before any app-identity read.
import api from '@forge/api';
import { core } from './core.js';
import { jiraHost } from './jira-host.js';
import { registryStore } from './registry.js';
import { createScans } from './scans.js';

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

// Runs a storage-backed step and answers the usual envelope; storage and scan errors become failures.
async function answer(run) {
  try {
    return { type: 'success', result: await run(), warnings: [] };
  } catch (error) {
    return failure(error.code ?? 'storage', error.message ?? String(error));
  }
}

// Analyses the latest stored snapshot (scans run as queued jobs, src/forge/scans.js: a scan does
// not fit in a resolver's 25 s on a large site). `project` narrows the analysis to one project.
async function inventory(project) {
  const read = await answer(() => scans().latest());
  if (read.type !== 'success') return read;
  const latest = read.result;
  if (!latest) {
    return failure('no-snapshot', 'no scan has finished yet: a Jira admin starts one on Apps → Service Accounts');
  }
  const analysis = core().analyze(latest.text, JSON.stringify({ skipTransitions: false, ...(project ? { project } : {}) }));
  if (analysis.type === 'failure') return analysis;
  return {
    type: 'success',
    result: { analysis, scan: latest.data },
    warnings: analysis.warnings,
  };
}

let scanService = null;
const scans = () => (scanService ??= createScans());

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

  // Starts a scan (queued jobs, see scans.js) unless one runs; either way answers its status.
  resolver.define('startScan', async ({ context }) => {
    const denied = await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return answer(() => scans().start(context.accountId));
  });

  // The scan in progress or the last one, and which data the pages show. Project admins see it
  // for their project's page (without who started it); the admin page needs ADMINISTER.
  resolver.define('scanStatus', async ({ context }) => {
    const key = projectKeyOf(context);
    if (context?.extension?.project !== undefined && !key) return failure('bad-context', 'the context project is not a jira project key');
    const denied = key ? await authorize(context, 'ADMINISTER_PROJECTS', key) : await authorize(context, 'ADMINISTER');
    if (denied) return denied;
    return answer(() => scans().status({ withTrigger: !key }));
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
