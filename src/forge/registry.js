// The registry in Forge SQL: each bot's entry is a versioned record (src/forge/storage.js) in the
// `registry` collection. Answers are the core's envelopes, so pages handle them like the rest.
import { sql } from '@forge/sql';
import { answer, failure } from './envelope.js';
import { createStore } from './storage.js';

const COLLECTION = 'registry';
export const ACCOUNT_ID = /^[A-Za-z0-9:._-]{1,128}$/;

export function registryStore(store = createStore(sql)) {
  return {
    list: () => answer(async () => (await store.list(COLLECTION)).map(({ id, version, value, at, by }) => ({ accountId: id, version, entry: value, at, by }))),
    history: (accountId) => {
      if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) return failure('bad-input', '`accountId` must be an account id');
      return answer(() => store.history(COLLECTION, accountId));
    },
  };
}
