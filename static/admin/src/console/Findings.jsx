// Findings grouped by rule, most severe first, filtered by severity and project; each group opens
// the accounts and projects it concerns, with the reason and the fix.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { Box, Inline, PageHeader, Panel, SeverityLozenge, SEVERITIES, Stack, Text } from '../../../shared/components.jsx';
import { plural } from '../../../shared/format.js';
import { navigate } from '../../../shared/router.js';
import { accountPath, Answer, AsOf } from './common.jsx';

const PROJECT = /^[A-Z][A-Z0-9_]{0,254}$/;

function Group({ group, open, onToggle }) {
  return (
    <Panel testId={`rule-${group.rule}`}>
      <Inline space="space.100" alignBlock="center" spread="space-between" shouldWrap>
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <SeverityLozenge severity={group.severity} />
          <Text weight="bold">{group.title}</Text>
          <Lozenge>{group.count}</Lozenge>
          <Text size="small" color="color.text.subtlest"><code>{group.rule}</code></Text>
        </Inline>
        <Button appearance="subtle" aria-expanded={open} onClick={onToggle}>{open ? 'Hide' : `Show ${plural(group.count, 'finding')}`}</Button>
      </Inline>
      <Text size="small"><strong>Why it matters:</strong> {group.reason}</Text>
      <Text size="small"><strong>Fix:</strong> {group.fix}</Text>
      {open ? (
        <Stack space="space.100">
          {group.projects.length ? <Text size="small">Projects: {group.projects.join(', ')}</Text> : null}
          <ul style={{ margin: 0 }}>
            {group.items.map((item, i) => {
              const account = group.accounts.find((a) => a.accountId === item.accountId);
              return (
                <li key={i}>
                  <Inline space="space.100" alignBlock="center" shouldWrap>
                    {item.accountId ? <Button appearance="subtle" spacing="compact" onClick={() => navigate(accountPath(item.accountId))}>{account?.displayName || item.accountId}</Button> : null}
                    {item.project ? <Lozenge>{item.project}</Lozenge> : null}
                    <Text>{item.message}</Text>
                  </Inline>
                </li>
              );
            })}
          </ul>
          {group.more ? <Text size="small" color="color.text.subtle">and {plural(group.more, 'more finding')}: the export has them all.</Text> : null}
        </Stack>
      ) : null}
    </Panel>
  );
}

export function Findings({ params }) {
  const [severity, setSeverity] = useState(params?.severity && SEVERITIES.includes(params.severity) ? params.severity : null);
  const [project, setProject] = useState('');
  const [openRule, setOpenRule] = useState(params?.rule ?? null);
  const key = project.trim().toUpperCase();
  const payload = { ...(severity ? { severity } : {}), ...(PROJECT.test(key) ? { project: key } : {}) };
  return (
    <Stack space="space.200">
      <PageHeader title="Findings" description="What is riskier or broader than it needs to be, by rule, with why it matters and how to fix it." />
      <Inline space="space.100" alignBlock="end" shouldWrap>
        <Box style={{ minWidth: 200 }}>
          <Select inputId="findings-severity" aria-label="Severity" placeholder="Any severity" isClearable
            options={SEVERITIES.map((s) => ({ value: s, label: `${s} or above` }))}
            value={severity ? { value: severity, label: `${severity} or above` } : null}
            onChange={(o) => setSeverity(o?.value ?? null)} spacing="compact" />
        </Box>
        <Box style={{ minWidth: 200 }}>
          <Textfield aria-label="Project key" placeholder="Project key, e.g. PAY" value={project} onChange={(e) => setProject(e.target.value)} isCompact />
        </Box>
      </Inline>
      <Answer functionKey="consoleFindings" payload={payload} loading="Loading the findings…">
        {(f) => (
          <Stack space="space.200">
            <AsOf scan={f.scan} products={f.products} />
            <Box data-ready="findings" />
            <Inline space="space.100" shouldWrap>
              {SEVERITIES.map((s) => <Inline key={s} space="space.050" alignBlock="center"><SeverityLozenge severity={s} /><Text>{(f.counts[s] ?? 0).toLocaleString('en')}</Text></Inline>)}
            </Inline>
            {f.groups.length === 0 ? <Text color="color.text.subtle">No finding matches.</Text> : null}
            {f.groups.map((g) => <Group key={g.rule} group={g} open={openRule === g.rule} onToggle={() => setOpenRule(openRule === g.rule ? null : g.rule)} />)}
          </Stack>
        )}
      </Answer>
    </Stack>
  );
}
