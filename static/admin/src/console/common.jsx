// What every console view shares: its answer's loading and failure states, and the line saying
// which scan (and which computation of the findings) it shows.
import EmptyState from '@atlaskit/empty-state';
import { Failure, Inline, Loading, ScanBar, Stack, Text, useAnswer } from '../../../shared/components.jsx';
import { formatTime } from '../../../shared/format.js';

// Loads `functionKey` and renders `children(result, reload)` once it answered.
export function Answer({ functionKey, payload, children, loading }) {
  const [answer, reload] = useAnswer(functionKey, payload);
  if (!answer) return <Loading label={loading ?? 'Loading…'} />;
  if (answer.type !== 'success' && answer.errors?.[0]?.code === 'no-snapshot') {
    // Before the first scan there is nothing to show but the way to start one.
    return (
      <Stack space="space.200">
        <EmptyState header="No scan yet" description="Steward reads your site's permission schemes, roles, groups and accounts in a background scan, then shows every bot and how it got its access. A scan of a large site takes a while; you can leave the page." />
        <ScanBar canRescan autoStart onFinished={reload} />
      </Stack>
    );
  }
  if (answer.type !== 'success') return <Failure answer={answer} />;
  return children(answer.result, reload, answer.warnings);
}

export function AsOf({ scan, products }) {
  if (!scan) return null;
  return (
    <Inline space="space.100" shouldWrap>
      <Text size="small" color="color.text.subtlest" testId="data-as-of">
        Data as of <time dateTime={scan.collectedAt}>{formatTime(scan.collectedAt)}</time>
        {products?.pending ? ` · findings are being recomputed (${products.reason})` : ''}
      </Text>
    </Inline>
  );
}

export const accountPath = (accountId) => `/accounts/${encodeURIComponent(accountId)}`;
