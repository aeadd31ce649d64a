// Registry import and export: the registry's JSON (schema/registry-v1.schema.json) or CSV. An
// import is checked whole before anything is written; one bad row and nothing is imported, the
// row named by its line (CSV) or entry number (JSON) and its field.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import { RadioGroup } from '@atlaskit/radio';
import SectionMessage from '@atlaskit/section-message';
import TextArea from '@atlaskit/textarea';
import { Box, Inline, Panel, Stack, Text } from '../../../shared/components.jsx';
import { call } from '../../../shared/bridge.js';
import { saveFile } from '../../../shared/download.js';
import { FieldRow, Table, runJob } from './common.jsx';

const save = ({ filename, format, text }) => saveFile(filename, format === 'csv' ? 'text/csv' : 'application/json', text);

export function ImportExport({ onImported }) {
  const [format, setFormat] = useState('csv');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null);
  const [exported, setExported] = useState(null);

  const readFile = async (event) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setText(await file.text());
    setFormat(file.name.toLowerCase().endsWith('.json') ? 'json' : 'csv');
  };
  async function importNow() {
    setBusy(true);
    setResult(null);
    const answer = await runJob('importRegistry', { format, text });
    setBusy(false);
    if (answer.type === 'success') {
      setResult(answer.result.imported ? { ok: answer.result } : { problems: answer.result.problems });
      if (answer.result.imported) onImported?.();
    } else if (answer.errors[0]?.problems) setResult({ problems: answer.errors[0].problems, message: answer.errors[0].message });
    else setResult({ failure: answer.errors.map((e) => e.message).join('; ') });
  }
  async function exportNow(kind) {
    const answer = await call('exportRegistry', { format: kind });
    if (answer.type === 'success') {
      save(answer.result);
      setExported(`Downloaded ${answer.result.filename} (${answer.result.count} entries).`);
    } else setExported(answer.errors.map((e) => e.message).join('; '));
  }
  const where = (p) => (p.line ? `line ${p.line}` : p.entry ? `entry ${p.entry}` : 'the file');
  return (
    <Panel title="Import and export" testId="import-export">
      <Stack space="space.150">
        <Inline space="space.100">
          <Button onClick={() => exportNow('json')}>Export as JSON</Button>
          <Button onClick={() => exportNow('csv')}>Export as CSV</Button>
        </Inline>
        {exported ? <Box role="status"><Text size="small">{exported}</Text></Box> : null}
        <Text as="p" color="color.text.subtle">
          Import a spreadsheet of bots (CSV with a header row: accountId, owner, backupOwner, requester, approver, purpose, tool, credentialLocation,
          needProjects, needPermissions, needGlobal, needSecurityLevels, cadence, lastReview, nextDue, status, requestIssue) or a registry JSON file.
          Every row is checked first; if one is wrong, nothing is imported.
        </Text>
        <Stack space="space.050">
          <label htmlFor="registry-file"><Text weight="medium">Registry file</Text></label>
          <input id="registry-file" type="file" accept=".csv,.json,text/csv,application/json" onChange={readFile} />
        </Stack>
        <Text id="import-format-label" weight="medium">Format</Text>
        <RadioGroup name="import-format" aria-labelledby="import-format-label" value={format} onChange={(e) => setFormat(e.currentTarget.value)}
          options={[{ name: 'import-format', value: 'csv', label: 'CSV' }, { name: 'import-format', value: 'json', label: 'JSON' }]} />
        <FieldRow id="import-text" label="File contents" help="Filled from the file, or paste it here.">
          {(p) => <TextArea {...p} minimumRows={5} value={text} onChange={(e) => setText(e.target.value)} />}
        </FieldRow>
        <Inline>
          <Button appearance="primary" onClick={importNow} isDisabled={busy || !text.trim()}>{busy ? 'Checking every row…' : 'Import'}</Button>
        </Inline>
        {result?.ok ? (
          <Box role="status" testId="import-result">
            <SectionMessage appearance="success" title={`Imported ${result.ok.imported} entries`}>
              <Text as="p">{result.ok.created} registered, {result.ok.updated} updated, in one write.</Text>
            </SectionMessage>
          </Box>
        ) : null}
        {result?.failure ? <Box role="alert"><SectionMessage appearance="error" title="Not imported"><Text as="p">{result.failure}</Text></SectionMessage></Box> : null}
        {result?.problems ? (
          <Box role="alert" testId="import-problems">
            <SectionMessage appearance="error" title={`Nothing was imported: ${result.problems.length} problem(s)`}>
              <Table caption="Problems by row" columns={['Where', 'Account', 'Field', 'Problem']}
                rows={result.problems.map((p, i) => ({ key: i, cells: [where(p), p.accountId ?? '—', p.field ?? '—', p.message] }))} />
            </SectionMessage>
          </Box>
        ) : null}
      </Stack>
    </Panel>
  );
}
