import '../../shared/page.css';
import { ACTIVE, call, el, holdsSomething, kindBadge, projectAccess, scanBar, scanSummary, show, showFailure, warningsList } from '../../shared/ui.js';

function schemesTable(schemes) {
  return el('table', { 'data-testid': 'schemes' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Permission scheme'), el('th', {}, 'Grants'), el('th', {}, 'Projects using it'))),
    el('tbody', {}, schemes.map((s) => el('tr', { 'data-scheme-id': s.id },
      el('td', {}, el('strong', {}, s.name || '(unnamed)'), s.description ? el('div', { class: 'muted' }, s.description) : null),
      el('td', { class: 'num' }, s.grantCount),
      el('td', {}, s.projects.length ? s.projects.map((k) => [el('span', { class: 'key' }, k), ' ']) : el('span', { class: 'muted' }, 'none known'))))));
}

function account(a) {
  const withAccess = a.projects.filter(holdsSomething);
  return el('details', { class: 'account', 'data-account': a.accountId },
    el('summary', {},
      el('span', { class: a.active ? '' : 'inactive' }, a.displayName || a.accountId, ' ', kindBadge(a.kind), a.active ? null : el('span', { class: 'badge' }, 'deactivated')),
      el('span', {}, a.global.length ? a.global.map((g) => el('code', {}, g)) : el('span', { class: 'muted' }, '—')),
      el('span', { 'data-testid': 'project-count' }, a.active ? `${withAccess.length} project${withAccess.length === 1 ? '' : 's'}` : 'holds nothing'),
      el('span', { class: 'muted' }, a.projects.some((p) => p.coverage !== 'complete') ? 'partly unknown' : '')),
    withAccess.map(projectAccess),
    a.projects.length > withAccess.length
      ? el('p', { class: 'muted' }, `Only on some issues (reporter, assignee…) in ${a.projects.length - withAccess.length} more project(s).`)
      : null);
}

function schemesPart(overview) {
  if (overview.type !== 'success') return null;
  const { schemes, projectCount, unmappedProjects } = overview.result;
  return [
    el('h2', {}, 'Permission schemes'),
    el('p', { class: 'muted', 'data-testid': 'summary' },
      `${schemes.length} scheme${schemes.length === 1 ? '' : 's'} across ${projectCount} project${projectCount === 1 ? '' : 's'}`,
      unmappedProjects.length ? `; the scheme of ${unmappedProjects.join(', ')} could not be read` : ''),
    schemesTable(schemes),
  ];
}

// The bots come from the latest stored scan; scans run as background jobs. On the first visit
// there is none: the page starts the first scan and shows its progress until the data is there.
async function render() {
  const root = document.getElementById('root');
  const [inventory, overview, status] = await Promise.all([call('inventory'), call('adminOverview'), call('scanStatus')]);
  const noData = inventory.type !== 'success' && inventory.errors?.[0]?.code === 'no-snapshot';
  if (inventory.type !== 'success' && !noData) return showFailure(root, inventory);
  if (status.type !== 'success') return showFailure(root, status);
  let current = status;
  if (noData && !status.result.scan) current = await call('startScan');
  if (current.type !== 'success') return showFailure(root, current);
  const bar = scanBar({ answer: current, data: noData ? null : inventory.result.scan }, { canRescan: true, onFinished: render });
  if (noData) {
    const running = ACTIVE.includes(current.result.scan?.status);
    return show(root, bar,
      el('p', { class: 'muted', 'data-testid': 'no-data' }, running
        ? 'The first scan of this site is running. Bots and their access appear here when it finishes.'
        : 'No scan has finished yet. Press Rescan to scan this site.'),
      schemesPart(overview));
  }
  const { analysis, scan } = inventory.result;
  show(root, bar,
    el('h2', {}, 'Bots and apps'),
    scanSummary(scan, analysis.accounts.length),
    el('div', { class: 'account-head' }, el('span', {}, 'Account'), el('span', {}, 'Global permissions'), el('span', {}, 'Access'), el('span', {}, '')),
    el('div', { 'data-testid': 'accounts' }, analysis.accounts.map(account)),
    warningsList(inventory.warnings),
    schemesPart(overview));
}

render();
