// Requests for new bots, made from projects' "Bot access" pages: approve one (its registry entry
// becomes active and its Jira issue gets a comment) or decline it with a reason the requester reads.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import { call } from '../../../shared/bridge.js';
import { Box, Failure, Inline, Loading, PageHeader, Panel, Stack, Text, token, useAnswer } from '../../../shared/components.jsx';
import { formatTime } from '../../../shared/format.js';

function RequestCard({ request, onDone }) {
  const { entry } = request;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState(null);
  const decide = async (decision) => {
    setBusy(true);
    setFailure(null);
    const answer = await call(decision === 'approve' ? 'requestApprove' : 'requestDecline', decision === 'approve' ? { id: request.id } : { id: request.id, reason: reason.trim() });
    setBusy(false);
    if (answer.type !== 'success') return setFailure(answer);
    onDone(decision, answer);
  };
  const open = entry.status === 'requested';
  return (
    <Box as="article" aria-label={`Request: ${entry.tool}`} padding="space.150" testId={`request-${request.id}`}
      style={{ border: `1px solid ${token('color.border')}`, borderRadius: token('border.radius', '4px') }}>
      <Stack space="space.100">
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <Text weight="bold">{entry.tool}</Text>
          <Lozenge appearance={open ? 'new' : 'removed'}>{entry.status}</Lozenge>
          <Text color="color.text.subtle">for {(entry.need?.projects ?? []).join(', ')} · asked {formatTime(request.at)}</Text>
          {entry.requestIssue ? <Text color="color.text.subtle">· {entry.requestIssue}</Text> : null}
        </Inline>
        <Text>{entry.purpose}</Text>
        <Text color="color.text.subtle">Needs: {(entry.need?.permissions ?? []).join(', ')} · owner {entry.owner}{entry.backupOwner ? `, backup ${entry.backupOwner}` : ''}</Text>
        {!open && request.why ? <Text color="color.text.subtle">Declined because: {request.why}</Text> : null}
        {failure ? <Failure answer={failure} title="The decision was not recorded" /> : null}
        {open ? (
          <Inline space="space.100" alignBlock="end" shouldWrap>
            <Button appearance="primary" isDisabled={busy} onClick={() => decide('approve')}>Approve</Button>
            <Box style={{ minWidth: '16rem' }}>
              <Textfield aria-label={`Reason to decline ${entry.tool}`} placeholder="Reason to decline" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
            </Box>
            <Button appearance="danger" isDisabled={busy || !reason.trim()} onClick={() => decide('decline')}>Decline</Button>
          </Inline>
        ) : null}
      </Stack>
    </Box>
  );
}

export function Requests() {
  const [answer, reload] = useAnswer('requestsList');
  const [flag, setFlag] = useState(null);
  if (!answer) return <Loading label="Loading requests…" />;
  if (answer.type !== 'success') return <Failure answer={answer} />;
  const { requests } = answer.result;
  const open = requests.filter((r) => r.entry.status === 'requested');
  const closed = requests.filter((r) => r.entry.status !== 'requested');
  const done = (decision, result) => {
    setFlag({ decision, warnings: result.warnings });
    reload();
  };
  return (
    <Stack space="space.200">
      <PageHeader title="Requests for new bots" description="Project admins ask for bots from their project's Bot access page. Approving one registers it as active; declining keeps it, with your reason, in the registry's history." />
      {flag ? (
        <Box role="status" testId="decision">
          <SectionMessage appearance={flag.warnings.length ? 'warning' : 'success'} title={flag.decision === 'approve' ? 'Request approved' : 'Request declined'}>
            {flag.warnings.length ? flag.warnings.map((w) => <p key={w.code}>{w.message}</p>) : <p>Recorded{flag.decision === 'approve' ? '; the bot is now active in the registry' : ''}.</p>}
          </SectionMessage>
        </Box>
      ) : null}
      <Panel title={`Open requests (${open.length})`} testId="open-requests">
        {open.length ? open.map((r) => <RequestCard key={r.id} request={r} onDone={done} />) : <Text>No request is waiting.</Text>}
      </Panel>
      {closed.length ? (
        <Panel title={`Declined (${closed.length})`}>
          {closed.map((r) => <RequestCard key={r.id} request={r} onDone={done} />)}
        </Panel>
      ) : null}
      <div data-ready="requests" />
    </Stack>
  );
}
