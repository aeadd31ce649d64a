// The admin page's resolvers of the app's own work (Jira admins only): the inbox of what the jobs
// did and what an admin must decide, its counts for the overview, the caller's due reviews, the
// jobs that failed after their last try (with a retry), running a schedule now, and restoring a
// suspended bot. Every answer reads stored records; the work itself runs as queued jobs
// (src/forge/jobs/).
import api from '@forge/api';
import { Queue } from '@forge/events';
import { sql } from '@forge/sql';
import { createBlobStore } from '../blobs.js';
import { answer, failure } from '../envelope.js';
import { createWork, WORK_QUEUE } from '../jobs/index.js';
import { createScans } from '../scans/index.js';
import { createStore } from '../storage.js';
import { forAdmins } from './auth.js';

const ACCOUNT = /^[A-Za-z0-9:._-]{1,128}$/;
const NOTICE = /^[A-Za-z0-9:._-]{1,255}$/;
// Notices one `inbox` answer holds: the newest open ones first.
export const INBOX_PAGE = 200;

let service = null;
let scanService = null;
// The container's work service (the trigger, the schedules and the consumer use it too).
export function work(scans = () => (scanService ??= createScans())) {
  service ??= createWork({ store: createStore(sql), blobs: createBlobStore(sql), queue: new Queue({ key: WORK_QUEUE }), requester: api.asApp(), scans });
  return service;
}

// A payload that is an object with only `allowed` fields, each passing its check; else a failure.
function checked(payload, fields) {
  if (payload !== undefined && payload !== null && (typeof payload !== 'object' || Array.isArray(payload))) return failure('bad-input', 'the payload must be an object');
  const given = payload ?? {};
  const extra = Object.keys(given).filter((k) => !(k in fields));
  if (extra.length) return failure('bad-input', `the payload has unknown field \`${String(extra[0]).slice(0, 40)}\`; allowed: ${Object.keys(fields).join(', ') || 'none'}`);
  for (const [name, [test, what]] of Object.entries(fields)) {
    if (!test(given[name])) return failure('bad-input', `\`${name}\` must be ${what}`);
  }
  return null;
}

export function jobsResolvers(scans) {
  const jobs = () => work(scans);
  return {
    // Every notice (open first, newest first), a page of INBOX_PAGE, with the counts.
    inbox: forAdmins(({ payload }) => checked(payload, {}) ?? answer(async () => {
      const notices = await jobs().inbox.list();
      return { total: notices.length, notices: notices.slice(0, INBOX_PAGE), counts: await jobs().inbox.counts(), deadLetters: (await jobs().runs.deadLetters()).length };
    })),
    // What the overview shows: open notices, those an admin must decide, failed jobs.
    inboxCounts: forAdmins(({ payload }) => checked(payload, {}) ?? answer(async () => ({ ...(await jobs().inbox.counts()), deadLetters: (await jobs().runs.deadLetters()).length }))),
    // Marks a notice handled; `version` is the one the page showed (a stale one is a conflict).
    inboxHandle: forAdmins(({ payload, context }) => checked(payload, {
      id: [(v) => typeof v === 'string' && NOTICE.test(v), 'a notice id'],
      version: [(v) => Number.isInteger(v) && v >= 1, 'the notice version shown'],
    }) ?? answer(async () => {
      const handled = await jobs().inbox.handle(payload.id, payload.version, context.accountId);
      if (!handled) throw Object.assign(new Error(`no notice \`${payload.id}\``), { code: 'unknown-notice' });
      return handled;
    })),
    // The reviews the caller must answer, from the last daily run.
    myReviews: forAdmins(({ payload, context }) => checked(payload, {}) ?? answer(() => jobs().reviewsOf(context.accountId))),
    // Jobs that failed after their last try, with their error.
    deadLetters: forAdmins(({ payload }) => checked(payload, {}) ?? answer(() => jobs().runs.deadLetters())),
    retryJob: forAdmins(({ payload, context }) => checked(payload, {
      key: [(v) => typeof v === 'string' && v.length > 0 && v.length <= 255, 'the key of a failed job'],
    }) ?? answer(async () => {
      const queued = await jobs().retry(payload.key, context.accountId);
      if (!queued) throw Object.assign(new Error(`no failed job \`${payload.key}\` waits for a retry`), { code: 'unknown-job' });
      return queued;
    })),
    // Runs a schedule now (a duplicate of today's or this hour's run does nothing).
    runSchedule: forAdmins(({ payload }) => checked(payload, {
      schedule: [(v) => v === 'daily' || v === 'hourly', '"daily" or "hourly"'],
    }) ?? answer(() => jobs().schedule(payload.schedule))),
    // Puts back exactly what the bot's suspension removed, through Jira as the admin.
    restoreBot: forAdmins(({ payload, context }) => checked(payload, {
      accountId: [(v) => typeof v === 'string' && ACCOUNT.test(v), 'an account id'],
    }) ?? answer(() => jobs().restore(payload.accountId, api.asUser(), context.accountId))),
  };
}
