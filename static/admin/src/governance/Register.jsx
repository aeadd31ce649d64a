// The registry: every registered bot, a form to register or edit one (owners found by name, a need
// template to start from, every problem the core finds shown at its field), the bot's findings as
// recomputed after a save (no rescan), its history, and import / export of the whole registry.
import { useEffect, useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import { RadioGroup } from '@atlaskit/radio';
import Select from '@atlaskit/select';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import TextArea from '@atlaskit/textarea';
import Lozenge from '@atlaskit/lozenge';
import { Box, Failure, Inline, Loading, PageHeader, Panel, SeverityLozenge, Stack, Text, token } from '../../../shared/components.jsx';
import { call } from '../../../shared/bridge.js';
import { formatDate, formatTime } from '../../../shared/format.js';
import { navigate } from '../../../shared/router.js';
import templatesFile from '../../../../shared/need-templates.json';
import { ConflictView, FieldRow, Table, changeText, learnNames, nameOf, runJob, seenNames, useGovernanceInfo } from './common.jsx';
import { ImportExport } from './ImportExport.jsx';

export const TEMPLATES = templatesFile.templates;
const CADENCES = [
  { label: 'Monthly', value: 'monthly' }, { label: 'Quarterly', value: 'quarterly' }, { label: 'Yearly', value: 'yearly' }, { label: 'Every N days', value: 'days' },
];
const words = (text) => text.split(/[\s,;]+/).filter(Boolean);

export { nameOf };

// Reads the governance digest, waiting (a few seconds at most) for a fresh one after a change.
// `findingsOf`: an account whose findings to read besides the due list's.
export async function readReviews({ fresh = false, findingsOf } = {}) {
  const payload = findingsOf ? { findingsOf } : {};
  let answer = await call('reviews', payload);
  for (let i = 0; fresh && answer.type === 'success' && !answer.result.fresh && i < 40; i += 1) {
    await new Promise((r) => setTimeout(r, 500));
    answer = await call('reviews', payload);
  }
  if (answer.type === 'success') {
    for (const [id, a] of Object.entries(answer.result.access)) seenNames.set(id, a.displayName);
    for (const item of answer.result.due) if (item.displayName) seenNames.set(item.accountId, item.displayName);
    for (const f of [...answer.result.findings, ...answer.result.shadow]) if (f.displayName) seenNames.set(f.accountId, f.displayName);
    const { registry, due } = answer.result;
    await learnNames([
      ...registry.flatMap((r) => [r.entry.owner, r.entry.backupOwner, r.entry.requester, r.entry.approver, r.entry.lastDecision?.by, r.entry.suspension?.by, r.by]),
      ...due.flatMap((d) => d.reviewer.accountIds),
    ]);
  }
  return answer;
}

// A person chosen by name: Jira's user search as the admin.
function PersonPicker({ id, label, value, onChange, ...aria }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState(null);
  const [busy, setBusy] = useState(false);
  const search = async () => {
    if (!query.trim()) return;
    setBusy(true);
    const answer = await call('searchPeople', { query: query.trim() });
    setBusy(false);
    if (answer.type === 'success') {
      for (const p of answer.result.people) seenNames.set(p.accountId, p.displayName);
      setFound(answer.result.people);
    } else setFound([]);
  };
  return (
    <Stack space="space.050">
      <Inline space="space.100" alignBlock="center">
        <Box style={{ flex: '1 1 auto' }}>
          <Textfield id={id} {...aria} placeholder="Type a name, then Search" value={query} isCompact
            onChange={(e) => setQuery(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); search(); } }} />
        </Box>
        <Button onClick={search} isDisabled={busy} aria-label={`Search people for ${label}`}>{busy ? 'Searching…' : 'Search'}</Button>
      </Inline>
      {found ? (
        <Inline space="space.050" shouldWrap role="group" aria-label={`People found for ${label}`}>
          {found.length ? found.map((p) => (
            <Button key={p.accountId} spacing="compact" appearance={p.accountId === value ? 'primary' : 'default'}
              onClick={() => { onChange(p.accountId); setFound(null); setQuery(''); }} isDisabled={!p.active}>
              {p.displayName}{p.active ? '' : ' (deactivated)'}
            </Button>
          )) : <Text color="color.text.subtlest">Nobody found.</Text>}
        </Inline>
      ) : null}
      <Inline space="space.100" alignBlock="center">
        <Text size="small" color="color.text.subtle" testId={`${id}-chosen`}>{value ? `Chosen: ${nameOf(value)}${nameOf(value) !== value ? ` (${value})` : ''}` : 'Nobody chosen'}</Text>
        {value ? <Button spacing="compact" appearance="subtle" onClick={() => onChange(null)}>Clear {label}</Button> : null}
      </Inline>
    </Stack>
  );
}

