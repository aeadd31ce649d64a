import '../../shared/page.css';
import { call, el, show, showFailure, warningsList } from '../../shared/ui.js';

function schemesTable(schemes) {
  return el('table', { 'data-testid': 'schemes' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Permission scheme'), el('th', {}, 'Grants'), el('th', {}, 'Projects using it'))),
    el('tbody', {}, schemes.map((s) => el('tr', { 'data-scheme-id': s.id },
      el('td', {}, el('strong', {}, s.name || '(unnamed)'), s.description ? el('div', { class: 'muted' }, s.description) : null),
      el('td', { class: 'num' }, s.grantCount),
      el('td', {}, s.projects.length ? s.projects.map((k) => [el('span', { class: 'key' }, k), ' ']) : el('span', { class: 'muted' }, 'none known'))))));
}

async function render() {
  const root = document.getElementById('root');
  const answer = await call('adminOverview');
  if (answer.type !== 'success') return showFailure(root, answer);
  const { schemes, projectCount, unmappedProjects } = answer.result;
  show(root,
    el('h2', {}, 'Permission schemes'),
    el('p', { class: 'muted', 'data-testid': 'summary' },
      `${schemes.length} scheme${schemes.length === 1 ? '' : 's'} across ${projectCount} project${projectCount === 1 ? '' : 's'}`,
      unmappedProjects.length ? `; the scheme of ${unmappedProjects.join(', ')} could not be read` : ''),
    schemesTable(schemes),
    warningsList(answer.warnings),
  );
}

render();
