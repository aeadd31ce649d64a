// Applying a review decision the admin has seen (its proposal, computed by a job, jobs.js): the
// Jira changes through writes.js as the admin (`api.asUser()`: Jira enforces their rights), then
// the registry entry. Order and undo keep the registry consistent with Jira:
// - the proposal is claimed first (a versioned write), so it is applied at most once;
// - the entry must still be the version the proposal was computed from, else nothing is done;
// - when Jira refuses a change, the changes already made are undone (their inverses, recorded
//   too) and no decision is recorded: the registry says what it said before;
// - only when every change took effect is the entry written, with the comment as its reason.
import { applyMemberships } from '../writes.js';
import { GovernanceError } from '../settings.js';
import { JOBS, REGISTRY } from './jobs.js';

const INVERSE = { addRoleActor: 'removeRoleActor', removeRoleActor: 'addRoleActor', addGroupMember: 'removeGroupMember', removeGroupMember: 'addGroupMember' };
export const inverse = (change) => ({ ...change, op: INVERSE[change.op] });
const iso = () => new Date().toISOString();

// `readAnswer(ref)`: a job's answer stored as a blob (a suspension of a bot in every project of a
// large site), read back.
export async function applyDecision({ store, requester, caller, jobId, readAnswer, afterWrite = async () => {}, afterJira = async () => {} }) {
  const job = await store.get(JOBS, jobId);
  if (!job || job.value.kind !== 'decision') throw new GovernanceError('unknown-job', `no review decision \`${jobId}\``);
  if (job.value.status !== 'done' || !(job.value.answer?.proposal || job.value.answer?.blob)) throw new GovernanceError('not-ready', 'the decision has not been prepared (or could not be): open it again');
  if (job.value.applied) throw new GovernanceError('already-applied', `this decision was already ${job.value.applied.status} on ${job.value.applied.at}`);
  const { proposal } = job.value.answer.blob ? await readAnswer(job.value.answer.blob) : job.value.answer;
  const { decision } = proposal;
  const mark = async (from, applied) => {
    const value = { ...from.value, applied: { ...applied, by: caller, at: iso() } };
    await store.put(JOBS, jobId, value, { expectedVersion: from.version, by: caller, at: iso(), action: `decision:${applied.status}` });
    return { version: from.version + 1, value };
  };
  // The claim: of two admins pressing Apply, one applies.
  let claimed;
  try {
    claimed = await mark(job, { status: 'applying' });
  } catch (error) {
    if (error.code === 'conflict') throw new GovernanceError('already-applied', 'this decision is being applied by someone else');
    throw error;
  }
  const current = await store.get(REGISTRY, decision.accountId);
  if (current?.version !== proposal.entryVersion) {
    await mark(claimed, { status: 'stale' });
    throw new GovernanceError('conflict', `the registry entry of \`${decision.accountId}\` changed since this decision was prepared (now version ${current?.version ?? 0}, prepared from ${proposal.entryVersion}); nothing was applied: prepare it again`, {
      yours: { basedOn: proposal.entryVersion, entry: proposal.after },
      stored: { version: current?.version ?? 0, entry: current?.value ?? null, at: current?.at ?? null, by: current?.by ?? null, why: current?.why ?? null },
    });
  }
  const why = `review ${decision.decision}${proposal.comment ? `: ${proposal.comment}` : ''}`;
  const undo = async (applied, reason) => {
    if (!applied.length) return { undone: [], failed: null };
    const back = applied.map(({ change }) => inverse(change)).reverse();
    const result = await applyMemberships({ requester, store, changes: back, as: 'user', by: caller, why: `undo (${reason}) of ${why}` });
    return { undone: result.applied.map((a) => a.change), failed: result.failed };
  };
  const writes = await applyMemberships({ requester, store, changes: proposal.jiraChanges, as: 'user', by: caller, why });
  if (writes.failed) {
    const undone = await undo(writes.applied, 'jira refused a change');
    await mark(claimed, { status: 'refused', failed: writes.failed, undone: undone.undone, undoFailed: undone.failed });
    if (writes.applied.length) await afterJira();
    const left = undone.failed ? `; undoing the ${writes.applied.length} change(s) already made failed too (${undone.failed.message}): see the account's write history` : writes.applied.length ? `; the ${writes.applied.length} change(s) already made were undone` : '';
    throw new GovernanceError('jira-refused', `Jira refused ${writes.failed.change.op} (${writes.failed.status || 'no answer'}): ${writes.failed.message}. No decision was recorded${left}.`, {
      failed: writes.failed, applied: writes.applied.map((a) => a.change), undone: undone.undone, undoFailed: undone.failed,
    });
  }
  try {
    const written = await store.put(REGISTRY, decision.accountId, proposal.after, {
      expectedVersion: proposal.entryVersion, by: caller, at: iso(), action: `review:${decision.decision}`, why,
    });
    await mark(claimed, { status: 'applied', version: written.version, changes: proposal.jiraChanges.length });
    await afterWrite(`review: ${decision.decision} ${decision.accountId}`);
    if (proposal.jiraChanges.length) await afterJira();
    return { applied: true, version: written.version, changes: writes.applied.map((a) => ({ ...a.change, status: a.status })), summary: proposal.summary };
  } catch (error) {
    // Someone changed the entry between the check and the write: put Jira back as it was.
    const undone = await undo(writes.applied, 'the registry entry changed meanwhile');
    await mark(claimed, { status: 'stale', undone: undone.undone, undoFailed: undone.failed });
    if (writes.applied.length) await afterJira();
    throw error.code === 'conflict'
      ? new GovernanceError('conflict', `the registry entry of \`${decision.accountId}\` changed while the decision was applied; Jira's changes were undone and nothing was recorded`)
      : error;
  }
}
