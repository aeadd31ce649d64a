// The local Forge platform adapter: runs the bundled Forge handlers (the same file `forge deploy`
// would ship, built by tools/forge-bundle.cjs) with what Forge's runtime gives them:
// `__forge_fetch__` for @forge/api's requestJira (here: fetch to a Jira site with an API token),
// `__forge_runtime__`, and the invocation shape @forge/resolver expects.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const RESOLVER_LIMIT_MS = 25_000; // Forge's resolver limit (forge-platform.md §2.2)

// Reads that Jira answers with POST. Everything else that is not a GET is a write.
const READS_BY_POST = [/^\/rest\/api\/3\/permissions\/check$/];

export function isWrite(method, path) {
  if (method === 'GET' || method === 'HEAD') return false;
  const pathname = path.split('?')[0];
  return !(method === 'POST' && READS_BY_POST.some((re) => re.test(pathname)));
}

const noopMetrics = {
  counter: () => ({ incr() {}, decr() {} }),
  timing: () => ({ measure: () => ({ stop() {} }) }),
  gauge: () => ({ set() {} }),
};

// `storage` (host/sqlite.mjs) answers Forge SQL's API, so `@forge/sql` in the handlers works as on Forge.
export function createPlatform({ jira, allowWrites = false, bundlePath, log = () => {}, storage = null }) {
  const authorization = `Basic ${Buffer.from(`${jira.email}:${jira.token}`).toString('base64')}`;
  const base = jira.url.replace(/\/+$/, '');

  globalThis.__forge_runtime__ = {
    metrics: noopMetrics,
    appContext: { appId: 'steward-local', environmentId: 'local', environmentType: 'DEVELOPMENT', installationId: 'local' },
    lambdaContext: { getRemainingTimeInMillis: () => RESOLVER_LIMIT_MS },
  };
  globalThis.__forge_fetch__ = async ({ remote, provider }, path, init = {}) => {
    if (remote === 'sql' && storage) return storage.answer(path, init);
    if (remote !== 'jira') {
      return new Response(JSON.stringify({ errorMessages: [`the local host only reaches Jira, not \`${remote}\``] }), { status: 501 });
    }
    const method = (init.method ?? 'GET').toUpperCase();
    if (!allowWrites && isWrite(method, path)) {
      log(`refused ${method} ${path} (read-only)`);
      return new Response(JSON.stringify({
        errorMessages: ['the local host is read-only; set STEWARD_ALLOW_WRITES=1 to let Steward change Jira'],
        errors: {},
      }), { status: 403, headers: { 'content-type': 'application/json' } });
    }
    const headers = new Headers(init.headers);
    headers.set('authorization', authorization);
    headers.set('accept', 'application/json');
    const started = Date.now();
    const response = await fetch(`${base}${path}`, { ...init, method, headers });
    log(`${provider} ${method} ${path} → ${response.status} (${Date.now() - started} ms)`);
    return response;
  };

  const { handler } = require(bundlePath);

  return {
    // Calls a resolver function the way Forge does; rejects like a failed invocation would.
    async invoke({ functionKey, payload, context, accountId }) {
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`resolver \`${functionKey}\` ran past Forge's 25 s limit`)), RESOLVER_LIMIT_MS);
      });
      try {
        return await Promise.race([
          handler({ call: { functionKey, payload }, context }, {
            principal: { accountId },
            installContext: 'ari:cloud:jira::site/local',
            license: { isActive: true },
          }),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
