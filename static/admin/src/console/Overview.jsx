// Overview: the quota, the accounts that need a look (Jira admins, shadow-bot suspects), findings
// by severity, reviews, the last scan with Rescan, and what changed since the previous scan.
import { lazy, Suspense } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import ProgressBar from '@atlaskit/progress-bar';
import { Box, Inline, KindLozenge, PageHeader, Panel, PermissionName, ScanBar, SEVERITIES, SEVERITY_COLOR, Stack, Text } from '../../../shared/components.jsx';
import { formatDate, formatTime, plural } from '../../../shared/format.js';
import { navigate } from '../../../shared/router.js';
import { accountPath, Answer, AsOf } from './common.jsx';
import { InboxSummary } from '../inbox/Inbox.jsx';

const Bars = lazy(() => import('../../../shared/charts.jsx'));
// The review states the core names, as words.
const REVIEW_STATES = { overdue: ['overdue', 'removed'], due: ['due', 'moved'], upcoming: ['coming up', 'default'], neverReviewed: ['never reviewed', 'moved'], graceExpired: ['grace expired', 'removed'], inGrace: ['in grace', 'moved'] };
const stateOf = (state) => REVIEW_STATES[state] ?? [String(state).replace(/([A-Z])/g, ' $1').toLowerCase(), 'default'];
const PLAN_NAMES = { free: 'Free', standard: 'Guard Standard', enterprise: 'Enterprise' };

function AccountLink({ account }) {
  return (
    <Button appearance="subtle" spacing="compact" onClick={() => navigate(accountPath(account.accountId))}>
      {account.displayName || account.accountId}
    </Button>
  );
}

function Metric({ value, label, testId }) {
  return (
    <Stack space="space.0">
      <Text size="large" weight="bold" testId={testId}>{typeof value === 'number' ? value.toLocaleString('en') : value}</Text>
      <Text color="color.text.subtle">{label}</Text>
    </Stack>
  );
}

