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

// `total`: how many there are when `warnings` is only the first of them.
export function warningsList(warnings, total = warnings?.length ?? 0) {
  if (!warnings?.length) return null;
  return el('section', { class: 'message warning', 'data-testid': 'warnings' },
    el('h2', {}, `${total} warning${total === 1 ? '' : 's'}`, total > warnings.length ? ` (the first ${warnings.length} shown)` : ''),
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

// `scan`: what the pages show about the stored snapshot (scanStatus `data`, inventory `scan`).
export function scanSummary(scan, accounts) {
  const gaps = scan.gaps;
  return el('p', { class: 'muted', 'data-testid': 'scan-summary' },
    `${accounts} non-human account${accounts === 1 ? '' : 's'} · ${scan.calls} Jira calls · about ${scan.points} points`,
    scan.jobs > 1 ? ` in ${scan.jobs} jobs` : '',
    gaps ? ` · ${gaps} part${gaps === 1 ? '' : 's'} could not be read` : '',
    scan.complete ? '' : ' · the scan stopped early (quota used up)');
}

// ---- scans: the pages show stored data; scans run as background jobs --------------------------

export const ACTIVE = ['queued', 'running', 'waiting-for-quota'];
const POLL_MS = 1500;

// "2026-11-23 08:01 UTC": the same text for every viewer, whatever their locale.
export function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const counts = (scan) => `${scan.calls} Jira call${scan.calls === 1 ? '' : 's'} · about ${scan.points} points`;
const jobsText = (n) => `${n} job${n === 1 ? '' : 's'}`;

// One line about the scan in progress or the last one.
export function scanStatusText(scan) {
  if (!scan) return 'No scan has run yet.';
  switch (scan.status) {
    case 'queued':
      return scan.jobs ? `Scanning: job ${scan.jobs + 1} is queued · ${jobsText(scan.jobs)} done · ${counts(scan)} so far` : 'Scan queued: it starts in a moment.';
    case 'running':
      return `Scanning: job ${scan.jobs + 1} is running · ${counts(scan)} so far`;
    case 'waiting-for-quota':
      return `Scan paused: ${scan.stoppedBy === 'quota' ? "Jira's points quota is used up" : "this hour's share of Jira's points quota is spent"}; it resumes at ${formatTime(scan.resumeAt)} · ${jobsText(scan.jobs)} done · ${counts(scan)} so far`;
    case 'failed':
      return `The last scan failed: ${scan.error?.message ?? 'no reason given'}`;
    default:
      return `Last scan finished ${formatTime(scan.finishedAt)} · ${jobsText(scan.jobs)} · ${counts(scan)}${scan.refresh?.mode === 'incremental' ? ' (incremental, from the audit log)' : ''}`;
  }
}

export function dataAsOf(data) {
  if (!data) return null;
  return el('p', { class: 'data-as-of', 'data-testid': 'data-as-of' }, 'Data as of ', el('time', { datetime: data.collectedAt }, formatTime(data.collectedAt)));
}

// The bar above the data: when it is from, the scan in progress (polled until it ends), and for
// admins a Rescan button. `onFinished` runs when a scan this bar watched ends (to show new data).
export function scanBar(initial, { canRescan = false, onFinished } = {}) {
  const status = el('p', { class: 'scan-status', 'data-testid': 'scan-status', role: 'status' });
  const button = canRescan ? el('button', { type: 'button', 'data-testid': 'rescan' }, 'Rescan') : null;
  const bar = el('section', { class: 'scan-bar', 'data-testid': 'scan-bar' }, dataAsOf(initial.data), status, button);
  let watching = false;

  function update(answer) {
    if (answer.type !== 'success') {
      status.textContent = `Scan status unavailable: ${(answer.errors ?? []).map((e) => e.message).join('; ')}`;
      status.className = 'scan-status error';
      return false;
    }
    const { scan } = answer.result;
    const active = Boolean(scan && ACTIVE.includes(scan.status));
    status.textContent = scanStatusText(scan);
    status.className = `scan-status${scan?.status === 'failed' ? ' error' : ''}${active ? ' active' : ''}`;
    if (button) button.disabled = active;
    return active;
  }

  async function watch() {
    if (watching) return;
    watching = true;
    let answer;
    do {
      await new Promise((r) => setTimeout(r, POLL_MS));
      answer = await call('scanStatus');
    } while (update(answer));
    watching = false;
    if (answer.type === 'success') onFinished?.(answer);
  }

  if (button) {
    button.addEventListener('click', async () => {
      button.disabled = true;
      const answer = await call('startScan');
      if (update(answer)) watch();
    });
  }
  if (update(initial.answer)) watch();
  return bar;
}

// Whether the account holds something in the project regardless of the issue.
export function holdsSomething(project) {
  return Object.values(project.permissions).some((paths) => paths.some((p) => !p.conditional));
}
