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
    // Backoff and per-call timeouts: the core reads no clock, it asks the host to wait.
    sleep(ms) {
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
    async request(method, path, body) {
      const headers = { Accept: 'application/json' };
      if (body != null) headers['Content-Type'] = 'application/json';
      const response = await requester.requestJira(toRoute(path), {
        method,
        headers,
        body: body ?? undefined,
      });
      const responseHeaders = {};
      response.headers.forEach((value, name) => {
        responseHeaders[name.toLowerCase()] = value;
      });
      return { status: response.status, headers: responseHeaders, body: await response.text() };
    },
  };
}
