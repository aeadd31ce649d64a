// The app's governance settings (the core's Settings, src/governance/settings.rs): the plan, the
// service-account role's name, broad groups, review defaults, shadow bots confirmed or dismissed,
// the licence cost. One versioned record, `settings/app` (storage.js): a save names the version it
// was based on, a stale one is refused with both versions, and every version stays in the history.
// An absent record means the core's defaults.
import { core } from './core.js';
import { StorageError } from './storage.js';

export const SETTINGS = 'settings';
export const SETTINGS_ID = 'app';
// What the core's defaults are, as the page shows them (src/governance/settings.rs Default).
export const DEFAULT_SETTINGS = Object.freeze({
  plan: 'free', quotaWarnAt: 0.8, serviceAccountRole: 'Service accounts', broadGroups: [], broadGroupShare: 0.5,
  review: { remindDaysBefore: [14, 3], graceDays: 14, whenNobodyAnswers: 'notify', admins: [] },
  shadowBots: { confirmed: [], dismissed: [] }, licenceCostPerMonth: null,
});
const MAX_SETTINGS_BYTES = 64 * 1024;

// An error a resolver answers as a failure; `details` go into the error object (field, the two
// versions of a conflict).
export class GovernanceError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

// The core parses settings without a snapshot (review events need none): a failure is a settings
// error. Each top-level field is checked alone too (every field is optional), so each problem is
// reported at its field, all at once.
export function settingsProblems(settings) {
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return [{ field: null, code: 'bad-settings', message: 'the settings must be an object' }];
  const text = JSON.stringify(settings);
  if (text.length > MAX_SETTINGS_BYTES) return [{ field: null, code: 'bad-settings', message: `the settings are larger than ${MAX_SETTINGS_BYTES} bytes` }];
  const check = (value) => core().reviewEvents('', JSON.stringify(value), '2000-01-01', '2000-01-01');
  if (check(settings).type === 'success') return [];
  const problems = [];
  for (const [field, value] of Object.entries(settings)) {
    const answer = check({ [field]: value });
    if (answer.type !== 'success') {
      const message = answer.errors[0].message.replace(/ at line \d+ column \d+$/, '');
      problems.push({ field, code: answer.errors[0].code, message: message.includes(`\`${field}\``) ? message : `\`${field}\`: ${message}` });
    }
  }
  return problems.length ? problems : [{ field: null, ...check(settings).errors[0] }];
}

export function settingsService(store) {
  const read = async () => {
    const record = await store.get(SETTINGS, SETTINGS_ID);
    return record
      ? { version: record.version, settings: record.value, at: record.at, by: record.by, why: record.why, stored: true }
      : { version: 0, settings: {}, at: null, by: null, why: null, stored: false };
  };
  return {
    read,
    // Every version, oldest first.
    history: () => store.history(SETTINGS, SETTINGS_ID),
    // Writes `settings` as the version after `expectedVersion`. Throws a GovernanceError: `bad-settings`
    // with every problem at its field, or `conflict` with both versions.
    async save({ settings, expectedVersion, by, why = null, action = 'settings:save', at = new Date().toISOString() }) {
      if (!Number.isInteger(expectedVersion) || expectedVersion < 0) throw new GovernanceError('bad-input', '`expectedVersion` must be a whole number ≥ 0 (0: the defaults were shown)');
      const problems = settingsProblems(settings);
      if (problems.length) throw new GovernanceError('bad-settings', problems.map((p) => p.message).join('; '), { problems });
      try {
        return await store.put(SETTINGS, SETTINGS_ID, settings, { expectedVersion, by, at, action, why });
      } catch (error) {
        if (!(error instanceof StorageError) || error.code !== 'conflict') throw error;
        const stored = await read();
        throw new GovernanceError('conflict', `the settings changed since you opened them (now version ${stored.version}, you edited version ${expectedVersion}): compare both and save again`, {
          yours: { basedOn: expectedVersion, settings },
          stored: { version: stored.version, settings: stored.settings, at: stored.at, by: stored.by, why: stored.why },
        });
      }
    },
  };
}
