// The governance settings: the plan (which sets the service-account quota), the service-account
// role, broad groups, review defaults and the licence cost. Versioned like the registry: a stale
// save shows both versions; every version stays in the history.
import { useEffect, useState } from 'react';
import Button from '@atlaskit/button/new';
import { RadioGroup } from '@atlaskit/radio';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import TextArea from '@atlaskit/textarea';
import { Box, Failure, Inline, Loading, PageHeader, Panel, Stack, Text } from '../../../shared/components.jsx';
import { call } from '../../../shared/bridge.js';
import { formatTime } from '../../../shared/format.js';
import { ConflictView, FieldRow, Table, learnNames, useGovernanceInfo } from './common.jsx';
import { nameOf } from './Register.jsx';

const PLANS = [
  { value: 'free', label: 'Free — 5 service accounts' },
  { value: 'guardStandard', label: 'Atlassian Guard Standard — 250 service accounts' },
  { value: 'enterprise', label: 'Enterprise — 1,000 service accounts' },
];
const DEFAULT_ACTIONS = [
  { value: 'notify', label: 'Tell the admins and leave the bot as it is' },
  { value: 'suspend', label: 'Suspend the bot' },
  { value: 'retire', label: 'Retire the bot' },
];
const list = (text) => text.split(/[,;\n]+/).map((s) => s.trim()).filter(Boolean);

function formOf(settings, defaults) {
  const s = { ...defaults, ...settings, review: { ...defaults.review, ...(settings.review ?? {}) } };
  return {
    plan: s.plan, serviceAccountRole: s.serviceAccountRole, broadGroups: s.broadGroups.join(', '), broadGroupShare: String(s.broadGroupShare),
    quotaWarnAt: String(s.quotaWarnAt), remindDaysBefore: s.review.remindDaysBefore.join(', '), graceDays: String(s.review.graceDays),
    whenNobodyAnswers: s.review.whenNobodyAnswers, admins: s.review.admins.join(', '), licenceCostPerMonth: s.licenceCostPerMonth == null ? '' : String(s.licenceCostPerMonth), why: '',
  };
}

// The settings the form describes, on top of what is stored (shadow-bot verdicts are kept).
function settingsOf(form, stored) {
  const number = (text) => (text.trim() === '' ? text : Number(text));
  const next = {
    ...stored,
    plan: form.plan, serviceAccountRole: form.serviceAccountRole.trim(), broadGroups: list(form.broadGroups),
    broadGroupShare: number(form.broadGroupShare), quotaWarnAt: number(form.quotaWarnAt),
    review: { ...(stored.review ?? {}), remindDaysBefore: list(form.remindDaysBefore).map(Number), graceDays: number(form.graceDays), whenNobodyAnswers: form.whenNobodyAnswers, admins: list(form.admins) },
  };
  if (form.licenceCostPerMonth.trim() === '') delete next.licenceCostPerMonth;
  else next.licenceCostPerMonth = number(form.licenceCostPerMonth);
  return next;
}

