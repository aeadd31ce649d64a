// Reviews: the due list (most overdue first; the caller's own when they review), each bot's
// reviewer chain, findings and access; a decision (keep, reduce to need, suspend, retire, restore)
// with a comment, prepared first — the Jira changes, the least-privilege plan and the what-if diff
// of everyone affected — and applied only when the admin says so, through Jira as the admin.
import { useEffect, useState } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { RadioGroup } from '@atlaskit/radio';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import TextArea from '@atlaskit/textarea';
import { Checkbox } from '@atlaskit/checkbox';
import { Box, Failure, Inline, Loading, PageHeader, Panel, SeverityLozenge, Stack, Text } from '../../../shared/components.jsx';
import { call } from '../../../shared/bridge.js';
import { formatDate } from '../../../shared/format.js';
import { FieldRow, Table, WhatIfDiff, WritesBanner, changeText, runJob, useGovernanceInfo } from './common.jsx';
import { nameOf, readReviews } from './Register.jsx';

const STATES = {
  graceExpired: ['Grace period over', 'removed'], overdue: ['Overdue', 'removed'], due: ['Due today', 'moved'],
  neverReviewed: ['Never reviewed', 'moved'], upcoming: ['Coming up', 'inprogress'],
};
const DECISIONS = {
  keep: 'Keep as it is',
  reduce: 'Reduce to the declared need',
  suspend: 'Suspend (remove every role and group membership, kept for restore)',
  retire: 'Retire (remove every membership; no more reviews)',
  restore: 'Restore (put back exactly what the suspension removed)',
};

function Proposal({ proposal, info, onApplied }) {
  const [applying, setApplying] = useState(false);
  const [outcome, setOutcome] = useState(null);
  const id = proposal.decision.id.replace(/^review:/, '');
  const kind = proposal.decision.decision;
  const apply = async () => {
    setApplying(true);
    const answer = await call('applyDecision', { jobId: id });
    setApplying(false);
    setOutcome(answer);
    if (answer.type === 'success') onApplied?.();
  };
  const canApply = info?.writes.allowed !== false || proposal.jiraChanges.length === 0;
  return (
    <Stack space="space.150" testId="proposal">
      <Text as="p" weight="medium">{DECISIONS[kind]}: {proposal.summary}.</Text>
      <Table caption={kind === 'suspend' || kind === 'retire' ? 'Memberships that will be removed in Jira' : 'Changes that will be made in Jira'}
        columns={['Change', 'Project or group']} testId="jira-changes" empty="No change in Jira: only the registry is updated."
        rows={proposal.jiraChanges.map((c, i) => ({ key: i, cells: [changeText(c, { [c.accountId]: nameOf(c.accountId) }), c.project ?? c.groupId] }))} />
      {proposal.plan ? (
        <Stack space="space.100" testId="least-privilege">
          <Table caption="Beyond and below the need, before → after" columns={['Project', 'Excess before', 'Excess after', 'Missing after']}
            rows={proposal.plan.before.projects.map((p) => {
              const after = proposal.plan.after.projects.find((a) => a.key === p.key);
              return { key: p.key, cells: [p.key, p.excess.join(', ') || '—', after?.excess.join(', ') || '—', after?.missing.join(', ') || '—'] };
            })} />
          <Table caption="Everyone else whose access would change" columns={['Account', 'Change', 'Permission', 'Project']} testId="others-affected"
            empty="Nobody else's access changes."
            rows={proposal.plan.othersAffected.map((c, i) => ({ key: i, cells: [c.displayName || c.accountId, c.change, c.permission, c.project] }))} />
          {proposal.plan.verified ? null : <SectionMessage appearance="warning"><Text as="p">What-if could not confirm the bot ends exactly at its need; read the diff below.</Text></SectionMessage>}
        </Stack>
      ) : null}
      {proposal.remaining?.length ? (
        <Table caption="Access left that only a scheme change can remove" columns={['Project', 'Permission', 'Through']}
          rows={proposal.remaining.map((r, i) => ({ key: i, cells: [r.project, r.permission, r.paths.join('; ')] }))} />
      ) : null}
      {proposal.whatIf ? (
        <Stack space="space.050">
          <Text weight="medium">What-if: everyone whose access changes</Text>
          <WhatIfDiff whatIf={proposal.whatIf} />
        </Stack>
      ) : null}
      {outcome?.type === 'success' ? (
        <Box role="status" testId="decision-applied">
          <SectionMessage appearance="success" title="Applied and recorded">
            <Text as="p">{outcome.result.summary}; registry version {outcome.result.version}; {outcome.result.changes.length} change(s) made in Jira as you.</Text>
          </SectionMessage>
        </Box>
      ) : outcome ? <Failure answer={outcome} title="Not applied" /> : (
        <Inline space="space.100" alignBlock="center">
          <Button appearance="primary" onClick={apply} isDisabled={applying || !canApply}>{applying ? 'Applying in Jira…' : 'Apply this decision'}</Button>
          {!canApply ? <Text color="color.text.subtle">Changes to Jira are switched off on this host.</Text> : null}
        </Inline>
      )}
    </Stack>
  );
}

