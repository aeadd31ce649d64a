// The parts both pages are made of, on the Atlassian design system: every colour and space is a
// token, so light and dark themes follow Jira. Text from Jira is only ever rendered as React text.
import { useEffect, useRef, useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import ProgressBar from '@atlaskit/progress-bar';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import Tooltip from '@atlaskit/tooltip';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives/compiled';
import { token } from '@atlaskit/tokens';
import { call, explain } from './bridge.js';
import { formatTime, plural } from './format.js';

export { Box, Inline, Stack, Text, token };

export function Loading({ label = 'Loading…' }) {
  return (
    <Inline space="space.100" alignBlock="center" role="status">
      <Spinner size="medium" label={label} />
      <Text color="color.text.subtle">{label}</Text>
    </Inline>
  );
}

// A failure envelope as a person reads it: what it means, then the backend's own words.
export function Failure({ answer, title }) {
  const errors = answer?.errors ?? [];
  const code = errors[0]?.code;
  return (
    <Box role="alert">
      <SectionMessage appearance={code === 'no-snapshot' ? 'information' : 'error'} title={title ?? explain(code)}>
        {errors.map((e, i) => <p key={i} data-code={e.code}>{e.message}</p>)}
      </SectionMessage>
    </Box>
  );
}

// Warnings the backend carried with an answer, folded behind their count.
export function Warnings({ warnings, total = warnings?.length ?? 0 }) {
  const [open, setOpen] = useState(false);
  if (!warnings?.length) return null;
  return (
    <SectionMessage appearance="warning" title={`${plural(total, 'warning')} about the data`}
      actions={[<Button key="toggle" appearance="subtle" onClick={() => setOpen(!open)}>{open ? 'Hide them' : 'Show them'}</Button>]}>
      {open ? (
        <ul data-testid="warnings">
          {warnings.map((w, i) => <li key={i}><code>{w.code}</code> {w.message}</li>)}
        </ul>
      ) : <p>Some answers may be incomplete where Jira could not be read.</p>}
    </SectionMessage>
  );
}

const KINDS = {
  service: ['Service account', 'inprogress'],
  app: ['App', 'new'],
  unknown: ['Unknown type', 'moved'],
  human: ['Person', 'default'],
  shadow: ['Shadow-bot suspect', 'moved'],
};

export function KindLozenge({ kind }) {
  const [label, appearance] = KINDS[kind] ?? [kind, 'default'];
  return <Lozenge appearance={appearance}>{label}</Lozenge>;
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const SEVERITY_LOOK = { critical: 'removed', high: 'removed', medium: 'moved', low: 'default', info: 'inprogress' };
// The chart colour of each severity: tokens, so the bars re-theme with the page.
export const SEVERITY_COLOR = {
  critical: token('color.chart.danger.bold'),
  high: token('color.chart.danger'),
  medium: token('color.chart.warning'),
  low: token('color.chart.neutral'),
  info: token('color.chart.information'),
};

export function SeverityLozenge({ severity }) {
  if (!severity) return <Text color="color.text.subtlest">none</Text>;
  return <Lozenge appearance={SEVERITY_LOOK[severity] ?? 'default'} isBold={severity === 'critical'}>{severity}</Lozenge>;
}

// "ADD_COMMENTS" → "Add comments" when Jira's own name is not known.
export const keyAsWords = (key) => String(key).toLowerCase().replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

// A permission by the name Jira shows admins, its key on hover.
export function PermissionName({ permission, names }) {
  const name = names?.[permission]?.name ?? names?.[permission] ?? keyAsWords(permission);
  return (
    <Tooltip content={permission}>
      {(props) => <span {...props} tabIndex={0} data-permission={permission}>{typeof name === 'string' ? name : keyAsWords(permission)}</span>}
    </Tooltip>
  );
}

// A list that shows its first `limit` items and the rest on request, so long lists never crowd a row.
export function Collapsed({ items, limit = 5, render, label = 'more' }) {
  const [open, setOpen] = useState(false);
  const shown = open ? items : items.slice(0, limit);
  return (
    <Inline space="space.050" shouldWrap alignBlock="center">
      {shown.map(render)}
      {items.length > limit ? (
        <Button appearance="subtle" spacing="compact" onClick={() => setOpen(!open)}>
          {open ? 'show fewer' : `+${items.length - limit} ${label}`}
        </Button>
      ) : null}
    </Inline>
  );
}

export function PageHeader({ title, description, actions }) {
  return (
    <Stack space="space.100">
      <Inline spread="space-between" alignBlock="center" shouldWrap>
        <Heading size="large" as="h1">{title}</Heading>
        {actions}
      </Inline>
      {description ? <Text as="p" color="color.text.subtle">{description}</Text> : null}
    </Stack>
  );
}

// A bordered card of the page.
export function Panel({ title, children, testId, actions }) {
  return (
    <Box as="section" padding="space.200" backgroundColor="elevation.surface.raised"
      style={{ borderRadius: token('border.radius.200', '8px'), boxShadow: token('elevation.shadow.raised') }} testId={testId}>
      <Stack space="space.150">
        {title ? (
          <Inline spread="space-between" alignBlock="center">
            <Heading size="small" as="h2">{title}</Heading>
            {actions}
          </Inline>
        ) : null}
        {children}
      </Stack>
    </Box>
  );
}

// Loads a resolver's answer and renders `children(result, answer, reload)`, or its loading state
// or failure.
export function useAnswer(functionKey, payload) {
  const key = JSON.stringify(payload ?? null);
  const [state, setState] = useState({ answer: null, key: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    call(functionKey, payload).then((answer) => live && setState({ answer, key }));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [functionKey, key, tick]);
  return [state.key === key ? state.answer : null, () => setTick((t) => t + 1)];
}

export const ACTIVE = ['queued', 'running', 'waiting-for-quota'];
const POLL_MS = 1500;

const calls = (scan) => `${plural(scan.calls ?? 0, 'Jira call')} · about ${(scan.points ?? 0).toLocaleString('en')} points`;

// One line about the scan in progress or the last one.
export function scanStatusText(scan) {
  if (!scan) return 'No scan has run yet.';
  switch (scan.status) {
    case 'queued':
      return scan.jobs ? `Scanning: job ${scan.jobs + 1} is queued · ${plural(scan.jobs, 'job')} done · ${calls(scan)} so far` : 'Scan queued: it starts in a moment.';
    case 'running':
      return `Scanning: job ${scan.jobs + 1} is running · ${calls(scan)} so far`;
    case 'waiting-for-quota':
      return `Scan paused: ${scan.stoppedBy === 'quota' ? "Jira's points quota is used up" : "this hour's share of Jira's points quota is spent"}; it resumes at ${formatTime(scan.resumeAt)} · ${plural(scan.jobs, 'job')} done · ${calls(scan)} so far`;
    case 'failed':
      return `The last scan failed: ${scan.error?.message ?? 'no reason given'}`;
    default:
      return `Last scan finished ${formatTime(scan.finishedAt)} · ${plural(scan.jobs ?? 1, 'job')} · ${calls(scan)}${scan.refresh?.mode === 'incremental' ? ' (incremental, from the audit log)' : ''}`;
  }
}

// The scan in progress or the last one (polled while one runs), with Rescan for Jira admins.
// `onFinished` runs when a scan it watched ends, so the view shows the new data.
// With `autoStart`, a site never scanned gets its first scan as soon as an admin opens the page.
export function ScanBar({ canRescan = false, autoStart = false, onFinished }) {
  const [answer, setAnswer] = useState(null);
  const [generation, setGeneration] = useState(0);
  const watched = useRef(false);
  useEffect(() => {
    let live = true;
    let timer = null;
    const poll = async () => {
      const next = await call('scanStatus');
      if (!live) return;
      setAnswer(next);
      if (autoStart && canRescan && next.type === 'success' && !next.result.scan && generation === 0) {
        rescan();
        return;
      }
      if (next.type === 'success' && ACTIVE.includes(next.result.scan?.status)) {
        watched.current = true;
        timer = setTimeout(poll, POLL_MS);
      } else if (watched.current) {
        watched.current = false;
        onFinished?.();
      }
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [generation]);
  const scan = answer?.type === 'success' ? answer.result.scan : null;
  const active = Boolean(scan && ACTIVE.includes(scan.status));
  const [starting, setStarting] = useState(false);
  const rescan = async () => {
    setStarting(true);
    const started = await call('startScan');
    setStarting(false);
    setAnswer(started);
    if (started.type === 'success') {
      // The page shows the new data when this scan ends, however quickly it does.
      watched.current = true;
      setGeneration((g) => g + 1);
    }
  };
  return (
    <Stack space="space.100" testId="scan-bar">
      <Inline space="space.200" alignBlock="center" spread="space-between" shouldWrap>
        <Box role="status" testId="scan-status">
          <Text as="p" color={scan?.status === 'failed' || answer?.type === 'failure' ? 'color.text.danger' : 'color.text.subtle'}>
            {answer === null ? 'Reading the scan status…' : answer.type === 'success' ? scanStatusText(scan) : `Scan status unavailable: ${answer.errors.map((e) => e.message).join('; ')}`}
          </Text>
        </Box>
        {canRescan ? <Button appearance="primary" isDisabled={active || starting} onClick={rescan} testId="rescan">Rescan</Button> : null}
      </Inline>
      {active ? <ProgressBar ariaLabel="Scan in progress" isIndeterminate /> : null}
    </Stack>
  );
}
