// The project settings page's resolvers (the project's admins and Jira admins): the project's bots
// from the latest stored snapshot, and its permission scheme read live from Jira.
import api from '@forge/api';
import { core } from '../core.js';
import { answer, noSnapshot, success } from '../envelope.js';
import { jiraHost } from '../jira-host.js';
import { forProjectAdmins } from './auth.js';

// The project page's bots: the latest stored snapshot (scans run as queued jobs,
// src/forge/scans/: a scan does not fit in a resolver's 25 s on a large site) analysed for one
// project — every bot, one project, which stays small on any site. The snapshot is decoded from
// its stored chunks keeping only what this project's answer reads (the permission-check answers
// of other projects are most of a large site's model), and the answer is kept per container.
async function projectInventory(scans, project) {
  const read = await answer(() => scans.latestProject(project));
  if (read.type !== 'success') return read;
  const latest = read.result;
  if (!latest) return noSnapshot();
  const { analysis } = latest;
  if (analysis.type === 'failure') return analysis;
  return success({ analysis, scan: latest.data }, analysis.warnings);
}

// The project page's handlers by name; `scans()` is the container's scan service.
export function projectResolvers(scans) {
  return {
    projectBots: forProjectAdmins((key) => projectInventory(scans(), key)),
    projectOverview: forProjectAdmins((key) => core().projectOverview(jiraHost(api.asApp()), key)),
  };
}
