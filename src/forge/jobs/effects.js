// The changes the jobs make, each safe to run again: a registry entry changed only if it is still
// in the state the change starts from (versioned, storage.js); a suspension that fixes the list of
// memberships it removes before it removes any (collection `suspensions`), so a job that dies
// halfway removes the rest when it is retried and records exactly the same list; a restore that
// puts back what that list says. Jira is checked live before each membership change: the stored
// scan may be hours old.
import { applyMemberships } from '../writes.js';

export const SUSPENSIONS = 'suspensions';
// Role reads (projects × roles) a suspension may make to find every role the bot is in, beyond
// those the stored scan read (its lean plan reads a role's actors only where they explain access).
const ROLE_READS = () => {
  const value = Number(process.env.STEWARD_SUSPEND_ROLE_READS ?? 2000);
  return Number.isInteger(value) && value >= 0 ? value : 2000;
};
export const REGISTRY = 'registry';

export class JobError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const inverse = (m) => {
  const op = { removeRoleActor: 'addRoleActor', addRoleActor: 'removeRoleActor', removeGroupMember: 'addGroupMember', addGroupMember: 'removeGroupMember' }[m.op];
  return { ...m, op };
};
const sameMembership = (a, b) => a.op === b.op && a.accountId === b.accountId && a.project === b.project && a.roleId === b.roleId && a.groupId === b.groupId;
const sortKey = (m) => `${m.op}\u0000${m.project ?? ''}\u0000${m.roleId ?? ''}\u0000${m.groupId ?? ''}`;
export const today = () => new Date().toISOString().slice(0, 10);

// `jira` is jira.js's live reader; `requester` the @forge/api requester the writes go through
// (`api.asApp()` in jobs, `api.asUser()` for a restore an admin asks for); `as` names which.
export function createEffects({ store, jira, requester, as, by }) {
  // Changes the registry entry of `accountId` with `change(entry) → entry | null` (null: nothing
  // to do, the entry is past that state); retries on a conflict with a fresh read.
  async function updateEntry(accountId, change, action, why) {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const record = await store.get(REGISTRY, accountId);
      if (!record) return null;
      const next = change(record.value);
      if (!next) return null;
      try {
        await store.put(REGISTRY, accountId, JSON.parse(JSON.stringify(next)), { expectedVersion: record.version, by, at: new Date().toISOString(), action, why });
        return next;
      } catch (error) {
        if (error.code !== 'conflict') throw error;
      }
    }
    throw new JobError('conflict', `the registry entry of \`${accountId}\` kept changing`);
  }

  // Whether the bot holds the membership now, per Jira. Role actors are read once per role.
  const roleCache = new Map();
  async function holds(membership, groups) {
    if (membership.op === 'removeGroupMember' || membership.op === 'addGroupMember') return groups.includes(membership.groupId);
    const key = `${membership.project}/${membership.roleId}`;
    if (!roleCache.has(key)) roleCache.set(key, await jira.roleUsers(membership.project, membership.roleId));
    return roleCache.get(key).has(membership.accountId);
  }

  // Applies `changes` that Jira does not reflect yet (a removal of something held, an addition of
  // something not held); throws on the first Jira refuses, so Forge retries the job.
  async function applyMissing(accountId, changes, why) {
    let groups = await jira.groupsOf(accountId);
    if (!groups) throw new JobError('unknown-account', `jira does not know account \`${accountId}\``);
    const applied = [];
    for (const change of changes) {
      const held = await holds(change, groups);
      const wanted = change.op.startsWith('add') ? !held : held;
      if (!wanted) continue;
      const { failed } = await applyMemberships({ requester, store, changes: [change], as, by, why });
      if (failed) throw new JobError('jira-write', `jira refused ${change.op} for \`${accountId}\`: ${failed.message}`);
      applied.push(change);
      roleCache.delete(`${change.project}/${change.roleId}`);
      if (change.groupId) groups = change.op === 'addGroupMember' ? [...groups, change.groupId] : groups.filter((g) => g !== change.groupId);
    }
    return applied;
  }

  // Suspends the bot `accountId` for `decisionId`: removes every role and group it holds (the
  // plan's `removes` that Jira confirms, and every group Jira lists now) and writes
  // `entryAfter(entry, removed)` to the registry. Refuses an account the registry does not hold
  // as a bot, or one that is responsible for a bot (a person). Answers the removed list.
  async function suspend({ accountId, decisionId, removes, entryAfter, why }) {
    const registry = await store.list(REGISTRY);
    const entry = registry.find((r) => r.id === accountId)?.value;
    if (!entry) throw new JobError('not-a-bot', `\`${accountId}\` is not in the registry: only a registered bot is ever suspended`);
    if (registry.some((r) => r.value.owner === accountId || r.value.backupOwner === accountId)) {
      throw new JobError('not-a-bot', `\`${accountId}\` is responsible for a bot, so it is a person: it is not suspended`);
    }
    let progress = await store.get(SUSPENSIONS, decisionId);
    if (!progress) {
      const groups = await jira.groupsOf(accountId) ?? [];
      const fixed = [];
      const live = await jira.rolesHeld(accountId, ROLE_READS());
      if (live) {
        for (const { project, roleId } of live) fixed.push({ op: 'removeRoleActor', project, roleId, accountId });
      } else {
        for (const m of removes) if (m.op === 'removeRoleActor' && await holds(m, groups)) fixed.push(m);
      }
      for (const groupId of groups) fixed.push({ op: 'removeGroupMember', groupId, accountId });
      fixed.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
      const value = { accountId, decisionId, removes: fixed, state: 'removing', at: new Date().toISOString() };
      try {
        await store.put(SUSPENSIONS, decisionId, value, { expectedVersion: 0, by, at: value.at, action: 'suspension:plan', why });
      } catch (error) {
        if (error.code !== 'conflict') throw error;
      }
      progress = await store.get(SUSPENSIONS, decisionId);
    }
    const removed = progress.value.removes;
    if (progress.value.state !== 'done') {
      await applyMissing(accountId, removed, why);
      await updateEntry(accountId, (current) => (current.suspension?.decisionId === decisionId ? null : entryAfter(current, removed)), 'suspend', why);
      try {
        await store.put(SUSPENSIONS, decisionId, { ...progress.value, state: 'done' }, { expectedVersion: progress.version, by, at: new Date().toISOString(), action: 'suspension:done', why });
      } catch (error) {
        if (error.code !== 'conflict') throw error;
      }
    }
    return removed;
  }

  // Puts back exactly what the bot's current suspension removed and marks it active again.
  async function restore(accountId, why) {
    const record = await store.get(REGISTRY, accountId);
    const suspension = record?.value.suspension;
    if (record?.value.status !== 'suspended' || !suspension) throw new JobError('not-suspended', `\`${accountId}\` is not suspended, so there is nothing to restore`);
    const changes = suspension.removed.map(inverse);
    const applied = await applyMissing(accountId, changes, why);
    await updateEntry(accountId, (current) => {
      if (current.suspension?.decisionId !== suspension.decisionId) return null;
      const { suspension: _gone, ...rest } = current;
      return { ...rest, status: 'active', lastDecision: { id: `restore:${suspension.decisionId}`, decision: 'restore', at: today(), by } };
    }, 'restore', why);
    return { restored: changes, applied: applied.length, decisionId: suspension.decisionId };
  }

  return { updateEntry, suspend, restore, applyMissing, sameMembership };
}
