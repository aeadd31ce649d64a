// What the governance views share: running a job-backed resolver and waiting for its answer, the
// banner that says when Jira writes are refused here, fields with their own error, a conflict's
// two versions side by side, and a plain token-styled table.
import { useEffect, useState } from 'react';
import Button from '@atlaskit/button/new';
import { ErrorMessage, Label } from '@atlaskit/form';
import SectionMessage from '@atlaskit/section-message';
import { Box, Inline, Stack, Text, token } from '../../../shared/components.jsx';
import { call } from '../../../shared/bridge.js';
import { formatTime } from '../../../shared/format.js';

const POLL_MS = 700;
const POLL_LIMIT = 400; // about five minutes: a job on a large site loads its snapshot first

// Calls a resolver that queues a job (answers `{jobId}`), then polls `governanceJob` until the job
// is done or failed. Answers an envelope: success with the job's answer, or a failure.
export async function runJob(functionKey, payload, onQueued) {
  const queued = await call(functionKey, payload);
  if (queued.type !== 'success') return queued;
  onQueued?.(queued.result);
  for (let i = 0; i < POLL_LIMIT; i += 1) {
    const job = await call('governanceJob', { jobId: queued.result.jobId });
    if (job.type !== 'success') return job;
    if (job.result.status === 'done') return { type: 'success', result: job.result.answer, jobId: queued.result.jobId, warnings: [] };
    if (job.result.status === 'failed') return { type: 'failure', errors: [job.result.error], warnings: [] };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { type: 'failure', errors: [{ code: 'timeout', message: 'the job has not finished yet; look again in a moment' }], warnings: [] };
}

// Display names the page has seen (the caller, searches, the digest), by account id.
export const seenNames = new Map();
export const nameOf = (id) => (id ? seenNames.get(id) ?? id : '');
const ACCOUNT = /^[A-Za-z0-9:._-]{1,128}$/;

// Learns the names of the accounts it is given that the page has not seen yet (Jira's bulk user
// read as the admin), 200 a call. Ids that are not accounts (a job's name) are left as they are.
export async function learnNames(ids) {
  const unknown = [...new Set(ids.filter((id) => typeof id === 'string' && ACCOUNT.test(id) && !seenNames.has(id)))];
  for (let i = 0; i < unknown.length; i += 200) {
    const answer = await call('peopleNames', { accountIds: unknown.slice(i, i + 200) });
    if (answer.type !== 'success') return;
    for (const p of answer.result.people) seenNames.set(p.accountId, p.displayName);
  }
}

// Whether this host lets Steward change Jira (and who the caller is), asked once per page.
let info = null;
export function useGovernanceInfo() {
  const [answer, setAnswer] = useState(info);
  useEffect(() => {
    if (info) return;
    call('governanceInfo').then((a) => {
      if (a.type === 'success') {
        info = a;
        if (a.result.caller) seenNames.set(a.result.caller.accountId, a.result.caller.displayName);
      }
      setAnswer(a);
    });
  }, []);
  return answer?.type === 'success' ? answer.result : null;
}

// Says why changes to Jira are refused on this host, before anyone tries.
export function WritesBanner({ info: current }) {
  if (!current || current.writes.allowed) return null;
  return (
    <SectionMessage appearance="warning" title="Changes to Jira are switched off here" testId="writes-refused">
      <Text as="p">{current.writes.reason}</Text>
    </SectionMessage>
  );
}

// A labelled field whose error shows under it and is announced with it.
export function FieldRow({ id, label, error, help, children, required = false }) {
  return (
    <Stack space="space.050">
      <Label htmlFor={id}>{label}{required ? ' (required)' : ''}</Label>
      {children({ id, 'aria-describedby': error ? `${id}-error` : help ? `${id}-help` : undefined, 'aria-invalid': error ? true : undefined, isInvalid: Boolean(error) })}
      {help && !error ? <Text size="small" color="color.text.subtlest" id={`${id}-help`}>{help}</Text> : null}
      {error ? <Box id={`${id}-error`} testId={`${id}-error`}><ErrorMessage>{error}</ErrorMessage></Box> : null}
    </Stack>
  );
}

const cell = { padding: `${token('space.075')} ${token('space.100')}`, textAlign: 'left', verticalAlign: 'top', borderBottom: `1px solid ${token('color.border')}` };
const head = { ...cell, font: token('font.heading.xxsmall'), color: token('color.text.subtle'), borderBottom: `2px solid ${token('color.border')}` };

// A table with a caption (for screen readers and tests), its header row and rows of cells.
export function Table({ caption, columns, rows, testId, empty = 'Nothing to show.' }) {
  if (!rows.length) return <Text color="color.text.subtlest" testId={testId}>{empty}</Text>;
  return (
    <Box style={{ overflowX: 'auto' }}>
      <table data-testid={testId} style={{ borderCollapse: 'collapse', width: '100%' }}>
        <caption style={{ textAlign: 'left', font: token('font.body.small'), color: token('color.text.subtle'), paddingBlockEnd: token('space.050') }}>{caption}</caption>
        <thead><tr>{columns.map((c) => <th key={c} scope="col" style={head}>{c}</th>)}</tr></thead>
        <tbody>{rows.map((row, i) => <tr key={row.key ?? i}>{row.cells.map((c, j) => <td key={j} style={cell}>{c}</td>)}</tr>)}</tbody>
      </table>
    </Box>
  );
}

// Errors of a failure envelope, each with its message.
export function Problems({ answer, title = 'Not saved' }) {
  if (!answer || answer.type === 'success') return null;
  return (
    <Box role="alert">
      <SectionMessage appearance="error" title={title}>
        {answer.errors.map((e, i) => <Text as="p" key={i}>{e.message}</Text>)}
      </SectionMessage>
    </Box>
  );
}

const pretty = (value) => JSON.stringify(value, null, 2);

// A stale save: the admin's version and the stored one side by side, and what to do with each.
export function ConflictView({ conflict, what = 'entry', onKeepMine, onTakeStored }) {
  const yours = conflict.yours[what] ?? conflict.yours.settings ?? conflict.yours.entry;
  const stored = conflict.stored[what] ?? conflict.stored.settings ?? conflict.stored.entry;
  const pane = { margin: 0, padding: token('space.100'), background: token('color.background.neutral'), borderRadius: token('border.radius', '3px'), whiteSpace: 'pre-wrap', wordBreak: 'break-word', font: token('font.code') };
  return (
    <Box role="alert" testId="conflict">
      <SectionMessage appearance="warning" title="Someone else saved a newer version">
        <Stack space="space.150">
          <Text as="p">You edited version {conflict.yours.basedOn}; version {conflict.stored.version} was saved by {conflict.stored.by ?? 'someone'} at {formatTime(conflict.stored.at)}{conflict.stored.why ? ` (${conflict.stored.why})` : ''}. Nothing was overwritten. Compare them and choose.</Text>
          <Inline space="space.200" alignBlock="start" shouldWrap>
            <Box style={{ flex: '1 1 300px', minWidth: 0 }} testId="conflict-yours">
              <Stack space="space.050"><Text weight="bold">Your version</Text><pre style={pane}>{pretty(yours)}</pre></Stack>
            </Box>
            <Box style={{ flex: '1 1 300px', minWidth: 0 }} testId="conflict-stored">
              <Stack space="space.050"><Text weight="bold">Stored version {conflict.stored.version}</Text><pre style={pane}>{pretty(stored)}</pre></Stack>
            </Box>
          </Inline>
          <Inline space="space.100">
            <Button appearance="primary" onClick={onKeepMine}>Save mine over version {conflict.stored.version}</Button>
            <Button onClick={onTakeStored}>Take the stored version</Button>
          </Inline>
        </Stack>
      </SectionMessage>
    </Box>
  );
}

// One membership change as words.
export function changeText(change, names = {}) {
  const who = names[change.accountId] ?? change.accountId;
  switch (change.op) {
    case 'removeRoleActor': return `Remove ${who} from role ${change.roleId} in ${change.project}`;
    case 'addRoleActor': return `Add ${who} to role ${change.roleId} in ${change.project}`;
    case 'removeGroupMember': return `Remove ${who} from group ${change.groupId}`;
    case 'addGroupMember': return `Add ${who} to group ${change.groupId}`;
    default: return JSON.stringify(change);
  }
}

// A what-if answer: who gains or loses which permission, level or transition, and where.
export function WhatIfDiff({ whatIf, testId = 'whatif-diff' }) {
  if (!whatIf) return null;
  const who = (c) => `${c.displayName || c.accountId}`;
  const gainedLost = (c) => (c.change === 'gained' ? 'gains' : 'loses');
  return (
    <Stack space="space.150" testId={testId}>
      <Text as="p" weight="medium">{whatIf.accountsAffected} account(s) affected in {whatIf.projectsAffected} project(s).</Text>
      {whatIf.truncated ? (
        <Text as="p" color="color.text.subtle" testId={`${testId}-truncated`}>
          Only the first 1,000 rows of each list are shown: {Object.entries(whatIf.truncated).map(([list, n]) => `${n.toLocaleString('en')} ${list}`).join(', ')} in all.
        </Text>
      ) : null}
      <Table caption="Permissions" columns={['Account', 'Change', 'Permission', 'Project', 'Through']} testId={`${testId}-permissions`} empty="No permission changes."
        rows={whatIf.changes.map((c, i) => ({ key: i, cells: [who(c), gainedLost(c), c.permission, c.project, (c.paths ?? []).join('; ') + (c.conditional ? ' (on some issues)' : '')] }))} />
      <Table caption="Issue security levels" columns={['Account', 'Change', 'Level', 'Project']} testId={`${testId}-levels`} empty="No security level changes."
        rows={whatIf.levels.map((c, i) => ({ key: i, cells: [who(c), gainedLost(c), c.levelName || c.levelId, c.project] }))} />
      <Table caption="Workflow transitions" columns={['Account', 'Change', 'Transition', 'Workflow', 'Project']} testId={`${testId}-transitions`} empty="No transition changes."
        rows={whatIf.transitions.map((c, i) => ({ key: i, cells: [who(c), gainedLost(c), c.transitionName || c.transitionId, c.workflow, c.project] }))} />
      {whatIf.unsure.length ? (
        <Table caption="Not known on one side (not counted)" columns={['Account', 'What', 'Key', 'Project', 'Before → after']} testId={`${testId}-unsure`}
          rows={whatIf.unsure.map((c, i) => ({ key: i, cells: [who(c), c.subject, c.key, c.project, `${c.before} → ${c.after}`] }))} />
      ) : null}
    </Stack>
  );
}
