// One account: its registry facts, its findings with reason and fix, and its access as a projects ×
// permissions grid where a held cell opens its paths and an empty cell answers why not; then issue
// security levels, workflow transitions, global permissions and the registry's history.
import { useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import Textfield from '@atlaskit/textfield';
import { router } from '@forge/bridge';
import { Box, Inline, KindLozenge, PageHeader, Panel, PermissionName, SeverityLozenge, Stack, Text, token } from '../../../shared/components.jsx';
import { HolderSentence, PathSentence } from '../../../shared/paths.jsx';
import { formatDate, formatTime, plural } from '../../../shared/format.js';
import { navigate } from '../../../shared/router.js';
import { Answer, AsOf } from './common.jsx';

const PROJECTS_SHOWN = 50;
const cellBorder = `1px solid ${token('color.border')}`;

function Fact({ label, children }) {
  return (
    <Box style={{ display: 'contents' }}>
      <dt><Text color="color.text.subtle">{label}</Text></dt>
      <dd style={{ margin: 0 }}>{children ?? <Text color="color.text.subtlest">not recorded</Text>}</dd>
    </Box>
  );
}

function Registry({ registry, account }) {
  if (!registry) {
    return (
      <Panel title="Registry" testId="registry">
        <Text>Nobody registered this account: no owner, no purpose, no review. Register it so someone answers for it.</Text>
      </Panel>
    );
  }
  const { entry, people = {} } = registry;
  const person = (id) => (id ? <Text>{people[id]?.displayName ?? id}{people[id] && !people[id].active ? ' (deactivated)' : ''}</Text> : null);
  return (
    <Panel title="Registry" testId="registry">
      <dl style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: `${token('space.075')} ${token('space.200')}`, margin: 0 }}>
        <Fact label="Owner">{person(entry.owner)}</Fact>
        <Fact label="Backup owner">{person(entry.backupOwner)}</Fact>
        <Fact label="Purpose">{entry.purpose ? <Text>{entry.purpose}</Text> : null}</Fact>
        <Fact label="Tool">{entry.tool ? <Text>{entry.tool}</Text> : null}</Fact>
        <Fact label="Credential kept in">{entry.credentialLocation ? <code>{entry.credentialLocation}</code> : null}</Fact>
        <Fact label="Code lives in">{entry.codeLocation ? <code>{entry.codeLocation}</code> : null}</Fact>
        <Fact label="Request issue">{entry.requestIssue ? (
          registry.requestIssueUrl
            ? <a href={registry.requestIssueUrl} onClick={(e) => { e.preventDefault(); router.open(registry.requestIssueUrl).catch(() => {}); }}>{entry.requestIssue}</a>
            : <Text>{entry.requestIssue}</Text>
        ) : null}</Fact>
        <Fact label="Status"><Lozenge appearance={entry.status === 'active' ? 'success' : 'moved'}>{entry.status ?? 'active'}</Lozenge>{account.active ? null : <> <Lozenge>deactivated in Jira</Lozenge></>}</Fact>
        <Fact label="Review cadence">{entry.cadence ? <Text>{typeof entry.cadence === 'string' ? entry.cadence : `every ${entry.cadence.days} days`}</Text> : null}</Fact>
        <Fact label="Last review">{entry.lastReview ? <Text>{formatDate(entry.lastReview)}</Text> : null}</Fact>
        <Fact label="Next review due">{registry.nextDue ? <Text>{formatDate(registry.nextDue)}</Text> : null}</Fact>
      </dl>
    </Panel>
  );
}

// The answer keeps each rule's text once (`rules`) and at most 20 findings a rule (`omitted`).
function Findings({ findings, rules = {}, omitted = {} }) {
  const more = Object.values(omitted).reduce((n, x) => n + x, 0);
  return (
    <Panel title={`Findings (${(findings.length + more).toLocaleString('en')})`} testId="account-findings">
      {findings.length === 0 ? <Text color="color.text.subtle">Nothing to fix.</Text> : null}
      {findings.map((f, i) => (
        <Box key={i} padding="space.150" style={{ borderLeft: `3px solid ${token(f.severity === 'critical' || f.severity === 'high' ? 'color.border.danger' : 'color.border.warning')}` }}>
          <Stack space="space.075">
            <Inline space="space.100" alignBlock="center" shouldWrap>
              <SeverityLozenge severity={f.severity} />
              <Text weight="bold">{rules[f.rule]?.title ?? f.rule}</Text>
              {f.project ? <Lozenge>{f.project}</Lozenge> : null}
            </Inline>
            <Text>{f.message}</Text>
            {f.evidence?.length ? <ul style={{ margin: 0 }}>{f.evidence.map((e, j) => <li key={j}><Text size="small">{e}</Text></li>)}</ul> : null}
            <Text size="small"><strong>Why it matters:</strong> {rules[f.rule]?.reason}</Text>
            <Text size="small"><strong>Fix:</strong> {rules[f.rule]?.fix}</Text>
          </Stack>
        </Box>
      ))}
      {Object.entries(omitted).map(([rule, n]) => <Text key={rule} size="small" color="color.text.subtle">… and {n.toLocaleString('en')} more {rules[rule]?.title ?? rule} findings (all of them in Findings and its export)</Text>)}
    </Panel>
  );
}