const emptyForm = (accountId = '') => ({
  accountId, owner: null, backupOwner: null, requester: null, approver: null, purpose: '', tool: '', credentialLocation: '', requestIssue: '',
  projects: '', permissions: '', global: '', securityLevels: '', cadence: 'quarterly', days: '', lastReview: '', nextDue: '', template: 'custom', why: '',
});

function formOf(entry) {
  const need = entry.need ?? {};
  const days = typeof entry.cadence === 'object' && entry.cadence ? String(entry.cadence.days) : '';
  return {
    ...emptyForm(entry.accountId), owner: entry.owner ?? null, backupOwner: entry.backupOwner ?? null, requester: entry.requester ?? null, approver: entry.approver ?? null,
    purpose: entry.purpose ?? '', tool: entry.tool ?? '', credentialLocation: entry.credentialLocation ?? '', requestIssue: entry.requestIssue ?? '',
    projects: (need.projects ?? []).join(' '), permissions: (need.permissions ?? []).join(' '), global: (need.global ?? []).join(' '), securityLevels: (need.securityLevels ?? []).join(' '),
    cadence: days ? 'days' : (entry.cadence ?? 'quarterly'), days, lastReview: entry.lastReview ?? '', nextDue: entry.nextDue ?? '',
  };
}

// The entry the form describes; empty fields are left out (the registry's JSON is strict).
function entryOf(form, stored) {
  const entry = { ...(stored ?? {}), accountId: form.accountId.trim() };
  const set = (name, value) => {
    if (value === null || value === undefined || value === '') delete entry[name];
    else entry[name] = value;
  };
  for (const name of ['owner', 'backupOwner', 'requester', 'approver']) set(name, form[name]);
  for (const name of ['purpose', 'tool', 'credentialLocation', 'requestIssue', 'lastReview', 'nextDue']) set(name, form[name].trim());
  const need = { projects: words(form.projects), permissions: words(form.permissions), global: words(form.global), securityLevels: words(form.securityLevels) };
  set('need', Object.values(need).some((l) => l.length) ? need : null);
  entry.cadence = form.cadence === 'days' ? { days: Number(form.days) } : form.cadence;
  if (!stored) entry.status = 'active';
  return entry;
}

function TemplatePicker({ value, onChoose }) {
  const chosen = TEMPLATES.find((t) => t.id === value);
  return (
    <Stack space="space.100">
      <RadioGroup name="template" value={value} aria-labelledby="template-label"
        options={TEMPLATES.map((t) => ({ name: 'template', value: t.id, label: t.name }))} onChange={(e) => onChoose(e.currentTarget.value)} />
      {chosen ? (
        <Box padding="space.100" backgroundColor="color.background.neutral.subtle" testId="template-grants" style={{ borderRadius: token('border.radius', '3px') }}>
          <Stack space="space.075">
            <Text as="p">{chosen.description}</Text>
            {chosen.grants.length ? <Text weight="medium">What it grants</Text> : null}
            <ul style={{ margin: 0 }}>{chosen.grants.map((g) => <li key={g}>{g}</li>)}</ul>
            <Text size="small" color="color.text.subtle">Through {chosen.roles.join('; ')}.</Text>
            {chosen.beyondNeed.length ? <Text weight="medium">Beyond what it needs</Text> : null}
            <ul style={{ margin: 0 }}>{chosen.beyondNeed.map((b) => <li key={b.key}><code>{b.key}</code> — {b.reason}</li>)}</ul>
          </Stack>
        </Box>
      ) : null}
    </Stack>
  );
}

