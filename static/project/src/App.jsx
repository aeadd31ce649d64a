// "Bot access" (Project settings): who can act in this project and how, and the project admin's
// say over the project's service-account role — add or remove a registered bot after reading what
// changes, undo a change, request a new bot. Everything shown comes from the project's stored page
// (`projectBots`); a change goes to Jira as the person using the page.
import { useEffect, useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import { Checkbox } from '@atlaskit/checkbox';
import EmptyState from '@atlaskit/empty-state';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { view } from '@forge/bridge';
import { call } from '../../shared/bridge.js';
import {
  Box, Collapsed, Failure, Inline, KindLozenge, Loading, PageHeader, Panel, PermissionName, ScanBar, SeverityLozenge, Stack, Text,
  Warnings, token, useAnswer,
} from '../../shared/components.jsx';
import { formatDate, formatTime, plural } from '../../shared/format.js';
import { PathSentence } from '../../shared/paths.jsx';

const KIND_WORDS = {
  service: ['service account', 'service accounts'], app: ['app', 'apps'], unknown: ['account of unknown type', 'accounts of unknown type'],
  shadow: ['shadow-bot suspect', 'shadow-bot suspects'],
};
const KIND_ORDER = ['service', 'app', 'unknown', 'shadow'];
const byKindThenName = (a, b) => (KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind))
  || a.displayName.localeCompare(b.displayName, 'en') || a.accountId.localeCompare(b.accountId);
const RESULT_LOOK = { passes: 'success', fails: 'removed', conditional: 'moved', unknown: 'default' };

// What a refusal means to the person reading it.
const REFUSALS = {
  forbidden: 'You cannot manage bot access in this project',
  'bad-context': 'This page was not opened from a project',
  'wrong-project': 'This page only answers for its own project',
  'no-project-page': 'This project is not in the last scan',
};

export function App() {
  const [answer, reload] = useAnswer('projectBots');
  if (!answer) return <Box padding="space.300"><Loading label="Loading bot access…" /></Box>;
  if (answer.type !== 'success') {
    const code = answer.errors?.[0]?.code;
    return (
      <Box padding="space.300" testId="project-refused">
        <Stack space="space.200">
          <PageHeader title="Bot access" />
          {code === 'no-snapshot' ? (
            <Stack space="space.200">
              <EmptyState header="No scan yet" description="Steward shows the bots that can act here once a Jira admin has scanned the site (Apps → Service Accounts). A scan reads the whole site and spends the app's Jira quota, so project admins do not start one." />
              <ScanBar onFinished={reload} />
            </Stack>
          ) : <Failure answer={answer} title={REFUSALS[code]} />}
          <div data-ready="project" />
        </Stack>
      </Box>
    );
  }
  return <ProjectPage data={answer.result} warnings={answer.warnings} reload={reload} />;
}

// ---- the page -----------------------------------------------------------------------------------

function ProjectPage({ data, warnings, reload }) {
  const { project, accounts, broad } = data;
  const person = (id) => (id ? data.people?.[id]?.displayName ?? id : null);
  const direct = accounts.filter((a) => !a.broadOnly).sort(byKindThenName);
  const kinds = useMemo(() => {
    const counts = {};
    for (const a of accounts) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
    return counts;
  }, [accounts]);
  const total = direct.length + broad.count;
  const [flag, setFlag] = useState(null);
  const done = (message) => {
    setFlag(message);
    reload();
  };
  return (
    <Box padding="space.300">
      <Stack space="space.300">
        <PageHeader title="Bot access" description={`Which bots can act in ${project.name} (${project.key}), what each can do there and through which path.`} />
        <Stack space="space.100">
          <Text size="small" color="color.text.subtlest" testId="data-as-of">Data as of {formatTime(data.scan?.collectedAt)}</Text>
          <ScanBar onFinished={reload} />
        </Stack>
        {flag ? (
          <Box role="status" testId="flag">
            <SectionMessage appearance={flag.ok ? 'success' : 'error'} title={flag.title}>
              <p>{flag.message}</p>
            </SectionMessage>
          </Box>
        ) : null}
        <Text as="p" testId="summary">
          {total === 0 ? 'No bot or app account can act in this project.' : (
            <>{plural(total, 'bot or integration account', 'bots and integration accounts')} can act here
              {Object.keys(kinds).length ? ` (${Object.entries(kinds).sort().map(([k, n]) => `${n} ${(KIND_WORDS[k] ?? [k, k])[n === 1 ? 0 : 1]}`).join(', ')}${broad.count > broad.listed ? ', and more reaching it through broad grants' : ''})` : ''}
              {broad.count ? `; ${broad.count} of them only through broad grants` : ''}.</>
          )}
        </Text>
        <RolePanel data={data} person={person} onDone={done} />
        <Panel title="Who can act here" testId="bots">
          {direct.length ? <AccountCards accounts={direct} data={data} person={person} /> : <Text>No bot holds anything here other than through broad grants.</Text>}
        </Panel>
        <BroadPanel data={data} />
        <FindingsPanel data={data} />
        <HistoryPanel data={data} person={person} onDone={done} />
        <RequestPanel data={data} person={person} onDone={done} />
        <Warnings warnings={warnings} />
        <div data-ready="project" data-view="bots" />
      </Stack>
    </Box>
  );
}

