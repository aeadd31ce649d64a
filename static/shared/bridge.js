// The pages' one way to the backend: a resolver by name through @forge/bridge `invoke`. Every
// answer is the backend's envelope (`{type: 'success', result, warnings}` or `{type: 'failure',
// errors: [{code, message}], warnings}`); a bridge that throws becomes a failure envelope too, so a
// view handles one shape.
import { invoke } from '@forge/bridge';

export async function call(functionKey, payload) {
  try {
    const answer = await invoke(functionKey, payload);
    if (answer && (answer.type === 'success' || answer.type === 'failure')) return answer;
    return { type: 'failure', errors: [{ code: 'bad-answer', message: `\`${functionKey}\` answered no envelope` }], warnings: [] };
  } catch (error) {
    return { type: 'failure', errors: [{ code: 'invoke', message: String(error?.message ?? error) }], warnings: [] };
  }
}

// What a person reads for a failure code the backend answers (the code's own message follows).
const EXPLAINED = {
  forbidden: 'You do not have the Jira permission this page needs.',
  unauthenticated: 'You are not signed in to Jira.',
  'no-snapshot': 'No scan has finished yet.',
  'bad-input': 'The request was not valid.',
  conflict: 'Someone else changed this in the meantime.',
  invoke: 'The app could not be reached.',
};

export const explain = (code) => EXPLAINED[code] ?? 'Something went wrong.';
