import { PageHeader, Stack } from '../../../shared/components.jsx';

export function AccountDetail() {
  return <Stack space="space.200"><PageHeader title="AccountDetail" /></Stack>;
}
