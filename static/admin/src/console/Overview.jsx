import { PageHeader, Stack } from '../../../shared/components.jsx';

export function Overview() {
  return <Stack space="space.200"><PageHeader title="Overview" /></Stack>;
}