export function Settings() {
  useGovernanceInfo();
  const [loaded, setLoaded] = useState(null);
  const [form, setForm] = useState(null);
  const [result, setResult] = useState(null);
  const [saving, setSaving] = useState(false);
  const load = async () => {
    const answer = await call('settings');
    if (answer.type === 'success') await learnNames([...answer.result.history.map((h) => h.by), ...(answer.result.settings.review?.admins ?? [])]);
    setLoaded(answer);
    if (answer.type === 'success') setForm(formOf(answer.result.settings, answer.result.defaults));
  };
  useEffect(() => {
    load();
  }, []);
  if (!loaded) return <Loading label="Reading the settings…" />;
  if (loaded.type !== 'success') return <Failure answer={loaded} />;
  const { version, settings, history } = loaded.result;
  const problems = result?.type === 'failure' ? result.errors[0]?.problems ?? [] : [];
  const err = (field) => problems.filter((p) => p.field === field).map((p) => p.message).join(' ') || null;
  const conflict = result?.type === 'failure' && result.errors[0]?.code === 'conflict' ? result.errors[0] : null;
  const text = (name) => (e) => { const { value } = e.target; setForm((f) => ({ ...f, [name]: value })); };
  async function save(expectedVersion, value = settingsOf(form, settings)) {
    setSaving(true);
    const answer = await call('saveSettings', { settings: value, expectedVersion, why: form.why.trim() || undefined });
    setSaving(false);
    setResult(answer);
    if (answer.type === 'success') await load();
  }
  return (
    <Stack space="space.200">
      <PageHeader title="Settings" description="The policy Steward applies: your plan's quota, the service-account role, what counts as broad access, and how reviews run." />
      {result?.type === 'success' ? <Box role="status"><SectionMessage appearance="success" title={`Saved as version ${result.result.version}`}><Text as="p">The findings are recomputed with the new settings, without a rescan.</Text></SectionMessage></Box> : null}
      {conflict ? <ConflictView conflict={conflict} what="settings" onKeepMine={() => save(conflict.stored.version, conflict.yours.settings)} onTakeStored={() => { setResult(null); load(); }} /> : null}
      {result?.type === 'failure' && !conflict ? <Failure answer={result} title="Not saved" /> : null}
      <Panel title={version ? `Version ${version}` : 'The defaults (never saved)'}>
        <span data-ready="settings" hidden />
        <Text id="plan-label" weight="medium">Plan</Text>
        <RadioGroup name="plan" aria-labelledby="plan-label" value={form.plan} options={PLANS.map((p) => ({ ...p, name: 'plan' }))} onChange={(e) => { const plan = e.currentTarget.value; setForm((f) => ({ ...f, plan })); }} />
        {err('plan') ? <Text color="color.text.danger" role="alert">{err('plan')}</Text> : null}
        <FieldRow id="serviceAccountRole" label="Service-account role" help="The project role bots should hold their access through, by name or id." error={err('serviceAccountRole')}>
          {(p) => <Textfield {...p} value={form.serviceAccountRole} onChange={text('serviceAccountRole')} />}
        </FieldRow>
        <FieldRow id="broadGroups" label="Broad groups" help="Groups that count as broad whatever their size, separated by commas." error={err('broadGroups')}>
          {(p) => <Textfield {...p} value={form.broadGroups} onChange={text('broadGroups')} />}
        </FieldRow>
        <FieldRow id="broadGroupShare" label="Broad group share" help="A group with at least this share of active people is broad (0 to 1)." error={err('broadGroupShare')}>
          {(p) => <Textfield {...p} value={form.broadGroupShare} onChange={text('broadGroupShare')} />}
        </FieldRow>
        <FieldRow id="quotaWarnAt" label="Warn at this share of the quota" help="0 to 1." error={err('quotaWarnAt')}>
          {(p) => <Textfield {...p} value={form.quotaWarnAt} onChange={text('quotaWarnAt')} />}
        </FieldRow>
        <FieldRow id="licenceCostPerMonth" label="Licence cost per month" help="What one user licence costs, to price each shadow bot migrated." error={err('licenceCostPerMonth')}>
          {(p) => <Textfield {...p} value={form.licenceCostPerMonth} onChange={text('licenceCostPerMonth')} />}
        </FieldRow>
      </Panel>
      <Panel title="Reviews">
        <FieldRow id="remindDaysBefore" label="Remind this many days before" help="Numbers separated by commas." error={err('review')}>
          {(p) => <Textfield {...p} value={form.remindDaysBefore} onChange={text('remindDaysBefore')} />}
        </FieldRow>
        <FieldRow id="graceDays" label="Grace period in days" error={err('review')}>{(p) => <Textfield {...p} value={form.graceDays} onChange={text('graceDays')} />}</FieldRow>
        <Text id="default-action-label" weight="medium">When nobody answers by the end of the grace period</Text>
        <RadioGroup name="whenNobodyAnswers" aria-labelledby="default-action-label" value={form.whenNobodyAnswers} options={DEFAULT_ACTIONS.map((p) => ({ ...p, name: 'whenNobodyAnswers' }))}
          onChange={(e) => { const whenNobodyAnswers = e.currentTarget.value; setForm((f) => ({ ...f, whenNobodyAnswers })); }} />
        <FieldRow id="admins" label="Admins who review when nobody else can" help="Account ids separated by commas." error={err('review')}>
          {(p) => <Textfield {...p} value={form.admins} onChange={text('admins')} />}
        </FieldRow>
        <FieldRow id="settings-why" label="Reason for this change" help="Kept in the history.">{(p) => <TextArea {...p} minimumRows={2} value={form.why} onChange={text('why')} />}</FieldRow>
        <Inline space="space.100"><Button appearance="primary" onClick={() => save(version)} isDisabled={saving}>{saving ? 'Saving…' : 'Save settings'}</Button></Inline>
      </Panel>
      <Panel title="History">
        <Table caption="Every version of the settings" columns={['Version', 'When', 'Who', 'What', 'Why']} testId="settings-history" empty="Never saved: the defaults apply."
          rows={[...history].reverse().map((h) => ({ key: h.version, cells: [h.version, formatTime(h.at), nameOf(h.by), h.action, h.why ?? '—'] }))} />
      </Panel>
    </Stack>
  );
}
