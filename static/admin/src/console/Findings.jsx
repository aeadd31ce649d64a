import { PageHeader, Stack } from '../../../shared/components.jsx';

export function Findings() {
  return <Stack space="space.200"><PageHeader title="Findings" /></Stack>;
}
