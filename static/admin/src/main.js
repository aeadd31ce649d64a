import '../../shared/page.css';
import { expandAccount } from '../../../shared/matrix.js';
import { ACTIVE, call, el, formatTime, holdsSomething, kindBadge, projectAccess, scanBar, scanSummary, show, showFailure, warningsList } from '../../shared/ui.js';

function schemesTable(schemes) {
  return el('table', { 'data-testid': 'schemes' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Permission scheme'), el('th', {}, 'Grants'), el('th', {}, 'Projects using it'))),
    el('tbody', {}, schemes.map((s) => el('tr', { 'data-scheme-id': s.id },
      el('td', {}, el('strong', {}, s.name || '(unnamed)'), s.description ? el('div', { class: 'muted' }, s.description) : null),
      el('td', { class: 'num' }, s.grantCount),
      el('td', {}, s.projects.length ? s.projects.map((k) => [el('span', { class: 'key' }, k), ' ']) : el('span', { class: 'muted' }, 'none known'))))));
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
// Projects drawn at once in an opened account; the rest on request (an account may reach thousands).
const PROJECTS_SHOWN = 100;

// One project list of an opened account: the projects where it holds something on every issue,
// a note for those where it holds something only on some issues.
function accountProjects(account) {
  const withAccess = account.projects.filter(holdsSomething);
  const conditional = account.projects.length - withAccess.length;
  const list = el('div', { 'data-testid': 'account-projects' }, withAccess.slice(0, PROJECTS_SHOWN).map(projectAccess));
  const rest = withAccess.length - PROJECTS_SHOWN;
  const more = rest > 0 ? el('button', { type: 'button', 'data-testid': 'more-projects' }, `Show the other ${plural(rest, 'project')}`) : null;
  more?.addEventListener('click', () => {
    list.append(...withAccess.slice(PROJECTS_SHOWN).map(projectAccess));
    more.remove();
  });
  return [
    withAccess.length ? null : el('p', { class: 'muted' }, 'No project where it holds a permission on every issue.'),
    list,
    more,
    conditional > 0 ? el('p', { class: 'muted' }, `Only on some issues (reporter, assignee…) in ${plural(conditional, 'more project')}.`) : null,
  ];
}

// One line per account from the inventory; its projects and paths are asked for (accountAccess)
// the first time it is opened.
function account(a) {
  const unknown = a.partialProjects + a.unknownProjects;
  const body = el('div', { class: 'account-body', 'data-testid': 'account-body' });
  const details = el('details', { class: 'account', 'data-account': a.accountId },
    el('summary', {},
      el('span', { class: a.active ? '' : 'inactive' }, a.displayName || a.accountId, ' ', kindBadge(a.kind), a.active ? null : el('span', { class: 'badge' }, 'deactivated')),
      el('span', {}, a.global.length ? a.global.map((g) => el('code', {}, g)) : el('span', { class: 'muted' }, '—'),
        a.active && a.jiraAdmin === 'unknown'
          ? el('span', { class: 'muted', 'data-testid': 'jira-admin-unknown', title: 'Jira’s permission check was not asked about the global permission Administer Jira, so whether it is a Jira admin is unknown' }, ' · Jira admin?')
          : null),
      el('span', {},
        el('span', { 'data-testid': 'project-count' }, a.active ? plural(a.unconditionalProjects, 'project') : 'holds nothing'),
        a.active && a.conditionalProjects ? el('span', { class: 'muted', 'data-testid': 'conditional-count' }, ` + ${a.conditionalProjects} on some issues`) : null),
      el('span', { class: 'muted', title: unknown ? `${plural(unknown, 'project')} not fully evaluated · ${plural(a.unresolved, 'grant')} unresolved` : null },
        unknown ? 'partly unknown' : '')),
    body);
  let loaded = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded || !a.active) return;
    loaded = true;
    body.replaceChildren(el('p', { class: 'muted', 'data-testid': 'loading', role: 'status' }, 'Loading its projects…'));
    const access = await call('accountAccess', { accountId: a.accountId });
    if (access.type !== 'success') {
      loaded = false; // opening it again retries
      body.replaceChildren(el('p', { class: 'message error', role: 'alert' }, 'Could not load its access: ',
        (access.errors ?? []).map((e) => [el('code', {}, e.code), ' ', e.message])));
      return;
    }
    body.replaceChildren(...accountProjects(expandAccount(access.result.matrix)).flat().filter(Boolean));
  });
  return details;
}

// The list of accounts, a page at a time: `Show more` asks the inventory for the next page.
function accountList(first) {
  const list = el('div', { 'data-testid': 'accounts' }, first.accounts.map(account));
  const more = el('button', { type: 'button', 'data-testid': 'more-accounts' });
  let shown = first.accounts.length;
  const label = () => {
    const rest = first.total - shown;
    more.textContent = `Show ${Math.min(rest, first.pageSize)} more (${rest} not shown)`;
    more.hidden = rest <= 0;
  };
  label();
  more.addEventListener('click', async () => {
    more.disabled = true;
    const page = await call('inventory', { offset: shown });
    more.disabled = false;
    if (page.type !== 'success') {
      more.textContent = `Could not load more: ${(page.errors ?? []).map((e) => e.message).join('; ')} — try again`;
      return;
    }
    list.append(...page.result.accounts.map(account));
    shown += page.result.accounts.length;
    label();
  });
  return [list, more];
}

function schemesPart(overview) {
  if (overview.type !== 'success') return null;
  const { schemes, projectCount, unmappedProjects, source, collectedAt } = overview.result;
  return [
    el('h2', {}, 'Permission schemes'),
    source === 'snapshot' ? el('p', { class: 'muted', 'data-testid': 'schemes-source' }, `From the scan of ${formatTime(collectedAt)}.`) : null,
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
  const { scan } = inventory.result;
  show(root, bar,
    el('h2', {}, 'Bots and apps'),
    scanSummary(scan, inventory.result.total),
    el('div', { class: 'account-head' }, el('span', {}, 'Account'), el('span', {}, 'Global permissions'), el('span', {}, 'Access'), el('span', {}, '')),
    accountList(inventory.result),
    warningsList(inventory.warnings, inventory.result.warningCount),
    schemesPart(overview));
}

render();
