import { PageHeader, Stack } from '../../../shared/components.jsx';

export function Accounts() {
  return <Stack space="space.200"><PageHeader title="Accounts" /></Stack>;
}
