import { PageHeader, Stack } from '../../../shared/components.jsx';

export function Exports() {
  return <Stack space="space.200"><PageHeader title="Exports" /></Stack>;
}