// Keys of the declared need a template marks as beyond what it needs (a vendor asking for Jira admin).
function beyondNeed(form) {
  const template = TEMPLATES.find((t) => t.id === form.template);
  if (!template) return [];
  const held = { global: words(form.global), project: words(form.permissions) };
  return template.beyondNeed.filter((b) => held[b.kind].includes(b.key)).map((b) => ({ ...b, template: template.name }));
}

const ACCOUNT_ID = /^[A-Za-z0-9:._-]{1,128}$/;

// The bot's findings from the governance digest; `generation` changes after a save, and the
// digest is then awaited fresh.
function BotFindings({ accountId, generation }) {
  const [reviews, setReviews] = useState(null);
  useEffect(() => {
    let live = true;
    setReviews(null);
    // Not on every keystroke of the account id.
    const timer = setTimeout(() => {
      if (ACCOUNT_ID.test(accountId)) readReviews({ fresh: true, findingsOf: accountId }).then((a) => live && setReviews(a));
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [accountId, generation]);
  if (!ACCOUNT_ID.test(accountId)) return <Text color="color.text.subtlest">Not an account id.</Text>;
  if (!reviews) return <Loading label="Reading the findings…" />;
  if (reviews.type !== 'success') return <Failure answer={reviews} />;
  const mine = reviews.result.findings.filter((f) => f.accountId === accountId);
  return (
    <Stack space="space.100" testId="bot-findings">
      <Text size="small" color="color.text.subtlest">
        {reviews.result.fresh ? `Computed ${formatTime(reviews.result.computedAt)} from the latest scan and the registry as saved.` : 'Being recomputed after the last change…'}
      </Text>
      <Table caption={`Findings for ${nameOf(accountId)}`} columns={['Severity', 'Rule', 'What', 'Project']} testId="bot-findings-table" empty="No findings for this bot."
        rows={mine.map((f, i) => ({ key: i, cells: [<SeverityLozenge key="s" severity={f.severity} />, <code key="r" data-rule={f.rule}>{f.rule}</code>, f.message, f.project ?? '—'] }))} />
    </Stack>
  );
}

// What a registration says once the page has moved to the new entry's address (a new view).
let flash = null;

export function RegisterForm({ params }) {
  useGovernanceInfo();
  const editing = params?.id ? params.id : null;
  const [loaded, setLoaded] = useState(editing ? null : { version: 0, entry: null, history: [] });
  const [form, setForm] = useState(emptyForm());
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState(() => {
    const shown = flash?.accountId === editing ? flash.result : null;
    flash = null;
    return shown;
  });
  const [reviews, setReviews] = useState(null);
  const [generation, setGeneration] = useState(0);
  const [jiraWrites, setJiraWrites] = useState([]);

  const load = async (id) => {
    const [answer, writes] = await Promise.all([call('registryEntry', { accountId: id }), call('writeHistory', { accountId: id })]);
    if (answer.type !== 'success') return setLoaded({ failure: answer });
    const e = answer.result.entry ?? {};
    const jiraWrites = writes.type === 'success' ? writes.result.writes : [];
    await learnNames([id, e.owner, e.backupOwner, e.requester, e.approver, ...answer.result.history.map((h) => h.by), ...jiraWrites.map((w) => w.by)]);
    setJiraWrites(jiraWrites);
    setLoaded(answer.result);
    if (answer.result.entry) setForm(formOf(answer.result.entry));
    else setForm(emptyForm(id));
    return undefined;
  };
  useEffect(() => {
    if (editing) load(editing);
    readReviews().then(setReviews);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editing]);

  const errors = useMemo(() => {
    const byField = {};
    for (const p of result?.problems ?? []) if (p.field) (byField[p.field] ??= []).push(p.message);
    return byField;
  }, [result]);
  const general = (result?.problems ?? []).filter((p) => !p.field || !FIELDS.has(p.field));
  const err = (...fields) => fields.flatMap((f) => errors[f] ?? []).join(' ') || null;
  const update = (name) => (value) => setForm((f) => ({ ...f, [name]: value }));
  const text = (name) => (e) => update(name)(e.target.value);

  async function save(expectedVersion) {
    setSaving(true);
    setResult(null);
    const entry = entryOf(form, loaded?.entry);
    const answer = await runJob('saveEntry', { entry, expectedVersion, why: form.why.trim() || undefined });
    setSaving(false);
    if (answer.type !== 'success') return setResult({ failure: answer });
    const outcome = answer.result;
    if (outcome.saved) {
      if (!editing) {
        flash = { accountId: entry.accountId, result: { saved: outcome.version } };
        navigate(`/registry/${encodeURIComponent(entry.accountId)}`);
        return undefined;
      }
      setResult({ saved: outcome.version });
      setLoaded((l) => ({ ...l, version: outcome.version, entry: outcome.entry }));
      call('registryEntry', { accountId: entry.accountId }).then((a) => a.type === 'success' && setLoaded(a.result));
      setGeneration((g) => g + 1);
    } else setResult(outcome);
    return undefined;
  }

  if (!loaded) return <Loading label="Reading the registry entry…" />;
  if (loaded.failure) return <Failure answer={loaded.failure} />;
  const warnings = beyondNeed(form);
  const bots = reviews?.type === 'success' ? Object.entries(reviews.result.access).filter(([, a]) => a.kind !== 'human') : [];
  return (
    <Stack space="space.200">
      <PageHeader title={editing ? `Edit ${nameOf(editing)}` : 'Register a bot'}
        description="Who is responsible, why it exists, where its credential is kept and what it needs. The core checks every field against the latest scan when you save."
        actions={<Button onClick={() => navigate('/registry')}>Back to the registry</Button>} />
      {result?.saved ? <Box role="status"><SectionMessage appearance="success" title={`Saved as version ${result.saved}`}><Text as="p">The findings below are recomputed from the saved entry, without a rescan.</Text></SectionMessage></Box> : null}
      {result?.failure ? <Failure answer={result.failure} title="Not saved" /> : null}
      {result?.conflict ? (
        <ConflictView conflict={result.conflict} onKeepMine={() => save(result.conflict.stored.version)}
          onTakeStored={() => { setForm(formOf(result.conflict.stored.entry)); setLoaded((l) => ({ ...l, version: result.conflict.stored.version, entry: result.conflict.stored.entry })); setResult(null); }} />
      ) : null}
      {result?.problems?.length ? (
        <Box role="alert" testId="form-problems">
          <SectionMessage appearance="error" title={`Not saved: ${result.problems.length} problem(s), shown at their fields`}>
            {general.map((p, i) => <Text as="p" key={i}>{p.message}</Text>)}
          </SectionMessage>
        </Box>
      ) : null}
      <Panel title="The bot">
        <span data-ready="register" hidden />
        <FieldRow id="accountId" label="Account id" required error={err('accountId')} help={editing ? 'The account this entry is about.' : 'Pick one of the scanned bots or paste its account id.'}>
          {(p) => <Textfield {...p} value={form.accountId} isDisabled={Boolean(editing)} list="scanned-bots" onChange={text('accountId')} />}
        </FieldRow>
        <datalist id="scanned-bots">{bots.map(([id, a]) => <option key={id} value={id}>{a.displayName}</option>)}</datalist>
        {!editing && form.accountId && seenNames.has(form.accountId) ? <Text size="small" color="color.text.subtle">{nameOf(form.accountId)}</Text> : null}
        <FieldRow id="purpose" label="Purpose" error={err('purpose')}>{(p) => <Textfield {...p} value={form.purpose} onChange={text('purpose')} />}</FieldRow>
        <FieldRow id="tool" label="Tool or integration" error={err('tool')}>{(p) => <Textfield {...p} value={form.tool} onChange={text('tool')} />}</FieldRow>
        <FieldRow id="credentialLocation" label="Where the credential is kept" help="A vault path or CI secret name, never the credential itself." error={err('credentialLocation')}>
          {(p) => <Textfield {...p} value={form.credentialLocation} onChange={text('credentialLocation')} />}
        </FieldRow>
        <FieldRow id="requestIssue" label="Jira issue recording the request" help="An issue key such as OPS-123." error={err('requestIssue')}>
          {(p) => <Textfield {...p} value={form.requestIssue} onChange={text('requestIssue')} />}
        </FieldRow>
      </Panel>
      <Panel title="People">
        {[['owner', 'Owner', true], ['backupOwner', 'Backup owner'], ['requester', 'Requester'], ['approver', 'Approver']].map(([name, label, required]) => (
          <FieldRow key={name} id={name} label={label} required={required} error={err(name)}>
            {(p) => <PersonPicker {...p} label={label} value={form[name]} onChange={update(name)} />}
          </FieldRow>
        ))}
      </Panel>
      <Panel title="Declared need">
        <Text id="template-label" weight="medium">Start from a template</Text>
        <TemplatePicker value={form.template} onChoose={(id) => {
          const t = TEMPLATES.find((x) => x.id === id);
          setForm((f) => ({ ...f, template: id, permissions: t.need.permissions.join(' '), global: t.need.global.join(' '), securityLevels: t.need.securityLevels.join(' ') }));
        }} />
        <FieldRow id="need.projects" label="Projects" help="Project keys separated by spaces; * for every project." error={err('need.projects')}>
          {(p) => <Textfield {...p} value={form.projects} onChange={text('projects')} />}
        </FieldRow>
        <FieldRow id="need.permissions" label="Project permissions" help="Permission keys separated by spaces." error={err('need.permissions')}>
          {(p) => <Textfield {...p} value={form.permissions} onChange={text('permissions')} />}
        </FieldRow>
        <FieldRow id="need.global" label="Global permissions" help="Usually none." error={err('need.global')}>
          {(p) => <Textfield {...p} value={form.global} onChange={text('global')} />}
        </FieldRow>
        {warnings.length ? (
          <Box role="alert" testId="beyond-need">
            <SectionMessage appearance="warning" title="Beyond what this integration needs">
              {warnings.map((w) => <Text as="p" key={w.key}><code>{w.key}</code>: {w.reason} ({w.template})</Text>)}
            </SectionMessage>
          </Box>
        ) : null}
        <FieldRow id="need.securityLevels" label="Issue security levels" help="Level names or ids it is meant to see." error={err('need.securityLevels')}>
          {(p) => <Textfield {...p} value={form.securityLevels} onChange={text('securityLevels')} />}
        </FieldRow>
      </Panel>
      <Panel title="Review">
        <FieldRow id="cadence" label="Review cadence" error={err('cadence')}>
          {(p) => <Select inputId={p.id} aria-describedby={p['aria-describedby']} options={CADENCES} value={CADENCES.find((c) => c.value === form.cadence)} onChange={(o) => update('cadence')(o.value)} />}
        </FieldRow>
        {form.cadence === 'days' ? <FieldRow id="cadenceDays" label="Days between reviews" error={err('cadence')}>{(p) => <Textfield {...p} type="number" value={form.days} onChange={text('days')} />}</FieldRow> : null}
        <FieldRow id="lastReview" label="Last review" help="A date like 2026-12-01." error={err('lastReview')}>{(p) => <Textfield {...p} value={form.lastReview} onChange={text('lastReview')} />}</FieldRow>
        <FieldRow id="nextDue" label="Next review due" help="Left empty, one cadence after the last review." error={err('nextDue')}>{(p) => <Textfield {...p} value={form.nextDue} onChange={text('nextDue')} />}</FieldRow>
        {loaded.entry ? <Text size="small" color="color.text.subtle">Status: {loaded.entry.status ?? 'active'} (changed by review decisions)</Text> : null}
        <FieldRow id="why" label="Reason for this change" help="Kept in the history with the version.">{(p) => <TextArea {...p} minimumRows={2} value={form.why} onChange={text('why')} />}</FieldRow>
        <Inline space="space.100" alignBlock="center">
          <Button appearance="primary" onClick={() => save(loaded.version)} isDisabled={saving || !form.accountId.trim()}>{saving ? 'Checking and saving…' : editing ? 'Save changes' : 'Register'}</Button>
          <Text size="small" color="color.text.subtlest">{loaded.version ? `Editing version ${loaded.version}` : 'New entry'}</Text>
        </Inline>
      </Panel>
      {form.accountId ? <Panel title="Findings for this bot"><BotFindings accountId={form.accountId.trim()} generation={generation} /></Panel> : null}
      {jiraWrites.length ? (
        <Panel title="Changes made in Jira">
          <Table caption="Every write Steward made or tried for this bot, with Jira's answer" columns={['When', 'Who', 'Change', "Jira's answer", 'Why']} testId="jira-writes"
            rows={[...jiraWrites].reverse().map((w) => ({ key: w.version, cells: [formatTime(w.at), `${nameOf(w.by)}${w.value.as === 'app' ? ' (as the app)' : ''}`, changeText(w.value.change, { [w.value.change.accountId]: nameOf(w.value.change.accountId) }),
              w.value.ok ? `done (${w.value.status})` : `refused (${w.value.status || 'no answer'}): ${w.value.message}`, w.why ?? '—'] }))} />
        </Panel>
      ) : null}
      {loaded.history?.length ? (
        <Panel title="History">
          <Table caption="Every version of this entry" columns={['Version', 'When', 'Who', 'What', 'Why']} testId="entry-history"
            rows={[...loaded.history].reverse().map((h) => ({ key: h.version, cells: [h.version, formatTime(h.at), nameOf(h.by), h.action, h.why ?? '—'] }))} />
        </Panel>
      ) : null}
    </Stack>
  );
}

const FIELDS = new Set(['accountId', 'owner', 'backupOwner', 'requester', 'approver', 'purpose', 'tool', 'credentialLocation', 'requestIssue', 'need.projects', 'need.permissions', 'need.global', 'need.securityLevels', 'cadence', 'lastReview', 'nextDue']);

export function Registry() {
  useGovernanceInfo();
  const [reviews, setReviews] = useState(null);
  useEffect(() => {
    readReviews().then(setReviews);
  }, []);
  const reload = () => readReviews().then(setReviews);
  return (
    <Stack space="space.200">
      <PageHeader title="Registry" description="Every bot's responsible people, purpose, declared need and review cadence. Every version stays in the history."
        actions={<Button appearance="primary" onClick={() => navigate('/registry/new')}>Register a bot</Button>} />
      {!reviews ? <Loading label="Reading the registry…" /> : reviews.type !== 'success' ? <Failure answer={reviews} /> : (
        <Panel title={`${reviews.result.registry.length} registered`} testId="registry">
          <span data-ready="register" hidden />
          <Table caption="Registered bots" columns={['Bot', 'Owner', 'Status', 'Last review', 'Version', '']} testId="registry-table"
            rows={reviews.result.registry.map((r) => ({
              key: r.accountId,
              cells: [nameOf(r.accountId), nameOf(r.entry.owner) || '—', <Lozenge key="s" appearance={r.entry.status === 'active' || !r.entry.status ? 'success' : r.entry.status === 'suspended' ? 'moved' : 'default'}>{r.entry.status ?? 'active'}</Lozenge>,
                formatDate(r.entry.lastReview), r.version, <Button key="e" spacing="compact" onClick={() => navigate(`/registry/${encodeURIComponent(r.accountId)}`)} aria-label={`Edit ${nameOf(r.accountId)}`}>Edit</Button>],
            }))} />
        </Panel>
      )}
      <ImportExport onImported={reload} />
    </Stack>
  );
}