function Quota({ quota }) {
  const share = quota.limit ? Math.min(1, quota.used / quota.limit) : 0;
  return (
    <Panel title="Service accounts against the plan" testId="quota">
      <Text>{quota.used.toLocaleString('en')} of {quota.limit.toLocaleString('en')} service accounts on the {PLAN_NAMES[quota.plan] ?? quota.plan} plan</Text>
      <ProgressBar ariaLabel="Service accounts used of the plan's quota" value={share} appearance={quota.over ? 'default' : 'success'} />
      {quota.over ? <Lozenge appearance="removed">over the quota by {(quota.used - quota.limit).toLocaleString('en')}</Lozenge> : null}
      <Text size="small" color="color.text.subtlest">Quotas: Free 5 · Guard Standard 250 · Enterprise 1,000 (Atlassian's service account limits per plan).</Text>
    </Panel>
  );
}

function FindingsChart({ findings }) {
  const data = SEVERITIES.map((severity) => ({
    label: severity, value: findings.bySeverity[severity] ?? 0, color: SEVERITY_COLOR[severity],
    onSelect: () => navigate(`/findings/severity/${severity}`),
  }));
  return (
    <Panel title={`Findings (${findings.total.toLocaleString('en')})`} testId="findings-chart">
      <Suspense fallback={<Text color="color.text.subtle">Drawing the chart…</Text>}>
        <Bars data={data} label={`Findings by severity: ${data.map((d) => `${d.value} ${d.label}`).join(', ')}`} />
      </Suspense>
      <Inline space="space.100" shouldWrap>
        {data.map((d) => (
          <Button key={d.label} appearance="subtle" spacing="compact" onClick={d.onSelect}>
            {d.value.toLocaleString('en')} {d.label}
          </Button>
        ))}
      </Inline>
    </Panel>
  );
}

function Reviews({ reviews }) {
  return (
    <Panel title="Reviews" testId="reviews">
      <Inline space="space.400" shouldWrap>
        <Metric value={reviews.overdue} label="overdue" testId="reviews-overdue" />
        <Metric value={reviews.due} label="due" />
        <Metric value={reviews.upcoming} label="coming up" />
        <Metric value={reviews.never} label="never reviewed" />
      </Inline>
      <Stack space="space.050">
        {reviews.items.slice(0, 8).map((r) => (
          <Inline key={r.accountId} space="space.100" alignBlock="center">
            <AccountLink account={r} />
            <Lozenge appearance={stateOf(r.state)[1]}>{stateOf(r.state)[0]}</Lozenge>
            {r.due ? <Text color="color.text.subtle">due {formatDate(r.due)}</Text> : null}
          </Inline>
        ))}
      </Stack>
    </Panel>
  );
}

function Changes({ changes, names }) {
  if (!changes) {
    return <Panel title="Changes since the previous scan"><Text color="color.text.subtle">This is the first scan kept: the next one will be compared with it.</Text></Panel>;
  }
  const nothing = !changes.newBots.length && !changes.removedBots.length && !changes.gained.length && !changes.lost.length && !changes.ownersInactive.length;
  const line = (c, verb) => (
    <Inline key={`${verb}${c.accountId}${c.project}`} space="space.100" alignBlock="center" shouldWrap>
      <AccountLink account={c} />
      <Text>{verb} in <strong>{c.project}</strong>:</Text>
      {c.permissions.map((p, i) => <span key={p}>{i ? ', ' : ''}<PermissionName permission={p} names={names} /></span>)}
    </Inline>
  );
  return (
    <Panel title="Changes since the previous scan" testId="changes">
      <Text size="small" color="color.text.subtlest">Compared with the scan of {formatTime(changes.previous.collectedAt)}</Text>
      {nothing ? <Text>No bot came or went, no permission was gained or lost, and every owner is still active.</Text> : null}
      {changes.newBots.length ? <Stack space="space.050"><Text weight="bold">New bots</Text>{changes.newBots.map((b) => <Inline key={b.accountId} space="space.100"><AccountLink account={b} /><KindLozenge kind={b.kind} /></Inline>)}</Stack> : null}
      {changes.removedBots.length ? <Stack space="space.050"><Text weight="bold">Removed bots</Text>{changes.removedBots.map((b) => <Text key={b.accountId}>{b.displayName || b.accountId}</Text>)}</Stack> : null}
      {changes.gained.length ? <Stack space="space.050"><Text weight="bold">Permissions gained</Text>{changes.gained.map((c) => line(c, 'gained'))}</Stack> : null}
      {changes.lost.length ? <Stack space="space.050"><Text weight="bold">Permissions lost</Text>{changes.lost.map((c) => line(c, 'lost'))}</Stack> : null}
      {changes.ownersInactive.length ? (
        <Stack space="space.050"><Text weight="bold">Owners who became inactive</Text>
          {changes.ownersInactive.map((o) => <Text key={o.accountId}>{o.displayName || o.accountId} owns {plural(o.bots.length, 'bot')}</Text>)}
        </Stack>
      ) : null}
      {changes.truncated ? <Text size="small" color="color.text.subtlest">Only the first 500 changes of each kind are listed.</Text> : null}
    </Panel>
  );
}

function LastScan({ lastScan, onFinished }) {
  return (
    <Panel title="Last scan" testId="last-scan">
      <ScanBar canRescan onFinished={onFinished} />
      <Text color="color.text.subtle">
        {lastScan.coverage.complete ? 'Every project was read completely.' : `${plural(lastScan.coverage.projectsUnknown, 'project')} could not be read completely.`}
        {' '}{lastScan.gapCount ? `${plural(lastScan.gapCount, 'part')} of the site could not be read.` : 'No gaps.'}
      </Text>
      {lastScan.gaps?.length ? (
        <ul>{lastScan.gaps.map((g, i) => <li key={i}><code>{g.part}{g.key ? ` ${g.key}` : ''}</code> {g.reason}</li>)}</ul>
      ) : null}
    </Panel>
  );
}

function Grid({ children }) {
  return <Box style={{ display: 'grid', gap: 'var(--ds-space-200)', gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))', alignItems: 'start' }}>{children}</Box>;
}

export function Overview() {
  return (
    <Answer functionKey="consoleOverview" loading="Loading the overview…">
      {(o, reload) => (
        <Stack space="space.300">
          <PageHeader title="Service accounts" description="Every bot on this site, what it can do, how it got that access, and what needs your attention." />
          <AsOf scan={o.scan} products={o.products} />
          <Box data-ready="overview" />
          <Grid>
            <Quota quota={o.quota} />
            <InboxSummary />
            <Panel title="Accounts that are not people" testId="kinds">
              <Inline space="space.400" shouldWrap>
                <Metric value={o.quota.used} label="service accounts" />
                <Metric value={o.appAccounts.app} label="app accounts" />
                <Metric value={o.appAccounts.agent} label="agents" />
                <Metric value={o.appAccounts.unknown} label="of unknown type" />
              </Inline>
              <Button appearance="link" onClick={() => navigate('/accounts')}>See every account</Button>
            </Panel>
            <Panel title="Bots holding Jira administration" testId="jira-admins">
              {o.jiraAdmins.length ? o.jiraAdmins.map((a) => <Inline key={a.accountId} space="space.100" alignBlock="center"><AccountLink account={a} /><KindLozenge kind={a.kind} /></Inline>)
                : <Text color="color.text.subtle">No bot holds the global permission Administer Jira.</Text>}
            </Panel>
            <Panel title="Shadow-bot suspects" testId="shadow">
              <Text>{plural(o.shadow.suspects, 'suspect')}, {o.shadow.confirmed} confirmed: moving them to service accounts frees {plural(o.shadow.licenceSaving, 'user licence')}{o.shadow.monthlySaving ? ` (about ${o.shadow.monthlySaving} a month)` : ''}.</Text>
              {o.shadow.accounts.slice(0, 6).map((a) => (
                <Stack key={a.accountId} space="space.0">
                  <Inline space="space.100" alignBlock="center"><AccountLink account={a} />{a.confirmed ? <Lozenge appearance="removed">confirmed</Lozenge> : <Lozenge appearance="moved">suspect</Lozenge>}</Inline>
                  <Text size="small" color="color.text.subtle">{a.signals.join('; ')}</Text>
                </Stack>
              ))}
            </Panel>
            <FindingsChart findings={o.findings} />
            <Reviews reviews={o.reviews} />
            <LastScan lastScan={o.lastScan} onFinished={reload} />
            <Changes changes={o.changes} names={o.permissionNames} />
          </Grid>
        </Stack>
      )}
    </Answer>
  );
}
