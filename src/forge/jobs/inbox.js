// The admin page's inbox (collection `inbox`): what the jobs did, to which bot, for whom, and what
// an admin must decide. A notice's id is derived from what it reports (the leaver and the bot, the
// review and its due date), and a notice is only ever created once, so a job run twice, or rerun
// after it died, reports nothing twice. An admin marks a notice handled; the versions keep who.

export const INBOX = 'inbox';
const WRITER = 'steward-jobs';
const NOTICE_ID = /^[A-Za-z0-9:._-]{1,255}$/;

// Kinds of notice, and whether an admin must act on one.
export const KINDS = {
  handOver: 'a bot was handed to its backup owner',
  reviewOpened: 'a review was opened now',
  suspended: 'a bot was suspended',
  findNewBackup: 'a bot needs a new backup owner',
  reminder: 'a review is coming up',
  due: 'a review is due',
  graceExpired: 'a review was not answered in time',
  defaultApplied: 'the default for an unanswered review was applied',
  deadLetter: 'a job failed after its last try',
  restored: 'a suspended bot was restored',
};

export function createInbox({ store }) {
  return {
    // Creates the notice unless it exists; answers true when it was created now.
    async notify(notice) {
      if (!NOTICE_ID.test(notice.id)) throw new Error(`notice id \`${notice.id}\` is not a valid record id`);
      if (!KINDS[notice.kind]) throw new Error(`unknown notice kind \`${notice.kind}\``);
      if (await store.get(INBOX, notice.id)) return false;
      const value = { state: 'open', decide: null, person: null, ...notice, at: new Date().toISOString() };
      try {
        await store.put(INBOX, notice.id, value, { expectedVersion: 0, by: WRITER, at: value.at, action: `notice:${notice.kind}` });
        return true;
      } catch (error) {
        if (error.code === 'conflict') return false;
        throw error;
      }
    },

    // Every notice, open ones first, newest first within each.
    async list() {
      const notices = (await store.list(INBOX)).map(({ value, version, at, by }) => ({ ...value, version, handledBy: value.state === 'handled' ? by : null, changedAt: at }));
      return notices.sort((a, b) => (a.state === b.state ? 0 : a.state === 'open' ? -1 : 1) || b.at.localeCompare(a.at) || a.id.localeCompare(b.id));
    },

    // Counts the overview shows: open notices, those that ask an admin to decide, by kind.
    async counts() {
      const open = (await store.list(INBOX)).map((r) => r.value).filter((n) => n.state === 'open');
      const byKind = {};
      for (const n of open) byKind[n.kind] = (byKind[n.kind] ?? 0) + 1;
      return { open: open.length, toDecide: open.filter((n) => n.decide).length, byKind };
    },

    // Marks a notice handled by `by`; a stale version is a conflict.
    async handle(id, version, by) {
      const record = await store.get(INBOX, id);
      if (!record) return null;
      await store.put(INBOX, id, { ...record.value, state: 'handled' }, { expectedVersion: version, by, at: new Date().toISOString(), action: 'notice:handled' });
      return { id, version: version + 1 };
    },
  };
}
