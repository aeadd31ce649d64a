import '../../shared/page.css';
import { call, el, holdsSomething, kindBadge, projectAccess, scanSummary, show, showFailure, warningsList } from '../../shared/ui.js';

async function render() {
  const root = document.getElementById('root');
  const [overview, bots] = await Promise.all([call('projectOverview'), call('projectBots')]);
  if (overview.type !== 'success') return showFailure(root, overview);
  const { projectKey, permissionScheme } = overview.result;
  const parts = [
    el('dl', { class: 'facts', 'data-testid': 'project-facts' },
      el('dt', {}, 'Project'), el('dd', {}, el('span', { class: 'key', 'data-testid': 'project-key' }, projectKey)),
      el('dt', {}, 'Permission scheme'), el('dd', { 'data-testid': 'scheme-name' }, permissionScheme.name || '(unnamed)'),
      el('dt', {}, 'Grants in the scheme'), el('dd', { 'data-testid': 'grant-count' }, permissionScheme.grantCount)),
    warningsList(overview.warnings),
  ];
  if (bots.type !== 'success') {
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
