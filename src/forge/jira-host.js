// The host bridge on Forge: the core's request(method, path, body) through requestJira.
import { route } from '@forge/api';

// Rebuilds a core-made path as a Forge `route`, passing every path segment and query value as a
// route parameter so Forge's own checks (no `..`, `/`, `?` in segments; encoded values) apply.
export function toRoute(path) {
  if (typeof path !== 'string' || !path.startsWith('/rest/')) {
    throw new Error(`refusing a path outside Jira's REST API: \`${path}\``);
  }
  const [pathname, query = ''] = path.split(/\?(.*)/s);
  const fragments = ['/'];
  const values = [];
  const segments = pathname.slice(1).split('/');
  segments.forEach((segment, i) => {
    values.push(segment);
    fragments.push(i < segments.length - 1 ? '/' : '');
  });
  const pairs = query === '' ? [] : query.split('&');
  pairs.forEach((pair, i) => {
    const [name, value = ''] = pair.split(/=(.*)/s);
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`refusing query parameter \`${name}\``);
    fragments[fragments.length - 1] += `${i === 0 ? '?' : '&'}${name}=`;
    values.push(decodeURIComponent(value));
    fragments.push('');
  });
  return route(fragments, ...values);
}

export function jiraHost(requester) {
  return {
    // Pacing (points budget, job time): the core reads no clock, it asks the host.
    now() {
      return Date.now();
    },
    // Backoff and per-call timeouts: the core reads no clock, it asks the host to wait.
    sleep(ms) {
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
    // timeoutMs comes from the core; the timer is cleared as soon as Jira answers, so it never
    // keeps the function alive.
    async request(method, path, body, timeoutMs) {
      const headers = { Accept: 'application/json' };
      if (body != null) headers['Content-Type'] = 'application/json';
      const call = requester.requestJira(toRoute(path), { method, headers, body: body ?? undefined });
      let timer;
      const timeout = new Promise((_, reject) => {
        if (timeoutMs) timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      let response;
      try {
        response = await Promise.race([call, timeout]);
      } finally {
        clearTimeout(timer);
      }
      const responseHeaders = {};
      response.headers.forEach((value, name) => {
        responseHeaders[name.toLowerCase()] = value;
      });
      return { status: response.status, headers: responseHeaders, body: await response.text() };
    },
  };
}
