// A grant path as a sentence a person follows ("member of role Service accounts in the project's
// scheme Default software scheme"), from the path as data the backend stores (docs/admin-console.md
// "A path as data"); the core's own line, with every id, is one click away.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack, Text } from '@atlaskit/primitives/compiled';

const em = (name) => <strong>{name || '(unnamed)'}</strong>;

function holder(via) {
  switch (via?.kind) {
    case 'anyone': return <>anyone, even without logging in</>;
    case 'any-logged-in': return <>any logged-in user</>;
    case 'application-role': return <>anyone with product access {em(via.key)}{via.group ? <> (through group {em(via.group)})</> : null}</>;
    case 'group': return <>member of group {em(via.name)}</>;
    case 'user': return <>this account, granted to it directly</>;
    case 'role': {
      const actor = via.actor?.kind === 'group' ? <> through group {em(via.actor.name)}</> : <> directly</>;
      return <>member of role {em(via.name)}{actor}</>;
    }
    case 'project-lead': return <>the project's lead</>;
    case 'reporter': return <>the issue's reporter</>;
    case 'assignee': return <>the issue's assignee</>;
    case 'user-field': return <>named in the issue's field {em(via.field)}</>;
    case 'group-field': return <>in a group named in the issue's field {em(via.field)}</>;
    case 'customer-portal': return <>a customer of the service desk portal</>;
    default: return <>{via?.kind ?? 'an unknown holder'}</>;
  }
}

function where(origin) {
  switch (origin?.kind) {
    case 'grant': return <> in the project's permission scheme {em(origin.schemeName)}</>;
    case 'level': return <> in issue security level {em(origin.levelName)} of scheme {em(origin.schemeName)}</>;
    case 'jira-check': return <> — Jira's own permission check says so</>;
    default: return null;
  }
}

export function PathSentence({ path }) {
  const [open, setOpen] = useState(false);
  return (
    <Stack space="space.050">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <Text>{holder(path.via)}{where(path.origin)}</Text>
        {path.conditional ? <Lozenge appearance="moved">only on some issues</Lozenge> : null}
        <Button appearance="subtle" spacing="compact" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? 'Hide ids' : 'Ids'}
        </Button>
      </Inline>
      {open ? <Text size="small" color="color.text.subtle"><code>{path.text}</code></Text> : null}
    </Stack>
  );
}

// A scheme grant's holder (why-not: what would give the permission).
export function HolderSentence({ holder: h }) {
  switch (h?.kind) {
    case 'role': return <>members of role {em(h.name)}</>;
    case 'group': return <>members of group {em(h.name)}</>;
    case 'user': return <>the user {em(h.name ?? h.id)}</>;
    case 'unknown': return <>a holder Steward does not know ({h.type ?? 'unknown type'})</>;
    default: return holder(h);
  }
}
