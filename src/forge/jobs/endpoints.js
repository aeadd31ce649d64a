// The Jira endpoints the jobs and the writes call with paths built at run time, listed for the
// offline permission lint (tools/validate-manifest.mjs), which reads only `route` literals.
export const JOB_ENDPOINTS = [
  { method: 'GET', path: '/rest/api/3/user/bulk' },
  { method: 'GET', path: '/rest/api/3/user' },
  { method: 'GET', path: '/rest/api/3/role' },
  { method: 'GET', path: '/rest/api/3/project/search' },
  { method: 'GET', path: '/rest/api/3/project/{projectIdOrKey}/role/{id}' },
  { method: 'POST', path: '/rest/api/3/project/{projectIdOrKey}/role/{id}' },
  { method: 'DELETE', path: '/rest/api/3/project/{projectIdOrKey}/role/{id}' },
  { method: 'POST', path: '/rest/api/3/group/user' },
  { method: 'DELETE', path: '/rest/api/3/group/user' },
  { method: 'POST', path: '/rest/api/3/issue/{issueIdOrKey}/comment' },
];
