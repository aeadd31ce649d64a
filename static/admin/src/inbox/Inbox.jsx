// Inbox: what the app did with nobody present (the leaver flow, the daily review run) — to which
// bot, for whom, and what an admin must decide — the caller's own due reviews, and the jobs that
// failed after their last try, each with a retry. Everything here is read from stored records.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import { Box, Failure, Inline, Loading, PageHeader, Panel, Stack, Text, useAnswer } from '../../../shared/components.jsx';
import { call, explain } from '../../../shared/bridge.js';
import { formatDate, formatTime, plural } from '../../../shared/format.js';
import { navigate } from '../../../shared/router.js';

const KIND = {
  handOver: ['Handed over', 'success'],
  reviewOpened: ['Review opened', 'inprogress'],
  suspended: ['Suspended', 'removed'],
  findNewBackup: ['Needs a backup owner', 'moved'],
  reminder: ['Review coming up', 'default'],
  due: ['Review due', 'moved'],
  graceExpired: ['Review not answered', 'removed'],
  defaultApplied: ['Default applied', 'removed'],
  deadLetter: ['Job failed', 'removed'],
  restored: ['Restored', 'success'],
};

function KindLabel({ kind }) {
  const [label, appearance] = KIND[kind] ?? [kind, 'default'];
  return <Lozenge appearance={appearance}>{label}</Lozenge>;
}

// A button that runs a resolver, then says how it went and reloads the view.
function Action({ label, functionKey, payload, onDone, appearance = 'default' }) {
  const [state, setState] = useState({ busy: false, answer: null });
  return (
    <Stack space="space.050">
      <Button appearance={appearance} isDisabled={state.busy} onClick={async () => {
        setState({ busy: true, answer: null });
        const answer = await call(functionKey, payload);
        setState({ busy: false, answer });
        if (answer.type === 'success') onDone?.(answer.result);
      }}>{label}</Button>
      {state.answer && state.answer.type !== 'success' ? (
        <Box role="alert"><Text color="color.text.danger">{explain(state.answer.errors?.[0]?.code)} {state.answer.errors?.[0]?.message}</Text></Box>
      ) : null}
    </Stack>
  );
}

function MyReviews() {
  const [answer] = useAnswer('myReviews');
  if (!answer) return <Loading label="Loading your reviews…" />;
  if (answer.type !== 'success') return <Failure answer={answer} />;
  const { items, day } = answer.result;
  return (
    <Panel title="Your reviews" testId="my-reviews">
      {items.length ? items.map((r) => (
        <Inline key={r.accountId} space="space.100" alignBlock="center" shouldWrap>
          <Button appearance="subtle" spacing="compact" onClick={() => navigate(`/accounts/${encodeURIComponent(r.accountId)}`)}>{r.displayName || r.accountId}</Button>
          <Lozenge appearance={r.state === 'overdue' || r.state === 'graceExpired' ? 'removed' : 'moved'}>{r.state}</Lozenge>
          <Text color="color.text.subtle">{r.due ? `due ${formatDate(r.due)}` : 'never reviewed'}</Text>
        </Inline>
      )) : <Text color="color.text.subtle">{day ? `No review waits for you (as of the daily run of ${formatDate(day)}).` : 'The daily run has not listed the reviews yet.'}</Text>}
    </Panel>
  );
}

function DeadLetters({ onChange }) {
  const [answer, reload] = useAnswer('deadLetters');
  if (!answer) return <Loading label="Loading failed jobs…" />;
  if (answer.type !== 'success') return <Failure answer={answer} />;
  if (!answer.result.length) return null;
  return (
    <Panel title={`Failed jobs (${answer.result.length})`} testId="dead-letters">
      {answer.result.map((letter) => (
        <Stack key={letter.key} space="space.050">
          <Inline space="space.100" alignBlock="center" shouldWrap>
            <Text weight="bold">{letter.kind}</Text>
            <code>{letter.key}</code>
            <Text color="color.text.subtle">{plural(letter.attempts, 'try', 'tries')}, last {formatTime(letter.at)}</Text>
          </Inline>
          <Text color="color.text.danger">{letter.error?.message}</Text>
          <Box><Action label="Retry" functionKey="retryJob" payload={{ key: letter.key }} onDone={() => { reload(); onChange(); }} /></Box>
        </Stack>
      ))}
    </Panel>
  );
}