function ReviewPanel({ accountId, digest, info, onApplied }) {
  const item = digest.due.find((d) => d.accountId === accountId);
  const entry = digest.registry.find((r) => r.accountId === accountId)?.entry;
  const [own, setOwn] = useState(null);
  useEffect(() => {
    readReviews({ findingsOf: accountId }).then((a) => setOwn(a.type === 'success' ? a.result.findings.filter((f) => f.accountId === accountId) : []));
  }, [accountId, digest]);
  const findings = own ?? digest.findings.filter((f) => f.accountId === accountId);
  const access = digest.access[accountId];
  const [decision, setDecision] = useState('keep');
  const [comment, setComment] = useState('');
  const [prepared, setPrepared] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setPrepared(null);
    setDecision(entry?.status === 'suspended' ? 'restore' : 'keep');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [accountId]);
  const options = Object.keys(DECISIONS).filter((d) => (entry?.status === 'suspended' ? true : d !== 'restore'));
  const prepare = async () => {
    setBusy(true);
    setPrepared(null);
    setPrepared(await runJob('proposeDecision', { accountId, decision, comment: comment.trim() || undefined }));
    setBusy(false);
  };
  return (
    <Panel title={`Review of ${nameOf(accountId)}`} testId="review-panel">
      <Stack space="space.150">
        <Text as="p">
          Status: {entry?.status ?? 'active'} · {item ? `due ${formatDate(item.due) === '—' ? 'now (never reviewed)' : formatDate(item.due)}` : `last review ${formatDate(entry?.lastReview)}`}
        </Text>
        <Text as="p" testId="reviewer-chain">
          Reviewer chain: owner {nameOf(entry?.owner) || 'none'} → backup owner {nameOf(entry?.backupOwner) || 'none'} → the admins in Settings
          {item ? ` · reviews now: ${item.reviewer.via === 'admins' ? `the admins (${item.reviewer.accountIds.map(nameOf).join(', ') || 'none configured'})` : nameOf(item.reviewer.accountIds[0])}` : ''}
        </Text>
        <Text as="p" color="color.text.subtle" testId="access-summary">
          {access ? `${access.jiraAdmin ? 'Jira admin · ' : ''}acts in ${access.unconditionalProjects} project(s)${access.conditionalProjects ? `, on some issues in ${access.conditionalProjects} more` : ''}` : 'Not in the latest scan.'}
          {entry?.need ? ` · needs ${entry.need.permissions.join(', ') || 'nothing'} in ${entry.need.projects.join(', ') || 'no project'}` : ' · no declared need'}
        </Text>
        {entry?.lastDecision ? (
          <Text as="p" testId="last-decision">Last decision: {entry.lastDecision.decision} on {formatDate(entry.lastDecision.at)} by {nameOf(entry.lastDecision.by)}{entry.suspension ? ` · suspended, ${entry.suspension.removed.length} membership(s) kept for restore` : ''}</Text>
        ) : null}
        <Table caption="Findings" columns={['Severity', 'Rule', 'What']} empty="No findings." testId="review-findings"
          rows={findings.map((f, i) => ({ key: i, cells: [<SeverityLozenge key="s" severity={f.severity} />, f.rule, f.message] }))} />
        <Text id="decision-label" weight="medium">Decision</Text>
        <RadioGroup name="decision" aria-labelledby="decision-label" value={decision} onChange={(e) => { setDecision(e.currentTarget.value); setPrepared(null); }}
          options={options.map((d) => ({ name: 'decision', value: d, label: DECISIONS[d] }))} />
        <FieldRow id="decision-comment" label="Comment" help="Kept in the registry's history with the decision.">
          {(p) => <TextArea {...p} minimumRows={2} value={comment} onChange={(e) => setComment(e.target.value)} />}
        </FieldRow>
        <Inline><Button onClick={prepare} isDisabled={busy}>{busy ? 'Preparing…' : 'Show what this changes'}</Button></Inline>
        {prepared?.type === 'failure' ? <Failure answer={prepared} title="The decision cannot be prepared" /> : null}
        {prepared?.type === 'success' ? <Proposal proposal={prepared.result.proposal} info={info} onApplied={onApplied} /> : null}
      </Stack>
    </Panel>
  );
}