// ---- an account -----------------------------------------------------------------------------------

// On a large site hundreds of bots may reach one project through its groups: the cards come
// CARDS_SHOWN at a time, so the page is interactive at once whatever the project.
const CARDS_SHOWN = 25;

function AccountCards({ accounts, data, person }) {
  const [shown, setShown] = useState(CARDS_SHOWN);
  const rest = accounts.length - shown;
  return (
    <Stack space="space.200">
      {accounts.slice(0, shown).map((a) => <AccountCard key={a.accountId} account={a} data={data} person={person} />)}
      {rest > 0 ? (
        <Inline>
          <Button onClick={() => setShown(shown + CARDS_SHOWN)}>{`Show ${Math.min(rest, CARDS_SHOWN)} more of ${rest}`}</Button>
        </Inline>
      ) : null}
    </Stack>
  );
}

function Fact({ label, children }) {
  return (
    <Inline space="space.050" alignBlock="baseline">
      <Text color="color.text.subtle">{label}:</Text>
      {children ?? <Text color="color.text.subtlest">not recorded</Text>}
    </Inline>
  );
}

function AccountCard({ account, data, person }) {
  const set = data.sets[account.set];
  const { registry } = account;
  const findings = data.findings.filter((f) => f.accountId === account.accountId);
  const permissions = Object.entries(set.permissions);
  return (
    <Box as="article" aria-label={account.displayName} padding="space.150"
      style={{ border: `1px solid ${token('color.border')}`, borderRadius: token('border.radius', '4px') }} testId={`bot-${account.accountId}`}>
      <Stack space="space.150">
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <Heading size="xsmall" as="h3">{account.displayName}</Heading>
          <KindLozenge kind={account.kind} />
          {account.active ? null : <Lozenge appearance="removed">deactivated</Lozenge>}
          {account.jiraAdmin === 'yes' ? <Lozenge appearance="removed" isBold>Jira administrator</Lozenge> : null}
          {set.coverage !== 'complete' ? <Lozenge appearance="moved">{set.coverage === 'partial' ? 'partly unknown' : 'unknown'}</Lozenge> : null}
        </Inline>
        <Inline space="space.300" shouldWrap>
          {registry.registered ? (
            <>
              <Fact label="Owner">{registry.owner ? <Text>{person(registry.owner)}</Text> : null}</Fact>
              <Fact label="Backup owner">{registry.backupOwner ? <Text>{person(registry.backupOwner)}</Text> : null}</Fact>
              <Fact label="Next review">{registry.nextDue ? <Text>{formatDate(registry.nextDue)}</Text> : <Text color="color.text.subtlest">{registry.lastReview ? `one cadence after ${formatDate(registry.lastReview)}` : 'never reviewed: due now'}</Text>}</Fact>
              <Fact label="Status"><Lozenge appearance={registry.status === 'active' ? 'success' : 'moved'}>{registry.status}</Lozenge></Fact>
              {registry.inScope ? null : <Lozenge appearance="moved">outside its registered projects</Lozenge>}
            </>
          ) : <Text color="color.text.warning">Not registered: nobody answers for this account. A Jira admin registers it on Apps → Service Accounts.</Text>}
        </Inline>
        <Stack space="space.100">
          <Heading size="xxsmall" as="h4">Permissions ({permissions.length})</Heading>
          {permissions.length ? (
            <Box as="ul" style={{ margin: 0, paddingInlineStart: token('space.250') }}>
              {permissions.map(([key, ids]) => (
                <li key={key}>
                  <Stack space="space.050">
                    <Text weight="medium"><PermissionName permission={key} /></Text>
                    {ids.map((i) => <PathSentence key={i} path={data.paths[i]} />)}
                  </Stack>
                </li>
              ))}
            </Box>
          ) : <Text color="color.text.subtlest">None</Text>}
          {set.unresolved?.length ? (
            <SectionMessage appearance="warning" title="Not every grant could be evaluated">
              <ul>{set.unresolved.map((u, i) => <li key={i}>{u.permission === '*' ? 'Every permission' : u.permission}: {u.reason}</li>)}</ul>
            </SectionMessage>
          ) : null}
        </Stack>
        {set.securityLevels?.length ? (
          <Stack space="space.100">
            <Heading size="xxsmall" as="h4">Issue security levels it can see</Heading>
            <Inline space="space.100" shouldWrap>
              {set.securityLevels.map((l) => (
                <Lozenge key={l.id} appearance={l.access === 'yes' ? 'inprogress' : 'moved'}>{l.name}{l.access === 'yes' ? '' : ` (${l.access})`}</Lozenge>
              ))}
            </Inline>
          </Stack>
        ) : null}
        {set.transitions?.length ? (
          <Stack space="space.100">
            <Heading size="xxsmall" as="h4">Workflow transitions</Heading>
            <Collapsed items={set.transitions} limit={6} label="transitions" render={(t) => (
              <Lozenge key={`${t.workflow}-${t.id}`} appearance={RESULT_LOOK[t.result] ?? 'default'}>{t.name}: {t.result}</Lozenge>
            )} />
          </Stack>
        ) : null}
        {findings.length ? (
          <Stack space="space.100">
            <Heading size="xxsmall" as="h4">Findings</Heading>
            {findings.map((f, i) => <FindingLine key={i} finding={f} />)}
          </Stack>
        ) : null}
      </Stack>
    </Box>
  );
}