function Notice({ notice, onChange }) {
  const open = notice.state === 'open';
  return (
    <Box as="li" padding="space.150" backgroundColor={open ? 'elevation.surface.raised' : 'elevation.surface.sunken'}
      style={{ listStyle: 'none', borderRadius: 'var(--ds-border-radius-100, 4px)' }} testId="notice">
      <Stack space="space.075">
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <KindLabel kind={notice.kind} />
          {notice.botId ? <Button appearance="subtle" spacing="compact" onClick={() => navigate(`/accounts/${encodeURIComponent(notice.botId)}`)}>{notice.botName || notice.botId}</Button> : null}
          <Text size="small" color="color.text.subtlest">{formatTime(notice.at)}</Text>
          {open ? null : <Lozenge>handled</Lozenge>}
        </Inline>
        <Text>{notice.message}</Text>
        {notice.decide && open ? <Text weight="medium">To decide: {notice.decide}</Text> : null}
        {open ? (
          <Inline space="space.100">
            {notice.kind === 'suspended' || notice.kind === 'defaultApplied' ? (
              <Action label="Restore the bot" functionKey="restoreBot" payload={{ accountId: notice.botId }} onDone={onChange} />
            ) : null}
            <Action label="Mark handled" appearance="subtle" functionKey="inboxHandle" payload={{ id: notice.id, version: notice.version }} onDone={onChange} />
          </Inline>
        ) : null}
      </Stack>
    </Box>
  );
}

export function Inbox() {
  const [answer, reload] = useAnswer('inbox');
  const [ran, setRan] = useState(null);
  if (!answer) return <Loading label="Loading the inbox…" />;
  if (answer.type !== 'success') return <Failure answer={answer} />;
  const { notices, counts, total, deadLetters } = answer.result;
  return (
    <Stack space="space.300">
      <PageHeader title="Inbox" description="What Steward did while nobody was looking — when a person left, when a review came due — and what you must decide."
        actions={<Action label="Run the daily check now" functionKey="runSchedule" payload={{ schedule: 'daily' }} onDone={(r) => { setRan(r); setTimeout(reload, 1500); }} />} />
      <Box data-ready="inbox" />
      {ran ? <SectionMessage appearance="information" title={ran.queued ? 'The daily check is queued' : 'Today\'s daily check has run already'}><p>{ran.queued ?? ran.ignored}</p></SectionMessage> : null}
      <Inline space="space.300" shouldWrap>
        <Text testId="inbox-open"><strong>{counts.open}</strong> open</Text>
        <Text><strong>{counts.toDecide}</strong> to decide</Text>
        <Text><strong>{deadLetters}</strong> failed {deadLetters === 1 ? 'job' : 'jobs'}</Text>
      </Inline>
      <MyReviews />
      <DeadLetters onChange={reload} />
      <Panel title={`Notices (${total})`} testId="notices">
        {notices.length ? (
          <Stack as="ul" space="space.100" style={{ padding: 0, margin: 0 }}>
            {notices.map((n) => <Notice key={n.id} notice={n} onChange={reload} />)}
          </Stack>
        ) : <Text color="color.text.subtle">Nothing has happened yet: the daily check reads every owner's status and the reviews due.</Text>}
      </Panel>
    </Stack>
  );
}

// The overview's summary of the inbox: counts and the way in.
export function InboxSummary() {
  const [answer] = useAnswer('inboxCounts');
  if (!answer || answer.type !== 'success') return null;
  const c = answer.result;
  return (
    <Panel title="Inbox" testId="inbox-summary">
      <Text>{plural(c.open, 'open notice')}, {c.toDecide} to decide{c.deadLetters ? `, ${plural(c.deadLetters, 'failed job')}` : ''}.</Text>
      <Button appearance="link" onClick={() => navigate('/inbox')}>Open the inbox</Button>
    </Panel>
  );
}
