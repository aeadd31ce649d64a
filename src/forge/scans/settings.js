// A scan's pacing and retention, from the app's environment variables (`forge variables set NAME
// value`; the local host passes its own), and the error a scan answers with.

export class ScanError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// Read at each use, so a change applies to the next job.
export function scanSettings(env = process.env) {
  const number = (name, fallback, valid, what) => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!valid(value)) throw new ScanError('bad-setting', `${name} must be ${what}, not \`${text}\``);
    return value;
  };
  const whole = (low, high) => (v) => Number.isInteger(v) && v >= low && v <= high;
  return {
    // The share of the app's hourly points quota one scan may spend: the quota is shared by every
    // site the app is installed on and by its interactive calls.
    share: number('STEWARD_SCAN_SHARE', 0.5, (v) => v > 0 && v <= 1, 'a number above 0 and at most 1'),
    pointsPerHour: number('STEWARD_SCAN_POINTS_PER_HOUR', 65_000, whole(1, 10_000_000), 'a whole number of points above 0'),
    requestsPerSecond: number('STEWARD_SCAN_RPS', 10, (v) => v > 0 && v <= 1_000, 'a number of calls per second above 0'),
    maxRetries: number('STEWARD_SCAN_MAX_RETRIES', 4, whole(0, 10), 'a whole number from 0 to 10'),
    keep: number('STEWARD_SCAN_KEEP', 3, whole(1, 50), 'a whole number of snapshots from 1 to 50'),
    // Every role's actors (the lean plan reads only those Jira's check says a bot may be in).
    allRoles: number('STEWARD_SCAN_ALL_ROLES', 0, whole(0, 1), '0 or 1') === 1,
    // A job that finishes the scan later than this after it started leaves the digest (the
    // analysis the pages read, minutes on a large site) to a job of its own, so the two never
    // pass the function's 900 s together.
    digestInlineSeconds: number('STEWARD_SCAN_DIGEST_INLINE_SECONDS', 450, whole(0, 900), 'a whole number of seconds from 0 to 900'),
  };
}