function FindingLine({ finding }) {
  return (
    <Stack space="space.050">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <SeverityLozenge severity={finding.severity} />
        <Text weight="medium">{finding.title}</Text>
        {finding.displayName ? <Text color="color.text.subtle">{finding.displayName}</Text> : null}
      </Inline>
      <Text>{finding.message}</Text>
      {finding.lines?.length ? (
        <Box as="ul" style={{ margin: 0, paddingInlineStart: token('space.250') }} aria-label="Its paths in this project">
          {finding.lines.map((line) => <li key={line}><Text size="small" color="color.text.subtle">{line}</Text></li>)}
        </Box>
      ) : null}
      <Text color="color.text.subtle">Fix: {finding.fix}</Text>
    </Stack>
  );
}

// ---- broad grants -----------------------------------------------------------------------------------

function narrowing(path) {
  const scheme = path.origin?.schemeName ? `“${path.origin.schemeName}”` : 'this project’s permission scheme';
  switch (path.via?.kind) {
    case 'anyone':
      return `The grant to anyone in ${scheme} lets every account, and anonymous visitors, in. A Jira admin replaces it with a grant to a project role (such as the service-account role) and adds only the accounts that need it.`;
    case 'any-logged-in':
      return `The grant to any logged-in user in ${scheme} reaches every bot on the site. A Jira admin replaces it with a grant to a project role and adds the people and bots that need it.`;
    case 'application-role':
      return `The grant to everyone with product access in ${scheme} reaches every licensed account. A Jira admin replaces it with a grant to a project role.`;
    case 'group':
      return `The grant to the broad group “${path.via.name}” in ${scheme} reaches all its members. A Jira admin grants a project role instead, or takes the bots out of the group.`;
    default:
      return null;
  }
}

