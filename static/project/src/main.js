import '../../shared/page.css';
import { ACTIVE, call, el, holdsSomething, kindBadge, projectAccess, scanBar, scanSummary, show, showFailure, warningsList } from '../../shared/ui.js';

// Bot access comes from the latest stored scan. Project admins do not start scans (a scan reads
// the whole site and spends the app's Jira quota): before the first one, the page says who can.
async function render() {
  const root = document.getElementById('root');
  const [overview, bots, status] = await Promise.all([call('projectOverview'), call('projectBots'), call('scanStatus')]);
  if (overview.type !== 'success') return showFailure(root, overview);
  const noData = bots.type !== 'success' && bots.errors?.[0]?.code === 'no-snapshot';
  const { projectKey, permissionScheme } = overview.result;
  const parts = [
    el('dl', { class: 'facts', 'data-testid': 'project-facts' },
      el('dt', {}, 'Project'), el('dd', {}, el('span', { class: 'key', 'data-testid': 'project-key' }, projectKey)),
      el('dt', {}, 'Permission scheme'), el('dd', { 'data-testid': 'scheme-name' }, permissionScheme.name || '(unnamed)'),
      el('dt', {}, 'Grants in the scheme'), el('dd', { 'data-testid': 'grant-count' }, permissionScheme.grantCount)),
    warningsList(overview.warnings),
  ];
  if (status.type === 'success') parts.push(scanBar({ answer: status, data: bots.type === 'success' ? bots.result.scan : null }, { onFinished: render }));
  if (noData) {
    const running = status.type === 'success' && ACTIVE.includes(status.result.scan?.status);
    parts.push(el('p', { class: 'message warning', 'data-testid': 'no-data' }, running
      ? 'The first scan of this site is running. Bot access appears here when it finishes.'
      : 'No scan yet — ask a Jira admin to open Apps → Service Accounts, which scans this site.'));
  } else if (bots.type !== 'success') {
    parts.push(el('p', { class: 'message error', role: 'alert' }, 'Bot access could not be loaded: ', (bots.errors ?? []).map((e) => e.message).join('; ')));
  } else {
    const { analysis, scan } = bots.result;
    const here = analysis.accounts
      .map((a) => ({ account: a, access: a.projects.find((p) => p.key === projectKey) }))
      .filter(({ access }) => access && holdsSomething(access));
    parts.push(
      el('h2', {}, 'Bots that can act in this project'),
      scanSummary(scan, analysis.accounts.length),
      here.length
        ? el('div', { 'data-testid': 'bots' }, here.map(({ account, access }) => el('section', { class: 'bot', 'data-account': account.accountId },
          el('h3', {}, account.displayName || account.accountId, ' ', kindBadge(account.kind)),
          projectAccess(access))))
        : el('p', { class: 'muted', 'data-testid': 'bots' }, 'No bot or app account holds a permission here.'),
      warningsList(bots.warnings));
  }
  show(root, parts);
}

render();
