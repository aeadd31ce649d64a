// Who may call a resolver, checked through Jira *as the caller*: `ADMINISTER` for the admin page;
// for a project's page `ADMINISTER_PROJECTS` on that project or `ADMINISTER`. Only accountId,
// license and installContext of the context are trustworthy (app-context-security); the project
// comes from the context's extension and is re-checked before any app-identity read.
import api from '@forge/api';
import { core } from '../core.js';
import { failure } from '../envelope.js';
import { jiraHost } from '../jira-host.js';

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;

// Returns a failure envelope when the caller lacks `permission`, or null when allowed.
export async function authorize(context, permission, projectKey) {
  if (!context?.accountId) return failure('unauthenticated', 'the caller has no account');
  const answer = await core().checkPermission(jiraHost(api.asUser()), permission, projectKey);
  if (answer.type !== 'success') return answer;
  if (answer.result.granted) return null;
  // A project's configuration is open to its admins and to Jira admins: Jira documents
  // "Administer Jira global permission or Administer projects project permission", two rights.
  if (projectKey && permission === 'ADMINISTER_PROJECTS') {
    const global = await core().checkPermission(jiraHost(api.asUser()), 'ADMINISTER');
    if (global.type !== 'success') return global;
    if (global.result.granted) return null;
    return failure('forbidden', `the caller holds neither \`ADMINISTER_PROJECTS\` in project \`${projectKey}\` nor \`ADMINISTER\``);
  }
  const where = projectKey ? ` in project \`${projectKey}\`` : '';
  return failure('forbidden', `the caller does not hold \`${permission}\`${where}`);
}

// The context's project key when it is a Jira project key, else null.
export function projectKeyOf(context) {
  const key = context?.extension?.project?.key;
  return typeof key === 'string' && PROJECT_KEY.test(key) ? key : null;
}

// A handler `run(request)` that only Jira admins reach.
export const forAdmins = (run) => async (request) => (await authorize(request.context, 'ADMINISTER')) ?? run(request);

// A handler `run(projectKey, request)` of a project's page, which only that project's admins and
// Jira admins reach.
export const forProjectAdmins = (run) => async (request) => {
  const key = projectKeyOf(request.context);
  if (!key) return failure('bad-context', 'this page was not opened from a project');
  return (await authorize(request.context, 'ADMINISTER_PROJECTS', key)) ?? run(key, request);
};