function BroadPanel({ data }) {
  const { broad } = data;
  const listed = data.accounts.filter((a) => a.broadOnly);
  const grants = useMemo(() => {
    const seen = new Map();
    for (const a of listed) {
      for (const ids of Object.values(data.sets[a.set].permissions)) {
        for (const i of ids) seen.set(i, data.paths[i]);
      }
    }
    return [...seen.values()];
  }, [data, listed]);
  if (!broad.count) return null;
  const kinds = Object.entries(broad.kinds).map(([k, n]) => `${n} ${(KIND_WORDS[k] ?? [k, k])[n === 1 ? 0 : 1]}`).join(', ');
  return (
    <Panel title="Reaching this project only through broad grants" testId="broad">
      <Text as="p">{plural(broad.count, 'account')} ({kinds}) can act here only because a grant is open to many. They are not in any role or group of this project, so nobody decided they should be here.</Text>
      <Collapsed items={listed} limit={12} label="accounts" render={(a) => (
        <span key={a.accountId} data-broad-account={a.displayName}><Lozenge>{a.displayName}</Lozenge></span>
      )} />
      {broad.count > broad.listed ? <Text color="color.text.subtle">and {broad.count - broad.listed} more</Text> : null}
      <Heading size="xxsmall" as="h3">The broad grants, and how to narrow them</Heading>
      <Stack space="space.150">
        {grants.map((p) => (
          <Stack key={p.text} space="space.050">
            <PathSentence path={p} />
            {narrowing(p) ? <Text color="color.text.subtle">{narrowing(p)}</Text> : null}
          </Stack>
        ))}
      </Stack>
    </Panel>
  );
}

function FindingsPanel({ data }) {
  if (!data.findingsKnown) {
    return (
      <Panel title="Findings about this project" testId="findings">
        <Text color="color.text.subtle">The findings of the last scan are not stored with this project yet; the admin page lists them.</Text>
      </Panel>
    );
  }
  return (
    <Panel title={`Findings about this project (${data.findings.length})`} testId="findings">
      {data.findings.length ? data.findings.map((f, i) => <FindingLine key={i} finding={f} />) : <Text>No finding concerns this project.</Text>}
    </Panel>
  );
}

// ---- the service-account role ---------------------------------------------------------------------

function RolePanel({ data, person, onDone }) {
  const { role } = data;
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState(null);
  const name = role.name ?? role.wanted;
  // Bots added since the scan are named by the change that added them.
  const names = new Map([...data.changes.map((c) => [c.accountId, c.displayName]), ...data.accounts.map((a) => [a.accountId, a.displayName])]);
  const users = role.usersNow ?? null;
  return (
    <Panel title={`The “${name}” role`} testId="role"
      actions={data.roleProblem ? null : <Button appearance="primary" onClick={() => setAdding(true)}>Add a bot</Button>}>
      <Text as="p">Bots should reach this project through this role, and you decide who is in it: empty the role and no bot acts here through it.</Text>
      {data.roleProblem ? (
        <Box testId="role-problem">
          <SectionMessage appearance="warning" title={role.problem === 'no-grants' ? 'The role gives nothing here' : 'The role cannot be used here'}>
            <p>{data.roleProblem.message}</p>
          </SectionMessage>
        </Box>
      ) : (
        <Stack space="space.100">
          <Inline space="space.050" shouldWrap alignBlock="center">
            <Text color="color.text.subtle">Membership gives:</Text>
            {role.grants.map((g) => <Lozenge key={`${g.permission}-${g.grantId}`}><PermissionName permission={g.permission} /></Lozenge>)}
            {role.levels.map((l) => <Lozenge key={l.id} appearance="inprogress">sees level {l.name}</Lozenge>)}
          </Inline>
          {users === null ? (
            <Text color="color.text.subtle">The last scan did not read who is in this role here; Jira has the final word on each change.</Text>
          ) : users.length ? (
            <Box as="ul" style={{ margin: 0, paddingInlineStart: token('space.250') }} aria-label="Bots in the role" testId="role-members">
              {users.map((id) => (
                <li key={id}>
                  <Inline space="space.100" alignBlock="center">
                    <Text>{names.get(id) ?? person(id)}</Text>
                    <Button appearance="subtle" spacing="compact" onClick={() => setRemoving({ accountId: id, displayName: names.get(id) ?? person(id) })}
                      aria-label={`Remove ${names.get(id) ?? person(id)} from the role`}>Remove</Button>
                  </Inline>
                </li>
              ))}
            </Box>
          ) : <Text testId="role-members">Nobody is in the role here.</Text>}
          {role.changedSinceScan ? <Text size="small" color="color.text.subtlest">Includes {plural(role.changedSinceScan, 'change')} made here since the last scan.</Text> : null}
        </Stack>
      )}
      {adding ? <ChangeDialog op="add" roleName={name} onClose={() => setAdding(false)} onDone={onDone} /> : null}
      {removing ? <ChangeDialog op="remove" roleName={name} account={removing} onClose={() => setRemoving(null)} onDone={onDone} /> : null}
    </Panel>
  );
}