export function Reviews() {
  const info = useGovernanceInfo();
  const [answer, setAnswer] = useState(null);
  const [selected, setSelected] = useState(null);
  const [mineOnly, setMineOnly] = useState(false);
  const load = async (fresh) => setAnswer(await readReviews({ fresh }));
  useEffect(() => {
    load(true);
  }, []);
  if (!answer) return <Loading label="Reading the reviews…" />;
  if (answer.type !== 'success') return <Failure answer={answer} />;
  const digest = answer.result;
  const due = digest.due.filter((d) => !mineOnly || d.mine);
  const registered = digest.registry.map((r) => ({ label: nameOf(r.accountId), value: r.accountId }));
  return (
    <Stack space="space.200">
      <PageHeader title="Reviews" description="Each bot is reviewed on its due date by its owner, else its backup owner, else the admins. Most overdue first." />
      <WritesBanner info={info} />
      <Panel title={`${digest.due.length} review(s) due or coming up`} testId="due-list">
        <span data-ready="reviews" hidden />
        <Checkbox label="Only the reviews I am the reviewer of" isChecked={mineOnly} onChange={(e) => setMineOnly(e.target.checked)} />
        {!digest.fresh ? <Text size="small" color="color.text.subtlest">Being recomputed after a change…</Text> : null}
        <Table caption="Due list" columns={['Bot', 'State', 'Due', 'Days late', 'Reviewer', 'Findings', '']} testId="due-table" empty="Nothing is due."
          rows={due.map((d) => {
            const [label, look] = STATES[d.state] ?? [d.state, 'default'];
            return {
              key: d.accountId,
              cells: [d.displayName || d.accountId, <Lozenge key="l" appearance={look}>{label}</Lozenge>, formatDate(d.due), d.daysOverdue ?? '—',
                `${d.reviewer.via}${d.mine ? ' (you)' : ''}`, digest.findingCounts[d.accountId] ?? 0,
                <Button key="r" spacing="compact" onClick={() => setSelected(d.accountId)} aria-label={`Review ${d.displayName || d.accountId}`}>Review</Button>],
            };
          })} />
        <FieldRow id="review-any" label="Review another registered bot">
          {(p) => <Select inputId={p.id} options={registered} value={registered.find((r) => r.value === selected) ?? null} onChange={(o) => setSelected(o?.value ?? null)} placeholder="Choose a bot" />}
        </FieldRow>
      </Panel>
      {selected ? <ReviewPanel key={selected} accountId={selected} digest={digest} info={info} onApplied={() => load(true)} /> : null}
    </Stack>
  );
}
