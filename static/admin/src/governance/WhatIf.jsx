// The what-if tool: pick changes (a role actor, a group member, a scheme grant, a project's scheme)
// and see who would gain or lose which permissions, security levels and transitions, where. The
// answer is computed by a job from the latest scan; nothing is applied from this view.
import { useEffect, useState } from 'react';
import Button from '@atlaskit/button/new';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { Box, Failure, Inline, PageHeader, Panel, Stack, Text } from '../../../shared/components.jsx';
import { FieldRow, Table, WhatIfDiff, runJob } from './common.jsx';
import { nameOf, readReviews } from './Register.jsx';

const OPS = [
  { value: 'removeRoleActor:user', label: 'Remove a user from a project role', op: 'removeRoleActor', fields: ['project', 'roleId', 'accountId'] },
  { value: 'addRoleActor:user', label: 'Add a user to a project role', op: 'addRoleActor', fields: ['project', 'roleId', 'accountId'] },
  { value: 'removeRoleActor:group', label: 'Remove a group from a project role', op: 'removeRoleActor', fields: ['project', 'roleId', 'groupId'] },
  { value: 'addRoleActor:group', label: 'Add a group to a project role', op: 'addRoleActor', fields: ['project', 'roleId', 'groupId'] },
  { value: 'removeGroupMember', label: 'Remove a user from a group', op: 'removeGroupMember', fields: ['groupId', 'accountId'] },
  { value: 'addGroupMember', label: 'Add a user to a group', op: 'addGroupMember', fields: ['groupId', 'accountId'] },
  { value: 'addGrant', label: 'Add a grant to a permission scheme', op: 'addGrant', fields: ['schemeId', 'permission', 'holderType', 'holderParameter'] },
  { value: 'removeGrant', label: 'Remove a grant from a permission scheme', op: 'removeGrant', fields: ['schemeId', 'grantId'] },
  { value: 'setProjectScheme', label: "Change a project's permission scheme", op: 'setProjectScheme', fields: ['project', 'schemeId'] },
];
const LABELS = {
  project: 'Project key', roleId: 'Role id', accountId: 'Account id', groupId: 'Group id', schemeId: 'Permission scheme id',
  permission: 'Permission key', holderType: 'Holder type (user, group, projectRole, anyone, applicationRole…)', holderParameter: 'Holder (account, group, role id)', grantId: 'Grant id',
};

function changeOf(kind, values) {
  const change = { op: kind.op };
  for (const field of kind.fields) {
    const value = (values[field] ?? '').trim();
    if (field === 'holderType') change.holder = { type: value, ...(values.holderParameter?.trim() ? { parameter: values.holderParameter.trim(), value: values.holderParameter.trim() } : {}) };
    else if (field !== 'holderParameter') change[field] = value;
  }
  return change;
}

const describe = (c) => Object.entries(c).filter(([k]) => k !== 'op').map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : k === 'accountId' ? nameOf(v) : v}`).join(', ');

export function WhatIf() {
  const [kind, setKind] = useState(OPS[0]);
  const [values, setValues] = useState({});
  const [changes, setChanges] = useState([]);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState(null);
  const [accounts, setAccounts] = useState([]);
  useEffect(() => {
    readReviews().then((a) => a.type === 'success' && setAccounts(Object.entries(a.result.access)));
  }, []);
  const missing = kind.fields.filter((f) => f !== 'holderParameter' && !(values[f] ?? '').trim());
  const run = async () => {
    setBusy(true);
    setAnswer(null);
    setAnswer(await runJob('whatIf', { changes }));
    setBusy(false);
  };
  return (
    <Stack space="space.200">
      <PageHeader title="What-if" description="See whose access a change would change, and where, before anyone touches Jira. Nothing is applied from this view." />
      <Panel title="Changes to try">
        <span data-ready="whatif" hidden />
        <FieldRow id="whatif-op" label="Change">
          {(p) => <Select inputId={p.id} options={OPS} value={kind} onChange={(o) => { setKind(o); setValues({}); }} />}
        </FieldRow>
        {kind.fields.map((field) => (
          <FieldRow key={field} id={`whatif-${field}`} label={LABELS[field]}>
            {(p) => <Textfield {...p} value={values[field] ?? ''} list={field === 'accountId' ? 'whatif-accounts' : undefined} onChange={(e) => { const { value } = e.target; setValues((v) => ({ ...v, [field]: value })); }} />}
          </FieldRow>
        ))}
        <datalist id="whatif-accounts">{accounts.map(([id, a]) => <option key={id} value={id}>{a.displayName}</option>)}</datalist>
        <Inline space="space.100">
          <Button onClick={() => { setChanges((c) => [...c, changeOf(kind, values)]); setValues({}); setAnswer(null); }} isDisabled={missing.length > 0}>Add this change</Button>
        </Inline>
        <Table caption="Changes to try together" columns={['Change', 'Details', '']} testId="whatif-changes" empty="No change added yet."
          rows={changes.map((c, i) => ({ key: i, cells: [OPS.find((o) => o.op === c.op)?.label ?? c.op, describe(c),
            <Button key="x" spacing="compact" appearance="subtle" onClick={() => setChanges((list) => list.filter((_, j) => j !== i))} aria-label={`Remove change ${i + 1}`}>Remove</Button>] }))} />
        <Inline space="space.100" alignBlock="center">
          <Button appearance="primary" onClick={run} isDisabled={busy || !changes.length}>{busy ? 'Working it out…' : 'Show who gains or loses'}</Button>
          <Text size="small" color="color.text.subtlest">Computed from the latest scan; Jira is not changed.</Text>
        </Inline>
      </Panel>
      {answer?.type === 'failure' ? <Failure answer={answer} title="The changes cannot be tried" /> : null}
      {answer?.type === 'success' ? (
        <Panel title="Who gains or loses what" testId="whatif-result">
          <SectionMessage appearance="information"><Text as="p">Nothing was applied. This is what Jira would answer after these changes, from the latest scan.</Text></SectionMessage>
          <WhatIfDiff whatIf={answer.result.whatIf} />
        </Panel>
      ) : null}
    </Stack>
  );
}