function DiffList({ title, items, appearance }) {
  if (!items.length) return null;
  return (
    <Stack space="space.050">
      <Text weight="medium">{title}</Text>
      <Inline space="space.050" shouldWrap>
        {items.map((x) => (
          <Lozenge key={x.permission ?? x.level} appearance={appearance}>
            {x.permission ? <PermissionName permission={x.permission} /> : `level ${x.levelName}`}
          </Lozenge>
        ))}
      </Inline>
    </Stack>
  );
}

// Add (choose a registered bot) or remove (`account`), the diff first, then the change with a reason.
function ChangeDialog({ op, roleName, account, onClose, onDone }) {
  const [offers, setOffers] = useState(null);
  const [chosen, setChosen] = useState(account ?? null);
  const [preview, setPreview] = useState(null);
  const [why, setWhy] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    if (op === 'add') call('projectOffers').then(setOffers);
  }, [op]);
  useEffect(() => {
    setPreview(null);
    setConfirmed(false);
    if (chosen) call('projectRolePreview', { op, accountId: chosen.accountId }).then(setPreview);
  }, [op, chosen]);
  const needsConfirmation = preview?.type === 'success' && preview.result.needsConfirmation;
  const ready = preview?.type === 'success' && why.trim() && (!needsConfirmation || confirmed) && !busy;
  const apply = async () => {
    setBusy(true);
    const answer = await call('projectRoleApply', { op, accountId: chosen.accountId, why: why.trim(), ...(needsConfirmation ? { confirmOutsideScope: true } : {}) });
    setBusy(false);
    if (answer.type !== 'success') return setFailure(answer);
    onClose();
    onDone({ ok: true, title: op === 'add' ? `${chosen.displayName} added to “${roleName}”` : `${chosen.displayName} removed from “${roleName}”`, message: 'Jira made the change as you. It is in the history below, where you can undo it.' });
  };
  const title = op === 'add' ? `Add a bot to “${roleName}”` : `Remove ${account.displayName} from “${roleName}”`;
  const diff = preview?.type === 'success' ? preview.result.diff : null;
  return (
    <ModalTransition>
      <Modal onClose={onClose} width="large" label={title}>
        <ModalHeader><ModalTitle>{title}</ModalTitle></ModalHeader>
        <ModalBody>
          <Stack space="space.200">
            {op === 'add' ? (
              offers === null ? <Loading label="Loading the registered bots…" /> : offers.type !== 'success' ? <Failure answer={offers} /> : (
                <Stack space="space.050">
                  <label htmlFor="bot-select"><Text weight="medium">Registered, active bot</Text></label>
                  <Select inputId="bot-select" aria-label="Registered, active bot" placeholder="Choose a bot"
                    options={offers.result.offers.map((o) => ({ label: `${o.displayName}${o.inScope ? '' : ' (outside its registered projects)'}`, value: o.accountId, offer: o }))}
                    onChange={(option) => setChosen(option ? { accountId: option.value, displayName: option.offer.displayName } : null)} />
                  {offers.result.offers.length ? null : <Text color="color.text.subtle">No registered, active bot is left to add. A Jira admin registers bots on Apps → Service Accounts, or request a new one below.</Text>}
                </Stack>
              )
            ) : null}
            {chosen && !preview ? <Loading label="Working out what changes…" /> : null}
            {preview?.type === 'failure' ? <Failure answer={preview} title="This change cannot be made" /> : null}
            {diff ? (
              <Box testId="diff">
                <Stack space="space.150">
                  <Heading size="xxsmall" as="h3">What changes in this project</Heading>
                  <DiffList title={`${chosen.displayName} gains`} items={diff.gains} appearance="success" />
                  <DiffList title={`${chosen.displayName} loses`} items={diff.losses} appearance="removed" />
                  <DiffList title="It holds these already through other paths (no change)" items={diff.unchanged} appearance="default" />
                  {!diff.gains.length && !diff.losses.length ? <Text>{chosen.displayName}'s permissions here do not change.</Text> : null}
                  <Text color="color.text.subtle">Nobody else is affected: the role gets or loses this one account. {diff.transitions}.</Text>
                  {preview.warnings.map((w) => (
                    <SectionMessage key={w.code} appearance="warning" title={w.code === 'outside-scope' ? 'Outside its registered projects' : 'Worth knowing'}>
                      <p>{w.message}</p>
                    </SectionMessage>
                  ))}
                  {needsConfirmation ? (
                    <Checkbox isChecked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} label="Add it here anyway" name="confirm-outside-scope" />
                  ) : null}
                  <Stack space="space.050">
                    <label htmlFor="change-why"><Text weight="medium">Why (kept in the history)</Text></label>
                    <TextArea id="change-why" aria-label="Why" value={why} onChange={(e) => setWhy(e.target.value)} maxLength={500} minimumRows={2} />
                  </Stack>
                </Stack>
              </Box>
            ) : null}
            {failure ? <Failure answer={failure} title="Jira did not make the change" /> : null}
          </Stack>
        </ModalBody>
        <ModalFooter>
          <Button appearance="subtle" onClick={onClose}>Cancel</Button>
          <Button appearance={op === 'add' ? 'primary' : 'danger'} isDisabled={!ready} onClick={apply}>{op === 'add' ? 'Add to the role' : 'Remove from the role'}</Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
}

