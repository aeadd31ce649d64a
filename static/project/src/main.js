import '../../shared/page.css';
import { call, el, show, showFailure, warningsList } from '../../shared/ui.js';

async function render() {
  const root = document.getElementById('root');
  const answer = await call('projectOverview');
  if (answer.type !== 'success') return showFailure(root, answer);
  const { projectKey, permissionScheme } = answer.result;
  show(root,
    el('dl', { class: 'facts', 'data-testid': 'project-facts' },
      el('dt', {}, 'Project'), el('dd', {}, el('span', { class: 'key', 'data-testid': 'project-key' }, projectKey)),
      el('dt', {}, 'Permission scheme'), el('dd', { 'data-testid': 'scheme-name' }, permissionScheme.name || '(unnamed)'),
      el('dt', {}, 'Grants in the scheme'), el('dd', { 'data-testid': 'grant-count' }, permissionScheme.grantCount)),
    warningsList(answer.warnings),
  );
}

render();
