// The page's own address, so a reload or a shared link lands on the same view: on Jira the
// history `view.createHistory()` keeps in the host's URL; elsewhere (and when Jira gives none) the
// frame's hash. Paths look like `/accounts/ID`; `routeOf` matches them against patterns such as
// `/accounts/:id`.
import { useEffect, useState } from 'react';
import { view } from '@forge/bridge';

function hashHistory() {
  const read = () => ({ pathname: decodeURI(window.location.hash.replace(/^#/, '') || '/'), search: '' });
  const listeners = new Set();
  window.addEventListener('hashchange', () => listeners.forEach((l) => l(read())));
  return {
    get location() { return read(); },
    push(path) { window.location.hash = path; },
    listen(listener) { listeners.add(listener); return () => listeners.delete(listener); },
  };
}

let history = null;

export async function startRouter() {
  try {
    history = await view.createHistory();
  } catch {
    history = null;
  }
  if (!history?.location || typeof history.push !== 'function') history = hashHistory();
  return history;
}

export function navigate(path) {
  (history ?? hashHistory()).push(path);
}

export function useLocationPath() {
  const [path, setPath] = useState(() => history?.location?.pathname ?? '/');
  useEffect(() => history?.listen((location) => setPath(location?.pathname ?? '/')), []);
  return path;
}

// The first route whose pattern matches `path`, with its `:params` decoded; null when none does.
export function routeOf(routes, path) {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params = {};
    if (pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(parts[i])), true) : p === parts[i]))) {
      return { ...route, params };
    }
  }
  return null;
}