// ---- history and undo ---------------------------------------------------------------------------

function HistoryPanel({ data, person, onDone }) {
  const [busy, setBusy] = useState(null);
  const [failure, setFailure] = useState(null);
  const undo = async (change) => {
    setBusy(change.changeId);
    setFailure(null);
    const answer = await call('projectRoleUndo', { changeId: change.changeId, why: `undo of “${change.why ?? change.op}”`.slice(0, 500) });
    setBusy(null);
    if (answer.type !== 'success') return setFailure(answer);
    onDone({ ok: true, title: 'Change undone', message: `${change.displayName} is ${change.op === 'addRoleActor' ? 'out of' : 'back in'} the role, as before.` });
  };
  return (
    <Panel title="Changes made here" testId="history">
      {failure ? <Failure answer={failure} title="The change could not be undone" /> : null}
      {data.changes.length ? (
        <Box as="ul" style={{ margin: 0, paddingInlineStart: 0, listStyle: 'none' }}>
          {data.changes.map((c) => (
            <li key={c.changeId}>
              <Box paddingBlock="space.100" style={{ borderBottom: `1px solid ${token('color.border')}` }}>
                <Inline space="space.100" alignBlock="center" spread="space-between" shouldWrap>
                  <Stack space="space.025">
                    <Text>
                      {formatTime(c.at)} · {person(c.by)} {c.op === 'addRoleActor' ? 'added' : 'removed'} <strong>{c.displayName}</strong> {c.op === 'addRoleActor' ? 'to' : 'from'} “{c.roleName}”
                      {c.undoes ? ' (an undo)' : ''}
                    </Text>
                    <Text size="small" color="color.text.subtle">Why: {c.why ?? 'not given'}{c.ok ? '' : ` · Jira refused: ${c.message}`}</Text>
                  </Stack>
                  {!c.ok ? <Lozenge appearance="removed">refused</Lozenge>
                    : c.undone ? <Lozenge>undone</Lozenge>
                      : <Button appearance="default" spacing="compact" isDisabled={busy !== null} onClick={() => undo(c)} aria-label={`Undo: ${c.op === 'addRoleActor' ? 'add' : 'remove'} ${c.displayName}${c.undoes ? ' (an undo)' : ''}`}>Undo</Button>}
                </Inline>
              </Box>
            </li>
          ))}
        </Box>
      ) : <Text>No change has been made from this page yet.</Text>}
    </Panel>
  );
}

