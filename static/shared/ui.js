// Small helpers shared by both pages. Text always goes in through textContent, never innerHTML,
// because names come from Jira and may hold markup.
import { invoke } from '@forge/bridge';

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null) continue;
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child == null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Calls a resolver and returns its envelope; a thrown bridge error becomes a failure envelope.
export async function call(functionKey, payload) {
  try {
    return await invoke(functionKey, payload);
  } catch (error) {
    return { type: 'failure', errors: [{ code: 'invoke', message: String(error?.message ?? error) }], warnings: [] };
  }
}

// Replaces the content of `root`, skipping absent parts (null or undefined).
export function show(root, ...parts) {
  root.replaceChildren(...parts.flat(Infinity).filter((part) => part != null));
}

export function showFailure(root, answer) {
  show(root,
    el('section', { class: 'message error', role: 'alert' },
      el('h2', {}, 'Steward could not load this page'),
      el('ul', {}, (answer.errors ?? []).map((e) => el('li', {}, el('code', {}, e.code), ' ', e.message)))),
  );
}

export function warningsList(warnings) {
  if (!warnings?.length) return null;
  return el('section', { class: 'message warning', 'data-testid': 'warnings' },
    el('h2', {}, `${warnings.length} warning${warnings.length === 1 ? '' : 's'}`),
    el('ul', {}, warnings.map((w) => el('li', {}, el('code', {}, w.code), ' ', w.message))));
}

const KIND_LABELS = { service: 'Service account', app: 'App', human: 'Person' };

export function kindBadge(kind) {
  return el('span', { class: `badge kind-${kind}` }, KIND_LABELS[kind] ?? kind);
}

export function coverageBadge(coverage) {
  return coverage === 'complete' ? null : el('span', { class: `badge coverage-${coverage}`, title: 'Some grants could not be evaluated' }, `coverage: ${coverage}`);
}

// One project's access for one account: every permission with each path on one line.
export function projectAccess(project) {
  const rows = Object.entries(project.permissions).flatMap(([permission, paths]) =>
    paths.map((p, i) => el('tr', { 'data-permission': permission },
      el('td', {}, i === 0 ? el('code', {}, permission) : ''),
      el('td', { class: 'path' }, p.path, p.conditional ? el('span', { class: 'badge conditional' }, 'only on some issues') : null))));
  return el('div', { class: 'project-access', 'data-project': project.key },
    el('h4', {}, el('span', { class: 'key' }, project.key), ' ', project.name, ' ', coverageBadge(project.coverage),
      project.teamManaged ? el('span', { class: 'badge' }, 'team-managed') : null),
    rows.length ? el('table', { class: 'paths' }, el('tbody', {}, rows)) : null,
    (project.unresolved ?? []).length
      ? el('ul', { class: 'unresolved' }, project.unresolved.map((u) => el('li', {}, el('code', {}, u.permission), ' could not be evaluated: ', u.reason)))
      : null,
    (project.securityLevels ?? []).length
      ? el('p', { class: 'muted' }, 'Issue security levels: ', project.securityLevels.map((l) => `${l.name} (${l.access})`).join(', '))
      : null);
}

export function scanSummary(scan, accounts) {
  const gaps = scan.gaps.length;
  return el('p', { class: 'muted', 'data-testid': 'scan-summary' },
    `${accounts} non-human account${accounts === 1 ? '' : 's'} · ${scan.calls} Jira calls · about ${scan.points} points`,
    gaps ? ` · ${gaps} part${gaps === 1 ? '' : 's'} could not be read` : '',
    scan.complete ? '' : ' · the scan stopped early (quota used up)');
}

// Whether the account holds something in the project regardless of the issue.
export function holdsSomething(project) {
  return Object.values(project.permissions).some((paths) => paths.some((p) => !p.conditional));
}
