// Shadow bots: human-licensed accounts the heuristics take for integrations. An admin confirms
// each (an integration on a person's licence: migrating it to a service account saves the licence)
// or dismisses it (a person), with the reason; the verdict is stored in the settings, so the
// findings and the overview's licence saving follow without a rescan.
import { useEffect, useState } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import { Box, Failure, Inline, Loading, PageHeader, Panel, Stack, Text } from '../../../shared/components.jsx';
import { call } from '../../../shared/bridge.js';
import { FieldRow, Table, useGovernanceInfo } from './common.jsx';
import { nameOf, readReviews } from './Register.jsx';

function Verdict({ accountId, status, version, registered, onDone }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState(null);
  const decide = async (verdict) => {
    setBusy(true);
    const result = await call('shadowVerdict', { accountId, verdict, reason: reason.trim(), expectedVersion: version });
    setBusy(false);
    setAnswer(result);
    if (result.type === 'success') onDone();
  };
  const id = `reason-${accountId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <Stack space="space.050">
      <FieldRow id={id} label={`Reason for ${nameOf(accountId)}`}>
        {(p) => <Textfield {...p} isCompact value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Why (kept in the history)" />}
      </FieldRow>
      <Inline space="space.050">
        {registered ? <Text size="small" color="color.text.subtle">Registered, so confirmed.</Text> : null}
        {status !== 'confirmed' ? <Button spacing="compact" isDisabled={busy || !reason.trim()} onClick={() => decide('confirm')}>Confirm</Button> : null}
        {status !== 'dismissed' ? <Button spacing="compact" isDisabled={busy || !reason.trim()} onClick={() => decide('dismiss')}>Dismiss</Button> : null}
        {status !== 'suspected' && !registered ? <Button spacing="compact" appearance="subtle" isDisabled={busy || !reason.trim()} onClick={() => decide('undo')}>Undo the verdict</Button> : null}
      </Inline>
      {answer?.type === 'failure' ? <Failure answer={answer} title="Not recorded" /> : null}
    </Stack>
  );
}

export function Shadow() {
  useGovernanceInfo();
  const [state, setState] = useState(null);
  const load = async (fresh) => {
    const [reviews, settings] = await Promise.all([readReviews({ fresh }), call('settings')]);
    setState({ reviews, settings });
  };
  useEffect(() => {
    load(true);
  }, []);
  if (!state) return <Loading label="Reading the shadow-bot suspects…" />;
  if (state.reviews.type !== 'success') return <Failure answer={state.reviews} />;
  if (state.settings.type !== 'success') return <Failure answer={state.settings} />;
  const { version, settings } = state.settings.result;
  // As the core counts them: confirmed in the settings, or registered (a registered bot is
  // known to be an integration).
  const registered = new Set(state.reviews.result.registry.map((r) => r.accountId));
  const suspects = state.reviews.result.shadow;
  const confirmed = new Set([...(settings.shadowBots?.confirmed ?? []), ...suspects.map((f) => f.accountId).filter((id) => registered.has(id))]);
  const dismissed = new Set(settings.shadowBots?.dismissed ?? []);
  const ids = [...new Set([...suspects.map((f) => f.accountId), ...confirmed, ...dismissed])].sort();
  const statusOf = (id) => (confirmed.has(id) ? 'confirmed' : dismissed.has(id) ? 'dismissed' : 'suspected');
  const cost = settings.licenceCostPerMonth;
  return (
    <Stack space="space.200">
      <PageHeader title="Shadow bots" description="Accounts on a person's licence that look like integrations. Confirm them to plan their move to a service account (which frees the licence), or dismiss them as people." />
      <SectionMessage appearance="information">
        <Text as="p" testId="licence-saving">{confirmed.size} confirmed: migrating them saves {confirmed.size} user licence(s){cost != null ? `, about ${(confirmed.size * cost).toFixed(2)} a month` : ' (set the licence cost in Settings to price it)'}.</Text>
      </SectionMessage>
      <Panel title={`${ids.length} account(s)`} testId="shadow-list">
        <span data-ready="shadow" hidden />
        <Table caption="Shadow-bot suspects and verdicts" columns={['Account', 'Verdict', 'Why it was suspected', 'Decide']} testId="shadow-table" empty="No shadow-bot suspects."
          rows={ids.map((id) => {
            const finding = suspects.find((f) => f.accountId === id);
            const status = statusOf(id);
            return {
              key: id,
              cells: [nameOf(id) === id ? finding?.displayName || id : nameOf(id), <Lozenge key="v" appearance={status === 'confirmed' ? 'success' : status === 'dismissed' ? 'default' : 'moved'}>{status}</Lozenge>,
                finding?.message ?? (status === 'dismissed' ? 'dismissed as a person' : '—'), <Verdict key="d" accountId={id} status={status} version={version} registered={registered.has(id)} onDone={() => load(true)} />],
            };
          })} />
      </Panel>
    </Stack>
  );
}