// ---- requests -----------------------------------------------------------------------------------

function RequestPanel({ data, person, onDone }) {
  const [me, setMe] = useState(null);
  const [form, setForm] = useState({ purpose: '', tool: '', needTemplate: null, owner: '', backupOwner: '' });
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState(null);
  useEffect(() => {
    view.getContext().then((c) => setMe(c?.accountId ?? null)).catch(() => setMe(null));
  }, []);
  const set = (field) => (e) => setForm({ ...form, [field]: e?.target ? e.target.value : e });
  const submit = async () => {
    setBusy(true);
    setFailure(null);
    const payload = {
      purpose: form.purpose.trim(), tool: form.tool.trim(), needTemplate: form.needTemplate?.value,
      owner: form.owner.trim() || me || undefined, ...(form.backupOwner.trim() ? { backupOwner: form.backupOwner.trim() } : {}),
    };
    const answer = await call('projectRequestBot', payload);
    setBusy(false);
    if (answer.type !== 'success') return setFailure(answer);
    setForm({ purpose: '', tool: '', needTemplate: null, owner: '', backupOwner: '' });
    const issue = answer.result.request.requestIssue;
    onDone({ ok: true, title: 'Request recorded', message: `A Jira admin approves it on Apps → Service Accounts.${issue ? ` It is also filed as ${issue}.` : ''}${answer.warnings.map((w) => ` ${w.message}.`).join('')}` });
  };
  return (
    <Panel title="Request a new bot" testId="request">
      <Text as="p">Need an integration that no registered bot covers? Ask for one: the request is kept in the registry{data.requestProject ? ` and filed as an issue in ${data.requestProject}` : ''}, for a Jira admin to approve.</Text>
      <Box as="form" onSubmit={(e) => { e.preventDefault(); submit(); }} aria-label="Request a new bot">
        <Stack space="space.150">
          <Stack space="space.050">
            <label htmlFor="request-purpose"><Text weight="medium">Purpose</Text></label>
            <TextArea id="request-purpose" value={form.purpose} onChange={set('purpose')} maxLength={500} minimumRows={2} isRequired />
          </Stack>
          <Stack space="space.050">
            <label htmlFor="request-tool"><Text weight="medium">Tool or integration</Text></label>
            <Textfield id="request-tool" value={form.tool} onChange={set('tool')} maxLength={200} isRequired />
          </Stack>
          <Stack space="space.050">
            <label htmlFor="request-need"><Text weight="medium">What it needs here</Text></label>
            <Select inputId="request-need" aria-label="What it needs here" value={form.needTemplate} onChange={(option) => setForm({ ...form, needTemplate: option })}
              options={data.needTemplates.map((t) => ({ label: t.label, value: t.id }))} placeholder="Choose a template" />
          </Stack>
          <Inline space="space.200" shouldWrap>
            <Stack space="space.050">
              <label htmlFor="request-owner"><Text weight="medium">Owner (account id; you if empty)</Text></label>
              <Textfield id="request-owner" value={form.owner} onChange={set('owner')} placeholder={me ?? ''} maxLength={128} />
            </Stack>
            <Stack space="space.050">
              <label htmlFor="request-backup"><Text weight="medium">Backup owner (account id)</Text></label>
              <Textfield id="request-backup" value={form.backupOwner} onChange={set('backupOwner')} maxLength={128} />
            </Stack>
          </Inline>
          {failure ? <Failure answer={failure} title="The request was not recorded" /> : null}
          <Inline>
            <Button type="submit" appearance="primary" isDisabled={busy || !form.purpose.trim() || !form.tool.trim() || !form.needTemplate}>Send the request</Button>
          </Inline>
        </Stack>
      </Box>
      {data.requests.length ? (
        <Stack space="space.100" testId="open-requests">
          <Heading size="xxsmall" as="h3">Open requests for this project</Heading>
          {data.requests.map((r) => (
            <Text key={r.id}>{r.tool}: {r.purpose} · asked by {person(r.requester)}{r.requestIssue ? ` · ${r.requestIssue}` : ''}</Text>
          ))}
        </Stack>
      ) : null}
    </Panel>
  );
}
