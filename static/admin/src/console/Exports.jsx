// Exports of the stored scan, downloaded as files: inventory, access (whole or one account),
// findings as CSV or JSON, and the Markdown report `steward audit --format markdown` writes. The
// backend writes every text (CSV cells neutralised as the CLI does); the page only saves it.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import { Box, Inline, PageHeader, Panel, Stack, Text } from '../../../shared/components.jsx';
import { call } from '../../../shared/bridge.js';
import { saveFile } from '../../../shared/download.js';

// Fetches every part of an export and joins them.
async function fetchExport(payload) {
  const first = await call('consoleExport', payload);
  if (first.type !== 'success') return first;
  const { parts = 1 } = first.result;
  const texts = [first.result.text];
  for (let part = 1; part < parts; part += 1) {
    const next = await call('consoleExport', { ...payload, part });
    if (next.type !== 'success') return next;
    texts.push(next.result.text);
  }
  return { type: 'success', result: { ...first.result, text: texts.join('') } };
}

const save = ({ fileName, mimeType, text }) => saveFile(fileName, mimeType, text);

const EXPORTS = [
  { kind: 'inventory', title: 'Inventory', text: 'One row per account: kind, status, owner, highest finding, projects, global permissions, next review.', formats: ['csv', 'json'] },
  { kind: 'access', title: 'Access', text: 'One row per account, project and permission held, with the paths.', formats: ['csv', 'json'] },
  { kind: 'findings', title: 'Findings', text: 'Every finding with its severity, rule, account, project, message and fix.', formats: ['csv', 'json'] },
  { kind: 'report', title: 'Audit report', text: 'The Markdown report the headless audit writes: for auditors and change tickets.', formats: ['markdown'] },
];
const FORMAT_NAMES = { csv: 'CSV', json: 'JSON', markdown: 'Markdown' };

export function Exports() {
  const [busy, setBusy] = useState(null);
  const [result, setResult] = useState(null);
  const [accountId, setAccountId] = useState('');
  async function download(payload, label) {
    setBusy(label);
    setResult(null);
    const answer = await fetchExport(payload);
    setBusy(null);
    if (answer.type === 'success') {
      save(answer.result);
      setResult({ ok: true, text: `Downloaded ${answer.result.fileName}.` });
    } else {
      setResult({ ok: false, text: answer.errors.map((e) => e.message).join('; ') });
    }
  }
  return (
    <Stack space="space.200">
      <PageHeader title="Exports" description="Files from the latest stored scan. Spreadsheet cells that could run as formulas are neutralised." />
      <Box data-ready="exports" />
      {result ? <SectionMessage appearance={result.ok ? 'success' : 'error'}><Box role="status"><Text>{result.text}</Text></Box></SectionMessage> : null}
      {EXPORTS.map((e) => (
        <Panel key={e.kind} title={e.title}>
          <Text color="color.text.subtle">{e.text}</Text>
          <Inline space="space.100">
            {e.formats.map((format) => {
              const label = `${e.title} as ${FORMAT_NAMES[format]}`;
              return <Button key={format} isDisabled={busy !== null} onClick={() => download({ kind: e.kind, format }, label)}>{busy === label ? 'Preparing…' : `Download ${label}`}</Button>;
            })}
          </Inline>
        </Panel>
      ))}
      <Panel title="One account's access">
        <Inline space="space.100" alignBlock="end" shouldWrap>
          <Box style={{ minWidth: 320 }}><Textfield aria-label="Account id" placeholder="Account id (from the account's page)" value={accountId} onChange={(ev) => setAccountId(ev.target.value.trim())} isCompact /></Box>
          {['csv', 'json'].map((format) => (
            <Button key={format} isDisabled={!accountId || busy !== null} onClick={() => download({ kind: 'access-account', format, accountId }, `account ${format}`)}>Download as {FORMAT_NAMES[format]}</Button>
          ))}
        </Inline>
      </Panel>
    </Stack>
  );
}
