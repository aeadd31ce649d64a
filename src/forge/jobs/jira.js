// What the jobs read from Jira live, as the app (a stored scan may be hours old): people's `active`
// flag in bulk, a bot's groups and a role's actors right before a membership is removed, and the
// comment the leaver flow leaves on a bot's request issue. Shapes per Jira's OpenAPI spec:
// GET /user/bulk → PageBeanUser, GET /user?expand=groups → User.groups (SimpleListWrapperGroupName),
// GET /project/{key}/role/{id} → ProjectRole.actors[].actorUser.accountId,
// POST /issue/{key}/comment with Comment.body in Atlassian Document Format.
import { jiraHost } from '../jira-host.js';

// Account ids per `GET /user/bulk` call: well under URL limits, one page of answers.
export const BULK = 50;
const TIMEOUT_MS = 20_000;

export class JiraError extends Error {
  constructor(status, message) {
    super(message);
    this.code = 'jira';
    this.status = status;
  }
}

const q = encodeURIComponent;

export function createJira(requester) {
  const host = jiraHost(requester);
  const calls = { count: 0 };

  async function get(path) {
    calls.count += 1;
    const answer = await host.request('GET', path, null, TIMEOUT_MS);
    if (answer.status === 404) return null;
    if (answer.status < 200 || answer.status >= 300) throw new JiraError(answer.status, `jira answered ${answer.status} to GET ${path.split('?')[0]}`);
    return JSON.parse(answer.body);
  }

  // Users by account id, read in bulk (GET /user/bulk, BULK ids a call).
  async function users(accountIds) {
    const ids = [...new Set(accountIds)].filter(Boolean).sort();
    const found = new Map();
    for (let from = 0; from < ids.length; from += BULK) {
      const batch = ids.slice(from, from + BULK);
      let startAt = 0;
      for (;;) {
        const page = await get(`/rest/api/3/user/bulk?${batch.map((id) => `accountId=${q(id)}`).join('&')}&startAt=${startAt}&maxResults=${BULK}`);
        const values = Array.isArray(page?.values) ? page.values : [];
        for (const user of values) {
          if (typeof user?.accountId === 'string') found.set(user.accountId, user);
        }
        if (page?.isLast !== false || values.length === 0) break;
        startAt += values.length;
      }
    }
    return found;
  }

  return {
    calls,
    // `{accountId → active}` for every id Jira knows; an id it does not return was deleted.
    async activity(accountIds) {
      return new Map([...(await users(accountIds))].map(([id, user]) => [id, user.active !== false]));
    },

    // `{accountId → display name}` for every id Jira knows.
    async names(accountIds) {
      return new Map([...(await users(accountIds))].map(([id, user]) => [id, typeof user.displayName === 'string' ? user.displayName : id]));
    },


    // The group ids the account is in now, or null when Jira does not know it.
    async groupsOf(accountId) {
      const user = await get(`/rest/api/3/user?accountId=${q(accountId)}&expand=groups`);
      if (!user) return null;
      return (user.groups?.items ?? []).map((g) => g.groupId).filter((id) => typeof id === 'string').sort();
    },

    // The account ids that are actors of the role in the project now (empty when it is gone).
    async roleUsers(project, roleId) {
      const role = await get(`/rest/api/3/project/${q(project)}/role/${q(roleId)}`);
      return new Set((role?.actors ?? []).map((a) => a?.actorUser?.accountId).filter(Boolean));
    },

    // Every `project/role` whose actors list the account now, read live role by role; null when
    // that takes more than `limit` calls (projects × roles), so a large site falls back to the
    // stored scan's role actors.
    async rolesHeld(accountId, limit) {
      const roles = await get('/rest/api/3/role');
      const roleIds = (Array.isArray(roles) ? roles : []).map((r) => String(r.id)).filter((id) => /^\d+$/.test(id));
      const projects = [];
      for (let startAt = 0; ;) {
        const page = await get(`/rest/api/3/project/search?startAt=${startAt}&maxResults=100`);
        const values = Array.isArray(page?.values) ? page.values : [];
        projects.push(...values.map((p) => p.key).filter((k) => typeof k === 'string'));
        if (projects.length * roleIds.length > limit) return null;
        if (page?.isLast !== false || values.length === 0) break;
        startAt += values.length;
      }
      const held = [];
      for (const project of projects) {
        for (const roleId of roleIds) {
          const role = await get(`/rest/api/3/project/${q(project)}/role/${q(roleId)}`);
          if ((role?.actors ?? []).some((a) => a?.actorUser?.accountId === accountId)) held.push({ project, roleId });
        }
      }
      return held;
    },

    // Adds a comment (paragraphs of plain text) to an issue; answers Jira's status.
    async comment(issueKey, paragraphs) {
      calls.count += 1;
      const body = {
        body: {
          type: 'doc',
          version: 1,
          content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })),
        },
      };
      const answer = await host.request('POST', `/rest/api/3/issue/${q(issueKey)}/comment`, JSON.stringify(body), TIMEOUT_MS);
      return answer.status;
    },
  };
}
