// The one envelope every handler answers, the core's own: `{type: 'success', result, warnings}` or
// `{type: 'failure', errors: [{code, message}], warnings}`, so the pages handle the handlers'
// answers and the core's alike.

export function success(result, warnings = []) {
  return { type: 'success', result, warnings };
}

export function failure(code, message) {
  return { type: 'failure', errors: [{ code, message }], warnings: [] };
}

// Runs a storage-backed step and answers the usual envelope; storage and scan errors become failures.
export async function answer(run) {
  try {
    return success(await run());
  } catch (error) {
    return failure(error.code ?? 'storage', error.message ?? String(error));
  }
}

// What both pages answer before the first scan has finished: they read stored snapshots only.
export const noSnapshot = () => failure('no-snapshot', 'no scan has finished yet: a Jira admin starts one on Apps → Service Accounts');
