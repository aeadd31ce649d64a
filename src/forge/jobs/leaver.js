// Executes the core's leaver plan for one person who left (core `leaver`, src/governance/leaver.rs):
// per bot they owned — hand over to the backup owner and open a review now; with nobody left,
// open a review for the admins and suspend the bot (effects.js); when they were the backup, ask the
// owner for a new one. Every step is reported in the inbox once, and noted on the bot's request
// issue when it has one. Running the plan again finds each bot past the step (the registry says
// so) and does nothing.
import { today } from './effects.js';

const LEAVER = 'steward-leaver-flow';

export function createLeaver({ effects, inbox, jira, store, log }) {
  // One note per (leaver, bot) on the request issue, recorded so a rerun does not repeat it.
  async function comment(entry, id, paragraphs) {
    if (!entry?.requestIssue) return;
    if (await store.get('comments', id)) return;
    const status = await jira.comment(entry.requestIssue, paragraphs);
    if (status < 200 || status >= 300) {
      log(`steward: could not comment on ${entry.requestIssue} (jira answered ${status}); the inbox has the notice`);
      return;
    }
    try {
      await store.put('comments', id, { issue: entry.requestIssue, paragraphs }, { expectedVersion: 0, by: LEAVER, at: new Date().toISOString(), action: 'comment' });
    } catch (error) {
      if (error.code !== 'conflict') throw error;
    }
  }

  async function executeBot(plan, bot, nameOf) {
    const person = plan.accountId;
    const who = nameOf(person);
    const botName = bot.displayName || bot.accountId;
    const base = `leaver:${person}:${bot.accountId}`;
    const reason = `${who} left (${plan.state} in Jira)`;
    const done = [];
    const handOver = bot.actions.find((a) => a.action === 'handOver');
    const review = bot.actions.find((a) => a.action === 'openReview');
    const suspend = bot.actions.find((a) => a.action === 'suspend');
    const findNewBackup = bot.actions.find((a) => a.action === 'findNewBackup');
    const reviewers = review ? review.reviewer.accountIds.map(nameOf).join(', ') || 'the Jira admins' : null;

    if (handOver) {
      await effects.updateEntry(bot.accountId, (entry) => (entry.owner !== handOver.from ? null : { ...entry, owner: handOver.to, backupOwner: undefined, nextDue: today() }),
        'leaver:hand-over', `${reason}; the backup owner takes over`);
      done.push(`handed over to ${nameOf(handOver.to)}, its backup owner`);
      await inbox.notify({ id: `${base}:handOver`, kind: 'handOver', botId: bot.accountId, botName, person, message: `${botName} was handed from ${who} to ${nameOf(handOver.to)}, its backup owner, because ${reason}.`, decide: `${nameOf(handOver.to)} should name a new backup owner for ${botName}.` });
    }
    if (suspend) {
      const decisionId = base;
      const removed = await effects.suspend({
        accountId: bot.accountId, decisionId, removes: suspend.removes, why: `${reason}; nobody responsible is left`,
        entryAfter: (entry, list) => ({ ...entry, status: 'suspended', nextDue: today(), suspension: { at: today(), by: LEAVER, decisionId, removed: list } }),
      });
      done.push(`suspended: removed from ${removed.length} role(s) and group(s), recorded for restore`);
      await inbox.notify({ id: `${base}:suspended`, kind: 'suspended', botId: bot.accountId, botName, person, removed, message: `${botName} was suspended because ${reason} and it has no active backup owner: it was removed from ${removed.length} project role(s) and group(s), recorded so a restore puts exactly them back.`, decide: `Name a new owner for ${botName} and restore it, or retire it.` });
    } else if (review && !handOver) {
      // A review already due (opened by an earlier run, or simply due) stays as it is.
      await effects.updateEntry(bot.accountId, (entry) => (entry.nextDue && entry.nextDue <= today() ? null : { ...entry, nextDue: today() }), 'leaver:open-review', reason);
    }
    if (review) {
      done.push(`a review is open now, for ${reviewers}`);
      await inbox.notify({ id: `${base}:review`, kind: 'reviewOpened', botId: bot.accountId, botName, person, reviewers: review.reviewer.accountIds, message: `A review of ${botName} is due today, for ${reviewers}, because ${reason}.`, decide: `Keep, reduce, suspend or retire ${botName}.` });
    }
    if (findNewBackup) {
      done.push(`its owner ${nameOf(findNewBackup.ask)} is asked to name a new backup owner`);
      await inbox.notify({ id: `${base}:findNewBackup`, kind: 'findNewBackup', botId: bot.accountId, botName, person, message: `${who}, the backup owner of ${botName}, left (${plan.state} in Jira).`, decide: `${nameOf(findNewBackup.ask) || 'The owner'} should name a new backup owner for ${botName}.` });
    }
    const entry = (await store.get('registry', bot.accountId))?.value;
    await comment(entry, base, [`Steward: ${who}, ${bot.leaverWas === 'owner' ? 'the owner' : 'the backup owner'} of this service account (${botName}), left: their Jira account is ${plan.state}.`, `What Steward did: ${done.join('; ')}.`, 'Why: every bot has a person responsible for it; when they leave, the bot is handed to its backup owner, or suspended until someone takes responsibility.']);
    return { bot: bot.accountId, did: done };
  }

  // `plan`: the core's leaver plan (its `result`); `nameOf(accountId)` a display name.
  return async function execute(plan, nameOf) {
    const results = [];
    for (const bot of plan.bots) results.push(await executeBot(plan, bot, nameOf));
    return results;
  };
}