// The state of one cell, per docs/admin-console.md.
function cellOf(set, permission) {
  if (!set) return { state: 'empty', paths: [] };
  const paths = set.permissions[permission] ?? [];
  if (paths.length) return { state: paths.some((p) => !p.conditional) ? 'held' : 'some', paths };
  if (set.coverage === 'none' || (set.unresolved ?? []).some((u) => u.permission === permission || u.permission === '*')) return { state: 'unknown', paths };
  return { state: 'empty', paths };
}

const LOOK = {
  held: { text: 'Held', color: 'color.background.success', fg: 'color.text.success' },
  some: { text: 'Some issues', color: 'color.background.warning', fg: 'color.text.warning' },
  unknown: { text: '?', color: 'color.background.neutral', fg: 'color.text.subtle' },
  empty: { text: '', color: 'color.background.neutral.subtle', fg: 'color.text.subtlest' },
};
const STATE_WORDS = { held: 'held on every issue', some: 'held only on some issues', unknown: 'unknown', empty: 'not held' };

function CellDialog({ cell, access, whyNot, names, onClose }) {
  const { project, permission, state, paths } = cell;
  const scheme = project.schemeId ? whyNot?.schemes?.[project.schemeId] : null;
  const grants = scheme?.grants?.[permission] ?? [];
  const name = names?.[permission]?.name ?? permission;
  return (
    <Modal onClose={onClose} width="large" label={`${name} in ${project.key}`}>
      <ModalHeader><ModalTitle>{name} in {project.key} · {STATE_WORDS[state]}</ModalTitle></ModalHeader>
      <ModalBody>
        <Stack space="space.150">
          {state === 'held' || state === 'some' ? (
            <>
              <Text>It holds <PermissionName permission={permission} names={names} /> in <strong>{project.name}</strong> through {plural(paths.length, 'path')}:</Text>
              {paths.map((i) => <PathSentence key={i} path={access.paths[i]} />)}
            </>
          ) : null}
          {state === 'unknown' ? <Text>Steward could not read everything this answer depends on (a part of the site was not read, or a grant's holder is unknown). Rescan, or check the scan's gaps on the overview.</Text> : null}
          {state === 'empty' ? (
            !project.schemeId ? <Text>The project's permission scheme was not read.</Text>
              : grants.length === 0 ? <Text testId="why-not">No grant in the project's scheme <strong>{scheme?.name}</strong> gives {name}: nobody holds it in {project.key}.</Text>
                : (
                  <Stack space="space.100" testId="why-not">
                    <Text>Why not: the project's scheme <strong>{scheme.name}</strong> gives {name} only to {plural(grants.length, 'holder')}, and this account is none of them:</Text>
                    <ul style={{ margin: 0 }}>
                      {grants.map((g) => <li key={g.grant}><Text><HolderSentence holder={g.holder} /> <Text color="color.text.subtlest" size="small">(grant {g.grant})</Text></Text></li>)}
                    </ul>
                    <Text size="small" color="color.text.subtle">Adding it to one of these would give it the permission; prefer the project's service-account role.</Text>
                  </Stack>
                )
          ) : null}
        </Stack>
      </ModalBody>
      <ModalFooter><Button appearance="primary" onClick={onClose}>Close</Button></ModalFooter>
    </Modal>
  );
}

function AccessGrid({ access, whyNot, names }) {
  const [filter, setFilter] = useState('');
  const [limit, setLimit] = useState(PROJECTS_SHOWN);
  const [open, setOpen] = useState(null);
  const setOf = useMemo(() => {
    const map = new Map();
    access.cells.forEach((c) => c.projects.forEach((p) => map.set(p, access.sets[c.set])));
    return map;
  }, [access]);
  const rows = access.projects.map((p, i) => ({ project: p, set: setOf.get(i) }))
    .filter(({ project }) => !filter || `${project.key} ${project.name}`.toLowerCase().includes(filter.toLowerCase()));
  const expand = (set) => (set ? { ...set, permissions: Object.fromEntries(Object.entries(set.permissions).map(([k, ids]) => [k, ids.map((i) => ({ ...access.paths[i], index: i }))])) } : null);
  return (
    <Panel title={`Access in ${plural(access.projects.length, 'project')}`} testId="access-grid">
      {access.projects.length === 0 ? <Text color="color.text.subtle">It holds no permission in any project.</Text> : (
        <>
          <Inline space="space.200" alignBlock="center" shouldWrap>
            <Box style={{ minWidth: 240 }}><Textfield aria-label="Filter projects" placeholder="Filter projects" value={filter} onChange={(e) => setFilter(e.target.value)} isCompact /></Box>
            <Inline space="space.100">{['held', 'some', 'unknown'].map((s) => <Inline key={s} space="space.050" alignBlock="center"><Box style={{ width: 12, height: 12, background: token(LOOK[s].color), border: cellBorder }} /><Text size="small">{STATE_WORDS[s]}</Text></Inline>)}</Inline>
          </Inline>
          <Box style={{ overflowX: 'auto' }}>
            <table style={{ borderCollapse: 'collapse', fontSize: 12 }}>
              <thead>
                <tr>
                  <th scope="col" style={{ textAlign: 'left', padding: token('space.050'), position: 'sticky', left: 0, background: token('elevation.surface.raised') }}>Project</th>
                  {access.permissions.map((k) => (
                    <th key={k} scope="col" style={{ padding: token('space.050'), verticalAlign: 'bottom', minWidth: 72, maxWidth: 96, fontWeight: 600, color: token('color.text.subtle') }}>
                      <PermissionName permission={k} names={names} />
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, limit).map(({ project, set }) => {
                  const expanded = expand(set);
                  return (
                    <tr key={project.key} data-project={project.key}>
                      <th scope="row" style={{ textAlign: 'left', padding: token('space.050'), whiteSpace: 'nowrap', position: 'sticky', left: 0, background: token('elevation.surface.raised') }}>
                        {project.key} <Text size="small" color="color.text.subtle">{project.name}</Text>
                      </th>
                      {access.permissions.map((k) => {
                        const cell = cellOf(expanded, k);
                        const look = LOOK[cell.state];
                        const label = `${names?.[k]?.name ?? k} in ${project.key}: ${STATE_WORDS[cell.state]}${cell.state === 'empty' ? ', why not?' : ''}`;
                        return (
                          <td key={k} style={{ border: cellBorder, padding: 0 }}>
                            <button type="button" aria-label={label} title={label} data-state={cell.state} data-permission={k}
                              onClick={() => setOpen({ project, permission: k, state: cell.state, paths: (set?.permissions[k] ?? []) })}
                              style={{ width: '100%', minHeight: 28, whiteSpace: 'nowrap', paddingInline: token('space.050'), border: 'none', cursor: 'pointer', background: token(look.color), color: token(look.fg), font: 'inherit' }}>
                              {look.text}
                            </button>
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </Box>
          {rows.length > limit ? <Button onClick={() => setLimit(limit + PROJECTS_SHOWN * 4)}>Show more projects ({(rows.length - limit).toLocaleString('en')} more)</Button> : null}
        </>
      )}
      <ModalTransition>{open ? <CellDialog cell={open} access={access} whyNot={whyNot} names={names} onClose={() => setOpen(null)} /> : null}</ModalTransition>
    </Panel>
  );
}

function Levels({ access }) {
  const rows = [];
  access.cells.forEach((c) => (access.sets[c.set].securityLevels ?? []).forEach((level) => c.projects.forEach((p) => rows.push({ project: access.projects[p], level }))));
  return (
    <Panel title="Issue security levels" testId="levels">
      {rows.length === 0 ? <Text color="color.text.subtle">No issue security level names it, or the projects it reaches have none.</Text> : (
        <table style={{ borderCollapse: 'collapse', width: '100%' }}>
          <thead><tr><th scope="col" style={{ textAlign: 'left' }}>Project</th><th scope="col" style={{ textAlign: 'left' }}>Level</th><th scope="col" style={{ textAlign: 'left' }}>Can see issues at it</th></tr></thead>
          <tbody>{rows.slice(0, 200).map(({ project, level }) => (
            <tr key={`${project.key}-${level.id}`}><td>{project.key}</td><td>{level.name}{level.isDefault ? ' (default)' : ''}</td><td>{level.access === 'yes' ? 'yes' : level.access === 'conditional' ? 'on some issues' : level.access}</td></tr>
          ))}</tbody>
        </table>
      )}
    </Panel>
  );
}

const RESULT = { passes: ['passes', 'success'], fails: ['fails', 'removed'], conditional: ['on some issues', 'moved'], some: ['on some issues', 'moved'], unknown: ['unknown', 'default'] };

function Transitions({ access }) {
  const rows = [];
  access.cells.forEach((c) => (access.sets[c.set].transitions ?? []).forEach((t) => rows.push({ projects: c.projects.map((p) => access.projects[p].key), t })));
  return (
    <Panel title="Workflow transitions" testId="transitions">
      {rows.length === 0 ? <Text color="color.text.subtle">No transition was evaluated for it.</Text> : (
        <table style={{ borderCollapse: 'collapse', width: '100%' }}>
          <thead><tr><th scope="col" style={{ textAlign: 'left' }}>Workflow</th><th scope="col" style={{ textAlign: 'left' }}>Transition</th><th scope="col" style={{ textAlign: 'left' }}>Result</th><th scope="col" style={{ textAlign: 'left' }}>Projects</th></tr></thead>
          <tbody>{rows.slice(0, 300).map(({ projects, t }, i) => {
            const [word, look] = RESULT[t.result] ?? [t.result, 'default'];
            return (
              <tr key={i}><td>{t.workflow}</td><td>{t.name}</td><td><Lozenge appearance={look}>{word}</Lozenge>{t.because?.length ? <Text size="small" color="color.text.subtle"> {t.because.join('; ')}</Text> : null}</td><td><Text size="small">{projects.slice(0, 6).join(', ')}{projects.length > 6 ? ` +${projects.length - 6}` : ''}</Text></td></tr>
            );
          })}</tbody>
        </table>
      )}
    </Panel>
  );
}

function History({ history }) {
  return (
    <Panel title="Registry history" testId="history">
      {history.length === 0 ? <Text color="color.text.subtle">No registry record.</Text> : (
        <ol style={{ margin: 0 }}>
          {history.map((v) => <li key={v.version}><Text>Version {v.version}: {v.action} by {v.byName ?? v.by} at {formatTime(v.at)}{v.why ? ` — ${v.why}` : ''}</Text></li>)}
        </ol>
      )}
    </Panel>
  );
}

export function AccountDetail({ params }) {
  return (
    <Answer functionKey="consoleAccount" payload={{ accountId: params.id }} loading="Loading the account…">
      {(d) => (
        <Stack space="space.200">
          <Button appearance="subtle" onClick={() => navigate('/accounts')}>← All accounts</Button>
          <PageHeader title={d.account.displayName || d.account.accountId}
            actions={<Inline space="space.100"><KindLozenge kind={d.account.kind} />{d.account.jiraAdmin === 'yes' ? <Lozenge appearance="removed" isBold>Jira administrator</Lozenge> : null}</Inline>} />
          <Text size="small" color="color.text.subtlest"><code>{d.account.accountId}</code></Text>
          <AsOf scan={d.scan} products={d.products} />
          <Box data-ready="account" />
          <Registry registry={d.registry} account={d.account} />
          <Findings findings={d.findings} rules={d.rules} omitted={d.findingsOmitted} />
          <AccessGrid access={d.access} whyNot={d.whyNot} names={d.permissionNames} />
          <Panel title="Global permissions" testId="global">
            {d.account.global.length ? <Inline space="space.100" shouldWrap>{d.account.global.map((g) => <Lozenge key={g}><PermissionName permission={g} names={d.permissionNames} /></Lozenge>)}</Inline>
              : <Text color="color.text.subtle">None.</Text>}
            {d.account.jiraAdmin === 'unknown' ? <Text size="small" color="color.text.subtle">Whether it administers Jira is unknown: Jira's check was not asked.</Text> : null}
          </Panel>
          <Levels access={d.access} />
          <Transitions access={d.access} />
          <History history={d.history} />
        </Stack>
      )}
    </Answer>
  );
}
