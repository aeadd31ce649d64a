// The scan's resolvers: starting one (the admin page's Rescan) and its status, which both pages
// show. Scans themselves run as queued jobs (src/forge/scans/).
import { answer, failure } from '../envelope.js';
import { authorize, forAdmins, projectKeyOf } from './auth.js';

// The scan handlers by name; `scans()` is the container's scan service.
export function scanResolvers(scans) {
  return {
    // Starts a scan unless one runs; either way answers its status.
    startScan: forAdmins(({ context }) => answer(() => scans().start(context.accountId))),

    // The scan in progress or the last one, and which data the pages show. Project admins see it
    // for their project's page (without who started it); the admin page needs ADMINISTER.
    scanStatus: async ({ context }) => {
      const key = projectKeyOf(context);
      if (context?.extension?.project !== undefined && !key) return failure('bad-context', 'the context project is not a jira project key');
      const denied = key ? await authorize(context, 'ADMINISTER_PROJECTS', key) : await authorize(context, 'ADMINISTER');
      if (denied) return denied;
      return answer(() => scans().status({ withTrigger: !key }));
    },
  };
}
